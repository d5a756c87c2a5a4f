/*
 * notebook.c: the original notebook's resize_smallest_dimension and
 * center_crop, computed as its Julia packages computed them, in their
 * float types and their order of operations (notebook.h has the steps).
 * The sources are cited where each step is done: ImageTransformations
 * 0.7.2 src/resizing.jl (restrict, imresize), ImageFiltering 0.5.3
 * src/kernelfactors.jl and src/imfilter.jl (gaussian, imfilter with
 * Inner()), Interpolations 0.11.2 src/b-splines/linear.jl and
 * src/Interpolations.jl (linear weights and their sum), FixedPointNumbers
 * 0.5.3 src/normed.jl (N0f8 to Float32), Julia 1.1 base/special/exp.jl.
 *
 * Julia rounds after every operation and never contracts a * b + c into
 * an FMA unless told (muladd); this file is compiled with
 * -ffp-contract=off -fno-fast-math (Makefile) so that C does the same.
 * Lanes of a loop that vectorises are independent samples, each computed
 * in the reference's order.
 *
 * Only the window asked for is computed, from only the rows and columns of
 * each step that it reads; the values are those of computing everything.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nbkern.h"
#include "notebook.h"

#define MAX_LEVELS 24 /* restrict halvings: 2^24 > PXR_DIM_MAX */
#define MAX_TAPS 64

/* A rectangle of samples of one step, ch interleaved channels a pixel:
 * rows [y0, y0 + h) and columns [x0, x0 + w) of that step's image. */
struct plane {
	int64_t y0, x0, h, w;
	size_t stride; /* elements a row */
};

/* The chain for one image: its steps' sizes and the kernel. */
struct chain {
	double f;                   /* the reduction factor */
	int levels;                 /* restrict halvings */
	int64_t lh[MAX_LEVELS + 1]; /* rows of each level */
	int64_t lw[MAX_LEVELS + 1]; /* columns of each level */
	int down;                   /* f < 1: Gaussian, Float64 */
	int taps, half;             /* the Gaussian's length, its w */
	double g[MAX_TAPS];         /* the kernel */
	int64_t n1, n2;             /* the interpolated array's size */
	int64_t f1;                 /* its first row index (1-based) */
	uint32_t m1, m2;            /* the output's rows and columns */
	int clamp;                  /* some scale < 1: coordinates clamped */
};

/* One output index's source: i0 and i0 + 1 (0-based in the interpolated
 * array) with weights 1 - d and d. */
struct tap2 {
	int64_t i0;
	double d;
};

struct pxr_notebook {
	float *fa, *fb; /* the restrict levels (two, used in turn) */
	size_t fcap[2];
	float *ftmp; /* restrict's rows: 4 read, zeros, one output */
	size_t ftcap;
	double *gbuf; /* the Gaussian's output */
	double *dbuf; /* its input, widened to double */
	size_t dcap;

	size_t gcap;
	struct tap2 *ty, *tx;
	size_t tycap, txcap;
	struct pxr_nbk_hw *hw; /* the columns' weights */
	size_t hwcap;
	double *hbuf; /* G of the rows the window reads */
	size_t hcap;
	unsigned char *out;
	size_t outcap;
};

struct pxr_notebook *
pxr_notebook_new(struct pxr_err *err)
{
	struct pxr_notebook *nb = calloc(1, sizeof(*nb));

	if (nb == NULL)
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	return nb;
}

void
pxr_notebook_free(struct pxr_notebook *nb)
{
	if (nb == NULL)
		return;
	free(nb->fa);
	free(nb->fb);
	free(nb->ftmp);
	free(nb->gbuf);
	free(nb->dbuf);

	free(nb->ty);
	free(nb->tx);
	free(nb->hw);
	free(nb->hbuf);
	free(nb->out);
	free(nb);
}

