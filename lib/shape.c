/*
 * shape.c: resize, then crop, computing only the kept window.
 *
 * When the crop window lies inside the resized image, only its samples
 * are resampled (pxr_resize_part), from only the input they read; the
 * bytes are those of resizing whole and cropping.  A window reaching
 * outside (an image smaller than the window) is resized whole and padded
 * by the cropper.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ijg.h"
#include "notebook.h"
#include "shape.h"

int
pxr_like_parse(const char *name, enum pxr_like *l)
{
	if (strcmp(name, "torchvision") == 0)
		*l = PXR_LIKE_TORCHVISION;
	else if (strcmp(name, "notebook") == 0)
		*l = PXR_LIKE_NOTEBOOK;
	else if (strcmp(name, "notebook-geometry") == 0)
		*l = PXR_LIKE_NOTEBOOK_GEOMETRY;
	else if (strcmp(name, "timm") == 0)
		*l = PXR_LIKE_TIMM;
	else if (strcmp(name, "adm") == 0)
		*l = PXR_LIKE_ADM;
	else if (strcmp(name, "edm") == 0)
		*l = PXR_LIKE_EDM;
	else if (strcmp(name, "edm-wide") == 0)
		*l = PXR_LIKE_EDM_WIDE;
	else
		return -1;
	return 0;
}

const char *
pxr_like_name(enum pxr_like l)
{
	return l == PXR_LIKE_TORCHVISION      ? "torchvision"
	    : l == PXR_LIKE_NOTEBOOK          ? "notebook"
	    : l == PXR_LIKE_NOTEBOOK_GEOMETRY ? "notebook-geometry"
	    : l == PXR_LIKE_TIMM              ? "timm"
	    : l == PXR_LIKE_ADM               ? "adm"
	    : l == PXR_LIKE_EDM               ? "edm"
	    : l == PXR_LIKE_EDM_WIDE          ? "edm-wide"
					      : "none";
}

void
pxr_like_defaults(enum pxr_like l, struct pxr_shape *s)
{
	if (l == PXR_LIKE_NONE)
		return;
	int tv = l == PXR_LIKE_TORCHVISION || l == PXR_LIKE_TIMM;
	int edm = l == PXR_LIKE_EDM || l == PXR_LIKE_EDM_WIDE;

	s->filter = l == PXR_LIKE_TIMM || l == PXR_LIKE_ADM ? PXR_FILTER_BICUBIC
	    : edm ? PXR_FILTER_LANCZOS3
		  : PXR_FILTER_TRIANGLE;
	s->round = tv ? PXR_ROUND_DOWN : PXR_ROUND_NOTEBOOK;
	s->co.align = tv || edm ? PXR_ALIGN_CENTER
	    : l == PXR_LIKE_ADM ? PXR_ALIGN_FLOOR
				: PXR_ALIGN_SEED;
	s->notebook = l == PXR_LIKE_NOTEBOOK;
	s->halve = l == PXR_LIKE_ADM;
	s->square = l == PXR_LIKE_EDM;
	s->wide = l == PXR_LIKE_EDM_WIDE;
}

int
pxr_crop_pct_parse(const char *s, double *pct)
{
	char *end;
	double v;

	/* strtod's hexadecimal form is not Python's float()'s */
	if (*s == '\0' || isspace((unsigned char)*s) || strpbrk(s, "xX"))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !(v > 0 && v <= 1))
		return -1;
	*pct = v;
	return 0;
}

uint32_t
pxr_crop_pct_short(uint32_t c, double pct)
{
	double v = floor((double)c / pct);

	return v >= 1 && v <= PXR_DIM_MAX ? (uint32_t)v : 0;
}

void
pxr_crop_pct_text(double pct, char *buf, size_t size)
{
	for (int digits = 1; digits <= 17; digits++) {
		snprintf(buf, size, "%.*g", digits, pct);
		if (strtod(buf, NULL) == pct)
			return;
	}
}

