/*
 * test_pack.c: where each sample goes in each layout (the julia layout is
 * [N][C][W][H] in C order), the way back, the per-channel sums, and the
 * recipe's parsing and differences.
 */
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "recipe.h"
#include "unit.h"

static void
test_layouts(void)
{
	enum { W = 37, H = 19, C = 3 };
	static unsigned char src[W * H * C], dst[W * H * C], back[W * H * C];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + i / 251);
	for (int l = PXR_LAYOUT_JULIA; l <= PXR_LAYOUT_NCHW; l++) {
		size_t bad = 0;

		pxr_pack_transpose(dst, src, W, H, C, (enum pxr_layout)l);
		for (uint32_t y = 0; y < H; y++)
			for (uint32_t x = 0; x < W; x++)
				for (uint32_t c = 0; c < C; c++) {
					size_t at = l == PXR_LAYOUT_JULIA
					    ? (size_t)c * W * H + (size_t)x * H + y
					    : l == PXR_LAYOUT_NHWC
					    ? ((size_t)y * W + x) * C + c
					    : (size_t)c * W * H + (size_t)y * W + x;

					bad += dst[at] != src[((size_t)y * W + x) * C + c];
				}
		EXPECT_INT(bad, 0);
		pxr_pack_untranspose(back, dst, W, H, C, (enum pxr_layout)l);
		EXPECT_INT(memcmp(back, src, sizeof(src)), 0);
	}
}

static void
test_sums(void)
{
	enum { N = 1000 };
	static unsigned char p[N * 3];
	uint64_t sum[3], sq[3], ws[3] = { 0 }, wq[3] = { 0 };

	for (size_t i = 0; i < sizeof(p); i++) {
		p[i] = (unsigned char)(i * 131 % 256);
		ws[i % 3] += p[i];
		wq[i % 3] += (uint64_t)p[i] * p[i];
	}
	pxr_pixel_sums(p, N, 3, sum, sq);
	for (int k = 0; k < 3; k++) {
		EXPECT_INT(sum[k], ws[k]);
		EXPECT_INT(sq[k], wq[k]);
	}
	pxr_pixel_sums(p, 7, 1, sum, sq);
	EXPECT_INT(sum[0], p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6]);
}

static void
test_recipe(void)
{
	static char a[PXR_RECIPE_MAX], b[PXR_RECIPE_MAX];
	const char *ta = "# made by hand\nsize 224x224\nfilter triangle\n\n";
	const char *tb = "size 160x160\nfilter triangle\nlayout nhwc";
	char diff[512];
	struct pxr_err err;

	EXPECT_INT(pxr_recipe_parse("a", ta, strlen(ta), a, &err), 0);
	EXPECT_INT(strcmp(a, "size 224x224\nfilter triangle\n"), 0);
	EXPECT_INT(pxr_recipe_parse("b", tb, strlen(tb), b, &err), 0);
	EXPECT_INT(pxr_recipe_diff(a, b, diff, sizeof(diff)), 2);
	EXPECT_INT(strcmp(diff, "size: '224x224' now '160x160'; layout: (none) "
				"now 'nhwc'"),
	    0);
	EXPECT_INT(pxr_recipe_diff(a, a, diff, sizeof(diff)), 0);
	EXPECT_INT(pxr_recipe_parse("c", "size 1\nsize 2\n", 14, b, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "given twice");
	EXPECT_INT(pxr_recipe_parse("d", "Size 1\n", 7, b, &err), -1);
}

int
main(void)
{
	test_layouts();
	test_sums();
	test_recipe();
	UNIT_DONE();
}
