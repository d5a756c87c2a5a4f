/*
 * plan.c: the start of a plan (plan.h): the options checked and their
 * defaults, the output folder, the splits of the root, and each split's
 * index, reused while its tarball is unchanged.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "plan_int.h"

const char *const plan_split_names[PXR_PLAN_SPLITS] = { "train", "val",
	"test" };

/* The validation label files a root may hold, in the order looked for. */
static const char *const val_files[] = { "LOC_val_solution.csv",
	"validation_labels.txt", "ILSVRC2012_validation_ground_truth.txt" };

/* The current folder as the shell names it: $PWD where it is this folder
 * (a path through a symbolic link stays so), else the real one. */
static int
current_dir(char *out, size_t size)
{
	const char *pwd = getenv("PWD");
	struct stat a, b;

	if (pwd != NULL && pwd[0] == '/' && strlen(pwd) < size &&
	    stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		strcpy(out, pwd);
		return 0;
	}
	return getcwd(out, size) != NULL ? 0 : -1;
}

/*
 * path made absolute as `cd "$(dirname p)" && pwd` makes it: from the
 * current folder, "." and empty components dropped and ".." taking the
 * one before it away (a logical path).  0, or -1 when too long.
 */
static int
abs_path(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX * 2];
	size_t n = 0;

	if (path[0] == '/')
		buf[0] = '\0';
	else if (current_dir(buf, PATH_MAX) == -1)
		return -1;
	if (strlen(buf) + strlen(path) + 2 > sizeof(buf))
		return -1;
	strcat(buf, "/");
	strcat(buf, path);
	out[0] = '\0';
	for (char *s = buf, *e; *s != '\0'; s = e) {
		size_t len;

		while (*s == '/')
			s++;
		e = s + strcspn(s, "/");
		len = (size_t)(e - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
			continue;
		}
		if (n + len + 2 > size)
			return -1;
		out[n++] = '/';
		memcpy(out + n, s, len);
		n += len;
		out[n] = '\0';
	}
	if (n == 0) {
		if (size < 2)
			return -1;
		strcpy(out, "/");
	}
	return 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A --also item: "squashN", "maxN", "shortN" or "N", N of 1 to 6
 * digits, not 0 first. */
static int
also_item(const char *s)
{
	size_t n;

	if (strncmp(s, "squash", 6) == 0 || strncmp(s, "short", 5) == 0)
		s += s[1] == 'q' ? 6 : 5;
	else if (strncmp(s, "max", 3) == 0)
		s += 3;
	n = strspn(s, "0123456789");
	return n >= 1 && n <= 6 && s[n] == '\0' && s[0] != '0';
}

/* --also's comma-separated items into p->also; 0 or -1. */
static int
take_also(struct pxr_plan *p, const char *list, struct pxr_err *err)
{
	for (const char *s = list; *s != '\0';) {
		size_t n = strcspn(s, ",");
		char item[16];

		if (n >= sizeof(item) || p->nalso == PXR_PLAN_ALSO) {
			if (p->nalso == PXR_PLAN_ALSO)
				return pxr_seterr(err, PXR_E_USAGE,
				    "--also takes %d items at most",
				    PXR_PLAN_ALSO);
			return pxr_seterr(err, PXR_E_USAGE,
			    "--also wants squashN, N, maxN or shortN items, "
			    "not '%.*s'",
			    (int)n, s);
		}
		memcpy(item, s, n);
		item[n] = '\0';
		if (!also_item(item))
			return pxr_seterr(err, PXR_E_USAGE,
			    "--also wants squashN, N, maxN or shortN items, "
			    "not '%s'",
			    item);
		strcpy(p->also[p->nalso++], item);
		s += n + (s[n] == ',');
	}
	return 0;
}

