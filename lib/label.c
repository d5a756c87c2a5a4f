/*
 * label.c: class indices from names.  A training name carries its WNID
 * ("n01440764/n01440764_10026.JPEG": the n<8 digits>_ prefix of the file
 * name, or a folder named n<8 digits>); a validation name
 * ("ILSVRC2012_val_00000001.JPEG") has its WNID in the validation label
 * file, in one of the forms users have: one WNID per line (line i is image
 * i, as TensorFlow's and Metalhead's lists), Kaggle's LOC_val_solution.csv,
 * or "name WNID" pairs.  The class is the WNID's line in the synset list.
 */
#define _GNU_SOURCE /* qsort_r */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "label.h"
#include "pxr.h"

struct wnid {
	char id[PXR_WNID_LEN + 1];
	uint32_t cls; /* line in the synset list */
};

struct pxr_labeler {
	struct wnid *syn;                /* sorted by id, for lookup */
	char (*order)[PXR_WNID_LEN + 1]; /* in class order */
	size_t nsyn;
	char (*val)[PXR_WNID_LEN + 1]; /* val[i]: WNID of image i+1 */
	size_t nval;
	struct pxr_classes folders; /* folder mode: the class list */
	uint32_t *folder_cls;       /* its indices sorted by id, for lookup */
	size_t nfolders;            /* folders.n once it is loaded */
};

struct pxr_labeler *
pxr_labeler_new(struct pxr_err *err)
{
	struct pxr_labeler *lb = calloc(1, sizeof(*lb));

	if (lb == NULL)
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	return lb;
}

void
pxr_labeler_free(struct pxr_labeler *lb)
{
	if (lb == NULL)
		return;
	free(lb->syn);
	free(lb->order);
	free(lb->val);
	pxr_classes_free(&lb->folders);
	free(lb->folder_cls);
	free(lb);
}

