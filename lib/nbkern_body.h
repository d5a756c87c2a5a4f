/*
 * nbkern_body.h: the notebook's inner loops (nbkern.h), written once and
 * compiled once for each vector level: nbkern.c (the baseline),
 * nbkern_avx2.c (-mavx2) and nbkern_avx512.c define NBK(name) and include
 * this file.  All three are
 * compiled with -ffp-contract=off -fno-fast-math (Makefile): the lanes of
 * each vectorised loop are independent samples, each computed in the
 * reference's order, so every level gives the same values.
 *
 * From libjpeg 9b (jidctflt.c, jidctint.c, jdcolor.c, tag jpeg-9b): the
 * float IDCT, the integer IDCTs of sizes 16x16, 16x8 and 8x16, the YCbCr
 * conversion; from the notebook's Julia (notebook.c cites the sources):
 * the Gaussian's rows, the N0f8 to Float32 conversion, the last bilinear
 * step and the rounding.
 */
#if defined(__AVX__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nbkern.h"

#define NBK_FIX16(x) ((int64_t)((x)*65536 + 0.5))

/*
 * One 8-point pass of the float AA&N IDCT on 8 lanes at once: in[k][l] is
 * input k of lane l, out[k][l] output k.  Per lane the operations and
 * their order are jidctflt.c's; the lanes are independent, so the loop
 * vectorises without changing a rounding.
 */
#define F_SQRT2 ((float)1.414213562)
#define F_2C2 ((float)1.847759065)
#define F_2C2_C6 ((float)1.082392200)
#define F_2C2C6 ((float)2.613125930)

/* The pass's text, for lanes of any kind: V the type, ADD, SUB, MUL its
 * operations, K(x) a constant, IN(k) input k, OUT(k, v) sets output k. */
#define NBK_AAN8(V, ADD, SUB, MUL, K, IN, OUT)                                 \
	do {                                                                   \
		/* Even part. */                                               \
		V e10 = ADD(IN(0), IN(4)), e11 = SUB(IN(0), IN(4));            \
		V e13 = ADD(IN(2), IN(6));                                     \
		V e12 = SUB(MUL(SUB(IN(2), IN(6)), K(F_SQRT2)), e13);          \
		V e0 = ADD(e10, e13), e3 = SUB(e10, e13);                      \
		V e1 = ADD(e11, e12), e2 = SUB(e11, e12);                      \
		/* Odd part. */                                                \
		V z13 = ADD(IN(5), IN(3)), z10 = SUB(IN(5), IN(3));            \
		V z11 = ADD(IN(1), IN(7)), z12 = SUB(IN(1), IN(7));            \
		V o7 = ADD(z11, z13);                                          \
		V o11 = MUL(SUB(z11, z13), K(F_SQRT2));                        \
		V z5 = MUL(ADD(z10, z12), K(F_2C2));                           \
		V o10 = SUB(z5, MUL(z12, K(F_2C2_C6)));                        \
		V o12 = SUB(z5, MUL(z10, K(F_2C2C6)));                         \
		V o6 = SUB(o12, o7);                                           \
		V o5 = SUB(o11, o6);                                           \
		V o4 = SUB(o10, o5);                                           \
		OUT(0, ADD(e0, o7));                                           \
		OUT(7, SUB(e0, o7));                                           \
		OUT(1, ADD(e1, o6));                                           \
		OUT(6, SUB(e1, o6));                                           \
		OUT(2, ADD(e2, o5));                                           \
		OUT(5, SUB(e2, o5));                                           \
		OUT(3, ADD(e3, o4));                                           \
		OUT(4, SUB(e3, o4));                                           \
	} while (0)

#define NBK_FADD(a, b) ((a) + (b))
#define NBK_FSUB(a, b) ((a) - (b))
#define NBK_FMUL(a, b) ((a) * (b))
#define NBK_FK(x) (x)
#define NBK_FIN(k) in[k][l]
#define NBK_FOUT(k, v) (out[k][l] = (v))

static void
NBK(aan8)(const float (*in)[8], float (*out)[8])
{
	for (int l = 0; l < 8; l++)
		NBK_AAN8(float, NBK_FADD, NBK_FSUB, NBK_FMUL, NBK_FK, NBK_FIN,
		    NBK_FOUT);
}

#if defined(__AVX2__)
/* The 8x8 transpose of the rows r[0..7], in registers. */
static inline __attribute__((always_inline)) void
NBK(tr8)(__m256 *r)
{
	__m256 t[8];

	for (int i = 0; i < 8; i += 2) {
		t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
		t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
	}
	for (int i = 0; i < 8; i += 4) {
		r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
		r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
		r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
		r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
	}
	for (int i = 0; i < 4; i++) {
		t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
		t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
	}
	for (int i = 0; i < 8; i++)
		r[i] = t[i];
}
#endif

