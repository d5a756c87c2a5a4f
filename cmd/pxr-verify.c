/*
 * pxr-verify: read packed sets again and name each image whose bytes are
 * not those pxr-pack wrote, by the checksums it kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fe.h"
#include "list.h"
#include "pack.h"
#include "unpack.h"

struct options {
	const char *index, *labels;
	int quiet;
};

static const struct fe_prog prog = {
	"usage: pxr-verify [-hqV] [-I index] [--labels file] x_file ...\n",
	"Read packed sets (X_FILE as pxr-pack takes it) again, and name each\n"
	"image whose bytes in X or label in Y changed since it was packed,\n"
	"on stdout: X_FILE, index, label, name (- if unknown) and what\n"
	"changed, tab-separated.\n",
	"Exit status: 0 every image as packed, 1 some changed (each named),\n"
	"2 usage error, missing images, a read error, or a set not whole or\n"
	"not as its manifest says (no checksums, not finished, changed).\n",
};

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct fe_opt opts[] = {
		{ FE_ROW("from-index", 'I', FE_TEXT, &o->index, "FILE",
		    "name every changed image from the\n"
		    "index file its set was packed from (pxr-list)") },
		{ FE_ROW("labels", 0, FE_TEXT, &o->labels, "FILE",
		    "the labels (default: X_ -> Y_); one set") },
		{ FE_ROW("quiet", 'q', FE_FLAG, &o->quiet, NULL,
		    "no progress and no summary on stderr") },
		FE_END,
	};
	int first = fe_parse(&prog, opts, argc, argv);

	if (first == argc)
		fe_usage(&prog, NULL);
	if (o->labels != NULL && argc - first > 1)
		fe_usage(&prog, "--labels goes with one x_file");
	return first;
}

/* The set being verified. */
struct verifying {
	const struct options *o;
	const char *x;
	const struct pxr_list *names; /* the index's, or NULL */
	int tty, said;
	double start, last;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In place on a terminal, else a line every 30 s. */
static void
progress(void *ctx, uint64_t done, uint64_t total)
{
	struct verifying *v = ctx;
	double t = now(), rate = (double)done / (t - v->start);
	int left;

	if (v->o->quiet || done == total || t - v->last < (v->tty ? 0.5 : 30))
		return;
	v->last = t;
	v->said = 1;
	left = rate > 0 ? (int)((double)(total - done) / rate) : 0;
	fprintf(stderr,
	    "%s%s: %s: %.1f of %.1f GB (%d%%), %.2f GB/s, ETA %dm%02ds%s",
	    v->tty ? "\r" : "", fe_getprogname(), v->x, (double)done / 1e9,
	    (double)total / 1e9, (int)(100.0 * (double)done / (double)total),
	    rate / 1e9, left / 60, left % 60, v->tty ? "\033[K" : "\n");
}

static void
changed(void *ctx, const struct pxr_verify_image *im)
{
	struct verifying *v = ctx;
	const char *name = im->name;
	size_t len = im->name_len;

	if (name == NULL && v->names != NULL)
		name = pxr_list_name(v->names, im->index, &len);
	printf("%s\t%llu\t%lld\t", v->x, (unsigned long long)im->index,
	    (long long)im->label);
	if (name != NULL)
		pxr_fput_escaped(stdout, name, len, 0);
	else
		putchar('-');
	printf("\t%s%s%s\n", im->pixels ? "pixels" : "",
	    im->pixels && im->label_changed ? "," : "",
	    im->label_changed ? "label" : "");
}

/* Verifies the set x; its exit status. */
static int
verify_set(const struct options *o, const struct pxr_list *names, const char *x)
{
	static struct pxr_pack_meta m; /* holds a recipe of up to 16 KiB */
	struct verifying v = { o, x, names, isatty(2), 0, 0, 0 };
	struct pxr_verify_report rep;
	const char *y = o->labels;
	char ybuf[4096];
	struct pxr_err err;

	if (y == NULL && pxr_tensor_labels_for(x, ybuf, sizeof(ybuf)) == 0)
		y = ybuf;
	if (y == NULL) {
		fe_warnx("%s: no Y file beside it (X_ -> Y_): give --labels",
		    x);
		return 2;
	}
	if (names != NULL && pxr_pack_read_meta(x, &m, &err) == 0 &&
	    pxr_list_count(names) != m.n) {
		fe_warnx(
		    "%s: the index %s lists %llu images, the set holds %llu", x,
		    o->index, (unsigned long long)pxr_list_count(names),
		    (unsigned long long)m.n);
		return 2;
	}
	v.start = v.last = now();
	if (pxr_pack_verify(x, y, changed, progress, &v, fe_warn_line, &rep,
		&err) == -1) {
		if (v.said && v.tty)
			fputs("\r\033[K", stderr);
		fe_warnx("%s", err.msg);
		return 2;
	}
	if (v.said && v.tty)
		fputs("\r\033[K", stderr);
	fe_flush_stdout();
	if (!o->quiet)
		fe_warnx("%s: %llu images: %llu as packed, %llu changed, %llu "
			 "missing",
		    x, (unsigned long long)rep.images,
		    (unsigned long long)(rep.checked - rep.changed),
		    (unsigned long long)rep.changed,
		    (unsigned long long)rep.missing);
	if (rep.missing > 0)
		return 2;
	return rep.changed > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_list *names = NULL;
	struct pxr_err err;
	int status = 0, first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	if (o.index != NULL) {
		if ((names = pxr_list_new(fe_warn_line, NULL)) == NULL)
			fe_die(2, "out of memory");
		if (pxr_list_read_index(names, o.index, &err) == -1)
			fe_die(2, "%s", err.msg);
	}
	for (int i = first; i < argc; i++) {
		int s = verify_set(&o, names, argv[i]);

		if (s > status)
			status = s;
	}
	pxr_list_free(names);
	fe_flush_stdout();
	return status;
}
