/*
 * resize_avx512.c: the two passes of lib/resize.c with AVX-512, for the
 * CPUs that have it (resize.c picks these at run time).  The arithmetic is
 * the scalar code's, in the same 32-bit integers, so the bytes are the
 * same; only the order of additions changes, and integer addition does
 * not care.
 *
 * Built with -mavx512f -mavx512bw -mavx512vl (see the Makefile); nothing
 * else in pxr is, so no AVX-512 instruction runs on a CPU without it.
 */
#include <stddef.h>
#include <stdint.h>

#include "resize_simd.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>

/* (sum + 2^21) >> 22 clipped to 0..255, as resize.c's clip8, on 16 lanes
 * (the rounding term is already in the sums). */
static inline __m128i
clip8x16(__m512i v)
{
	v = _mm512_srai_epi32(v, PXR_RESIZE_PRECISION);
	v = _mm512_max_epi32(v, _mm512_setzero_si512());
	return _mm512_cvtusepi32_epi8(v);
}

/* acc + the 16 bytes at s, widened, times k. */
static inline __m512i
madd16(__m512i acc, const unsigned char *s, __m512i k)
{
	return _mm512_add_epi32(acc,
	    _mm512_mullo_epi32(
		_mm512_cvtepu8_epi32(_mm_loadu_si128((const void *)s)), k));
}

/*
 * Horizontal pass, 3 channels: output columns x0 .. x0+n-1, from a row
 * that holds the input from column xoff on.  For each
 * output pixel, the taps are read 5 pixels (15 bytes) at a time into 15
 * lanes, multiplied by the weights laid out the same way (kx: per output
 * pixel, kchunks blocks of 16 lanes, k0 k0 k0 k1 k1 k1 ... k4 k4 k4 0),
 * and the five pixels' lanes are then summed channel by channel.
 */
void
pxr_hrow3_avx512(unsigned char *restrict dst, const unsigned char *restrict src,
    int xoff, const int *bounds, const int32_t *kx, int kchunks, uint32_t x0,
    uint32_t n)
{
	/* Lane i of the first fold takes lane idx1[i]: pixels 1 and 3 onto
	 * pixels 0 and 2, pixel 4 onto zero lanes; the second brings pixels
	 * 2 and 4 (now sums) onto pixel 0. */
	const __m512i idx1 = _mm512_setr_epi32(3, 4, 5, 15, 15, 15, 9, 10, 11,
	    15, 15, 15, 15, 15, 15, 15);
	const __m512i idx2 = _mm512_setr_epi32(6, 7, 8, 15, 15, 15, 15, 15, 15,
	    15, 15, 15, 15, 15, 15, 15);
	const __m512i idx3 = _mm512_setr_epi32(12, 13, 14, 15, 15, 15, 15, 15,
	    15, 15, 15, 15, 15, 15, 15, 15);
	const __m512i half = _mm512_set1_epi32(1 << (PXR_RESIZE_PRECISION - 1));

	for (uint32_t xx = x0; xx < x0 + n; xx++, dst += 3) {
		int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1];
		const unsigned char *s = src + (size_t)(xmin - xoff) * 3;
		const int32_t *k = kx + (size_t)xx * kchunks * 16;
		__m512i acc = _mm512_setzero_si512(), t;

		for (int x = 0; x < xmax; x += 5, s += 15, k += 16) {
			int cnt = xmax - x < 5 ? xmax - x : 5;
			/* Only the taps' bytes are read: the row may end
			 * right after them. */
			__mmask16 m = (__mmask16)((1u << (cnt * 3)) - 1);
			__m512i px =
			    _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, s));

			acc = _mm512_add_epi32(acc,
			    _mm512_mullo_epi32(px, _mm512_loadu_si512(k)));
		}
		/* Lane 15 is always zero (its weight is 0). */
		t = _mm512_add_epi32(acc, _mm512_permutexvar_epi32(idx1, acc));
		t = _mm512_add_epi32(_mm512_add_epi32(t, half),
		    _mm512_add_epi32(_mm512_permutexvar_epi32(idx2, t),
			_mm512_permutexvar_epi32(idx3, t)));
		_mm_mask_storeu_epi8(dst, 0x7, clip8x16(t));
	}
}

/*
 * Vertical pass: output rows y0 .. y0+n-1, each the weighted sum of
 * input rows; 64 samples at a time kept in four registers across the
 * taps, the row's tail under a mask.
 */
void
pxr_vertical_avx512(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t stride, size_t rowlen,
    const int *bounds, const int32_t *kk, int ksize, int first, uint32_t y0,
    uint32_t n)
{
	const __m512i half = _mm512_set1_epi32(1 << (PXR_RESIZE_PRECISION - 1));

	for (uint32_t yy = y0; yy < y0 + n; yy++, dst += rowlen) {
		int ymin = bounds[yy * 2] - first, ymax = bounds[yy * 2 + 1];
		const int32_t *k = kk + (size_t)yy * ksize;
		const unsigned char *base = src + (size_t)ymin * stride;
		size_t i = 0;

		for (; i + 64 <= rowlen; i += 64) {
			__m512i a0 = half, a1 = half, a2 = half, a3 = half;

			for (int y = 0; y < ymax; y++) {
				const unsigned char *s =
				    base + (size_t)y * stride + i;
				__m512i ky = _mm512_set1_epi32(k[y]);

				a0 = madd16(a0, s, ky);
				a1 = madd16(a1, s + 16, ky);
				a2 = madd16(a2, s + 32, ky);
				a3 = madd16(a3, s + 48, ky);
			}
			_mm_storeu_si128((void *)(dst + i), clip8x16(a0));
			_mm_storeu_si128((void *)(dst + i + 16), clip8x16(a1));
			_mm_storeu_si128((void *)(dst + i + 32), clip8x16(a2));
			_mm_storeu_si128((void *)(dst + i + 48), clip8x16(a3));
		}
		for (; i < rowlen; i += 16) {
			size_t left = rowlen - i;
			__mmask16 m = left >= 16
			    ? (__mmask16)0xffff
			    : (__mmask16)((1u << left) - 1);
			__m512i a = half;

			for (int y = 0; y < ymax; y++) {
				const unsigned char *s =
				    base + (size_t)y * stride + i;

				a = _mm512_add_epi32(a,
				    _mm512_mullo_epi32(
					_mm512_cvtepu8_epi32(
					    _mm_maskz_loadu_epi8(m, s)),
					_mm512_set1_epi32(k[y])));
			}
			_mm_mask_storeu_epi8(dst + i, m, clip8x16(a));
		}
	}
}
#else
/* Not an x86-64 build: resize.c never calls these. */
void
pxr_hrow3_avx512(unsigned char *restrict dst, const unsigned char *restrict src,
    int xoff, const int *bounds, const int32_t *kx, int kchunks, uint32_t x0,
    uint32_t n)
{
	(void)dst, (void)src, (void)xoff, (void)bounds, (void)kx, (void)kchunks,
	    (void)x0, (void)n;
}

void
pxr_vertical_avx512(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t stride, size_t rowlen,
    const int *bounds, const int32_t *kk, int ksize, int first, uint32_t y0,
    uint32_t n)
{
	(void)dst, (void)src, (void)stride, (void)rowlen, (void)bounds,
	    (void)kk, (void)ksize, (void)first, (void)y0, (void)n;
}
#endif