/* out = the transpose of in.  With AVX, in registers: the scalar copy's
 * 64 stores, then read back as vectors, stall the store buffer. */
static void
NBK(transpose8)(const float (*in)[8], float (*out)[8])
{
#if defined(__AVX2__)
	__m256 r[8];

	for (int i = 0; i < 8; i++)
		r[i] = _mm256_loadu_ps(in[i]);
	NBK(tr8)(r);
	for (int i = 0; i < 8; i++)
		_mm256_storeu_ps(out[i], r[i]);
#else
	for (int k = 0; k < 8; k++)
		for (int r = 0; r < 8; r++)
			out[k][r] = in[r][k];
#endif
}

static void
NBK(idct_float_plain)(const int16_t *coef, const float *mult,
    unsigned char *out, size_t stride)
{
	float in[8][8], ws[8][8], t[8][8], o[8][8];

	/* Columns: lane = column, input k = coefficient row k. */
	for (int k = 0; k < 8; k++)
		for (int c = 0; c < 8; c++)
			in[k][c] = (float)coef[k * 8 + c] * mult[k * 8 + c];
	NBK(aan8)((const float(*)[8])in, ws);
	/* Rows: lane = row, input k = column k of the work array, the DC
	 * input biased by RANGE_CENTER + 0.5 as jidctflt.c does. */
	NBK(transpose8)((const float(*)[8])ws, t);
	for (int r = 0; r < 8; r++)
		t[0][r] = t[0][r] + ((float)512 + (float)0.5);
	NBK(aan8)((const float(*)[8])t, o);
	/* Back to rows, then (int)x & 1023 into the range-limit table, whose
	 * entries are t - 384 clamped to 0..255: computed, so that each row
	 * converts as one vector. */
	NBK(transpose8)((const float(*)[8])o, t);
	for (int r = 0; r < 8; r++) {
		unsigned char *d = out + (size_t)r * stride;

		for (int c = 0; c < 8; c++) {
			int v = ((int)t[r][c] & 1023) - 384;

			d[c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

#if defined(__AVX2__)

#define NBK_VADD(a, b) _mm256_add_ps(a, b)
#define NBK_VSUB(a, b) _mm256_sub_ps(a, b)
#define NBK_VMUL(a, b) _mm256_mul_ps(a, b)
#define NBK_VK(x) _mm256_set1_ps(x)
#define NBK_VIN(k) x[k]
#define NBK_VOUT(k, v) (y[k] = (v))

/* The same IDCT with the 8 lanes of each pass in one AVX register: the
 * same operations on the same values, in registers throughout. */
static void
NBK(idct_float)(const int16_t *coef, const float *mult, unsigned char *out,
    size_t stride)
{
	__m256 x[8], y[8];

	for (int k = 0; k < 8; k++) {
		__m128i c = _mm_loadu_si128((const __m128i *)(coef + 8 * k));

		x[k] =
		    _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(c)),
			_mm256_loadu_ps(mult + 8 * k));
	}
	NBK_AAN8(__m256, NBK_VADD, NBK_VSUB, NBK_VMUL, NBK_VK, NBK_VIN,
	    NBK_VOUT);
	NBK(tr8)(y);
	for (int k = 0; k < 8; k++)
		x[k] = y[k];
	x[0] = _mm256_add_ps(x[0], _mm256_set1_ps((float)512 + (float)0.5));
	NBK_AAN8(__m256, NBK_VADD, NBK_VSUB, NBK_VMUL, NBK_VK, NBK_VIN,
	    NBK_VOUT);
	NBK(tr8)(y);
	for (int r = 0; r < 8; r++) {
		/* (int)x & 1023, minus 384, saturated to 0..255 by the packs:
		 * the range-limit table. */
		__m256i i =
		    _mm256_sub_epi32(_mm256_and_si256(_mm256_cvttps_epi32(y[r]),
					 _mm256_set1_epi32(1023)),
			_mm256_set1_epi32(384));
		__m128i w = _mm_packs_epi32(_mm256_castsi256_si128(i),
		    _mm256_extracti128_si256(i, 1));

		_mm_storel_epi64((__m128i *)(out + (size_t)r * stride),
		    _mm_packus_epi16(w, w));
	}
}
#else
static void
NBK(idct_float)(const int16_t *coef, const float *mult, unsigned char *out,
    size_t stride)
{
	NBK(idct_float_plain)(coef, mult, out, stride);
}
#endif

/*
 * Two blocks side by side (coef: the left block's 64 coefficients, then
 * the right one's), into 8 rows of 16 samples: with AVX-512 both in one
 * register, lanes 0-7 the left block's and 8-15 the right one's, each
 * lane's operations those of idct_float; elsewhere idct_float twice.
 */
#if defined(__AVX512F__)
#define NBK_ZADD(a, b) _mm512_add_ps(a, b)
#define NBK_ZSUB(a, b) _mm512_sub_ps(a, b)
#define NBK_ZMUL(a, b) _mm512_mul_ps(a, b)
#define NBK_ZK(x) _mm512_set1_ps(x)

/* Each 256-bit half's 8x8 transpose of the rows r[0..7]: tr8's steps,
 * the last one across the 128-bit lanes of each half. */
static inline __attribute__((always_inline)) void
NBK(tr8x2)(__m512 *r)
{
	const __m512i lo = _mm512_set_epi32(27, 26, 25, 24, 11, 10, 9, 8, 19,
			  18, 17, 16, 3, 2, 1, 0),
		      hi = _mm512_set_epi32(31, 30, 29, 28, 15, 14, 13, 12, 23,
			  22, 21, 20, 7, 6, 5, 4);
	__m512 t[8];

	for (int i = 0; i < 8; i += 2) {
		t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
		t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
	}
	for (int i = 0; i < 8; i += 4) {
		r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
		r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);
		r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
		r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee);
	}
	for (int i = 0; i < 4; i++) {
		t[i] = _mm512_permutex2var_ps(r[i], lo, r[i + 4]);
		t[i + 4] = _mm512_permutex2var_ps(r[i], hi, r[i + 4]);
	}
	for (int i = 0; i < 8; i++)
		r[i] = t[i];
}

