#!/usr/bin/python3
"""make-notebook.py: how tests/data/notebook/ was made (run once; the files are committed).

  /usr/bin/python3 tests/data/make-notebook.py OUTDIR

JPEGs of ImageNet-like photographs in every form the notebook's decode and
resampling treat differently: 4:4:4, 4:2:0, 4:2:2, 4:4:0 and 4:1:1 sampling,
grey, progressive, arithmetic-coded, with restart markers, EXIF orientations 1
to 8, and short sides that take each path of the chain (under 256: bilinear
only; exactly 256: a copy; 257: the 5-tap Gaussian with the clamped bilinear;
303 to 341: 5 taps; 342 to 512: 9 taps; over 512: restrict once, with odd and
even sides; over 1024: restrict twice), landscape and portrait; and a CMYK
JPEG, which the notebook's loader refused.  Cut from the photographs Debian's
python3-skimage ships (public domain and CC0, see README.md), saved with
Pillow or, for the samplings and codings Pillow does not write, with
libjpeg-turbo's cjpeg (Debian's libjpeg-turbo-progs).

The committed files, not this script, are the reference: another Pillow or
libjpeg-turbo may encode other bytes.
"""
import io
import os
import subprocess
import sys

from PIL import Image

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"

# name, source photo, window (left, top, right, bottom) or None, size after
# resampling (Lanczos) or None, and how it is saved: Pillow's keywords, or
# cjpeg=[arguments], exif=orientation, gray, cmyk.
FILES = [
    ("444-500x375.jpg", "astronaut.png", (0, 60, 512, 444), (500, 375), dict(quality=90, subsampling=0)),
    ("420-500x333.jpg", "coffee.png", None, (500, 333), dict(quality=85, subsampling=2)),
    ("422-375x500.jpg", "motorcycle_left.png", (120, 0, 495, 500), None, dict(quality=90, subsampling=1)),
    ("440-400x300.jpg", "chelsea.png", (20, 0, 420, 300), None, dict(cjpeg=["-quality", "88", "-sample", "1x2"])),
    ("411-480x360.jpg", "rocket.jpg", (80, 30, 560, 390), None, dict(cjpeg=["-quality", "85", "-sample", "4x1"])),
    ("gray-384x303.jpg", "coins.png", None, None, dict(gray=True, quality=90)),
    ("prog-420-640x427.jpg", "rocket.jpg", None, None, dict(quality=85, subsampling=2, progressive=True)),
    ("prog-gray-512x512.jpg", "camera.png", None, None, dict(gray=True, quality=85, progressive=True)),
    ("arith-420-400x300.jpg", "coffee.png", (100, 50, 500, 350), None,
     dict(cjpeg=["-quality", "85", "-sample", "2x2", "-arithmetic"])),
    ("restart-420-451x300.jpg", "chelsea.png", None, None,
     dict(cjpeg=["-quality", "80", "-sample", "2x2", "-restart", "2"])),
    ("small-200x150.jpg", "chelsea.png", (0, 0, 451, 338), (200, 150), dict(quality=90, subsampling=2)),
    ("exact-320x256.jpg", "coffee.png", (0, 0, 500, 400), (320, 256), dict(quality=90, subsampling=2)),
    ("clamp-257x341.jpg", "astronaut.png", (100, 0, 486, 512), (257, 341), dict(quality=90, subsampling=2)),
    ("taps5-341x455.jpg", "motorcycle_right.png", (200, 0, 575, 500), (341, 455), dict(quality=88, subsampling=0)),
    ("taps9-342x456.jpg", "motorcycle_right.png", (200, 0, 575, 500), (342, 456), dict(quality=88, subsampling=2)),
    ("restrict-1000x872.jpg", "hubble_deep_field.jpg", None, None, dict(quality=75, subsampling=2)),
    ("restrict-odd-1025x777.jpg", "retina.jpg", (200, 300, 1225, 1077), None, dict(quality=70, subsampling=2)),
    ("restrict2-1100x1040.jpg", "retina.jpg", (150, 200, 1250, 1240), None,
     dict(quality=70, subsampling=2, progressive=True)),
    ("cmyk-160x120.jpg", "chelsea.png", (0, 0, 451, 338), (160, 120), dict(cmyk=True, quality=85)),
] + [
    ("exif%d-400x300.jpg" % k, "chelsea.png", (30, 0, 430, 300), None, dict(quality=85, subsampling=2, exif=k))
    for k in range(1, 9)
]


def save(im, how):
    how = dict(how)
    buf = io.BytesIO()
    if "cjpeg" in how:
        ppm = io.BytesIO()
        im.save(ppm, "PPM")
        return subprocess.run(["cjpeg"] + how["cjpeg"], input=ppm.getvalue(),
                              stdout=subprocess.PIPE, check=True).stdout
    if how.pop("gray", False):
        im = im.convert("L")
    if how.pop("cmyk", False):
        im = im.convert("CMYK")
    k = how.pop("exif", None)
    if k is not None:
        exif = Image.Exif()
        exif[0x0112] = k
        how["exif"] = exif.tobytes()
    im.save(buf, "JPEG", **how)
    return buf.getvalue()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n")[2].strip())
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, src, box, size, how in FILES:
        with Image.open(os.path.join(SKIMAGE, src)) as s:
            im = s.convert("RGB")
        if box:
            im = im.crop(box)
        if size and im.size != size:
            im = im.resize(size, Image.LANCZOS)
        with open(os.path.join(out, name), "wb") as f:
            f.write(save(im, how))


if __name__ == "__main__":
    main()
