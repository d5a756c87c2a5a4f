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

/* warn receives every warning about the sources (damage, refused names,
 * duplicates); the list itself never prints. */
struct pxr_list *pxr_list_new(pxr_warn_fn warn, void *ctx);
void pxr_list_free(struct pxr_list *l);

/* Images are picked by these fnmatch(3) patterns on the basename, any
 * case; without any, by the extensions .jpeg .jpg .png. */
int pxr_list_add_match(struct pxr_list *l, const char *glob,
    struct pxr_err *err);

/*
 * Adds every image of one source: a directory (walked recursively,
 * following symbolic links), an image file, or an archive (tars of tars
 * read in place); of its folder only, after pxr_list_set_under.  Reads
 * headers only where the source can seek.  Returns 0, or -1 when the
 * source cannot be read at all (err filled).  Damage inside it is
 * reported through the warn callback and counted.
 */
int pxr_list_scan(struct pxr_list *l, const char *path, struct pxr_err *err);

/*
 * Lists only the folder dir of each source scanned after it (and of the
 * standard input read by pxr_list_stream without an index): a path
 * relative to the source's top, as its images' names give it ("train",
 * "ds/train"; trailing '/'s dropped; NULL: all of each source, again).
 * Its images are named without "dir/" ("cls/a.jpg"), so that the list is
 * the one the folder, extracted, would give: for a tree, the same as
 * scanning path/dir; for an archive, the members whose names, leading
 * "./" dropped, begin with "dir/" (archives inside it included, named as
 * extracted: a member train.tar holds the folder train).  Members outside
 * dir are passed over unseen: not listed, counted or reported (a name
 * refused as escaping the root, unless it begins with "dir/", too).  A
 * source in which dir is not a folder (an archive with no member dir or
 * below it, a tree without the folder, an image file) cannot be scanned
 * (pxr_list_scan fails, "SOURCE: no folder 'dir' in it"); a folder with
 * no image in it lists none, as an empty tree does.  Each source keeps
 * its dir, in the index too (version 4), so that an index read sends the
 * same members.  0, or -1 with err (PXR_E_USAGE) when dir is empty, begins
 * with '/' or has an empty, "." or ".." part.
 */
int pxr_list_set_under(struct pxr_list *l, const char *dir,
    struct pxr_err *err);

/* A folder of the names, for pxr_list_top_folders. */
struct pxr_list_folder {
	const char *name; /* len bytes of the list's names (not a string),
			     valid while the list is unchanged */
	size_t len;
	uint64_t first;  /* the index of its first image */
	uint64_t images; /* how many it holds, at any depth: indices first
			    to first + images - 1 */
};

/*
 * The folders directly in dir ("ds"; NULL or "": the top) that the
 * images of the sorted list l (pxr_list_sort, or an index read) lie in,
 * at any depth below them: for ./train/cls/a.jpg and ./val/cls/b.jpg
 * (names "train/cls/a.jpg", "val/cls/b.jpg": the scan drops the leading
 * "./"), train and val, one image each.  Up to max of them go to out, in
 * the order of their images' indices (bytewise by "folder/"); returns how
 * many there are, which may be more than max.  *loose (when not NULL)
 * gets the number of images directly in dir, in no folder.  With it a
 * planner finds a dataset's split folders in the list of one scan, and
 * makes each split's list with pxr_list_subtree.
 */
size_t pxr_list_top_folders(const struct pxr_list *l, const char *dir,
    struct pxr_list_folder *out, size_t max, uint64_t *loose);

/*
 * A new list of the images of the sorted list l that lie in the folder
 * dir (a path as pxr_list_set_under takes), named without "dir/" and
 * numbered from 0 in the same order: what pxr_list_set_under(dir) and a
 * scan of l's sources would give (names, sizes, places, indices, the
 * copies that won), without reading them again.  Its sources are, in l's
 * order, each source l was scanned from, its folder now dir in it, and
 * each archive found in a tree that lies in dir; an archive beside the
 * folder in a tree (x/train.tar for dir x/train) is not read by a scan of
 * the folder, and its images are left out here too.  Its index
 * (pxr_list_write_index) sends the same members as the scan's.  Its
 * counters hold its images and sources only: what l's scan skipped,
 * refused or found damaged is l's.  A dir with no image gives an empty
 * list (pxr_list_top_folders tells the folders there are).  It shares
 * nothing with l; the caller frees it (pxr_list_free).  NULL with err
 * (PXR_E_USAGE: dir not a folder path, or a source's folder and dir
 * together longer than PXR_NAME_MAX; PXR_E_NOMEM).
 */
struct pxr_list *pxr_list_subtree(const struct pxr_list *l, const char *dir,
    struct pxr_err *err);

/* Sorts the images by name (bytewise), resolves duplicate names (the later
 * copy wins, as tar extraction does) and numbers them from 0. */
void pxr_list_sort(struct pxr_list *l);

uint64_t pxr_list_count(const struct pxr_list *l);
const char *pxr_list_name(const struct pxr_list *l, uint64_t i, size_t *len);
/* Image i's size in bytes, as its source says. */
uint64_t pxr_list_size(const struct pxr_list *l, uint64_t i);

/* Text index: sources, then one line per image (see pxr-list(1); version
 * 4, and versions 1 to 3 read).  An archive's source line keeps its stat
 * signature (device, inode, size, modification and change times) as it
 * was when scanned, and every source its folder (pxr_list_set_under). */
int pxr_list_write_index(const struct pxr_list *l, const char *path,
    struct pxr_err *err);
int pxr_list_read_index(struct pxr_list *l, const char *path,
    struct pxr_err *err);

