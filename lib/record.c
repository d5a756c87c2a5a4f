/*
 * record.c: the pxr stream (pxr(5)): encoding, validating, reading and
 * writing records.  A reader checks every field against the bounds in pxr.h
 * before it allocates or trusts anything, and names the stream, the byte
 * offset and the record in every error.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ, splice */
#include <sys/stat.h>
#include <sys/uio.h>

#include <poll.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pxr.h"

/* Input buffer: large enough for a header plus the longest name, so a
 * whole header can always be examined in place (and resync can scan).  It
 * grows to IBUF_MAX when a payload bigger than half of it comes: payloads
 * up to IBUF_PAYLOAD_MAX are handed out in place, with no copy, and the
 * buffer holds several records of the usual sizes (150 KB and more).
 * Larger payloads are read into the payload buffer. */
#define IBUF_SIZE (256u * 1024u)
#define IBUF_MAX (2u * 1024u * 1024u)
#define IBUF_PAYLOAD_MAX (IBUF_MAX / 2)
/* A payload buffer grows by doubling from this, as data actually arrives,
 * so a stream that declares a huge payload and then ends costs no more
 * memory than the data it held. */
#define PAYLOAD_STEP (1u << 20)
/* Pipes carry records of 150 KB and more: a 1 MiB pipe buffer cuts the
 * number of context switches per record. */
#define PIPE_SIZE (1 << 20)

/* Header field offsets (pxr(5)). */
enum {
	OFF_MAGIC = 0,
	OFF_VERSION = 4,
	OFF_KIND = 6,
	OFF_CHANNELS = 7,
	OFF_INDEX = 8,
	OFF_LABEL = 16,
	OFF_FLAGS = 20,
	OFF_WIDTH = 24,
	OFF_HEIGHT = 28,
	OFF_ORIG_WIDTH = 32,
	OFF_ORIG_HEIGHT = 36,
	OFF_NAME_LEN = 40,
	OFF_RESERVED = 44,
	OFF_PAYLOAD_LEN = 48,
	OFF_PAYLOAD_CRC = 56,
	OFF_HEADER_CRC = 60
};

struct pxr_reader {
	int fd;
	int own_fd;
	char *name;
	unsigned char *ibuf;
	size_t icap, ipos, iend; /* ibuf's size, what is used of it */
	int eof;
	uint64_t offset; /* stream offset of ibuf[ipos] */
	unsigned char *payload;
	size_t payload_cap;
	char namebuf[PXR_NAME_MAX + 1];
	/* After pxr_read_head: the payload still to read or forward. */
	int pending;
	uint64_t pending_len, pending_off;
	uint32_t pending_crc;
	/* Set by pxr_read_head: buffer no byte past the header and name, so
	 * that the payload can go from the fd to the writer unread. */
	int lean;
};

struct pxr_writer {
	int fd;
	int own_fd;
	char *name;
};

