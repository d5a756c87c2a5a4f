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

static const struct fe_prog prog = {
	"usage: pxr-crop [-fhV] [--like preset] [-a align | --at x,y]\n"
	"                [--fill v | --no-pad] [--size n|wxh] [file]\n",
	"Crop pixel records (stdin if no file) to stdout.\n",
	"Exit status: 0 all records fine, 1 some records are failures,\n"
	"2 usage error or a damaged or unreadable stream.\n",
};

/* --at X,Y: the window's top-left corner, which may lie outside. */
static void
parse_at(void *to, const char *s)
{
	struct pxr_crop_opts *o = to;
	long long x, y;
	char end;

	if (sscanf(s, "%lld,%lld%c", &x, &y, &end) != 2 ||
	    x < -(long long)PXR_DIM_MAX || y < -(long long)PXR_DIM_MAX ||
	    x > PXR_DIM_MAX || y > PXR_DIM_MAX)
		fe_die(2, "--at wants X,Y, not '%s'", s);
	o->x = x;
	o->y = y;
	o->align = PXR_ALIGN_AT;
}

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct pxr_crop_opts *o, int *force)
{
	enum pxr_like like = PXR_LIKE_NONE;
	struct pxr_shape preset = { 0 };
	uint64_t fill = 0;
	int no_pad = 0, first;
	struct fe_opt opts[] = {
		{ FE_ROW("align", 'a', FE_ALIGN, &o->align, "A",
		    "center (torchvision's CenterCrop, the default),\n"
		    "seed (the original notebook's window) or floor\n"
		    "((H - N) // 2: guided-diffusion's)") },
		{ FE_ROW("at", 0, FE_CALL, o, "X,Y",
		      "the window's top-left corner"),
		    .call = parse_at },
		{ FE_ROW("fill", 0, FE_NUMBER, &fill, "V",
		      "the value of padding (0)"),
		    .max = 255, .not_with = "no-pad" },
		{ FE_FORCE(force) },
		{ FE_ROW("like", 0, FE_LIKE, &like, "P",
		    "the window of a reference: torchvision, timm\n"
		    "or edm (center), notebook or notebook-geometry\n"
		    "(seed), adm (floor); --align overrides it") },
		{ FE_ROW("no-pad", 0, FE_FLAG, &no_pad, NULL,
		    "an image smaller than the window fails") },
		{ FE_ROW("size", 0, FE_SIZE, &o->w, "S",
		      "the window: N (square) or WxH (224)"),
		    .to2 = &o->h },
		FE_END,
	};

	o->w = o->h = 224;
	first = fe_parse(&prog, opts, argc, argv);
	o->fill = (unsigned char)fill;
	o->pad = !no_pad;
	if (fe_given(opts, "align") && fe_given(opts, "at"))
		fe_die(2, "--at and --align cannot be combined");
	if (argc - first > 1)
		fe_usage(&prog, NULL);
	pxr_like_defaults(like, &preset);
	if (like != PXR_LIKE_NONE && !fe_given(opts, "align") &&
	    !fe_given(opts, "at"))
		o->align = preset.co.align;
	return first;
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
	int status, force = 0, first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o, &force);
	if ((cr = pxr_cropper_new(&o, &err)) == NULL)
		fe_die(2, "%s", err.msg);
	status = fe_filter(argv[first], force, FE_TAKES_PIXELS, crop, cr, NULL);
	pxr_cropper_free(cr);
	return status;
}
