/*
 * pack.c: writing records into the tensors at their index.
 *
 * Files of a set, for X_FILE "X_val.raw":
 *   X_val.raw            N images, in the layout, u8
 *   Y_val.raw            N labels, little-endian (u16 by default)
 *   X_val.raw.status     N bytes: 0 missing, 1 written, 2 failed
 *   X_val.raw.meta       the shape, one "key value" a line, then the
 *                        recipe, each line as "recipe key value"
 *   X_val.raw.stats      N x 48 bytes: per image, the per-channel sums of
 *                        the samples and of their squares (3 + 3 u64, LE)
 *   X_val.raw.failures.<host>.<pid>  one "index<TAB>name<TAB>reason" line
 *                        per failure, a file per writer (no two writers,
 *                        on one machine or several, share an append)
 *   X_val.raw.manifest.json          written by --finish
 *
 * Order of writes for an image: pixels, label, sums, then the status byte, each
 * with pwrite.  A killed writer leaves the kernel's page cache holding
 * whatever it wrote, in order, so a status byte of 1 always means that the
 * pixels and the label are there.  (Against power loss, --finish fsyncs
 * before it reports success; a crash of the whole machine before --finish
 * may lose writes, and the status bytes with them, so a resumed run redoes
 * them.)
 */
#define _GNU_SOURCE /* gethostname's HOST_NAME_MAX, fallocate */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack.h"
#include "pxr.h"

struct pxr_packer {
	struct pxr_pack_meta m;
	int xfd, yfd, sfd, ffd, tfd;
	char *x;
	size_t imgbytes;
	unsigned char *buf;
};

static const char *const layouts[] = { "julia", "nhwc", "nchw" };
static const char *const ltypes[] = { "u16", "i32", "i64" };
static const size_t lsizes[] = { 2, 4, 8 };

int
pxr_layout_parse(const char *s, enum pxr_layout *l)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, layouts[i]) == 0) {
			*l = (enum pxr_layout)i;
			return 0;
		}
	return -1;
}

const char *
pxr_layout_name(enum pxr_layout l)
{
	return layouts[l];
}

int
pxr_ltype_parse(const char *s, enum pxr_ltype *t)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, ltypes[i]) == 0) {
			*t = (enum pxr_ltype)i;
			return 0;
		}
	return -1;
}

static int
pathf(char *buf, size_t size, const char *x, const char *suffix)
{
	return (size_t)snprintf(buf, size, "%s%s", x, suffix) < size ? 0 : -1;
}

static int
write_meta(const char *path, const struct pxr_pack_meta *m,
    struct pxr_err *err)
{
	char tmp[PATH_MAX];
	FILE *fp;

	if (pathf(tmp, sizeof(tmp), path, ".tmp") == -1 ||
	    (fp = fopen(tmp, "w")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	fprintf(fp, "pxr-pack 1\nimages %llu\nwidth %u\nheight %u\n"
		    "channels %u\nlayout %s\nlabels %s\nheader %u\n",
	    (unsigned long long)m->n, m->width, m->height, m->channels,
	    layouts[m->layout], ltypes[m->ltype], m->header);
	if (m->base != 1)
		fprintf(fp, "base %d\n", m->base);
	for (const char *r = m->recipe; *r != '\0';) {
		const char *nl = strchr(r, '\n');

		fprintf(fp, "recipe %.*s\n", (int)(nl - r), r);
		r = nl + 1;
	}
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1 || fclose(fp) == EOF ||
	    rename(tmp, path) == -1)
		return pxr_seterr(err, PXR_E_IO, "write error on %s: %s", path,
		    strerror(errno));
	return 0;
}

/* The "recipe key value" lines after the shape, into m->recipe. */
static int
read_recipe(FILE *fp, const char *path, struct pxr_pack_meta *m,
    struct pxr_err *err)
{
	char text[PXR_RECIPE_MAX], line[PXR_RECIPE_MAX];
	size_t used = 0;

	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t ln = strlen(line);

		if (strcmp(line, "base 0\n") == 0 && used == 0) {
			m->base = 0;
			continue;
		}
		if (strncmp(line, "recipe ", 7) != 0 || used + ln > sizeof(text))
			return pxr_seterr(err, PXR_E_FORMAT, "%s: malformed",
			    path);
		memcpy(text + used, line + 7, ln - 7);
		used += ln - 7;
	}
	return pxr_recipe_parse(path, text, used, m->recipe, err);
}

int
pxr_pack_read_meta(const char *x, struct pxr_pack_meta *m,
    struct pxr_err *err)
{
	char path[PATH_MAX], lay[16] = "", lt[16] = "";
	unsigned long long n = 0;
	int got, r;
	FILE *fp;