static void
put16(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static uint32_t
get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

void
pxr_record_init(struct pxr_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->label = PXR_LABEL_NONE;
	rec->name = "";
}

const char *
pxr_kind_name(enum pxr_kind kind)
{
	switch (kind) {
	case PXR_KIND_ENCODED:
		return "encoded";
	case PXR_KIND_PIXELS:
		return "pixels";
	case PXR_KIND_FAILURE:
		return "failure";
	}
	return "unknown";
}

void
pxr_record_fail(struct pxr_record *rec, const char *fmt, ...)
{
	char tmp[PXR_REASON_MAX];
	va_list ap;
	size_t n;

	/* Format into tmp first: the arguments may point into rec->reason. */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	memcpy(rec->reason, tmp, n + 1);
	rec->kind = PXR_KIND_FAILURE;
	rec->flags = 0;
	rec->width = rec->height = rec->channels = 0;
	rec->payload = (const unsigned char *)rec->reason;
	rec->payload_len = n;
}

int
pxr_record_check(const struct pxr_record *rec, struct pxr_err *err)
{
	if (rec->kind != PXR_KIND_ENCODED && rec->kind != PXR_KIND_PIXELS &&
	    rec->kind != PXR_KIND_FAILURE)
		return pxr_seterr(err, PXR_E_KIND, "unknown record kind %u",
		    (unsigned)rec->kind);
	if (rec->flags & ~PXR_FLAGS_KNOWN)
		return pxr_seterr(err, PXR_E_FIELD, "unknown flags 0x%x",
		    rec->flags);
	if (rec->index > PXR_INDEX_MAX)
		return pxr_seterr(err, PXR_E_FIELD,
		    "index %llu exceeds the maximum %llu",
		    (unsigned long long)rec->index,
		    (unsigned long long)PXR_INDEX_MAX);
	if (rec->label < PXR_LABEL_NONE)
		return pxr_seterr(err, PXR_E_FIELD,
		    "label %ld is negative (only -1, none, is allowed)",
		    (long)rec->label);
	if (rec->name_len > PXR_NAME_MAX)
		return pxr_seterr(err, PXR_E_FIELD,
		    "name length %zu exceeds the maximum %u", rec->name_len,
		    PXR_NAME_MAX);
	if (rec->name_len > 0 && memchr(rec->name, '\0', rec->name_len))
		return pxr_seterr(err, PXR_E_FIELD, "name holds a NUL byte");
	if (rec->payload_len > PXR_PAYLOAD_MAX)
		return pxr_seterr(err, PXR_E_FIELD,
		    "payload length %zu exceeds the maximum %llu",
		    rec->payload_len, (unsigned long long)PXR_PAYLOAD_MAX);
	if (rec->kind == PXR_KIND_PIXELS) {
		uint64_t want;

		if (rec->channels != 1 && rec->channels != 3)
			return pxr_seterr(err, PXR_E_FIELD,
			    "pixel record with %u channels (1 or 3 allowed)",
			    rec->channels);
		if (rec->width == 0 || rec->height == 0 ||
		    rec->width > PXR_DIM_MAX || rec->height > PXR_DIM_MAX)
			return pxr_seterr(err, PXR_E_FIELD,
			    "pixel size %ux%u out of range (1 to %u a side)",
			    rec->width, rec->height, PXR_DIM_MAX);
		/* Each side is at most 2^20, so the product fits 64 bits. */
		want = (uint64_t)rec->width * rec->height * rec->channels;
		if (want != rec->payload_len)
			return pxr_seterr(err, PXR_E_DIMS,
			    "pixel payload of %zu bytes does not match "
			    "%ux%ux%u = %llu",
			    rec->payload_len, rec->width, rec->height,
			    rec->channels, (unsigned long long)want);
	} else {
		if (rec->width != 0 || rec->height != 0 || rec->channels != 0)
			return pxr_seterr(err, PXR_E_FIELD,
			    "%s record with pixel size %ux%ux%u (must be 0)",
			    pxr_kind_name(rec->kind), rec->width, rec->height,
			    rec->channels);
		if (rec->kind == PXR_KIND_FAILURE &&
		    rec->payload_len > PXR_REASON_MAX)
			return pxr_seterr(err, PXR_E_FIELD,
			    "failure reason of %zu bytes exceeds the maximum %u",
			    rec->payload_len, PXR_REASON_MAX);
	}
	return 0;
}

void
pxr_header_encode(unsigned char hdr[PXR_HEADER_SIZE],
    const struct pxr_record *rec, uint32_t payload_crc)
{
	uint32_t crc;

	memcpy(hdr + OFF_MAGIC, PXR_MAGIC, 4);
	put16(hdr + OFF_VERSION, PXR_FORMAT_VERSION);
	hdr[OFF_KIND] = (unsigned char)rec->kind;
	hdr[OFF_CHANNELS] = (unsigned char)rec->channels;
	put64(hdr + OFF_INDEX, rec->index);
	put32(hdr + OFF_LABEL, (uint32_t)rec->label);
	put32(hdr + OFF_FLAGS, rec->flags);
	put32(hdr + OFF_WIDTH, rec->width);
	put32(hdr + OFF_HEIGHT, rec->height);
	put32(hdr + OFF_ORIG_WIDTH, rec->orig_width);
	put32(hdr + OFF_ORIG_HEIGHT, rec->orig_height);
	put32(hdr + OFF_NAME_LEN, (uint32_t)rec->name_len);
	put32(hdr + OFF_RESERVED, 0);
	put64(hdr + OFF_PAYLOAD_LEN, rec->payload_len);
	put32(hdr + OFF_PAYLOAD_CRC, payload_crc);
	crc = pxr_crc32c(0, hdr, OFF_HEADER_CRC);
	crc = pxr_crc32c(crc, rec->name, rec->name_len);
	put32(hdr + OFF_HEADER_CRC, crc);
}

/* ---- reader ---- */

static void
grow_pipe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
}

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
	grow_pipe(fd);
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

