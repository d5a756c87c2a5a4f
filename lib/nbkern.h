/*
 * nbkern.h: the inner loops of the notebook's decode and resampling
 * (lib/decode_ijg.c, lib/notebook.c), one table of them for each vector
 * level (nbkern_body.h, compiled by nbkern.c and nbkern_avx2.c); every
 * level gives the same values.
 */
#ifndef PXR_NBKERN_H
#define PXR_NBKERN_H

#include <stddef.h>
#include <stdint.h>

/* One output column of the bilinear step: w1 = d and w0 = 1 - d, as the
 * reference forms them, with the offsets of A[., j] and A[., j + 1]. */
struct pxr_nbk_hw {
	double w0, w1;
	size_t o0, o1;
};

struct pxr_nbk {
	/* libjpeg 9b's float IDCT of one 8x8 block (jidctflt.c): coef in
	 * natural order, the multipliers of pxr_ijg_float_table, into 8
	 * rows of out, stride bytes apart, through 9b's range limit. */
	void (*idct_float)(const int16_t *coef, const float *mult,
	    unsigned char *out, size_t stride);
	/* Two horizontally adjacent blocks (coef: 128 coefficients, the
	 * left block's first) into 8 rows of 16 samples. */
	void (*idct_float2)(const int16_t *coef, const float *mult,
	    unsigned char *out, size_t stride);
	/* The same in plain C, lane by lane (for the unit test). */
	void (*idct_float_plain)(const int16_t *coef, const float *mult,
	    unsigned char *out, size_t stride);
	/* 9b's integer IDCT of an h x v block (8 or 16, not both 8). */
	void (*idct_int)(const int16_t *coef, const uint16_t *quant, unsigned h,
	    unsigned v, unsigned char *out, size_t stride);
	/* 9b's YCbCr to RGB of n samples, interleaved into out. */
	void (*ycc_row)(const unsigned char *y, const unsigned char *cb,
	    const unsigned char *cr, uint32_t n, unsigned char *out);
	/* One row of the Gaussian: d[i] = sum of s[t][i] * g[t], Float64. */
	void (*gauss_row)(const double *const *s, int taps, const double *g,
	    size_t m, double *d);
	/* N0f8 to Float32: d[i] = s[i] * Float32(1/255); the same widened to
	 * double; Float32 widened to double. */
	void (*to_f32)(const unsigned char *s, size_t n, float *d);
	void (*to_f64)(const unsigned char *s, size_t n, double *d);
	void (*f32_to_f64)(const float *s, size_t n, double *d);
	/* A row's horizontal step, 3 interleaved channels: out[3j + k] =
	 * w1 a[o1 + k] + w0 a[o0 + k], each product and the sum in Float64. */
	void (*hrow3)(const double *a, const struct pxr_nbk_hw *hw, uint32_t n,
	    double *out);
	/* v = d h1 + (1 - d) h0 then round(v * 255), in Float64, or with v
	 * stored as Float32 (vrow32). */
	void (*vrow64)(const double *h0, const double *h1, double d, size_t n,
	    unsigned char *out);
	void (*vrow32)(const double *h0, const double *h1, double d, size_t n,
	    unsigned char *out);
};

extern const struct pxr_nbk pxr_nbk_table_c, pxr_nbk_table_avx2,
    pxr_nbk_table_avx512;

/* The table for this CPU's vector level (pxr_simd_level). */
const struct pxr_nbk *pxr_nbk(void);

#endif /* PXR_NBKERN_H */
