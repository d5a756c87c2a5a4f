/*
 * resize_simd.h: the vector versions of lib/resize.c's two passes, used
 * when the CPU has them: lib/resize_avx2.c (AVX2), lib/resize_avx512.c
 * (AVX-512 F, BW and VL), lib/resize_vbmi.c (and VBMI).
 */
#ifndef PXR_RESIZE_SIMD_H
#define PXR_RESIZE_SIMD_H

#include <stddef.h>
#include <stdint.h>

/* Fixed-point bits of the weights, as Pillow's PRECISION_BITS. */
#define PXR_RESIZE_PRECISION (32 - 8 - 2)

/* Taps per block of the horizontal pass's expanded weights: 5 RGB pixels
 * fill 15 of a vector's 16 32-bit lanes. */
#define PXR_HTAPS_PER_BLOCK 5

/* Lanes of pxr_hrow3_avx2's weights per tap of an output pixel xx:
 * k[xx] k[xx] k[xx] 0, then the same for xx + 1 (0 for the last). */
#define PXR_HPAIR_LANES 8

/* Bytes pxr_hrow3_avx2 may write after a row's last pixel: it stores 16
 * bytes for the last 1 to 4 pixels. */
#define PXR_HROW_SLACK 16

void pxr_hrows3_avx2(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t sstride, size_t rows,
    size_t rowbytes, int xoff, const int *bounds, const int32_t *kp, int ksize,
    int taps, uint32_t x0, uint32_t n);
void pxr_vertical_avx2(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t stride, size_t rowlen,
    const int *bounds, const int32_t *kk, int ksize, int first, uint32_t y0,
    uint32_t n);
void pxr_hrow3_avx512(unsigned char *restrict dst,
    const unsigned char *restrict src, int xoff, const int *bounds,
    const int32_t *kx, int kchunks, uint32_t x0, uint32_t n);
void pxr_vertical_avx512(unsigned char *restrict dst,
    const unsigned char *restrict src, size_t stride, size_t rowlen,
    const int *bounds, const int32_t *kk, int ksize, int first, uint32_t y0,
    uint32_t n);

/*
 * The horizontal pass's tables for pxr_hrow3_vbmi, for one set of
 * coefficients and one span of output columns: per group of 16 output
 * pixels, the first input pixel it reads (base) and the bytes it reads
 * (span, at most 128), then per tap a 64-byte index (R, G, B bytes of the
 * 16 pixels within the group's input) and 16 weights.
 */
struct pxr_hgroups {
	uint32_t x0, n; /* the output columns they are for */
	int built;      /* tried for x0, n */
	int ok;         /* usable */
	int ngroups, taps;
	int *base, *span;
	unsigned char *idx;
	int32_t *w;
};

int pxr_hgroups_build(struct pxr_hgroups *g, const int *bounds,
    const int32_t *kk, int ksize, uint32_t x0, uint32_t n);
void pxr_hgroups_free(struct pxr_hgroups *g);
void pxr_hrow3_vbmi(unsigned char *restrict dst,
    const unsigned char *restrict src, int xoff, const struct pxr_hgroups *g);

#endif /* PXR_RESIZE_SIMD_H */
