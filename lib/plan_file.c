/*
 * plan_file.c: a split's plan as "key value" lines (plan.h), written by
 * pxr-plan plan and read back by pxr-plan argv into each stage's
 * arguments.  The plan says what a shard runs in the library's own words
 * (filter, preset and layout names, paths); the options of the programs
 * that run it are written here, from it, and nowhere else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"

/* Bytes a plan may have: a few hundred per set. */
#define PLAN_MAX (1 << 20)

char *
plan_text(const struct pxr_plan *p, const struct pxr_plan_split *s)
{
	size_t len = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, "pxr %s\nsplit %s\nsource %s\nindex %s\n",
	    PXR_VERSION_STRING, s->name, s->src, s->index);
	fprintf(f, "images %llu\nshards %llu\nshard_dir %s/%s.shards\n",
	    (unsigned long long)s->images, (unsigned long long)s->shards,
	    p->state, s->name);
	fprintf(f, "%s %s\n", p->o.folder ? "classes" : "synsets", p->classes);
	if (strcmp(s->name, "val") == 0 && !p->o.folder)
		fprintf(f, "val_labels %s\n", p->val_labels);
	fprintf(f, "base %d\nlike %s\n", p->o.base, pxr_like_name(p->o.like));
	if (s->fast_side > 0)
		fprintf(f, "fast_side %u\n", s->fast_side);
	if (p->o.exif_rotate)
		fprintf(f, "exif_rotate 1\n");
	if (p->o.sheet)
		fprintf(f, "sheet %s/sheet_%s.png\n", p->out, s->name);
	fprintf(f, "sets %zu\n", s->nsets);
	for (size_t i = 0; i < s->nsets; i++) {
		const struct pxr_plan_set *st = &s->sets[i];

		fprintf(f, "set.%zu %s\nx.%zu %s\ny.%zu %s\n", i, st->name, i,
		    st->x, i, st->y);
		if (st->g.squash)
			fprintf(f, "squash.%zu %u\n", i, st->g.side);
		else if (st->g.keep)
			fprintf(f, "keep.%zu %s %u\n", i,
			    st->g.maxside ? "max" : "short",
			    st->g.maxside ? st->g.maxside : st->g.shortside);
		else
			fprintf(f, "crop.%zu %u %u\n", i, st->g.shortside,
			    st->g.side);
		fprintf(f, "filter.%zu %s\n", i,
		    plan_set_notebook(p, st) ? "notebook"
					     : pxr_filter_name(st->filter));
	}
	if (fclose(f) == EOF) {
		free(text);
		return NULL;
	}
	return text;
}

const char *
pxr_plan_file_get(const struct pxr_plan_file *f, const char *key, char *buf,
    size_t size)
{
	size_t klen = strlen(key);

	if (f->text == NULL)
		return NULL;
	for (const char *s = f->text; *s != '\0';) {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);

		if (n > klen && strncmp(s, key, klen) == 0 && s[klen] == ' ') {
			if (n - klen - 1 >= size)
				return NULL;
			memcpy(buf, s + klen + 1, n - klen - 1);
			buf[n - klen - 1] = '\0';
			return buf;
		}
		s += n + (nl != NULL);
	}
	return NULL;
}

void
pxr_plan_file_free(struct pxr_plan_file *f)
{
	free(f->text);
	f->text = NULL;
}

int
pxr_plan_file_read(struct pxr_plan_file *f, const char *path,
    struct pxr_err *err)
{
	char v[64], split[PXR_PLAN_NAME], n[16];
	size_t len;

	memset(f, 0, sizeof(*f));
	f->name = path;
	if ((f->text = plan_read_file(path, PLAN_MAX, &len, err)) == NULL)
		return -1;
	if (strlen(f->text) != len || (len > 0 && f->text[len - 1] != '\n') ||
	    pxr_plan_file_get(f, "pxr", v, sizeof(v)) == NULL ||
	    pxr_plan_file_get(f, "split", split, sizeof(split)) == NULL ||
	    pxr_plan_file_get(f, "sets", n, sizeof(n)) == NULL ||
	    (f->nsets = (unsigned)strtoul(n, NULL, 10)) == 0 ||
	    f->nsets > PXR_PLAN_SETS) {
		pxr_plan_file_free(f);
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: not a plan of pxr-plan (plan again)", path);
	}
	if (strcmp(v, PXR_VERSION_STRING) != 0) {
		pxr_plan_file_free(f);
		return pxr_seterr(err, PXR_E_VERSION,
		    "%s: planned by pxr %s, but this is pxr %s; install one "
		    "version everywhere and plan again",
		    split, v, PXR_VERSION_STRING);
	}
	return 0;
}

