/*
 * crc32c_fold256.c: lib/crc32c_fold.c's folding on 256-bit vectors, for
 * CPUs with VPCLMULQDQ and AVX2 but not AVX-512 (AMD Zen 3, Intel Alder
 * Lake).  The same method and keys (see there): eight vectors of two
 * blocks each fold 256 bytes at a time, then fold onto the last vector
 * and its two blocks onto its last one.  Compiled with -mavx2
 * -mvpclmulqdq: nothing here runs before crc32c.c has checked the CPU.
 */
#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

#if defined(__x86_64__) && defined(__VPCLMULQDQ__) && defined(__AVX2__)
#include <immintrin.h>

#define POLY_NORMAL 0x11EDC6F41ull /* x^32 + ..., Castagnoli */

/* x^n mod P as a reflected 64-bit half (as in crc32c_fold.c). */
static uint64_t
xpow(unsigned n)
{
	uint64_t r = 1, out = 0;

	while (n-- > 0) {
		r <<= 1;
		if (r & (1ull << 32))
			r ^= POLY_NORMAL;
	}
	for (int j = 0; j < 32; j++)
		if (r >> j & 1)
			out |= 1ull << (63 - j);
	return out;
}

/* The two constants that move a block D bytes on, in both halves. */
static __m256i
fold_key(unsigned d)
{
	return _mm256_broadcastsi128_si256(_mm_set_epi64x(
	    (long long)xpow(8 * d - 1), (long long)xpow(8 * d + 63)));
}

static __m256i
fold256(__m256i a, __m256i k)
{
	return _mm256_xor_si256(_mm256_clmulepi64_epi128(a, k, 0x00),
	    _mm256_clmulepi64_epi128(a, k, 0x11));
}

uint32_t
pxr_crc32c_fold256(uint32_t state, const unsigned char *p, size_t len,
    size_t *done)
{
	static __m256i keys[8]; /* keys[j]: 32 * j bytes on; [0] is 256 */
	static __m128i k16;	/* 16 bytes on */
	static int ready;
	__m256i x[8];
	__m128i r;
	size_t n = len & ~(size_t)255;
	uint64_t lo, hi;

	*done = 0;
	if (n < 512)
		return state;
	if (!ready) {
		keys[0] = fold_key(256);
		for (unsigned j = 1; j < 8; j++)
			keys[j] = fold_key(32 * j);
		k16 = _mm256_castsi256_si128(fold_key(16));
		ready = 1;
	}
	for (int j = 0; j < 8; j++)
		x[j] = _mm256_loadu_si256((const void *)(p + 32 * j));
	x[0] = _mm256_xor_si256(x[0],
	    _mm256_castsi128_si256(_mm_cvtsi32_si128((int)state)));
	for (size_t i = 256; i < n; i += 256)
		for (int j = 0; j < 8; j++)
			x[j] = _mm256_xor_si256(fold256(x[j], keys[0]),
			    _mm256_loadu_si256((const void *)(p + i + 32 * j)));
	/* Vectors 0..6 onto vector 7, 32 * (7 - j) bytes on; then its low
	 * block onto its high one, 16 bytes on. */
	for (int j = 0; j < 7; j++)
		x[7] = _mm256_xor_si256(x[7], fold256(x[j], keys[7 - j]));
	r = _mm256_castsi256_si128(x[7]);
	r = _mm_xor_si128(_mm256_extracti128_si256(x[7], 1),
	    _mm_xor_si128(_mm_clmulepi64_si128(r, k16, 0x00),
		_mm_clmulepi64_si128(r, k16, 0x11)));
	lo = (uint64_t)_mm_cvtsi128_si64(r);
	hi = (uint64_t)_mm_extract_epi64(r, 1);
	*done = n;
	return (uint32_t)_mm_crc32_u64(_mm_crc32_u64(0, lo), hi);
}
#else
uint32_t
pxr_crc32c_fold256(uint32_t state, const unsigned char *p, size_t len,
    size_t *done)
{
	(void)p, (void)len;
	*done = 0;
	return state;
}
#endif
