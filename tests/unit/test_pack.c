/*
 * test_pack.c: where each sample goes in each layout (the julia layout is
 * [N][C][W][H] in C order), the way back, the per-channel sums, and the
 * recipe's parsing and differences, and a packer's files all closed
 * when one of them fails to close.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack.h"
#include "pack_int.h"
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
					    ? (size_t)c * W * H +
						(size_t)x * H + y
					    : l == PXR_LAYOUT_NHWC
					    ? ((size_t)y * W + x) * C + c
					    : (size_t)c * W * H +
						(size_t)y * W + x;

					bad += dst[at] !=
					    src[((size_t)y * W + x) * C + c];
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
	EXPECT_INT(strcmp(diff,
		       "size: '224x224' now '160x160'; layout: (none) "
		       "now 'nhwc'"),
	    0);
	EXPECT_INT(pxr_recipe_diff(a, a, diff, sizeof(diff)), 0);
	EXPECT_INT(pxr_recipe_parse("c", "size 1\nsize 2\n", 14, b, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "given twice");
	EXPECT_INT(pxr_recipe_parse("d", "Size 1\n", 7, b, &err), -1);
}

/* Whether fd is still an open file descriptor. */
static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* Removes the set's files in dir, and dir. */
static void
remove_set(const char *dir)
{
	static const char *const files[] = { "X.raw", "Y.raw", "X.raw.status",
		"X.raw.stats", "X.raw.meta" };
	char path[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* One close failing (X's, here closed behind the packer's back) must not
 * leave Y, the status, stats and failure files open. */
static void
test_packer_close(void)
{
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8];
	struct pxr_pack_meta m = { .n = 2,
		.width = 4,
		.height = 3,
		.channels = 3 };
	struct pxr_packer *pk;
	struct pxr_err err;
	int fds[4];

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-pack");
	snprintf(x, sizeof(x), "%s/X.raw", dir);
	snprintf(y, sizeof(y), "%s/Y.raw", dir);
	EXPECT_INT(pxr_pack_create(x, y, &m, 0, &err), 0);
	pk = pxr_packer_open(x, y, &err);
	UNIT_CHECK(pk != NULL, "pxr_packer_open: %s", err.msg);
	if (pk == NULL)
		goto out;
	fds[0] = pk->yfd, fds[1] = pk->sfd, fds[2] = pk->ffd, fds[3] = pk->tfd;
	close(pk->xfd);
	EXPECT_INT(pxr_packer_close(pk, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "close");
	EXPECT_INT(fds[0] != -1 && fds[1] != -1, 1);
	for (int i = 0; i < 4; i++)
		if (fds[i] != -1)
			EXPECT_INT(is_open(fds[i]), 0);
out:
	remove_set(dir);
}

int
main(void)
{
	test_layouts();
	test_sums();
	test_recipe();
	test_packer_close();
	UNIT_DONE();
}
