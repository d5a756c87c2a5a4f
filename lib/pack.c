/*
 * pack.c: the packed set's files, its metadata and recipe, and making it
 * (pxr_pack_create); pack_write.c writes records into it, pack_finish.c
 * checks it and writes its manifest.  Both call this file's helpers
 * (pack_int.h), and it calls neither.
 *
 * Files of a set, for X_FILE "X_val.raw":
 *   X_val.raw            N images, in the layout, u8
 *   Y_val.raw            N labels, little-endian (u16 by default)
 *   X_val.raw.status     N bytes: 0 missing, 1 written, 2 failed
 *   X_val.raw.meta       "pxr-pack 1", the shape, one "key value" a
 *                        line ("base 0" for labels from 0), then the
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
 * pixels and the label are there.  Against power loss, --finish fsyncs
 * before it reports success; a crash of the whole machine before --finish
 * may lose any of the writes since the last fsync, in any order (a status
 * byte of 1 may then outlive its pixels), so such a set is made again.
 */
#define _GNU_SOURCE /* fallocate */
#include "pack_int.h"

const char *const pack_layouts[] = { "julia", "nhwc", "nchw" };
const char *const pack_ltypes[] = { "u16", "i32", "i64" };
const size_t pack_lsizes[] = { 2, 4, 8 };

int
pxr_layout_parse(const char *s, enum pxr_layout *l)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, pack_layouts[i]) == 0) {
			*l = (enum pxr_layout)i;
			return 0;
		}
	return -1;
}

const char *
pxr_layout_name(enum pxr_layout l)
{
	return pack_layouts[l];
}

const char *
pxr_ltype_name(enum pxr_ltype t)
{
	return pack_ltypes[t];
}

int
pxr_ltype_parse(const char *s, enum pxr_ltype *t)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, pack_ltypes[i]) == 0) {
			*t = (enum pxr_ltype)i;
			return 0;
		}
	return -1;
}

int
pack_path(char *buf, size_t size, const char *x, const char *suffix)
{
	return (size_t)snprintf(buf, size, "%s%s", x, suffix) < size ? 0 : -1;
}

int
pack_fclose(FILE *fp, const char *name, int sync, struct pxr_err *err)
{
	int r = 0;

	if (fflush(fp) == EOF)
		r = pxr_seterr(err, PXR_E_IO, "write error on %s: %s", name,
		    strerror(errno));
	else if (ferror(fp))
		/* An earlier write failed, and its errno is long gone. */
		r = pxr_seterr(err, PXR_E_IO, "write error on %s", name);
	else if (sync && fsync(fileno(fp)) == -1)
		r = pxr_seterr(err, PXR_E_IO, "%s: fsync: %s", name,
		    strerror(errno));
	if (fclose(fp) == EOF && r == 0)
		r = pxr_seterr(err, PXR_E_IO, "%s: close: %s", name,
		    strerror(errno));
	return r;
}

