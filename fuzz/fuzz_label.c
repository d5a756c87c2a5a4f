/*
 * fuzz_label.c: libFuzzer target for the label-file parsers of lib/label.c.
 * The input is read as each kind of file pxr-label takes: a synset list, a
 * validation label file (one WNID per line, Kaggle's CSV or "name WNID"
 * pairs, told apart by its first line) with the synsets derived from it,
 * and a folder class list.  Each labeler that loads is then asked for the
 * class of the input's first lines taken as image names, and of a few
 * fixed names, as pxr-label does for each record.  Bounded: the parsers'
 * work is linear in the input, and the largest table is the named bound
 * on a validation image number.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "label.h"
#include "pxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAMES_MAX 64 /* lines of the input also tried as image names */

static const char *const fixed_names[] = {
	"n01440764/n01440764_10026.JPEG",
	"train/n01443537/x.JPEG",
	"ILSVRC2012_val_00000001.JPEG",
	"val/ILSVRC2012_val_00050000.JPEG",
	"ILSVRC2012_val_10000000.JPEG",
	"cat/0001.jpg",
	"noslash.jpg",
	"",
};

/* Looks up the fixed names and the input's first lines (NUL-free, each
 * a C string) in lb; checks that every class found is in range. */
static void
lookup(const struct pxr_labeler *lb, const char *data, size_t size)
{
	struct pxr_err err;
	size_t pos = 0, n = 0, nsyn = pxr_labeler_nsynsets(lb);
	char name[512];
	int64_t c;

	for (size_t i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]);
	     i++) {
		c = pxr_label_of(lb, fixed_names[i], &err);
		if (c != -1 && (c < 0 || (uint64_t)c >= nsyn))
			PXR_BUG("class out of range");
	}
	while (pos < size && n++ < NAMES_MAX) {
		const char *s = data + pos, *nl = memchr(s, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - s) : size - pos;

		pos += len + (nl != NULL);
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, s, len);
		name[len] = '\0';
		c = pxr_label_of(lb, name, &err);
		if (c != -1 && (c < 0 || (uint64_t)c >= nsyn))
			PXR_BUG("class out of range");
		if (c != -1 && pxr_labeler_synset(lb, (size_t)c) == NULL)
			PXR_BUG("class without a name");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct pxr_labeler *lb;
	enum pxr_valform form;
	struct pxr_err err;

	/* A synset list. */
	if ((lb = pxr_labeler_new(&err)) == NULL)
		return 0;
	if (pxr_labeler_load_synsets(lb, "syn", buf, size, &err) == 0)
		lookup(lb, buf, size);
	pxr_labeler_free(lb);

	/* A validation label file, synsets derived from it. */
	if ((lb = pxr_labeler_new(&err)) == NULL)
		return 0;
	if (pxr_labeler_load_val(lb, "val", buf, size, &form, &err) == 0 &&
	    pxr_labeler_derive_synsets(lb, &err) == 0)
		lookup(lb, buf, size);
	pxr_labeler_free(lb);

	/* A validation label file with a fixed synset list. */
	if ((lb = pxr_labeler_new(&err)) == NULL)
		return 0;
	if (pxr_labeler_load_synsets(lb, "syn", "n01440764\nn01443537\n", 20,
		&err) == 0 &&
	    pxr_labeler_load_val(lb, "val", buf, size, &form, &err) == 0)
		lookup(lb, buf, size);
	pxr_labeler_free(lb);

	/* A folder class list. */
	if ((lb = pxr_labeler_new(&err)) == NULL)
		return 0;
	if (pxr_labeler_load_folders(lb, "classes", buf, size, &err) == 0)
		lookup(lb, buf, size);
	pxr_labeler_free(lb);
	return 0;
}
