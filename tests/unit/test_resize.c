/*
 * test_resize.c: the target sizes of every rounding rule, and resampling
 * at the edges: a flat image stays flat, 1-pixel sides, a box average;
 * rows whose bytes Pillow 9.4 gives for BICUBIC and HAMMING.
 */
#include <stdlib.h>
#include <string.h>

#include "resize.h"
#include "shape.h"
#include "unit.h"

static void
test_targets(void)
{
	uint32_t w, h;

	/* 39x26 to 73: 109.5 exactly; in double a hair under. */
	pxr_resize_target(39, 26, PXR_TARGET_SHORT, PXR_ROUND_EVEN, 73, 0, 0,
	    &w, &h);
	EXPECT_INT(w, 110);
	EXPECT_INT(h, 73);
	pxr_resize_target(39, 26, PXR_TARGET_SHORT, PXR_ROUND_NOTEBOOK, 73, 0,
	    0, &w, &h);
	EXPECT_INT(w, 109);
	/* torchvision: int(256 * 500 / 375) = 341; 375x500 at 257: 342. */
	pxr_resize_target(500, 375, PXR_TARGET_SHORT, PXR_ROUND_DOWN, 256, 0, 0,
	    &w, &h);
	EXPECT_INT(w, 341);
	EXPECT_INT(h, 256);
	pxr_resize_target(375, 500, PXR_TARGET_SHORT, PXR_ROUND_DOWN, 257, 0, 0,
	    &w, &h);
	EXPECT_INT(w, 257);
	EXPECT_INT(h, 342);
	pxr_resize_target(375, 500, PXR_TARGET_SHORT, PXR_ROUND_EVEN, 257, 0, 0,
	    &w, &h);
	EXPECT_INT(h, 343);
	/* A square, the long side, an exact size, and never 0. */
	pxr_resize_target(300, 300, PXR_TARGET_SHORT, PXR_ROUND_NOTEBOOK, 7, 0,
	    0, &w, &h);
	EXPECT_INT(w, 7);
	EXPECT_INT(h, 7);
	pxr_resize_target(500, 375, PXR_TARGET_LONG, PXR_ROUND_EVEN, 100, 0, 0,
	    &w, &h);
	EXPECT_INT(w, 100);
	EXPECT_INT(h, 75);
	pxr_resize_target(500, 375, PXR_TARGET_SIZE, PXR_ROUND_EVEN, 0, 32, 24,
	    &w, &h);
	EXPECT_INT(w, 32);
	EXPECT_INT(h, 24);
	pxr_resize_target(1, 1000, PXR_TARGET_LONG, PXR_ROUND_DOWN, 10, 0, 0,
	    &w, &h);
	EXPECT_INT(w, 1);
	EXPECT_INT(h, 10);
}

/*
 * --max-side with FFCV's rounding: the sizes FFCV 1.0's RGBImageField
 * gives at max_resolution 500, computed with numpy by its own expression
 * (ratio = 500 / original_size.max(); (ratio * original_size).astype(int)
 * when ratio < 1), as data: the long side 499 where the double product
 * falls short (531, 554, 566), never enlarged, and a side of 0 (on which
 * FFCV's cv2.resize would fail) as 1.
 */
static void
test_ffcv_sizes(void)
{
	static const uint32_t c[][4] = {
		{ 531, 400, 499, 376 },
		{ 400, 531, 376, 499 },
		{ 554, 300, 499, 270 },
		{ 500, 375, 500, 375 },
		{ 375, 500, 375, 500 },
		{ 500, 500, 500, 500 },
		{ 501, 333, 500, 332 },
		{ 1000, 750, 500, 375 },
		{ 4000, 3000, 500, 375 },
		{ 640, 480, 500, 375 },
		{ 1920, 1080, 500, 281 },
		{ 1080, 1920, 281, 500 },
		{ 566, 566, 499, 499 },
		{ 3456, 2304, 500, 333 },
		{ 800, 1, 500, 1 },
		{ 1, 800, 1, 500 },
		{ 20000, 3, 500, 1 },
		{ 499, 1000, 249, 500 },
		{ 333, 501, 332, 500 },
		{ 512, 512, 500, 500 },
		{ 100, 40, 100, 40 },
	};
	enum pxr_round r;
	uint32_t w, h;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pxr_resize_target(c[i][0], c[i][1], PXR_TARGET_MAX,
		    PXR_ROUND_FFCV, 500, 0, 0, &w, &h);
		UNIT_CHECK(w == c[i][2] && h == c[i][3],
		    "%ux%u: %ux%u, FFCV's %ux%u", c[i][0], c[i][1], w, h,
		    c[i][2], c[i][3]);
	}
	/* --long with FFCV's rounding enlarges; --max-side does not. */
	pxr_resize_target(100, 40, PXR_TARGET_LONG, PXR_ROUND_FFCV, 500, 0, 0,
	    &w, &h);
	EXPECT_INT(w, 500);
	EXPECT_INT(h, 200);
	EXPECT_INT(pxr_round_parse("ffcv", &r), 0);
	EXPECT_INT(r, PXR_ROUND_FFCV);
	EXPECT_STR_CONTAINS(pxr_round_name(PXR_ROUND_FFCV), "ffcv");
}

