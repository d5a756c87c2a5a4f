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
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir); /* this run's only */
	if (system(rm) != 0)
		return 2;
	UNIT_DONE();
}
