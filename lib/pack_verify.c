/*
 * pack_verify.c: a packed set read again and checked against what
 * pxr-pack kept of it: first the set as a whole (its files at their sizes,
 * and its manifest's counts and checksum those of X.status and X.stats
 * now), then every done image's bytes in X and its label's in Y against
 * the CRC-32Cs X.stats holds for it.  X is read once, in order, in reads
 * of many images; Y, the status and the stats files are small (a few
 * bytes an image) and read whole.
 */
#include "pack_int.h"

/* The set being checked. */
struct verify {
	const char *x, *y;
	struct pxr_pack_meta m;
	size_t imgbytes, lsize;
	unsigned char *status, *stats, *labels;
	char *manifest; /* its text, NUL-terminated */
	struct pxr_verify_image *bad;
	size_t nbad, capbad;
	struct pxr_ragged_row *rows; /* a variable-size set's places */
};

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The label of image i as Y holds it (signed for i32 and i64). */
static int64_t
label_of(const struct verify *v, uint64_t i)
{
	const unsigned char *p = v->labels + v->m.header + i * v->lsize;
	uint64_t u = 0;

	for (size_t k = v->lsize; k-- > 0;)
		u = u << 8 | p[k];
	if (v->m.ltype == PXR_LTYPE_I32)
		return (int32_t)(uint32_t)u;
	return (int64_t)u;
}

/* The files at their sizes, X.stats with checksums; Y, the status and
 * the stats read. */
static int
read_set(struct verify *v, struct pxr_err *err)
{
	char path[PATH_MAX], what[PATH_MAX + 80];
	uint64_t size[4];
	size_t stride;

	if (pxr_pack_read_meta(v->x, &v->m, err) == -1)
		return -1;
	v->imgbytes = (size_t)v->m.width * v->m.height * v->m.channels;
	v->lsize = pxr_ltype_size(v->m.ltype);
	if (v->m.ragged && (v->rows = pxr_pack_rows(v->x, &v->m, err)) == NULL)
		return -1;
	if (v->rows != NULL) /* scan_ragged's buffer: one image's bytes */
		v->imgbytes =
		    (size_t)pxr_ragged_largest(v->rows, v->m.n, v->m.channels);
	pxr_pack_sizes(&v->m, size);
	if (pack_path(path, sizeof(path), v->x, ".status") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", v->x);
	if (!pack_file_is(v->x, size[PXR_PACK_X], what, sizeof(what)) ||
	    !pack_file_is(v->y, size[PXR_PACK_Y], what, sizeof(what)) ||
	    !pack_file_is(path, size[PXR_PACK_STATUS], what, sizeof(what)))
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: the set is not whole (%s)", v->x, what);
	if (pack_stats_stride(v->x, v->m.n, &stride, err) == -1)
		return -1;
	if (stride != PXR_STATS_BYTES)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: made before pxr-pack kept checksums (%s.stats holds "
		    "none): nothing to verify against",
		    v->x, v->x);
	if ((v->status = pack_read_whole(path, size[PXR_PACK_STATUS], err)) ==
		NULL ||
	    (v->labels = pack_read_whole(v->y, size[PXR_PACK_Y], err)) == NULL)
		return -1;
	pack_path(path, sizeof(path), v->x, ".stats");
	if ((v->stats = pack_read_whole(path, size[PXR_PACK_STATS], err)) ==
	    NULL)
		return -1;
	return 0;
}

/* The value of the top-level key in the manifest (pxr_pack_finish writes
 * each on a line of its own, indented two spaces; a string holds no
 * newline), or NULL. */
static const char *
manifest_value(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n  \"%s\": ", key);
	return (p = strstr(text, pat)) != NULL ? p + strlen(pat) : NULL;
}

static int
manifest_u64(const char *text, const char *key, uint64_t *v)
{
	const char *p = manifest_value(text, key);
	char *end;

	if (p == NULL || *p < '0' || *p > '9')
		return -1;
	*v = strtoull(p, &end, 10);
	return *end == ',' || *end == '\n' ? 0 : -1;
}

/* The manifest's largest size: its failures and classes for ImageNet
 * take some MB. */
#define MANIFEST_MAX (1u << 30)

