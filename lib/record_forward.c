/*
 * record_forward.c: a record read by a reader written on by a writer with
 * its payload unread: the header read (pxr_read_head), the payload moved
 * from the reader's fd to the writer's, spliced in the kernel from pipe to
 * pipe where it can, else copied through the reader's payload buffer.  It
 * uses both the reader's parts (record_read.c) and the writer's
 * (record_write.c), and neither calls it.
 */
#define _GNU_SOURCE /* splice */
#include "record_int.h"

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
			return record_write_error(wr, err);
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
		if (got > 0 && record_write_all(wr, &iov, 1, err) == -1)
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
	if (record_write_head(wr, rec, rd->pending_crc, rd->ibuf + rd->ipos,
		held, err) == -1)
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
