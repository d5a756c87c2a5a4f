/*
 * pxr-decode: JPEG and PNG records to pixel records; with --short or
 * --size, resized (and cropped) in the same process.
 */
#include <stdlib.h>

#include "decode.h"
#include "fe.h"
#include "shape.h"

/* Long options without a letter. */
enum {
	OPT_EXIF = 256, OPT_LENIENT, OPT_LIKE, OPT_MAX_PIXELS, OPT_MIN_SIDE,
	OPT_ROUND, OPT_SIZE, OPT_STRICT
};

static const struct fe_prog prog = {
	"usage: pxr-decode [-efghV] [--lenient | --strict] [--max-pixels n]\n"
	"                  [--min-side n] [--like preset] [--exif-rotate]\n"
	"                  [-s n [-c n|wxh] | --size wxh] [-a center|seed]\n"
	"                  [-F filter] [--round rule] [file]\n",
	"Decode JPEG and PNG records (stdin if no file) to RGB pixel records "
	"on stdout.\n"
	"  -a, --align A         with --crop: center (default) or seed\n"
	"  -c, --crop S          with --short: then crop to S (N or WxH) as "
	"pxr-crop\n"
	"  -e, --exact           decode at full size (the default)\n"
	"      --exif-rotate     apply the EXIF orientation of JPEGs "
	"(default: ignore it)\n"
	"  -F, --filter F        with --short: the resize filter, as "
	"pxr-resize's\n"
	"  -f, --force           write records even to a terminal\n"
	"  -g, --gray            keep grayscale images as one channel\n"
	"  -h, --help            print this help and exit\n"
	"      --lenient         accept truncated JPEGs, with a warning\n"
	"      --like P          with --short: the geometry of a reference, "
	"which\n"
	"                        the options override: torchvision or "
	"notebook\n"
	"      --max-pixels N    refuse images declaring more pixels "
	"(178956970)\n"
	"      --min-side S      decode JPEGs at the smallest scale 1/8, "
	"2/8, 4/8 or 8/8\n"
	"                        whose shorter side is still >= S\n"
	"      --round R         with --short: even, down or notebook, as "
	"pxr-resize's\n"
	"  -s, --short N         also resize the shortest side to N as "
	"pxr-resize\n"
	"                        --short does, decoding only the part of a "
	"JPEG\n"
	"                        the --crop window needs (same bytes as the "
	"pipe)\n"
	"      --size WxH        also resize to exactly W x H (no crop), as "
	"pxr-resize\n"
	"      --strict          every libjpeg warning is a failure\n"
	"  -V, --version         print the version and exit\n"
	"Exit status: 0 all images decoded, 1 some records are failures "
	"(each reported),\n2 usage error or an unreadable stream.\n",
};

struct options {
	struct pxr_decode_opts d;
	int fused;		/* --short or --size: shape here too */
	struct pxr_shape s;
	int force;
};

/* What the command line says explicitly, over which a preset goes. */
struct given {
	int align, filter, round, shaping, exact, lenient, strict;
	enum pxr_like like;
};

/* The options that shape (resize and crop) the decoded image. */
static int
shape_option(int c, struct options *o, struct given *g)
{
	struct pxr_shape *sh = &o->s;

	switch (c) {
	case 'a':
		sh->co.align = fe_opt_align(optarg);
		g->align = 1;
		break;
	case 'c':
		if (pxr_parse_size(optarg, &sh->co.w, &sh->co.h) == -1)
			pxr_die(2, "--crop wants N or WxH, not '%s'", optarg);
		sh->crop = 1;
		break;
	case 'F':
		sh->filter = fe_opt_filter(optarg);
		g->filter = 1;
		break;
	case OPT_LIKE:
		g->like = fe_opt_like(optarg);
		break;
	case OPT_ROUND:
		sh->round = fe_opt_round(optarg);
		g->round = 1;
		break;
	case 's':
	case OPT_SIZE:
		if (o->fused)
			pxr_die(2, "give one of --short and --size");
		if (c == 's') {
			sh->n = fe_side("--short", optarg);
		} else {
			if (pxr_parse_size(optarg, &sh->tw, &sh->th) == -1)
				pxr_die(2, "--size wants N or WxH, not '%s'",
				    optarg);
			sh->target = PXR_TARGET_SIZE;
		}
		o->fused = 1;
		return 1;
	default:
		return 0;
	}
	g->shaping = 1;
	return 1;
}

