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
#define _GNU_SOURCE /* strcasecmp, fnmatch's FNM_CASEFOLD */
#include <sys/stat.h>
#include <sys/types.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <ctype.h>
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

#include "list.h"
#include "pxr.h"

enum src_kind { SRC_DIR, SRC_FILE, SRC_ARCHIVE, SRC_STDIN };

struct src {
	char *path;	/* absolute path of the file or directory */
	enum src_kind kind;
};

/* One image.  offset >= 0: its bytes are [offset, offset+size) of the
 * source file (or the whole file for SRC_DIR/SRC_FILE); -1: only a
 * sequential read of the source reaches them. */
struct entry {
	uint64_t name_off;
	uint32_t name_len;
	uint32_t src;
	int64_t offset;
	uint64_t size;
	uint64_t seq; /* order found, to let the later of two copies win */
};

struct pxr_list {
	struct src *srcs;
	size_t nsrc, srccap;
	struct entry *ents;
	size_t nent, entcap;
	char *names;
	size_t names_len, names_cap;
	char **globs;
	size_t nglobs;
	pxr_list_warn_fn warn;
	void *warn_ctx;
	uint64_t seq;
	struct pxr_list_stats st;
	struct skipped_ext {
		char ext[16];
		uint64_t count;
	} skipped[PXR_LIST_EXTS];
	size_t nskipped;
	unsigned char *buf; /* emitter's payload buffer, reused */
	size_t bufcap;
};

/* Read sizes: small while scanning headers (the data is skipped), large
 * when reading data. */
#define SCAN_BLOCK 4096
#define DATA_BLOCK (1u << 20)
/* The largest image file read: 512 MiB holds any JPEG under Pillow's
 * decompression-bomb limit, and a compressed archive cannot make the
 * reader hold more (a member's declared size may lie).  The fuzz build
 * sets a smaller one (Makefile), so that its runs stay fast. */
#ifndef PXR_MEMBER_MAX
#define PXR_MEMBER_MAX (1u << 29)
#endif
#define MEMBER_MAX PXR_MEMBER_MAX
#if PXR_MEMBER_MAX == (1u << 29)
#define MEMBER_MAX_TEXT "512 MiB"
#else
#define MEMBER_MAX_TEXT "the fuzz build's limit"
#endif
/* Nesting of archives in archives; ILSVRC needs 2. */
#define MAX_DEPTH 4

static void
lwarn(struct pxr_list *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
lwarn(struct pxr_list *l, const char *fmt, ...)
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
pxr_list_new(pxr_list_warn_fn warn, void *ctx)
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
	for (size_t i = 0; i < l->nsrc; i++)
		free(l->srcs[i].path);
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

static int
is_image(const struct pxr_list *l, const char *name)
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
static void
skip_file(struct pxr_list *l, const char *name)
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

/* The archive suffixes a member may have to be read as an inner archive;
 * returns the suffix length, 0 if none. */
static size_t
archive_suffix(const char *name)
{
	static const char *const sfx[] = { ".tar", ".tar.gz", ".tgz",
		".tar.bz2", ".tar.xz", ".tar.zst", ".zip" };

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (has_suffix(name, sfx[i]))
			return strlen(sfx[i]);
	return 0;
}

static int
add_src(struct pxr_list *l, const char *path, enum src_kind kind,
    uint32_t *id)
{
	if (l->nsrc == l->srccap) {
		size_t cap = l->srccap ? l->srccap * 2 : 16;
		struct src *s = realloc(l->srcs, cap * sizeof(*s));

		if (s == NULL)
			return -1;
		l->srcs = s;
		l->srccap = cap;
	}
	if ((l->srcs[l->nsrc].path = strdup(path)) == NULL)
		return -1;
	l->srcs[l->nsrc].kind = kind;
	*id = (uint32_t)l->nsrc++;
	l->st.sources++;
	return 0;
}

static int
add_entry(struct pxr_list *l, const char *name, size_t len, uint32_t src,
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
	e->seq = l->seq++;
	l->names_len += len + 1;
	return 0;
}

/*
 * Normalises a member name: drops leading "./" and trailing "/"; refuses
 * absolute names and ".." components (returns NULL, why in *why).
 */
static const char *
clean_name(const char *name, const char **why)
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
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) {
			*why = "member name with '..' escapes the archive's root";
			return NULL;
		}
		if ((p = strchr(p, '/')) == NULL)
			break;
		p++;
	}
	return name;
}

