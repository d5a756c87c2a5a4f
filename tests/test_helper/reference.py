#!/usr/bin/python3
"""reference.py: what the references make of images, for the tests.

  reference.py torchvision S C OUT.npy FILE...   torchvision 0.14's
        Compose([Resize(S), CenterCrop(C)]) on Image.open(f).convert("RGB")
  reference.py notebook-geometry S C OUT.npy FILE...  the notebook's geometry
        (Metalhead 0.5's resize_smallest_dimension and center_crop,
        re-implemented in Python), pixels by Pillow's BILINEAR
  reference.py squash N FILTER OUT.npy FILE...   im.resize((N, N), FILTER)
  reference.py timm:FILTER P C OUT.npy FILE...   timm's evaluation transform
        (timm 0.9 transforms_imagenet_eval, crop_mode center, img_size C,
        crop_pct P, interpolation FILTER): torchvision's
        Resize(math.floor(C / P), FILTER) and CenterCrop(C)
  reference.py adm N - OUT.npy FILE...   guided-diffusion's center_crop_arr
        (image_datasets.py; EDM2's center-crop-dhariwal): BOX halvings
        while the short side is at least 2N, BICUBIC to round(x * scale)
        each, the window at (H - N) // 2, re-implemented from its source
  reference.py edm N - OUT.npy FILE...   EDM's dataset_tool.py
        center-crop: the largest centred square, rows from (H - S) // 2,
        then LANCZOS to N x N
  reference.py edm-wide WxH - OUT.npy FILE...   EDM's center-crop-wide: the
        rows int(np.round(W * h / w)) about the centre, LANCZOS to W x H, in
        a black W x W canvas at row (W - H) // 2; an image it leaves out
        (narrower than W, or too few rows) is all zeros, as pxr packs a
        failure

Writes an array of shape (len(FILE), H, W, 3), uint8.

  reference.py resize TARGET FILTER STREAM FILE...   im.resize(size, FILTER)
        of each FILE, as RGB, against the pixel records of the pxr stream STREAM, in order; TARGET is
        "short:N" (pxr's default rounding, exact, ties to even),
        "size:WxH", "max:N" (the long side N where it is over N, the
        other rounded exactly, ties to even; a smaller image kept) or
        "ffcv:N" (FFCV 1.0's RGBImageField at max_resolution N:
        ratio = N / max(W, H), and where it is below 1,
        (ratio * (W, H)).astype(int), in numpy's double).  Prints "N/N identical, max D" (a record of another
        size, or missing, is not identical).
  reference.py resize-gray ...   the same, a grey image kept grey (as
        pxr-decode --gray decodes it)
  reference.py ragged TARGET FILTER X FILE...   a variable-size set: X
        and its index X.index (rows of u64 offset, u32 height, u32 width,
        little-endian) against each FILE as RGB resized to TARGET:
        "torchvision:N" (torchvision 0.14's Resize(N) with FILTER, the
        library itself) or a resize TARGET above.  Prints "offsets: prefix
        sums" (or "offsets: WRONG"), then "N/N identical, max D".
"""
import sys
from fractions import Fraction

import numpy as np
from PIL import Image

import pxrstream

FILTERS = {"triangle": Image.BILINEAR, "box": Image.BOX, "lanczos3": Image.LANCZOS,
           "bicubic": Image.BICUBIC, "hamming": Image.HAMMING}


def torchvision(im, s, c):
    from torchvision import transforms
    t = transforms.Compose([transforms.Resize(s), transforms.CenterCrop(c)])
    return np.asarray(t(im))


def timm(im, f, pct, c):
    import math
    from torchvision import transforms
    mode = {"bicubic": transforms.InterpolationMode.BICUBIC,
            "triangle": transforms.InterpolationMode.BILINEAR}[f]
    scale = math.floor(c / pct)
    t = transforms.Compose([transforms.Resize(scale, interpolation=mode),
                            transforms.CenterCrop(c)])
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


