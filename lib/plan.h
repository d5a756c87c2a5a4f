/*
 * plan.h: the job as data (lib/plan.c, lib/plan_set.c, lib/plan_file.c):
 * what pxr-imagenet and pxr-folder do before any image is decoded, and
 * what each shard job runs.  pxr-plan(1) is its program; the pipelines
 * only compose the filters it names.
 *
 * A run has splits (train, val, test, or one set of a folder), each with
 * its source (a tarball or a tree) and its index (OUT/.pxr/SPLIT.index,
 * the source's images in order, with the source's stat signature in its
 * header so that an unchanged tarball is not read again).  Each split
 * makes one set per geometry (the main one, and one per --also item), all
 * fed by one decode of each image.  Every set has a recipe (what made it,
 * recipe.h), kept in its metadata: a run whose recipe differs is refused.
 * The plan of a split is written as "key value" lines
 * (OUT/.pxr/SPLIT.plan): data that pxr-plan argv turns into the
 * arguments of each stage of a shard job; nothing is executed from it.
 */
#ifndef PXR_PLAN_H
#define PXR_PLAN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "list.h"
#include "pack.h"
#include "pxr.h"
#include "ragged.h"
#include "recipe.h"
#include "resize.h"
#include "shape.h"

#define PXR_PLAN_SPLITS 3 /* train, val, test */
#define PXR_PLAN_ALSO 8   /* --also items */
#define PXR_PLAN_SETS (1 + PXR_PLAN_ALSO)
#define PXR_PLAN_NAME 64 /* bytes of a set's or split's name, with NUL */

/* An enum's value not given (pxr_plan_opts' filter and layout). */
#define PXR_PLAN_UNSET (-1)

/* What the command line asks (pxr-plan(1)); 0 or NULL where not given. */
struct pxr_plan_opts {
	int folder;       /* --folder: any folder-per-class tree */
	const char *root; /* the source root, as given */
	const char *out;  /* --out (default ".") */
	const char *synsets, *classes, *val_labels, *name, *split, *also;
	const char *crop_pct; /* --crop-pct, as given: with --like timm */
	/* --verify: each archive the plan reads checked, before it reads it,
	 * against its MD5: the --md5 file's (md5sum's format, matched by the
	 * archive's last name component), else the published ILSVRC2012
	 * value for its name, else an error; one checked before with the
	 * same stat signature (kept in OUT/.pxr/verified) is not read
	 * again.  A mismatch is an error naming the archive and both
	 * digests; progress and verdicts through the plan's warn. */
	int verify;
	const char *md5; /* --md5: an md5sum file of their digests */
	/* PXR_LIKE_NONE, PXR_PLAN_UNSET where not given: the defaults */
	enum pxr_like like;
	enum pxr_filter filter;
	enum pxr_layout layout;
	int npy;   /* X and Y as .npy files */
	int sheet; /* a contact sheet of each split's main set */
	uint32_t size, shortside, squash;
	/* --keep-ratio: the whole image kept at its aspect ratio, its long
	 * side at most maxside (--max-side) or its short side shortside
	 * (--short): a variable-size set (ragged.h) */
	int keep;
	uint32_t maxside;
	/* --exif-rotate: each JPEG turned by its EXIF orientation as it is
	 * decoded (the notebook's decode always turns it) */
	int exif_rotate;
	uint64_t jobs, shards;
	int base;      /* 0 or 1 */
	int fast;      /* DCT-scaled decoding */
	int overwrite; /* make the sets anew */
	/* --retry-failed: a set whose source changed only in images it
	 * holds as failed (plan_retry.c) takes the new source */
	int retry_failed;
	int space_check; /* refuse an output folder without room */
	/* The pipeline's: its step (all, plan, slurm, finish),
	 * whether a root was given, the ssh logins and the sbatch options. */
	const char *step, *hosts, *sbatch;
	int roots;
};

/* A set's geometry: the short side to short then a side x side window
 * (crop), the whole image to side x side (squash), or the whole image at
 * its aspect ratio (keep), the short side to shortside or the long side
 * to at most maxside (FFCV's rounding, never enlarged). */
struct pxr_geom {
	int squash;
	uint32_t shortside, side;
	int keep;
	uint32_t maxside;
};

struct pxr_plan_set {
	char name[PXR_PLAN_NAME]; /* train, train_squash64, ... */
	char x[PATH_MAX], y[PATH_MAX];
	struct pxr_geom g;
	enum pxr_filter filter;
	char recipe[PXR_RECIPE_MAX]; /* its text, "key value" lines */
	/* A keep set's layout (pxr_ragged_layout: an image a row); NULL for
	 * the others. */
	struct pxr_ragged_row *rows;
};

