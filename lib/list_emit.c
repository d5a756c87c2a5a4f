/*
 * list_emit.c: the selected images sent as ENCODED records, read by pread
 * where the scan found their bytes, in the order that reads each source
 * from front to back, or in sequence through libarchive.
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

int
list_grow_buf(struct pxr_list *l, size_t n)
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
 * (a header may declare 16 GiB and hold nothing).  -1 with the reason in
 * why, the caller's. */
int
list_read_member(struct pxr_list *l, struct archive *a, uint64_t size,
    size_t *got, char *why, size_t whysize)
{
	*got = 0;
	if (size > MEMBER_MAX) {
		snprintf(why, whysize, "member too large (over %s)",
		    MEMBER_MAX_TEXT);
		return -1;
	}
	for (;;) {
		la_ssize_t n;

		if (*got == l->bufcap &&
		    list_grow_buf(l, l->bufcap ? l->bufcap * 2 : DATA_BLOCK) ==
			-1) {
			snprintf(why, whysize, "out of memory");
			return -1;
		}
		n = archive_read_data(a, l->buf + *got, l->bufcap - *got);
		if (n == 0)
			break;
		if (n < 0) {
			snprintf(why, whysize, "%s",
			    archive_error_string(a) ? archive_error_string(a)
						    : "read error");
			return -1;
		}
		*got += (size_t)n;
		if (*got > MEMBER_MAX) {
			snprintf(why, whysize, "member too large (over %s)",
			    MEMBER_MAX_TEXT);
			return -1;
		}
	}
	if (*got != size) {
		snprintf(why, whysize, "truncated: %zu of %llu bytes", *got,
		    (unsigned long long)size);
		return -1;
	}
	return 0;
}

/* Writes one image as an ENCODED record, or a failure record when fail is
 * set.  With fd >= 0, the n bytes at p were read from fd at off, and go out
 * from there by splice(2) where they can (pxr_write_from_fd).  -1 on a
 * write error. */
int
list_emit_bytes(struct walk *w, uint64_t index, const char *name,
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
int
list_open_regular(const char *path, const char **why)
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
 * archive) into l->buf; NULL, or the reason it failed, written in the
 * caller's why[whysize].  On success *datafd and *dataoff say where its
 * bytes lie, for list_emit_bytes; a file of a tree is left open, and the
 * caller closes it (*datafd != *fdp). */
