/*
 * fuzz_decode.c: libFuzzer target for lib's JPEG and PNG decode path
 * (pxr_decode), as pxr-decode calls it, and its fused form (pxr_decode_part
 * then pxr_shape_apply, as pxr-decode --short --crop): the part decode
 * drives libjpeg's jpeg_crop_scanline and jpeg_skip_scanlines.  Declared
 * sizes are capped at one megapixel (libjpeg-turbo's own fuzzers' rule) so
 * each input costs bounded work; the last byte of the input picks the
 * options.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "pxr.h"
#include "shape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
shaper_need(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *need)
{
	pxr_shape_need(ctx, w, h, need);
}

/* Decodes rec as pxr-decode --short 64 --crop 48 (--align seed when asked)
 * does; the result must be a valid 48x48 record. */
static int
decode_fused(struct pxr_decoder *dec, struct pxr_record *rec, int seed,
    struct pxr_err *err)
{
	struct pxr_shape s = { .target = PXR_TARGET_SHORT,
		.n = 64,
		.crop = 1,
		.co = { .w = 48, .h = 48, .pad = 1 } };
	struct pxr_decode_part part = { .need = shaper_need };
	struct pxr_shaper *sh;
	int r;

	s.co.align = seed ? PXR_ALIGN_SEED : PXR_ALIGN_CENTER;
	if ((sh = pxr_shaper_new(&s, err)) == NULL)
		return -1;
	part.ctx = sh;
	r = pxr_decode_part(dec, rec, &part, err);
	if (r >= 0 &&
	    pxr_shape_apply(sh, rec, part.fw, part.fh, &part.have, err) == 0 &&
	    (rec->width != 48 || rec->height != 48))
		PXR_BUG("fused decode made a record of the wrong size");
	pxr_shaper_free(sh);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pxr_decode_opts opts;
	struct pxr_decoder *dec;
	struct pxr_record rec;
	struct pxr_err err;
	int r;

	memset(&opts, 0, sizeof(opts));
	opts.max_pixels = 1000000;
	if (size > 0) {
		opts.gray = data[size - 1] & 1;
		opts.policy =
		    (enum pxr_decode_policy)((data[size - 1] >> 1) % 3);
		opts.min_side = (data[size - 1] & 0x40) ? 64 : 0;
	}
	if ((dec = pxr_decoder_new(&opts, &err)) == NULL)
		return 0;
	pxr_record_init(&rec);
	rec.kind = PXR_KIND_ENCODED;
	rec.name = "fuzz.JPEG";
	rec.name_len = strlen(rec.name);
	rec.payload = data;
	rec.payload_len = size;
	if (size > 0 && (data[size - 1] & 0x80))
		r = decode_fused(dec, &rec, data[size - 1] & 0x20, &err);
	else
		r = pxr_decode(dec, &rec, &err);
	if (r >= 0 && pxr_record_check(&rec, &err) != 0)
		PXR_BUG("decoder made a record that fails the check");
	pxr_decoder_free(dec);
	return 0;
}
