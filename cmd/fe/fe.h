/*
 * fe.h: the programs' front end (cmd/fe/), in the manner of libarchive's
 * libarchive_fe: what every pxr program does the same way, and only the
 * programs do (the library prints nothing and exits never).  Its names
 * are fe_*, as the library's are pxr_*: an fe_ function may print, and
 * some exit (fe_die, fe_usage, fe_parse on a bad command line).
 *   msg.c     the program's name, warnings, fatal errors
 *   args.c    the command line from each program's table of options:
 *             parsing, values, usage and help
 *   opts.c    the start of a program, usage, strict numbers, the
 *             version, whole-file reads
 *   filter.c  the read-transform-write loop of the filters
 */
#ifndef PXR_FE_H
#define PXR_FE_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"
#include "shape.h"

/* ---- msg.c: "prog: message" on the standard error */
void fe_setprogname(const char *argv0);
const char *fe_getprogname(void);
void fe_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fe_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* noreturn spelled twice: cppcheck 2.10 reads only the attribute. */
_Noreturn void fe_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/*
 * A fatal error of the library's: "prog: msg", exit 2; but a write that
 * found its reader gone (PXR_E_PIPE: the next program of a pipeline
 * stopped) exits 2 with no message, since that program has said why (or
 * meant to stop, as head(1) does): one error in a pipeline is one line.
 */
_Noreturn void fe_fatal(const struct pxr_err *err) __attribute__((noreturn));
/* Flushes stdout: a write error is fatal, "prog: write error on
 * <stdout>...", exit 2, with no message where its reader went away. */
void fe_flush_stdout(void);
/* "prog: msg": the library's warn callbacks' form (ctx unused). */
void fe_warn_line(void *ctx, const char *msg);
/* "prog: name#index: what", for one record. */
void fe_warn_record(const struct pxr_record *rec, const char *what);

/* ---- opts.c and args.c */
struct fe_prog {
	const char *usage; /* "usage: pxr-x [-fhV] ...\n", one or more lines */
	const char *about; /* what follows it in --help, before the options */
	const char *exits; /* what follows the options: the exit status */
};

/*
 * Starts a program: its name for messages, and SIGPIPE ignored, so that a
 * reader that goes away is a write error (EPIPE) on which the program
 * exits 2, with no message (fe_fatal), not a death by signal.
 */
void fe_start(const char *argv0);

/* What an option's value is, and so where it goes (fe_opt.to). */
enum fe_kind {
	FE_FLAG,   /* no value: *(int *)to = 1 */
	FE_TEXT,   /* *(const char **)to = the value */
	FE_NUMBER, /* *(uint64_t *)to: a whole number in [min, max] */
	FE_SIDE,   /* *(uint32_t *)to: an image side, 1..PXR_DIM_MAX */
	FE_SIZE,   /* N or WxH: *(uint32_t *)to = W, *(uint32_t *)to2 = H */
	FE_PAIR,   /* "A<sep>B", whole numbers: *(uint64_t *)to = A, to2 B */
	FE_LIST,   /* repeatable: ((const char **)to)[(*(int *)to2)++], at
		      most max */
	FE_BASE,   /* *(int *)to: a label base, 0 or 1 */
	FE_FILTER, /* *(enum pxr_filter *)to */
	FE_ALIGN,  /* *(enum pxr_align *)to */
	FE_ROUND,  /* *(enum pxr_round *)to */
	FE_LIKE,   /* *(enum pxr_like *)to */
	FE_LAYOUT, /* *(enum pxr_layout *)to */
	FE_LTYPE,  /* *(enum pxr_ltype *)to */
	FE_CALL,   /* call(to, value): the program's own parsing */
	FE_PCT,    /* *(double *)to: timm's crop_pct, in (0, 1] */
};

/*
 * One option of a program's table, which ends with a row whose name is
 * NULL.  The letters are pxr(5)'s table's (one meaning in the family).
 */
struct fe_opt {
	const char *name; /* the long name, without "--" */
	int letter;       /* its letter, or 0 for a long option only */
	enum fe_kind kind;
	void *to;          /* where the value goes */
	const char *arg;   /* the value's name in --help (NULL: no value) */
	const char *help;  /* its lines in --help, '\n' between lines */
	void *to2;         /* FE_SIZE, FE_PAIR, FE_LIST: see the kinds */
	uint64_t min, max; /* FE_NUMBER: the range; FE_LIST: max values */
	char sep;          /* FE_PAIR: the separator */
	void (*call)(void *to, const char *value); /* FE_CALL */
	/*
	 * The "goes with" rule, for an option that does something only in
	 * some modes: the long names, ' ' between, of the options one of
	 * which it goes with (with), or none of which (not_with); a row has
	 * one or the other.  Given otherwise, it is a usage error, "--x goes
	 * with --a or --b" or "--x does not go with --a"; --help says the
	 * rule before the option's help ("with --a or --b: ...").
	 */
	const char *with, *not_with;
	int hidden; /* taken, but not in --help nor fe_usage_options (an
		       option another program of the same table has) */
	int given;  /* set by fe_parse: how many times given */
};

/*
 * A row's first fields, as designated initializers (the others, where a
 * kind needs them, follow by name: { FE_ROW(...), .to2 = &h }).
 */
