/*
 * pxr-resize: resample pixel records, anti-aliased (Pillow's bilinear by
 * default), to a shortest side, a longest side (or a cap on it) or a fixed
 * size.
 */
#include <stdlib.h>

#include "fe.h"
#include "shape.h"

static const struct fe_prog prog = {
	"usage: pxr-resize [-fhV] [--like preset] [-c n|wxh [-a align]]\n"
	"                  [-F filter] [--square] [[--round rule] [-l n |\n"
	"                  -m n | [--halve] -s n] | -S wxh [--wide] |\n"
	"                  --crop-pct p]\n"
	"                  [file]\n",
	"Resample pixel records (stdin if no file) to stdout.\n",
	"Exit status: 0 all records fine, 1 some records are failures,\n"
	"2 usage error or a damaged or unreadable stream.\n",
};

struct options {
	struct pxr_shape s;
	double pct;
	int force;
};

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct pxr_shape *s = &o->s;
	enum pxr_like like = PXR_LIKE_NONE;
	int first;
	struct fe_opt opts[] = {
		{ FE_ROW("align", 'a', FE_ALIGN, &s->co.align, "A",
		      "where the window goes: center\n"
		      "(the default), seed or floor, as pxr-crop's"),
		    .with = "crop" },
		{ FE_ROW("crop", 'c', FE_SIZE, &s->co.w, "S",
		      "then crop to S (N or WxH) as pxr-crop does,\n"
		      "resampling only the window's pixels"),
		    .to2 = &s->co.h },
		{ FE_ROW("crop-pct", 0, FE_PCT, &o->pct, "P",
		      "the short side floor(N / P) for the crop N\n"
		      "(timm's crop_pct: 0.875 for 256 of 224)"),
		    .with = "crop" },
		{ FE_ROW("filter", 'F', FE_FILTER, &s->filter, "F",
		    "triangle (Pillow's BILINEAR, the default),\n"
		    "lanczos3, box, gaussian, bicubic or hamming") },
		{ FE_FORCE(&o->force) },
		{ FE_ROW("halve", 0, FE_FLAG, &s->halve, NULL,
		      "first halve with the box filter to (W // 2,\n"
		      "H // 2) while the short side is >= 2N (ADM)"),
		    .with = "short" },
		{ FE_ROW("like", 0, FE_LIKE, &like, "P",
		    "a reference, which the options above and\n"
		    "below override: torchvision (Resize +\n"
		    "CenterCrop), notebook (the seed notebook's\n"
		    "resampling), notebook-geometry, timm, adm\n"
		    "(guided-diffusion), edm or edm-wide") },
		{ FE_ROW("long", 'l', FE_SIDE, &s->n, "N",
		    "longest side to N, keeping the aspect") },
		{ FE_ROW("max-side", 'm', FE_SIDE, &s->n, "N",
		    "longest side to N where it is over N, keeping\n"
		    "the aspect; a smaller image as it is") },
		{ FE_ROW("round", 0, FE_ROUND, &s->round, "R",
		      "the other side: even (round,\n"
		      "ties to even; the default), down (torchvision),\n"
		      "notebook or ffcv (each side truncated)"),
		    .not_with = "size" },
		{ FE_ROW("short", 's', FE_SIDE, &s->n, "N",
		    "shortest side to N, keeping the aspect (256)") },
		{ FE_ROW("size", 'S', FE_SIZE, &s->tw, "WxH",
		      "exactly W x H (N: N x N)"),
		    .to2 = &s->th },
		{ FE_ROW("square", 0, FE_FLAG, &s->square, NULL,
		    "first cut the largest centred square, from\n"
		    "(H - S) // 2 (EDM's center-crop)") },
		{ FE_ROW("wide", 0, FE_FLAG, &s->wide, NULL,
		      "EDM's center-crop-wide: the rows round(W' * H / W)\n"
		      "about the centre to W'xH', set in a black W'xW'"),
		    .with = "size" },
		FE_END,
	};

	s->co.pad = 1;
	s->n = 256; /* --long, --short: one of them at most */
	first = fe_parse(&prog, opts, argc, argv);
	if (fe_given(opts, "long") + fe_given(opts, "max-side") +
		fe_given(opts, "short") + fe_given(opts, "size") >
	    1)
		fe_die(2, "give one of --long, --max-side, --short and --size");
	if (argc - first > 1)
		fe_usage(&prog, NULL);
	s->crop = fe_given(opts, "crop") > 0;
	s->target = fe_given(opts, "long") ? PXR_TARGET_LONG
	    : fe_given(opts, "max-side")   ? PXR_TARGET_MAX
	    : fe_given(opts, "size")       ? PXR_TARGET_SIZE
					   : PXR_TARGET_SHORT;
	fe_like(opts, like, s);
	fe_crop_pct(&prog, opts, o->pct, s);
	return first;
}

static int
resize(void *ctx, struct pxr_record *rec, struct pxr_err *err)
{
	return pxr_shape_apply(ctx, rec, rec->width, rec->height, NULL, err);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_shaper *sh;
	struct pxr_err err;
	int status, first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	if ((sh = pxr_shaper_new(&o.s, &err)) == NULL)
		fe_die(2, "%s", err.msg);
	status =
	    fe_filter(argv[first], o.force, FE_TAKES_PIXELS, resize, sh, NULL);
	pxr_shaper_free(sh);
	return status;
}