int
pack_pwrite_all(int fd, const void *buf, size_t n, uint64_t off,
    const char *name, struct pxr_err *err)
{
	const unsigned char *p = buf;

	/* A short write (the disk filling, a signal) goes on with the
	 * rest: the next pwrite says why it stopped. */
	while (n > 0) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: %s", name, strerror(errno));
		if (r == 0)
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: short write", name);
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Writes m into path through path.tmp, fsynced, then renamed. */
static int
write_meta(const char *path, const struct pxr_pack_meta *m, struct pxr_err *err)
{
	char tmp[PATH_MAX];
	FILE *fp;

	if (pack_path(tmp, sizeof(tmp), path, ".tmp") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", tmp,
		    strerror(errno));
	fprintf(fp,
	    "pxr-pack 1\nimages %llu\nwidth %u\nheight %u\n"
	    "channels %u\nlayout %s\nlabels %s\nheader %u\n",
	    (unsigned long long)m->n, m->width, m->height, m->channels,
	    pack_layouts[m->layout], pack_ltypes[m->ltype], m->header);
	if (m->base != 1)
		fprintf(fp, "base %d\n", m->base);
	for (const char *r = m->recipe; *r != '\0';) {
		const char *nl = strchr(r, '\n');

		fprintf(fp, "recipe %.*s\n", (int)(nl - r), r);
		r = nl + 1;
	}
	if (pack_fclose(fp, tmp, 1, err) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: rename to %s: %s", tmp, path,
		    strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
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
		if (strncmp(line, "recipe ", 7) != 0 ||
		    used + ln > sizeof(text))
			return pxr_seterr(err, PXR_E_FORMAT, "%s: malformed",
			    path);
		memcpy(text + used, line + 7, ln - 7);
		used += ln - 7;
	}
	if (ferror(fp))
		return pxr_seterr(err, PXR_E_IO, "read error on %s: %s", path,
		    strerror(errno));
	return pxr_recipe_parse(path, text, used, m->recipe, err);
}

int
pxr_pack_read_meta(const char *x, struct pxr_pack_meta *m, struct pxr_err *err)
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
	if (pack_path(path, sizeof(path), x, ".meta") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if ((fp = fopen(path, "r")) == NULL)
		return pxr_seterr(err, PXR_E_IO,
		    "%s: %s (make the set with pxr-pack --create first)", path,
		    strerror(errno));
	got = fscanf(fp,
	    "pxr-pack 1\nimages %llu\nwidth %u\nheight %u\n"
	    "channels %u\nlayout %15s\nlabels %15s\nheader %u\n",
	    &n, &m->width, &m->height, &m->channels, lay, lt, &m->header);
	if (got != 7 && ferror(fp))
		r = pxr_seterr(err, PXR_E_IO, "read error on %s: %s", path,
		    strerror(errno));
	else
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
		pxr_seterr(warn, PXR_E_IO,
		    "%s: no room for its %llu bytes now: "
		    "packing goes on, and fails where the disk fills",
		    path, (unsigned long long)size);
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

	if (fd == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (ftruncate(fd, (off_t)size) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: cannot make it %llu bytes: %s",
		    path, (unsigned long long)size, strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (allocate && size > 0)
		(void)allocate_blocks(fd, path, size, warn);
	if (close(fd) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: close: %s", path,
		    strerror(errno));
	return 0;
}

/*
 * Writes a .npy 1.0 header of PXR_NPY_HEADER bytes at the start of path:
 * for X the layout's shape (julia: (H, W, C, N) in Fortran order, which
 * numpy indexes as Julia does), for Y (labels) the shape (N,).
 */
static int
write_npy_header(const char *path, const struct pxr_pack_meta *m, int labels,
    struct pxr_err *err)
{
	static const char *const descr[] = { "<u2", "<i4", "<i8" };
	unsigned char h[PXR_NPY_HEADER];
	unsigned long long n = (unsigned long long)m->n;
	char dict[PXR_NPY_HEADER];
	int len, fd;

	if (labels)
		len = snprintf(dict, sizeof(dict),
		    "{'descr': '%s', "
		    "'fortran_order': False, 'shape': (%llu,), }",
		    descr[m->ltype], n);
	else if (m->layout == PXR_LAYOUT_JULIA)
		len = snprintf(dict, sizeof(dict),
		    "{'descr': '|u1', "
		    "'fortran_order': True, 'shape': (%u, %u, %u, %llu), }",
		    m->height, m->width, m->channels, n);
	else
		len = snprintf(dict, sizeof(dict),
		    "{'descr': '|u1', "
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
	if (pack_pwrite_all(fd, h, sizeof(h), 0, path, err) == -1) {
		(void)close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: close: %s", path,
		    strerror(errno));
	return 0;
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
	return m->header + pack_lsizes[m->ltype] * m->n;
}

void
pxr_pack_sizes(const struct pxr_pack_meta *m, uint64_t size[4])
{
	size[PXR_PACK_X] = x_bytes(m);
	size[PXR_PACK_Y] = y_bytes(m);
	size[PXR_PACK_STATUS] = m->n;
	size[PXR_PACK_STATS] = m->n * PXR_STATS_BYTES;
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
	pack_path(path, sizeof(path), x, ".status");
	if (!file_is(path, m->n, what, n))
		return 0;
	pack_path(path, sizeof(path), x, ".stats");
	return file_is(path, m->n * PXR_STATS_BYTES, what, n);
}

/* The shape of a set as one line, for messages. */
static void
shape_text(const struct pxr_pack_meta *m, char *out, size_t n)
{
	snprintf(out, n, "%llu images of %ux%ux%u, %s, %s labels from %d%s",
	    (unsigned long long)m->n, m->width, m->height, m->channels,
	    pack_layouts[m->layout], pack_ltypes[m->ltype], m->base,
	    m->header ? ", .npy" : "");
}

/* Removes what an earlier set left: its failure lists and manifest. */
static void
remove_leftovers(const char *x)
{
	char path[PATH_MAX];
	glob_t g;

	if (pack_path(path, sizeof(path), x, ".failures.*") == 0 &&
	    glob(path, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			(void)unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	if (pack_path(path, sizeof(path), x, ".manifest.json") == 0)
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
		    "make it anew",
		    x, diff);
	shape_text(old, was, sizeof(was));
	shape_text(m, now, sizeof(now));
	if (strcmp(was, now) != 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: made as %s, not %s; give --overwrite to make it anew",
		    x, was, now);
	if (!set_whole(x, y, old, what, sizeof(what)))
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: the set is not whole (%s); give --overwrite to make "
		    "it anew",
		    x, what);
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

	if (pack_path(meta, sizeof(meta), x, ".meta") == -1 ||
	    pack_path(status, sizeof(status), x, ".status") == -1 ||
	    pack_path(stats, sizeof(stats), x, ".stats") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if ((old = malloc(sizeof(*old))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (pxr_pack_read_meta(x, old, &ignored) == 0)
		r = check_existing(x, y, old, m, flags, err);
	free(old);
	if (r <= 0)
		return r;
	if (m->n > 0 && img > UINT64_MAX / m->n)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: tensor too large (%llu images of %ux%ux%u)", x,
		    (unsigned long long)m->n, m->width, m->height, m->channels);
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
	if (m->header &&
	    (write_npy_header(x, m, 0, err) == -1 ||
		write_npy_header(y, m, 1, err) == -1))
		return -1;
	if (write_meta(meta, m, err) == -1)
		return -1;
	if (warn.code == PXR_E_NONE)
		return 0;
	*err = warn;
	return 1;
}
