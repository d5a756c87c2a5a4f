/*
 * plan_class.c: the class list of a run (plan.h) and the sums its recipe
 * keeps: one list for every set of the run.  ImageNet: the given list,
 * the root's LOC_synset_mapping.txt, or the sorted WNIDs of the training
 * names (or of the validation labels), written as OUT/synsets.txt.
 * Folders: the given --classes, or the training split's top folders (else
 * every split's), sorted, written as OUT/classes.txt (classes.h's rule).
 */
#define _GNU_SOURCE /* qsort_r */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "label.h"
#include "list.h"
#include "plan_int.h"

void
plan_sum_lines(const char *text, size_t len, int first_words,
    char hex[PXR_SHA256_HEX_SIZE])
{
	struct pxr_sha256 c;
	unsigned char d[PXR_SHA256_SIZE];

	pxr_sha256_init(&c);
	for (size_t pos = 0; pos < len;) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - pos, b, w;

		pos += n + 1;
		b = strspn(s, " \t");
		if (b >= n) /* only blanks: awk's NF is 0 */
			continue;
		if (first_words) {
			for (w = b; w < n && s[w] != ' ' && s[w] != '\t'; w++)
				;
			pxr_sha256_update(&c, s + b, w - b);
		} else
			pxr_sha256_update(&c, s, n);
		pxr_sha256_update(&c, "\n", 1);
	}
	pxr_sha256_final(&c, d);
	pxr_sha256_hex(d, hex);
}

/* A growing set of words, sorted and unique at the end. */
struct words {
	char **v;
	size_t n, cap;
};

static int
words_add(struct words *w, const char *s, size_t len)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		char **v = realloc(w->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		w->v = v;
		w->cap = cap;
	}
	if ((w->v[w->n] = strndup(s, len)) == NULL)
		return -1;
	w->n++;
	return 0;
}

static int
by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* The words sorted, duplicates dropped, as lines (no newline after the
 * last), each escaped as a class list's id where ids: a malloc'd text
 * (NULL: out of memory). */
static char *
words_text(struct words *w, int ids)
{
	size_t cap = 1, used = 0, k = 0;
	char *t;

	if (w->n > 0)
		qsort(w->v, w->n, sizeof(*w->v), by_bytes);
	for (size_t i = 0; i < w->n; i++) {
		if (k > 0 && strcmp(w->v[i], w->v[k - 1]) == 0) {
			free(w->v[i]);
			continue;
		}
		w->v[k++] = w->v[i];
	}
	w->n = k;
	for (size_t i = 0; i < w->n; i++)
		cap += PXR_CLASS_ESC_SIZE + 1;
	if ((t = malloc(cap)) == NULL)
		return NULL;
	t[0] = '\0';
	for (size_t i = 0; i < w->n; i++) {
		char esc[PXR_CLASS_ESC_SIZE];
		struct pxr_err err;

		if (ids &&
		    pxr_class_escape(esc, sizeof(esc), w->v[i], &err) == -1) {
			free(t);
			errno = EINVAL;
			return NULL;
		}
		used += (size_t)snprintf(t + used, cap - used, "%s%s",
		    i ? "\n" : "", ids ? esc : w->v[i]);
	}
	return t;
}

/* The WNIDs in the names of s's index (every "n" and 8 digits in each,
 * as grep -o finds them), or, with folders, the first folder of each
 * name that has one, into w. */
static int
index_words(const struct pxr_plan_split *s, int folders, struct words *w,
    struct pxr_err *err)
{
	struct pxr_list *l = plan_open_index(s, err);
	uint64_t n;

	if (l == NULL)
		return -1;
	n = pxr_list_count(l);
	for (uint64_t i = 0; i < n; i++) {
		size_t len;
		const char *name = pxr_list_name(l, i, &len);
		const char *slash = memchr(name, '/', len);

		if (folders) {
			if (slash != NULL &&
			    words_add(w, name, (size_t)(slash - name)) == -1)
				goto nomem;
			continue;
		}
		for (size_t k = 0; k + 9 <= len; k++) {
			size_t d = 1;

			while (
			    d < 9 && name[k + d] >= '0' && name[k + d] <= '9')
				d++;
			if (name[k] != 'n' || d < 9)
				continue;
			if (words_add(w, name + k, 9) == -1)
				goto nomem;
			k += 8;
		}
	}
	pxr_list_free(l);
	return 0;
nomem:
	pxr_list_free(l);
	return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A folder run's classes: the training split's class folders, whichever
 * splits this run makes (so that every run into OUT numbers classes
 * alike), else every split folder's; without split folders, the one
 * split's. */
static int
folder_classes(struct pxr_plan *p, struct words *w, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	struct pxr_plan_split more, *s;
	int train = -1;

	if ((size_t)snprintf(p->classes, sizeof(p->classes), "%s/classes.txt",
		p->out) >= sizeof(p->classes))
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long",
		    p->out);
	if (!p->split_root)
		return plan_index_split(p, &p->splits[0], warn, ctx, err) ==
		    -1 ||
		    index_words(&p->splits[0], 1, w, err) == -1;
	for (size_t i = 0; i < p->nfound; i++)
		if (strcmp(p->found[i].name, "train") == 0)
			train = (int)i;
	for (size_t i = 0; i < p->nfound; i++) {
		int k = plan_split_named(p, p->found[i].name);

		if (train >= 0 && (int)i != train)
			continue;
		s = k >= 0 ? &p->splits[k] : &more;
		if (k < 0) {
			if (plan_init_split(p, &more, p->found[i].name,
				p->found[i].src, p->found[i].under, err) == -1)
				return -1;
			more.for_classes = 1;
		}
		if (plan_index_split(p, s, warn, ctx, err) == -1 ||
		    index_words(s, 1, w, err) == -1)
			return -1;
	}
	return 0;
}

