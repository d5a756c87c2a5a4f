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
	struct pxr_pick p, q;
	struct pxr_err err;
	uint64_t i, j, seen = 0;

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
	/* Random: k draws within the tensor, the same for the same seed,
	 * others for another. */
	pxr_pick_init(&p, NULL, 200, 7);
	pxr_pick_init(&q, NULL, 200, 7);
	for (j = 0; pxr_pick_next(&p, 10, &i, &err) == 1; j++) {
		uint64_t i2 = 99;

		EXPECT_INT(pxr_pick_next(&q, 10, &i2, &err), 1);
		EXPECT_INT(i, i2);
		EXPECT_INT(i < 10, 1);
		seen |= UINT64_C(1) << i;
	}
	EXPECT_INT(j, 200);
	EXPECT_INT(seen, 0x3ff); /* 200 draws of 10 reach every one */
	pxr_pick_init(&p, NULL, 5, 7);
	pxr_pick_init(&q, NULL, 5, 8);
	for (j = 0, seen = 0; pxr_pick_next(&p, 1000, &i, &err) == 1; j++) {
		uint64_t i2 = i;

		EXPECT_INT(pxr_pick_next(&q, 1000, &i2, &err), 1);
		seen += i == i2;
	}
	EXPECT_INT(seen < 5, 1);
	/* The one seed whose mixed state is 0 draws like any other, not
	 * image 0 for ever. */
	pxr_pick_init(&p, NULL, 5, UINT64_C(1018231460777725123));
	for (seen = 0; pxr_pick_next(&p, 1000, &i, &err) == 1;)
		seen += i != 0;
	EXPECT_INT(seen > 0, 1);
	pxr_pick_init(&p, NULL, 5, 7);
	EXPECT_INT(pxr_pick_next(&p, 0, &i, &err), 0); /* an empty tensor */
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
	test_labels_for();
	test_captions();
	UNIT_DONE();
}
