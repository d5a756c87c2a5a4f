/*
 * test_decode.c: the scale choice at its boundaries, format sniffing and
 * the description of non-images, decoding every prefix and many damaged
 * copies of a JPEG made here (none may crash, leak or hang; each gives
 * pixels of the declared size or a failure), parts asked outside the
 * image (decoded whole), and the row loop's end when libjpeg's source
 * suspends.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "decode.h"
#include "decode_int.h"
#include "pxr.h"
#include "unit.h"

/* A w x h JPEG of a smooth pattern, RGB or (cmyk) CMYK, in malloc'd
 * memory. */
static unsigned char *
make_jpeg_cs(unsigned w, unsigned h, int progressive, int cmyk,
    unsigned long *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL, *row;
	int comps = cmyk ? 4 : 3;

	row = malloc((size_t)w * comps);
	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, len);
	c.image_width = w;
	c.image_height = h;
	c.input_components = comps;
	c.in_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < h) {
		for (unsigned x = 0; x < w; x++) {
			unsigned char *p = row + (size_t)comps * x;

			p[0] = (unsigned char)(x * 255 / w);
			p[1] = (unsigned char)(c.next_scanline * 255 / h);
			p[2] = (unsigned char)((x ^ c.next_scanline) * 7);
			if (cmyk)
				p[3] = (unsigned char)(x + c.next_scanline);
		}
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	return out;
}

static unsigned char *
make_jpeg(unsigned w, unsigned h, int progressive, unsigned long *len)
{
	return make_jpeg_cs(w, h, progressive, 0, len);
}

static int
decode_bytes(struct pxr_decoder *dec, const unsigned char *p, size_t n,
    struct pxr_record *rec, struct pxr_err *err)
{
	pxr_record_init(rec);
	rec->kind = PXR_KIND_ENCODED;
	rec->name = "t.jpg";
	rec->name_len = 5;
	rec->payload = p;
	rec->payload_len = n;
	return pxr_decode(dec, rec, err);
}

static void
test_pick_scale(void)
{
	/* Shortest side 8S, 8S-1 (ceil keeps S), 8S-8 (S-1: next scale). */
	EXPECT_INT(pxr_decode_pick_scale(300, 256, 32, 0), 1);
	EXPECT_INT(pxr_decode_pick_scale(300, 249, 32, 0), 1);
	EXPECT_INT(pxr_decode_pick_scale(300, 248, 32, 0), 2);
	EXPECT_INT(pxr_decode_pick_scale(64, 300, 32, 0), 4);
	EXPECT_INT(pxr_decode_pick_scale(300, 63, 32, 0), 4);
	EXPECT_INT(pxr_decode_pick_scale(300, 62, 32, 0), 8);
	EXPECT_INT(pxr_decode_pick_scale(300, 32, 32, 0), 8);
	EXPECT_INT(pxr_decode_pick_scale(300, 31, 32, 0), 8);
	EXPECT_INT(pxr_decode_pick_scale(500, 375, 256, 0), 8);
	EXPECT_INT(pxr_decode_pick_scale(2048, 1536, 256, 0), 2);
	EXPECT_INT(pxr_decode_pick_scale(4000, 3000, 256, 0), 1);
	EXPECT_INT(pxr_decode_pick_scale(4000, 3000, 0, 0), 8);
	/* With every M allowed: 500x375 to 256 needs 6/8 (282). */
	EXPECT_INT(pxr_decode_pick_scale(500, 375, 256, 0x1fffe), 6);
	EXPECT_INT(pxr_decode_pick_scale(500, 375, 1, 0x1fffe), 1);
	EXPECT_INT(pxr_decode_pick_scale(1, 1, 1, 0), 1);
	EXPECT_INT(pxr_decode_pick_scale(UINT32_MAX, UINT32_MAX, UINT32_MAX, 0),
	    8);
}

