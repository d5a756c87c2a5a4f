/*
 * pack_vbmi.c: the julia layout's transpose for 3 channels with AVX-512
 * VBMI (lib/pack.c picks it at run time): sample (y, x, k) of an H x W
 * RGB image goes to k*W*H + x*H + y.
 *
 * A block of 16 rows by 16 pixels is loaded as 16 vectors, one row each,
 * split into planes by one byte permutation (R, G and B in the first three
 * 128-bit lanes); four rounds of byte interleaving (unpacklo/hi_epi8 of
 * rows j and j+8) then transpose each lane's 16 x 16 bytes, leaving
 * vector x holding column x of every channel: three 16-byte stores.
 * Only whole blocks are done here; pack.c does the edges.
 */
#include <stddef.h>
#include <stdint.h>

#include "pack.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) &&  \
    defined(__AVX512VBMI__)
#include <immintrin.h>

void
pxr_pack_julia3_vbmi(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h)
{
	/* Byte i of a plane-split row is pixel i%16's channel i/16. */
	static const unsigned char planes[64] = {
		0,
		3,
		6,
		9,
		12,
		15,
		18,
		21,
		24,
		27,
		30,
		33,
		36,
		39,
		42,
		45,
		1,
		4,
		7,
		10,
		13,
		16,
		19,
		22,
		25,
		28,
		31,
		34,
		37,
		40,
		43,
		46,
		2,
		5,
		8,
		11,
		14,
		17,
		20,
		23,
		26,
		29,
		32,
		35,
		38,
		41,
		44,
		47,
	};
	const __m512i split = _mm512_loadu_si512(planes);
	const __mmask64 row48 = ((__mmask64)1 << 48) - 1;
	size_t plane = (size_t)w * h;

	for (uint32_t y0 = 0; y0 + 16 <= h; y0 += 16) {
		for (uint32_t x0 = 0; x0 + 16 <= w; x0 += 16) {
			__m512i v[16], t[16];

			for (int r = 0; r < 16; r++)
				v[r] = _mm512_permutexvar_epi8(split,
				    _mm512_maskz_loadu_epi8(row48,
					src + ((size_t)(y0 + r) * w + x0) * 3));
			for (int round = 0; round < 4; round++) {
				for (int j = 0; j < 8; j++) {
					t[2 * j] = _mm512_unpacklo_epi8(v[j],
					    v[j + 8]);
					t[2 * j + 1] = _mm512_unpackhi_epi8(
					    v[j], v[j + 8]);
				}
				for (int j = 0; j < 16; j++)
					v[j] = t[j];
			}
			for (int x = 0; x < 16; x++) {
				unsigned char *d =
				    dst + (size_t)(x0 + x) * h + y0;

				_mm_storeu_si128((void *)d,
				    _mm512_castsi512_si128(v[x]));
				_mm_storeu_si128((void *)(d + plane),
				    _mm512_extracti32x4_epi32(v[x], 1));
				_mm_storeu_si128((void *)(d + 2 * plane),
				    _mm512_extracti32x4_epi32(v[x], 2));
			}
		}
	}
}
#else
/* Not built for VBMI: pack.c never calls this. */
void
pxr_pack_julia3_vbmi(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h)
{
	(void)dst, (void)src, (void)w, (void)h;
}
#endif
