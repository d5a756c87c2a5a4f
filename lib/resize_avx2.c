/*
 * resize_avx2.c: the two passes of lib/resize.c with AVX2, for the CPUs
 * that have it but not AVX-512 (resize.c picks at run time).  Same 32-bit
 * integer arithmetic as the C passes, so the same bytes; only the order of
 * the additions changes.
 *
 * Built with -mavx2 (see the Makefile): nothing in this file may run
 * before resize.c has checked the CPU.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "resize_simd.h"

#if defined(__AVX2__)
#include <immintrin.h>

/* 8 input bytes at s, widened to 32 bits, times k, added to acc. */
static inline __m256i
madd8(__m256i acc, const unsigned char *s, __m256i k)
{
	__m256i px = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)s));

	return _mm256_add_epi32(acc, _mm256_mullo_epi32(px, k));
}

/* clip8 of resize.c on 32 lanes (the rounding term is in the sums):
 * shift, saturate to 16 then to unsigned 8 bits, which clips to 0..255
 * as clip8 does; the packs work per 128-bit half, so a last permutation
 * puts the bytes back in order. */
static inline __m256i
clip8x32(__m256i a0, __m256i a1, __m256i a2, __m256i a3)
{
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	__m256i p01 =
	    _mm256_packs_epi32(_mm256_srai_epi32(a0, PXR_RESIZE_PRECISION),
		_mm256_srai_epi32(a1, PXR_RESIZE_PRECISION));
	__m256i p23 =
	    _mm256_packs_epi32(_mm256_srai_epi32(a2, PXR_RESIZE_PRECISION),
		_mm256_srai_epi32(a3, PXR_RESIZE_PRECISION));

	return _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23),
	    order);
}

/* The same for the low 8 bytes from one vector of 8 lanes. */
static inline __m128i
clip8x8(__m256i a)
{
	__m256i s = _mm256_srai_epi32(a, PXR_RESIZE_PRECISION);
	__m128i p = _mm_packs_epi32(_mm256_castsi256_si128(s),
	    _mm256_extracti128_si256(s, 1));

	return _mm_packus_epi16(p, p);
}

/* 16 bytes of a row from at on, zeros for those past the row's end
 * (nothing past it is read; a pair's taps can run past one pixel's end,
 * with zero weights). */
static inline __m128i
load16(const unsigned char *row, size_t at, size_t rowbytes)
{
	unsigned char copy[16];

	if (at + 16 <= rowbytes)
		return _mm_loadu_si128((const void *)(row + at));
	memset(copy, 0, sizeof(copy));
	if (at < rowbytes)
		memcpy(copy, row + at, rowbytes - at);
	return _mm_loadu_si128((const void *)copy);
}

/* The byte shuffle that spreads tap t's R, G and B (bytes 3t to 3t+2 of
 * each 128-bit half) over 32-bit lanes R G B 0. */
static inline __m256i
tap_lanes(int t)
{
	return _mm256_setr_epi8(3 * t, -1, -1, -1, 3 * t + 1, -1, -1, -1,
	    3 * t + 2, -1, -1, -1, -1, -1, -1, -1, 3 * t, -1, -1, -1, 3 * t + 1,
	    -1, -1, -1, 3 * t + 2, -1, -1, -1, -1, -1, -1, -1);
}

/* Four output pixels' R G B from their pairs' sums (a and c in one
 * pair's halves, b and d in the other's), as the first 12 of 16 bytes. */
static inline __m128i
pack4(__m256i ab, __m256i cd)
{
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	const __m128i rgb4 = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13,
	    14, -1, -1, -1, -1);
	/* Per half: a R G B 0 c R G B 0 (b and d in the other), then the
	 * four pixels' words in order, then their R G B. */
	__m256i px = _mm256_packus_epi16(_mm256_packs_epi32(ab, cd),
	    _mm256_setzero_si256());

	px = _mm256_permutevar8x32_epi32(px, order);
	return _mm_shuffle_epi8(_mm256_castsi256_si128(px), rgb4);
}

