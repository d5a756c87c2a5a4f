/*
 * pxr-label: set each record's label to its class index, from the WNID in
 * its name or the validation label file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "label.h"
#include "pxr.h"

struct options {
	const char *synsets, *val_labels, *folders;
	int base, force, print, verbose;
};

static const char usage_text[] =
    "usage: pxr-label [-fhpvV] [-b 0|1] [-c file | [-l file] [-s file]] "
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
	fputs("Label records (stdin if no file) with the index of their WNID.\n"
	      "  -b, --base B         the first class's index: 1 (default) or 0\n"
	      "  -c, --classes F      folder mode: the class is the name's first\n"
	      "                       folder, its index the line in F whose\n"
	      "                       first word it is\n"
	      "  -f, --force          write records even to a terminal\n"
	      "  -h, --help           print this help and exit\n"
	      "  -l, --val-labels F   validation labels: one WNID per line,\n"
	      "                       Kaggle's LOC_val_solution.csv, or\n"
	      "                       'name WNID' pairs\n"
	      "  -p, --print-synsets  print the synset list used and exit\n"
	      "  -s, --synsets F      the class list: first token per line\n"
	      "                       (default: the val labels' sorted WNIDs)\n"
	      "  -v, --verbose        say which label file form was read\n"
	      "  -V, --version        print the version and exit\n"
	      "Exit status: 0 all records fine, 1 some records are failures,\n"
	      "2 usage error, a bad label file or an unreadable stream.\n",
	    stdout);
	exit(0);
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "classes", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "print-synsets", no_argument, NULL, 'p' },
		{ "synsets", required_argument, NULL, 's' },
		{ "val-labels", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->base = 1;
	while ((c = getopt_long(argc, argv, "b:c:fhl:ps:vV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'b':
			if (strcmp(optarg, "0") != 0 && strcmp(optarg, "1") != 0)
				pxr_die(2, "--base wants 0 or 1, not '%s'",
				    optarg);
			o->base = optarg[0] - '0';
			break;
		case 'c':
			o->folders = optarg;
			break;
		case 'f':
			o->force = 1;
			break;
		case 'h':
			help();
		case 'l':
			o->val_labels = optarg;
			break;
		case 'p':
			o->print = 1;
			break;
		case 's':
			o->synsets = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'V':
			pxr_print_version();
			exit(0);
		default:
			usage();
		}
	}
	if (o->folders && (o->synsets || o->val_labels))
		pxr_die(2, "--classes cannot be combined with --synsets or "
			   "--val-labels");
	if (argc - optind > 1)
		usage();
}

/* The whole of a (small) text file, which may be a pipe; exits 2 if it
 * cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	struct pxr_err err;
	char *buf = pxr_read_all(path, (size_t)1 << 28, len, &err);

	if (buf == NULL)
		pxr_die(2, "%s", err.msg);
	return buf;
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
		pxr_die(2, "%s", err.msg);
	if (o->folders) {
		buf = slurp(o->folders, &len);
		if (pxr_labeler_load_folders(lb, o->folders, buf, len, &err))
			pxr_die(2, "%s", err.msg);
		free(buf);
	}
	if (o->synsets) {
		buf = slurp(o->synsets, &len);
		if (pxr_labeler_load_synsets(lb, o->synsets, buf, len, &err))
			pxr_die(2, "%s", err.msg);
		free(buf);
	}
	if (o->val_labels) {
		buf = slurp(o->val_labels, &len);
		if (pxr_labeler_load_val(lb, o->val_labels, buf, len, &form,
			&err))
			pxr_die(2, "%s", err.msg);
		free(buf);
		if (o->verbose)
			pxr_warnx("%s: read as %s", o->val_labels, forms[form]);
	}
	if (pxr_labeler_derive_synsets(lb, &err) == -1)
		pxr_die(2, "%s", err.msg);
	if (o->verbose)
		pxr_warnx("%zu classes, %s", pxr_labeler_nsynsets(lb),
		    o->folders ? o->folders
		    : o->synsets ? o->synsets
				 : "from the validation labels");
	return lb;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_labeler *lb;
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	int r, status = 0;

	pxr_setprogname(argv[0]);
	parse_args(argc, argv, &o);
	lb = load(&o);
	if (o.print) {
		for (size_t i = 0; i < pxr_labeler_nsynsets(lb); i++)
			puts(pxr_labeler_synset(lb, i));
		pxr_labeler_free(lb);
		if (fflush(stdout) == EOF || ferror(stdout))
			pxr_die(2, "write error on <stdout>");
		return 0;
	}
	if ((rd = pxr_reader_open(argv[optind], &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, o.force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	/* The label is in the header: a labelled record's payload goes on
	 * unread (pxr_forward), and what reads it downstream checks it. */
	while ((r = pxr_read_head(rd, &rec, &err)) == 1) {
		struct pxr_err why;
		int64_t cls = -1;

		/* A failed image keeps its label where its name gives one:
		 * Y holds it, the status byte says it failed. */
		cls = pxr_label_of(lb, rec.name, &why);
		if (cls >= 0)
			rec.label = (int32_t)(cls + o.base);
		if (rec.kind == PXR_KIND_FAILURE || cls >= 0) {
			if (rec.kind == PXR_KIND_FAILURE)
				status = 1;
			if (pxr_forward(rd, wr, &rec, &err) == -1)
				pxr_die(2, "%s", err.msg);
			continue;
		}
		if (pxr_read_payload(rd, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
		pxr_record_fail(&rec, "no label: %s", why.msg);
		pxr_warn_record(&rec, rec.reason);
		status = 1;
		if (pxr_write(wr, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1)
		pxr_die(2, "%s", err.msg);
	if (pxr_writer_close(wr, &err) == -1)
		pxr_die(2, "%s", err.msg);
	pxr_reader_close(rd);
	pxr_labeler_free(lb);
	return status;
}