/* Where the arguments go: out, and what is used of it. */
struct args {
	char *out;
	size_t size, used;
	int full;
};

static void
arg(struct args *a, const char *s)
{
	size_t n = strlen(s) + 1;

	if (a->used + n > a->size) {
		a->full = 1;
		return;
	}
	memcpy(a->out + a->used, s, n);
	a->used += n;
}

/* key.n's value (or key's, n < 0) as an argument; 0, or -1 where the
 * plan lacks it. */
static int
arg_key(struct args *a, const struct pxr_plan_file *f, const char *key, int n)
{
	char k[64], v[PATH_MAX + 64];

	if (n >= 0)
		snprintf(k, sizeof(k), "%s.%d", key, n);
	else
		snprintf(k, sizeof(k), "%s", key);
	if (pxr_plan_file_get(f, k, v, sizeof(v)) == NULL)
		return -1;
	arg(a, v);
	return 0;
}

/* The shaping options of set n that pxr-decode --short/--size and
 * pxr-resize share: the whole image to NxN; the whole image at its aspect
 * ratio, the preset's resize of the short side, or the long side to at
 * most N in FFCV's rounding; or the preset's resize of the short side then
 * a window. */
static int
shape_args(struct args *a, const struct pxr_plan_file *f, unsigned n)
{
	char k[32], v[64], sz[160];
	unsigned s1, s2;

	snprintf(k, sizeof(k), "squash.%u", n);
	if (pxr_plan_file_get(f, k, v, sizeof(v)) != NULL) {
		snprintf(sz, sizeof(sz), "%sx%s", v, v);
		arg(a, "--size");
		arg(a, sz);
	} else if (snprintf(k, sizeof(k), "keep.%u", n) > 0 &&
	    pxr_plan_file_get(f, k, v, sizeof(v)) != NULL) {
		int max = strncmp(v, "max ", 4) == 0;

		if ((!max && strncmp(v, "short ", 6) != 0) ||
		    sscanf(v + (max ? 4 : 6), "%u", &s1) != 1)
			return -1;
		arg(a, "--like");
		if (arg_key(a, f, "like", -1) == -1)
			return -1;
		snprintf(sz, sizeof(sz), "%u", s1);
		arg(a, max ? "--max-side" : "--short");
		arg(a, sz);
		if (max) {
			arg(a, "--round");
			arg(a, "ffcv");
		}
	} else {
		snprintf(k, sizeof(k), "crop.%u", n);
		if (pxr_plan_file_get(f, k, v, sizeof(v)) == NULL ||
		    sscanf(v, "%u %u", &s1, &s2) != 2)
			return -1;
		arg(a, "--like");
		if (arg_key(a, f, "like", -1) == -1)
			return -1;
		snprintf(sz, sizeof(sz), "%u", s1);
		arg(a, "--short");
		arg(a, sz);
		snprintf(sz, sizeof(sz), "%u", s2);
		arg(a, "--crop");
		arg(a, sz);
	}
	/* The notebook's chain is the preset's own: no filter to name. */
	snprintf(k, sizeof(k), "filter.%u", n);
	if (pxr_plan_file_get(f, k, v, sizeof(v)) != NULL &&
	    strcmp(v, "notebook") == 0)
		return 0;
	arg(a, "--filter");
	return arg_key(a, f, "filter", (int)n);
}

static int
list_args(struct args *a, const struct pxr_plan_file *f, const char *shard)
{
	char x[PATH_MAX + 16];
	unsigned long k, n;
	char end;

	if (shard == NULL || sscanf(shard, "%lu/%lu%c", &k, &n, &end) != 2 ||
	    k < 1 || k > n || shard[0] < '1' || shard[0] > '9')
		return -2;
	arg(a, "--from-index");
	if (arg_key(a, f, "index", -1) == -1)
		return -1;
	arg(a, "--shard");
	arg(a, shard);
	for (unsigned i = 0; i < f->nsets; i++) {
		char key[16];

		snprintf(key, sizeof(key), "x.%u", i);
		if (pxr_plan_file_get(f, key, x, sizeof(x) - 8) == NULL)
			return -1;
		strcat(x, ".status");
		arg(a, "--skip-done");
		arg(a, x);
	}
	return arg_key(a, f, "source", -1);
}