static void
consume(struct pxr_reader *rd, size_t n)
{
	rd->ipos += n;
	rd->offset += n;
}

/*
 * Copies len bytes of input to dst: first what the buffer holds, then
 * straight from the fd (big payloads skip the buffer).  Returns the bytes
 * copied (less than len at end of input) or -1.
 */
static ssize_t
read_into(struct pxr_reader *rd, unsigned char *dst, size_t len,
    struct pxr_err *err)
{
	size_t got = rd->iend - rd->ipos;

	if (got > len)
		got = len;
	memcpy(dst, rd->ibuf + rd->ipos, got);
	consume(rd, got);
	if (got == len)
		return (ssize_t)got;
	if (len - got < rd->icap / 2) {
		ssize_t avail = ensure(rd, len - got, err);
		size_t take;

		if (avail == -1)
			return -1;
		take = (size_t)avail < len - got ? (size_t)avail : len - got;
		memcpy(dst + got, rd->ibuf + rd->ipos, take);
		consume(rd, take);
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

/* Prefix of every stream error: "<stream>: byte N: ". */
#define STREAM_ERR(rd, err, code, off, fmt, ...)                              \
	pxr_seterr((err), (code), "%s: byte %llu: " fmt, (rd)->name,          \
	    (unsigned long long)(off), __VA_ARGS__)

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
			    "(%zd of %d bytes)", avail, PXR_HEADER_SIZE);
		return STREAM_ERR(rd, err, PXR_E_MAGIC, rd->offset,
		    "not a pxr stream (bad magic %02x %02x %02x %02x)", h[0],
		    avail > 1 ? h[1] : 0, avail > 2 ? h[2] : 0,
		    avail > 3 ? h[3] : 0);
	}
	if (avail < PXR_HEADER_SIZE)
		return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rd->offset,
		    "truncated: the stream ends inside a record header "
		    "(%zd of %d bytes)", avail, PXR_HEADER_SIZE);
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
		    "(%zd of %u bytes)", avail - PXR_HEADER_SIZE, name_len);
	stored = get32(h + OFF_HEADER_CRC);
	crc = pxr_crc32c(0, h, OFF_HEADER_CRC);
	crc = pxr_crc32c(crc, h + PXR_HEADER_SIZE, name_len);
	if (crc != stored)
		return STREAM_ERR(rd, err, PXR_E_HEADER_CRC, rd->offset,
		    "header checksum mismatch (stored %08x, computed %08x): "
		    "header or name damaged", stored, crc);
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
static int
grow_payload(struct pxr_reader *rd, size_t len, struct pxr_err *err)
{
	size_t cap = rd->payload_cap < PAYLOAD_STEP ? PAYLOAD_STEP
						    : rd->payload_cap * 2;
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
			consume(rd, (size_t)avail);
			return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rec_off,
			    "%s#%llu: truncated: the stream ends inside the "
			    "payload (%zd of %llu bytes)", rec->name,
			    (unsigned long long)rec->index, avail,
			    (unsigned long long)len);
		}
		/* In place: good until the next read moves the buffer. */
		rec->payload = rd->ibuf + rd->ipos;
		rec->payload_len = (size_t)len;
		consume(rd, (size_t)len);
		return 0;
	}

	while (got < len) {
		size_t want;
		ssize_t n;

		if (rd->payload_cap < len && rd->payload_cap <= got &&
		    grow_payload(rd, (size_t)len, err) == -1)
			return -1;
		want = (rd->payload_cap < len ? rd->payload_cap : len) - got;
		if ((n = read_into(rd, rd->payload + got, want, err)) == -1)
			return -1;
		got += (size_t)n;
		if ((size_t)n < want)
			return STREAM_ERR(rd, err, PXR_E_TRUNCATED, rec_off,
			    "%s#%llu: truncated: the stream ends inside the "
			    "payload (%zu of %llu bytes)", rec->name,
			    (unsigned long long)rec->index, got,
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
	consume(rd, PXR_HEADER_SIZE + rec->name_len);
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
		    "computed %08x)", rec->name,
		    (unsigned long long)rec->index, rd->pending_crc, crc);
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
		consume(rd, 1);
		if ((avail = ensure(rd, IBUF_SIZE / 2, err)) == -1)
			return -1;
		p = memmem(rd->ibuf + rd->ipos, (size_t)avail, PXR_MAGIC, 4);
		if (p == NULL) {
			/* Keep 3 bytes: a magic may straddle the refill. */
			if (avail > 3)
				consume(rd, (size_t)avail - 3);
			if (rd->eof) {
				consume(rd, rd->iend - rd->ipos);
				return 0;
			}
			continue;
		}
		consume(rd, (size_t)(p - (rd->ibuf + rd->ipos)));
		if (check_header(rd, &ignored) == 1)
			return 1;
	}
}

