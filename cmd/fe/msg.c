/*
 * msg.c: the program's messages, "prog: ..." on the standard error (fe.h).
 * The library only fills struct pxr_err; the programs print it here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

/* Set once by fe_start() before anything else runs. */
static const char *progname = "pxr";

void
fe_setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash != NULL ? slash + 1 : argv0;
}

const char *
fe_getprogname(void)
{
	return progname;
}

__attribute__((format(printf, 2, 0))) static void
vwarn_common(int errnum, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
fe_warn(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(errnum, fmt, ap);
	va_end(ap);
}

void
fe_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(0, fmt, ap);
	va_end(ap);
}

void
fe_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
fe_warn_record(const struct pxr_record *rec, const char *what)
{
	fprintf(stderr, "%s: %s#%llu: %s\n", progname,
	    rec->name != NULL ? rec->name : "", (unsigned long long)rec->index,
	    what);
}

void
fe_warn_line(void *ctx, const char *msg)
{
	(void)ctx;
	fe_warnx("%s", msg);
}
