/*
 * fuzz_list.c: libFuzzer target for the archive listing: the input, as a
 * file, is scanned (tars of tars included) and every image found is
 * emitted, as pxr-list does.  Bounded: nothing is read past the input.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "list.h"
#include "pxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct pxr_list_sel sel = { 0, UINT64_MAX, NULL, 0 };
	struct pxr_writer *wr;
	struct pxr_list *l;
	struct pxr_err err;
	int fd, null;

	snprintf(path, sizeof(path), "/dev/shm/pxr-fuzz-list-%d.tar",
	    (int)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	null = open("/dev/null", O_WRONLY);
	l = pxr_list_new(quiet, NULL);
	(void)pxr_list_add_match(l, "*", &err);
	wr = pxr_writer_fdopen(null, "null", PXR_WRITER_FORCE, &err);
	if (l != NULL && wr != NULL && pxr_list_scan(l, path, &err) == 0) {
		pxr_list_sort(l);
		(void)pxr_list_emit(l, &sel, wr, &err);
	}
	pxr_writer_close(wr, &err);
	pxr_list_free(l);
	close(null);
	unlink(path);
	return 0;
}
