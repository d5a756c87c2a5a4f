/*
 * notebook.h: the original notebook's resampling (lib/notebook.c), value
 * for value: Metalhead-era resize_smallest_dimension and center_crop as
 * the Julia packages its Manifest pins compute them (ImageTransformations
 * 0.7.2 restrict and imresize, ImageFiltering 0.5.3 imfilter with
 * KernelFactors.gaussian and Inner(), Interpolations 0.11.2 linear
 * B-splines), from the decoded 8-bit samples to round(UInt8, x * 255).
 */
#ifndef PXR_NOTEBOOK_H
#define PXR_NOTEBOOK_H

#include <stdint.h>

#include "pxr.h"

/*
 * The chain for a w x h image whose short side goes to n, the output
 * (new_size) ow x oh:
 *   f = n / min(w, h) in double;
 *   f < 1: while f < 1/2, restrict (rows, then columns; Float32, zero
 *          beyond the edges, n/2+1 samples of an even n) and f *= 2; then
 *          a Gaussian of sigma 0.75/f (5 or 9 taps, Julia's exp) down the
 *          rows only, in Float64, keeping the rows it reaches whole (Inner:
 *          w rows fewer at the top and bottom); then bilinear imresize of
 *          what is left to oh x ow, in Float64;
 *   f >= 1: bilinear imresize of the Float32 samples, stored as Float32;
 * then round(x * 255) in that type, ties to even.  Any window of the
 * result can be computed alone, with the same values.
 */
struct pxr_notebook;

struct pxr_notebook *pxr_notebook_new(struct pxr_err *err);
void pxr_notebook_free(struct pxr_notebook *nb);

/*
 * The part of the w x h image that the window win (inside ow x oh) of the
 * chain reads: *need.  0, or -1 (with err) when the chain cannot be
 * computed for that image (then the notebook would have failed too).
 */
int pxr_notebook_need(uint32_t w, uint32_t h, uint32_t n, uint32_t ow,
    uint32_t oh, const struct pxr_rect *win, struct pxr_rect *need,
    struct pxr_err *err);

/*
 * Computes the window win of the chain for the PIXELS record rec, which
 * holds the part have (NULL: all; else at least pxr_notebook_need's) of a
 * w x h image: rec then holds win's pixels, its payload in nb's buffer.
 * 0, or -1 with err filled.
 */
int pxr_notebook_apply(struct pxr_notebook *nb, struct pxr_record *rec,
    uint32_t w, uint32_t h, const struct pxr_rect *have, uint32_t n,
    uint32_t ow, uint32_t oh, const struct pxr_rect *win, struct pxr_err *err);

/* Julia 1.1's exp (Base.Math, the FDLIBM port) in double, unfused; and
 * with fused multiply-adds where its @horner says muladd (fused nonzero).
 * For the kernel and its unit test. */
double pxr_notebook_exp(double x, int fused);

/* KernelFactors.gaussian(sigma): its 4 * ceil(sigma) + 1 taps into g (at
 * most 4 * ceil(sigma) + 1 doubles); returns the tap count. */
int pxr_notebook_gaussian(double sigma, double *g, int max, int fused);

#endif /* PXR_NOTEBOOK_H */
