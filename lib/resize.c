/*
 * resize.c: separable resampling as Pillow's ImagingResample computes it
 * (libImaging/Resample.c), so that pxr's triangle filter gives the bytes of
 * Pillow's Image.resize(size, BILINEAR), torchvision's Resize(), and its
 * lanczos3, box, bicubic and hamming filters those of LANCZOS, BOX,
 * BICUBIC and HAMMING (Pillow 9.4):
 *
 * - for each output pixel, the input span center +- support*max(scale, 1)
 *   with weights filter((x - center + 0.5) / max(scale, 1)), normalised,
 *   then turned into 22-bit fixed point (rounding away from zero);
 * - the horizontal pass first, over only the rows the vertical pass reads,
 *   into an 8-bit intermediate, then the vertical pass; each output sample
 *   is (sum + 2^21) >> 22, clipped to 0..255.
 *
 * Coefficients are computed once per (input size, output size) pair and
 * kept in a small cache: ImageNet's sizes repeat.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pxr.h"
#include "resize.h"
#include "resize_simd.h"

#define PRECISION_BITS PXR_RESIZE_PRECISION
#define CACHE_SLOTS 8

struct coeffs {
	uint32_t in, out; /* the sizes they are for */
	int ksize;        /* weights per output pixel */
	int maxtaps;      /* the most weights any output pixel uses */
	int *bounds;      /* per output pixel: first input index, count */
	int32_t *kk;      /* ksize fixed-point weights per output pixel */
	int32_t *kx;      /* with AVX-512: the weights for pxr_hrow3_avx512, */
	int kchunks;      /* kchunks blocks of 16 per output pixel */
	int32_t *kp;      /* with AVX2 only: the weights for pxr_hrow3_avx2 */
	struct pxr_hgroups hg; /* pxr_hrow3_vbmi's tables, built on use */
	unsigned long use;     /* for least-recently-used eviction */
};

struct pxr_resizer {
	enum pxr_filter filter;
	struct coeffs cache[CACHE_SLOTS];
	unsigned long clock;
	unsigned char *tmp, *out;
	size_t tmpcap, outcap;
	int simd; /* pxr_simd_level(): which vector passes to use */
};

static double
triangle(double x)
{
	x = fabs(x);
	return x < 1.0 ? 1.0 - x : 0.0;
}

static double
box(double x)
{
	return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
}

static double
sinc(double x)
{
	if (x == 0.0)
		return 1.0;
	x *= 3.14159265358979323846;
	return sin(x) / x;
}

static double
lanczos3(double x)
{
	return x > -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
}

/* Keys' cubic convolution with a = -0.5, as Pillow's bicubic_filter: the
 * same expressions in the same order, for the same doubles. */
static double
bicubic(double x)
{
	const double a = -0.5;

	x = fabs(x);
	if (x < 1.0)
		return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
	if (x < 2.0)
		return (((x - 5) * x + 8) * x - 4) * a;
	return 0.0;
}

/* A sinc under a Hamming window of radius 1, as Pillow's hamming_filter,
 * whose window constants are floats: 0.54f and 0.46f (widened to double),
 * not the doubles 0.54 and 0.46, which round some weights the other way. */
static double
hamming(double x)
{
	x = fabs(x);
	if (x == 0.0)
		return 1.0;
	if (x >= 1.0)
		return 0.0;
	x *= 3.14159265358979323846;
	return sin(x) / x * ((double)0.54f + (double)0.46f * cos(x));
}

/* The notebook's Gaussian: sigma 0.75 output pixels (0.75/factor input
 * pixels once scaled), cut at 3 sigma.  Upscaling blurs with no more than
 * that, which is its linear interpolation's reach. */
static double
gaussian(double x)
{
	return x > -2.25 && x < 2.25 ? exp(-x * x / (2 * 0.75 * 0.75)) : 0.0;
}

struct filter_def {
	const char *name;
	double (*fn)(double);
	double support;
};

static const struct filter_def filters[] = {
	[PXR_FILTER_TRIANGLE] = { "triangle", triangle, 1.0 },
	[PXR_FILTER_LANCZOS3] = { "lanczos3", lanczos3, 3.0 },
	[PXR_FILTER_BOX] = { "box", box, 0.5 },
	[PXR_FILTER_GAUSSIAN] = { "gaussian", gaussian, 2.25 },
	[PXR_FILTER_BICUBIC] = { "bicubic", bicubic, 2.0 },
	[PXR_FILTER_HAMMING] = { "hamming", hamming, 1.0 },
};