struct pxr_plan_split {
	char name[PXR_PLAN_NAME];
	char src[PATH_MAX];   /* absolute */
	char under[PATH_MAX]; /* its folder in an archive src, or "" */
	char index[PATH_MAX]; /* OUT/.pxr/NAME.index */
	char plan[PATH_MAX];  /* OUT/.pxr/NAME.plan */
	int indexed;          /* indexed or checked in this run */
	int for_classes;      /* indexed for the class list only */
	int fresh;            /* indexed anew (not reused) */
	uint64_t images, shards;
	uint32_t fast_side;    /* --fast: the decode keeps this much */
	char fingerprint[128]; /* "sha256:HEX N images" */
	char skipped[512];     /* files left out, "3 .webp, 1 .txt" */
	struct pxr_plan_set sets[PXR_PLAN_SETS];
	size_t nsets;
};

struct pxr_plan {
	struct pxr_plan_opts o;
	/* --verify: the paths checked in this run; the --md5 file's text */
	char checked[PXR_PLAN_SPLITS + 2][PATH_MAX];
	size_t nchecked;
	char *md5text;
	double pct;      /* timm's crop_pct (--like timm) */
	int short_given; /* --short given: not from crop_pct */
	char root[PATH_MAX], out[PATH_MAX], state[PATH_MAX];
	char made[PATH_MAX]; /* the first folder pxr_plan_out made, or "" */
	char val_labels[PATH_MAX]; /* "" where none */
	char classes[PATH_MAX];    /* the class list's file */
	char *derived;             /* its text when made here, else NULL */
	char classes_sha[65], val_sha[65];
	int split_root; /* a folder root holding split folders */
	struct pxr_plan_split splits[PXR_PLAN_SPLITS];
	size_t nsplits;

	/* A folder root's split folders, planned or not (their classes). */
	struct {
		char name[PXR_PLAN_NAME], src[PATH_MAX], under[PATH_MAX];
	} found[PXR_PLAN_SPLITS];

	size_t nfound;
	/* A folder root that is an archive: its images, scanned once (or
	 * read from OUT/.pxr/source.index while it is unchanged), from
	 * which each split's list is cut. */
	struct pxr_list *whole;
	char whole_skipped[512];
	pxr_warn_fn whole_warn; /* its warnings go there */
	void *whole_ctx;
	char also[PXR_PLAN_ALSO][16]; /* the --also items */
	size_t nalso;
};

/* pxr_warn_fn receives the plan's notes and warnings ("train: indexing
 * SRC", a source's damage); the plan prints nothing. */

/*
 * Checks the options together and sets the defaults (--size 224, --short
 * round(size*8/7), --like, --filter, --jobs the processors); 0 or -1 with
 * err (PXR_E_USAGE: a usage error) saying what is wrong.
 */
int pxr_plan_init(struct pxr_plan *p, const struct pxr_plan_opts *o,
    struct pxr_err *err);

/* The whole plan of p (pxr_plan_init'd, pxr_plan_out'd): splits,
 * classes, sets, space, and what it writes; 0 or -1. */