/* ---- reading archives ---- */

/* A window [start, end) of a file, read with pread: the outer archive, or
 * an inner tar inside it. */
struct window {
	int fd;
	int64_t start, end, pos;
	unsigned char *buf;
	size_t bufsize;
};

static la_ssize_t
window_read(struct archive *a, void *p, const void **out)
{
	struct window *w = p;
	size_t want = w->bufsize;
	ssize_t n;

	if (w->end >= 0 && (int64_t)want > w->end - w->pos)
		want = (size_t)(w->end - w->pos);
	do
		n = pread(w->fd, w->buf, want, w->pos);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return -1;
	}
	w->pos += n;
	*out = w->buf;
	return n;
}

static la_int64_t
window_skip(struct archive *a, void *p, la_int64_t request)
{
	struct window *w = p;

	(void)a;
	if (w->end >= 0 && request > w->end - w->pos)
		request = w->end - w->pos;
	w->pos += request;
	return request;
}

static la_int64_t
window_seek(struct archive *a, void *p, la_int64_t offset, int whence)
{
	struct window *w = p;
	int64_t base = whence == SEEK_SET ? w->start
	    : whence == SEEK_CUR	  ? w->pos
				  : w->end;

	if (whence == SEEK_END && w->end < 0) {
		archive_set_error(a, EINVAL, "cannot seek from the end");
		return ARCHIVE_FATAL;
	}
	w->pos = base + offset;
	return w->pos - w->start;
}

/* An inner archive read sequentially from its outer archive's data. */
struct nested {
	struct archive *outer;
};

static la_ssize_t
nested_read(struct archive *a, void *p, const void **out)
{
	struct nested *n = p;
	const void *buf;
	size_t size;
	la_int64_t off;
	int r = archive_read_data_block(n->outer, &buf, &size, &off);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, archive_errno(n->outer), "%s",
		    archive_error_string(n->outer));
		return -1;
	}
	*out = buf;
	return (la_ssize_t)size;
}

static struct archive *
new_reader(void)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	/* "cat a.tar b.tar": read on past the first end-of-archive blocks. */
	(void)archive_read_set_options(a, "read_concatenated_archives");
	return a;
}

enum walk_mode { WALK_SCAN, WALK_EMIT };

/* State of one walk over an archive and the archives inside it. */
struct walk {
	struct pxr_list *l;
	enum walk_mode mode;
	uint32_t src;
	int fd;	/* the source file, for windows; -1 for a stream */
	/* emit mode */
	const struct pxr_list_sel *sel;
	int use_index; /* names looked up in the index, else numbered */
	uint64_t counter;
	struct pxr_writer *wr;
	int64_t failures;
	int write_failed;
	struct pxr_err *err;
};

static int walk_archive(struct walk *w, struct archive *a, const char *prefix,
    const char *arcname, int direct, int64_t base, int64_t end, int depth);

static int64_t find_name(const struct pxr_list *l, const char *name,
    size_t len);
static int selected(const struct pxr_list_sel *sel, uint64_t index);
static int emit_bytes(struct walk *w, uint64_t index, const char *name,
    const unsigned char *p, size_t n, const char *fail, int fd, int64_t off);
static int read_member(struct pxr_list *l, struct archive *a, uint64_t size,
    size_t *got, const char **why);

