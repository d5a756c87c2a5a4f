/*
 * decode_ijg.c: JPEG pixels as IJG libjpeg 9b makes them with
 * dct_method = JDCT_FLOAT, which is what the original notebook's loader
 * got (ImageMagick 6.9.10-10 sets JDCT_FLOAT and keeps libjpeg's fancy
 * upsampling; ImageMagick.jl 0.7.1 downloaded it built over jpeg-9b).
 *
 * libjpeg-turbo reads the entropy-coded data (jpeg_read_coefficients);
 * everything after it is 9b's arithmetic, written here from its sources
 * (jddctmgr.c, jidctflt.c, jidctint.c, jdmaster.c, jdsample.c, jdcolor.c,
 * jdapimin.c of tag jpeg-9b):
 *
 * - each component's IDCT size: 8x8, or 16 along a direction in which the
 *   component is subsampled 2x or more (jdmaster.c,
 *   jpeg_calc_output_dimensions: with do_fancy_upsampling, 9b "upsamples"
 *   chroma by a scaled IDCT);
 * - 8x8 blocks: the float AA&N IDCT (jidctflt.c), multipliers
 *   q * a[row] * a[col] / 8 in double rounded to float (jddctmgr.c), every
 *   operation in float in 9b's order, the output (int)(x + 512.5) masked
 *   with 1023 into the range-limit table (jdct.h, jdmaster.c);
 * - 16x16, 16x8 and 8x16 blocks: 9b's integer IDCTs (jidctint.c), their
 *   8- and 16-point kernels in 64-bit integers (9b's INT32 is a long);
 * - whatever sampling ratio is left, box replication (jdsample.c: 9b has
 *   no triangle upsampler);
 * - YCbCr to RGB with 9b's tables (jdcolor.c: its G uses
 *   -FIX(0.344136286), where libjpeg-turbo's uses -FIX(0.34414)), gray
 *   copied to R, G and B, RGB JPEGs copied;
 * - the colour space guessed as 9b guesses it (jdapimin.c,
 *   default_decompress_parms: the component IDs first, then JFIF, then
 *   Adobe), which is not libjpeg-turbo's order.
 *
 * This file is compiled with -ffp-contract=off -fno-fast-math (Makefile):
 * the float IDCT must round after every operation, as 9b's did.  Integers
 * here are exact whatever the order, so those parts are written freely.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "decode.h"
#include "ijg.h"
#include "nbkern.h"

#include "decode_int.h"

#define MAX_COMPS 4

struct comp {
	int h, v;        /* sampling factors */
	unsigned sh, sv; /* the IDCT's output size: 8 or 16 */
	unsigned eh, ev; /* box replication after it */
	JDIMENSION wb, hb;
	/* The planes of samples decoded: the blocks [bx0, bx1) x [by0, by1). */
	JDIMENSION bx0, bx1, by0, by1;
	unsigned char *plane;
	size_t stride;
	float fmult[DCTSIZE2];
	uint16_t quant[DCTSIZE2];
};

/*
 * The float multipliers of jddctmgr.c for JDCT_FLOAT: each quantizer
 * times aanscalefactor[row] * aanscalefactor[col] * 0.125, evaluated left
 * to right in double, then rounded to float.
 */
void
pxr_ijg_float_table(const uint16_t *quant, float *mult)
{
	static const double a[8] = { 1.0, 1.387039845, 1.306562965, 1.175875602,
		1.0, 0.785694958, 0.541196100, 0.275899379 };

	for (int r = 0; r < 8; r++)
		for (int c = 0; c < 8; c++)
			mult[r * 8 + c] = (float)((double)quant[r * 8 + c] *
			    a[r] * a[c] * 0.125);
}

void
pxr_ijg_idct_float(const int16_t *coef, const float *mult, unsigned char *out,
    size_t stride)
{
	pxr_nbk()->idct_float(coef, mult, out, stride);
}

void
pxr_ijg_idct_int(const int16_t *coef, const uint16_t *quant, unsigned h,
    unsigned v, unsigned char *out, size_t stride)
{
	pxr_nbk()->idct_int(coef, quant, h, v, out, stride);
}

/* jdcolor.c's YCbCr tables (SCALEBITS 16). */
struct ycc {
	int crr[256], cbb[256];
	int64_t crg[256], cbg[256];
};

#define FIX16(x) ((int64_t)((x)*65536 + 0.5))

