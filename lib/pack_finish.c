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

/*
 * Writes the failures listed in the writers' files (X.failures.<host>.<pid>)
 * whose status byte is still 2 (a later run may have done the image), each
 * index once: from the last file, in name order, that lists it, and its
 * first line there.  *count is how many were written; 0, or -1 with err
 * set when a file cannot be read.
 */
static int
json_failures(FILE *fp, const char *x, unsigned char *status, uint64_t n,
    uint64_t *count, struct pxr_err *err)
{
	char pattern[PATH_MAX], *line = NULL;
	size_t cap = 0;
	glob_t g;
	int r = 0;

	*count = 0;
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
	/* Mark each failed index once: the byte 2 becomes 3 when listed. */
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
			fprintf(fp, "%s\n    {\"index\": %llu, \"name\": ",
			    *count ? "," : "", idx);
			json_str(fp, t1 + 1, (size_t)(t2 - t1 - 1));
			fputs(", \"reason\": ", fp);
			json_str(fp, t2 + 1, strlen(t2 + 1));
			fputc('}', fp);
			status[idx] = 3;
			(*count)++;
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

/* 128-bit sums: a whole ImageNet's squares overflow nothing. */
__extension__ typedef unsigned __int128 u128;

/*
 * The mean and standard deviation of the ok images' samples, per channel,
 * from the sums in X_FILE.stats: exact integer sums (128 bits), divided
 * once at the end.
 */
static int
set_stats(const char *x, const struct pxr_pack_meta *m, const unsigned char *st,
    struct pxr_pack_report *rep, struct pxr_err *err)
{
	char path[PATH_MAX];
	u128 sum[3] = { 0 }, sq[3] = { 0 }, count;
	unsigned char *t;

	if (pack_path(path, sizeof(path), x, ".stats") == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", x);
	if ((t = pack_read_whole(path, m->n * PXR_STATS_BYTES, err)) == NULL)
		return -1;
	for (uint64_t i = 0; i < m->n; i++)
		if (st[i] == PXR_STATUS_OK)
			for (int k = 0; k < 3; k++) {
				sum[k] += pack_get_le64(
				    t + i * PXR_STATS_BYTES + 8 * k);
				sq[k] += pack_get_le64(
				    t + i * PXR_STATS_BYTES + 24 + 8 * k);
			}
	free(t);
	count = (u128)rep->ok * m->width * m->height;
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

/* Counts the status bytes; missing ranges go to warn. */
static void
count_status(const char *x, const unsigned char *st, uint64_t n,
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
	uint64_t listed;

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
	json_stats(fp, m, rep);
	json_recipe(fp, m->recipe);
	json_classes(fp, cl);
	fputs(",\n  \"failures\": [", fp);
	if (json_failures(fp, x, st, m->n, &listed, err) == -1)
		return -1;
	fprintf(fp, "%s]\n}\n", listed ? "\n  " : "");
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
	count_status(x, st, m->n, rep, warn, warn_ctx);
	if (set_stats(x, m, st, rep, err) == -1)
		goto out;
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
