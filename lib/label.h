/*
 * label.h: class indices from image names (lib/label.c): the WNID of a
 * training name, or the validation label file's entry for a validation
 * image, looked up in the synset list.
 */
#ifndef PXR_LABEL_H
#define PXR_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

#define PXR_WNID_LEN 9 /* "n01440764" */

struct pxr_labeler;

struct pxr_labeler *pxr_labeler_new(struct pxr_err *err);
void pxr_labeler_free(struct pxr_labeler *lb);

/* Reads the synset list, a class list (lib/classes.h) whose ids are WNIDs,
 * class i its i-th class line.  buf need not be NUL-terminated.  0 or -1
 * with the line number in err. */
int pxr_labeler_load_synsets(struct pxr_labeler *lb, const char *name,
    const char *buf, size_t len, struct pxr_err *err);

enum pxr_valform { PXR_VAL_LINES, PXR_VAL_KAGGLE, PXR_VAL_PAIRS };

/* Reads a validation label file in any of its forms, told apart by its
 * first line; *form says which.  0 or -1 with name:line in err. */
int pxr_labeler_load_val(struct pxr_labeler *lb, const char *name,
    const char *buf, size_t len, enum pxr_valform *form, struct pxr_err *err);

/* Without a synset list, makes it the sorted set of the validation
 * labels' WNIDs.  -1 if there is neither. */
int pxr_labeler_derive_synsets(struct pxr_labeler *lb, struct pxr_err *err);

/*
 * Folder mode (torchvision's ImageFolder): an image's class is the first
 * folder of its name, looked up in the class list given here
 * (lib/classes.h: each line's first word, unescaped, a folder name with
 * no '/'); 0 or -1 with name:line in err.
 */
int pxr_labeler_load_folders(struct pxr_labeler *lb, const char *name,
    const char *buf, size_t len, struct pxr_err *err);

size_t pxr_labeler_nsynsets(const struct pxr_labeler *lb);
const char *pxr_labeler_synset(const struct pxr_labeler *lb, size_t i);

/* The 0-based class of an image name, or -1 with the reason in err. */
int64_t pxr_label_of(const struct pxr_labeler *lb, const char *name,
    struct pxr_err *err);

#endif /* PXR_LABEL_H */