/* Opens an inner archive (the current member of a) and walks it. */
static void
walk_inner(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *prefix, const char *name, int direct, int64_t base,
    int64_t end, int depth)
{
	char inner_prefix[PXR_NAME_MAX + 2], inner_name[PXR_NAME_MAX + 2];
	int64_t data_off = archive_filter_bytes(a, -1);
	int64_t size = archive_entry_size(e);
	struct archive *in;
	struct window win;
	struct nested nest;
	size_t sfx = archive_suffix(name);

	snprintf(inner_prefix, sizeof(inner_prefix), "%s%.*s/", prefix,
	    (int)(strlen(name) - sfx), name);
	snprintf(inner_name, sizeof(inner_name), "%s%s", prefix, name);
	if (depth >= MAX_DEPTH) {
		lwarn(w->l, "%s: archives nested deeper than %d: skipped",
		    inner_name, MAX_DEPTH);
		w->l->st.skipped++;
		return;
	}
	if ((in = new_reader()) == NULL) {
		lwarn(w->l, "%s: out of memory", inner_name);
		w->l->st.damaged++;
		return;
	}
	if (direct && w->fd >= 0 && archive_entry_sparse_count(e) == 0) {
		memset(&win, 0, sizeof(win));
		win.fd = w->fd;
		win.start = win.pos = base + data_off;
		win.end = win.start + size;
		if (win.end > end) {
			lwarn(w->l, "%s: truncated: the member declares %lld "
			    "bytes, the archive ends %lld bytes into it",
			    inner_name, (long long)size,
			    (long long)(end - win.start));
			w->l->st.damaged++;
			win.end = end;
		}
		win.bufsize = w->mode == WALK_SCAN ? SCAN_BLOCK : DATA_BLOCK;
		if ((win.buf = malloc(win.bufsize)) == NULL) {
			archive_read_free(in);
			return;
		}
		archive_read_set_callback_data(in, &win);
		archive_read_set_read_callback(in, window_read);
		archive_read_set_skip_callback(in, window_skip);
		archive_read_set_seek_callback(in, window_seek);
		if (archive_read_open1(in) != ARCHIVE_OK) {
			lwarn(w->l, "%s: not a readable archive: %s", inner_name,
			    archive_error_string(in));
			w->l->st.damaged++;
		} else {
			walk_archive(w, in, inner_prefix, inner_name, 1,
			    win.start, win.end, depth + 1);
		}
		archive_read_free(in);
		free(win.buf);
		return;
	}
	nest.outer = a;
	if (archive_read_open(in, &nest, NULL, nested_read, NULL) !=
	    ARCHIVE_OK) {
		lwarn(w->l, "%s: not a readable archive: %s", inner_name,
		    archive_error_string(in));
		w->l->st.damaged++;
	} else {
		walk_archive(w, in, inner_prefix, inner_name, 0, 0, -1,
		    depth + 1);
	}
	archive_read_free(in);
}

/* One image member: recorded when scanning, sent when emitting. */
static void
visit_image(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *full, size_t len, int direct, int64_t base, int64_t end)
{
	int64_t data_off = archive_filter_bytes(a, -1);
	int64_t size = archive_entry_size(e);
	int64_t off = -1, index;
	const char *why = NULL;
	size_t got = 0;

	if (w->mode == WALK_SCAN) {
		if (direct && archive_entry_sparse_count(e) == 0) {
			off = base + data_off;
			if (end >= 0 && off + size > end) {
				lwarn(w->l, "%s: truncated: the archive ends "
				    "%lld bytes into this member of %lld",
				    full, (long long)(end - off),
				    (long long)size);
				w->l->st.damaged++;
				return;
			}
		}
		if (add_entry(w->l, full, len, w->src, off, (uint64_t)size))
			lwarn(w->l, "%s: out of memory", full);
		return;
	}
	/* Emit mode: which index, and is it wanted? */
	if (w->use_index) {
		index = find_name(w->l, full, len);
		if (index < 0) {
			lwarn(w->l, "%s: not in the index: skipped", full);
			w->l->st.skipped++;
			return;
		}
		/* The copy that won, read by pread, is sent by the emitter. */
		if (w->src != UINT32_MAX && (w->l->ents[index].offset >= 0 ||
			w->l->ents[index].src != w->src))
			return;
	} else {
		index = (int64_t)w->counter++;
	}
	if (!selected(w->sel, (uint64_t)index))
		return;
	if (read_member(w->l, a, (uint64_t)size, &got, &why) == -1) {
		lwarn(w->l, "%s: %s", full, why);
		w->l->st.damaged++;
	}
	if (emit_bytes(w, (uint64_t)index, full, w->l->buf, got, why, -1, 0) ==
	    -1)
		w->write_failed = 1;
}

