/*
 * list.c: every image of a set of sources, in one deterministic order.
 *
 * A scan collects one entry per image: its name (the path it would have
 * after extraction, "n01440764/n01440764_10026.JPEG" for a member of the
 * inner n01440764.tar), its size, and where its bytes lie.  In an
 * uncompressed tar, tars inside it included, a member's bytes are one
 * contiguous range of the file: the scan reads headers only (it opens each
 * inner tar as a window of the outer file and seeks over member data), and
 * the emitter pread()s just the selected ranges, so a shard reads only its
 * own images.  Anything else (compressed archives, zip, sparse members, a
 * pipe) is read sequentially through libarchive.
 *
 * The index of an image is its rank in the bytewise order of all names,
 * so a tree, a tarball and a tar of tars of the same files agree.
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

void list_lwarn(struct pxr_list *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void
list_lwarn(struct pxr_list *l, const char *fmt, ...)
{
	char msg[PXR_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->warn != NULL)
		l->warn(l->warn_ctx, msg);
}

struct pxr_list *
pxr_list_new(pxr_warn_fn warn, void *ctx)
{
	struct pxr_list *l = calloc(1, sizeof(*l));

	if (l != NULL) {
		l->warn = warn;
		l->warn_ctx = ctx;
	}
	return l;
}

void
pxr_list_free(struct pxr_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nsrc; i++) {
		free(l->srcs[i].path);
		free(l->srcs[i].prefix);
		free(l->srcs[i].under);
	}
	free(l->under);
	for (size_t i = 0; i < l->nglobs; i++)
		free(l->globs[i]);
	free(l->globs);
	free(l->srcs);
	free(l->ents);
	free(l->names);
	free(l->buf);
	free(l);
}

int
pxr_list_add_match(struct pxr_list *l, const char *glob, struct pxr_err *err)
{
	char **g = realloc(l->globs, (l->nglobs + 1) * sizeof(*g));

	if (g == NULL || (g[l->nglobs] = strdup(glob)) == NULL) {
		if (g != NULL)
			l->globs = g;
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	l->globs = g;
	l->nglobs++;
	return 0;
}

/* The length of dir without its trailing '/'s (one is kept as "/"). */
static size_t
trimmed_len(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

int
list_is_folder_path(const char *dir, size_t n)
{
	if (n == 0 || n > PXR_NAME_MAX)
		return 0;
	for (size_t i = 0; i <= n;) {
		size_t j = i;

		while (j < n && dir[j] != '/')
			j++;
		if (j == i || (j - i == 1 && dir[i] == '.') ||
		    (j - i == 2 && dir[i] == '.' && dir[i + 1] == '.'))
			return 0;
		i = j + 1;
	}
	return 1;
}

static int
bad_folder(const char *dir, struct pxr_err *err)
{
	return pxr_seterr(err, PXR_E_USAGE,
	    "'%s': not a folder path below a source's top (its parts "
	    "between single '/', none empty, '.' or '..')",
	    dir);
}

int
pxr_list_set_under(struct pxr_list *l, const char *dir, struct pxr_err *err)
{
	char *u = NULL;

	if (dir != NULL) {
		size_t n = trimmed_len(dir);

		if (!list_is_folder_path(dir, n))
			return bad_folder(dir, err);
		if ((u = strndup(dir, n)) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	free(l->under);
	l->under = u;
	return 0;
}

static const char *
basename_of(const char *name)
{
	const char *s = strrchr(name, '/');

	return s != NULL ? s + 1 : name;
}

static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n > m && strcasecmp(name + n - m, suffix) == 0;
}

int
list_is_image(const struct pxr_list *l, const char *name)
{
	const char *base = basename_of(name);

	/* macOS AppleDouble companions ("._x.JPEG") hold no image. */
	if (strncmp(base, "._", 2) == 0)
		return 0;
	if (l->nglobs == 0)
		return has_suffix(base, ".jpeg") || has_suffix(base, ".jpg") ||
		    has_suffix(base, ".png");
	for (size_t i = 0; i < l->nglobs; i++)
		if (fnmatch(l->globs[i], base, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

/* Counts a file that is not picked as an image, by its extension (in
 * lower case, with its dot; "(none)"), for the summary of what was left. */
void
list_skip_file(struct pxr_list *l, const char *name)
{
	const char *base = strrchr(name, '/'), *dot;
	char ext[16] = "(none)";
	size_t i;

	l->st.skipped++;
	base = base != NULL ? base + 1 : name;
	if ((dot = strrchr(base, '.')) != NULL && dot != base &&
	    strlen(dot) < sizeof(ext)) {
		for (i = 0; dot[i] != '\0'; i++)
			ext[i] = (char)tolower((unsigned char)dot[i]);
		ext[i] = '\0';
	} else if (dot != NULL && dot != base) {
		strcpy(ext, "(long)");
	}
	for (i = 0; i < l->nskipped; i++)
		if (strcmp(l->skipped[i].ext, ext) == 0)
			break;
	if (i == l->nskipped) {
		if (i == PXR_LIST_EXTS)
			i--, strcpy(l->skipped[i].ext, "(other)");
		else
			strcpy(l->skipped[l->nskipped++].ext, ext);
	}
	l->skipped[i].count++;
}

int
pxr_list_skipped(const struct pxr_list *l, size_t i, const char **ext,
    uint64_t *count)
{
	if (i >= l->nskipped)
		return 0;
	*ext = l->skipped[i].ext;
	*count = l->skipped[i].count;
	return 1;
}

size_t
pxr_list_skipped_text(const struct pxr_list *l, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->nskipped; i++) {
		int w = snprintf(buf + used, size - used, "%s%llu %s",
		    i ? ", " : "", (unsigned long long)l->skipped[i].count,
		    l->skipped[i].ext);

		if (w < 0 || (size_t)w >= size - used) {
			buf[used] = '\0'; /* whole kinds only */
			break;
		}
		used += (size_t)w;
	}
	return used;
}

/* The archive suffixes a member may have to be read as an inner archive;
 * returns the suffix length, 0 if none. */
size_t
list_archive_suffix(const char *name)
{
	static const char *const sfx[] = { ".tar", ".tar.gz", ".tgz",
		".tar.bz2", ".tar.xz", ".tar.zst", ".zip" };

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (has_suffix(name, sfx[i]))
			return strlen(sfx[i]);
	return 0;
}

int
list_add_src(struct pxr_list *l, const char *path, const char *prefix,
    const char *under, enum src_kind kind, uint32_t *id)
{
	struct src *n;

	if (l->nsrc == l->srccap) {
		size_t cap = l->srccap ? l->srccap * 2 : 16;
		struct src *s = realloc(l->srcs, cap * sizeof(*s));

		if (s == NULL)
			return -1;
		l->srcs = s;
		l->srccap = cap;
	}
	n = &l->srcs[l->nsrc];
	if ((n->path = strdup(path)) == NULL)
		return -1;
	if ((n->prefix = strdup(prefix)) == NULL) {
		free(n->path);
		return -1;
	}
	if ((n->under = strdup(under)) == NULL) {
		free(n->prefix);
		free(n->path);
		return -1;
	}
	n->kind = kind;
	n->sig[0] = '\0';
	*id = (uint32_t)l->nsrc++;
	l->st.sources++;
	return 0;
}

int
list_add_entry(struct pxr_list *l, const char *name, size_t len, uint32_t src,
    int64_t offset, uint64_t size)
{
	struct entry *e;

	if (l->nent == l->entcap) {
		size_t cap = l->entcap ? l->entcap * 2 : 1024;

		if ((e = realloc(l->ents, cap * sizeof(*e))) == NULL)
			return -1;
		l->ents = e;
		l->entcap = cap;
	}
	if (l->names_len + len + 1 > l->names_cap) {
		size_t cap = l->names_cap ? l->names_cap * 2 : 65536;
		char *n;

		while (cap < l->names_len + len + 1)
			cap *= 2;
		if ((n = realloc(l->names, cap)) == NULL)
			return -1;
		l->names = n;
		l->names_cap = cap;
	}
	memcpy(l->names + l->names_len, name, len);
	l->names[l->names_len + len] = '\0';
	e = &l->ents[l->nent++];
	e->name_off = l->names_len;
	e->name_len = (uint32_t)len;
	e->src = src;
	e->offset = offset;
	e->size = size;
	e->seq = (uint32_t)l->seq++;
	e->copy = 0;
	l->names_len += len + 1;
	return 0;
}

/*
 * Normalises a member name: drops leading "./" and trailing "/"; refuses
 * absolute names and ".." components (returns NULL, why in *why).
 */
const char *
list_clean_name(const char *name, const char **why)
{
	const char *p;

	if (name == NULL || *name == '\0') {
		*why = "member with an empty name";
		return NULL;
	}
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (name[0] == '/') {
		*why = "absolute member name escapes the archive's root";
		return NULL;
	}
	for (p = name; *p != '\0';) {
		if (p[0] == '.' && p[1] == '.' &&
		    (p[2] == '/' || p[2] == '\0')) {
			*why =
			    "member name with '..' escapes the archive's root";
			return NULL;
		}
		if ((p = strchr(p, '/')) == NULL)
			break;
		p++;
	}
	return name;
}

/* ---- order ---- */

/* Bytewise order of the names of entries i and j. */
int
list_cmp_names(const struct pxr_list *l, size_t i, size_t j)
{
	const struct entry *a = &l->ents[i], *b = &l->ents[j];
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(l->names + a->name_off, l->names + b->name_off, n);

	if (c != 0)
		return c;
	return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

/* qsort_r's order: by name, then by the order the scan met them. */
static int
cmp_entry(const void *pa, const void *pb, void *ctx)
{
	const struct pxr_list *l = ctx;
	const struct entry *a = pa, *b = pb;
	const char *na = l->names + a->name_off;
	const char *nb = l->names + b->name_off;
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(na, nb, n);

	if (c != 0)
		return c;
	if (a->name_len != b->name_len)
		return a->name_len < b->name_len ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Of the copies of a name, entries [first, last] in the sorted table, the
 * last wins: it is told how many of the others lie in its own source
 * (entry.copy), for a walk of that source to know which member to send.
 */
static void
count_copies(struct pxr_list *l, size_t first, size_t last)
{
	struct entry *win = &l->ents[last];
	uint32_t n = 0;

	for (size_t i = first; i < last; i++)
		if (l->ents[i].src == win->src && n < UINT32_MAX)
			n++;
	win->copy = n;
}

void
pxr_list_sort(struct pxr_list *l)
{
	size_t out = 0, first = 0;

	if (l->nent == 0)
		return;
	qsort_r(l->ents, l->nent, sizeof(*l->ents), cmp_entry, l);
	for (size_t i = 1; i <= l->nent; i++)
		if (i == l->nent || list_cmp_names(l, i - 1, i) != 0) {
			count_copies(l, first, i - 1);
			first = i;
		}
	/* Only the last copy of each name stays: the one extracting the
	 * sources in order would leave. */
	for (size_t i = 0; i < l->nent; i++) {
		if (i + 1 < l->nent && list_cmp_names(l, i, i + 1) == 0) {
			list_lwarn(l, "%s: duplicate name: the later copy wins",
			    l->names + l->ents[i].name_off);
			l->st.duplicates++;
			continue;
		}
		l->ents[out++] = l->ents[i];
	}
	l->nent = out;
	l->st.images = out;
}

uint64_t
pxr_list_count(const struct pxr_list *l)
{
	return l->nent;
}

const char *
pxr_list_name(const struct pxr_list *l, uint64_t i, size_t *len)
{
	*len = l->ents[i].name_len;
	return l->names + l->ents[i].name_off;
}

uint64_t
pxr_list_size(const struct pxr_list *l, uint64_t i)
{
	return l->ents[i].size;
}

int64_t
list_find_name(const struct pxr_list *l, const char *name, size_t len)
{
	size_t lo = 0, hi = l->nent;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct entry *e = &l->ents[mid];
		size_t n = e->name_len < len ? e->name_len : len;
		int c = memcmp(l->names + e->name_off, name, n);

		if (c == 0 && e->name_len != len)
			c = e->name_len < len ? -1 : 1;
		if (c == 0)
			return (int64_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void
pxr_list_stats(const struct pxr_list *l, struct pxr_list_stats *st)
{
	*st = l->st;
}

/* ---- emitting ---- */

int
list_selected(const struct pxr_list_sel *sel, uint64_t index)
{
	if (index < sel->lo || index >= sel->hi)
		return 0;
	/* Done images (status 1) are skipped on a resumed run. */
	return sel->done == NULL || index >= sel->done_len ||
	    sel->done[index] != 1;
}

int
pxr_list_has_source(const struct pxr_list *l, const char *path)
{
	char abs[PATH_MAX];

	if (realpath(path, abs) == NULL)
		return 0;
	for (size_t i = 0; i < l->nsrc; i++)
		if (strcmp(l->srcs[i].path, abs) == 0)
			return 1;
	return 0;
}

void
pxr_list_shard(uint64_t total, uint64_t k, uint64_t n, uint64_t *lo,
    uint64_t *hi)
{
	/* total / n each, and the total % n left over spread: no product
	 * overflows for any total below 2^64 / n. */
	*lo = total / n * (k - 1) + total % n * (k - 1) / n;
	*hi = total / n * k + total % n * k / n;
}

void
pxr_list_print_names(const struct pxr_list *l, const struct pxr_list_sel *sel,
    FILE *f)
{
	for (uint64_t i = sel->lo; i < sel->hi; i++) {
		size_t len;
		const char *name = pxr_list_name(l, i, &len);

		fprintf(f, "%llu\t", (unsigned long long)i);
		pxr_fput_escaped(f, name, len, 0);
		putc('\n', f);
	}
}

void
pxr_list_report(struct pxr_list *l, int64_t failures)
{
	const struct pxr_list_stats *st = &l->st;
	char skipped[PXR_ERR_MSG_MAX - 16]; /* "skipped: " fits before it */

	list_lwarn(l,
	    "%llu images, %llu members skipped (not images, directories, "
	    "links), %llu names refused, %llu duplicates, %llu damaged "
	    "places, %lld failure records",
	    (unsigned long long)st->images, (unsigned long long)st->skipped,
	    (unsigned long long)st->refused, (unsigned long long)st->duplicates,
	    (unsigned long long)st->damaged, (long long)failures);
	if (pxr_list_skipped_text(l, skipped, sizeof(skipped)) > 0)
		list_lwarn(l, "skipped: %s", skipped);
}

int
pxr_list_want_check(const struct pxr_list_want *w, struct pxr_err *err)
{
	if (w->has_range && w->range_a > w->range_b)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--range %llu:%llu: A must not be above B",
		    (unsigned long long)w->range_a,
		    (unsigned long long)w->range_b);
	if (w->has_shard && (w->shard_k < 1 || w->shard_k > w->shard_n))
		return pxr_seterr(err, PXR_E_USAGE,
		    "--shard %llu/%llu: K must be 1 to N",
		    (unsigned long long)w->shard_k,
		    (unsigned long long)w->shard_n);
	if (w->has_range && w->has_shard)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--range and --shard cannot be combined");
	return 0;
}

int
pxr_list_outcome(struct pxr_list *l, int64_t failures)
{
	if (l->st.images == 0)
		list_lwarn(l, "no images found");
	return failures > 0 || l->st.damaged > 0 || l->st.refused > 0;
}

void
pxr_list_select(uint64_t total, const struct pxr_list_want *w,
    struct pxr_list_sel *sel)
{
	sel->lo = 0;
	sel->hi = total;
	if (w->has_range) {
		sel->lo = w->range_a;
		sel->hi = w->range_b < total ? w->range_b : total;
	} else if (w->has_shard) {
		pxr_list_shard(total, w->shard_k, w->shard_n, &sel->lo,
		    &sel->hi);
	}
	if (sel->lo > sel->hi)
		sel->lo = sel->hi;
}

void
pxr_status_and(unsigned char *all, uint64_t len, const unsigned char *st,
    uint64_t st_len)
{
	for (uint64_t i = 0; i < len; i++)
		if (i >= st_len || st[i] != all[i])
			all[i] = 0;
}

struct pxr_list *
list_clone_matching(const struct pxr_list *l)
{
	struct pxr_list *c = pxr_list_new(NULL, NULL);

	/* The patterns are only read: shared, not copied (and not freed
	 * with the clone: list_free_clone). */
	if (c != NULL) {
		c->globs = l->globs;
		c->nglobs = l->nglobs;
	}
	return c;
}

void
list_free_clone(struct pxr_list *c)
{
	if (c == NULL)
		return;
	c->globs = NULL;
	c->nglobs = 0;
	pxr_list_free(c);
}

/* ---- folders ---- */

/* Whether the n bytes at name begin with the dn bytes of dir and a '/'
 * (any name, when dn is 0). */
static int
is_below(const char *name, size_t n, const char *dir, size_t dn)
{
	return dn == 0 ||
	    (n > dn && memcmp(name, dir, dn) == 0 && name[dn] == '/');
}

size_t
pxr_list_top_folders(const struct pxr_list *l, const char *dir,
    struct pxr_list_folder *out, size_t max, uint64_t *loose)
{
	size_t dn = dir != NULL && *dir != '\0' ? trimmed_len(dir) : 0;
	size_t n = 0, cur_len = 0;
	const char *cur = NULL;
	uint64_t in_dir = 0;

	/* The names are sorted: those below one folder ("dir/F/") are
	 * consecutive, so a folder ends where the first name not below it
	 * comes. */
	for (size_t i = 0; i < l->nent; i++) {
		const char *name = l->names + l->ents[i].name_off, *slash;
		size_t len = l->ents[i].name_len, skip = dn ? dn + 1 : 0;

		if (!is_below(name, len, dir, dn))
			continue;
		name += skip;
		len -= skip;
		if ((slash = memchr(name, '/', len)) == NULL) {
			in_dir++;
			continue;
		}
		if (cur != NULL && cur_len == (size_t)(slash - name) &&
		    memcmp(cur, name, cur_len) == 0) {
			if (n <= max)
				out[n - 1].images++;
			continue;
		}
		cur = name;
		cur_len = (size_t)(slash - name);
		if (n < max)
			out[n] = (struct pxr_list_folder){ cur, cur_len, i, 1 };
		n++;
	}
	if (loose != NULL)
		*loose = in_dir;
	return n;
}

/*
 * What source s of a list becomes in its subtree ds (the folder and a
 * '/', dsn bytes), as a scan with that folder (pxr_list_set_under) would
 * add it.  Its images are named P + NAME (P its prefix, "" or ending in
 * '/'; NAME below its folder U).  A source named by the caller (P "")
 * holds ds: it gets the prefix "" and the folder U/ds.  An archive found
 * in a tree (P "x/y/" for x/y.tar) is scanned with the tree's folder when
 * it lies in it (P begins with ds and is longer): it keeps P without ds
 * and U.  0, with that prefix in *p and that folder in u[size]; -1 for
 * any other source (an archive beside or above the folder: the scan of
 * the folder does not meet it, even when its images are named in it).
 */
static int
sub_source(const struct src *s, const char *ds, size_t dsn, const char **p,
    char *u, size_t size)
{
	size_t pn = strlen(s->prefix);

	if (pn == 0) {
		*p = "";
		snprintf(u, size, "%s%s%.*s", s->under,
		    *s->under != '\0' ? "/" : "", (int)(dsn - 1), ds);
		return 0;
	}
	if (pn > dsn && memcmp(s->prefix, ds, dsn) == 0) {
		*p = s->prefix + dsn;
		snprintf(u, size, "%s", s->under);
		return 0;
	}
	return -1;
}

struct pxr_list *
pxr_list_subtree(const struct pxr_list *l, const char *dir, struct pxr_err *err)
{
	char ds[PXR_NAME_MAX + 2], u[2 * PXR_NAME_MAX + 2];
	struct pxr_list *t = NULL;
	uint32_t *id = NULL; /* a source's number in t, UINT32_MAX: none */
	size_t dsn;

	if (dir == NULL || !list_is_folder_path(dir, dsn = trimmed_len(dir))) {
		bad_folder(dir != NULL ? dir : "(none)", err);
		return NULL;
	}
	snprintf(ds, sizeof(ds), "%.*s/", (int)dsn, dir);
	dsn++;
	if ((t = pxr_list_new(l->warn, l->warn_ctx)) == NULL ||
	    (l->nsrc > 0 && (id = malloc(l->nsrc * sizeof(*id))) == NULL))
		goto nomem;
	for (size_t i = 0; i < l->nglobs; i++)
		if (pxr_list_add_match(t, l->globs[i], err) == -1)
			goto fail;
	/* The sources in their order, as a scan would add them. */
	for (size_t i = 0; i < l->nsrc; i++) {
		const struct src *s = &l->srcs[i];
		const char *p;

		id[i] = UINT32_MAX;
		if (sub_source(s, ds, dsn, &p, u, sizeof(u)) == -1)
			continue;
		if (strlen(u) > PXR_NAME_MAX) {
			pxr_seterr(err, PXR_E_USAGE,
			    "%s: its folder and '%s' together are longer than "
			    "%u bytes",
			    s->path, dir, PXR_NAME_MAX);
			goto fail;
		}
		if (list_add_src(t, s->path, p, u, s->kind, &id[i]) == -1)
			goto nomem;
		strcpy(t->srcs[id[i]].sig, s->sig);
	}
	/* The names below ds of the sources kept, in order, without ds:
	 * the order they keep. */
	for (size_t i = 0; i < l->nent; i++) {
		const struct entry *e = &l->ents[i];
		const char *name = l->names + e->name_off;

		if (e->name_len <= dsn || memcmp(name, ds, dsn) != 0)
			continue;
		if (id == NULL || id[e->src] == UINT32_MAX)
			continue;
		if (list_add_entry(t, name + dsn, e->name_len - dsn, id[e->src],
			e->offset, e->size) == -1)
			goto nomem;
		t->ents[t->nent - 1].copy = e->copy;
	}
	t->st.images = t->nent;
	free(id);
	return t;
nomem:
	pxr_seterr(err, PXR_E_NOMEM, "out of memory");
fail:
	free(id);
	pxr_list_free(t);
	return NULL;
}
