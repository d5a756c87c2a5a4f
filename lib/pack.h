/*
 * pack.h: the packed tensors (lib/pack.c): X (u8 images in a layout), Y
 * (labels), a status file of one byte per image and a small metadata file,
 * written at each record's index so that any number of writers, in any
 * order, on any machine sharing the files, fill them with no coordination.
 */
#ifndef PXR_PACK_H
#define PXR_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"
#include "ragged.h"
#include "recipe.h"

enum pxr_layout { PXR_LAYOUT_JULIA, PXR_LAYOUT_NHWC, PXR_LAYOUT_NCHW };

enum pxr_ltype { PXR_LTYPE_U16, PXR_LTYPE_I32, PXR_LTYPE_I64 };

/* Status bytes (X_FILE.status), read by pxr-list --skip-done too. */
#define PXR_STATUS_MISSING 0
#define PXR_STATUS_OK 1
#define PXR_STATUS_FAILED 2

/*
 * Bytes per image in X_FILE.stats: the per-channel sums of the samples
 * and of their squares, 3 + 3 little-endian u64 (PXR_STATS_SUMS bytes),
 * then the image's checksums, 2 little-endian u32: the CRC-32C
 * (pxr_crc32c) of its bytes in X as stored (in the set's layout) at
 * PXR_STATS_CRC_X, and of its label's bytes in Y at PXR_STATS_CRC_Y.
 * A set made before pxr-pack kept checksums has PXR_STATS_SUMS bytes an
 * image: it is read (--finish, a --create that resumes it adds them) but
 * has nothing to verify against.
 */
#define PXR_STATS_SUMS 48
#define PXR_STATS_CRC_X 48
#define PXR_STATS_CRC_Y 52
#define PXR_STATS_BYTES 56

struct pxr_pack_meta {
	uint64_t n;
	uint32_t width, height, channels;
	enum pxr_layout layout;
	enum pxr_ltype ltype;
	uint32_t header; /* bytes of .npy header before the data (0: raw) */
	int base;        /* the first class's label, 0 or 1 (the manifest's) */
	char recipe[PXR_RECIPE_MAX]; /* "key value" lines; "" for none */
	/* A variable-size set (pxr_pack_create_ragged): each image H x W x
	 * channels row-major at its place in X.index, X xbytes long;
	 * width and height are then the largest image's (1 for none). */
	int ragged;
	uint64_t xbytes;
};

/* pxr_pack_create's flags. */
#define PXR_PACK_OVERWRITE 1 /* make the set anew whatever is there */

/* The .npy header (version 1.0) pxr-pack writes with --npy: this many
 * bytes, so numpy.load(path, mmap_mode="r") maps the data in place. */
#define PXR_NPY_HEADER 128

int pxr_layout_parse(const char *s, enum pxr_layout *l);
const char *pxr_layout_name(enum pxr_layout l);
int pxr_ltype_parse(const char *s, enum pxr_ltype *t);
const char *pxr_ltype_name(enum pxr_ltype t);

/*
 * Makes X, Y, the status and statistics files at their final size, and
 * the metadata file X.meta (written last: a set without it was cut short
 * and is made again); with m->header set, X and Y start with .npy headers
 * (X's shape that of the layout; julia as fortran_order).  Again with the
 * same shape and recipe over a whole set: nothing (a resumed run).  Over a
 * set of another shape or recipe, or one with a file missing or of the
 * wrong size: refused (PXR_E_USAGE, saying what differs), unless flags
 * hold PXR_PACK_OVERWRITE.  A set made before pxr-pack kept checksums,
 * resumed, gets them: those of its done images made from what X and Y
 * hold now (X read once).  0; 1 when made (or resumed) with something to
 * say, in err: a file could not have its blocks for want of room (packing
 * goes on, and fails where the disk fills), or checksums were added; or
 * -1.
 */
int pxr_pack_create(const char *x, const char *y, const struct pxr_pack_meta *m,
    int flags, struct pxr_err *err);

/*
 * A variable-size set of m->n images at the places rows says
 * (pxr_ragged_layout), their bytes back to back in X, and X.index, the
 * rows as pxr(5) gives them, written before the metadata: as
 * pxr_pack_create does otherwise (m->ragged and m->xbytes set from rows;
 * the layout NHWC, no .npy header), and an existing set whose index
 * differs is refused as one of another shape.
 */
