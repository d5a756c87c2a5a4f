/*
 * pxr-decode: JPEG and PNG records to pixel records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pxr.h"
#include "shape.h"

/* Long options without a letter. */
enum { OPT_LIKE = 256, OPT_ROUND, OPT_SIZE };

struct options {
	struct pxr_decode_opts d;
	int fused;		/* --short: resize (and crop) here too */
	struct pxr_shape s;
	const char *input;
};

static const char usage_text[] =
    "usage: pxr-decode [-ghrV] [-l | -s] [-m pixels] [-e | -S size]\n"
    "                  [--like preset] [-R n [-c n|wxh] | --size wxh]\n"
    "                  [-a center|seed] [-F filter] [--round rule] [file]\n";

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
	fputs("Decode JPEG and PNG records (stdin if no file) to RGB pixel "
	      "records on stdout.\n"
	      "  -a, --align A         with --crop: center (default) or seed\n"
	      "  -c, --crop S          with --short: then crop to S (N or "
	      "WxH) as pxr-crop\n"
	      "  -e, --exact           decode at full size (the default)\n"
	      "  -F, --filter F        with --short: the resize filter, as "
	      "pxr-resize's\n"
	      "  -g, --gray            keep grayscale images as one channel\n"
	      "  -h, --help            print this help and exit\n"
	      "      --like P          with --short: the geometry of a "
	      "reference, which\n"
	      "                        the options override: torchvision or "
	      "notebook\n"
	      "  -l, --lenient         accept truncated JPEGs, with a warning\n"
	      "  -m, --max-pixels N    refuse images declaring more pixels "
	      "(178956970)\n"
	      "  -R, --short N         also resize the shortest side to N as "
	      "pxr-resize\n"
	      "                        --short does, decoding only the part "
	      "of a JPEG\n"
	      "                        the --crop window needs (same bytes "
	      "as the pipe)\n"
	      "  -r, --exif-rotate     apply the EXIF orientation of JPEGs "
	      "(default: ignore it)\n"
	      "      --round R         with --short: even, down or notebook, "
	      "as pxr-resize's\n"
	      "      --size WxH        also resize to exactly W x H (no crop), "
	      "as pxr-resize\n"
	      "  -S, --min-side S      decode JPEGs at the smallest scale 1/8, "
	      "2/8, 4/8 or 8/8\n"
	      "                        whose shorter side is still >= S\n"
	      "  -s, --strict          every libjpeg warning is a failure\n"
	      "  -V, --version         print the version and exit\n"
	      "Exit status: 0 all images decoded, 1 some records are failures "
	      "(each reported),\n2 usage error or an unreadable stream.\n",
	    stdout);
	exit(0);
}

