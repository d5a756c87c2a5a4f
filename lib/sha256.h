/*
 * sha256.h: SHA-256 as FIPS 180-4 defines it (lib/sha256.c), for the
 * digests that the planning code keeps of a dataset's index.
 *
 * The context is the caller's: nothing is allocated, nothing is kept
 * between calls but what the context holds, and the round constants are
 * a constant table, so threads may hash at once, each with its own
 * context.  A message is hashed by init, any number of updates (of any
 * sizes, 0 included; the digest depends only on the bytes given, in
 * order, not on how they were cut), then final:
 *
 *	struct pxr_sha256 c;
 *	unsigned char d[PXR_SHA256_SIZE];
 *	char hex[PXR_SHA256_HEX_SIZE];
 *
 *	pxr_sha256_init(&c);
 *	pxr_sha256_update(&c, "abc", 3);
 *	pxr_sha256_final(&c, d);
 *	pxr_sha256_hex(d, hex);	-> "ba7816bf...f20015ad", as sha256sum
 *
 * A message may be up to 2^61 - 1 bytes long (the standard's 2^64 - 1
 * bits); the count is 64-bit, so messages past 4 GiB are hashed right.
 */
#ifndef PXR_SHA256_H
#define PXR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define PXR_SHA256_SIZE 32     /* bytes of a digest */
#define PXR_SHA256_HEX_SIZE 65 /* bytes of its hex form with the NUL */
#define PXR_SHA256_BLOCK 64    /* bytes of a block */

/* A message being hashed.  Its fields are the implementation's: use the
 * functions below only. */
struct pxr_sha256 {
	uint32_t h[8];                       /* the hash value so far */
	uint64_t len;                        /* bytes given so far */
	unsigned char buf[PXR_SHA256_BLOCK]; /* the len % 64 bytes past the
						last whole block */
};

/* Starts a message in *c (any contents before; nothing to free after). */
void pxr_sha256_init(struct pxr_sha256 *c);

/* Adds data[0..len) to the message in *c.  data may be NULL when len is
 * 0. */
void pxr_sha256_update(struct pxr_sha256 *c, const void *data, size_t len);

/* Ends the message in *c and writes its digest, 32 bytes, into digest.
 * *c is spent: pxr_sha256_init starts it again. */
void pxr_sha256_final(struct pxr_sha256 *c,
    unsigned char digest[PXR_SHA256_SIZE]);

/* Writes digest as 64 lower-case hex digits and a NUL into hex, as
 * sha256sum prints it. */
void pxr_sha256_hex(const unsigned char digest[PXR_SHA256_SIZE],
    char hex[PXR_SHA256_HEX_SIZE]);

#endif /* PXR_SHA256_H */
