/*
 * plan_set.c: the sets of a plan (plan.h): their geometries, recipes,
 * sizes and shard counts, and what the plan writes: the sets made (or
 * checked, to resume), the derived class list, each set's recipe, each
 * split's plan and the list of plans.  Everything is written whole or not
 * at all (plan_save).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "pack.h"
#include "plan_int.h"

int
plan_set_notebook(const struct pxr_plan *p, const struct pxr_plan_set *st)
{
	return p->o.like == PXR_LIKE_NOTEBOOK && !st->g.squash;
}

/* The shaping a keep set's images get: what its shard's pxr-decode or
 * pxr-resize is told (plan_file.c's shape_args). */
static void
keep_shape(const struct pxr_plan *p, const struct pxr_plan_set *st,
    struct pxr_shape *sh)
{
	memset(sh, 0, sizeof(*sh));
	pxr_like_defaults(p->o.like, sh);
	sh->filter = st->filter;
	sh->notebook = plan_set_notebook(p, st);
	sh->target = st->g.maxside ? PXR_TARGET_MAX : PXR_TARGET_SHORT;
	sh->n = st->g.maxside ? st->g.maxside : st->g.shortside;
	if (st->g.maxside)
		sh->round = PXR_ROUND_FFCV;
}

/* The recipe of set st of split s (recipe.h's "key value" lines), as the
 * sets it makes have always said it: a set made by any earlier pxr with
 * the same recipe resumes. */
static void
recipe_text(const struct pxr_plan *p, const struct pxr_plan_split *s,
    const struct pxr_plan_set *st, uint32_t fast_side, char *out, size_t size)
{
	const struct pxr_geom *g = &st->g;
	struct pxr_shape sh;
	size_t n = 0;

#define ADD(...)                                                               \
	(n += (size_t)snprintf(out + n, n < size ? size - n : 0, __VA_ARGS__))
	ADD("pxr %s\njob %s\nset %s\nsplit %s\nsource %s\n", PXR_VERSION_STRING,
	    p->o.folder ? "folder" : "imagenet", st->name, s->name, s->src);
	ADD("source_fingerprint %s\nclasses %s\nclasses_sha256 %s\n",
	    s->fingerprint, p->classes, p->classes_sha);
	if (strcmp(s->name, "val") == 0 && !p->o.folder)
		ADD("val_labels_sha256 %s\n", p->val_sha);
	if (fast_side > 0)
		ADD("decode fast (DCT scaling, the shorter side kept >= %u)\n",
		    fast_side);
	else if (p->o.like == PXR_LIKE_NOTEBOOK)
		ADD("decode notebook (IJG libjpeg 9b float IDCT, EXIF "
		    "orientation applied)\n");
	else
		ADD("decode exact (full size)\n");
	/* only then: the recipes made without it stay as they were */
	if (p->o.exif_rotate && p->o.like != PXR_LIKE_NOTEBOOK)
		ADD("exif_rotate JPEGs turned by the orientation (2 to 8) "
		    "of their first Exif APP1\n");
	if (g->squash) {
		ADD("resize %ux%u (squash: the whole image)\ncrop none\n",
		    g->side, g->side);
	} else if (g->keep) {
		keep_shape(p, st, &sh);
		ADD("like %s\n", pxr_like_name(p->o.like));
		if (g->maxside)
			ADD("resize keep ratio: the long side to at most %u, "
			    "never enlarged, each side int(side * (%u / long)) "
			    "in double (ffcv)\n",
			    g->maxside, g->maxside);
		else
			ADD("resize keep ratio: the short side %u, the other "
			    "rounded %s\n",
			    g->shortside, pxr_round_name(sh.round));
		ADD("crop none\n");
	} else {
		memset(&sh, 0, sizeof(sh));
		pxr_like_defaults(p->o.like, &sh);
		/* notebook-geometry is what pxr 0.1's "like notebook" was:
		 * its sets keep their recipe. */
		ADD("like %s\nresize short side %u, the other rounded %s\n",
		    pxr_like_name(p->o.like == PXR_LIKE_NOTEBOOK_GEOMETRY
			    ? PXR_LIKE_NOTEBOOK
			    : p->o.like),
		    g->shortside, pxr_round_name(sh.round));
		ADD("crop %ux%u %s\n", g->side, g->side,
		    pxr_align_name(sh.co.align));
		/* the steps before the resize (only then: the other recipes
		 * stay as they were) */
		if (sh.halve)
			ADD("before halvings with box to (W // 2, H // 2) "
			    "while "
			    "the short side is at least %llu\n",
			    2ULL * g->shortside);
		if (sh.square)
			ADD("before square (the largest centred one, from "
			    "(H - S) // 2)\n");
		/* --like timm's short side from its crop_pct (only then:
		 * the other recipes stay as they were) */
		if (p->o.like == PXR_LIKE_TIMM &&
		    (st != &s->sets[0] || p->short_given == 0)) {
			char pct[32];

			pxr_crop_pct_text(p->pct, pct, sizeof(pct));
			ADD("crop_pct %s\n", pct);
		}
	}
	if (plan_set_notebook(p, st))
		ADD("filter notebook (restrict, a Gaussian of sigma 0.75 * "
		    "factor down the rows with Inner() borders, bilinear "
		    "imresize; Julia's Float32 and Float64)\n");
	else
		ADD("filter %s\n", pxr_filter_name(st->filter));
	if (g->keep)
		ADD("size variable (H x W x 3 each, at X.index's offsets)\n"
		    "layout nhwc\n");
	else
		ADD("size %ux%u\nlayout %s\n", g->side, g->side,
		    pxr_layout_name(p->o.layout));
	ADD("labels u16 base %d\n", p->o.base);
	if (p->o.npy) /* only then: the recipes of .raw sets stay as they were
		       */
		ADD("format npy\n");
#undef ADD
	if (n >= size)
		PXR_BUG("a recipe longer than PXR_RECIPE_MAX");
}