#define FE_ROW(name_, letter_, kind_, to_, arg_, help_)                        \
	.name = (name_), .letter = (letter_), .kind = (kind_), .to = (to_),    \
	.arg = (arg_), .help = (help_)
/* -f, as every program that writes records has it: { FE_FORCE(&f) }. */
#define FE_FORCE(to_)                                                          \
	FE_ROW("force", 'f', FE_FLAG, (to_), NULL,                             \
	    "write records even to a terminal")
/* -b, the first class's label, as every program that reads labels has it. */
#define FE_BASE_OPT(to_, help_)                                                \
	FE_ROW("base", 'b', FE_BASE, (to_), "B", (help_))
#define FE_END                                                                 \
	{                                                                      \
		.name = NULL                                                   \
	}

/*
 * Parses the command line by the table opts: -h prints the usage, about,
 * the options (from the table) and the exit status to stdout and exits 0;
 * -V prints the version and exits 0; an unknown option prints the usage
 * to stderr and exits 2.  Then the rows' "goes with" rules are checked
 * (one broken is a usage error: the message, then the usage, exit 2),
 * and only then each value is put where its row says (a bad one is a
 * usage error, exit 2, naming the option and what it wants).  Returns the
 * index of the first operand.
 */
int fe_parse(const struct fe_prog *p, struct fe_opt *opts, int argc,
    char **argv);
/* The options of the table (hidden rows but -h aside) as a usage line
 * says them, sorted by name: "[-h] [--also LIST] [--fast] ...", into buf
 * (size bytes, cut to fit). */
void fe_usage_options(const struct fe_opt *opts, char *buf, size_t size);
/* How many times the option called name was given (it must be in opts). */
int fe_given(const struct fe_opt *opts, const char *name);
/*
 * The geometry of the preset like (pxr_like_defaults) for what the command
 * line (opts, parsed) did not say: --filter, --round, --align; the
 * notebook's own chain unless --filter was given.
 */
void fe_like(const struct fe_opt *opts, enum pxr_like like,
    struct pxr_shape *s);
/* With --crop-pct given (pct), the resize's short side from the square
 * --crop in s as timm's Resize(floor(crop / crop_pct)); a usage error of
 * p's with --short, --long or --size, or a crop not square. */
void fe_crop_pct(const struct fe_prog *p, const struct fe_opt *opts, double pct,
    struct pxr_shape *s);
/* The usage on stderr, after "prog: message" if fmt; exits 2. */
_Noreturn void fe_usage(const struct fe_prog *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Parses a whole decimal number in [min, max]; 0 or -1. */
int fe_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Parses "N" (square) or "WxH"; 0 or -1. */
int fe_parse_size(const char *s, uint32_t *w, uint32_t *h);
/* Prints the "--version" text of the program to stdout. */
void fe_print_version(void);
/*
 * The whole of a file (or "-" for stdin), read to its end, so that pipes
 * and process substitutions work as files do; NUL-terminated, *len bytes.
 * More than max bytes is an error.  NULL with err filled.
 */
char *fe_read_all(const char *path, size_t max, size_t *len,
    struct pxr_err *err);

/* ---- filter.c */

/* What a filter's transform takes; the rest passes it by. */
enum fe_takes {
	FE_TAKES_PIXELS,  /* encoded records fail: "not decoded" */
	FE_TAKES_ENCODED, /* pixel records pass on unchanged */
};

/*
 * A transform: changes rec in place (its payload may point into the
 * transform's buffers until the next call).  It returns
 *    0  done;
 *    1  done with a warning, in err: the record goes on as a done one,
 *       with the flags the transform gave it (PXR_FLAG_WARNING where
 *       pxr(5)'s flag means it), and the warning is reported,
 *       "prog: name#index: warning: ..."; a warning is not a failure and
 *       leaves the exit status as it is;
 *   -1  failed: the record becomes a failure record whose reason is err's
 *       text, reported, and the exit status is 1.
 * Any other value is a bug (PXR_BUG).  fe_filter and fe_filter_heads
 * both read these values so.
 */
typedef int (
    *fe_transform)(void *ctx, struct pxr_record *rec, struct pxr_err *err);

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
 * payload is not there).  Where fn returns 0 or 1 (a warning, reported),
 * the record goes on with its payload forwarded unread (spliced where it
 * can); where fn returns -1, the record becomes a failure with err's
 * text, reported.  A failure record is handed to fn too (pxr-label labels
 * it, for Y), and goes on whatever fn returns, with nothing reported.
 * Returns 0, or 1 when some records are failures.
 */
int fe_filter_heads(const char *input, int force, fe_transform fn, void *ctx);

/* A sink's step: takes one record (read whole); exits itself on an
 * error it cannot go on from. */
typedef void (*fe_take)(void *ctx, struct pxr_record *rec);

/*
 * The loop of a program that reads records and writes none (pxr-pack,
 * pxr-unpack): reads input (NULL or "-": stdin) to its end, handing each
 * record to fn.  An input that cannot be opened is fatal (exit 2).
 * Returns 0 at the stream's end, or -1 (err filled) where the stream is
 * damaged: the caller says what became of the records before.
 */
int fe_sink(const char *input, fe_take fn, void *ctx, struct pxr_err *err);

#endif /* PXR_FE_H */