static void
test_sniff(void)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0";
	static const unsigned char jpg[] = { 0xff, 0xd8, 0xff, 0xe0 };
	static const unsigned char html[] = "  \n<html><body>404";
	static const unsigned char bin[] = { 0x00, 0x01, 0xfe, 0x7f, 0x10 };
	char buf[160];

	EXPECT_INT(pxr_decode_sniff(jpg, 4), PXR_FMT_JPEG);
	EXPECT_INT(pxr_decode_sniff(jpg, 1), PXR_FMT_OTHER);
	EXPECT_INT(pxr_decode_sniff(png, 8), PXR_FMT_PNG);
	EXPECT_INT(pxr_decode_sniff(png, 7), PXR_FMT_OTHER);
	EXPECT_INT(pxr_decode_sniff(html, sizeof(html) - 1), PXR_FMT_OTHER);
	EXPECT_STR_CONTAINS(
	    pxr_decode_describe(html, sizeof(html) - 1, buf, sizeof(buf)),
	    "not an image: HTML or XML text, 18 bytes, starts with 0x20 0x20 "
	    "0x0a 0x3c");
	EXPECT_STR_CONTAINS(
	    pxr_decode_describe(bin, sizeof(bin), buf, sizeof(buf)),
	    "not an image: unknown data, 5 bytes, starts with 0x00 0x01");
	EXPECT_STR_CONTAINS(pxr_decode_describe(bin, 0, buf, sizeof(buf)),
	    "not an image: empty (0 bytes)");
	EXPECT_STR_CONTAINS(pxr_decode_describe(bin, 1, buf, sizeof(buf)),
	    "1 bytes, starts with 0x00");
	/* A short buffer is cut, never overrun. */
	pxr_decode_describe(html, sizeof(html) - 1, buf, 10);
	EXPECT_INT(strlen(buf), 9);
}

static void
test_exif(void)
{
	/* Little-endian, IFD0 at 8, one entry: Orientation SHORT 6. */
	unsigned char le[] = { 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0,
		0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0 };
	/* Big-endian, a tag before it, Orientation 8. */
	unsigned char be[] = { 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0,
		0, 8, 0, 2, 0x01, 0x0f, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x01,
		0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0 };
	unsigned char bad[sizeof(le)];

	EXPECT_INT(pxr_decode_exif_orientation(le, sizeof(le)), 6);
	EXPECT_INT(pxr_decode_exif_orientation(be, sizeof(be)), 8);
	/* Every cut is 1 (never a read past the end: ASan checks). */
	for (size_t n = 0; n < sizeof(le); n++)
		EXPECT_INT(pxr_decode_exif_orientation(le, n), 1);
	memcpy(bad, le, sizeof(le));
	bad[18] = 4; /* LONG, not SHORT */
	EXPECT_INT(pxr_decode_exif_orientation(bad, sizeof(bad)), 1);
	memcpy(bad, le, sizeof(le));
	bad[24] = 9; /* out of 1..8 */
	EXPECT_INT(pxr_decode_exif_orientation(bad, sizeof(bad)), 1);
	memcpy(bad, le, sizeof(le));
	bad[13] = 0xff; /* IFD offset far past the end */
	EXPECT_INT(pxr_decode_exif_orientation(bad, sizeof(bad)), 1);
	memcpy(bad, le, sizeof(le));
	bad[14] = 0xff; /* 255 entries declared, one present */
	bad[15] = 0xff;
	EXPECT_INT(pxr_decode_exif_orientation(bad, sizeof(bad)), 6);
	memcpy(bad, le, sizeof(le));
	bad[8] = 43; /* not TIFF */
	EXPECT_INT(pxr_decode_exif_orientation(bad, sizeof(bad)), 1);
}

/* Every prefix, then byte flips all over: pixels or a failure, no crash. */
static void
test_damage(int progressive)
{
	struct pxr_decode_opts o = { .max_pixels = PXR_DECODE_MAX_PIXELS };
	struct pxr_decoder *dec;
	struct pxr_record rec;
	struct pxr_err err;
	unsigned long len = 0;
	unsigned char *jpg = make_jpeg(67, 45, progressive, &len), *copy;
	unsigned bad = 0, fails = 0, oks = 0;
	const unsigned char *first;
	int r;

	dec = pxr_decoder_new(&o, &err);
	r = decode_bytes(dec, jpg, len, &rec, &err);
	EXPECT_INT(r, 0);
	EXPECT_INT(rec.kind, PXR_KIND_PIXELS);
	EXPECT_INT(rec.width, 67);
	EXPECT_INT(rec.height, 45);
	EXPECT_INT(rec.payload_len, 67 * 45 * 3);
	first = rec.payload;
	/* The steady state reuses the buffer. */
	decode_bytes(dec, jpg, len, &rec, &err);
	UNIT_CHECK(rec.payload == first, "output buffer not reused");
	for (size_t n = 0; n < len; n++) {
		r = decode_bytes(dec, jpg, n, &rec, &err);
		if (r == 0 && n + 2 < len)
			bad++; /* a cut before EOI must not pass silently */
		if (r >= 0 && rec.payload_len != 67 * 45 * 3)
			bad++;
	}
	EXPECT_INT(bad, 0);
	copy = malloc(len + 1); /* len > 0: the JPEG decoded above */
	for (size_t i = 2; i < len; i += 3) {
		memcpy(copy, jpg, len);
		copy[i] ^= (unsigned char)(0x5a + i);
		r = decode_bytes(dec, copy, len, &rec, &err);
		if (r == -1)
			fails++;
		else if (rec.kind != PXR_KIND_PIXELS ||
		    rec.payload_len != (size_t)rec.width * rec.height * 3)
			bad++;
		else
			oks++;
	}
	EXPECT_INT(bad, 0);
	UNIT_CHECK(fails > 0 && oks > 0, "flips: %u failed, %u decoded", fails,
	    oks);
	/* Strict: the first warning is a failure; lenient: a cut decodes. */
	pxr_decoder_free(dec);
	o.policy = PXR_DECODE_LENIENT;
	dec = pxr_decoder_new(&o, &err);
	r = decode_bytes(dec, jpg, len / 2, &rec, &err);
	EXPECT_INT(r, 1);
	EXPECT_INT(rec.flags & PXR_FLAG_WARNING, PXR_FLAG_WARNING);
	EXPECT_STR_CONTAINS(err.msg, "Premature end of JPEG file");
	pxr_decoder_free(dec);
	free(copy);
	free(jpg);
}

