/*
 * pxr-unpack: pixel records out as PNG or PPM files or one contact sheet;
 * or a packed tensor read back as records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fe.h"
#include "unpack.h"

struct options {
	const char *output, *tensor, *labels, *pick, *classes;
	int base;
	enum pxr_imgfmt fmt;
	int has_fmt, force;
	uint32_t cols, rows;
	uint64_t random, seed;
};

/* Long options without a letter. */
enum { OPT_CLASSES = 256, OPT_FORMAT, OPT_LABELS, OPT_PICK, OPT_RANDOM, OPT_SEED, OPT_SHEET, OPT_TENSOR };

static const struct fe_prog prog = {
	"usage: pxr-unpack [-hV] [--format png|ppm] [-o pattern]\n"
	"                  [--sheet colsxrows [--classes file] [-b 0|1]] [file]\n"
	"       pxr-unpack --tensor x_file [-f] [--labels y_file]\n"
	"                  [--pick list | --random k [--seed n]]\n",
	"Write pixel records (stdin if no file) as image files, or read a\n"
	"packed tensor back as records.\n"
	"  -b, --base B        with --sheet: the first class's label (1)\n"
	"      --classes FILE  with --sheet: the class list, to caption each\n"
	"                      image with its class's words (or WNID)\n"
	"  -f, --force         with --tensor, write records even to a terminal\n"
	"      --format F      png (default) or ppm\n"
	"  -h, --help          print this help and exit\n"
	"      --labels FILE   with --tensor: the labels (default: X_ -> Y_)\n"
	"  -o, --output PAT    file names: %i index, %n name's basename,\n"
	"                      %l label, %% a percent sign (%i.png);\n"
	"                      with --sheet the sheet's file (sheet.png)\n"
	"      --pick LIST     with --tensor: these indices, as 1,5,7\n"
	"      --random K      with --tensor: K random images\n"
	"      --seed N        the seed of --random (1)\n"
	"      --sheet CxR     one contact sheet of the first C*R images\n"
	"      --tensor FILE   read a pxr-pack tensor as records\n"
	"  -V, --version       print the version and exit\n"
	"Exit status: 0 all records written, 1 some were failures or not\n"
	"pixels, 2 usage error, an unreadable input or a write error.\n",
};

static void
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "classes", required_argument, NULL, OPT_CLASSES },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "labels", required_argument, NULL, OPT_LABELS },
		{ "output", required_argument, NULL, 'o' },
		{ "pick", required_argument, NULL, OPT_PICK },
		{ "random", required_argument, NULL, OPT_RANDOM },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "sheet", required_argument, NULL, OPT_SHEET },
		{ "tensor", required_argument, NULL, OPT_TENSOR },
		FE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->seed = 1;
	o->base = 1;
	while ((c = getopt_long(argc, argv, "b:fho:V", longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'b':
			o->base = fe_opt_base(optarg);
			break;
		case OPT_CLASSES:
			o->classes = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "png") == 0)
				o->fmt = PXR_IMG_PNG;
			else if (strcmp(optarg, "ppm") == 0)
				o->fmt = PXR_IMG_PPM;
			else
				pxr_die(2, "unknown format '%s' (png, ppm)",
				    optarg);
			o->has_fmt = 1;
			break;
		case OPT_LABELS:
			o->labels = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_PICK:
			o->pick = optarg;
			break;
		case OPT_RANDOM:
			if (pxr_parse_u64(optarg, 1, 1u << 24, &o->random))
				pxr_die(2, "--random wants a count, not '%s'",
				    optarg);
			break;
		case OPT_SEED:
			if (pxr_parse_u64(optarg, 0, UINT64_MAX, &o->seed))
				pxr_die(2, "--seed wants a number, not '%s'",
				    optarg);
			break;
		case OPT_SHEET:
			if (pxr_parse_size(optarg, &o->cols, &o->rows) == -1 ||
			    o->cols > 64 || o->rows > 64)
				pxr_die(2, "--sheet wants CxR (at most 64x64), "
				    "not '%s'", optarg);
			break;
		case OPT_TENSOR:
			o->tensor = optarg;
			break;
		default:
			fe_common(&prog, c, &o->force);
		}
	}
	if (o->pick && o->random)
		pxr_die(2, "--pick and --random cannot be combined");
	if (!o->tensor && (o->pick || o->random || o->labels))
		pxr_die(2, "--pick, --random and --labels go with --tensor");
	if (o->classes && !o->cols)
		pxr_die(2, "--classes goes with --sheet");
	if (o->tensor && (o->cols || o->output || o->has_fmt))
		pxr_die(2, "--tensor writes records: pipe them to another "
			   "pxr-unpack for files or a sheet");
	if (argc - optind > (o->tensor ? 0 : 1))
		fe_usage(&prog, NULL);
	if (!o->has_fmt && o->output && strlen(o->output) > 4 &&
	    strcmp(o->output + strlen(o->output) - 4, ".ppm") == 0)
		o->fmt = PXR_IMG_PPM;
}

/* Y_FILE for X_FILE: "X_" in the basename becomes "Y_", if it exists. */
static char *
labels_for(const char *x)
{
	static char y[4096];
	const char *base = strrchr(x, '/');
	struct stat st;
	size_t at = base ? (size_t)(base + 1 - x) : 0;

	if (strlen(x) >= sizeof(y) || strncmp(x + at, "X_", 2) != 0)
		return NULL;
	strcpy(y, x);
	y[at] = 'Y';
	return stat(y, &st) == 0 ? y : NULL;
}

