/*
 * test_record.c: the pxr stream round trip for every kind, and every kind
 * of corruption a reader must detect with its own message.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pxr.h"
#include "unit.h"

static unsigned char pixels[4 * 3 * 3];

/* A temporary file holding the bytes; returns an fd at offset 0. */
static int
stream_of(const unsigned char *buf, size_t len)
{
	char path[] = "/tmp/pxr-unit-XXXXXX";
	int fd = mkstemp(path);

	if (fd == -1 || write(fd, buf, len) != (ssize_t)len) {
		perror("mkstemp/write");
		exit(2);
	}
	unlink(path);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Writes the three sample records to a stream and returns its bytes. */
static unsigned char *
sample_stream(size_t *len)
{
	char path[] = "/tmp/pxr-unit-XXXXXX";
	struct pxr_record rec;
	struct pxr_writer *wr;
	struct pxr_err err;
	unsigned char *buf;
	int fd = mkstemp(path);
	off_t end;

	wr = pxr_writer_fdopen(fd, "sample", PXR_WRITER_FORCE, &err);
	pxr_record_init(&rec);
	rec.kind = PXR_KIND_ENCODED;
	rec.index = 7;
	rec.name = "n01440764/n01440764_10026.JPEG";
	rec.name_len = strlen(rec.name);
	rec.payload = (const unsigned char *)"\xff\xd8\xff\xd9";
	rec.payload_len = 4;
	EXPECT_INT(pxr_write(wr, &rec, &err), 0);

	for (size_t i = 0; i < sizeof(pixels); i++)
		pixels[i] = (unsigned char)(i * 7);
	rec.kind = PXR_KIND_PIXELS;
	rec.index = 8;
	rec.label = 66;
	rec.width = 4;
	rec.height = 3;
	rec.channels = 3;
	rec.orig_width = 500;
	rec.orig_height = 375;
	rec.payload = pixels;
	rec.payload_len = sizeof(pixels);
	EXPECT_INT(pxr_write(wr, &rec, &err), 0);

	rec.index = 9;
	pxr_record_fail(&rec, "Premature end of JPEG file");
	EXPECT_INT(pxr_write(wr, &rec, &err), 0);
	EXPECT_INT(pxr_writer_close(wr, &err), 0);

	end = lseek(fd, 0, SEEK_END);
	buf = malloc((size_t)end);
	pread(fd, buf, (size_t)end, 0);
	close(fd);
	unlink(path);
	*len = (size_t)end;
	return buf;
}

static void
test_round_trip(const unsigned char *buf, size_t len)
{
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	int fd = stream_of(buf, len);

	rd = pxr_reader_fdopen(fd, "rt", &err);
	pxr_record_init(&rec);
	EXPECT_INT(pxr_read(rd, &rec, &err), 1);
	EXPECT_INT(rec.kind, PXR_KIND_ENCODED);
	EXPECT_INT(rec.index, 7);
	EXPECT_INT(rec.label, PXR_LABEL_NONE);
	UNIT_CHECK(strcmp(rec.name, "n01440764/n01440764_10026.JPEG") == 0,
	    "name %s", rec.name);
	EXPECT_INT(rec.payload_len, 4);
	UNIT_CHECK(memcmp(rec.payload, "\xff\xd8\xff\xd9", 4) == 0, "payload");

	EXPECT_INT(pxr_read(rd, &rec, &err), 1);
	EXPECT_INT(rec.kind, PXR_KIND_PIXELS);
	EXPECT_INT(rec.index, 8);
	EXPECT_INT(rec.label, 66);
	EXPECT_INT(rec.width, 4);
	EXPECT_INT(rec.height, 3);
	EXPECT_INT(rec.channels, 3);
	EXPECT_INT(rec.orig_width, 500);
	EXPECT_INT(rec.orig_height, 375);
	UNIT_CHECK(memcmp(rec.payload, pixels, sizeof(pixels)) == 0, "pixels");

	EXPECT_INT(pxr_read(rd, &rec, &err), 1);
	EXPECT_INT(rec.kind, PXR_KIND_FAILURE);
	EXPECT_INT(rec.index, 9);
	EXPECT_INT(rec.label, 66);
	EXPECT_INT(rec.orig_width, 500);
	UNIT_CHECK(rec.payload_len == strlen("Premature end of JPEG file") &&
		memcmp(rec.payload, "Premature end of JPEG file",
		    rec.payload_len) == 0,
	    "failure reason");

	EXPECT_INT(pxr_read(rd, &rec, &err), 0);
	EXPECT_INT(pxr_reader_offset(rd), len);
	pxr_reader_close(rd);
	close(fd);
}

/* Reads buf (len bytes) and expects the first failing read to give code
 * with a message containing what. */
static void
expect_error(const char *label, const unsigned char *buf, size_t len, int code,
    const char *what)
{
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	int fd = stream_of(buf, len), r;

	rd = pxr_reader_fdopen(fd, "bad", &err);
	pxr_record_init(&rec);
	memset(&err, 0, sizeof(err));
	while ((r = pxr_read(rd, &rec, &err)) == 1)
		;
	UNIT_CHECK(r == -1, "%s: read returned %d, not -1", label, r);
	UNIT_CHECK(err.code == code, "%s: code %d, expected %d (%s)", label,
	    err.code, code, err.msg);
	UNIT_CHECK(strstr(err.msg, what) != NULL,
	    "%s: message \"%s\" lacks \"%s\"", label, err.msg, what);
	pxr_reader_close(rd);
	close(fd);
}

/* Offsets of the second record (the pixel one) in the sample stream. */
static size_t
second_record(void)
{
	return 64 + strlen("n01440764/n01440764_10026.JPEG") + 4;
}

/* Rewrites the header CRC of the record at off after a field edit, so the
 * test reaches the field check behind it. */
static void
fix_header_crc(unsigned char *buf, size_t off)
{
	uint32_t name_len = buf[off + 40] | buf[off + 41] << 8 |
	    buf[off + 42] << 16 | (uint32_t)buf[off + 43] << 24;
	uint32_t crc = pxr_crc32c(0, buf + off, 60);

	crc = pxr_crc32c(crc, buf + off + 64, name_len);
	for (int i = 0; i < 4; i++)
		buf[off + 60 + i] = (crc >> (8 * i)) & 0xff;
}

static void
test_corruption(const unsigned char *good, size_t len)
{
	unsigned char *b = malloc(len);
	size_t r2 = second_record();

#define FRESH() memcpy(b, good, len)
	FRESH();
	b[r2 + 1] = 'Y';
	expect_error("bad magic", b, len, PXR_E_MAGIC, "not a pxr stream");

	FRESH();
	b[r2 + 4] = 2;
	expect_error("version", b, len, PXR_E_VERSION,
	    "unknown pxr format version 2");

	FRESH();
	b[r2 + 6] = 9;
	fix_header_crc(b, r2);
	expect_error("kind", b, len, PXR_E_KIND, "unknown record kind 9");

	FRESH();
	b[r2 + 6] = 9; /* without fixing the CRC: the header check sees it */
	expect_error("header crc", b, len, PXR_E_HEADER_CRC,
	    "header checksum mismatch");

	FRESH();
	b[r2 + 55] = 0x40; /* payload length 2^62 */
	fix_header_crc(b, r2);
	expect_error("oversized payload", b, len, PXR_E_FIELD,
	    "exceeds the maximum");

	FRESH();
	b[r2 + 43] = 0x10; /* name length 2^28 */
	expect_error("oversized name", b, len, PXR_E_FIELD,
	    "name length 268435486 exceeds");

	FRESH();
	b[r2 + 24] = 5; /* width 5: 5x3x3 != 36 */
	fix_header_crc(b, r2);
	expect_error("dims", b, len, PXR_E_DIMS, "does not match 5x3x3");

	FRESH();
	b[len - 1] ^= 0x01; /* last byte of the failure's reason */
	expect_error("payload crc", b, len, PXR_E_PAYLOAD_CRC,
	    "payload checksum mismatch");

	FRESH();
	expect_error("truncated header", b, r2 + 30, PXR_E_TRUNCATED,
	    "inside a record header");

	FRESH();
	expect_error("truncated name", b, r2 + 70, PXR_E_TRUNCATED,
	    "inside a record name");

	FRESH();
	expect_error("truncated payload", b, r2 + 64 + 30 + 10, PXR_E_TRUNCATED,
	    "inside the payload (10 of 36 bytes)");

	FRESH();
	expect_error("byte offset named", b, r2 + 30, PXR_E_TRUNCATED,
	    "byte 98:");

	FRESH();
	b[r2 + 1] = 'Y';
	expect_error("garbage", (const unsigned char *)"hello world", 11,
	    PXR_E_MAGIC, "bad magic 68 65 6c 6c");
	free(b);
}

/* Every prefix of a valid stream is either clean (at a boundary) or
 * reported as truncated: never accepted as a shorter stream mid-record. */
static void
test_every_cut(const unsigned char *good, size_t len)
{
	size_t r2 = second_record(), r3 = r2 + 64 + 30 + 36;
	int bad = 0;

	for (size_t cut = 0; cut < len; cut++) {
		struct pxr_reader *rd;
		struct pxr_record rec;
		struct pxr_err err;
		int fd = stream_of(good, cut), r, n = 0;

		rd = pxr_reader_fdopen(fd, "cut", &err);
		while ((r = pxr_read(rd, &rec, &err)) == 1)
			n++;
		if (cut == 0 || cut == r2 || cut == r3) {
			if (r != 0)
				bad++;
		} else if (r != -1 || err.code != PXR_E_TRUNCATED) {
			bad++;
		}
		pxr_reader_close(rd);
		close(fd);
	}
	UNIT_CHECK(bad == 0, "%d cut points misread", bad);
}

static void
test_resync(const unsigned char *good, size_t len)
{
	unsigned char *b = malloc(len);
	struct pxr_reader *rd;
	struct pxr_record rec;
	struct pxr_err err;
	int fd;

	memcpy(b, good, len);
	b[second_record() + 8] ^= 0x01; /* index: header CRC fails */
	fd = stream_of(b, len);
	rd = pxr_reader_fdopen(fd, "resync", &err);
	EXPECT_INT(pxr_read(rd, &rec, &err), 1);
	EXPECT_INT(pxr_read(rd, &rec, &err), -1);
	EXPECT_INT(err.code, PXR_E_HEADER_CRC);
	EXPECT_INT(pxr_reader_resync(rd, &err), 1);
	EXPECT_INT(pxr_read(rd, &rec, &err), 1);
	EXPECT_INT(rec.index, 9);
	EXPECT_INT(pxr_read(rd, &rec, &err), 0);
	pxr_reader_close(rd);
	close(fd);
	free(b);
}

static void
test_writer_rejects(void)
{
	struct pxr_record rec;
	struct pxr_writer *wr;
	struct pxr_err err;
	int fd = open("/dev/null", O_WRONLY);

	wr = pxr_writer_fdopen(fd, "null", PXR_WRITER_FORCE, &err);
	pxr_record_init(&rec);
	rec.kind = PXR_KIND_PIXELS;
	rec.width = 2;
	rec.height = 2;
	rec.channels = 3;
	rec.payload = pixels;
	rec.payload_len = 11;
	EXPECT_INT(pxr_write(wr, &rec, &err), -1);
	EXPECT_INT(err.code, PXR_E_DIMS);
	rec.channels = 2;
	rec.payload_len = 8;
	EXPECT_INT(pxr_write(wr, &rec, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "2 channels");
	pxr_writer_close(wr, &err);
	close(fd);
}

static void
test_crc32c_vectors(void)
{
	unsigned char zeros[32] = { 0 }, ones[32];

	memset(ones, 0xff, sizeof(ones));
	/* RFC 3720 (iSCSI) B.4 test vectors. */
	EXPECT_INT(pxr_crc32c(0, "123456789", 9), 0xE3069283u);
	EXPECT_INT(pxr_crc32c(0, zeros, 32), 0x8A9136AAu);
	EXPECT_INT(pxr_crc32c(0, ones, 32), 0x62A8AB43u);
	/* Incremental use gives the same value as one call. */
	EXPECT_INT(pxr_crc32c(pxr_crc32c(0, "12345", 5), "6789", 4),
	    0xE3069283u);
	EXPECT_INT(pxr_crc32c(0, "", 0), 0);
}

/* A bitwise CRC-32C, slow and obviously right, to check the fast paths
 * (VPCLMULQDQ folding of 256-byte groups from 2 KiB on, where the CPU has
 * it; the three-stripe SSE4.2 one above 12 KiB) at many lengths. */
static uint32_t
crc_bitwise(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n-- > 0) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return ~crc;
}

static void
test_crc32c_long(void)
{
	static const size_t lens[] = { 7, 8, 9, 513, 2047, 2048, 2049, 2303,
		2304, 2305, 4095, 12287, 12288, 12289, 24576, 40000, 65791,
		150528, 150531 };
	size_t max = 150531;
	unsigned char *buf = malloc(max);
	int bad = 0;

	for (size_t i = 0; i < max; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		uint32_t want = crc_bitwise(0, buf + 1, lens[k] - 1);

		if (pxr_crc32c(0, buf + 1, lens[k] - 1) != want)
			bad++;
		/* Split anywhere, the running CRC is the same. */
		if (pxr_crc32c(pxr_crc32c(0, buf + 1, lens[k] / 3),
			buf + 1 + lens[k] / 3,
			lens[k] - 1 - lens[k] / 3) != want)
			bad++;
	}
	UNIT_CHECK(bad == 0, "%d CRC-32C mismatches on long buffers", bad);
	free(buf);
}

int
main(void)
{
	size_t len;
	unsigned char *good;

	test_crc32c_vectors();
	test_crc32c_long();
	good = sample_stream(&len);
	test_round_trip(good, len);
	test_corruption(good, len);
	test_every_cut(good, len);
	test_resync(good, len);
	test_writer_rejects();
	free(good);
	UNIT_DONE();
}