static void
parse_args(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "crop", required_argument, NULL, 'c' },
		{ "exact", no_argument, NULL, 'e' },
		{ "filter", required_argument, NULL, 'F' },
		{ "exif-rotate", no_argument, NULL, 'r' },
		{ "gray", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "like", required_argument, NULL, OPT_LIKE },
		{ "lenient", no_argument, NULL, 'l' },
		{ "round", required_argument, NULL, OPT_ROUND },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "max-pixels", required_argument, NULL, 'm' },
		{ "min-side", required_argument, NULL, 'S' },
		{ "short", required_argument, NULL, 'R' },
		{ "strict", no_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct pxr_decode_opts *o = &opts->d;
	struct pxr_shape *sh = &opts->s;
	uint64_t v;
	int c, exact = 0, lenient = 0, strict = 0, shaping = 0;
	int has_align = 0, has_filter = 0, has_round = 0;
	enum pxr_like like = PXR_LIKE_NONE;
	struct pxr_shape preset;

	o->max_pixels = PXR_DECODE_MAX_PIXELS;
	sh->target = PXR_TARGET_SHORT;
	sh->co.pad = 1;
	while ((c = getopt_long(argc, argv, "a:c:eF:ghlm:R:rS:sV", longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'a':
			if (pxr_align_parse(optarg, &sh->co.align) == -1)
				pxr_die(2, "unknown --align '%s' (center, "
				    "seed)", optarg);
			shaping = has_align = 1;
			break;
		case 'c':
			if (pxr_parse_size(optarg, &sh->co.w, &sh->co.h) == -1)
				pxr_die(2, "--crop wants N or WxH, not '%s'",
				    optarg);
			sh->crop = shaping = 1;
			break;
		case 'F':
			if (pxr_filter_parse(optarg, &sh->filter) == -1)
				pxr_die(2, "unknown filter '%s' (triangle, "
				    "lanczos3, box, gaussian)", optarg);
			shaping = has_filter = 1;
			break;
		case OPT_LIKE:
			if (pxr_like_parse(optarg, &like) == -1)
				pxr_die(2, "unknown --like '%s' (torchvision, "
				    "notebook)", optarg);
			shaping = 1;
			break;
		case OPT_ROUND:
			if (pxr_round_parse(optarg, &sh->round) == -1)
				pxr_die(2, "unknown --round '%s' (even, down, "
				    "notebook)", optarg);
			shaping = has_round = 1;
			break;
		case OPT_SIZE:
			if (pxr_parse_size(optarg, &sh->tw, &sh->th) == -1)
				pxr_die(2, "--size wants N or WxH, not '%s'",
				    optarg);
			if (opts->fused)
				pxr_die(2, "give one of --short and --size");
			sh->target = PXR_TARGET_SIZE;
			opts->fused = 1;
			break;
		case 'R':
			if (pxr_parse_u64(optarg, 1, PXR_DIM_MAX, &v) == -1)
				pxr_die(2, "--short wants a side of 1 to %u "
				    "pixels, not '%s'", PXR_DIM_MAX, optarg);
			sh->n = (uint32_t)v;
			if (opts->fused)
				pxr_die(2, "give one of --short and --size");
			opts->fused = 1;
			break;
		case 'e':
			exact = 1;
			break;
		case 'g':
			o->gray = 1;
			break;
		case 'h':
			help();
		case 'l':
			lenient = 1;
			break;
		case 'm':
			if (pxr_parse_u64(optarg, 1, UINT64_C(1) << 40, &v) ==
			    -1)
				pxr_die(2,
				    "--max-pixels: not a number in "
				    "1..2^40: %s",
				    optarg);
			o->max_pixels = v;
			break;
		case 'r':
			o->exif_rotate = 1;
			break;
		case 'S':
			if (pxr_parse_u64(optarg, 1, PXR_DIM_MAX, &v) == -1)
				pxr_die(2,
				    "--min-side: not a number in "
				    "1..%u: %s",
				    PXR_DIM_MAX, optarg);
			o->min_side = (uint32_t)v;
			break;
		case 's':
			strict = 1;
			break;
		case 'V':
			pxr_print_version();
			exit(0);
		default:
			usage();
		}
	}
	if (lenient && strict)
		pxr_die(2, "--lenient and --strict cannot be combined");
	if (exact && o->min_side != 0)
		pxr_die(2, "--exact and --min-side cannot be combined");
	o->policy = strict ? PXR_DECODE_STRICT
	    : lenient      ? PXR_DECODE_LENIENT
			   : PXR_DECODE_DEFAULT;
	if (shaping && !opts->fused)
		pxr_die(2, "--crop, --align, --filter, --like and --round need "
			   "--short (or --size)");
	if (sh->target == PXR_TARGET_SIZE && sh->crop)
		pxr_die(2, "--size resizes the whole image: no --crop");
	preset = *sh;
	pxr_like_defaults(like, &preset);
	if (!has_filter)
		sh->filter = preset.filter;
	if (!has_round)
		sh->round = preset.round;
	if (!has_align)
		sh->co.align = preset.co.align;
	if (argc - optind > 1)
		usage();
	opts->input = optind < argc ? argv[optind] : NULL;
}

/* pxr_decode_part's question: which part of a w x h image is used. */
static void
shaper_need(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *need)
{
	pxr_shape_need(ctx, w, h, need);
}

/*
 * Decodes rec and, in the fused mode, resizes and crops it: only the part
 * of the image the kept window reads is decoded.  0, 1 (decoded with a
 * warning, in err) or -1 (failed, reason in err), as pxr_decode.
 */
static int
decode_record(const struct options *o, struct pxr_decoder *dec,
    struct pxr_shaper *sh, struct pxr_record *rec, struct pxr_err *err)
{
	struct pxr_decode_part part = { .need = shaper_need, .ctx = sh };
	struct pxr_err serr;
	int r;

	if (!o->fused)
		return pxr_decode(dec, rec, err);
	if ((r = pxr_decode_part(dec, rec, &part, err)) == -1)
		return -1;
	if (pxr_shape_apply(sh, rec, part.fw, part.fh, &part.have, &serr) ==
	    -1) {
		*err = serr;
		return -1;
	}
	return r;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	unsigned long long n = 0, warned = 0, failed = 0;
	struct pxr_shaper *sh = NULL;
	struct pxr_decoder *dec;
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	char what[PXR_ERR_MSG_MAX + 16];
	int r, status = 0;

	pxr_setprogname(argv[0]);
	parse_args(argc, argv, &o);
	if ((dec = pxr_decoder_new(&o.d, &err)) == NULL ||
	    (o.fused && (sh = pxr_shaper_new(&o.s, &err)) == NULL) ||
	    (rd = pxr_reader_open(o.input, &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, 0, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		n++;
		if (rec.kind == PXR_KIND_ENCODED) {
			r = decode_record(&o, dec, sh, &rec, &err);
			if (r == 1) {
				snprintf(
				    what, sizeof(what), "warning: %s", err.msg);
				pxr_warn_record(&rec, what);
				warned++;
			} else if (r == -1) {
				pxr_warn_record(&rec, err.msg);
				pxr_record_fail(&rec, "%s", err.msg);
			}
		}
		if (rec.kind == PXR_KIND_FAILURE) {
			failed++;
			status = 1;
		}
		if (pxr_write(wr, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1)
		pxr_die(2, "%s", err.msg);
	if (pxr_writer_close(wr, &err) == -1)
		pxr_die(2, "%s", err.msg);
	pxr_reader_close(rd);
	pxr_decoder_free(dec);
	pxr_shaper_free(sh);
	if (warned > 0 || failed > 0)
		pxr_warnx("%llu records: %llu decoded with warnings, %llu "
			  "failures",
		    n, warned, failed);
	return status;
}
