/*
 * test_list.c: the image list: bytewise order whatever the scan met
 * first, names as extraction gives them, the index file read back as it
 * was written, and shards that hold every image once.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "list_int.h"
#include "unit.h"

static char dir[256];

static void
touch(const char *rel, const char *bytes)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "w")) == NULL || fputs(bytes, f) == EOF ||
	    fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void
quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static void
test_order(void)
{
	struct pxr_list *l = pxr_list_new(quiet, NULL);
	struct pxr_err err;
	size_t len;
	char sub[600];

	snprintf(sub, sizeof(sub), "%s/b", dir);
	mkdir(sub, 0777);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	mkdir(sub, 0777);
	touch("b/z.JPEG", "1");
	touch("b/Y.png", "22");
	touch("a/b.jpg", "333");
	touch("a/notes.txt", "x");
	touch("B.JPEG", "4444");
	EXPECT_INT(pxr_list_scan(l, dir, &err), 0);
	pxr_list_sort(l);
	EXPECT_INT(pxr_list_count(l), 4);
	/* Bytewise: upper case first, folders by their names. */
	EXPECT_INT(strcmp(pxr_list_name(l, 0, &len), "B.JPEG"), 0);
	EXPECT_INT(strcmp(pxr_list_name(l, 1, &len), "a/b.jpg"), 0);
	EXPECT_INT(strcmp(pxr_list_name(l, 2, &len), "b/Y.png"), 0);
	EXPECT_INT(strcmp(pxr_list_name(l, 3, &len), "b/z.JPEG"), 0);
	EXPECT_INT(len, 8);
	{
		struct pxr_list_stats st;
		const char *ext;
		uint64_t n;

		pxr_list_stats(l, &st);
		EXPECT_INT(st.images, 4);
		EXPECT_INT(pxr_list_skipped(l, 0, &ext, &n), 1);
		EXPECT_INT(strcmp(ext, ".txt"), 0);
		EXPECT_INT(n, 1);
	}
	{
		char text[64], tiny[4];

		EXPECT_INT(pxr_list_skipped_text(l, text, sizeof(text)), 6);
		EXPECT_INT(strcmp(text, "1 .txt"), 0);
		/* Only whole kinds: none fits in 4 bytes. */
		EXPECT_INT(pxr_list_skipped_text(l, tiny, sizeof(tiny)), 0);
		EXPECT_INT(tiny[0], '\0');
	}
	pxr_list_free(l);
}

static void
test_index_round_trip(void)
{
	struct pxr_list *l = pxr_list_new(quiet, NULL), *r;
	char idx[600];
	struct pxr_err err;
	size_t a, b;

	snprintf(idx, sizeof(idx), "%s.idx", dir);
	EXPECT_INT(pxr_list_scan(l, dir, &err), 0);
	pxr_list_sort(l);
	EXPECT_INT(pxr_list_write_index(l, idx, &err), 0);
	r = pxr_list_new(quiet, NULL);
	EXPECT_INT(pxr_list_read_index(r, idx, &err), 0);
	EXPECT_INT(pxr_list_count(r), pxr_list_count(l));
	for (uint64_t i = 0; i < pxr_list_count(l); i++)
		EXPECT_INT(
		    strcmp(pxr_list_name(l, i, &a), pxr_list_name(r, i, &b)),
		    0);
	EXPECT_INT(pxr_list_has_source(r, dir), 1);
	EXPECT_INT(pxr_list_has_source(r, "/nowhere"), 0);
	unlink(idx);
	pxr_list_free(l);
	pxr_list_free(r);
}

