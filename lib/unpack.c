/*
 * unpack.c: the way back out of pxr: records as PNG or PPM files, and the
 * packed tensors read as records again, whatever their layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classes.h"
#include "pack.h"
#include "pxr.h"
#include "unpack.h"

int
pxr_image_write(const char *path, enum pxr_imgfmt fmt, const unsigned char *px,
    uint32_t w, uint32_t h, uint32_t c, struct pxr_err *err)
{
	if (fmt == PXR_IMG_PNG) {
		png_image img;

		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		img.width = w;
		img.height = h;
		img.format = c == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
		if (!png_image_write_to_file(&img, path, 0, px, 0, NULL))
			return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
			    img.message);
		return 0;
	}
	{
		FILE *fp = fopen(path, "wb");
		int bad;

		if (fp == NULL)
			return pxr_seterr(err, PXR_E_IO, "%s: %s", path,
			    strerror(errno));
		fprintf(fp, "P%c\n%u %u\n255\n", c == 3 ? '6' : '5', w, h);
		fwrite(px, 1, (size_t)w * h * c, fp);
		bad = ferror(fp);
		if (fclose(fp) == EOF || bad)
			return pxr_seterr(err, PXR_E_IO,
			    "write error on %s: %s", path, strerror(errno));
	}
	return 0;
}

int
pxr_unpack_name(char *out, size_t size, const char *pattern,
    const struct pxr_record *rec)
{
	size_t o = 0;

	for (const char *p = pattern; *p != '\0'; p++) {
		char tmp[PXR_NAME_MAX + 32];
		const char *add = tmp;
		size_t n;

		if (*p != '%' || p[1] == '\0') {
			tmp[0] = *p;
			tmp[1] = '\0';
		} else if (*++p == 'i') {
			snprintf(tmp, sizeof(tmp), "%llu",
			    (unsigned long long)rec->index);
		} else if (*p == 'l') {
			snprintf(tmp, sizeof(tmp), "%ld", (long)rec->label);
		} else if (*p == 'n') {
			const char *base = strrchr(rec->name, '/');
			char *dot;

			snprintf(tmp, sizeof(tmp), "%s",
			    base ? base + 1 : rec->name);
			if ((dot = strrchr(tmp, '.')) != NULL && dot != tmp)
				*dot = '\0';
			if (tmp[0] == '\0' || strcmp(tmp, "..") == 0)
				strcpy(tmp, "_");
		} else if (*p == '%') {
			add = "%";
		} else {
			tmp[0] = '%';
			tmp[1] = *p;
			tmp[2] = '\0';
		}
		n = strlen(add);
		if (o + n >= size)
			return -1;
		memcpy(out + o, add, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

struct pxr_tensor {
	struct pxr_pack_meta m;
	int xfd, yfd;
	size_t imgbytes;
	unsigned char *raw, *px;
	char name[64];
	struct pxr_ragged_row *rows; /* a variable-size set's places */
};

