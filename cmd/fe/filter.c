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
		pxr_die(2, "%s", err.msg);
}

/* Both ends closed; a failed close of the output is a write error. */
static void
close_pair(struct pxr_reader *rd, struct pxr_writer *wr)
{
	struct pxr_err err;

	if (pxr_writer_close(wr, &err) == -1)
		pxr_die(2, "%s", err.msg);
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
		    pxr_getprogname());
		pxr_warn_record(rec, rec->reason);
		return 1;
	}
	return 0;
}

/* Runs fn on rec; 1 if rec is now a failure. */
static int
transform(fe_transform fn, void *ctx, struct pxr_record *rec,
    struct fe_counts *c)
{
	char what[PXR_ERR_MSG_MAX + 16];
	struct pxr_err err;

	switch (fn(ctx, rec, &err)) {
	case 1:
		snprintf(what, sizeof(what), "warning: %s", err.msg);
		pxr_warn_record(rec, what);
		c->warned++;
		return 0;
	case -1:
		pxr_record_fail(rec, "%s", err.msg);
		pxr_warn_record(rec, rec->reason);
		return 1;
	default:
		return 0;
	}
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
	struct pxr_err err;
	int r;

	open_pair(input, force, &rd, &wr);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		int failed = rec.kind == want ? transform(fn, ctx, &rec, &c)
					      : pass_by(takes, &rec);

		c.records++;
		c.failed += failed;
		if (pxr_write(wr, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1)
		pxr_die(2, "%s", err.msg);
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
		pxr_die(2, "%s", err->msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, err)) == 1)
		fn(ctx, &rec);
	pxr_reader_close(rd);
	return r;
}

int
fe_filter_heads(const char *input, int force, fe_transform fn, void *ctx)
{
	struct pxr_reader *rd;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err, why;
	int r, status = 0;

	open_pair(input, force, &rd, &wr);
	pxr_record_init(&rec);
	/* The payload goes on unread (pxr_forward), and what reads it
	 * downstream checks it. */
	while ((r = pxr_read_head(rd, &rec, &err)) == 1) {
		int ok = fn(ctx, &rec, &why) == 0;

		if (rec.kind == PXR_KIND_FAILURE || ok) {
			status |= rec.kind == PXR_KIND_FAILURE;
			if (pxr_forward(rd, wr, &rec, &err) == -1)
				pxr_die(2, "%s", err.msg);
			continue;
		}
		if (pxr_read_payload(rd, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
		pxr_record_fail(&rec, "%s", why.msg);
		pxr_warn_record(&rec, rec.reason);
		status = 1;
		if (pxr_write(wr, &rec, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1)
		pxr_die(2, "%s", err.msg);
	close_pair(rd, wr);
	return status;
}
