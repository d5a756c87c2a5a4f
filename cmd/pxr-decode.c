/*
 * pxr-decode: JPEG and PNG records to pixel records; with --short,
 * --max-side or --size, resized (and cropped) in the same process.
 */
#include <malloc.h>
#include <stdlib.h>

#include "decode.h"
#include "fe.h"
#include "ijg.h"
#include "shape.h"

static const struct fe_prog prog = {
	"usage: pxr-decode [-efghV] [--lenient | --strict] [--max-pixels n]\n"
	"                  [--min-side n] [--like preset] [--exif-rotate]\n"
	"                  [--square] [-s n [--halve] [-c n|wxh [-a align]]\n"
	"                  [--round rule] | --crop-pct p -c n [-a align]\n"
	"                  [--round rule] | -m n [--round rule] |\n"
	"                  --size wxh [--wide]] [-F filter] [file]\n",
	"Decode JPEG and PNG records (stdin if no file) to RGB pixel records "
	"on stdout.\n",
	"Exit status: 0 all images decoded, 1 some records are failures "
	"(each reported),\n2 usage error, a damaged or unreadable stream or a "
	"write error.\n",
};

struct options {
	struct pxr_decode_opts d;
	int fused; /* --short, --size or --crop-pct: shape here too */
	struct pxr_shape s;
	double pct;
	int force;
	enum pxr_like like;
	int exact, lenient, strict;
	int ijg; /* the notebook's decode (libjpeg 9b's float IDCT) */
};

/* Checks the combination, and lets the preset fill in the rest. */
static void
settle(struct options *o, const struct fe_opt *opts)
{
	if (o->lenient && o->strict)
		fe_die(2, "--lenient and --strict cannot be combined");
	if (o->exact && fe_given(opts, "min-side"))
		fe_die(2, "--exact and --min-side cannot be combined");
	if (fe_given(opts, "short") + fe_given(opts, "size") +
		fe_given(opts, "max-side") >
	    1)
		fe_die(2, "give one of --short, --max-side and --size");
	fe_crop_pct(&prog, opts, o->pct, &o->s);
	o->d.policy = o->strict ? PXR_DECODE_STRICT
	    : o->lenient        ? PXR_DECODE_LENIENT
				: PXR_DECODE_DEFAULT;
	o->fused = fe_given(opts, "short") || fe_given(opts, "size") ||
	    fe_given(opts, "max-side") || fe_given(opts, "crop-pct");
	/* Alone, a preset can only be the notebook's decode. */
	if (fe_given(opts, "like") && !o->fused && o->like != PXR_LIKE_NOTEBOOK)
		fe_usage(&prog,
		    "--like %s goes with --short, --max-side, --size or "
		    "--crop-pct "
		    "(alone: --like notebook, its decode)",
		    pxr_like_name(o->like));
	if (!fe_given(opts, "crop-pct"))
		o->s.target = fe_given(opts, "size") ? PXR_TARGET_SIZE
		    : fe_given(opts, "max-side")     ? PXR_TARGET_MAX
						     : PXR_TARGET_SHORT;
	o->s.crop = fe_given(opts, "crop") > 0;
	fe_like(opts, o->like, &o->s);
	/* The notebook's pixels: its decode, alone or with its chain, and
	 * ImageMagick.jl's EXIF orientation. */
	o->ijg = o->like == PXR_LIKE_NOTEBOOK && (!o->fused || o->s.notebook);
	if (o->ijg && fe_given(opts, "min-side"))
		fe_die(2,
		    "--like notebook decodes at full size, as the "
		    "notebook did: no --min-side");
	o->s.notebook = o->fused && o->s.notebook;
	if (o->ijg)
		o->d.exif_rotate = 1;
}

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct pxr_shape *s = &o->s;
	struct fe_opt opts[] = {
		{ FE_ROW("align", 'a', FE_ALIGN, &s->co.align, "A",
		      "center (default), seed or floor"),
		    .with = "crop" },
		{ FE_ROW("crop", 'c', FE_SIZE, &s->co.w, "S",
		      "then crop to S (N or WxH) as pxr-crop"),
		    .to2 = &s->co.h, .with = "short crop-pct" },
		{ FE_ROW("crop-pct", 0, FE_PCT, &o->pct, "P",
		      "resize the short side to floor(N / P) for the\n"
		      "crop N, as timm's crop_pct (0.875: 256 for 224)"),
		    .with = "crop" },
		{ FE_ROW("exact", 'e', FE_FLAG, &o->exact, NULL,
		    "decode at full size (the default)") },
		{ FE_ROW("exif-rotate", 0, FE_FLAG, &o->d.exif_rotate, NULL,
		    "apply the EXIF orientation of JPEGs (default: ignore "
		    "it)") },
		{ FE_ROW("filter", 'F', FE_FILTER, &s->filter, "F",
		      "the resize filter, as pxr-resize's"),
		    .with = "short size max-side crop-pct" },
		{ FE_FORCE(&o->force) },
		{ FE_ROW("gray", 'g', FE_FLAG, &o->d.gray, NULL,
		    "keep grayscale images as one channel") },
		{ FE_ROW("halve", 0, FE_FLAG, &s->halve, NULL,
		      "first halve (box) while the short side >= 2N"),
		    .with = "short" },
		{ FE_ROW("lenient", 0, FE_FLAG, &o->lenient, NULL,
		    "accept truncated JPEGs, with a warning") },
		{ FE_ROW("like", 0, FE_LIKE, &o->like, "P",
		    "as a reference: torchvision, notebook (its\n"
		    "decode, with --short its resampling too),\n"
		    "notebook-geometry, timm, adm, edm or edm-wide;\nthe "
		    "options "
		    "override it") },
		{ FE_ROW("max-pixels", 0, FE_NUMBER, &o->d.max_pixels, "N",
		      "refuse images declaring more pixels (178956970)"),
		    .min = 1, .max = UINT64_C(1) << 40 },
		{ FE_ROW("max-side", 'm', FE_SIDE, &s->n, "N",
		    "also resize the longest side to N where it is\n"
		    "over N, as pxr-resize --max-side") },
		{ FE_ROW("min-side", 0, FE_SIDE, &o->d.min_side, "S",
		    "decode JPEGs at the smallest scale 1/8, 2/8, 4/8 or "
		    "8/8\nwhose shorter side is still >= S") },
		{ FE_ROW("round", 0, FE_ROUND, &s->round, "R",
		      "even, down, notebook or ffcv, as pxr-resize's"),
		    .with = "short max-side crop-pct" },
		{ FE_ROW("short", 's', FE_SIDE, &s->n, "N",
		    "also resize the shortest side to N as pxr-resize\n"
		    "--short does, decoding only the part of a JPEG\n"
		    "the --crop window needs (same bytes as the pipe)") },
		{ FE_ROW("size", 0, FE_SIZE, &s->tw, "WxH",
		      "also resize to exactly W x H (no crop; N: N x N),\n"
		      "as pxr-resize"),
		    .to2 = &s->th },
		{ FE_ROW("square", 0, FE_FLAG, &s->square, NULL,
		      "first cut the largest centred square"),
		    .with = "short size max-side" },
		{ FE_ROW("strict", 0, FE_FLAG, &o->strict, NULL,
		    "every libjpeg warning is a failure") },
		{ FE_ROW("wide", 0, FE_FLAG, &s->wide, NULL,
		      "EDM's center-crop-wide, as pxr-resize's"),
		    .with = "size" },
		FE_END,
	};
	int first;

	o->d.max_pixels = PXR_DECODE_MAX_PIXELS;
	s->co.pad = 1;
	first = fe_parse(&prog, opts, argc, argv);
	if (argc - first > 1)
		fe_usage(&prog, NULL);
	settle(o, opts);
	return first;
}

