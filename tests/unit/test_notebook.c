/*
 * test_notebook.c: lib/notebook.c, the notebook's resampling.  Its values
 * against the numpy re-implementation are tests/notebook.bats' (with the
 * decode of IJG 9b); here: Julia's exp next to the C library's, the
 * Gaussian the same whether Julia's JIT fused its muladds or not for
 * every short side pxr can see, and any window computed from only the
 * part of the image it needs equal to the same window of the whole.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notebook.h"
#include "unit.h"

/* Julia's exp is FDLIBM's: within an ulp of glibc's. */
static void
test_exp(void)
{
	int far = 0;

	for (double x = -20.0; x <= 5.0; x += 0.001) {
		double a = pxr_notebook_exp(x, 0), b = exp(x);

		if (fabs(a - b) > nextafter(b, INFINITY) - b)
			far++;
	}
	EXPECT_INT(far, 0);
	EXPECT_INT(pxr_notebook_exp(0.0, 0) == 1.0, 1);
	EXPECT_INT(pxr_notebook_exp(1.0, 0) == 2.718281828459045, 1);
}

/*
 * sigma = 0.75 / f, f = 256 / s doubled while under 1/2, for every short
 * side s from 257 (no Gaussian at or under 256) to 2^20 (PXR_DIM_MAX):
 * the kernel with @horner's muladds fused (Julia's JIT on a CPU with FMA)
 * is the kernel without, but for three short sides of some 470000 to
 * 950000 pixels, whose outer taps differ by an ulp.
 */
static void
test_fused(void)
{
	double g1[16], g2[16];
	long differ = 0, sides = 0;

	for (long s = 257; s <= 1L << 20; s++) {
		double f = 256.0 / (double)s;
		int l1, l2;

		while (f < 0.5)
			f *= 2;
		l1 = pxr_notebook_gaussian(0.75 / f, g1, 16, 0);
		l2 = pxr_notebook_gaussian(0.75 / f, g2, 16, 1);
		if (l1 != l2 || memcmp(g1, g2, sizeof(double) * (size_t)l1))
			differ +=
			    s == 472485 || s == 918349 || s == 944970 ? 0 : 1;
		sides++;
	}
	UNIT_CHECK(differ == 0, "%ld of %ld short sides: fused != unfused",
	    differ, sides);
}

/* A w x h x ch image of random bytes. */
static unsigned char *
noise(uint32_t w, uint32_t h, unsigned ch, unsigned seed)
{
	unsigned char *p = malloc((size_t)w * h * ch);

	srand(seed);
	for (size_t i = 0; i < (size_t)w * h * ch; i++)
		p[i] = (unsigned char)(rand() >> 7);
	return p;
}

/* Window win of the chain, from all of the image and from only the part
 * pxr_notebook_need names; 1 if the two agree with the whole's window. */
static int
window_agrees(struct pxr_notebook *nb, const unsigned char *img, uint32_t w,
    uint32_t h, unsigned ch, uint32_t n, uint32_t ow, uint32_t oh,
    const struct pxr_rect *win)
{
	struct pxr_rect all = { 0, 0, ow, oh }, need;
	struct pxr_record rec = { 0 };
	struct pxr_err err;
	unsigned char *whole, *sub;
	const unsigned char *part;
	int ok = 1;

	rec.kind = PXR_KIND_PIXELS;
	rec.width = w;
	rec.height = h;
	rec.channels = ch;
	rec.payload = img;
	rec.payload_len = (size_t)w * h * ch;
	if (pxr_notebook_apply(nb, &rec, w, h, NULL, n, ow, oh, &all, &err))
		return 0;
	whole = malloc(rec.payload_len);
	memcpy(whole, rec.payload, rec.payload_len);
	if (pxr_notebook_need(w, h, n, ow, oh, win, &need, &err) == -1)
		return 0;
	sub = malloc((size_t)need.w * need.h * ch);
	for (uint32_t y = 0; y < need.h; y++)
		memcpy(sub + (size_t)y * need.w * ch,
		    img + ((size_t)(need.y + y) * w + need.x) * ch,
		    (size_t)need.w * ch);
	rec.payload = sub;
	rec.width = need.w;
	rec.height = need.h;
	rec.payload_len = (size_t)need.w * need.h * ch;
	if (pxr_notebook_apply(nb, &rec, w, h, &need, n, ow, oh, win, &err))
		ok = 0;
	part = rec.payload;
	for (uint32_t y = 0; ok && y < win->h; y++)
		ok = memcmp(part + (size_t)y * win->w * ch,
			 whole + ((size_t)(win->y + y) * ow + win->x) * ch,
			 (size_t)win->w * ch) == 0;
	free(sub);
	free(whole);
	return ok;
}

static void
test_windows(void)
{
	static const uint32_t sizes[][3] = { { 500, 375, 73 },
		{ 375, 500, 256 }, { 1025, 777, 64 }, { 901, 1200, 100 },
		{ 257, 300, 256 }, { 200, 150, 256 }, { 320, 256, 256 },
		{ 700, 513, 128 }, { 2100, 1601, 96 } };
	struct pxr_notebook *nb;
	struct pxr_err err;

	if ((nb = pxr_notebook_new(&err)) == NULL)
		exit(2);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t w = sizes[i][0], h = sizes[i][1], n = sizes[i][2];
		double f = (double)n / (double)(w < h ? w : h);
		uint32_t ow = (uint32_t)nearbyint(w * f);
		uint32_t oh = (uint32_t)nearbyint(h * f);
		unsigned ch = i % 3 == 2 ? 1 : 3;
		unsigned char *img = noise(w, h, ch, (unsigned)i + 1);

		for (int k = 0; k < 4; k++) {
			struct pxr_rect win = { (uint32_t)(k * ow / 7),
				(uint32_t)(k * oh / 9), ow / (2 + (uint32_t)k),
				oh / (1 + (uint32_t)k) };

			UNIT_CHECK(
			    window_agrees(nb, img, w, h, ch, n, ow, oh, &win),
			    "%ux%u to %ux%u: window %u,%u %ux%u differs", w, h,
			    ow, oh, win.x, win.y, win.w, win.h);
		}
		free(img);
	}
	pxr_notebook_free(nb);
}

/* A skinny image the Gaussian's Inner border leaves no row of fails, as
 * the notebook did. */
static void
test_inner_empty(void)
{
	struct pxr_rect win = { 0, 0, 10, 10 }, need;
	struct pxr_err err;

	EXPECT_INT(
	    pxr_notebook_need(2000, 3, 256, 170667, 256, &win, &need, &err), 0);
	EXPECT_INT(pxr_notebook_need(300, 3, 2, 200, 2, &win, &need, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "Inner");
}

int
main(void)
{
	test_exp();
	test_fused();
	test_windows();
	test_inner_empty();
	UNIT_DONE();
}
