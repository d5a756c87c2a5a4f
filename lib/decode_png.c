/*
 * decode_png.c: PNG records to pixels with libpng: every mode, depth and
 * interlacing; alpha dropped, 16-bit to the high byte, as Pillow's
 * convert("RGB") makes them.
 */
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

#include "decode.h"

#include "decode_int.h"

struct memsrc {
	const unsigned char *p;
	size_t n, off;
};

static void
png_read_mem(png_structp png, png_bytep out, size_t len)
{
	struct memsrc *m = png_get_io_ptr(png);

	if (len > m->n - m->off)
		png_error(png, "PNG data ends early");
	memcpy(out, m->p + m->off, len);
	m->off += len;
}

static void
png_error_fn(png_structp png, png_const_charp msg)
{
	struct pxr_decoder *dec = png_get_error_ptr(png);

	snprintf(dec->fail, sizeof(dec->fail), "PNG: %s", msg);
	png_longjmp(png, 1);
}

/* libpng's warnings are about ancillary chunks; the pixels are sound. */
static void
png_warn_fn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/*
 * Any PNG to 8-bit RGB (or gray with --gray): 16-bit samples keep their
 * high byte (Pillow's "RGB;16B"), 1, 2 and 4-bit gray is scaled to 0..255,
 * palettes are expanded, and alpha (or a tRNS chunk) is dropped without
 * compositing, as Pillow's convert("RGB") does.  No gamma is applied.
 */
int
decode_png_image(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_err *err)
{
	struct memsrc src = { rec->payload, rec->payload_len, 0 };
	png_structp png;
	png_infop info = NULL;
	png_uint_32 w, h;
	int depth, ctype;
	unsigned ch;
	size_t stride;

	dec->fail[0] = '\0';
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, dec, png_error_fn,
	    png_warn_fn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		png_destroy_read_struct(&png, NULL, NULL);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		return pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
	}
	png_set_read_fn(png, &src, png_read_mem);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
	ch = (dec->o.gray && !(ctype & PNG_COLOR_MASK_COLOR)) ? 1 : 3;
	if (decode_check_size(dec, w, h, ch, "PNG") == -1) {
		png_destroy_read_struct(&png, &info, NULL);
		return pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
	}
	if (depth == 16)
		png_set_strip_16(png);
	if (ctype == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (!(ctype & PNG_COLOR_MASK_COLOR)) {
		if (depth < 8)
			png_set_expand_gray_1_2_4_to_8(png);
		if (ch == 3)
			png_set_gray_to_rgb(png);
	}
	png_set_strip_alpha(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	stride = (size_t)w * ch;
	if (png_get_channels(png, info) != ch ||
	    png_get_rowbytes(png, info) != stride)
		png_error(png, "unexpected pixel layout after conversion");
	if (decode_reserve(&dec->buf, &dec->cap, stride * h) == -1 ||
	    decode_reserve_rows(dec, h) == -1)
		png_error(png, "out of memory");
	for (png_uint_32 y = 0; y < h; y++)
		dec->rows[y] = dec->buf + y * stride;
	png_read_image(png, dec->rows);
	png_destroy_read_struct(&png, &info, NULL);

	rec->kind = PXR_KIND_PIXELS;
	rec->width = rec->orig_width = w;
	rec->height = rec->orig_height = h;
	rec->channels = ch;
	rec->payload = dec->buf;
	rec->payload_len = stride * h;
	return 0;
}
