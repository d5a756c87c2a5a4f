/*
 * pxr-crop: cut a window out of pixel records: the centre (as torchvision),
 * the original notebook's window, or anywhere, padded where needed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crop.h"
#include "pxr.h"
#include "shape.h"

static const char usage_text[] =
    "usage: pxr-crop [-fhnV] [--like preset] [-a center|seed] [-F fill] "
    "[-p x,y]\n"
    "                [-s n|wxh] [file]\n";

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
	fputs("Crop pixel records (stdin if no file) to stdout.\n"
	      "  -a, --align A   center (torchvision's CenterCrop, the default)\n"
	      "                  or seed (the original notebook's window)\n"
	      "  -F, --fill V    the value of padding (0)\n"
	      "  -f, --force     write records even to a terminal\n"
	      "  -h, --help      print this help and exit\n"
	      "      --like P    the window of a reference: torchvision\n"
	      "                  (center) or notebook (seed); --align\n"
	      "                  overrides it\n"
	      "  -n, --no-pad    an image smaller than the window fails\n"
	      "  -p, --at X,Y    the window's top-left corner\n"
	      "  -s, --size S    the window: N (square) or WxH (224)\n"
	      "  -V, --version   print the version and exit\n"
	      "Exit status: 0 all records fine, 1 some records are failures,\n"
	      "2 usage error or an unreadable stream.\n",
	    stdout);
	exit(0);
}

static void
parse_args(int argc, char **argv, struct pxr_crop_opts *o, int *force)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "at", required_argument, NULL, 'p' },
		{ "fill", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "like", required_argument, NULL, 256 },
		{ "no-pad", no_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, has_align = 0;
	enum pxr_like like = PXR_LIKE_NONE;
	struct pxr_shape preset = { 0 };
	uint64_t v;

	o->w = o->h = 224;
	o->pad = 1;
	while ((c = getopt_long(argc, argv, "a:F:fhnp:s:V", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'a':
			if (pxr_align_parse(optarg, &o->align) == -1)
				pxr_die(2, "unknown --align '%s' (center, "
				    "seed)", optarg);
			has_align = 1;
			break;
		case 'F':
			if (pxr_parse_u64(optarg, 0, 255, &v) == -1)
				pxr_die(2, "--fill wants 0 to 255, not '%s'",
				    optarg);
			o->fill = (unsigned char)v;
			break;
		case 'f':
			*force = 1;
			break;
		case 256:
			if (pxr_like_parse(optarg, &like) == -1)
				pxr_die(2, "unknown --like '%s' (torchvision, "
				    "notebook)", optarg);
			break;
		case 'h':
			help();
		case 'n':
			o->pad = 0;
			break;
		case 'p': {
			long long x, y;
			char end;

			if (sscanf(optarg, "%lld,%lld%c", &x, &y, &end) != 2 ||
			    x < -(long long)PXR_DIM_MAX ||
			    y < -(long long)PXR_DIM_MAX || x > PXR_DIM_MAX ||
			    y > PXR_DIM_MAX)
				pxr_die(2, "--at wants X,Y, not '%s'", optarg);
			o->x = x;
			o->y = y;
			o->align = PXR_ALIGN_AT;
			break;
		}
		case 's':
			if (pxr_parse_size(optarg, &o->w, &o->h) == -1)
				pxr_die(2, "--size wants N or WxH, not '%s'",
				    optarg);
			break;
		case 'V':
			pxr_print_version();
			exit(0);
		default:
			usage();
		}
	}
	if (has_align && o->align == PXR_ALIGN_AT)
		pxr_die(2, "--at and --align cannot be combined");
	if (argc - optind > 1)
		usage();
	pxr_like_defaults(like, &preset);
	if (like != PXR_LIKE_NONE && !has_align && o->align != PXR_ALIGN_AT)
		o->align = preset.co.align;
}

int
main(int argc, char **argv)
{
	struct pxr_crop_opts o = { 0 };
	struct pxr_cropper *cr;
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	int r, status = 0, force = 0;

	pxr_setprogname(argv[0]);
	parse_args(argc, argv, &o, &force);
	if ((rd = pxr_reader_open(argv[optind], &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL ||
	    (cr = pxr_cropper_new(&o, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		if (rec.kind == PXR_KIND_ENCODED) {
			pxr_record_fail(&rec, "not decoded (run pxr-decode "
			    "before pxr-crop)");
			pxr_warn_record(&rec, rec.reason);
			status = 1;
		} else if (rec.kind == PXR_KIND_PIXELS) {
			if (pxr_crop(cr, &rec, &err) == -1) {
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
	pxr_cropper_free(cr);
	pxr_reader_close(rd);
	return status;
}