const char *
pxr_filter_name(enum pxr_filter f)
{
	return filters[f].name;
}

int
pxr_filter_parse(const char *name, enum pxr_filter *f)
{
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (strcmp(name, filters[i].name) == 0) {
			*f = (enum pxr_filter)i;
			return 0;
		}
	return -1;
}

/* round(num / den), ties to even (Julia's round), den > 0. */
static uint32_t
div_round_even(uint64_t num, uint64_t den)
{
	uint64_t q = num / den, r = num % den;

	if (2 * r > den || (2 * r == den && (q & 1)))
		q++;
	return (uint32_t)q;
}

int
pxr_round_parse(const char *name, enum pxr_round *r)
{
	static const char *const names[] = { "even", "down", "notebook",
		"ffcv" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*r = (enum pxr_round)i;
			return 0;
		}
	return -1;
}

const char *
pxr_round_name(enum pxr_round r)
{
	return r == PXR_ROUND_DOWN    ? "down"
	    : r == PXR_ROUND_NOTEBOOK ? "notebook"
	    : r == PXR_ROUND_FFCV     ? "ffcv"
				      : "even";
}

/* side * n / ref, rounded by r; at least 1. */
static uint32_t
scaled_side(uint32_t side, uint32_t n, uint32_t ref, enum pxr_round r)
{
	uint64_t v;

	switch (r) {
	case PXR_ROUND_DOWN:
		v = (uint64_t)side * n / ref;
		break;
	case PXR_ROUND_NOTEBOOK:
		/* Julia: round(Int, size * (len / minimum(size))): the
		 * factor first, in double, then the product, ties to even
		 * (nearbyint in the default rounding mode). */
		v = (uint64_t)nearbyint(
		    (double)side * ((double)n / (double)ref));
		break;
	case PXR_ROUND_FFCV:
		/* numpy: (ratio * size).astype(int), ratio in double. */
		v = (uint64_t)((double)side * ((double)n / (double)ref));
		break;
	default:
		v = div_round_even((uint64_t)side * n, ref);
		break;
	}
	return v == 0 ? 1 : v > PXR_DIM_MAX ? PXR_DIM_MAX : (uint32_t)v;
}

void
pxr_resize_target(uint32_t w, uint32_t h, enum pxr_target t, enum pxr_round r,
    uint32_t n, uint32_t tw, uint32_t th, uint32_t *ow, uint32_t *oh)
{
	uint32_t ref;
	int w_is_ref;

	if (t == PXR_TARGET_SIZE) {
		*ow = tw;
		*oh = th;
		return;
	}
	if (t == PXR_TARGET_MAX && (w > h ? w : h) <= n) {
		*ow = w;
		*oh = h;
		return;
	}
	w_is_ref = t == PXR_TARGET_SHORT ? w <= h : w >= h;
	ref = w_is_ref ? w : h;
	if (r == PXR_ROUND_NOTEBOOK || r == PXR_ROUND_FFCV) {
		/* The notebook scales the reference side too (to n, or a
		 * hair off it in double, which rounds back to n); so does
		 * FFCV, which truncates it (n - 1 at times). */
		*ow = scaled_side(w, n, ref, r);
		*oh = scaled_side(h, n, ref, r);
	} else if (w_is_ref) {
		*ow = n;
		*oh = scaled_side(h, n, w, r);
	} else {
		*oh = n;
		*ow = scaled_side(w, n, h, r);
	}
}

struct pxr_resizer *
pxr_resizer_new(enum pxr_filter f, struct pxr_err *err)
{
	struct pxr_resizer *rz = calloc(1, sizeof(*rz));

	if (rz == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	rz->filter = f;
	rz->simd = pxr_simd_level();
	return rz;
}

void
pxr_resizer_free(struct pxr_resizer *rz)
{
	if (rz == NULL)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(rz->cache[i].bounds);
		free(rz->cache[i].kk);
		free(rz->cache[i].kx);
		free(rz->cache[i].kp);
		pxr_hgroups_free(&rz->cache[i].hg);
	}
	free(rz->tmp);
	free(rz->out);
	free(rz);
}