/* Whether the 512-byte block at off of fd is all zeros: a tar's end. */
static int
zero_block_at(int fd, int64_t off)
{
	unsigned char b[512];

	if (fd == -1 || pread(fd, b, sizeof(b), (off_t)off) != (ssize_t)sizeof(b))
		return 0;
	for (size_t i = 0; i < sizeof(b); i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/*
 * Walks every member of a: images are visited, inner archives walked.
 * direct: a is a window [base, end) of w->fd, so member bytes have file
 * offsets.  Returns 0, or -1 if the archive is damaged (reported).
 */
static int
walk_archive(struct walk *w, struct archive *a, const char *prefix,
    const char *arcname, int direct, int64_t base, int64_t end, int depth)
{
	struct archive_entry *e;
	char full[PXR_NAME_MAX + 2], lost[PXR_NAME_MAX + 256];
	int r, damaged = 0, first = 1, retrying = 0, after_end = 0;
	int64_t next_hdr = 0; /* where the member after the last one starts */

	for (;;) {
		const char *name, *why = NULL;
		int64_t hdr = archive_read_header_position(a);
		size_t len;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_RETRY) {
			/* A damaged header: libarchive steps over it block by
			 * block and would say nothing, so the loss is
			 * reported (once per damaged stretch) and counted:
			 * when a member follows, or at the end unless the
			 * stretch began at a lone zero block (the end of the
			 * archive, junk after it: nothing is lost, as GNU tar
			 * and bsdtar read it). */
			if (!retrying) {
				snprintf(lost, sizeof(lost), "%s: near byte %lld: "
				    "%s: skipping to the next good header; a "
				    "member is lost", arcname,
				    (long long)archive_filter_bytes(a, -1) +
					(long long)base,
				    archive_error_string(a)
					? archive_error_string(a)
					: "damaged header");
				after_end = direct && zero_block_at(w->fd,
							   base + next_hdr);
			}
			retrying = 1;
			continue;
		}
		if (retrying && !(r == ARCHIVE_EOF && after_end)) {
			lwarn(w->l, "%s", lost);
			w->l->st.damaged++;
			damaged = 1;
		}
		if (r == ARCHIVE_EOF)
			break;
		retrying = 0;
		next_hdr = archive_filter_bytes(a, -1) +
		    ((archive_entry_size(e) + 511) & ~(int64_t)511);
		if (r == ARCHIVE_WARN && archive_error_string(a) != NULL &&
		    strstr(archive_error_string(a), "can't be converted")) {
			/* Names are used as raw bytes, never converted to the
			 * locale's charset: this warning does not apply. */
		} else if (r == ARCHIVE_WARN) {
			/* libarchive skips a damaged header silently: count
			 * the loss ourselves. */
			lwarn(w->l, "%s: byte %lld: %s", arcname,
			    (long long)hdr + (long long)base,
			    archive_error_string(a) ? archive_error_string(a)
						    : "damaged header");
			w->l->st.damaged++;
			damaged = 1;
		} else if (r != ARCHIVE_OK) {
			lwarn(w->l, "%s: byte %lld: %s", arcname,
			    (long long)hdr + (long long)base,
			    archive_error_string(a) ? archive_error_string(a)
						    : "unreadable archive");
			w->l->st.damaged++;
			return -1;
		}
		if (first) {
			/* Offsets are file offsets only in an uncompressed
			 * tar; anything else is read in sequence. */
			first = 0;
			if (archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE ||
			    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) !=
				ARCHIVE_FORMAT_TAR)
				direct = 0;
		}
		name = clean_name(archive_entry_pathname(e), &why);
		if (name == NULL) {
			const char *raw = archive_entry_pathname(e);

			lwarn(w->l, "%s: byte %lld: %s%s%s: refused", arcname,
			    (long long)hdr + (long long)base, why,
			    raw && *raw ? ": " : "", raw && *raw ? raw : "");
			w->l->st.refused++;
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_hardlink(e) != NULL) {
			if (archive_entry_filetype(e) != AE_IFDIR)
				w->l->st.skipped++;
			continue;
		}
		len = (size_t)snprintf(full, sizeof(full), "%s%s", prefix,
		    name);
		if (len > PXR_NAME_MAX) {
			lwarn(w->l, "%s: byte %lld: name longer than %u bytes: "
			    "refused", arcname, (long long)hdr + (long long)base,
			    PXR_NAME_MAX);
			w->l->st.refused++;
			continue;
		}
		if (archive_suffix(name) > 0) {
			walk_inner(w, a, e, prefix, name, direct, base, end,
			    depth);
		} else if (is_image(w->l, name)) {
			visit_image(w, a, e, full, len, direct, base, end);
			if (w->write_failed)
				return -1;
		} else {
			skip_file(w->l, name);
		}
	}
	return damaged ? -1 : 0;
}