/* Resizes a w x h x 3 image of p to ow x oh; the output's bytes. */
static const unsigned char *
resized(struct pxr_resizer *rz, unsigned char *p, uint32_t w, uint32_t h,
    uint32_t ow, uint32_t oh)
{
	struct pxr_record rec;
	struct pxr_err err;

	pxr_record_init(&rec);
	rec.kind = PXR_KIND_PIXELS;
	rec.name = "t";
	rec.name_len = 1;
	rec.width = w;
	rec.height = h;
	rec.channels = 3;
	rec.payload = p;
	rec.payload_len = (size_t)w * h * 3;
	EXPECT_INT(pxr_resize(rz, &rec, ow, oh, &err), 0);
	EXPECT_INT(rec.width, ow);
	EXPECT_INT(rec.height, oh);
	return rec.payload;
}

static void
test_pixels(void)
{
	static const char *const filters[] = { "triangle", "lanczos3", "box",
		"gaussian", "bicubic", "hamming" };

	unsigned char flat[37 * 23 * 3],
	    box[2 * 2 * 3] = { 10, 20, 30, 30, 40, 50, 50, 60, 70, 70, 80, 90 };
	struct pxr_err err;

	memset(flat, 77, sizeof(flat));
	for (size_t fi = 0; fi < sizeof(filters) / sizeof(filters[0]); fi++) {
		static const uint32_t sizes[][2] = { { 1, 1 }, { 1, 40 },
			{ 40, 1 }, { 11, 7 }, { 80, 45 } };
		struct pxr_resizer *rz;
		enum pxr_filter f;

		if (pxr_filter_parse(filters[fi], &f) == -1) {
			UNIT_CHECK(0, "filter '%s' unknown", filters[fi]);
			continue;
		}
		rz = pxr_resizer_new(f, &err);
		for (size_t s = 0; s < 5; s++) {
			const unsigned char *o =
			    resized(rz, flat, 37, 23, sizes[s][0], sizes[s][1]);
			size_t n = (size_t)sizes[s][0] * sizes[s][1] * 3,
			       bad = 0;

			for (size_t i = 0; i < n; i++)
				bad += o[i] != 77;
			EXPECT_INT(bad, 0);
		}
		pxr_resizer_free(rz);
	}
	{
		/* BOX 2x2 to 1x1: the mean of the four, per channel. */
		struct pxr_resizer *rz = pxr_resizer_new(PXR_FILTER_BOX, &err);
		const unsigned char *o = resized(rz, box, 2, 2, 1, 1);

		EXPECT_INT(o[0], 40);
		EXPECT_INT(o[1], 50);
		EXPECT_INT(o[2], 60);
		pxr_resizer_free(rz);
	}
}

/*
 * Resizes the row v of n grey values (as RGB, three equal channels; a
 * column when vertical) to on values with the filter named name, into
 * out; 0, or -1 if the name is unknown.
 */
static int
row_resized(const char *name, const unsigned char *v, uint32_t n, uint32_t on,
    int vertical, unsigned char *out)
{
	enum pxr_filter f;
	struct pxr_resizer *rz;
	struct pxr_err err;
	unsigned char px[16 * 3];
	const unsigned char *o;

	if (pxr_filter_parse(name, &f) == -1)
		return -1;
	rz = pxr_resizer_new(f, &err);
	for (uint32_t i = 0; i < n; i++)
		memset(px + i * 3, v[i], 3);
	o = vertical ? resized(rz, px, 1, n, 1, on)
		     : resized(rz, px, n, 1, on, 1);
	for (uint32_t i = 0; i < on; i++)
		out[i] = o[i * 3];
	pxr_resizer_free(rz);
	return 0;
}

/* Each row's bytes from /usr/bin/python3 (Pillow 9.4):
 * Image.fromarray(row as RGB).resize((on, 1), BICUBIC or HAMMING). */