struct pxr_tensor *
pxr_tensor_open(const char *x, const char *y, struct pxr_err *err)
{
	struct pxr_tensor *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	t->xfd = t->yfd = -1;
	if (pxr_pack_read_meta(x, &t->m, err) == -1)
		goto fail;
	t->imgbytes = (size_t)t->m.width * t->m.height * t->m.channels;
	if (t->m.ragged && (t->rows = pxr_pack_rows(x, &t->m, err)) == NULL)
		goto fail;
	if (t->rows != NULL) /* one image's bytes at most */
		t->imgbytes =
		    (size_t)pxr_ragged_largest(t->rows, t->m.n, t->m.channels);
	if ((t->raw = malloc(t->imgbytes ? t->imgbytes : 1)) == NULL ||
	    (t->px = malloc(t->imgbytes ? t->imgbytes : 1)) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		goto fail;
	}
	if ((t->xfd = open(x, O_RDONLY | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", x, strerror(errno));
		goto fail;
	}
	if (y != NULL && (t->yfd = open(y, O_RDONLY | O_CLOEXEC)) == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", y, strerror(errno));
		goto fail;
	}
	return t;
fail:
	pxr_tensor_close(t);
	return NULL;
}

uint64_t
pxr_tensor_count(const struct pxr_tensor *t)
{
	return t->m.n;
}

int
pxr_tensor_read(struct pxr_tensor *t, uint64_t i, struct pxr_record *rec,
    struct pxr_err *err)
{
	size_t ls = pxr_ltype_size(t->m.ltype);
	unsigned char lab[8] = { 0 };
	int64_t label = 0;
	uint32_t w = t->m.width, h = t->m.height;
	size_t n = t->imgbytes;
	uint64_t off = t->m.header + i * t->imgbytes;

	if (i >= t->m.n)
		return pxr_seterr(err, PXR_E_USAGE,
		    "image %llu: the tensor holds %llu images",
		    (unsigned long long)i, (unsigned long long)t->m.n);
	if (t->rows != NULL) {
		w = t->rows[i].width;
		h = t->rows[i].height;
		n = (size_t)w * h * t->m.channels;
		off = t->rows[i].offset;
	}
	if (pread(t->xfd, t->raw, n, (off_t)off) != (ssize_t)n)
		return pxr_seterr(err, PXR_E_IO, "image %llu: short read",
		    (unsigned long long)i);
	pxr_pack_untranspose(t->px, t->raw, w, h, t->m.channels,
	    t->rows != NULL ? PXR_LAYOUT_NHWC : t->m.layout);
	if (t->yfd != -1) {
		if (pread(t->yfd, lab, ls, (off_t)(t->m.header + i * ls)) !=
		    (ssize_t)ls)
			return pxr_seterr(err, PXR_E_IO,
			    "label %llu: short read", (unsigned long long)i);
		for (size_t k = 0; k < ls; k++)
			label |= (int64_t)lab[k] << (8 * k);
		if (ls < 8 && (lab[ls - 1] & 0x80) &&
		    t->m.ltype != PXR_LTYPE_U16)
			label -= (int64_t)1 << (8 * ls);
	}
	pxr_record_init(rec);
	snprintf(t->name, sizeof(t->name), "%llu", (unsigned long long)i);
	rec->kind = PXR_KIND_PIXELS;
	rec->index = i;
	rec->label = t->yfd != -1 && label >= 0 && label <= INT32_MAX
	    ? (int32_t)label
	    : PXR_LABEL_NONE;
	rec->width = w;
	rec->height = h;
	rec->channels = t->m.channels;
	rec->name = t->name;
	rec->name_len = strlen(t->name);
	rec->payload = t->px;
	rec->payload_len = n;
	if (n == 0) /* a variable-size set's image without a size */
		pxr_record_fail(rec, "no image: its header gave no size");
	return 0;
}

void
pxr_tensor_close(struct pxr_tensor *t)
{
	if (t == NULL)
		return;
	if (t->xfd != -1)
		close(t->xfd);
	if (t->yfd != -1)
		close(t->yfd);
	free(t->raw);
	free(t->px);
	free(t->rows);
	free(t);
}

void
pxr_draw_text(unsigned char *rgb, uint32_t w, uint32_t h, uint32_t x,
    uint32_t y, const char *text, uint32_t max_w, const unsigned char fg[3])
{
	for (; *text != '\0' && max_w >= PXR_FONT_W; text++) {
		unsigned char c = (unsigned char)*text;
		const unsigned char *g =
		    pxr_font6x11[(c >= 32 && c < 127 ? c : '?') - 32];

		for (uint32_t gy = 0; gy < PXR_FONT_H && y + gy < h; gy++)
			for (uint32_t gx = 0; gx < PXR_FONT_W && x + gx < w;
			     gx++)
				if (g[gy] & (0x20 >> gx))
					memcpy(rgb +
						((size_t)(y + gy) * w + x +
						    gx) *
						    3,
					    fg, 3);
		x += PXR_FONT_W;
		max_w -= PXR_FONT_W;
	}
}

/* The caption band under each image: two lines of the font. */
#define CAPTION_H (2 * PXR_FONT_H + 4)

struct pxr_sheet {
	uint32_t cols, rows, cw, ch, n; /* cell image size, images added */
	unsigned char *px;
};

struct pxr_sheet *
pxr_sheet_new(uint32_t cols, uint32_t rows, struct pxr_err *err)
{
	struct pxr_sheet *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	s->cols = cols;
	s->rows = rows;
	return s;
}

static size_t
sheet_width(const struct pxr_sheet *s)
{
	return (size_t)s->cw * s->cols;
}

int
pxr_sheet_add(struct pxr_sheet *s, const struct pxr_record *rec,
    const char *line1, const char *line2, struct pxr_err *err)
{
	static const unsigned char white[3] = { 255, 255, 255 };
	uint32_t x0, y0, cellh;
	size_t sw;

	if (s->n == s->cols * s->rows)
		return 1;
	if (s->px == NULL) {
		/* Cells are the size of the first image. */
		size_t bytes;

		s->cw = rec->width;
		s->ch = rec->height;
		if ((uint64_t)s->cw * (s->ch + CAPTION_H) * s->cols * s->rows >
		    (1u << 28))
			return pxr_seterr(err, PXR_E_USAGE, "sheet too large");
		bytes = sheet_width(s) * (s->ch + CAPTION_H) * s->rows * 3;
		if ((s->px = malloc(bytes)) == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		memset(s->px, 128, bytes);
	}
	sw = sheet_width(s);
	cellh = s->ch + CAPTION_H;
	x0 = (s->n % s->cols) * s->cw;
	y0 = (s->n / s->cols) * cellh;
	for (uint32_t y = 0; y < rec->height && y < s->ch; y++)
		for (uint32_t x = 0; x < rec->width && x < s->cw; x++)
			for (uint32_t c = 0; c < 3; c++)
				s->px[((size_t)(y0 + y) * sw + x0 + x) * 3 +
				    c] =
				    rec->payload[((size_t)y * rec->width + x) *
					    rec->channels +
					(rec->channels == 3 ? c : 0)];
	for (uint32_t y = s->ch; y < cellh; y++)
		memset(s->px + ((size_t)(y0 + y) * sw + x0) * 3, 32,
		    (size_t)s->cw * 3);
	if (line1 != NULL)
		pxr_draw_text(s->px, (uint32_t)sw, s->rows * cellh, x0 + 2,
		    y0 + s->ch + 2, line1, s->cw - 4, white);
	if (line2 != NULL)
		pxr_draw_text(s->px, (uint32_t)sw, s->rows * cellh, x0 + 2,
		    y0 + s->ch + 3 + PXR_FONT_H, line2, s->cw - 4, white);
	s->n++;
	return 0;
}

int
pxr_sheet_write(const struct pxr_sheet *s, const char *path,
    enum pxr_imgfmt fmt, struct pxr_err *err)
{
	if (s->n == 0)
		return pxr_seterr(err, PXR_E_USAGE, "no images for the sheet");
	return pxr_image_write(path, fmt, s->px, (uint32_t)sheet_width(s),
	    s->rows * (s->ch + CAPTION_H), 3, err);
}

void
pxr_sheet_free(struct pxr_sheet *s)
{
	if (s == NULL)
		return;
	free(s->px);
	free(s);
}

/* ---- which images of a tensor, and their captions ---- */

int
pxr_tensor_labels_for(const char *x, char *y, size_t size)
{
	const char *base = strrchr(x, '/');
	size_t at = base ? (size_t)(base + 1 - x) : 0;

	if (strlen(x) >= size || strncmp(x + at, "X_", 2) != 0)
		return -1;
	strcpy(y, x);
	y[at] = 'Y';
	return access(y, F_OK);
}

/* splitmix64: the round keys from the seed. */
static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void
pxr_pick_init(struct pxr_pick *p, const char *list, uint64_t random,
    uint64_t seed)
{
	p->list = list;
	p->random = random;
	for (int r = 0; r < PXR_PICK_ROUNDS; r++)
		p->key[r] = splitmix64(&seed);
	p->k = 0;
}

/* A Feistel network's round function: half x mixed with a round key. */
static uint64_t
round_fn(uint64_t x, uint64_t key)
{
	uint64_t z = (x ^ key) * 0x9E3779B97F4A7C15ull;

	z = (z ^ (z >> 32)) * 0xD6E8FEB86659FD93ull;
	return z ^ (z >> 32);
}

/*
 * The k-th of a pseudo-random permutation of 0..n-1 keyed by p->key: a
 * Feistel network (a bijection) on the 2h bits that hold n - 1, but at
 * least 16 (on a few bits its permutations are far from random), walked
 * from k until it lands below n again.  The walk stays in k's cycle,
 * which holds k, so it ends; all n draws take about 2^2h steps, fewer than
 * 4n or 65536.  So k = 0, 1, 2, ... give distinct indices, all n of them,
 * with no memory, and by integer arithmetic alone: the same on every
 * machine.
 */
static uint64_t
permute(const struct pxr_pick *p, uint64_t n, uint64_t k)
{
	unsigned bits = 0, h;
	uint64_t mask, y = k;

	while (bits < 64 && (n - 1) >> bits != 0)
		bits++;
	h = bits < 16 ? 8 : (bits + 1) / 2;
	mask = (UINT64_C(1) << h) - 1;
	do {
		uint64_t l = y >> h, r = y & mask;

		for (int i = 0; i < PXR_PICK_ROUNDS; i++) {
			uint64_t t = l ^ (round_fn(r, p->key[i]) & mask);

			l = r;
			r = t;
		}
		y = l << h | r;
	} while (y >= n);
	return y;
}

int
pxr_pick_next(struct pxr_pick *p, uint64_t n, uint64_t *i, struct pxr_err *err)
{
	if (p->list != NULL) {
		char *end;

		if (*p->list == '\0')
			return 0;
		errno = 0;
		*i = strtoull(p->list, &end, 10);
		if (end == p->list || errno != 0 ||
		    (*end != ',' && *end != '\0'))
			return pxr_seterr(err, PXR_E_USAGE,
			    "--pick wants indices like 1,5,7");
		p->list = *end ? end + 1 : end;
	} else if (p->random) {
		if (p->k >= p->random || p->k >= n)
			return 0;
		*i = permute(p, n, p->k);
	} else if ((*i = p->k) >= n) {
		return 0;
	}
	p->k++;
	return 1;
}

char **
pxr_class_captions(const char *name, const char *text, size_t len, size_t *n,
    struct pxr_err *err)
{
	struct pxr_classes cl;
	char **names = NULL, cap[256];

	*n = 0;
	if (pxr_classes_parse(&cl, name, text, len, err) == -1)
		return NULL;
	/* One more, so that an empty list is a list. */
	if ((names = malloc((cl.n + 1) * sizeof(*names))) == NULL)
		goto nomem;
	for (size_t i = 0; i < cl.n; i++, (*n)++) {
		pxr_class_caption(&cl.v[i], cap, sizeof(cap));
		if ((names[i] = strdup(cap)) == NULL)
			goto nomem;
	}
	pxr_classes_free(&cl);
	return names;
nomem:
	pxr_class_captions_free(names, *n);
	pxr_classes_free(&cl);
	pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	return NULL;
}

void
pxr_class_captions_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void
pxr_sheet_caption(const struct pxr_record *rec, int base, char *const *names,
    size_t nnames, char line[2][256])
{
	int64_t cls = rec->label == PXR_LABEL_NONE ? -1 : rec->label - base;

	if (rec->label == PXR_LABEL_NONE)
		snprintf(line[0], 256, "#%llu no label",
		    (unsigned long long)rec->index);
	else
		snprintf(line[0], 256, "#%llu y=%d",
		    (unsigned long long)rec->index, (int)rec->label);
	if (cls >= 0 && (size_t)cls < nnames)
		snprintf(line[1], 256, "%s", names[cls]);
	else if (nnames > 0 && rec->label != PXR_LABEL_NONE)
		snprintf(line[1], 256, "(not in the class list)");
	else
		snprintf(line[1], 256, "%.*s", (int)rec->name_len, rec->name);
}
