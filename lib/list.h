/*
 * list.h: image sources (directory trees, image files, archives, tars of
 * tars) as encoded-image records in one deterministic order (lib/list.c),
 * for pxr-list and its tests.
 */
#ifndef PXR_LIST_H
#define PXR_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

struct pxr_list;

/* Receives every warning about the sources (damage, refused names,
 * duplicates); the list itself never prints. */
typedef void (*pxr_list_warn_fn)(void *ctx, const char *msg);

struct pxr_list *pxr_list_new(pxr_list_warn_fn warn, void *ctx);
void pxr_list_free(struct pxr_list *l);

/* Images are picked by these fnmatch(3) patterns on the basename, any
 * case; without any, by the extensions .jpeg .jpg .png. */
int pxr_list_add_match(struct pxr_list *l, const char *glob,
    struct pxr_err *err);

/*
 * Adds every image of one source: a directory (walked recursively,
 * following symbolic links), an image file, or an archive (tars of tars
 * read in place).  Reads headers only where the source can seek.  Returns 0,
 * or -1 when the source cannot be read at all (err filled).  Damage inside
 * it is reported through the warn callback and counted.
 */
int pxr_list_scan(struct pxr_list *l, const char *path, struct pxr_err *err);

/* Sorts the images by name (bytewise), resolves duplicate names (the later
 * copy wins, as tar extraction does) and numbers them from 0. */
void pxr_list_sort(struct pxr_list *l);

uint64_t pxr_list_count(const struct pxr_list *l);
const char *pxr_list_name(const struct pxr_list *l, uint64_t i, size_t *len);

/* Text index: sources, then one line per image (see pxr-list(1)). */
int pxr_list_write_index(const struct pxr_list *l, const char *path,
    struct pxr_err *err);
int pxr_list_read_index(struct pxr_list *l, const char *path,
    struct pxr_err *err);

/* What pxr_list_emit() should send. */
struct pxr_list_sel {
	uint64_t lo, hi;	     /* index range [lo, hi) */
	const unsigned char *done; /* status bytes (1 = done) or NULL */
	uint64_t done_len;
};

/* Shard k (from 1) of n of total images: [*lo, *hi), contiguous, the n
 * shards together each image once, their sizes within one. */
void pxr_list_shard(uint64_t total, uint64_t k, uint64_t n, uint64_t *lo,
    uint64_t *hi);

/*
 * Writes the selected images as ENCODED records to wr, in the order that
 * reads the sources sequentially.  An image that cannot be read becomes a
 * failure record.  Returns the number of failure records written, or -1 on
 * a write error (err filled).
 */
int64_t pxr_list_emit(struct pxr_list *l, const struct pxr_list_sel *sel,
    struct pxr_writer *wr, struct pxr_err *err);

/*
 * Reads an archive from fd (a pipe: no seeking) and writes its images as
 * they come.  With an index read before (pxr_list_read_index), each image
 * gets the index its name has there; otherwise images are numbered in the
 * archive's order.  Returns failures written or -1 as pxr_list_emit().
 */
int64_t pxr_list_stream(struct pxr_list *l, int fd, const char *name,
    int use_index, const struct pxr_list_sel *sel, struct pxr_writer *wr,
    struct pxr_err *err);

/* Whether path (resolved) is one of the sources of an index read. */
int pxr_list_has_source(const struct pxr_list *l, const char *path);

/* Counters for --verbose and the exit status. */
struct pxr_list_stats {
	uint64_t images, skipped, refused, duplicates, damaged, sources;
};
void pxr_list_stats(const struct pxr_list *l, struct pxr_list_stats *st);

/* Files left out as not images, counted by extension ("(none)" without
 * one; past PXR_LIST_EXTS kinds, "(other)"): the i-th kind, or 0 past the
 * last. */
#define PXR_LIST_EXTS 32
int pxr_list_skipped(const struct pxr_list *l, size_t i, const char **ext,
    uint64_t *count);

#endif /* PXR_LIST_H */
