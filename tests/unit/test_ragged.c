/*
 * test_ragged.c: a variable-size set's layout (sizes by pxr_shape_size,
 * EXIF turns, images without a size as 0 x 0, the offsets the sums of the
 * sizes before) and its index rows, encoded little-endian and read back
 * checked.
 */
#include <string.h>

#include "ragged.h"
#include "unit.h"

static void
test_layout(void)
{
	static const struct pxr_image_dims d[] = {
		{ 500, 375, 1, 1 },  /* kept */
		{ 375, 500, 6, 1 },  /* turned: 500 x 375 */
		{ 0, 0, 1, 0 },      /* no size in its header */
		{ 1000, 750, 1, 1 }, /* to 500 x 375 */
		{ 531, 400, 8, 1 },  /* turned, FFCV's 376 x 499 */
		{ 100, 40, 1, 1 },   /* never enlarged */
	};
	static const uint32_t want[][2] = { { 500, 375 }, { 500, 375 },
		{ 0, 0 }, { 500, 375 }, { 376, 499 }, { 100, 40 } };
	struct pxr_shape s = { 0 };
	struct pxr_ragged_row rows[6], back[6];
	unsigned char buf[6 * PXR_RAGGED_ROW];
	struct pxr_err err;
	uint64_t total, off = 0;

	s.target = PXR_TARGET_MAX;
	s.round = PXR_ROUND_FFCV;
	s.n = 500;
	total = pxr_ragged_layout(d, 6, &s, 1, 3, rows);
	for (int i = 0; i < 6; i++) {
		UNIT_CHECK(rows[i].width == want[i][0] &&
			rows[i].height == want[i][1] && rows[i].offset == off,
		    "image %d: %ux%u at %llu, not %ux%u at %llu", i,
		    rows[i].width, rows[i].height,
		    (unsigned long long)rows[i].offset, want[i][0], want[i][1],
		    (unsigned long long)off);
		off += (uint64_t)want[i][0] * want[i][1] * 3;
	}
	EXPECT_INT(total, off);
	/* Without the turn, the stored sides. */
	pxr_ragged_layout(d, 6, &s, 0, 3, rows);
	EXPECT_INT(rows[1].width, 375);
	EXPECT_INT(rows[1].height, 500);
	EXPECT_INT(rows[4].width, 499);
	/* The rows, little-endian, and back. */
	pxr_ragged_layout(d, 6, &s, 1, 3, rows);
	pxr_ragged_encode(rows, 6, buf);
	EXPECT_INT(buf[16 + 0], (500 * 375 * 3) & 0xff);
	EXPECT_INT(buf[16 + 1], (500 * 375 * 3) >> 8 & 0xff);
	EXPECT_INT(buf[16 + 2], (500 * 375 * 3) >> 16 & 0xff);
	EXPECT_INT(buf[16 + 8], 375 & 0xff);
	EXPECT_INT(buf[16 + 9], 375 >> 8);
	EXPECT_INT(buf[16 + 12], 500 & 0xff);
	EXPECT_INT(buf[16 + 13], 500 >> 8);
	EXPECT_INT(pxr_ragged_decode(buf, sizeof(buf), 6, 3, total, back, &err),
	    0);
	UNIT_CHECK(memcmp(rows, back, sizeof(rows)) == 0, "read back differs");
	/* What is refused: a short index, X of another size, a row out of
	 * place, a side of 0 with the other not. */
	EXPECT_INT(
	    pxr_ragged_decode(buf, sizeof(buf) - 1, 6, 3, total, back, &err),
	    -1);
	EXPECT_INT(
	    pxr_ragged_decode(buf, sizeof(buf), 6, 3, total + 1, back, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "X has");
	buf[3 * PXR_RAGGED_ROW] ^= 1;
	EXPECT_INT(pxr_ragged_decode(buf, sizeof(buf), 6, 3, total, back, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "index row 3");
	buf[3 * PXR_RAGGED_ROW] ^= 1;
	buf[2 * PXR_RAGGED_ROW + 8] = 1; /* 0 wide, 1 high */
	EXPECT_INT(pxr_ragged_decode(buf, sizeof(buf), 6, 3, total, back, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "index row 2");
}

int
main(void)
{
	test_layout();
	UNIT_DONE();
}
