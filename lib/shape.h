/*
 * shape.h: resize and crop in one step (lib/shape.c), for pxr-resize
 * --crop and pxr-decode's fused mode: the part of the input the kept
 * window needs, and the window computed from just that part.
 */
#ifndef PXR_SHAPE_H
#define PXR_SHAPE_H

#include <stdint.h>

#include "crop.h"
#include "pxr.h"
#include "resize.h"

struct pxr_shape {
	enum pxr_filter filter;
	enum pxr_target target; /* the resize: see pxr_resize_target */
	uint32_t n, tw, th;
	int crop;		 /* then crop, as pxr-crop with co */
	struct pxr_crop_opts co;
};

struct pxr_shaper;
struct pxr_shaper *pxr_shaper_new(const struct pxr_shape *s,
    struct pxr_err *err);
void pxr_shaper_free(struct pxr_shaper *sh);

/*
 * The part of a w x h image that shaping it reads: all of it, unless a
 * crop window lies inside the resized image.  Never fails: when the
 * coefficients cannot be had, the whole image.
 */
void pxr_shape_need(struct pxr_shaper *sh, uint32_t w, uint32_t h,
    struct pxr_rect *need);

/*
 * Resizes and crops the PIXELS record rec, which holds the part have (at
 * least what pxr_shape_need gave) of a w x h image; have NULL: rec is the
 * whole image.  rec's payload then points into the shaper's buffers.  0,
 * or -1 with err filled.
 */
int pxr_shape_apply(struct pxr_shaper *sh, struct pxr_record *rec,
    uint32_t w, uint32_t h, const struct pxr_rect *have,
    struct pxr_err *err);

#endif /* PXR_SHAPE_H */