struct pxr_shaper {
	struct pxr_shape s;
	struct pxr_resizer *rz;
	struct pxr_cropper *cr;
	struct pxr_notebook *nb;    /* the notebook's chain, if s.notebook */
	struct pxr_resizer *box[2]; /* the halvings, by turns (s.halve) */
	unsigned char *sq;          /* the square (s.square) */
	size_t sqcap;
};

/* Why the steps of s cannot go together, or NULL. */
static const char *
refusal(const struct pxr_shape *s)
{
	if (s->notebook && s->target != PXR_TARGET_SHORT)
		return "the notebook's resampling resizes the short side: "
		       "--short, not --long, --max-side or --size";
	if ((s->square || s->halve || s->wide) && s->notebook)
		return "the notebook's resampling has no step before it: no "
		       "--square, --halve or --wide";
	if (s->wide &&
	    (s->target != PXR_TARGET_SIZE || s->th > s->tw || s->square ||
		s->halve || s->crop))
		return "--wide wants --size WxH, H at most W, and no --square, "
		       "--halve or --crop";
	if (s->halve && s->target != PXR_TARGET_SHORT)
		return "--halve halves while the short side is at least twice "
		       "--short: not with --long, --max-side or --size";
	return NULL;
}

struct pxr_shaper *
pxr_shaper_new(const struct pxr_shape *s, struct pxr_err *err)
{
	struct pxr_shaper *sh = calloc(1, sizeof(*sh));
	const char *why;

	if (sh == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	sh->s = *s;
	if ((why = refusal(s)) != NULL) {
		pxr_seterr(err, PXR_E_USAGE, "%s", why);
		pxr_shaper_free(sh);
		return NULL;
	}
	if (s->halve &&
	    ((sh->box[0] = pxr_resizer_new(PXR_FILTER_BOX, err)) == NULL ||
		(sh->box[1] = pxr_resizer_new(PXR_FILTER_BOX, err)) == NULL)) {
		pxr_shaper_free(sh);
		return NULL;
	}
	if ((sh->rz = pxr_resizer_new(s->filter, err)) == NULL ||
	    (sh->cr = pxr_cropper_new(&s->co, err)) == NULL ||
	    (s->notebook && (sh->nb = pxr_notebook_new(err)) == NULL)) {
		pxr_shaper_free(sh);
		return NULL;
	}
	return sh;
}

void
pxr_shaper_free(struct pxr_shaper *sh)
{
	if (sh == NULL)
		return;
	pxr_resizer_free(sh->rz);
	pxr_cropper_free(sh->cr);
	pxr_notebook_free(sh->nb);
	pxr_resizer_free(sh->box[0]);
	pxr_resizer_free(sh->box[1]);
	free(sh->sq);
	free(sh);
}

/* The resized size of a w x h image, and whether the kept window lies
 * inside it (then *win is that window; else the whole resized image). */
static int
window(const struct pxr_shape *s, uint32_t w, uint32_t h, uint32_t *ow,
    uint32_t *oh, struct pxr_rect *win)
{
	int64_t x, y;

	pxr_resize_target(w, h, s->target, s->round, s->n, s->tw, s->th, ow,
	    oh);
	*win = (struct pxr_rect){ 0, 0, *ow, *oh };
	if (!s->crop)
		return 1;
	pxr_crop_origin(&s->co, *ow, *oh, &x, &y);
	if (x < 0 || y < 0 || x + s->co.w > *ow || y + s->co.h > *oh)
		return 0;
	*win = (struct pxr_rect){ (uint32_t)x, (uint32_t)y, s->co.w, s->co.h };
	return 1;
}

void
pxr_shape_need(struct pxr_shaper *sh, uint32_t w, uint32_t h,
    struct pxr_rect *need)
{
	struct pxr_rect win;
	uint32_t ow, oh;

	struct pxr_err err;

	if (sh->s.square || sh->s.halve || sh->s.wide) { /* all of it */
		*need = (struct pxr_rect){ 0, 0, w, h };
		return;
	}
	if (!window(&sh->s, w, h, &ow, &oh, &win) ||
	    (sh->nb != NULL &&
		pxr_notebook_need(w, h, sh->s.n, ow, oh, &win, need, &err) ==
		    -1) ||
	    (sh->nb == NULL &&
		pxr_resize_need(sh->rz, w, h, ow, oh, &win, need) == -1))
		*need = (struct pxr_rect){ 0, 0, w, h };
}

/* The notebook's chain: the window, or all of it and then the cropper
 * (which pads a window reaching outside). */
static int
notebook_apply(struct pxr_shaper *sh, struct pxr_record *rec, uint32_t w,
    uint32_t h, const struct pxr_rect *have, struct pxr_err *err)
{
	struct pxr_rect win;
	uint32_t ow, oh;

	if (window(&sh->s, w, h, &ow, &oh, &win))
		return pxr_notebook_apply(sh->nb, rec, w, h, have, sh->s.n, ow,
		    oh, &win, err);
	if (have->w != w || have->h != h)
		PXR_BUG("shaping a part of an image that needs all of it");
	win = (struct pxr_rect){ 0, 0, ow, oh };
	if (pxr_notebook_apply(sh->nb, rec, w, h, have, sh->s.n, ow, oh, &win,
		err) == -1)
		return -1;
	return pxr_crop(sh->cr, rec, err);
}

/* sh->sq at least n bytes, for a side x side image. */
static int
sq_reserve(struct pxr_shaper *sh, size_t n, uint32_t side, struct pxr_err *err)
{
	unsigned char *b;

	if (n <= sh->sqcap)
		return 0;
	if ((b = realloc(sh->sq, n)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM,
		    "out of memory for a %ux%u image", side, side);
	sh->sq = b;
	sh->sqcap = n;
	return 0;
}

/* EDM's center-crop-wide: the rows it keeps of a w x h image,
 * int(np.round(width * H / W)) (Python's exact product, a double quotient,
 * rounded to even); -1 when it leaves the image out. */
static int
wide_rows(const struct pxr_shape *s, uint32_t w, uint32_t h, uint32_t *rows)
{
	double q = rint((double)((uint64_t)s->tw * h) / w);

	if (w < s->tw || q < s->th)
		return -1;
	*rows = (uint32_t)q;
	return 0;
}

int
pxr_shape_size(const struct pxr_shape *s, uint32_t w, uint32_t h, uint32_t *ow,
    uint32_t *oh)
{
	uint32_t rows;

	if (s->wide) {
		if (wide_rows(s, w, h, &rows) == -1)
			return -1;
		*ow = *oh = s->tw; /* set in a tw x tw canvas */
		return 0;
	}
	if (s->square)
		w = h = w < h ? w : h;
	while (s->halve && (w < h ? w : h) >= 2 * s->n) {
		w /= 2;
		h /= 2;
	}
	pxr_resize_target(w, h, s->target, s->round, s->n, s->tw, s->th, ow,
	    oh);
	if (s->crop) {
		*ow = s->co.w;
		*oh = s->co.h;
	}
	return 0;
}

/* The steps before the resize, on the whole image rec (w x h): the
 * centred square, then the halvings; *w and *h get the size they leave. */
static int
pre_steps(struct pxr_shaper *sh, struct pxr_record *rec, uint32_t *w,
    uint32_t *h, struct pxr_err *err)
{
	if (sh->s.wide) {
		uint32_t rows;

		if (wide_rows(&sh->s, *w, *h, &rows) == -1)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%ux%u image: EDM's center-crop-wide to %ux%u "
			    "wants one at least %u wide whose %u-wide rows "
			    "are at least %u (it leaves it out)",
			    *w, *h, sh->s.tw, sh->s.th, sh->s.tw, sh->s.tw,
			    sh->s.th);
		rec->payload += (size_t)((*h - rows) / 2) * *w * rec->channels;
		rec->payload_len = (size_t)rows * *w * rec->channels;
		rec->height = *h = rows;
	}
	if (sh->s.square && *w != *h) {
		uint32_t side = *w < *h ? *w : *h, x0 = (*w - side) / 2,
			 y0 = (*h - side) / 2, c = rec->channels;
		size_t row = (size_t)side * c, n = row * side;

		if (sq_reserve(sh, n, side, err) == -1)
			return -1;
		for (uint32_t y = 0; y < side; y++)
			memcpy(sh->sq + y * row,
			    rec->payload + ((size_t)(y0 + y) * *w + x0) * c,
			    row);
		rec->payload = sh->sq;
		rec->payload_len = n;
		rec->width = rec->height = *w = *h = side;
	}
	for (int k = 0; sh->s.halve && (*w < *h ? *w : *h) >= 2 * sh->s.n;
	     k ^= 1) {
		if (pxr_resize(sh->box[k], rec, *w / 2, *h / 2, err) == -1)
			return -1;
		*w /= 2;
		*h /= 2;
	}
	return 0;
}

/* EDM's canvas: rec (tw x th) into a black tw x tw at row (tw - th) // 2. */
static int
letterbox(struct pxr_shaper *sh, struct pxr_record *rec, struct pxr_err *err)
{
	uint32_t side = rec->width, c = rec->channels;
	size_t row = (size_t)side * c, n = row * side;

	if (sq_reserve(sh, n, side, err) == -1)
		return -1;
	memset(sh->sq, 0, n);
	memcpy(sh->sq + (size_t)((side - rec->height) / 2) * row, rec->payload,
	    row * rec->height);
	rec->payload = sh->sq;
	rec->payload_len = n;
	rec->height = side;
	return 0;
}

int
pxr_shape_apply(struct pxr_shaper *sh, struct pxr_record *rec, uint32_t w,
    uint32_t h, const struct pxr_rect *have, struct pxr_err *err)
{
	const struct pxr_rect all = { 0, 0, w, h };
	struct pxr_rect win, now;
	uint32_t ow, oh;

	if (have == NULL)
		have = &all;
	if (sh->s.square || sh->s.halve || sh->s.wide) {
		if (have->w != w || have->h != h)
			PXR_BUG("a step before the resize on a part");
		if (pre_steps(sh, rec, &w, &h, err) == -1)
			return -1;
		now = (struct pxr_rect){ 0, 0, w, h };
		have = &now;
	}
	if (sh->nb != NULL)
		return notebook_apply(sh, rec, w, h, have, err);
	if (window(&sh->s, w, h, &ow, &oh, &win)) {
		if (pxr_resize_part(sh->rz, rec, w, h, have, ow, oh, &win,
			err) == -1)
			return -1;
		return sh->s.wide ? letterbox(sh, rec, err) : 0;
	}
	if (have->w != w || have->h != h)
		PXR_BUG("shaping a part of an image that needs all of it");
	if (pxr_resize(sh->rz, rec, ow, oh, err) == -1)
		return -1;
	return pxr_crop(sh->cr, rec, err);
}

/* pxr_decode_part's question: which part of a w x h image is used. */
static void
shaper_need(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *need)
{
	pxr_shape_need(ctx, w, h, need);
}

int
pxr_decode_shaped(struct pxr_decoder *dec, struct pxr_shaper *sh,
    struct pxr_record *rec, struct pxr_err *err)
{
	struct pxr_decode_part part = { .need = shaper_need, .ctx = sh };
	struct pxr_err serr;
	int r;

	if (sh == NULL)
		return pxr_decode(dec, rec, err);
	if ((r = sh->nb != NULL ? pxr_decode_ijg(dec, rec, &part, err)
				: pxr_decode_part(dec, rec, &part, err)) == -1)
		return -1;
	if (pxr_shape_apply(sh, rec, part.fw, part.fh, &part.have, &serr) ==
	    -1) {
		*err = serr;
		return -1;
	}
	return r;
}
