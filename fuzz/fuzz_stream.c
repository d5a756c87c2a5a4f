/*
 * fuzz_stream.c: libFuzzer target for the pxr stream reader.  Every input
 * must end in records, a clean end, or an error: never a crash, a hang or an
 * allocation beyond what the input holds.
 */
#define _GNU_SOURCE /* memfd_create */
#include <sys/mman.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "pxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads fd again as pxr-label does: headers first, then each payload
 * either forwarded unread (to /dev/null, so copied) or read and checked,
 * by turns, until the end or an error. */
static void
forward_all(int fd)
{
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	int out, n = 0;

	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    (out = open("/dev/null", O_WRONLY)) == -1)
		return;
	if ((rd = pxr_reader_fdopen(fd, "fuzz", &err)) == NULL ||
	    (wr = pxr_writer_fdopen(out, "null", PXR_WRITER_FORCE, &err)) ==
		NULL) {
		pxr_reader_close(rd);
		close(out);
		return;
	}
	pxr_record_init(&rec);
	while (pxr_read_head(rd, &rec, &err) == 1) {
		if (n++ % 2 == 0 ? pxr_forward(rd, wr, &rec, &err) == -1
				 : pxr_read_payload(rd, &rec, &err) == -1)
			break;
	}
	pxr_writer_close(wr, &err);
	pxr_reader_close(rd);
	close(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	int fd, r, rounds = 0;

	if ((fd = memfd_create("fuzz", 0)) == -1)
		return 0;
	if (write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) == -1) {
		close(fd);
		return 0;
	}
	if ((rd = pxr_reader_fdopen(fd, "fuzz", &err)) == NULL) {
		close(fd);
		return 0;
	}
	pxr_record_init(&rec);
	/* Read as pxr-cat --check does: past payload errors, resync after
	 * header errors.  Each round consumes input, so this ends. */
	while (rounds++ < 100000) {
		r = pxr_read(rd, &rec, &err);
		if (r == 0)
			break;
		if (r == 1) {
			if (pxr_record_check(&rec, &err) != 0)
				PXR_BUG("reader returned a record that fails "
					"the check");
			continue;
		}
		if (err.code == PXR_E_IO)
			break;
		if (err.code != PXR_E_PAYLOAD_CRC &&
		    pxr_reader_resync(rd, &err) != 1)
			break;
	}
	pxr_reader_close(rd);
	forward_all(fd);
	close(fd);
	return 0;
}
