/*
 * test_plan.c: the plan's pieces that the pipelines' tests see only
 * through whole runs: the sums the recipe keeps (awk's field rules), the
 * option checks, shard arguments from a plan's lines, and a plan of
 * another version or damaged refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan_int.h"
#include "unit.h"

#define EXPECT_STR(a, b)                                                       \
	UNIT_CHECK(strcmp((a), (b)) == 0, "%s != %s (a=\"%s\", b=\"%s\")", #a, \
	    #b, (a), (b))

/* The hex SHA-256 of s, as sha256sum gives it. */
static void
sum_of(const char *s, char hex[PXR_SHA256_HEX_SIZE])
{
	struct pxr_sha256 c;
	unsigned char d[PXR_SHA256_SIZE];

	pxr_sha256_init(&c);
	pxr_sha256_update(&c, s, strlen(s));
	pxr_sha256_final(&c, d);
	pxr_sha256_hex(d, hex);
}

/* plan_sum_lines: the lines awk 'NF' keeps, or their first words (awk
 * 'NF { print $1 }'): blanks are spaces and tabs only (a CR is text), a
 * line of blanks is no line, the last line needs no newline. */
static void
test_sums(void)
{
	static const char text[] = "n01 tench, Tinca\n\n  \t \n\tn02\tx y\r\n"
				   "n03\r\nlast";
	char got[PXR_SHA256_HEX_SIZE], want[PXR_SHA256_HEX_SIZE];

	plan_sum_lines(text, strlen(text), 1, got);
	sum_of("n01\nn02\nn03\r\nlast\n", want);
	EXPECT_STR(got, want);
	plan_sum_lines(text, strlen(text), 0, got);
	sum_of("n01 tench, Tinca\n\tn02\tx y\r\nn03\r\nlast\n", want);
	EXPECT_STR(got, want);
	plan_sum_lines("", 0, 1, got);
	sum_of("", want);
	EXPECT_STR(got, want);
}

/* Options as the command line gives them with none given: plan ROOT. */
static void
new_opts(struct pxr_plan_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->filter = PXR_PLAN_UNSET;
	o->layout = PXR_PLAN_UNSET;
	o->step = "plan";
	o->roots = 1;
}

/* pxr_plan_init's checks and defaults. */
static void
test_init(void)
{
	struct pxr_plan_opts o;
	struct pxr_plan p;
	struct pxr_err err;

	new_opts(&o);
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	EXPECT_INT(p.o.size, 224);
	EXPECT_INT(p.o.shortside, 256);
	EXPECT_INT(p.o.like, PXR_LIKE_NOTEBOOK);
	EXPECT_INT(p.o.filter, PXR_FILTER_TRIANGLE);
	EXPECT_INT(p.o.layout, PXR_LAYOUT_JULIA);
	o.folder = 1;
	o.squash = 32;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	EXPECT_INT(p.o.like, PXR_LIKE_TORCHVISION);
	EXPECT_INT(p.o.filter, PXR_FILTER_BOX);
	EXPECT_INT(p.o.layout, PXR_LAYOUT_NCHW);
	o.size = 64;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "give one of --size and --squash");
	o.size = 0;
	o.also = "squash64,160,0";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg,
	    "--also wants squashN, N, maxN or shortN items, not '0'");
	o.also = "squash64,160";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	EXPECT_INT(p.nalso, 2);
	EXPECT_STR(p.also[1], "160");
	o.also = "max500,short256,squash8";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	EXPECT_INT(p.nalso, 3);
	o.also = "maxx";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	o.also = "short064";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	o.also = "squash64,160";
	o.split = "test";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	o.folder = 0;
	o.squash = 0;
	o.also = NULL;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "unknown --split 'test' (train, val)");
	o.split = NULL;
	o.name = "a b";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "--name wants letters, digits, _ . -");
	o.name = NULL;
	o.step = "plans";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "unknown step 'plans'");
	o.step = "finish";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg,
	    "finish takes no ROOT (the plan in --out holds it)");
	o.step = "slurm";
	o.roots = 2;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "one ROOT only, got 2");
}

