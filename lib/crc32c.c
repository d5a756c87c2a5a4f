/*
 * crc32c.c: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of pxr(5).  The SSE4.2 crc32 instruction does 8 bytes a step
 * where the CPU has it (checked once per call through the cpu-features
 * cache of the compiler runtime); elsewhere a slice-by-8 table.  Every
 * table is constant (lib/crc32c_tables.c, made by lib/mkcrc32c.py): the
 * checksum keeps no state, and threads may run it at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crc32c_int.h"
#include "pxr.h"

uint32_t
crc32c_sw(uint32_t crc, const unsigned char *p, size_t len)
{
	const uint32_t(*table)[256] = crc32c_table;

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
#define STRIPE CRC32C_STRIPE

/* shift(x, STRIPE) with t crc32c_shift[0], shift(x, 2*STRIPE) with [1]. */
static uint32_t
shift(const uint32_t t[4][256], uint32_t c)
{
	return t[0][c & 0xff] ^ t[1][(c >> 8) & 0xff] ^ t[2][(c >> 16) & 0xff] ^
	    t[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t
crc32c_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	uint64_t c = crc;

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
		c = shift(crc32c_shift[1], (uint32_t)c) ^
		    shift(crc32c_shift[0], (uint32_t)c1) ^ (uint32_t)c2;
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
