/*
 * pxr.h: the public interface of libpxr.a, the code every pxr-<verb>
 * program shares.
 *
 * Rules (IJG, libarchive): the library never prints and never exits.  A
 * function that can fail fills a caller-owned struct pxr_err and returns -1
 * (or NULL); the programs print it (cmd/fe).  Signals are the programs'.
 * There is no global state but constant tables (CRC-32C's among them,
 * made by lib/mkcrc32c.py) and the CPU's vector level, found once and
 * kept in an atomic (util.c).
 */
#ifndef PXR_H
#define PXR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PXR_VERSION_STRING "0.1.0"

/*
 * The pxr stream (see pxr(5)): records of a 64-byte little-endian header,
 * then the name, then the payload.
 */
#define PXR_MAGIC "PXRS"
#define PXR_FORMAT_VERSION 1
#define PXR_HEADER_SIZE 64

enum pxr_kind {
	PXR_KIND_ENCODED = 1, /* payload: the bytes of an image file */
	PXR_KIND_PIXELS =
	    2, /* payload: u8 samples, rows top down, interleaved */
	PXR_KIND_FAILURE = 3 /* payload: the reason, UTF-8 text, no NUL */
};

/* Flag bits of the header's flags field. */
#define PXR_FLAG_WARNING 0x1u /* the image was decoded despite damage */
#define PXR_FLAGS_KNOWN PXR_FLAG_WARNING

#define PXR_LABEL_NONE (-1)

/* Bounds every reader checks before it allocates or trusts a field. */
#define PXR_NAME_MAX 4096u                /* bytes of a name */
#define PXR_PAYLOAD_MAX (1ull << 31)      /* bytes of any payload: 2 GiB */
#define PXR_REASON_MAX 1024u              /* bytes of a failure's reason */
#define PXR_DIM_MAX (1u << 20)            /* pixels on one side */
#define PXR_INDEX_MAX (UINT64_C(1) << 48) /* an image's index */

/* Error codes carried in struct pxr_err. */
enum pxr_errcode {
	PXR_E_NONE = 0,
	PXR_E_IO,          /* read or write failed (errno text in msg) */
	PXR_E_MAGIC,       /* not a pxr stream */
	PXR_E_VERSION,     /* unknown format version */
	PXR_E_HEADER_CRC,  /* header or name damaged */
	PXR_E_KIND,        /* unknown record kind */
	PXR_E_FIELD,       /* a field out of its bounds or inconsistent */
	PXR_E_DIMS,        /* width x height x channels != payload length */
	PXR_E_PAYLOAD_CRC, /* payload damaged; the stream stays in step */
	PXR_E_TRUNCATED,   /* the stream ends inside a record */
	PXR_E_NOMEM,       /* out of memory */
	PXR_E_USAGE,       /* bad argument */
	PXR_E_IMAGE,       /* an image could not be processed */
	PXR_E_FORMAT,      /* an input file is malformed */
	PXR_E_PIPE         /* a write found its reader gone (EPIPE): whoever
			      read the output has stopped, and said why */
};

#define PXR_ERR_MSG_MAX 1024

struct pxr_err {
	int code;
	char msg[PXR_ERR_MSG_MAX];
};

/* A rectangle of an image: top-left corner and size. */
struct pxr_rect {
	uint32_t x, y, w, h;
};

/*
 * One record.  It is a view: name and payload point into memory owned by
 * whoever filled the record (the reader's buffer, or a filter's own output
 * buffer), valid until that owner's next call.  name is NUL-terminated.
 */
struct pxr_record {
	enum pxr_kind kind;
	uint32_t flags;
	uint64_t index;
	int32_t label;
	uint32_t width, height, channels;
	uint32_t orig_width, orig_height;
	const char *name;
	size_t name_len;
	const unsigned char *payload;
	size_t payload_len;
	/* Holds the reason when pxr_record_fail() turns a record into a
	 * failure, so the record owns it. */
	char reason[PXR_REASON_MAX];
};