/* The whole text of the manifest, NUL-terminated, into v->manifest. */
static int
read_manifest(struct verify *v, const char *path, struct pxr_err *err)
{
	size_t len = 0, cap = 65536;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: %s (finish the set first: pxr-pack --finish)", path,
		    strerror(errno));
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			char *p = cap < MANIFEST_MAX
			    ? realloc(v->manifest, cap *= 2)
			    : NULL;

			if (p == NULL) {
				close(fd);
				return pxr_seterr(err, PXR_E_NOMEM,
				    "%s: out of memory for it", path);
			}
			v->manifest = p;
		} else if (v->manifest == NULL &&
		    (v->manifest = malloc(cap)) == NULL) {
			close(fd);
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		}
		r = read(fd, v->manifest + len, cap - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			pxr_seterr(err, PXR_E_IO, "read error on %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	v->manifest[len] = '\0';
	return 0;
}

/* The manifest read, its counts those of the status bytes, its checksum
 * that of X.stats: the set is as it was at its --finish. */
static int
check_manifest(struct verify *v, struct pxr_err *err)
{
	static const char *const keys[] = { "images", "ok", "failed",
		"missing" };
	char path[PATH_MAX], now[PXR_PACK_CHECKSUM_SIZE];
	struct pxr_pack_report rep;
	uint64_t said[4], is[4];
	const char *sum;

	if (pack_path(path, sizeof(path), v->x, ".manifest.json") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", v->x);
	if (read_manifest(v, path, err) == -1)
		return -1;
	for (int k = 0; k < 4; k++)
		if (manifest_u64(v->manifest, keys[k], &said[k]) == -1)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: malformed (no \"%s\" count)", path, keys[k]);
	if ((sum = manifest_value(v->manifest, "checksum")) == NULL)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: no \"checksum\" (written before pxr-pack kept "
		    "checksums: pxr-pack --finish writes it again)",
		    path);
	if (strncmp(sum, "null", 4) == 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: its checksum is null (the set had none at its "
		    "--finish: pxr-pack --finish writes it again)",
		    path);
	memset(&rep, 0, sizeof(rep));
	pack_count_status(v->x, v->status, v->m.n, &rep, NULL, NULL);
	is[0] = v->m.n, is[1] = rep.ok, is[2] = rep.failed, is[3] = rep.missing;
	if (memcmp(said, is, sizeof(is)) != 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: says %llu images, %llu ok, %llu failed, %llu missing; "
		    "the set holds %llu, %llu, %llu, %llu: it changed since "
		    "its --finish",
		    path, (unsigned long long)said[0],
		    (unsigned long long)said[1], (unsigned long long)said[2],
		    (unsigned long long)said[3], (unsigned long long)is[0],
		    (unsigned long long)is[1], (unsigned long long)is[2],
		    (unsigned long long)is[3]);
	pack_set_checksum(v->stats, v->m.n, now);
	if (sum[0] != '"' || strncmp(sum + 1, now, strlen(now)) != 0 ||
	    sum[1 + strlen(now)] != '"')
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s.stats: its checksums are not those of the manifest's "
		    "\"checksum\" (%s now): the set changed since its --finish",
		    v->x, now);
	return 0;
}

/* Notes image i as changed: its pixels (px) or label (lb) differ. */
static int
note(struct verify *v, uint64_t i, int px, int lb, struct pxr_err *err)
{
	struct pxr_verify_image *im;

	if (v->nbad == v->capbad) {
		size_t cap = v->capbad ? 2 * v->capbad : 64;

		if ((im = realloc(v->bad, cap * sizeof(*im))) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		v->bad = im;
		v->capbad = cap;
	}
	im = &v->bad[v->nbad++];
	memset(im, 0, sizeof(*im));
	im->index = i;
	im->label = label_of(v, i);
	im->failed = v->status[i] == PXR_STATUS_FAILED;
	im->pixels = px;
	im->label_changed = lb;
	return 0;
}

/* Checks done image i, its bytes px in X, and its label. */
static int
check_image(struct verify *v, uint64_t i, const unsigned char *px, size_t n,
    struct pxr_verify_report *rep, struct pxr_err *err)
{
	const unsigned char *t = v->stats + i * PXR_STATS_BYTES;
	const unsigned char *lab = v->labels + v->m.header + i * v->lsize;
	int bx, bl;

	if (v->status[i] != PXR_STATUS_OK && v->status[i] != PXR_STATUS_FAILED)
		return 0;
	rep->checked++;
	bx = pxr_crc32c(0, px, n) != get_le32(t + PXR_STATS_CRC_X);
	bl = pxr_crc32c(0, lab, v->lsize) != get_le32(t + PXR_STATS_CRC_Y);
	return (bx || bl) ? note(v, i, bx, bl, err) : 0;
}

/* X opened to be read in order, and a buffer of size bytes in *buf:
 * the fd, or -1 with err (and *buf NULL). */
static int
open_x(const struct verify *v, size_t size, unsigned char **buf,
    struct pxr_err *err)
{
	int fd;

	if ((*buf = malloc(size + 1)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if ((fd = open(v->x, O_RDONLY | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", v->x, strerror(errno));
		free(*buf);
		*buf = NULL;
		return -1;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return fd;
}

/* A variable-size set: each image at its place, in order. */
static int
scan_ragged(struct verify *v, void (*progress)(void *, uint64_t, uint64_t),
    void *ctx, struct pxr_verify_report *rep, struct pxr_err *err)
{
	unsigned char *buf;
	int fd, r = -1;

	if ((fd = open_x(v, v->imgbytes, &buf, err)) == -1)
		return -1;
	for (uint64_t i = 0; i < v->m.n; i++) {
		size_t n = (size_t)v->rows[i].width * v->rows[i].height *
		    v->m.channels;

		if (pack_pread_all(fd, buf, n, v->rows[i].offset, v->x, err) ==
			-1 ||
		    check_image(v, i, buf, n, rep, err) == -1)
			goto out;
		rep->bytes += n;
		if (progress != NULL && (i % 256 == 255 || i + 1 == v->m.n))
			progress(ctx, v->rows[i].offset + n, v->m.xbytes);
	}
	rep->bytes += v->m.n * v->lsize;
	r = 0;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	return r;
}

/*
 * Reads X in order, PXR_VERIFY_READ bytes or so (whole images) at a time,
 * and checks each done image and its label against X.stats.
 */
static int
scan(struct verify *v, void (*progress)(void *, uint64_t, uint64_t), void *ctx,
    struct pxr_verify_report *rep, struct pxr_err *err)
{
	uint64_t per = v->imgbytes > 0 && v->imgbytes < PXR_VERIFY_READ
	    ? PXR_VERIFY_READ / v->imgbytes
	    : 1;
	uint64_t total = v->m.n * v->imgbytes;
	unsigned char *buf;
	int fd, r = -1;

	if ((fd = open_x(v, per * v->imgbytes, &buf, err)) == -1)
		return -1;
	for (uint64_t i = 0; i < v->m.n; i += per) {
		uint64_t k = v->m.n - i < per ? v->m.n - i : per;

		if (pack_pread_all(fd, buf, k * v->imgbytes,
			v->m.header + i * v->imgbytes, v->x, err) == -1)
			goto out;
		for (uint64_t j = 0; j < k; j++)
			if (check_image(v, i + j, buf + j * v->imgbytes,
				v->imgbytes, rep, err) == -1)
				goto out;
		rep->bytes += k * v->imgbytes;
		if (progress != NULL)
			progress(ctx, (i + k) * v->imgbytes, total);
	}
	rep->bytes += v->m.n * v->lsize;
	r = 0;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	return r;
}

/* A failure's name from the writers' files, onto its changed image. */
static void
failure_name(void *ctx, uint64_t index, const char *name, size_t name_len,
    const char *reason)
{
	struct verify *v = ctx;
	size_t lo = 0, hi = v->nbad;
	char *copy;

	(void)reason;
	/* v->bad is in index order. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->bad[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == v->nbad || v->bad[lo].index != index ||
	    (copy = malloc(name_len + 1)) == NULL)
		return; /* out of memory: the image is said without it */
	memcpy(copy, name, name_len);
	copy[name_len] = '\0';
	v->bad[lo].name = copy;
	v->bad[lo].name_len = name_len;
}

int
pxr_pack_verify(const char *x, const char *y,
    void (*changed)(void *ctx, const struct pxr_verify_image *im),
    void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
    pxr_warn_fn warn, struct pxr_verify_report *rep, struct pxr_err *err)
{
	struct verify *v = calloc(1, sizeof(*v));
	struct pxr_pack_report counts;
	int r = -1, failed = 0;

	memset(rep, 0, sizeof(*rep));
	if (v == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	v->x = x;
	v->y = y;
	if (read_set(v, err) == -1 || check_manifest(v, err) == -1 ||
	    (v->rows != NULL ? scan_ragged(v, progress, ctx, rep, err)
			     : scan(v, progress, ctx, rep, err)) == -1)
		goto out;
	rep->images = v->m.n;
	rep->changed = v->nbad;
	memset(&counts, 0, sizeof(counts));
	pack_count_status(x, v->status, v->m.n, &counts, warn, ctx);
	rep->missing = counts.missing;
	for (size_t i = 0; i < v->nbad; i++)
		failed |= v->bad[i].failed;
	/* A failure's name, where the writers' files keep it. */
	if (failed &&
	    pack_failures_each(x, v->status, v->m.n, failure_name, v, err) ==
		-1)
		goto out;
	for (size_t i = 0; i < v->nbad && changed != NULL; i++)
		changed(ctx, &v->bad[i]);
	r = 0;
out:
	for (size_t i = 0; i < v->nbad; i++)
		free((char *)(uintptr_t)v->bad[i].name);
	free(v->bad);
	free(v->rows);
	free(v->manifest);
	free(v->stats);
	free(v->labels);
	free(v->status);
	free(v);
	return r;
}
