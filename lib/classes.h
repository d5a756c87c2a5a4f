/*
 * classes.h: class lists (lib/classes.c), the one reader and writer of the
 * files that pxr-label --synsets and --classes, pxr-pack --synsets and
 * pxr-unpack --classes take, and that pxr-folder writes as classes.txt.
 *
 * A class list is one class a line, class k being the k-th class line:
 *
 *	n01440764 tench, Tinca tinca
 *	zebra\ crossing
 *
 * The rule, one for every reader (pxr-label(1) describes it for users):
 *  - A line ends at LF; one CR just before it (or before the end of the
 *    file) is dropped.  The last line needs no LF.
 *  - Blanks are spaces and tabs.  Blanks at the start of a line are
 *    skipped.  A line of blanks only, or empty, is no class.
 *  - A line whose first character after them is '#' is a comment, no
 *    class.
 *  - The class's id is the line's first word: up to the first blank that
 *    is not escaped.  In it, and only in it, a backslash escapes the
 *    character after it: "\ " is a space, "\<tab>" a tab, "\\" a
 *    backslash, "\#" a '#' (for an id that begins with one).  A backslash
 *    before any other character, or at the end of the line, is an error,
 *    so that a folder name's backslash is never silently lost.  A comma
 *    is an ordinary character: "a,b" is the id a,b.  An id holds no CR.
 *  - The description is the rest of the line after the blanks that follow
 *    the id, its trailing blanks dropped, taken as it is (no escapes); it
 *    may be empty.  Commas in it are text ("tench, Tinca tinca"); only a
 *    sheet's caption stops at the first (pxr_class_caption).
 *  - Bounds: a line of at most PXR_CLASS_LINE_MAX bytes (its LF and CR
 *    not counted), an id of 1 to PXR_CLASS_ID_MAX bytes, no NUL byte.
 *    Anything else is an error naming the file and line.
 */
#ifndef PXR_CLASSES_H
#define PXR_CLASSES_H

#include <stddef.h>

#include "pxr.h"

#define PXR_CLASS_ID_MAX 255u    /* bytes of an id, unescaped (NAME_MAX) */
#define PXR_CLASS_LINE_MAX 4096u /* bytes of a line, without CR and LF */
/* Bytes of an escaped id with its NUL: every byte escaped. */
#define PXR_CLASS_ESC_SIZE (2 * PXR_CLASS_ID_MAX + 1)
/* Bytes of a class list file that the readers take. */
#define PXR_CLASSES_FILE_MAX ((size_t)1 << 26)

struct pxr_class {
	const char *id;   /* unescaped, NUL-terminated */
	const char *desc; /* the description, "" if none */
	size_t line;      /* its line in the file, from 1 */
};

/* A parsed class list: v[0..n), whose strings live in text. */
struct pxr_classes {
	struct pxr_class *v;
	size_t n;
	char *text;
};

/*
 * Parses buf (len bytes, need not be NUL-terminated) by the rule above
 * into *cl, which the caller frees with pxr_classes_free.  name is the
 * file's, for messages ("name:line: what").  A list with no class is not
 * an error here (n = 0); the callers say whether it is one for them.
 * 0, or -1 with err filled and *cl empty.
 */
int pxr_classes_parse(struct pxr_classes *cl, const char *name, const char *buf,
    size_t len, struct pxr_err *err);

/* Reads the file path (at most PXR_CLASSES_FILE_MAX bytes) and parses it
 * as pxr_classes_parse does.  0 or -1 with err filled. */
int pxr_classes_read(struct pxr_classes *cl, const char *path,
    struct pxr_err *err);

/* Frees what *cl holds and empties it; an empty *cl is fine. */
void pxr_classes_free(struct pxr_classes *cl);

/*
 * The writer: id written into out (size bytes; PXR_CLASS_ESC_SIZE always
 * suffice) as a line's first word, escaped so that pxr_classes_parse
 * gives it back: each backslash, space and tab gets a backslash before
 * it, and so does a '#' at its start.  Returns the length written, or -1
 * with err filled for an id that no class list can hold: empty, longer
 * than PXR_CLASS_ID_MAX, or holding a CR or LF.
 */
int pxr_class_escape(char *out, size_t size, const char *id,
    struct pxr_err *err);

/*
 * A class's caption, as pxr-unpack's contact sheet shows it: its
 * description up to the first comma, without blanks at its end
 * ("tench, Tinca tinca" -> "tench"), or the whole id when that is empty.
 * Written into out (size bytes, cut to fit).
 */
void pxr_class_caption(const struct pxr_class *c, char *out, size_t size);

#endif /* PXR_CLASSES_H */