/* Lays the weights out as pxr_hrow3_avx2 reads them: per output pixel xx
 * and tap, its weight in lanes 0-2 and the weight of xx + 1 in lanes 4-6
 * (PXR_HPAIR_LANES), so that a pair starting at any xx finds its weights
 * together. */
static int
expand_pairs(struct coeffs *c)
{
	size_t lanes = (size_t)c->out * c->ksize * PXR_HPAIR_LANES;

	free(c->kp);
	if ((c->kp = calloc(lanes, sizeof(int32_t))) == NULL) {
		c->in = c->out = 0;
		return -1;
	}
	for (uint32_t xx = 0; xx < c->out; xx++)
		for (int t = 0; t < c->ksize; t++) {
			int32_t *lane = &c->kp[(xx * (size_t)c->ksize + t) *
			    PXR_HPAIR_LANES];
			int32_t a = c->kk[xx * (size_t)c->ksize + t];
			int32_t b = xx + 1 < c->out
			    ? c->kk[(xx + 1) * (size_t)c->ksize + t]
			    : 0;

			lane[0] = lane[1] = lane[2] = a;
			lane[4] = lane[5] = lane[6] = b;
		}
	return 0;
}

/* Lays the weights out as pxr_hrow3_avx512 reads them: per output pixel,
 * blocks of 5 taps, each weight repeated for R, G and B, lane 15 zero. */
static int
expand_coeffs(struct coeffs *c)
{
	int kchunks =
	    (c->ksize + PXR_HTAPS_PER_BLOCK - 1) / PXR_HTAPS_PER_BLOCK;

	free(c->kx);
	c->kx = calloc((size_t)c->out * kchunks * 16, sizeof(int32_t));
	if (c->kx == NULL) {
		c->in = c->out = 0;
		return -1;
	}
	for (uint32_t xx = 0; xx < c->out; xx++) {
		const int32_t *k = &c->kk[xx * (size_t)c->ksize];
		int32_t *e = &c->kx[xx * (size_t)kchunks * 16];

		for (int x = 0; x < c->ksize; x++) {
			int32_t *lane = e + (x / PXR_HTAPS_PER_BLOCK) * 16 +
			    (x % PXR_HTAPS_PER_BLOCK) * 3;

			lane[0] = lane[1] = lane[2] = k[x];
		}
	}
	c->kchunks = kchunks;
	return 0;
}

/* Pillow's precompute_coeffs + normalize_coeffs_8bpc. */
static int
make_coeffs(const struct filter_def *fd, uint32_t in, uint32_t out, int simd,
    struct coeffs *c)
{
	double scale = (double)in / out,
	       filterscale = scale < 1.0 ? 1.0 : scale;
	double support = fd->support * filterscale, *w;
	int ksize = (int)ceil(support) * 2 + 1, maxtaps = 0;

	pxr_hgroups_free(&c->hg);
	free(c->bounds);
	free(c->kk);
	c->bounds = malloc(sizeof(int) * 2 * out);
	c->kk = malloc(sizeof(int32_t) * (size_t)ksize * out);
	w = malloc(sizeof(double) * (size_t)ksize);
	if (c->bounds == NULL || c->kk == NULL || w == NULL) {
		free(w);
		c->in = c->out = 0;
		return -1;
	}
	for (uint32_t xx = 0; xx < out; xx++) {
		double center = (xx + 0.5) * scale, ww = 0.0;
		double ss = 1.0 / filterscale;
		int xmin = (int)(center - support + 0.5), xmax, x;

		if (xmin < 0)
			xmin = 0;
		xmax = (int)(center + support + 0.5);
		if (xmax > (int)in)
			xmax = (int)in;
		xmax -= xmin;
		for (x = 0; x < xmax; x++) {
			w[x] = fd->fn((x + xmin - center + 0.5) * ss);
			ww += w[x];
		}
		for (x = 0; x < ksize; x++) {
			double k = x < xmax && ww != 0.0 ? w[x] / ww : 0.0;

			c->kk[xx * (size_t)ksize + x] = k < 0
			    ? (int32_t)(-0.5 + k * (1 << PRECISION_BITS))
			    : (int32_t)(0.5 + k * (1 << PRECISION_BITS));
		}
		c->bounds[xx * 2] = xmin;
		c->bounds[xx * 2 + 1] = xmax;
		if (xmax > maxtaps)
			maxtaps = xmax;
	}
	free(w);
	c->in = in;
	c->out = out;
	c->ksize = ksize;
	c->maxtaps = maxtaps;
	/* The weights laid out for the horizontal pass this CPU runs (the
	 * VBMI pass falls back to the AVX-512 one). */
	if (simd >= PXR_SIMD_AVX512)
		return expand_coeffs(c);
	if (simd == PXR_SIMD_AVX2)
		return expand_pairs(c);
	return 0;
}

