/*
 * test_crc.c: CRC-32C's known vectors (RFC 3720 B.4) and long buffers
 * against a bitwise CRC, by every code this CPU runs at this PXR_SIMD
 * level (`make unit` runs each level: VPCLMULQDQ folding at 2 and up, the
 * three-stripe crc32 instruction below) and by the table that CPUs
 * without SSE4.2 use; then all of it from several threads at once, which
 * constant tables allow (built with -fsanitize=thread, a table built on
 * first use is reported as a data race).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c_int.h"
#include "pxr.h"
#include "unit.h"

#define THREADS 4

/* Lengths around every path's boundaries: the 8-byte steps, folding's
 * 256-byte groups from 2 KiB on, the crc32 instruction's three stripes of
 * 4 KiB, and a 224x224x3 image. */
static const size_t lens[] = { 1, 7, 8, 9, 513, 2047, 2048, 2049, 2303, 2304,
	2305, 4095, 12287, 12288, 12289, 24576, 40000, 65791, 150528, 150531 };
#define NLENS (sizeof(lens) / sizeof(lens[0]))
#define MAXLEN 150531

static unsigned char buf[MAXLEN + 1];
static uint32_t want[NLENS];

/* A bitwise CRC-32C, slow and obviously right. */
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

/* pxr_crc32c, or the table alone (sw), with its inversions. */
static uint32_t
crc_by(int sw, uint32_t crc, const void *p, size_t n)
{
	return sw ? ~crc32c_sw(~crc, p, n) : pxr_crc32c(crc, p, n);
}

/* The vectors, by pxr_crc32c and by the table; how many are wrong. */
static int
vectors_wrong(void)
{
	unsigned char zeros[32] = { 0 }, ones[32], up[32];
	int wrong = 0;

	memset(ones, 0xff, sizeof(ones));
	for (int i = 0; i < 32; i++)
		up[i] = (unsigned char)i;
	for (int sw = 0; sw < 2; sw++) {
		wrong += crc_by(sw, 0, zeros, 32) != 0x8A9136AAu;
		wrong += crc_by(sw, 0, ones, 32) != 0x62A8AB43u;
		wrong += crc_by(sw, 0, up, 32) != 0x46DD794Eu;
		wrong += crc_by(sw, 0, "123456789", 9) != 0xE3069283u;
		wrong += crc_by(sw, crc_by(sw, 0, "12345", 5), "6789", 4) !=
		    0xE3069283u;
		wrong += crc_by(sw, 0, "", 0) != 0;
	}
	return wrong;
}

/* Every length from an odd address, whole and split in two, by
 * pxr_crc32c and by the table; how many are wrong. */
static int
long_wrong(void)
{
	int wrong = 0;

	for (int sw = 0; sw < 2; sw++)
		for (size_t k = 0; k < NLENS; k++) {
			size_t n = lens[k], cut = n / 3;

			wrong += crc_by(sw, 0, buf + 1, n) != want[k];
			wrong += crc_by(sw, crc_by(sw, 0, buf + 1, cut),
				     buf + 1 + cut, n - cut) != want[k];
		}
	return wrong;
}

static void
test_vectors(void)
{
	EXPECT_INT(vectors_wrong(), 0);
	/* Each vector by name, for the message should one fail. */
	EXPECT_INT(pxr_crc32c(0, "123456789", 9), 0xE3069283u);
	EXPECT_INT(~crc32c_sw(~0u, (const unsigned char *)"123456789", 9),
	    0xE3069283u);
	EXPECT_INT(long_wrong(), 0);
}

struct worker {
	pthread_barrier_t *start;
	int wrong;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	/* All at once: no thread's first call comes before another's. */
	pthread_barrier_wait(w->start);
	for (int round = 0; round < 3; round++)
		w->wrong += vectors_wrong() + long_wrong();
	return NULL;
}

static void
test_threads(void)
{
	pthread_barrier_t start;
	pthread_t t[THREADS];
	struct worker w[THREADS];
	int started = 0, wrong = 0;

	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ &start, 0 };
		if (pthread_create(&t[i], NULL, worker_main, &w[i]) != 0) {
			perror("pthread_create");
			exit(2);
		}
		started++;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		wrong += w[i].wrong;
	}
	pthread_barrier_destroy(&start);
	EXPECT_INT(wrong, 0);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	for (size_t k = 0; k < NLENS; k++)
		want[k] = crc_bitwise(0, buf + 1, lens[k]);
	/* The vector level is found once (util.c), here before the threads:
	 * they test the CRC's code alone.  Their calls are the first of the
	 * process, as a table built on first use would need. */
	(void)pxr_simd_level();
	test_threads();
	test_vectors();
	UNIT_DONE();
}
