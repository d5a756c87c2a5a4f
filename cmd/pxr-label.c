/*
 * pxr-label: set each record's label to its class index, from the WNID in
 * its name, the validation label file, or its class folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "fe.h"
#include "label.h"

static const struct fe_prog prog = {
	"usage: pxr-label [-fhvV] [-b 0|1]\n"
	"                 [--classes file | [--val-labels file] [--synsets "
	"file]] [file]\n"
	"       pxr-label --print-synsets [-v]\n"
	"                 [--classes file | [--val-labels file] [--synsets "
	"file]]\n",
	"Label records (stdin if no file) with the index of their WNID.\n",
	"Exit status: 0 all records fine, 1 some records are failures,\n"
	"2 usage error, a bad label file or a damaged or unreadable stream.\n",
};

struct options {
	const char *synsets, *val_labels, *folders;
	int base, force, print, verbose;
};

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct fe_opt opts[] = {
		{ FE_BASE_OPT(&o->base,
		      "the first class's index: 1 (default) or 0"),
		    .not_with = "print-synsets" },
		{ FE_ROW("classes", 0, FE_TEXT, &o->folders, "F",
		    "folder mode: the class is the name's first\n"
		    "folder, its index the line in F whose\n"
		    "first word it is") },
		{ FE_FORCE(&o->force), .not_with = "print-synsets" },
		{ FE_ROW("print-synsets", 0, FE_FLAG, &o->print, NULL,
		    "print the synset list used and exit") },
		{ FE_ROW("synsets", 0, FE_TEXT, &o->synsets, "F",
		    "the class list: a WNID first per line\n"
		    "(default: the val labels' sorted WNIDs)") },
		{ FE_ROW("val-labels", 0, FE_TEXT, &o->val_labels, "F",
		    "validation labels: one WNID per line,\n"
		    "Kaggle's LOC_val_solution.csv, or\n"
		    "'name WNID' pairs") },
		{ FE_ROW("verbose", 'v', FE_FLAG, &o->verbose, NULL,
		    "say which label file form was read") },
		FE_END,
	};
	int first;

	o->base = 1;
	first = fe_parse(&prog, opts, argc, argv);
	if (o->folders && (o->synsets || o->val_labels))
		fe_die(2,
		    "--classes cannot be combined with --synsets or "
		    "--val-labels");
	if (argc - first > 1)
		fe_usage(&prog, NULL);
	return first;
}

/* Loads a label file with fn, exiting 2 on an error. */
static void
load_file(struct pxr_labeler *lb, const char *path,
    int (*fn)(struct pxr_labeler *, const char *, const char *, size_t,
	struct pxr_err *))
{
	struct pxr_err err;
	size_t len;
	char *buf = fe_read_all(path, (size_t)1 << 28, &len, &err);

	if (buf == NULL || fn(lb, path, buf, len, &err) == -1)
		fe_die(2, "%s", err.msg);
	free(buf);
}

static struct pxr_labeler *
load(const struct options *o)
{
	static const char *const forms[] = { "one WNID per line",
		"Kaggle's LOC_val_solution.csv", "'name WNID' pairs" };
	struct pxr_labeler *lb;
	struct pxr_err err;
	enum pxr_valform form;
	size_t len;
	char *buf;

	if ((lb = pxr_labeler_new(&err)) == NULL)
		fe_die(2, "%s", err.msg);
	if (o->folders)
		load_file(lb, o->folders, pxr_labeler_load_folders);
	if (o->synsets)
		load_file(lb, o->synsets, pxr_labeler_load_synsets);
	if (o->val_labels) {
		if ((buf = fe_read_all(o->val_labels, (size_t)1 << 28, &len,
			 &err)) == NULL ||
		    pxr_labeler_load_val(lb, o->val_labels, buf, len, &form,
			&err) == -1)
			fe_die(2, "%s", err.msg);
		free(buf);
		if (o->verbose)
			fe_warnx("%s: read as %s", o->val_labels, forms[form]);
	}
	if (pxr_labeler_derive_synsets(lb, &err) == -1)
		fe_die(2, "%s", err.msg);
	if (o->verbose)
		fe_warnx("%zu classes, %s", pxr_labeler_nsynsets(lb),
		    o->folders       ? o->folders
			: o->synsets ? o->synsets
				     : "from the validation labels");
	return lb;
}

struct labelling {
	struct pxr_labeler *lb;
	int base;
};

/* A record's label from its name.  A failed image keeps its label where
 * its name gives one: Y holds it, the status byte says it failed. */
static int
label(void *ctx, struct pxr_record *rec, struct pxr_err *err)
{
	const struct labelling *l = ctx;
	struct pxr_err why;
	int64_t cls = pxr_label_of(l->lb, rec->name, &why);

	if (cls < 0)
		return pxr_seterr(err, PXR_E_IMAGE, "no label: %s", why.msg);
	rec->label = (int32_t)(cls + l->base);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct labelling l;
	int status, first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	l.lb = load(&o);
	l.base = o.base;
	if (o.print) {
		char esc[PXR_CLASS_ESC_SIZE];
		struct pxr_err err;

		/* A class list again, folder names escaped. */
		for (size_t i = 0; i < pxr_labeler_nsynsets(l.lb); i++) {
			if (pxr_class_escape(esc, sizeof(esc),
				pxr_labeler_synset(l.lb, i), &err) == -1)
				fe_die(2, "%s", err.msg);
			puts(esc);
		}
		pxr_labeler_free(l.lb);
		fe_flush_stdout();
		return 0;
	}
	status = fe_filter_heads(argv[first], o.force, label, &l);
	pxr_labeler_free(l.lb);
	return status;
}
