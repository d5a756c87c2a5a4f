/*
 * record_read.c: the validating reader of pxr streams (pxr(5)): a header
 * at a time, its CRCs checked, the payload handed out in place where it
 * fits the input buffer.
 */
#define _GNU_SOURCE /* memmem */
#include "record_int.h"

struct pxr_reader *
pxr_reader_fdopen(int fd, const char *name, struct pxr_err *err)
{
	struct pxr_reader *rd;

	if ((rd = calloc(1, sizeof(*rd))) == NULL ||
	    (rd->ibuf = malloc(IBUF_SIZE)) == NULL ||
	    (rd->name = strdup(name)) == NULL) {
		if (rd != NULL)
			free(rd->ibuf);
		free(rd);
		pxr_seterr(err, PXR_E_NOMEM, "%s: out of memory", name);
		return NULL;
	}
	rd->fd = fd;
	rd->icap = IBUF_SIZE;
	record_grow_pipe(fd);
	return rd;
}

struct pxr_reader *
pxr_reader_open(const char *path, struct pxr_err *err)
{
	struct pxr_reader *rd;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return pxr_reader_fdopen(STDIN_FILENO, "<stdin>", err);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((rd = pxr_reader_fdopen(fd, path, err)) == NULL) {
		close(fd);
		return NULL;
	}
	rd->own_fd = 1;
	return rd;
}

void
pxr_reader_close(struct pxr_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->own_fd)
		close(rd->fd);
	free(rd->payload);
	free(rd->ibuf);
	free(rd->name);
	free(rd);
}

uint64_t
pxr_reader_offset(const struct pxr_reader *rd)
{
	return rd->offset;
}

const char *
pxr_reader_name(const struct pxr_reader *rd)
{
	return rd->name;
}

