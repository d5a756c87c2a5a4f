/*
 * test_dims.c: pxr_dims_scan against the decoder, on every JPEG of
 * tests/data (odd, broken, EXIF-rotated, progressive, arithmetic) and on
 * generated PNGs: the size it reads from the header is the decoded one,
 * with and without the EXIF orientation; read a window at a time from the
 * offsets it asks for, it gives the same answer, and for a JPEG without
 * an Exif segment it asks for nothing beyond the first 4 KiB.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "pxr.h"
#include "unit.h"

static struct pxr_decoder *plain, *rotating;
static int njpeg, nagree, nsmall;

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (p = malloc((size_t)len + 1)) == NULL ||
	    fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	if (f != NULL)
		fclose(f);
	*n = p != NULL ? (size_t)len : 0;
	return p;
}

/* Decodes p whole; 0 with the record's size (as stored, or as shown
 * when rotating), or -1 if it fails. */
static int
decoded_size(struct pxr_decoder *dec, const unsigned char *p, size_t n,
    uint32_t *w, uint32_t *h)
{
	struct pxr_record rec;
	struct pxr_err err;
	int r;

	pxr_record_init(&rec);
	rec.kind = PXR_KIND_ENCODED;
	rec.name = "t";
	rec.name_len = 1;
	rec.payload = p;
	rec.payload_len = n;
	r = pxr_decode(dec, &rec, &err);
	if (r != 0 && r != 1)
		return -1;
	if (rec.kind != PXR_KIND_PIXELS)
		return -1;
	*w = rec.orig_width;
	*h = rec.orig_height;
	return 0;
}

/* The scan, window bytes at a time from the offsets it asks for; the
 * furthest byte it read in *far.  The answer, or -1 (also at the end of
 * the bytes: a truncated header). */
static int
scan_windows(const unsigned char *p, size_t n, size_t window, int exif,
    struct pxr_dims *d, uint64_t *far)
{
	struct pxr_err err;
	uint64_t off = 0;
	int r;

	memset(d, 0, sizeof(*d));
	*far = 0;
	for (int calls = 0; calls < 100000; calls++) {
		size_t w = window > d->want ? window : d->want;
		size_t k = off >= n ? 0 : n - off < w ? n - off : w;

		if (k == 0 || (calls > 0 && k < d->want))
			return -1; /* the file ends first: truncated */
		if (off + k > *far)
			*far = off + k;
		if ((r = pxr_dims_scan(d, p + off, k, off, exif, &err)) != 0)
			return r;
		off = d->next;
	}
	return -1;
}

static void
check_bytes(const char *what, const unsigned char *p, size_t n)
{
	struct pxr_dims d, dw;
	struct pxr_err err;
	uint32_t w, h, rw, rh;
	uint64_t far;
	int r;

	memset(&d, 0, sizeof(d));
	r = pxr_dims_scan(&d, p, n, 0, 1, &err);
	if (decoded_size(plain, p, n, &w, &h) != 0 ||
	    decoded_size(rotating, p, n, &rw, &rh) != 0)
		return; /* the decoder refuses it: no size to compare */
	if (r != 1) {
		printf("%s: no size from the header, the decoder's %ux%u\n",
		    what, w, h);
		EXPECT_INT(r, 1);
		return;
	}
	njpeg += d.format == PXR_FMT_JPEG;
	EXPECT_INT(d.width, w);
	EXPECT_INT(d.height, h);
	EXPECT_INT(d.orientation >= 5 ? d.height : d.width, rw);
	EXPECT_INT(d.orientation >= 5 ? d.width : d.height, rh);
	for (size_t window = 16; window <= 4096; window *= 4) {
		EXPECT_INT(scan_windows(p, n, window, 1, &dw, &far), 1);
		EXPECT_INT(dw.width, d.width);
		EXPECT_INT(dw.height, d.height);
		EXPECT_INT(dw.orientation, d.orientation);
	}
	EXPECT_INT(scan_windows(p, n, 4096, 0, &dw, &far), 1);
	EXPECT_INT(dw.orientation, 1);
	nsmall += far <= 4096;
	nagree++;
	(void)what;
}

static int
visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *dot = strrchr(path, '.');
	unsigned char *p;
	size_t n;

	(void)st, (void)ftw;
	if (flag != FTW_F || dot == NULL ||
	    (strcasecmp(dot, ".jpg") != 0 && strcasecmp(dot, ".jpeg") != 0))
		return 0;
	if ((p = slurp(path, &n)) == NULL)
		return 0;
	check_bytes(path, p, n);
	free(p);
	return 0;
}

