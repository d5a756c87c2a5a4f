/*
 * msg.c: the program's messages, "prog: ..." on the standard error (fe.h).
 * The library only fills struct pxr_err; the programs print it here.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
fe_fatal(const struct pxr_err *err)
{
	if (err->code == PXR_E_PIPE)
		exit(2);
	fe_die(2, "%s", err->msg);
}

/* Whether fd is a pipe whose reader has gone: poll(2) says POLLERR. */
static int
reader_gone(int fd)
{
	struct pollfd p = { fd, POLLOUT, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

void
fe_flush_stdout(void)
{
	int e;

	errno = 0;
	if (fflush(stdout) != EOF && !ferror(stdout))
		return;
	e = errno;
	if (e == EPIPE || reader_gone(STDOUT_FILENO))
		exit(2);
	if (e != 0)
		fe_die(2, "write error on <stdout>: %s", strerror(e));
	fe_die(2, "write error on <stdout>");
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