/* err.c: errors (the programs print them: cmd/fe/fe.h). */
/* Fills err: code and a printf-formatted message.  Returns -1. */
int pxr_seterr(struct pxr_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void pxr_bug(const char *file, int line, const char *what)
    __attribute__((noreturn));
#define PXR_BUG(what) pxr_bug(__FILE__, __LINE__, (what))

/* Receives a warning (one line, no newline) from a library function that
 * goes on: the library never prints; ctx is the caller's. */
typedef void (*pxr_warn_fn)(void *ctx, const char *msg);

/* crc32c.c: CRC-32C (Castagnoli), SSE4.2 where the CPU has it. */
uint32_t pxr_crc32c(uint32_t crc, const void *buf, size_t len);

/* record.c: records. */
void pxr_record_init(struct pxr_record *rec);
/* Makes rec a failure record with the reason; keeps index, label, name and
 * original size.  The reason is copied into rec->reason. */
void pxr_record_fail(struct pxr_record *rec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *pxr_kind_name(enum pxr_kind kind);
/* Checks the fields of rec as a reader would; 0 or -1 with err filled. */
int pxr_record_check(const struct pxr_record *rec, struct pxr_err *err);
/* Encodes the 64-byte header of rec into hdr (payload CRC given). */
void pxr_header_encode(unsigned char hdr[PXR_HEADER_SIZE],
    const struct pxr_record *rec, uint32_t payload_crc);

/* Reader: opens path ("-" or NULL: stdin).  Reuses one buffer. */
struct pxr_reader;
struct pxr_reader *pxr_reader_open(const char *path, struct pxr_err *err);
struct pxr_reader *pxr_reader_fdopen(int fd, const char *name,
    struct pxr_err *err);
/*
 * Reads the next record into rec.  Returns 1 for a record, 0 at a clean end
 * (a record boundary), -1 on error with err filled (the message names the
 * stream, the byte offset and, where known, the record).  After
 * PXR_E_PAYLOAD_CRC the reader is at the next record and reading may go on;
 * after other errors, pxr_reader_resync() looks for the next good header.
 */
int pxr_read(struct pxr_reader *rd, struct pxr_record *rec,
    struct pxr_err *err);
/*
 * pxr_read in two steps, for a filter that may pass payloads on unread:
 * pxr_read_head reads and checks the next record's header and name and
 * leaves its payload pending; then either pxr_read_payload reads and
 * checks it (what pxr_read does), or pxr_forward writes the record with
 * it.  A reader that pxr_read_head has used buffers nothing past a
 * header, so that its payloads can go on with no copy.  After an error
 * from either (but PXR_E_PAYLOAD_CRC, which leaves the reader at the next
 * record) the reader is no longer in step: close it.
 */
int pxr_read_head(struct pxr_reader *rd, struct pxr_record *rec,
    struct pxr_err *err);
int pxr_read_payload(struct pxr_reader *rd, struct pxr_record *rec,
    struct pxr_err *err);
/* Skips forward to the next offset holding a header whose CRC checks out.
 * Returns 1 if one was found, 0 at end of input, -1 on a read error. */
int pxr_reader_resync(struct pxr_reader *rd, struct pxr_err *err);
uint64_t pxr_reader_offset(const struct pxr_reader *rd);
const char *pxr_reader_name(const struct pxr_reader *rd);
void pxr_reader_close(struct pxr_reader *rd);

/* Writer: opens path (NULL or "-": stdout).  Refuses a terminal unless
 * PXR_WRITER_FORCE is given.  Grows a pipe's buffer (F_SETPIPE_SZ). */
#define PXR_WRITER_FORCE 0x1
struct pxr_writer;
struct pxr_writer *pxr_writer_open(const char *path, int flags,
    struct pxr_err *err);
struct pxr_writer *pxr_writer_fdopen(int fd, const char *name, int flags,
    struct pxr_err *err);
/* Checks rec, computes its payload CRC and writes the whole record.  The
 * writers' errors are PXR_E_IO, or PXR_E_PIPE where the output's reader
 * has gone away (a pipe closed at its other end). */
int pxr_write(struct pxr_writer *wr, const struct pxr_record *rec,
    struct pxr_err *err);
/*
 * Writes rec, whose header fields the caller may have changed, with the
 * payload pxr_read_head left pending in rd, unread: spliced from rd's fd
 * to wr's where one of them is a pipe (else copied), its payload_crc the
 * one it came with.  The payload is not checked here; whatever reads it
 * downstream checks it (pxr(5)).  An input that ends inside the payload
 * is PXR_E_TRUNCATED.
 */
int pxr_forward(struct pxr_reader *rd, struct pxr_writer *wr,
    const struct pxr_record *rec, struct pxr_err *err);
/*
 * pxr_write for a payload read from fd at off: rec->payload holds those
 * bytes, and its checksum is computed on them, but they go to the output
 * by splice(2) from fd, with no copy, where the output is a pipe; from
 * rec->payload otherwise, or for what is left if the file changed.
 */
int pxr_write_from_fd(struct pxr_writer *wr, const struct pxr_record *rec,
    int fd, int64_t off, struct pxr_err *err);
/* Closes the file pxr_writer_open opened (stdout stays open), reporting
 * a failed close; nothing is buffered (each record goes out as it is
 * written).  Always frees wr. */
int pxr_writer_close(struct pxr_writer *wr, struct pxr_err *err);

/* util.c */
/*
 * Writes len bytes of s to fp for line-oriented text: backslash, tab,
 * newline, carriage return and other control bytes are escaped as \\, \t,
 * \n, \r and \xHH.  With json set, writes a quoted JSON string instead
 * (control bytes as \u00HH).  Bytes >= 0x80 pass through as they are.
 */
void pxr_fput_escaped(FILE *fp, const char *s, size_t len, int json);

/*
 * The vector code this CPU runs, at most PXR_SIMD=N from the environment:
 * 0 none, 1 AVX2, 2 AVX-512 F+BW+VL, 3 also VBMI.
 */
enum {
	PXR_SIMD_NONE,
	PXR_SIMD_AVX2,
	PXR_SIMD_AVX512,
	PXR_SIMD_VBMI,
};

int pxr_simd_level(void);

/* The raw (uninverted) CRC-32C state after the whole 256-byte groups of
 * p[0..len), folded with VPCLMULQDQ (lib/crc32c_fold.c); *done is how many
 * bytes that was (0 when len is under 512 or the build lacks the code).
 * Only for CPUs with AVX-512 and VPCLMULQDQ: pxr_crc32c checks. */
uint32_t pxr_crc32c_fold(uint32_t state, const unsigned char *p, size_t len,
    size_t *done);

#endif /* PXR_H */
