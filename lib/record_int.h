/*
 * record_int.h: what the parts of the stream code share (lib/record*.c):
 *   record.c          records: their checks, the header's bytes; a pipe
 *                     grown, for the reader and the writer
 *   record_read.c     the validating reader
 *   record_write.c    the writer
 *   record_forward.c  a reader's record written on, its payload unread
 * The reader and the writer call only record.c; record_forward.c calls
 * both, and none of them calls it.
 */
#ifndef PXR_RECORD_INT_H
#define PXR_RECORD_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pxr.h"

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

static inline void
put16(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static inline void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static inline void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static inline uint32_t
get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Fills err with a stream error: "<stream>: byte N: " and the message. */
#define STREAM_ERR(rd, err, code, off, fmt, ...)                               \
	pxr_seterr((err), (code), "%s: byte %llu: " fmt, (rd)->name,           \
	    (unsigned long long)(off), __VA_ARGS__)

/* record.c: a pipe made as large as it may be. */
void record_grow_pipe(int fd);
/* record_read.c: the reader's parts that forwarding uses. */
void record_consume(struct pxr_reader *rd, size_t n);
int record_grow_payload(struct pxr_reader *rd, size_t n, struct pxr_err *err);
ssize_t record_read_into(struct pxr_reader *rd, unsigned char *dst, size_t n,
    struct pxr_err *err);
/* record_write.c: the writer's parts that forwarding uses. */
/* The write error errno says, on wr's output, into err: PXR_E_PIPE for
 * EPIPE (the reader went away), else PXR_E_IO; returns -1. */
int record_write_error(const struct pxr_writer *wr, struct pxr_err *err);
/* writev(2) of iov[0..cnt) until every byte is out (iov is changed); 0,
 * or -1 with err filled. */
int record_write_all(struct pxr_writer *wr, struct iovec *iov, int cnt,
    struct pxr_err *err);
/* Checks rec and writes its header (with payload_crc) and name, then the
 * n bytes at p, in one writev; 0, or -1 with err filled. */
int record_write_head(struct pxr_writer *wr, const struct pxr_record *rec,
    uint32_t payload_crc, const unsigned char *p, size_t n,
    struct pxr_err *err);

#endif