static void
test_shards(void)
{
	static const uint64_t totals[] = { 0, 1, 7, 100, 1281167,
		UINT64_C(18446744073709551000) };

	for (size_t t = 0; t < sizeof(totals) / sizeof(totals[0]); t++)
		for (uint64_t n = 1; n <= 64; n *= 3) {
			uint64_t next = 0, lo, hi, min = UINT64_MAX, max = 0;

			for (uint64_t k = 1; k <= n; k++) {
				pxr_list_shard(totals[t], k, n, &lo, &hi);
				/* contiguous, in order, each image once */
				EXPECT_INT(lo, next);
				next = hi;
				min = hi - lo < min ? hi - lo : min;
				max = hi - lo > max ? hi - lo : max;
			}
			EXPECT_INT(next == totals[t], 1);
			EXPECT_INT(max - min <= 1, 1);
		}
}

/* The part of the list a command line asks for, and the sets' status. */
static void
test_select(void)
{
	struct pxr_list_want w = { 0 };
	struct pxr_list_sel sel = { 0 };
	struct pxr_err err;
	unsigned char all[5] = { 1, 1, 0, 1, 1 };
	const unsigned char other[3] = { 1, 0, 1 };

	pxr_list_select(10, &w, &sel);
	EXPECT_INT(sel.lo, 0);
	EXPECT_INT(sel.hi, 10);
	w = (struct pxr_list_want){ .has_range = 1,
		.range_a = 4,
		.range_b = 99 };
	pxr_list_select(10, &w, &sel);
	EXPECT_INT(sel.lo, 4);
	EXPECT_INT(sel.hi, 10); /* cut at the end */
	w.range_a = 12;
	pxr_list_select(10, &w, &sel);
	EXPECT_INT(sel.lo, 10); /* an empty range past the end */
	EXPECT_INT(sel.hi, 10);
	w = (struct pxr_list_want){ .has_shard = 1,
		.shard_k = 2,
		.shard_n = 3 };
	pxr_list_select(10, &w, &sel);
	EXPECT_INT(sel.lo, 3);
	EXPECT_INT(sel.hi, 6);
	EXPECT_INT(pxr_list_want_check(&w, &err), 0);
	w.shard_k = 4;
	EXPECT_INT(pxr_list_want_check(&w, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "--shard 4/3");
	w.shard_k = 0;
	EXPECT_INT(pxr_list_want_check(&w, &err), -1);
	w = (struct pxr_list_want){ .has_range = 1,
		.range_a = 5,
		.range_b = 4 };
	EXPECT_INT(pxr_list_want_check(&w, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "--range 5:4");
	w.range_b = 5;
	w.has_shard = 1;
	w.shard_k = w.shard_n = 1;
	EXPECT_INT(pxr_list_want_check(&w, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "cannot be combined");
	/* Done in both, or not done; past the shorter file, not done. */
	pxr_status_and(all, 5, other, 3);
	EXPECT_INT(all[0], 1);
	EXPECT_INT(all[1], 0);
	EXPECT_INT(all[2], 0);
	EXPECT_INT(all[3], 0);
	EXPECT_INT(all[4], 0);
}

/* Sources as a command line gives them. */
static void
test_load(void)
{
	struct pxr_list *l = pxr_list_new(quiet, NULL);
	char dash[] = "-", nowhere[] = "/nowhere/x", etc[] = "/etc", idx[600];
	char *two[2] = { dir, dash }, *none[1] = { nowhere },
	     *other[1] = { etc };
	struct pxr_err err;

	EXPECT_INT(pxr_list_load(l, NULL, 2, two, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "cannot be mixed");
	EXPECT_INT(pxr_list_load(l, NULL, 1, none, &err), 1);
	EXPECT_INT(pxr_list_load(l, NULL, 1, two, &err), 0);
	EXPECT_INT(pxr_list_count(l), 4);
	snprintf(idx, sizeof(idx), "%s.idx", dir);
	EXPECT_INT(pxr_list_write_index(l, idx, &err), 0);
	pxr_list_free(l);
	l = pxr_list_new(quiet, NULL);
	EXPECT_INT(pxr_list_load(l, idx, 1, two, &err), 0);
	EXPECT_INT(pxr_list_count(l), 4);
	pxr_list_free(l);
	l = pxr_list_new(quiet, NULL);
	EXPECT_INT(pxr_list_load(l, idx, 1, other, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "/etc: not a source of the index");
	EXPECT_INT(pxr_list_outcome(l, 0), 0);
	EXPECT_INT(pxr_list_outcome(l, 1), 1);
	unlink(idx);
	pxr_list_free(l);
}

/*
 * The window callbacks libarchive calls to read an archive in place: every
 * position stays in [0, length] of the window, whatever the request.  The
 * file holds 100 bytes before the window, its 1000, and 300 after: a read
 * that left the window would return bytes of those.
 */
static void
test_window(void)
{
	unsigned char file[1400], buf[512];
	struct archive *a = archive_read_new();
	struct window w = { -1, 100, 1100, 100, buf, sizeof(buf) };
	const void *out;
	char path[600];
	FILE *f;

	for (size_t i = 0; i < sizeof(file); i++)
		file[i] = (unsigned char)(i * 7 + i / 256);
	snprintf(path, sizeof(path), "%s/window", dir);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(file, 1, sizeof(file), f) != sizeof(file) ||
	    fclose(f) != 0 || (w.fd = open(path, O_RDONLY)) == -1) {
		perror(path);
		exit(2);
	}
	/* From the start: whole blocks, then the rest, then the end. */
	EXPECT_INT(list_window_read(a, &w, &out), 512);
	EXPECT_INT(memcmp(out, file + 100, 512), 0);
	EXPECT_INT(list_window_read(a, &w, &out), 488);
	EXPECT_INT(memcmp(out, file + 612, 488), 0);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	/* SEEK_END: the length; back from it; past it is the end. */
	EXPECT_INT(list_window_seek(a, &w, 0, SEEK_END), 1000);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	EXPECT_INT(list_window_seek(a, &w, -10, SEEK_END), 990);
	EXPECT_INT(list_window_read(a, &w, &out), 10);
	EXPECT_INT(memcmp(out, file + 1090, 10), 0);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	EXPECT_INT(list_window_seek(a, &w, 10, SEEK_END), 1000);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	/* Past the end, from the start or from here: the end, where a
	 * read gives nothing (not the 300 bytes after the window). */
	EXPECT_INT(list_window_seek(a, &w, 1200, SEEK_SET), 1000);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	EXPECT_INT(list_window_seek(a, &w, 500, SEEK_SET), 500);
	EXPECT_INT(list_window_seek(a, &w, 700, SEEK_CUR), 1000);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	EXPECT_INT(list_window_seek(a, &w, INT64_MAX, SEEK_CUR), 1000);
	EXPECT_INT(list_window_seek(a, &w, INT64_MAX, SEEK_END), 1000);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	/* Before the start: refused, and the position kept. */
	EXPECT_INT(list_window_seek(a, &w, 40, SEEK_SET), 40);
	EXPECT_INT(list_window_seek(a, &w, -1, SEEK_SET), ARCHIVE_FATAL);
	EXPECT_INT(list_window_seek(a, &w, -41, SEEK_CUR), ARCHIVE_FATAL);
	EXPECT_INT(list_window_seek(a, &w, -1001, SEEK_END), ARCHIVE_FATAL);
	EXPECT_INT(list_window_seek(a, &w, INT64_MIN, SEEK_END), ARCHIVE_FATAL);
	EXPECT_INT(list_window_seek(a, &w, 0, 12345), ARCHIVE_FATAL);
	EXPECT_INT(list_window_seek(a, &w, 0, SEEK_CUR), 40);
	EXPECT_INT(list_window_read(a, &w, &out), 512);
	EXPECT_INT(memcmp(out, file + 140, 512), 0);
	EXPECT_INT(list_window_seek(a, &w, -1000, SEEK_END), 0);
	/* Skips go forward, and no further than the end. */
	EXPECT_INT(list_window_skip(a, &w, 990), 990);
	EXPECT_INT(list_window_skip(a, &w, 100), 10);
	EXPECT_INT(list_window_skip(a, &w, 100), 0);
	EXPECT_INT(list_window_skip(a, &w, -5), 0);
	EXPECT_INT(list_window_seek(a, &w, 0, SEEK_CUR), 1000);
	EXPECT_INT(list_window_read(a, &w, &out), 0);
	close(w.fd);
	unlink(path);
	archive_read_free(a);
}

/* ---- a folder of a source (pxr_list_set_under, top folders, subtree) */

/* Makes the folders of path (below dir), as mkdir -p. */
static void
make_parents(char *path)
{
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL;
	     p++) {
		*p = '\0';
		mkdir(path, 0777);
		*p = '/';
	}
}

/* The tree of the archives below: an ImageFolder dataset with a loose
 * image and a folder whose name begins as train's, which sort around
 * train's images ('-' and '.' come before '/'). */
static const char *const tree_files[][2] = {
	{ "train/cat/1.jpg", "one" },
	{ "train/cat/2.jpg", "two2" },
	{ "train/dog/sub/3.jpg", "three" },
	{ "train/notes.txt", "not an image" },
	{ "val/cat/4.jpg", "four4" },
	{ "val/dog/5.jpg", "five55" },
	{ "train-old/9.jpg", "nine" },
	{ "train.jpg", "loose" },
};
#define NTREE (sizeof(tree_files) / sizeof(tree_files[0]))

/* The tree at dir/ds. */
static void
make_tree(void)
{
	for (size_t i = 0; i < NTREE; i++) {
		char path[600];
		FILE *f;

		snprintf(path, sizeof(path), "%s/ds/%s", dir, tree_files[i][0]);
		make_parents(path);
		if ((f = fopen(path, "w")) == NULL ||
		    fputs(tree_files[i][1], f) == EOF || fclose(f) != 0) {
			perror(path);
			exit(2);
		}
	}
}

static void
add_member(struct archive *a, const char *name, const char *data)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, data ? AE_IFREG : AE_IFDIR);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, data ? (la_int64_t)strlen(data) : 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (data &&
		archive_write_data(a, data, strlen(data)) !=
		    (la_ssize_t)strlen(data))) {
		fprintf(stderr, "%s: %s\n", name, archive_error_string(a));
		exit(2);
	}
	archive_entry_free(e);
}

