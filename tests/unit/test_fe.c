/*
 * test_fe.c: the programs' front end (cmd/fe/): the filter loops read a
 * transform's return values as fe.h says, a warning (1) passing the record
 * on as a done one, with the flags the transform gave it, and leaving the
 * exit status as it is.  No program's transform through fe_filter_heads
 * warns yet (pxr-label's never does), so a transform of the test's own
 * stands in for one.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fe.h"
#include "pxr.h"
#include "unit.h"

static const unsigned char pixels[6] = { 255, 0, 0, 0, 255, 0 };

/* Writes a record of kind to wr: a 2x1 image, or a failure. */
static void
put(struct pxr_writer *wr, enum pxr_kind kind, uint64_t index, const char *name)
{
	struct pxr_record rec;
	struct pxr_err err;

	pxr_record_init(&rec);
	rec.kind = kind;
	rec.index = index;
	rec.name = name;
	rec.name_len = strlen(name);
	if (kind == PXR_KIND_PIXELS) {
		rec.width = 2;
		rec.height = 1;
		rec.channels = 3;
		rec.payload = pixels;
		rec.payload_len = sizeof(pixels);
	} else {
		rec.payload = (const unsigned char *)"unreadable";
		rec.payload_len = strlen("unreadable");
	}
	if (pxr_write(wr, &rec, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
}

/*
 * The transform: labels every record 7; "warn" is done with a warning (and
 * flagged, as pxr-decode flags an image decoded despite damage), "fail"
 * fails, the rest are done.
 */
static int
transform(void *ctx, struct pxr_record *rec, struct pxr_err *err)
{
	(void)ctx;
	rec->label = 7;
	if (strcmp(rec->name, "warn") == 0) {
		rec->flags |= PXR_FLAG_WARNING;
		pxr_seterr(err, PXR_E_IMAGE, "odd but fine");
		return 1;
	}
	if (strcmp(rec->name, "fail") == 0)
		return pxr_seterr(err, PXR_E_IMAGE, "no label");
	return 0;
}

/*
 * Runs a filter loop (heads: fe_filter_heads, else fe_filter) over the
 * stream in, in a child whose stdout is out and stderr is msgs; returns
 * its exit status.
 */
static int
run_loop(int heads, const char *in, const char *out, const char *msgs)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(msgs, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o == -1 || e == -1 || dup2(o, 1) == -1 || dup2(e, 2) == -1)
			_exit(3);
		fe_setprogname("pxr-t");
		exit(heads ? fe_filter_heads(in, 0, transform, NULL)
			   : fe_filter(in, 0, FE_TAKES_PIXELS, transform, NULL,
				 NULL));
	}
	if (pid == -1 || waitpid(pid, &status, 0) == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The whole of a small file, NUL-terminated (static: one at a time). */
static const char *
text_of(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Reads the next record of rd into rec: 1, or 0 at the end. */
static int
next(struct pxr_reader *rd, struct pxr_record *rec)
{
	struct pxr_err err;
	int r = pxr_read(rd, rec, &err);

	if (r == -1)
		fprintf(stderr, "%s\n", err.msg);
	return r;
}

static void
check_image(const struct pxr_record *rec, const char *name, uint32_t flags)
{
	EXPECT_INT(rec->kind, PXR_KIND_PIXELS);
	EXPECT_INT(strcmp(rec->name, name), 0);
	EXPECT_INT(rec->flags, flags);
	EXPECT_INT(rec->label, 7);
	EXPECT_INT(rec->payload_len, sizeof(pixels));
	EXPECT_INT(memcmp(rec->payload, pixels, sizeof(pixels)), 0);
}

/* One warned image alone: it goes on flagged, and the exit status is 0. */
static void
test_warning(int heads, const char dir[256])
{
	char in[300], out[300], msgs[300];
	struct pxr_writer *wr;
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;

	snprintf(in, sizeof(in), "%s/warn.pxr", dir);
	snprintf(out, sizeof(out), "%s/out.pxr", dir);
	snprintf(msgs, sizeof(msgs), "%s/msgs.txt", dir);
	wr = pxr_writer_open(in, 0, &err);
	put(wr, PXR_KIND_PIXELS, 0, "warn");
	pxr_writer_close(wr, &err);

	EXPECT_INT(run_loop(heads, in, out, msgs), 0);
	EXPECT_INT(
	    strcmp(text_of(msgs), "pxr-t: warn#0: warning: odd but fine\n"), 0);
	pxr_record_init(&rec);
	rd = pxr_reader_open(out, &err);
	EXPECT_INT(next(rd, &rec), 1);
	check_image(&rec, "warn", PXR_FLAG_WARNING);
	EXPECT_INT(next(rd, &rec), 0);
	pxr_reader_close(rd);
}

/*
 * A warned image, a failure record, a failing image and a plain one: the
 * warned and plain go on done, the failures as failures, in order, and
 * the exit status is 1 (for the failures, not the warning).
 */
static void
test_mixed(int heads, const char dir[256])
{
	char in[300], out[300], msgs[300];
	struct pxr_writer *wr;
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;

	snprintf(in, sizeof(in), "%s/mixed.pxr", dir);
	snprintf(out, sizeof(out), "%s/out.pxr", dir);
	snprintf(msgs, sizeof(msgs), "%s/msgs.txt", dir);
	wr = pxr_writer_open(in, 0, &err);
	put(wr, PXR_KIND_PIXELS, 0, "warn");
	put(wr, PXR_KIND_FAILURE, 1, "gone");
	put(wr, PXR_KIND_PIXELS, 2, "fail");
	put(wr, PXR_KIND_PIXELS, 3, "plain");
	pxr_writer_close(wr, &err);

	EXPECT_INT(run_loop(heads, in, out, msgs), 1);
	EXPECT_INT(strcmp(text_of(msgs),
		       "pxr-t: warn#0: warning: odd but fine\n"
		       "pxr-t: fail#2: no label\n"),
	    0);
	pxr_record_init(&rec);
	rd = pxr_reader_open(out, &err);
	EXPECT_INT(next(rd, &rec), 1);
	check_image(&rec, "warn", PXR_FLAG_WARNING);
	EXPECT_INT(next(rd, &rec), 1);
	EXPECT_INT(rec.kind, PXR_KIND_FAILURE);
	EXPECT_INT(rec.index, 1);
	EXPECT_INT(rec.payload_len, strlen("unreadable"));
	EXPECT_INT(next(rd, &rec), 1);
	EXPECT_INT(rec.kind, PXR_KIND_FAILURE);
	EXPECT_INT(rec.index, 2);
	EXPECT_INT(rec.payload_len, strlen("no label"));
	EXPECT_INT(memcmp(rec.payload, "no label", strlen("no label")), 0);
	EXPECT_INT(next(rd, &rec), 1);
	check_image(&rec, "plain", 0);
	EXPECT_INT(next(rd, &rec), 0);
	pxr_reader_close(rd);
}

int
main(void)
{
	const char *files[] = { "warn.pxr", "mixed.pxr", "out.pxr",
		"msgs.txt" };
	char dir[256], path[300];

	unit_tmpdir(dir, sizeof(dir), "pxr-test-fe");
	for (int heads = 0; heads <= 1; heads++) {
		test_warning(heads, dir);
		test_mixed(heads, dir);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	UNIT_DONE();
}