static int
label_args(struct args *a, const struct pxr_plan_file *f)
{
	char v[PATH_MAX];
	int folder = pxr_plan_file_get(f, "classes", v, sizeof(v)) != NULL;

	arg(a, "--base");
	if (arg_key(a, f, "base", -1) == -1)
		return -1;
	arg(a, folder ? "--classes" : "--synsets");
	if (arg_key(a, f, folder ? "classes" : "synsets", -1) == -1)
		return -1;
	if (pxr_plan_file_get(f, "val_labels", v, sizeof(v)) != NULL) {
		arg(a, "--val-labels");
		arg(a, v);
	}
	return 0;
}

/* The contact sheet of the main set (plan's "sheet"): ten random images
 * (fewer in a smaller set), pick, then a 5x2 sheet of them captioned with
 * their classes. */
static int
sheet_args(struct args *a, const struct pxr_plan_file *f, int pick)
{
	char v[PATH_MAX], n[32];
	unsigned long k;

	if (pxr_plan_file_get(f, "images", n, sizeof(n)) == NULL)
		return -1;
	k = strtoul(n, NULL, 10);
	snprintf(n, sizeof(n), "%lu", k < 10 ? k : 10);
	if (pick) {
		arg(a, "--tensor");
		if (arg_key(a, f, "x", 0) == -1)
			return -1;
		arg(a, "--random");
		arg(a, n);
		arg(a, "--seed");
		arg(a, "1");
		return 0;
	}
	arg(a, "--sheet");
	arg(a, "5x2");
	arg(a, "--classes");
	if (arg_key(a, f,
		pxr_plan_file_get(f, "classes", v, sizeof(v)) ? "classes"
							      : "synsets",
		-1) == -1)
		return -1;
	arg(a, "--base");
	if (arg_key(a, f, "base", -1) == -1)
		return -1;
	arg(a, "-o");
	return arg_key(a, f, "sheet", -1);
}

int
pxr_plan_file_args(const struct pxr_plan_file *f, enum pxr_stage st, unsigned n,
    const char *shard, char *out, size_t size, size_t *used,
    struct pxr_err *err)
{
	struct args a = { out, size, 0, 0 };
	char v[PATH_MAX];
	int r = 0;

