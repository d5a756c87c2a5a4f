/*
 * test_unpack.c: the way back out: which images of a tensor are read
 * (a list, seeded random draws, all), the labels file found beside it, and
 * the captions of a contact sheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "unpack.h"

static void
test_pick(void)
{
	struct pxr_pick p;
	struct pxr_err err;
	uint64_t i, j;

	pxr_pick_init(&p, "3,0,12", 0, 1);
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), 1);
	EXPECT_INT(i, 3);
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), 1);
	EXPECT_INT(i, 0);
	/* Past the end is the reader's to refuse, with the tensor's name. */
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), 1);
	EXPECT_INT(i, 12);
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), 0);
	pxr_pick_init(&p, "1,x", 0, 1);
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), 1);
	EXPECT_INT(i, 1);
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "--pick");
	pxr_pick_init(&p, "2;", 0, 1);
	EXPECT_INT(pxr_pick_next(&p, 5, &i, &err), -1);
	/* All, in order. */
	pxr_pick_init(&p, NULL, 0, 1);
	for (j = 0; pxr_pick_next(&p, 4, &i, &err) == 1; j++)
		EXPECT_INT(i, j);
	EXPECT_INT(j, 4);
	/* Random: see test_random. */
	pxr_pick_init(&p, NULL, 5, 7);
	EXPECT_INT(pxr_pick_next(&p, 0, &i, &err), 0); /* an empty tensor */
}

/* Draws k of n with the seed into out (at most max); how many. */
static uint64_t
draws(uint64_t n, uint64_t k, uint64_t seed, uint64_t *out, uint64_t max)
{
	struct pxr_pick p;
	struct pxr_err err;
	uint64_t i, got = 0;

	pxr_pick_init(&p, NULL, k, seed);
	while (pxr_pick_next(&p, n, &i, &err) == 1) {
		if (got < max)
			out[got] = i;
		got++;
	}
	return got;
}

static void
test_random(void)
{
	static unsigned char seen[5000];
	static const uint64_t want10[10] = { 3, 9, 7, 2, 8, 4, 0, 6, 5, 1 };
	static const uint64_t want_big[4] = { 376181, 143775, 1062545,
		1070211 };
	uint64_t a[5000], b[5000], same;

	/* Without replacement: --random n of n (and more) is every index
	 * once, for every n up to 20, a few larger ones, and any seed. */
	for (uint64_t n = 1; n <= 5000; n = n < 20 ? n + 1 : n * 3 + 1)
		for (uint64_t seed = 1; seed <= 3; seed++) {
			uint64_t dup = 0, got = draws(n, n + 7, seed, a, n);

			EXPECT_INT(got, n);
			memset(seen, 0, sizeof(seen));
			for (uint64_t k = 0; k < got; k++) {
				dup += a[k] >= n || seen[a[k]];
				if (a[k] < n)
					seen[a[k]] = 1;
			}
			EXPECT_INT(dup, 0);
		}
	/* The same draws for a seed, on every machine (integer arithmetic
	 * only): these. */
	EXPECT_INT(draws(10, 10, 1, a, 10), 10);
	for (int k = 0; k < 10; k++)
		EXPECT_INT(a[k], want10[k]);
	EXPECT_INT(draws(1281167, 4, 1, a, 4), 4);
	for (int k = 0; k < 4; k++)
		EXPECT_INT(a[k], want_big[k]);
	/* --random k's draws begin --random k+1's; another seed, others. */
	draws(50000, 10, 7, a, 10);
	draws(50000, 11, 7, b, 11);
	EXPECT_INT(memcmp(a, b, 10 * sizeof(*a)), 0);
	draws(50000, 10, 8, b, 10);
	same = 0;
	for (int k = 0; k < 10; k++)
		same += a[k] == b[k];
	EXPECT_INT(same < 3, 1);
	/* Seed 0 and the largest draw as well as any other. */
	EXPECT_INT(draws(1000, 5, 0, a, 5), 5);
	EXPECT_INT(draws(1000, 5, UINT64_MAX, a, 5), 5);
}

static void
test_labels_for(void)
{
	char dir[200], x[256], y[256], want[256];
	FILE *f;

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-unpack");
	snprintf(x, sizeof(x), "%s/X_val.raw", dir);
	snprintf(want, sizeof(want), "%s/Y_val.raw", dir);
	EXPECT_INT(pxr_tensor_labels_for(x, y, sizeof(y)), -1); /* no Y */
	if ((f = fopen(want, "w")) == NULL || fclose(f) != 0)
		exit(2);
	EXPECT_INT(pxr_tensor_labels_for(x, y, sizeof(y)), 0);
	EXPECT_INT(strcmp(y, want), 0);
	EXPECT_INT(pxr_tensor_labels_for("data.raw", y, sizeof(y)), -1);
	EXPECT_INT(pxr_tensor_labels_for(x, y, 8), -1); /* does not fit */
	unlink(want);
	rmdir(dir);
}

static void
test_captions(void)
{
	char text[] = "n01440764 tench, Tinca tinca\r\n"
		      "\n"
		      "  \t \r\n" /* blank: no class, as for pxr-label */
		      "n01443537 goldfish\n"
		      "n01484850\r\n"
		      "  n01491361 tiger shark, Galeocerdo cuvieri\n";
	char none[] = "", line[2][256];
	struct pxr_record rec;
	struct pxr_err err;
	size_t n;
	char **names = pxr_class_captions("c", text, strlen(text), &n, &err);

	EXPECT_INT(n, 4);
	EXPECT_INT(strcmp(names[0], "tench"), 0);
	EXPECT_INT(strcmp(names[1], "goldfish"), 0);
	EXPECT_INT(strcmp(names[2], "n01484850"), 0); /* the WNID alone */
	EXPECT_INT(strcmp(names[3], "tiger shark"), 0);

	pxr_record_init(&rec);
	rec.index = 7;
	rec.label = 2;
	rec.name = "train/n01443537/x.JPEG";
	rec.name_len = strlen(rec.name);
	pxr_sheet_caption(&rec, 1, names, n, line);
	EXPECT_INT(strcmp(line[0], "#7 y=2"), 0);
	EXPECT_INT(strcmp(line[1], "goldfish"), 0);
	pxr_sheet_caption(&rec, 0, names, n, line);
	EXPECT_INT(strcmp(line[1], "n01484850"), 0);
	rec.label = 9;
	pxr_sheet_caption(&rec, 1, names, n, line);
	EXPECT_INT(strcmp(line[1], "(not in the class list)"), 0);
	rec.label = PXR_LABEL_NONE;
	pxr_sheet_caption(&rec, 1, names, n, line);
	EXPECT_INT(strcmp(line[0], "#7 no label"), 0);
	EXPECT_INT(strcmp(line[1], "train/n01443537/x.JPEG"), 0);
	pxr_class_captions_free(names, n);

	names = pxr_class_captions("c", none, 0, &n, &err); /* empty, fine */
	EXPECT_INT(names != NULL, 1);
	EXPECT_INT(n, 0);
	pxr_class_captions_free(names, n);
}

int
main(void)
{
	test_pick();
	test_random();
	test_labels_for();
	test_captions();
	UNIT_DONE();
}
