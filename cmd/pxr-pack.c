/*
 * pxr-pack: write pixel records into memory-mappable tensors at their
 * index; --create makes the set, --finish checks it and writes its
 * manifest.
 */
#include <stdlib.h>

#include "fe.h"
#include "pack.h"

struct options {
	int create, finish, quiet, overwrite, npy;
	const char *recipe;
	struct pxr_pack_meta m;
	const char *synsets, *input;
	int base;
};

static const struct fe_prog prog = {
	"usage: pxr-pack [-hqV] [--input file] x_file y_file\n"
	"       pxr-pack --create n [-N] [-b 0|1] [-L layout] [--size wxh]\n"
	"                [--label-type type] [--recipe file] [--overwrite] "
	"x_file y_file\n"
	"       pxr-pack --finish [-q] [-b 0|1] [--synsets file] x_file "
	"y_file\n",
	"Write pixel records (stdin) into X_FILE and Y_FILE at their index.\n",
	"Exit status: 0 all records written (with --finish: every image ok),\n"
	"1 some images failed, 2 usage error, a damaged stream, an I/O\n"
	"error (disk full...) or, with --finish, missing images.\n",
};

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct fe_opt opts[] = {
		{ FE_BASE_OPT(&o->base,
		      "the label base, 0 or 1:\n"
		      "the new set's (1), or its manifest's (the set's)"),
		    .with = "create finish" },
		{ FE_ROW("create", 0, FE_NUMBER, &o->m.n, "N",
		      "make the set for N images and exit"),
		    .max = PXR_INDEX_MAX },
		{ FE_ROW("finish", 0, FE_FLAG, &o->finish, NULL,
		    "check that every image is done, fsync,\n"
		    "write X_FILE.manifest.json") },
		{ FE_ROW("input", 0, FE_TEXT, &o->input, "FILE",
		      "read records from FILE, not stdin"),
		    .not_with = "create finish" },
		{ FE_ROW("label-type", 0, FE_LTYPE, &o->m.ltype, "T",
		      "u16 (default), i32 or i64"),
		    .with = "create" },
		{ FE_ROW("layout", 'L', FE_LAYOUT, &o->m.layout, "L",
		      "julia (default: (H,W,C,N)\n"
		      "column-major), nhwc or nchw"),
		    .with = "create" },
		{ FE_ROW("npy", 'N', FE_FLAG, &o->npy, NULL,
		      "X_FILE and Y_FILE as .npy files\n"
		      "(numpy.load(f, mmap_mode='r') maps them)"),
		    .with = "create" },
		{ FE_ROW("overwrite", 0, FE_FLAG, &o->overwrite, NULL,
		      "make the set anew over whatever\n"
		      "is there (another shape or recipe)"),
		    .with = "create" },
		{ FE_ROW("quiet", 'q', FE_FLAG, &o->quiet, NULL,
		      "no summary on stderr"),
		    .not_with = "create" },
		{ FE_ROW("recipe", 0, FE_TEXT, &o->recipe, "FILE",
		      "the set's recipe ('key value'\n"
		      "lines): kept in X_FILE.meta and the manifest;\n"
		      "a set made with another is refused"),
		    .with = "create" },
		{ FE_ROW("size", 0, FE_SIZE, &o->m.width, "WxH",
		      "image size (224x224; N: NxN); 3 channels"),
		    .to2 = &o->m.height, .with = "create" },
		{ FE_ROW("synsets", 0, FE_TEXT, &o->synsets, "FILE",
		      "list these classes in the manifest"),
		    .with = "finish" },
		FE_END,
	};
	int first;

	o->base = -1; /* --finish: the set's own */
	o->m.width = o->m.height = 224;
	o->m.channels = 3;
	first = fe_parse(&prog, opts, argc, argv);
	o->create = fe_given(opts, "create") > 0;
	o->m.base = o->base == -1 ? 1 : o->base;
	o->m.header = o->npy ? PXR_NPY_HEADER : 0;
	if (o->create && o->finish)
		fe_die(2, "--create and --finish cannot be combined");
	if (argc - first != 2)
		fe_usage(&prog, NULL);
	return first;
}

