/*
 * plan_write.c: what a plan writes (plan.h), once every check has passed:
 * the sets made (or checked, to resume), the class list it derived, each
 * set's recipe, each split's plan, and the list of the plans (for
 * finish).  Each file is written whole or not at all (plan_save).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "list.h"
#include "pack.h"
#include "plan_int.h"
#include "recipe.h"

/* A derived class list that differs from the one OUT holds: an earlier
 * run's, or the source changed.  0 when they agree or OUT has none. */
static int
classes_agree(const struct pxr_plan *p, struct pxr_err *err)
{
	size_t len, dlen;
	struct pxr_err e;
	char *old;
	int same;

	if (p->derived == NULL)
		return 0;
	dlen = strlen(p->derived);
	if (p->o.overwrite ||
	    (old = plan_read_file(p->classes, PXR_CLASSES_FILE_MAX, &len,
		 &e)) == NULL)
		return 0;
	/* As $(cat file) compares: trailing newlines aside. */
	while (len > 0 && old[len - 1] == '\n')
		len--;
	same = len == dlen && memcmp(old, p->derived, len) == 0;
	free(old);
	if (same)
		return 0;
	return pxr_seterr(err, PXR_E_USAGE,
	    "%s lists other classes than %s gives now (an earlier run's, or "
	    "the source changed); give --overwrite to make every set anew, "
	    "or another --out",
	    p->classes, p->root);
}

/* Whether the set at x was made with a recipe that differs from m's in
 * source_fingerprint only, with as many images (copied into was). */
static int
source_only(const char *x, const struct pxr_pack_meta *m, char *was)
{
	struct pxr_pack_meta *old = malloc(sizeof(*old));
	struct pxr_err e;
	char diff[64];
	int r;

	if (old == NULL)
		return 0;
	r = pxr_pack_read_meta(x, old, &e) == 0 &&
	    pxr_recipe_diff(old->recipe, m->recipe, diff, sizeof(diff)) == 1 &&
	    strncmp(diff, "source_fingerprint:", 19) == 0 &&
	    strstr(diff, " images, now ") == NULL;
	if (r)
		memcpy(was, old->recipe, PXR_RECIPE_MAX);
	free(old);
	return r;
}

/* pxr_pack_create, or for a keep set pxr_pack_create_ragged with its
 * rows. */
static int
pack_create(const struct pxr_plan_set *st, const struct pxr_pack_meta *m,
    int flags, struct pxr_err *err)
{
	return st->g.keep
	    ? pxr_pack_create_ragged(st->x, st->y, m, st->rows, flags, err)
	    : pxr_pack_create(st->x, st->y, m, flags, err);
}

/* Makes (or checks) set st of split s; with --retry-failed, one whose
 * source changed only in its failed images takes the new source. */
static int
create_set(const struct pxr_plan *p, const struct pxr_plan_split *s,
    const struct pxr_plan_set *st, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	struct pxr_pack_meta *m = plan_meta(p, st, s->images);
	int flags = p->o.overwrite ? PXR_PACK_OVERWRITE : 0, r;
	char *was = malloc(PXR_RECIPE_MAX);

	if (m == NULL || was == NULL) {
		free(m);
		free(was);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	r = pack_create(st, m, flags, err);
	if (r == -1 && err->code == PXR_E_USAGE && source_only(st->x, m, was)) {
		if (p->o.retry_failed && st->g.keep &&
		    !pxr_pack_same_rows(st->x, st->rows, m->n))
			r = pxr_seterr(err, PXR_E_USAGE,
			    "%s: a failed image replaced by one of another "
			    "size moves the images after it (other image "
			    "sizes than X.index's); give --overwrite to make "
			    "the set anew",
			    st->x);
		else if (p->o.retry_failed)
			r = plan_retry_source(p, s, st, was, m, warn, ctx,
				err) == -1
			    ? -1
			    : pack_create(st, m, flags, err);
		else if (strlen(err->msg) + 80 < sizeof(err->msg))
			strcat(err->msg,
			    "; or, if only images that failed "
			    "were replaced, --retry-failed");
	}
	free(was);
	free(m);
	/* An earlier pxr's default was the notebook's geometry alone. */
	if (r == -1 && plan_set_notebook(p, st) &&
	    strstr(err->msg, "another recipe") != NULL &&
	    strstr(err->msg, "decode: was 'exact") != NULL) {
		char prev[sizeof(err->msg)];

		memcpy(prev, err->msg, sizeof(prev));
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s; or, for a set made with an earlier pxr's defaults, "
		    "--like notebook-geometry",
		    prev);
	}
	if (r == 1) /* made, without its blocks */
		plan_note(warn, ctx, "%s", err->msg);
	return r == -1 ? -1 : plan_keep_images(p, s, st, err);
}

