/*
 * mdhash.h: what lib/md5.c and lib/sha256.c share, both hashing 64-byte
 * blocks the Merkle-Damgard way: the bytes given gathered into blocks,
 * the padding before the length, and a digest's hex digits.  Inline, for
 * those two only; blocks is each one's compression function.
 */
#ifndef PXR_MDHASH_H
#define PXR_MDHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MD_BLOCK 64

typedef void (*md_blocks_fn)(uint32_t *h, const unsigned char *p, size_t n);

/* len bytes of data more: whole blocks hashed into h, the rest kept in
 * buf (which holds *total % MD_BLOCK bytes given before). */
static inline void
md_update(uint32_t *h, unsigned char *buf, uint64_t *total, md_blocks_fn blocks,
    const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t have = (size_t)(*total % MD_BLOCK);

	*total += len;
	if (have > 0) {
		size_t take = MD_BLOCK - have;

		if (len < take) {
			if (len > 0)
				memcpy(buf + have, p, len);
			return;
		}
		memcpy(buf + have, p, take);
		blocks(h, buf, 1);
		p += take;
		len -= take;
	}
	if (len >= MD_BLOCK) {
		blocks(h, p, len / MD_BLOCK);
		p += len - len % MD_BLOCK;
		len %= MD_BLOCK;
	}
	if (len > 0)
		memcpy(buf, p, len);
}

/* The padding (RFC 1321 3.1, FIPS 180-4 5.1.1): a 1 bit, then zeros up
 * to 56 bytes of the last block, a block hashed on the way where the
 * 8 bytes of the length do not fit.  The caller stores the length in
 * buf[56..63], its way, and hashes the last block. */
static inline void
md_pad(uint32_t *h, unsigned char *buf, uint64_t total, md_blocks_fn blocks)
{
	size_t have = (size_t)(total % MD_BLOCK);

	buf[have++] = 0x80;
	if (have > MD_BLOCK - 8) {
		memset(buf + have, 0, MD_BLOCK - have);
		blocks(h, buf, 1);
		have = 0;
	}
	memset(buf + have, 0, MD_BLOCK - 8 - have);
}

/* The n bytes of digest as 2n lower-case hex digits and a NUL. */
static inline void
md_hex(const unsigned char *digest, size_t n, char *hex)
{
	static const char xd[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = xd[digest[i] >> 4];
		hex[2 * i + 1] = xd[digest[i] & 15];
	}
	hex[2 * n] = '\0';
}

#endif /* PXR_MDHASH_H */
