/*
 * list_scan.c: directory trees and archives scanned into the table of
 * entries: names, sizes, and where the bytes lie.
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

/*
 * The scan reads headers: one page per header.  Where members are large
 * (ImageNet's average 110 KB) that is a few percent of the file, and the
 * kernel's readahead would read the member data between them for nothing
 * (POSIX_FADV_RANDOM, set when the scan opens the file); where they are
 * small, a page per header is most of the file, and reading it in
 * sequence is faster: after the first members, readahead comes back.
 */
#define POLICY_AFTER 64
#define SMALL_MEMBERS 32768

static void
readahead_policy(struct walk *w, uint64_t size)
{
	if (w->fd < 0 || w->seen > POLICY_AFTER)
		return;
	w->seen_bytes += size;
	if (++w->seen == POLICY_AFTER &&
	    w->seen_bytes / POLICY_AFTER < SMALL_MEMBERS) {
		(void)posix_fadvise(w->fd, 0, 0, POSIX_FADV_NORMAL);
		/* Reading in sequence: readers elsewhere would only seek. */
		list_prefetch_cancel(w->pf);
	}
}

/* The scan's member callback: an image recorded, with its place in the
 * file when it has one. */
static void
scan_member(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *full, size_t len, int direct, int64_t base, int64_t end)
{
	int64_t size = archive_entry_size(e), off = -1;

	if (direct && archive_entry_sparse_count(e) == 0) {
		off = base + archive_filter_bytes(a, -1);
		if (end >= 0 && off + size > end) {
			list_lwarn(w->l,
			    "%s: truncated: the archive ends %lld bytes "
			    "into this member of %lld",
			    full, (long long)(end - off), (long long)size);
			w->l->st.damaged++;
			return;
		}
	}
	readahead_policy(w, (uint64_t)size);
	if (list_add_entry(w->l, full, len, w->src, off, (uint64_t)size)) {
		list_lwarn(w->l, "%s: out of memory: not listed", full);
		w->l->st.damaged++;
	}
}

/* From this size on, a tarball's inner tars are read ahead. */
#define PREFETCH_MIN (64 << 20)

/* An uncompressed tar (the POSIX or GNU magic at byte 257): its members'
 * bytes lie in the file, so the scan reads its headers only.  An old tar
 * with no magic is read whole, as a compressed one: slower, not wrong. */
static int
is_plain_tar(int fd)
{
	char magic[5];

	return pread(fd, magic, sizeof(magic), 257) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "ustar", sizeof(magic)) == 0;
}

/* Scans an archive file: windows over the file when it is seekable.
 * under: the folder of it listed (NULL: all); *found (with under) says
 * whether a member was the folder or in it. */
