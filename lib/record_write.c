/*
 * record_write.c: the writer of pxr streams: records written whole, or a
 * payload spliced from a file.  Forwarding a reader's payload unread is
 * record_forward.c's.
 */
#define _GNU_SOURCE /* splice */
#include "record_int.h"

struct pxr_writer *
pxr_writer_fdopen(int fd, const char *name, int flags, struct pxr_err *err)
{
	struct pxr_writer *wr;

	if (!(flags & PXR_WRITER_FORCE) && isatty(fd)) {
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: refusing to write binary records to a terminal "
		    "(use -f to force)",
		    name);
		return NULL;
	}
	if ((wr = calloc(1, sizeof(*wr))) == NULL ||
	    (wr->name = strdup(name)) == NULL) {
		free(wr);
		pxr_seterr(err, PXR_E_NOMEM, "%s: out of memory", name);
		return NULL;
	}
	wr->fd = fd;
	/* A closed reader gives EPIPE (PXR_E_PIPE) where the program
	 * ignores SIGPIPE, as every pxr program does (cmd/fe: fe_start). */
	record_grow_pipe(fd);
	return wr;
}

struct pxr_writer *
pxr_writer_open(const char *path, int flags, struct pxr_err *err)
{
	struct pxr_writer *wr;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return pxr_writer_fdopen(STDOUT_FILENO, "<stdout>", flags, err);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((wr = pxr_writer_fdopen(fd, path, flags | PXR_WRITER_FORCE, err)) ==
	    NULL) {
		close(fd);
		return NULL;
	}
	wr->own_fd = 1;
	return wr;
}

int
record_write_error(const struct pxr_writer *wr, struct pxr_err *err)
{
	int e = errno;

	return pxr_seterr(err, e == EPIPE ? PXR_E_PIPE : PXR_E_IO,
	    "write error on %s: %s", wr->name, strerror(e));
}

/* writev(2) until every byte is out; EINTR and short writes retried, and
 * a non-blocking output (one the caller inherited so) waited for. */
int
record_write_all(struct pxr_writer *wr, struct iovec *iov, int cnt,
    struct pxr_err *err)
{
	while (cnt > 0) {
		ssize_t n = writev(wr->fd, iov, cnt);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd p = { wr->fd, POLLOUT, 0 };

				(void)poll(&p, 1, -1);
				continue;
			}
			return record_write_error(wr, err);
		}
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/*
 * Checks rec and writes its header (with payload_crc) and name, then the n
 * bytes at p, the payload or its first part, in one writev.
 */
int
record_write_head(struct pxr_writer *wr, const struct pxr_record *rec,
    uint32_t payload_crc, const unsigned char *p, size_t n, struct pxr_err *err)
{
	unsigned char hdr[PXR_HEADER_SIZE];
	struct iovec iov[3];
	struct pxr_err ferr;

	if (pxr_record_check(rec, &ferr) == -1)
		return pxr_seterr(err, ferr.code, "%s: %s#%llu: %s", wr->name,
		    rec->name, (unsigned long long)rec->index, ferr.msg);
	pxr_header_encode(hdr, rec, payload_crc);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)rec->name;
	iov[1].iov_len = rec->name_len;
	iov[2].iov_base = (void *)(uintptr_t)p;
	iov[2].iov_len = n;
	return record_write_all(wr, iov, n > 0 ? 3 : 2, err);
}

int
pxr_write(struct pxr_writer *wr, const struct pxr_record *rec,
    struct pxr_err *err)
{
	return record_write_head(wr, rec,
	    pxr_crc32c(0, rec->payload, rec->payload_len), rec->payload,
	    rec->payload_len, err);
}

int
pxr_write_from_fd(struct pxr_writer *wr, const struct pxr_record *rec, int fd,
    int64_t off, struct pxr_err *err)
{
	struct iovec rest;
	loff_t at = off;
	size_t moved = 0;

	if (record_write_head(wr, rec,
		pxr_crc32c(0, rec->payload, rec->payload_len), NULL, 0,
		err) == -1)
		return -1;
	while (moved < rec->payload_len) {
		ssize_t r = splice(fd, &at, wr->fd, NULL,
		    rec->payload_len - moved, SPLICE_F_MORE);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EPIPE)
			return record_write_error(wr, err);
		/* Not a pipe, or the file changed under us: the rest from
		 * the bytes the checksum was computed on. */
		if (r <= 0)
			break;
		moved += (size_t)r;
	}
	rest.iov_base = (void *)(uintptr_t)(rec->payload + moved);
	rest.iov_len = rec->payload_len - moved;
	return rest.iov_len > 0 ? record_write_all(wr, &rest, 1, err) : 0;
}

int
pxr_writer_close(struct pxr_writer *wr, struct pxr_err *err)
{
	int r = 0;

	if (wr == NULL)
		return 0;
	if (wr->own_fd && close(wr->fd) == -1)
		r = pxr_seterr(err, PXR_E_IO, "write error on %s: %s", wr->name,
		    strerror(errno));
	free(wr->name);
	free(wr);
	return r;
}
