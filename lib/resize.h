/*
 * resize.h: separable anti-aliased resampling (lib/resize.c), computed as
 * Pillow's Image.resize does, in 8-bit fixed point, horizontal pass first.
 */
#ifndef PXR_RESIZE_H
#define PXR_RESIZE_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

enum pxr_filter {
	PXR_FILTER_TRIANGLE = 0, /* Pillow's BILINEAR (torchvision Resize) */
	PXR_FILTER_LANCZOS3,     /* Pillow's LANCZOS */
	PXR_FILTER_BOX,          /* area averaging */
	PXR_FILTER_GAUSSIAN,     /* the original notebook's Gaussian */
	PXR_FILTER_BICUBIC,      /* Pillow's BICUBIC (a = -0.5) */
	PXR_FILTER_HAMMING       /* Pillow's HAMMING */
};

/* Parses a filter name; 0, or -1 if unknown. */
int pxr_filter_parse(const char *name, enum pxr_filter *f);
/* The filter's name, as pxr_filter_parse takes it. */
const char *pxr_filter_name(enum pxr_filter f);

/* PXR_TARGET_MAX: as PXR_TARGET_LONG where the long side is over n, the
 * image's own size otherwise (never enlarged). */
enum pxr_target {
	PXR_TARGET_SHORT,
	PXR_TARGET_LONG,
	PXR_TARGET_SIZE,
	PXR_TARGET_MAX
};

/*
 * How the other side is rounded when one side goes to n (the reference
 * side: the shorter for --short, the longer for --long; the shorter of a
 * square is its width):
 *   even      round(other * n / ref) computed exactly, ties to even
 *   down      floor(other * n / ref): torchvision's int(n * long / short)
 *   notebook  each side round(side * (n / ref)) in double precision,
 *             ties to even: Julia's round(Int, size(im, d) *
 *             reduction_factor) as the notebook computes it (it differs
 *             from even where the double product falls short of .5)
 *   ffcv      each side int(side * (n / ref)) in double precision,
 *             truncated: FFCV's RGBImageField resizer (rgb_image.py,
 *             v1.0.0: ratio = max_resolution / max(W, H), then (ratio *
 *             (W, H)).astype(int)), whose reference side can come out
 *             one short (500 / 531 * 531 is 499.99...: 499)
 */
enum pxr_round {
	PXR_ROUND_EVEN,
	PXR_ROUND_DOWN,
	PXR_ROUND_NOTEBOOK,
	PXR_ROUND_FFCV
};

/* Parses "even", "down", "notebook" or "ffcv"; 0, or -1. */
int pxr_round_parse(const char *name, enum pxr_round *r);
const char *pxr_round_name(enum pxr_round r);

/*
 * The output size for a w x h image: the short (or long) side to n, the
 * other side rounded by r; or exactly tw x th for PXR_TARGET_SIZE.  A
 * side never comes out 0.
 */
void pxr_resize_target(uint32_t w, uint32_t h, enum pxr_target t,
    enum pxr_round r, uint32_t n, uint32_t tw, uint32_t th, uint32_t *ow,
    uint32_t *oh);

struct pxr_resizer;
struct pxr_resizer *pxr_resizer_new(enum pxr_filter f, struct pxr_err *err);
void pxr_resizer_free(struct pxr_resizer *rz);

/*
 * Resizes the PIXELS record rec to ow x oh in place: its payload then
 * points into the resizer's buffer (valid until the next call).  A record
 * already of that size is left as it is.  0, or -1 with err filled.
 */
int pxr_resize(struct pxr_resizer *rz, struct pxr_record *rec, uint32_t ow,
    uint32_t oh, struct pxr_err *err);

/*
 * As pxr_resize, but computes only the window win (inside ow x oh) of the
 * resized image, which the record then holds: the same bytes as resizing
 * to ow x oh and cropping, for a fraction of the work.
 */
int pxr_resize_window(struct pxr_resizer *rz, struct pxr_record *rec,
    uint32_t ow, uint32_t oh, const struct pxr_rect *win, struct pxr_err *err);

/*
 * The part of a w x h image that resizing it to ow x oh reads to compute
 * the window win: *need, inside the image.  0, or -1 if out of memory.
 */
int pxr_resize_need(struct pxr_resizer *rz, uint32_t w, uint32_t h, uint32_t ow,
    uint32_t oh, const struct pxr_rect *win, struct pxr_rect *need);

/*
 * As pxr_resize_window, for a record that holds only the part have of a
 * w x h image (rec's size is have's); have must contain what
 * pxr_resize_need gives.
 */
int pxr_resize_part(struct pxr_resizer *rz, struct pxr_record *rec, uint32_t w,
    uint32_t h, const struct pxr_rect *have, uint32_t ow, uint32_t oh,
    const struct pxr_rect *win, struct pxr_err *err);

#endif /* PXR_RESIZE_H */
