/*
 * pack_finish.c: the end of a set: synced, counted, its statistics from
 * the images' sums, and its manifest written.
 */
#include "classes.h"
#include "pack_int.h"

static int
sync_file(const char *path, struct pxr_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (fsync(fd) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: fsync: %s", path,
		    strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: close: %s", path,
		    strerror(errno));
	return 0;
}

static void
json_str(FILE *fp, const char *s, size_t n)
{
	pxr_fput_escaped(fp, s, n, 1);
}

/* The failures' JSON, as pack_failures_each gives them. */
struct json_failures {
	FILE *fp;
	uint64_t count;
};

static void
json_failure(void *ctx, uint64_t index, const char *name, size_t name_len,
    const char *reason)
{
	struct json_failures *j = ctx;

	fprintf(j->fp,
	    "%s\n    {\"index\": %llu, \"name\": ", j->count++ ? "," : "",
	    (unsigned long long)index);
	json_str(j->fp, name, name_len);
	fputs(", \"reason\": ", j->fp);
	json_str(j->fp, reason, strlen(reason));
	fputc('}', j->fp);
}

/* 128-bit sums: a whole ImageNet's squares overflow nothing. */
__extension__ typedef unsigned __int128 u128;

/*
 * The mean and standard deviation of the ok images' samples, per channel,
 * from the sums in X_FILE.stats: exact integer sums (128 bits), divided
 * once at the end; and the set's checksum from the images' (none, "", for
 * a set made before pxr-pack kept them: its stats of PXR_STATS_SUMS bytes
 * an image).
 */
static int
set_stats(const char *x, const struct pxr_pack_meta *m, const unsigned char *st,
    struct pxr_pack_report *rep, struct pxr_err *err)
{
	char path[PATH_MAX];
	u128 sum[3] = { 0 }, sq[3] = { 0 }, count;
	unsigned char *t;
	size_t stride;