/* The tree as an archive at path (zip, or a ustar tar, gzipped or not),
 * its members' names begin with top ("./", "ds/" or ""), in the reverse
 * of their order in tree_files, with their folders (as tar -C ds . and
 * tar ds store them); "./" and "ds/" a folder of their own. */
static void
make_archive(const char *path, const char *top, int zip, int gzip)
{
	static const char *const folders[] = { "train/", "train/cat/",
		"train/dog/", "train/dog/sub/", "val/", "val/cat/", "val/dog/",
		"train-old/" };
	struct archive *a = archive_write_new();
	char name[300];

	if (zip)
		archive_write_set_format_zip(a);
	else
		archive_write_set_format_ustar(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
		exit(2);
	}
	if (*top != '\0')
		add_member(a, top, NULL);
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", top, folders[i]);
		add_member(a, name, NULL);
	}
	for (size_t i = NTREE; i-- > 0;) {
		snprintf(name, sizeof(name), "%s%s", top, tree_files[i][0]);
		add_member(a, name, tree_files[i][1]);
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
		exit(2);
	}
	archive_write_free(a);
}

/* The whole of a file, NUL-terminated; exits 2 if it cannot. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	if (f == NULL || buf == NULL) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A tar at path of one member name holding data. */
static void
make_small_archive(const char *path, const char *name, const char *data)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_ustar(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
		exit(2);
	}
	add_member(a, name, data);
	archive_write_close(a);
	archive_write_free(a);
}

