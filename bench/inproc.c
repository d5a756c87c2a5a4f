/*
 * inproc.c: pxr-decode --short --crop | pxr-label | pxr-pack, the same
 * library calls in one process with no pipes between them, to measure
 * what the pipes cost (bench/run).  Not a product: no options beyond
 * what the bench needs, the first error ends it.
 *
 *   inproc [-S min_side] -R short -c crop -s synsets X Y < encoded.pxr
 *
 * X and Y must have been made by pxr-pack --create.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "label.h"
#include "pack.h"
#include "pxr.h"
#include "shape.h"

static void
shaper_need(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *need)
{
	pxr_shape_need(ctx, w, h, need);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n)
		pxr_die(2, "%s: cannot read", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct pxr_decode_opts d = { .max_pixels = PXR_DECODE_MAX_PIXELS };
	struct pxr_shape s = { .target = PXR_TARGET_SHORT, .n = 256,
		.crop = 1, .co = { .w = 224, .h = 224, .pad = 1 } };
	const char *synsets = NULL;
	struct pxr_decoder *dec;
	struct pxr_shaper *sh;
	struct pxr_labeler *lb;
	struct pxr_packer *pk;
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	size_t len;
	char *buf;
	int c, r;

	pxr_setprogname(argv[0]);
	while ((c = getopt(argc, argv, "S:R:c:s:")) != -1) {
		switch (c) {
		case 'S':
			d.min_side = (uint32_t)atoi(optarg);
			break;
		case 'R':
			s.n = (uint32_t)atoi(optarg);
			break;
		case 'c':
			s.co.w = s.co.h = (uint32_t)atoi(optarg);
			break;
		case 's':
			synsets = optarg;
			break;
		default:
			pxr_die(2, "usage: inproc [-S n] -R n -c n -s synsets X Y");
		}
	}
	if (argc - optind != 2 || synsets == NULL)
		pxr_die(2, "usage: inproc [-S n] -R n -c n -s synsets X Y");
	buf = slurp(synsets, &len);
	if ((dec = pxr_decoder_new(&d, &err)) == NULL ||
	    (sh = pxr_shaper_new(&s, &err)) == NULL ||
	    (lb = pxr_labeler_new(&err)) == NULL ||
	    pxr_labeler_load_synsets(lb, synsets, buf, len, &err) == -1 ||
	    (pk = pxr_packer_open(argv[optind], argv[optind + 1], &err)) ==
		NULL ||
	    (rd = pxr_reader_open(NULL, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		struct pxr_decode_part part = { .need = shaper_need, .ctx = sh };
		int64_t cls;

		if (rec.kind == PXR_KIND_ENCODED &&
		    (pxr_decode_part(dec, &rec, &part, &err) == -1 ||
			pxr_shape_apply(sh, &rec, part.fw, part.fh, &part.have,
			    &err) == -1))
			pxr_record_fail(&rec, "%s", err.msg);
		if ((cls = pxr_label_of(lb, rec.name, &err)) >= 0)
			rec.label = (int32_t)cls + 1;
		if (pxr_packer_put(pk, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1 || pxr_packer_close(pk, &err) == -1)
		pxr_die(2, "%s", err.msg);
	pxr_reader_close(rd);
	pxr_labeler_free(lb);
	pxr_shaper_free(sh);
	pxr_decoder_free(dec);
	free(buf);
	return 0;
}
