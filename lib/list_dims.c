/*
 * list_dims.c: every listed image's stored size, read from its header in
 * place (pxr_dims_scan), for a plan that must know each output size before
 * any image is decoded (#28).  A member of an archive read in place costs
 * the page that follows its tar header at most, unless its header runs on
 * (a long EXIF segment before the frame header); a file of a tree, its
 * first page.
 */
#include "list_int.h"

#include "decode.h"

#define PAGE 4096u

/* Reads per image at most, against a header that never ends. */
#define READS_MAX 4096

struct dims_run {
	struct pxr_list *l;
	struct pxr_image_dims *out;
	uint64_t lo;
	struct pxr_list_dims_stats *st;
	int64_t failed;
	uint32_t *met; /* sequential walks: members met of each name */
};

/* Pages of [a, b) after page *last (the highest counted); counts them. */
static void
count_pages(struct pxr_list_dims_stats *st, int64_t *last, uint64_t a,
    uint64_t b)
{
	int64_t first = (int64_t)(a / PAGE), end;

	if (b <= a)
		return;
	end = (int64_t)((b - 1) / PAGE);
	if (first <= *last)
		first = *last + 1;
	if (end >= first) {
		st->pages += (uint64_t)(end - first + 1);
		*last = end;
	}
}

static void
failed(struct dims_run *r, uint64_t i, const char *why)
{
	list_lwarn(r->l, "%s#%llu: %s", r->l->names + r->l->ents[i].name_off,
	    (unsigned long long)i, why);
	r->out[i - r->lo].ok = 0;
	r->failed++;
}

static void
found(struct dims_run *r, uint64_t i, const struct pxr_dims *d)
{
	struct pxr_image_dims *o = &r->out[i - r->lo];

	o->width = d->width;
	o->height = d->height;
	o->orientation = (uint8_t)d->orientation;
	o->ok = 1;
}

/* Image i, whose bytes are [off, off + size) of fd: read where the scan
 * asks, a page at a time at least. */
static void
dims_pread(struct dims_run *r, uint64_t i, int fd, int64_t off,
    int64_t header_page)
{
	const struct entry *e = &r->l->ents[i];
	uint64_t start = 0, size = e->size;
	size_t len;
	struct pxr_dims d = { 0 };
	struct pxr_err err;
	int64_t last = header_page;
	char why[160];

	/* The first read: to the end of the page after the header's (the
	 * member's own first page when it starts one). */
	len = (size_t)(((uint64_t)(header_page + 2) * PAGE) - (uint64_t)off);
	if (header_page < 0 || len > 2 * PAGE)
		len = PAGE;
	for (int reads = 0; reads < READS_MAX; reads++) {
		ssize_t n;
		int k;

		if (start + len > size)
			len = (size_t)(size - start);
		if (len > 0 && list_grow_buf(r->l, len) == -1) {
			failed(r, i, "out of memory");
			return;
		}
		do
			n = pread(fd, r->l->buf, len, off + (int64_t)start);
		while (n == -1 && errno == EINTR);
		if (n == -1) {
			snprintf(why, sizeof(why), "read error: %s",
			    strerror(errno));
			failed(r, i, why);
			return;
		}
		r->st->reads++;
		r->st->bytes += (uint64_t)n;
		count_pages(r->st, &last, (uint64_t)off + start,
		    (uint64_t)off + start + (uint64_t)n);
		k = pxr_dims_scan(&d, r->l->buf, (size_t)n, start, 1, &err);
		if (k == 1) {
			found(r, i, &d);
			return;
		}
		if (k == -1) {
			failed(r, i, err.msg);
			return;
		}
		if ((size_t)n < len || d.next + d.want > size) {
			snprintf(why, sizeof(why),
			    "the header ends early: no image size in its "
			    "%llu bytes",
			    (unsigned long long)size);
			failed(r, i, why);
			return;
		}
		start = d.next;
		/* To the end of the page it asks from, or further. */
		len = PAGE - (size_t)((uint64_t)(off + (int64_t)start) % PAGE);
		if (len < d.want)
			len = d.want;
	}
	failed(r, i, "a header of more segments than are read");
}

/* The sequential walk's member callback: a member's first bytes, read as
 * they come until its size is known. */
static void
dims_member(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *full, size_t len, int direct, int64_t base, int64_t end)
{
	struct dims_run *r = w->ctx;
	int64_t index = list_find_name(w->l, full, len);
	struct pxr_dims d = { 0 };
	struct pxr_err err;
	size_t got = 0;
	int k = 0;

	(void)e;
	(void)direct;
	(void)base;
	(void)end;
	/* As the emitter: the copy that won, of this source, in range. */
	if (index < 0 || w->l->ents[index].offset >= 0 ||
	    w->l->ents[index].src != w->src ||
	    r->met[index]++ != w->l->ents[index].copy ||
	    (uint64_t)index < w->sel->lo || (uint64_t)index >= w->sel->hi)
		return;
	for (;;) {
		la_ssize_t n;

		if (got == w->l->bufcap &&
		    list_grow_buf(w->l, got ? got * 2 : PAGE) == -1) {
			failed(r, (uint64_t)index, "out of memory");
			return;
		}
		n = archive_read_data(a, w->l->buf + got, w->l->bufcap - got);
		if (n < 0) {
			failed(r, (uint64_t)index,
			    archive_error_string(a) ? archive_error_string(a)
						    : "read error");
			return;
		}
		r->st->reads++;
		r->st->bytes += (uint64_t)n;
		if (n == 0)
			break;
		got += (size_t)n;
		memset(&d, 0, sizeof(d));
		if ((k = pxr_dims_scan(&d, w->l->buf, got, 0, 1, &err)) != 0)
			break;
	}
	if (k == 1)
		found(r, (uint64_t)index, &d);
	else if (k == -1)
		failed(r, (uint64_t)index, err.msg);
	else
		failed(r, (uint64_t)index,
		    "the header ends early: no image size in it");
}

