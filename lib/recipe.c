/*
 * recipe.c: a set's recipe, "key value" lines (recipe.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "recipe.h"

static int
key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	    c == '.';
}

/* The value of key (klen bytes) in a canonical recipe, or NULL. */
static const char *
find(const char *recipe, const char *key, size_t klen, size_t *vlen)
{
	for (const char *s = recipe; *s != '\0';) {
		const char *nl = strchr(s, '\n');

		if (strncmp(s, key, klen) == 0 && s[klen] == ' ') {
			*vlen = (size_t)(nl - s) - klen - 1;
			return s + klen + 1;
		}
		s = nl + 1;
	}
	return NULL;
}

int
pxr_recipe_parse(const char *name, const char *text, size_t len,
    char out[PXR_RECIPE_MAX], struct pxr_err *err)
{
	size_t used = 0, lineno = 0;

	out[0] = '\0';
	for (size_t pos = 0; pos < len;) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t ln = nl != NULL ? (size_t)(nl - s) : len - pos, k = 0,
		       vlen;

		pos += ln + 1;
		lineno++;
		if (ln == 0 || s[0] == '#')
			continue;
		while (k < ln && key_char(s[k]))
			k++;
		if (k == 0 || k == ln || s[k] != ' ')
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: not 'key value' (a key of a-z 0-9 _ .)",
			    name, lineno);
		for (size_t i = k + 1; i < ln; i++)
			if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
				return pxr_seterr(err, PXR_E_FORMAT,
				    "%s:%zu: a control character in the value",
				    name, lineno);
		if (find(out, s, k, &vlen) != NULL)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: '%.*s' given twice", name, lineno, (int)k,
			    s);
		if (used + ln + 2 > PXR_RECIPE_MAX)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: longer than %d bytes", name, PXR_RECIPE_MAX);
		memcpy(out + used, s, ln);
		used += ln;
		out[used++] = '\n';
		out[used] = '\0';
	}
	return 0;
}

/* The fingerprint's key, whose difference comes first, in words. */
#define FINGERPRINT "source_fingerprint"

struct diff {
	const char *other;
	char *out;
	size_t n, used;
	int count, reverse, skip_fingerprint;
};

/* Appends one difference, "; " before all but the first. */
__attribute__((format(printf, 2, 3))) static void
diff_add(struct diff *d, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (d->count++ > 0 && d->used + 2 < d->n) {
		memcpy(d->out + d->used, "; ", 3);
		d->used += 2;
	}
	va_start(ap, fmt);
	w = vsnprintf(d->out + d->used, d->n - d->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		d->used +=
		    (size_t)w < d->n - d->used ? (size_t)w : d->n - d->used - 1;
}

static void
diff_line(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct diff *d = ctx;
	size_t olen = 0;
	const char *o = find(d->other, key, klen, &olen);

	if (d->skip_fingerprint && klen == strlen(FINGERPRINT) &&
	    memcmp(key, FINGERPRINT, klen) == 0)
		return; /* said first */
	if (o != NULL &&
	    (d->reverse || (olen == vlen && memcmp(o, val, vlen) == 0)))
		return; /* the same, or seen from the other side */
	if (d->reverse)
		diff_add(d, "%.*s: was (none), now '%.*s'", (int)klen, key,
		    (int)vlen, val);
	else if (o == NULL)
		diff_add(d, "%.*s: was '%.*s', now (none)", (int)klen, key,
		    (int)vlen, val);
	else
		diff_add(d, "%.*s: was '%.*s', now '%.*s'", (int)klen, key,
		    (int)vlen, val, (int)olen, o);
}

/* The number of images a fingerprint's value ("sha256:HEX N images")
 * ends with, into *n; 0, or -1 for a value not of that form. */
static int
fingerprint_count(const char *v, size_t len, unsigned long long *n)
{
	static const char tail[] = " images";
	size_t t = sizeof(tail) - 1, i;

	if (len <= t || memcmp(v + len - t, tail, t) != 0)
		return -1;
	len -= t;
	for (i = len; i > 0 && v[i - 1] >= '0' && v[i - 1] <= '9'; i--)
		;
	if (i == len || i < 2 || v[i - 1] != ' ' || len - i > 15)
		return -1;
	*n = 0;
	for (; i < len; i++)
		*n = *n * 10 + (unsigned long long)(v[i] - '0');
	return 0;
}

/* A changed fingerprint, in words, as the first difference: its count of
 * images, or, the count the same, that the names or sizes differ. */
static void
diff_fingerprint(struct diff *d, const char *old, const char *now)
{
	size_t klen = strlen(FINGERPRINT), olen, nlen;
	const char *o = find(old, FINGERPRINT, klen, &olen),
		   *v = find(now, FINGERPRINT, klen, &nlen);
	unsigned long long on, nn;

	if (o == NULL || v == NULL ||
	    (olen == nlen && memcmp(o, v, olen) == 0) ||
	    fingerprint_count(o, olen, &on) == -1 ||
	    fingerprint_count(v, nlen, &nn) == -1)
		return;
	if (on != nn)
		diff_add(d, FINGERPRINT ": %llu images, now %llu", on, nn);
	else
		diff_add(d,
		    FINGERPRINT ": the same %llu images in number, but other "
				"names or sizes",
		    on);
	d->skip_fingerprint = 1;
}

int
pxr_recipe_diff(const char *old, const char *now, char *out, size_t n)
{
	struct diff d = { now, out, n, 0, 0, 0, 0 };

	if (n > 0)
		out[0] = '\0';
	if (n == 0)
		return 0;
	diff_fingerprint(&d, old, now);
	pxr_recipe_each(old, diff_line, &d);
	d.other = old;
	d.reverse = 1;
	pxr_recipe_each(now, diff_line, &d);
	return d.count;
}

void
pxr_recipe_each(const char *recipe,
    void (*fn)(void *ctx, const char *key, size_t klen, const char *val,
	size_t vlen),
    void *ctx)
{
	for (const char *s = recipe; *s != '\0';) {
		const char *nl = strchr(s, '\n'), *sp = strchr(s, ' ');

		fn(ctx, s, (size_t)(sp - s), sp + 1, (size_t)(nl - sp - 1));
		s = nl + 1;
	}
}