/* Scans an archive file: windows over the file when it is seekable. */
static int
scan_archive(struct pxr_list *l, const char *path, const char *prefix,
    struct pxr_err *err)
{
	struct walk w = { .l = l, .mode = WALK_SCAN };
	struct window win;
	struct archive *a;
	struct stat st;
	uint32_t id;
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || add_src(l, path, SRC_ARCHIVE, &id) == -1) {
		close(fd);
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	}
	if (st.st_size == 0) {
		lwarn(l, "%s: empty file (0 bytes): no images", path);
		l->st.damaged++;
		close(fd);
		return 0;
	}
	memset(&win, 0, sizeof(win));
	win.fd = fd;
	win.end = st.st_size;
	win.bufsize = SCAN_BLOCK;
	if ((win.buf = malloc(win.bufsize)) == NULL || (a = new_reader()) ==
	    NULL) {
		free(win.buf);
		close(fd);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	archive_read_set_callback_data(a, &win);
	archive_read_set_read_callback(a, window_read);
	archive_read_set_skip_callback(a, window_skip);
	archive_read_set_seek_callback(a, window_seek);
	w.src = id;
	w.fd = fd;
	if (archive_read_open1(a) != ARCHIVE_OK) {
		r = pxr_seterr(err, PXR_E_FORMAT, "%s: not an archive: %s",
		    path, archive_error_string(a) ? archive_error_string(a)
						  : "unrecognised format");
	} else {
		walk_archive(&w, a, prefix, path, 1, 0, st.st_size, 0);
	}
	archive_read_free(a);
	free(win.buf);
	close(fd);
	return r;
}

/* ---- directories ---- */

struct dirstack {
	dev_t dev;
	ino_t ino;
	const struct dirstack *up;
};

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_dir(struct pxr_list *l, const char *root, uint32_t id,
    const char *rel, const struct dirstack *up);

static void
scan_dir_entry(struct pxr_list *l, const char *root, uint32_t id,
    const char *rel, const struct dirstack *up)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path) || strlen(rel) > PXR_NAME_MAX) {
		lwarn(l, "%s/%s: path too long: skipped", root, rel);
		l->st.refused++;
		return;
	}
	if (stat(path, &st) == -1) { /* follows symbolic links */
		lwarn(l, "%s: %s", path, strerror(errno));
		l->st.damaged++;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		struct dirstack me = { st.st_dev, st.st_ino, up };

		for (const struct dirstack *d = up; d != NULL; d = d->up)
			if (d->dev == st.st_dev && d->ino == st.st_ino) {
				lwarn(l, "%s: symbolic link loop: skipped",
				    path);
				l->st.skipped++;
				return;
			}
		scan_dir(l, root, id, rel, &me);
	} else if (S_ISREG(st.st_mode) && archive_suffix(rel) > 0) {
		char prefix[PXR_NAME_MAX + 2];
		struct pxr_err err;

		/* An extracted outer tar: a folder of inner tars, whose
		 * images are named as if those were extracted too. */
		snprintf(prefix, sizeof(prefix), "%.*s/",
		    (int)(strlen(rel) - archive_suffix(rel)), rel);
		if (scan_archive(l, path, prefix, &err) == -1) {
			lwarn(l, "%s", err.msg);
			l->st.damaged++;
		}
	} else if (S_ISREG(st.st_mode) && is_image(l, rel)) {
		if (add_entry(l, rel, strlen(rel), id, 0, (uint64_t)st.st_size)) {
			lwarn(l, "%s: out of memory: not listed", path);
			l->st.damaged++;
		}
	} else if (S_ISREG(st.st_mode)) {
		skip_file(l, rel);
	} else {
		l->st.skipped++;
	}
}

static void
scan_dir(struct pxr_list *l, const char *root, uint32_t id, const char *rel,
    const struct dirstack *up)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL) {
		lwarn(l, "%s: %s", path, strerror(errno));
		l->st.damaged++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char child[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name);
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) *
			    sizeof(*p));

			if (p == NULL)
				break;
			names = p;
		}
		if ((names[n] = strdup(child)) == NULL)
			break;
		n++;
	}
	if (de != NULL) {
		/* Never a silent loss: what could not be held is said. */
		lwarn(l, "%s: out of memory: the rest of this folder is not "
		    "listed", path);
		l->st.damaged++;
	}
	closedir(d);
	/* Sorted, so that the scan order (and seq) is deterministic. */
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_cstr);
	for (size_t i = 0; i < n; i++) {
		scan_dir_entry(l, root, id, names[i], up);
		free(names[i]);
	}
	free(names);
}