static void
test_pillow_rows(void)
{
	static const struct {
		const char *filter;
		uint32_t n, on;
		unsigned char in[10], want[11];
	} rows[] = {
		/* Upscaling an impulse: the kernel's shape; the negative
		 * lobes' sums (-23, -18, -6) clipped to 0. */
		{ "bicubic", 4, 8, { 0, 255, 0, 0 },
		    { 0, 54, 216, 221, 58, 0, 0, 0 } },
		/* A step: under- and overshoot (-13, -5; 260, 268)
		 * clipped to 0 and 255. */
		{ "bicubic", 6, 11, { 0, 0, 0, 255, 255, 255 },
		    { 0, 0, 0, 0, 0, 128, 255, 255, 255, 255, 255 } },
		/* Reducing: support 2 widened by the factor (7 taps). */
		{ "bicubic", 10, 3, { 0, 0, 0, 255, 255, 0, 0, 0, 10, 200 },
		    { 50, 113, 42 } },
		{ "hamming", 4, 8, { 0, 255, 0, 0 },
		    { 0, 19, 236, 236, 19, 0, 0, 0 } },
		/* The middle pixel is 163 with Pillow's float constants
		 * 0.54f and 0.46f, 164 with the doubles 0.54 and 0.46. */
		{ "hamming", 9, 3, { 0, 0, 138, 109, 226, 112, 228, 225, 0 },
		    { 42, 163, 160 } },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (int vertical = 0; vertical < 2; vertical++) {
			unsigned char out[11];

			memset(out, 0xaa, sizeof(out));
			EXPECT_INT(row_resized(rows[r].filter, rows[r].in,
				       rows[r].n, rows[r].on, vertical, out),
			    0);
			for (uint32_t i = 0; i < rows[r].on; i++)
				UNIT_CHECK(out[i] == rows[r].want[i],
				    "%s %u to %u%s: byte %u is %d, not %d",
				    rows[r].filter, rows[r].n, rows[r].on,
				    vertical ? " (a column)" : "", i, out[i],
				    rows[r].want[i]);
		}
}

static void
test_names(void)
{
	static const char *const names[] = { "triangle", "lanczos3", "box",
		"gaussian", "bicubic", "hamming" };
	enum pxr_filter f;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int ok = pxr_filter_parse(names[i], &f) == 0;

		UNIT_CHECK(ok, "filter '%s' unknown", names[i]);
		if (ok)
			UNIT_CHECK(strcmp(pxr_filter_name(f), names[i]) == 0,
			    "filter '%s' named '%s'", names[i],
			    pxr_filter_name(f));
	}
	EXPECT_INT(pxr_filter_parse("cubic", &f), -1);
}

/* timm's crop_pct: Python's float() and math.floor(c / p), and back to
 * the shortest text; the presets' names. */