static void
NBK(idct_float2)(const int16_t *coef, const float *mult, unsigned char *out,
    size_t stride)
{
	__m512 x[8], y[8];

	for (int k = 0; k < 8; k++) {
		__m256i c = _mm256_inserti128_si256(
		    _mm256_castsi128_si256(
			_mm_loadu_si128((const __m128i *)(coef + 8 * k))),
		    _mm_loadu_si128((const __m128i *)(coef + 64 + 8 * k)), 1);
		__m512 m =
		    _mm512_castps256_ps512(_mm256_loadu_ps(mult + 8 * k));

		x[k] =
		    _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(c)),
			_mm512_shuffle_f32x4(m, m, 0x44));
	}
	NBK_AAN8(__m512, NBK_ZADD, NBK_ZSUB, NBK_ZMUL, NBK_ZK, NBK_VIN,
	    NBK_VOUT);
	NBK(tr8x2)(y);
	for (int k = 0; k < 8; k++)
		x[k] = y[k];
	x[0] = _mm512_add_ps(x[0], _mm512_set1_ps((float)512 + (float)0.5));
	NBK_AAN8(__m512, NBK_ZADD, NBK_ZSUB, NBK_ZMUL, NBK_ZK, NBK_VIN,
	    NBK_VOUT);
	NBK(tr8x2)(y);
	for (int r = 0; r < 8; r++) {
		/* The range limit, as idct_float's: (int)x & 1023, minus 384,
		 * clamped to 0..255. */
		__m512i i =
		    _mm512_sub_epi32(_mm512_and_si512(_mm512_cvttps_epi32(y[r]),
					 _mm512_set1_epi32(1023)),
			_mm512_set1_epi32(384));

		_mm_storeu_si128((__m128i *)(out + (size_t)r * stride),
		    _mm512_cvtusepi32_epi8(
			_mm512_max_epi32(i, _mm512_setzero_si512())));
	}
}
#else
static void
NBK(idct_float2)(const int16_t *coef, const float *mult, unsigned char *out,
    size_t stride)
{
	NBK(idct_float)(coef, mult, out, stride);
	NBK(idct_float)(coef + 64, mult, out + 8, stride);
}
#endif

/* jidctint.c's constants: FIX(x) with CONST_BITS 13. */
#define FIX(x) ((int64_t)((x)*8192 + 0.5))

/* 9b's DEQUANTIZE for the integer IDCT: an int times an int; a 16-bit
 * coefficient times a 16-bit quantizer always fits (|c q| < 2^31). */
static inline int64_t
dequant(int16_t c, uint16_t q)
{
	return (int)((int64_t)c * q);
}

/* The kernels' text, for any exact type T (int64_t, or double holding
 * integers under 2^53), X(k) the inputs and Y(k) the outputs. */
