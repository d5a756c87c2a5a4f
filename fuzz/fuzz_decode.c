/*
 * fuzz_decode.c: libFuzzer target for lib's JPEG and PNG decode path
 * (pxr_decode), as pxr-decode calls it.  Declared sizes are capped at one
 * megapixel (libjpeg-turbo's own fuzzers' rule) so each input costs bounded
 * work; the odd bytes of the input pick the options.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "pxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
		opts.policy = (enum pxr_decode_policy)((data[size - 1] >> 1) % 3);
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
	r = pxr_decode(dec, &rec, &err);
	if (r >= 0 && pxr_record_check(&rec, &err) != 0)
		PXR_BUG("decoder made a record that fails the check");
	pxr_decoder_free(dec);
	return 0;
}