/* jdcolor.c's RIGHT_SHIFT(x, 16): floor(x / 65536), written without
 * shifting a negative value. */
static int64_t
shr16(int64_t v)
{
	return v >= 0 ? v >> 16 : -((-v + 65535) >> 16);
}

static void
ycc_init(struct ycc *t)
{
	for (int i = 0; i < 256; i++) {
		int64_t x = i - 128;

		t->crr[i] = (int)shr16(FIX16(1.40200) * x + (1 << 15));
		t->cbb[i] = (int)shr16(FIX16(1.77200) * x + (1 << 15));
		t->crg[i] = -FIX16(0.714136286) * x;
		t->cbg[i] = -FIX16(0.344136286) * x + (1 << 15);
	}
}

static unsigned char
clamp255(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (unsigned char)v;
}

/*
 * The colour space as 9b's default_decompress_parms guesses it: for three
 * components, the IDs 1,2,3 (YCbCr) or 'R','G','B' (RGB) first, then a
 * JFIF marker (YCbCr), then an Adobe marker's transform (0: RGB, else
 * YCbCr).  0 YCbCr, 1 RGB, 2 gray, or -1 with dec->fail set.
 */
static int
colour_space(struct pxr_decoder *dec, struct jpeg_decompress_struct *ci)
{
	int id0, id1, id2;

	if (ci->num_components == 1)
		return 2;
	if (ci->num_components == 4) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "a %s JPEG: the notebook's loader refused it "
		    "(ImageMagick.jl: Cannot parse colorspace CMYK)",
		    ci->saw_Adobe_marker && ci->Adobe_transform != 0 ? "YCCK"
								     : "CMYK");
		return -1;
	}
	if (ci->num_components != 3) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "a JPEG of %d components, which libjpeg 9b does not "
		    "convert to RGB",
		    ci->num_components);
		return -1;
	}
	id0 = ci->comp_info[0].component_id;
	id1 = ci->comp_info[1].component_id;
	id2 = ci->comp_info[2].component_id;
	if (id0 == 1 && id1 == 2 && id2 == 3)
		return 0;
	if ((id0 == 1 && id1 == 0x22 && id2 == 0x23) ||
	    (id0 == 'r' && id1 == 'g' && id2 == 'b')) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "a big-gamut (%s) JPEG, which libjpeg 9b does not "
		    "convert to RGB",
		    id0 == 1 ? "bg-sYCC" : "bg-sRGB");
		return -1;
	}
	if (id0 == 'R' && id1 == 'G' && id2 == 'B')
		return 1;
	if (ci->saw_JFIF_marker)
		return 0;
	if (ci->saw_Adobe_marker && ci->Adobe_transform == 0)
		return 1;
	return 0;
}

/*
 * Each component's IDCT size and box replication, as 9b's
 * jpeg_calc_output_dimensions and jinit_upsampler choose them at scale
 * 1/1 with fancy upsampling; 0, or -1 with dec->fail set.
 */
static int
comp_sizes(struct pxr_decoder *dec, struct jpeg_decompress_struct *ci,
    struct comp *cp, int quant)
{
	int mh = ci->max_h_samp_factor, mv = ci->max_v_samp_factor;

	for (int c = 0; c < ci->num_components; c++) {
		jpeg_component_info *k = &ci->comp_info[c];
		struct comp *p = &cp[c];
		int ih, iv;

		p->h = k->h_samp_factor;
		p->v = k->v_samp_factor;
		p->sh = mh % (p->h * 2) == 0 ? 16 : 8;
		p->sv = mv % (p->v * 2) == 0 ? 16 : 8;
		ih = p->h * (int)p->sh / 8;
		iv = p->v * (int)p->sv / 8;
		if (mh % ih != 0 || mv % iv != 0) {
			snprintf(dec->fail, sizeof(dec->fail),
			    "sampling factors libjpeg 9b cannot upsample "
			    "(component %d: %dx%d of %dx%d)",
			    c, p->h, p->v, mh, mv);
			return -1;
		}
		p->eh = (unsigned)(mh / ih);
		p->ev = (unsigned)(mv / iv);
		p->wb = k->width_in_blocks;
		p->hb = k->height_in_blocks;
		if (!quant)
			continue;
		if (k->quant_table == NULL) {
			snprintf(dec->fail, sizeof(dec->fail),
			    "no quantization table for component %d", c);
			return -1;
		}
		for (int i = 0; i < DCTSIZE2; i++)
			p->quant[i] = k->quant_table->quantval[i];
		pxr_ijg_float_table(p->quant, p->fmult);
	}
	return 0;
}