int pxr_pack_create_ragged(const char *x, const char *y,
    const struct pxr_pack_meta *m, const struct pxr_ragged_row *rows, int flags,
    struct pxr_err *err);

/* m (its n and channels set) made the metadata of a variable-size set of
 * the places rows says, as pxr_pack_create_ragged writes it: ragged,
 * NHWC, no header, xbytes the sum of the sizes, width and height the
 * largest of each (1 for none).  The rows must lie back to back. */
void pxr_pack_ragged_meta(struct pxr_pack_meta *m,
    const struct pxr_ragged_row *rows);

/* Whether the set at x has its images at the places rows (n of them)
 * says: its X.index holds exactly those rows. */
int pxr_pack_same_rows(const char *x, const struct pxr_ragged_row *rows,
    uint64_t n);

/* A variable-size set's rows from X.index, checked against X's size
 * (malloc'ed, m->n of them); NULL with err. */
struct pxr_ragged_row *pxr_pack_rows(const char *x,
    const struct pxr_pack_meta *m, struct pxr_err *err);

struct pxr_packer;

/* Opens a set made by pxr_pack_create for writing records. */
struct pxr_packer *pxr_packer_open(const char *x, const char *y,
    struct pxr_err *err);
const struct pxr_pack_meta *pxr_packer_meta(const struct pxr_packer *pk);

/*
 * Writes one record at its index: a PIXELS record of the tensor's size is
 * written in the layout; a failure (or a record that does not fit, which
 * becomes one: rec is changed) is written as zeros with its label, and
 * listed for --finish.  The status byte is written last.  Returns 1 if the
 * image was already done (skipped), 0 when written, -1 on an I/O error
 * (fatal: disk full...) with err filled.
 */
int pxr_packer_put(struct pxr_packer *pk, struct pxr_record *rec,
    struct pxr_err *err);
int pxr_packer_close(struct pxr_packer *pk, struct pxr_err *err);

/* The manifest's "checksum": "sha256:" and 64 hex digits (pxr-pack(1)). */
#define PXR_PACK_CHECKSUM_SIZE (7 + 64 + 1)

struct pxr_pack_report {
	uint64_t ok, failed, missing;
	double mean[3], std[3]; /* of the ok images' samples, 0..255 */
	/* The set's checksum, as the manifest gives it; "" for a set made
	 * before pxr-pack kept checksums (the manifest's null). */
	char checksum[PXR_PACK_CHECKSUM_SIZE];
	/* What the manifest says of X and Y: X's axes in C order and their
	 * sizes (pxr_pack_axes), its layout, the labels' type and base. */
	char axes[4];
	uint64_t c_shape[4];
	enum pxr_layout layout;
	enum pxr_ltype ltype;
	int label_base;
	/* A variable-size set: X's bytes (its images at X.index's places),
	 * the largest image's height and width in c_shape[1] and [2]. */
	int ragged;
	uint64_t xbytes;
};

/*
 * Syncs the files to disk, counts the status bytes and writes the JSON
 * manifest X.manifest.json (through a temporary file and rename), with
 * the set's checksum: the SHA-256 of the images' checksums in X.stats,
 * 8 bytes an image as they are there, in index order (a missing image's
 * 8 zero bytes too), computed from X.stats alone (X is not read again).
 * synsets (may be NULL) is a file whose first tokens go in the manifest;
 * label_base -1 takes the base the set was made with.  Missing images
 * are reported through warn (may be NULL), as index ranges; so is a set
 * made before pxr-pack kept checksums (its manifest's checksum null).
 */
int pxr_pack_finish(const char *x, const char *y, const char *synsets,
    int label_base, struct pxr_pack_report *rep, pxr_warn_fn warn,
    void *warn_ctx, struct pxr_err *err);

/*
 * The axes of a set's X in C (row-major) order, whatever its layout, as
 * the letters N, C, H and W (not a string: no NUL), and their sizes:
 * julia's (H, W, C, N) column-major is N C W H, nhwc N H W C, nchw
 * N C H W.  The manifest's "axes" and "c_shape".
 */
void pxr_pack_axes(const struct pxr_pack_meta *m, char axes[4],
    uint64_t size[4]);

