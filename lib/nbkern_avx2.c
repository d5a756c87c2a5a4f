/*
 * nbkern_avx2.c: the notebook's inner loops compiled for AVX2 (Makefile:
 * -mavx2, no FMA); nbkern.c calls them only on a CPU that has it.
 */
#define NBK(name) name##_avx2
#include "nbkern_body.h"
