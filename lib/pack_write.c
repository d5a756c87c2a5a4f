/*
 * pack_write.c: records written into the set at their index: the image in
 * its layout, the label, the image's sums and checksums, then the status
 * byte.
 */
#define _GNU_SOURCE /* gethostname */
#include "pack_int.h"

/* x followed by suffix, in malloc'ed memory; NULL if out of memory. */
static char *
path_dup(const char *x, const char *suffix)
{
	size_t nx = strlen(x), ns = strlen(suffix);
	char *p = malloc(nx + ns + 1);

	if (p != NULL) {
		memcpy(p, x, nx);
		memcpy(p + nx, suffix, ns + 1);
	}
	return p;
}

/* Opens path for reading and writing into *fd; 0, or -1 with err set. */
static int
open_rw(const char *path, int *fd, struct pxr_err *err)
{
	if ((*fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	return 0;
}

struct pxr_packer *
pxr_packer_open(const char *x, const char *y, struct pxr_err *err)
{
	struct pxr_packer *pk = calloc(1, sizeof(*pk));
	size_t stride;

	if (pk == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	pk->xfd = pk->yfd = pk->sfd = pk->ffd = pk->tfd = -1;
	if (pxr_pack_read_meta(x, &pk->m, err) == -1 ||
	    pack_stats_stride(x, pk->m.n, &stride, err) == -1)
		goto fail;
	/* Entries of 56 bytes written over a file of 48 would mix them. */
	if (stride != PXR_STATS_BYTES) {
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: made before pxr-pack kept checksums: its --create "
		    "again (the same shape and recipe) adds them first",
		    x);
		goto fail;
	}
	pk->imgbytes = (size_t)pk->m.width * pk->m.height * pk->m.channels;
	if (pk->m.ragged && (pk->rows = pxr_pack_rows(x, &pk->m, err)) == NULL)
		goto fail;
	if (pk->rows != NULL) /* a failure's zeros: one image's at most */
		pk->imgbytes = (size_t)pxr_ragged_largest(pk->rows, pk->m.n,
		    pk->m.channels);
	if ((pk->x = strdup(x)) == NULL || (pk->y = strdup(y)) == NULL ||
	    (pk->status = path_dup(x, ".status")) == NULL ||
	    (pk->stats = path_dup(x, ".stats")) == NULL ||
	    (pk->buf = malloc(pk->imgbytes ? pk->imgbytes : 1)) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		goto fail;
	}
	if (open_rw(x, &pk->xfd, err) == -1 ||
	    open_rw(y, &pk->yfd, err) == -1 ||
	    open_rw(pk->status, &pk->sfd, err) == -1 ||
	    open_rw(pk->stats, &pk->tfd, err) == -1)
		goto fail;
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
julia_part(unsigned char *dst, const unsigned char *src, uint32_t w, uint32_t h,
    uint32_t c, uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1)
{
	size_t plane = (size_t)w * h;

	for (uint32_t yb = y0; yb < y1; yb += 16) {
		uint32_t ye = yb + 16 < y1 ? yb + 16 : y1;

		for (uint32_t x = x0; x < x1; x++)
			for (uint32_t k = 0; k < c; k++) {
				unsigned char *d =
				    dst + k * plane + (size_t)x * h;

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
	return pack_lsizes[t];
}

/* Appends a failure line to this writer's own failures file. */
static int
log_failure(struct pxr_packer *pk, const struct pxr_record *rec,
    struct pxr_err *err)
{
	char line[PXR_NAME_MAX + PXR_REASON_MAX + 64];
	int n;

	if (pk->ffd == -1) {
		char host[256] = "host", tail[300];

		(void)gethostname(host, sizeof(host) - 1);
		snprintf(tail, sizeof(tail), ".failures.%s.%ld", host,
		    (long)getpid());
		free(pk->failures);
		if ((pk->failures = path_dup(pk->x, tail)) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		if ((pk->ffd = open(pk->failures,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666)) ==
		    -1)
			return pxr_seterr(err, PXR_E_IO, "%s: %s", pk->failures,
			    strerror(errno));
	}
	/* Tabs and newlines in names and reasons would break the lines. */
	n = snprintf(line, sizeof(line), "%llu\t",
	    (unsigned long long)rec->index);
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
	/* O_APPEND: the rest of a short write goes after what it wrote. */
	for (int done = 0; done < n;) {
		ssize_t r = write(pk->ffd, line + done, (size_t)(n - done));

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: %s", pk->failures,
			    strerror(errno));
		if (r == 0)
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: short write", pk->failures);
		done += (int)r;
	}
	return 0;
}

static void
put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

uint64_t
pack_get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* An image's per-channel sums, as X_FILE.stats holds them. */
static void
stats_bytes(const struct pxr_record *rec, unsigned char out[PXR_STATS_SUMS])
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
	ssize_t got;
	uint32_t w = pk->m.width, h = pk->m.height;
	size_t size = pk->imgbytes;
	uint64_t off = pk->m.header + rec->index * pk->imgbytes;

	if (rec->index >= pk->m.n)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s#%llu: index beyond the tensor's %llu images", rec->name,
		    (unsigned long long)rec->index,
		    (unsigned long long)pk->m.n);
	while ((got = pread(pk->sfd, &st, 1, (off_t)rec->index)) == -1 &&
	    errno == EINTR)
		;
	if (got == -1)
		return pxr_seterr(err, PXR_E_IO, "read error on %s: %s",
		    pk->status, strerror(errno));
	if (got == 1 && st == PXR_STATUS_OK)
		return 1; /* done in an earlier run */
	if (pk->rows != NULL) {
		const struct pxr_ragged_row *p = &pk->rows[rec->index];

		w = p->width;
		h = p->height;
		off = p->offset;
		size = (size_t)w * h * pk->m.channels;
	}
	if (rec->kind == PXR_KIND_ENCODED)
		pxr_record_fail(rec, "not decoded (run pxr-decode first)");
	else if (rec->kind == PXR_KIND_PIXELS && pk->rows != NULL &&
	    (rec->width != w || rec->height != h ||
		rec->channels != pk->m.channels))
		pxr_record_fail(rec,
		    "%ux%ux%u image, its header said %ux%u: its place holds "
		    "%ux%ux%u",
		    rec->width, rec->height, rec->channels, w, h, w, h,
		    pk->m.channels);
	else if (rec->kind == PXR_KIND_PIXELS && pk->rows == NULL &&
	    (rec->width != pk->m.width || rec->height != pk->m.height ||
		rec->channels != pk->m.channels))
		pxr_record_fail(rec,
		    "%ux%ux%u image, the tensor holds %ux%ux%u", rec->width,
		    rec->height, rec->channels, pk->m.width, pk->m.height,
		    pk->m.channels);
	/* NHWC is the records' own order: their pixels are written as they
	 * are, with no copy. */
	img = pk->buf;
	if (rec->kind == PXR_KIND_PIXELS && pk->m.layout == PXR_LAYOUT_NHWC)
		img = rec->payload;
	else if (rec->kind == PXR_KIND_PIXELS)
		pxr_pack_transpose(pk->buf, rec->payload, pk->m.width,
		    pk->m.height, pk->m.channels, pk->m.layout);
	else
		memset(pk->buf, 0, size); /* as the notebook did */
	label = rec->label == PXR_LABEL_NONE ? 0 : rec->label;
	for (size_t i = 0; i < 8; i++)
		lab[i] = (unsigned char)((uint64_t)label >> (8 * i));
	st = rec->kind == PXR_KIND_PIXELS ? PXR_STATUS_OK : PXR_STATUS_FAILED;
	if (st == PXR_STATUS_FAILED && log_failure(pk, rec, err) == -1)
		return -1;
	if (st == PXR_STATUS_OK)
		stats_bytes(rec, sums);
	pack_checksums(sums + PXR_STATS_CRC_X, img, size, lab,
	    pack_lsizes[pk->m.ltype]);
	if (pack_pwrite_all(pk->xfd, img, size, off, pk->x, err) == -1 ||
	    pack_pwrite_all(pk->yfd, lab, pack_lsizes[pk->m.ltype],
		pk->m.header + rec->index * pack_lsizes[pk->m.ltype], pk->y,
		err) == -1 ||
	    pack_pwrite_all(pk->tfd, sums, sizeof(sums),
		rec->index * PXR_STATS_BYTES, pk->stats, err) == -1 ||
	    pack_pwrite_all(pk->sfd, &st, 1, rec->index, pk->status, err) == -1)
		return -1;
	return 0;
}

/* Closes fd, the file name, if open; the first failure into err (r,
 * then -1). */
static void
close_fd(int fd, const char *name, int *r, struct pxr_err *err)
{
	if (fd != -1 && close(fd) == -1 && *r == 0)
		*r = pxr_seterr(err, PXR_E_IO, "%s: close: %s", name,
		    strerror(errno));
}

int
pxr_packer_close(struct pxr_packer *pk, struct pxr_err *err)
{
	int r = 0;

	if (pk == NULL)
		return 0;
	/* Every file is closed, whatever the others do.  An fd is open
	 * only if its name was made. */
	close_fd(pk->xfd, pk->x, &r, err);
	close_fd(pk->yfd, pk->y, &r, err);
	close_fd(pk->sfd, pk->status, &r, err);
	close_fd(pk->ffd, pk->failures, &r, err);
	close_fd(pk->tfd, pk->stats, &r, err);
	free(pk->buf);
	free(pk->rows);
	free(pk->x);
	free(pk->y);
	free(pk->status);
	free(pk->failures);
	free(pk->stats);
	free(pk);
	return r;
}