/* Whether s holds only letters, digits, '_', '.' and '-'. */
static int
name_chars(const char *s)
{
	return *s != '\0' &&
	    strspn(s,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789_.-") == strlen(s);
}

/* The pipeline's step: known, with a root but for finish, --sbatch with
 * slurm only, the ssh logins readable.  0 or -1. */
static int
check_step(const struct pxr_plan_opts *o, struct pxr_err *err)
{
	const char *s = o->step != NULL ? o->step : "";
	int finish = strcmp(s, "finish") == 0;
	FILE *fp;

	if (!finish && strcmp(s, "all") != 0 && strcmp(s, "plan") != 0 &&
	    strcmp(s, "slurm") != 0)
		return pxr_seterr(err, PXR_E_USAGE, "unknown step '%s'", s);
	if (finish && o->roots != 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "finish takes no ROOT (the plan in --out holds it)");
	if (!finish && o->roots != 1)
		return o->roots == 0
		    ? pxr_seterr(err, PXR_E_USAGE, "missing ROOT")
		    : pxr_seterr(err, PXR_E_USAGE, "one ROOT only, got %d",
			  o->roots);
	if (o->sbatch != NULL && strcmp(s, "slurm") != 0)
		return pxr_seterr(err, PXR_E_USAGE, "--sbatch goes with slurm");
	if (o->retry_failed && (o->overwrite || finish))
		return pxr_seterr(err, PXR_E_USAGE,
		    "--retry-failed resumes a set: not with %s",
		    finish ? "finish" : "--overwrite (a set made anew)");
	if (o->hosts != NULL && !finish) {
		if ((fp = fopen(o->hosts, "r")) == NULL)
			return pxr_seterr(err, PXR_E_IO,
			    "%s: cannot read the ssh login file", o->hosts);
		fclose(fp);
	}
	return 0;
}

/* --like timm's crop_pct into p->pct (0.875 unless given); --crop-pct
 * only with it, and in place of --short. */
static int
timm_pct(struct pxr_plan *p, const struct pxr_plan_opts *o, struct pxr_err *err)
{
	p->pct = 0.875;
	if (o->crop_pct == NULL)
		return 0;
	if (o->like != PXR_LIKE_TIMM)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--crop-pct goes with --like timm");
	if (o->shortside || o->squash)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--crop-pct gives the short side: not with --%s",
		    o->squash ? "squash" : "short");
	if (pxr_crop_pct_parse(o->crop_pct, &p->pct) == -1)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--crop-pct wants a number above 0 and at most 1 "
		    "(0.875), not '%s'",
		    o->crop_pct);
	return 0;
}

/* The geometry of a --also item: squashN, maxN or shortN (a keep set),
 * or N (a crop of N from the short side plan_short_side gives). */
struct pxr_geom
plan_item_geom(const struct pxr_plan *p, const char *v)
{
	struct pxr_geom g = { 0, 0, 0, 0, 0 };

	if (strncmp(v, "squash", 6) == 0) {
		g.squash = 1;
		g.side = (uint32_t)strtoul(v + 6, NULL, 10);
	} else if (v[0] == 'm' || v[0] == 's') {
		g.keep = 1;
		if (v[0] == 'm')
			g.maxside = (uint32_t)strtoul(v + 3, NULL, 10);
		else
			g.shortside = (uint32_t)strtoul(v + 5, NULL, 10);
	} else {
		g.side = (uint32_t)strtoul(v, NULL, 10);
		g.shortside = plan_short_side(p, g.side);
	}
	return g;
}

/* What a variable-size set cannot go with (--keep-ratio's set, maxN and
 * shortN items): it is raw and NHWC with its index, laid out from the
 * stored sizes before any decoding, and crops nothing.  0 or -1. */
static int
keep_check(const struct pxr_plan *p, const struct pxr_plan_opts *o,
    struct pxr_err *err)
{
	int any = o->keep, max = o->keep && o->maxside;

