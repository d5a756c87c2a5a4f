/*
 * pxr-cat: print the records of pxr streams, one line each, or check them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

struct options {
	int check;
	int force;
	int json;
	int pass;
};

static const struct fe_prog prog = {
	"usage: pxr-cat [-hjV] [--check | --pass [-f]] [file ...]\n",
	"Print one line per record of pxr streams (stdin if no file).\n",
	"Exit status: 0 all records fine, 1 the stream holds failure\n"
	"records, 2 usage error or a damaged or unreadable stream.\n",
};

/* Returns the index of the first file operand. */
static int
parse_args(int argc, char **argv, struct options *o)
{
	struct fe_opt opts[] = {
		{ FE_ROW("check", 0, FE_FLAG, &o->check, NULL,
		    "validate every record, report every problem") },
		{ FE_FORCE(&o->force), .with = "pass" },
		{ FE_ROW("json", 'j', FE_FLAG, &o->json, NULL,
		    "print JSON lines instead of tab-separated text") },
		{ FE_ROW("pass", 0, FE_FLAG, &o->pass, NULL,
		    "copy the checked records to stdout as a stream") },
		FE_END,
	};
	int first = fe_parse(&prog, opts, argc, argv);

	if (o->check + o->json + o->pass > 1)
		fe_die(2, "--check, --json and --pass cannot be combined");
	return first;
}

static void
print_text(const struct pxr_record *rec)
{
	printf("%llu\t%s\t", (unsigned long long)rec->index,
	    pxr_kind_name(rec->kind));
	if (rec->kind == PXR_KIND_PIXELS)
		printf("%ux%ux%u\t", rec->width, rec->height, rec->channels);
	else
		fputs("-\t", stdout);
	if (rec->label == PXR_LABEL_NONE)
		fputs("-\t", stdout);
	else
		printf("%ld\t", (long)rec->label);
	pxr_fput_escaped(stdout, rec->name, rec->name_len, 0);
	printf("\t%zu", rec->payload_len);
	if (rec->kind == PXR_KIND_FAILURE) {
		putchar('\t');
		pxr_fput_escaped(stdout, (const char *)rec->payload,
		    rec->payload_len, 0);
	}
	putchar('\n');
}

static void
print_json(const struct pxr_record *rec)
{
	printf("{\"index\":%llu,\"kind\":\"%s\",\"width\":%u,\"height\":%u,"
	       "\"channels\":%u,\"orig_width\":%u,\"orig_height\":%u,"
	       "\"label\":%ld,\"warning\":%s,\"name\":",
	    (unsigned long long)rec->index, pxr_kind_name(rec->kind),
	    rec->width, rec->height, rec->channels, rec->orig_width,
	    rec->orig_height, (long)rec->label,
	    rec->flags & PXR_FLAG_WARNING ? "true" : "false");
	pxr_fput_escaped(stdout, rec->name, rec->name_len, 1);
	printf(",\"bytes\":%zu", rec->payload_len);
	if (rec->kind == PXR_KIND_FAILURE) {
		fputs(",\"reason\":", stdout);
		pxr_fput_escaped(stdout, (const char *)rec->payload,
		    rec->payload_len, 1);
	}
	fputs("}\n", stdout);
}

/* Reads one stream; returns its exit status (0, 1 or 2). */
static int
cat_stream(const char *path, const struct options *o, struct pxr_writer *wr)
{
	unsigned long long n = 0, failures = 0, problems = 0;
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	int r;

	if ((rd = pxr_reader_open(path, &err)) == NULL) {
		fe_warnx("%s", err.msg);
		return 2;
	}
	pxr_record_init(&rec);
	for (;;) {
		r = pxr_read(rd, &rec, &err);
		if (r == 0)
			break;
		if (r == -1) {
			fe_warnx("%s", err.msg);
			problems++;
			if (!o->check || err.code == PXR_E_IO)
				break;
			/* After a payload error the reader is in step. */
			if (err.code != PXR_E_PAYLOAD_CRC &&
			    pxr_reader_resync(rd, &err) != 1)
				break;
			continue;
		}
		n++;
		if (rec.kind == PXR_KIND_FAILURE)
			failures++;
		if (o->check)
			continue;
		if (wr != NULL) {
			if (pxr_write(wr, &rec, &err) == -1)
				fe_fatal(&err);
		} else if (o->json)
			print_json(&rec);
		else
			print_text(&rec);
	}
	if (o->check)
		printf(
		    "%s: %llu records, %llu failure records, %llu problems\n",
		    pxr_reader_name(rd), n, failures, problems);
	pxr_reader_close(rd);
	if (problems > 0)
		return 2;
	return failures > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct pxr_writer *wr = NULL;
	struct options o = { 0 };
	struct pxr_err err;
	int status = 0, first;

	fe_start(argv[0]);
	first = parse_args(argc, argv, &o);
	if (o.pass &&
	    (wr = pxr_writer_open(NULL, o.force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL)
		fe_die(2, "%s", err.msg);
	if (first == argc)
		status = cat_stream(NULL, &o, wr);
	for (int i = first; i < argc; i++) {
		int s = cat_stream(argv[i], &o, wr);

		if (s > status)
			status = s;
	}
	if (pxr_writer_close(wr, &err) == -1)
		fe_fatal(&err);
	fe_flush_stdout();
	return status;
}
