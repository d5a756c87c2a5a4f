/*
 * unpack.h: records back out as image files and contact sheets, and a
 * packed tensor read back as records (lib/unpack.c).
 */
#ifndef PXR_UNPACK_H
#define PXR_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

enum pxr_imgfmt { PXR_IMG_PNG, PXR_IMG_PPM };

/* Writes w x h x c (1 or 3) samples as a PNG or a binary PPM/PGM. */
int pxr_image_write(const char *path, enum pxr_imgfmt fmt,
    const unsigned char *px, uint32_t w, uint32_t h, uint32_t c,
    struct pxr_err *err);

/*
 * Expands an output pattern for a record: %i its index, %n the basename of
 * its name without the extension, %l its label, %% a percent sign.
 * 0, or -1 if the result does not fit in size bytes.
 */
int pxr_unpack_name(char *out, size_t size, const char *pattern,
    const struct pxr_record *rec);

/* A packed tensor (pxr-pack's files), read one image at a time. */
struct pxr_tensor;
struct pxr_tensor *pxr_tensor_open(const char *x, const char *y,
    struct pxr_err *err);
uint64_t pxr_tensor_count(const struct pxr_tensor *t);
/* Reads image i as a PIXELS record (payload in the tensor's buffer). */
int pxr_tensor_read(struct pxr_tensor *t, uint64_t i, struct pxr_record *rec,
    struct pxr_err *err);
void pxr_tensor_close(struct pxr_tensor *t);

/* The labels of a tensor X: y gets x with "X_" at the start of its
 * basename made "Y_"; 0 if that file exists, else -1. */
int pxr_tensor_labels_for(const char *x, char *y, size_t size);

/* Rounds of the Feistel network that draws --random's images. */
#define PXR_PICK_ROUNDS 6

/* Which of a tensor's images to read, in turn: those of a list "1,5,7",
 * or random ones (distinct: without replacement; seeded), or all. */
struct pxr_pick {
	const char *list;              /* what is left of the list, or NULL */
	uint64_t random;               /* > 0: so many at random */
	uint64_t key[PXR_PICK_ROUNDS]; /* the draw's, from the seed */
	uint64_t k;                    /* picked so far */
};

void pxr_pick_init(struct pxr_pick *p, const char *list, uint64_t random,
    uint64_t seed);
/*
 * The next index into *i (of a tensor of n): 1; 0 at the end; -1 for a
 * list that is not whole numbers and commas (err).  Random: the first k of
 * a permutation of 0..n-1 that the seed alone chooses (the same on every
 * machine), so each index at most once, and all n of them when k > n;
 * --random k's draws begin --random k+1's.  n must be the same at each
 * call.
 */
int pxr_pick_next(struct pxr_pick *p, uint64_t n, uint64_t *i,
    struct pxr_err *err);

/*
 * The captions of a class list (lib/classes.h), text of len bytes read
 * from the file name: each class's pxr_class_caption, its description up
 * to a comma ("n01440764 tench, Tinca tinca" -> "tench"), or its whole id
 * ("zebra\ crossing" -> "zebra crossing").  *n of them, caption k for
 * class k; NULL with err (name:line for a bad line).
 */
char **pxr_class_captions(const char *name, const char *text, size_t len,
    size_t *n, struct pxr_err *err);
void pxr_class_captions_free(char **names, size_t n);

/* A sheet cell's two caption lines for rec: its index and label, then its
 * class's caption (names[label - base]) or, without a list, its name. */
void pxr_sheet_caption(const struct pxr_record *rec, int base,
    char *const *names, size_t nnames, char line[2][256]);

/*
 * A contact sheet: cols x rows cells, each an image (the size of the
 * first; smaller ones on grey, larger ones cut) over a caption band of two
 * lines of text.
 */
struct pxr_sheet;
struct pxr_sheet *pxr_sheet_new(uint32_t cols, uint32_t rows,
    struct pxr_err *err);
/* Adds rec (a PIXELS record, 1 or 3 channels) with its caption lines
 * (may be NULL); 1 when the sheet is full (nothing added), 0, or -1. */
int pxr_sheet_add(struct pxr_sheet *s, const struct pxr_record *rec,
    const char *line1, const char *line2, struct pxr_err *err);
/* Writes the sheet (the rows that hold images); -1 if it has none. */
int pxr_sheet_write(const struct pxr_sheet *s, const char *path,
    enum pxr_imgfmt fmt, struct pxr_err *err);
void pxr_sheet_free(struct pxr_sheet *s);

/* The captions' font (lib/font.c): 6x11 cells, printable ASCII. */
#define PXR_FONT_W 6
#define PXR_FONT_H 11
extern const unsigned char pxr_font6x11[95][11];

/*
 * Writes text (up to its end or max_w pixels) in the font into an RGB
 * image of w x h at (x, y), in colour fg; other bytes become '?'.
 */
void pxr_draw_text(unsigned char *rgb, uint32_t w, uint32_t h, uint32_t x,
    uint32_t y, const char *text, uint32_t max_w, const unsigned char fg[3]);

#endif /* PXR_UNPACK_H */
