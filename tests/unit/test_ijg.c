/*
 * test_ijg.c: lib/decode_ijg.c, the notebook's decode, against IJG libjpeg
 * 9b: every JPEG of tests/data/notebook and tests/data/photos decodes to
 * the bytes whose sha256 tests/data/notebook/expected.tsv holds (made with
 * jpeg-9b's djpeg -dct float and the EXIF orientation, see
 * tests/data/README.md); CMYK is refused; a part decodes to the same bytes
 * as the whole; the IDCTs' range limit wraps as 9b's does.  Run from the
 * top of the repository (make unit does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "ijg.h"
#include "sha256.h"
#include "unit.h"

/* The kernels' own functions, to hold the two integer IDCTs side by
 * side. */
#define NBK(name) name##_t
#include "nbkern_body.h"

#define DATA "tests/data/"

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
		perror(path);
		exit(2);
	}
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void
hex_of(const unsigned char *p, size_t n, char *hex)
{
	struct pxr_sha256 c;
	unsigned char d[PXR_SHA256_SIZE];

	pxr_sha256_init(&c);
	pxr_sha256_update(&c, p, n);
	pxr_sha256_final(&c, d);
	pxr_sha256_hex(d, hex);
}

static struct pxr_rect want;

static void
need_fixed(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *n)
{
	(void)ctx;
	(void)w;
	(void)h;
	*n = want;
}

/* A part of the image decodes to the same pixels as the whole. */
static void
check_part(struct pxr_decoder *dec, const unsigned char *jpg, size_t n,
    const struct pxr_record *whole, const char *file)
{
	struct pxr_decode_part part = { need_fixed, NULL, 0, 0,
		{ 0, 0, 0, 0 } };
	struct pxr_record rec = { 0 };
	unsigned char *copy = malloc(whole->payload_len);
	struct pxr_err err;
	uint32_t w = whole->width;
	int bad = 0;

	memcpy(copy, whole->payload, whole->payload_len);
	want = (struct pxr_rect){ w / 7 + 3, whole->height / 5 + 1, w / 2 + 1,
		whole->height / 3 + 2 };
	rec.kind = PXR_KIND_ENCODED;
	rec.payload = jpg;
	rec.payload_len = n;
	EXPECT_INT(pxr_decode_ijg(dec, &rec, &part, &err), 0);
	EXPECT_INT(part.have.w, want.w);
	EXPECT_INT(part.have.h, want.h);
	for (uint32_t y = 0; y < part.have.h && !bad; y++)
		bad = memcmp(rec.payload + (size_t)y * part.have.w * 3,
			  copy +
			      ((size_t)(y + part.have.y) * w + part.have.x) * 3,
			  (size_t)part.have.w * 3) != 0;
	UNIT_CHECK(!bad, "%s: the part differs from the whole", file);
	free(copy);
}

static void
check_file(struct pxr_decoder *dec, const char *file, const char *w,
    const char *h, const char *sha)
{
	char path[512], hex[PXR_SHA256_SIZE * 2 + 1];
	struct pxr_record rec = { 0 };
	struct pxr_err err;
	unsigned char *jpg;
	size_t n;
	int r;

	snprintf(path, sizeof(path), DATA "%s", file);
	jpg = slurp(path, &n);
	rec.kind = PXR_KIND_ENCODED;
	rec.payload = jpg;
	rec.payload_len = n;
	r = pxr_decode_ijg(dec, &rec, NULL, &err);
	if (strcmp(sha, "refused") == 0) {
		EXPECT_INT(r, -1);
		EXPECT_STR_CONTAINS(err.msg, "CMYK");
		free(jpg);
		return;
	}
	EXPECT_INT(r, 0);
	EXPECT_INT(rec.width, atoi(w));
	EXPECT_INT(rec.height, atoi(h));
	EXPECT_INT(rec.channels, 3);
	hex_of(rec.payload, rec.payload_len, hex);
	UNIT_CHECK(strcmp(hex, sha) == 0, "%s: decoded %s, 9b's %s", file, hex,
	    sha);
	/* Parts: files without an EXIF turn (a turned one decodes whole). */
	if (strstr(file, "exif") == NULL)
		check_part(dec, jpg, n, &rec, file);
	free(jpg);
}

/* The IDCTs' outputs wrap through 9b's range-limit table: a DC far out of
 * range lands where (int)x & 1023 says, not at a clamp. */
static void
test_range_wrap(void)
{
	int16_t coef[64] = { 0 };
	uint16_t q[64];
	float mult[64];
	unsigned char out[16 * 16];

	for (int i = 0; i < 64; i++)
		q[i] = 1;
	pxr_ijg_float_table(q, mult);
	/* DC 8 * 700: every sample 700 + 128 = 828, index 828 + 384 = 1212
	 * & 1023 = 188, which the table maps to 0 (below 384). */
	coef[0] = 8 * 700;
	pxr_ijg_idct_float(coef, mult, out, 8);
	EXPECT_INT(out[0], 0);
	EXPECT_INT(out[63], 0);
	/* DC 8 * 100: 228, inside the range. */
	coef[0] = 8 * 100;
	pxr_ijg_idct_float(coef, mult, out, 8);
	EXPECT_INT(out[9], 228);
	/* The integer IDCT: DC 8 * 300 -> 428 -> index 812 -> 255; a DC of
	 * 8 * 600 -> 728 -> index 1112 & 1023 = 88 -> 0. */
	coef[0] = 8 * 300;
	pxr_ijg_idct_int(coef, q, 16, 16, out, 16);
	EXPECT_INT(out[17], 255);
	coef[0] = 8 * 600;
	pxr_ijg_idct_int(coef, q, 16, 8, out, 16);
	EXPECT_INT(out[5], 0);
	coef[0] = 0;
	pxr_ijg_idct_int(coef, q, 8, 16, out, 8);
	EXPECT_INT(out[127], 128);
	/* The largest coefficient times a 16-bit quantizer (2147385345,
	 * which 9b's int holds): the 64-bit path, every sample the same. */
	coef[0] = 32767;
	q[0] = 65535;
	pxr_ijg_idct_int(coef, q, 16, 16, out, 16);
	EXPECT_INT(out[0], out[255]);
}

