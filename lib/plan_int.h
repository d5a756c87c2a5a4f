/*
 * plan_int.h: what the parts of the plan share (lib/plan*.c):
 *   plan_io.c    whole-file reads and writes, messages
 *   plan_verify.c --verify: an archive against its MD5, before it is read
 *   plan.c       options, the output folder, the splits and their indexes
 *   plan_class.c the class list and the sums the recipe keeps
 *   plan_set.c   the sets: geometries, recipes, sizes, shard counts
 *   plan_retry.c each set's list of its images; --retry-failed
 *   plan_write.c what the plan writes, once every check has passed
 *   plan_file.c  a written plan read back into each stage's arguments
 * Each calls only the ones above it in this list, and plan_file.c's
 * plan_text (the one writer of what it reads).
 */
#ifndef PXR_PLAN_INT_H
#define PXR_PLAN_INT_H

#include <stddef.h>

#include "plan.h"
#include "sha256.h"

/* The splits a root may hold, in order. */
extern const char *const plan_split_names[PXR_PLAN_SPLITS];

/* A message through warn, "fmt..." formatted. */
void plan_note(pxr_warn_fn warn, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* buf's len bytes into path, whole or not at all: written beside it,
 * synced, renamed over it (and its folder synced); 0 or -1. */
int plan_save(const char *path, const char *buf, size_t len,
    struct pxr_err *err);

/* The whole of a file, NUL-terminated (*len bytes), at most max; NULL with
 * err.  The caller frees it. */
char *plan_read_file(const char *path, size_t max, size_t *len,
    struct pxr_err *err);

/* The hex SHA-256 of the lines of text (len bytes) that hold more than
 * blanks (awk 'NF'), each with its newline, into hex; or of their first
 * words only (awk 'NF { print $1 }'), with first_words. */
void plan_sum_lines(const char *text, size_t len, int first_words,
    char hex[PXR_SHA256_HEX_SIZE]);

/* With --verify, the archive at path (absolute) checked against its MD5
 * (pxr_plan_verify's rules in plan.h) once in this run, before it is
 * read; a folder is said once to have nothing to check.  0 or -1. */
int plan_verify_archive(struct pxr_plan *p, const char *path, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err);

/* s (a split of p, or one only indexed for the classes) indexed if it
 * is not yet, or its index found current (plan.c); 0 or -1. */
int plan_index_split(struct pxr_plan *p, struct pxr_plan_split *s,
    pxr_warn_fn warn, void *ctx, struct pxr_err *err);

/* The index of s read back (after plan_index_split), for the names;
 * NULL with err.  The caller frees it (pxr_list_free). */
struct pxr_list *plan_open_index(const struct pxr_plan_split *s,
    struct pxr_err *err);

/* The lines the fingerprint of a list of images is taken of: a
 * "name<TAB>size" line for each (the name escaped as the index writes
 * it), malloc'd (*len bytes, NUL-terminated); NULL: out of memory. */
char *plan_images_text(const struct pxr_list *l, size_t *len);

/* The fingerprint the recipe keeps, "sha256:HEX N images": the SHA-256
 * of those lines (text, len bytes) and n, their number, into out. */
void plan_fingerprint(const char *text, size_t len, uint64_t n, char *out,
    size_t size);

/* s set up as a split called name of the source src (its index and plan
 * in OUT/.pxr), not yet indexed; 0 or -1. */
int plan_init_split(const struct pxr_plan *p, struct pxr_plan_split *s,
    const char *name, const char *src, const char *under, struct pxr_err *err);

/* The index of the split called name among p's splits, or -1. */
int plan_split_named(const struct pxr_plan *p, const char *name);

/* The metadata a set st of a split of n images is made with (plan_set.c):
 * a malloc'd one (NULL: out of memory). */
/* 1 if set st is made with the notebook's own pixels (--like notebook,
 * not squashed): its filter is the notebook's chain, not a pxr filter. */
int plan_set_notebook(const struct pxr_plan *p, const struct pxr_plan_set *st);

struct pxr_pack_meta *plan_meta(const struct pxr_plan *p,
    const struct pxr_plan_set *st, uint64_t n);

/* Keeps the list of the images set st of split s is made from in
 * OUT/.pxr/SET.images (its fingerprint, then the lines), unless it holds
 * it already; 0 or -1. */
int plan_keep_images(const struct pxr_plan *p, const struct pxr_plan_split *s,
    const struct pxr_plan_set *st, struct pxr_err *err);

/* --retry-failed, for set st whose recipe was (canonical text) differs
 * from the one it is made with now (m) only in source_fingerprint: 0 when
 * its list of images (plan_keep_images) and the source's differ only in
 * the sizes of images its status holds as failed; the set's metadata then
 * takes m's recipe and its manifest goes (it is written again at
 * finish).  Else -1 with err naming the first other difference. */
int plan_retry_source(const struct pxr_plan *p, const struct pxr_plan_split *s,
    const struct pxr_plan_set *st, const char *was,
    const struct pxr_pack_meta *m, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* The plan of split s as plan_file.c reads it back: a malloc'd text (NULL:
 * out of memory). */
char *plan_text(const struct pxr_plan *p, const struct pxr_plan_split *s);

/* Adds a split (name, src, its folder there); 0 or -1. */
int plan_add_split(struct pxr_plan *p, const char *name, const char *src,
    const char *under, struct pxr_err *err);

/* An archive root of a folder run, indexed whole into p->whole (s names
 * its index); 0 or -1. */
int plan_index_whole(struct pxr_plan *p, struct pxr_plan_split *s,
    pxr_warn_fn warn, void *ctx, struct pxr_err *err);

/* The short side a crop of side is cut from: round(side * 8 / 7), or
 * --like timm's floor(side / crop_pct) (0 where that is over
 * PXR_DIM_MAX). */
uint32_t plan_short_side(const struct pxr_plan *p, uint32_t side);

/* The geometry of a --also item (checked by pxr_plan_init): squashN,
 * maxN or shortN (a variable-size set), or N (a crop of N from the short
 * side plan_short_side gives). */
struct pxr_geom plan_item_geom(const struct pxr_plan *p, const char *item);

#endif /* PXR_PLAN_INT_H */
