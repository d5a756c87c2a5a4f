#!/usr/bin/python3
"""make-sample.py: the small built-in sample `make dataset` runs on, shaped like the
real ILSVRC2012 download.

  make-sample.py OUTDIR [--classes 10] [--train-per-class 16] [--val 60] [--seed 2012]
                 [--no-cmyk]

Writes into OUTDIR:
  ILSVRC2012_img_train.tar   a tar of per-class tars nXXXXXXXX.tar, each holding
                             nXXXXXXXX_<k>.JPEG (as the real 138 GB one does)
  ILSVRC2012_img_val.tar     flat ILSVRC2012_val_%08d.JPEG
  validation_labels.txt      line i = WNID of validation image i
  LOC_synset_mapping.txt     the sample's WNIDs, sorted, with their words

Images are random windows of real photographs that Debian packages ship (scikit-image's
and scikit-learn's sample photos, OpenCV's examples), at ImageNet-like sizes and JPEG
settings, with the quirks of the real set: a few grayscale, progressive and CMYK JPEGs and
one PNG under a .JPEG name.  The CMYK one is a failure under pxr-imagenet's default (the
notebook's loader refused CMYK: a zero image, exit status 1); --no-cmyk makes it a grayscale
JPEG instead, every other byte the same.  Without any of those photographs installed, it falls back to
generated images and says so.  Same seed and packages: same bytes.
"""
import argparse
import glob
import io
import os
import random
import sys
import tarfile

import numpy as np
from PIL import Image

PHOTO_GLOBS = [
    "/usr/lib/python3/dist-packages/skimage/data/astronaut.png",
    "/usr/lib/python3/dist-packages/skimage/data/chelsea.png",
    "/usr/lib/python3/dist-packages/skimage/data/coffee.png",
    "/usr/lib/python3/dist-packages/skimage/data/motorcycle_left.png",
    "/usr/lib/python3/dist-packages/skimage/data/rocket.jpg",
    "/usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg",
    "/usr/lib/python3/dist-packages/sklearn/datasets/images/*.jpg",
    "/usr/share/doc/opencv-doc/examples/data/baboon.jpg",
    "/usr/share/doc/opencv-doc/examples/data/fruits.jpg",
    "/usr/share/doc/opencv-doc/examples/data/building.jpg",
]
TAR_MTIME = 1337817600  # 2012-05-24: fixed, so the tarballs are byte-stable


