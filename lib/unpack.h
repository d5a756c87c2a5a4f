/*
 * unpack.h: records back out as image files and contact sheets, and a
 * packed tensor read back as records (lib/unpack.c).
 */
#ifndef PXR_UNPACK_H
#define PXR_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

enum pxr_imgfmt { PXR_IMG_PNG, PXR_IMG_PPM };

/* Writes w x h x c (1 or 3) samples as a PNG or a binary PPM/PGM. */
int pxr_image_write(const char *path, enum pxr_imgfmt fmt,
    const unsigned char *px, uint32_t w, uint32_t h, uint32_t c,
    struct pxr_err *err);

/*
 * Expands an output pattern for a record: %i its index, %n the basename of
 * its name without the extension, %l its label, %% a percent sign.
 * 0, or -1 if the result does not fit in size bytes.
 */
int pxr_unpack_name(char *out, size_t size, const char *pattern,
    const struct pxr_record *rec);

/* A packed tensor (pxr-pack's files), read one image at a time. */
struct pxr_tensor;
struct pxr_tensor *pxr_tensor_open(const char *x, const char *y,
    struct pxr_err *err);
uint64_t pxr_tensor_count(const struct pxr_tensor *t);
/* Reads image i as a PIXELS record (payload in the tensor's buffer). */
int pxr_tensor_read(struct pxr_tensor *t, uint64_t i, struct pxr_record *rec,
    struct pxr_err *err);
void pxr_tensor_close(struct pxr_tensor *t);

#endif /* PXR_UNPACK_H */
