/*
 * test_decode.c: the scale choice at its boundaries, format sniffing and
 * the description of non-images, and decoding every prefix and many
 * damaged copies of a JPEG made here (none may crash, leak or hang; each
 * gives pixels of the declared size or a failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "decode.h"
#include "pxr.h"
#include "unit.h"

/* A w x h RGB JPEG of a smooth pattern, in malloc'd memory. */
static unsigned char *
make_jpeg(unsigned w, unsigned h, int progressive, unsigned long *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL, *row;

	row = malloc((size_t)w * 3);
	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, len);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < h) {
		for (unsigned x = 0; x < w; x++) {
			row[3 * x] = (unsigned char)(x * 255 / w);
			row[3 * x + 1] =
			    (unsigned char)(c.next_scanline * 255 / h);
			row[3 * x + 2] =
			    (unsigned char)((x ^ c.next_scanline) * 7);
		}
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	return out;
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

int
main(void)
{
	test_pick_scale();
	test_sniff();
	test_exif();
	test_damage(0);
	test_damage(1);
	UNIT_DONE();
}
