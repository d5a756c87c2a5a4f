/*
 * pxr-unpack: pixel records out as PNG or PPM files or one contact sheet;
 * or a packed tensor read back as records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "fe.h"
#include "unpack.h"

struct options {
	const char *output, *tensor, *labels, *pick, *classes;
	int base, force;
	enum pxr_imgfmt fmt;
	uint32_t cols, rows;
	uint64_t random, seed;
};

static const struct fe_prog prog = {
	"usage: pxr-unpack [-hV] [--format png|ppm] [-o pattern]\n"
	"                  [--sheet colsxrows [--classes file [-b 0|1]]] "
	"[file]\n"
	"       pxr-unpack --tensor x_file [-f] [--labels y_file]\n"
	"                  [--pick list | --random k [--seed n]]\n",
	"Write pixel records (stdin if no file) as image files, or read a\n"
	"packed tensor back as records.\n",
	"Exit status: 0 all records written, 1 failures, records not pixels\n"
	"or an empty sheet, 2 usage error, a bad input or a write error.\n",
};

static void
parse_format(void *to, const char *s)
{
	if (strcmp(s, "png") != 0 && strcmp(s, "ppm") != 0)
		fe_die(2, "unknown --format '%s' (png, ppm)", s);
	*(enum pxr_imgfmt *)to = s[1] == 'n' ? PXR_IMG_PNG : PXR_IMG_PPM;
}

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct fe_opt opts[] = {
		{ FE_BASE_OPT(&o->base, "the first class's label (1)"),
		    .with = "classes" },
		{ FE_ROW("classes", 0, FE_TEXT, &o->classes, "FILE",
		      "the class list, to caption each\n"
		      "image with its class's words (or name)"),
		    .with = "sheet" },
		{ FE_FORCE(&o->force), .with = "tensor" },
		{ FE_ROW("format", 0, FE_CALL, &o->fmt, "F",
		      "png (default) or ppm"),
		    .call = parse_format, .not_with = "tensor" },
		{ FE_ROW("labels", 0, FE_TEXT, &o->labels, "FILE",
		      "the labels (default: X_ -> Y_)"),
		    .with = "tensor" },
		{ FE_ROW("output", 'o', FE_TEXT, &o->output, "PAT",
		      "file names: %i index, %n name's\n"
		      "basename, %l label, %% a percent sign (%i.png);\n"
		      "with --sheet the sheet's file (sheet.png)"),
		    .not_with = "tensor" },
		{ FE_ROW("pick", 0, FE_TEXT, &o->pick, "LIST",
		      "these indices, as 1,5,7"),
		    .with = "tensor" },
		{ FE_ROW("random", 0, FE_NUMBER, &o->random, "K",
		      "K distinct images drawn at random\n"
		      "(all of them when the tensor has fewer)"),
		    .min = 1, .max = 1u << 24, .with = "tensor" },
		{ FE_ROW("seed", 0, FE_NUMBER, &o->seed, "N", "its seed (1)"),
		    .max = UINT64_MAX, .with = "random" },
		{ FE_ROW("sheet", 0, FE_SIZE, &o->cols, "CxR",
		      "one contact sheet of the first\n"
		      "C*R images (N: NxN)"),
		    .to2 = &o->rows, .not_with = "tensor" },
		{ FE_ROW("tensor", 0, FE_TEXT, &o->tensor, "FILE",
		    "read a pxr-pack tensor as records") },
		FE_END,
	};
	int first;

	o->seed = 1;
	o->base = 1;
	first = fe_parse(&prog, opts, argc, argv);
	if (o->cols > 64 || o->rows > 64)
		fe_die(2, "--sheet %ux%u: at most 64x64", o->cols, o->rows);
	if (o->pick && o->random)
		fe_die(2, "--pick and --random cannot be combined");
	if (argc - first > (o->tensor ? 0 : 1))
		fe_usage(&prog, NULL);
	if (!fe_given(opts, "format") && o->output && strlen(o->output) > 4 &&
	    strcmp(o->output + strlen(o->output) - 4, ".ppm") == 0)
		o->fmt = PXR_IMG_PPM;
	return first;
}

static int
from_tensor(const struct options *o)
{
	char y[4096];
	const char *labels = o->labels;
	struct pxr_tensor *t;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_pick pick;
	struct pxr_err err;
	uint64_t i;
	int r;

	if (labels == NULL &&
	    pxr_tensor_labels_for(o->tensor, y, sizeof(y)) == 0)
		labels = y;
	if ((t = pxr_tensor_open(o->tensor, labels, &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, o->force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL)
		fe_die(2, "%s", err.msg);
	pxr_pick_init(&pick, o->pick, o->random, o->seed);
	while ((r = pxr_pick_next(&pick, pxr_tensor_count(t), &i, &err)) == 1) {
		if (pxr_tensor_read(t, i, &rec, &err) == -1)
			fe_die(2, "%s: %s", o->tensor, err.msg);
		if (pxr_write(wr, &rec, &err) == -1)
			fe_fatal(&err);
	}
	if (r == -1 || pxr_writer_close(wr, &err) == -1)
		fe_fatal(&err);
	pxr_tensor_close(t);
	return 0;
}

/* Where the records go: image files, or one sheet. */
struct unpacking {
	const struct options *o;
	struct pxr_sheet *sheet; /* NULL: files */
	char **names;            /* the sheet's class captions */
	size_t nnames;
	uint64_t encoded; /* records not decoded: said once, counted */
	int status;
};