def adm(im, n):
    while min(*im.size) >= 2 * n:
        im = im.resize(tuple(x // 2 for x in im.size), resample=Image.BOX)
    scale = n / min(*im.size)
    im = im.resize(tuple(round(x * scale) for x in im.size), resample=Image.BICUBIC)
    a = np.asarray(im)
    y, x = (a.shape[0] - n) // 2, (a.shape[1] - n) // 2
    return a[y:y + n, x:x + n]


def edm(im, n):
    a = np.asarray(im)
    s = min(a.shape[:2])
    a = a[(a.shape[0] - s) // 2:(a.shape[0] + s) // 2, (a.shape[1] - s) // 2:(a.shape[1] + s) // 2]
    return np.asarray(Image.fromarray(a, "RGB").resize((n, n), Image.LANCZOS))


def edm_wide(im, width, height):
    a = np.asarray(im)
    ch = int(np.round(width * a.shape[0] / a.shape[1]))
    if a.shape[1] < width or ch < height:
        return np.zeros([width, width, 3], dtype=np.uint8)
    a = a[(a.shape[0] - ch) // 2:(a.shape[0] + ch) // 2]
    a = np.asarray(Image.fromarray(a, "RGB").resize((width, height), Image.LANCZOS))
    canvas = np.zeros([width, width, 3], dtype=np.uint8)
    canvas[(width - height) // 2:(width + height) // 2, :] = a
    return canvas


def squash(im, n, f):
    return np.asarray(im.resize((n, n), FILTERS[f]))


def target(spec, w, h):
    how, n = spec.split(":")
    if how == "size":
        return tuple(map(int, n.split("x")))
    if how == "ffcv":
        size = np.array([w, h])
        ratio = int(n) / size.max()
        if ratio >= 1:
            return (w, h)
        # A side of 0 (FFCV's cv2.resize refuses it) is 1, as in pxr.
        return tuple(max(1, int(v)) for v in (ratio * size).astype(int))
    if how == "max":
        if max(w, h) <= int(n):
            return (w, h)
        n, long_ = int(n), max(w, h)
        other = max(1, round(Fraction((h if w >= h else w) * n, long_)))
        return (n, other) if w >= h else (other, n)
    n, short = int(n), min(w, h)
    # round() of a Fraction is exact, ties to even; a side is at least 1.
    other = max(1, round(Fraction((h if w <= h else w) * n, short)))
    return (n, other) if w <= h else (other, n)


def records(path):
    """The pixel records of a pxr stream (pxr(5)) as arrays, in order."""
    data, off, out = open(path, "rb").read(), 0, []
    while off < len(data):
        f = pxrstream.HEADER.unpack_from(data, off)
        kind, ch, w, h, nlen, plen = f[2], f[3], f[7], f[8], f[11], f[13]
        if kind == 2:
            p = data[off + 64 + nlen:off + 64 + nlen + plen]
            out.append(np.frombuffer(p, np.uint8).reshape(h, w, ch))
        off += 64 + nlen + plen
    return out


def compare(gray, spec, f, stream, files):
    got, same, worst = records(stream), 0, 0
    for i, name in enumerate(files):
        im = Image.open(name)
        im = im if gray and im.mode == "L" else im.convert("RGB")
        ref = np.asarray(im.resize(target(spec, *im.size), FILTERS[f]))
        ref = ref.reshape(ref.shape[0], ref.shape[1], -1)
        if i >= len(got) or got[i].shape != ref.shape:
            worst = 255
            continue
        d = np.abs(ref.astype(int) - got[i]).max()
        same, worst = same + (d == 0), max(worst, d)
    print("%d/%d identical, max %d" % (same, len(files), worst))


def ragged(spec, f, x, files):
    data = np.fromfile(x, np.uint8)
    idx = np.fromfile(x + ".index", dtype=[("offset", "<u8"),
                                           ("height", "<u4"), ("width", "<u4")])
    sizes = idx["height"].astype(np.uint64) * idx["width"] * 3
    ends = np.cumsum(sizes, dtype=np.uint64)
    sums = len(idx) == len(files) and bool(
        (idx["offset"] == ends - sizes).all()) and (
        len(idx) == 0 or int(ends[-1]) == data.size)
    print("offsets: " + ("prefix sums" if sums else "WRONG"))
    same, worst = 0, 0
    for i, name in enumerate(files):
        im = Image.open(name).convert("RGB")
        if spec.startswith("torchvision:"):
            from torchvision import transforms
            ref = np.asarray(transforms.Resize(
                int(spec[12:]), transforms.InterpolationMode(
                    {"triangle": "bilinear", "lanczos3": "lanczos"}.get(f, f)))(im))
        else:
            ref = np.asarray(im.resize(target(spec, *im.size), FILTERS[f]))
        if i >= len(idx):
            worst = 255
            continue
        o, h, w = (int(v) for v in idx[i])
        if (h, w) != ref.shape[:2]:
            worst = 255
            continue
        got = data[o:o + h * w * 3].reshape(h, w, 3)
        d = np.abs(ref.astype(int) - got).max()
        same, worst = same + (d == 0), max(worst, d)
    print("%d/%d identical, max %d" % (same, len(files), worst))


def main():
    if sys.argv[1] == "ragged":
        ragged(*sys.argv[2:5], sys.argv[5:])
        return
    if sys.argv[1] in ("resize", "resize-gray"):
        compare(sys.argv[1] == "resize-gray", sys.argv[2], sys.argv[3],
                sys.argv[4], sys.argv[5:])
        return
    how, a, b, out = sys.argv[1:5]
    imgs = [Image.open(f).convert("RGB") for f in sys.argv[5:]]
    if how == "torchvision":
        res = [torchvision(im, int(a), int(b)) for im in imgs]
    elif how.startswith("timm:"):
        res = [timm(im, how[5:], float(a), int(b)) for im in imgs]
    elif how == "edm-wide":
        res = [edm_wide(im, *map(int, a.split("x"))) for im in imgs]
    elif how in ("adm", "edm"):
        res = [(adm if how == "adm" else edm)(im, int(a)) for im in imgs]
    elif how == "notebook-geometry":
        res = [notebook(im, int(a), int(b)) for im in imgs]
    else:
        res = [squash(im, int(a), b) for im in imgs]
    np.save(out, np.stack(res))


if __name__ == "__main__":
    main()