static int
is_wnid(const char *s, size_t n)
{
	if (n != PXR_WNID_LEN || s[0] != 'n')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Next line of buf: [*s, *e) without its newline (and CR). */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*s = buf + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + (nl != NULL);
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* The first whitespace- or comma-separated token of a line. */
static size_t
token(const char *s, size_t n, const char **t)
{
	size_t i = 0, j;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	for (j = i; j < n && !isspace((unsigned char)s[j]) && s[j] != ','; j++)
		;
	*t = s + i;
	return j - i;
}

static int
cmp_wnid(const void *a, const void *b)
{
	return strcmp(((const struct wnid *)a)->id,
	    ((const struct wnid *)b)->id);
}

static int
set_synsets(struct pxr_labeler *lb, char (*ids)[PXR_WNID_LEN + 1], size_t n,
    const char *name, struct pxr_err *err)
{
	free(lb->syn);
	free(lb->order);
	lb->order = ids;
	lb->nsyn = n;
	if ((lb->syn = malloc(sizeof(*lb->syn) * (n ? n : 1))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		memcpy(lb->syn[i].id, ids[i], PXR_WNID_LEN + 1);
		lb->syn[i].cls = (uint32_t)i;
	}
	qsort(lb->syn, n, sizeof(*lb->syn), cmp_wnid);
	for (size_t i = 1; i < n; i++)
		if (strcmp(lb->syn[i - 1].id, lb->syn[i].id) == 0)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: %s is listed twice", name, lb->syn[i].id);
	return 0;
}

int
pxr_labeler_load_synsets(struct pxr_labeler *lb, const char *name,
    const char *buf, size_t len, struct pxr_err *err)
{
	char(*ids)[PXR_WNID_LEN + 1] = NULL;
	struct pxr_classes cl;
	size_t n;

	if (pxr_classes_parse(&cl, name, buf, len, err) == -1)
		return -1;
	if (cl.n == 0) {
		pxr_classes_free(&cl);
		return pxr_seterr(err, PXR_E_FORMAT, "%s: no synsets", name);
	}
	if ((ids = malloc(cl.n * sizeof(*ids))) == NULL) {
		pxr_classes_free(&cl);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < cl.n; i++) {
		const char *t = cl.v[i].id;
		size_t tl = strlen(t);

		if (!is_wnid(t, tl)) {
			pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: not a WNID (n and 8 digits): '%.*s'", name,
			    cl.v[i].line, (int)(tl > 40 ? 40 : tl), t);
			free(ids);
			pxr_classes_free(&cl);
			return -1;
		}
		memcpy(ids[i], t, PXR_WNID_LEN + 1);
	}
	n = cl.n;
	pxr_classes_free(&cl);
	return set_synsets(lb, ids, n, name, err);
}

/* Image number of a validation name, "ILSVRC2012_val_00000001.JPEG" -> 1,
 * from its basename; 0 if it is not one. */
static unsigned long
val_number(const char *name, size_t n)
{
	static const char pre[] = "ILSVRC2012_val_";
	const char *base = name, *p;
	unsigned long v = 0;
	int digits = 0;

	for (p = name; p < name + n; p++)
		if (*p == '/')
			base = p + 1;
	if ((size_t)(name + n - base) < sizeof(pre) - 1 + 8 ||
	    memcmp(base, pre, sizeof(pre) - 1) != 0)
		return 0;
	for (p = base + sizeof(pre) - 1;
	     p < name + n && isdigit((unsigned char)*p); p++, digits++)
		v = v * 10 + (unsigned long)(*p - '0');
	return digits == 8 && v > 0 && v <= 10000000 ? v : 0;
}

static int
set_val(struct pxr_labeler *lb, unsigned long num, const char *wnid,
    const char *name, size_t lineno, struct pxr_err *err)
{
	if (num > lb->nval) {
		size_t cap = lb->nval ? lb->nval : 1024;
		void *p;

		while (cap < num)
			cap *= 2;
		if ((p = realloc(lb->val, cap * sizeof(*lb->val))) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		lb->val = p;
		memset(lb->val + lb->nval, 0,
		    (cap - lb->nval) * sizeof(*lb->val));
		lb->nval = cap;
	}
	if (lb->val[num - 1][0] != '\0' &&
	    memcmp(lb->val[num - 1], wnid, PXR_WNID_LEN) != 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s:%zu: image %lu given two labels", name, lineno, num);
	memcpy(lb->val[num - 1], wnid, PXR_WNID_LEN);
	lb->val[num - 1][PXR_WNID_LEN] = '\0';
	return 0;
}

int
pxr_labeler_load_val(struct pxr_labeler *lb, const char *name, const char *buf,
    size_t len, enum pxr_valform *form, struct pxr_err *err)
{
	size_t pos = 0, lineno = 0, ln, img = 0;
	const char *s, *t;

	*form = PXR_VAL_LINES;
	{
		size_t p2 = 0, l2;
		const char *s2, *t2;

		while (next_line(buf, len, &p2, &s2, &l2) &&
		    token(s2, l2, &t2) == 0)
			;
		if (p2 > 0 && l2 >= 8 && memcmp(s2, "ImageId,", 8) == 0)
			*form = PXR_VAL_KAGGLE;
		else if (p2 > 0 && val_number(t2, token(s2, l2, &t2)))
			*form = PXR_VAL_PAIRS;
	}
	while (next_line(buf, len, &pos, &s, &ln)) {
		size_t tl = token(s, ln, &t);
		unsigned long num;

		lineno++;
		if (tl == 0)
			continue;
		if (*form == PXR_VAL_KAGGLE && lineno == 1)
			continue;
		if (*form == PXR_VAL_LINES) {
			if (!is_wnid(t, tl))
				return pxr_seterr(err, PXR_E_FORMAT,
				    "%s:%zu: not a WNID (n and 8 digits): "
				    "'%.*s'",
				    name, lineno, (int)(tl > 40 ? 40 : tl), t);
			if (set_val(lb, ++img, t, name, lineno, err) == -1)
				return -1;
			continue;
		}
		/* Kaggle "ImageId,WNID x y x y ..." or "name WNID". */
		if ((num = val_number(t, tl)) == 0)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: not a validation image name: '%.*s'", name,
			    lineno, (int)(tl > 40 ? 40 : tl), t);
		{
			const char *rest = t + tl, *w;
			size_t rl = (size_t)(s + ln - rest), wl;

			if (rl > 0 && *rest == ',') {
				rest++;
				rl--;
			}
			wl = token(rest, rl, &w);
			if (!is_wnid(w, wl))
				return pxr_seterr(err, PXR_E_FORMAT,
				    "%s:%zu: no WNID after the image name",
				    name, lineno);
			if (set_val(lb, num, w, name, lineno, err) == -1)
				return -1;
		}
	}
	if (img == 0 && *form == PXR_VAL_LINES)
		return pxr_seterr(err, PXR_E_FORMAT, "%s: no labels", name);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
pxr_labeler_derive_synsets(struct pxr_labeler *lb, struct pxr_err *err)
{
	char(*ids)[PXR_WNID_LEN + 1];
	size_t n = 0;

	if (lb->nsyn > 0 || lb->nfolders > 0)
		return 0;
	if (lb->nval == 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "no synset list (give --synsets FILE, or --val-labels to "
		    "derive it from)");
	if ((ids = malloc(lb->nval * sizeof(*ids))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < lb->nval; i++)
		if (lb->val[i][0] != '\0')
			memcpy(ids[n++], lb->val[i], PXR_WNID_LEN + 1);
	qsort(ids, n, sizeof(*ids), cmp_id);
	{
		size_t u = 0;

		for (size_t i = 0; i < n; i++)
			if (u == 0 || strcmp(ids[u - 1], ids[i]) != 0)
				memcpy(ids[u++], ids[i], PXR_WNID_LEN + 1);
		n = u;
	}
	return set_synsets(lb, ids, n, "validation labels", err);
}

/* qsort_r's order of folder indices by their names (ctx: the classes). */
static int
cmp_folder(const void *a, const void *b, void *ctx)
{
	const struct pxr_class *c = ctx;

	return strcmp(c[*(const uint32_t *)a].id, c[*(const uint32_t *)b].id);
}

int
pxr_labeler_load_folders(struct pxr_labeler *lb, const char *name,
    const char *buf, size_t len, struct pxr_err *err)
{
	struct pxr_classes *cl = &lb->folders;

	pxr_classes_free(cl);
	free(lb->folder_cls);
	lb->folder_cls = NULL;
	lb->nfolders = 0;
	if (pxr_classes_parse(cl, name, buf, len, err) == -1)
		return -1;
	for (size_t i = 0; i < cl->n; i++)
		if (strchr(cl->v[i].id, '/') != NULL)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: not a folder name: '%.40s'", name,
			    cl->v[i].line, cl->v[i].id);
	if (cl->n == 0)
		return pxr_seterr(err, PXR_E_FORMAT, "%s: no classes", name);
	if (cl->n > UINT32_MAX)
		return pxr_seterr(err, PXR_E_FORMAT, "%s: too many classes",
		    name);
	/* A sorted permutation, for bsearch by name. */
	if ((lb->folder_cls = malloc(cl->n * sizeof(uint32_t))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < cl->n; i++)
		lb->folder_cls[i] = (uint32_t)i;
	qsort_r(lb->folder_cls, cl->n, sizeof(uint32_t), cmp_folder, cl->v);
	for (size_t i = 1; i < cl->n; i++)
		if (strcmp(cl->v[lb->folder_cls[i - 1]].id,
			cl->v[lb->folder_cls[i]].id) == 0)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: class '%s' is listed twice", name,
			    cl->v[lb->folder_cls[i]].id);
	lb->nfolders = cl->n;
	return 0;
}

/* Folder mode: the class of the name's first folder, or -1. */
static int64_t
folder_class(const struct pxr_labeler *lb, const char *name,
    struct pxr_err *err)
{
	const char *slash = strchr(name, '/');
	size_t lo = 0, hi = lb->nfolders, n;

	if (slash == NULL)
		return pxr_seterr(err, PXR_E_IMAGE,
		    "not in a class folder (name has no '/')");
	n = (size_t)(slash - name);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *c = lb->folders.v[lb->folder_cls[mid]].id;
		int r = strncmp(c, name, n);

		if (r == 0 && c[n] != '\0')
			r = 1;
		if (r == 0)
			return lb->folder_cls[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return pxr_seterr(err, PXR_E_IMAGE,
	    "class folder '%.*s' is not in "
	    "the class list",
	    (int)(n > 200 ? 200 : n), name);
}

size_t
pxr_labeler_nsynsets(const struct pxr_labeler *lb)
{
	return lb->nfolders ? lb->nfolders : lb->nsyn;
}

const char *
pxr_labeler_synset(const struct pxr_labeler *lb, size_t i)
{
	return lb->nfolders ? lb->folders.v[i].id : lb->order[i];
}

/* The WNID a training name carries: the file name's n<8 digits>_ prefix,
 * else the nearest folder named n<8 digits>.  NULL if none. */
static const char *
wnid_of_name(const char *name, size_t n)
{
	const char *base = name, *p, *comp, *best = NULL;

	for (p = name; p < name + n; p++)
		if (*p == '/')
			base = p + 1;
	if ((size_t)(name + n - base) > PXR_WNID_LEN &&
	    is_wnid(base, PXR_WNID_LEN) && base[PXR_WNID_LEN] == '_')
		return base;
	for (comp = name; comp < base;) {
		const char *slash = memchr(comp, '/', (size_t)(base - comp));

		if (slash == NULL)
			break;
		if (is_wnid(comp, (size_t)(slash - comp)))
			best = comp;
		comp = slash + 1;
	}
	return best;
}

int64_t
pxr_label_of(const struct pxr_labeler *lb, const char *name,
    struct pxr_err *err)
{
	size_t n = strlen(name);
	unsigned long num = val_number(name, n);
	struct wnid key = { { 0 }, 0 }, *hit;
	const char *w;

	if (lb->nfolders > 0)
		return folder_class(lb, name, err);
	if (num > 0) {
		if (lb->val == NULL)
			return pxr_seterr(err, PXR_E_IMAGE,
			    "validation image without --val-labels");
		if (num > lb->nval || lb->val[num - 1][0] == '\0')
			return pxr_seterr(err, PXR_E_IMAGE,
			    "validation image %lu is not in the label file",
			    num);
		w = lb->val[num - 1];
	} else if ((w = wnid_of_name(name, n)) == NULL) {
		return pxr_seterr(err, PXR_E_IMAGE,
		    "no WNID (n and 8 digits) in the name");
	}
	memcpy(key.id, w, PXR_WNID_LEN);
	key.id[PXR_WNID_LEN] = '\0';
	hit = bsearch(&key, lb->syn, lb->nsyn, sizeof(*lb->syn), cmp_wnid);
	if (hit == NULL)
		return pxr_seterr(err, PXR_E_IMAGE,
		    "WNID %s is not in the synset list", key.id);
	return hit->cls;
}