static struct coeffs *
coeffs_for(struct pxr_resizer *rz, uint32_t in, uint32_t out)
{
	struct coeffs *victim = &rz->cache[0];

	rz->clock++;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct coeffs *c = &rz->cache[i];

		if (c->in == in && c->out == out) {
			c->use = rz->clock;
			return c;
		}
		if (c->use < victim->use)
			victim = c;
	}
	if (make_coeffs(&filters[rz->filter], in, out, rz->simd, victim) == -1)
		return NULL;
	victim->use = rz->clock;
	return victim;
}

static inline unsigned char
clip8(int32_t v)
{
	if (v >= (1 << PRECISION_BITS << 8))
		return 255;
	if (v <= 0)
		return 0;
	return (unsigned char)(v >> PRECISION_BITS);
}

/* Output columns x0 .. x0+n-1 of one row of the horizontal pass, for nch
 * channels, into dst[0 .. n*nch); src holds the row from input column
 * xoff on. */
static void
horizontal_row(unsigned char *restrict dst, const unsigned char *restrict src,
    int xoff, const struct coeffs *c, uint32_t x0, uint32_t n, int nch)
{
	for (uint32_t xx = x0; xx < x0 + n; xx++, dst += nch) {
		int xmin = c->bounds[xx * 2], xmax = c->bounds[xx * 2 + 1];
		const int32_t *k = &c->kk[xx * (size_t)c->ksize];
		const unsigned char *s = src + (size_t)(xmin - xoff) * nch;

		if (nch == 3) {
			int32_t s0 = 1 << (PRECISION_BITS - 1), s1 = s0,
				s2 = s0;

			for (int x = 0; x < xmax; x++) {
				s0 += s[x * 3] * k[x];
				s1 += s[x * 3 + 1] * k[x];
				s2 += s[x * 3 + 2] * k[x];
			}
			dst[0] = clip8(s0);
			dst[1] = clip8(s1);
			dst[2] = clip8(s2);
		} else {
			int32_t s0 = 1 << (PRECISION_BITS - 1);

			for (int x = 0; x < xmax; x++)
				s0 += s[x] * k[x];
			dst[0] = clip8(s0);
		}
	}
}

/* Output rows y0 .. y0+n-1 of the vertical pass: each a weighted sum of
 * input rows (src's row r is input row first + r, stride apart), computed
 * a whole row at a time so that the inner loop vectorises. */
static void
vertical(unsigned char *restrict dst, const unsigned char *restrict src,
    size_t stride, size_t rowlen, const struct coeffs *c, int first,
    uint32_t y0, uint32_t n, int32_t *restrict acc)
{
	for (uint32_t yy = y0; yy < y0 + n; yy++, dst += rowlen) {
		int ymin = c->bounds[yy * 2] - first,
		    ymax = c->bounds[yy * 2 + 1];
		const int32_t *k = &c->kk[yy * (size_t)c->ksize];

		for (size_t i = 0; i < rowlen; i++)
			acc[i] = 1 << (PRECISION_BITS - 1);
		for (int y = 0; y < ymax; y++) {
			const unsigned char *s =
			    src + (size_t)(ymin + y) * stride;
			int32_t ky = k[y];

			for (size_t i = 0; i < rowlen; i++)
				acc[i] += s[i] * ky;
		}
		for (size_t i = 0; i < rowlen; i++)
			dst[i] = clip8(acc[i]);
	}
}

