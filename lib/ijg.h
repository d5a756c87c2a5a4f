/*
 * ijg.h: JPEG decoding as IJG libjpeg 9b computes it with
 * dct_method = JDCT_FLOAT and its default fancy upsampling
 * (lib/decode_ijg.c): the decode of the original notebook's
 * Images.load (ImageMagick 6.9.10-10 over libjpeg 9b), which is
 * `djpeg -dct float` of jpeg-9b plus the EXIF orientation.
 */
#ifndef PXR_IJG_H
#define PXR_IJG_H

#include <stdint.h>

#include "decode.h"
#include "pxr.h"

/*
 * As pxr_decode_part, but a JPEG's pixels are libjpeg 9b's: the
 * coefficients are read with libjpeg-turbo (jpeg_read_coefficients,
 * baseline, progressive and arithmetic alike), then dequantised and
 * inverse-transformed as 9b does (its float AA&N IDCT for 8x8 blocks, its
 * 16x16, 16x8 and 8x16 integer IDCTs for 2x-subsampled chroma, which is
 * 9b's "fancy" upsampling, box replication for any factor left), and
 * converted to RGB with 9b's YCbCr tables and range limit.  A grayscale
 * JPEG gives three equal channels (one with the decoder's gray option).
 * The EXIF orientation is applied when the decoder's exif_rotate is set.
 *
 * What the notebook's loader refused fails here, with the reason: a CMYK
 * or YCCK JPEG (ImageMagick.jl: "Cannot parse colorspace CMYK"), sampling
 * factors 9b cannot upsample, anything but 8-bit samples.  A progressive
 * JPEG whose low AC coefficients never got their last bits (9b would
 * smooth its blocks) is decoded without that smoothing, with a warning.
 * Other records (PNG) go to pxr_decode_part.  Returns as pxr_decode_part.
 */
int pxr_decode_ijg(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_decode_part *part, struct pxr_err *err);

/*
 * The 8x8 float IDCT of 9b's jidctflt.c on one block: coef (natural
 * order), the multipliers of pxr_ijg_float_table, into 8 rows of out
 * (stride bytes apart).  For the unit test.
 */
void pxr_ijg_idct_float(const int16_t *coef, const float *mult,
    unsigned char *out, size_t stride);

/* 9b's float multipliers (jddctmgr.c): q * a[row] * a[col] * 0.125 in
 * double, then float. */
void pxr_ijg_float_table(const uint16_t *quant, float *mult);

/* The integer IDCT of 9b's jidctint.c for an h x v block (8 or 16 each,
 * not both 8), dequantising with quant. */
void pxr_ijg_idct_int(const int16_t *coef, const uint16_t *quant, unsigned h,
    unsigned v, unsigned char *out, size_t stride);

#endif /* PXR_IJG_H */