/* read(2) that retries on EINTR.  Returns bytes read, 0 at EOF, -1. */
static ssize_t
read_some(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * Makes at least want bytes available at ibuf[ipos] unless the input ends
 * first.  Returns the bytes available, or -1 on a read error.
 */
static ssize_t
ensure(struct pxr_reader *rd, size_t want, struct pxr_err *err)
{
	if (want > rd->icap)
		PXR_BUG("ensure() asked for more than the input buffer");
	if (rd->iend - rd->ipos >= want || rd->eof)
		return (ssize_t)(rd->iend - rd->ipos);
	if (rd->ipos + want > rd->icap) {
		memmove(rd->ibuf, rd->ibuf + rd->ipos, rd->iend - rd->ipos);
		rd->iend -= rd->ipos;
		rd->ipos = 0;
	}
	while (rd->iend - rd->ipos < want) {
		ssize_t n = read_some(rd->fd, rd->ibuf + rd->iend,
		    rd->lean ? want - (rd->iend - rd->ipos)
			     : rd->icap - rd->iend);

		if (n == -1)
			return pxr_seterr(err, PXR_E_IO, "%s: read error: %s",
			    rd->name, strerror(errno));
		if (n == 0) {
			rd->eof = 1;
			break;
		}
		rd->iend += (size_t)n;
	}
	return (ssize_t)(rd->iend - rd->ipos);
}

void
record_consume(struct pxr_reader *rd, size_t n)
{
	rd->ipos += n;
	rd->offset += n;
}

/*
 * Copies len bytes of input to dst: first what the buffer holds, then the
 * rest through the buffer when it is under half of it, else straight from
 * the fd (big payloads skip the buffer).  Returns the bytes copied (less
 * than len at end of input) or -1.
 */
ssize_t
record_read_into(struct pxr_reader *rd, unsigned char *dst, size_t len,
    struct pxr_err *err)
{
	size_t got = rd->iend - rd->ipos;

	if (got > len)
		got = len;
	memcpy(dst, rd->ibuf + rd->ipos, got);
	record_consume(rd, got);
	if (got == len)
		return (ssize_t)got;
	if (len - got < rd->icap / 2) {
		ssize_t avail = ensure(rd, len - got, err);
		size_t take;

		if (avail == -1)
			return -1;
		take = (size_t)avail < len - got ? (size_t)avail : len - got;
		memcpy(dst + got, rd->ibuf + rd->ipos, take);
		record_consume(rd, take);
		return (ssize_t)(got + take);
	}
	while (got < len && !rd->eof) {
		ssize_t n = read_some(rd->fd, dst + got, len - got);

		if (n == -1)
			return pxr_seterr(err, PXR_E_IO, "%s: read error: %s",
			    rd->name, strerror(errno));
		if (n == 0)
			rd->eof = 1;
		got += (size_t)n;
		rd->offset += (uint64_t)n;
	}
	return (ssize_t)got;
}

/*
 * Checks the header at ibuf[ipos] (magic, version, name length, header
 * CRC) without consuming it.  Returns 1 if good, 0 at a clean end, -1.
 */
static int
check_header(struct pxr_reader *rd, struct pxr_err *err)
{
	const unsigned char *h;
	uint32_t name_len, stored, crc;
	ssize_t avail;

	if ((avail = ensure(rd, PXR_HEADER_SIZE, err)) == -1)
		return -1;
	if (avail == 0)
		return 0;
	h = rd->ibuf + rd->ipos;
	if (avail < 4 || memcmp(h, PXR_MAGIC, 4) != 0) {
		if (avail < 4 && memcmp(h, PXR_MAGIC, (size_t)avail) == 0)
			return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rd->offset,
			    "truncated: the stream ends inside a record header "
			    "(%zd of %d bytes)",
			    avail, PXR_HEADER_SIZE);
		return STREAM_ERR(rd, err, PXR_E_MAGIC, rd->offset,
		    "not a pxr stream (bad magic %02x %02x %02x %02x)", h[0],
		    avail > 1 ? h[1] : 0, avail > 2 ? h[2] : 0,
		    avail > 3 ? h[3] : 0);
	}
	if (avail < PXR_HEADER_SIZE)
		return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rd->offset,
		    "truncated: the stream ends inside a record header "
		    "(%zd of %d bytes)",
		    avail, PXR_HEADER_SIZE);
	if (get16(h + OFF_VERSION) != PXR_FORMAT_VERSION)
		return STREAM_ERR(rd, err, PXR_E_VERSION, rd->offset,
		    "unknown pxr format version %u (this reader knows %d)",
		    get16(h + OFF_VERSION), PXR_FORMAT_VERSION);
	name_len = get32(h + OFF_NAME_LEN);
	if (name_len > PXR_NAME_MAX)
		return STREAM_ERR(rd, err, PXR_E_FIELD, rd->offset,
		    "name length %u exceeds the maximum %u", name_len,
		    PXR_NAME_MAX);
	if ((avail = ensure(rd, PXR_HEADER_SIZE + name_len, err)) == -1)
		return -1;
	h = rd->ibuf + rd->ipos;
	if ((size_t)avail < PXR_HEADER_SIZE + name_len)
		return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rd->offset,
		    "truncated: the stream ends inside a record name "
		    "(%zd of %u bytes)",
		    avail - PXR_HEADER_SIZE, name_len);
	stored = get32(h + OFF_HEADER_CRC);
	crc = pxr_crc32c(0, h, OFF_HEADER_CRC);
	crc = pxr_crc32c(crc, h + PXR_HEADER_SIZE, name_len);
	if (crc != stored)
		return STREAM_ERR(rd, err, PXR_E_HEADER_CRC, rd->offset,
		    "header checksum mismatch (stored %08x, computed %08x): "
		    "header or name damaged",
		    stored, crc);
	return 1;
}

