#!/usr/bin/python3
"""mkfont.py: writes lib/font.c, the 6x11 bitmap font of the contact
sheet's captions, from Pillow's built-in bitmap font (ImageFont.load_default
in Pillow 9.4; Pillow's licence, MIT-CMU).  Run once; font.c is committed.

  /usr/bin/python3 lib/mkfont.py > lib/font.c
"""
from PIL import Image, ImageDraw, ImageFont

W, H = 6, 11
font = ImageFont.load_default()
rows = []
for c in range(32, 127):
    im = Image.new("L", (W, H), 0)
    ImageDraw.Draw(im).text((0, 0), chr(c), fill=255, font=font)
    px = im.load()
    bits = [sum(1 << (W - 1 - x) for x in range(W) if px[x, y] > 127) for y in range(H)]
    rows.append((c, bits))
print("""/*
 * font.c: a 6x11 bitmap font of printable ASCII for the contact sheet's
 * captions, made by lib/mkfont.py from Pillow's built-in bitmap font
 * (Pillow's licence, MIT-CMU).  Generated: do not edit.
 */
#include "unpack.h"

/* Row y of character c (32..126): bit 5 is the leftmost pixel. */
/* clang-format off: a row a character, as generated. */
const unsigned char pxr_font6x11[95][11] = {""")
for c, bits in rows:
    print("\t{ %s }, /* %r */" % (", ".join("0x%02x" % b for b in bits), chr(c)))
print("};")
print("/* clang-format on */")
