/*
 * crc32c_fold.c: CRC-32C of long buffers by carry-less multiplication
 * (VPCLMULQDQ on 512-bit vectors), for the CPUs that have it; crc32c.c
 * calls it for the whole 256-byte groups of a long buffer and finishes
 * with the crc32 instruction.  About three times the crc32 instruction's
 * speed: the checksum was as slow as the copy that pipes make anyway.
 *
 * The method is Intel's "Fast CRC Computation for Generic Polynomials
 * Using PCLMULQDQ" for a reflected CRC.  Take bit i of a little-endian
 * 128-bit block as the coefficient of x^(127-i) (the first byte's low bit
 * is the highest term).  Moving a block A = A_lo x^64 + A_hi forward by D
 * bytes multiplies it by x^(8D) modulo P; a carry-less product of two
 * 64-bit halves carries one extra factor x, so
 *     A x^(8D) == clmul(A_lo, x^(8D+63) mod P) ^ clmul(A_hi, x^(8D-1) mod P)
 * as a 128-bit block, which is XORed into the block D bytes on.  Four
 * vectors (16 blocks, 256 bytes) are folded at a time; at the end they
 * are folded into one block R, whose CRC state is R x^32 mod P: two crc32
 * instructions from state 0.  The initial state is XORed into the first
 * four bytes, as a CRC's state always can be.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crc32c_int.h"
#include "pxr.h"

#if defined(__x86_64__) && defined(__VPCLMULQDQ__) && defined(__AVX512F__)
#include <immintrin.h>

/* The two constants that move a block D bytes on, low half first, from
 * crc32c_fold_keys (K256 is D = 256, and so on). */
enum { K256, K192, K128, K64, K48, K32, K16 };

static __m128i
fold_key(int d)
{
	return _mm_set_epi64x((long long)crc32c_fold_keys[d][1],
	    (long long)crc32c_fold_keys[d][0]);
}

static __m128i
fold128(__m128i a, __m128i k)
{
	return _mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00),
	    _mm_clmulepi64_si128(a, k, 0x11));
}

static __m512i
fold512(__m512i a, __m512i k)
{
	return _mm512_xor_si512(_mm512_clmulepi64_epi128(a, k, 0x00),
	    _mm512_clmulepi64_epi128(a, k, 0x11));
}

uint32_t
pxr_crc32c_fold(uint32_t state, const unsigned char *p, size_t len,
    size_t *done)
{
	__m512i x0, x1, x2, x3, k;
	__m128i r;
	size_t n = len & ~(size_t)255;
	uint64_t lo, hi;

	*done = 0;
	if (n < 512)
		return state;
	x0 = _mm512_xor_si512(_mm512_loadu_si512(p),
	    _mm512_castsi128_si512(_mm_cvtsi32_si128((int)state)));
	x1 = _mm512_loadu_si512(p + 64);
	x2 = _mm512_loadu_si512(p + 128);
	x3 = _mm512_loadu_si512(p + 192);
	k = _mm512_broadcast_i32x4(fold_key(K256));
	for (size_t i = 256; i < n; i += 256) {
		x0 =
		    _mm512_xor_si512(fold512(x0, k), _mm512_loadu_si512(p + i));
		x1 = _mm512_xor_si512(fold512(x1, k),
		    _mm512_loadu_si512(p + i + 64));
		x2 = _mm512_xor_si512(fold512(x2, k),
		    _mm512_loadu_si512(p + i + 128));
		x3 = _mm512_xor_si512(fold512(x3, k),
		    _mm512_loadu_si512(p + i + 192));
	}
	/* The four vectors onto the last one, then its four blocks onto its
	 * last block. */
	x3 = _mm512_xor_si512(x3,
	    fold512(x0, _mm512_broadcast_i32x4(fold_key(K192))));
	x3 = _mm512_xor_si512(x3,
	    fold512(x1, _mm512_broadcast_i32x4(fold_key(K128))));
	x3 = _mm512_xor_si512(x3,
	    fold512(x2, _mm512_broadcast_i32x4(fold_key(K64))));
	r = _mm512_extracti32x4_epi32(x3, 3);
	r = _mm_xor_si128(r,
	    fold128(_mm512_castsi512_si128(x3), fold_key(K48)));
	r = _mm_xor_si128(r,
	    fold128(_mm512_extracti32x4_epi32(x3, 1), fold_key(K32)));
	r = _mm_xor_si128(r,
	    fold128(_mm512_extracti32x4_epi32(x3, 2), fold_key(K16)));
	lo = (uint64_t)_mm_cvtsi128_si64(r);
	hi = (uint64_t)_mm_extract_epi64(r, 1);
	*done = n;
	return (uint32_t)_mm_crc32_u64(_mm_crc32_u64(0, lo), hi);
}
#else
uint32_t
pxr_crc32c_fold(uint32_t state, const unsigned char *p, size_t len,
    size_t *done)
{
	(void)p, (void)len;
	*done = 0;
	return state;
}
#endif