/* pxr_decode_part's need: the rectangle in ctx, whatever the size. */
static void
need_fixed(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *need)
{
	(void)w;
	(void)h;
	*need = *(const struct pxr_rect *)ctx;
}

/*
 * A part asked outside the image, or empty, is decoded whole: wider or
 * taller than the image, or with x + w or y + h past 2^32 (in 32 bits
 * they would wrap to a small end).  A part inside it, even at the far
 * edge, is decoded as a part.
 */
static void
test_part_outside(void)
{
	enum { W = 128, H = 64 };

	const struct {
		struct pxr_rect need;
		int whole;
		enum pxr_decode_policy policy;
	} cases[] = {
		{ { 64, 16, 16, 16 }, 0, PXR_DECODE_DEFAULT },
		{ { W - 16, 0, 16, H }, 0, PXR_DECODE_DEFAULT },
		{ { W - 8, 0, W + 8, H }, 1, PXR_DECODE_DEFAULT },
		{ { 0, 0, W + 1, H }, 1, PXR_DECODE_DEFAULT },
		{ { 16, 0, UINT32_MAX - 8, H }, 1, PXR_DECODE_DEFAULT },
		{ { 0, 8, W, UINT32_MAX - 4 }, 1, PXR_DECODE_DEFAULT },
		{ { UINT32_MAX, 0, 16, H }, 1, PXR_DECODE_DEFAULT },
		{ { 0, 0, 0, H }, 1, PXR_DECODE_DEFAULT },
		/* Under the default policy the old check read rows past the
		 * last for ever; strict made libjpeg's warning a failure. */
		{ { 0, 0, W, H + 1 }, 1, PXR_DECODE_STRICT },
	};

	unsigned long len = 0;
	unsigned char *jpg = make_jpeg(W, H, 0, &len);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pxr_decode_opts o = { .max_pixels =
						 PXR_DECODE_MAX_PIXELS,
			.policy = cases[i].policy };
		struct pxr_rect need = cases[i].need;
		struct pxr_decode_part part = { .need = need_fixed,
			.ctx = &need };
		struct pxr_decoder *dec = pxr_decoder_new(&o, NULL);
		struct pxr_record rec;
		struct pxr_err err;
		int r;

		pxr_record_init(&rec);
		rec.kind = PXR_KIND_ENCODED;
		rec.payload = jpg;
		rec.payload_len = len;
		r = pxr_decode_part(dec, &rec, &part, &err);
		UNIT_CHECK(r == 0, "case %zu: %d, %s", i, r,
		    r == -1 ? err.msg : "");
		if (r != 0) {
			pxr_decoder_free(dec);
			continue;
		}
		EXPECT_INT(part.fw, W);
		EXPECT_INT(part.fh, H);
		if (cases[i].whole) {
			UNIT_CHECK(part.have.x == 0 && part.have.y == 0 &&
				part.have.w == W && part.have.h == H,
			    "case %zu: have %u,%u %ux%u, not the whole image",
			    i, part.have.x, part.have.y, part.have.w,
			    part.have.h);
			EXPECT_INT(rec.payload_len, W * H * 3);
		} else {
			UNIT_CHECK(part.have.w < W && part.have.x <= need.x &&
				part.have.x + part.have.w >= need.x + need.w &&
				part.have.y == need.y && part.have.h == need.h,
			    "case %zu: have %u,%u %ux%u, not a part around "
			    "the need",
			    i, part.have.x, part.have.y, part.have.w,
			    part.have.h);
			EXPECT_INT(rec.payload_len,
			    (size_t)part.have.w * part.have.h * 3);
		}
		EXPECT_INT(rec.width, part.have.w);
		EXPECT_INT(rec.height, part.have.h);
		pxr_decoder_free(dec);
	}
	free(jpg);
}