#define NBK_KERNEL8(T, X, Y)                                                   \
	do {                                                                   \
		T z1, z2, z3, t0, t1, t2, t3, t10, t11, t12, t13;              \
                                                                               \
		/* Even part: the rotation by c6 of inputs 2 and 6. */         \
		z1 = (X(2) + X(6)) * (T)FIX(0.541196100);                      \
		t2 = z1 + X(2) * (T)FIX(0.765366865);                          \
		t3 = z1 - X(6) * (T)FIX(1.847759065);                          \
		t0 = (X(0) + X(4)) * (T)8192;                                  \
		t1 = (X(0) - X(4)) * (T)8192;                                  \
		t10 = t0 + t2;                                                 \
		t13 = t0 - t2;                                                 \
		t11 = t1 + t3;                                                 \
		t12 = t1 - t3;                                                 \
		/* Odd part: inputs 7, 5, 3, 1. */                             \
		z2 = X(7) + X(3);                                              \
		z3 = X(5) + X(1);                                              \
		z1 = (z2 + z3) * (T)FIX(1.175875602);                          \
		z2 = z2 * -(T)FIX(1.961570560) + z1;                           \
		z3 = z3 * -(T)FIX(0.390180644) + z1;                           \
		z1 = (X(7) + X(1)) * -(T)FIX(0.899976223);                     \
		t0 = X(7) * (T)FIX(0.298631336) + z1 + z2;                     \
		t3 = X(1) * (T)FIX(1.501321110) + z1 + z3;                     \
		z1 = (X(5) + X(3)) * -(T)FIX(2.562915447);                     \
		t1 = X(5) * (T)FIX(2.053119869) + z1 + z3;                     \
		t2 = X(3) * (T)FIX(3.072711026) + z1 + z2;                     \
		Y(0) = t10 + t3;                                               \
		Y(7) = t10 - t3;                                               \
		Y(1) = t11 + t2;                                               \
		Y(6) = t11 - t2;                                               \
		Y(2) = t12 + t1;                                               \
		Y(5) = t12 - t1;                                               \
		Y(3) = t13 + t0;                                               \
		Y(4) = t13 - t0;                                               \
	} while (0)

#define NBK_KERNEL16(T, X, Y)                                                  \
	do {                                                                   \
		T e[8], o[8];                                                  \
		T t0, t1, t2, t3, t10, t11, t12, t13, z1, z2, z3, z4;          \
                                                                               \
		/* Even part. */                                               \
		t0 = X(0) * (T)8192;                                           \
		t1 = X(4) * (T)FIX(1.306562965);                               \
		t2 = X(4) * (T)FIX(0.541196100);                               \
		t10 = t0 + t1;                                                 \
		t11 = t0 - t1;                                                 \
		t12 = t0 + t2;                                                 \
		t13 = t0 - t2;                                                 \
		z3 = X(2) - X(6);                                              \
		z4 = z3 * (T)FIX(0.275899379);                                 \
		z3 = z3 * (T)FIX(1.387039845);                                 \
		t0 = z3 + X(6) * (T)FIX(2.562915447);                          \
		t1 = z4 + X(2) * (T)FIX(0.899976223);                          \
		t2 = z3 - X(2) * (T)FIX(0.601344887);                          \
		t3 = z4 - X(6) * (T)FIX(0.509795579);                          \
		e[0] = t10 + t0;                                               \
		e[7] = t10 - t0;                                               \
		e[1] = t12 + t1;                                               \
		e[6] = t12 - t1;                                               \
		e[2] = t13 + t2;                                               \
		e[5] = t13 - t2;                                               \
		e[3] = t11 + t3;                                               \
		e[4] = t11 - t3;                                               \
                                                                               \
		/* Odd part: z1..z4 are inputs 1, 3, 5, 7. */                  \
		z1 = X(1);                                                     \
		z2 = X(3);                                                     \
		z3 = X(5);                                                     \
		z4 = X(7);                                                     \
		t11 = z1 + z3;                                                 \
		t1 = (z1 + z2) * (T)FIX(1.353318001);                          \
		t2 = t11 * (T)FIX(1.247225013);                                \
		t3 = (z1 + z4) * (T)FIX(1.093201867);                          \
		t10 = (z1 - z4) * (T)FIX(0.897167586);                         \
		t11 = t11 * (T)FIX(0.666655658);                               \
		t12 = (z1 - z2) * (T)FIX(0.410524528);                         \
		t0 = t1 + t2 + t3 - z1 * (T)FIX(2.286341144);                  \
		t13 = t10 + t11 + t12 - z1 * (T)FIX(1.835730603);              \
		z1 = (z2 + z3) * (T)FIX(0.138617169);                          \
		t1 += z1 + z2 * (T)FIX(0.071888074);                           \
		t2 += z1 - z3 * (T)FIX(1.125726048);                           \
		z1 = (z3 - z2) * (T)FIX(1.407403738);                          \
		t11 += z1 - z3 * (T)FIX(0.766367282);                          \
		t12 += z1 + z2 * (T)FIX(1.971951411);                          \
		z2 += z4;                                                      \
		z1 = z2 * -(T)FIX(0.666655658);                                \
		t1 += z1;                                                      \
		t3 += z1 + z4 * (T)FIX(1.065388962);                           \
		z2 = z2 * -(T)FIX(1.247225013);                                \
		t10 += z2 + z4 * (T)FIX(3.141271809);                          \
		t12 += z2;                                                     \
		z2 = (z3 + z4) * -(T)FIX(1.353318001);                         \
		t2 += z2;                                                      \
		t3 += z2;                                                      \
		z2 = (z4 - z3) * (T)FIX(0.410524528);                          \
		t10 += z2;                                                     \
		t11 += z2;                                                     \
		o[0] = t0;                                                     \
		o[1] = t1;                                                     \
		o[2] = t2;                                                     \
		o[3] = t3;                                                     \
		o[4] = t10;                                                    \
		o[5] = t11;                                                    \
		o[6] = t12;                                                    \
		o[7] = t13;                                                    \
		for (int k = 0; k < 8; k++) {                                  \
			Y(k) = e[k] + o[k];                                    \
			Y(15 - k) = e[k] - o[k];                               \
		}                                                              \
	} while (0)