	if (pack_path(path, sizeof(path), x, ".stats") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if (pack_stats_stride(x, m->n, &stride, err) == -1 ||
	    (t = pack_read_whole(path, m->n * stride, err)) == NULL)
		return -1;
	for (uint64_t i = 0; i < m->n; i++)
		if (st[i] == PXR_STATUS_OK)
			for (int k = 0; k < 3; k++) {
				sum[k] += pack_get_le64(t + i * stride + 8 * k);
				sq[k] +=
				    pack_get_le64(t + i * stride + 24 + 8 * k);
			}
	rep->checksum[0] = '\0';
	if (stride == PXR_STATS_BYTES)
		pack_set_checksum(t, m->n, rep->checksum);
	free(t);
	count = (u128)rep->ok * m->width * m->height;
	if (m->ragged) {
		struct pxr_ragged_row *rows = pxr_pack_rows(x, m, err);

		if (rows == NULL)
			return -1;
		count = 0;
		for (uint64_t i = 0; i < m->n; i++)
			if (st[i] == PXR_STATUS_OK)
				count += (u128)rows[i].width * rows[i].height;
		free(rows);
	}
	for (uint32_t k = 0; k < m->channels && count > 0; k++) {
		/* var = (count * sq - sum^2) / count^2, exactly in integers
		 * up to the last division. */
		u128 num = count * sq[k] - sum[k] * sum[k];

		rep->mean[k] = (double)sum[k] / (double)count;
		rep->std[k] =
		    sqrt((double)num / ((double)count * (double)count));
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

/* The classes of the class list (lib/classes.h), if one was given:
 * "synsets", the ids, and, where a line has a description, "words", the
 * descriptions, an empty one for a line without. */
static void
json_classes(FILE *fp, const struct pxr_classes *cl)
{
	int words = 0;

	fputs(",\n  \"synsets\": [", fp);
	for (size_t i = 0; i < cl->n; i++) {
		fputs(i ? ", " : "", fp);
		json_str(fp, cl->v[i].id, strlen(cl->v[i].id));
		words |= cl->v[i].desc[0] != '\0';
	}
	fputc(']', fp);
	if (!words)
		return;
	fputs(",\n  \"words\": [", fp);
	for (size_t i = 0; i < cl->n; i++) {
		fputs(i ? ", " : "", fp);
		json_str(fp, cl->v[i].desc, strlen(cl->v[i].desc));
	}
	fputc(']', fp);
}

void
pack_count_status(const char *x, const unsigned char *st, uint64_t n,
    struct pxr_pack_report *rep, pxr_warn_fn warn, void *warn_ctx)
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
		snprintf(msg, sizeof(msg),
		    "%s: images %llu to %llu are missing", x,
		    (unsigned long long)i, (unsigned long long)j - 1);
		if (warn != NULL)
			warn(warn_ctx, msg);
		i = j;
	}
}

void
pxr_pack_axes(const struct pxr_pack_meta *m, char axes[4], uint64_t size[4])
{
	static const char *const order[] = { "NCWH", "NHWC", "NCHW" };

	for (int k = 0; k < 4; k++) {
		axes[k] = order[m->layout][k];
		size[k] = axes[k] == 'N' ? m->n
		    : axes[k] == 'C'     ? m->channels
		    : axes[k] == 'H'     ? m->height
					 : m->width;
	}
}

/* "shape" and "order" as numpy.memmap takes them; "axes" and "c_shape",
 * the same bytes in C order, for every layout. */
static void
json_shape(FILE *fp, const struct pxr_pack_meta *m)
{
	unsigned long long n = (unsigned long long)m->n;
	uint64_t size[4];
	char axes[4];

	if (m->ragged) {
		/* No one shape: each image's, and its place, in X.index. */
		fprintf(fp,
		    ",\n  \"ragged\": {\"index\": \"X.index\", \"row\": "
		    "[\"offset <u8\", \"height <u4\", \"width <u4\"], "
		    "\"bytes\": %llu},\n  \"axes\": [\"N\", \"H\", \"W\", "
		    "\"C\"],\n  \"channels\": %u",
		    (unsigned long long)m->xbytes, m->channels);
		return;
	}
	if (m->layout == PXR_LAYOUT_JULIA)
		fprintf(fp,
		    ",\n  \"shape\": [%u, %u, %u, %llu],\n  \"order\": \"F\"",
		    m->height, m->width, m->channels, n);
	else if (m->layout == PXR_LAYOUT_NHWC)
		fprintf(fp,
		    ",\n  \"shape\": [%llu, %u, %u, %u],\n  \"order\": \"C\"",
		    n, m->height, m->width, m->channels);
	else
		fprintf(fp,
		    ",\n  \"shape\": [%llu, %u, %u, %u],\n  \"order\": \"C\"",
		    n, m->channels, m->height, m->width);
	pxr_pack_axes(m, axes, size);
	fprintf(fp,
	    ",\n  \"axes\": [\"%c\", \"%c\", \"%c\", \"%c\"],\n"
	    "  \"c_shape\": [%llu, %llu, %llu, %llu]",
	    axes[0], axes[1], axes[2], axes[3], (unsigned long long)size[0],
	    (unsigned long long)size[1], (unsigned long long)size[2],
	    (unsigned long long)size[3]);
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
    const struct pxr_pack_meta *m, const struct pxr_classes *cl, int label_base,
    unsigned char *st, const struct pxr_pack_report *rep, struct pxr_err *err)
{
	struct json_failures j = { fp, 0 };

	fprintf(fp, "{\n  \"x\": ");
	json_str(fp, x, strlen(x));
	fprintf(fp, ",\n  \"y\": ");
	json_str(fp, y, strlen(y));
	json_shape(fp, m);
	fprintf(fp, ",\n  \"offset\": %u", m->header);
	fprintf(fp,
	    ",\n  \"dtype\": \"uint8\",\n  \"layout\": \"%s\",\n"
	    "  \"label_dtype\": \"%s\",\n  \"label_base\": %d,\n"
	    "  \"images\": %llu,\n  \"ok\": %llu,\n  \"failed\": %llu,\n"
	    "  \"missing\": %llu",
	    pack_layouts[m->layout],
	    m->ltype == PXR_LTYPE_U16       ? "<u2"
		: m->ltype == PXR_LTYPE_I32 ? "<i4"
					    : "<i8",
	    label_base, (unsigned long long)m->n, (unsigned long long)rep->ok,
	    (unsigned long long)rep->failed, (unsigned long long)rep->missing);
	if (rep->checksum[0] != '\0')
		fprintf(fp, ",\n  \"checksum\": \"%s\"", rep->checksum);
	else
		fputs(",\n  \"checksum\": null", fp);
	json_stats(fp, m, rep);
	json_recipe(fp, m->recipe);
	json_classes(fp, cl);
	fputs(",\n  \"failures\": [", fp);
	if (pack_failures_each(x, st, m->n, json_failure, &j, err) == -1)
		return -1;
	fprintf(fp, "%s]\n}\n", j.count ? "\n  " : "");
	return 0;
}

int
pxr_pack_finish(const char *x, const char *y, const char *synsets,
    int label_base, struct pxr_pack_report *rep, pxr_warn_fn warn,
    void *warn_ctx, struct pxr_err *err)
{
	char status_path[PATH_MAX], stats_path[PATH_MAX], man[PATH_MAX],
	    tmp[PATH_MAX];
	struct pxr_classes cl = { NULL, 0, NULL };
	struct pxr_pack_meta *m = NULL;
	unsigned char *st = NULL;
	FILE *fp = NULL;
	int r = -1;

	memset(rep, 0, sizeof(*rep));
	/* Read, and refused, before the long part (syncing, counting). */
	if (synsets != NULL) {
		if (pxr_classes_read(&cl, synsets, err) == -1)
			return -1;
		if (cl.n == 0) {
			pxr_seterr(err, PXR_E_FORMAT, "%s: no classes",
			    synsets);
			goto out;
		}
	}
	if ((m = malloc(sizeof(*m))) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		goto out;
	}
	if (pxr_pack_read_meta(x, m, err) == -1)
		goto out;
	pxr_pack_axes(m, rep->axes, rep->c_shape);
	rep->layout = m->layout;
	rep->ltype = m->ltype;
	rep->ragged = m->ragged;
	rep->xbytes = m->xbytes;
	rep->label_base = label_base < 0 ? m->base : label_base;
	if (pack_path(status_path, sizeof(status_path), x, ".status") == -1 ||
	    pack_path(stats_path, sizeof(stats_path), x, ".stats") == -1 ||
	    pack_path(man, sizeof(man), x, ".manifest.json") == -1 ||
	    pack_path(tmp, sizeof(tmp), x, ".manifest.json.tmp") == -1) {
		pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
		goto out;
	}
	if (sync_file(x, err) == -1 || sync_file(y, err) == -1 ||
	    sync_file(status_path, err) == -1 ||
	    sync_file(stats_path, err) == -1 ||
	    (st = pack_read_whole(status_path, m->n, err)) == NULL)
		goto out;
	pack_count_status(x, st, m->n, rep, warn, warn_ctx);
	if (set_stats(x, m, st, rep, err) == -1)
		goto out;
	if (rep->checksum[0] == '\0' && warn != NULL) {
		char msg[PATH_MAX + 160];

		snprintf(msg, sizeof(msg),
		    "%s: made before pxr-pack kept checksums: the manifest has "
		    "none (a --create that resumes the set adds them)",
		    x);
		warn(warn_ctx, msg);
	}
	if ((fp = fopen(tmp, "w")) == NULL) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_manifest(fp, x, y, m, &cl, rep->label_base, st, rep, err) ==
	    -1)
		goto out;
	r = pack_fclose(fp, tmp, 1, err);
	fp = NULL;
	if (r == 0 && rename(tmp, man) == -1)
		r = pxr_seterr(err, PXR_E_IO, "%s: rename to %s: %s", tmp, man,
		    strerror(errno));
	if (r == -1)
		(void)unlink(tmp);
out:
	if (fp != NULL) {
		fclose(fp);
		unlink(tmp);
	}
	free(st);
	free(m);
	pxr_classes_free(&cl);
	return r;
}