/* ---- writer ---- */

struct pxr_writer *
pxr_writer_fdopen(int fd, const char *name, int flags, struct pxr_err *err)
{
	struct pxr_writer *wr;

	if (!(flags & PXR_WRITER_FORCE) && isatty(fd)) {
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: refusing to write binary records to a terminal "
		    "(use -f to force)", name);
		return NULL;
	}
	if ((wr = calloc(1, sizeof(*wr))) == NULL ||
	    (wr->name = strdup(name)) == NULL) {
		free(wr);
		pxr_seterr(err, PXR_E_NOMEM, "%s: out of memory", name);
		return NULL;
	}
	wr->fd = fd;
	/* A closed reader gives "write error: Broken pipe" where the program
	 * ignores SIGPIPE, as every pxr program does (cmd/fe: fe_start). */
	grow_pipe(fd);
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
	if ((wr = pxr_writer_fdopen(fd, path, flags | PXR_WRITER_FORCE,
		 err)) == NULL) {
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
			return pxr_seterr(err, PXR_E_IO, "write error on %s: %s",
			    wr->name, strerror(errno));
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
    uint32_t payload_crc, const unsigned char *p, size_t n,
    struct pxr_err *err)
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
	return write_head(wr, rec, pxr_crc32c(0, rec->payload,
				       rec->payload_len),
	    rec->payload, rec->payload_len, err);
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
		if (r == -1 && (errno == EPIPE || errno == ENOSPC ||
				   errno == EDQUOT || errno == EFBIG))
			return pxr_seterr(err, PXR_E_IO, "write error on %s: %s",
			    wr->name, strerror(errno));
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
	    grow_payload(rd, (size_t)n, err) == -1)
		return -1;
	while (moved < n) {
		uint64_t left = n - moved;
		size_t want = left < rd->payload_cap ? (size_t)left
						     : rd->payload_cap;
		ssize_t got = read_into(rd, rd->payload, want, err);
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
	consume(rd, held);
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
		    "(%llu of %llu bytes)", rec->name,
		    (unsigned long long)rec->index, (unsigned long long)done,
		    (unsigned long long)len);
	return 0;
}

int
pxr_write_from_fd(struct pxr_writer *wr, const struct pxr_record *rec,
    int fd, int64_t off, struct pxr_err *err)
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
			return pxr_seterr(err, PXR_E_IO, "write error on %s: %s",
			    wr->name, strerror(errno));
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
