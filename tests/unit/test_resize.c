/*
 * test_resize.c: the target sizes of every rounding rule, and resampling
 * at the edges: a flat image stays flat, 1-pixel sides, a box average.
 */
#include <stdlib.h>
#include <string.h>

#include "resize.h"
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
	static const enum pxr_filter filters[] = { PXR_FILTER_TRIANGLE,
		PXR_FILTER_LANCZOS3, PXR_FILTER_BOX, PXR_FILTER_GAUSSIAN };

	unsigned char flat[37 * 23 * 3],
	    box[2 * 2 * 3] = { 10, 20, 30, 30, 40, 50, 50, 60, 70, 70, 80, 90 };
	struct pxr_err err;

	memset(flat, 77, sizeof(flat));
	for (size_t f = 0; f < 4; f++) {
		struct pxr_resizer *rz = pxr_resizer_new(filters[f], &err);
		static const uint32_t sizes[][2] = { { 1, 1 }, { 1, 40 },
			{ 40, 1 }, { 11, 7 }, { 80, 45 } };

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

int
main(void)
{
	test_targets();
	test_pixels();
	UNIT_DONE();
}