/*
 * One pair of output pixels of the horizontal pass, one per 128-bit half:
 * each half holds 16 bytes of its pixel's taps (5 input pixels) from at
 * and bt, and one byte shuffle per tap spreads that tap's R, G and B over
 * 32-bit lanes R G B 0, which are multiplied by the weights laid out the
 * same way (k: PXR_HPAIR_LANES per tap, see resize.c) and added: the sums
 * come out per channel, with no reduction.  taps is the same for every
 * pair of a row (zero weights pad the pixels that have fewer), so the
 * loops' branches go the same way every time, and it is a constant where
 * hrow3_taps is inlined for one.
 */
static inline __attribute__((always_inline)) __m256i
hpair(const unsigned char *src, size_t rowbytes, size_t at, size_t bt,
    const int32_t *k, int taps)
{
	__m256i acc = _mm256_set1_epi32(1 << (PXR_RESIZE_PRECISION - 1));

	for (int t = 0; t < taps; t += 5, at += 15, bt += 15) {
		int left = taps - t < 5 ? taps - t : 5;
		__m256i v = _mm256_inserti128_si256(
		    _mm256_castsi128_si256(load16(src, at, rowbytes)),
		    load16(src, bt, rowbytes), 1);

#pragma GCC unroll 5
		for (int j = 0; j < left; j++, k += PXR_HPAIR_LANES)
			acc = _mm256_add_epi32(acc,
			    _mm256_mullo_epi32(
				_mm256_shuffle_epi8(v, tap_lanes(j)),
				_mm256_loadu_si256((const void *)k)));
	}
	return _mm256_srai_epi32(acc, PXR_RESIZE_PRECISION);
}

/*
 * The horizontal pass over output columns x0 .. x0+n-1, four pixels (two
 * pairs) at a time, whose sums are packed to bytes together and stored as
 * 16 bytes: the 4 after the 12 pixel bytes are the next pixels' (written
 * later) or the slack resize.c leaves after the rows.  Past the last
 * pixel, the last one is repeated: what it gives lands in that slack too.
 */
static inline __attribute__((always_inline)) void
hrow3_taps(unsigned char *restrict dst, const unsigned char *restrict src,
    size_t rowbytes, int xoff, const int *bounds, const int32_t *kp, int ksize,
    uint32_t x0, uint32_t n, int taps)
{
	const size_t per = (size_t)ksize * PXR_HPAIR_LANES;
	uint32_t last = x0 + n - 1;

	for (uint32_t xx = x0; xx <= last; xx += 4, dst += 12) {
		uint32_t b = xx + 1 < last ? xx + 1 : last;
		uint32_t c = xx + 2 < last ? xx + 2 : last;
		uint32_t d = xx + 3 < last ? xx + 3 : last;
		__m256i ab = hpair(src, rowbytes,
		    (size_t)(bounds[xx * 2] - xoff) * 3,
		    (size_t)(bounds[b * 2] - xoff) * 3, kp + xx * per, taps);
		__m256i cd =
		    hpair(src, rowbytes, (size_t)(bounds[c * 2] - xoff) * 3,
			(size_t)(bounds[d * 2] - xoff) * 3, kp + c * per, taps);

		_mm_storeu_si128((void *)dst, pack4(ab, cd));
	}
}

/* Rows that a group of four output pixels runs down before the next
 * group, in hrows3_block: the block's rows stay in the L1 cache. */
#define HROW_BLOCK 32

/* The most taps hrows3_block takes: two loads of 5 pixels a half (the
 * reach of bicubic's support 2 at reductions up to 2.25, of lanczos3's
 * up to 1.5). */
#define HBLOCK_TAPS 10

/* hpair for taps that all lie in the row's first rowbytes - 16 bytes,
 * with the weights already loaded: 5 taps a load of 16 bytes a half. */
static inline __attribute__((always_inline)) __m256i
hpair_in(const unsigned char *in, size_t at, size_t bt, const __m256i *kw,
    int taps)
{
	__m256i acc = _mm256_set1_epi32(1 << (PXR_RESIZE_PRECISION - 1));

	for (int t = 0; t < taps; t += 5, at += 15, bt += 15) {
		int left = taps - t < 5 ? taps - t : 5;
		__m256i v = _mm256_inserti128_si256(
		    _mm256_castsi128_si256(
			_mm_loadu_si128((const void *)(in + at))),
		    _mm_loadu_si128((const void *)(in + bt)), 1);

#pragma GCC unroll 5
		for (int j = 0; j < left; j++)
			acc = _mm256_add_epi32(acc,
			    _mm256_mullo_epi32(
				_mm256_shuffle_epi8(v, tap_lanes(j)),
				kw[t + j]));
	}
	return _mm256_srai_epi32(acc, PXR_RESIZE_PRECISION);
}