/* 9b would smooth the blocks of a progressive JPEG whose DC is known and
 * some of whose first five AC coefficients are not exact (jdcoefct.c,
 * smoothing_ok). */
static int
would_smooth(struct jpeg_decompress_struct *ci)
{
	int useful = 0;

	if (!ci->progressive_mode || ci->coef_bits == NULL)
		return 0;
	for (int c = 0; c < ci->num_components; c++) {
		const UINT16 *q = ci->comp_info[c].quant_table->quantval;
		const int *bits = ci->coef_bits[c];

		/* quantval in natural order: 0, (0,1), (1,0), (2,0), (1,1),
		 * (0,2). */
		if (q[0] == 0 || q[1] == 0 || q[8] == 0 || q[16] == 0 ||
		    q[9] == 0 || q[2] == 0 || bits[0] < 0)
			return 0;
		for (int k = 1; k <= 5; k++)
			if (bits[k] != 0)
				useful = 1;
	}
	return useful;
}

/* The orientation in the first Exif APP1 segment, 1 if none. */
static unsigned
exif_orientation(struct jpeg_decompress_struct *ci)
{
	for (jpeg_saved_marker_ptr m = ci->marker_list; m != NULL; m = m->next)
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
		    memcmp(m->data, "Exif\0\0", 6) == 0)
			return pxr_decode_exif_orientation(m->data,
			    m->data_length);
	return 1;
}

/*
 * Sets each component's block window for the pixels need, and carves its
 * plane out of dec->scratch; 0, or -1 if out of memory.
 */
static int
plan_planes(struct pxr_decoder *dec, int n, struct comp *cp,
    const struct pxr_rect *need)
{
	size_t total = 0, off = 0;

	for (int c = 0; c < n; c++) {
		struct comp *p = &cp[c];
		uint32_t sx0 = need->x / p->eh,
			 sx1 = (need->x + need->w - 1) / p->eh;
		uint32_t sy0 = need->y / p->ev,
			 sy1 = (need->y + need->h - 1) / p->ev;

		p->bx0 = sx0 / p->sh;
		p->bx1 = sx1 / p->sh + 1;
		p->by0 = sy0 / p->sv;
		p->by1 = sy1 / p->sv + 1;
		if (p->bx1 > p->wb)
			p->bx1 = p->wb;
		if (p->by1 > p->hb)
			p->by1 = p->hb;
		p->stride = (size_t)(p->bx1 - p->bx0) * p->sh;
		total += p->stride * (size_t)(p->by1 - p->by0) * p->sv;
	}
	if (decode_reserve(&dec->scratch, &dec->scratchcap, total) == -1)
		return -1;
	for (int c = 0; c < n; c++) {
		cp[c].plane = dec->scratch + off;
		off +=
		    cp[c].stride * (size_t)(cp[c].by1 - cp[c].by0) * cp[c].sv;
	}
	return 0;
}

/* The inverse DCT of component c's blocks in its window. */
static void
idct_comp(struct jpeg_decompress_struct *ci, jvirt_barray_ptr arr,
    const struct comp *p, const struct pxr_nbk *k)
{
	JDIMENSION by = p->by0;

	while (by < p->by1) {
		JDIMENSION n = p->by1 - by;
		JBLOCKARRAY rows;

		if (n > (JDIMENSION)p->v)
			n = (JDIMENSION)p->v;
		rows = ci->mem->access_virt_barray((j_common_ptr)ci, arr, by, n,
		    FALSE);
		for (JDIMENSION i = 0; i < n; i++) {
			unsigned char *o = p->plane +
			    (size_t)(by + i - p->by0) * p->sv * p->stride;

			JDIMENSION bx = p->bx0;

			/* Two blocks at a time (adjacent JBLOCKs). */
			for (; p->sh == 8 && p->sv == 8 && bx + 1 < p->bx1;
			     bx += 2)
				k->idct_float2(rows[i][bx], p->fmult,
				    o + (size_t)(bx - p->bx0) * 8, p->stride);
			for (; bx < p->bx1; bx++) {
				const int16_t *b = rows[i][bx];
				unsigned char *d =
				    o + (size_t)(bx - p->bx0) * p->sh;

				if (p->sh == 8 && p->sv == 8)
					k->idct_float(b, p->fmult, d,
					    p->stride);
				else
					k->idct_int(b, p->quant, p->sh, p->sv,
					    d, p->stride);
			}
		}
		by += n;
	}
}

