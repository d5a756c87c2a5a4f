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
 *   X_val.raw.stats      N x 56 bytes: per image, the per-channel sums of
 *                        the samples and of their squares (3 + 3 u64, LE),
 *                        then its checksums: the CRC-32C of its bytes in
 *                        X and of its label's in Y (2 u32, LE); a set
 *                        made before pxr-pack kept checksums has 48 (the
 *                        sums), and gets them when a --create resumes it
 *   X_val.raw.failures.<host>.<pid>  one "index<TAB>name<TAB>reason" line
 *                        per failure, a file per writer (no two writers,
 *                        on one machine or several, share an append)
 *   X_val.raw.manifest.json          written by --finish
 *
 * Order of writes for an image: pixels, label, sums and checksums, then the
 * status byte, each with pwrite.  A killed writer leaves the kernel's page
 * cache holding whatever it wrote, in order, so a status byte of 1 always
 * means that the pixels, the label and their checksums are there.  Against
 * power loss, --finish fsyncs before it reports success; a crash of the whole
 * machine before --finish may lose any of the writes since the last fsync, in
 * any order (a status byte of 1 may then outlive its pixels), so such a set is
 * made again.
 */
#define _GNU_SOURCE /* fallocate */
#include "pack_int.h"
#include "sha256.h"

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

unsigned char *
pack_read_whole(const char *path, uint64_t n, struct pxr_err *err)
{
	unsigned char *buf;
	uint64_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(n ? n : 1)) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "%s: out of memory for %llu bytes",
		    path, (unsigned long long)n);
		goto fail;
	}
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			pxr_seterr(err, PXR_E_IO, "read error on %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0) {
			pxr_seterr(err, PXR_E_IO,
			    "%s: ends after %llu of its %llu bytes", path,
			    (unsigned long long)got, (unsigned long long)n);
			goto fail;
		}
		got += (uint64_t)r;
	}
	close(fd);
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* Ends a file written whole through tmp: fp closed and fsynced, then
 * renamed to path; on failure tmp is removed.  0, or -1 with err. */
