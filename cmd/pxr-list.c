/*
 * pxr-list: every image of directory trees, image files and archives (tars
 * of tars included) as encoded-image records, in sorted-name order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fe.h"
#include "list.h"

struct options {
	int count, dims, force, names, verbose;
	const char *index, *from_index;
	const char *skip_done[8]; /* status files: done when done in all */
	int nskip;
	struct pxr_list_want want;
};

static const struct fe_prog prog = {
	"usage: pxr-list [-fhvV] [-I index | --under dir] [-k status]\n"
	"                [--match glob] [--range a:b | --shard k/n] "
	"[source ...]\n"
	"       pxr-list --count | --names | --dims | --index file [-v]\n"
	"                [-I index | --under dir] [--match glob]\n"
	"                [--range a:b | --shard k/n] [source ...]\n",
	"List the images of directories, image files and archives (stdin if\n"
	"no source, or -) as pxr records, numbered in sorted-name order.\n",
	"Exit status: 0 every image listed, 1 some images or archive\n"
	"members could not be read (each reported), 2 usage error or an\n"
	"unreadable source.\n",
};

static void
add_match(void *to, const char *s)
{
	struct pxr_err err;

	if (pxr_list_add_match(to, s, &err) == -1)
		fe_die(2, "%s", err.msg);
}

static void
set_under(void *to, const char *s)
{
	struct pxr_err err;

	if (pxr_list_set_under(to, s, &err) == -1)
		fe_die(2,
		    "--under wants a folder path below the source's top "
		    "(no leading /, no empty, . or .. part), not '%s'",
		    s);
}

/* Returns the index of the first operand. */
static int
parse_args(int argc, char **argv, struct options *o, struct pxr_list *l)
{
	struct pxr_list_want *w = &o->want;
	struct pxr_err err;
	struct fe_opt opts[] = {
		{ FE_ROW("count", 0, FE_FLAG, &o->count, NULL,
		    "print the number of images selected") },
		{ FE_ROW("dims", 0, FE_FLAG, &o->dims, NULL,
		      "print index, width, height, EXIF\n"
		      "orientation and name of each image, read\n"
		      "from its header"),
		    .not_with = "count names" },
		{ FE_FORCE(&o->force), .not_with = "count dims index names" },
		{ FE_ROW("from-index", 'I', FE_TEXT, &o->from_index, "FILE",
		    "read the image list from an index file") },
		{ FE_ROW("index", 0, FE_TEXT, &o->index, "FILE",
		    "write the index file (no records)") },
		{ FE_ROW("match", 0, FE_CALL, l, "GLOB",
		      "pick images by this pattern (repeatable;\n"
		      "default *.jpeg *.jpg *.png, any case)"),
		    .call = add_match },
		{ FE_ROW("names", 0, FE_FLAG, &o->names, NULL,
		    "print index and name of each image") },
		{ FE_ROW("range", 0, FE_PAIR, &w->range_a, "A:B",
		      "only indices A to B-1"),
		    .to2 = &w->range_b, .sep = ':' },
		{ FE_ROW("shard", 0, FE_PAIR, &w->shard_k, "K/N",
		      "only the K-th of N equal index ranges"),
		    .to2 = &w->shard_n, .sep = '/' },
		{ FE_ROW("skip-done", 'k', FE_LIST, o->skip_done, "FILE",
		      "skip images whose status byte is 1\n"
		      "(given more than once: 1 in every file)"),
		    .to2 = &o->nskip, .max = 8,
		    .not_with = "count dims index names" },
		{ FE_ROW("under", 0, FE_CALL, l, "DIR",
		      "only the images in the folder DIR of each\n"
		      "source, named without DIR/"),
		    .call = set_under, .not_with = "from-index" },
		{ FE_ROW("verbose", 'v', FE_FLAG, &o->verbose, NULL,
		    "say what was skipped and why") },
		FE_END,
	};
	int first = fe_parse(&prog, opts, argc, argv);

	w->has_range = fe_given(opts, "range") > 0;
	w->has_shard = fe_given(opts, "shard") > 0;
	if (pxr_list_want_check(w, &err) == -1)
		fe_die(2, "%s", err.msg);
	if (o->index && o->from_index)
		fe_die(2, "--index and --from-index cannot be combined");
	return first;
}

/* The status bytes of a resumed run (pxr-pack's X.status), read to the
 * end (the files may be pipes); with several (the sets of one job), an
 * image is done where it is done in all. */
static void
read_done(const struct options *o, struct pxr_list_sel *sel)
{
	unsigned char *all = NULL;
	struct pxr_err err;

	for (int f = 0; f < o->nskip; f++) {
		size_t n;
		char *st =
		    fe_read_all(o->skip_done[f], (size_t)1 << 40, &n, &err);

		if (st == NULL)
			fe_die(2, "%s", err.msg);
		if (all == NULL) {
			all = (unsigned char *)st;
			sel->done_len = n;
			continue;
		}
		pxr_status_and(all, sel->done_len, (unsigned char *)st, n);
		free(st);
	}
	sel->done = all;
}

