/*
 * pxr-list: every image of directory trees, image files and archives (tars
 * of tars included) as encoded-image records, in sorted-name order.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "fe.h"

struct options {
	int count, force, names, verbose;
	const char *index, *from_index;
	const char *skip_done[8]; /* status files: done when done in all */
	int nskip;
	uint64_t shard_k, shard_n, range_a, range_b;
	int has_range;
};

/* Long options without a letter. */
enum { OPT_COUNT = 256, OPT_INDEX, OPT_MATCH, OPT_NAMES, OPT_RANGE, OPT_SHARD };

static const struct fe_prog prog = {
	"usage: pxr-list [-fhvV] [--count | --names | --index file]\n"
	"                [-I index] [-k status] [--match glob]\n"
	"                [--range a:b | --shard k/n] [source ...]\n",
	"List the images of directories, image files and archives (stdin if\n"
	"no source, or -) as pxr records, numbered in sorted-name order.\n"
	"      --count            print the number of images selected\n"
	"  -f, --force            write records even to a terminal\n"
	"  -h, --help             print this help and exit\n"
	"  -I, --from-index FILE  read the image list from an index file\n"
	"      --index FILE       write the index file (no records)\n"
	"  -k, --skip-done FILE   skip images whose status byte is 1\n"
	"                         (given more than once: 1 in every file)\n"
	"      --match GLOB       pick images by this pattern (repeatable;\n"
	"                         default *.jpeg *.jpg *.png, any case)\n"
	"      --names            print index and name of each image\n"
	"      --range A:B        only indices A to B-1\n"
	"      --shard K/N        only the K-th of N equal index ranges\n"
	"  -v, --verbose          say what was skipped and why\n"
	"  -V, --version          print the version and exit\n"
	"Exit status: 0 every image listed, 1 some images or archive\n"
	"members could not be read (each reported), 2 usage error or an\n"
	"unreadable source.\n",
};

static int
parse_pair(const char *s, int sep, uint64_t *a, uint64_t *b)
{
	char buf[64], *p;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((p = strchr(buf, sep)) == NULL)
		return -1;
	*p++ = '\0';
	return pxr_parse_u64(buf, 0, UINT64_MAX, a) == -1 ||
		   pxr_parse_u64(p, 0, UINT64_MAX, b) == -1
	    ? -1
	    : 0;
}

static void
parse_args(int argc, char **argv, struct options *o, struct pxr_list *l)
{
	static const struct option longopts[] = {
		{ "count", no_argument, NULL, OPT_COUNT },
		{ "from-index", required_argument, NULL, 'I' },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "match", required_argument, NULL, OPT_MATCH },
		{ "names", no_argument, NULL, OPT_NAMES },
		{ "range", required_argument, NULL, OPT_RANGE },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "skip-done", required_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		FE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pxr_err err;
	int c;

	while ((c = getopt_long(argc, argv, "fhI:k:vV", longopts,
		    NULL)) != -1) {
		switch (c) {
		case OPT_COUNT:
			o->count = 1;
			break;
		case 'I':
			o->from_index = optarg;
			break;
		case OPT_INDEX:
			o->index = optarg;
			break;
		case 'k':
			if (o->nskip == 8)
				pxr_die(2, "--skip-done: at most 8 files");
			o->skip_done[o->nskip++] = optarg;
			break;
		case OPT_MATCH:
			if (pxr_list_add_match(l, optarg, &err) == -1)
				pxr_die(2, "%s", err.msg);
			break;
		case OPT_NAMES:
			o->names = 1;
			break;
		case OPT_RANGE:
			if (parse_pair(optarg, ':', &o->range_a, &o->range_b) ||
			    o->range_a > o->range_b)
				pxr_die(2, "bad --range '%s' (want A:B, A <= B)",
				    optarg);
			o->has_range = 1;
			break;
		case OPT_SHARD:
			if (parse_pair(optarg, '/', &o->shard_k, &o->shard_n) ||
			    o->shard_k < 1 || o->shard_k > o->shard_n)
				pxr_die(2, "bad --shard '%s' (want K/N, "
				    "1 <= K <= N)", optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			fe_common(&prog, c, &o->force);
		}
	}
	if (o->has_range && o->shard_n)
		pxr_die(2, "--range and --shard cannot be combined");
	if (o->index && o->from_index)
		pxr_die(2, "--index and --from-index cannot be combined");
}

static void
warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	pxr_warnx("%s", msg);
}

/* The status bytes of a resumed run (pxr-pack's X.status), read to the
 * end: the file may be a pipe. */
static unsigned char *
read_status(const char *path, uint64_t *len)
{
	struct pxr_err err;
	size_t n;
	char *buf = pxr_read_all(path, (size_t)1 << 40, &n, &err);

	if (buf == NULL)
		pxr_die(2, "%s", err.msg);
	*len = n;
	return (unsigned char *)buf;
}

/* "skipped: 12 .webp, 3 .txt": the files left out, by extension. */
static void
print_skipped(const struct pxr_list *l)
{
	char line[1024];
	const char *ext;
	uint64_t count;
	size_t used = 0;

	for (size_t i = 0; pxr_list_skipped(l, i, &ext, &count); i++) {
		int w = snprintf(line + used, sizeof(line) - used, "%s%llu %s",
		    i ? ", " : "", (unsigned long long)count, ext);

		if (w < 0 || (size_t)w >= sizeof(line) - used)
			break;
		used += (size_t)w;
	}
	if (used > 0)
		pxr_warnx("skipped: %s", line);
}

