/*
 * fe.h: the programs' front end (cmd/fe/), in the manner of libarchive's
 * libarchive_fe: what every pxr program does the same way, and only the
 * programs do (the library prints nothing and exits never).
 *   msg.c     the program's name, warnings, fatal errors
 *   opts.c    the options every program takes (-f -h -V), usage and help,
 *             strict numbers, the version, whole-file reads
 *   filter.c  the read-transform-write loop of the filters
 */
#ifndef PXR_FE_H
#define PXR_FE_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "pxr.h"
#include "shape.h"

/* ---- msg.c: "prog: message" on the standard error */
void pxr_setprogname(const char *argv0);
const char *pxr_getprogname(void);
void pxr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pxr_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* noreturn spelled twice: cppcheck 2.10 reads only the attribute. */
_Noreturn void pxr_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* "prog: name#index: what", for one record. */
void pxr_warn_record(const struct pxr_record *rec, const char *what);

/* ---- opts.c */
struct fe_prog {
	const char *usage; /* "usage: pxr-x [-fhV] ...\n", one or more lines */
	const char *help;  /* what follows it in --help: what it does, the
			      options, the exit status */
};

/*
 * Starts a program: its name for messages, and SIGPIPE ignored, so that a
 * reader that goes away is a write error that the program names and exits
 * 2 on (not a silent death by signal).
 */
void fe_start(const char *argv0);

/* The options every program takes, to put in its getopt_long table. */
#define FE_LONGOPTS                                    \
	{ "force", no_argument, NULL, 'f' },            \
	{ "help", no_argument, NULL, 'h' },             \
	{ "version", no_argument, NULL, 'V' }
#define FE_SHORTOPTS "fhV"

/*
 * Handles c if it is one of the common options: -h prints the usage and
 * help to stdout and exits 0, -V the version and exits 0, -f sets *force
 * (NULL: the program writes no records, and -f is a usage error).  Any
 * other option character is a usage error (usage on stderr, exit 2).
 * Returns only for -f.
 */
void fe_common(const struct fe_prog *p, int c, int *force);
_Noreturn void fe_usage(const struct fe_prog *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Parses a whole decimal number in [min, max]; 0 or -1. */
int pxr_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Parses "N" (square) or "WxH"; 0 or -1. */
int pxr_parse_size(const char *s, uint32_t *w, uint32_t *h);
/* An image side for option opt, 1..PXR_DIM_MAX, or a usage error. */
uint32_t fe_side(const char *opt, const char *s);
/* The values of the options several programs share, or a usage error
 * (exit 2) naming the option and the choices. */
enum pxr_filter fe_opt_filter(const char *s);
enum pxr_align fe_opt_align(const char *s);
enum pxr_round fe_opt_round(const char *s);
enum pxr_like fe_opt_like(const char *s);
int fe_opt_base(const char *s);
/* Prints the "--version" text of the program to stdout. */
void pxr_print_version(void);
/*
 * The whole of a file (or "-" for stdin), read to its end, so that pipes
 * and process substitutions work as files do; NUL-terminated, *len bytes.
 * More than max bytes is an error.  NULL with err filled.
 */
char *pxr_read_all(const char *path, size_t max, size_t *len,
    struct pxr_err *err);

/* ---- filter.c */

/* What a filter's transform takes; the rest passes it by. */
enum fe_takes {
	FE_TAKES_PIXELS,  /* encoded records fail: "not decoded" */
	FE_TAKES_ENCODED, /* pixel records pass on unchanged */
};

/*
 * A transform: changes rec in place (its payload may point into the
 * transform's buffers until the next call).  0 done; 1 done with a warning
 * (in err, reported as "warning: ..."); -1 failed (err's text becomes the
 * failure record's reason, reported).
 */
typedef int (*fe_transform)(void *ctx, struct pxr_record *rec,
    struct pxr_err *err);

struct fe_counts {
	uint64_t records, warned, failed;
};

/*
 * The filter loop: reads the stream at input (NULL or "-": stdin), hands
 * each record of the kind fn takes to fn, writes every record on stdout,
 * failures included, in order.  A damaged stream or a write error is fatal
 * (exit 2).  Returns the exit status: 0, or 1 when some records are
 * failures; counts (may be NULL) says how many of each.
 */
int fe_filter(const char *input, int force, enum fe_takes takes,
    fe_transform fn, void *ctx, struct fe_counts *counts);

/*
 * The loop of a filter that changes only records' headers (pxr-label):
 * fn sees each record with its header read and its payload not (rec's
 * payload is not there); where fn returns 0, or the record is a failure,
 * the record goes on with its payload forwarded unread (spliced where it
 * can); where fn returns -1, the record becomes a failure with err's
 * text, reported.  Returns 0, or 1 when some records are failures.
 */
int fe_filter_heads(const char *input, int force, fe_transform fn,
    void *ctx);

#endif /* PXR_FE_H */
