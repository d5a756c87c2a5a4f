/*
 * opts.c: what every program does the same way around its options (fe.h):
 * its start, the usage, strict numbers (a number must parse completely),
 * the version text, and whole-file reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <jpeglib.h>
#include <png.h>

#include "fe.h"

void
fe_start(const char *argv0)
{
	fe_setprogname(argv0);
	/* A reader that goes away: EPIPE, on which the program exits 2
	 * (fe_fatal), not a death by signal (the library leaves signals to
	 * the programs). */
	signal(SIGPIPE, SIG_IGN);
}

void
fe_usage(const struct fe_prog *p, const char *fmt, ...)
{
	if (fmt != NULL) {
		va_list ap;

		fprintf(stderr, "%s: ", fe_getprogname());
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs(p->usage, stderr);
	exit(2);
}

int
fe_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
fe_parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char buf[64], *x;
	uint64_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((x = strchr(buf, 'x')) == NULL) {
		if (fe_parse_u64(buf, 1, PXR_DIM_MAX, &a) == -1)
			return -1;
		*w = *h = (uint32_t)a;
		return 0;
	}
	*x = '\0';
	if (fe_parse_u64(buf, 1, PXR_DIM_MAX, &a) == -1 ||
	    fe_parse_u64(x + 1, 1, PXR_DIM_MAX, &b) == -1)
		return -1;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return 0;
}

void
fe_print_version(void)
{
	printf("%s (pxr) %s\n", fe_getprogname(), PXR_VERSION_STRING);
	printf("pxr stream format %d; libjpeg-turbo %d.%d.%d; %s; libpng %s\n",
	    PXR_FORMAT_VERSION, LIBJPEG_TURBO_VERSION_NUMBER / 1000000,
	    LIBJPEG_TURBO_VERSION_NUMBER / 1000 % 1000,
	    LIBJPEG_TURBO_VERSION_NUMBER % 1000, archive_version_string(),
	    png_get_libpng_ver(NULL));
}

char *
fe_read_all(const char *path, size_t max, size_t *len, struct pxr_err *err)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0, cap = 0;
	char *buf = NULL;

	if (fd == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (got + 1 >= cap) {
			size_t want = cap ? cap * 2 : 65536;
			char *p;

			if (want > max + 2)
				want = max + 2;
			if (want <= cap) {
				pxr_seterr(err, PXR_E_FORMAT,
				    "%s: larger than %zu bytes", path, max);
				goto fail;
			}
			if ((p = realloc(buf, want)) == NULL) {
				pxr_seterr(err, PXR_E_NOMEM,
				    "%s: out of memory", path);
				goto fail;
			}
			buf = p;
			cap = want;
		}
		n = read(fd, buf + got, cap - got - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			pxr_seterr(err, PXR_E_IO, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			pxr_seterr(err, PXR_E_FORMAT,
			    "%s: larger than %zu bytes", path, max);
			goto fail;
		}
	}
	if (fd != 0)
		close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	if (fd != 0)
		close(fd);
	free(buf);
	return NULL;
}