/* The status files of several sets filled by one job: an image is done
 * when it is done (1) in every one of them. */
static unsigned char *
read_all_status(const char *const *paths, int n, uint64_t *len)
{
	unsigned char *all = read_status(paths[0], len);

	for (int f = 1; f < n; f++) {
		uint64_t l;
		unsigned char *st = read_status(paths[f], &l);

		for (uint64_t i = 0; i < *len; i++)
			if (i >= l || st[i] != all[i])
				all[i] = 0;
		free(st);
	}
	return all;
}

/* Checks that each source operand is one the index was made from: the
 * index holds where the bytes are, so a source given again must agree. */
static void
check_sources(const struct pxr_list *l, int argc, char **argv,
    const char *index)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") != 0 &&
		    !pxr_list_has_source(l, argv[i]))
			pxr_die(2, "%s: not a source of the index %s", argv[i],
			    index);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_list_stats st;
	struct pxr_list_sel sel = { 0 };
	struct pxr_writer *wr = NULL;
	struct pxr_list *l;
	struct pxr_err err;
	int status = 0, from_stdin;
	uint64_t total;
	int64_t failures = 0;

	fe_start(argv[0]);
	if ((l = pxr_list_new(warn_cb, NULL)) == NULL)
		pxr_die(2, "out of memory");
	parse_args(argc, argv, &o, l);
	argc -= optind;
	argv += optind;
	from_stdin = argc == 0 || (argc == 1 && strcmp(argv[0], "-") == 0);
	for (int i = 0; i < argc && !from_stdin; i++)
		if (strcmp(argv[i], "-") == 0)
			pxr_die(2, "- (stdin) cannot be mixed with other sources");
	if (from_stdin && o.index)
		pxr_die(2, "--index needs seekable sources, not stdin");

	if (o.from_index) {
		if (pxr_list_read_index(l, o.from_index, &err) == -1)
			pxr_die(2, "%s", err.msg);
		check_sources(l, argc, argv, o.from_index);
		from_stdin = argc == 1 && strcmp(argv[0], "-") == 0;
	} else if (!from_stdin) {
		for (int i = 0; i < argc; i++)
			if (pxr_list_scan(l, argv[i], &err) == -1) {
				pxr_warnx("%s", err.msg);
				status = 2;
			}
		pxr_list_sort(l);
	}
	if (o.index && pxr_list_write_index(l, o.index, &err) == -1)
		pxr_die(2, "%s", err.msg);

	/* A stream with no index: its images are numbered as they come, and
	 * their count is known only at the end, so no shard of it can be
	 * told ahead (--range can: it counts from the first). */
	if (from_stdin && !o.from_index && o.shard_n)
		pxr_die(2, "--shard of the standard input needs its index "
			   "(--from-index): the number of images is not known "
			   "before the end");
	total = from_stdin && !o.from_index ? UINT64_MAX : pxr_list_count(l);
	sel.lo = 0;
	sel.hi = total;
	if (o.has_range) {
		sel.lo = o.range_a;
		sel.hi = o.range_b < total ? o.range_b : total;
	} else if (o.shard_n) {
		pxr_list_shard(total, o.shard_k, o.shard_n, &sel.lo, &sel.hi);
	}
	if (sel.lo > sel.hi)
		sel.lo = sel.hi;
	if (o.nskip > 0)
		sel.done = read_all_status(o.skip_done, o.nskip, &sel.done_len);

	if (o.count || o.names || o.index) {
		if (from_stdin && !o.from_index)
			pxr_die(2, "--count and --names need seekable sources "
			    "or --from-index");
		if (o.count)
			printf("%llu\n", (unsigned long long)(sel.hi - sel.lo));
		for (uint64_t i = sel.lo; o.names && i < sel.hi; i++) {
			size_t len;
			const char *name = pxr_list_name(l, i, &len);

			printf("%llu\t", (unsigned long long)i);
			pxr_fput_escaped(stdout, name, len, 0);
			putchar('\n');
		}
	} else {
		if ((wr = pxr_writer_open(NULL, o.force ? PXR_WRITER_FORCE : 0,
			 &err)) == NULL)
			pxr_die(2, "%s", err.msg);
		if (from_stdin)
			failures = pxr_list_stream(l, STDIN_FILENO, "<stdin>",
			    o.from_index != NULL, &sel, wr, &err);
		else
			failures = pxr_list_emit(l, &sel, wr, &err);
		if (failures == -1)
			pxr_die(2, "%s", err.msg);
		if (pxr_writer_close(wr, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	pxr_list_stats(l, &st);
	if (o.verbose)
		pxr_warnx("%llu images, %llu members skipped (not images, "
			  "directories, links), %llu names refused, %llu "
			  "duplicates, %llu damaged places, %lld failure records",
		    (unsigned long long)st.images, (unsigned long long)st.skipped,
		    (unsigned long long)st.refused,
		    (unsigned long long)st.duplicates,
		    (unsigned long long)st.damaged, (long long)failures);
	if (o.verbose)
		print_skipped(l);
	if (st.images == 0 && status == 0)
		pxr_warnx("no images found");
	if (status == 0 && (failures > 0 || st.damaged > 0 || st.refused > 0))
		status = 1;
	free((void *)(uintptr_t)sel.done);
	pxr_list_free(l);
	if (fflush(stdout) == EOF || ferror(stdout))
		pxr_die(2, "write error on <stdout>");
	return status;
}
