/*
 * crop.h: crop windows of pixel records (lib/crop.c).
 */
#ifndef PXR_CROP_H
#define PXR_CROP_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

enum pxr_align {
	PXR_ALIGN_CENTER, /* torchvision's CenterCrop */
	PXR_ALIGN_SEED,   /* the original notebook's window */
	PXR_ALIGN_AT,     /* an explicit top-left corner */
	PXR_ALIGN_FLOOR   /* ADM's center_crop_arr: (n - c) // 2 */
};

/* Parses "center" (or "centre"), "seed" or "floor"; 0, or -1 if none. */
int pxr_align_parse(const char *name, enum pxr_align *a);
/* "center", "seed", "floor" or "at". */
const char *pxr_align_name(enum pxr_align a);

struct pxr_crop_opts {
	uint32_t w, h; /* the window */
	enum pxr_align align;
	int64_t x, y;       /* PXR_ALIGN_AT: top-left, may be negative */
	int pad;            /* pad a window reaching outside (else fail) */
	unsigned char fill; /* the padding's value */
};

/*
 * Where the window's top-left corner goes in an image of w x h: centre:
 * round((w - cw) / 2) with ties to even, as torchvision's CenterCrop, and
 * where the image is smaller than the window, -((cw - w) // 2), as its
 * padding puts the image;
 * seed: div(w, 2) - div(cw, 2) - 1, as the notebook's 1-based
 * div(H,2)-112 .. div(H,2)+111 for 224; floor: (w - cw) // 2, Python's
 * floor division, as guided-diffusion's center_crop_arr.  May be
 * negative (padding).
 */
void pxr_crop_origin(const struct pxr_crop_opts *o, uint32_t w, uint32_t h,
    int64_t *x, int64_t *y);

struct pxr_cropper;
struct pxr_cropper *pxr_cropper_new(const struct pxr_crop_opts *o,
    struct pxr_err *err);
void pxr_cropper_free(struct pxr_cropper *cr);

/*
 * Crops the PIXELS record rec in place (payload into the cropper's buffer;
 * a record already of the window's size is left as it is).  0, or -1 with
 * err filled when the window reaches outside and padding is off.
 */
int pxr_crop(struct pxr_cropper *cr, struct pxr_record *rec,
    struct pxr_err *err);

#endif /* PXR_CROP_H */
