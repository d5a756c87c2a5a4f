/*
 * list_walk.c: archives read in place.  An uncompressed tar, and each tar
 * inside it, is read as a window of the file, seeking over member data, so
 * a scan reads headers only; anything else in sequence.  Each image member
 * goes to the walk's member callback (list_int.h).
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

/* ---- reading archives ---- */

la_ssize_t
list_window_read(struct archive *a, void *p, const void **out)
{
	struct window *w = p;
	size_t want = w->bufsize;
	ssize_t n;

	*out = w->buf;
	if (w->pos < w->start || w->pos > w->end) {
		/* The callbacks never put it there. */
		archive_set_error(a, EINVAL,
		    "read at %lld, outside the archive's bytes [%lld, %lld)",
		    (long long)w->pos, (long long)w->start, (long long)w->end);
		return -1;
	}
	if ((uint64_t)(w->end - w->pos) < want)
		want = (size_t)(w->end - w->pos);
	if (want == 0)
		return 0;
	do
		n = pread(w->fd, w->buf, want, w->pos);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return -1;
	}
	w->pos += n;
	return n;
}

la_int64_t
list_window_skip(struct archive *a, void *p, la_int64_t request)
{
	struct window *w = p;

	(void)a;
	/* Forward only, and never past the end: libarchive reads what a
	 * short skip leaves, and finds the end there. */
	if (request <= 0 || w->pos < w->start || w->pos >= w->end)
		return 0;
	if (request > w->end - w->pos)
		request = w->end - w->pos;
	w->pos += request;
	return request;
}