/* The sample of component p under pixel (x, y). */
static inline unsigned
sample(const struct comp *p, uint32_t x, uint32_t y)
{
	size_t sx = x / p->eh - (size_t)p->bx0 * p->sh;
	size_t sy = y / p->ev - (size_t)p->by0 * p->sv;

	return p->plane[sy * p->stride + sx];
}

/* The pixels of need, from the planes, into out (ch channels). */
static void
convert(const struct comp *cp, int space, unsigned ch,
    const struct pxr_rect *need, unsigned char *out, const struct ycc *t)
{
	int simple = 1;

	for (int c = 0; c < (space == 2 ? 1 : 3); c++)
		if (cp[c].eh != 1 || cp[c].ev != 1)
			simple = 0;
	for (uint32_t j = 0; j < need->h; j++) {
		uint32_t y = need->y + j;
		unsigned char *o = out + (size_t)j * need->w * ch;

		if (space == 2) {
			for (uint32_t i = 0; i < need->w; i++) {
				unsigned v = sample(&cp[0], need->x + i, y);

				for (unsigned k = 0; k < ch; k++)
					*o++ = (unsigned char)v;
			}
			continue;
		}
		if (simple && space == 0) {
			const unsigned char *p0 =
			    &cp[0].plane[(y - cp[0].by0 * cp[0].sv) *
				    cp[0].stride +
				need->x - cp[0].bx0 * cp[0].sh];
			const unsigned char *p1 =
			    &cp[1].plane[(y - cp[1].by0 * cp[1].sv) *
				    cp[1].stride +
				need->x - cp[1].bx0 * cp[1].sh];
			const unsigned char *p2 =
			    &cp[2].plane[(y - cp[2].by0 * cp[2].sv) *
				    cp[2].stride +
				need->x - cp[2].bx0 * cp[2].sh];

			pxr_nbk()->ycc_row(p0, p1, p2, need->w, o);
			continue;
		}
		for (uint32_t i = 0; i < need->w; i++, o += 3) {
			uint32_t x = need->x + i;
			int yy = (int)sample(&cp[0], x, y);
			int cb = (int)sample(&cp[1], x, y);
			int cr = (int)sample(&cp[2], x, y);

			if (space == 1) {
				o[0] = (unsigned char)yy;
				o[1] = (unsigned char)cb;
				o[2] = (unsigned char)cr;
				continue;
			}
			o[0] = clamp255(yy + t->crr[cr]);
			o[1] =
			    clamp255(yy + (int)shr16(t->cbg[cb] + t->crg[cr]));
			o[2] = clamp255(yy + t->cbb[cb]);
		}
	}
}

/* The per-image state of a decode, so that the steps can be functions. */
struct job {
	struct comp cp[MAX_COMPS];
	int space;
	unsigned ch, orientation;
	struct pxr_rect need;
};

/* Header to coefficients: 0, or -1 with dec->fail set (libjpeg's errors
 * longjmp to the caller's setjmp). */
static int
read_coefficients(struct pxr_decoder *dec, struct pxr_record *rec,
    struct job *jb, jvirt_barray_ptr **coefs)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;

	jpeg_destroy_decompress(ci);
	jpeg_create_decompress(ci);
	ci->progress = &dec->progress;
	jpeg_mem_src(ci, rec->payload, (unsigned long)rec->payload_len);
	if (dec->o.exif_rotate)
		jpeg_save_markers(ci, JPEG_APP0 + 1, 0xffff);
	jpeg_read_header(ci, TRUE);
	if (dec->o.exif_rotate)
		jb->orientation = exif_orientation(ci);
	if ((jb->space = colour_space(dec, ci)) == -1)
		return -1;
	if (ci->data_precision != 8) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "%d-bit samples: the notebook's libjpeg 9b reads 8-bit "
		    "JPEGs only",
		    ci->data_precision);
		return -1;
	}
	jb->ch = jb->space == 2 && dec->o.gray ? 1 : 3;
	if (decode_check_size(dec, ci->image_width, ci->image_height, jb->ch,
		"JPEG") == -1 ||
	    comp_sizes(dec, ci, jb->cp, 0) == -1)
		return -1;
	*coefs = jpeg_read_coefficients(ci);
	/* The quantization tables latched for each component are known only
	 * now (a progressive JPEG may define them between scans). */
	return comp_sizes(dec, ci, jb->cp, 1);
}

