/*
 * inproc.c: pxr-decode --short --crop | pxr-label | pxr-pack, the same
 * library calls in one process with no pipes between them, to measure
 * what the pipes cost (bench/run).  Not a product: no options beyond
 * what the bench needs, the first error ends it.
 *
 *   inproc [-t] [-S min_side] -R short -c crop -s synsets X Y < encoded.pxr
 *
 * -t: torchvision's geometry, as pxr-decode --like torchvision.
 *
 * X and Y must have been made by pxr-pack --create.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "fe.h"
#include "label.h"
#include "pack.h"
#include "pxr.h"
#include "shape.h"


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

	fe_start(argv[0]);
	while ((c = getopt(argc, argv, "tS:R:c:s:")) != -1) {
		switch (c) {
		case 't':
			pxr_like_defaults(PXR_LIKE_TORCHVISION, &s);
			break;
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
			fe_die(2, "usage: inproc [-t] [-S n] -R n -c n -s synsets X Y");
		}
	}
	if (argc - optind != 2 || synsets == NULL)
		fe_die(2, "usage: inproc [-t] [-S n] -R n -c n -s synsets X Y");
	if ((buf = fe_read_all(synsets, (size_t)1 << 28, &len, &err)) == NULL ||
	    (dec = pxr_decoder_new(&d, &err)) == NULL ||
	    (sh = pxr_shaper_new(&s, &err)) == NULL ||
	    (lb = pxr_labeler_new(&err)) == NULL ||
	    pxr_labeler_load_synsets(lb, synsets, buf, len, &err) == -1 ||
	    (pk = pxr_packer_open(argv[optind], argv[optind + 1], &err)) ==
		NULL ||
	    (rd = pxr_reader_open(NULL, &err)) == NULL)
		fe_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		int64_t cls;

		if (rec.kind == PXR_KIND_ENCODED &&
		    pxr_decode_shaped(dec, sh, &rec, &err) == -1)
			pxr_record_fail(&rec, "%s", err.msg);
		if ((cls = pxr_label_of(lb, rec.name, &err)) >= 0)
			rec.label = (int32_t)cls + 1;
		if (pxr_packer_put(pk, &rec, &err) == -1)
			fe_die(2, "%s", err.msg);
	}
	if (r == -1 || pxr_packer_close(pk, &err) == -1)
		fe_die(2, "%s", err.msg);
	pxr_reader_close(rd);
	pxr_labeler_free(lb);
	pxr_shaper_free(sh);
	pxr_decoder_free(dec);
	free(buf);
	return 0;
}