static int
ensure(unsigned char **p, size_t *cap, size_t n)
{
	unsigned char *q;

	if (n <= *cap)
		return 0;
	if ((q = realloc(*p, n)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

int
pxr_resize(struct pxr_resizer *rz, struct pxr_record *rec, uint32_t ow,
    uint32_t oh, struct pxr_err *err)
{
	const struct pxr_rect all = { 0, 0, ow, oh };

	return pxr_resize_window(rz, rec, ow, oh, &all, err);
}

int
pxr_resize_window(struct pxr_resizer *rz, struct pxr_record *rec, uint32_t ow,
    uint32_t oh, const struct pxr_rect *win, struct pxr_err *err)
{
	const struct pxr_rect have = { 0, 0, rec->width, rec->height };

	return pxr_resize_part(rz, rec, rec->width, rec->height, &have, ow, oh,
	    win, err);
}

/* The input span [*lo, *hi) that output samples from .. from+n-1 read:
 * their coefficients' bounds, or the same span when c is NULL (no
 * resampling on that axis). */
static void
span(const struct coeffs *c, uint32_t from, uint32_t n, int *lo, int *hi)
{
	uint32_t last = from + n - 1;

	if (c == NULL) {
		*lo = (int)from;
		*hi = (int)(from + n);
		return;
	}
	/* Bounds grow with the output index: the first output's start and
	 * the last output's end bound them all. */
	*lo = c->bounds[from * 2];
	*hi = c->bounds[last * 2] + c->bounds[last * 2 + 1];
}

int
pxr_resize_need(struct pxr_resizer *rz, uint32_t w, uint32_t h, uint32_t ow,
    uint32_t oh, const struct pxr_rect *win, struct pxr_rect *need)
{
	const struct coeffs *ch = NULL, *cv = NULL;
	int x0, x1, y0, y1;

	if ((ow != w && (ch = coeffs_for(rz, w, ow)) == NULL) ||
	    (oh != h && (cv = coeffs_for(rz, h, oh)) == NULL))
		return -1;
	span(ch, win->x, win->w, &x0, &x1);
	span(cv, win->y, win->h, &y0, &y1);
	*need = (struct pxr_rect){ (uint32_t)x0, (uint32_t)y0,
		(uint32_t)(x1 - x0), (uint32_t)(y1 - y0) };
	return 0;
}

/*
 * The horizontal pass of pxr_resize_part: the window's columns of tmprows
 * input rows (from src, stride apart, starting at column x0) into rz->tmp,
 * a row of win->w * nch bytes each, by the widest code the CPU runs.  The
 * code is chosen here, once per image, so that the row loops stay free of
 * dispatch; the VBMI groups are built again only when the window's columns
 * change (the same crop of same-sized images reuses them).
 */
static void
horizontal_pass(struct pxr_resizer *rz, struct coeffs *ch,
    const unsigned char *src, size_t stride, size_t tmprows, int x0,
    const struct pxr_rect *win, uint32_t nch)
{
	size_t rowlen = (size_t)win->w * nch;

	if (rz->simd >= PXR_SIMD_VBMI && nch == 3 &&
	    (ch->hg.built && ch->hg.x0 == win->x && ch->hg.n == win->w
		    ? ch->hg.ok
		    : pxr_hgroups_build(&ch->hg, ch->bounds, ch->kk, ch->ksize,
			  win->x, win->w) == 0)) {
		for (size_t y = 0; y < tmprows; y++)
			pxr_hrow3_vbmi(rz->tmp + y * rowlen, src + y * stride,
			    x0, &ch->hg);
	} else if (rz->simd >= PXR_SIMD_AVX512 && nch == 3) {
		for (size_t y = 0; y < tmprows; y++)
			pxr_hrow3_avx512(rz->tmp + y * rowlen, src + y * stride,
			    x0, ch->bounds, ch->kx, ch->kchunks, win->x,
			    win->w);
	} else if (rz->simd >= PXR_SIMD_AVX2 && nch == 3) {
		pxr_hrows3_avx2(rz->tmp, src, stride, tmprows, stride, x0,
		    ch->bounds, ch->kp, ch->ksize, ch->maxtaps, win->x, win->w);
	} else {
		for (size_t y = 0; y < tmprows; y++)
			horizontal_row(rz->tmp + y * rowlen, src + y * stride,
			    x0, ch, win->x, win->w, (int)nch);
	}
}

/* The vertical pass: the window's rows into rz->out from the rows at src
 * (the first of which is input row first), or a copy when cv is NULL. */
static void
vertical_pass(struct pxr_resizer *rz, const struct coeffs *cv,
    const unsigned char *src, size_t stride, size_t rowlen, int first,
    const struct pxr_rect *win, int32_t *acc)
{
	if (cv != NULL && rz->simd >= PXR_SIMD_AVX512) {
		pxr_vertical_avx512(rz->out, src, stride, rowlen, cv->bounds,
		    cv->kk, cv->ksize, first, win->y, win->h);
	} else if (cv != NULL && rz->simd >= PXR_SIMD_AVX2) {
		pxr_vertical_avx2(rz->out, src, stride, rowlen, cv->bounds,
		    cv->kk, cv->ksize, first, win->y, win->h);
	} else if (cv != NULL) {
		vertical(rz->out, src, stride, rowlen, cv, first, win->y,
		    win->h, acc);
	} else {
		for (uint32_t y = 0; y < win->h; y++)
			memcpy(rz->out + y * rowlen, src + y * stride, rowlen);
	}
}

/*
 * Each output sample depends only on its own coefficients, so a window of
 * the output is computed alone and its bytes are those of the whole
 * output's: the horizontal pass runs over the window's columns and the
 * rows its output rows read, the vertical pass over the window's rows.
 * The input itself need only hold what those read.
 */
int
pxr_resize_part(struct pxr_resizer *rz, struct pxr_record *rec, uint32_t w,
    uint32_t h, const struct pxr_rect *have, uint32_t ow, uint32_t oh,
    const struct pxr_rect *win, struct pxr_err *err)
{
	uint32_t nch = rec->channels;
	struct coeffs *ch = NULL, *cv = NULL;
	const unsigned char *src = rec->payload;
	size_t rowlen = (size_t)win->w * nch, stride = (size_t)have->w * nch;
	size_t tmprows, outlen = rowlen * win->h, accoff;
	int first, last, cx0, cx1;

	if (rec->kind != PXR_KIND_PIXELS)
		PXR_BUG("pxr_resize on a record without pixels");
	if (win->w == 0 || win->h == 0 || win->x > ow - win->w ||
	    win->y > oh - win->h || rec->width != have->w ||
	    rec->height != have->h)
		PXR_BUG("resize window outside the output");
	if (ow == w && oh == h && win->w == w && win->h == h && have->w == w &&
	    have->h == h)
		return 0;
	if ((ow != w && (ch = coeffs_for(rz, w, ow)) == NULL) ||
	    (oh != h && (cv = coeffs_for(rz, h, oh)) == NULL))
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	/* Only the input rows and columns the window's samples read. */
	span(ch, win->x, win->w, &cx0, &cx1);
	span(cv, win->y, win->h, &first, &last);
	if ((uint32_t)cx0 < have->x || (uint32_t)first < have->y ||
	    (uint32_t)cx1 > have->x + have->w ||
	    (uint32_t)last > have->y + have->h)
		PXR_BUG("resize input lacks pixels the window needs");
	tmprows = (size_t)(last - first);
	/* The intermediate rows and the slack the horizontal pass may write
	 * after them, then the vertical pass's accumulator row, aligned for
	 * int32_t. */
	accoff = (tmprows * rowlen + PXR_HROW_SLACK + 63) & ~(size_t)63;
	if (ensure(&rz->tmp, &rz->tmpcap, accoff + sizeof(int32_t) * rowlen) ==
		-1 ||
	    ensure(&rz->out, &rz->outcap, outlen) == -1)
		return pxr_seterr(err, PXR_E_NOMEM,
		    "out of memory for a %ux%u image", win->w, win->h);
	src += (size_t)(first - (int)have->y) * stride;
	if (ch != NULL) {
		horizontal_pass(rz, ch, src, stride, tmprows, (int)have->x, win,
		    nch);
		src = rz->tmp;
		stride = rowlen;
	} else {
		src += (size_t)(win->x - have->x) * nch;
	}
	vertical_pass(rz, cv, src, stride, rowlen, first, win,
	    (int32_t *)(void *)(rz->tmp + accoff));
	rec->width = win->w;
	rec->height = win->h;
	rec->payload = rz->out;
	rec->payload_len = outlen;
	return 0;
}
