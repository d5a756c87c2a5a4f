/*
 * crop.c: the crop window of pixel records, centre as torchvision puts it,
 * the notebook's window, or anywhere, with padding where the window reaches
 * past the image.
 */
#include <stdlib.h>
#include <string.h>

#include "crop.h"
#include "pxr.h"

struct pxr_cropper {
	struct pxr_crop_opts o;
	unsigned char *buf;
	size_t cap;
};

/* Floor division, for negative numerators too. */
static int64_t
fdiv(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* round(d / 2) with ties to even, as Python's round(). */
static int64_t
half_round_even(int64_t d)
{
	int64_t q = fdiv(d, 2);

	if (d - 2 * q == 1 && (q & 1))
		q++;
	return q;
}

/*
 * torchvision's CenterCrop along one side: inside, int(round((n - c) /
 * 2)); an image smaller than the window is first padded with (c - n) // 2
 * before and the rest after, so the image starts at that offset.
 */
static int64_t
center_origin(uint32_t n, uint32_t c)
{
	if (n >= c)
		return half_round_even((int64_t)n - c);
	return -(int64_t)((c - n) / 2);
}

/* d // 2 as Python computes it: rounded down, negative d too. */
static int64_t
floor_half(int64_t d)
{
	return d >= 0 ? d / 2 : -((-d + 1) / 2);
}

const char *
pxr_align_name(enum pxr_align a)
{
	return a == PXR_ALIGN_CENTER ? "center"
	    : a == PXR_ALIGN_SEED    ? "seed"
	    : a == PXR_ALIGN_FLOOR   ? "floor"
				     : "at";
}

int
pxr_align_parse(const char *name, enum pxr_align *a)
{
	if (strcmp(name, "center") == 0 || strcmp(name, "centre") == 0)
		*a = PXR_ALIGN_CENTER;
	else if (strcmp(name, "seed") == 0)
		*a = PXR_ALIGN_SEED;
	else if (strcmp(name, "floor") == 0)
		*a = PXR_ALIGN_FLOOR;
	else
		return -1;
	return 0;
}

void
pxr_crop_origin(const struct pxr_crop_opts *o, uint32_t w, uint32_t h,
    int64_t *x, int64_t *y)
{
	switch (o->align) {
	case PXR_ALIGN_AT:
		*x = o->x;
		*y = o->y;
		break;
	case PXR_ALIGN_SEED:
		*x = (int64_t)(w / 2) - (int64_t)(o->w / 2) - 1;
		*y = (int64_t)(h / 2) - (int64_t)(o->h / 2) - 1;
		break;
	case PXR_ALIGN_CENTER:
		*x = center_origin(w, o->w);
		*y = center_origin(h, o->h);
		break;
	case PXR_ALIGN_FLOOR:
		*x = floor_half((int64_t)w - o->w);
		*y = floor_half((int64_t)h - o->h);
		break;
	}
}

struct pxr_cropper *
pxr_cropper_new(const struct pxr_crop_opts *o, struct pxr_err *err)
{
	struct pxr_cropper *cr = calloc(1, sizeof(*cr));

	if (cr == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	cr->o = *o;
	return cr;
}

void
pxr_cropper_free(struct pxr_cropper *cr)
{
	if (cr == NULL)
		return;
	free(cr->buf);
	free(cr);
}

int
pxr_crop(struct pxr_cropper *cr, struct pxr_record *rec, struct pxr_err *err)
{
	const struct pxr_crop_opts *o = &cr->o;
	uint32_t nch = rec->channels;
	size_t rowlen = (size_t)o->w * nch, len = rowlen * o->h;
	int64_t x0, y0, sx0, sx1;
	int inside;

	if (rec->kind != PXR_KIND_PIXELS)
		PXR_BUG("pxr_crop on a record without pixels");
	pxr_crop_origin(o, rec->width, rec->height, &x0, &y0);
	inside = x0 >= 0 && y0 >= 0 && x0 + o->w <= rec->width &&
	    y0 + o->h <= rec->height;
	if (inside && x0 == 0 && y0 == 0 && o->w == rec->width &&
	    o->h == rec->height)
		return 0; /* already the window: no copy */
	if (!inside && !o->pad)
		return pxr_seterr(err, PXR_E_IMAGE,
		    "%ux%u image does not hold the %ux%u window at %lld,%lld "
		    "(--no-pad)",
		    rec->width, rec->height, o->w, o->h, (long long)x0,
		    (long long)y0);
	if (len > cr->cap) {
		unsigned char *p = realloc(cr->buf, len);

		if (p == NULL)
			return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		cr->buf = p;
		cr->cap = len;
	}
	/* The columns of the window that the image holds: [sx0, sx1). */
	sx0 = x0 < 0 ? 0 : x0;
	sx1 = x0 + o->w > rec->width ? rec->width : x0 + o->w;
	for (uint32_t y = 0; y < o->h; y++) {
		unsigned char *dst = cr->buf + y * rowlen;
		int64_t sy = y0 + y;

		if (sy < 0 || sy >= rec->height || sx1 <= sx0) {
			memset(dst, o->fill, rowlen);
			continue;
		}
		if (sx0 > x0)
			memset(dst, o->fill, (size_t)(sx0 - x0) * nch);
		memcpy(dst + (size_t)(sx0 - x0) * nch,
		    rec->payload +
			((size_t)sy * rec->width + (size_t)sx0) * nch,
		    (size_t)(sx1 - sx0) * nch);
		if (x0 + o->w > sx1)
			memset(dst + (size_t)(sx1 - x0) * nch, o->fill,
			    (size_t)(x0 + o->w - sx1) * nch);
	}
	rec->width = o->w;
	rec->height = o->h;
	rec->payload = cr->buf;
	rec->payload_len = len;
	return 0;
}
