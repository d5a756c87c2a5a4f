/*
 * pxr-resize: resample pixel records, anti-aliased (Pillow's bilinear by
 * default), to a shortest side, a longest side or a fixed size.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxr.h"
#include "shape.h"

/* Long options without a letter. */
enum { OPT_LIKE = 256, OPT_ROUND };

struct options {
	struct pxr_shape s;
	int force, has_target;
};

static const char usage_text[] =
    "usage: pxr-resize [-fhV] [--like preset] [-a center|seed] [-c n|wxh]\n"
    "                  [-F filter] [--round rule] [-l n | -s n | -S wxh] "
    "[file]\n";

static _Noreturn void
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

static _Noreturn void
help(void)
{
	fputs(usage_text, stdout);
	fputs("Resample pixel records (stdin if no file) to stdout.\n"
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
	    stdout);
	exit(0);
}

static uint32_t
side(const char *opt, const char *s)
{
	uint64_t v;

	if (pxr_parse_u64(s, 1, PXR_DIM_MAX, &v) == -1)
		pxr_die(2, "%s wants a side of 1 to %u pixels, not '%s'", opt,
		    PXR_DIM_MAX, s);
	return (uint32_t)v;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "crop", required_argument, NULL, 'c' },
		{ "filter", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "like", required_argument, NULL, OPT_LIKE },
		{ "long", required_argument, NULL, 'l' },
		{ "round", required_argument, NULL, OPT_ROUND },
		{ "short", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, has_align = 0, has_filter = 0, has_round = 0;
	enum pxr_like like = PXR_LIKE_NONE;
	struct pxr_shape preset;

	o->s.co.pad = 1;
	o->s.target = PXR_TARGET_SHORT;
	o->s.n = 256;
	while ((c = getopt_long(argc, argv, "a:c:F:fhl:s:S:V", longopts, NULL)) !=
	    -1) {
		if ((c == 'l' || c == 's' || c == 'S') && o->has_target++)
			pxr_die(2, "give one of --long, --short and --size");
		switch (c) {
		case 'a':
			if (pxr_align_parse(optarg, &o->s.co.align) == -1)
				pxr_die(2, "unknown --align '%s' (center, "
				    "seed)", optarg);
			has_align = 1;
			break;
		case 'c':
			if (pxr_parse_size(optarg, &o->s.co.w, &o->s.co.h) == -1)
				pxr_die(2, "--crop wants N or WxH, not '%s'",
				    optarg);
			o->s.crop = 1;
			break;
		case 'F':
			if (pxr_filter_parse(optarg, &o->s.filter) == -1)
				pxr_die(2, "unknown filter '%s' (triangle, "
				    "lanczos3, box, gaussian)", optarg);
			has_filter = 1;
			break;
		case 'f':
			o->force = 1;
			break;
		case OPT_LIKE:
			if (pxr_like_parse(optarg, &like) == -1)
				pxr_die(2, "unknown --like '%s' (torchvision, "
				    "notebook)", optarg);
			break;
		case OPT_ROUND:
			if (pxr_round_parse(optarg, &o->s.round) == -1)
				pxr_die(2, "unknown --round '%s' (even, down, "
				    "notebook)", optarg);
			has_round = 1;
			break;
		case 'h':
			help();
		case 'l':
			o->s.target = PXR_TARGET_LONG;
			o->s.n = side("--long", optarg);
			break;
		case 's':
			o->s.target = PXR_TARGET_SHORT;
			o->s.n = side("--short", optarg);
			break;
		case 'S':
			o->s.target = PXR_TARGET_SIZE;
			if (pxr_parse_size(optarg, &o->s.tw, &o->s.th) == -1)
				pxr_die(2, "--size wants WxH, not '%s'", optarg);
			break;
		case 'V':
			pxr_print_version();
			exit(0);
		default:
			usage();
		}
	}
	if (argc - optind > 1)
		usage();
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

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_shaper *sh;
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	int r, status = 0;

	pxr_setprogname(argv[0]);
	parse_args(argc, argv, &o);
	if ((rd = pxr_reader_open(argv[optind], &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, o.force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL ||
	    (sh = pxr_shaper_new(&o.s, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		if (rec.kind == PXR_KIND_ENCODED) {
			pxr_record_fail(&rec, "not decoded (run pxr-decode "
			    "before pxr-resize)");
			pxr_warn_record(&rec, rec.reason);
			status = 1;
		} else if (rec.kind == PXR_KIND_PIXELS) {
			if (pxr_shape_apply(sh, &rec, rec.width, rec.height,
				NULL, &err) == -1) {
				pxr_record_fail(&rec, "%s", err.msg);
				pxr_warn_record(&rec, rec.reason);
				status = 1;
			}
		} else {
			status = 1;
		}
		if (pxr_write(wr, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1)
		pxr_die(2, "%s", err.msg);
	if (pxr_writer_close(wr, &err) == -1)
		pxr_die(2, "%s", err.msg);
	pxr_shaper_free(sh);
	pxr_reader_close(rd);
	return status;
}