/* Whether the file starts as a JPEG (FF D8 FF) or a PNG does. */
static int
image_content(const char *path)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1a, '\n' };
	unsigned char b[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd == -1 ? -1 : read(fd, b, sizeof(b));

	if (fd != -1)
		close(fd);
	return (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) ||
	    (n == 8 && memcmp(b, png, 8) == 0);
}

int
pxr_list_scan(struct pxr_list *l, const char *path, struct pxr_err *err)
{
	char abs[PATH_MAX];
	struct stat st;
	uint32_t id;

	if (stat(path, &st) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (realpath(path, abs) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct dirstack top = { st.st_dev, st.st_ino, NULL };

		if (add_src(l, abs, SRC_DIR, &id) == -1)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		scan_dir(l, abs, id, "", &top);
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: not a directory, an image or an archive", path);
	if (archive_suffix(path) == 0 &&
	    (is_image(l, path) || image_content(abs))) {
		/* A lone image: named by its basename, read whole.  A file
		 * named on the command line is told by its content too (a
		 * .mpo is a JPEG), as pxr-decode tells them, unless its
		 * name says archive. */
		char dir[PATH_MAX];
		char *slash;

		strcpy(dir, abs);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (add_src(l, *dir ? dir : "/", SRC_DIR, &id) == -1 ||
		    add_entry(l, slash + 1, strlen(slash + 1), id, 0,
			(uint64_t)st.st_size) == -1)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return 0;
	}
	return scan_archive(l, abs, "", err);
}

/* ---- order ---- */

/* Bytewise order of the names of entries i and j. */
static int
cmp_names(const struct pxr_list *l, size_t i, size_t j)
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

void
pxr_list_sort(struct pxr_list *l)
{
	size_t out = 0;

	if (l->nent == 0)
		return;
	qsort_r(l->ents, l->nent, sizeof(*l->ents), cmp_entry, l);
	for (size_t i = 0; i < l->nent; i++) {
		const struct entry *e = &l->ents[i];

		if (i + 1 < l->nent && e->name_len == l->ents[i + 1].name_len &&
		    memcmp(l->names + e->name_off,
			l->names + l->ents[i + 1].name_off, e->name_len) == 0) {
			lwarn(l, "%s: duplicate name: the later copy wins",
			    l->names + e->name_off);
			l->st.duplicates++;
			continue;
		}
		l->ents[out++] = *e;
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

static int64_t
find_name(const struct pxr_list *l, const char *name, size_t len)
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

/* ---- the index file ---- */

static const char *const kind_names[] = { "dir", "file", "archive",
	"stdin" };

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
		    add_src(l, f[3], (enum src_kind)k, &id) == -1)
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
		if (add_entry(l, f[4], (size_t)n, (uint32_t)src, off, size))
			return -1;
		if (l->nent > 1 && cmp_names(l, l->nent - 2, l->nent - 1) >= 0)
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
				    "%s: not a pxr-list index (version 1)", path);
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

/* ---- emitting ---- */

static int
selected(const struct pxr_list_sel *sel, uint64_t index)
{
	if (index < sel->lo || index >= sel->hi)
		return 0;
	/* Done images (status 1) are skipped on a resumed run. */
	return sel->done == NULL || index >= sel->done_len ||
	    sel->done[index] != 1;
}

static int
grow_buf(struct pxr_list *l, size_t n)
{
	unsigned char *p;

	if (n <= l->bufcap)
		return 0;
	if ((p = realloc(l->buf, n)) == NULL)
		return -1;
	l->buf = p;
	l->bufcap = n;
	return 0;
}

/* Reads the current member's data into l->buf, growing it as data arrives
 * (a header may declare 16 GiB and hold nothing).  -1 with why set. */
static int
read_member(struct pxr_list *l, struct archive *a, uint64_t size,
    size_t *got, const char **why)
{
	static char msg[256];

	*got = 0;
	if (size > MEMBER_MAX) {
		*why = "member too large (over " MEMBER_MAX_TEXT ")";
		return -1;
	}
	for (;;) {
		la_ssize_t n;

		if (*got == l->bufcap &&
		    grow_buf(l, l->bufcap ? l->bufcap * 2 : DATA_BLOCK) == -1) {
			*why = "out of memory";
			return -1;
		}
		n = archive_read_data(a, l->buf + *got, l->bufcap - *got);
		if (n == 0)
			break;
		if (n < 0) {
			snprintf(msg, sizeof(msg), "%s",
			    archive_error_string(a) ? archive_error_string(a)
						    : "read error");
			*why = msg;
			return -1;
		}
		*got += (size_t)n;
		if (*got > MEMBER_MAX) {
			*why = "member too large (over " MEMBER_MAX_TEXT ")";
			return -1;
		}
	}
	if (*got != size) {
		snprintf(msg, sizeof(msg), "truncated: %zu of %llu bytes",
		    *got, (unsigned long long)size);
		*why = msg;
		return -1;
	}
	return 0;
}

/* Writes one image as an ENCODED record, or a failure record when fail is
 * set.  With fd >= 0, the n bytes at p were read from fd at off, and go out
 * from there by splice(2) where they can (pxr_write_from_fd).  -1 on a
 * write error. */
static int
emit_bytes(struct walk *w, uint64_t index, const char *name,
    const unsigned char *p, size_t n, const char *fail, int fd, int64_t off)
{
	struct pxr_record rec;

	pxr_record_init(&rec);
	rec.kind = PXR_KIND_ENCODED;
	rec.index = index;
	rec.name = name;
	rec.name_len = strlen(name);
	rec.payload = p;
	rec.payload_len = n;
	if (fail != NULL) {
		pxr_record_fail(&rec, "%s", fail);
		w->failures++;
		fd = -1;
	}
	return fd >= 0 ? pxr_write_from_fd(w->wr, &rec, fd, off, w->err)
		       : pxr_write(w->wr, &rec, w->err);
}

/* Opens a file the scan found to be a regular file.  O_NONBLOCK, so that
 * a FIFO put in its place since (or listed in a stale index) cannot block
 * the run; it, and anything else that is not a regular file, is refused.
 * -1 with the reason in *why. */
static int
open_regular(const char *path, const char **why)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		*why = strerror(errno);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file any more";
		close(fd);
		return -1;
	}
	/* A regular file: blocking again, as splice(2) to a full pipe must
	 * wait rather than fail with EAGAIN. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Reads entry i of a file source (the whole file, or a range of an
 * archive) into l->buf; NULL or the reason it failed.  On success *datafd
 * and *dataoff say where its bytes lie, for emit_bytes; a file of a tree
 * is left open, and the caller closes it (*datafd != *fdp). */
static const char *
read_entry(struct pxr_list *l, size_t i, int *fdp, uint32_t *fd_src,
    int *datafd, int64_t *dataoff)
{
	static char why[512];
	const struct entry *e = &l->ents[i];
	const struct src *s = &l->srcs[e->src];
	char path[PATH_MAX + PXR_NAME_MAX + 2];
	const char *reason;
	size_t got = 0;
	int64_t off = e->offset;
	int fd = *fdp;

	if (e->size > MEMBER_MAX)
		return "image file too large (over " MEMBER_MAX_TEXT ")";
	if (s->kind == SRC_DIR) {
		snprintf(path, sizeof(path), "%s/%s", s->path,
		    l->names + e->name_off);
		if ((fd = open_regular(path, &reason)) == -1) {
			snprintf(why, sizeof(why), "%s", reason);
			return why;
		}
		off = 0;
	} else if (fd == -1 || *fd_src != e->src) {
		if (fd != -1)
			close(fd);
		if ((fd = open_regular(s->path, &reason)) == -1) {
			*fdp = -1;
			snprintf(why, sizeof(why), "%s: %s", s->path, reason);
			return why;
		}
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		*fdp = fd;
		*fd_src = e->src;
	}
	if (grow_buf(l, e->size ? e->size : 1) == -1) {
		snprintf(why, sizeof(why), "out of memory");
		goto out;
	}
	while (got < e->size) {
		ssize_t n = pread(fd, l->buf + got, e->size - got,
		    off + (int64_t)got);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(why, sizeof(why), "read error: %s",
			    strerror(errno));
			goto out;
		}
		if (n == 0) {
			snprintf(why, sizeof(why),
			    "truncated: the file ends %zu bytes into %llu",
			    got, (unsigned long long)e->size);
			goto out;
		}
		got += (size_t)n;
	}
	*datafd = fd;
	*dataoff = off;
	return NULL;
out:
	if (s->kind == SRC_DIR)
		close(fd);
	return why;
}

