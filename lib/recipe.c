/*
 * recipe.c: a set's recipe, "key value" lines (recipe.h).
 */
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

struct diff {
	const char *other;
	char *out;
	size_t n, used;
	int count, reverse;
};

static void
diff_line(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct diff *d = ctx;
	size_t olen = 0;
	const char *o = find(d->other, key, klen, &olen);
	int w;

	if (o != NULL &&
	    (d->reverse || (olen == vlen && memcmp(o, val, vlen) == 0)))
		return; /* the same, or seen from the other side */
	if (d->reverse)
		w = snprintf(d->out + d->used, d->n - d->used,
		    "%s%.*s: (none) now '%.*s'", d->count ? "; " : "",
		    (int)klen, key, (int)vlen, val);
	else if (o == NULL)
		w = snprintf(d->out + d->used, d->n - d->used,
		    "%s%.*s: '%.*s' now (none)", d->count ? "; " : "",
		    (int)klen, key, (int)vlen, val);
	else
		w = snprintf(d->out + d->used, d->n - d->used,
		    "%s%.*s: '%.*s' now '%.*s'", d->count ? "; " : "",
		    (int)klen, key, (int)vlen, val, (int)olen, o);
	d->count++;
	if (w > 0)
		d->used +=
		    (size_t)w < d->n - d->used ? (size_t)w : d->n - d->used - 1;
}

int
pxr_recipe_diff(const char *old, const char *now, char *out, size_t n)
{
	struct diff d = { now, out, n, 0, 0, 0 };

	if (n > 0)
		out[0] = '\0';
	if (n == 0)
		return 0;
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
