/*
 * pxr-resize: resample pixel records, anti-aliased (Pillow's bilinear by
 * default), to a shortest side, a longest side or a fixed size.
 */
#include <stdlib.h>

#include "fe.h"
#include "shape.h"

/* Long options without a letter. */
enum { OPT_LIKE = 256, OPT_ROUND };

static const struct fe_prog prog = {
	"usage: pxr-resize [-fhV] [--like preset] [-a center|seed] [-c n|wxh]\n"
	"                  [-F filter] [--round rule] [-l n | -s n | -S wxh] "
	"[file]\n",
	"Resample pixel records (stdin if no file) to stdout.\n"
	"  -a, --align A   where --crop's window goes: center (the\n"
	"                  default) or seed, as pxr-crop's --align\n"
	"  -c, --crop S    then crop to S (N or WxH) as pxr-crop does,\n"
	"                  resampling only the window's pixels\n"
	"  -F, --filter F  triangle (Pillow's BILINEAR, the default),\n"
	"                  lanczos3, box or gaussian\n"
	"  -f, --force     write records even to a terminal\n"
	"  -h, --help      print this help and exit\n"
	"      --like P    the geometry of a reference, which the options\n"
	"                  above and below override: torchvision\n"
	"                  (Resize + CenterCrop) or notebook\n"
	"  -l, --long N    longest side to N, keeping the aspect\n"
	"      --round R   the other side: even (round, ties to even;\n"
	"                  the default), down (torchvision) or notebook\n"
	"  -s, --short N   shortest side to N, keeping the aspect (256)\n"
	"  -S, --size WxH  exactly W x H\n"
	"  -V, --version   print the version and exit\n"
	"Exit status: 0 all records fine, 1 some records are failures,\n"
	"2 usage error or an unreadable stream.\n",
};

struct options {
	struct pxr_shape s;
	int force;
};

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "crop", required_argument, NULL, 'c' },
		{ "filter", required_argument, NULL, 'F' },
		{ "like", required_argument, NULL, OPT_LIKE },
		{ "long", required_argument, NULL, 'l' },
		{ "round", required_argument, NULL, OPT_ROUND },
		{ "short", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'S' },
		FE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, targets = 0, has_align = 0, has_filter = 0, has_round = 0;
	enum pxr_like like = PXR_LIKE_NONE;
	struct pxr_shape preset;

	o->s.co.pad = 1;
	o->s.target = PXR_TARGET_SHORT;
	o->s.n = 256;
	while ((c = getopt_long(argc, argv, "a:c:F:l:s:S:" FE_SHORTOPTS,
		    longopts, NULL)) != -1) {
		if ((c == 'l' || c == 's' || c == 'S') && targets++)
			pxr_die(2, "give one of --long, --short and --size");
		switch (c) {
		case 'a':
			o->s.co.align = fe_opt_align(optarg);
			has_align = 1;
			break;
		case 'c':
			if (pxr_parse_size(optarg, &o->s.co.w, &o->s.co.h) == -1)
				pxr_die(2, "--crop wants N or WxH, not '%s'",
				    optarg);
			o->s.crop = 1;
			break;
		case 'F':
			o->s.filter = fe_opt_filter(optarg);
			has_filter = 1;
			break;
		case OPT_LIKE:
			like = fe_opt_like(optarg);
			break;
		case OPT_ROUND:
			o->s.round = fe_opt_round(optarg);
			has_round = 1;
			break;
		case 'l':
			o->s.target = PXR_TARGET_LONG;
			o->s.n = fe_side("--long", optarg);
			break;
		case 's':
			o->s.target = PXR_TARGET_SHORT;
			o->s.n = fe_side("--short", optarg);
			break;
		case 'S':
			o->s.target = PXR_TARGET_SIZE;
			if (pxr_parse_size(optarg, &o->s.tw, &o->s.th) == -1)
				pxr_die(2, "--size wants WxH, not '%s'", optarg);
			break;
		default:
			fe_common(&prog, c, &o->force);
		}
	}
	if (argc - optind > 1)
		fe_usage(&prog, NULL);
	if (has_align && !o->s.crop)
		pxr_die(2, "--align needs --crop");
	/* The preset fills in what was not given. */
	preset = o->s;
	pxr_like_defaults(like, &preset);
	if (!has_filter)
		o->s.filter = preset.filter;
	if (!has_round)
		o->s.round = preset.round;
	if (!has_align)
		o->s.co.align = preset.co.align;
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
	int status;

	fe_start(argv[0]);
	parse_args(argc, argv, &o);
	if ((sh = pxr_shaper_new(&o.s, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	status = fe_filter(argv[optind], o.force, FE_TAKES_PIXELS, resize, sh,
	    NULL);
	pxr_shaper_free(sh);
	return status;
}
