#!/usr/bin/python3
"""mkcrc32c.py: writes lib/crc32c_tables.c, the constant tables of CRC-32C
(Castagnoli) that lib/crc32c.c and lib/crc32c_fold.c use, so that the
library builds none at run time and holds no state.  Run when a table's
definition changes; crc32c_tables.c is committed.

  python3 lib/mkcrc32c.py > lib/crc32c_tables.c

The tables (lib/crc32c_int.h declares them):
  crc32c_table[k][v]     slice-by-8: the raw (uninverted) state that byte v
                         leaves, followed by k zero bytes
  crc32c_shift[s][k][v]  the raw state v << 8k run through STRIPE (s = 0)
                         or 2 * STRIPE (s = 1) zero bytes, for joining the
                         SSE4.2 code's three chains
  crc32c_fold_keys[i]    x^(8D+63) mod P and x^(8D-1) mod P, bit-reflected
                         in 64 bits, for a move of D = 256, 192, 128, 64,
                         48, 32, 16 bytes by carry-less multiplication
"""

POLY = 0x82F63B78  # reflected
POLY_NORMAL = 0x11EDC6F41  # x^32 + ..., as a 33-bit polynomial
STRIPE = 4096  # lib/crc32c_int.h's CRC32C_STRIPE
FOLD_D = (256, 192, 128, 64, 48, 32, 16)


def byte_step(c):
    """The raw state c through one zero byte."""
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    return c


t0 = []
for n in range(256):
    t0.append(byte_step(n))
table = [t0]
for k in range(1, 8):
    table.append([(p >> 8) ^ t0[p & 0xFF] for p in table[k - 1]])


def zeros(c, n):
    """The raw state c through n zero bytes."""
    for _ in range(n):
        c = (c >> 8) ^ t0[c & 0xFF]
    return c


# Running a state through zero bytes is linear in the state: each table
# entry is the XOR of the images of its bits.
basis = [zeros(1 << i, STRIPE) for i in range(32)]


def through_stripe(c):
    r = 0
    for i in range(32):
        if c >> i & 1:
            r ^= basis[i]
    return r


shift1 = [[through_stripe(v << (8 * k)) for v in range(256)] for k in range(4)]
shift2 = [[through_stripe(x) for x in row] for row in shift1]


def xpow(n):
    """x^n mod P, the coefficient of x^j at bit 63 - j."""
    r = 1
    for _ in range(n):
        r <<= 1
        if r & (1 << 32):
            r ^= POLY_NORMAL
    return sum(1 << (63 - j) for j in range(32) if r >> j & 1)


def rows(values):
    """Six values a line, one tab in: 79 columns."""
    return "\n".join("\t" + " ".join("0x%08x," % v for v in values[i:i + 6])
                     for i in range(0, len(values), 6))


print("""/*
 * crc32c_tables.c: the constant tables of CRC-32C, made by lib/mkcrc32c.py
 * (which says what each holds).  Generated: do not edit.
 */
#include "crc32c_int.h"

/* clang-format off */
const uint32_t crc32c_table[8][256] = {""")
for k in range(8):
    print("\t{ /* %d */" % k)
    print(rows(table[k]))
    print("\t},")
print("};")
print()
print("const uint32_t crc32c_shift[2][4][256] = {")
for s, t in enumerate((shift1, shift2)):
    print("\t{ /* %s */" % ("STRIPE", "2 * STRIPE")[s])
    for k in range(4):
        print("\t\t{ /* byte %d */" % k)
        print(rows(t[k]))
        print("\t\t},")
    print("\t},")
print("};")
print()
print("const uint64_t crc32c_fold_keys[7][2] = {")
for d in FOLD_D:
    print("\t{ 0x%016xu, 0x%016xu }, /* %d bytes */"
          % (xpow(8 * d + 63), xpow(8 * d - 1), d))
print("};")
print("/* clang-format on */")