	for (size_t i = 0; i < p->nalso; i++) {
		struct pxr_geom g = plan_item_geom(p, p->also[i]);

		any |= g.keep;
		max |= g.maxside != 0;
	}
	if (!any)
		return 0;
	if (o->fast)
		return pxr_seterr(err, PXR_E_USAGE,
		    "a variable-size set is laid out from the stored sizes: "
		    "no --fast with --keep-ratio, maxN or shortN");
	if (o->npy)
		return pxr_seterr(err, PXR_E_USAGE,
		    "a variable-size set is raw with its index: no --npy "
		    "with --keep-ratio, maxN or shortN");
	if (p->o.like == PXR_LIKE_ADM || p->o.like == PXR_LIKE_EDM)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--like %s crops: not with --keep-ratio, maxN or shortN",
		    pxr_like_name(p->o.like));
	if (max && p->o.like == PXR_LIKE_NOTEBOOK)
		return pxr_seterr(err, PXR_E_USAGE,
		    "the notebook's chain%s resizes the short side: no "
		    "--max-side or maxN with it (--like notebook-geometry, "
		    "or --short N, shortN)",
		    o->like == PXR_LIKE_NONE ? " (pxr-imagenet's default)"
					     : "");
	if (o->keep && (int)o->layout != PXR_PLAN_UNSET &&
	    o->layout != PXR_LAYOUT_NHWC)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--keep-ratio's images are H x W x 3 each (nhwc): no "
		    "--layout %s",
		    pxr_layout_name(o->layout));
	return 0;
}

uint32_t
plan_short_side(const struct pxr_plan *p, uint32_t side)
{
	uint32_t n;

	if (p->o.like == PXR_LIKE_ADM || p->o.like == PXR_LIKE_EDM)
		return side;            /* the short side resized to the crop */
	if (p->o.like != PXR_LIKE_TIMM) /* round(side * 8 / 7): 224 -> 256 */
		return (side * 8 + 3) / 7;
	n = pxr_crop_pct_short(side, p->pct);
	return n;
}

int
pxr_plan_init(struct pxr_plan *p, const struct pxr_plan_opts *o,
    struct pxr_err *err)
{
	memset(p, 0, sizeof(*p));
	p->o = *o;
	if (check_step(o, err) == -1)
		return -1;
	if (o->size && o->squash)
		return pxr_seterr(err, PXR_E_USAGE,
		    "give one of --size and --squash");
	if (o->squash && o->shortside)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--squash resizes the whole image: no --short");
	if (o->keep && (o->size || o->squash || o->crop_pct != NULL))
		return pxr_seterr(err, PXR_E_USAGE,
		    "--keep-ratio keeps the whole image: no --%s",
		    o->size         ? "size"
			: o->squash ? "squash"
				    : "crop-pct");
	if (o->keep && (o->shortside == 0) == (o->maxside == 0))
		return pxr_seterr(err, PXR_E_USAGE,
		    "--keep-ratio wants one of --max-side N and --short N");
	if (o->maxside && !o->keep)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--max-side goes with --keep-ratio");
	if (o->like == PXR_LIKE_EDM_WIDE)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--like edm-wide makes a WxH image in a WxW canvas: "
		    "pxr-decode or pxr-resize --like edm-wide --size WxH");
	if (o->squash && (o->like == PXR_LIKE_ADM || o->like == PXR_LIKE_EDM))
		return pxr_seterr(err, PXR_E_USAGE,
		    "--like %s crops: not with --squash",
		    pxr_like_name(o->like));
	if (p->o.size == 0)
		p->o.size = 224;
	if (timm_pct(p, o, err) == -1)
		return -1;
	p->short_given = o->shortside != 0;
	if (p->o.shortside == 0 && !o->keep &&
	    (p->o.shortside = plan_short_side(p, p->o.size)) == 0)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--size %u at crop_pct %g: the short side would be over "
		    "%u pixels",
		    p->o.size, p->pct, PXR_DIM_MAX);
	if (p->o.jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		p->o.jobs = n > 0 ? (uint64_t)n : 1;
	}
	/* pxr-folder serves PyTorch: its preset and axes are torchvision's;
	 * pxr-imagenet's is the notebook's pixels, and its geometry alone
	 * (Pillow's bytes) where a filter is asked for, as the programs'
	 * --like notebook with --filter, or --squash (the notebook never
	 * squashed), or --fast without --like. */
	if (o->like == PXR_LIKE_NOTEBOOK && o->fast)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--like notebook decodes at full size, as the notebook "
		    "did: no --fast (--like notebook-geometry has it)");
	if (o->like == PXR_LIKE_NONE)
		p->o.like = o->folder || o->keep ? PXR_LIKE_TORCHVISION
		    : o->fast                    ? PXR_LIKE_NOTEBOOK_GEOMETRY
						 : PXR_LIKE_NOTEBOOK;
	if (p->o.like == PXR_LIKE_NOTEBOOK &&
	    ((int)o->filter != PXR_PLAN_UNSET || o->squash))
		p->o.like = PXR_LIKE_NOTEBOOK_GEOMETRY;
	if ((int)o->layout == PXR_PLAN_UNSET)
		p->o.layout = o->folder ? PXR_LAYOUT_NCHW : PXR_LAYOUT_JULIA;
	if ((int)o->filter == PXR_PLAN_UNSET)
		p->o.filter = o->squash ? PXR_FILTER_BOX
		    : o->like == PXR_LIKE_TIMM || o->like == PXR_LIKE_ADM
		    ? PXR_FILTER_BICUBIC
		    : o->like == PXR_LIKE_EDM ? PXR_FILTER_LANCZOS3
					      : PXR_FILTER_TRIANGLE;
	if (o->name != NULL && !name_chars(o->name))
		return pxr_seterr(err, PXR_E_USAGE,
		    "--name wants letters, digits, _ . -");
	if (o->split != NULL) {
		size_t k = o->folder ? 3 : 2, i;

		for (i = 0; i < k; i++)
			if (strcmp(o->split, plan_split_names[i]) == 0)
				break;
		if (i == k)
			return pxr_seterr(err, PXR_E_USAGE,
			    "unknown --split '%s' (train, val%s)", o->split,
			    o->folder ? ", test" : "");
	}
	if (o->out == NULL)
		p->o.out = ".";
	if (o->also != NULL && take_also(p, o->also, err) == -1)
		return -1;
	return keep_check(p, o, err);
}

