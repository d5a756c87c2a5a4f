/*
 * test_pack.c: where each sample goes in each layout (the julia layout is
 * [N][C][W][H] in C order), the way back, the per-channel sums, and the
 * recipe's parsing and differences; the sizes of a set's files; a
 * packer's files all closed when one of them fails to close; and the message of
 * every failed write, close and rename of a set's files (made to fail here, see
 * "Faults").
 */
#define _GNU_SOURCE /* syscall */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
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
#include "unpack.h"

/* err's message is want, exactly. */
#define EXPECT_MSG(err, want)                                                  \
	UNIT_CHECK(strcmp((err).msg, (want)) == 0,                             \
	    "message \"%s\", not \"%s\"", (err).msg, (want))

/*
 * Faults.  This program has its own close(2), write(2) and pwrite(2):
 * libpxr.a, linked into it, calls them (libc's own calls, fclose's close
 * among them, do not).  They are the system's, but on the one file that
 * fault_set names (by device and inode, so that the file must exist):
 *   FAULT_CLOSE  a close after a write to it fails with EIO (the fd is
 *                closed all the same), as NFS reports a lost write-back;
 *   FAULT_FULL   the first write stores half its bytes (none of one
 *                byte), the next fails with ENOSPC, as a disk fills.
 */
enum fault_kind { FAULT_NONE, FAULT_CLOSE, FAULT_FULL };

static struct {
	enum fault_kind kind;
	dev_t dev;
	ino_t ino;
	int wrote, cut;
} fault;

static void
fault_set(enum fault_kind kind, const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		perror(path);
		exit(2);
	}
	fault.kind = kind;
	fault.dev = st.st_dev;
	fault.ino = st.st_ino;
	fault.wrote = fault.cut = 0;
}

static int
fault_on(int fd)
{
	struct stat st;

	return fault.kind != FAULT_NONE && fstat(fd, &st) == 0 &&
	    st.st_dev == fault.dev && st.st_ino == fault.ino;
}

/* How many of n bytes a write to fd may store; -1 with errno set. */
static ssize_t
fault_write(int fd, size_t *n)
{
	if (!fault_on(fd))
		return 0;
	fault.wrote = 1;
	if (fault.kind != FAULT_FULL)
		return 0;
	if (fault.cut || *n < 2) {
		errno = ENOSPC;
		return -1;
	}
	fault.cut = 1;
	*n /= 2;
	return 0;
}

