/*
 * nbkern.c: the notebook's inner loops for any x86-64 (and any other
 * CPU), and the choice of a table by the vector level.
 */
#include "pxr.h"

#define NBK(name) name##_c
#include "nbkern_body.h"

const struct pxr_nbk *
pxr_nbk(void)
{
#if defined(__x86_64__)
	if (pxr_simd_level() >= PXR_SIMD_AVX512)
		return &pxr_nbk_table_avx512;
	if (pxr_simd_level() >= PXR_SIMD_AVX2)
		return &pxr_nbk_table_avx2;
#endif
	return &pxr_nbk_table_c;
}
