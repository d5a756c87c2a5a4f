/*
 * pack_int.h: what the parts of the packed set share (lib/pack*.c):
 *   pack.c         the set's files, its metadata and recipe, its
 *                  checksums; making it
 *   pack_write.c   records written at their index, in a layout
 *   pack_finish.c  the set checked and its manifest written
 *   pack_verify.c  its images read again and checked
 * pack.c calls none of the others; pack_verify.c calls pack_finish.c.
 */
#ifndef PXR_PACK_INT_H
#define PXR_PACK_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack.h"
#include "pxr.h"

struct pxr_packer {
	struct pxr_pack_meta m;
	/* The files: X, Y, the status, failures and statistics files; the
	 * failures file is opened at the first failure. */
	int xfd, yfd, sfd, ffd, tfd;
	char *x, *y, *status, *failures, *stats;
	size_t imgbytes; /* of the largest image */
	unsigned char *buf;
	struct pxr_ragged_row *rows; /* a variable-size set's places */
};

/* The names and label sizes of the layouts and label types. */
extern const char *const pack_layouts[];
extern const char *const pack_ltypes[];
extern const size_t pack_lsizes[];

/* x followed by suffix into buf; -1 if it does not fit. */
int pack_path(char *buf, size_t size, const char *x, const char *suffix);
/* The first n bytes of the file at path, in a malloc'ed buffer. */
unsigned char *pack_read_whole(const char *path, uint64_t n,
    struct pxr_err *err);
/* pread(2) of n bytes at off until done; 0, or -1 with err naming the
 * file name (a file that ends before: "read error on name: it ends at
 * OFF"). */
int pack_pread_all(int fd, unsigned char *buf, size_t n, uint64_t off,
    const char *name, struct pxr_err *err);
/* Whether path is a regular file of size bytes; why not into what. */
int pack_file_is(const char *path, uint64_t size, char *what, size_t n);

/* The bytes an image has in the X.stats of a set of n images (x): 0 and
 * PXR_STATS_BYTES, or PXR_STATS_SUMS for a set made before the checksums;
 * -1 with err (PXR_E_FORMAT) when the file is of neither size. */
int pack_stats_stride(const char *x, uint64_t n, size_t *stride,
    struct pxr_err *err);
/* An image's checksums as X.stats holds them (at PXR_STATS_CRC_X): of
 * its img bytes as stored in X, then of its lab bytes as stored in Y. */
void pack_checksums(unsigned char out[8], const unsigned char *img,
    size_t imgbytes, const unsigned char *lab, size_t lsize);
/* The set's checksum (pxr_pack_finish) from the n entries of X.stats at
 * stats, each PXR_STATS_BYTES: "sha256:" and 64 hex digits. */
void pack_set_checksum(const unsigned char *stats, uint64_t n,
    char out[PXR_PACK_CHECKSUM_SIZE]);

/* What the writers' failures files say of one failed image. */
typedef void (*pack_failure_fn)(void *ctx, uint64_t index, const char *name,
    size_t name_len, const char *reason);
/*
 * Calls fn for each failure listed in the writers' files
 * (X.failures.<host>.<pid>) whose status byte is still PXR_STATUS_FAILED
 * (a later run may have done the image), each index once: from the last
 * file, in name order, that lists it, and its first line there; the
 * status bytes of those listed become 3 (status holds n).  0, or -1 with
 * err set when a file cannot be read.
 */
int pack_failures_each(const char *x, unsigned char *status, uint64_t n,
    pack_failure_fn fn, void *ctx, struct pxr_err *err);
/* Counts the status bytes of a set of n into rep (ok, failed, missing);
 * the missing ranges go to warn (may be NULL), "x: images A to B are
 * missing" (pack_finish.c). */
void pack_count_status(const char *x, const unsigned char *st, uint64_t n,
    struct pxr_pack_report *rep, pxr_warn_fn warn, void *warn_ctx);
/* pwrite(2) of n bytes until done; 0, or -1 with err naming the file
 * name and the error. */
int pack_pwrite_all(int fd, const void *buf, size_t n, uint64_t off,
    const char *name, struct pxr_err *err);
/* Flushes fp, fsyncs it (with sync) and closes it, whatever fails; 0, or
 * -1 with err naming the file name and the step that failed. */
int pack_fclose(FILE *fp, const char *name, int sync, struct pxr_err *err);
/* A little-endian u64. */
uint64_t pack_get_le64(const unsigned char *p);

#endif
