#!/usr/bin/python3
"""Pillow's resize + centre crop on the decoded pixels of a pxr stream: the
peer figure for pxr-resize --short 256 --crop 224 (issue #5).

    bench/resize_pillow.py [--passes N] decoded.pxr

Reads every pixels record (made by pxr-decode), then times, on one thread,
Image.resize((w', h'), BILINEAR) with the shortest side to 256 and the
torchvision centre crop to 224, over all images, the best of N passes (3);
prints "images seconds" and, on stderr, images/s and ns per output pixel.
bench/run calls it.  Run with Debian's /usr/bin/python3.
"""
import struct
import sys
import time

from PIL import Image

HEADER = struct.Struct("<4sHBBQiIIIIIIIQII")  # pxr(5)


def records(path):
    data = open(path, "rb").read()
    off = 0
    while off < len(data):
        f = HEADER.unpack_from(data, off)
        kind, ch, w, h, nlen, plen = f[2], f[3], f[7], f[8], f[11], f[13]
        start = off + 64 + nlen
        if kind == 2 and ch == 3:
            yield Image.frombuffer("RGB", (w, h), data[start:start + plen],
                                   "raw", "RGB", 0, 1)
        off = start + plen


def target(w, h, n=256):
    # pxr-resize's rule: the other side rounded half to even, as Julia's.
    if w <= h:
        return n, round(h * n / w)
    return round(w * n / h), n


def main():
    args = sys.argv[1:]
    passes = 3
    if len(args) == 3 and args[0] == "--passes":
        passes = int(args[1])
        args = args[2:]
    if len(args) != 1 or passes < 1:
        sys.exit("usage: resize_pillow.py [--passes N] decoded.pxr")
    images = list(records(args[0]))
    best = None
    for _ in range(passes):
        t0 = time.perf_counter()
        for im in images:
            w, h = target(*im.size)
            r = im.resize((w, h), Image.BILINEAR)
            left, top = round((w - 224) / 2), round((h - 224) / 2)
            r.crop((left, top, left + 224, top + 224)).tobytes()
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    n = len(images)
    print("%d %.4f" % (n, best))
    print("pillow resize+crop: %d images %.3f s, %.0f images/s, %.2f ns per "
          "output pixel" % (n, best, n / best, best * 1e9 / (n * 224 * 224)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