	if (st >= PXR_STAGE_SHAPE && n >= f->nsets)
		return pxr_seterr(err, PXR_E_USAGE, "%s: no set %u (it has %u)",
		    f->name, n, f->nsets);
	switch (st) {
	case PXR_STAGE_LIST:
		r = list_args(&a, f, shard);
		break;
	case PXR_STAGE_DECODE:
		if (pxr_plan_file_get(f, "fast_side", v, sizeof(v)) != NULL) {
			arg(&a, "--min-side");
			arg(&a, v);
		}
		if (pxr_plan_file_get(f, "exif_rotate", v, sizeof(v)) != NULL)
			arg(&a, "--exif-rotate");
		if (f->nsets == 1)
			r = shape_args(&a, f, 0);
		else if (pxr_plan_file_get(f, "like", v, sizeof(v)) != NULL &&
		    strcmp(v, "notebook") == 0) { /* its decode for all sets */
			arg(&a, "--like");
			arg(&a, "notebook");
		}
		break;
	case PXR_STAGE_LABEL:
		r = label_args(&a, f);
		break;
	case PXR_STAGE_SHAPE:
		r = shape_args(&a, f, n);
		break;
	case PXR_STAGE_PICK:
		r = sheet_args(&a, f, 1);
		break;
	case PXR_STAGE_SHEET:
		r = sheet_args(&a, f, 0);
		break;
	case PXR_STAGE_FINISH:
		arg(&a, "--finish");
		arg(&a, "--synsets");
		r = arg_key(&a, f,
		    pxr_plan_file_get(f, "classes", v, sizeof(v)) ? "classes"
								  : "synsets",
		    -1);
		/* FALLTHROUGH */
	case PXR_STAGE_PACK:
		if (r == 0)
			r = arg_key(&a, f, "x", (int)n) |
			    arg_key(&a, f, "y", (int)n);
		break;
	}
	if (r == -2)
		return pxr_seterr(err, PXR_E_USAGE,
		    "shard: K/N wanted, not '%s'", shard != NULL ? shard : "");
	if (r != 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: a plan with a line missing (plan again)", f->name);
	if (a.full)
		return pxr_seterr(err, PXR_E_USAGE, "%s: arguments too long",
		    f->name);
	*used = a.used;
	return 0;
}

/* len bytes of buf into dir/file; 0 or -1. */
static int
put(const char *dir, const char *file, const char *buf, size_t len,
    struct pxr_err *err)
{
	char path[PATH_MAX + 64];
	FILE *fp;
	int bad;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fp = fopen(path, "w")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	bad = fwrite(buf, 1, len, fp) != len;
	if (fclose(fp) == EOF || bad)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	return 0;
}

int
pxr_plan_file_stages(const struct pxr_plan_file *f, const char *shard,
    const char *dir, struct pxr_err *err)
{
	static const char *const sets[] = { "shape", "pack", "finish" };
	char *buf, file[32], sd[PATH_MAX] = "", split[PXR_PLAN_NAME] = "";
	size_t size = 1 << 16, used = 0;
	int r = 0;

	if ((buf = malloc(size)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (int s = PXR_STAGE_LIST; r == 0 && s <= PXR_STAGE_LABEL; s++) {
		static const char *const name[] = { "list", "decode", "label" };

		r = pxr_plan_file_args(f, (enum pxr_stage)s, 0, shard, buf,
			size, &used, err) == -1 ||
		    put(dir, name[s], buf, used, err) == -1;
	}
	for (unsigned i = 0; r == 0 && i < f->nsets; i++)
		for (int k = 0; r == 0 && k < 3; k++) {
			snprintf(file, sizeof(file), "%s.%u", sets[k], i);
			r = pxr_plan_file_args(f, PXR_STAGE_SHAPE + k, i, NULL,
				buf, size, &used, err) == -1 ||
			    put(dir, file, buf, used, err) == -1;
		}
	if (r == 0 && pxr_plan_file_get(f, "sheet", sd, sizeof(sd)) != NULL)
		r = pxr_plan_file_args(f, PXR_STAGE_PICK, 0, NULL, buf, size,
			&used, err) == -1 ||
		    put(dir, "sheet_pick", buf, used, err) == -1 ||
		    pxr_plan_file_args(f, PXR_STAGE_SHEET, 0, NULL, buf, size,
			&used, err) == -1 ||
		    put(dir, "sheet", buf, used, err) == -1;
	if (r == 0 &&
	    (pxr_plan_file_get(f, "shard_dir", sd, sizeof(sd)) == NULL ||
		pxr_plan_file_get(f, "split", split, sizeof(split)) == NULL))
		r = pxr_seterr(err, PXR_E_FORMAT,
			"%s: a plan with a line missing (plan again)",
			f->name) != 0;
	if (r == 0) {
		/* K-of-N: the shard's mark (list_args checked K/N). */
		snprintf(buf, size, "%u\n%s/%.*s-of-%s.done\n%s\n", f->nsets,
		    sd, (int)strcspn(shard, "/"), shard, strchr(shard, '/') + 1,
		    split);
		r = put(dir, "info", buf, strlen(buf), err) == -1;
	}
	free(buf);
	return r ? -1 : 0;
}

/* The text of dir's .pxr/plans, malloc'd; NULL with err. */
static char *
plans_text(const char *dir, struct pxr_err *err)
{
	char path[PATH_MAX + 16];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/.pxr/plans", dir);
	text = plan_read_file(path, PLAN_MAX, &len, err);
	if (text == NULL || len == 0) {
		free(text);
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: nothing planned here (run the plan step first)", dir);
		return NULL;
	}
	return text;
}

int
pxr_plan_list(const char *dir, FILE *f, struct pxr_err *err)
{
	char *text = plans_text(dir, err);

	if (text == NULL)
		return -1;
	fputs(text, f);
	free(text);
	return 0;
}

int
pxr_plan_task(const char *dir, uint64_t t, FILE *out, struct pxr_err *err)
{
	char *text = plans_text(dir, err), *p, *nl, v[32];
	struct pxr_plan_file f;
	uint64_t n;

	if (text == NULL)
		return -1;
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (pxr_plan_file_read(&f, p, err) == -1)
			break;
		n = pxr_plan_file_get(&f, "shards", v, sizeof(v)) != NULL
		    ? strtoull(v, NULL, 10)
		    : 0;
		pxr_plan_file_free(&f);
		if (t <= n) {
			fprintf(out, "%s\t%llu/%llu\n", p,
			    (unsigned long long)t, (unsigned long long)n);
			free(text);
			return 0;
		}
		t -= n;
	}
	if (nl == NULL)
		pxr_seterr(err, PXR_E_USAGE, "%s: no such shard in its plans",
		    dir);
	free(text);
	return -1;
}