#define NBK_XS(k) x[k]
#define NBK_YS(k) y[k]
#define NBK_XV(k) x[k][l]
#define NBK_YV(k) y[k][l]

/*
 * The 8-point kernel of 9b's integer IDCT (LL&M, jidctint.c), without its
 * final descale: y[k] as exact 64-bit sums; the DC input enters times
 * 2^13.
 */
static void
NBK(kernel8)(const int64_t *x, int64_t *y)
{
	NBK_KERNEL8(int64_t, NBK_XS, NBK_YS);
}

/*
 * The 16-point kernel of jidctint.c (jpeg_idct_16x16 and its kin: 28
 * multiplications), likewise: 16 outputs from 8 inputs, undescaled.
 */
static void
NBK(kernel16)(const int64_t *x, int64_t *y)
{
	NBK_KERNEL16(int64_t, NBK_XS, NBK_YS);
}

/*
 * An h x v integer IDCT (jpeg_idct_16x16, _16x8, _8x16): columns with the
 * v-point kernel, descaled by 2^11 (PASS1_BITS 2) into int as 9b's
 * workspace holds them, then rows with the h-point kernel, DC biased by
 * RANGE_CENTER, descaled by 2^18 into the range limit.
 */
static void
NBK(idct_int64)(const int16_t *coef, const uint16_t *quant, unsigned h,
    unsigned v, unsigned char *out, size_t stride)
{
	int ws[16][8];
	int64_t x[8], y[16];
	const int64_t bias = (int64_t)((512 << 5) + (1 << 4)) * 8192;

	for (int c = 0; c < 8; c++) {
		for (int k = 0; k < 8; k++)
			x[k] = dequant(coef[k * 8 + c], quant[k * 8 + c]);
		if (v == 16)
			NBK(kernel16)(x, y);
		else
			NBK(kernel8)(x, y);
		for (unsigned r = 0; r < v; r++)
			ws[r][c] = (int)((y[r] + (1 << 10)) >> 11);
	}
	for (unsigned r = 0; r < v; r++) {
		for (int k = 0; k < 8; k++)
			x[k] = ws[r][k];
		if (h == 16)
			NBK(kernel16)(x, y);
		else
			NBK(kernel8)(x, y);
		for (unsigned c = 0; c < h; c++) {
			int t = ((int)((y[c] + bias) >> 18) & 1023) - 384;

			out[(size_t)r * stride + c] = (unsigned char)(t < 0 ? 0
				: t > 255 ? 255
					  : t);
		}
	}
}

/* The kernels on 8 lanes of integers held in doubles: exact while every
 * value stays under 2^53. */
static void
NBK(kernel8v)(const double (*x)[8], double (*y)[8])
{
	for (int l = 0; l < 8; l++)
		NBK_KERNEL8(double, NBK_XV, NBK_YV);
}

static void
NBK(kernel16v)(const double (*x)[8], double (*y)[8])
{
	for (int l = 0; l < 8; l++)
		NBK_KERNEL16(double, NBK_XV, NBK_YV);
}

