/*
 * nbkern_avx512.c: the notebook's inner loops compiled for AVX-512
 * (Makefile: -mavx512f -mavx512bw -mavx512vl, 512-bit vectors preferred,
 * no FMA); nbkern.c calls them only on a CPU that has it.
 */
#define NBK(name) name##_avx512
#include "nbkern_body.h"