static int
create(struct options *o, const char *x, const char *y)
{
	struct pxr_err err;

	if (o->recipe != NULL) {
		size_t len;
		char *text = fe_read_all(o->recipe, PXR_RECIPE_MAX, &len, &err);

		if (text == NULL ||
		    pxr_recipe_parse(o->recipe, text, len, o->m.recipe, &err) ==
			-1)
			fe_die(2, "%s", err.msg);
		free(text);
	}
	switch (pxr_pack_create(x, y, &o->m,
	    o->overwrite ? PXR_PACK_OVERWRITE : 0, &err)) {
	case -1:
		fe_die(2, "%s", err.msg);
	case 1:
		fe_warnx("%s", err.msg); /* made, without its blocks */
		break;
	}
	return 0;
}

static int
finish(const struct options *o, const char *x, const char *y)
{
	struct pxr_pack_report rep;
	struct pxr_err err;

	if (pxr_pack_finish(x, y, o->synsets, o->base, &rep, fe_warn_line, NULL,
		&err) == -1)
		fe_die(2, "%s", err.msg);
	if (!o->quiet && rep.ragged)
		fe_warnx("%s: %llu images ok, %llu failed, %llu missing; X is "
			 "%llu bytes, each image H W C uint8 at its place in "
			 "%s.index (heights up to %llu, widths up to %llu), Y "
			 "%s labels "
			 "from %d; manifest %s.manifest.json",
		    x, (unsigned long long)rep.ok,
		    (unsigned long long)rep.failed,
		    (unsigned long long)rep.missing,
		    (unsigned long long)rep.xbytes, x,
		    (unsigned long long)rep.c_shape[1],
		    (unsigned long long)rep.c_shape[2],
		    pxr_ltype_name(rep.ltype), rep.label_base, x);
	else if (!o->quiet)
		fe_warnx(
		    "%s: %llu images ok, %llu failed, %llu missing; X is "
		    "%c %c %c %c = %llu %llu %llu %llu uint8 in C order, Y "
		    "%s labels from %d; manifest %s.manifest.json",
		    x, (unsigned long long)rep.ok,
		    (unsigned long long)rep.failed,
		    (unsigned long long)rep.missing, rep.axes[0], rep.axes[1],
		    rep.axes[2], rep.axes[3],
		    (unsigned long long)rep.c_shape[0],
		    (unsigned long long)rep.c_shape[1],
		    (unsigned long long)rep.c_shape[2],
		    (unsigned long long)rep.c_shape[3],
		    pxr_ltype_name(rep.ltype), rep.label_base, x);
	if (rep.missing > 0)
		return 2;
	return rep.failed > 0 ? 1 : 0;
}

/* What the packing of a stream did. */
struct packing {
	struct pxr_packer *pk;
	unsigned long long written, failed, skipped;
};

static void
put(void *ctx, struct pxr_record *rec)
{
	struct packing *p = ctx;
	int was_failure = rec->kind == PXR_KIND_FAILURE;
	struct pxr_err err;

	switch (pxr_packer_put(p->pk, rec, &err)) {
	case -1:
		/* Disk full or an I/O error: nothing more is marked done,
		 * so a run after the fix redoes the rest. */
		fe_die(2, "%s", err.msg);
	case 1:
		p->skipped++;
		return;
	}
	if (rec->kind == PXR_KIND_FAILURE && !was_failure)
		fe_warn_record(rec, rec->reason);
	p->failed += rec->kind == PXR_KIND_FAILURE;
	p->written += rec->kind != PXR_KIND_FAILURE;
}

int
main(int argc, char **argv)
{
	static struct options o; /* holds a recipe of up to 16 KiB */
	struct packing p = { NULL, 0, 0, 0 };
	struct pxr_err err;
	const char *x, *y;
	int first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	x = argv[first];
	y = argv[first + 1];
	if (o.create)
		return create(&o, x, y);
	if (o.finish)
		return finish(&o, x, y);
	if ((p.pk = pxr_packer_open(x, y, &err)) == NULL)
		fe_die(2, "%s", err.msg);
	if (fe_sink(o.input, put, &p, &err) == -1)
		fe_die(2, "%s (the records before it are written)", err.msg);
	if (pxr_packer_close(p.pk, &err) == -1)
		fe_die(2, "%s", err.msg);
	if (!o.quiet && (p.failed > 0 || p.skipped > 0))
		fe_warnx("%s: %llu images written, %llu failed (written as "
			 "zeros), %llu already done",
		    x, p.written, p.failed, p.skipped);
	return p.failed > 0 ? 1 : 0;
}