/*
 * The integer IDCT in doubles, 8 lanes at a time, so that it vectorises:
 * with every dequantised input under 2^20 in magnitude, the column pass's
 * sums stay under 2^38 (its outputs, 9b's int workspace, under 2^27) and
 * the row pass's under 2^45, all exact; a shift right by n is a multiply
 * by 2^-n and a floor, exact too.  Larger inputs (no real photograph's)
 * take the 64-bit integer code.  The steps around the kernels are written
 * on whole vectors (GCC's vector extension, element by element): the
 * dequantisation in 32 bits (|coef| * quant < 2^31), the floor as a
 * round to nearest and a correction.
 */
typedef double NBK(v8d) __attribute__((vector_size(64)));
typedef int64_t NBK(v8l) __attribute__((vector_size(64)));
typedef int32_t NBK(v8i) __attribute__((vector_size(32)));
typedef int16_t NBK(v8s) __attribute__((vector_size(16)));
typedef uint16_t NBK(v8u) __attribute__((vector_size(16)));
typedef uint8_t NBK(v8b) __attribute__((vector_size(8)));

/* floor(z), exactly, for |z| < 2^51: z + 1.5 * 2^52 rounds z to an
 * integer (the sum's unit in the last place is 1), one less where that
 * went up (the comparison's all-ones lanes masking 1.0's bits). */
static inline void
NBK(vfloor)(NBK(v8d) * z)
{
	const NBK(v8d) c = { 0x1.8p52, 0x1.8p52, 0x1.8p52, 0x1.8p52, 0x1.8p52,
		0x1.8p52, 0x1.8p52, 0x1.8p52 };
	const NBK(v8d) one = { 1, 1, 1, 1, 1, 1, 1, 1 };
	NBK(v8d) t = (*z + c) - c;

	*z = t - (NBK(v8d))((t > *z) & (NBK(v8l))one);
}

/* d = the transpose of the 8 x 8 doubles s: three rounds of two-vector
 * shuffles (lanes move, values do not change). */
static inline void
NBK(trd8)(const double (*s)[8], double (*d)[8])
{
	NBK(v8d) a[8], b[8];

	memcpy(a, s, sizeof(a));
	for (int i = 0; i < 8; i += 2) {
		b[i] = __builtin_shufflevector(a[i], a[i + 1], 0, 8, 2, 10, 4,
		    12, 6, 14);
		b[i + 1] = __builtin_shufflevector(a[i], a[i + 1], 1, 9, 3, 11,
		    5, 13, 7, 15);
	}
	for (int i = 0; i < 8; i += 4)
		for (int j = i; j < i + 2; j++) {
			a[j] = __builtin_shufflevector(b[j], b[j + 2], 0, 1, 8,
			    9, 4, 5, 12, 13);
			a[j + 2] = __builtin_shufflevector(b[j], b[j + 2], 2, 3,
			    10, 11, 6, 7, 14, 15);
		}
	for (int j = 0; j < 4; j++) {
		b[j] = __builtin_shufflevector(a[j], a[j + 4], 0, 1, 2, 3, 8, 9,
		    10, 11);
		b[j + 4] = __builtin_shufflevector(a[j], a[j + 4], 4, 5, 6, 7,
		    12, 13, 14, 15);
	}
	memcpy(d, b, sizeof(b));
}

static void
NBK(idct_int)(const int16_t *coef, const uint16_t *quant, unsigned h,
    unsigned v, unsigned char *out, size_t stride)
{
	double x[8][8], ws[16][8], t[8][8], y[16][8];
	const double bias = (double)(((512 << 5) + (1 << 4)) * 8192);
	NBK(v8i) big = { 0 };

	for (int k = 0; k < 8; k++) {
		NBK(v8s) c;
		NBK(v8u) qu;
		NBK(v8i) q;
		NBK(v8d) d;

		memcpy(&c, coef + 8 * k, sizeof(c));
		memcpy(&qu, quant + 8 * k, sizeof(qu));
		q = __builtin_convertvector(c, NBK(v8i)) *
		    __builtin_convertvector(qu, NBK(v8i));
		big |= (q >= (1 << 20)) | (q <= -(1 << 20));
		d = __builtin_convertvector(q, NBK(v8d));
		memcpy(x[k], &d, sizeof(d));
	}
	for (int l = 1; l < 8; l++)
		big[0] |= big[l];
	if (big[0]) {
		NBK(idct_int64)(coef, quant, h, v, out, stride);
		return;
	}
	/* Columns: lane = column; y[r] is output row r. */
	if (v == 16)
		NBK(kernel16v)((const double(*)[8])x, y);
	else
		NBK(kernel8v)((const double(*)[8])x, y);
	for (unsigned r = 0; r < v; r++) {
		NBK(v8d) d;

		memcpy(&d, y[r], sizeof(d));
		d = (d + 1024.0) * 0x1p-11;
		NBK(vfloor)(&d);
		memcpy(ws[r], &d, sizeof(d));
	}
	/* Rows, 8 at a time: lane = row, input k = column k; the outputs
	 * turned back, lane = column, 8 bytes stored at a time. */
	for (unsigned r0 = 0; r0 < v; r0 += 8) {
		NBK(trd8)((const double(*)[8]) & ws[r0], t);
		if (h == 16)
			NBK(kernel16v)((const double(*)[8])t, y);
		else
			NBK(kernel8v)((const double(*)[8])t, y);
		for (unsigned c0 = 0; c0 < h; c0 += 8) {
			NBK(trd8)((const double(*)[8]) & y[c0], t);
			for (unsigned l = 0; l < 8; l++) {
				NBK(v8d) d;
				NBK(v8i) o, hi;
				NBK(v8b) ob;

				memcpy(&d, t[l], sizeof(d));
				d = (d + bias) * 0x1p-18;
				NBK(vfloor)(&d);
				o = (__builtin_convertvector(d, NBK(v8i)) &
					1023) -
				    384;
				o &= ~(o < 0);
				hi = o > 255;
				o = (o & ~hi) | (255 & hi);
				ob = __builtin_convertvector(o, NBK(v8b));
				memcpy(out + (size_t)(r0 + l) * stride + c0,
				    &ob, sizeof(ob));
			}
		}
	}
}

