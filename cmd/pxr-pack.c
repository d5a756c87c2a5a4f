/*
 * pxr-pack: write pixel records into memory-mappable tensors at their
 * index; --create makes the set, --finish checks it and writes its
 * manifest.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack.h"
#include "fe.h"

struct options {
	int create, finish, quiet, overwrite;
	const char *recipe;
	uint64_t n;
	struct pxr_pack_meta m;
	const char *synsets, *input;
	int base;
};

/* Long options without a letter. */
enum {
	OPT_CREATE = 256, OPT_FINISH, OPT_INPUT, OPT_LABEL_TYPE,
	OPT_OVERWRITE, OPT_RECIPE, OPT_SIZE, OPT_SYNSETS
};

static const struct fe_prog prog = {
	"usage: pxr-pack [-hqV] [-b 0|1] [--input file] x_file y_file\n"
	"       pxr-pack --create n [-N] [-b 0|1] [-L layout] [--size wxh]\n"
	"                [--label-type type] [--recipe file] [--overwrite] "
	"x_file y_file\n"
	"       pxr-pack --finish [-q] [-b 0|1] [--synsets file] x_file "
	"y_file\n",
	"Write pixel records (stdin) into X_FILE and Y_FILE at their index.\n"
	"  -b, --base B          with --create, the set's label base, 0 or 1\n"
	"                        (1); with --finish, the manifest's (the set's)\n"
	"      --create N        make the set for N images and exit\n"
	"      --finish          check that every image is done, fsync,\n"
	"                        write X_FILE.manifest.json\n"
	"  -h, --help            print this help and exit\n"
	"      --input FILE      read records from FILE, not stdin\n"
	"      --label-type T    with --create: u16 (default), i32 or i64\n"
	"  -L, --layout L        with --create: julia (default: (H,W,C,N)\n"
	"                        column-major), nhwc or nchw\n"
	"  -N, --npy             with --create, X_FILE and Y_FILE as .npy\n"
	"                        files (numpy.load(f, mmap_mode='r') maps them)\n"
	"      --overwrite       with --create, make the set anew over\n"
	"                        whatever is there (another shape or recipe)\n"
	"      --recipe FILE     with --create, the set's recipe ('key value'\n"
	"                        lines): kept in X_FILE.meta and the\n"
	"                        manifest; a set made with another is\n"
	"                        refused\n"
	"  -q, --quiet           no summary on stderr\n"
	"      --size WxH        with --create: image size (224x224); 3\n"
	"                        channels\n"
	"      --synsets FILE    with --finish: list these classes in the\n"
	"                        manifest\n"
	"  -V, --version         print the version and exit\n"
	"Exit status: 0 all records written (with --finish: every image ok),\n"
	"1 some images failed, 2 usage error, an I/O error (disk full...)\n"
	"or, with --finish, missing images.\n",
};

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "create", required_argument, NULL, OPT_CREATE },
		{ "finish", no_argument, NULL, OPT_FINISH },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "label-type", required_argument, NULL, OPT_LABEL_TYPE },
		{ "layout", required_argument, NULL, 'L' },
		{ "npy", no_argument, NULL, 'N' },
		{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
		{ "recipe", required_argument, NULL, OPT_RECIPE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "synsets", required_argument, NULL, OPT_SYNSETS },
		FE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, shape_opts = 0;

	o->base = -1; /* --finish: the set's own */
	o->m.base = 1;
	o->m.width = o->m.height = 224;
	o->m.channels = 3;
	while ((c = getopt_long(argc, argv, "b:L:NqhV", longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'b':
			o->base = o->m.base = fe_opt_base(optarg);
			break;
		case OPT_CREATE:
			if (pxr_parse_u64(optarg, 0, PXR_INDEX_MAX, &o->n) == -1)
				pxr_die(2, "--create wants a count of images, "
				    "not '%s'", optarg);
			o->create = 1;
			break;
		case OPT_FINISH:
			o->finish = 1;
			break;
		case OPT_INPUT:
			o->input = optarg;
			break;
		case 'L':
			if (pxr_layout_parse(optarg, &o->m.layout) == -1)
				pxr_die(2, "unknown layout '%s' (julia, nhwc, "
				    "nchw)", optarg);
			shape_opts = 1;
			break;
		case 'N':
			o->m.header = PXR_NPY_HEADER;
			shape_opts = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_OVERWRITE:
			o->overwrite = 1;
			shape_opts = 1;
			break;
		case OPT_RECIPE:
			o->recipe = optarg;
			shape_opts = 1;
			break;
		case OPT_SYNSETS:
			o->synsets = optarg;
			break;
		case OPT_SIZE:
			if (pxr_parse_size(optarg, &o->m.width, &o->m.height))
				pxr_die(2, "--size wants N or WxH, not '%s'",
				    optarg);
			shape_opts = 1;
			break;
		case OPT_LABEL_TYPE:
			if (pxr_ltype_parse(optarg, &o->m.ltype) == -1)
				pxr_die(2, "unknown label type '%s' (u16, i32, "
				    "i64)", optarg);
			shape_opts = 1;
			break;
		default:
			fe_common(&prog, c, NULL);
		}
	}
	if (o->create && o->finish)
		pxr_die(2, "--create and --finish cannot be combined");
	if (shape_opts && !o->create)
		pxr_die(2, "--layout, --npy, --size, --label-type, --recipe "
			   "and --overwrite go with --create (the set's "
			   "metadata holds them)");
	if (argc - optind != 2)
		fe_usage(&prog, NULL);
	o->m.n = o->n;
}

static void
warn_missing(const char *msg)
{
	pxr_warnx("%s", msg);
}

static int
create(struct options *o, const char *x, const char *y)
{
	struct pxr_err err;

	if (o->recipe != NULL) {
		size_t len;
		char *text = pxr_read_all(o->recipe, PXR_RECIPE_MAX, &len, &err);

		if (text == NULL ||
		    pxr_recipe_parse(o->recipe, text, len, o->m.recipe, &err) ==
			-1)
			pxr_die(2, "%s", err.msg);
		free(text);
	}
	switch (pxr_pack_create(x, y, &o->m,
	    o->overwrite ? PXR_PACK_OVERWRITE : 0, &err)) {
	case -1:
		pxr_die(2, "%s", err.msg);
	case 1:
		pxr_warnx("%s", err.msg); /* made, without its blocks */
		break;
	}
	return 0;
}

static int
finish(const struct options *o, const char *x, const char *y)
{
	struct pxr_pack_report rep;
	struct pxr_err err;

	if (o->synsets != NULL && access(o->synsets, R_OK) == -1)
		pxr_die(2, "%s: %s", o->synsets, strerror(errno));
	if (pxr_pack_finish(x, y, o->synsets, o->base, &rep, warn_missing,
		&err) == -1)
		pxr_die(2, "%s", err.msg);
	if (!o->quiet)
		pxr_warnx("%s: %llu images ok, %llu failed, %llu missing; "
			  "manifest %s.manifest.json", x,
		    (unsigned long long)rep.ok, (unsigned long long)rep.failed,
		    (unsigned long long)rep.missing, x);
	if (rep.missing > 0)
		return 2;
	return rep.failed > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	static struct options o; /* holds a recipe of up to 16 KiB */
	struct pxr_packer *pk;
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	unsigned long long written = 0, failed = 0, skipped = 0;
	const char *x, *y;
	int r;

	fe_start(argv[0]);
	parse_args(argc, argv, &o);
	x = argv[optind];
	y = argv[optind + 1];
	if (o.create)
		return create(&o, x, y);
	if (o.finish)
		return finish(&o, x, y);
	if ((pk = pxr_packer_open(x, y, &err)) == NULL ||
	    (rd = pxr_reader_open(o.input, &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		int was_failure = rec.kind == PXR_KIND_FAILURE;

		switch (pxr_packer_put(pk, &rec, &err)) {
		case -1:
			/* Disk full or an I/O error: nothing more is marked
			 * done, so a run after the fix redoes the rest. */
			pxr_die(2, "%s", err.msg);
		case 1:
			skipped++;
			continue;
		}
		if (rec.kind == PXR_KIND_FAILURE) {
			if (!was_failure)
				pxr_warn_record(&rec, rec.reason);
			failed++;
		} else {
			written++;
		}
	}
	if (r == -1)
		pxr_die(2, "%s (the records before it are written)", err.msg);
	pxr_reader_close(rd);
	if (pxr_packer_close(pk, &err) == -1)
		pxr_die(2, "%s", err.msg);
	if (!o.quiet && (failed > 0 || skipped > 0))
		pxr_warnx("%s: %llu images written, %llu failed (written as "
			  "zeros), %llu already done", x, written, failed,
		    skipped);
	return failed > 0 ? 1 : 0;
}
