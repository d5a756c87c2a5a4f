/*
 * record_write.c: the writer of pxr streams, and the forwarding of a
 * payload unread (spliced from pipe to pipe where it can).
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ, splice */
#include "record_int.h"

/* The reader's and the writer's: a pipe's buffer made PIPE_SIZE
 * (F_SETPIPE_SZ) where the kernel allows; anything else is left as it
 * is. */
void
record_grow_pipe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
}

/* ---- writer ---- */

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
	/* A closed reader gives "write error on <name>: Broken pipe" where
	 * the program ignores SIGPIPE, as every pxr program does (cmd/fe:
	 * fe_start). */
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

/* writev(2) until every byte is out; EINTR and short writes retried, and
 * a non-blocking output (one the caller inherited so) waited for. */
static int
write_all(struct pxr_writer *wr, struct iovec *iov, int cnt,
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
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: %s", wr->name, strerror(errno));
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
static int
write_head(struct pxr_writer *wr, const struct pxr_record *rec,
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
	return write_all(wr, iov, n > 0 ? 3 : 2, err);
}

int
pxr_write(struct pxr_writer *wr, const struct pxr_record *rec,
    struct pxr_err *err)
{
	return write_head(wr, rec,
	    pxr_crc32c(0, rec->payload, rec->payload_len), rec->payload,
	    rec->payload_len, err);
}

/*
 * Moves n bytes from the reader's fd to the writer's with splice(2), in
 * the kernel: no copy at all from pipe to pipe.  Returns the bytes moved
 * (fewer at the end of the input), or -1: *nosplice is set when the fds
 * do not allow it (neither is a pipe), before anything moved.
 */
static ssize_t
splice_all(struct pxr_reader *rd, struct pxr_writer *wr, uint64_t n,
    int *nosplice, struct pxr_err *err)
{
	uint64_t moved = 0;

	while (moved < n) {
		uint64_t left = n - moved;
		ssize_t r = splice(rd->fd, NULL, wr->fd, NULL,
		    left > (1u << 30) ? (1u << 30) : (size_t)left,
		    SPLICE_F_MOVE | SPLICE_F_MORE);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && moved == 0 &&
		    (errno == EINVAL || errno == ENOSYS)) {
			*nosplice = 1;
			return -1;
		}
		/* Either end non-blocking makes splice so: wait for both. */
		if (r == -1 && errno == EAGAIN) {
			struct pollfd p[2] = { { wr->fd, POLLOUT, 0 },
				{ rd->fd, POLLIN, 0 } };

			(void)poll(&p[0], 1, -1);
			(void)poll(&p[1], 1, -1);
			continue;
		}
		if (r == -1 &&
		    (errno == EPIPE || errno == ENOSPC || errno == EDQUOT ||
			errno == EFBIG))
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: %s", wr->name, strerror(errno));
		if (r == -1)
			return pxr_seterr(err, PXR_E_IO,
			    "passing %s on to %s: %s", rd->name, wr->name,
			    strerror(errno));
		if (r == 0)
			break;
		moved += (uint64_t)r;
		rd->offset += (uint64_t)r;
	}
	return (ssize_t)moved;
}

/* The same through the reader's payload buffer, when splice cannot. */
static ssize_t
copy_all(struct pxr_reader *rd, struct pxr_writer *wr, uint64_t n,
    struct pxr_err *err)
{
	uint64_t moved = 0;

	/* A buffer of up to PAYLOAD_STEP, no bigger than the payload. */
	if (rd->payload_cap < n && rd->payload_cap < PAYLOAD_STEP &&
	    record_grow_payload(rd, (size_t)n, err) == -1)
		return -1;
	while (moved < n) {
		uint64_t left = n - moved;
		size_t want =
		    left < rd->payload_cap ? (size_t)left : rd->payload_cap;
		ssize_t got = record_read_into(rd, rd->payload, want, err);
		struct iovec iov;

		if (got == -1)
			return -1;
		iov.iov_base = rd->payload;
		iov.iov_len = (size_t)got;
		if (got > 0 && write_all(wr, &iov, 1, err) == -1)
			return -1;
		moved += (uint64_t)got;
		if ((size_t)got < want)
			break;
	}
	return (ssize_t)moved;
}

int
pxr_forward(struct pxr_reader *rd, struct pxr_writer *wr,
    const struct pxr_record *rec, struct pxr_err *err)
{
	uint64_t len = rd->pending_len, done;
	size_t held = rd->iend - rd->ipos;
	ssize_t n;
	int nosplice = 0;

	if (!rd->pending || rec->payload_len != len)
		PXR_BUG("pxr_forward without the record's payload pending");
	rd->pending = 0;
	if (held > len)
		held = (size_t)len;
	/* What the input buffer holds of the payload goes with the header. */
	if (write_head(wr, rec, rd->pending_crc, rd->ibuf + rd->ipos, held,
		err) == -1)
		return -1;
	record_consume(rd, held);
	done = held;
	if (done < len) {
		n = splice_all(rd, wr, len - done, &nosplice, err);
		if (n == -1 && nosplice)
			n = copy_all(rd, wr, len - done, err);
		if (n == -1)
			return -1;
		done += (uint64_t)n;
	}
	if (done < len)
		return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rd->pending_off,
		    "%s#%llu: truncated: the stream ends inside the payload "
		    "(%llu of %llu bytes)",
		    rec->name, (unsigned long long)rec->index,
		    (unsigned long long)done, (unsigned long long)len);
	return 0;
}

int
pxr_write_from_fd(struct pxr_writer *wr, const struct pxr_record *rec, int fd,
    int64_t off, struct pxr_err *err)
{
	struct iovec rest;
	loff_t at = off;
	size_t moved = 0;

	if (write_head(wr, rec, pxr_crc32c(0, rec->payload, rec->payload_len),
		NULL, 0, err) == -1)
		return -1;
	while (moved < rec->payload_len) {
		ssize_t r = splice(fd, &at, wr->fd, NULL,
		    rec->payload_len - moved, SPLICE_F_MORE);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EPIPE)
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: %s", wr->name, strerror(errno));
		/* Not a pipe, or the file changed under us: the rest from
		 * the bytes the checksum was computed on. */
		if (r <= 0)
			break;
		moved += (size_t)r;
	}
	rest.iov_base = (void *)(uintptr_t)(rec->payload + moved);
	rest.iov_len = rec->payload_len - moved;
	return rest.iov_len > 0 ? write_all(wr, &rest, 1, err) : 0;
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
