/*
 * plan_io.c: the plan's whole-file reads and writes and its messages
 * (plan_int.h), which every part of it uses.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan_int.h"

void
plan_note(pxr_warn_fn warn, void *ctx, const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	if (warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(ctx, msg);
}

int
plan_save(const char *path, const char *buf, size_t len, struct pxr_err *err)
{
	char tmp[PATH_MAX + 32], dir[PATH_MAX];
	ssize_t w = 0;
	int fd, dfd;
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) ==
	    -1)
		return pxr_seterr(err, PXR_E_IO, "%s: cannot write it (%s)",
		    path, strerror(errno));
	for (size_t done = 0; done < len; done += (size_t)w)
		if ((w = write(fd, buf + done, len - done)) <= 0)
			break;
	if (w < 0 || (len > 0 && w == 0) || fsync(fd) == -1) {
		int e = w == 0 && len > 0 ? ENOSPC : errno;

		close(fd);
		unlink(tmp);
		return pxr_seterr(err, PXR_E_IO, "%s: cannot write it (%s)",
		    path, strerror(e));
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		int e = errno;

		unlink(tmp);
		return pxr_seterr(err, PXR_E_IO, "%s: cannot write it (%s)",
		    path, strerror(e));
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd); /* a folder some file systems cannot sync */
		close(dfd);
	}
	return 0;
}

char *
plan_read_file(const char *path, size_t max, size_t *len, struct pxr_err *err)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (n + 4096 + 1 > cap) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (b == NULL || cap > max + 65536) {
				free(b != NULL ? b : buf);
				fclose(fp);
				pxr_seterr(err, PXR_E_FORMAT,
				    "%s: larger than %zu bytes", path, max);
				return NULL;
			}
			buf = b;
		}
		n += r = fread(buf + n, 1, cap - n - 1, fp);
	} while (r > 0);
	if (ferror(fp) || n > max) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    n > max ? "too large" : strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	fclose(fp);
	return buf;
}
