/*
 * pxr-plan: the job of pxr-imagenet and pxr-folder as data (plan.h): the
 * options checked (check), the plan made (plan) and read back (argv,
 * plans, task).  The pipelines compose what it says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "plan.h"

static const struct fe_prog prog = {
	"usage: pxr-plan check step [options] [root]\n"
	"       pxr-plan plan step [options] root\n"
	"       pxr-plan argv plan K/N dir\n"
	"       pxr-plan plans dir\n"
	"       pxr-plan task dir T\n"
	"       pxr-plan help\n",
	"Plan pxr-imagenet's and pxr-folder's work (pxr-plan(1)).\n",
	"Exit status: 0 done, 2 usage error or fatal error.\n"
};

/* The pipelines' own usage and help (pxr-imagenet(1), pxr-folder(1)),
 * named $PXR_PROG: the usage's options are the table's. */
static char job_usage[2048];
static struct fe_prog job = {
	job_usage,
	"Build X_<split>.raw and Y_<split>.raw, with their status files\n"
	"and manifests, from an ILSVRC2012 root (tarballs or trees).\n",
	"Steps: plan (OUT/.pxr/jobs: a shard a line), shard, finish (the\n"
	"manifests), slurm (plan, then a job array).  Run again, it resumes;\n"
	"another recipe is refused.  Exit status: 0 every image packed, 1\n"
	"some failed (the manifest lists them), 2 usage error, fatal error,\n"
	"a shard failed twice; 128+N: stopped by signal N.\n",
};
static const char folder_about[] =
    "Build X_<set>.raw and Y_<set>.raw, with their status files and\n"
    "manifests, from a folder-per-class tree or an archive of one\n"
    "(ImageFolder): a set per split folder (train/, val/, test/), or one.\n";

static const struct fe_prog *front = &prog; /* a usage error's usage */

#define TEXT(n, to, arg, help) FE_ROW(n, 0, FE_TEXT, to, arg, help)
#define FLAG(n, to, help) FE_ROW(n, 0, FE_FLAG, to, NULL, help)
#define NUM(n, to, lo, hi, help)                                               \
	FE_ROW(n, 0, FE_NUMBER, to, "N", help), .min = (lo), .max = (hi)

static int /* the index of the first operand */
parse(struct pxr_plan_opts *o, int argc, char **argv)
{
	int no_space = 0, first, help = argc > 1 && !strcmp(argv[1], "help");
	struct fe_opt opts[] = {
		{ TEXT("also", &o->also, "LIST",
		    "more sets: squashN, N, maxN, shortN, a,b") },
		{ FE_ROW("base", 0, FE_BASE, &o->base, "B",
		    "the first label (1)") },
		{ TEXT("classes", &o->classes, "FILE", "the class list"),
		    .with = "folder" },
		{ TEXT("crop-pct", &o->crop_pct, "P",
		      "timm's crop_pct (0.875)"),
		    .with = "like" },
		{ FLAG("exif-rotate", &o->exif_rotate,
		    "turn by EXIF orientation") },
		{ FLAG("fast", &o->fast, "DCT-scaled decoding (not exact)") },
		{ FE_ROW("filter", 0, FE_FILTER, &o->filter, "F",
		    "the filter") },
		{ FLAG("folder", &o->folder,
		    "ROOT is a folder-per-class tree") },
		{ TEXT("hosts", &o->hosts, "FILE",
		    "ssh logins for more jobs") },
		{ NUM("jobs", &o->jobs, 1, UINT64_MAX,
		    "jobs here (all cores)") },
		{ FLAG("keep-ratio", &o->keep, "whole images, sizes vary") },
		{ FE_ROW("layout", 0, FE_LAYOUT, &o->layout, "L",
		    "julia, nhwc or nchw") },
		{ FE_ROW("like", 0, FE_LIKE, &o->like, "P",
		    "notebook[-geometry], torchvision, timm, adm, edm") },
		{ FE_ROW("max-side", 0, FE_SIDE, &o->maxside, "N",
		      "long side at most N"),
		    .with = "keep-ratio" },
		{ TEXT("md5", &o->md5, "FILE", "md5sum's lines"),
		    .with = "verify" },
		{ TEXT("name", &o->name, "NAME", "the set's name (data)"),
		    .with = "folder" },
		{ FLAG("npy", &o->npy, "X and Y as .npy files") },
		{ FLAG("no-space-check", &no_space, "go on without the room") },
		{ TEXT("out", &o->out, "DIR", "output folder (.)") },
		{ FLAG("overwrite", &o->overwrite, "make the sets anew") },
		{ FLAG("retry-failed", &o->retry_failed,
		    "failed images' files may be new") },
		{ TEXT("sbatch", &o->sbatch, "OPTS", "slurm: sbatch options") },
		{ NUM("shards", &o->shards, 1, UINT64_MAX,
		    "shards per split") },
		{ FE_ROW("short", 0, FE_SIDE, &o->shortside, "N",
		    "short side") },
		{ FE_ROW("size", 0, FE_SIDE, &o->size, "N",
		    "crop side (224)") },
		{ FLAG("sheet", &o->sheet, "a sheet of 10 random images") },
		{ TEXT("split", &o->split, "S", "one split only") },
		{ FE_ROW("squash", 0, FE_SIDE, &o->squash, "N",
		    "whole to NxN") },
		{ TEXT("synsets", &o->synsets, "FILE", "the class list"),
		    .not_with = "folder" },
		{ FLAG("verify", &o->verify, "archives' MD5s first") },
		{ TEXT("val-labels", &o->val_labels, "FILE",
		      "validation labels"),
		    .not_with = "folder" },
		FE_END,
	};
	char *h[] = { argv[0], argv[1], (char *)(uintptr_t) "--help", NULL },
	     use[1024];
	/* Run by a pipeline, its messages are the pipeline's. */
	if (getenv("PXR_PROG") != NULL)
		fe_setprogname(getenv("PXR_PROG"));
	if (argc < 2 ||
	    (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "plan") != 0 &&
		!help))
		return fe_parse(&prog, opts, argc, argv);
	if (strcmp(fe_getprogname(), "pxr-folder") == 0) {
		job.about = folder_about; /* its own options: not these */
		for (struct fe_opt *r = opts; r->name != NULL; r++)
			r->hidden = strstr(" folder synsets val-labels ",
					r->name) != NULL;
	}
	fe_usage_options(opts, use, sizeof(use)); /* the usage from the table */
	snprintf(job_usage, sizeof(job_usage),
	    "usage: %s [plan | slurm] %s ROOT\n       %s shard PLAN K/N\n"
	    "       %s finish [--out DIR]\n",
	    fe_getprogname(), use, fe_getprogname(), fe_getprogname());
	o->base = 1;
	/* Run by hand, check and plan are pxr-plan's. */
	front = getenv("PXR_PROG") != NULL || help ? &job : &prog;
	first =
	    fe_parse(front, opts, help ? 2 : argc - 1, (help ? h : argv) + 1);
	first++;
	o->space_check = !no_space;
	return first;
}

