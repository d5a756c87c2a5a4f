/*
 * err.c: the one place pxr programs print messages and exit.  Lib code
 * only fills struct pxr_err through pxr_seterr(); cmd/ prints it here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxr.h"

/* Set once by main() before anything else runs. */
static const char *progname = "pxr";

void
pxr_setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash != NULL ? slash + 1 : argv0;
}

const char *
pxr_getprogname(void)
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
pxr_warn(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(errnum, fmt, ap);
	va_end(ap);
}

void
pxr_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(0, fmt, ap);
	va_end(ap);
}

void
pxr_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
pxr_warn_record(const struct pxr_record *rec, const char *what)
{
	fprintf(stderr, "%s: %s#%llu: %s\n", progname,
	    rec->name != NULL ? rec->name : "",
	    (unsigned long long)rec->index, what);
}

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
	fprintf(stderr, "%s: BUG: %s:%d: %s\n", progname, file, line, what);
	abort();
}