static int
scan_archive(struct pxr_list *l, const char *path, const char *prefix,
    const char *under, int *found, struct pxr_err *err)
{
	struct walk w = { .l = l,
		.member = scan_member,
		.bufsize = SCAN_BLOCK };
	struct list_prefetch *pf = NULL;
	const char *why;
	struct stat st;
	uint32_t id;
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 ||
	    list_add_src(l, path, prefix, under ? under : "", SRC_ARCHIVE,
		&id) == -1) {
		close(fd);
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	}
	/* Taken before any read: a change while it is read differs. */
	list_signature(&st, l->srcs[id].sig);
	if (st.st_size == 0) {
		list_lwarn(l, "%s: empty file (0 bytes): no images", path);
		l->st.damaged++;
		close(fd);
		return 0;
	}
	w.src = id;
	w.fd = fd;
	if (under != NULL) {
		w.under = under;
		w.under_len = strlen(under);
	}
	if (is_plain_tar(fd)) {
		/* Headers only: no readahead over the member data between
		 * them (a cold 138 GB tarball is then indexed without
		 * reading it), and a large tar of tars has its inner tars'
		 * headers read ahead, several at once (list_prefetch.c). */
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
		if (st.st_size >= PREFETCH_MIN)
			w.pf = pf =
			    list_prefetch_start(l, fd, st.st_size, under);
	} else {
		/* Compressed, or another format: read whole, in sequence. */
		w.bufsize = DATA_BLOCK;
	}
	if (list_walk_window(&w, 0, st.st_size, prefix, path, 0, &why) == -1)
		r = pxr_seterr(err, PXR_E_FORMAT, "%s: not an archive: %s",
		    path, why);
	list_prefetch_stop(pf);
	close(fd);
	if (found != NULL)
		*found = w.under_found;
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
		sizeof(path) ||
	    strlen(rel) > PXR_NAME_MAX) {
		list_lwarn(l, "%s/%s: path too long: skipped", root, rel);
		l->st.refused++;
		return;
	}
	if (stat(path, &st) == -1) { /* follows symbolic links */
		list_lwarn(l, "%s: %s", path, strerror(errno));
		l->st.damaged++;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		struct dirstack me = { st.st_dev, st.st_ino, up };

		for (const struct dirstack *d = up; d != NULL; d = d->up)
			if (d->dev == st.st_dev && d->ino == st.st_ino) {
				list_lwarn(l, "%s: symbolic link loop: skipped",
				    path);
				l->st.skipped++;
				return;
			}
		scan_dir(l, root, id, rel, &me);
	} else if (S_ISREG(st.st_mode) && list_archive_suffix(rel) > 0) {
		char prefix[PXR_NAME_MAX + 2];
		struct pxr_err err;

		/* An extracted outer tar: a folder of inner tars, whose
		 * images are named as if those were extracted too. */
		snprintf(prefix, sizeof(prefix), "%.*s/",
		    (int)(strlen(rel) - list_archive_suffix(rel)), rel);
		if (scan_archive(l, path, prefix, NULL, NULL, &err) == -1) {
			list_lwarn(l, "%s", err.msg);
			l->st.damaged++;
		}
	} else if (S_ISREG(st.st_mode) && list_is_image(l, rel)) {
		if (list_add_entry(l, rel, strlen(rel), id, 0,
			(uint64_t)st.st_size)) {
			list_lwarn(l, "%s: out of memory: not listed", path);
			l->st.damaged++;
		}
	} else if (S_ISREG(st.st_mode)) {
		list_skip_file(l, rel);
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
		list_lwarn(l, "%s: %s", path, strerror(errno));
		l->st.damaged++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char child[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name);
		if (n == cap) {
			char **p = realloc(names,
			    (cap = cap ? cap * 2 : 64) * sizeof(*p));

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
		list_lwarn(l,
		    "%s: out of memory: the rest of this folder is not "
		    "listed",
		    path);
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

/* "SOURCE: no folder 'DIR' in it", for a source whose folder under
 * cannot be listed. */
static int
no_folder(const char *path, const char *under, struct pxr_err *err)
{
	return pxr_seterr(err, PXR_E_FORMAT, "%s: no folder '%s' in it", path,
	    under);
}

/* Scans the tree abs (path as given) as a source: all of it, or its
 * folder under. */
static int
scan_tree(struct pxr_list *l, const char *path, const char *abs,
    const char *under, const struct stat *top, struct pxr_err *err)
{
	struct dirstack top_dir = { 0, 0, NULL };
	char root[PATH_MAX];
	struct stat st = *top;
	uint32_t id;

	if (under != NULL) {
		if ((size_t)snprintf(root, sizeof(root), "%s/%s", abs, under) >=
		    sizeof(root))
			return pxr_seterr(err, PXR_E_USAGE,
			    "%s/%s: path too long", path, under);
		if (stat(root, &st) == -1 || !S_ISDIR(st.st_mode))
			return no_folder(path, under, err);
	} else {
		snprintf(root, sizeof(root), "%s", abs);
	}
	if (list_add_src(l, abs, "", under ? under : "", SRC_DIR, &id) == -1)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	top_dir.dev = st.st_dev;
	top_dir.ino = st.st_ino;
	scan_dir(l, root, id, "", &top_dir);
	return 0;
}

int
pxr_list_scan(struct pxr_list *l, const char *path, struct pxr_err *err)
{
	char abs[PATH_MAX];
	struct stat st;
	uint32_t id;
	int found;

	if (stat(path, &st) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (realpath(path, abs) == NULL)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return scan_tree(l, path, abs, l->under, &st, err);
	if (!S_ISREG(st.st_mode))
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: not a directory, an image or an archive", path);
	if (list_archive_suffix(path) == 0 &&
	    (list_is_image(l, path) || image_content(abs))) {
		/* A lone image: named by its basename, read whole.  A file
		 * named on the command line is told by its content too (a
		 * .mpo is a JPEG), as pxr-decode tells them, unless its
		 * name says archive.  It has no folder in it. */
		char dir[PATH_MAX];
		char *slash;

		if (l->under != NULL)
			return no_folder(path, l->under, err);
		strcpy(dir, abs);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (list_add_src(l, *dir ? dir : "/", "", "", SRC_DIR, &id) ==
			-1 ||
		    list_add_entry(l, slash + 1, strlen(slash + 1), id, 0,
			(uint64_t)st.st_size) == -1)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return 0;
	}
	found = 0;
	if (scan_archive(l, abs, "", l->under, &found, err) == -1)
		return -1;
	if (l->under != NULL && !found)
		return no_folder(path, l->under, err);
	return 0;
}