/* The options of the decoding itself. */
static int
decode_option(int c, struct options *o, struct given *g)
{
	uint64_t v;

	switch (c) {
	case 'e':
		g->exact = 1;
		break;
	case 'g':
		o->d.gray = 1;
		break;
	case OPT_EXIF:
		o->d.exif_rotate = 1;
		break;
	case OPT_LENIENT:
		g->lenient = 1;
		break;
	case OPT_STRICT:
		g->strict = 1;
		break;
	case OPT_MAX_PIXELS:
		if (pxr_parse_u64(optarg, 1, UINT64_C(1) << 40, &v) == -1)
			pxr_die(2, "--max-pixels: not a number in 1..2^40: %s",
			    optarg);
		o->d.max_pixels = v;
		break;
	case OPT_MIN_SIDE:
		if (pxr_parse_u64(optarg, 1, PXR_DIM_MAX, &v) == -1)
			pxr_die(2, "--min-side: not a number in 1..%u: %s",
			    PXR_DIM_MAX, optarg);
		o->d.min_side = (uint32_t)v;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Checks the combination, and lets the preset fill in the rest. */
static void
settle(struct options *o, const struct given *g)
{
	struct pxr_shape preset = o->s;

	if (g->lenient && g->strict)
		pxr_die(2, "--lenient and --strict cannot be combined");
	if (g->exact && o->d.min_side != 0)
		pxr_die(2, "--exact and --min-side cannot be combined");
	o->d.policy = g->strict ? PXR_DECODE_STRICT
	    : g->lenient	    ? PXR_DECODE_LENIENT
				    : PXR_DECODE_DEFAULT;
	if ((g->shaping || g->like != PXR_LIKE_NONE) && !o->fused)
		pxr_die(2, "--crop, --align, --filter, --like and --round need "
			   "--short (or --size)");
	if (o->s.target == PXR_TARGET_SIZE && o->s.crop)
		pxr_die(2, "--size resizes the whole image: no --crop");
	pxr_like_defaults(g->like, &preset);
	if (!g->filter)
		o->s.filter = preset.filter;
	if (!g->round)
		o->s.round = preset.round;
	if (!g->align)
		o->s.co.align = preset.co.align;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "crop", required_argument, NULL, 'c' },
		{ "exact", no_argument, NULL, 'e' },
		{ "exif-rotate", no_argument, NULL, OPT_EXIF },
		{ "filter", required_argument, NULL, 'F' },
		{ "gray", no_argument, NULL, 'g' },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ "like", required_argument, NULL, OPT_LIKE },
		{ "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
		{ "min-side", required_argument, NULL, OPT_MIN_SIDE },
		{ "round", required_argument, NULL, OPT_ROUND },
		{ "short", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "strict", no_argument, NULL, OPT_STRICT },
		FE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct given g = { 0 };
	int c;

	o->d.max_pixels = PXR_DECODE_MAX_PIXELS;
	o->s.target = PXR_TARGET_SHORT;
	o->s.co.pad = 1;
	while ((c = getopt_long(argc, argv, "a:c:eF:gs:" FE_SHORTOPTS,
		    longopts, NULL)) != -1)
		if (!shape_option(c, o, &g) && !decode_option(c, o, &g))
			fe_common(&prog, c, &o->force);
	if (argc - optind > 1)
		fe_usage(&prog, NULL);
	settle(o, &g);
}

struct decoding {
	struct pxr_decoder *dec;
	struct pxr_shaper *sh; /* NULL: decode only */
};

static int
decode(void *ctx, struct pxr_record *rec, struct pxr_err *err)
{
	struct decoding *d = ctx;

	return pxr_decode_shaped(d->dec, d->sh, rec, err);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct decoding d = { NULL, NULL };
	struct fe_counts n;
	struct pxr_err err;
	int status;

	fe_start(argv[0]);
	parse_args(argc, argv, &o);
	if ((d.dec = pxr_decoder_new(&o.d, &err)) == NULL ||
	    (o.fused && (d.sh = pxr_shaper_new(&o.s, &err)) == NULL))
		pxr_die(2, "%s", err.msg);
	status = fe_filter(argv[optind], o.force, FE_TAKES_ENCODED, decode, &d,
	    &n);
	pxr_decoder_free(d.dec);
	pxr_shaper_free(d.sh);
	if (n.warned > 0 || n.failed > 0)
		pxr_warnx("%llu records: %llu decoded with warnings, %llu "
			  "failures",
		    (unsigned long long)n.records, (unsigned long long)n.warned,
		    (unsigned long long)n.failed);
	return status;
}
