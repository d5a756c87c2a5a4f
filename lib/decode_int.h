/*
 * decode_int.h: what the JPEG and PNG decoders share (lib/decode*.c).
 */
#ifndef PXR_DECODE_INT_H
#define PXR_DECODE_INT_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jpeglib.h>
#include <png.h>

#include "decode.h"

#define WARN_MAX 200 /* JMSG_LENGTH_MAX is 200 */

struct pxr_decoder;

/* libjpeg's error manager, with the way back (longjmp) and the decoder. */
struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	struct pxr_decoder *dec;
};

struct pxr_decoder {
	struct pxr_decode_opts o;
	struct jpeg_decompress_struct cinfo;
	struct jerr jerr;
	struct jpeg_progress_mgr progress;
	int have_cinfo;
	unsigned char *buf; /* the output pixels, reused */
	size_t cap;
	unsigned char *tmp; /* the pixels before an EXIF rotation, reused */
	size_t tmpcap;
	unsigned char *row; /* one CMYK row, reused */
	size_t rowcap;
	unsigned char *scratch; /* decode_ijg.c's sample planes, reused */
	size_t scratchcap;
	png_bytep *rows; /* PNG row pointers, reused */
	size_t rowscap;  /* entries */
	/* The current image's warnings and failure. */
	unsigned nwarn;
	int saw_eof;
	char warn[WARN_MAX];
	char fail[PXR_ERR_MSG_MAX];
};

/* decode.c: what the PNG decoder shares with the JPEG one. */
int decode_check_size(struct pxr_decoder *dec, uint64_t w, uint64_t h,
    unsigned ch, const char *what);
int decode_reserve(unsigned char **bufp, size_t *capp, size_t len);
int decode_reserve_rows(struct pxr_decoder *dec, size_t h);
/* decode.c: 0 with no warning from libjpeg, else 1 with them in err (the
 * first, and how many more) and rec flagged PXR_FLAG_WARNING. */
int decode_warned(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_err *err);
/* decode.c: the rows of a started JPEG decompression up to end into
 * dec->buf; 0, or -1 with dec->fail set.  Only decode.c calls it, and
 * the unit test, with a source that suspends, which pxr's never does. */
int decode_jpeg_rows(struct pxr_decoder *dec, unsigned ch, int cmyk,
    unsigned end);
/* decode.c: writes the w x h image src (ch channels) into dst as EXIF
 * orientation o (2..8) turns it; 5..8 swap width and height. */
void decode_orient(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h, unsigned ch, unsigned o);
/* decode_png.c: a PNG record (rec's payload) to RGB or gray pixels. */
int decode_png_image(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_err *err);

#endif