/* A source of the first n bytes of a JPEG that suspends at their end, as
 * a source that waits for more data does; pxr's own (jpeg_mem_src) never
 * suspends. */
struct suspending_src {
	struct jpeg_source_mgr pub;
	unsigned suspended;
};

static void
src_init(j_decompress_ptr ci)
{
	(void)ci;
}

static boolean
src_fill(j_decompress_ptr ci)
{
	struct suspending_src *s = (struct suspending_src *)ci->src;

	/* Asked again and again with nothing new: the caller loops. */
	if (++s->suspended > 100)
		ERREXIT(ci, JERR_INPUT_EMPTY);
	return FALSE;
}

static void
src_skip(j_decompress_ptr ci, long n)
{
	struct jpeg_source_mgr *s = ci->src;
	size_t k = n > 0 ? (size_t)n : 0;

	if (k > s->bytes_in_buffer)
		k = s->bytes_in_buffer;
	s->next_input_byte += k;
	s->bytes_in_buffer -= k;
}

static void
src_term(j_decompress_ptr ci)
{
	(void)ci;
}

/*
 * decode_jpeg_rows over a source that suspends half way through the scan
 * data: jpeg_read_scanlines then returns 0 rows.  The loop must stop with
 * "JPEG data ends early" after the rows the data held, not ask again for
 * ever (src_fill stops it, through libjpeg's error exit, at its 101st
 * call).  RGB and CMYK take different loops.
 */
static void
test_rows_suspend(int cmyk)
{
	struct pxr_decode_opts o = { .max_pixels = PXR_DECODE_MAX_PIXELS };
	/* Static: read after libjpeg's error exit (longjmp). */
	static struct suspending_src src;
	struct pxr_decoder *dec = pxr_decoder_new(&o, NULL);
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	unsigned long len = 0;
	unsigned char *jpg = make_jpeg_cs(256, 128, 0, cmyk, &len);
	size_t sos = 2;
	int r;

	while (sos + 1 < len && !(jpg[sos] == 0xff && jpg[sos + 1] == 0xda))
		sos++;
	src = (struct suspending_src){ .pub = { .init_source = src_init,
					   .fill_input_buffer = src_fill,
					   .skip_input_data = src_skip,
					   .resync_to_restart =
					       jpeg_resync_to_restart,
					   .term_source = src_term } };
	src.pub.next_input_byte = jpg;
	src.pub.bytes_in_buffer = sos + (len - sos) / 2;
	if (setjmp(dec->jerr.jb)) {
		UNIT_CHECK(0,
		    "%s: the row loop went on after the source "
		    "suspended (%u times): %s",
		    cmyk ? "CMYK" : "RGB", src.suspended, dec->fail);
		goto out;
	}
	ci->src = &src.pub;
	EXPECT_INT(jpeg_read_header(ci, TRUE), JPEG_HEADER_OK);
	ci->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	EXPECT_INT(jpeg_start_decompress(ci), TRUE);
	if (decode_reserve(&dec->buf, &dec->cap,
		(size_t)ci->output_width * ci->output_height * 3) == -1 ||
	    decode_reserve(&dec->row, &dec->rowcap,
		(size_t)ci->output_width * 4) == -1) {
		UNIT_CHECK(0, "out of memory");
		goto out;
	}
	r = decode_jpeg_rows(dec, 3, cmyk, ci->output_height);
	EXPECT_INT(r, -1);
	EXPECT_STR_CONTAINS(dec->fail, "JPEG data ends early");
	UNIT_CHECK(ci->output_scanline > 0 &&
		ci->output_scanline < ci->output_height,
	    "%u of %u rows before the cut", ci->output_scanline,
	    ci->output_height);
out:
	jpeg_abort_decompress(ci);
	ci->src = NULL;
	pxr_decoder_free(dec);
	free(jpg);
}

int
main(void)
{
	test_pick_scale();
	test_sniff();
	test_exif();
	test_damage(0);
	test_damage(1);
	test_part_outside();
	test_rows_suspend(0);
	test_rows_suspend(1);
	UNIT_DONE();
}
