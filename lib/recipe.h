/*
 * recipe.h: a set's recipe (lib/recipe.c), the "key value" lines that
 * say everything that decides a tensor's bytes (source and its
 * fingerprint, split, classes, sizes, filter, decode mode, layout, labels,
 * pxr's version).  pxr-pack keeps it in the set's metadata from --create
 * on and refuses to resume a set made with another one.
 */
#ifndef PXR_RECIPE_H
#define PXR_RECIPE_H

#include <stddef.h>

#include "pxr.h"

/* Room for a recipe's text: "key value\n" lines. */
#define PXR_RECIPE_MAX 16384

/*
 * Checks text (len bytes, from file name) as a recipe: lines of a key of
 * [a-z0-9_.] and a value of printable bytes, separated by one space, no
 * key twice; blank lines and '#' lines left out.  Copies the canonical
 * form (the lines in their order, each ending in a newline) to out.
 * 0 or -1 with err filled.
 */
int pxr_recipe_parse(const char *name, const char *text, size_t len,
    char out[PXR_RECIPE_MAX], struct pxr_err *err);

/*
 * What differs between two canonical recipes, as "key: was 'old', now
 * 'new'" items joined by "; " (a missing key shows as (none)), into out of
 * size n.  A changed source_fingerprint ("sha256:HEX N images") comes
 * first, in words: "source_fingerprint: 24 images, now 25", or "... the
 * same 24 images in number, but other names or sizes".  Returns the
 * number of keys that differ.
 */
int pxr_recipe_diff(const char *old, const char *now, char *out, size_t n);

/* Calls fn for each line of a canonical recipe. */
void pxr_recipe_each(const char *recipe,
    void (*fn)(void *ctx, const char *key, size_t klen, const char *val,
	size_t vlen),
    void *ctx);

#endif /* PXR_RECIPE_H */
