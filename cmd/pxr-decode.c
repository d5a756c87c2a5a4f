/*
 * pxr-decode: JPEG and PNG records to pixel records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pxr.h"

static const char usage_text[] =
    "usage: pxr-decode [-ghrV] [-l | -s] [-m pixels] [-e | -S size] [file]\n";

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
	      "  -e, --exact           decode at full size (the default)\n"
	      "  -g, --gray            keep grayscale images as one channel\n"
	      "  -h, --help            print this help and exit\n"
	      "  -l, --lenient         accept truncated JPEGs, with a warning\n"
	      "  -m, --max-pixels N    refuse images declaring more pixels "
	      "(178956970)\n"
	      "  -r, --exif-rotate     apply the EXIF orientation of JPEGs "
	      "(default: ignore it)\n"
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
parse_args(int argc, char **argv, struct pxr_decode_opts *o, const char **input)
{
	static const struct option longopts[] = {
		{ "exact", no_argument, NULL, 'e' },
		{ "exif-rotate", no_argument, NULL, 'r' },
		{ "gray", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "max-pixels", required_argument, NULL, 'm' },
		{ "min-side", required_argument, NULL, 'S' },
		{ "strict", no_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, exact = 0, lenient = 0, strict = 0;

	o->max_pixels = PXR_DECODE_MAX_PIXELS;
	while ((c = getopt_long(argc, argv, "eghlm:rS:sV", longopts, NULL)) !=
	    -1) {
		switch (c) {
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
	if (argc - optind > 1)
		usage();
	*input = optind < argc ? argv[optind] : NULL;
}

int
main(int argc, char **argv)
{
	struct pxr_decode_opts o = { 0 };
	unsigned long long n = 0, warned = 0, failed = 0;
	struct pxr_decoder *dec;
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	const char *input;
	char what[PXR_ERR_MSG_MAX + 16];
	int r, status = 0;

	pxr_setprogname(argv[0]);
	parse_args(argc, argv, &o, &input);
	if ((dec = pxr_decoder_new(&o, &err)) == NULL ||
	    (rd = pxr_reader_open(input, &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, 0, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		n++;
		if (rec.kind == PXR_KIND_ENCODED) {
			r = pxr_decode(dec, &rec, &err);
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
	if (warned > 0 || failed > 0)
		pxr_warnx("%llu records: %llu decoded with warnings, %llu "
			  "failures",
		    n, warned, failed);
	return status;
}