/* check STEP [ROOT] (the options, the output folder: what the pipeline
 * composes with) and plan ROOT (every check, the plan written). */
static void
job_step(struct pxr_plan_opts *o, int check, int argc, char **argv)
{
	struct pxr_plan p;
	struct pxr_err err = { PXR_E_NONE, "" };

	if (argc > 0)
		o->step = *argv++, argc--;
	o->roots = argc;
	o->root = argc > 0 ? argv[0] : ".";
	if (pxr_plan_init(&p, o, &err) == -1 && err.code == PXR_E_USAGE)
		fe_usage(front, "%s", err.msg);
	if (err.code != PXR_E_NONE || pxr_plan_out(&p, &err) == -1 ||
	    (!check && pxr_plan_make(&p, fe_warn_line, NULL, &err) == -1))
		fe_die(2, "%s", err.msg);
	pxr_plan_print(&p, !check, stdout, fe_warn_line, NULL);
	pxr_plan_free(&p);
}

/* argv PLAN K/N DIR, plans DIR, task DIR T: a shard's stages, the plans
 * of OUT, and the shard a Slurm task runs. */
static void
data(const char *sub, int argc, char **argv)
{
	struct pxr_plan_file f;
	struct pxr_err err;
	uint64_t t;

	if (strcmp(sub, "argv") == 0 && argc == 3) {
		if (pxr_plan_file_read(&f, argv[0], &err) == -1 ||
		    pxr_plan_file_stages(&f, argv[1], argv[2], &err) == -1)
			fe_die(2, "%s", err.msg);
		pxr_plan_file_free(&f);
	} else if (strcmp(sub, "plans") == 0 && argc == 1) {
		if (pxr_plan_list(argv[0], stdout, &err) == -1)
			fe_die(2, "%s", err.msg);
	} else if (strcmp(sub, "task") == 0 && argc == 2 &&
	    fe_parse_u64(argv[1], 1, UINT64_MAX, &t) == 0) {
		if (pxr_plan_task(argv[0], t, stdout, &err) == -1)
			fe_die(2, "%s", err.msg);
	} else {
		fe_usage(&prog, NULL);
	}
}

int
main(int argc, char **argv)
{
	struct pxr_plan_opts o = { .filter = PXR_PLAN_UNSET,
		.layout = PXR_PLAN_UNSET };
	int first;

	fe_start(argv[0]);
	first = parse(&o, argc, argv);
	if (argc > 1 && (!strcmp(argv[1], "check") || !strcmp(argv[1], "plan")))
		job_step(&o, !strcmp(argv[1], "check"), argc - first,
		    argv + first);
	else if (first < argc)
		data(argv[first], argc - first - 1, argv + first + 1);
	else
		fe_usage(&prog, NULL);
	fe_flush_stdout();
	return 0;
}
