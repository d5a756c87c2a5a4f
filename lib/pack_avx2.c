/*
 * pack_avx2.c: the julia layout's transpose for 3 channels with AVX2
 * (lib/pack.c picks it at run time, on CPUs without VBMI): sample (y, x, k)
 * of an H x W RGB image goes to k*W*H + x*H + y.
 *
 * A block of 16 rows by 16 pixels: each row's 48 bytes are split into its
 * R, G and B planes by byte shuffles; R and G share a vector (one per
 * 128-bit half) and B has its own; four rounds of byte interleaving
 * (unpacklo/hi_epi8 of rows j and j+8) transpose each 16 x 16 half, leaving
 * vector x holding column x: three 16-byte stores.  Only whole blocks are
 * done here; pack.c does the edges.  Compiled with -mavx2: nothing here
 * runs before pack.c has checked the CPU.
 */
#include <stddef.h>
#include <stdint.h>

#include "pack.h"

#if defined(__AVX2__)
#include <immintrin.h>

/* Channel k of 16 pixels from their 48 bytes a, b, c: byte 3i + k of the
 * three, each vector's share picked by its own shuffle (-1 gives 0). */
static inline __m128i
plane(__m128i a, __m128i b, __m128i c, const __m128i m[3])
{
	return _mm_or_si128(
	    _mm_or_si128(_mm_shuffle_epi8(a, m[0]), _mm_shuffle_epi8(b, m[1])),
	    _mm_shuffle_epi8(c, m[2]));
}

/* The shuffles for channel k: m[v] byte i is (3i + k) - 16v where that
 * byte lies in vector v, else -1. */
static void
plane_masks(__m128i m[3], int k)
{
	for (int v = 0; v < 3; v++) {
		signed char b[16];

		for (int i = 0; i < 16; i++) {
			int s = 3 * i + k;

			b[i] = (signed char)(s / 16 == v ? s % 16 : -1);
		}
		m[v] = _mm_loadu_si128((const void *)b);
	}
}

void
pxr_pack_julia3_avx2(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h)
{
	__m128i mr[3], mg[3], mb[3];
	size_t plane_size = (size_t)w * h;

	plane_masks(mr, 0);
	plane_masks(mg, 1);
	plane_masks(mb, 2);
	for (uint32_t y0 = 0; y0 + 16 <= h; y0 += 16) {
		for (uint32_t x0 = 0; x0 + 16 <= w; x0 += 16) {
			__m256i rg[16], trg[16];
			__m128i bl[16], tb[16];

			for (int r = 0; r < 16; r++) {
				const unsigned char *s =
				    src + ((size_t)(y0 + r) * w + x0) * 3;
				__m128i a = _mm_loadu_si128((const void *)s);
				__m128i b =
				    _mm_loadu_si128((const void *)(s + 16));
				__m128i c =
				    _mm_loadu_si128((const void *)(s + 32));

				rg[r] = _mm256_inserti128_si256(
				    _mm256_castsi128_si256(plane(a, b, c, mr)),
				    plane(a, b, c, mg), 1);
				bl[r] = plane(a, b, c, mb);
			}
			for (int round = 0; round < 4; round++) {
				for (int j = 0; j < 8; j++) {
					trg[2 * j] = _mm256_unpacklo_epi8(rg[j],
					    rg[j + 8]);
					trg[2 * j + 1] = _mm256_unpackhi_epi8(
					    rg[j], rg[j + 8]);
					tb[2 * j] =
					    _mm_unpacklo_epi8(bl[j], bl[j + 8]);
					tb[2 * j + 1] =
					    _mm_unpackhi_epi8(bl[j], bl[j + 8]);
				}
				for (int j = 0; j < 16; j++) {
					rg[j] = trg[j];
					bl[j] = tb[j];
				}
			}
			for (int x = 0; x < 16; x++) {
				unsigned char *d =
				    dst + (size_t)(x0 + x) * h + y0;

				_mm_storeu_si128((void *)d,
				    _mm256_castsi256_si128(rg[x]));
				_mm_storeu_si128((void *)(d + plane_size),
				    _mm256_extracti128_si256(rg[x], 1));
				_mm_storeu_si128((void *)(d + 2 * plane_size),
				    bl[x]);
			}
		}
	}
}
#else
/* Not built for AVX2: pack.c never calls this. */
void
pxr_pack_julia3_avx2(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h)
{
	(void)dst, (void)src, (void)w, (void)h;
}
#endif
