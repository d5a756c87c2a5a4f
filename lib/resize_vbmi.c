/*
 * resize_vbmi.c: the horizontal pass for 3 channels with AVX-512 VBMI, 16
 * output pixels at a time (lib/resize.c picks it at run time).
 *
 * pxr_hrow3_avx512 sums one output pixel's taps in one vector and then
 * folds the vector's lanes by channel, which costs more than the sums.
 * Here a vector's 16 lanes are 16 output pixels instead: for each tap, one
 * byte permutation (vpermt2b) picks, from the 128 input bytes the group
 * reads, the tap's R, G and B bytes of all 16 pixels, and each channel is
 * a plain multiply-add.  A group's input must fit in those 128 bytes
 * (42 pixels: reductions by up to about 2.4 for the triangle filter); the
 * tables say when it does not, and resize.c then uses the other pass.
 * Same 32-bit integer arithmetic as the C pass, so the same bytes.
 *
 * This file is compiled for AVX-512, so it holds nothing but code that
 * runs after the CPU check: the tables are built and freed in
 * lib/resize_groups.c, compiled for the plain target.
 */
#include "resize_simd.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) &&  \
    defined(__AVX512VBMI__)
#include <immintrin.h>

/* One mask bit per byte for the first n (<= 64) bytes. */
static inline __mmask64
first_bytes(int n)
{
	return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
}

/* (sum + 2^21) >> 22 clipped to 0..255 (the rounding term is in sum). */
static inline __m128i
clip8x16(__m512i v)
{
	v = _mm512_srai_epi32(v, PXR_RESIZE_PRECISION);
	return _mm512_cvtusepi32_epi8(
	    _mm512_max_epi32(v, _mm512_setzero_si512()));
}

void
pxr_hrow3_vbmi(unsigned char *restrict dst, const unsigned char *restrict src,
    int xoff, const struct pxr_hgroups *g)
{
	const __m512i half = _mm512_set1_epi32(1 << (PXR_RESIZE_PRECISION - 1));
	/* Output byte j is pixel j/3's channel j%3, which sits at
	 * (j%3)*16 + j/3 of the [R G B] vector. */
	static const unsigned char rgb_order[64] = {
		0,
		16,
		32,
		1,
		17,
		33,
		2,
		18,
		34,
		3,
		19,
		35,
		4,
		20,
		36,
		5,
		21,
		37,
		6,
		22,
		38,
		7,
		23,
		39,
		8,
		24,
		40,
		9,
		25,
		41,
		10,
		26,
		42,
		11,
		27,
		43,
		12,
		28,
		44,
		13,
		29,
		45,
		14,
		30,
		46,
		15,
		31,
		47,
	};
	const __m512i order = _mm512_loadu_si512(rgb_order);

	for (int gi = 0; gi < g->ngroups; gi++, dst += 48) {
		const unsigned char *s = src + (size_t)(g->base[gi] - xoff) * 3;
		int span = g->span[gi];
		int lanes = g->n - (uint32_t)gi * 16 < 16
		    ? (int)(g->n - (uint32_t)gi * 16)
		    : 16;
		/* Only the group's input bytes are read: the row may end
		 * right after them. */
		__m512i lo = _mm512_maskz_loadu_epi8(first_bytes(span), s);
		__m512i hi = _mm512_maskz_loadu_epi8(
		    span > 64 ? first_bytes(span - 64) : 0, s + 64);
		__m512i r = half, gr = half, b = half, px, k;
		const unsigned char *ix = g->idx + (size_t)gi * g->taps * 64;
		const int32_t *w = g->w + (size_t)gi * g->taps * 16;

		for (int t = 0; t < g->taps; t++, ix += 64, w += 16) {
			px = _mm512_permutex2var_epi8(lo,
			    _mm512_loadu_si512(ix), hi);
			k = _mm512_loadu_si512(w);
			r = _mm512_add_epi32(r,
			    _mm512_mullo_epi32(k,
				_mm512_cvtepu8_epi32(
				    _mm512_castsi512_si128(px))));
			gr = _mm512_add_epi32(gr,
			    _mm512_mullo_epi32(k,
				_mm512_cvtepu8_epi32(
				    _mm512_extracti32x4_epi32(px, 1))));
			b = _mm512_add_epi32(b,
			    _mm512_mullo_epi32(k,
				_mm512_cvtepu8_epi32(
				    _mm512_extracti32x4_epi32(px, 2))));
		}
		px = _mm512_castsi128_si512(clip8x16(r));
		px = _mm512_inserti32x4(px, clip8x16(gr), 1);
		px = _mm512_inserti32x4(px, clip8x16(b), 2);
		_mm512_mask_storeu_epi8(dst, first_bytes(lanes * 3),
		    _mm512_permutexvar_epi8(order, px));
	}
}
#else
/* Not built for VBMI: resize.c never calls this. */
void
pxr_hrow3_vbmi(unsigned char *restrict dst, const unsigned char *restrict src,
    int xoff, const struct pxr_hgroups *g)
{
	(void)dst, (void)src, (void)xoff, (void)g;
}
#endif
