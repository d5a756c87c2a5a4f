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

#define HEADER_START "# pxr-list index "
#define NOT_AN_INDEX "not a pxr-list index (version 1 to 4)"
#define INDEX_VERSION 4

void
list_signature(const struct stat *st, char *sig)
{
	snprintf(sig, PXR_LIST_SIG, "%llu:%llu:%lld:%lld.%09ld:%lld.%09ld",
	    (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
	    (long long)st->st_size, (long long)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
	    st->st_ctim.tv_nsec);
}

int
pxr_list_unchanged(const struct pxr_list *l, size_t src, const char *path,
    struct pxr_err *err)
{
	char now[PXR_LIST_SIG];
	struct stat st;

	if (stat(path, &st) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	list_signature(&st, now);
	return src < l->nsrc && l->srcs[src].sig[0] != '\0' &&
	    strcmp(now, l->srcs[src].sig) == 0;
}

size_t
pxr_list_nsources(const struct pxr_list *l)
{
	return l->nsrc;
}

static void
write_lines(const struct pxr_list *l, FILE *fp)
{
	fprintf(fp, HEADER_START "%d: %zu sources, %zu images\n", INDEX_VERSION,
	    l->nsrc, l->nent);
	for (size_t i = 0; i < l->nsrc; i++) {
		const struct src *s = &l->srcs[i];

		fprintf(fp, "source\t%zu\t%s\t", i, kind_names[s->kind]);
		pxr_fput_escaped(fp, s->path, strlen(s->path), 0);
		putc('\t', fp);
		pxr_fput_escaped(fp, s->prefix, strlen(s->prefix), 0);
		fprintf(fp, "\t%s\t", s->sig[0] != '\0' ? s->sig : "-");
		pxr_fput_escaped(fp, s->under, strlen(s->under), 0);
		putc('\n', fp);
	}
	for (size_t i = 0; i < l->nent; i++) {
		const struct entry *e = &l->ents[i];

		fprintf(fp, "%zu\t%u\t%lld\t%llu\t", i, e->src,
		    (long long)e->offset, (unsigned long long)e->size);
		pxr_fput_escaped(fp, l->names + e->name_off, e->name_len, 0);
		fprintf(fp, "\t%u\n", e->copy);
	}
}

/* fsync(2)s the folder that holds path, so that a rename into it lasts
 * a crash; 0, or -1 with errno set.  A file system that cannot sync a
 * folder (EINVAL) keeps what it keeps. */
static int
sync_folder(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, r;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0'; /* "/x": "/" */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	if (r == -1 && errno == EINVAL)
		r = 0;
	close(fd);
	return r;
}

/*
 * Written whole to a temporary file beside path, synced, renamed over
 * path and the folder synced: a crash leaves the old index or the new
 * one, never a part of one.
 */
int
pxr_list_write_index(const struct pxr_list *l, const char *path,
    struct pxr_err *err)
{
	char tmp[PATH_MAX];
	FILE *fp = NULL;
	int fd, r = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
		(long)getpid()) >= sizeof(tmp))
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) ==
	    -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", tmp,
		    strerror(errno));
	if ((fp = fdopen(fd, "w")) == NULL) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	write_lines(l, fp);
	if (fflush(fp) == EOF || ferror(fp)) {
		pxr_seterr(err, PXR_E_IO, "write error on %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: cannot sync: %s", tmp,
		    strerror(errno));
		goto out;
	}
	r = fclose(fp);
	fp = NULL;
	if (r == EOF) {
		pxr_seterr(err, PXR_E_IO, "write error on %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	r = -1;
	if (rename(tmp, path) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (sync_folder(path) == -1)
		return pxr_seterr(err, PXR_E_IO,
		    "%s: cannot sync the folder it is in: %s", path,
		    strerror(errno));
	return 0;
out:
	if (fp != NULL)
		fclose(fp);
	unlink(tmp);
	return r;
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

/* A line split at its tabs into exactly n fields (NUL-terminated in
 * place); 0, or -1 when it has another number of fields or a NUL byte. */
static int
split_fields(char *line, size_t len, char **f, int n)
{
	int k = 0;

	if (memchr(line, '\0', len) != NULL)
		return -1;
	f[k++] = line;
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\t') {
			if (k == n)
				return -1;
			line[i] = '\0';
			f[k++] = line + i + 1;
		}
	return k == n ? 0 : -1;
}

/* The decimal number at *p (digits only, no sign, no overflow), *p moved
 * past it; 0 or -1. */
static int
take_number(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*p = s;
	*v = n;
	return 0;
}

/* A whole field that is a decimal number of at most max. */
static int
field_number(const char *s, uint64_t max, uint64_t *v)
{
	return take_number(&s, v) == 0 && *s == '\0' && *v <= max ? 0 : -1;
}

/* The text at *p is lit: *p moved past it; 0 or -1. */
static int
take_text(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* What the reader has met so far. */
struct index_read {
	uint64_t version, want_src, want_img; /* the header's */
	uint64_t next;                        /* the next image's index */
};

/* A source line's fields: number, kind, path, (version 2) the prefix of
 * its images' names, (3) its stat signature and (4) the folder of it
 * listed.  NULL, or what is wrong. */
static const char *
source_line(struct pxr_list *l, const struct index_read *rd, char **f)
{
	uint64_t id;
	ssize_t n, np = 0, nu = 0;
	uint32_t got;
	int k;

	if (l->nent > 0)
		return "a source after the images";
	if (f[1] == NULL || f[2] == NULL || f[3] == NULL) /* split_fields' */
		PXR_BUG("a source line of fewer fields than its version's");
	if (field_number(f[1], UINT32_MAX, &id) == -1 || id != l->nsrc)
		return "sources not numbered 0, 1, 2, ...";
	for (k = 0; k < 4; k++)
		if (strcmp(f[2], kind_names[k]) == 0)
			break;
	if (k == 4)
		return "a source kind other than dir, file, archive or stdin";
	if ((n = unescape(f[3], strlen(f[3]))) <= 0 ||
	    memchr(f[3], '\0', (size_t)n) != NULL)
		return "a source path that is empty or badly escaped";
	if (rd->version >= 2 &&
	    ((np = unescape(f[4], strlen(f[4]))) < 0 ||
		memchr(f[4], '\0', (size_t)np) != NULL))
		return "a name prefix that is badly escaped";
	if (rd->version >= 3 && strcmp(f[5], "-") != 0 &&
	    (strlen(f[5]) >= PXR_LIST_SIG ||
		strspn(f[5], "0123456789:.") != strlen(f[5])))
		return "a stat signature that is not numbers";
	if (rd->version >= 4 &&
	    ((nu = unescape(f[6], strlen(f[6]))) < 0 ||
		memchr(f[6], '\0', (size_t)nu) != NULL ||
		(nu > 0 && !list_is_folder_path(f[6], (size_t)nu))))
		return "a folder that is badly escaped or not a folder path";
	if (list_add_src(l, f[3], np > 0 ? f[4] : "", nu > 0 ? f[6] : "",
		(enum src_kind)k, &got) == -1)
		return "out of memory";
	if (rd->version >= 3 && strcmp(f[5], "-") != 0)
		strcpy(l->srcs[got].sig, f[5]);
	l->st.sources--; /* read, not scanned */
	return NULL;
}

/* An image line's fields: index, source, offset, size, name and (version
 * 2) the copy of the name that won.  NULL, or what is wrong. */
static const char *
image_line(struct pxr_list *l, struct index_read *rd, char **f)
{
	uint64_t idx, src, off, size, copy = 0;
	ssize_t n;

	if (field_number(f[0], UINT64_MAX, &idx) == -1 || idx != rd->next)
		return "images not numbered 0, 1, 2, ...";
	if (field_number(f[1], UINT32_MAX, &src) == -1 || src >= l->nsrc)
		return "a source number that no source line has";
	if (strcmp(f[2], "-1") == 0)
		off = UINT64_MAX;
	else if (field_number(f[2], INT64_MAX, &off) == -1)
		return "an offset that is not -1 or a number";
	if (field_number(f[3], INT64_MAX, &size) == -1 ||
	    (off != UINT64_MAX && size > (uint64_t)INT64_MAX - off))
		return "a size that is not a number, or too large";
	n = unescape(f[4], strlen(f[4]));
	if (n <= 0 || (size_t)n > PXR_NAME_MAX ||
	    memchr(f[4], '\0', (size_t)n) != NULL)
		return "a name that is empty, too long or badly escaped";
	if (rd->version >= 2 && field_number(f[5], UINT32_MAX, &copy) == -1)
		return "a copy number that is not a number";
	if (list_add_entry(l, f[4], (size_t)n, (uint32_t)src,
		off == UINT64_MAX ? -1 : (int64_t)off, size) == -1)
		return "out of memory";
	l->ents[l->nent - 1].copy = (uint32_t)copy;
	if (l->nent > 1 && list_cmp_names(l, l->nent - 2, l->nent - 1) >= 0)
		return "names not in strictly increasing bytewise order";
	rd->next++;
	return NULL;
}

/* A line after the header: a source or an image, its fields as the
 * header's version has them.  NULL, or what is wrong. */
static const char *
data_line(struct pxr_list *l, struct index_read *rd, char *line, size_t n)
{
	/* A source line has 3 fields and one per version. */
	static const char *const source_fields[] = { NULL,
		"not 4 fields (source, number, kind, path)",
		"not 5 fields (source, number, kind, path, prefix)",
		"not 6 fields (source, number, kind, path, prefix, signature)",
		/* NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
		"not 7 fields (source, number, kind, path, prefix, signature, "
		"folder)" };
	char *f[7] = { NULL };
	int v1 = rd->version == 1;

	if (strncmp(line, "source\t", 7) == 0)
		return split_fields(line, n, f, (int)rd->version + 3) == -1
		    ? source_fields[rd->version]
		    : source_line(l, rd, f);
	return split_fields(line, n, f, v1 ? 5 : 6) == -1
	    ? (v1 ? "not 5 fields (index, source, offset, size, name)"
		  : "not 6 fields (index, source, offset, size, name, copy)")
	    : image_line(l, rd, f);
}

/* The first line: "# pxr-list index V: S sources, N images", V 1 (no
 * prefixes, no copy numbers), 2 (no signatures), 3 (no folders) or 4.
 * NULL, or what is wrong. */
static const char *
header_line(struct index_read *rd, const char *line)
{
	const char *p = line;

	if (take_text(&p, HEADER_START) == -1 ||
	    take_number(&p, &rd->version) == -1 || rd->version < 1 ||
	    rd->version > INDEX_VERSION)
		return NOT_AN_INDEX;
	if (take_text(&p, ": ") == -1 || take_number(&p, &rd->want_src) == -1 ||
	    take_text(&p, " sources, ") == -1 ||
	    take_number(&p, &rd->want_img) == -1 ||
	    take_text(&p, " images") == -1 || *p != '\0')
		return "a malformed header";
	return NULL;
}

/* Whether the n bytes at line begin as an index's header does (all n, if
 * fewer than its first words: a header cut short). */
static int
begins_as_header(const char *line, size_t n)
{
	size_t m = strlen(HEADER_START);

	return memcmp(line, HEADER_START, n < m ? n : m) == 0;
}

/*
 * Reads an index whole, or refuses it: a line that is not as
 * pxr_list_write_index() writes it, a last line without its newline (a
 * cut file), and numbers of lines that are not those its header counts
 * are each an error that names the file and what is wrong.
 */
int
pxr_list_read_index(struct pxr_list *l, const char *path, struct pxr_err *err)
{
	struct index_read rd = { 0 };
	uint64_t lineno = 0;
	char *line = NULL;
	const char *why = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int r = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	while (why == NULL && (n = getline(&line, &cap, fp)) != -1) {
		int cut = line[n - 1] != '\n';

		lineno++;
		if (!cut)
			line[--n] = '\0';
		if (lineno == 1 && !begins_as_header(line, (size_t)n))
			why = NOT_AN_INDEX;
		else if (cut)
			r = pxr_seterr(err, PXR_E_FORMAT,
			    "%s: index cut short: line %llu ends without a "
			    "newline",
			    path, (unsigned long long)lineno);
		else if (lineno == 1)
			why = header_line(&rd, line);
		else
			why = data_line(l, &rd, line, (size_t)n);
		if (r == -1)
			break;
	}
	if (r == 0 && ferror(fp))
		r = pxr_seterr(err, PXR_E_IO, "%s: read error: %s", path,
		    strerror(errno));
	else if (r == 0 && lineno == 0)
		r = pxr_seterr(err, PXR_E_FORMAT,
		    "%s: empty file: " NOT_AN_INDEX, path);
	else if (r == 0 && why != NULL && lineno == 1)
		r = pxr_seterr(err, PXR_E_FORMAT, "%s: %s", path, why);
	else if (r == 0 && why != NULL)
		r = pxr_seterr(err, PXR_E_FORMAT,
		    "%s:%llu: malformed index line: %s", path,
		    (unsigned long long)lineno, why);
	else if (r == 0 && (l->nsrc != rd.want_src || l->nent != rd.want_img))
		r = pxr_seterr(err, PXR_E_FORMAT,
		    "%s: index cut short or damaged: it holds %zu sources "
		    "and %zu images, its header says %llu and %llu",
		    path, l->nsrc, l->nent, (unsigned long long)rd.want_src,
		    (unsigned long long)rd.want_img);
	free(line);
	fclose(fp);
	l->st.images = l->nent;
	return r;
}