static void
test_crop_pct(void)
{
	static const struct {
		const char *text;
		uint32_t c, want;
	} rows[] = {
		{ "0.875", 224, 256 }, { "0.9", 224, 248 },
		{ "0.95", 224, 235 }, { "1.0", 224, 224 }, { "1", 224, 224 },
		{ "0.875", 64, 73 }, { "0.95", 384, 404 }, { "0.96", 384, 400 },
		{ "0.9", 299, 332 }, { "1e-9", 224, 0 }, /* over PXR_DIM_MAX */
	};

	static const char *const bad[] = { "", " 0.9", "0.9 ", "0", "-0.9",
		"1.5", "x", "0.9x", "nan", "inf", "1e999", "0x1.cp-1" };
	static const char *const likes[] = { "torchvision", "notebook",
		"notebook-geometry", "timm" };
	struct pxr_shape s;
	enum pxr_like l;
	char buf[32];
	double p;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		EXPECT_INT(pxr_crop_pct_parse(rows[i].text, &p), 0);
		EXPECT_INT(pxr_crop_pct_short(rows[i].c, p), rows[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		UNIT_CHECK(pxr_crop_pct_parse(bad[i], &p) == -1,
		    "crop_pct '%s' taken", bad[i]);
	pxr_crop_pct_parse("0.9", &p);
	pxr_crop_pct_text(p, buf, sizeof(buf));
	UNIT_CHECK(strcmp(buf, "0.9") == 0, "0.9 written '%s'", buf);
	pxr_crop_pct_parse("0.87500", &p);
	pxr_crop_pct_text(p, buf, sizeof(buf));
	UNIT_CHECK(strcmp(buf, "0.875") == 0, "0.875 written '%s'", buf);
	for (size_t i = 0; i < sizeof(likes) / sizeof(likes[0]); i++) {
		EXPECT_INT(pxr_like_parse(likes[i], &l), 0);
		UNIT_CHECK(strcmp(pxr_like_name(l), likes[i]) == 0,
		    "preset '%s' named '%s'", likes[i], pxr_like_name(l));
	}
	memset(&s, 0, sizeof(s));
	pxr_like_defaults(PXR_LIKE_TIMM, &s);
	EXPECT_INT(s.filter, PXR_FILTER_BICUBIC);
	EXPECT_INT(s.round, PXR_ROUND_DOWN);
	EXPECT_INT(s.co.align, PXR_ALIGN_CENTER);
	EXPECT_INT(s.notebook, 0);
}

/*
 * pxr_shape_size against the shaper: for every kind of step (each target
 * and rounding, a crop inside and reaching outside, the square, the
 * halvings, EDM's wide canvas, the notebook's chain) and sizes portrait,
 * landscape, odd, tiny and under the target, the size it says is the size
 * pxr_shape_apply gives; an image the wide step leaves out fails both.
 */
static void
test_shape_size(void)
{
	static const uint32_t sizes[][2] = { { 500, 375 }, { 375, 500 },
		{ 531, 400 }, { 101, 60 }, { 7, 300 }, { 1, 1 }, { 256, 256 },
		{ 1200, 517 }, { 64, 1024 } };
	struct pxr_shape shapes[20], base = { 0 };
	size_t ns = 0;
	unsigned char *px = malloc(1200 * 1200 * 3);

	base.filter = PXR_FILTER_TRIANGLE;
	base.co.pad = 1;
	base.n = 256;
	for (int t = 0; t < 4; t++) {
		struct pxr_shape s = base;

		s.target = t == 0 ? PXR_TARGET_SHORT
		    : t == 1      ? PXR_TARGET_LONG
		    : t == 2      ? PXR_TARGET_MAX
				  : PXR_TARGET_SIZE;
		s.tw = 97;
		s.th = 45;
		s.round = (enum pxr_round)t;
		shapes[ns++] = s;
		s.crop = 1;
		s.co.w = 224;
		s.co.h = 200;
		shapes[ns++] = s;
	}
	shapes[ns] = base;
	shapes[ns].round = PXR_ROUND_FFCV;
	shapes[ns].target = PXR_TARGET_MAX;
	shapes[ns++].n = 500;
	shapes[ns] = base;
	shapes[ns].square = 1;
	shapes[ns].n = 64;
	shapes[ns++].filter = PXR_FILTER_LANCZOS3;
	shapes[ns] = base;
	shapes[ns].halve = 1;
	shapes[ns].n = 64;
	shapes[ns].filter = PXR_FILTER_BICUBIC;
	shapes[ns].crop = 1;
	shapes[ns].co.w = shapes[ns].co.h = 64;
	ns++;
	shapes[ns] = shapes[ns - 1];
	shapes[ns].round = PXR_ROUND_NOTEBOOK;
	shapes[ns++].crop = 0;
	shapes[ns] = base;
	shapes[ns].wide = 1;
	shapes[ns].target = PXR_TARGET_SIZE;
	shapes[ns].tw = 128;
	shapes[ns++].th = 64;
	shapes[ns] = base;
	shapes[ns].notebook = 1;
	shapes[ns].round = PXR_ROUND_NOTEBOOK;
	shapes[ns].crop = 1;
	shapes[ns].co.w = shapes[ns].co.h = 224;
	shapes[ns++].co.align = PXR_ALIGN_SEED;
	UNIT_CHECK(px != NULL, "out of memory");
	if (px == NULL)
		return;
	for (size_t i = 0; i < (size_t)1200 * 1200 * 3; i++)
		px[i] = (unsigned char)(i * 2654435761u >> 13);
	for (size_t k = 0; k < ns; k++) {
		struct pxr_err err;
		struct pxr_shaper *sh = pxr_shaper_new(&shapes[k], &err);

		UNIT_CHECK(sh != NULL, "shape %zu: %s", k, err.msg);
		if (sh == NULL)
			continue;
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint32_t w = sizes[i][0], h = sizes[i][1], ow = 0,
				 oh = 0;
			struct pxr_record rec;
			int said = pxr_shape_size(&shapes[k], w, h, &ow, &oh),
			    done;

			pxr_record_init(&rec);
			rec.kind = PXR_KIND_PIXELS;
			rec.channels = 3;
			rec.width = w;
			rec.height = h;
			rec.payload = px;
			rec.payload_len = (size_t)w * h * 3;
			done = pxr_shape_apply(sh, &rec, w, h, NULL, &err);
			UNIT_CHECK(said == done &&
				(done == -1 ||
				    (rec.width == ow && rec.height == oh)),
			    "shape %zu, %ux%u: said %d %ux%u, shaped %d %ux%u",
			    k, w, h, said, ow, oh, done, rec.width, rec.height);
		}
		pxr_shaper_free(sh);
	}
	free(px);
}

int
main(void)
{
	test_targets();
	test_ffcv_sizes();
	test_pixels();
	test_pillow_rows();
	test_names();
	test_crop_pct();
	test_shape_size();
	UNIT_DONE();
}