int
pxr_plan_write(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	char path[PATH_MAX + 64], *text, *plans = NULL;
	size_t plen = 0;
	FILE *pl;

	if (p->derived != NULL && classes_agree(p, err) == -1)
		return -1;
	for (size_t i = 0; i < p->nsplits; i++) {
		const struct pxr_plan_split *s = &p->splits[i];

		for (size_t k = 0; k < s->nsets; k++)
			if (create_set(p, s, &s->sets[k], warn, ctx, err) == -1)
				return -1;
		snprintf(path, sizeof(path), "%s/%s.shards", p->state, s->name);
		if (mkdir(path, 0777) == -1 && errno != EEXIST)
			return pxr_seterr(err, PXR_E_IO,
			    "%s: cannot make it (%s)", path, strerror(errno));
	}
	if (p->derived != NULL) {
		size_t n = strlen(p->derived);

		p->derived[n] = '\n'; /* words_text left room: NUL to LF */
		if (plan_save(p->classes, p->derived, n + 1, err) == -1)
			return -1;
		p->derived[n] = '\0';
	}
	if ((pl = open_memstream(&plans, &plen)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (size_t i = 0; i < p->nsplits; i++) {
		const struct pxr_plan_split *s = &p->splits[i];
		int r = 0;

		for (size_t k = 0; r == 0 && k < s->nsets; k++) {
			snprintf(path, sizeof(path), "%s/%s.recipe", p->state,
			    s->sets[k].name);
			r = plan_save(path, s->sets[k].recipe,
			    strlen(s->sets[k].recipe), err);
		}
		text = r == 0 ? plan_text(p, s) : NULL;
		if (r == 0 && text == NULL)
			r = pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		if (text != NULL) {
			r = plan_save(s->plan, text, strlen(text), err);
			free(text);
		}
		fprintf(pl, "%s\n", s->plan);
		if (r == -1) {
			fclose(pl);
			free(plans);
			return -1;
		}
	}
	fclose(pl);
	snprintf(path, sizeof(path), "%s/plans", p->state);
	if (plan_save(path, plans, plen, err) == -1) {
		free(plans);
		return -1;
	}
	free(plans);
	return 0;
}

/* Whether some name of l (sorted) begins with the n bytes of dir and a
 * '/': the first name not below "dir/" tells. */
static int
has_folder(const struct pxr_list *l, const char *dir, size_t n)
{
	uint64_t lo = 0, hi = pxr_list_count(l);

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		size_t len;
		const char *name = pxr_list_name(l, mid, &len);
		size_t m = len < n ? len : n;
		int c = memcmp(name, dir, m);

		if (c == 0) /* a name that is dir, or shorter, is below */
			c = len <= n ? -1 : (unsigned char)name[n] - '/';
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pxr_list_count(l)) {
		size_t len;
		const char *name = pxr_list_name(l, lo, &len);

		return len > n && memcmp(name, dir, n) == 0 && name[n] == '/';
	}
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
pxr_plan_empty_folders(const struct pxr_plan *p, size_t i, pxr_warn_fn warn,
    void *ctx)
{
	const struct pxr_plan_split *s = &p->splits[i];
	char **empty = NULL;
	size_t n = 0, cap = 0;
	struct pxr_list *l;
	struct pxr_err err;
	struct dirent *d;
	DIR *dir;

	if ((dir = opendir(s->src)) == NULL)
		return; /* an archive */
	if ((l = plan_open_index(s, &err)) == NULL) {
		closedir(dir);
		return;
	}
	while ((d = readdir(dir)) != NULL) {
		char path[PATH_MAX + 256];
		struct stat st;

		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->src, d->d_name);
		if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode) ||
		    has_folder(l, d->d_name, strlen(d->d_name)))
			continue;
		if (n == cap) {
			char **v = realloc(empty,
			    (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (v == NULL)
				break;
			empty = v;
		}
		if ((empty[n] = strdup(d->d_name)) != NULL)
			n++;
	}
	closedir(dir);
	pxr_list_free(l);
	if (n > 0)
		qsort(empty, n, sizeof(*empty), by_name);
	for (size_t k = 0; k < n; k++) {
		plan_note(warn, ctx, "%s: class folder '%s' gives no image",
		    s->name, empty[k]);
		free(empty[k]);
	}
	free(empty);
}

void
pxr_plan_print(const struct pxr_plan *p, int planned, FILE *f, pxr_warn_fn warn,
    void *ctx)
{
	if (!planned) {
		fprintf(f, "out\t%s\njobs\t%llu\n", p->out,
		    (unsigned long long)p->o.jobs);
		if (p->made[0] != '\0')
			fprintf(f, "made\t%s\n", p->made);
		if (p->o.hosts != NULL)
			fprintf(f, "hosts\t%s\n", p->o.hosts);
		if (p->o.sbatch != NULL)
			fprintf(f, "sbatch\t%s\n", p->o.sbatch);
		return;
	}
	for (size_t i = 0; i < p->nsplits; i++) {
		const struct pxr_plan_split *s = &p->splits[i];

		if (s->skipped[0] != '\0')
			plan_note(warn, ctx, "%s: not images, left out: %s",
			    s->name, s->skipped);
		if (p->o.folder)
			pxr_plan_empty_folders(p, i, warn, ctx);
		fprintf(f, "split\t%s\t%llu\t%llu\t%s\t%s.status\n", s->name,
		    (unsigned long long)s->images,
		    (unsigned long long)s->shards, s->plan, s->sets[0].x);
	}
}

int
pxr_plan_make(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	return pxr_plan_splits(p, warn, ctx, err) == -1 ||
		pxr_plan_classes(p, warn, ctx, err) == -1 ||
		pxr_plan_sets(p, warn, ctx, err) == -1 ||
		pxr_plan_space(p, err) == -1 ||
		pxr_plan_write(p, warn, ctx, err) == -1
	    ? -1
	    : 0;
}
