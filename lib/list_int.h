/*
 * list_int.h: what the parts of the image list share (lib/list*.c):
 *   list.c        the table of entries, the order, the selection
 *   list_walk.c   archives read in place, tars in tars as windows
 *   list_prefetch.c  a tarball's inner tars' headers read ahead
 *   list_scan.c   trees and archives scanned into the table
 *   list_index.c  the index file written and read
 *   list_emit.c   the selected images sent as records
 *   list_dims.c   the selected images' stored sizes, from their headers
 *   list_load.c   a command line's list: an index read, or sources scanned
 * Each calls only files listed before it, so that none calls back up:
 * list.c, the table, calls none of them; list_load.c, at the top, calls
 * the scan, the index and the table.
 */
#ifndef PXR_LIST_INT_H
#define PXR_LIST_INT_H

#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>
#include <stdint.h>

#include "list.h"
#include "pxr.h"
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

#include "list.h"
#include "pxr.h"

enum src_kind { SRC_DIR, SRC_FILE, SRC_ARCHIVE, SRC_STDIN };

struct src {
	char *path;   /* absolute path of the file or directory */
	char *prefix; /* before its members' names: "" but for an archive
			 found in a tree ("cls/" for cls.tar.gz) */
	/* The folder below the source's top that is listed ("" for all of
	 * it; pxr_list_set_under): a tree's images are read from
	 * path/under/NAME, an archive's members named under/NAME are its
	 * images NAME. */
	char *under;
	enum src_kind kind;
	/* An archive's stat signature when it was scanned (list_signature),
	 * kept in the index: "" for the other kinds. */
	char sig[PXR_LIST_SIG];
};

/* The stat signature of a file in sig (PXR_LIST_SIG bytes). */
void list_signature(const struct stat *st, char *sig);

/* One image.  offset >= 0: its bytes are [offset, offset+size) of the
 * source file (or the whole file for SRC_DIR/SRC_FILE); -1: only a
 * sequential read of the source reaches them. */
struct entry {
	uint64_t name_off;
	uint32_t name_len;
	uint32_t src;
	int64_t offset;
	uint64_t size;
	/* The order found, to let the later of two copies win (32 bits, as
	 * 2^32 entries would take 160 GB: the entry stays 40 bytes). */
	uint32_t seq;
	/* The members of this name in the same source before this one,
	 * which it replaces (set by pxr_list_sort or read from an index): a
	 * walk of the source in sequence sends the copy+1-th member of the
	 * name, the last. */
	uint32_t copy;
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
	pxr_warn_fn warn;
	void *warn_ctx;
	uint64_t seq;
	struct pxr_list_stats st;

	struct skipped_ext {
		char ext[16];
		uint64_t count;
	} skipped[PXR_LIST_EXTS];

	size_t nskipped;
	char *under;        /* pxr_list_set_under's folder, NULL for none */
	unsigned char *buf; /* emitter's payload buffer, reused */
	size_t bufcap;
};

/* Read sizes: small while scanning headers (the data is skipped), large
 * when reading data. */
#define SCAN_BLOCK 512
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

/* State of one walk over an archive and the archives inside it.  member
 * is called for each image member: the scan records it, the emitter sends
 * it (a is positioned at its data; direct: a is a window [base, end) of
 * fd, so the member's bytes have file offsets). */
struct walk {
	struct pxr_list *l;
	void (*member)(struct walk *w, struct archive *a,
	    struct archive_entry *e, const char *full, size_t len, int direct,
	    int64_t base, int64_t end);
	size_t bufsize; /* read size: small to scan headers, large for data */
	/* When set, an inner archive lying whole in the file is handed to
	 * it instead of walked (the prefetcher queues them). */
	void (*inner)(struct walk *w, int64_t start, int64_t end);
	void *ctx;
	/* When set and true, the walk ends at the next header (the
	 * prefetcher, told to stop). */
	int (*quit)(struct walk *w);
	uint64_t seen, seen_bytes; /* the scan's first members: how large */
	struct list_prefetch *pf;  /* the scan's prefetcher, if any */
	uint32_t src;
	int fd; /* the source file, for windows; -1 for a stream */
	/* The folder walked (src.under), under_len bytes; NULL for all.
	 * Members outside it are passed over unseen; the callback gets an
	 * image's name without under and '/'.  under_found: a member was
	 * the folder or in it. */
	const char *under;
	size_t under_len;
	int under_found;
	/* emitting */
	const struct pxr_list_sel *sel;
	int use_index; /* names looked up in the index, else numbered */
	uint64_t counter;
	struct pxr_writer *wr;
	int64_t failures;
	int write_failed;
	struct pxr_err *err;
	/* With use_index: how many members of each index's name the walk
	 * has met, to send only the copy that won (entry.copy). */
	uint32_t *met;
	char why[256]; /* list_walk_window's reason */
};

