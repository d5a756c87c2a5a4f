/*
 * filter.c: the loop every filter runs (fe.h): read a record, hand it to
 * the transform if it is of the kind that takes, pass failures on, write
 * every record, in order, and say at the end what the exit status is;
 * and the loop of the programs that only read records.
 */
#include <stdio.h>

#include "fe.h"

/* The stream in (input, or stdin) and out (stdout), or exit 2. */
static void
open_pair(const char *input, int force, struct pxr_reader **rd,
    struct pxr_writer **wr)
{
	struct pxr_err err;

	if ((*rd = pxr_reader_open(input, &err)) == NULL ||
	    (*wr = pxr_writer_open(NULL, force ? PXR_WRITER_FORCE : 0, &err)) ==
		NULL)
		fe_die(2, "%s", err.msg);
}

/* Both ends closed; a failed close of the output is a write error. */
static void
close_pair(struct pxr_reader *rd, struct pxr_writer *wr)
{
	struct pxr_err err;

	if (pxr_writer_close(wr, &err) == -1)
		fe_fatal(&err);
	pxr_reader_close(rd);
}

/* A record the transform does not take: failures pass on, and encoded
 * records reaching a pixel filter become failures.  1 if it is (now) a
 * failure. */
static int
pass_by(enum fe_takes takes, struct pxr_record *rec)
{
	if (rec->kind == PXR_KIND_FAILURE)
		return 1;
	if (rec->kind == PXR_KIND_ENCODED && takes == FE_TAKES_PIXELS) {
		pxr_record_fail(rec, "not decoded (run pxr-decode before %s)",
		    fe_getprogname());
		fe_warn_record(rec, rec->reason);
		return 1;
	}
	return 0;
}

/* Runs fn on rec and reports a warning; what fn returned, 0 for a warning
 * (fe.h: a warned record is a done one). */
static int
run(fe_transform fn, void *ctx, struct pxr_record *rec, struct pxr_err *err,
    struct fe_counts *c)
{
	char what[PXR_ERR_MSG_MAX + 16];

	switch (fn(ctx, rec, err)) {
	case 0:
		return 0;
	case 1:
		snprintf(what, sizeof(what), "warning: %s", err->msg);
		fe_warn_record(rec, what);
		c->warned++;
		return 0;
	case -1:
		return -1;
	default:
		PXR_BUG("a transform returned other than 0, 1 or -1");
	}
}

/* rec, which fn failed on, made a failure record with err's text. */
static void
fail(struct pxr_record *rec, const struct pxr_err *err, struct fe_counts *c)
{
	pxr_record_fail(rec, "%s", err->msg);
	fe_warn_record(rec, rec->reason);
	c->failed++;
}

int
fe_filter(const char *input, int force, enum fe_takes takes, fe_transform fn,
    void *ctx, struct fe_counts *counts)
{
	enum pxr_kind want =
	    takes == FE_TAKES_PIXELS ? PXR_KIND_PIXELS : PXR_KIND_ENCODED;
	struct fe_counts c = { 0, 0, 0 };
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err, why;
	int r;

	open_pair(input, force, &rd, &wr);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		c.records++;
		if (rec.kind != want)
			c.failed += pass_by(takes, &rec);
		else if (run(fn, ctx, &rec, &why, &c) == -1)
			fail(&rec, &why, &c);
		if (pxr_write(wr, &rec, &err) == -1)
			fe_fatal(&err);
	}
	if (r == -1)
		fe_die(2, "%s", err.msg);
	close_pair(rd, wr);
	if (counts != NULL)
		*counts = c;
	return c.failed > 0 ? 1 : 0;
}

int
fe_sink(const char *input, fe_take fn, void *ctx, struct pxr_err *err)
{
	struct pxr_reader *rd;
	struct pxr_record rec;
	int r;

	if ((rd = pxr_reader_open(input, err)) == NULL)
		fe_die(2, "%s", err->msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, err)) == 1)
		fn(ctx, &rec);
	pxr_reader_close(rd);
	return r;
}

int
fe_filter_heads(const char *input, int force, fe_transform fn, void *ctx)
{
	struct fe_counts c = { 0, 0, 0 };
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err, why;
	int r;

	open_pair(input, force, &rd, &wr);
	pxr_record_init(&rec);
	/* The payload goes on unread (pxr_forward), and what reads it
	 * downstream checks it. */
	while ((r = pxr_read_head(rd, &rec, &err)) == 1) {
		if (rec.kind == PXR_KIND_FAILURE) {
			fn(ctx, &rec, &why); /* its label, for Y */
			c.failed++;
		} else if (run(fn, ctx, &rec, &why, &c) == -1) {
			if (pxr_read_payload(rd, &rec, &err) == -1)
				fe_die(2, "%s", err.msg);
			fail(&rec, &why, &c);
			if (pxr_write(wr, &rec, &err) == -1)
				fe_fatal(&err);
			continue;
		}
		if (pxr_forward(rd, wr, &rec, &err) == -1)
			fe_fatal(&err);
	}
	if (r == -1)
		fe_die(2, "%s", err.msg);
	close_pair(rd, wr);
	return c.failed > 0 ? 1 : 0;
}
