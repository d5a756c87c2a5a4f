/*
 * failclose.c: an LD_PRELOAD shim for the tests.  close(2) fails with EIO
 * for a file whose name contains "pxr-eio" and that was written through
 * that fd (pwrite), as NFS reports at close a write-back that failed; the
 * fd is closed all the same, as Linux does.  Other calls are the
 * system's.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The fds written since they were opened (below 1024). */
static unsigned char written[1024];

/* Whether fd is a file whose name contains "pxr-eio". */
static int
marked(int fd)
{
	char link[64], name[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, name, sizeof(name) - 1)) == -1)
		return 0;
	name[n] = '\0';
	return strstr(name, "pxr-eio") != NULL;
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t r = syscall(SYS_pwrite64, fd, buf, n, off);

	if (r > 0 && fd >= 0 && fd < 1024)
		written[fd] = 1;
	return r;
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite64(fd, buf, n, off);
}

int
close(int fd)
{
	int fail = fd >= 0 && fd < 1024 && written[fd] && marked(fd);

	if (fd >= 0 && fd < 1024)
		written[fd] = 0;
	if (syscall(SYS_close, fd) == -1)
		return -1;
	if (fail) {
		errno = EIO;
		return -1;
	}
	return 0;
}