def synsets(n):
    """n real WNIDs, evenly spread over the 1000 sorted ILSVRC2012 synsets."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "synsets-sample.txt")) as f:
        rows = [l.rstrip("\n").split(" ", 1) for l in f if l.strip()]
    step = max(1, len(rows) // n)
    return sorted(rows[::step][:n])


def photos():
    paths = sorted(p for g in PHOTO_GLOBS for p in glob.glob(g))
    out = []
    for p in paths:
        try:
            out.append(np.asarray(Image.open(p).convert("RGB")))
        except OSError:
            pass
    return out


def generated(rng, w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    f = [rng.uniform(0.005, 0.05) for _ in range(6)]
    img = np.stack([
        127 + 120 * np.sin(x * f[0] + y * f[1]),
        127 + 120 * np.sin(x * f[2] - y * f[3]),
        127 + 120 * np.cos((x + y) * f[4] + f[5] * 50),
    ], axis=-1)
    # rng is a random.Random, which has no arrays: numpy's generator,
    # seeded from it, makes the noise (same seed, same bytes).
    noise = np.random.default_rng(rng.randrange(2**32))
    img += noise.normal(0, 10, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_image(rng, srcs):
    """One ImageNet-like image: mostly 500x375 or 375x500, some small or large."""
    r = rng.random()
    if r < 0.55:
        w, h = 500, 375
    elif r < 0.75:
        w, h = 375, 500
    elif r < 0.85:
        w, h = 500, 333
    elif r < 0.95:
        w, h = rng.choice([(200, 150), (240, 180), (160, 220)])
    else:
        w, h = rng.choice([(1024, 768), (800, 1200)])
    if not srcs:
        return Image.fromarray(generated(rng, w, h), "RGB")
    src = srcs[rng.randrange(len(srcs))]
    sh, sw = src.shape[:2]
    scale = rng.uniform(0.5, 1.0)
    cw = max(16, min(sw, int(sw * scale)))
    ch = max(16, min(sh, int(cw * h / w)))
    x0 = rng.randrange(0, sw - cw + 1)
    y0 = rng.randrange(0, sh - ch + 1)
    win = Image.fromarray(src[y0:y0 + ch, x0:x0 + cw], "RGB")
    if rng.random() < 0.5:
        win = win.transpose(Image.FLIP_LEFT_RIGHT)
    return win.resize((w, h), Image.LANCZOS)


def encode(rng, im, quirk):
    buf = io.BytesIO()
    if quirk == "png":
        im.save(buf, "PNG")
    elif quirk == "cmyk":
        im.convert("CMYK").save(buf, "JPEG", quality=90)
    elif quirk == "gray":
        im.convert("L").save(buf, "JPEG", quality=90)
    else:
        q = rng.choice([96, 96, 96, 90, 85, 75])
        sub = 0 if q == 96 else 2
        im.save(buf, "JPEG", quality=q, subsampling=sub,
                progressive=(quirk == "progressive"))
    return buf.getvalue()


def tar_add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = TAR_MTIME
    info.mode = 0o644
    info.uname = info.gname = "root"
    tar.addfile(info, io.BytesIO(data))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--train-per-class", type=int, default=16)
    ap.add_argument("--val", type=int, default=60)
    ap.add_argument("--seed", type=int, default=2012)
    ap.add_argument("--no-cmyk", action="store_true",
                    help="a grayscale JPEG where the CMYK one would be")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    srcs = photos()
    if not srcs:
        print("make-sample: no Debian sample photographs found; using generated "
              "images (apt-get install python3-skimage for real photos)",
              file=sys.stderr)
    classes = synsets(a.classes)
    os.makedirs(a.outdir, exist_ok=True)
    quirks = {0: "gray" if a.no_cmyk else "cmyk", 1: "png", 2: "gray", 3: "progressive"}

    with tarfile.open(os.path.join(a.outdir, "ILSVRC2012_img_train.tar"), "w",
                      format=tarfile.GNU_FORMAT) as outer:
        for ci, (wnid, _) in enumerate(classes):
            inner = io.BytesIO()
            with tarfile.open(fileobj=inner, mode="w",
                              format=tarfile.GNU_FORMAT) as t:
                for k in range(a.train_per_class):
                    quirk = quirks.get(k) if ci == 0 else None
                    data = encode(rng, make_image(rng, srcs), quirk)
                    tar_add(t, "%s_%d.JPEG" % (wnid, 1000 + k * 37), data)
            tar_add(outer, wnid + ".tar", inner.getvalue())

    labels = [classes[rng.randrange(len(classes))][0] for _ in range(a.val)]
    with tarfile.open(os.path.join(a.outdir, "ILSVRC2012_img_val.tar"), "w",
                      format=tarfile.GNU_FORMAT) as t:
        for i in range(a.val):
            quirk = "gray" if i == 7 else "progressive" if i == 11 else None
            data = encode(rng, make_image(rng, srcs), quirk)
            tar_add(t, "ILSVRC2012_val_%08d.JPEG" % (i + 1), data)
    with open(os.path.join(a.outdir, "validation_labels.txt"), "w") as f:
        f.writelines(l + "\n" for l in labels)
    with open(os.path.join(a.outdir, "LOC_synset_mapping.txt"), "w") as f:
        f.writelines("%s %s\n" % tuple(c) for c in classes)
    print("make-sample: %d classes, %d train and %d val images (%s) in %s" % (
        len(classes), len(classes) * a.train_per_class, a.val,
        "real photographs" if srcs else "generated", a.outdir), file=sys.stderr)


if __name__ == "__main__":
    main()