int
close(int fd)
{
	int fail = fault.kind == FAULT_CLOSE && fault.wrote && fault_on(fd);

	if (syscall(SYS_close, fd) == -1)
		return -1;
	if (fail) {
		errno = EIO;
		return -1;
	}
	return 0;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	if (fault_write(fd, &n) == -1)
		return -1;
	return syscall(SYS_write, fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (fault_write(fd, &n) == -1)
		return -1;
	return syscall(SYS_pwrite64, fd, buf, n, off);
}

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

/* The axes of X in C order, and their sizes, for every layout: where
 * pxr_pack_transpose puts sample (y, x, c) of image n. */
static void
test_axes(void)
{
	static const char *const want[3] = { "NCWH", "NHWC", "NCHW" };
	struct pxr_pack_meta m = { 0 };
	unsigned char img[5 * 4 * 3], out[5 * 4 * 3];
	uint64_t size[4];
	char axes[4];

	m.n = 2;
	m.width = 5;
	m.height = 4;
	m.channels = 3;
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (unsigned char)i;
	for (int l = 0; l < 3; l++) {
		m.layout = (enum pxr_layout)l;
		pxr_pack_axes(&m, axes, size);
		EXPECT_INT(memcmp(axes, want[l], 4), 0);
		pxr_pack_transpose(out, img, 5, 4, 3, m.layout);
		for (uint32_t y = 0; y < 4; y++)
			for (uint32_t x = 0; x < 5; x++)
				for (uint32_t c = 0; c < 3; c++) {
					/* Its offset by the axes, in C order.
					 */
					uint64_t off = 0;

					for (int k = 1; k < 4; k++)
						off = off * size[k] +
						    (axes[k] == 'C' ? c
							    : axes[k] == 'H'
							    ? y
							    : x);
					EXPECT_INT(out[off],
					    img[(y * 5 + x) * 3 + c]);
				}
		EXPECT_INT(size[0], 2);
	}
}

/* A recipe of the fingerprint "sha256:<hash> <n> images" after a
 * source and before a layout, into out. */
static void
fp_recipe(char *out, const char *hash, const char *n, const char *layout)
{
	char text[512];
	struct pxr_err err;

	snprintf(text, sizeof(text),
	    "source /data/val.tar\nsource_fingerprint sha256:%s %s "
	    "images\nlayout %s\n",
	    hash, n, layout);
	EXPECT_INT(pxr_recipe_parse("r", text, strlen(text), out, &err), 0);
}

/* A changed source: its count of images, first, not two hashes. */
static void
test_recipe_fingerprint(void)
{
	static char a[PXR_RECIPE_MAX], b[PXR_RECIPE_MAX];
	const char *h1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d"
			 "6c15b0f00a08",
		   *h2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe"
			 "9f558c11c752";
	char diff[512];

	fp_recipe(a, h1, "24", "julia");
	fp_recipe(b, h2, "25", "nchw");
	EXPECT_INT(pxr_recipe_diff(a, b, diff, sizeof(diff)), 2);
	EXPECT_INT(strcmp(diff,
		       "source_fingerprint: 24 images, now 25; layout: was "
		       "'julia', now 'nchw'"),
	    0);
	fp_recipe(b, h2, "24", "julia");
	EXPECT_INT(pxr_recipe_diff(a, b, diff, sizeof(diff)), 1);
	EXPECT_INT(strcmp(diff,
		       "source_fingerprint: the same 24 images in number, but "
		       "other names or sizes"),
	    0);
	/* Not of that form: as any other key. */
	fp_recipe(b, "x", "many", "julia");
	EXPECT_INT(pxr_recipe_diff(a, b, diff, sizeof(diff)), 1);
	EXPECT_STR_CONTAINS(diff, "source_fingerprint: was 'sha256:9f86");
	EXPECT_STR_CONTAINS(diff, " 24 images', now 'sha256:x many images'");
	/* A short buffer: cut, still a string. */
	fp_recipe(b, h2, "25", "nchw");
	EXPECT_INT(pxr_recipe_diff(a, b, diff, 20), 2);
	EXPECT_INT(strcmp(diff, "source_fingerprint:"), 0);
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
		       "size: was '224x224', now '160x160'; layout: was "
		       "(none), now 'nhwc'"),
	    0);
	EXPECT_INT(pxr_recipe_diff(b, a, diff, sizeof(diff)), 2);
	EXPECT_INT(strcmp(diff,
		       "size: was '160x160', now '224x224'; layout: was "
		       "'nhwc', now (none)"),
	    0);
	EXPECT_INT(pxr_recipe_diff(a, a, diff, sizeof(diff)), 0);
	test_recipe_fingerprint();
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

/* Removes dir and everything in it (files and folders of files). */
static void
remove_set(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[PATH_MAX + 256];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) == -1 && errno == EISDIR)
			remove_set(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

/* One close failing (X's, here closed behind the packer's back) must not
 * leave Y, the status, stats and failure files open. */
static void
test_packer_close(void)
{
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8],
	    want[3 * PATH_MAX];
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
	snprintf(want, sizeof(want), "%s: close: Bad file descriptor", x);
	EXPECT_MSG(err, want);
	EXPECT_INT(fds[0] != -1 && fds[1] != -1, 1);
	for (int i = 0; i < 4; i++)
		if (fds[i] != -1)
			EXPECT_INT(is_open(fds[i]), 0);
	/* The message names the file whose close failed. */
	if ((pk = pxr_packer_open(x, y, &err)) == NULL)
		goto out;
	close(pk->yfd);
	EXPECT_INT(pxr_packer_close(pk, &err), -1);
	snprintf(want, sizeof(want), "%s: close: Bad file descriptor", y);
	EXPECT_MSG(err, want);
out:
	remove_set(dir);
}

/*
 * pxr_pack_sizes, which the planner's room check adds up, gives each file
 * at the size pxr_pack_create makes it: X.stats with its checksums, 56
 * bytes an image.
 */