static void
decode_header(struct pxr_reader *rd, struct pxr_record *rec)
{
	const unsigned char *h = rd->ibuf + rd->ipos;

	rec->kind = (enum pxr_kind)h[OFF_KIND];
	rec->channels = h[OFF_CHANNELS];
	rec->index = get64(h + OFF_INDEX);
	rec->label = (int32_t)get32(h + OFF_LABEL);
	rec->flags = get32(h + OFF_FLAGS);
	rec->width = get32(h + OFF_WIDTH);
	rec->height = get32(h + OFF_HEIGHT);
	rec->orig_width = get32(h + OFF_ORIG_WIDTH);
	rec->orig_height = get32(h + OFF_ORIG_HEIGHT);
	rec->name_len = get32(h + OFF_NAME_LEN);
	memcpy(rd->namebuf, h + PXR_HEADER_SIZE, rec->name_len);
	rd->namebuf[rec->name_len] = '\0';
	rec->name = rd->namebuf;
	rec->payload = NULL;
	rec->payload_len = 0;
}

/* Grows the payload buffer towards len, by steps, keeping contents. */
int
record_grow_payload(struct pxr_reader *rd, size_t len, struct pxr_err *err)
{
	size_t cap =
	    rd->payload_cap < PAYLOAD_STEP ? PAYLOAD_STEP : rd->payload_cap * 2;
	unsigned char *p;

	if (cap > len)
		cap = len;
	if ((p = realloc(rd->payload, cap)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM,
		    "%s: out of memory for a payload of %zu bytes", rd->name,
		    len);
	rd->payload = p;
	rd->payload_cap = cap;
	return 0;
}

/* Grows the input buffer to IBUF_MAX, keeping what it holds. */
static int
grow_ibuf(struct pxr_reader *rd, struct pxr_err *err)
{
	unsigned char *p = realloc(rd->ibuf, IBUF_MAX);

	if (p == NULL)
		return pxr_seterr(err, PXR_E_NOMEM,
		    "%s: out of memory for the input buffer", rd->name);
	rd->ibuf = p;
	rd->icap = IBUF_MAX;
	return 0;
}

static int
read_payload(struct pxr_reader *rd, struct pxr_record *rec, uint64_t len,
    uint64_t rec_off, struct pxr_err *err)
{
	size_t got = 0;

	if (len > rd->icap / 2 && len <= IBUF_PAYLOAD_MAX &&
	    grow_ibuf(rd, err) == -1)
		return -1;
	if (len <= rd->icap / 2) {
		ssize_t avail = ensure(rd, (size_t)len, err);

		if (avail == -1)
			return -1;
		if ((size_t)avail < len) {
			record_consume(rd, (size_t)avail);
			return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rec_off,
			    "%s#%llu: truncated: the stream ends inside the "
			    "payload (%zd of %llu bytes)",
			    rec->name, (unsigned long long)rec->index, avail,
			    (unsigned long long)len);
		}
		/* In place: good until the next read moves the buffer. */
		rec->payload = rd->ibuf + rd->ipos;
		rec->payload_len = (size_t)len;
		record_consume(rd, (size_t)len);
		return 0;
	}

	while (got < len) {
		size_t want;
		ssize_t n;

		if (rd->payload_cap < len && rd->payload_cap <= got &&
		    record_grow_payload(rd, (size_t)len, err) == -1)
			return -1;
		want = (rd->payload_cap < len ? rd->payload_cap : len) - got;
		if ((n = record_read_into(rd, rd->payload + got, want, err)) ==
		    -1)
			return -1;
		got += (size_t)n;
		if ((size_t)n < want)
			return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rec_off,
			    "%s#%llu: truncated: the stream ends inside the "
			    "payload (%zu of %llu bytes)",
			    rec->name, (unsigned long long)rec->index, got,
			    (unsigned long long)len);
	}
	rec->payload = rd->payload;
	rec->payload_len = (size_t)len;
	return 0;
}

/* The header and name of the next record, checked and consumed; the
 * payload is left pending.  1, 0 at a clean end, or -1. */
