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
	PXR_FILTER_LANCZOS3,	 /* Pillow's LANCZOS */
	PXR_FILTER_BOX,		 /* area averaging */
	PXR_FILTER_GAUSSIAN	 /* the original notebook's Gaussian */
};

/* Parses a filter name; 0, or -1 if unknown. */
int pxr_filter_parse(const char *name, enum pxr_filter *f);

enum pxr_target { PXR_TARGET_SHORT, PXR_TARGET_LONG, PXR_TARGET_SIZE };

/*
 * The output size for a w x h image: the short (or long) side to n, the
 * other side round(side * n / that side) with ties to even, as Julia's
 * round; or exactly tw x th for PXR_TARGET_SIZE.
 */
void pxr_resize_target(uint32_t w, uint32_t h, enum pxr_target t, uint32_t n,
    uint32_t tw, uint32_t th, uint32_t *ow, uint32_t *oh);

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
    uint32_t ow, uint32_t oh, const struct pxr_rect *win,
    struct pxr_err *err);

/*
 * The part of a w x h image that resizing it to ow x oh reads to compute
 * the window win: *need, inside the image.  0, or -1 if out of memory.
 */
int pxr_resize_need(struct pxr_resizer *rz, uint32_t w, uint32_t h,
    uint32_t ow, uint32_t oh, const struct pxr_rect *win,
    struct pxr_rect *need);

/*
 * As pxr_resize_window, for a record that holds only the part have of a
 * w x h image (rec's size is have's); have must contain what
 * pxr_resize_need gives.
 */
int pxr_resize_part(struct pxr_resizer *rz, struct pxr_record *rec,
    uint32_t w, uint32_t h, const struct pxr_rect *have, uint32_t ow,
    uint32_t oh, const struct pxr_rect *win, struct pxr_err *err);

#endif /* PXR_RESIZE_H */