static int
commit_tmp(FILE *fp, const char *tmp, const char *path, struct pxr_err *err)
{
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
	if (m->ragged)
		fprintf(fp, "ragged %llu\n", (unsigned long long)m->xbytes);
	if (m->base != 1)
		fprintf(fp, "base %d\n", m->base);
	for (const char *r = m->recipe; *r != '\0';) {
		const char *nl = strchr(r, '\n');

		fprintf(fp, "recipe %.*s\n", (int)(nl - r), r);
		r = nl + 1;
	}
	return commit_tmp(fp, tmp, path, err);
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

		unsigned long long xb;
		char end;

		if (strcmp(line, "base 0\n") == 0 && used == 0) {
			m->base = 0;
			continue;
		}
		if (!m->ragged && used == 0 && m->base == 1 &&
		    sscanf(line, "ragged %llu%c", &xb, &end) == 2 &&
		    end == '\n') {
			m->ragged = 1;
			m->xbytes = xb;
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
	m->ragged = 0;
	m->xbytes = 0;
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
	if (m->ragged)
		return m->header + m->xbytes;
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

int
pack_file_is(const char *path, uint64_t size, char *what, size_t n)
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

/* Whether the set's files are all there at their sizes: 1, or 2 when its
 * X.stats is of a set made before the checksums; 0 with what is wrong
 * into what. */
static int
set_whole(const char *x, const char *y, const struct pxr_pack_meta *m,
    char *what, size_t n)
{
	char path[PATH_MAX];

	if (!pack_file_is(x, x_bytes(m), what, n) ||
	    !pack_file_is(y, y_bytes(m), what, n))
		return 0;
	pack_path(path, sizeof(path), x, ".status");
	if (!pack_file_is(path, m->n, what, n))
		return 0;
	pack_path(path, sizeof(path), x, ".index");
	if (m->ragged && !pack_file_is(path, m->n * PXR_RAGGED_ROW, what, n))
		return 0;
	pack_path(path, sizeof(path), x, ".stats");
	if (m->n > 0 && pack_file_is(path, m->n * PXR_STATS_SUMS, what, n))
		return 2;
	return pack_file_is(path, m->n * PXR_STATS_BYTES, what, n);
}

int
pack_stats_stride(const char *x, uint64_t n, size_t *stride,
    struct pxr_err *err)
{
	char path[PATH_MAX], what[PATH_MAX + 80];

	if (pack_path(path, sizeof(path), x, ".stats") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	*stride = PXR_STATS_BYTES;
	if (pack_file_is(path, n * PXR_STATS_BYTES, what, sizeof(what)))
		return 0;
	*stride = PXR_STATS_SUMS;
	if (n > 0 && pack_file_is(path, n * PXR_STATS_SUMS, what, sizeof(what)))
		return 0;
	/* The message for the size of now. */
	(void)pack_file_is(path, n * PXR_STATS_BYTES, what, sizeof(what));
	return pxr_seterr(err, PXR_E_FORMAT, "%s", what);
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void
pack_checksums(unsigned char out[8], const unsigned char *img, size_t imgbytes,
    const unsigned char *lab, size_t lsize)
{
	put_le32(out, pxr_crc32c(0, img, imgbytes));
	put_le32(out + 4, pxr_crc32c(0, lab, lsize));
}

void
pack_set_checksum(const unsigned char *stats, uint64_t n,
    char out[PXR_PACK_CHECKSUM_SIZE])
{
	unsigned char part[8 * 512], d[PXR_SHA256_SIZE];
	struct pxr_sha256 c;
	size_t k = 0;

	pxr_sha256_init(&c);
	for (uint64_t i = 0; i < n; i++) {
		memcpy(part + 8 * k,
		    stats + i * PXR_STATS_BYTES + PXR_STATS_CRC_X, 8);
		if (++k == sizeof(part) / 8) {
			pxr_sha256_update(&c, part, sizeof(part));
			k = 0;
		}
	}
	pxr_sha256_update(&c, part, 8 * k);
	pxr_sha256_final(&c, d);
	memcpy(out, "sha256:", 7);
	pxr_sha256_hex(d, out + 7);
}

int
pack_failures_each(const char *x, unsigned char *status, uint64_t n,
    pack_failure_fn fn, void *ctx, struct pxr_err *err)
{
	char pattern[PATH_MAX], *line = NULL;
	size_t cap = 0;
	glob_t g;
	int r = 0;

	if (pack_path(pattern, sizeof(pattern), x, ".failures.*") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	switch (glob(pattern, 0, NULL, &g)) {
	case 0:
		break;
	case GLOB_NOMATCH:
		return 0;
	default:
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory listing %s",
		    pattern);
	}
	/* Each failed index once: the byte 2 becomes 3 when listed. */
	for (size_t f = g.gl_pathc; f-- > 0 && r == 0;) {
		FILE *in = fopen(g.gl_pathv[f], "r");
		ssize_t len;

		if (in == NULL) {
			r = pxr_seterr(err, PXR_E_IO, "%s: %s", g.gl_pathv[f],
			    strerror(errno));
			break;
		}
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
			*t2 = '\0';
			fn(ctx, idx, t1 + 1, (size_t)(t2 - t1 - 1), t2 + 1);
			status[idx] = 3;
		}
		if (ferror(in))
			r = pxr_seterr(err, PXR_E_IO, "read error on %s: %s",
			    g.gl_pathv[f], strerror(errno));
		fclose(in);
	}
	free(line);
	globfree(&g);
	return r;
}

/* The shape of a set as one line, for messages. */
static void
shape_text(const struct pxr_pack_meta *m, char *out, size_t n)
{
	if (m->ragged)
		snprintf(out, n,
		    "%llu images of variable size (%llu bytes), %u channels, "
		    "%s labels from %d",
		    (unsigned long long)m->n, (unsigned long long)m->xbytes,
		    m->channels, pack_ltypes[m->ltype], m->base);
	else
		snprintf(out, n,
		    "%llu images of %ux%ux%u, %s, %s labels from %d%s",
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
	if (pack_path(path, sizeof(path), x, ".index") == 0)
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
	int whole;

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
	if ((whole = set_whole(x, y, old, what, sizeof(what))) == 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: the set is not whole (%s); give --overwrite to make "
		    "it anew",
		    x, what);
	return whole == 2 ? 2 : 0;
}

int
pack_pread_all(int fd, unsigned char *buf, size_t n, uint64_t off,
    const char *name, struct pxr_err *err)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, (off_t)off);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return pxr_seterr(err, PXR_E_IO, "read error on %s: %s",
			    name, strerror(errno));
		if (r == 0)
			return pxr_seterr(err, PXR_E_IO,
			    "read error on %s: it ends at %llu", name,
			    (unsigned long long)off);
		buf += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/*
 * A set made before pxr-pack kept checksums, resumed: each done image's
 * are made from what X and Y hold now (X read once, in order), and
 * X.stats is written again with them at PXR_STATS_BYTES an image,
 * through X.stats.tmp, fsynced, then renamed.  *done gets how many images
 * had theirs made.
 */
static int
add_checksums(const char *x, const char *y, const struct pxr_pack_meta *m,
    uint64_t *done, struct pxr_err *err)
{
	char status[PATH_MAX], stats[PATH_MAX], tmp[PATH_MAX];
	size_t img = (size_t)m->width * m->height * m->channels;
	size_t ls = pack_lsizes[m->ltype];
	unsigned char *st = NULL, *old = NULL, *lab = NULL, *px = NULL;
	unsigned char entry[PXR_STATS_BYTES];
	FILE *out = NULL;
	int fd = -1, r = -1;

	*done = 0;
	if (pack_path(status, sizeof(status), x, ".status") == -1 ||
	    pack_path(stats, sizeof(stats), x, ".stats") == -1 ||
	    pack_path(tmp, sizeof(tmp), x, ".stats.tmp") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if ((st = pack_read_whole(status, m->n, err)) == NULL ||
	    (old = pack_read_whole(stats, m->n * PXR_STATS_SUMS, err)) ==
		NULL ||
	    (lab = pack_read_whole(y, y_bytes(m), err)) == NULL)
		goto out;
	if ((px = malloc(img)) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		goto out;
	}
	if ((fd = open(x, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = fopen(tmp, "w")) == NULL) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", fd == -1 ? x : tmp,
		    strerror(errno));
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (uint64_t i = 0; i < m->n; i++) {
		memcpy(entry, old + i * PXR_STATS_SUMS, PXR_STATS_SUMS);
		memset(entry + PXR_STATS_SUMS, 0,
		    sizeof(entry) - PXR_STATS_SUMS);
		if (st[i] == PXR_STATUS_OK || st[i] == PXR_STATUS_FAILED) {
			if (pack_pread_all(fd, px, img, m->header + i * img, x,
				err) == -1)
				goto out;
			pack_checksums(entry + PXR_STATS_CRC_X, px, img,
			    lab + m->header + i * ls, ls);
			(*done)++;
		}
		/* A failed write shows in pack_fclose's ferror. */
		if (fwrite(entry, sizeof(entry), 1, out) != 1)
			break;
	}
	r = pack_fclose(out, tmp, 1, err);
	out = NULL;
	if (r == 0 && rename(tmp, stats) == -1)
		r = pxr_seterr(err, PXR_E_IO, "%s: rename to %s: %s", tmp,
		    stats, strerror(errno));
out:
	if (out != NULL)
		fclose(out);
	if (r == -1)
		(void)unlink(tmp);
	if (fd != -1)
		close(fd);
	free(px);
	free(lab);
	free(old);
	free(st);
	return r;
}

int
pxr_pack_set_recipe(const char *x, const struct pxr_pack_meta *m,
    struct pxr_err *err)
{
	char meta[PATH_MAX], man[PATH_MAX];

	if (pack_path(meta, sizeof(meta), x, ".meta") == -1 ||
	    pack_path(man, sizeof(man), x, ".manifest.json") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if (unlink(man) == -1 && errno != ENOENT)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", man,
		    strerror(errno));
	return write_meta(meta, m, err);
}

/* X.index: the rows (idx, len bytes) through X.index.tmp, fsynced, then
 * renamed. */
static int
write_index(const char *x, const unsigned char *idx, size_t len,
    struct pxr_err *err)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *fp;

	if (pack_path(path, sizeof(path), x, ".index") == -1 ||
	    pack_path(tmp, sizeof(tmp), x, ".index.tmp") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if ((fp = fopen(tmp, "w")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", tmp,
		    strerror(errno));
	(void)fwrite(idx, 1, len, fp); /* an error shows in pack_fclose */
	return commit_tmp(fp, tmp, path, err);
}

/* Whether X.index holds len bytes idx: 1, or 0. */
static int
same_index(const char *x, const unsigned char *idx, size_t len)
{
	char path[PATH_MAX];
	struct pxr_err ignored;
	unsigned char *old;
	int same;

	if (pack_path(path, sizeof(path), x, ".index") == -1 ||
	    (old = pack_read_whole(path, len, &ignored)) == NULL)
		return 0;
	same = memcmp(old, idx, len) == 0;
	free(old);
	return same;
}

/* pxr_pack_create, and with idx (len bytes) X.index too. */
static int
pack_create(const char *x, const char *y, const struct pxr_pack_meta *m,
    const unsigned char *idx, size_t len, int flags, struct pxr_err *err)
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
	if (r == 2) {
		uint64_t done;

		if (add_checksums(x, y, m, &done, err) == -1)
			return -1;
		pxr_seterr(err, PXR_E_NONE,
		    "%s: made before pxr-pack kept checksums: those of its "
		    "%llu images done are made from what X and Y hold now",
		    x, (unsigned long long)done);
		return 1;
	}
	if (r == 0 && idx != NULL && !same_index(x, idx, len))
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: made with other image sizes (X.index differs); give "
		    "--overwrite to make it anew",
		    x);
	if (r <= 0)
		return r;
	if (!m->ragged && m->n > 0 && img > UINT64_MAX / m->n)
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
	    make_file(y, y_bytes(m), 1, err, &warn) == -1 ||
	    (idx != NULL && write_index(x, idx, len, err) == -1))
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

int
pxr_pack_create(const char *x, const char *y, const struct pxr_pack_meta *m,
    int flags, struct pxr_err *err)
{
	if (m->ragged)
		PXR_BUG(
		    "a variable-size set is made by pxr_pack_create_ragged");
	return pack_create(x, y, m, NULL, 0, flags, err);
}

void
pxr_pack_ragged_meta(struct pxr_pack_meta *m, const struct pxr_ragged_row *rows)
{
	m->ragged = 1;
	m->layout = PXR_LAYOUT_NHWC;
	m->header = 0;
	m->width = m->height = 1;
	m->xbytes = 0;
	for (uint64_t i = 0; i < m->n; i++) {
		if (rows[i].offset != m->xbytes)
			PXR_BUG("rows not laid out back to back");
		m->xbytes +=
		    (uint64_t)rows[i].width * rows[i].height * m->channels;
		if (rows[i].width > m->width)
			m->width = rows[i].width;
		if (rows[i].height > m->height)
			m->height = rows[i].height;
	}
}

int
pxr_pack_same_rows(const char *x, const struct pxr_ragged_row *rows, uint64_t n)
{
	unsigned char *idx;
	int same;

	if (n > SIZE_MAX / PXR_RAGGED_ROW ||
	    (idx = malloc(n ? (size_t)n * PXR_RAGGED_ROW : 1)) == NULL)
		return 0;
	pxr_ragged_encode(rows, n, idx);
	same = same_index(x, idx, (size_t)n * PXR_RAGGED_ROW);
	free(idx);
	return same;
}

int
pxr_pack_create_ragged(const char *x, const char *y,
    const struct pxr_pack_meta *m, const struct pxr_ragged_row *rows, int flags,
    struct pxr_err *err)
{
	struct pxr_pack_meta *rm;
	unsigned char *idx;
	size_t len;
	int r;

	if (m->n > SIZE_MAX / PXR_RAGGED_ROW)
		return pxr_seterr(err, PXR_E_USAGE, "%s: too many images", x);
	len = (size_t)m->n * PXR_RAGGED_ROW;
	if ((rm = malloc(sizeof(*rm))) == NULL ||
	    (idx = malloc(len ? len : 1)) == NULL) {
		free(rm);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	*rm = *m;
	pxr_pack_ragged_meta(rm, rows);
	pxr_ragged_encode(rows, m->n, idx);
	r = pack_create(x, y, rm, idx, len, flags, err);
	free(idx);
	free(rm);
	return r;
}

struct pxr_ragged_row *
pxr_pack_rows(const char *x, const struct pxr_pack_meta *m, struct pxr_err *err)
{
	char path[PATH_MAX];
	unsigned char *idx;
	struct pxr_ragged_row *rows;
	struct pxr_err e;

	if (pack_path(path, sizeof(path), x, ".index") == -1) {
		pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
		return NULL;
	}
	if (m->n > SIZE_MAX / PXR_RAGGED_ROW - 1) {
		pxr_seterr(err, PXR_E_FORMAT, "%s: too many images", x);
		return NULL;
	}
	if ((idx = pack_read_whole(path, m->n * PXR_RAGGED_ROW, err)) == NULL)
		return NULL;
	if ((rows = calloc((size_t)m->n + 1, sizeof(*rows))) == NULL) {
		free(idx);
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	if (pxr_ragged_decode(idx, m->n * PXR_RAGGED_ROW, m->n, m->channels,
		m->xbytes, rows, &e) == -1) {
		pxr_seterr(err, PXR_E_FORMAT, "%s: %s", path, e.msg);
		free(rows);
		rows = NULL;
	}
	free(idx);
	return rows;
}