	m->n = 0;
	m->width = m->height = m->channels = m->header = 0;
	m->layout = PXR_LAYOUT_JULIA;
	m->ltype = PXR_LTYPE_U16;
	m->base = 1;
	m->recipe[0] = '\0';
	if (pathf(path, sizeof(path), x, ".meta") == -1 ||
	    (fp = fopen(path, "r")) == NULL)
		return pxr_seterr(err, PXR_E_IO,
		    "%s: %s (make the set with pxr-pack --create first)", path,
		    strerror(errno));
	got = fscanf(fp, "pxr-pack 1\nimages %llu\nwidth %u\nheight %u\n"
			 "channels %u\nlayout %15s\nlabels %15s\nheader %u\n",
	    &n, &m->width, &m->height, &m->channels, lay, lt, &m->header);
	r = got == 7 ? read_recipe(fp, path, m, err) : 0;
	fclose(fp);
	m->n = n;
	if (r == -1)
		return -1;
	if (got != 7 || (m->header != 0 && m->header != PXR_NPY_HEADER) ||
	    pxr_layout_parse(lay, &m->layout) == -1 ||
	    pxr_ltype_parse(lt, &m->ltype) == -1 || m->width == 0 ||
	    m->height == 0 || m->width > PXR_DIM_MAX ||
	    m->height > PXR_DIM_MAX || (m->channels != 1 && m->channels != 3))
		return pxr_seterr(err, PXR_E_FORMAT, "%s: malformed", path);
	return 0;
}

/*
 * Asks the filesystem for the blocks of the new, all-zero file fd.  Not
 * when it has less room than that: ext4, failing part way, keeps what it
 * allocated and would leave the disk full; should that happen all the
 * same, the blocks are given back (the file is zeros either way).
 */
