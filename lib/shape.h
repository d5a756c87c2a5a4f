/*
 * shape.h: resize and crop in one step (lib/shape.c), for pxr-resize
 * --crop and pxr-decode's fused mode: the part of the input the kept
 * window needs, and the window computed from just that part.
 */
#ifndef PXR_SHAPE_H
#define PXR_SHAPE_H

#include <stdint.h>

#include "crop.h"
#include "decode.h"
#include "pxr.h"
#include "resize.h"

struct pxr_shape {
	enum pxr_filter filter;
	enum pxr_target target; /* the resize: see pxr_resize_target */
	enum pxr_round round;
	uint32_t n, tw, th;
	int crop; /* then crop, as pxr-crop with co */
	struct pxr_crop_opts co;
	/* The notebook's own resampling (lib/notebook.c) instead of filter,
	 * and its decode (lib/ijg.h) when decoding too. */
	int notebook;
	/* Steps before the resize: the largest centred square cut first,
	 * rows and columns from (H - S) // 2 (EDM's center-crop); halvings
	 * with Pillow's BOX to (W // 2, H // 2) while the short side is at
	 * least 2n (guided-diffusion's center_crop_arr; --short only). */
	int square, halve;
	/* EDM's center-crop-wide (--size only, th <= tw): the rows
	 * round(tw * H / W) around the centre, from (H - that) // 2, resized
	 * to tw x th, then set into a tw x tw black canvas at row
	 * (tw - th) // 2; an image narrower than tw, or whose rows would be
	 * fewer than th, fails (EDM leaves it out). */
	int wide;
};

/*
 * Presets: the geometry of a reference pipeline, which explicit options
 * then override (the programs apply them with pxr_like_defaults).
 *   torchvision  Resize(n) + CenterCrop(c) on a PIL image: the long side
 *                floor(n * long / short) (PXR_ROUND_DOWN), Pillow's
 *                antialiased BILINEAR (triangle), the window at
 *                int(round((H - c) / 2)), Python's rounding, and padded
 *                as CenterCrop pads an image smaller than the window
 *                (PXR_ALIGN_CENTER)
 *   notebook     the original Julia notebook's pixels: its decode (IJG
 *                libjpeg 9b's float IDCT, EXIF orientation applied:
 *                lib/ijg.h) and its resampling (restrict, a Gaussian down
 *                the rows, bilinear, in Julia's float types:
 *                lib/notebook.h), each side round(Int, side * (n /
 *                short)) in double (PXR_ROUND_NOTEBOOK), rows and columns
 *                div(H, 2) - div(c, 2) .. div(H, 2) + div(c, 2) - (c even)
 *                1-based (PXR_ALIGN_SEED); an explicit filter makes it
 *                notebook-geometry with that filter
 *   notebook-geometry
 *                the notebook's rounding and window only, with pxr's
 *                filters (triangle: Pillow's antialiased BILINEAR) and
 *                decode: no reference's bytes
 *   timm         timm's evaluation transform (transforms_imagenet_eval,
 *                crop_mode center): torchvision's Resize + CenterCrop
 *                with Pillow's BICUBIC; its Resize(floor(c / crop_pct))
 *                is pxr_crop_pct_short's
 *   adm          guided-diffusion's center_crop_arr (ADM; EDM2's
 *                center-crop-dhariwal): BOX halvings while the short
 *                side is at least 2n (halve), Pillow's BICUBIC to
 *                round(side * (n / short)) each (PXR_ROUND_NOTEBOOK:
 *                Python's round, ties to even), the window at
 *                (H - c) // 2 (PXR_ALIGN_FLOOR)
 *   edm          EDM's dataset_tool.py center-crop: the largest centred
 *                square (square), then Pillow's LANCZOS to n x n
 *   edm-wide     EDM's center-crop-wide (wide), with Pillow's LANCZOS
 */
enum pxr_like {
	PXR_LIKE_NONE,
	PXR_LIKE_TORCHVISION,
	PXR_LIKE_NOTEBOOK,
	PXR_LIKE_NOTEBOOK_GEOMETRY,
	PXR_LIKE_TIMM,
	PXR_LIKE_ADM,
	PXR_LIKE_EDM,
	PXR_LIKE_EDM_WIDE
};

/* Parses "torchvision", "notebook", "notebook-geometry", "timm", "adm",
 * "edm" or "edm-wide"; 0, or -1. */
int pxr_like_parse(const char *name, enum pxr_like *l);
const char *pxr_like_name(enum pxr_like l);

/* Sets what the preset decides in s (rounding, filter, alignment, the
 * notebook's chain, the steps before the resize); PXR_LIKE_NONE changes
 * nothing. */
void pxr_like_defaults(enum pxr_like l, struct pxr_shape *s);

/* timm's crop_pct: a decimal number in (0, 1], as strtod reads it (as
 * Python's float() does); 0, or -1. */
int pxr_crop_pct_parse(const char *s, double *pct);

/* timm's scale size for a crop of c at crop_pct pct: math.floor(c / pct)
 * in double, as Python computes it; 0 where it is not a side of 1 to
 * PXR_DIM_MAX. */
uint32_t pxr_crop_pct_short(uint32_t c, double pct);

/* pct as its shortest decimal that reads back the same ("0.875"), into
 * buf. */
void pxr_crop_pct_text(double pct, char *buf, size_t size);

struct pxr_shaper;
/* NULL with err filled: out of memory, or the notebook's chain asked for
 * anything but --short. */
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
 * The size shaping a w x h image gives, the steps before the resize
 * included, without shaping it: what a plan lays out before any image is
 * decoded.  A crop with padding off that reaches outside fails when
 * shaping, not here.  0, or -1 when the steps leave the image out
 * (EDM's center-crop-wide).
 */
int pxr_shape_size(const struct pxr_shape *s, uint32_t w, uint32_t h,
    uint32_t *ow, uint32_t *oh);

/*
 * Resizes and crops the PIXELS record rec, which holds the part have (at
 * least what pxr_shape_need gave) of a w x h image; have NULL: rec is the
 * whole image.  rec's payload then points into the shaper's buffers.  0,
 * or -1 with err filled.
 */
int pxr_shape_apply(struct pxr_shaper *sh, struct pxr_record *rec, uint32_t w,
    uint32_t h, const struct pxr_rect *have, struct pxr_err *err);

/*
 * Decodes the ENCODED record rec and, with sh (NULL: decoding only),
 * resizes and crops it, decoding only the part of a JPEG that the kept
 * window reads: the bytes of decoding whole and shaping.  With the
 * notebook's chain, the decode is the notebook's (pxr_decode_ijg).  0, 1
 * (done with a warning, in err) or -1 (failed, reason in err), as
 * pxr_decode.
 */
int pxr_decode_shaped(struct pxr_decoder *dec, struct pxr_shaper *sh,
    struct pxr_record *rec, struct pxr_err *err);

#endif /* PXR_SHAPE_H */
