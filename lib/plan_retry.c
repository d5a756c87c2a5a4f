/*
 * plan_retry.c: each set's list of its source's images, kept from the
 * plan that made it on (OUT/.pxr/SET.images: the recipe's
 * source_fingerprint on its first line, then the "name<TAB>size" lines it
 * is the SHA-256 of), and --retry-failed: a set whose source changed only
 * in images it holds as failed (a damaged file replaced) takes the
 * source's new fingerprint, and the run decodes them again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "pack.h"
#include "plan_int.h"

/* The largest list of images read back: 64 GiB, far beyond ImageNet's
 * 1.3 million lines (about 50 MB). */
#define IMAGES_MAX ((size_t)1 << 36)

static int
images_path(const struct pxr_plan *p, const struct pxr_plan_set *st, char *out,
    size_t size, struct pxr_err *err)
{
	if ((size_t)snprintf(out, size, "%s/%s.images", p->state, st->name) >=
	    size)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long",
		    p->state);
	return 0;
}

/* The lines of split s's images now (its index read back), malloc'd. */
static char *
images_now(const struct pxr_plan_split *s, size_t *len, struct pxr_err *err)
{
	struct pxr_list *l = plan_open_index(s, err);
	char *text;

	if (l == NULL)
		return NULL;
	text = plan_images_text(l, len);
	pxr_list_free(l);
	if (text == NULL)
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	return text;
}

int
plan_keep_images(const struct pxr_plan *p, const struct pxr_plan_split *s,
    const struct pxr_plan_set *st, struct pxr_err *err)
{
	char path[PATH_MAX + 64], first[sizeof(s->fingerprint) + 2] = "";
	char *text, *all;
	size_t len, flen;
	FILE *fp;
	int r;

	if (images_path(p, st, path, sizeof(path), err) == -1)
		return -1;
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(first, sizeof(first), fp) == NULL)
			first[0] = '\0';
		fclose(fp);
		first[strcspn(first, "\n")] = '\0';
		if (strcmp(first, s->fingerprint) == 0)
			return 0;
	}
	if ((text = images_now(s, &len, err)) == NULL)
		return -1;
	flen = strlen(s->fingerprint);
	if ((all = malloc(flen + 1 + len)) == NULL) {
		free(text);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	memcpy(all, s->fingerprint, flen);
	all[flen] = '\n';
	memcpy(all + flen + 1, text, len);
	free(text);
	r = plan_save(path, all, flen + 1 + len, err);
	free(all);
	return r;
}

/* The value of key in a canonical recipe, into out ("" where none). */
static void
recipe_value(const char *recipe, const char *key, char *out, size_t size)
{
	size_t kl = strlen(key);

	out[0] = '\0';
	for (const char *l = recipe; *l != '\0';) {
		const char *nl = strchr(l, '\n');

		if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			snprintf(out, size, "%.*s", (int)(nl - l - kl - 1),
			    l + kl + 1);
			return;
		}
		l = nl + 1;
	}
}

/* The next line of text at *at (without its newline: *n bytes), or NULL
 * at the end. */
static const char *
next_line(const char **at, const char *end, size_t *n)
{
	const char *l = *at, *nl;

	if (l >= end)
		return NULL;
	nl = memchr(l, '\n', (size_t)(end - l));
	*n = (size_t)((nl != NULL ? nl : end) - l);
	*at = nl != NULL ? nl + 1 : end;
	return l;
}

/* The length of the name in a line of n bytes ("name<TAB>size"); a line
 * without a tab is not one the lists hold: its last byte is left out. */
static size_t
name_len(const char *line, size_t n)
{
	const char *t = memchr(line, '\t', n);

	return t != NULL ? (size_t)(t - line) : n > 0 ? n - 1 : 0;
}

/* The number of lines of text (len bytes, each ending in a newline). */
static uint64_t
count_lines(const char *text, size_t len)
{
	const char *end = text + len, *c = text;
	uint64_t n = 0;

	while ((c = memchr(c, '\n', (size_t)(end - c))) != NULL) {
		n++;
		c++;
	}
	return n;
}

/* The old and new lists of images (as many lines) compared: 0 when they
 * differ only in
 * the sizes of images whose status byte is failed (*changed of them, the
 * first named in first), else -1 with err saying the first other
 * difference. */