static int
grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n <= *cap)
		return 0;
	if (n > SIZE_MAX / size || (q = realloc(*p, n * size)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/*
 * Julia 1.1's exp for Float64 (base/special/exp.jl, FDLIBM's e_exp.c as
 * Julia ported it), for finite arguments over about -745: the argument
 * reduction x = k ln2 + r, then 1 - ((lo - r p / (2 - p)) - hi) scaled by
 * 2^k.  @horner and the reduction's muladd may fuse or not (the JIT's
 * choice): fused selects fma().
 */
static double
muladd(double a, double b, double c, int fused)
{
	return fused ? fma(a, b, c) : a * b + c;
}

static double
exp_kernel(double x, int fused)
{
	return muladd(x,
	    muladd(x,
		muladd(x,
		    muladd(x, 4.13813679705723846039e-8,
			-1.65339022054652515390e-6, fused),
		    6.61375632143793436117e-5, fused),
		-2.77777777770155933842e-3, fused),
	    1.66666666666666019037e-1, fused);
}

static uint64_t
bits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static double
from_bits(uint64_t u)
{
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

double
pxr_notebook_exp(double x, int fused)
{
	const double ln2 = 6.931471805599453094172321214581765680755e-01;
	const double log2e = 1.442695040888963407359924681001892137426646;
	const double ln2u = 6.93147180369123816490e-1;
	const double ln2l = 1.90821492927058770002e-10;
	uint64_t xa = bits(x) & ~(UINT64_C(1) << 63);
	int neg = signbit(x) != 0;
	double hi, lo, r, z, p, y, n;
	int64_t k;

	if (xa > bits(7.09782712893383996732e2)) {
		if (isnan(x))
			return x;
		if (x > 7.09782712893383996732e2)
			return HUGE_VAL;
		if (x < -7.451332191019412076235e2)
			return 0.0;
	}
	if (x == 1.0)
		return 2.718281828459045235360;
	if (xa > bits(0.5 * ln2)) {
		if (xa < bits(1.5 * ln2)) {
			k = neg ? -1 : 1;
			hi = neg ? x + ln2u : x - ln2u;
			lo = neg ? -ln2l : ln2l;
		} else {
			n = nearbyint(log2e * x);
			k = (int64_t)n;
			hi = muladd(n, -ln2u, x, fused);
			lo = n * ln2l;
		}
		r = hi - lo;
		z = r * r;
		p = r - z * exp_kernel(z, fused);
		y = 1.0 - ((lo - (r * p) / (2.0 - p)) - hi);
		if (k > -52) {
			if (k == 1023)
				return y * 2.0 * 8.98846567431158e307;
			return y * from_bits((uint64_t)(1023 + k) << 52);
		}
		return y * from_bits((uint64_t)(1023 + 52 + 1 + k) << 52) *
		    0x1p-53;
	}
	if (xa < bits(0x1p-28))
		return 1.0 + x;
	z = x * x;
	p = x - z * exp_kernel(z, fused);
	return 1.0 - ((x * p) / (p - 2.0) - x);
}

/*
 * KernelFactors.gaussian(sigma) (kernelfactors.jl:411-416): l = 4 *
 * ceil(Int, sigma) + 1 taps, g[x] = exp(-x^2 / (2 * sigma^2)) with -x^2
 * an integer and sigma^2 = sigma * sigma, then g / sum(g): Base's sum of
 * fewer than 16 elements adds them left to right.
 */
int
pxr_notebook_gaussian(double sigma, double *g, int max, int fused)
{
	int l = 4 * (int)ceil(sigma) + 1, w = l >> 1;
	double s;

	if (l > max)
		return -1;
	for (int x = -w; x <= w; x++)
		g[x + w] = pxr_notebook_exp(
		    (double)(-(x * x)) / (2.0 * (sigma * sigma)), fused);
	s = g[0] + g[1];
	for (int i = 2; i < l; i++)
		s = s + g[i];
	for (int i = 0; i < l; i++)
		g[i] = g[i] / s;
	return l;
}

/* restrict's output length (resizing.jl:157). */
static int64_t
rsize(int64_t n)
{
	return n & 1 ? (n + 1) / 2 : n / 2 + 1;
}

/* The steps for a w x h image, short side to n, output ow x oh. */
static int
chain_init(struct chain *c, uint32_t w, uint32_t h, uint32_t n, uint32_t ow,
    uint32_t oh, struct pxr_err *err)
{
	double s1, s2;

	memset(c, 0, sizeof(*c));
	/* reduction_factor = len / minimum(size(im)[1:2]): Int / Int. */
	c->f = (double)n / (double)(w < h ? w : h);
	c->lh[0] = h;
	c->lw[0] = w;
	c->m1 = oh;
	c->m2 = ow;
	c->down = c->f < 1.0;
	if (c->down) {
		double f = c->f;

		while (f < 0.5) {
			if (c->levels == MAX_LEVELS)
				return pxr_seterr(err, PXR_E_IMAGE,
				    "too many restrict steps");
			c->lh[c->levels + 1] = rsize(c->lh[c->levels]);
			c->lw[c->levels + 1] = rsize(c->lw[c->levels]);
			c->levels++;
			f *= 2;
		}
		c->taps = pxr_notebook_gaussian(0.75 / f, c->g, MAX_TAPS, 0);
		if (c->taps < 0)
			PXR_BUG("a Gaussian of more than MAX_TAPS taps");
		c->half = c->taps / 2;
		c->n1 = c->lh[c->levels] - 2 * c->half;
		c->n2 = c->lw[c->levels];
		c->f1 = 1 + c->half;
		if (c->n1 < 1)
			return pxr_seterr(err, PXR_E_IMAGE,
			    "%ux%u: no row left inside the notebook's "
			    "Gaussian (Inner border), where the notebook "
			    "failed",
			    w, h);
	} else {
		c->n1 = h;
		c->n2 = w;
		c->f1 = 1;
	}
	s1 = (double)c->n1 / (double)c->m1;
	s2 = (double)c->n2 / (double)c->m2;
	c->clamp = s1 < 1.0 || s2 < 1.0;
	return 0;
}

/*
 * imresize!'s mapping of output index i (1-based) along a dimension of n
 * input samples whose first index is first (resizing.jl:271-284), then
 * BSpline(Linear()) positions (linear.jl:24-32): floor, one less at the
 * last index, and d = x - floor.  i0 is 0-based from first.
 */
static struct tap2
position(int64_t i, int64_t n, int64_t first, uint32_t m, int clamp)
{
	double s = (double)n / (double)m;
	double off = ((double)first - 0.5) - s * 0.5;
	double x = s * (double)i + off, fl;
	double last = (double)(first + n - 1);
	struct tap2 t;

	if (clamp)
		x = x > last ? last : x < (double)first ? (double)first : x;
	fl = floor(x);
	if (x == last)
		fl -= 1.0;
	t.i0 = (int64_t)fl - first;
	t.d = x - fl;
	return t;
}

/* The inputs that outputs [a, b] of a restrict of n samples read. */
static void
restrict_need(int64_t n, int64_t *a, int64_t *b)
{
	*a = 2 * *a - (n & 1 ? 1 : 2);
	*b = 2 * *b + 1;
	if (*a < 0)
		*a = 0;
	if (*b > n - 1)
		*b = n - 1;
}

/* The rows and columns of each level the window needs: need[l]. */
static void
chain_need(const struct chain *c, const struct pxr_rect *win,
    struct plane *need)
{
	struct tap2 t;
	int64_t r0, r1, c0, c1;
	int L = c->levels;

	t = position((int64_t)win->y + 1, c->n1, c->f1, c->m1, c->clamp);
	r0 = t.i0;
	t = position((int64_t)win->y + win->h, c->n1, c->f1, c->m1, c->clamp);
	r1 = t.i0 + 1;
	t = position((int64_t)win->x + 1, c->n2, 1, c->m2, c->clamp);
	c0 = t.i0;
	t = position((int64_t)win->x + win->w, c->n2, 1, c->m2, c->clamp);
	c1 = t.i0 + 1;
	if (r0 < 0)
		r0 = 0;
	if (r1 > c->n1 - 1)
		r1 = c->n1 - 1;
	if (c0 < 0)
		c0 = 0;
	if (c1 > c->n2 - 1)
		c1 = c->n2 - 1;
	/* The interpolated array's row r is the level's row r + half (the
	 * Gaussian's output keeps the level's indices), which reads the
	 * level's rows r .. r + 2 * half. */
	r1 += 2 * c->half;
	for (int l = L; l >= 0; l--) {
		need[l] = (struct plane){ r0, c0, r1 - r0 + 1, c1 - c0 + 1, 0 };
		if (l > 0) {
			restrict_need(c->lh[l - 1], &r0, &r1);
			restrict_need(c->lw[l - 1], &c0, &c1);
		}
	}
}

int
pxr_notebook_need(uint32_t w, uint32_t h, uint32_t n, uint32_t ow, uint32_t oh,
    const struct pxr_rect *win, struct pxr_rect *need, struct pxr_err *err)
{
	struct chain c;
	struct plane p[MAX_LEVELS + 1];

	if (chain_init(&c, w, h, n, ow, oh, err) == -1)
		return -1;
	chain_need(&c, win, p);
	*need = (struct pxr_rect){ (uint32_t)p[0].x0, (uint32_t)p[0].y0,
		(uint32_t)p[0].w, (uint32_t)p[0].h };
	return 0;
}

/*
 * N0f8 to Float32 (normed.jl:75-77): the raw byte times Float32(1/255),
 * one float multiply (not a division by 255: 126 of the 256 values differ
 * by an ulp).
 */
static void
to_float(const unsigned char *src, size_t sstride, float *dst,
    const struct plane *p, unsigned ch)
{
	const struct pxr_nbk *k = pxr_nbk();

	for (int64_t y = 0; y < p->h; y++)
		k->to_f32(src + (size_t)y * sstride, (size_t)p->w * ch,
		    dst + (size_t)y * p->stride);
}

/* Element k of row y of a level held as plane p (zero outside the
 * level's n x m image, as restrict's loops read it). */
static inline const float *
row_at(const float *a, const struct plane *p, int64_t y)
{
	return a + (size_t)(y - p->y0) * p->stride;
}

/*
 * restrict along the rows (resizing.jl:117-155, the method for dimension
 * 1): output row k of n input rows, in Float32, zero beyond the edges:
 *   n even: 1/8 (A[2k-2] + A[2k+1]) + 3/8 (A[2k-1] + A[2k]),
 *   n odd:  1/4 (A[2k-1] + A[2k+1]) + 1/2 A[2k].
 * The loop's first and last rows are these with the missing rows 0 (x + 0
 * is x, and the sums are commutative).
 */
static void
restrict_row(const float *const *r, int64_t n, size_t m, float *d)
{
	if (n & 1)
		for (size_t i = 0; i < m; i++)
			d[i] = 0.25f * (r[1][i] + r[3][i]) + 0.5f * r[2][i];
	else
		for (size_t i = 0; i < m; i++)
			d[i] = 0.125f * (r[0][i] + r[3][i]) +
			    0.375f * (r[1][i] + r[2][i]);
}

/*
 * restrict along the columns (resizing.jl:50-114, the generic method):
 * each output accumulates its inputs left to right from zero:
 *   m even: ((1/8 A[2j-2] + 3/8 A[2j-1]) + 3/8 A[2j]) + 1/8 A[2j+1],
 *   m odd:  (1/4 A[2j-1] + 1/2 A[2j]) + 1/4 A[2j+1],
 * in Float32, zero beyond the edges.
 */
static void
restrict_cols(const float *a, const struct plane *pa, int64_t m, float *o,
    const struct plane *po, unsigned ch)
{
	static const float even[4] = { 0.125f, 0.375f, 0.375f, 0.125f };
	static const float odd[4] = { 0.0f, 0.25f, 0.5f, 0.25f };
	const float *wt = m & 1 ? odd : even;
	int t0 = m & 1 ? 1 : 0;

	for (int64_t y = 0; y < po->h; y++) {
		const float *s = a + (size_t)y * pa->stride;
		float *d = o + (size_t)y * po->stride;

		for (int64_t j = po->x0; j < po->x0 + po->w; j++) {
			float *dj = d + (size_t)(j - po->x0) * ch;

			if (2 * j - 2 + t0 >= 0 && 2 * j + 1 < m) {
				/* All its inputs inside the image. */
				const float *sj =
				    s + (size_t)(2 * j - 2 + t0 - pa->x0) * ch;

				if (m & 1)
					for (unsigned c = 0; c < ch; c++)
						dj[c] =
						    ((0.0f + 0.25f * sj[c]) +
							0.5f * sj[ch + c]) +
						    0.25f * sj[2 * ch + c];
				else
					for (unsigned c = 0; c < ch; c++)
						dj[c] =
						    (((0.0f + 0.125f * sj[c]) +
							 0.375f * sj[ch + c]) +
							0.375f *
							    sj[2 * ch + c]) +
						    0.125f * sj[3 * ch + c];
				continue;
			}
			for (unsigned c = 0; c < ch; c++) {
				float acc = 0.0f;

				for (int t = t0; t < 4; t++) {
					int64_t x = 2 * j - 2 + t;
					float v = x >= 0 && x < m
					    ? s[(size_t)(x - pa->x0) * ch + c]
					    : 0.0f;

					acc = acc + wt[t] * v;
				}
				dj[c] = acc;
			}
		}
	}
}

/*
 * imfilter(im, gaussian, Inner()) (imfilter.jl:997-1009): out[i] = sum
 * over j = -w..w of A[i + j] * k[j], from 0.0, in order, in Float64 (the
 * Float32 samples widen exactly); dimension 1 only: the 1-D kernel is
 * reshaped to (l, 1, 1) against the 3-D image (utils.jl, samedims).
 */
static void
gaussian_rows(const double *a, const struct plane *pa, const struct chain *c,
    double *o, const struct plane *po, unsigned ch)
{
	const struct pxr_nbk *k = pxr_nbk();
	size_t m = (size_t)po->w * ch;
	int64_t dx = (po->x0 - pa->x0) * ch;
	const double *s[MAX_TAPS];

	for (int64_t r = po->y0; r < po->y0 + po->h; r++) {
		for (int t = 0; t < c->taps; t++)
			s[t] = a +
			    (size_t)(r - c->half + t - pa->y0) * pa->stride +
			    dx;
		k->gauss_row(s, c->taps, c->g, m,
		    o + (size_t)(r - po->y0) * po->stride);
	}
}

/*
 * imresize! (resizing.jl:271-284) with BSpline(Linear()) values
 * (Interpolations.jl:270-284, dimension 1 outermost):
 *   G(r) = d2 A[r, j + 1] + (1 - d2) A[r, j],
 *   v = d1 G(i + 1) + (1 - d1) G(i),
 * each product and sum rounded in Float64; the channel dimension's
 * weights (1, 0) or (0, 1) copy it exactly.  Values of a Float64 input
 * (the filtered path) stay Float64; a Float32 input's are stored as
 * Float32 (imresize_type).  G is computed once for each row the window's
 * rows read (hrow), then v for each output row (vrows): the same values.
 */
struct src {
	const float *f;  /* Float32 samples (the upscale path), or */
	const double *g; /* the Gaussian's Float64 ones */
	const struct plane *p;
};

static void
hrow(const struct src *s, int64_t r, const struct pxr_nbk_hw *hw, uint32_t n,
    unsigned ch, double *out)
{
	size_t base = (size_t)(r - s->p->y0) * s->p->stride;

	if (s->g != NULL && ch == 3)
		pxr_nbk()->hrow3(s->g + base, hw, n, out);
	else if (s->g != NULL) {
		const double *a = s->g + base;

		for (uint32_t j = 0; j < n; j++)
			for (unsigned k = 0; k < ch; k++)
				out[j * ch + k] = hw[j].w1 * a[hw[j].o1 + k] +
				    hw[j].w0 * a[hw[j].o0 + k];
	} else {
		const float *a = s->f + base;

		for (uint32_t j = 0; j < n; j++)
			for (unsigned k = 0; k < ch; k++)
				out[j * ch + k] =
				    hw[j].w1 * (double)a[hw[j].o1 + k] +
				    hw[j].w0 * (double)a[hw[j].o0 + k];
	}
}

/* The window of the interpolation of s: G for each row the window reads,
 * then each output row.  0, or -1 if out of memory. */
static int
bilinear(struct pxr_notebook *nb, const struct src *s, const struct chain *c,
    const struct pxr_rect *win, unsigned ch)
{
	const struct pxr_nbk *k = pxr_nbk();
	const struct plane *p = s->p;
	int64_t rmax = p->y0 + p->h - 1, cmax = p->x0 + p->w - 1;
	int64_t lo = nb->ty[0].i0 + c->half;
	int64_t hi = nb->ty[win->h - 1].i0 + c->half + 1;
	size_t n = (size_t)win->w * ch;

	if (lo < p->y0)
		lo = p->y0;
	if (hi > rmax)
		hi = rmax;
	if (grow((void **)&nb->hw, &nb->hwcap, win->w, sizeof(*nb->hw)) == -1 ||
	    grow((void **)&nb->hbuf, &nb->hcap, (size_t)(hi - lo + 1) * n,
		sizeof(double)) == -1)
		return -1;
	for (uint32_t j = 0; j < win->w; j++) {
		int64_t c0 = nb->tx[j].i0, c1 = c0 + 1;

		/* Out of range only for a 1-sample input, with weight 0. */
		if (c1 > cmax)
			c1 = cmax;
		if (c0 < p->x0)
			c0 = p->x0;
		nb->hw[j] = (struct pxr_nbk_hw){ 1.0 - nb->tx[j].d, nb->tx[j].d,
			(size_t)(c0 - p->x0) * ch, (size_t)(c1 - p->x0) * ch };
	}
	for (int64_t r = lo; r <= hi; r++)
		hrow(s, r, nb->hw, win->w, ch, nb->hbuf + (size_t)(r - lo) * n);
	for (uint32_t i = 0; i < win->h; i++) {
		int64_t r0 = nb->ty[i].i0 + c->half, r1 = r0 + 1;
		const double *h0, *h1;

		if (r1 > hi)
			r1 = hi;
		if (r0 < lo)
			r0 = r1;
		h0 = nb->hbuf + (size_t)(r0 - lo) * n;
		h1 = nb->hbuf + (size_t)(r1 - lo) * n;
		if (c->down)
			k->vrow64(h0, h1, nb->ty[i].d, n, nb->out + i * n);
		else
			k->vrow32(h0, h1, nb->ty[i].d, n, nb->out + i * n);
	}
	return 0;
}

/* The index tables of the window's rows and columns. */
static int
tables(struct pxr_notebook *nb, const struct chain *c,
    const struct pxr_rect *win)
{
	if (grow((void **)&nb->ty, &nb->tycap, win->h, sizeof(*nb->ty)) == -1 ||
	    grow((void **)&nb->tx, &nb->txcap, win->w, sizeof(*nb->tx)) == -1)
		return -1;
	for (uint32_t i = 0; i < win->h; i++)
		nb->ty[i] = position((int64_t)win->y + i + 1, c->n1, c->f1,
		    c->m1, c->clamp);
	for (uint32_t j = 0; j < win->w; j++)
		nb->tx[j] = position((int64_t)win->x + j + 1, c->n2, 1, c->m2,
		    c->clamp);
	return 0;
}

/*
 * Levels 1..L, each row by row: the rows it reads of the level above (of
 * level 0, the bytes of src made Float32 as they are read: no Float32 copy
 * of a large image), restricted along the rows into one row, then along
 * the columns into the level's row.  The last level's data is returned.
 */
static float *
restrict_levels(struct pxr_notebook *nb, const struct chain *c,
    struct plane *need, const unsigned char *src, size_t sstride, unsigned ch)
{
	const struct pxr_nbk *k = pxr_nbk();
	float *cur = NULL;
	int which = 0;

	for (int l = 1; l <= c->levels; l++) {
		struct plane *pi = &need[l - 1], *po = &need[l];
		struct plane mid = { 0, pi->x0, 1, pi->w, 0 };
		float **dst = which == 0 ? &nb->fb : &nb->fa;
		int64_t n = c->lh[l - 1];
		float *rows, *midrow;

		mid.stride = (size_t)mid.w * ch;
		po->stride = (size_t)po->w * ch;
		if (grow((void **)&nb->ftmp, &nb->ftcap, 6 * mid.stride,
			sizeof(float)) == -1 ||
		    grow((void **)dst, &nb->fcap[1 - which],
			po->stride * (size_t)po->h, sizeof(float)) == -1)
			return NULL;
		rows = nb->ftmp; /* 4 rows read, the zero row, the mid row */
		memset(rows + 4 * mid.stride, 0, mid.stride * sizeof(float));
		midrow = rows + 5 * mid.stride;
		for (int64_t y = po->y0; y < po->y0 + po->h; y++) {
			const float *r[4];

			for (int t = 0; t < 4; t++) {
				int64_t yy = 2 * y - 2 + t;

				r[t] = rows + 4 * mid.stride;
				if (yy < 0 || yy >= n || (t == 0 && (n & 1)))
					continue;
				if (l == 1) {
					k->to_f32(src +
						(size_t)(yy - pi->y0) * sstride,
					    mid.stride, rows + t * mid.stride);
					r[t] = rows + t * mid.stride;
				} else {
					r[t] = row_at(cur, pi, yy);
				}
			}
			restrict_row(r, n, mid.stride, midrow);
			mid.y0 = y;
			restrict_cols(midrow, &mid, c->lw[l - 1],
			    *dst + (size_t)(y - po->y0) * po->stride,
			    &(struct plane){ y, po->x0, 1, po->w, po->stride },
			    ch);
		}
		cur = *dst;
		which = 1 - which;
	}
	return cur;
}

int
pxr_notebook_apply(struct pxr_notebook *nb, struct pxr_record *rec, uint32_t w,
    uint32_t h, const struct pxr_rect *have, uint32_t n, uint32_t ow,
    uint32_t oh, const struct pxr_rect *win, struct pxr_err *err)
{
	const struct pxr_rect all = { 0, 0, w, h };
	struct plane need[MAX_LEVELS + 1], gp;
	struct chain c;
	struct src s = { NULL, NULL, NULL };
	unsigned ch = rec->channels;
	const unsigned char *src;
	float *lev = NULL;
	size_t len, sstride;

	if (have == NULL)
		have = &all;
	if (chain_init(&c, w, h, n, ow, oh, err) == -1)
		return -1;
	chain_need(&c, win, need);
	if (need[0].x0 < have->x || need[0].y0 < have->y ||
	    need[0].x0 + need[0].w > (int64_t)have->x + have->w ||
	    need[0].y0 + need[0].h > (int64_t)have->y + have->h)
		PXR_BUG("the notebook's chain given less than it needs");
	need[0].stride = (size_t)need[0].w * ch;
	len = (size_t)win->w * win->h * ch;
	if (grow((void **)&nb->out, &nb->outcap, len, 1) == -1 ||
	    tables(nb, &c, win) == -1)
		goto nomem;
	src = rec->payload +
	    ((size_t)(need[0].y0 - have->y) * have->w +
		(size_t)(need[0].x0 - have->x)) *
		ch;
	sstride = (size_t)have->w * ch;
	s.p = &need[c.levels];
	if (c.down) {
		/* The Gaussian's input in double (the Float32 values,
		 * widened): from the bytes, or from the last restrict level. */
		struct plane *pl = &need[c.levels];
		const struct pxr_nbk *k = pxr_nbk();

		pl->stride = (size_t)pl->w * ch;
		if (c.levels > 0 &&
		    (lev = restrict_levels(nb, &c, need, src, sstride, ch)) ==
			NULL)
			goto nomem;
		if (grow((void **)&nb->dbuf, &nb->dcap,
			pl->stride * (size_t)pl->h, sizeof(double)) == -1)
			goto nomem;
		for (int64_t y = 0; y < pl->h; y++) {
			double *d = nb->dbuf + (size_t)y * pl->stride;

			if (c.levels > 0)
				k->f32_to_f64(lev + (size_t)y * pl->stride,
				    pl->stride, d);
			else
				k->to_f64(src + (size_t)y * sstride, pl->stride,
				    d);
		}
	} else {
		if (grow((void **)&nb->fa, &nb->fcap[0],
			need[0].stride * (size_t)need[0].h,
			sizeof(float)) == -1)
			goto nomem;
		to_float(src, sstride, nb->fa, &need[0], ch);
		s.f = nb->fa;
	}
	if (c.down) {
		/* The Gaussian's rows: the interpolated array's, in the
		 * level's numbering. */
		gp = need[c.levels];
		gp.y0 += c.half;
		gp.h -= 2 * c.half;
		gp.stride = (size_t)gp.w * ch;
		if (grow((void **)&nb->gbuf, &nb->gcap,
			gp.stride * (size_t)gp.h, sizeof(double)) == -1)
			goto nomem;
		gaussian_rows(nb->dbuf, &need[c.levels], &c, nb->gbuf, &gp, ch);
		s.g = nb->gbuf;
		s.f = NULL;
		s.p = &gp;
	}
	if (bilinear(nb, &s, &c, win, ch) == -1)
		goto nomem;
	rec->width = win->w;
	rec->height = win->h;
	rec->payload = nb->out;
	rec->payload_len = len;
	return 0;
nomem:
	return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
}