/* Stores the 12 bytes of four pixels exactly. */
static inline void
store12(unsigned char *o, __m128i px)
{
	int32_t rest = _mm_extract_epi32(px, 2);

	_mm_storel_epi64((void *)o, px);
	memcpy(o + 8, &rest, sizeof(rest));
}

/*
 * rows rows (at most HROW_BLOCK) of the horizontal pass for taps <=
 * HBLOCK_TAPS.
 * Groups of four output pixels whose loads stay inside the rows work out
 * their input offsets and load their weights once, then run down the
 * rows; the pixels after them, near the row's end, go by hrow3_taps, row
 * by row.  Stores run past what they fill (16 bytes for 12, and
 * hrow3_taps' past a row's end), so the order matters: the tail first, in
 * row order (each row's overrun lands on the next row's first pixels,
 * written after it), then the groups left to right (16 bytes each, the
 * last one 12).
 */
static inline __attribute__((always_inline)) void
hrows3_block(unsigned char *restrict dst, const unsigned char *restrict src,
    size_t sstride, size_t rows, size_t rowbytes, int xoff, const int *bounds,
    const int32_t *kp, int ksize, uint32_t x0, uint32_t n, int taps)
{
	const size_t per = (size_t)ksize * PXR_HPAIR_LANES;
	const size_t dstride = (size_t)n * 3;
	/* The bytes a pixel's loads reach from its first tap's. */
	const size_t reach = (size_t)(taps - 1) / 5 * 15 + 16;
	uint32_t last = x0 + n - 1, xt = x0;

	/* Input offsets rise with the output column: the groups that fit
	 * come first. */
	while (xt + 4 <= last &&
	    (size_t)(bounds[(xt + 3) * 2] - xoff) * 3 + reach <= rowbytes)
		xt += 4;
	for (size_t r = 0; r < rows; r++)
		hrow3_taps(dst + r * dstride + (xt - x0) * 3, src + r * sstride,
		    rowbytes, xoff, bounds, kp, ksize, xt, last - xt + 1, taps);
	for (uint32_t xx = x0; xx < xt; xx += 4) {
		size_t at = (size_t)(bounds[xx * 2] - xoff) * 3;
		size_t bt = (size_t)(bounds[xx * 2 + 2] - xoff) * 3;
		size_t ct = (size_t)(bounds[xx * 2 + 4] - xoff) * 3;
		size_t dt = (size_t)(bounds[xx * 2 + 6] - xoff) * 3;
		unsigned char *o = dst + (xx - x0) * 3;
		const unsigned char *in = src;
		__m256i kab[HBLOCK_TAPS], kcd[HBLOCK_TAPS];

		for (int j = 0; j < taps; j++) {
			kab[j] = _mm256_loadu_si256((
			    const void *)(kp + xx * per + j * PXR_HPAIR_LANES));
			kcd[j] = _mm256_loadu_si256((const void *)(kp +
			    (xx + 2) * per + j * PXR_HPAIR_LANES));
		}
		if (xx + 4 < xt) {
			for (size_t r = 0; r < rows;
			     r++, o += dstride, in += sstride)
				_mm_storeu_si128((void *)o,
				    pack4(hpair_in(in, at, bt, kab, taps),
					hpair_in(in, ct, dt, kcd, taps)));
		} else {
			for (size_t r = 0; r < rows;
			     r++, o += dstride, in += sstride)
				store12(o,
				    pack4(hpair_in(in, at, bt, kab, taps),
					hpair_in(in, ct, dt, kcd, taps)));
		}
	}
}

/*
 * Horizontal pass, 3 channels, over rows rows of src (stride sstride,
 * each holding the input from column xoff on, rowbytes bytes of it), to
 * output columns x0 .. x0+n-1, into dst (n * 3 bytes a row, and
 * PXR_HROW_SLACK after the last).  taps is the most taps any output pixel
 * has (the weights of those with fewer are zero).
 */