/* mkdir -p path; 0, or -1 with errno. */
static int
make_dirs(const char *path)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (char *s = buf + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(buf, 0777) == -1 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	if (mkdir(buf, 0777) == -1 && (errno != EEXIST || !is_dir(buf)))
		return errno == EEXIST ? (errno = ENOTDIR, -1) : -1;
	return 0;
}

/* The first folder of path (absolute) that is not there, into made, or
 * "" when path is. */
static void
first_missing(const char *path, char *made, size_t size)
{
	char buf[PATH_MAX];
	struct stat st;

	made[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1;; s++)
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (stat(buf, &st) == -1) {
				snprintf(made, size, "%s", buf);
				return;
			}
			if ((*s = c) == '\0')
				return;
		}
}

int
pxr_plan_out(struct pxr_plan *p, struct pxr_err *err)
{
	char probe[PATH_MAX + 32], abs[PATH_MAX];
	int fd;

	if (abs_path(p->o.out, abs, sizeof(abs)) == 0) {
		first_missing(abs, p->made, sizeof(p->made));
		if (p->made[0] == '\0' &&
		    (size_t)snprintf(probe, sizeof(probe), "%s/.pxr", abs) <
			sizeof(probe))
			first_missing(probe, p->made, sizeof(p->made));
	}
	if (make_dirs(p->o.out) == -1)
		return pxr_seterr(err, PXR_E_IO,
		    "%s: cannot make the output folder (%s)", p->o.out,
		    strerror(errno));
	if (abs_path(p->o.out, p->out, sizeof(p->out)) == -1 ||
	    (size_t)snprintf(p->state, sizeof(p->state), "%s/.pxr", p->out) >=
		sizeof(p->state) - 64)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long",
		    p->o.out);
	if (strpbrk(p->out, "\t\n") != NULL)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: a tab or a line break in the output folder's name",
		    p->out);
	snprintf(probe, sizeof(probe), "%s/probe.%ld", p->state,
	    (long)getpid());
	if ((mkdir(p->state, 0777) == -1 && errno != EEXIST) ||
	    (fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) ==
		-1)
		return pxr_seterr(err, PXR_E_IO, "%s: cannot write there (%s)",
		    p->out, strerror(errno));
	close(fd);
	unlink(probe);
	return 0;
}