static const char *
read_entry(struct pxr_list *l, size_t i, int *fdp, uint32_t *fd_src,
    int *datafd, int64_t *dataoff, char *why, size_t whysize)
{
	const struct entry *e = &l->ents[i];
	const struct src *s = &l->srcs[e->src];
	char path[PATH_MAX + 2 * PXR_NAME_MAX + 4];
	const char *reason;
	size_t got = 0;
	int64_t off = e->offset;
	int fd = *fdp;

	if (e->size > MEMBER_MAX) {
		snprintf(why, whysize, "image file too large (over %s)",
		    MEMBER_MAX_TEXT);
		return why;
	}
	if (s->kind == SRC_DIR) {
		snprintf(path, sizeof(path), "%s/%s%s%s", s->path, s->under,
		    *s->under != '\0' ? "/" : "", l->names + e->name_off);
		if ((fd = list_open_regular(path, &reason)) == -1) {
			snprintf(why, whysize, "%s", reason);
			return why;
		}
		off = 0;
	} else if (fd == -1 || *fd_src != e->src) {
		if (fd != -1)
			close(fd);
		if ((fd = list_open_regular(s->path, &reason)) == -1) {
			*fdp = -1;
			snprintf(why, whysize, "%s: %s", s->path, reason);
			return why;
		}
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		*fdp = fd;
		*fd_src = e->src;
	}
	if (list_grow_buf(l, e->size ? e->size : 1) == -1) {
		snprintf(why, whysize, "out of memory");
		goto out;
	}
	while (got < e->size) {
		ssize_t n =
		    pread(fd, l->buf + got, e->size - got, off + (int64_t)got);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(why, whysize, "read error: %s",
			    strerror(errno));
			goto out;
		}
		if (n == 0) {
			snprintf(why, whysize,
			    "truncated: the file ends %zu bytes into %llu", got,
			    (unsigned long long)e->size);
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
	struct archive *a = list_new_reader();
	int r = 0;

	if (a == NULL)
		return pxr_seterr(w->err, PXR_E_NOMEM, "out of memory");
	w->src = s;
	w->under = *src->under != '\0' ? src->under : NULL;
	w->under_len = strlen(src->under);
	if (archive_read_open_filename(a, src->path, DATA_BLOCK) !=
	    ARCHIVE_OK) {
		list_lwarn(w->l, "%s: %s", src->path, archive_error_string(a));
		w->l->st.damaged++;
	} else {
		list_walk_archive(w, a, src->prefix, src->path, 0, 0, -1, 0);
		r = w->write_failed ? -1 : 0;
	}
	archive_read_free(a);
	return r;
}

int64_t
pxr_list_emit(struct pxr_list *l, const struct pxr_list_sel *sel,
    struct pxr_writer *wr, struct pxr_err *err)
{
	struct walk w = { .l = l,
		.member = list_emit_member,
		.bufsize = DATA_BLOCK,
		.sel = sel,
		.use_index = 1,
		.wr = wr,
		.err = err,
		.fd = -1 };
	uint64_t hi = sel->hi < l->nent ? sel->hi : l->nent;
	struct order *ord = NULL;
	size_t n = 0, nseq = 0;
	uint32_t fd_src = 0;
	int fd = -1;

	if (sel->lo < hi &&
	    (ord = malloc((size_t)(hi - sel->lo) * sizeof(*ord))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (uint64_t i = sel->lo; i < hi; i++) {
		if (!list_selected(sel, i))
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
		char whybuf[512];
		const char *why = read_entry(l, i, &fd, &fd_src, &datafd,
		    &dataoff, whybuf, sizeof(whybuf));
		int r;

		if (why != NULL)
			list_lwarn(l, "%s#%zu: %s",
			    l->names + l->ents[i].name_off, i, why);
		r = list_emit_bytes(&w, i, l->names + l->ents[i].name_off,
		    l->buf, why ? 0 : l->ents[i].size, why, datafd, dataoff);
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
		if ((w.met = calloc(l->nent, sizeof(*w.met))) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		for (uint32_t s = 0; s < l->nsrc; s++) {
			int has = 0;

			for (uint64_t i = sel->lo; i < hi && !has; i++)
				has = l->ents[i].src == s &&
				    l->ents[i].offset < 0;
			if (has && emit_sequential(&w, s) == -1) {
				free(w.met);
				return -1;
			}
		}
		free(w.met);
	}
	return w.failures;
}

/* The folder of a stream: with an index, that of its first source (the
 * one its scan was named: the others are archives found in a tree), else
 * the list's; "" for all of it. */
static const char *
stream_under(const struct pxr_list *l, int use_index)
{
	if (use_index)
		return l->nsrc > 0 ? l->srcs[0].under : "";
	return l->under != NULL ? l->under : "";
}

int64_t
pxr_list_stream(struct pxr_list *l, int fd, const char *name, int use_index,
    const struct pxr_list_sel *sel, struct pxr_writer *wr, struct pxr_err *err)
{
	struct walk w = { .l = l,
		.member = list_emit_member,
		.bufsize = DATA_BLOCK,
		.sel = sel,
		.use_index = use_index,
		.wr = wr,
		.err = err,
		.fd = -1,
		.src = UINT32_MAX };
	const char *under = stream_under(l, use_index);
	struct archive *a;
	int r;

	if (*under != '\0') {
		w.under = under;
		w.under_len = strlen(under);
	}
	a = list_new_reader();
	if (a == NULL ||
	    (use_index && l->nent > 0 &&
		(w.met = calloc(l->nent, sizeof(*w.met))) == NULL)) {
		archive_read_free(a);
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	}
	if (archive_read_open_fd(a, fd, DATA_BLOCK) != ARCHIVE_OK) {
		r = pxr_seterr(err, PXR_E_FORMAT, "%s: not an archive: %s",
		    name,
		    archive_error_string(a) ? archive_error_string(a)
					    : "unrecognised format");
		archive_read_free(a);
		free(w.met);
		return r;
	}
	list_walk_archive(&w, a, "", name, 0, 0, -1, 0);
	archive_read_free(a);
	free(w.met);
	if (w.write_failed)
		return -1;
	if (w.under != NULL && !w.under_found)
		return pxr_seterr(err, PXR_E_FORMAT, "%s: no folder '%s' in it",
		    name, w.under);
	if (!use_index)
		l->st.images = w.counter;
	return w.failures;
}

/* The emitter's member callback, for archives read in sequence: which
 * index, is it wanted, and then its bytes sent. */
void
list_emit_member(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *full, size_t len, int direct, int64_t base, int64_t end)
{
	int64_t size = archive_entry_size(e), index;
	char why[256];
	int bad;
	size_t got = 0;

	(void)direct;
	(void)base;
	(void)end;
	if (w->use_index) {
		index = list_find_name(w->l, full, len);
		if (index < 0) {
			list_lwarn(w->l, "%s: not in the index: skipped", full);
			w->l->st.skipped++;
			return;
		}
		/* The copy that won, read by pread, is sent by the emitter;
		 * that of another source, by that source's walk. */
		if (w->src != UINT32_MAX &&
		    (w->l->ents[index].offset >= 0 ||
			w->l->ents[index].src != w->src))
			return;
		/* Of several members with this name, only the one that won:
		 * the last (an earlier copy is neither sent nor counted). */
		if (w->met != NULL && w->met[index]++ != w->l->ents[index].copy)
			return;
	} else {
		index = (int64_t)w->counter++;
	}
	if (!list_selected(w->sel, (uint64_t)index))
		return;
	bad = list_read_member(w->l, a, (uint64_t)size, &got, why,
		  sizeof(why)) == -1;
	if (bad) {
		list_lwarn(w->l, "%s: %s", full, why);
		w->l->st.damaged++;
	}
	if (list_emit_bytes(w, (uint64_t)index, full, w->l->buf, got,
		bad ? why : NULL, -1, 0) == -1)
		w->write_failed = 1;
}