static int
allocate_blocks(int fd, const char *path, uint64_t size, struct pxr_err *warn)
{
	struct statvfs vfs;
	int nospace = 0;

	if (fstatvfs(fd, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < size)
		nospace = 1;
	else if (fallocate(fd, 0, 0, (off_t)size) == 0)
		return 0;
	else if ((nospace = errno == ENOSPC))
		(void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    0, (off_t)size);
	if (!nospace)
		return 0;
	/* The first such file is the one said. */
	if (warn->code == PXR_E_NONE)
		pxr_seterr(warn, PXR_E_IO, "%s: no room for its %llu bytes now: "
		    "packing goes on, and fails where the disk fills", path,
		    (unsigned long long)size);
	return 1;
}

/*
 * Creates path with size bytes, all zero.  With allocate, the filesystem
 * is asked for the blocks up front (fallocate(2)): the writes then fill
 * blocks it already has, which costs less than allocating them as they
 * come, and the file lies in one piece on disk however the shards' writes
 * interleave.  Where it can't (no support, or no space now), the file
 * stays sparse and the writes allocate.
 */
static int
make_file(const char *path, uint64_t size, int allocate, struct pxr_err *err,
    struct pxr_err *warn)
{
	/* Emptied first: nothing of an earlier set's bytes stays. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd == -1 || ftruncate(fd, (off_t)size) == -1) {
		int e = errno;

		if (fd != -1)
			close(fd);
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(e));
	}
	if (allocate && size > 0)
		(void)allocate_blocks(fd, path, size, warn);
	return close(fd) == -1 ? pxr_seterr(err, PXR_E_IO, "%s: %s", path,
				     strerror(errno))
			       : 0;
}

/*
 * Writes a .npy 1.0 header of PXR_NPY_HEADER bytes at the start of path:
 * for X the layout's shape (julia: (H, W, C, N) in Fortran order, which
 * numpy indexes as Julia does), for Y (labels) the shape (N,).
 */
static int
write_npy_header(const char *path, const struct pxr_pack_meta *m,
    int labels, struct pxr_err *err)
{
	static const char *const descr[] = { "<u2", "<i4", "<i8" };
	unsigned char h[PXR_NPY_HEADER];
	unsigned long long n = (unsigned long long)m->n;
	char dict[PXR_NPY_HEADER];
	int len, fd;

	if (labels)
		len = snprintf(dict, sizeof(dict), "{'descr': '%s', "
		    "'fortran_order': False, 'shape': (%llu,), }",
		    descr[m->ltype], n);
	else if (m->layout == PXR_LAYOUT_JULIA)
		len = snprintf(dict, sizeof(dict), "{'descr': '|u1', "
		    "'fortran_order': True, 'shape': (%u, %u, %u, %llu), }",
		    m->height, m->width, m->channels, n);
	else
		len = snprintf(dict, sizeof(dict), "{'descr': '|u1', "
		    "'fortran_order': False, 'shape': (%llu, %u, %u, %u), }",
		    n, m->layout == PXR_LAYOUT_NHWC ? m->height : m->channels,
		    m->layout == PXR_LAYOUT_NHWC ? m->width : m->height,
		    m->layout == PXR_LAYOUT_NHWC ? m->channels : m->width);
	if (len < 0 || len > PXR_NPY_HEADER - 11)
		return pxr_seterr(err, PXR_E_USAGE, "%s: .npy header too long",
		    path);
	memset(h, ' ', sizeof(h));
	memcpy(h, "\x93NUMPY\x01\x00", 8);
	h[8] = (PXR_NPY_HEADER - 10) & 0xff;
	h[9] = (PXR_NPY_HEADER - 10) >> 8;
	memcpy(h + 10, dict, (size_t)len);
	h[PXR_NPY_HEADER - 1] = '\n';
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (pwrite(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		close(fd);
		return pxr_seterr(err, PXR_E_IO, "write error on %s: %s", path,
		    strerror(errno));
	}
	return close(fd);
}

/* The bytes each file of a set of this shape holds. */
static uint64_t
x_bytes(const struct pxr_pack_meta *m)
{
	return m->header + (uint64_t)m->width * m->height * m->channels * m->n;
}

static uint64_t
y_bytes(const struct pxr_pack_meta *m)
{
	return m->header + lsizes[m->ltype] * m->n;
}

/* Whether path is a regular file of size bytes; why not into what. */
static int
file_is(const char *path, uint64_t size, char *what, size_t n)
{
	struct stat st;

	if (stat(path, &st) == -1)
		snprintf(what, n, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		snprintf(what, n, "%s: %llu bytes, not the set's %llu", path,
		    (unsigned long long)st.st_size, (unsigned long long)size);
	else
		return 1;
	return 0;
}

/* Whether the set's files are all there at their sizes; what is wrong
 * into what. */
static int
set_whole(const char *x, const char *y, const struct pxr_pack_meta *m,
    char *what, size_t n)
{
	char path[PATH_MAX];

	if (!file_is(x, x_bytes(m), what, n) ||
	    !file_is(y, y_bytes(m), what, n))
		return 0;
	pathf(path, sizeof(path), x, ".status");
	if (!file_is(path, m->n, what, n))
		return 0;
	pathf(path, sizeof(path), x, ".stats");
	return file_is(path, m->n * PXR_STATS_BYTES, what, n);
}

/* The shape of a set as one line, for messages. */
static void
shape_text(const struct pxr_pack_meta *m, char *out, size_t n)
{
	snprintf(out, n, "%llu images of %ux%ux%u, %s, %s labels from %d%s",
	    (unsigned long long)m->n, m->width, m->height, m->channels,
	    layouts[m->layout], ltypes[m->ltype], m->base,
	    m->header ? ", .npy" : "");
}

/* Removes what an earlier set left: its failure lists and manifest. */
static void
remove_leftovers(const char *x)
{
	char path[PATH_MAX];
	glob_t g;

	if (pathf(path, sizeof(path), x, ".failures.*") == 0 &&
	    glob(path, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			(void)unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	if (pathf(path, sizeof(path), x, ".manifest.json") == 0)
		(void)unlink(path);
}

/*
 * A set is there already: 0 to resume it, 1 to make it anew (overwrite),
 * -1 with err saying what differs.
 */
static int
check_existing(const char *x, const char *y, const struct pxr_pack_meta *old,
    const struct pxr_pack_meta *m, int flags, struct pxr_err *err)
{
	char was[160], now[160], diff[1024], what[PATH_MAX + 80];

	if (flags & PXR_PACK_OVERWRITE)
		return 1;
	/* The recipe says more than the shape: its difference first. */
	if (pxr_recipe_diff(old->recipe, m->recipe, diff, sizeof(diff)) > 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: made with another recipe (%s); give --overwrite to "
		    "make it anew", x, diff);
	shape_text(old, was, sizeof(was));
	shape_text(m, now, sizeof(now));
	if (strcmp(was, now) != 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: made as %s, not %s; give --overwrite to make it anew",
		    x, was, now);
	if (!set_whole(x, y, old, what, sizeof(what)))
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: the set is not whole (%s); give --overwrite to make "
		    "it anew", x, what);
	return 0;
}

int
pxr_pack_create(const char *x, const char *y, const struct pxr_pack_meta *m,
    int flags, struct pxr_err *err)
{
	char meta[PATH_MAX], status[PATH_MAX], stats[PATH_MAX];
	struct pxr_pack_meta *old;
	struct pxr_err ignored, warn;
	uint64_t img = (uint64_t)m->width * m->height * m->channels;
	int r = 1;

	if (pathf(meta, sizeof(meta), x, ".meta") == -1 ||
	    pathf(status, sizeof(status), x, ".status") == -1 ||
	    pathf(stats, sizeof(stats), x, ".stats") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if ((old = malloc(sizeof(*old))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (pxr_pack_read_meta(x, old, &ignored) == 0)
		r = check_existing(x, y, old, m, flags, err);
	free(old);
	if (r <= 0)
		return r;
	if (m->n > 0 && img > UINT64_MAX / m->n)
		return pxr_seterr(err, PXR_E_USAGE, "tensor too large");
	/* The metadata goes first and comes back last: until it does, the
	 * set is being made, and a later --create makes it again. */
	if (unlink(meta) == -1 && errno != ENOENT)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", meta,
		    strerror(errno));
	remove_leftovers(x);
	/* The status file first: it is what says an image is done. */
	warn.code = PXR_E_NONE;
	if (make_file(status, m->n, 1, err, &warn) == -1 ||
	    make_file(stats, m->n * PXR_STATS_BYTES, 0, err, &warn) == -1 ||
	    make_file(x, x_bytes(m), 1, err, &warn) == -1 ||
	    make_file(y, y_bytes(m), 1, err, &warn) == -1)
		return -1;
	if (m->header && (write_npy_header(x, m, 0, err) == -1 ||
			     write_npy_header(y, m, 1, err) == -1))
		return -1;
	if (write_meta(meta, m, err) == -1)
		return -1;
	if (warn.code == PXR_E_NONE)
		return 0;
	*err = warn;
	return 1;
}

struct pxr_packer *
pxr_packer_open(const char *x, const char *y, struct pxr_err *err)
{
	struct pxr_packer *pk = calloc(1, sizeof(*pk));
	char status[PATH_MAX];

	if (pk == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	pk->xfd = pk->yfd = pk->sfd = pk->ffd = pk->tfd = -1;
	if (pxr_pack_read_meta(x, &pk->m, err) == -1)
		goto fail;
	pk->imgbytes = (size_t)pk->m.width * pk->m.height * pk->m.channels;
	if ((pk->x = strdup(x)) == NULL ||
	    (pk->buf = malloc(pk->imgbytes ? pk->imgbytes : 1)) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		goto fail;
	}
	pathf(status, sizeof(status), x, ".status");
	if ((pk->xfd = open(x, O_RDWR | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", x, strerror(errno));
		goto fail;
	}
	if ((pk->yfd = open(y, O_RDWR | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", y, strerror(errno));
		goto fail;
	}
	if ((pk->sfd = open(status, O_RDWR | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", status, strerror(errno));
		goto fail;
	}
	pathf(status, sizeof(status), x, ".stats");
	if ((pk->tfd = open(status, O_RDWR | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", status, strerror(errno));
		goto fail;
	}
	return pk;
fail:
	pxr_packer_close(pk, NULL);
	return NULL;
}

const struct pxr_pack_meta *
pxr_packer_meta(const struct pxr_packer *pk)
{
	return &pk->m;
}

/*
 * Column-major (H, W, C): sample (y, x, k) at k*W*H + x*H + y, for the
 * columns x0..x1-1 and rows y0..y1-1.  Rows are taken 16 at a time, so the
 * source stays in L1 while each column's run of 16 is written.
 */
static void
julia_part(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h, uint32_t c, uint32_t x0, uint32_t x1, uint32_t y0,
    uint32_t y1)
{
	size_t plane = (size_t)w * h;

	for (uint32_t yb = y0; yb < y1; yb += 16) {
		uint32_t ye = yb + 16 < y1 ? yb + 16 : y1;

		for (uint32_t x = x0; x < x1; x++)
			for (uint32_t k = 0; k < c; k++) {
				unsigned char *d = dst + k * plane +
				    (size_t)x * h;

				for (uint32_t y = yb; y < ye; y++)
					d[y] = src[((size_t)y * w + x) * c + k];
			}
	}
}

void
pxr_pack_transpose(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h, uint32_t c, enum pxr_layout l)
{
	size_t plane = (size_t)w * h;

	switch (l) {
	case PXR_LAYOUT_NHWC:
		memcpy(dst, src, plane * c);
		break;
	case PXR_LAYOUT_NCHW:
		for (size_t i = 0; i < plane; i++)
			for (uint32_t k = 0; k < c; k++)
				dst[k * plane + i] = src[i * c + k];
		break;
	case PXR_LAYOUT_JULIA:
		if (c == 3 && pxr_simd_level() >= PXR_SIMD_AVX2) {
			uint32_t w16 = w & ~15u, h16 = h & ~15u;

			if (pxr_simd_level() >= PXR_SIMD_VBMI)
				pxr_pack_julia3_vbmi(dst, src, w, h);
			else
				pxr_pack_julia3_avx2(dst, src, w, h);
			julia_part(dst, src, w, h, c, w16, w, 0, h);
			julia_part(dst, src, w, h, c, 0, w16, h16, h);
		} else {
			julia_part(dst, src, w, h, c, 0, w, 0, h);
		}
		break;
	}
}

void
pxr_pack_untranspose(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h, uint32_t c, enum pxr_layout l)
{
	size_t plane = (size_t)w * h;

	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (uint32_t k = 0; k < c; k++) {
				size_t at = l == PXR_LAYOUT_NHWC
				    ? ((size_t)y * w + x) * c + k
				    : l == PXR_LAYOUT_NCHW
				    ? k * plane + (size_t)y * w + x
				    : k * plane + (size_t)x * h + y;

				dst[((size_t)y * w + x) * c + k] = src[at];
			}
}

size_t
pxr_ltype_size(enum pxr_ltype t)
{
	return lsizes[t];
}

static int
pwrite_all(int fd, const void *buf, size_t n, uint64_t off, const char *name,
    struct pxr_err *err)
{
	const unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return pxr_seterr(err, PXR_E_IO, "write error on %s: %s",
			    name, strerror(errno));
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Appends a failure line to this writer's own failures file. */
static int
log_failure(struct pxr_packer *pk, const struct pxr_record *rec,
    struct pxr_err *err)
{
	char line[PXR_NAME_MAX + PXR_REASON_MAX + 64];
	int n;

	if (pk->ffd == -1) {
		char host[256] = "host", path[PATH_MAX];

		(void)gethostname(host, sizeof(host) - 1);
		snprintf(path, sizeof(path), "%s.failures.%s.%ld", pk->x, host,
		    (long)getpid());
		if ((pk->ffd = open(path, O_WRONLY | O_CREAT | O_APPEND |
			 O_CLOEXEC, 0666)) == -1)
			return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
			    strerror(errno));
	}
	/* Tabs and newlines in names and reasons would break the lines. */
	n = snprintf(line, sizeof(line), "%llu\t", (unsigned long long)rec->index);
	for (size_t i = 0; i < rec->name_len && n < (int)sizeof(line) - 4; i++)
		line[n++] = rec->name[i] == '\t' || rec->name[i] == '\n'
		    ? ' '
		    : rec->name[i];
	line[n++] = '\t';
	for (size_t i = 0; i < rec->payload_len && n < (int)sizeof(line) - 2;
	     i++)
		line[n++] = rec->payload[i] == '\t' || rec->payload[i] == '\n'
		    ? ' '
		    : (char)rec->payload[i];
	line[n++] = '\n';
	return write(pk->ffd, line, (size_t)n) == n
	    ? 0
	    : pxr_seterr(err, PXR_E_IO, "write error on the failures file: %s",
		  strerror(errno));
}

static void
put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* An image's per-channel sums, as X_FILE.stats holds them. */
static void
stats_bytes(const struct pxr_record *rec, unsigned char out[PXR_STATS_BYTES])
{
	uint64_t sum[3], sq[3];

	pxr_pixel_sums(rec->payload, (size_t)rec->width * rec->height,
	    rec->channels, sum, sq);
	for (int k = 0; k < 3; k++) {
		put_le64(out + 8 * k, sum[k]);
		put_le64(out + 24 + 8 * k, sq[k]);
	}
}

int
pxr_packer_put(struct pxr_packer *pk, struct pxr_record *rec,
    struct pxr_err *err)
{
	unsigned char st, lab[8], sums[PXR_STATS_BYTES] = { 0 };
	const unsigned char *img;
	int64_t label;

	if (rec->index >= pk->m.n)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s#%llu: index beyond the tensor's %llu images", rec->name,
		    (unsigned long long)rec->index,
		    (unsigned long long)pk->m.n);
	if (pread(pk->sfd, &st, 1, (off_t)rec->index) == 1 &&
	    st == PXR_STATUS_OK)
		return 1; /* done in an earlier run */
	if (rec->kind == PXR_KIND_ENCODED)
		pxr_record_fail(rec, "not decoded (run pxr-decode first)");
	else if (rec->kind == PXR_KIND_PIXELS &&
	    (rec->width != pk->m.width || rec->height != pk->m.height ||
		rec->channels != pk->m.channels))
		pxr_record_fail(rec, "%ux%ux%u image, the tensor holds %ux%ux%u",
		    rec->width, rec->height, rec->channels, pk->m.width,
		    pk->m.height, pk->m.channels);
	/* NHWC is the records' own order: their pixels are written as they
	 * are, with no copy. */
	img = pk->buf;
	if (rec->kind == PXR_KIND_PIXELS && pk->m.layout == PXR_LAYOUT_NHWC)
		img = rec->payload;
	else if (rec->kind == PXR_KIND_PIXELS)
		pxr_pack_transpose(pk->buf, rec->payload, pk->m.width,
		    pk->m.height, pk->m.channels, pk->m.layout);
	else
		memset(pk->buf, 0, pk->imgbytes); /* as the notebook did */
	label = rec->label == PXR_LABEL_NONE ? 0 : rec->label;
	for (size_t i = 0; i < 8; i++)
		lab[i] = (unsigned char)((uint64_t)label >> (8 * i));
	st = rec->kind == PXR_KIND_PIXELS ? PXR_STATUS_OK : PXR_STATUS_FAILED;
	if (st == PXR_STATUS_FAILED && log_failure(pk, rec, err) == -1)
		return -1;
	if (st == PXR_STATUS_OK)
		stats_bytes(rec, sums);
	if (pwrite_all(pk->xfd, img, pk->imgbytes,
		pk->m.header + rec->index * pk->imgbytes, pk->x, err) == -1 ||
	    pwrite_all(pk->yfd, lab, lsizes[pk->m.ltype],
		pk->m.header + rec->index * lsizes[pk->m.ltype], "the labels",
		err) == -1 ||
	    pwrite_all(pk->tfd, sums, sizeof(sums),
		rec->index * PXR_STATS_BYTES, "the statistics file", err) == -1 ||
	    pwrite_all(pk->sfd, &st, 1, rec->index, "the status file", err) ==
		-1)
		return -1;
	return 0;
}

/* Closes fd if open; the first failure's errno into *first. */
static void
close_fd(int fd, int *first)
{
	if (fd != -1 && close(fd) == -1 && *first == 0)
		*first = errno;
}

int
pxr_packer_close(struct pxr_packer *pk, struct pxr_err *err)
{
	int e = 0;

	if (pk == NULL)
		return 0;
	/* Every file is closed, whatever the others do. */
	close_fd(pk->xfd, &e);
	close_fd(pk->yfd, &e);
	close_fd(pk->sfd, &e);
	close_fd(pk->ffd, &e);
	close_fd(pk->tfd, &e);
	if (e != 0)
		pxr_seterr(err, PXR_E_IO, "%s: close: %s", pk->x, strerror(e));
	free(pk->buf);
	free(pk->x);
	free(pk);
	return e != 0 ? -1 : 0;
}

static int
sync_file(const char *path, struct pxr_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1 || fsync(fd) == -1) {
		int e = errno;

		if (fd != -1)
			close(fd);
		return pxr_seterr(err, PXR_E_IO, "%s: fsync: %s", path,
		    strerror(e));
	}
	close(fd);
	return 0;
}

static void
json_str(FILE *fp, const char *s, size_t n)
{
	pxr_fput_escaped(fp, s, n, 1);
}

/* Writes the failures of every writer's file whose status byte is still 2
 * (a later run may have done the image), the last line of an index
 * winning.  Returns how many were written. */
static uint64_t
json_failures(FILE *fp, const char *x, unsigned char *status, uint64_t n)
{
	char pattern[PATH_MAX], *line = NULL;
	uint64_t count = 0;
	size_t cap = 0;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s.failures.*", x);
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	/* Mark each failed index once: the byte 2 becomes 3 when listed. */
	for (size_t f = g.gl_pathc; f-- > 0;) {
		FILE *in = fopen(g.gl_pathv[f], "r");
		ssize_t len;

		if (in == NULL)
			continue;
		while ((len = getline(&line, &cap, in)) > 0) {
			char *t1 = strchr(line, '\t'), *t2;
			unsigned long long idx;

			if (t1 == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
				continue;
			idx = strtoull(line, NULL, 10);
			if (idx >= n || status[idx] != PXR_STATUS_FAILED)
				continue;
			if (line[len - 1] == '\n')
				line[--len] = '\0';
			fprintf(fp, "%s\n    {\"index\": %llu, \"name\": ",
			    count ? "," : "", idx);
			json_str(fp, t1 + 1, (size_t)(t2 - t1 - 1));
			fputs(", \"reason\": ", fp);
			json_str(fp, t2 + 1, strlen(t2 + 1));
			fputc('}', fp);
			status[idx] = 3;
			count++;
		}
		fclose(in);
	}
	free(line);
	globfree(&g);
	return count;
}

static unsigned char *
read_whole(const char *path, uint64_t n, struct pxr_err *err)
{
	unsigned char *buf = malloc(n ? n : 1);
	uint64_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (buf == NULL || fd == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r <= 0) {
			pxr_seterr(err, PXR_E_IO, "%s: short read", path);
			goto fail;
		}
		got += (uint64_t)r;
	}
	close(fd);
	return buf;
fail:
	if (fd != -1)
		close(fd);
	free(buf);
	return NULL;
}

/*
 * The mean and standard deviation of the ok images' samples, per channel,
 * from the sums in X_FILE.stats: exact integer sums (128 bits), divided
 * once at the end.
 */
/* 128-bit sums: a whole ImageNet's squares overflow nothing. */
__extension__ typedef unsigned __int128 u128;

static int
set_stats(const char *x, const struct pxr_pack_meta *m,
    const unsigned char *st, struct pxr_pack_report *rep, struct pxr_err *err)
{
	char path[PATH_MAX];
	u128 sum[3] = { 0 }, sq[3] = { 0 }, count;
	unsigned char *t;

	pathf(path, sizeof(path), x, ".stats");
	if ((t = read_whole(path, m->n * PXR_STATS_BYTES, err)) == NULL)
		return -1;
	for (uint64_t i = 0; i < m->n; i++)
		if (st[i] == PXR_STATUS_OK)
			for (int k = 0; k < 3; k++) {
				sum[k] += get_le64(t + i * PXR_STATS_BYTES + 8 * k);
				sq[k] += get_le64(t + i * PXR_STATS_BYTES + 24 + 8 * k);
			}
	free(t);
	count = (u128)rep->ok * m->width * m->height;
	for (uint32_t k = 0; k < m->channels && count > 0; k++) {
		/* var = (count * sq - sum^2) / count^2, exactly in integers
		 * up to the last division. */
		u128 num = count * sq[k] - sum[k] * sum[k];

		rep->mean[k] = (double)sum[k] / (double)count;
		rep->std[k] = sqrt((double)num / ((double)count * (double)count));
	}
	return 0;
}

struct json_ctx {
	FILE *fp;
	int items;
};

static void
json_recipe_line(void *ctx, const char *key, size_t klen, const char *val,
    size_t vlen)
{
	struct json_ctx *j = ctx;

	fputs(j->items++ ? ",\n    " : "\n    ", j->fp);
	json_str(j->fp, key, klen);
	fputs(": ", j->fp);
	json_str(j->fp, val, vlen);
}

static void
json_recipe(FILE *fp, const char *recipe)
{
	struct json_ctx j = { fp, 0 };

	fputs(",\n  \"recipe\": {", fp);
	pxr_recipe_each(recipe, json_recipe_line, &j);
	fputs(j.items ? "\n  }" : "}", fp);
}

static void
json_numbers(FILE *fp, const char *key, const double *v, uint32_t n,
    double scale)
{
	fprintf(fp, ",\n    \"%s\": [", key);
	for (uint32_t k = 0; k < n; k++)
		fprintf(fp, "%s%.17g", k ? ", " : "", v[k] / scale);
	fputc(']', fp);
}

/* The classes of the synset file: "synsets" (first words) and, where
 * the lines have them, "words" (the rest of each line). */
static int
json_classes(FILE *fp, const char *synsets, struct pxr_err *err)
{
	FILE *in;
	char line[1024];
	int first = 1, words = 0;
	long start;

	fputs(",\n  \"synsets\": [", fp);
	if (synsets == NULL) {
		fputc(']', fp);
		return 0;
	}
	if ((in = fopen(synsets, "r")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", synsets,
		    strerror(errno));
	for (int pass = 0; pass < 2; pass++) {
		rewind(in);
		first = 1;
		start = 0;
		while (fgets(line, sizeof(line), in) != NULL) {
			size_t n = strcspn(line, " \t\r\n,"), rest;
			char *w = line + n;

			if (n == 0)
				continue;
			w += strspn(w, " \t,");
			rest = strcspn(w, "\r\n");
			words |= rest > 0;
			fputs(first ? "" : ", ", fp);
			if (pass == 0)
				json_str(fp, line, n);
			else
				json_str(fp, w, rest);
			first = 0;
			start++;
		}
		fputc(']', fp);
		if (pass == 0 && !words)
			break;
		if (pass == 0)
			fputs(",\n  \"words\": [", fp);
	}
	fclose(in);
	if (start == 0)
		return pxr_seterr(err, PXR_E_FORMAT, "%s: no classes", synsets);
	return 0;
}

/* Counts the status bytes; missing ranges go to warn. */
static void
count_status(const char *x, const unsigned char *st, uint64_t n,
    struct pxr_pack_report *rep, void (*warn)(const char *))
{
	char msg[PATH_MAX + 80];

	for (uint64_t i = 0; i < n;) {
		uint64_t j = i;

		if (st[i] == PXR_STATUS_OK || st[i] == PXR_STATUS_FAILED) {
			rep->ok += st[i] == PXR_STATUS_OK;
			rep->failed += st[i] == PXR_STATUS_FAILED;
			i++;
			continue;
		}
		while (j < n && st[j] != PXR_STATUS_OK &&
		    st[j] != PXR_STATUS_FAILED)
			j++;
		rep->missing += j - i;
		snprintf(msg, sizeof(msg), "%s: images %llu to %llu are missing",
		    x, (unsigned long long)i, (unsigned long long)j - 1);
		if (warn != NULL)
			warn(msg);
		i = j;
	}
}

static void
json_shape(FILE *fp, const struct pxr_pack_meta *m)
{
	unsigned long long n = (unsigned long long)m->n;

	if (m->layout == PXR_LAYOUT_JULIA)
		fprintf(fp, ",\n  \"shape\": [%u, %u, %u, %llu],\n  \"order\": "
			    "\"F\",\n  \"c_shape\": [%llu, %u, %u, %u]",
		    m->height, m->width, m->channels, n, n, m->channels,
		    m->width, m->height);
	else if (m->layout == PXR_LAYOUT_NHWC)
		fprintf(fp, ",\n  \"shape\": [%llu, %u, %u, %u],\n  \"order\": "
			    "\"C\"", n, m->height, m->width, m->channels);
	else
		fprintf(fp, ",\n  \"shape\": [%llu, %u, %u, %u],\n  \"order\": "
			    "\"C\"", n, m->channels, m->height, m->width);
}

static void
json_stats(FILE *fp, const struct pxr_pack_meta *m,
    const struct pxr_pack_report *rep)
{
	fprintf(fp, ",\n  \"stats\": {\n    \"images\": %llu",
	    (unsigned long long)rep->ok);
	json_numbers(fp, "mean", rep->mean, m->channels, 255.0);
	json_numbers(fp, "std", rep->std, m->channels, 255.0);
	json_numbers(fp, "mean_255", rep->mean, m->channels, 1.0);
	json_numbers(fp, "std_255", rep->std, m->channels, 1.0);
	fputs("\n  }", fp);
}

static int
write_manifest(FILE *fp, const char *x, const char *y,
    const struct pxr_pack_meta *m, const char *synsets, int label_base,
    unsigned char *st, const struct pxr_pack_report *rep,
    struct pxr_err *err)
{
	uint64_t listed;

	fprintf(fp, "{\n  \"x\": ");
	json_str(fp, x, strlen(x));
	fprintf(fp, ",\n  \"y\": ");
	json_str(fp, y, strlen(y));
	json_shape(fp, m);
	fprintf(fp, ",\n  \"offset\": %u", m->header);
	fprintf(fp, ",\n  \"dtype\": \"uint8\",\n  \"layout\": \"%s\",\n"
		    "  \"label_dtype\": \"%s\",\n  \"label_base\": %d,\n"
		    "  \"images\": %llu,\n  \"ok\": %llu,\n  \"failed\": %llu,\n"
		    "  \"missing\": %llu",
	    layouts[m->layout],
	    m->ltype == PXR_LTYPE_U16	? "<u2"
	    : m->ltype == PXR_LTYPE_I32 ? "<i4"
					: "<i8",
	    label_base, (unsigned long long)m->n, (unsigned long long)rep->ok,
	    (unsigned long long)rep->failed, (unsigned long long)rep->missing);
	json_stats(fp, m, rep);
	json_recipe(fp, m->recipe);
	if (json_classes(fp, synsets, err) == -1)
		return -1;
	fputs(",\n  \"failures\": [", fp);
	listed = json_failures(fp, x, st, m->n);
	fprintf(fp, "%s]\n}\n", listed ? "\n  " : "");
	return 0;
}

int
pxr_pack_finish(const char *x, const char *y, const char *synsets,
    int label_base, struct pxr_pack_report *rep, void (*warn)(const char *),
    struct pxr_err *err)
{
	char status_path[PATH_MAX], man[PATH_MAX], tmp[PATH_MAX];
	struct pxr_pack_meta *m;
	unsigned char *st = NULL;
	FILE *fp = NULL;
	int r = -1;

	memset(rep, 0, sizeof(*rep));
	if ((m = malloc(sizeof(*m))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (pxr_pack_read_meta(x, m, err) == -1)
		goto out;
	pathf(status_path, sizeof(status_path), x, ".status");
	pathf(man, sizeof(man), x, ".manifest.json");
	pathf(tmp, sizeof(tmp), x, ".manifest.json.tmp");
	if (sync_file(x, err) == -1 || sync_file(y, err) == -1 ||
	    sync_file(status_path, err) == -1 ||
	    (st = read_whole(status_path, m->n, err)) == NULL)
		goto out;
	count_status(x, st, m->n, rep, warn);
	if (set_stats(x, m, st, rep, err) == -1)
		goto out;
	if ((fp = fopen(tmp, "w")) == NULL) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_manifest(fp, x, y, m, synsets,
		label_base < 0 ? m->base : label_base, st, rep, err) == -1)
		goto out;
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1 || ferror(fp)) {
		pxr_seterr(err, PXR_E_IO, "write error on %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	r = fclose(fp);
	fp = NULL;
	if (r == EOF || rename(tmp, man) == -1)
		r = pxr_seterr(err, PXR_E_IO, "%s: %s", man, strerror(errno));
out:
	if (fp != NULL) {
		fclose(fp);
		unlink(tmp);
	}
	free(st);
	free(m);
	return r;
}