static int
read_head(struct pxr_reader *rd, struct pxr_record *rec, struct pxr_err *err)
{
	uint64_t rec_off = rd->offset, payload_len;
	uint32_t stored_crc;
	const unsigned char *h;
	struct pxr_err ferr;
	int r;

	if (rd->pending)
		PXR_BUG("a record read before the last one's payload");
	if ((r = check_header(rd, err)) <= 0)
		return r;
	h = rd->ibuf + rd->ipos;
	payload_len = get64(h + OFF_PAYLOAD_LEN);
	stored_crc = get32(h + OFF_PAYLOAD_CRC);
	decode_header(rd, rec);
	if (get32(h + OFF_RESERVED) != 0)
		return STREAM_ERR(rd, err, PXR_E_FIELD, rec_off,
		    "%s#%llu: reserved header field is not zero", rec->name,
		    (unsigned long long)rec->index);
	if (payload_len > PXR_PAYLOAD_MAX)
		return STREAM_ERR(rd, err, PXR_E_FIELD, rec_off,
		    "%s#%llu: payload length %llu exceeds the maximum %llu",
		    rec->name, (unsigned long long)rec->index,
		    (unsigned long long)payload_len,
		    (unsigned long long)PXR_PAYLOAD_MAX);
	/* Check every field (with the declared length) before reading. */
	rec->payload_len = (size_t)payload_len;
	if (pxr_record_check(rec, &ferr) == -1)
		return STREAM_ERR(rd, err, ferr.code, rec_off, "%s#%llu: %s",
		    rec->name, (unsigned long long)rec->index, ferr.msg);
	record_consume(rd, PXR_HEADER_SIZE + rec->name_len);
	rd->pending = 1;
	rd->pending_len = payload_len;
	rd->pending_off = rec_off;
	rd->pending_crc = stored_crc;
	return 1;
}

int
pxr_read_head(struct pxr_reader *rd, struct pxr_record *rec,
    struct pxr_err *err)
{
	rd->lean = 1;
	return read_head(rd, rec, err);
}

int
pxr_read_payload(struct pxr_reader *rd, struct pxr_record *rec,
    struct pxr_err *err)
{
	uint32_t crc;

	if (!rd->pending)
		PXR_BUG("pxr_read_payload with no record pending");
	rd->pending = 0;
	if (read_payload(rd, rec, rd->pending_len, rd->pending_off, err) == -1)
		return -1;
	crc = pxr_crc32c(0, rec->payload, rec->payload_len);
	if (crc != rd->pending_crc)
		return STREAM_ERR(rd, err, PXR_E_PAYLOAD_CRC, rd->pending_off,
		    "%s#%llu: payload checksum mismatch (stored %08x, "
		    "computed %08x)",
		    rec->name, (unsigned long long)rec->index, rd->pending_crc,
		    crc);
	return 1;
}

int
pxr_read(struct pxr_reader *rd, struct pxr_record *rec, struct pxr_err *err)
{
	int r = read_head(rd, rec, err);

	return r == 1 ? pxr_read_payload(rd, rec, err) : r;
}

int
pxr_reader_resync(struct pxr_reader *rd, struct pxr_err *err)
{
	struct pxr_err ignored;

	for (;;) {
		ssize_t avail;
		unsigned char *p;

		/* Step past the bad header, then look for the next magic. */
		if ((avail = ensure(rd, 1, err)) == -1)
			return -1;
		if (avail == 0)
			return 0;
		record_consume(rd, 1);
		if ((avail = ensure(rd, IBUF_SIZE / 2, err)) == -1)
			return -1;
		p = memmem(rd->ibuf + rd->ipos, (size_t)avail, PXR_MAGIC, 4);
		if (p == NULL) {
			/* Keep 3 bytes: a magic may straddle the refill. */
			if (avail > 3)
				record_consume(rd, (size_t)avail - 3);
			if (rd->eof) {
				record_consume(rd, rd->iend - rd->ipos);
				return 0;
			}
			continue;
		}
		record_consume(rd, (size_t)(p - (rd->ibuf + rd->ipos)));
		if (check_header(rd, &ignored) == 1)
			return 1;
	}
}