/*
 * A row of YCbCr to RGB with the values of jdcolor.c's tables, computed
 * instead of looked up (each entry is its formula at x = c - 128, exact in
 * 32 bits), so that the loop vectorises.
 */
static void
NBK(ycc_row)(const unsigned char *py, const unsigned char *pb,
    const unsigned char *pr, uint32_t n, unsigned char *o)
{
	const int32_t crr = (int32_t)NBK_FIX16(1.40200);
	const int32_t cbb = (int32_t)NBK_FIX16(1.77200);
	const int32_t crg = (int32_t)NBK_FIX16(0.714136286);
	const int32_t cbg = (int32_t)NBK_FIX16(0.344136286);
	unsigned char rgb[3][64];

	for (size_t i0 = 0; i0 < n; i0 += 64) {
		size_t m = n - i0 < 64 ? n - i0 : 64;
		const unsigned char *y = py + i0, *u = pb + i0, *v = pr + i0;
		unsigned char *oo = o + 3 * i0;

		/* Planar, so that this loop vectorises. */
		for (size_t i = 0; i < m; i++) {
			int32_t yy = y[i], cb = u[i] - 128, cr = v[i] - 128;
			int32_t r = yy + ((crr * cr + (1 << 15)) >> 16);
			int32_t g =
			    yy + ((-cbg * cb + (1 << 15) - crg * cr) >> 16);
			int32_t b = yy + ((cbb * cb + (1 << 15)) >> 16);

			r = r < 0 ? 0 : r > 255 ? 255 : r;
			g = g < 0 ? 0 : g > 255 ? 255 : g;
			b = b < 0 ? 0 : b > 255 ? 255 : b;
			rgb[0][i] = (unsigned char)r;
			rgb[1][i] = (unsigned char)g;
			rgb[2][i] = (unsigned char)b;
		}
		for (size_t i = 0; i < m; i++) {
			oo[3 * i] = rgb[0][i];
			oo[3 * i + 1] = rgb[1][i];
			oo[3 * i + 2] = rgb[2][i];
		}
	}
}

/* The widest vector of doubles of this level, in GCC's vector extension
 * (element by element, the same operations as on scalars). */
#if defined(__AVX512F__)
#define NBK_VD 8
#elif defined(__AVX__)
#define NBK_VD 4
#else
#define NBK_VD 2
#endif
typedef double NBK(vd) __attribute__((vector_size(NBK_VD * 8)));

/* One row of the Gaussian (imfilter.jl:997-1009): d[i] = the sum over
 * the taps of s[t][i] * g[t], from 0.0, in order, in Float64 (the rows
 * hold the Float32 samples, widened exactly); in blocks of four vectors of
 * samples held in registers over every tap (a sum's additions wait on each
 * other: four independent ones keep the adder busy). */