#define PXR_LIST_SIG 96
/*
 * Whether the archive path is the one the list's source src was scanned
 * from, unchanged since (its stat signature the same; an index of
 * version 3 or later, which keeps it): 1, 0 when not (or when it cannot
 * say), -1 with err when path cannot be looked at.
 */
int pxr_list_unchanged(const struct pxr_list *l, size_t src, const char *path,
    struct pxr_err *err);
size_t pxr_list_nsources(const struct pxr_list *l);

/* What pxr_list_emit() should send. */
struct pxr_list_sel {
	uint64_t lo, hi;           /* index range [lo, hi) */
	const unsigned char *done; /* status bytes (1 = done) or NULL */
	uint64_t done_len;
};

/* Shard k (from 1) of n of total images: [*lo, *hi), contiguous, the n
 * shards together each image once, their sizes within one. */
void pxr_list_shard(uint64_t total, uint64_t k, uint64_t n, uint64_t *lo,
    uint64_t *hi);

/*
 * Fills l with the images of a command line's sources: those of the index
 * from_index (each of argv[0..argc) that is not "-" must be one of its
 * sources), or, without one, those of each source scanned (one that cannot
 * be read is reported through l's warn function) and the whole sorted.
 * "-" (the standard input) can only be the one source.
 * Returns 0; 1 when some source could not be read; -1 (err filled).
 */
int pxr_list_load(struct pxr_list *l, const char *from_index, int argc,
    char *const *argv, struct pxr_err *err);

/* "index<TAB>name" a line for each image of sel's range (names escaped
 * as pxr_fput_escaped does), to f. */
void pxr_list_print_names(const struct pxr_list *l,
    const struct pxr_list_sel *sel, FILE *f);

/* What part of the list a command line asks for. */
struct pxr_list_want {
	int has_range; /* [range_a, range_b) */
	uint64_t range_a, range_b;
	int has_shard; /* shard k of n */
	uint64_t shard_k, shard_n;
};

/* Whether w is a part that can be asked for (A <= B, 1 <= K <= N, not
 * both); 0, or -1 with err (PXR_E_USAGE) saying what is wrong. */
int pxr_list_want_check(const struct pxr_list_want *w, struct pxr_err *err);

/* The index range of total images that w asks for (a range past the end
 * is cut at it); sel's done bytes are left as they are. */
void pxr_list_select(uint64_t total, const struct pxr_list_want *w,
    struct pxr_list_sel *sel);

/* The status bytes of several sets filled by one job: all[i] stays done
 * (1) only where st[i] is done too (past st_len: not done). */
void pxr_status_and(unsigned char *all, uint64_t len, const unsigned char *st,
    uint64_t st_len);

/*
 * Writes the selected images as ENCODED records to wr, in the order that
 * reads the sources sequentially.  An image that cannot be read becomes a
 * failure record.  Returns the number of failure records written, or -1 on
 * a write error (err filled).
 */
int64_t pxr_list_emit(struct pxr_list *l, const struct pxr_list_sel *sel,
    struct pxr_writer *wr, struct pxr_err *err);

/* An image's stored size (pxr_list_dims). */
struct pxr_image_dims {
	uint32_t width, height; /* as stored, before any EXIF turn */
	uint8_t orientation;    /* its first Exif APP1's, 1..8 (1: none) */
	uint8_t ok;             /* 0: no size could be read (reported) */
};

struct pxr_list_dims_stats {
	uint64_t images, failed;
	uint64_t reads, bytes; /* what was read of the images */
	/* Pages (4096 bytes) read of images read in place, beyond the page
	 * of a member's own tar header. */
	uint64_t pages;
};

/*
 * The stored size of every image of sel's index range (its done bytes
 * are not looked at), out[i - sel->lo], from the first bytes of each
 * (pxr_dims_scan: a JPEG's frame header and EXIF orientation, a PNG's
 * IHDR), read in place in file order: a page at a time, at most the page
 * after a member's tar header unless its header runs on; a compressed
 * archive's members in one sequential pass.  An image whose size cannot
 * be read (not a JPEG or PNG, a header cut short, a read error) gets ok
 * 0 and is reported through l's warn function as "NAME#INDEX: why".
 * Returns how many failed, or -1 (err: out of memory).
 */
int64_t pxr_list_dims(struct pxr_list *l, const struct pxr_list_sel *sel,
    struct pxr_image_dims *out, struct pxr_list_dims_stats *st,
    struct pxr_err *err);

/*
 * Reads an archive from fd (a pipe: no seeking) and writes its images as
 * they come.  With an index read before (pxr_list_read_index), each image
 * gets the index its name has there, in the folder of the index's first
 * source; otherwise images are numbered in the archive's order, in the
 * folder of pxr_list_set_under.  Returns failures written or -1 as
 * pxr_list_emit(); -1 too (err: "NAME: no folder 'DIR' in it") when no
 * member was the folder or in it.
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

/*
 * What a run that wrote failures failure records comes to: 1 when images
 * were lost (failures, damaged places in archives, refused names), else 0;
 * a list with no images is said through l's warn function.
 */
int pxr_list_outcome(struct pxr_list *l, int64_t failures);

/* Says through l's warn function the counters of pxr_list_stats() and
 * failures (the failure records written) in one line, and then the
 * files skipped, by extension, if any. */
void pxr_list_report(struct pxr_list *l, int64_t failures);

/* The skipped files as "12 .webp, 3 .txt" in buf (whole kinds that fit
 * in size); its length, 0 when nothing was skipped. */
size_t pxr_list_skipped_text(const struct pxr_list *l, char *buf, size_t size);

#endif /* PXR_LIST_H */