/* The sets of split s: the main one and one per --also item; the
 * decode's scale with --fast (the smallest resize target of all). */
static int
split_sets(struct pxr_plan *p, struct pxr_plan_split *s, struct pxr_err *err)
{
	uint32_t fast_side = 0;

	s->nsets = 1 + p->nalso;
	for (size_t i = 0; i < s->nsets; i++) {
		struct pxr_plan_set *st = &s->sets[i];
		struct pxr_geom g = { 1, 0, p->o.squash, 0, 0 };

		if (i > 0)
			g = plan_item_geom(p, p->also[i - 1]);
		else if (p->o.keep)
			g = (struct pxr_geom){ 0, p->o.shortside, 0, 1,
				p->o.maxside };
		else if (!p->o.squash)
			g = (struct pxr_geom){ 0, p->o.shortside, p->o.size, 0,
				0 };
		if (!g.squash && !g.keep && g.shortside == 0)
			return pxr_seterr(err, PXR_E_USAGE,
			    "--also %s at crop_pct %g: the short side would be "
			    "over %u pixels",
			    p->also[i - 1], p->pct, PXR_DIM_MAX);
		st->g = g;
		/* Squash variants take box unless the main set squashes. */
		st->filter = i > 0 && g.squash && !p->o.squash ? PXR_FILTER_BOX
							       : p->o.filter;
		snprintf(st->name, sizeof(st->name), "%s%s%s", s->name,
		    i > 0 ? "_" : "", i > 0 ? p->also[i - 1] : "");
		if ((size_t)snprintf(st->x, sizeof(st->x), "%s/X_%s.%s", p->out,
			st->name, p->o.npy ? "npy" : "raw") >= sizeof(st->x) ||
		    (size_t)snprintf(st->y, sizeof(st->y), "%s/Y_%s.%s", p->out,
			st->name, p->o.npy ? "npy" : "raw") >= sizeof(st->y))
			return pxr_seterr(err, PXR_E_USAGE, "%s: name too long",
			    p->out);
		if (p->o.fast) {
			uint32_t v = g.squash ? g.side : g.shortside;

			if (fast_side == 0 || v < fast_side)
				fast_side = v;
		}
	}
	for (size_t i = 0; i < s->nsets; i++)
		recipe_text(p, s, &s->sets[i], fast_side, s->sets[i].recipe,
		    sizeof(s->sets[i].recipe));
	s->fast_side = fast_side;
	return 0;
}