/* xorshift64*: a small seeded generator for --random. */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static int
from_tensor(const struct options *o)
{
	struct pxr_tensor *t;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	uint64_t n, s = o->seed * 0x9E3779B97F4A7C15ull + 1;
	const char *p = o->pick;

	if ((t = pxr_tensor_open(o->tensor,
		 o->labels ? o->labels : labels_for(o->tensor), &err)) == NULL ||
	    (wr = pxr_writer_open(NULL, o->force ? PXR_WRITER_FORCE : 0,
		 &err)) == NULL)
		pxr_die(2, "%s", err.msg);
	n = pxr_tensor_count(t);
	for (uint64_t k = 0;; k++) {
		uint64_t i;

		if (o->pick) {
			char *end;

			if (*p == '\0')
				break;
			i = strtoull(p, &end, 10);
			if (end == p || (*end != ',' && *end != '\0'))
				pxr_die(2, "--pick wants indices like 1,5,7");
			p = *end ? end + 1 : end;
		} else if (o->random) {
			if (k >= o->random || n == 0)
				break;
			i = next_random(&s) % n;
		} else if ((i = k) >= n) {
			break;
		}
		if (pxr_tensor_read(t, i, &rec, &err) == -1 ||
		    pxr_write(wr, &rec, &err) == -1)
			pxr_die(2, "%s: %s", o->tensor, err.msg);
	}
	if (pxr_writer_close(wr, &err) == -1)
		pxr_die(2, "%s", err.msg);
	pxr_tensor_close(t);
	return 0;
}

/* The class list's captions: for each line, its words up to the first
 * comma ("tench, Tinca tinca" -> "tench"), or its first word. */
static char **
load_classes(const char *path, size_t *n)
{
	struct pxr_err err;
	size_t len, cap = 0;
	char *text = pxr_read_all(path, (size_t)1 << 26, &len, &err), *line;
	char **names = NULL;

	if (text == NULL)
		pxr_die(2, "%s", err.msg);
	*n = 0;
	for (line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char *words = line + strcspn(line, " \t"), *end;

		if (*line == '\0' || *line == '\r')
			continue;
		if (*words != '\0') {
			*words++ = '\0';
			words += strspn(words, " \t");
		}
		if ((end = strpbrk(words, ",\r")) != NULL)
			*end = '\0';
		if (*n == cap) {
			char **more = realloc(names,
			    (cap = cap ? 2 * cap : 1024) * sizeof(*names));

			if (more == NULL)
				pxr_die(2, "out of memory");
			names = more;
		}
		if ((names[(*n)++] = strdup(*words ? words : line)) == NULL)
			pxr_die(2, "out of memory");
	}
	free(text);
	return names;
}

/* Captions an image with its index and label, and its class's name. */
static void
caption(const struct options *o, char *const *names, size_t nnames,
    const struct pxr_record *rec, char *l1, size_t n1, char *l2, size_t n2)
{
	int64_t cls = rec->label == PXR_LABEL_NONE ? -1 : rec->label - o->base;

	if (rec->label == PXR_LABEL_NONE)
		snprintf(l1, n1, "#%llu no label", (unsigned long long)rec->index);
	else
		snprintf(l1, n1, "#%llu y=%d", (unsigned long long)rec->index,
		    (int)rec->label);
	if (cls >= 0 && (size_t)cls < nnames)
		snprintf(l2, n2, "%s", names[cls]);
	else if (nnames > 0 && rec->label != PXR_LABEL_NONE)
		snprintf(l2, n2, "(not in the class list)");
	else
		snprintf(l2, n2, "%.*s", (int)rec->name_len, rec->name);
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	struct pxr_sheet *sheet = NULL;
	char **names = NULL;
	size_t nnames = 0;
	int r, status = 0;

	fe_start(argv[0]);
	parse_args(argc, argv, &o);
	if (o.tensor)
		return from_tensor(&o);
	if (o.classes)
		names = load_classes(o.classes, &nnames);
	if ((rd = pxr_reader_open(argv[optind], &err)) == NULL ||
	    (o.cols && (sheet = pxr_sheet_new(o.cols, o.rows, &err)) == NULL))
		pxr_die(2, "%s", err.msg);
	pxr_record_init(&rec);
	while ((r = pxr_read(rd, &rec, &err)) == 1) {
		char path[4096], l1[64], l2[256];

		if (rec.kind != PXR_KIND_PIXELS) {
			pxr_warn_record(&rec, rec.kind == PXR_KIND_FAILURE
				? "failure record: no image to write"
				: "not decoded: no image to write");
			status = 1;
			continue;
		}
		if (sheet != NULL) {
			caption(&o, names, nnames, &rec, l1, sizeof(l1), l2,
			    sizeof(l2));
			if (pxr_sheet_add(sheet, &rec, l1, l2, &err) == -1)
				pxr_die(2, "%s", err.msg);
			continue;
		}
		if (pxr_unpack_name(path, sizeof(path),
			o.output ? o.output : "%i.png", &rec) == -1)
			pxr_die(2, "output name too long");
		if (pxr_image_write(path, o.fmt, rec.payload, rec.width,
			rec.height, rec.channels, &err) == -1)
			pxr_die(2, "%s", err.msg);
	}
	if (r == -1)
		pxr_die(2, "%s", err.msg);
	if (sheet != NULL) {
		if (pxr_sheet_write(sheet, o.output ? o.output : "sheet.png",
			o.fmt, &err) == -1)
			pxr_die(err.code == PXR_E_USAGE ? 1 : 2, "%s", err.msg);
		pxr_sheet_free(sheet);
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	pxr_reader_close(rd);
	return status;
}
