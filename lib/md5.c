/*
 * md5.c: MD5 (RFC 1321, sections 3.1-3.5), plain C, and a file's MD5 read
 * once.  The 64 steps are written out; each step's message word and
 * constant are added to A first, off the chain that runs through B, and
 * the round functions are in forms with the fewest operations after B:
 *   F(b, c, d) = d ^ (b & (c ^ d))               (b ? c : d)
 *   G(b, c, d) = (b & d) + (c & ~d)               (d ? b : c; the two
 *                terms share no bit, so + is |, and the second one is
 *                added to A before B is known)
 *   H(b, c, d) = b ^ c ^ d
 *   I(b, c, d) = c ^ (b | ~d)
 * which makes it as fast as md5sum's (coreutils, gnulib's md5.c) here.
 * No table but the constants, in the code: no state outside the context.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "md5.h"
#include "mdhash.h"

_Static_assert(PXR_MD5_BLOCK == MD_BLOCK, "a block of 64 bytes");

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/* One step, a = b + ((a + f(b, c, d) + X[k] + T[i]) <<< s), with f's
 * form as above; xk is X[k], t is T[i] (RFC 1321 3.4). */
#define STEP_F(a, b, c, d, xk, t, s)                                           \
	do {                                                                   \
		(a) += (xk) + (uint32_t)(t);                                   \
		(a) += (d) ^ ((b) & ((c) ^ (d)));                              \
		(a) = ROTL(a, s) + (b);                                        \
	} while (0)
#define STEP_G(a, b, c, d, xk, t, s)                                           \
	do {                                                                   \
		(a) += (xk) + (uint32_t)(t);                                   \
		(a) += (c) & ~(d);                                             \
		(a) += (b) & (d);                                              \
		(a) = ROTL(a, s) + (b);                                        \
	} while (0)
#define STEP_H(a, b, c, d, xk, t, s)                                           \
	do {                                                                   \
		(a) += (xk) + (uint32_t)(t);                                   \
		(a) += (b) ^ (c) ^ (d);                                        \
		(a) = ROTL(a, s) + (b);                                        \
	} while (0)
#define STEP_I(a, b, c, d, xk, t, s)                                           \
	do {                                                                   \
		(a) += (xk) + (uint32_t)(t);                                   \
		(a) += (c) ^ ((b) | ~(d));                                     \
		(a) = ROTL(a, s) + (b);                                        \
	} while (0)

/* The little-endian word at p (gcc makes it one load). */
static uint32_t
load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
store_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Runs the n blocks at p through the state h (RFC 1321 3.4).  T[i] is
 * the integer part of 2^32 * |sin(i)|, i in radians, for i = 1..64; the
 * words of each round are taken in the RFC's order, and the shifts are
 * its.
 */