struct decoding {
	struct pxr_decoder *dec;
	struct pxr_shaper *sh; /* NULL: decode only */
	int ijg;
};

static int
decode(void *ctx, struct pxr_record *rec, struct pxr_err *err)
{
	struct decoding *d = ctx;

	if (d->ijg && d->sh == NULL)
		return pxr_decode_ijg(d->dec, rec, NULL, err);
	return pxr_decode_shaped(d->dec, d->sh, rec, err);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct decoding d = { NULL, NULL, 0 };
	struct fe_counts n;
	struct pxr_err err;
	int status, first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	d.ijg = o.ijg;
	/* libjpeg allocates and frees each image's buffers (the notebook's
	 * decode: its coefficients, about 1 MB an ImageNet photograph);
	 * glibc would give the pages back and fault them in again for the
	 * next image (8.5 s against 5.7 s for 2,000 images in that decode:
	 * bench/LEVERS.md).  Keep them. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	if ((d.dec = pxr_decoder_new(&o.d, &err)) == NULL ||
	    (o.fused && (d.sh = pxr_shaper_new(&o.s, &err)) == NULL))
		fe_die(2, "%s", err.msg);
	status =
	    fe_filter(argv[first], o.force, FE_TAKES_ENCODED, decode, &d, &n);
	pxr_decoder_free(d.dec);
	pxr_shaper_free(d.sh);
	if (n.warned > 0 || n.failed > 0)
		fe_warnx("%llu records: %llu decoded with warnings, %llu "
			 "failures",
		    (unsigned long long)n.records, (unsigned long long)n.warned,
		    (unsigned long long)n.failed);
	return status;
}