/* Whether the index files of a and b are the same, byte for byte. */
static int
same_index(const struct pxr_list *a, const struct pxr_list *b)
{
	char pa[600], pb[600], *ta, *tb;
	struct pxr_err err;
	int same;

	snprintf(pa, sizeof(pa), "%s/a.idx", dir);
	snprintf(pb, sizeof(pb), "%s/b.idx", dir);
	if (pxr_list_write_index(a, pa, &err) == -1 ||
	    pxr_list_write_index(b, pb, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
	ta = slurp(pa);
	tb = slurp(pb);
	same = strcmp(ta, tb) == 0;
	if (!same)
		fprintf(stderr, "--- a\n%s--- b\n%s", ta, tb);
	free(ta);
	free(tb);
	unlink(pa);
	unlink(pb);
	return same;
}

/* The images of a and b: the same names and sizes, in the same order. */
static int
same_images(const struct pxr_list *a, const struct pxr_list *b)
{
	if (pxr_list_count(a) != pxr_list_count(b))
		return 0;
	for (uint64_t i = 0; i < pxr_list_count(a); i++) {
		size_t la, lb;
		const char *na = pxr_list_name(a, i, &la);
		const char *nb = pxr_list_name(b, i, &lb);

		if (la != lb || memcmp(na, nb, la) != 0 ||
		    pxr_list_size(a, i) != pxr_list_size(b, i))
			return 0;
	}
	return 1;
}

/* A list of one source, scanned (with the folder under, if not NULL)
 * and sorted. */
static struct pxr_list *
scanned(const char *path, const char *under, int want)
{
	struct pxr_list *l = pxr_list_new(quiet, NULL);
	struct pxr_err err;

	EXPECT_INT(pxr_list_set_under(l, under, &err), 0);
	EXPECT_INT(pxr_list_scan(l, path, &err), want);
	pxr_list_sort(l);
	return l;
}

static int
folder_is(const struct pxr_list_folder *f, const char *name, uint64_t first,
    uint64_t images)
{
	return f->len == strlen(name) && memcmp(f->name, name, f->len) == 0 &&
	    f->first == first && f->images == images;
}

/* The folders of the dataset at its top (top: "ds" or NULL) of the
 * whole list l: train-old, train and val, and the loose image. */
static void
check_top_folders(const struct pxr_list *l, const char *top)
{
	struct pxr_list_folder f[4];
	uint64_t loose = 99;

	EXPECT_INT(pxr_list_top_folders(l, top, f, 4, &loose), 3);
	EXPECT_INT(folder_is(&f[0], "train-old", 0, 1), 1);
	EXPECT_INT(folder_is(&f[1], "train", 2, 3), 1);
	EXPECT_INT(folder_is(&f[2], "val", 5, 2), 1);
	EXPECT_INT(loose, 1);
	/* Fewer kept than there are: the first, whole. */
	memset(f, 0, sizeof(f));
	EXPECT_INT(pxr_list_top_folders(l, top, f, 1, NULL), 3);
	EXPECT_INT(folder_is(&f[0], "train-old", 0, 1), 1);
	EXPECT_INT(f[1].len, 0);
	EXPECT_INT(pxr_list_top_folders(l, top, NULL, 0, NULL), 3);
}

/*
 * An ImageFolder tree as an archive in three shapes (tar -C ds ., tar ds,
 * tar -C ds train val ...), as a tar, a tar.gz and a zip: its split
 * folders found in one scan, and each split listed with
 * pxr_list_set_under, or made from the one scan with pxr_list_subtree,
 * is the folder itself: the names and sizes of a scan of ds/train, and
 * the two an identical index.
 */
static void
test_under(void)
{
	static const char *const tops[] = { "./", "ds/", "" };
	static const char *const kinds[] = { "tar", "tar.gz", "zip" };
	static const char *const splits[] = { "train", "val" };
	char path[600], tree[600], under[64];
	struct pxr_err err;

	make_tree();
	snprintf(tree, sizeof(tree), "%s/ds", dir);
	for (size_t t = 0; t < 3; t++)
		for (size_t k = 0; k < 3; k++) {
			const char *top = tops[t][0] == 'd' ? "ds" : NULL;
			struct pxr_list *whole;

			snprintf(path, sizeof(path), "%s/ds%zu.%s", dir, t,
			    kinds[k]);
			make_archive(path, tops[t], k == 2, k == 1);
			whole = scanned(path, NULL, 0);
			EXPECT_INT(pxr_list_count(whole), 7);
			check_top_folders(whole, top);
			for (size_t s = 0; s < 2; s++) {
				struct pxr_list *in, *folder, *sub;

				snprintf(under, sizeof(under), "%s%s%s",
				    top ? top : "", top ? "/" : "", splits[s]);
				snprintf(tree, sizeof(tree), "%s/ds/%s", dir,
				    splits[s]);
				in = scanned(path, under, 0);
				folder = scanned(tree, NULL, 0);
				sub = pxr_list_subtree(whole, under, &err);
				EXPECT_INT(pxr_list_count(in), s ? 2 : 3);
				EXPECT_INT(same_images(in, folder), 1);
				EXPECT_INT(sub != NULL, 1);
				if (sub != NULL)
					EXPECT_INT(same_index(in, sub), 1);
				/* The index keeps the folder: read back,
				 * the same index again. */
				{
					struct pxr_list *r =
					    pxr_list_new(quiet, NULL);
					char idx[600];

					snprintf(idx, sizeof(idx), "%s/r.idx",
					    dir);
					EXPECT_INT(
					    pxr_list_write_index(in, idx, &err),
					    0);
					EXPECT_INT(
					    pxr_list_read_index(r, idx, &err),
					    0);
					EXPECT_INT(
					    strcmp(r->srcs[0].under, under), 0);
					EXPECT_INT(same_index(in, r), 1);
					unlink(idx);
					pxr_list_free(r);
				}
				pxr_list_free(in);
				pxr_list_free(folder);
				pxr_list_free(sub);
			}
			/* Folders below a folder; a folder of none. */
			{
				struct pxr_list_folder f[2];
				uint64_t loose = 99;

				snprintf(under, sizeof(under), "%s%strain",
				    top ? top : "", top ? "/" : "");
				EXPECT_INT(pxr_list_top_folders(whole, under, f,
					       2, &loose),
				    2);
				EXPECT_INT(folder_is(&f[0], "cat", 2, 2), 1);
				EXPECT_INT(folder_is(&f[1], "dog", 4, 1), 1);
				EXPECT_INT(loose, 0);
				EXPECT_INT(pxr_list_top_folders(whole, "none",
					       f, 2, &loose),
				    0);
				EXPECT_INT(loose, 0);
			}
			pxr_list_free(whole);
			/* Not a folder in it: a prefix of one, a file. */
			pxr_list_free(scanned(path, "trai", -1));
			pxr_list_free(scanned(path, "train.jpg", -1));
			unlink(path);
		}
}

/* The folder of a tree: what a scan of the tree's folder lists, in an
 * index that names the tree; an archive in the folder read, one beside
 * it not (though its images' names are in it); made from the whole
 * scan, the same. */
static void
test_under_tree(void)
{
	char tree[600], sub[600], path[600];
	struct pxr_list *whole, *in, *folder, *s;
	struct pxr_err err;

	snprintf(tree, sizeof(tree), "%s/ds", dir);
	snprintf(path, sizeof(path), "%s/ds/train/dog/extra.tar", dir);
	make_small_archive(path, "e.jpg", "extra");
	snprintf(path, sizeof(path), "%s/ds/val.tar", dir);
	make_small_archive(path, "x/v.jpg", "beside");
	whole = scanned(tree, NULL, 0);
	/* 7 files, extra.tar's and val.tar's images */
	EXPECT_INT(pxr_list_count(whole), 9);
	for (int k = 0; k < 2; k++) {
		const char *split = k ? "val" : "train";

		snprintf(sub, sizeof(sub), "%s/ds/%s", dir, split);
		in = scanned(tree, split, 0);
		folder = scanned(sub, NULL, 0);
		s = pxr_list_subtree(whole, split, &err);
		EXPECT_INT(pxr_list_count(in), k ? 2 : 4);
		EXPECT_INT(same_images(in, folder), 1);
		EXPECT_INT(s != NULL && same_index(in, s), 1);
		/* The source is the tree, with the folder. */
		EXPECT_INT(pxr_list_has_source(in, tree), 1);
		EXPECT_INT(strcmp(in->srcs[0].under, split), 0);
		pxr_list_free(in);
		pxr_list_free(folder);
		pxr_list_free(s);
	}
	/* train's own archive: named in it, its source in the subtree. */
	s = pxr_list_subtree(whole, "train/dog", &err);
	EXPECT_INT(s != NULL && pxr_list_count(s) == 2, 1);
	EXPECT_INT(s != NULL && pxr_list_nsources(s) == 2, 1);
	if (s != NULL) {
		size_t len;

		EXPECT_INT(strcmp(pxr_list_name(s, 0, &len), "extra/e.jpg"), 0);
		EXPECT_INT(strcmp(s->srcs[1].prefix, "extra/"), 0);
		EXPECT_INT(strcmp(s->srcs[1].under, ""), 0);
		EXPECT_INT(strcmp(s->srcs[0].under, "train/dog"), 0);
	}
	pxr_list_free(s);
	pxr_list_free(whole);
	/* A folder the tree does not have, a file, an image file. */
	pxr_list_free(scanned(tree, "nope", -1));
	pxr_list_free(scanned(tree, "train.jpg", -1));
	snprintf(path, sizeof(path), "%s/ds/train.jpg", dir);
	pxr_list_free(scanned(path, "train", -1));
	{
		struct pxr_list *l = pxr_list_new(quiet, NULL);

		EXPECT_INT(pxr_list_set_under(l, "nope", &err), 0);
		EXPECT_INT(pxr_list_scan(l, tree, &err), -1);
		EXPECT_STR_CONTAINS(err.msg, "/ds: no folder 'nope' in it");
		pxr_list_free(l);
	}
}

/* What a folder may be: a path below the top, parts between single
 * '/'s, none empty, "." or "..". */
static void
test_under_paths(void)
{
	static const char *const bad[] = { "", "/", "/a", "./a", "a//b",
		"a/./b", "a/..", "..", ".", "a/../b" };
	struct pxr_list *l = pxr_list_new(quiet, NULL);
	struct pxr_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.code = 0;
		EXPECT_INT(pxr_list_set_under(l, bad[i], &err), -1);
		EXPECT_INT(err.code, PXR_E_USAGE);
		EXPECT_INT(pxr_list_subtree(l, bad[i], &err) == NULL, 1);
	}
	EXPECT_INT(pxr_list_subtree(l, NULL, &err) == NULL, 1);
	EXPECT_INT(pxr_list_set_under(l, "a/b//", &err), 0);
	EXPECT_INT(strcmp(l->under, "a/b"), 0);
	EXPECT_INT(pxr_list_set_under(l, "..a/b.", &err), 0);
	EXPECT_INT(pxr_list_set_under(l, NULL, &err), 0);
	EXPECT_INT(l->under == NULL, 1);
	pxr_list_free(l);
}

int
main(void)
{
	char rm[300];

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-list");
	test_order();
	test_index_round_trip();
	test_shards();
	test_select();
	test_load();
	test_window();
	test_under();
	test_under_tree();
	test_under_paths();
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir); /* this run's only */
	if (system(rm) != 0)
		return 2;
	UNIT_DONE();
}
