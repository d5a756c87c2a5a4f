/*
 * pack_int.h: what the parts of the packed set share (lib/pack*.c):
 *   pack.c         the set's files, its metadata and recipe; making it
 *   pack_write.c   records written at their index, in a layout
 *   pack_finish.c  the set checked and its manifest written
 * pack.c calls neither of the others.
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
	size_t imgbytes;
	unsigned char *buf;
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
