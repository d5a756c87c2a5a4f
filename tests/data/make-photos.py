#!/usr/bin/python3
"""make-photos.py: how tests/data/photos/ was made (run once; the files are committed).

  /usr/bin/python3 tests/data/make-photos.py OUTDIR

Windows of public-domain and CC0 photographs that Debian's python3-skimage ships
(see README.md for each photograph's origin and licence), cut to ImageNet-like sizes
and saved with the JPEG settings ImageNet's own files use, laid out as an extracted
ILSVRC2012 training tree: train/<wnid>/<wnid>_<k>.JPEG.  The WNIDs are real ILSVRC2012
synsets chosen loosely after the subject; only the names follow ImageNet's shape.

The committed files, not this script, are the reference: another Pillow or
libjpeg-turbo may encode other bytes.
"""
import io
import os
import sys

import numpy as np
from PIL import Image

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"

# name, source photo, window (left, top, right, bottom) or None for all of it,
# size after resampling (Lanczos) or None, and how it is saved.
PHOTOS = [
    ("n02123045/n02123045_1.JPEG", "chelsea.png", None, None, dict(quality=96, subsampling=0)),
    ("n02123045/n02123045_2.JPEG", "chelsea.png", (40, 10, 420, 290), (375, 276),
     dict(quality=90, subsampling=2)),
    ("n02123045/n02123045_3.JPEG", "chelsea.png", (0, 0, 451, 300), (500, 333), dict(cmyk=True, quality=92)),
    ("n03063599/n03063599_1.JPEG", "coffee.png", None, (500, 333), dict(quality=96, subsampling=0)),
    ("n03063599/n03063599_2.JPEG", "coffee.png", (150, 0, 450, 400), (300, 400),
     dict(quality=85, subsampling=2, progressive=True)),
    ("n03063599/n03063599_3.JPEG", "coffee.png", (100, 50, 420, 290), (320, 240), dict(png=True)),
    ("n04008634/n04008634_1.JPEG", "rocket.jpg", None, None, dict(quality=92, subsampling=2)),
    ("n04008634/n04008634_2.JPEG", "rocket.jpg", (100, 27, 600, 402), (500, 375),
     dict(quality=95, subsampling=1)),
    ("n04008634/n04008634_3.JPEG", "rocket.jpg", (200, 100, 457, 299), None,
     dict(quality=80, subsampling=2)),
    ("n04350905/n04350905_1.JPEG", "astronaut.png", (0, 50, 512, 434), (500, 375),
     dict(quality=96, subsampling=0)),
    ("n04350905/n04350905_2.JPEG", "astronaut.png", (60, 0, 444, 512), (375, 500),
     dict(quality=96, subsampling=0, progressive=True)),
    ("n04350905/n04350905_3.JPEG", "camera.png", (0, 64, 512, 448), (500, 375), dict(gray=True, quality=96)),
    ("n03956157/n03956157_1.JPEG", "hubble_deep_field.jpg", None, None, dict(quality=90, subsampling=2)),
    ("n03956157/n03956157_2.JPEG", "hubble_deep_field.jpg", (300, 300, 540, 480), (180, 135),
     dict(quality=90, subsampling=2)),
    ("n03956157/n03956157_3.JPEG", "coins.png", None, None, dict(gray=True, quality=92)),
]


def cmyk_adobe(rgb):
    """RGB to the ink amounts Pillow writes (inverted, Adobe style), grey in K."""
    a = np.asarray(rgb, dtype=np.float32) / 255.0
    k = 1.0 - a.max(axis=2)
    cmy = (1.0 - a - k[..., None]) / np.maximum(1.0 - k, 1e-6)[..., None]
    ink = np.concatenate([cmy, k[..., None]], axis=2)
    return Image.fromarray(np.round(ink * 255.0).astype(np.uint8), "CMYK")


def save(im, how):
    buf = io.BytesIO()
    how = dict(how)
    if how.pop("png", False):
        im.save(buf, "PNG")
    elif how.pop("cmyk", False):
        cmyk_adobe(im).save(buf, "JPEG", **how)
    else:
        if how.pop("gray", False):
            im = im.convert("L")
        im.save(buf, "JPEG", **how)
    return buf.getvalue()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n")[2].strip())
    out = sys.argv[1]
    for name, src, box, size, how in PHOTOS:
        with Image.open(os.path.join(SKIMAGE, src)) as s:
            im = s.convert("RGB")
        if box:
            im = im.crop(box)
        if size and im.size != size:
            im = im.resize(size, Image.LANCZOS)
        path = os.path.join(out, "train", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(save(im, how))


if __name__ == "__main__":
    main()