la_int64_t
list_window_seek(struct archive *a, void *p, la_int64_t offset, int whence)
{
	struct window *w = p;
	int64_t len = w->end - w->start, at;

	switch (whence) {
	case SEEK_SET:
		at = 0;
		break;
	case SEEK_CUR:
		at = w->pos - w->start;
		break;
	case SEEK_END:
		at = len;
		break;
	default:
		archive_set_error(a, EINVAL, "seek with whence %d", whence);
		return ARCHIVE_FATAL;
	}
	if (at < 0 || at > len) {
		archive_set_error(a, EINVAL,
		    "seek from %lld, outside the archive's %lld bytes",
		    (long long)at, (long long)len);
		return ARCHIVE_FATAL;
	}
	/* at + offset, in [0, len], without overflow: before the start is
	 * an error, past the end is the end. */
	if (offset < -at) {
		archive_set_error(a, EINVAL,
		    "seek before the start of the archive");
		return ARCHIVE_FATAL;
	}
	at = offset > len - at ? len : at + offset;
	w->pos = w->start + at;
	return at;
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

struct archive *
list_new_reader(void)
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

/* Opens an inner archive (the current member of a) and walks it. */
static void
walk_inner(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *prefix, const char *name, int direct, int64_t base, int64_t end,
    int depth)
{
	char inner_prefix[PXR_NAME_MAX + 2], inner_name[PXR_NAME_MAX + 2];
	int64_t data_off = archive_filter_bytes(a, -1);
	int64_t size = archive_entry_size(e);
	struct archive *in;
	struct nested nest;
	size_t sfx = list_archive_suffix(name);

	snprintf(inner_prefix, sizeof(inner_prefix), "%s%.*s/", prefix,
	    (int)(strlen(name) - sfx), name);
	snprintf(inner_name, sizeof(inner_name), "%s%s", prefix, name);
	if (depth >= MAX_DEPTH) {
		list_lwarn(w->l, "%s: archives nested deeper than %d: skipped",
		    inner_name, MAX_DEPTH);
		w->l->st.skipped++;
		return;
	}
	if ((in = list_new_reader()) == NULL) {
		list_lwarn(w->l, "%s: out of memory", inner_name);
		w->l->st.damaged++;
		return;
	}
	if (direct && w->fd >= 0 && archive_entry_sparse_count(e) == 0) {
		int64_t start = base + data_off, stop = start + size;
		const char *why;

		archive_read_free(in);
		if (w->inner != NULL && stop <= end) {
			w->inner(w, start, stop);
			return;
		}
		if (stop > end) {
			list_lwarn(w->l,
			    "%s: truncated: the member declares %lld "
			    "bytes, the archive ends %lld bytes into it",
			    inner_name, (long long)size,
			    (long long)(end - start));
			w->l->st.damaged++;
			stop = end;
		}
		if (list_walk_window(w, start, stop, inner_prefix, inner_name,
			depth + 1, &why) == -1) {
			list_lwarn(w->l, "%s: not a readable archive: %s",
			    inner_name, why);
			w->l->st.damaged++;
		}
		return;
	}
	nest.outer = a;
	if (archive_read_open(in, &nest, NULL, nested_read, NULL) !=
	    ARCHIVE_OK) {
		list_lwarn(w->l, "%s: not a readable archive: %s", inner_name,
		    archive_error_string(in));
		w->l->st.damaged++;
	} else {
		list_walk_archive(w, in, inner_prefix, inner_name, 0, 0, -1,
		    depth + 1);
	}
	archive_read_free(in);
}

/* Whether the 512-byte block at off of fd is all zeros: a tar's end. */
static int
zero_block_at(int fd, int64_t off)
{
	unsigned char b[512];

	if (fd == -1 ||
	    pread(fd, b, sizeof(b), (off_t)off) != (ssize_t)sizeof(b))
		return 0;
	for (size_t i = 0; i < sizeof(b); i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/*
 * A damaged header (ARCHIVE_RETRY) begins a damaged stretch: libarchive
 * steps over it block by block and would say nothing, so the loss is put
 * in lost, to be reported (once per stretch) when a member follows, or at
 * the end unless the stretch began at a lone zero block (the end of the
 * archive, junk after it: nothing is lost, as GNU tar and bsdtar read it).
 */
static void
stretch_begins(struct walk *w, struct archive *a, const char *arcname,
    int64_t base, int64_t next_hdr, int direct, char *lost, size_t size,
    int *after_end)
{
	const char *msg = archive_error_string(a);

	snprintf(lost, size,
	    "%s: near byte %lld: %s: skipping to the next good header; a "
	    "member is lost",
	    arcname, (long long)archive_filter_bytes(a, -1) + (long long)base,
	    msg ? msg : "damaged header");
	*after_end = direct && zero_block_at(w->fd, base + next_hdr);
}

/*
 * What a header read with status r comes to: 0, go on with its member;
 * -1, the archive cannot be read further.  A loss is reported, counted and
 * marked in *damaged.
 */
static int
header_status(struct walk *w, struct archive *a, int r, const char *arcname,
    int64_t at, int *damaged)
{
	const char *msg = archive_error_string(a);

	/* Names are used as raw bytes, never converted to the locale's
	 * charset: that warning does not apply. */
	if (r == ARCHIVE_OK ||
	    (r == ARCHIVE_WARN && msg != NULL &&
		strstr(msg, "can't be converted")))
		return 0;
	/* A damaged header libarchive skipped silently, or worse. */
	list_lwarn(w->l, "%s: byte %lld: %s", arcname, (long long)at,
	    msg                     ? msg
		: r == ARCHIVE_WARN ? "damaged header"
				    : "unreadable archive");
	w->l->st.damaged++;
	if (r != ARCHIVE_WARN)
		return -1;
	*damaged = 1;
	return 0;
}

/* Whether the name a (na bytes) then b (nb) begins with the n bytes of s. */
static int
joined_begins(const char *a, size_t na, const char *b, size_t nb, const char *s,
    size_t n)
{
	if (na + nb < n)
		return 0;
	if (na >= n)
		return memcmp(a, s, n) == 0;
	return memcmp(a, s, na) == 0 && memcmp(b, s + na, n - na) == 0;
}

/*
 * Whether the member raw of an archive whose names begin with prefix is
 * in the walk's folder (w->under): its name T (prefix, then raw without
 * leading "./") begins with "under/", or it is an archive whose images
 * ("T without its suffix/NAME") can be: "under/" begins with that.  A
 * member that is the folder (a directory entry) or in it marks the
 * folder found.
 */
static int
in_folder(struct walk *w, struct archive_entry *e, const char *prefix,
    const char *raw)
{
	size_t pn = strlen(prefix), rn, un = w->under_len, sfx;

	if (raw == NULL)
		return 0;
	while (raw[0] == '.' && raw[1] == '/')
		raw += 2;
	rn = strlen(raw);
	if (joined_begins(prefix, pn, raw, rn, w->under, un) &&
	    (pn + rn > un && (un < pn ? prefix[un] : raw[un - pn]) == '/')) {
		w->under_found = 1;
		return 1;
	}
	if (archive_entry_filetype(e) == AE_IFDIR) {
		/* The folder itself: "under" or "under/" (and more '/'). */
		while (rn > 0 && raw[rn - 1] == '/')
			rn--;
		if (pn + rn == un &&
		    joined_begins(prefix, pn, raw, rn, w->under, un))
			w->under_found = 1;
		return 0;
	}
	/* An archive holding the folder: its images are named T without
	 * the suffix, and '/'; under/ must begin with that. */
	if (archive_entry_filetype(e) != AE_IFREG ||
	    (sfx = list_archive_suffix(raw)) == 0 || rn == sfx)
		return 0;
	rn -= sfx;
	return pn + rn <= un && memcmp(w->under, prefix, pn) == 0 &&
	    memcmp(w->under + pn, raw, rn) == 0 &&
	    (pn + rn == un || w->under[pn + rn] == '/');
}

/*
 * The member's name, cleaned, with prefix before it in full (*len bytes),
 * and the bytes of the walk's folder and '/' it begins with in *skip (0
 * without a folder): the name listed is full + *skip.  NULL when the
 * member is not a file to list: one outside the walk's folder (passed
 * over unseen), a name refused (reported, counted), a directory, a link
 * or another kind (counted as skipped).
 */
static const char *
member_name(struct walk *w, struct archive_entry *e, const char *prefix,
    const char *arcname, int64_t at, char *full, size_t size, size_t *len,
    size_t *skip)
{
	const char *why = NULL, *raw = archive_entry_pathname(e);
	const char *name;

	if (w->under != NULL && !in_folder(w, e, prefix, raw))
		return NULL;
	if ((name = list_clean_name(raw, &why)) == NULL) {
		list_lwarn(w->l, "%s: byte %lld: %s%s%s: refused", arcname,
		    (long long)at, why, raw && *raw ? ": " : "",
		    raw && *raw ? raw : "");
		w->l->st.refused++;
		return NULL;
	}
	if (archive_entry_filetype(e) != AE_IFREG ||
	    archive_entry_hardlink(e) != NULL) {
		if (archive_entry_filetype(e) != AE_IFDIR)
			w->l->st.skipped++;
		return NULL;
	}
	*len = (size_t)snprintf(full, size, "%s%s", prefix, name);
	/* The name listed is the one checked: in a folder, without it. */
	*skip = 0;
	if (w->under != NULL && *len<size && * len> w->under_len &&
	    memcmp(full, w->under, w->under_len) == 0 &&
	    full[w->under_len] == '/')
		*skip = w->under_len + 1;
	if (*len >= size || *len - *skip > PXR_NAME_MAX) {
		list_lwarn(w->l,
		    "%s: byte %lld: name longer than %u bytes: "
		    "refused",
		    arcname, (long long)at, PXR_NAME_MAX);
		w->l->st.refused++;
		return NULL;
	}
	return name;
}

/* Offsets are file offsets only in an uncompressed tar; anything else is
 * read in sequence. */
static int
offsets_are_direct(struct archive *a)
{
	return archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE &&
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_TAR;
}

/*
 * Walks every member of a: images are visited, inner archives walked.
 * direct: a is a window [base, end) of w->fd, so member bytes have file
 * offsets.  Returns 0, or -1 if the archive is damaged (reported).
 */
int
list_walk_archive(struct walk *w, struct archive *a, const char *prefix,
    const char *arcname, int direct, int64_t base, int64_t end, int depth)
{
	struct archive_entry *e;
	/* A name in a folder may be the folder longer than PXR_NAME_MAX. */
	char full[2 * PXR_NAME_MAX + 4], lost[PXR_NAME_MAX + 256];
	int r, damaged = 0, first = 1, retrying = 0, after_end = 0;
	int64_t next_hdr = 0; /* where the member after the last one starts */

	for (;;) {
		int64_t at = archive_read_header_position(a) + base;
		const char *name;
		size_t len, skip;

		if (w->quit != NULL && w->quit(w))
			return 0;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_RETRY) {
			if (!retrying)
				stretch_begins(w, a, arcname, base, next_hdr,
				    direct, lost, sizeof(lost), &after_end);
			retrying = 1;
			continue;
		}
		if (retrying && !(r == ARCHIVE_EOF && after_end)) {
			list_lwarn(w->l, "%s", lost);
			w->l->st.damaged++;
			damaged = 1;
		}
		if (r == ARCHIVE_EOF)
			break;
		retrying = 0;
		next_hdr = archive_filter_bytes(a, -1) +
		    ((archive_entry_size(e) + 511) & ~(int64_t)511);
		if (header_status(w, a, r, arcname, at, &damaged) == -1)
			return -1;
		if (first) {
			first = 0;
			direct = direct && offsets_are_direct(a);
		}
		name = member_name(w, e, prefix, arcname, at, full,
		    sizeof(full), &len, &skip);
		if (name == NULL)
			continue;
		if (list_archive_suffix(name) > 0) {
			walk_inner(w, a, e, prefix, name, direct, base, end,
			    depth);
		} else if (list_is_image(w->l, name)) {
			w->member(w, a, e, full + skip, len - skip, direct,
			    base, end);
			if (w->write_failed)
				return -1;
		} else {
			list_skip_file(w->l, name);
		}
	}
	return damaged ? -1 : 0;
}

int
list_walk_window(struct walk *w, int64_t start, int64_t end, const char *prefix,
    const char *arcname, int depth, const char **why)
{
	struct window win = { w->fd, start, end < start ? start : end, start,
		NULL, w->bufsize };
	struct archive *a;
	int r = 0;

	*why = "out of memory";
	if ((win.buf = malloc(win.bufsize)) == NULL)
		return -1;
	if ((a = list_new_reader()) == NULL) {
		free(win.buf);
		return -1;
	}
	archive_read_set_callback_data(a, &win);
	archive_read_set_read_callback(a, list_window_read);
	archive_read_set_skip_callback(a, list_window_skip);
	archive_read_set_seek_callback(a, list_window_seek);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		*why = archive_error_string(a) ? archive_error_string(a)
					       : "unrecognised format";
		r = -1;
		/* The message outlives the reader: copied where it lives. */
		snprintf(w->why, sizeof(w->why), "%s", *why);
		*why = w->why;
	} else {
		list_walk_archive(w, a, prefix, arcname, 1, start, end, depth);
	}
	archive_read_free(a);
	free(win.buf);
	return r;
}