int
plan_init_split(const struct pxr_plan *p, struct pxr_plan_split *s,
    const char *name, const char *src, const char *under, struct pxr_err *err)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->under, sizeof(s->under), "%s", under);
	if ((size_t)snprintf(s->src, sizeof(s->src), "%s", src) >=
		sizeof(s->src) ||
	    (size_t)snprintf(s->index, sizeof(s->index), "%s/%s.index",
		p->state, name) >= sizeof(s->index) ||
	    (size_t)snprintf(s->plan, sizeof(s->plan), "%s/%s.plan", p->state,
		name) >= sizeof(s->plan))
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", src);
	return 0;
}

int
plan_add_split(struct pxr_plan *p, const char *name, const char *src,
    const char *under, struct pxr_err *err)
{
	if (p->nsplits == PXR_PLAN_SPLITS)
		PXR_BUG("more splits than PXR_PLAN_SPLITS");
	if (plan_init_split(p, &p->splits[p->nsplits], name, src, under, err) ==
	    -1)
		return -1;
	p->nsplits++;
	return 0;
}

int
plan_split_named(const struct pxr_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nsplits; i++)
		if (strcmp(p->splits[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The found split called name (a template for plan_init_split), or -1. */
static int
found_split(const struct pxr_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nfound; i++)
		if (strcmp(p->found[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* src into dst (n bytes), cut to fit. */
static void
copy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void
add_found(struct pxr_plan *p, const char *name, const char *src,
    const char *under)
{
	copy(p->found[p->nfound].name, PXR_PLAN_NAME, name);
	copy(p->found[p->nfound].src, PATH_MAX, src);
	copy(p->found[p->nfound].under, PATH_MAX, under);
	p->nfound++;
}

/* The folders of the whole archive's names in dir: their number, and
 * into *f (malloc'd, or NULL when none) themselves; *loose the images
 * directly in dir. */
static size_t
folders_in(const struct pxr_plan *p, const char *dir,
    struct pxr_list_folder **f, uint64_t *loose)
{
	size_t n = pxr_list_top_folders(p->whole, dir, NULL, 0, loose);

	*f = n > 0 ? calloc(n, sizeof(**f)) : NULL;
	if (*f != NULL)
		pxr_list_top_folders(p->whole, dir, *f, n, loose);
	return *f != NULL ? n : 0;
}

/* An archive root of a folder run: indexed whole (again only when it
 * changed), then its split folders found as in the tree it was made of,
 * under one top folder that holds folders and no image (`tar cf ds.tar
 * -C parent ds`) or at its top (`-C ds .`). */
static int
archive_splits(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	struct pxr_plan_split whole;
	struct pxr_list_folder *f = NULL, *g = NULL;
	char base[PATH_MAX] = "", under[PATH_MAX + 16];
	uint64_t loose, loose2;
	size_t n, n2;

	if (plan_init_split(p, &whole, "source", p->root, "", err) == -1)
		return -1;
	whole.name[0] = '\0'; /* "indexing ROOT" */
	if (plan_index_whole(p, &whole, warn, ctx, err) == -1)
		return -1;
	n = folders_in(p, NULL, &f, &loose);
	if (n == 1 && loose == 0 &&
	    (size_t)snprintf(base, sizeof(base), "%.*s", (int)f[0].len,
		f[0].name) < sizeof(base) &&
	    (n2 = folders_in(p, base, &g, &loose2)) > 0 && loose2 == 0) {
		free(f);
		f = g, n = n2;
	} else {
		free(g);
		base[0] = '\0';
	}
	for (size_t i = 0; i < PXR_PLAN_SPLITS; i++)
		for (size_t k = 0; k < n; k++)
			if (f[k].len == strlen(plan_split_names[i]) &&
			    memcmp(f[k].name, plan_split_names[i], f[k].len) ==
				0) {
				snprintf(under, sizeof(under), "%s%s%s", base,
				    base[0] ? "/" : "", plan_split_names[i]);
				add_found(p, plan_split_names[i], p->root,
				    under);
			}
	free(f);
	if (p->nfound == 0 && base[0] != '\0')
		add_found(p, p->o.name ? p->o.name : "data", p->root, base);
	return 0;
}

/* A folder root: its split folders (train/, val/, test/) each a split,
 * or, without any, the root one split (--name, or "data"); an archive
 * as the tree it was made of. */
static int
folder_splits(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	char path[PATH_MAX + 8], found[32] = "";

	if (!is_dir(p->root) && archive_splits(p, warn, ctx, err) == -1)
		return -1;
	for (size_t i = 0; i < PXR_PLAN_SPLITS && is_dir(p->root); i++) {
		snprintf(path, sizeof(path), "%s/%s", p->root,
		    plan_split_names[i]);
		if (is_dir(path))
			add_found(p, plan_split_names[i], path, "");
	}
	if (p->nfound == 1 && found_split(p, "train") < 0 &&
	    found_split(p, "val") < 0 && found_split(p, "test") < 0)
		return plan_add_split(p, p->found[0].name, p->found[0].src,
		    p->found[0].under, err); /* an archive's top folder */
	for (size_t i = 0; i < p->nfound; i++)
		snprintf(found + strlen(found), sizeof(found) - strlen(found),
		    "%s%s", i ? " " : "", p->found[i].name);
	if (p->nfound == 0) {
		if (p->o.split != NULL)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: no split folders (train val test); --split "
			    "needs them",
			    p->root);
		return plan_add_split(p, p->o.name ? p->o.name : "data",
		    p->root, "", err);
	}
	p->split_root = 1;
	if (p->o.name != NULL)
		return pxr_seterr(err, PXR_E_USAGE,
		    "--name: %s has split folders (%s); each makes its own set",
		    p->root, found);
	for (size_t i = 0; i < p->nfound; i++) {
		if (p->o.split != NULL &&
		    strcmp(p->o.split, p->found[i].name) != 0)
			continue;
		if (plan_add_split(p, p->found[i].name, p->found[i].src,
			p->found[i].under, err) == -1)
			return -1;
	}
	if (p->o.split != NULL && p->nsplits == 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: no split folder %s/ (it has %s)", p->root, p->o.split,
		    found);
	return 0;
}

/* An ILSVRC2012 root: ILSVRC2012_img_SPLIT.tar or SPLIT/ for each of
 * train and val (or the --split). */
static int
imagenet_splits(struct pxr_plan *p, struct pxr_err *err)
{
	char tar[PATH_MAX + 32], dir[PATH_MAX + 8];

	if (!is_dir(p->root))
		return pxr_seterr(err, PXR_E_FORMAT, "%s: not a directory",
		    p->root);
	for (size_t i = 0; i < 2; i++) {
		const char *s = plan_split_names[i];

		if (p->o.split != NULL && strcmp(p->o.split, s) != 0)
			continue;
		snprintf(tar, sizeof(tar), "%s/ILSVRC2012_img_%s.tar", p->root,
		    s);
		snprintf(dir, sizeof(dir), "%s/%s", p->root, s);
		if (is_file(tar)) {
			if (plan_add_split(p, s, tar, "", err) == -1)
				return -1;
		} else if (is_dir(dir)) {
			if (plan_add_split(p, s, dir, "", err) == -1)
				return -1;
		} else if (p->o.split != NULL)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "%s: no %s set (ILSVRC2012_img_%s.tar or %s/)",
			    p->root, s, s, s);
	}
	if (p->nsplits == 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: holds neither ILSVRC2012_img_{train,val}.tar nor "
		    "train/ or val/",
		    p->root);
	return 0;
}

/* A file an option names: readable, a regular file; its absolute path
 * into out (PATH_MAX). */
static int
option_file(const char *opt, const char *path, char *out, struct pxr_err *err)
{
	if (access(path, R_OK) == -1 || !is_file(path))
		return pxr_seterr(err, PXR_E_USAGE, "%s %s: cannot read it",
		    opt, path);
	if (abs_path(path, out, PATH_MAX) == -1)
		return pxr_seterr(err, PXR_E_USAGE, "%s: name too long", path);
	return 0;
}

int
pxr_plan_splits(struct pxr_plan *p, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	struct stat st;

	if (abs_path(p->o.root, p->root, sizeof(p->root)) == -1 ||
	    stat(p->root, &st) == -1)
		return pxr_seterr(err, PXR_E_IO,
		    "%s: no such file or directory", p->o.root);
	if ((p->o.synsets != NULL &&
		option_file("--synsets", p->o.synsets, p->classes, err) ==
		    -1) ||
	    (p->o.classes != NULL &&
		option_file("--classes", p->o.classes, p->classes, err) ==
		    -1) ||
	    (p->o.val_labels != NULL &&
		option_file("--val-labels", p->o.val_labels, p->val_labels,
		    err) == -1))
		return -1;
	if (p->o.val_labels == NULL && !p->o.folder && S_ISDIR(st.st_mode))
		for (size_t i = 0; i < sizeof(val_files) / sizeof(*val_files);
		     i++) {
			char f[PATH_MAX + 64];

			snprintf(f, sizeof(f), "%s/%s", p->root, val_files[i]);
			if (is_file(f) && strlen(f) < sizeof(p->val_labels)) {
				strcpy(p->val_labels, f);
				break;
			}
		}
	return p->o.folder ? folder_splits(p, warn, ctx, err)
			   : imagenet_splits(p, err);
}

char *
plan_images_text(const struct pxr_list *l, size_t *len)
{
	char *buf = NULL;
	uint64_t n = pxr_list_count(l);
	FILE *mem = open_memstream(&buf, len);

	if (mem == NULL)
		return NULL;
	for (uint64_t i = 0; i < n; i++) {
		size_t nl;
		const char *name = pxr_list_name(l, i, &nl);

		pxr_fput_escaped(mem, name, nl, 0);
		fprintf(mem, "\t%llu\n",
		    (unsigned long long)pxr_list_size(l, i));
	}
	if (fclose(mem) == EOF) {
		free(buf);
		return NULL;
	}
	return buf;
}

void
plan_fingerprint(const char *text, size_t len, uint64_t n, char *out,
    size_t size)
{
	struct pxr_sha256 c;
	unsigned char d[PXR_SHA256_SIZE];
	char hex[PXR_SHA256_HEX_SIZE];

	pxr_sha256_init(&c);
	pxr_sha256_update(&c, text, len);
	pxr_sha256_final(&c, d);
	pxr_sha256_hex(d, hex);
	snprintf(out, size, "sha256:%s %llu images", hex,
	    (unsigned long long)n);
}

/* The fingerprint of the images of l into s (plan_fingerprint of
 * plan_images_text); -1 when out of memory. */
static int
fingerprint(const struct pxr_list *l, struct pxr_plan_split *s,
    struct pxr_err *err)
{
	size_t len;
	char *text = plan_images_text(l, &len);

	if (text == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	plan_fingerprint(text, len, pxr_list_count(l), s->fingerprint,
	    sizeof(s->fingerprint));
	free(text);
	return 0;
}

/* What a split's indexing says through warn: "split: what". */
struct split_warn {
	pxr_warn_fn warn;
	void *ctx;
	const char *split;
};

static void
split_warn(void *ctx, const char *msg)
{
	const struct split_warn *w = ctx;

	plan_note(w->warn, w->ctx, "%s: %s", w->split, msg);
}

/* Whether s's index can be used as it is: an archive unchanged since it
 * was indexed (a tree is walked again at every run: the walk is the
 * check). */
static int
index_current(const struct pxr_plan *p, const struct pxr_plan_split *s)
{
	struct pxr_list *l;
	struct pxr_err err;
	int r;

	if (p->o.overwrite || !is_file(s->src) || !is_file(s->index))
		return 0;
	if ((l = pxr_list_new(NULL, NULL)) == NULL)
		return 0;
	r = pxr_list_read_index(l, s->index, &err) == 0 &&
	    pxr_list_nsources(l) == 1 &&
	    pxr_list_unchanged(l, 0, s->src, &err) == 1;
	pxr_list_free(l);
	return r;
}

/* Indexes s into l (or reads its index where it is current, fresh 0);
 * with --verify, its archive checked first. */
static int
load_index(struct pxr_plan *p, struct pxr_plan_split *s, struct pxr_list *l,
    pxr_warn_fn warn, void *ctx, struct pxr_err *err)
{
	if (plan_verify_archive(p, s->src, warn, ctx, err) == -1)
		return -1;
	if (!(s->fresh = !index_current(p, s)))
		return pxr_list_read_index(l, s->index, err);
	plan_note(warn, ctx, "%s%sindexing %s%s", s->name,
	    s->name[0] ? ": " : "", s->src,
	    s->for_classes ? " (for the class list: its folders)" : "");
	if (pxr_list_scan(l, s->src, err) == -1)
		return -1;
	pxr_list_sort(l);
	pxr_list_skipped_text(l, s->skipped, sizeof(s->skipped));
	return pxr_list_write_index(l, s->index, err);
}

/* The whole archive's warnings, as the plan p's warn says them. */
static void
whole_warn(void *ctx, const char *msg)
{
	const struct pxr_plan *p = ctx;

	plan_note(p->whole_warn, p->whole_ctx, "%s", msg);
}

int
plan_index_whole(struct pxr_plan *p, struct pxr_plan_split *s, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err)
{
	p->whole_warn = warn;
	p->whole_ctx = ctx;
	if ((p->whole = pxr_list_new(whole_warn, p)) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	if (load_index(p, s, p->whole, warn, ctx, err) == -1)
		return -1;
	snprintf(p->whole_skipped, sizeof(p->whole_skipped), "%s", s->skipped);
	return 0;
}

/* Indexes s (or checks that its index is current); fills its count,
 * fingerprint and skipped files.  A split of an archive root is cut from
 * the whole archive's list, and its index written anew (nothing read). */
int
plan_index_split(struct pxr_plan *p, struct pxr_plan_split *s, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err)
{
	struct split_warn w = { warn, ctx, s->name };
	struct pxr_list *l = NULL;
	int r = -1;

	if (s->indexed)
		return 0;
	if (p->whole != NULL && strcmp(s->src, p->root) == 0) {
		if (s->under[0] == '\0')
			snprintf(s->skipped, sizeof(s->skipped), "%s",
			    p->whole_skipped);
		if (s->under[0] != '\0' &&
		    (l = pxr_list_subtree(p->whole, s->under, err)) == NULL)
			return -1;
		s->fresh = 1;
		r = pxr_list_write_index(l ? l : p->whole, s->index, err);
	} else if ((l = pxr_list_new(split_warn, &w)) == NULL) {
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	} else {
		r = load_index(p, s, l, warn, ctx, err);
	}
	if (r == 0) {
		s->images = pxr_list_count(l ? l : p->whole);
		r = fingerprint(l ? l : p->whole, s, err);
		s->indexed = r == 0;
	}
	pxr_list_free(l);
	return r;
}

int
pxr_plan_index(struct pxr_plan *p, size_t i, pxr_warn_fn warn, void *ctx,
    struct pxr_err *err)
{
	return plan_index_split(p, &p->splits[i], warn, ctx, err);
}

struct pxr_list *
plan_open_index(const struct pxr_plan_split *s, struct pxr_err *err)
{
	struct pxr_list *l = pxr_list_new(NULL, NULL);

	if (l == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	if (pxr_list_read_index(l, s->index, err) == -1) {
		pxr_list_free(l);
		return NULL;
	}
	return l;
}

void
pxr_plan_free(struct pxr_plan *p)
{
	for (size_t i = 0; i < p->nsplits; i++)
		for (size_t k = 0; k < p->splits[i].nsets; k++) {
			free(p->splits[i].sets[k].rows);
			p->splits[i].sets[k].rows = NULL;
		}
	free(p->derived);
	p->derived = NULL;
	free(p->md5text);
	p->md5text = NULL;
	pxr_list_free(p->whole);
	p->whole = NULL;
}
