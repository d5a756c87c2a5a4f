/*
 * pxr-crop: cut a window out of pixel records: the centre (as torchvision),
 * the original notebook's window, or anywhere, padded where needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crop.h"
#include "fe.h"
#include "shape.h"

/* Long options without a letter. */
enum { OPT_AT = 256, OPT_FILL, OPT_LIKE, OPT_NO_PAD, OPT_SIZE };

static const struct fe_prog prog = {
	"usage: pxr-crop [-fhV] [--like preset] [-a center|seed | --at x,y]\n"
	"                [--fill v] [--no-pad] [--size n|wxh] [file]\n",
	"Crop pixel records (stdin if no file) to stdout.\n"
	"  -a, --align A   center (torchvision's CenterCrop, the default)\n"
	"                  or seed (the original notebook's window)\n"
	"      --at X,Y    the window's top-left corner\n"
	"      --fill V    the value of padding (0)\n"
	"  -f, --force     write records even to a terminal\n"
	"  -h, --help      print this help and exit\n"
	"      --like P    the window of a reference: torchvision\n"
	"                  (center) or notebook (seed); --align\n"
	"                  overrides it\n"
	"      --no-pad    an image smaller than the window fails\n"
	"      --size S    the window: N (square) or WxH (224)\n"
	"  -V, --version   print the version and exit\n"
	"Exit status: 0 all records fine, 1 some records are failures,\n"
	"2 usage error or an unreadable stream.\n",
};

/* --at X,Y: the window's top-left corner, which may lie outside. */
static void
parse_at(const char *s, struct pxr_crop_opts *o)
{
	long long x, y;
	char end;

	if (sscanf(s, "%lld,%lld%c", &x, &y, &end) != 2 ||
	    x < -(long long)PXR_DIM_MAX || y < -(long long)PXR_DIM_MAX ||
	    x > PXR_DIM_MAX || y > PXR_DIM_MAX)
		pxr_die(2, "--at wants X,Y, not '%s'", s);
	o->x = x;
	o->y = y;
	o->align = PXR_ALIGN_AT;
}

static void
parse_args(int argc, char **argv, struct pxr_crop_opts *o, int *force)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "at", required_argument, NULL, OPT_AT },
		{ "fill", required_argument, NULL, OPT_FILL },
		{ "like", required_argument, NULL, OPT_LIKE },
		{ "no-pad", no_argument, NULL, OPT_NO_PAD },
		{ "size", required_argument, NULL, OPT_SIZE },
		FE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	enum pxr_like like = PXR_LIKE_NONE;
	struct pxr_shape preset = { 0 };
	int c, has_align = 0;
	uint64_t v;

	o->w = o->h = 224;
	o->pad = 1;
	while ((c = getopt_long(argc, argv, "a:" FE_SHORTOPTS, longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'a':
			o->align = fe_opt_align(optarg);
			has_align = 1;
			break;
		case OPT_AT:
			parse_at(optarg, o);
			break;
		case OPT_FILL:
			if (pxr_parse_u64(optarg, 0, 255, &v) == -1)
				pxr_die(2, "--fill wants 0 to 255, not '%s'",
				    optarg);
			o->fill = (unsigned char)v;
			break;
		case OPT_LIKE:
			like = fe_opt_like(optarg);
			break;
		case OPT_NO_PAD:
			o->pad = 0;
			break;
		case OPT_SIZE:
			if (pxr_parse_size(optarg, &o->w, &o->h) == -1)
				pxr_die(2, "--size wants N or WxH, not '%s'",
				    optarg);
			break;
		default:
			fe_common(&prog, c, force);
		}
	}
	if (has_align && o->align == PXR_ALIGN_AT)
		pxr_die(2, "--at and --align cannot be combined");
	if (argc - optind > 1)
		fe_usage(&prog, NULL);
	pxr_like_defaults(like, &preset);
	if (like != PXR_LIKE_NONE && !has_align && o->align != PXR_ALIGN_AT)
		o->align = preset.co.align;
}

static int
crop(void *ctx, struct pxr_record *rec, struct pxr_err *err)
{
	return pxr_crop(ctx, rec, err);
}

int
main(int argc, char **argv)
{
	struct pxr_crop_opts o = { 0 };
	struct pxr_cropper *cr;
	struct pxr_err err;
	int status, force = 0;

	fe_start(argv[0]);
	parse_args(argc, argv, &o, &force);
	if ((cr = pxr_cropper_new(&o, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	status = fe_filter(argv[optind], force, FE_TAKES_PIXELS, crop, cr, NULL);
	pxr_cropper_free(cr);
	return status;
}