void
pxr_hrows3_avx2(unsigned char *restrict dst, const unsigned char *restrict src,
    size_t sstride, size_t rows, size_t rowbytes, int xoff, const int *bounds,
    const int32_t *kp, int ksize, int taps, uint32_t x0, uint32_t n)
{
	for (size_t r0 = 0; r0 < rows; r0 += HROW_BLOCK) {
		size_t nr = rows - r0 < HROW_BLOCK ? rows - r0 : HROW_BLOCK;
		unsigned char *d = dst + r0 * n * 3;
		const unsigned char *s = src + r0 * sstride;

#define CASE(t)                                                                \
	case t:                                                                \
		hrows3_block(d, s, sstride, nr, rowbytes, xoff, bounds, kp,    \
		    ksize, x0, n, t);                                          \
		break
		switch (taps) {
			CASE(1);
			CASE(2);
			CASE(3);
			CASE(4);
			CASE(5);
			CASE(6);
			CASE(7);
			CASE(8);
			CASE(9);
			CASE(10);
		default:
			for (size_t r = 0; r < nr; r++)
				hrow3_taps(d + r * n * 3, s + r * sstride,
				    rowbytes, xoff, bounds, kp, ksize, x0, n,
				    taps);
			break;
		}
#undef CASE
	}
}

/*
 * Vertical pass: output rows y0 .. y0+n-1, each the weighted sum of input
 * rows; 32 samples at a time in four registers across the taps, then 8 at
 * a time, then the last few in plain C.
 */
void
pxr_vertical_avx2(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t stride, size_t rowlen,
    const int *bounds, const int32_t *kk, int ksize, int first, uint32_t y0,
    uint32_t n)
{
	const __m256i half = _mm256_set1_epi32(1 << (PXR_RESIZE_PRECISION - 1));

	for (uint32_t yy = y0; yy < y0 + n; yy++, dst += rowlen) {
		int ymin = bounds[yy * 2] - first, ymax = bounds[yy * 2 + 1];
		const int32_t *k = kk + (size_t)yy * ksize;
		const unsigned char *base = src + (size_t)ymin * stride;
		size_t i = 0;

		for (; i + 32 <= rowlen; i += 32) {
			__m256i a0 = half, a1 = half, a2 = half, a3 = half;

			for (int y = 0; y < ymax; y++) {
				const unsigned char *s =
				    base + (size_t)y * stride + i;
				__m256i ky = _mm256_set1_epi32(k[y]);

				a0 = madd8(a0, s, ky);
				a1 = madd8(a1, s + 8, ky);
				a2 = madd8(a2, s + 16, ky);
				a3 = madd8(a3, s + 24, ky);
			}
			_mm256_storeu_si256((void *)(dst + i),
			    clip8x32(a0, a1, a2, a3));
		}
		for (; i + 8 <= rowlen; i += 8) {
			__m256i a = half;

			for (int y = 0; y < ymax; y++)
				a = madd8(a, base + (size_t)y * stride + i,
				    _mm256_set1_epi32(k[y]));
			_mm_storel_epi64((void *)(dst + i), clip8x8(a));
		}
		for (; i < rowlen; i++) {
			int32_t a = 1 << (PXR_RESIZE_PRECISION - 1);

			for (int y = 0; y < ymax; y++)
				a += base[(size_t)y * stride + i] * k[y];
			a >>= PXR_RESIZE_PRECISION;
			dst[i] = (unsigned char)(a < 0 ? 0 : a > 255 ? 255 : a);
		}
	}
}
#else
/* Not an x86-64 build: resize.c never calls these. */
void
pxr_hrows3_avx2(unsigned char *restrict dst, const unsigned char *restrict src,
    size_t sstride, size_t rows, size_t rowbytes, int xoff, const int *bounds,
    const int32_t *kp, int ksize, int taps, uint32_t x0, uint32_t n)
{
	(void)dst, (void)src, (void)sstride, (void)rows, (void)rowbytes,
	    (void)xoff, (void)bounds, (void)kp, (void)ksize, (void)taps,
	    (void)x0, (void)n;
}

void
pxr_vertical_avx2(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t stride, size_t rowlen,
    const int *bounds, const int32_t *kk, int ksize, int first, uint32_t y0,
    uint32_t n)
{
	(void)dst, (void)src, (void)stride, (void)rowlen, (void)bounds,
	    (void)kk, (void)ksize, (void)first, (void)y0, (void)n;
}
#endif