/* PNGs of a few sizes and kinds, made here, and their header refusals. */
static void
test_png(void)
{
	static const unsigned sizes[][2] = { { 1, 1 }, { 300, 17 }, { 17, 300 },
		{ 640, 480 } };
	struct pxr_dims d;
	struct pxr_err err;
	uint64_t far;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		png_image im;
		png_alloc_size_t len = 0;
		unsigned char *px, *out;

		memset(&im, 0, sizeof(im));
		im.version = PNG_IMAGE_VERSION;
		im.width = sizes[i][0];
		im.height = sizes[i][1];
		im.format = i % 2 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGBA;
		px = calloc(PNG_IMAGE_SIZE(im), 1);
		EXPECT_INT(png_image_write_get_memory_size(im, len, 0, px, 0,
			       NULL) != 0,
		    1);
		out = malloc(len);
		EXPECT_INT(png_image_write_to_memory(&im, out, &len, 0, px, 0,
			       NULL) != 0,
		    1);
		check_bytes("generated PNG", out, len);
		EXPECT_INT(scan_windows(out, len, 16, 1, &d, &far), 1);
		EXPECT_INT(d.format, PXR_FMT_PNG);
		EXPECT_INT(d.width, sizes[i][0]);
		EXPECT_INT(d.height, sizes[i][1]);
		/* A PNG cut inside IHDR: the scan asks for more, and there is
		 * none. */
		EXPECT_INT(scan_windows(out, 20, 4096, 1, &d, &far), -1);
		free(px);
		free(out);
	}
	memset(&d, 0, sizeof(d));
	EXPECT_INT(pxr_dims_scan(&d, (const unsigned char *)"GIF89a......", 12,
		       0, 1, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "GIF");
}

/* Headers that say no size: a scan before the frame header, a frame of
 * height 0 (DNL); junk where a marker is due is skipped, as libjpeg
 * skips it, and the scan asks for the bytes after it. */
static void
test_bad_jpeg(void)
{
	static const unsigned char sos_first[] = { 0xff, 0xd8, 0xff, 0xda, 0, 8,
		1, 1, 0, 0, 63, 0 };
	static const unsigned char dnl[] = { 0xff, 0xd8, 0xff, 0xc0, 0, 11, 8,
		0, 0, 0, 16, 1, 1, 0x11, 0 };
	static const unsigned char junk[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 4, 0,
		0, 0x12, 0x34, 0, 0, 0, 0 };
	struct pxr_dims d;
	struct pxr_err err;

	memset(&d, 0, sizeof(d));
	EXPECT_INT(pxr_dims_scan(&d, sos_first, sizeof(sos_first), 0, 1, &err),
	    -1);
	EXPECT_STR_CONTAINS(err.msg, "scan before");
	memset(&d, 0, sizeof(d));
	EXPECT_INT(pxr_dims_scan(&d, dnl, sizeof(dnl), 0, 1, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "zero size");
	memset(&d, 0, sizeof(d));
	EXPECT_INT(pxr_dims_scan(&d, junk, sizeof(junk), 0, 1, &err), 0);
	EXPECT_INT(d.next, sizeof(junk) - 3);
}

/* An Exif APP1 (orientation 6) after the frame header of a photograph
 * of tests/data: libjpeg saves it (it comes before the scan), so the
 * decode turns the image, and the scan must read it too. */
static void
test_exif_after_sof(void)
{
	static const unsigned char app1[36] = { 0xff, 0xe1, 0, 34, 'E', 'x',
		'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12,
		0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0 };
	size_t n, i;
	unsigned char *p = slurp(
			  "tests/data/photos/train/n02123045/n02123045_1.JPEG",
			  &n),
		      *q;
	struct pxr_dims d;
	struct pxr_err err;

	EXPECT_INT(p != NULL, 1);
	if (p == NULL)
		return;
	/* The frame header: SOF0 or SOF2 at a marker boundary. */
	for (i = 2; i + 4 < n; i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]))
		if (p[i] == 0xff && (p[i + 1] == 0xc0 || p[i + 1] == 0xc2))
			break;
	EXPECT_INT(i + 4 < n, 1);
	i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	if ((q = malloc(n + sizeof(app1))) == NULL) {
		free(p);
		return;
	}
	memcpy(q, p, i);
	memcpy(q + i, app1, sizeof(app1));
	memcpy(q + i + sizeof(app1), p + i, n - i);
	memset(&d, 0, sizeof(d));
	EXPECT_INT(pxr_dims_scan(&d, q, n + sizeof(app1), 0, 1, &err), 1);
	EXPECT_INT(d.orientation, 6);
	check_bytes("exif after SOF", q, n + sizeof(app1));
	free(q);
	free(p);
}

int
main(void)
{
	struct pxr_decode_opts o = { 0 };
	struct pxr_err err;

	o.policy = PXR_DECODE_LENIENT;
	o.max_pixels = (uint64_t)1 << 40;
	plain = pxr_decoder_new(&o, &err);
	o.exif_rotate = 1;
	rotating = pxr_decoder_new(&o, &err);
	if (plain == NULL || rotating == NULL)
		return 1;
	nftw("tests/data", visit, 16, FTW_PHYS);
	/* Not vacuous: the photographs, the notebook's odd JPEGs (EXIF 1 to
	 * 8 among them) and most of the broken ones decode. */
	printf("%d JPEGs\n", njpeg);
	EXPECT_INT(njpeg >= 100, 1);
	EXPECT_INT(nsmall >= 90, 1);
	test_png();
	test_bad_jpeg();
	test_exif_after_sof();
	printf("%d JPEGs and PNGs agree with the decoder, %d read within 4 "
	       "KiB\n",
	    nagree, nsmall);
	pxr_decoder_free(plain);
	pxr_decoder_free(rotating);
	UNIT_DONE();
}
