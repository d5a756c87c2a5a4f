#!/usr/bin/python3
"""reference.py: what the references make of images, for the tests.

  reference.py torchvision S C OUT.npy FILE...   torchvision 0.14's
        Compose([Resize(S), CenterCrop(C)]) on Image.open(f).convert("RGB")
  reference.py notebook-geometry S C OUT.npy FILE...  the notebook's geometry
        (Metalhead 0.5's resize_smallest_dimension and center_crop,
        re-implemented in Python), pixels by Pillow's BILINEAR
  reference.py squash N FILTER OUT.npy FILE...   im.resize((N, N), FILTER)

Writes an array of shape (len(FILE), H, W, 3), uint8.
"""
import sys

import numpy as np
from PIL import Image

FILTERS = {"triangle": Image.BILINEAR, "box": Image.BOX, "lanczos3": Image.LANCZOS}


def torchvision(im, s, c):
    from torchvision import transforms
    t = transforms.Compose([transforms.Resize(s), transforms.CenterCrop(c)])
    return np.asarray(t(im))


def notebook(im, s, c):
    # size(im) in Julia is (height, width).
    h, w = im.size[1], im.size[0]
    factor = s / min(h, w)
    nh, nw = round(h * factor), round(w * factor)  # Python's round: ties to even, as Julia's
    im = im.resize((nw, nh), Image.BILINEAR)
    l2, adjust = c // 2, 1 if c % 2 == 0 else 0
    a = np.asarray(im)
    r0, c0 = nh // 2 - l2, nw // 2 - l2  # 1-based starts
    return a[r0 - 1:nh // 2 + l2 - adjust, c0 - 1:nw // 2 + l2 - adjust]


def squash(im, n, f):
    return np.asarray(im.resize((n, n), FILTERS[f]))


def main():
    how, a, b, out = sys.argv[1:5]
    imgs = [Image.open(f).convert("RGB") for f in sys.argv[5:]]
    if how == "torchvision":
        res = [torchvision(im, int(a), int(b)) for im in imgs]
    elif how == "notebook-geometry":
        res = [notebook(im, int(a), int(b)) for im in imgs]
    else:
        res = [squash(im, int(a), b) for im in imgs]
    np.save(out, np.stack(res))


if __name__ == "__main__":
    main()
