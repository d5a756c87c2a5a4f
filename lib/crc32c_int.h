/*
 * crc32c_int.h: what the parts of CRC-32C share (lib/crc32c*.c):
 *   crc32c.c         the checksum: the crc32 instruction, else a table
 *   crc32c_fold.c    long buffers by carry-less multiplication
 *   crc32c_tables.c  their constant tables, made by lib/mkcrc32c.py
 */
#ifndef PXR_CRC32C_INT_H
#define PXR_CRC32C_INT_H

#include <stddef.h>
#include <stdint.h>

/* The bytes of each of the three chains the SSE4.2 code runs at once
 * (crc32c.c); crc32c_shift is made for it (mkcrc32c.py's STRIPE). */
#define CRC32C_STRIPE 4096

/* Slice-by-8: [k][v] is the raw state that byte v leaves, followed by k
 * zero bytes. */
extern const uint32_t crc32c_table[8][256];
/* [s][k][v]: the raw state v << 8k run through CRC32C_STRIPE (s = 0) or
 * 2 * CRC32C_STRIPE (s = 1) zero bytes. */
extern const uint32_t crc32c_shift[2][4][256];
/* The two constants that move a 16-byte block D bytes on, low half first,
 * for D = 256, 192, 128, 64, 48, 32 and 16 (crc32c_fold.c). */
extern const uint64_t crc32c_fold_keys[7][2];

/* The raw (uninverted) state after p[0..len) by the table, as pxr_crc32c
 * runs it where the CPU lacks SSE4.2; for the tests to check it on every
 * CPU. */
uint32_t crc32c_sw(uint32_t state, const unsigned char *p, size_t len);

#endif