static int
finish(struct pxr_decoder *dec, struct pxr_record *rec, struct job *jb,
    struct pxr_decode_part *part, int smooth, struct pxr_err *err)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	size_t len = (size_t)jb->need.w * jb->need.h * jb->ch;

	rec->kind = PXR_KIND_PIXELS;
	rec->width = jb->need.w;
	rec->height = jb->need.h;
	rec->channels = jb->ch;
	rec->orig_width = ci->image_width;
	rec->orig_height = ci->image_height;
	rec->payload = dec->buf;
	rec->payload_len = len;
	if (jb->orientation != 1) {
		decode_orient(dec->tmp, dec->buf, rec->width, rec->height,
		    jb->ch, jb->orientation);
		rec->payload = dec->tmp;
		if (jb->orientation >= 5) {
			rec->width = jb->need.h;
			rec->height = jb->need.w;
			rec->orig_width = ci->image_height;
			rec->orig_height = ci->image_width;
		}
	}
	if (part != NULL) {
		if (jb->orientation != 1) {
			part->fw = rec->width;
			part->fh = rec->height;
			part->have =
			    (struct pxr_rect){ 0, 0, rec->width, rec->height };
		} else {
			part->have = jb->need;
		}
	}
	if (dec->nwarn > 0 || !smooth)
		return decode_warned(dec, rec, err);
	rec->flags |= PXR_FLAG_WARNING;
	pxr_seterr(err, PXR_E_IMAGE,
	    "progressive JPEG with inexact low AC coefficients: "
	    "libjpeg 9b would smooth its blocks, which pxr does not");
	return 1;
}

static int
decode_jpeg_ijg(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_decode_part *part, struct pxr_err *err)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	struct job *volatile jb = NULL;
	jvirt_barray_ptr *coefs = NULL;
	struct ycc yt;
	int smooth, r;
	uint32_t w, h;

	dec->nwarn = 0;
	dec->saw_eof = 0;
	dec->fail[0] = '\0';
	if ((jb = calloc(1, sizeof(*jb))) == NULL)
		return pxr_seterr(err, PXR_E_NOMEM, "out of memory");
	jb->orientation = 1;
	if (setjmp(dec->jerr.jb)) {
		jpeg_abort_decompress(ci);
		free(jb);
		return pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
	}
	if (read_coefficients(dec, rec, jb, &coefs) == -1) {
		jpeg_abort_decompress(ci);
		r = pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
		goto out;
	}
	w = ci->image_width;
	h = ci->image_height;
	jb->need = (struct pxr_rect){ 0, 0, w, h };
	if (part != NULL) {
		part->fw = w;
		part->fh = h;
		if (jb->orientation == 1)
			part->need(part->ctx, w, h, &jb->need);
		if (jb->need.w == 0 || jb->need.h == 0 || jb->need.w > w ||
		    jb->need.h > h || jb->need.x > w - jb->need.w ||
		    jb->need.y > h - jb->need.h)
			jb->need = (struct pxr_rect){ 0, 0, w, h };
	}
	if (plan_planes(dec, ci->num_components, jb->cp, &jb->need) == -1 ||
	    decode_reserve(&dec->buf, &dec->cap,
		(size_t)jb->need.w * jb->need.h * jb->ch) == -1 ||
	    (jb->orientation != 1 &&
		decode_reserve(&dec->tmp, &dec->tmpcap,
		    (size_t)w * h * jb->ch) == -1)) {
		jpeg_abort_decompress(ci);
		r = pxr_seterr(err, PXR_E_NOMEM,
		    "out of memory for %ux%u pixels", w, h);
		goto out;
	}
	for (int c = 0; c < (jb->space == 2 ? 1 : 3); c++)
		idct_comp(ci, coefs[c], &jb->cp[c], pxr_nbk());
	ycc_init(&yt);
	convert(jb->cp, jb->space, jb->ch, &jb->need, dec->buf, &yt);
	smooth = would_smooth(ci);
	jpeg_finish_decompress(ci);
	r = finish(dec, rec, jb, part, smooth, err);
out:
	free(jb);
	return r;
}

int
pxr_decode_ijg(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_decode_part *part, struct pxr_err *err)
{
	if (pxr_decode_sniff(rec->payload, rec->payload_len) != PXR_FMT_JPEG)
		return pxr_decode_part(dec, rec, part, err);
	return decode_jpeg_ijg(dec, rec, part, err);
}