static int
compare(const struct pxr_plan_set *st, const char *old, size_t olen,
    const char *now, size_t nlen, const unsigned char *status, size_t slen,
    uint64_t *changed, char *first, size_t fsize, struct pxr_err *err)
{
	const char *oe = old + olen, *ne = now + nlen, *a, *b;
	size_t an = 0, bn = 0, ak, bk;
	uint64_t i = 0;

	*changed = 0;
	for (;; i++) {
		a = next_line(&old, oe, &an);
		b = next_line(&now, ne, &bn);
		if (a == NULL || b == NULL)
			return 0;
		if (an == bn && memcmp(a, b, an) == 0)
			continue;
		ak = name_len(a, an);
		bk = name_len(b, bn);
		if (ak != bk || memcmp(a, b, ak) != 0)
			return pxr_seterr(err, PXR_E_USAGE,
			    "%s: image %llu was %.*s, now %.*s: --retry-failed "
			    "takes only failed images replaced; give "
			    "--overwrite to make it anew",
			    st->x, (unsigned long long)i, (int)ak, a, (int)bk,
			    b);
		if (i >= slen || status[i] != PXR_STATUS_FAILED)
			return pxr_seterr(err, PXR_E_USAGE,
			    "%s: image %llu, %.*s, changed (%.*s bytes, now "
			    "%.*s), and it is not a failed one: --retry-failed "
			    "takes only failed images replaced; give "
			    "--overwrite to make it anew",
			    st->x, (unsigned long long)i, (int)ak, a,
			    (int)(an - ak - 1), a + ak + 1, (int)(bn - bk - 1),
			    b + bk + 1);
		if ((*changed)++ == 0)
			snprintf(first, fsize, "%.*s, %.*s bytes, now %.*s",
			    (int)ak, a, (int)(an - ak - 1), a + ak + 1,
			    (int)(bn - bk - 1), b + bk + 1);
	}
}

int
plan_retry_source(const struct pxr_plan *p, const struct pxr_plan_split *s,
    const struct pxr_plan_set *st, const char *was,
    const struct pxr_pack_meta *m, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	char path[PATH_MAX + 64], fp[sizeof(s->fingerprint)];
	char sum[sizeof(s->fingerprint)], first[PATH_MAX + 64];
	char *old = NULL, *now = NULL, *status = NULL, *body;
	size_t olen, nlen, slen, flen;
	uint64_t changed, lines;
	struct pxr_err e;
	int r = -1;

	recipe_value(was, "source_fingerprint", fp, sizeof(fp));
	flen = strlen(fp);
	if (images_path(p, st, path, sizeof(path), err) == -1)
		return -1;
	if ((old = plan_read_file(path, IMAGES_MAX, &olen, &e)) == NULL ||
	    olen <= flen || memcmp(old, fp, flen) != 0 || old[flen] != '\n') {
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: made from another source, and the images it was made "
		    "from are not known (%s): --retry-failed cannot tell "
		    "which of them changed; give --overwrite to make it anew",
		    st->x,
		    old == NULL ? e.msg : "the list of them is another's");
		goto out;
	}
	body = old + flen + 1;
	lines = count_lines(body, olen - flen - 1);
	plan_fingerprint(body, olen - flen - 1, lines, sum, sizeof(sum));
	if (strcmp(sum, fp) != 0) {
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: damaged (its lines are not those of %s): "
		    "--retry-failed cannot tell which images changed; give "
		    "--overwrite to make %s anew",
		    path, fp, st->x);
		goto out;
	}
	snprintf(path, sizeof(path), "%s.status", st->x);
	if ((now = images_now(s, &nlen, err)) == NULL)
		goto out;
	if (count_lines(now, nlen) != lines) {
		pxr_seterr(err, PXR_E_USAGE,
		    "%s: made from %llu images, the source has %llu now: "
		    "--retry-failed takes only failed images replaced; give "
		    "--overwrite to make it anew",
		    st->x, (unsigned long long)lines,
		    (unsigned long long)count_lines(now, nlen));
		goto out;
	}
	if ((status = plan_read_file(path, IMAGES_MAX, &slen, err)) == NULL ||
	    compare(st, body, olen - flen - 1, now, nlen,
		(const unsigned char *)status, slen, &changed, first,
		sizeof(first), err) == -1)
		goto out;
	/* The set takes the new recipe; its manifest goes until --finish
	 * writes it again. */
	if (pxr_pack_set_recipe(st->x, m, err) == -1)
		goto out;
	plan_note(warn, ctx,
	    "%s: --retry-failed: %llu failed image%s changed in the source "
	    "(%s%s); the set takes the source's new fingerprint",
	    st->name, (unsigned long long)changed, changed == 1 ? "" : "s",
	    first, changed > 1 ? ", ..." : "");
	r = 0;
out:
	free(status);
	free(now);
	free(old);
	return r;
}