static void
test_sizes(void)
{
	static const char *const sfx[4] = { "", "", ".status", ".stats" };
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8],
	    path[PATH_MAX + 32];
	struct pxr_pack_meta m = { .n = 5,
		.width = 4,
		.height = 3,
		.channels = 3,
		.ltype = PXR_LTYPE_I32,
		.header = PXR_NPY_HEADER,
		.base = 1 };
	struct pxr_err err;
	uint64_t size[4];
	struct stat st;

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-pack");
	snprintf(x, sizeof(x), "%s/X.npy", dir);
	snprintf(y, sizeof(y), "%s/Y.npy", dir);
	EXPECT_INT(pxr_pack_create(x, y, &m, 0, &err), 0);
	pxr_pack_sizes(&m, size);
	EXPECT_INT(size[PXR_PACK_X], PXR_NPY_HEADER + 5 * 4 * 3 * 3);
	EXPECT_INT(size[PXR_PACK_Y], PXR_NPY_HEADER + 5 * 4);
	EXPECT_INT(size[PXR_PACK_STATUS], 5);
	EXPECT_INT(size[PXR_PACK_STATS], 5 * 56);
	for (int k = 0; k < 4; k++) {
		snprintf(path, sizeof(path), "%s%s", k == PXR_PACK_Y ? y : x,
		    sfx[k]);
		EXPECT_INT(stat(path, &st), 0);
		EXPECT_INT(st.st_size, size[k]);
	}
	remove_set(dir);
}

/* A pixel record of m's size, its samples 0, 1, 2... */
static void
pixel_record(struct pxr_record *rec, const struct pxr_pack_meta *m,
    uint64_t index, unsigned char *pix)
{
	size_t n = (size_t)m->width * m->height * m->channels;

	for (size_t i = 0; i < n; i++)
		pix[i] = (unsigned char)i;
	pxr_record_init(rec);
	rec->kind = PXR_KIND_PIXELS;
	rec->index = index;
	rec->label = 7;
	rec->name = "img.JPEG";
	rec->name_len = 8;
	rec->width = m->width;
	rec->height = m->height;
	rec->channels = m->channels;
	rec->payload = pix;
	rec->payload_len = n;
}

/* The status byte of image i of the set x. */
static int
status_of(const char *x, uint64_t i)
{
	char path[PATH_MAX + 16];
	unsigned char st = 0xff;
	int fd;

	snprintf(path, sizeof(path), "%s.status", x);
	if ((fd = open(path, O_RDONLY)) != -1) {
		if (pread(fd, &st, 1, (off_t)i) != 1)
			st = 0xff;
		close(fd);
	}
	return st;
}

/*
 * --create's .npy headers: a close of X that fails after the header's
 * write, and a disk that fills in the middle of it, each say so with the
 * file's name and the real error (once, the close's failure returned -1
 * with err never filled: pxr-pack printed what the stack held).
 */
static void
test_create_faults(void)
{
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8],
	    want[3 * PATH_MAX];
	struct pxr_pack_meta m = { .n = 2,
		.width = 4,
		.height = 3,
		.channels = 3,
		.header = PXR_NPY_HEADER,
		.base = 1 };
	struct pxr_err err;

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-pack");
	snprintf(x, sizeof(x), "%s/X.npy", dir);
	snprintf(y, sizeof(y), "%s/Y.npy", dir);
	EXPECT_INT(pxr_pack_create(x, y, &m, 0, &err), 0);

	fault_set(FAULT_CLOSE, x);
	strcpy(err.msg, "(not filled)");
	EXPECT_INT(pxr_pack_create(x, y, &m, PXR_PACK_OVERWRITE, &err), -1);
	snprintf(want, sizeof(want), "%s: close: Input/output error", x);
	EXPECT_MSG(err, want);

	fault_set(FAULT_FULL, x);
	strcpy(err.msg, "(not filled)");
	EXPECT_INT(pxr_pack_create(x, y, &m, PXR_PACK_OVERWRITE, &err), -1);
	snprintf(want, sizeof(want),
	    "write error on %s: No space left on device", x);
	EXPECT_MSG(err, want);

	fault_set(FAULT_FULL, y);
	EXPECT_INT(pxr_pack_create(x, y, &m, PXR_PACK_OVERWRITE, &err), -1);
	snprintf(want, sizeof(want),
	    "write error on %s: No space left on device", y);
	EXPECT_MSG(err, want);
	fault.kind = FAULT_NONE;
	remove_set(dir);
}