/* What pxr_pack_verify says of an image whose bytes are not those
 * packed. */
struct pxr_verify_image {
	uint64_t index;
	int64_t label; /* as Y holds it now */
	int failed;    /* a failure (packed as zeros with its label) */
	int pixels, label_changed; /* which differ: its bytes in X, in Y */
	const char *name; /* its name, where the set keeps it (a failure's,
			     from the writers' failures files), else NULL */
	size_t name_len;
};

struct pxr_verify_report {
	uint64_t images;  /* the set's */
	uint64_t checked; /* done (ok or failed) images, read and checked */
	uint64_t changed; /* of those, how many are not as packed */
	uint64_t missing; /* not done: nothing to check */
	uint64_t bytes;   /* the bytes of X and Y read */
};

/*
 * Reads X and Y once, in order, and checks each done image's bytes and
 * label against its checksums in X.stats.  First the set must be whole
 * and agree with itself: its meta, X, Y, X.status and X.stats at their
 * sizes, X.stats with checksums, and a manifest (--finish) whose image
 * counts are those of X.status and whose checksum is that of X.stats;
 * else -1, err saying what is missing or differs (and nothing is read of
 * X).  Then changed (may be NULL) gets each image that differs, in index
 * order, after the whole read; progress (may be NULL) gets the bytes of X
 * read so far and X's size, after each read of PXR_VERIFY_READ bytes or
 * so; missing images are said through warn (may be NULL) as index
 * ranges.  ctx is passed to changed, progress and warn.  Returns 0 with rep
 * filled (rep->changed of them changed), or -1 with err (PXR_E_FORMAT
 * for a set that is not whole or does not agree, PXR_E_IO, PXR_E_NOMEM).
 */
#define PXR_VERIFY_READ (8u << 20)

int pxr_pack_verify(const char *x, const char *y,
    void (*changed)(void *ctx, const struct pxr_verify_image *im),
    void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
    pxr_warn_fn warn, struct pxr_verify_report *rep, struct pxr_err *err);

/* Reads X_FILE.meta; 0 or -1. */
/* The metadata of the set at x written again with m's recipe (a source
 * whose fingerprint changed only in failed images: --retry-failed), its
 * manifest removed first; 0 or -1. */
int pxr_pack_set_recipe(const char *x, const struct pxr_pack_meta *m,
    struct pxr_err *err);

int pxr_pack_read_meta(const char *x, struct pxr_pack_meta *m,
    struct pxr_err *err);

/* The inverse of pxr_pack_transpose: layout l at src to h x w x c. */
void pxr_pack_untranspose(unsigned char *dst, const unsigned char *src,
    uint32_t w, uint32_t h, uint32_t c, enum pxr_layout l);

/* Per-channel sums of the samples and of their squares of an image of
 * npix interleaved pixels (lib/stats.c). */
void pxr_pixel_sums(const unsigned char *p, size_t npix, uint32_t channels,
    uint64_t sum[3], uint64_t sq[3]);

/* The bytes of each file of a set of meta m when made (pxr_pack_create):
 * X, Y, X.status and X.stats (its checksums in it), in that order. */
enum { PXR_PACK_X, PXR_PACK_Y, PXR_PACK_STATUS, PXR_PACK_STATS };

void pxr_pack_sizes(const struct pxr_pack_meta *m, uint64_t size[4]);

/* Size in bytes of one label of type t. */
size_t pxr_ltype_size(enum pxr_ltype t);

/* The julia layout's transpose of the whole 16 x 16 blocks of a 3-channel
 * image, with AVX-512 VBMI (lib/pack_vbmi.c) or AVX2 (lib/pack_avx2.c);
 * pxr_pack_transpose uses them when the CPU has them. */
void pxr_pack_julia3_vbmi(unsigned char *dst, const unsigned char *src,
    uint32_t w, uint32_t h);
void pxr_pack_julia3_avx2(unsigned char *dst, const unsigned char *src,
    uint32_t w, uint32_t h);

/* Transposes one h x w x c interleaved image into layout l at dst. */
void pxr_pack_transpose(unsigned char *dst, const unsigned char *src,
    uint32_t w, uint32_t h, uint32_t c, enum pxr_layout l);

#endif /* PXR_PACK_H */
