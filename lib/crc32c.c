/*
 * crc32c.c: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of pxr(5).  The SSE4.2 crc32 instruction does 8 bytes a step
 * where the CPU has it (checked once per call through the cpu-features
 * cache of the compiler runtime); elsewhere a slice-by-8 table.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pxr.h"

#define POLY 0x82F63B78u

/* Built on first use, idempotent (a race rebuilds the same values): with
 * the shift tables below and the CPU's vector level (util.c), the only
 * statics of lib that are not constant. */
static uint32_t table[8][256];
static int table_ready;

static void
make_table(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
		table[0][n] = c;
	}
	for (uint32_t n = 0; n < 256; n++)
		for (int k = 1; k < 8; k++)
			table[k][n] = (table[k - 1][n] >> 8) ^
			    table[0][table[k - 1][n] & 0xff];
	table_ready = 1;
}

static uint32_t
crc32c_sw(uint32_t crc, const unsigned char *p, size_t len)
{
	if (!table_ready)
		make_table();
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		/* Little-endian machines only (pxr targets x86-64 and arm64
		 * LE). */
		w ^= crc;
		crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^
		    table[5][(w >> 16) & 0xff] ^ table[4][(w >> 24) & 0xff] ^
		    table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
		    table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
	return crc;
}

#if defined(__x86_64__)
/*
 * One crc32q has a latency of 3 cycles and a throughput of 1: a single
 * chain runs at a third of the instruction's speed.  Long buffers are
 * therefore cut into three blocks of STRIPE bytes whose CRCs run as three
 * independent chains, then combined: for raw (uninverted) states,
 * crc(A||B||C) = shift(crc(A), 2*STRIPE) ^ shift(crc(B), STRIPE) ^ crc(C),
 * where shift(x, n) runs x through n zero bytes; shift is linear in x, so
 * it is a table lookup per byte of x.
 */
#define STRIPE 4096

static uint32_t shift1[4][256], shift2[4][256]; /* by STRIPE, 2*STRIPE */
static int shift_ready;

__attribute__((target("sse4.2"))) static uint32_t
zeros_hw(uint32_t c, size_t n)
{
	uint64_t c64 = c;

	for (size_t i = 0; i < n; i += 8)
		c64 = __builtin_ia32_crc32di(c64, 0);
	return (uint32_t)c64;
}

static void
make_shift_tables(void)
{
	for (int k = 0; k < 4; k++)
		for (uint32_t v = 0; v < 256; v++) {
			shift1[k][v] = zeros_hw(v << (8 * k), STRIPE);
			shift2[k][v] = zeros_hw(shift1[k][v], STRIPE);
		}
	shift_ready = 1;
}

static uint32_t
shift(uint32_t t[4][256], uint32_t c)
{
	return t[0][c & 0xff] ^ t[1][(c >> 8) & 0xff] ^ t[2][(c >> 16) & 0xff] ^
	    t[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t
crc32c_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	uint64_t c = crc;

	if (len >= 3 * STRIPE && !shift_ready)
		make_shift_tables();
	while (len >= 3 * STRIPE) {
		uint64_t c1 = 0, c2 = 0;

		for (size_t i = 0; i < STRIPE; i += 8) {
			uint64_t w0, w1, w2;

			memcpy(&w0, p + i, 8);
			memcpy(&w1, p + STRIPE + i, 8);
			memcpy(&w2, p + 2 * STRIPE + i, 8);
			c = __builtin_ia32_crc32di(c, w0);
			c1 = __builtin_ia32_crc32di(c1, w1);
			c2 = __builtin_ia32_crc32di(c2, w2);
		}
		c = shift(shift2, (uint32_t)c) ^ shift(shift1, (uint32_t)c1) ^
		    (uint32_t)c2;
		p += 3 * STRIPE;
		len -= 3 * STRIPE;
	}
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
		p += 8;
		len -= 8;
	}
	crc = (uint32_t)c;
	while (len-- > 0)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}
#endif

/* Folding pays from a few KiB on (its set-up and end cost about as much
 * as 1 KiB of crc32 instructions). */
#define FOLD_MIN 2048

uint32_t
pxr_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	crc = ~crc;
#if defined(__x86_64__)
	if (len >= FOLD_MIN && pxr_simd_level() >= PXR_SIMD_AVX512 &&
	    __builtin_cpu_supports("vpclmulqdq") &&
	    __builtin_cpu_supports("sse4.2")) {
		size_t done;

		crc = pxr_crc32c_fold(crc, p, len, &done);
		p += done;
		len -= done;
	}
	if (__builtin_cpu_supports("sse4.2"))
		return ~crc32c_hw(crc, p, len);
#endif
	return ~crc32c_sw(crc, p, len);
}