int pxr_plan_make(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* The output folder made (as mkdir -p) and proven writable; p->out and
 * p->state (OUT/.pxr) absolute.  0 or -1. */
int pxr_plan_out(struct pxr_plan *p, struct pxr_err *err);

/* The splits of the root and their sources, the validation labels found
 * and the other files the options name checked (a folder root that is an
 * archive is indexed whole, to find its split folders, as in the tree it
 * was made of: with or without one top folder); 0 or -1. */
int pxr_plan_splits(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* Indexes split i's source (index.c: an archive once, again only when it
 * changed; a tree at every run), counts its images and takes its
 * fingerprint.  0 or -1. */
int pxr_plan_index(struct pxr_plan *p, size_t i, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* The class list: given, the root's, or derived (from the training names,
 * the validation labels, or a folder's class folders) into p->derived,
 * and its sum; indexes what it needs.  0 or -1. */
int pxr_plan_classes(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* Every split indexed, and its sets with their geometries, recipes and
 * shard counts; 0 or -1. */
int pxr_plan_sets(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* Whether OUT's filesystem has the room the sets still need (their sizes
 * less what their files hold already): 0, or -1 with err saying how much
 * is free and needed.  Without space_check, 0. */
int pxr_plan_space(const struct pxr_plan *p, struct pxr_err *err);

/* Makes (or checks, to resume) each set, then writes the derived class
 * list, the recipes, the plans and the list of sets (each whole or not at
 * all).  Refused before anything is written when a derived class list
 * differs from the one OUT holds.  0 or -1. */
int pxr_plan_write(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err);

/* Says through warn each class folder of split i's tree (a folder of the
 * root's) that gives no image, "SPLIT: class folder 'NAME' gives no
 * image", in name order. */
void pxr_plan_empty_folders(const struct pxr_plan *p, size_t i,
    pxr_warn_fn warn, void *ctx);

/*
 * What the pipeline composes with, as "key<TAB>value" lines to f: after
 * pxr_plan_out, "out DIR", "jobs N", "made DIR" (the first folder it made:
 * what a run that fails before any work removes) and the ssh logins and
 * sbatch options given; after pxr_plan_write (planned), a line a split, "split
 * NAME IMAGES SHARDS PLAN STATUS-FILE" (and through warn, the files each
 * split's source left out and, for folders, the class folders that give
 * no image).
 */
void pxr_plan_print(const struct pxr_plan *p, int planned, FILE *f,
    pxr_warn_fn warn, void *ctx);

void pxr_plan_free(struct pxr_plan *p);

/* ---- plan_file.c: a written plan and what a shard runs */

/* A plan read back: its "key value" lines. */
struct pxr_plan_file {
	char *text;
	const char *name; /* the file's, for messages */
	unsigned nsets;
};

/*
 * Reads the plan at path: 0, or -1 with err (a file that is not a plan,
 * or one made by another pxr version: "SPLIT: planned by pxr V, but this
 * is pxr W").  The caller frees it with pxr_plan_file_free.
 */
int pxr_plan_file_read(struct pxr_plan_file *f, const char *path,
    struct pxr_err *err);
void pxr_plan_file_free(struct pxr_plan_file *f);

/* The value of key in the plan (a NUL-terminated copy in buf, size
 * bytes), or NULL when it has none. */
const char *pxr_plan_file_get(const struct pxr_plan_file *f, const char *key,
    char *buf, size_t size);

/*
 * Writes into dir a file for each stage of shard ("K/N") of the plan, its
 * arguments NUL-separated (pxr_plan_file_args): list, decode, label, and
 * for each set I shape.I, pack.I and finish.I; and info, three lines: the
 * number of sets, the file the shard leaves when it has run to its end,
 * and the split's name.  0 or -1 with err.
 */
int pxr_plan_file_stages(const struct pxr_plan_file *f, const char *shard,
    const char *dir, struct pxr_err *err);

/* The plans of the last plan made in the output folder dir (its
 * .pxr/plans), a path a line, to f; 0, or -1 with err when there is none. */
int pxr_plan_list(const char *dir, FILE *f, struct pxr_err *err);

/* The shard t (from 1) of the plans of dir counted in their order, as a
 * line "PLAN<TAB>K/N" to f.  0 or -1 with err. */
int pxr_plan_task(const char *dir, uint64_t t, FILE *f, struct pxr_err *err);

/* The stages of a shard job, each a pxr program's arguments. */
enum pxr_stage {
	PXR_STAGE_LIST,   /* pxr-list, for one shard "K/N" */
	PXR_STAGE_DECODE, /* pxr-decode (with one set, its shaping too) */
	PXR_STAGE_LABEL,  /* pxr-label */
	PXR_STAGE_SHAPE,  /* pxr-resize for set n (with more than one set) */
	PXR_STAGE_PACK,   /* pxr-pack for set n */
	PXR_STAGE_FINISH, /* pxr-pack --finish for set n */
	PXR_STAGE_PICK,   /* pxr-unpack of ten random images of the main set */
	PXR_STAGE_SHEET,  /* pxr-unpack of them into a contact sheet */
};

/*
 * The arguments of stage st (of set n, where it takes one; of shard, "K/N",
 * for PXR_STAGE_LIST) written into out (size bytes), each followed by a
 * NUL; their bytes in *used.  0, or -1 with err (the plan damaged, a bad
 * shard, no such set, too long).
 */
int pxr_plan_file_args(const struct pxr_plan_file *f, enum pxr_stage st,
    unsigned n, const char *shard, char *out, size_t size, size_t *used,
    struct pxr_err *err);

#endif /* PXR_PLAN_H */