/*
 * A record's writes: each file that fills names itself (not "the
 * labels"), with ENOSPC, and leaves the image not done; a close that
 * fails names its file.
 */
static void
test_put_faults(void)
{
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8],
	    path[2 * PATH_MAX + 512], want[3 * PATH_MAX + 512];
	char host[256] = "host";
	struct pxr_pack_meta m = { .n = 2,
		.width = 4,
		.height = 3,
		.channels = 3,
		.base = 1 };
	static const char *const files[] = { "Y", ".stats", ".status" };
	unsigned char pix[4 * 3 * 3];
	struct pxr_packer *pk;
	struct pxr_record rec;
	struct pxr_err err;
	int fd;

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-pack");
	snprintf(x, sizeof(x), "%s/X.raw", dir);
	snprintf(y, sizeof(y), "%s/Y.raw", dir);
	EXPECT_INT(pxr_pack_create(x, y, &m, 0, &err), 0);
	pk = pxr_packer_open(x, y, &err);
	UNIT_CHECK(pk != NULL, "pxr_packer_open: %s", err.msg);
	if (pk == NULL)
		goto out;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(files[i], "Y") == 0)
			snprintf(path, sizeof(path), "%s", y);
		else
			snprintf(path, sizeof(path), "%s%s", x, files[i]);
		fault_set(FAULT_FULL, path);
		pixel_record(&rec, &m, 0, pix);
		strcpy(err.msg, "(not filled)");
		EXPECT_INT(pxr_packer_put(pk, &rec, &err), -1);
		snprintf(want, sizeof(want),
		    "write error on %s: No space left on device", path);
		EXPECT_MSG(err, want);
		EXPECT_INT(status_of(x, 0), PXR_STATUS_MISSING);
	}
	/* The failures file, made beforehand so that it has an inode. */
	(void)gethostname(host, sizeof(host) - 1);
	snprintf(path, sizeof(path), "%s.failures.%s.%ld", x, host,
	    (long)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT, 0666)) != -1)
		close(fd);
	fault_set(FAULT_FULL, path);
	pixel_record(&rec, &m, 1, pix);
	pxr_record_fail(&rec, "a reason long enough to be cut in two");
	EXPECT_INT(pxr_packer_put(pk, &rec, &err), -1);
	snprintf(want, sizeof(want),
	    "write error on %s: No space left on device", path);
	EXPECT_MSG(err, want);
	EXPECT_INT(status_of(x, 1), PXR_STATUS_MISSING);
	/* Y's close, after a record's write, fails. */
	fault_set(FAULT_CLOSE, y);
	pixel_record(&rec, &m, 0, pix);
	EXPECT_INT(pxr_packer_put(pk, &rec, &err), 0);
	EXPECT_INT(status_of(x, 0), PXR_STATUS_OK);
	strcpy(err.msg, "(not filled)");
	EXPECT_INT(pxr_packer_close(pk, &err), -1);
	snprintf(want, sizeof(want), "%s: close: Input/output error", y);
	EXPECT_MSG(err, want);
out:
	fault.kind = FAULT_NONE;
	remove_set(dir);
}

/*
 * --finish's manifest: when its rename fails (a folder is in the way),
 * the message says so, and the temporary file is not left behind.
 */
static void
test_finish_rename(void)
{
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8],
	    man[PATH_MAX + 32], tmp[PATH_MAX + 32], want[3 * PATH_MAX];
	struct pxr_pack_meta m = { .n = 1,
		.width = 4,
		.height = 3,
		.channels = 3,
		.base = 1 };
	struct pxr_pack_report rep;
	struct pxr_err err;

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-pack");
	snprintf(x, sizeof(x), "%s/X.raw", dir);
	snprintf(y, sizeof(y), "%s/Y.raw", dir);
	snprintf(man, sizeof(man), "%s.manifest.json", x);
	snprintf(tmp, sizeof(tmp), "%s.manifest.json.tmp", x);
	EXPECT_INT(pxr_pack_create(x, y, &m, 0, &err), 0);
	snprintf(want, sizeof(want), "%s/in-the-way", man);
	if (mkdir(man, 0777) == -1 || mkdir(want, 0777) == -1) {
		perror(man);
		exit(2);
	}
	EXPECT_INT(pxr_pack_finish(x, y, NULL, -1, &rep, NULL, NULL, &err), -1);
	snprintf(want, sizeof(want), "%s: rename to %s: Is a directory", tmp,
	    man);
	EXPECT_MSG(err, want);
	EXPECT_INT(access(tmp, F_OK) == -1 && errno == ENOENT, 1);
	remove_set(dir);
}