/* list.c: the table of entries */
void list_lwarn(struct pxr_list *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int list_is_image(const struct pxr_list *l, const char *name);
void list_skip_file(struct pxr_list *l, const char *name);
size_t list_archive_suffix(const char *name);
int list_add_src(struct pxr_list *l, const char *path, const char *prefix,
    const char *under, enum src_kind kind, uint32_t *id);
int list_add_entry(struct pxr_list *l, const char *name, size_t len,
    uint32_t src, int64_t offset, uint64_t size);
const char *list_clean_name(const char *name, const char **why);
/* Whether the n bytes at dir are a folder path below a source's top:
 * parts between single '/', none of them empty, "." or "..". */
int list_is_folder_path(const char *dir, size_t n);
int64_t list_find_name(const struct pxr_list *l, const char *name, size_t len);
int list_selected(const struct pxr_list_sel *sel, uint64_t index);
/* Bytewise order of the names of entries i and j. */
int list_cmp_names(const struct pxr_list *l, size_t i, size_t j);

/* list_walk.c: archives read in place */

/*
 * A window [start, end) of the file fd, read with pread: a whole archive
 * file, or an inner archive lying whole inside one (0 <= start <= end).
 * pos, the next byte read, stays within [start, end].  The callbacks are
 * libarchive's (archive_read_set_*_callback): a read at the end returns 0;
 * a skip or a seek past the end lands at the end; a seek to before the
 * start fails (ARCHIVE_FATAL, pos kept), as lseek(2) refuses a negative
 * offset.  Seek offsets and results count from start.
 */
struct window {
	int fd;
	int64_t start, end, pos;
	unsigned char *buf; /* bufsize bytes, the reads' */
	size_t bufsize;
};

la_ssize_t list_window_read(struct archive *a, void *p, const void **out);
la_int64_t list_window_skip(struct archive *a, void *p, la_int64_t request);
la_int64_t list_window_seek(struct archive *a, void *p, la_int64_t offset,
    int whence);

struct archive *list_new_reader(void);
int list_walk_archive(struct walk *w, struct archive *a, const char *prefix,
    const char *arcname, int direct, int64_t base, int64_t end, int depth);
/*
 * Walks the archive that is the byte range [start, end) of w->fd, read as
 * a window that never reads past it, seeking over member data.  0, or -1
 * when it is not a readable archive (*why says why).
 */
int list_walk_window(struct walk *w, int64_t start, int64_t end,
    const char *prefix, const char *arcname, int depth, const char **why);

/* list_prefetch.c: the headers of a tarball's inner tars read ahead,
 * several at once, while the scan walks them one after the other. */
struct list_prefetch;
struct list_prefetch *list_prefetch_start(const struct pxr_list *l, int fd,
    int64_t size, const char *under);
void list_prefetch_stop(struct list_prefetch *p);
/* Tells the prefetcher to read no more (its walks end at their next
 * header). */
void list_prefetch_cancel(struct list_prefetch *p);
/* Copies what a scan needs to tell images apart (the patterns). */
struct pxr_list *list_clone_matching(const struct pxr_list *l);
void list_free_clone(struct pxr_list *c);

/* list_emit.c */
int list_grow_buf(struct pxr_list *l, size_t n);
/* Opens a file the scan found to be a regular file (O_NONBLOCK while
 * opening, so that a FIFO put in its place cannot block); -1 with the
 * reason in *why. */
int list_open_regular(const char *path, const char **why);
/* Reads the current member's data into l->buf (*got bytes); 0, or -1
 * with the reason in the caller's why[whysize]. */
int list_read_member(struct pxr_list *l, struct archive *a, uint64_t size,
    size_t *got, char *why, size_t whysize);
int list_emit_bytes(struct walk *w, uint64_t index, const char *name,
    const unsigned char *p, size_t n, const char *fail, int fd, int64_t off);
void list_emit_member(struct walk *w, struct archive *a,
    struct archive_entry *e, const char *full, size_t len, int direct,
    int64_t base, int64_t end);

#endif /* PXR_LIST_INT_H */