/* An ImageNet run's classes, without a list: the training names' WNIDs,
 * else the validation labels'. */
static int
imagenet_classes(struct pxr_plan *p, struct words *w, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err)
{
	char tar[PATH_MAX + 32], dir[PATH_MAX + 8];
	struct pxr_plan_split more, *s = NULL;
	int k = plan_split_named(p, "train");

	if ((size_t)snprintf(p->classes, sizeof(p->classes), "%s/synsets.txt",
		p->out) >= sizeof(p->classes))
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long",
		    p->out);
	snprintf(tar, sizeof(tar), "%s/ILSVRC2012_img_train.tar", p->root);
	snprintf(dir, sizeof(dir), "%s/train", p->root);
	if (k >= 0)
		s = &p->splits[k];
	else if (is_dir(dir) || is_file(tar)) {
		if (plan_init_split(p, &more, "train", is_dir(dir) ? dir : tar,
			"", err) == -1)
			return -1;
		more.for_classes = 1;
		s = &more;
	}
	if (s != NULL)
		return plan_index_split(p, s, warn, ctx, err) == -1 ||
			index_words(s, 0, w, err) == -1
		    ? -1
		    : 0;
	if (p->val_labels[0] != '\0') {
		struct pxr_labeler *lb = pxr_labeler_new(err);
		enum pxr_valform form;
		size_t len;
		char *buf = lb != NULL
		    ? plan_read_file(p->val_labels, (size_t)1 << 28, &len, err)
		    : NULL;
		int r = buf != NULL &&
			pxr_labeler_load_val(lb, p->val_labels, buf, len, &form,
			    err) == 0 &&
			pxr_labeler_derive_synsets(lb, err) == 0
		    ? 0
		    : -1;

		for (size_t i = 0; r == 0 && i < pxr_labeler_nsynsets(lb); i++)
			if (words_add(w, pxr_labeler_synset(lb, i),
				strlen(pxr_labeler_synset(lb, i))) == -1)
				r = pxr_seterr(err, PXR_E_NOMEM,
				    "out of memory");
		free(buf);
		pxr_labeler_free(lb);
		if (r == -1)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: cannot read the validation labels",
			    p->val_labels);
		return 0;
	}
	return pxr_seterr(err, PXR_E_USAGE,
	    "no --synsets, no training set and no validation labels to "
	    "derive the classes from");
}

/* Class folders that are not classes: every one named as a split (a
 * tree with one folder level more than the root gives), refused; a single
 * one, said. */
static int
odd_classes(const struct pxr_plan *p, const struct words *w, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err)
{
	size_t splits = 0;

	if (w->n == 0)
		return 0;
	for (size_t i = 0; i < w->n; i++)
		for (size_t k = 0; k < PXR_PLAN_SPLITS; k++)
			splits += strcmp(w->v[i], plan_split_names[k]) == 0;
	if (splits == w->n)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: its class folders are split folders (%s%s%s): give "
		    "the folder or archive that holds train/ and val/ "
		    "themselves as the root",
		    p->root, w->v[0], w->n > 1 ? ", " : "",
		    w->n > 1 ? w->v[1] : "");
	if (w->n == 1)
		plan_note(warn, ctx,
		    "%s: one class only, '%s': if it holds the class folders, "
		    "give it as the root",
		    p->root, w->v[0]);
	return 0;
}

int
pxr_plan_classes(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	struct words w = { NULL, 0, 0 };
	char mapping[PATH_MAX + 32];
	size_t len;
	char *text;
	int r;

	snprintf(mapping, sizeof(mapping), "%s/LOC_synset_mapping.txt",
	    p->root);
	if (p->classes[0] == '\0' && !p->o.folder && is_file(mapping) &&
	    strlen(mapping) < sizeof(p->classes))
		strcpy(p->classes, mapping);
	if (p->classes[0] != '\0') { /* given, or the root's */
		if ((text = plan_read_file(p->classes, PXR_CLASSES_FILE_MAX,
			 &len, err)) == NULL)
			return -1;
		plan_sum_lines(text, len, 1, p->classes_sha);
		free(text);
		return 0;
	}
	r = p->o.folder ? folder_classes(p, &w, warn, ctx, err)
			: imagenet_classes(p, &w, warn, ctx, err);
	if (r == 0 && (p->derived = words_text(&w, p->o.folder)) == NULL)
		r = errno == EINVAL
		    ? pxr_seterr(err, PXR_E_FORMAT,
			  "%s: a class folder's name holds a line break, "
			  "which no class list can hold",
			  p->root)
		    : pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (r == 0 && p->derived != NULL && p->derived[0] == '\0')
		r = p->o.folder
		    ? pxr_seterr(err, PXR_E_FORMAT,
			  "%s: no image is in a class folder: each class's "
			  "images go in a folder of its own, ROOT/<class>/ "
			  "(or ROOT/train/<class>/ with split folders)",
			  p->root)
		    : pxr_seterr(err, PXR_E_FORMAT,
			  "no WNID in the training names to derive the "
			  "classes from");
	if (r == 0 && p->o.folder)
		r = odd_classes(p, &w, warn, ctx, err);
	words_free(&w);
	if (r == 0 && p->derived != NULL)
		plan_sum_lines(p->derived, strlen(p->derived), 1,
		    p->classes_sha);
	return r;
}