static void
NBK(gauss_row)(const double *const *s, int taps, const double *g, size_t m,
    double *d)
{
	size_t i = 0;

	for (; i + 4 * NBK_VD <= m; i += 4 * NBK_VD) {
		NBK(vd) a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };

		for (int t = 0; t < taps; t++) {
			const double *st = s[t] + i;
			NBK(vd) x0, x1, x2, x3, k = { 0 };

			for (int l = 0; l < NBK_VD; l++)
				k[l] = g[t];
			memcpy(&x0, st, sizeof(x0));
			memcpy(&x1, st + NBK_VD, sizeof(x1));
			memcpy(&x2, st + 2 * NBK_VD, sizeof(x2));
			memcpy(&x3, st + 3 * NBK_VD, sizeof(x3));
			a0 = a0 + x0 * k;
			a1 = a1 + x1 * k;
			a2 = a2 + x2 * k;
			a3 = a3 + x3 * k;
		}
		memcpy(d + i, &a0, sizeof(a0));
		memcpy(d + i + NBK_VD, &a1, sizeof(a1));
		memcpy(d + i + 2 * NBK_VD, &a2, sizeof(a2));
		memcpy(d + i + 3 * NBK_VD, &a3, sizeof(a3));
	}
	for (; i < m; i++) {
		double acc = 0.0;

		for (int t = 0; t < taps; t++)
			acc = acc + s[t][i] * g[t];
		d[i] = acc;
	}
}

/* N0f8 to Float32, widened (exactly) to double for the Gaussian. */
static void
NBK(to_f64)(const unsigned char *s, size_t n, double *d)
{
	const float r = 1.0f / 255.0f;

	for (size_t i = 0; i < n; i++)
		d[i] = (double)((float)s[i] * r);
}

/* Float32 samples widened (exactly) to double. */
static void
NBK(f32_to_f64)(const float *s, size_t n, double *d)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (double)s[i];
}

/* N0f8 to Float32 (normed.jl:75-77): the byte times Float32(1/255), one
 * float multiply. */
static void
NBK(to_f32)(const unsigned char *s, size_t n, float *d)
{
	const float r = 1.0f / 255.0f;

	for (size_t i = 0; i < n; i++)
		d[i] = (float)s[i] * r;
}

static void
NBK(hrow3)(const double *a, const struct pxr_nbk_hw *hw, uint32_t n,
    double *out)
{
	for (uint32_t j = 0; j < n; j++, out += 3) {
		const double *a0 = a + hw[j].o0, *a1 = a + hw[j].o1;
#if defined(__AVX512VL__)
		/* The three channels in lanes 0-2 of one register: the same
		 * operations; the masks keep lane 3 off memory. */
		__m256d v =
		    _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(hw[j].w1),
				      _mm256_maskz_loadu_pd(7, a1)),
			_mm256_mul_pd(_mm256_set1_pd(hw[j].w0),
			    _mm256_maskz_loadu_pd(7, a0)));

		_mm256_mask_storeu_pd(out, 7, v);
#else
		double w0 = hw[j].w0, w1 = hw[j].w1;

		out[0] = w1 * a1[0] + w0 * a0[0];
		out[1] = w1 * a1[1] + w0 * a0[1];
		out[2] = w1 * a1[2] + w0 * a0[2];
#endif
	}
}

/*
 * The last step of the bilinear interpolation, v = d h1 + (1 - d) h0, and
 * round(UInt8, v * 255), ties to even, in Float64 (the filtered path) or
 * after storing v as Float32: for 0 <= y < 2^52 (2^23), (y + 2^52) - 2^52
 * is y rounded to an integer, ties to even, as rint; v stays in [0, 1],
 * the clamps only guard.
 */
static void
NBK(vrow64)(const double *h0, const double *h1, double d, size_t n,
    unsigned char *out)
{
	double e0 = 1.0 - d;

	for (size_t x = 0; x < n; x++) {
		double v = d * h1[x] + e0 * h0[x];
		double q = (v * 255.0 + 0x1p52) - 0x1p52;

		out[x] = q <= 0.0 ? 0 : q >= 255.0 ? 255 : (unsigned char)q;
	}
}

static void
NBK(vrow32)(const double *h0, const double *h1, double d, size_t n,
    unsigned char *out)
{
	double e0 = 1.0 - d;

	for (size_t x = 0; x < n; x++) {
		float v = (float)(d * h1[x] + e0 * h0[x]);
		float q = (v * 255.0f + 0x1p23f) - 0x1p23f;

		out[x] = q <= 0.0f ? 0 : q >= 255.0f ? 255 : (unsigned char)q;
	}
}

const struct pxr_nbk NBK(pxr_nbk_table) = {
	NBK(idct_float),
	NBK(idct_float2),
	NBK(idct_float_plain),
	NBK(idct_int),
	NBK(ycc_row),
	NBK(gauss_row),
	NBK(to_f32),
	NBK(to_f64),
	NBK(f32_to_f64),
	NBK(hrow3),
	NBK(vrow64),
	NBK(vrow32),
};