struct place {
	uint32_t src;
	int64_t offset;
	uint64_t index;
};

static int
cmp_place(const void *pa, const void *pb)
{
	const struct place *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->offset != b->offset) /* a tree's files are all at 0 */
		return a->offset < b->offset ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* The images of sel's range read in place, in file order. */
static int
dims_in_place(struct dims_run *r, const struct pxr_list_sel *sel, uint64_t hi,
    size_t *nseq, struct pxr_err *err)
{
	struct pxr_list *l = r->l;
	struct place *ord;
	size_t n = 0;
	uint32_t fd_src = UINT32_MAX;
	int fd = -1;

	if ((ord = malloc((size_t)(hi - sel->lo + 1) * sizeof(*ord))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	for (uint64_t i = sel->lo; i < hi; i++)
		if (l->ents[i].offset >= 0)
			ord[n++] = (struct place){ l->ents[i].src,
				l->ents[i].offset, i };
		else
			++*nseq;
	qsort(ord, n, sizeof(*ord), cmp_place);
	for (size_t k = 0; k < n; k++) {
		uint64_t i = ord[k].index;
		const struct entry *e = &l->ents[i];
		const struct src *s = &l->srcs[e->src];
		char path[PATH_MAX + 2 * PXR_NAME_MAX + 4], why[PATH_MAX + 64];
		const char *reason;

		if (s->kind == SRC_DIR) {
			int f;

			snprintf(path, sizeof(path), "%s/%s%s%s", s->path,
			    s->under, *s->under != '\0' ? "/" : "",
			    l->names + e->name_off);
			if ((f = list_open_regular(path, &reason)) == -1) {
				failed(r, i, reason);
				continue;
			}
			(void)posix_fadvise(f, 0, 0, POSIX_FADV_RANDOM);
			dims_pread(r, i, f, 0, -1);
			close(f);
			continue;
		}
		if (fd == -1 || fd_src != e->src) {
			if (fd != -1)
				close(fd);
			fd_src = e->src;
			if ((fd = list_open_regular(s->path, &reason)) == -1) {
				snprintf(why, sizeof(why), "%s: %s", s->path,
				    reason);
				failed(r, i, why);
				continue;
			}
			/* No read-ahead: only the pages asked for. */
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
		}
		/* A file named on the command line has no tar header; a
		 * member's lies in the 512 bytes before it. */
		dims_pread(r, i, fd, e->offset,
		    s->kind == SRC_FILE ? -1
					: (int64_t)((e->offset - 512) / PAGE));
	}
	if (fd != -1)
		close(fd);
	free(ord);
	return 0;
}

int64_t
pxr_list_dims(struct pxr_list *l, const struct pxr_list_sel *sel,
    struct pxr_image_dims *out, struct pxr_list_dims_stats *st,
    struct pxr_err *err)
{
	uint64_t hi = sel->hi < l->nent ? sel->hi : l->nent;
	struct dims_run r = { l, out, sel->lo, st, 0, NULL };
	size_t nseq = 0;

	memset(st, 0, sizeof(*st));
	if (sel->lo >= hi)
		return 0;
	memset(out, 0, (size_t)(hi - sel->lo) * sizeof(*out));
	st->images = hi - sel->lo;
	if (dims_in_place(&r, sel, hi, &nseq, err) == -1)
		return -1;
	if (nseq > 0) {
		/* Compressed archives: each read once, in sequence. */
		struct walk w = { .l = l,
			.member = dims_member,
			.bufsize = DATA_BLOCK,
			.sel = sel,
			.use_index = 1,
			.ctx = &r,
			.err = err,
			.fd = -1 };

		if ((r.met = calloc(l->nent, sizeof(*r.met))) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		for (uint32_t s = 0; s < l->nsrc; s++) {
			const struct src *src = &l->srcs[s];
			struct archive *a;
			int has = 0;

			for (uint64_t i = sel->lo; i < hi && !has; i++)
				has = l->ents[i].src == s &&
				    l->ents[i].offset < 0;
			if (!has)
				continue;
			if ((a = list_new_reader()) == NULL) {
				free(r.met);
				return pxr_seterr(err, PXR_E_NOMEM,
				    "out of memory");
			}
			w.src = s;
			w.under = *src->under != '\0' ? src->under : NULL;
			w.under_len = strlen(src->under);
			if (archive_read_open_filename(a, src->path,
				DATA_BLOCK) != ARCHIVE_OK) {
				list_lwarn(l, "%s: %s", src->path,
				    archive_error_string(a));
				l->st.damaged++;
			} else {
				list_walk_archive(&w, a, src->prefix, src->path,
				    0, 0, -1, 0);
			}
			archive_read_free(a);
		}
		/* A member the walk never met (the archive changed or was cut
		 * short) has no size. */
		for (uint64_t i = sel->lo; i < hi; i++)
			if (l->ents[i].offset < 0 &&
			    r.met[i] <= l->ents[i].copy)
				failed(&r, i, "not met in its archive");
		free(r.met);
	}
	st->failed = (uint64_t)r.failed;
	return r.failed;
}