struct order {
	uint32_t src;
	int64_t offset;
	uint64_t index;
};

static int
cmp_order(const void *pa, const void *pb)
{
	const struct order *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Sequential pass over archive source s for its entries without offsets. */
static int
emit_sequential(struct walk *w, uint32_t s)
{
	const struct src *src = &w->l->srcs[s];
	struct archive *a = new_reader();
	int r = 0;

	if (a == NULL)
		return pxr_seterr(w->err, PXR_E_NOMEM, "out of memory");
	w->src = s;
	if (archive_read_open_filename(a, src->path, DATA_BLOCK) != ARCHIVE_OK) {
		lwarn(w->l, "%s: %s", src->path, archive_error_string(a));
		w->l->st.damaged++;
	} else {
		walk_archive(w, a, "", src->path, 0, 0, -1, 0);
		r = w->write_failed ? -1 : 0;
	}
	archive_read_free(a);
	return r;
}

int64_t
pxr_list_emit(struct pxr_list *l, const struct pxr_list_sel *sel,
    struct pxr_writer *wr, struct pxr_err *err)
{
	struct walk w = { .l = l, .mode = WALK_EMIT, .sel = sel,
		.use_index = 1, .wr = wr, .err = err, .fd = -1 };
	uint64_t hi = sel->hi < l->nent ? sel->hi : l->nent;
	struct order *ord = NULL;
	size_t n = 0, nseq = 0;
	uint32_t fd_src = 0;
	int fd = -1;

	if (sel->lo < hi &&
	    (ord = malloc((size_t)(hi - sel->lo) * sizeof(*ord))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (uint64_t i = sel->lo; i < hi; i++) {
		if (!selected(sel, i))
			continue;
		if (l->ents[i].offset < 0) {
			nseq++;
			continue;
		}
		ord[n].src = l->ents[i].src;
		ord[n].offset = l->ents[i].offset;
		ord[n].index = i;
		n++;
	}
	/* File order: each source is read front to back once. */
	if (n > 0)
		qsort(ord, n, sizeof(*ord), cmp_order);
	for (size_t k = 0; k < n; k++) {
		size_t i = (size_t)ord[k].index;
		int datafd = -1;
		int64_t dataoff = 0;
		const char *why = read_entry(l, i, &fd, &fd_src, &datafd,
		    &dataoff);
		int r;

		if (why != NULL)
			lwarn(l, "%s#%zu: %s", l->names + l->ents[i].name_off, i,
			    why);
		r = emit_bytes(&w, i, l->names + l->ents[i].name_off, l->buf,
		    why ? 0 : l->ents[i].size, why, datafd, dataoff);
		if (datafd != -1 && datafd != fd)
			close(datafd);
		if (r == -1) {
			w.write_failed = 1;
			break;
		}
	}
	if (fd != -1)
		close(fd);
	free(ord);
	if (w.write_failed)
		return -1;
	if (nseq > 0) {
		/* Sources read in sequence, each once. */
		for (uint32_t s = 0; s < l->nsrc; s++) {
			int has = 0;

			for (uint64_t i = sel->lo; i < hi && !has; i++)
				has = l->ents[i].src == s && l->ents[i].offset < 0;
			if (has && emit_sequential(&w, s) == -1)
				return -1;
		}
	}
	return w.failures;
}

int64_t
pxr_list_stream(struct pxr_list *l, int fd, const char *name, int use_index,
    const struct pxr_list_sel *sel, struct pxr_writer *wr,
    struct pxr_err *err)
{
	struct walk w = { .l = l, .mode = WALK_EMIT, .sel = sel,
		.use_index = use_index, .wr = wr, .err = err, .fd = -1,
		.src = UINT32_MAX };
	struct archive *a = new_reader();
	int r;

	if (a == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (archive_read_open_fd(a, fd, DATA_BLOCK) != ARCHIVE_OK) {
		r = pxr_seterr(err, PXR_E_FORMAT, "%s: not an archive: %s",
		    name, archive_error_string(a) ? archive_error_string(a)
						  : "unrecognised format");
		archive_read_free(a);
		return r;
	}
	walk_archive(&w, a, "", name, 0, 0, -1, 0);
	archive_read_free(a);
	if (w.write_failed)
		return -1;
	if (!use_index)
		l->st.images = w.counter;
	return w.failures;
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
