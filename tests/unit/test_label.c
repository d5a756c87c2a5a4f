/*
 * test_label.c: every label file form pxr-label reads, and the class of a
 * training name, a validation name and a folder name.
 */
#include <stdio.h>
#include <string.h>

#include "label.h"
#include "unit.h"

static const char synsets[] = "n01440764 tench, Tinca tinca\n"
			      "n01443537 goldfish\n"
			      "n01751748 sea snake\n";

static struct pxr_labeler *
labeler_with(const char *val, enum pxr_valform *form)
{
	struct pxr_labeler *lb;
	struct pxr_err err;

	lb = pxr_labeler_new(&err);
	EXPECT_INT(
	    pxr_labeler_load_synsets(lb, "s", synsets, strlen(synsets), &err),
	    0);
	if (val != NULL)
		EXPECT_INT(
		    pxr_labeler_load_val(lb, "v", val, strlen(val), form, &err),
		    0);
	EXPECT_INT(pxr_labeler_derive_synsets(lb, &err), 0);
	return lb;
}

static void
test_train_names(void)
{
	struct pxr_labeler *lb = labeler_with(NULL, NULL);
	struct pxr_err err;

	EXPECT_INT(pxr_labeler_nsynsets(lb), 3);
	EXPECT_INT(pxr_label_of(lb, "n01443537/n01443537_17.JPEG", &err), 1);
	EXPECT_INT(pxr_label_of(lb, "n01751748_3.JPEG", &err), 2);
	EXPECT_INT(pxr_label_of(lb, "n09999999_3.JPEG", &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "n09999999");
	pxr_labeler_free(lb);
}

static void
test_val_forms(void)
{
	static const char *const forms[] = {
		/* one WNID per line: line i is image i */
		"n01751748\nn01440764\n",
		/* Kaggle's CSV, rows in any order */
		"ImageId,PredictionString\n"
		"ILSVRC2012_val_00000002,n01440764 1 2 3 4 \n"
		"ILSVRC2012_val_00000001,n01751748 1 2 3 4 n01751748 5 6 7 8\n",
		/* name WNID pairs */
		"ILSVRC2012_val_00000002.JPEG n01440764\n"
		"ILSVRC2012_val_00000001.JPEG n01751748\n",
	};

	static const enum pxr_valform want[] = { PXR_VAL_LINES, PXR_VAL_KAGGLE,
		PXR_VAL_PAIRS };

	for (size_t i = 0; i < 3; i++) {
		enum pxr_valform form;
		struct pxr_labeler *lb = labeler_with(forms[i], &form);
		struct pxr_err err;

		EXPECT_INT(form, want[i]);
		EXPECT_INT(
		    pxr_label_of(lb, "ILSVRC2012_val_00000001.JPEG", &err), 2);
		EXPECT_INT(
		    pxr_label_of(lb, "ILSVRC2012_val_00000002.JPEG", &err), 0);
		EXPECT_INT(
		    pxr_label_of(lb, "ILSVRC2012_val_00000003.JPEG", &err), -1);
		pxr_labeler_free(lb);
	}
}

static void
test_folders(void)
{
	static const char classes[] =
	    "dog a good boy\ncat\nzebra\\ crossing x\n";
	struct pxr_labeler *lb;
	struct pxr_err err;

	lb = pxr_labeler_new(&err);
	EXPECT_INT(
	    pxr_labeler_load_folders(lb, "c", classes, strlen(classes), &err),
	    0);
	EXPECT_INT(pxr_labeler_nsynsets(lb), 3);
	EXPECT_INT(strcmp(pxr_labeler_synset(lb, 2), "zebra crossing"), 0);
	EXPECT_INT(pxr_label_of(lb, "cat/x.jpg", &err), 1);
	EXPECT_INT(pxr_label_of(lb, "zebra crossing/z.png", &err), 2);
	EXPECT_INT(pxr_label_of(lb, "emu/e.jpg", &err), -1);
	EXPECT_INT(pxr_label_of(lb, "stray.jpg", &err), -1);
	pxr_labeler_free(lb);
}

/* Both lists read by lib/classes.c's one rule: a comment is no class in
 * either, a comma is part of an id, a bad escape is refused. */
static void
test_class_list_rule(void)
{
	static const char folders[] = "# the set's folders\n"
				      "a,b\n"
				      "back\\\\slash x\n"
				      "\\#hash\n";
	static const char syn[] = "# ILSVRC2012\n"
				  "n01440764 tench, Tinca tinca\n";
	struct pxr_labeler *lb;
	struct pxr_err err;

	lb = pxr_labeler_new(&err);
	EXPECT_INT(
	    pxr_labeler_load_folders(lb, "c", folders, strlen(folders), &err),
	    0);
	EXPECT_INT(pxr_labeler_nsynsets(lb), 3);
	EXPECT_INT(pxr_label_of(lb, "a,b/x.jpg", &err), 0);
	EXPECT_INT(pxr_label_of(lb, "back\\slash/x.jpg", &err), 1);
	EXPECT_INT(pxr_label_of(lb, "#hash/x.jpg", &err), 2);
	EXPECT_INT(pxr_label_of(lb, "a/x.jpg", &err), -1);
	pxr_labeler_free(lb);

	lb = pxr_labeler_new(&err);
	EXPECT_INT(
	    pxr_labeler_load_folders(lb, "c", "ok\nback\\slash\n", 14, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "c:2: '\\' before 's' is not an escape");
	EXPECT_INT(pxr_labeler_load_folders(lb, "c", "a/b\n", 4, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "c:1: not a folder name: 'a/b'");
	EXPECT_INT(
	    pxr_labeler_load_folders(lb, "c", "a\n#b\n\\ \\ \n  a\n", 14, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "c: class 'a' is listed twice");
	EXPECT_INT(pxr_labeler_load_folders(lb, "c", "# none\n", 7, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "c: no classes");
	EXPECT_INT(pxr_labeler_load_synsets(lb, "s", syn, strlen(syn), &err),
	    0);
	EXPECT_INT(strcmp(pxr_labeler_synset(lb, 0), "n01440764"), 0);
	EXPECT_INT(
	    pxr_labeler_load_synsets(lb, "s", "n01440764,tench\n", 16, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg,
	    "s:1: not a WNID (n and 8 digits): 'n01440764,tench'");
	pxr_labeler_free(lb);
}

int
main(void)
{
	test_train_names();
	test_val_forms();
	test_folders();
	test_class_list_rule();
	UNIT_DONE();
}
