/*
 * list_index.c: the index file (pxr-list --index), written after a scan
 * and read instead of one.
 */
#define _GNU_SOURCE /* strcasecmp, fnmatch's FNM_CASEFOLD, qsort_r */
#include <sys/stat.h>
#include <sys/types.h>

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "list_int.h"

/* ---- the index file ---- */

static const char *const kind_names[] = { "dir", "file", "archive", "stdin" };

int
pxr_list_write_index(const struct pxr_list *l, const char *path,
    struct pxr_err *err)
{
	char tmp[PATH_MAX];
	FILE *fp;
	int bad;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", tmp,
		    strerror(errno));
	fprintf(fp, "# pxr-list index 1: %zu sources, %zu images\n", l->nsrc,
	    l->nent);
	for (size_t i = 0; i < l->nsrc; i++) {
		fprintf(fp, "source\t%zu\t%s\t", i,
		    kind_names[l->srcs[i].kind]);
		pxr_fput_escaped(fp, l->srcs[i].path, strlen(l->srcs[i].path),
		    0);
		putc('\n', fp);
	}
	for (size_t i = 0; i < l->nent; i++) {
		const struct entry *e = &l->ents[i];

		fprintf(fp, "%zu\t%u\t%lld\t%llu\t", i, e->src,
		    (long long)e->offset, (unsigned long long)e->size);
		pxr_fput_escaped(fp, l->names + e->name_off, e->name_len, 0);
		putc('\n', fp);
	}
	bad = ferror(fp);
	if (fclose(fp) == EOF || bad) {
		unlink(tmp);
		return pxr_seterr(err, PXR_E_IO, "write error on %s: %s", tmp,
		    strerror(errno));
	}
	if (rename(tmp, path) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	return 0;
}

/* Undoes pxr_fput_escaped() in place; returns the new length or -1. */
static ssize_t
unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = s[i++];

		if (c != '\\') {
			s[o++] = c;
			continue;
		}
		if (i >= n)
			return -1;
		c = s[i++];
		switch (c) {
		case '\\':
			s[o++] = '\\';
			break;
		case 't':
			s[o++] = '\t';
			break;
		case 'n':
			s[o++] = '\n';
			break;
		case 'r':
			s[o++] = '\r';
			break;
		case 'x': {
			char hex[3] = { 0 };
			unsigned v;

			if (i + 2 > n)
				return -1;
			memcpy(hex, s + i, 2);
			if (sscanf(hex, "%2x", &v) != 1)
				return -1;
			s[o++] = (char)v;
			i += 2;
			break;
		}
		default:
			return -1;
		}
	}
	s[o] = '\0';
	return (ssize_t)o;
}

static int
index_line(struct pxr_list *l, char *line, size_t len, uint64_t *want)
{
	char *f[5], *p = line;
	int nf = strncmp(line, "source\t", 7) == 0 ? 3 : 4;
	ssize_t n;

	for (int i = 0; i < nf; i++) {
		f[i] = p;
		if ((p = memchr(p, '\t', len - (size_t)(p - line))) == NULL)
			return -1;
		*p++ = '\0';
	}
	f[nf] = p;
	if (nf == 3) {
		uint32_t id;
		int k;

		for (k = 0; k < 4; k++)
			if (strcmp(f[2], kind_names[k]) == 0)
				break;
		if (k == 4 || unescape(f[3], strlen(f[3])) < 0 ||
		    strtoull(f[1], NULL, 10) != l->nsrc ||
		    list_add_src(l, f[3], (enum src_kind)k, &id) == -1)
			return -1;
		l->st.sources--; /* read, not scanned */
		return 0;
	}
	{
		uint64_t idx, src, size;
		long long off;
		char *end;

		errno = 0;
		idx = strtoull(f[0], &end, 10);
		if (*end || idx != *want)
			return -1;
		src = strtoull(f[1], &end, 10);
		if (*end || src >= l->nsrc)
			return -1;
		off = strtoll(f[2], &end, 10);
		if (*end || off < -1)
			return -1;
		size = strtoull(f[3], &end, 10);
		if (*end || errno)
			return -1;
		n = unescape(f[4], strlen(f[4]));
		if (n <= 0 || (size_t)n > PXR_NAME_MAX)
			return -1;
		if (list_add_entry(l, f[4], (size_t)n, (uint32_t)src, off,
			size))
			return -1;
		if (l->nent > 1 &&
		    list_cmp_names(l, l->nent - 2, l->nent - 1) >= 0)
			return -1;
		(*want)++;
	}
	return 0;
}

int
pxr_list_read_index(struct pxr_list *l, const char *path, struct pxr_err *err)
{
	uint64_t want = 0, lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int r = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			if (strncmp(line, "# pxr-list index 1", 18) != 0) {
				r = pxr_seterr(err, PXR_E_FORMAT,
				    "%s: not a pxr-list index (version 1)",
				    path);
				break;
			}
			continue;
		}
		if (index_line(l, line, (size_t)n, &want) == -1) {
			r = pxr_seterr(err, PXR_E_FORMAT,
			    "%s:%llu: malformed index line", path,
			    (unsigned long long)lineno);
			break;
		}
	}
	if (r == 0 && ferror(fp))
		r = pxr_seterr(err, PXR_E_IO, "%s: read error", path);
	free(line);
	fclose(fp);
	l->st.images = l->nent;
	return r;
}
