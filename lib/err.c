/*
 * err.c: errors of the library: it fills a caller's struct pxr_err and
 * never prints (cmd/fe/msg.c prints for the programs), but for a bug.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxr.h"

int
pxr_seterr(struct pxr_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
pxr_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s: BUG: %s:%d: %s\n", program_invocation_short_name,
	    file, line, what);
	abort();
}
