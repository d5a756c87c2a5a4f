/*
 * plan_verify.c: --verify, each archive the plan reads checked once,
 * before it is read, against the MD5 its publisher gives: ILSVRC2012's
 * for its two tarballs, or the one a --md5 file (md5sum's format) gives
 * for any archive.  The verdict is kept in OUT/.pxr/verified with the
 * archive's stat signature (device, inode, size, modification and change
 * times), so that a later run reads the archive again only when it
 * changed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "md5.h"
#include "plan_int.h"

/* The digests image-net.org publishes for the ILSVRC2012 downloads. */
static const struct {
	const char *name, *md5;
} published[] = {
	{ "ILSVRC2012_img_train.tar", "1d675b47d978889d74fa0da5fadfb00e" },
	{ "ILSVRC2012_img_val.tar", "29b22e2961454d5413ddabcf34fc5622" },
};

#define VERIFIED_MAX (1u << 20) /* bytes of OUT/.pxr/verified */

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

static int
is_md5_hex(const char *s, size_t n)
{
	if (n != PXR_MD5_HEX_SIZE - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f') ||
			(s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/*
 * The MD5 the --md5 file text gives for an archive named name (its last
 * component; md5sum's "HEX  NAME" or "HEX *NAME" lines, blank lines and
 * '#' comments skipped), lower-cased into want: 1, 0 where it has none,
 * or -1 with err naming the file and line of a line of another form.
 */
static int
md5_file_entry(const char *file, const char *text, const char *name,
    char want[PXR_MD5_HEX_SIZE], struct pxr_err *err)
{
	unsigned line = 0;
	int found = 0;

	for (const char *s = text; *s != '\0';) {
		const char *end = strchr(s, '\n'), *n;
		size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
		const char *next = end != NULL ? end + 1 : s + len;
		size_t hl = strcspn(s, " \t\n");

		line++;
		if (len > 0 && s[0] != '#' && strspn(s, " \t\r") < len) {
			if (!is_md5_hex(s, hl) || hl + 2 > len ||
			    s[hl] != ' ' ||
			    (s[hl + 1] != ' ' && s[hl + 1] != '*'))
				return pxr_seterr(err, PXR_E_FORMAT,
				    "%s:%u: not an md5sum line "
				    "(32 hex digits, two spaces, a name)",
				    file, line);
			n = s + hl + 2;
			len -= hl + 2;
			if (len > 0 && n[len - 1] == '\r')
				len--;
			/* Its last component, as the archive's. */
			for (const char *t = n; t < n + len; t++)
				if (*t == '/') {
					len -= (size_t)(t + 1 - n);
					n = t + 1;
				}
			if (len == strlen(name) && memcmp(n, name, len) == 0 &&
			    !found) {
				for (size_t i = 0; i < hl; i++)
					want[i] = (char)(s[i] | 0x20);
				want[hl] = '\0';
				found = 1;
			}
		}
		s = next;
	}
	return found;
}

/* What a mismatch is compared with: want, and where it comes from. */
static int
expected(const struct pxr_plan *p, const char *md5text, const char *path,
    char want[PXR_MD5_HEX_SIZE], const char **from, struct pxr_err *err)
{
	const char *name = base_name(path);
	int r;

	if (md5text != NULL) {
		if ((r = md5_file_entry(p->o.md5, md5text, name, want, err)) ==
		    -1)
			return -1;
		*from = p->o.md5;
		if (r == 1)
			return 0;
	}
	for (size_t i = 0; i < sizeof(published) / sizeof(*published); i++)
		if (strcmp(name, published[i].name) == 0) {
			snprintf(want, PXR_MD5_HEX_SIZE, "%s",
			    published[i].md5);
			*from = "the published ILSVRC2012 MD5";
			return 0;
		}
	if (md5text != NULL)
		return pxr_seterr(err, PXR_E_USAGE,
		    "%s: no MD5 is known for it: %s has no line for %s, and "
		    "it is not an ILSVRC2012 tarball; add one, or run without "
		    "--verify",
		    path, p->o.md5, name);
	return pxr_seterr(err, PXR_E_USAGE,
	    "%s: no MD5 is known for it: give it in a --md5 file "
	    "(md5sum's format), or run without --verify",
	    path);
}

struct progress {
	pxr_warn_fn warn;
	void *ctx;
	const char *name;
	struct timespec start, last;
};

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* pxr_md5_file's progress: a line every 10 s at most, with the rate and
 * what is left at that rate. */
static void
progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *pg = ctx;
	struct timespec now;
	double t, rate;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done >= total || since(&pg->last, &now) < 10)
		return;
	pg->last = now;
	t = since(&pg->start, &now);
	rate = t > 0 ? (double)done / t : 0;
	plan_note(pg->warn, pg->ctx,
	    "%s: MD5: %.1f of %.1f GB, %.0f MB/s, about %.0f s left", pg->name,
	    (double)done / 1e9, (double)total / 1e9, rate / 1e6,
	    rate > 0 ? (double)(total - done) / rate : 0);
}

/* OUT/.pxr/verified with the line for path replaced by line. */
static int
remember(const char *file, const char *old, const char *path, const char *line,
    struct pxr_err *err)
{
	size_t n = strlen(line), plen = strlen(path), len;
	char *buf = malloc((old != NULL ? strlen(old) : 0) + n + 2);
	int r;

	if (buf == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	len = 0;
	for (const char *s = old; s != NULL && *s != '\0';) {
		const char *end = strchr(s, '\n');
		size_t l = end != NULL ? (size_t)(end + 1 - s) : strlen(s);
		const char *sp = memchr(s, ' ', l);

		sp = sp != NULL ? memchr(sp + 1, ' ', l - (size_t)(sp + 1 - s))
				: NULL;
		/* "md5 signature path": another archive's line stays. */
		if (!(sp != NULL && (size_t)(s + l - sp - 1) == plen + 1 &&
			memcmp(sp + 1, path, plen) == 0)) {
			memcpy(buf + len, s, l);
			len += l;
		}
		s += l;
	}
	if (len > 0 && buf[len - 1] != '\n') /* a last line cut short */
		buf[len++] = '\n';
	memcpy(buf + len, line, n);
	r = plan_save(file, buf, len + n, err);
	free(buf);
	return r;
}

/* Whether text holds line (with its newline) as one of its lines. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; *s != '\0';) {
		const char *end = strchr(s, '\n');

		if (strncmp(s, line, n) == 0)
			return 1;
		if (end == NULL)
			break;
		s = end + 1;
	}
	return 0;
}

/* One archive: verified before with this signature, or read now. */
static int
verify_one(const struct pxr_plan *p, const char *path, const char *md5text,
    pxr_warn_fn warn, void *ctx, struct pxr_err *err)
{
	char want[PXR_MD5_HEX_SIZE], got[PXR_MD5_HEX_SIZE], sig[128];
	char file[PATH_MAX + 16], line[PATH_MAX + 160], *old;
	unsigned char d[PXR_MD5_SIZE];
	struct progress pg = { warn, ctx, path, { 0, 0 }, { 0, 0 } };
	const char *from = NULL;
	struct pxr_err e;
	struct stat st;
	size_t len;
	int r;

	if (expected(p, md5text, path, want, &from, err) == -1)
		return -1;
	if (stat(path, &st) == -1)
		return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
		    strerror(errno));
	snprintf(sig, sizeof(sig), "%llu:%llu:%llu:%lld.%09ld:%lld.%09ld",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
	    st.st_ctim.tv_nsec);
	snprintf(line, sizeof(line), "%s %s %s\n", want, sig, path);
	snprintf(file, sizeof(file), "%s/verified", p->state);
	old = plan_read_file(file, VERIFIED_MAX, &len, &e);
	if (old != NULL && has_line(old, line)) {
		plan_note(warn, ctx,
		    "%s: MD5 as %s, checked before (unchanged since): not "
		    "read again",
		    path, from);
		free(old);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &pg.start);
	pg.last = pg.start;
	plan_note(warn, ctx, "%s: computing its MD5 (%.1f %s, read once)", path,
	    (double)st.st_size / (st.st_size >= 1000000000 ? 1e9 : 1e6),
	    st.st_size >= 1000000000 ? "GB" : "MB");
	if (pxr_md5_file(path, d, progress, &pg, err) == -1) {
		free(old);
		return -1;
	}
	pxr_md5_hex(d, got);
	if (strcmp(got, want) != 0) {
		free(old);
		return pxr_seterr(err, PXR_E_FORMAT,
		    "%s: MD5 %s, not %s (%s): the archive is damaged or "
		    "another file; download it again, or run without "
		    "--verify to go on with it as it is",
		    path, got, want, from);
	}
	{
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		plan_note(warn, ctx, "%s: MD5 %s as %s (%.0f s)", path, got,
		    from, since(&pg.start, &now));
	}
	r = remember(file, old, path, line, err);
	free(old);
	return r;
}

int
plan_verify_archive(struct pxr_plan *p, const char *path, pxr_warn_fn warn,
    void *ctx, struct pxr_err *err)
{
	struct stat st;
	size_t len;

	if (!p->o.verify)
		return 0;
	for (size_t i = 0; i < p->nchecked; i++) /* once a run */
		if (strcmp(p->checked[i], path) == 0)
			return 0;
	if (p->nchecked == sizeof(p->checked) / sizeof(p->checked[0]))
		PXR_BUG("more archives to check than a plan reads");
	snprintf(p->checked[p->nchecked++], sizeof(p->checked[0]), "%s", path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		plan_note(warn, ctx,
		    "%s: a folder: --verify checks archives only", path);
		return 0;
	}
	if (p->o.md5 != NULL && p->md5text == NULL &&
	    (p->md5text = plan_read_file(p->o.md5, VERIFIED_MAX, &len, err)) ==
		NULL)
		return -1;
	return verify_one(p, path, p->md5text, warn, ctx, err);
}
