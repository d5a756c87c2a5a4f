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
	"Exit status: 0 done, 2 usage error or fatal error.\n",
};

/* The pipeline's own usage and help (pxr-imagenet(1)), named $PXR_PROG. */
static char job_usage[256];
static const struct fe_prog job = {
	job_usage,
	"Build X_<split>.raw and Y_<split>.raw, their status files and\n"
	"manifests, from an ILSVRC2012 root (the tarballs or the trees), or\n"
	"with --folder from any folder-per-class tree.  Steps: plan (write\n"
	"OUT/.pxr/jobs, a shard command a line), shard PLAN K/N, finish (the\n"
	"manifests), slurm (plan, then submit as a job array).\n",
	"The same command again resumes an interrupted run; a run whose "
	"recipe\n"
	"differs from an existing set's is refused.  Exit status: 0 every\n"
	"image packed, 1 some images failed (the manifest lists them), 2 "
	"usage\n"
	"error, fatal error or a shard that failed twice; 128+N: signal N.\n",
};

/* Whose usage a usage error prints. */
static const struct fe_prog *front = &prog;

#define TEXT(n, to, arg, help) FE_ROW(n, 0, FE_TEXT, to, arg, help)
#define NUM(n, to, lo, hi, help)                                               \
	FE_ROW(n, 0, FE_NUMBER, to, "N", help), .min = (lo), .max = (hi)

/* Returns the index of the first operand. */
static int
parse(struct pxr_plan_opts *o, int argc, char **argv)
{
	int no_space = 0, first, help = argc > 1 && !strcmp(argv[1], "help");
	struct fe_opt opts[] = {
		{ TEXT("also", &o->also, "LIST",
		    "more sets from the same decode: squashN or N,\n"
		    "comma-separated") },
		{ FE_ROW("base", 0, FE_BASE, &o->base, "B",
		    "the first class's label: 1 (default) or 0") },
		{ TEXT("classes", &o->classes, "FILE", "the class list"),
		    .with = "folder" },
		{ FE_ROW("fast", 0, FE_FLAG, &o->fast, NULL,
		    "DCT-scaled decoding (not the reference's bytes)") },
		{ FE_ROW("filter", 0, FE_FILTER, &o->filter, "F",
		    "resize filter (triangle; box with --squash)") },
		{ FE_ROW("folder", 0, FE_FLAG, &o->folder, NULL,
		    "ROOT is any folder-per-class tree or archive") },
		{ TEXT("hosts", &o->hosts, "FILE",
		    "also run shard jobs on these ssh logins") },
		{ NUM("jobs", &o->jobs, 1, UINT64_MAX,
		    "parallel jobs here (default: all cores)") },
		{ FE_ROW("layout", 0, FE_LAYOUT, &o->layout, "L",
		    "julia (default), nhwc or nchw") },
		{ FE_ROW("like", 0, FE_LIKE, &o->like, "P",
		    "notebook (or with --folder torchvision)") },
		{ TEXT("name", &o->name, "NAME", "the set's name (data)"),
		    .with = "folder" },
		{ FE_ROW("no-space-check", 0, FE_FLAG, &no_space, NULL,
		    "go on even if the output lacks room") },
		{ TEXT("out", &o->out, "DIR", "output folder (default: .)") },
		{ FE_ROW("overwrite", 0, FE_FLAG, &o->overwrite, NULL,
		    "make the sets anew, whatever is there") },
		{ TEXT("sbatch", &o->sbatch, "OPTS",
		    "slurm: more sbatch options, as one word") },
		{ NUM("shards", &o->shards, 1, UINT64_MAX,
		    "shards per split (16 per job, 500 images at least)") },
		{ FE_ROW("short", 0, FE_SIDE, &o->shortside, "N",
		    "the short side's target (round(size*8/7))") },
		{ FE_ROW("size", 0, FE_SIDE, &o->size, "N",
		    "the crop's side (224)") },
		{ TEXT("split", &o->split, "S", "one split only") },
		{ FE_ROW("squash", 0, FE_SIDE, &o->squash, "N",
		    "the whole image to NxN, no crop") },
		{ TEXT("synsets", &o->synsets, "FILE", "the class list"),
		    .not_with = "folder" },
		{ TEXT("val-labels", &o->val_labels, "FILE",
		      "validation labels, any form pxr-label reads"),
		    .not_with = "folder" },
		FE_END,
	};
	char *h[] = { argv[0], (char *)(uintptr_t) "--help", NULL };
	/* Run by a pipeline, its messages are the pipeline's. */
	if (getenv("PXR_PROG") != NULL)
		fe_setprogname(getenv("PXR_PROG"));
	if (argc < 2 ||
	    (strcmp(argv[1], "check") && strcmp(argv[1], "plan") && !help))
		return fe_parse(&prog, opts, argc, argv);
	snprintf(job_usage, sizeof(job_usage),
	    "usage: %s [plan | slurm [--sbatch OPTS] | shard PLAN K/N | "
	    "finish] [-h] [options] ROOT\n",
	    fe_getprogname());
	if (help)
		fe_parse(&job, opts, 2, h);
	o->base = 1;
	/* Run by hand, check and plan are pxr-plan's. */
	front = getenv("PXR_PROG") != NULL ? &job : &prog;
	first = fe_parse(front, opts, argc - 1, argv + 1) + 1;
	o->like_given = fe_given(opts, "like") > 0;
	o->filter_given = fe_given(opts, "filter") > 0;
	o->space_check = !no_space;
	return first;
}

