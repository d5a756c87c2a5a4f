/*
 * ragged.h: the layout of a variable-size set (lib/ragged.c): whole
 * images at a capped size, each H x W x C bytes row-major, back to back in
 * X at offsets known before any image is decoded, and the index that says
 * where each lies (X.index, pxr(5)).
 */
#ifndef PXR_RAGGED_H
#define PXR_RAGGED_H

#include <stdint.h>

#include "list.h"
#include "pxr.h"
#include "shape.h"

/* One image's place: X.index holds one such row an image, in index
 * order, PXR_RAGGED_ROW bytes little-endian: the offset in X (u64), then
 * the height and the width (u32).  0 x 0 (and no bytes) for an image
 * whose size its header does not give, or that the steps leave out. */
struct pxr_ragged_row {
	uint64_t offset;
	uint32_t height, width;
};

#define PXR_RAGGED_ROW 16

/*
 * Lays out n images of the stored sizes dims (pxr_list_dims) shaped by s
 * (pxr_shape_size), turned first by their EXIF orientation (5 to 8 swap
 * the sides) when exif is set, channels bytes a pixel: rows[i] for image
 * i, the offsets the sums of the sizes before.  Returns X's size in bytes.
 */
uint64_t pxr_ragged_layout(const struct pxr_image_dims *dims, uint64_t n,
    const struct pxr_shape *s, int exif, unsigned channels,
    struct pxr_ragged_row *rows);

/* The bytes of the largest image of rows (n of them), channels bytes a
 * pixel: what a buffer for any one image needs (the largest width and
 * the largest height may be two images'). */
uint64_t pxr_ragged_largest(const struct pxr_ragged_row *rows, uint64_t n,
    unsigned channels);

/* The rows as X.index holds them, into buf (n * PXR_RAGGED_ROW bytes). */
void pxr_ragged_encode(const struct pxr_ragged_row *rows, uint64_t n,
    unsigned char *buf);

/*
 * The rows of an index of n images from buf (len bytes), checked: len is
 * n rows, each offset the end of the image before, and the last ends at
 * x_bytes.  0, or -1 with err (PXR_E_FORMAT) naming the first bad row.
 */
int pxr_ragged_decode(const unsigned char *buf, uint64_t len, uint64_t n,
    unsigned channels, uint64_t x_bytes, struct pxr_ragged_row *rows,
    struct pxr_err *err);

#endif /* PXR_RAGGED_H */