/* The changed images pxr_pack_verify reports, counted. */
static void
count_changed(void *ctx, const struct pxr_verify_image *im)
{
	(void)im;
	++*(int *)ctx;
}

/*
 * A variable-size set: its files at the sizes of the layout, X.index the
 * rows; each image at its place (one of the wrong size and a failure as
 * zeros of their place, one without a size as no bytes); the manifest's
 * statistics over the images' own pixels; pxr_pack_verify checks each
 * image at its place and finds a changed byte; resumed with the same
 * rows, refused with others (same total), made anew with --overwrite.
 */
static void
test_ragged_set(void)
{
	struct pxr_ragged_row rows[4] = { { 0, 3, 5 }, { 45, 0, 0 },
		{ 45, 4, 2 }, { 69, 3, 3 } },
			      other[4];
	struct pxr_pack_meta m = { .n = 4, .channels = 3, .base = 1 };
	char dir[PATH_MAX], x[PATH_MAX + 8], y[PATH_MAX + 8],
	    path[PATH_MAX + 32];
	unsigned char pix[64], xb[96 + 1];
	struct pxr_pack_report rep;
	struct pxr_verify_report vr;
	struct pxr_packer *pk;
	struct pxr_record rec;
	struct pxr_err err;
	struct stat st;
	double sum = 0;
	int changed = 0, fd;

	unit_tmpdir(dir, sizeof(dir), "pxr-unit-pack");
	snprintf(x, sizeof(x), "%s/X.raw", dir);
	snprintf(y, sizeof(y), "%s/Y.raw", dir);
	EXPECT_INT(pxr_pack_create_ragged(x, y, &m, rows, 0, &err), 0);
	EXPECT_INT(stat(x, &st), 0);
	EXPECT_INT(st.st_size, 96);
	snprintf(path, sizeof(path), "%s.index", x);
	EXPECT_INT(stat(path, &st), 0);
	EXPECT_INT(st.st_size, 4 * PXR_RAGGED_ROW);
	UNIT_CHECK((pk = pxr_packer_open(x, y, &err)) != NULL, "%s", err.msg);
	if (pk == NULL)
		return;
	for (int i = 0; i < 64; i++)
		pix[i] = (unsigned char)(100 + i);
	pxr_record_init(&rec);
	rec.kind = PXR_KIND_PIXELS;
	rec.channels = 3;
	rec.payload = pix;
	rec.name = "a.jpg";
	rec.name_len = 5;
	/* 0: 5x3, at its place; 3: 3x3. */
	rec.width = 5;
	rec.height = 3;
	rec.payload_len = 45;
	EXPECT_INT(pxr_packer_put(pk, &rec, &err), 0);
	rec.index = 3;
	rec.width = rec.height = 3;
	rec.payload_len = 27;
	EXPECT_INT(pxr_packer_put(pk, &rec, &err), 0);
	/* 2: its header said 2x4, it decoded to 4x2: a failure. */
	rec.index = 2;
	rec.width = 4;
	rec.height = 2;
	rec.payload_len = 24;
	EXPECT_INT(pxr_packer_put(pk, &rec, &err), 0);
	EXPECT_INT(rec.kind, PXR_KIND_FAILURE);
	EXPECT_STR_CONTAINS((const char *)rec.payload, "its header said 2x4");
	/* 1: no size in its header; decoded or not, a failure. */
	pxr_record_init(&rec);
	rec.kind = PXR_KIND_FAILURE;
	rec.index = 1;
	rec.payload = (const unsigned char *)"no size";
	rec.payload_len = 7;
	EXPECT_INT(pxr_packer_put(pk, &rec, &err), 0);
	EXPECT_INT(pxr_packer_close(pk, &err), 0);
	EXPECT_INT(status_of(x, 0), PXR_STATUS_OK);
	EXPECT_INT(status_of(x, 1), PXR_STATUS_FAILED);
	EXPECT_INT(status_of(x, 2), PXR_STATUS_FAILED);
	EXPECT_INT(status_of(x, 3), PXR_STATUS_OK);
	fd = open(x, O_RDONLY);
	EXPECT_INT(read(fd, xb, sizeof(xb)), 96);
	close(fd);
	UNIT_CHECK(memcmp(xb, pix, 45) == 0 && memcmp(xb + 69, pix, 27) == 0,
	    "the images not at their places");
	for (int i = 45; i < 69; i++)
		UNIT_CHECK(xb[i] == 0, "byte %d of the failed image: %d", i,
		    xb[i]);
	EXPECT_INT(pxr_pack_finish(x, y, NULL, -1, &rep, NULL, NULL, &err), 0);
	EXPECT_INT(rep.ok, 2);
	EXPECT_INT(rep.failed, 2);
	/* Red: samples 0, 3, ... of both images. */
	for (int i = 0; i < 45; i += 3)
		sum += pix[i];
	for (int i = 0; i < 27; i += 3)
		sum += pix[i];
	UNIT_CHECK(rep.mean[0] == sum / 24, "mean %g, not %g", rep.mean[0],
	    sum / 24);
	EXPECT_INT(pxr_pack_verify(x, y, count_changed, NULL, &changed, NULL,
		       &vr, &err),
	    0);
	EXPECT_INT(changed, 0);
	EXPECT_INT(vr.checked, 4);
	/* Read back as pxr-unpack reads a set: each image at its size. */
	{
		struct pxr_tensor *t = pxr_tensor_open(x, y, &err);

		UNIT_CHECK(t != NULL, "%s", err.msg);
		if (t != NULL) {
			EXPECT_INT(pxr_tensor_read(t, 3, &rec, &err), 0);
			UNIT_CHECK(rec.kind == PXR_KIND_PIXELS &&
				rec.width == 3 && rec.height == 3 &&
				rec.payload_len == 27 &&
				memcmp(rec.payload, pix, 27) == 0,
			    "image 3 read back: %ux%u", rec.width, rec.height);
			EXPECT_INT(pxr_tensor_read(t, 1, &rec, &err), 0);
			EXPECT_INT(rec.kind, PXR_KIND_FAILURE);
			EXPECT_INT(pxr_tensor_read(t, 2, &rec, &err), 0);
			UNIT_CHECK(rec.width == 2 && rec.height == 4 &&
				rec.payload[0] == 0,
			    "image 2 read back: %ux%u", rec.width, rec.height);
			pxr_tensor_close(t);
		}
	}
	fd = open(x, O_WRONLY);
	EXPECT_INT(pwrite(fd, "\x01", 1, 80), 1);
	close(fd);
	EXPECT_INT(pxr_pack_verify(x, y, count_changed, NULL, &changed, NULL,
		       &vr, &err),
	    0);
	EXPECT_INT(changed, 1);
	/* Resumed; other rows of the same total refused; --overwrite. */
	EXPECT_INT(pxr_pack_create_ragged(x, y, &m, rows, 0, &err), 0);
	memcpy(other, rows, sizeof(other));
	other[2].width = 4;
	other[2].height = 2;
	EXPECT_INT(pxr_pack_create_ragged(x, y, &m, other, 0, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "other image sizes");
	EXPECT_INT(
	    pxr_pack_create_ragged(x, y, &m, other, PXR_PACK_OVERWRITE, &err),
	    0);
	EXPECT_INT(status_of(x, 0), PXR_STATUS_MISSING);
	/* A fixed-shape set made over it leaves no X.index behind. */
	m.width = m.height = 4;
	EXPECT_INT(pxr_pack_create(x, y, &m, PXR_PACK_OVERWRITE, &err), 0);
	EXPECT_INT(access(path, F_OK), -1);
	remove_set(dir);
}

int
main(void)
{
	test_layouts();
	test_sums();
	test_axes();
	test_recipe();
	test_packer_close();
	test_sizes();
	test_create_faults();
	test_put_faults();
	test_finish_rename();
	test_ragged_set();
	UNIT_DONE();
}