/* check STEP [ROOT] (the options, the output folder: what the pipeline
 * composes with) and plan ROOT (every check, the plan written, a line a
 * split for the pipeline). */
static void
job_step(struct pxr_plan_opts *o, int check, int argc, char **argv)
{
	struct pxr_plan p;
	struct pxr_err err = { PXR_E_NONE, "" };

	if (argc > 0)
		o->step = *argv++, argc--;
	o->roots = argc;
	o->root = argc > 0 ? argv[0] : ".";
	if (pxr_plan_init(&p, o, &err) == -1 && err.code == PXR_E_USAGE &&
	    err.msg[0] == '\0')
		fe_usage(front, NULL);
	if (err.code == PXR_E_USAGE)
		fe_usage(front, "%s", err.msg);
	if (err.code != PXR_E_NONE || pxr_plan_out(&p, &err) == -1 ||
	    (!check &&
		(pxr_plan_splits(&p, &err) == -1 ||
		    pxr_plan_classes(&p, fe_warn_line, NULL, &err) == -1 ||
		    pxr_plan_sets(&p, fe_warn_line, NULL, &err) == -1 ||
		    pxr_plan_space(&p, &err) == -1 ||
		    pxr_plan_write(&p, fe_warn_line, NULL, &err) == -1)))
		fe_die(2, "%s", err.msg);
	pxr_plan_print(&p, !check, stdout, fe_warn_line, NULL);
	pxr_plan_free(&p);
}

/* argv PLAN K/N DIR, plans DIR, task DIR T: what a shard runs, the plans
 * of an output folder, and the shard a Slurm task runs. */
static void
data(const char *sub, int argc, char **argv)
{
	struct pxr_plan_file f;
	struct pxr_err err;
	char *text;
	uint64_t t;

	if (strcmp(sub, "argv") == 0 && argc == 3) {
		if (pxr_plan_file_read(&f, argv[0], &err) == -1 ||
		    pxr_plan_file_stages(&f, argv[1], argv[2], &err) == -1)
			fe_die(2, "%s", err.msg);
		pxr_plan_file_free(&f);
	} else if (strcmp(sub, "plans") == 0 && argc == 1) {
		if ((text = pxr_plan_list(argv[0], &err)) == NULL)
			fe_die(2, "%s", err.msg);
		fputs(text, stdout);
		free(text);
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
	struct pxr_plan_opts o = { 0 };
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
	if (fflush(stdout) != 0 || ferror(stdout))
		fe_die(2, "write error on <stdout>");
	return 0;
}