static void
blocks(uint32_t h[4], const unsigned char *p, size_t n)
{
	for (; n > 0; n--, p += PXR_MD5_BLOCK) {
		uint32_t x[16];
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3];

		for (int k = 0; k < 16; k++)
			x[k] = load_le32(p + 4 * k);

		/* Round 1. */
		STEP_F(a, b, c, d, x[0], 0xd76aa478, 7);
		STEP_F(d, a, b, c, x[1], 0xe8c7b756, 12);
		STEP_F(c, d, a, b, x[2], 0x242070db, 17);
		STEP_F(b, c, d, a, x[3], 0xc1bdceee, 22);
		STEP_F(a, b, c, d, x[4], 0xf57c0faf, 7);
		STEP_F(d, a, b, c, x[5], 0x4787c62a, 12);
		STEP_F(c, d, a, b, x[6], 0xa8304613, 17);
		STEP_F(b, c, d, a, x[7], 0xfd469501, 22);
		STEP_F(a, b, c, d, x[8], 0x698098d8, 7);
		STEP_F(d, a, b, c, x[9], 0x8b44f7af, 12);
		STEP_F(c, d, a, b, x[10], 0xffff5bb1, 17);
		STEP_F(b, c, d, a, x[11], 0x895cd7be, 22);
		STEP_F(a, b, c, d, x[12], 0x6b901122, 7);
		STEP_F(d, a, b, c, x[13], 0xfd987193, 12);
		STEP_F(c, d, a, b, x[14], 0xa679438e, 17);
		STEP_F(b, c, d, a, x[15], 0x49b40821, 22);

		/* Round 2. */
		STEP_G(a, b, c, d, x[1], 0xf61e2562, 5);
		STEP_G(d, a, b, c, x[6], 0xc040b340, 9);
		STEP_G(c, d, a, b, x[11], 0x265e5a51, 14);
		STEP_G(b, c, d, a, x[0], 0xe9b6c7aa, 20);
		STEP_G(a, b, c, d, x[5], 0xd62f105d, 5);
		STEP_G(d, a, b, c, x[10], 0x02441453, 9);
		STEP_G(c, d, a, b, x[15], 0xd8a1e681, 14);
		STEP_G(b, c, d, a, x[4], 0xe7d3fbc8, 20);
		STEP_G(a, b, c, d, x[9], 0x21e1cde6, 5);
		STEP_G(d, a, b, c, x[14], 0xc33707d6, 9);
		STEP_G(c, d, a, b, x[3], 0xf4d50d87, 14);
		STEP_G(b, c, d, a, x[8], 0x455a14ed, 20);
		STEP_G(a, b, c, d, x[13], 0xa9e3e905, 5);
		STEP_G(d, a, b, c, x[2], 0xfcefa3f8, 9);
		STEP_G(c, d, a, b, x[7], 0x676f02d9, 14);
		STEP_G(b, c, d, a, x[12], 0x8d2a4c8a, 20);

		/* Round 3. */
		STEP_H(a, b, c, d, x[5], 0xfffa3942, 4);
		STEP_H(d, a, b, c, x[8], 0x8771f681, 11);
		STEP_H(c, d, a, b, x[11], 0x6d9d6122, 16);
		STEP_H(b, c, d, a, x[14], 0xfde5380c, 23);
		STEP_H(a, b, c, d, x[1], 0xa4beea44, 4);
		STEP_H(d, a, b, c, x[4], 0x4bdecfa9, 11);
		STEP_H(c, d, a, b, x[7], 0xf6bb4b60, 16);
		STEP_H(b, c, d, a, x[10], 0xbebfbc70, 23);
		STEP_H(a, b, c, d, x[13], 0x289b7ec6, 4);
		STEP_H(d, a, b, c, x[0], 0xeaa127fa, 11);
		STEP_H(c, d, a, b, x[3], 0xd4ef3085, 16);
		STEP_H(b, c, d, a, x[6], 0x04881d05, 23);
		STEP_H(a, b, c, d, x[9], 0xd9d4d039, 4);
		STEP_H(d, a, b, c, x[12], 0xe6db99e5, 11);
		STEP_H(c, d, a, b, x[15], 0x1fa27cf8, 16);
		STEP_H(b, c, d, a, x[2], 0xc4ac5665, 23);

		/* Round 4. */
		STEP_I(a, b, c, d, x[0], 0xf4292244, 6);
		STEP_I(d, a, b, c, x[7], 0x432aff97, 10);
		STEP_I(c, d, a, b, x[14], 0xab9423a7, 15);
		STEP_I(b, c, d, a, x[5], 0xfc93a039, 21);
		STEP_I(a, b, c, d, x[12], 0x655b59c3, 6);
		STEP_I(d, a, b, c, x[3], 0x8f0ccc92, 10);
		STEP_I(c, d, a, b, x[10], 0xffeff47d, 15);
		STEP_I(b, c, d, a, x[1], 0x85845dd1, 21);
		STEP_I(a, b, c, d, x[8], 0x6fa87e4f, 6);
		STEP_I(d, a, b, c, x[15], 0xfe2ce6e0, 10);
		STEP_I(c, d, a, b, x[6], 0xa3014314, 15);
		STEP_I(b, c, d, a, x[13], 0x4e0811a1, 21);
		STEP_I(a, b, c, d, x[4], 0xf7537e82, 6);
		STEP_I(d, a, b, c, x[11], 0xbd3af235, 10);
		STEP_I(c, d, a, b, x[2], 0x2ad7d2bb, 15);
		STEP_I(b, c, d, a, x[9], 0xeb86d391, 21);

		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
	}
}

void
pxr_md5_init(struct pxr_md5 *c)
{
	/* RFC 1321 3.3: the words A, B, C, D. */
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
	c->len = 0;
}

void
pxr_md5_update(struct pxr_md5 *c, const void *data, size_t len)
{
	md_update(c->h, c->buf, &c->len, blocks, data, len);
}

void
pxr_md5_final(struct pxr_md5 *c, unsigned char digest[PXR_MD5_SIZE])
{
	/* RFC 1321 3.1, 3.2: a 1 bit, zeros to 56 mod 64 bytes, then the
	 * message's length in bits as a 64-bit little-endian number. */
	uint64_t bits = c->len << 3;

	md_pad(c->h, c->buf, c->len, blocks);
	store_le32(c->buf + 56, (uint32_t)bits);
	store_le32(c->buf + 60, (uint32_t)(bits >> 32));
	blocks(c->h, c->buf, 1);
	/* 3.5: A, B, C, D, each low byte first. */
	for (int i = 0; i < 4; i++)
		store_le32(digest + 4 * i, c->h[i]);
}

void
pxr_md5_hex(const unsigned char digest[PXR_MD5_SIZE],
    char hex[PXR_MD5_HEX_SIZE])
{
	md_hex(digest, PXR_MD5_SIZE, hex);
}

int
pxr_md5_file(const char *path, unsigned char digest[PXR_MD5_SIZE],
    void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
    struct pxr_err *err)
{
	uint64_t done = 0, said = 0, total;
	unsigned char *buf = NULL;
	struct pxr_md5 c;
	struct stat st;
	int fd, r = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	/* Advice only: a file system without it reads as well. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((buf = malloc(PXR_MD5_FILE_READ)) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		goto out;
	}
	pxr_md5_init(&c);
	for (;;) {
		ssize_t got = read(fd, buf, PXR_MD5_FILE_READ);

		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			pxr_seterr(err, PXR_E_IO, "read error on %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		pxr_md5_update(&c, buf, (size_t)got);
		done += (uint64_t)got;
		if (progress != NULL && done - said >= PXR_MD5_FILE_PROGRESS) {
			said = done - done % PXR_MD5_FILE_PROGRESS;
			progress(ctx, done, total);
		}
	}
	pxr_md5_final(&c, digest);
	if (progress != NULL)
		progress(ctx, done, total);
	r = 0;
out:
	free(buf);
	(void)close(fd);
	return r;
}