static void
take(void *ctx, struct pxr_record *rec)
{
	struct unpacking *u = ctx;
	const struct options *o = u->o;
	struct pxr_err err;
	char path[4096], line[2][256];

	if (rec->kind == PXR_KIND_ENCODED && u->encoded++ == 0)
		fe_warnx("the records are encoded images, not pixels: decode "
			 "them first (pxr-list ... | pxr-decode | pxr-unpack)");
	if (rec->kind == PXR_KIND_FAILURE)
		fe_warn_record(rec, "failure record: no image to write");
	if (rec->kind != PXR_KIND_PIXELS) {
		u->status = 1;
		return;
	}
	if (u->sheet != NULL) {
		pxr_sheet_caption(rec, o->base, u->names, u->nnames, line);
		if (pxr_sheet_add(u->sheet, rec, line[0], line[1], &err) == -1)
			fe_die(2, "%s", err.msg);
		return;
	}
	if (pxr_unpack_name(path, sizeof(path),
		o->output ? o->output : "%i.png", rec) == -1)
		fe_die(2, "output name too long");
	if (pxr_image_write(path, o->fmt, rec->payload, rec->width, rec->height,
		rec->channels, &err) == -1)
		fe_die(2, "%s", err.msg);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct unpacking u = { &o, NULL, NULL, 0, 0, 0 };
	struct pxr_err err;
	size_t len;
	char *text = NULL;
	int first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	if (o.tensor)
		return from_tensor(&o);
	if (o.classes &&
	    ((text = fe_read_all(o.classes, PXR_CLASSES_FILE_MAX, &len,
		  &err)) == NULL ||
		(u.names = pxr_class_captions(o.classes, text, len, &u.nnames,
		     &err)) == NULL))
		fe_die(2, "%s", err.msg);
	if (o.cols && (u.sheet = pxr_sheet_new(o.cols, o.rows, &err)) == NULL)
		fe_die(2, "%s", err.msg);
	if (fe_sink(argv[first], take, &u, &err) == -1)
		fe_die(2, "%s", err.msg);
	if (u.encoded > 0)
		fe_warnx("%llu records not decoded: no image written for them",
		    (unsigned long long)u.encoded);
	if (u.sheet != NULL) {
		if (pxr_sheet_write(u.sheet, o.output ? o.output : "sheet.png",
			o.fmt, &err) == -1)
			fe_die(err.code == PXR_E_USAGE ? 1 : 2, "%s", err.msg);
		pxr_sheet_free(u.sheet);
	}
	pxr_class_captions_free(u.names, u.nnames);
	free(text);
	return u.status;
}