/* --keep-ratio's checks and defaults (a variable-size set). */
static void
test_init_keep(void)
{
	struct pxr_plan_opts o;
	struct pxr_plan p;
	struct pxr_err err;

	new_opts(&o);
	o.keep = 1;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg,
	    "--keep-ratio wants one of --max-side N and --short N");
	o.maxside = 500;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	/* Pillow's pixels by default, not the notebook's chain. */
	EXPECT_INT(p.o.like, PXR_LIKE_TORCHVISION);
	EXPECT_INT(p.o.filter, PXR_FILTER_TRIANGLE);
	EXPECT_INT(p.o.shortside, 0);
	o.shortside = 256;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	o.maxside = 0;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	o.shortside = 0;
	o.maxside = 500;
	o.squash = 32;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "--keep-ratio keeps the whole image: no --squash");
	o.squash = 0;
	o.maxside = 0;
	o.shortside = 256;
	o.npy = 1;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	o.npy = 0;
	o.layout = PXR_LAYOUT_NCHW;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	o.layout = PXR_LAYOUT_NHWC;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	o.like = PXR_LIKE_NOTEBOOK; /* its chain: the short side only */
	EXPECT_INT(pxr_plan_init(&p, &o, &err), 0);
	o.shortside = 0;
	o.maxside = 500;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	o.like = PXR_LIKE_ADM;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg,
	    "--like adm crops: not with --keep-ratio, maxN or shortN");
	o.like = PXR_LIKE_NONE;
	o.keep = 0;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR(err.msg, "--max-side goes with --keep-ratio");
	/* A maxN item with pxr-imagenet's default, the notebook's chain. */
	o.maxside = 0;
	o.also = "max500";
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR_CONTAINS(err.msg,
	    "(pxr-imagenet's default) resizes the "
	    "short side");
	o.also = "short256";
	o.fast = 1;
	o.like = PXR_LIKE_NOTEBOOK_GEOMETRY;
	EXPECT_INT(pxr_plan_init(&p, &o, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "no --fast");
}

/* The arguments of a stage of plan text, NUL-separated, as one string
 * with spaces. */
static int
args_of(const char *text, enum pxr_stage st, unsigned n, const char *shard,
    char *out, size_t size, struct pxr_err *err)
{
	struct pxr_plan_file f = { NULL, "t.plan", 0 };
	char *t = strdup(text), k[16];
	size_t used;
	int r;

	f.text = t;
	f.nsets = pxr_plan_file_get(&f, "sets", k, sizeof(k)) != NULL
	    ? (unsigned)atoi(k)
	    : 0;
	r = pxr_plan_file_args(&f, st, n, shard, out, size, &used, err);
	if (r == 0 && used == 0)
		out[0] = '\0';
	for (size_t i = 0; r == 0 && i < used; i++)
		if (out[i] == '\0')
			out[i] = i + 1 == used ? '\0' : ' ';
	free(t);
	return r;
}

static void
test_args(void)
{
	static const char plan[] =
	    "pxr " PXR_VERSION_STRING "\n"
	    "split val\nsource /s/v.tar\n"
	    "index /o/.pxr/val.index\nshards 3\n"
	    "synsets /s/syn.txt\nval_labels /s/v l.csv\n"
	    "base 0\nlike torchvision\nsets 2\n"
	    "set.0 val\nx.0 /o/X_val.raw\ny.0 /o/Y_val.raw\n"
	    "crop.0 256 224\nfilter.0 lanczos3\n"
	    "set.1 val_squash8\nx.1 /o/X8\ny.1 /o/Y8\n"
	    "squash.1 8\nfilter.1 box\n";
	char out[4096];
	struct pxr_err err;

	EXPECT_INT(
	    args_of(plan, PXR_STAGE_LIST, 0, "2/3", out, sizeof(out), &err), 0);
	EXPECT_STR(out,
	    "--from-index /o/.pxr/val.index --shard 2/3 --skip-done "
	    "/o/X_val.raw.status --skip-done /o/X8.status /s/v.tar");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_LABEL, 0, NULL, out, sizeof(out), &err), 0);
	/* A path with a space is one argument: "v l.csv". */
	EXPECT_STR(out,
	    "--base 0 --synsets /s/syn.txt --val-labels /s/v l.csv");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_SHAPE, 0, NULL, out, sizeof(out), &err), 0);
	EXPECT_STR(out,
	    "--like torchvision --short 256 --crop 224 --filter lanczos3");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_SHAPE, 1, NULL, out, sizeof(out), &err), 0);
	EXPECT_STR(out, "--size 8x8 --filter box");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_DECODE, 0, NULL, out, sizeof(out), &err),
	    0);
	EXPECT_STR(out, "");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_FINISH, 1, NULL, out, sizeof(out), &err),
	    0);
	EXPECT_STR(out, "--finish --synsets /s/syn.txt /o/X8 /o/Y8");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_PACK, 2, NULL, out, sizeof(out), &err), -1);
	EXPECT_STR(err.msg, "t.plan: no set 2 (it has 2)");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_LIST, 0, "0/3", out, sizeof(out), &err),
	    -1);
	EXPECT_STR(err.msg, "shard: K/N wanted, not '0/3'");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_LIST, 0, "1/3x", out, sizeof(out), &err),
	    -1);
	EXPECT_INT(args_of(plan, PXR_STAGE_LIST, 0, "2/3", out, 40, &err), -1);
	EXPECT_STR(err.msg, "t.plan: arguments too long");
	EXPECT_INT(args_of("pxr x\nsets 1\nset.0 a\n", PXR_STAGE_PACK, 0, NULL,
		       out, sizeof(out), &err),
	    -1);
	EXPECT_STR(err.msg, "t.plan: a plan with a line missing (plan again)");
}