/* The integer IDCT in doubles (every dequantised input under 2^20) is
 * the 64-bit one, on random blocks of every size and magnitude: compiled
 * here, in the plain table and in this CPU's. */
static void
test_int_paths(void)
{
	static const unsigned hv[3][2] = { { 16, 16 }, { 16, 8 }, { 8, 16 } };
	unsigned char a[16 * 16], b[16 * 16];
	int16_t coef[64];
	uint16_t q[64];
	int differ = 0;
	void (*f[3])(const int16_t *, const uint16_t *, unsigned, unsigned,
	    unsigned char *, size_t) = { idct_int_t, pxr_nbk_table_c.idct_int,
		pxr_nbk()->idct_int };

	srand(7);
	for (int n = 0; n < 30000; n++) {
		int lim = n % 3 == 0 ? 2048 : n % 3 == 1 ? 32767 : 300;

		for (int k = 0; k < 64; k++) {
			coef[k] = (int16_t)(rand() % (2 * lim + 1) - lim);
			if (rand() % 3 != 0 && k > 0)
				coef[k] = 0;
			q[k] = (uint16_t)(1 + rand() % (n % 2 ? 255 : 16));
		}
		for (int s = 0; s < 3; s++) {
			memset(b, 0, sizeof(b));
			idct_int64_t(coef, q, hv[s][0], hv[s][1], b, 16);
			for (int i = 0; i < 3; i++) {
				memset(a, 0, sizeof(a));
				f[i](coef, q, hv[s][0], hv[s][1], a, 16);
				differ += memcmp(a, b, sizeof(a)) != 0;
			}
		}
	}
	EXPECT_INT(differ, 0);
	(void)pxr_nbk_table_t;
}

/* The float IDCT of every table (vector registers or not) is the plain
 * one, on random blocks, wrapped range included; so is its two-block
 * form. */
static void
test_float_paths(void)
{
	const struct pxr_nbk *t[] = { &pxr_nbk_table_c, pxr_nbk() };
	unsigned char a[64], b[64], a2[128], b2[128];
	int16_t coef[64], pair[128] = { 0 };
	uint16_t q[64];
	float mult[64];
	int differ = 0, differ2 = 0;

	srand(11);
	for (int n = 0; n < 30000; n++) {
		int lim = n % 2 ? 2047 : 32767;

		for (int k = 0; k < 64; k++) {
			coef[k] = (int16_t)(rand() % (2 * lim + 1) - lim);
			if (rand() % 2 != 0 && k > 0)
				coef[k] = 0;
			q[k] = (uint16_t)(1 + rand() % (n % 3 ? 99 : 255));
		}
		pxr_ijg_float_table(q, mult);
		for (size_t i = 0; i < 2; i++) {
			t[i]->idct_float(coef, mult, a, 8);
			t[i]->idct_float_plain(coef, mult, b, 8);
			differ += memcmp(a, b, sizeof(a)) != 0;
		}
		/* Two blocks side by side: this one and the one before. */
		memcpy(pair, pair + 64, sizeof(coef));
		memcpy(pair + 64, coef, sizeof(coef));
		for (size_t i = 0; i < 2; i++) {
			t[i]->idct_float2(pair, mult, a2, 16);
			t[i]->idct_float_plain(pair, mult, b2, 16);
			t[i]->idct_float_plain(pair + 64, mult, b2 + 8, 16);
			differ2 += memcmp(a2, b2, sizeof(a2)) != 0;
		}
	}
	EXPECT_INT(differ, 0);
	EXPECT_INT(differ2, 0);
}

int
main(void)
{
	struct pxr_decode_opts o = { 0 };
	struct pxr_decoder *dec;
	struct pxr_err err;
	char line[1024];
	int files = 0;
	FILE *f;

	o.max_pixels = PXR_DECODE_MAX_PIXELS;
	o.exif_rotate = 1;
	if ((dec = pxr_decoder_new(&o, &err)) == NULL ||
	    (f = fopen(DATA "notebook/expected.tsv", "r")) == NULL) {
		perror(DATA "notebook/expected.tsv");
		return 2;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		return 2;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *field[8];
		int k = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *p = line; k < 8; k++) {
			field[k] = p;
			if ((p = strchr(p, '\t')) == NULL)
				break;
			*p++ = '\0';
		}
		if (k < 3)
			continue;
		check_file(dec, field[0], field[1], field[2], field[3]);
		files++;
	}
	fclose(f);
	UNIT_CHECK(files >= 40, "only %d files in expected.tsv", files);
	test_range_wrap();
	test_int_paths();
	test_float_paths();
	pxr_decoder_free(dec);
	UNIT_DONE();
}