/* b bytes as "12.3 MB" (1000-based). */
static const char *
human(uint64_t b, char *buf, size_t size)
{
	static const char *const u[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, size, "%.1f %s", v, u[i]);
	return buf;
}

/* Split s's keep sets laid out before any decoding: each image's size
 * from its header (pxr_list_dims, read in place), shaped as its set
 * shapes it, turned by its EXIF orientation where the decode turns it
 * (the notebook's); an image whose header gives no size is named through
 * warn and gets no room (packed, it fails).  0 or -1. */
static int
keep_layout(struct pxr_plan *p, struct pxr_plan_split *s, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err)
{
	struct pxr_list_dims_stats ds = { 0 };
	struct pxr_list_sel sel = { 0, 0, NULL, 0 };
	struct pxr_image_dims *d = NULL;
	struct pxr_list *l;
	struct pxr_shape sh;
	int64_t bad = -1;
	uint64_t xbytes;
	char hb[32];
	size_t k;

	for (k = 0; k < s->nsets && !s->sets[k].g.keep; k++)
		;
	if (k == s->nsets)
		return 0;
	if ((l = pxr_list_new(warn, ctx)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (pxr_list_read_index(l, s->index, err) == 0) {
		sel.hi = pxr_list_count(l);
		if (sel.hi != s->images)
			pxr_seterr(err, PXR_E_FORMAT,
			    "%s: %s lists %llu images, the plan %llu (plan "
			    "again)",
			    s->name, s->index, (unsigned long long)sel.hi,
			    (unsigned long long)s->images);
		else if (sel.hi > SIZE_MAX / sizeof(*d) ||
		    (d = calloc((size_t)sel.hi + 1, sizeof(*d))) == NULL)
			pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		else {
			plan_note(warn, ctx,
			    "%s: the sizes of %llu images from their headers",
			    s->name, (unsigned long long)sel.hi);
			bad = pxr_list_dims(l, &sel, d, &ds, err);
		}
	}
	pxr_list_free(l);
	if (bad > 0)
		plan_note(warn, ctx,
		    "%s: %lld images without a size in their headers: "
		    "failed in the keep-ratio sets",
		    s->name, (long long)bad);
	for (k = 0; bad >= 0 && k < s->nsets; k++) {
		struct pxr_plan_set *st = &s->sets[k];

		if (!st->g.keep)
			continue;
		if ((st->rows = calloc((size_t)sel.hi + 1,
			 sizeof(*st->rows))) == NULL) {
			bad = -1;
			pxr_seterr(err, PXR_E_NOMEM, "out of memory");
			break;
		}
		keep_shape(p, st, &sh);
		xbytes = pxr_ragged_layout(d, sel.hi, &sh,
		    p->o.like == PXR_LIKE_NOTEBOOK || p->o.exif_rotate, 3,
		    st->rows);
		plan_note(warn, ctx, "%s: X_%s.raw holds %s (%llu bytes)",
		    st->name, st->name, human(xbytes, hb, sizeof(hb)),
		    (unsigned long long)xbytes);
	}
	free(d);
	return bad < 0 ? -1 : 0;
}

/* Many more shards than jobs keeps every core busy to the end, but a
 * shard's processes need a few hundred images to fill their pipes: 16
 * per job, none under 500 images; never more than the images. */
static uint64_t
shard_count(const struct pxr_plan *p, uint64_t n)
{
	uint64_t k = p->o.shards;

	if (k == 0) {
		k = p->o.jobs > UINT64_MAX / 16 ? UINT64_MAX : p->o.jobs * 16;
		if (k > (n + 499) / 500)
			k = (n + 499) / 500;
	}
	if (k > n)
		k = n;
	return k > 0 ? k : 1;
}

int
pxr_plan_sets(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	if (p->val_labels[0] != '\0') {
		size_t len;
		char *text =
		    plan_read_file(p->val_labels, (size_t)1 << 28, &len, err);

		if (text == NULL)
			return -1;
		plan_sum_lines(text, len, 0, p->val_sha);
		free(text);
	}
	for (size_t i = 0; i < p->nsplits; i++) {
		struct pxr_plan_split *s = &p->splits[i];

		if (plan_index_split(p, s, warn, ctx, err) == -1)
			return -1;
		if (s->images == 0)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: %s holds no image", s->name, s->src);
		if (strcmp(s->name, "val") == 0 && !p->o.folder &&
		    p->val_labels[0] == '\0')
			return pxr_seterr(err, PXR_E_USAGE,
			    "val: no validation labels (give --val-labels "
			    "FILE, or put LOC_val_solution.csv or "
			    "validation_labels.txt in %s)",
			    p->root);
		if (split_sets(p, s, err) == -1 ||
		    keep_layout(p, s, warn, ctx, err) == -1)
			return -1;
		s->shards = shard_count(p, s->images);
	}
	return 0;
}

/* The bytes file holds on its disk (0 when it is not there). */
static uint64_t
held(const char *file)
{
	struct stat st;

	return stat(file, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
}

struct pxr_pack_meta *
plan_meta(const struct pxr_plan *p, const struct pxr_plan_set *st, uint64_t n)
{
	struct pxr_pack_meta *m = calloc(1, sizeof(*m));
	struct pxr_err err;

	if (m == NULL)
		return NULL;
	m->n = n;
	m->width = m->height = st->g.side;
	m->channels = 3;
	m->layout = p->o.layout;
	m->ltype = PXR_LTYPE_U16;
	m->header = p->o.npy ? PXR_NPY_HEADER : 0;
	m->base = p->o.base;
	if (st->g.keep && st->rows == NULL)
		PXR_BUG("a keep set's metadata before its layout");
	if (st->g.keep) /* as pxr_pack_create_ragged makes it */
		pxr_pack_ragged_meta(m, st->rows);
	if (pxr_recipe_parse(st->name, st->recipe, strlen(st->recipe),
		m->recipe, &err) == -1)
		PXR_BUG("a recipe that recipe.c refuses");
	return m;
}

int
pxr_plan_space(const struct pxr_plan *p, struct pxr_err *err)
{
	static const char *const sfx[4] = { "", "", ".status", ".stats" };
	struct statvfs vfs;
	uint64_t need = 0, have, size[4];
	char h1[32], h2[32], f[PATH_MAX + 16];

	if (!p->o.space_check || statvfs(p->out, &vfs) == -1)
		return 0;
	for (size_t i = 0; i < p->nsplits; i++)
		for (size_t k = 0; k < p->splits[i].nsets; k++) {
			const struct pxr_plan_set *st = &p->splits[i].sets[k];
			struct pxr_pack_meta *m =
			    plan_meta(p, st, p->splits[i].images);

			if (m == NULL)
				return pxr_seterr(err, PXR_E_NOMEM,
				    "out of memory");
			pxr_pack_sizes(m, size);
			free(m);
			snprintf(f, sizeof(f), "%s.index", st->x);
			if (st->g.keep &&
			    held(f) < p->splits[i].images * PXR_RAGGED_ROW)
				need += p->splits[i].images * PXR_RAGGED_ROW -
				    held(f);
			for (size_t j = 0; j < 4; j++) {
				uint64_t h;

				snprintf(f, sizeof(f), "%s%s",
				    j == PXR_PACK_Y ? st->y : st->x, sfx[j]);
				if ((h = held(f)) < size[j])
					need += size[j] - h;
			}
		}
	have = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (need <= have)
		return 0;
	return pxr_seterr(err, PXR_E_IO,
	    "%s: %s free, the sets need %s more; make room, choose another "
	    "--out, or give --no-space-check",
	    p->out, human(have, h1, sizeof(h1)), human(need, h2, sizeof(h2)));
}