/* A variable-size set's shaping: the preset's short side, or FFCV's
 * rounding of a capped long side; no crop. */
static void
test_args_keep(void)
{
	static const char plan[] =
	    "pxr " PXR_VERSION_STRING "\n"
	    "split train\nsource /s/t.tar\n"
	    "index /o/.pxr/train.index\nshards 3\n"
	    "synsets /s/syn.txt\nbase 1\nlike torchvision\nsets 2\n"
	    "set.0 train\nx.0 /o/X_train.raw\ny.0 /o/Y_train.raw\n"
	    "keep.0 max 500\nfilter.0 triangle\n"
	    "set.1 train_short64\nx.1 /o/X64\ny.1 /o/Y64\n"
	    "keep.1 short 64\nfilter.1 bicubic\n";
	char out[4096];
	struct pxr_err err;

	EXPECT_INT(
	    args_of(plan, PXR_STAGE_SHAPE, 0, NULL, out, sizeof(out), &err), 0);
	EXPECT_STR(out,
	    "--like torchvision --max-side 500 --round ffcv --filter triangle");
	EXPECT_INT(
	    args_of(plan, PXR_STAGE_SHAPE, 1, NULL, out, sizeof(out), &err), 0);
	EXPECT_STR(out, "--like torchvision --short 64 --filter bicubic");
	EXPECT_INT(args_of("pxr x\nsets 1\nset.0 a\nkeep.0 long 5\n",
		       PXR_STAGE_SHAPE, 0, NULL, out, sizeof(out), &err),
	    -1);
	EXPECT_STR(err.msg, "t.plan: a plan with a line missing (plan again)");
}

/* pxr_plan_file_read: another version, a cut file, not a plan. */
static void
test_read(void)
{
	char dir[256], path[300];
	struct pxr_plan_file f;
	struct pxr_err err;
	FILE *fp;

	unit_tmpdir(dir, sizeof(dir), "test_plan");
	snprintf(path, sizeof(path), "%s/p", dir);
	fp = fopen(path, "w");
	fputs("pxr 0.0.1\nsplit train\nsets 1\n", fp);
	fclose(fp);
	EXPECT_INT(pxr_plan_file_read(&f, path, &err), -1);
	EXPECT_STR(err.msg,
	    "train: planned by pxr 0.0.1, but this is pxr " PXR_VERSION_STRING
	    "; install one version everywhere and plan again");
	fp = fopen(path, "w");
	fputs("pxr " PXR_VERSION_STRING "\nsplit train\nsets 1", fp);
	fclose(fp);
	EXPECT_INT(pxr_plan_file_read(&f, path, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "not a plan of pxr-plan");
	fp = fopen(path, "w");
	fputs("pxr " PXR_VERSION_STRING "\nsplit train\nsets 1\n", fp);
	fclose(fp);
	EXPECT_INT(pxr_plan_file_read(&f, path, &err), 0);
	EXPECT_INT(f.nsets, 1);
	pxr_plan_file_free(&f);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_sums();
	test_init();
	test_init_keep();
	test_args();
	test_args_keep();
	test_read();
	UNIT_DONE();
}
