/*
 * md5.h: MD5 as RFC 1321 defines it (lib/md5.c), for checking downloads
 * against their published digests (the ILSVRC archives'), and a file's
 * digest read once from disk (pxr_md5_file).  MD5 is broken against an
 * adversary; it is here only to compare files with the digests that
 * their publishers give.
 *
 * The context is the caller's, as lib/sha256.h's: nothing is allocated,
 * nothing is kept between calls but what the context holds, and threads
 * may hash at once, each with its own context.  A message is hashed by
 * init, any number of updates (of any sizes, 0 included; the digest
 * depends only on the bytes given, in order, not on how they were cut),
 * then final:
 *
 *	struct pxr_md5 c;
 *	unsigned char d[PXR_MD5_SIZE];
 *	char hex[PXR_MD5_HEX_SIZE];
 *
 *	pxr_md5_init(&c);
 *	pxr_md5_update(&c, "abc", 3);
 *	pxr_md5_final(&c, d);
 *	pxr_md5_hex(d, hex);	-> "900150983cd24fb0d6963f7d28e17f72", as md5sum
 *
 * The byte count is 64-bit: messages past 4 GiB are hashed right (RFC
 * 1321 keeps the length modulo 2^64 bits).
 */
#ifndef PXR_MD5_H
#define PXR_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

#define PXR_MD5_SIZE 16     /* bytes of a digest */
#define PXR_MD5_HEX_SIZE 33 /* bytes of its hex form with the NUL */
#define PXR_MD5_BLOCK 64    /* bytes of a block */

/* A message being hashed.  Its fields are the implementation's: use the
 * functions below only. */
struct pxr_md5 {
	uint32_t h[4];                    /* the state A, B, C, D so far */
	uint64_t len;                     /* bytes given so far */
	unsigned char buf[PXR_MD5_BLOCK]; /* the len % 64 bytes past the last
					     whole block */
};

/* Starts a message in *c (any contents before; nothing to free after). */
void pxr_md5_init(struct pxr_md5 *c);

/* Adds data[0..len) to the message in *c.  data may be NULL when len is
 * 0. */
void pxr_md5_update(struct pxr_md5 *c, const void *data, size_t len);

/* Ends the message in *c and writes its digest, 16 bytes, into digest.
 * *c is spent: pxr_md5_init starts it again. */
void pxr_md5_final(struct pxr_md5 *c, unsigned char digest[PXR_MD5_SIZE]);

/* Writes digest as 32 lower-case hex digits and a NUL into hex, as md5sum
 * prints it. */
void pxr_md5_hex(const unsigned char digest[PXR_MD5_SIZE],
    char hex[PXR_MD5_HEX_SIZE]);

/* Bytes pxr_md5_file reads at a time, and how often (in bytes read) it
 * calls its progress function. */
#define PXR_MD5_FILE_READ (1u << 20)
#define PXR_MD5_FILE_PROGRESS ((uint64_t)256 << 20)

/*
 * The MD5 of the whole file at path, read once from start to end in reads
 * of PXR_MD5_FILE_READ bytes, the kernel told that the reads are
 * sequential (posix_fadvise), into digest.  progress (may be NULL) is
 * called with ctx, the bytes read so far and the file's size as fstat
 * gave it at the start: after each PXR_MD5_FILE_PROGRESS bytes, and once
 * at the end with done the bytes hashed (total, unless the file changed
 * size meanwhile: the digest is of the bytes read).  It runs in the
 * caller's thread, between reads.  Returns 0, or -1 with err filled
 * ("path: No such file or directory", "read error on path: ...",
 * PXR_E_IO; PXR_E_NOMEM).
 */
int pxr_md5_file(const char *path, unsigned char digest[PXR_MD5_SIZE],
    void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
    struct pxr_err *err);

#endif /* PXR_MD5_H */