/* Prints each selected image's stored size, "-" for each field of one
 * whose header says none (reported); the images that failed. */
static int64_t
print_dims(struct pxr_list *l, const struct pxr_list_sel *sel, int verbose)
{
	struct pxr_image_dims *d = NULL;
	struct pxr_list_dims_stats st = { 0 };
	struct pxr_err err;
	int64_t failed;

	if (sel->hi > sel->lo &&
	    (d = calloc((size_t)(sel->hi - sel->lo), sizeof(*d))) == NULL)
		fe_die(2, "out of memory");
	if ((failed = pxr_list_dims(l, sel, d, &st, &err)) == -1)
		fe_fatal(&err);
	for (uint64_t i = sel->lo; i < sel->hi; i++) {
		const struct pxr_image_dims *p = &d[i - sel->lo];
		size_t len;
		const char *name = pxr_list_name(l, i, &len);

		if (p->ok)
			printf("%llu\t%u\t%u\t%u\t", (unsigned long long)i,
			    p->width, p->height, p->orientation);
		else
			printf("%llu\t-\t-\t-\t", (unsigned long long)i);
		pxr_fput_escaped(stdout, name, len, 0);
		putchar('\n');
	}
	if (verbose)
		fe_warnx("headers of %llu images: %llu without a size, %llu "
			 "reads, %llu bytes, %llu pages beyond the tar "
			 "headers (%.2f an image)",
		    (unsigned long long)st.images,
		    (unsigned long long)st.failed, (unsigned long long)st.reads,
		    (unsigned long long)st.bytes, (unsigned long long)st.pages,
		    st.images ? (double)st.pages / (double)st.images : 0.0);
	free(d);
	return failed;
}

/* Writes the selected images as records; the failure records written. */
static int64_t
emit(struct pxr_list *l, const struct options *o, int from_stdin,
    const struct pxr_list_sel *sel)
{
	struct pxr_writer *wr;
	struct pxr_err err;
	int64_t failures;

	if ((wr = pxr_writer_open(NULL, o->force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL)
		fe_die(2, "%s", err.msg);
	if (from_stdin)
		failures = pxr_list_stream(l, STDIN_FILENO, "<stdin>",
		    o->from_index != NULL, sel, wr, &err);
	else
		failures = pxr_list_emit(l, sel, wr, &err);
	if (failures == -1 || pxr_writer_close(wr, &err) == -1)
		fe_fatal(&err);
	return failures;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_list_sel sel = { 0 };
	struct pxr_list *l;
	struct pxr_err err;
	int status = 0, from_stdin, first, counted;
	int64_t failures = 0;

	fe_start(argv[0]);
	if ((l = pxr_list_new(fe_warn_line, NULL)) == NULL)
		fe_die(2, "out of memory");
	first = parse_args(argc, argv, &o, l);
	argc -= first;
	argv += first;
	/* No source: the standard input, or the index's own sources. */
	from_stdin = argc == 1 ? strcmp(argv[0], "-") == 0
			       : argc == 0 && o.from_index == NULL;
	if (from_stdin && o.index)
		fe_die(2, "--index needs seekable sources, not stdin");
	if ((o.from_index || !from_stdin) &&
	    (status = pxr_list_load(l, o.from_index, argc, argv, &err)) == -1)
		fe_die(2, "%s", err.msg);
	status *= 2; /* 1: a source could not be read, which is exit 2 */
	if (o.index && pxr_list_write_index(l, o.index, &err) == -1)
		fe_die(2, "%s", err.msg);

	/* A stream with no index: its images are numbered as they come, and
	 * their count is known only at the end, so no shard of it can be
	 * told ahead (--range can: it counts from the first). */
	counted = !from_stdin || o.from_index;
	if (!counted && o.want.has_shard)
		fe_die(2,
		    "--shard of the standard input needs its index "
		    "(--from-index): the number of images is not known "
		    "before the end");
	pxr_list_select(counted ? pxr_list_count(l) : UINT64_MAX, &o.want,
	    &sel);
	read_done(&o, &sel);

	if (o.dims && from_stdin)
		fe_die(2, "--dims reads the images in place: not from stdin");
	if (o.dims) {
		failures = print_dims(l, &sel, o.verbose);
	} else if (o.count || o.names || o.index) {
		if (!counted)
			fe_die(2,
			    "--count and --names need seekable sources "
			    "or --from-index");
		if (o.count)
			printf("%llu\n", (unsigned long long)(sel.hi - sel.lo));
		if (o.names)
			pxr_list_print_names(l, &sel, stdout);
	} else {
		failures = emit(l, &o, from_stdin, &sel);
	}
	if (o.verbose)
		pxr_list_report(l, failures);
	if (status == 0)
		status = pxr_list_outcome(l, failures);
	free((void *)(uintptr_t)sel.done);
	pxr_list_free(l);
	fe_flush_stdout();
	return status;
}
