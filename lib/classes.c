/*
 * classes.c: class lists, read and written by the one rule that
 * lib/classes.h states: one class a line, its first word the id (with
 * "\ ", "\<tab>", "\\" and "\#" escapes), the rest its description.
 * pxr-label's synset and folder lists, pxr-pack's manifest and
 * pxr-unpack's captions all read them here, so that class k is the same
 * line for each.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "pxr.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next line of buf from *pos: [*s, *s + *n) without its LF and the
 * one CR before it; 0 at the end. */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*s = buf + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl != NULL ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + (nl != NULL);
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/*
 * Unescapes the id that starts line s (n bytes) at *i into out (room for
 * its escaped form and a NUL), NUL-terminated; *i ends at the blank or
 * line end after it.  Its length, or -1 with err filled.
 */
static int
parse_id(const char *s, size_t n, size_t *i, char *out, const char *name,
    size_t line, struct pxr_err *err)
{
	size_t k = 0;

	for (; *i < n && !is_blank(s[*i]); (*i)++) {
		char c = s[*i];

		if (c == '\\') {
			if (*i + 1 == n)
				return pxr_seterr(err, PXR_E_FORMAT,
				    "%s:%zu: a '\\' ends the line (write "
				    "'\\\\' for a backslash)",
				    name, line);
			c = s[++*i];
			if (!is_blank(c) && c != '\\' && c != '#')
				return pxr_seterr(err, PXR_E_FORMAT,
				    "%s:%zu: '\\' before '%c' is not an escape "
				    "(write '\\\\' for a backslash)",
				    name, line, c >= ' ' && c <= '~' ? c : '?');
		} else if (c == '\r') {
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: a CR in the class name", name, line);
		}
		if (k == PXR_CLASS_ID_MAX)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: class name longer than %u bytes", name,
			    line, PXR_CLASS_ID_MAX);
		out[k++] = c;
	}
	out[k] = '\0';
	return (int)k;
}

/* Appends a class to cl, growing cl->v; 0 or -1. */
static int
add_class(struct pxr_classes *cl, size_t *cap, const char *id, const char *desc,
    size_t line, struct pxr_err *err)
{
	if (cl->n == *cap) {
		size_t want = *cap ? *cap * 2 : 64;
		struct pxr_class *p;

		if (want > SIZE_MAX / sizeof(*p) ||
		    (p = realloc(cl->v, want * sizeof(*p))) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		cl->v = p;
		*cap = want;
	}
	cl->v[cl->n].id = id;
	cl->v[cl->n].desc = desc;
	cl->v[cl->n].line = line;
	cl->n++;
	return 0;
}

/*
 * The strings go into one block of len + 1 bytes.  That is enough: a
 * class's id (no longer than its escaped form) and its description come
 * from its line's n bytes, and their NULs take the place of the blank
 * between them and of the line's LF, so a line takes at most n + 1; only
 * the last line may have no LF, hence the 1.  An empty description is the
 * constant "".
 */
int
pxr_classes_parse(struct pxr_classes *cl, const char *name, const char *buf,
    size_t len, struct pxr_err *err)
{
	size_t pos = 0, line = 0, n, cap = 0, used = 0;
	const char *s;

	memset(cl, 0, sizeof(*cl));
	if (len == SIZE_MAX || (cl->text = malloc(len + 1)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	while (next_line(buf, len, &pos, &s, &n)) {
		char *id = cl->text + used;
		const char *desc = "";
		size_t i = 0, e;
		int k;

		line++;
		if (n > PXR_CLASS_LINE_MAX) {
			pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%zu: line longer than %u bytes", name, line,
			    PXR_CLASS_LINE_MAX);
			goto fail;
		}
		if (memchr(s, '\0', n) != NULL) {
			pxr_seterr(err, PXR_E_FORMAT, "%s:%zu: a NUL byte",
			    name, line);
			goto fail;
		}
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n || s[i] == '#')
			continue;
		if (used + n + 1 > len + 1)
			PXR_BUG("class list: text block too small");
		if ((k = parse_id(s, n, &i, id, name, line, err)) == -1)
			goto fail;
		used += (size_t)k + 1;
		while (i < n && is_blank(s[i]))
			i++;
		for (e = n; e > i && is_blank(s[e - 1]); e--)
			;
		if (e > i) {
			memcpy(cl->text + used, s + i, e - i);
			cl->text[used + e - i] = '\0';
			desc = cl->text + used;
			used += e - i + 1;
		}
		if (add_class(cl, &cap, id, desc, line, err) == -1)
			goto fail;
	}
	return 0;
fail:
	pxr_classes_free(cl);
	return -1;
}

int
pxr_classes_read(struct pxr_classes *cl, const char *path, struct pxr_err *err)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int r = -1;

	memset(cl, 0, sizeof(*cl));
	if ((fp = fopen(path, "r")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	/* Up to one byte over the bound, to know that it is over. */
	for (;;) {
		size_t got;

		if (len == cap) {
			size_t want = cap ? cap * 2 : 65536;
			char *p;

			if (want > PXR_CLASSES_FILE_MAX + 1)
				want = PXR_CLASSES_FILE_MAX + 1;
			if (want == cap)
				break;
			if ((p = realloc(buf, want)) == NULL) {
				pxr_seterr(err, PXR_E_NOMEM, "out of memory");
				goto out;
			}
			buf = p;
			cap = want;
		}
		if ((got = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += got;
	}
	if (ferror(fp)) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (len > PXR_CLASSES_FILE_MAX) {
		pxr_seterr(err, PXR_E_FORMAT, "%s: larger than %zu bytes", path,
		    PXR_CLASSES_FILE_MAX);
		goto out;
	}
	r = pxr_classes_parse(cl, path, buf, len, err);
out:
	free(buf);
	fclose(fp);
	return r;
}

void
pxr_classes_free(struct pxr_classes *cl)
{
	free(cl->v);
	free(cl->text);
	memset(cl, 0, sizeof(*cl));
}

int
pxr_class_escape(char *out, size_t size, const char *id, struct pxr_err *err)
{
	size_t n = strlen(id), k = 0;

	if (n == 0 || n > PXR_CLASS_ID_MAX || strpbrk(id, "\r\n") != NULL)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "class name '%.40s' cannot be written in a class list "
		    "(empty, over %u bytes, or holding a CR or LF)",
		    id, PXR_CLASS_ID_MAX);
	for (size_t i = 0; i < n; i++) {
		int esc = is_blank(id[i]) || id[i] == '\\' ||
		    (i == 0 && id[i] == '#');

		if (k + (size_t)esc + 1 >= size)
			return pxr_seterr(err, PXR_E_USAGE,
			    "class name '%.40s': escaped, does not fit in %zu "
			    "bytes",
			    id, size);
		if (esc)
			out[k++] = '\\';
		out[k++] = id[i];
	}
	out[k] = '\0';
	return (int)k;
}

void
pxr_class_caption(const struct pxr_class *c, char *out, size_t size)
{
	const char *d = c->desc;
	size_t n = strcspn(d, ",");

	while (n > 0 && is_blank(d[n - 1]))
		n--;
	if (n == 0)
		snprintf(out, size, "%s", c->id);
	else
		snprintf(out, size, "%.*s", (int)n, d);
}
