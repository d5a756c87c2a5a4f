#!/usr/bin/python3
"""The Python peers of pxr for bench/run, and the tensor comparison.

    peers.py run METHOD LIST X [--times FILE]
    peers.py compare N REF NAME=X...

run: every file named in LIST (one path a line, in that order) to the
shortest side 256 (anti-aliased) and the centre 224x224, as uint8 RGB into
X, a raw numpy memmap of N x 224 x 224 x 3 (made anew).  METHOD is one of
pillow, pillow-draft, pillow-timm (BICUBIC: timm's evaluation transform at
crop_pct 0.875), opencv, torchvision, store (the same memmap
written with a constant image: the cost of the store alone), or
numpy-notebook (the seed notebook's resampling in numpy, on Pillow's
decode: its own geometry, not torchvision's); pillow-keep writes each
whole image resized to torchvision's Resize(256) size instead, no crop,
back to back (what pxr-imagenet --keep-ratio --short 256 writes).  One thread in
every library.  --times appends "loop-seconds peak-RSS-KB" to FILE: the
loop, from before the memmap is made to after the last image, without the
interpreter's start and the imports, which bench/run reports apart.

The output size is torchvision's Resize(256): the shorter side 256, the
longer int(256 * long / short), and the crop's corner round((W - 224) / 2),
ties to even, as torchvision's CenterCrop: the reference pxr's exact job
(pxr-decode --like torchvision) equals byte for byte.

compare: prints one tab-separated line per NAME: the % of samples within 1
of REF's, the largest difference, the worst image's PSNR in dB and its index.
Run with Debian's /usr/bin/python3 (python3-pil, python3-opencv,
python3-torchvision, python3-numpy).
"""
import os
import resource
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

SIDE = 224
SHORT = 256


def out_size(w, h):
    if w <= h:
        return SHORT, SHORT * h // w
    return SHORT * w // h, SHORT


def corner(w, h):
    return round((w - SIDE) / 2), round((h - SIDE) / 2)


def jpeg_size(buf):
    """Width and height from a JPEG's SOF marker, or None (PNG, junk)."""
    if buf[:2] != b"\xff\xd8":
        return None
    i = 2
    n = len(buf)
    while i + 9 < n:
        if buf[i] != 0xFF:
            i += 1
            continue
        m = buf[i + 1]
        if m == 0xFF:
            i += 1
            continue
        if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7:
            i += 2
            continue
        seglen = int.from_bytes(buf[i + 2:i + 4], "big")
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            h = int.from_bytes(buf[i + 5:i + 7], "big")
            w = int.from_bytes(buf[i + 7:i + 9], "big")
            return w, h
        i += 2 + seglen
    return None


def pillow():
    from PIL import Image

    def one(path):
        with Image.open(path) as im:
            im = im.convert("RGB")
            ow, oh = out_size(*im.size)
            im = im.resize((ow, oh), Image.BILINEAR)
            x, y = corner(ow, oh)
            im = im.crop((x, y, x + SIDE, y + SIDE))
            return np.asarray(im)
    return one


def pillow_timm():
    """timm's evaluation transform at crop_pct 0.875 with its usual
    interpolation: the short side to floor(224 / 0.875) = 256 and the
    centre 224 x 224, as torchvision's Resize and CenterCrop do them, with
    Pillow's BICUBIC."""
    from PIL import Image

    def one(path):
        with Image.open(path) as im:
            im = im.convert("RGB")
            ow, oh = out_size(*im.size)
            im = im.resize((ow, oh), Image.BICUBIC)
            x, y = corner(ow, oh)
            im = im.crop((x, y, x + SIDE, y + SIDE))
            return np.asarray(im)
    return one


def pillow_keep():
    """The variable-size job's peer: each whole image to torchvision's
    Resize(256) size with Pillow's BILINEAR, no crop (what pxr-imagenet
    --keep-ratio --short 256 writes)."""
    from PIL import Image

    def one(path):
        with Image.open(path) as im:
            im = im.convert("RGB")
            return np.asarray(im.resize(out_size(*im.size), Image.BILINEAR))
    return one


def pillow_draft():
    from PIL import Image

    def one(path):
        with Image.open(path) as im:
            ow, oh = out_size(*im.size)
            if im.format == "JPEG":
                im.draft("RGB", (SHORT, SHORT))
            im = im.convert("RGB")
            im = im.resize((ow, oh), Image.BILINEAR)
            x, y = corner(ow, oh)
            im = im.crop((x, y, x + SIDE, y + SIDE))
            return np.asarray(im)
    return one


def opencv():
    import cv2
    cv2.setNumThreads(1)
    reduced = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
               4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}

    def one(path):
        with open(path, "rb") as f:
            buf = f.read()
        size = jpeg_size(buf)
        flag = cv2.IMREAD_COLOR
        if size is not None:
            w, h = size
            ow, oh = out_size(w, h)
            r = 8
            while r > 1 and -(-min(w, h) // r) < SHORT:
                r //= 2
            flag = reduced[r]
        im = cv2.imdecode(np.frombuffer(buf, np.uint8), flag)
        if im is None:
            raise ValueError(f"{path}: OpenCV cannot decode it")
        if size is None:
            ow, oh = out_size(im.shape[1], im.shape[0])
        im = cv2.cvtColor(im, cv2.COLOR_BGR2RGB)
        im = cv2.resize(im, (ow, oh), interpolation=cv2.INTER_AREA)
        x, y = corner(ow, oh)
        return im[y:y + SIDE, x:x + SIDE]
    return one


def torchvision():
    import torch
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    from PIL import Image
    from torchvision import io
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms import functional as F
    fallbacks = []

    def one(path):
        data = io.read_file(path)
        try:
            t = io.decode_jpeg(data, mode=io.ImageReadMode.RGB)
        except RuntimeError:
            # Not a JPEG (the corpus's PNG), or one decode_jpeg refuses
            # (CMYK, YCCK): Pillow decodes those.
            fallbacks.append(path)
            with Image.open(path) as im:
                t = torch.from_numpy(np.array(im.convert("RGB")))
            t = t.permute(2, 0, 1)
        h, w = t.shape[1:]
        ow, oh = out_size(w, h)
        t = F.resize(t, [oh, ow], InterpolationMode.BILINEAR, antialias=True)
        x, y = corner(ow, oh)
        return t[:, y:y + SIDE, x:x + SIDE].permute(1, 2, 0).numpy()
    one.fallbacks = fallbacks
    return one


def numpy_notebook():
    """The notebook's chain as a straightforward numpy program
    (tests/test_helper/notebook.py: whole arrays, Julia's order), on
    Pillow's decode: the reference for pxr --like notebook's speed."""
    from PIL import Image
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "tests", "test_helper"))
    import notebook

    def one(path):
        with Image.open(path) as im:
            a = np.asarray(im.convert("RGB"))
        return notebook.chain(a, SHORT, SIDE)
    return one


def store():
    img = np.full((SIDE, SIDE, 3), 127, np.uint8)

    def one(path):
        return img
    return one


METHODS = {"pillow": pillow, "pillow-draft": pillow_draft,
           "pillow-timm": pillow_timm, "pillow-keep": pillow_keep,
           "opencv": opencv, "torchvision": torchvision, "store": store,
           "numpy-notebook": numpy_notebook}


def run(method, listfile, xfile, times):
    with open(listfile) as f:
        paths = f.read().split("\n")
    paths = [p for p in paths if p]
    one = METHODS[method]()
    t0 = time.perf_counter()
    if method == "pillow-keep":  # whole images back to back
        with open(xfile, "wb") as x:
            for p in paths:
                x.write(one(p).tobytes())
    else:
        x = np.memmap(xfile, np.uint8, "w+",
                      shape=(len(paths), SIDE, SIDE, 3))
        for i, p in enumerate(paths):
            x[i] = one(p)
        del x
    dt = time.perf_counter() - t0
    fb = getattr(one, "fallbacks", [])
    if fb:
        print(f"peers.py: {method}: {len(fb)} images decoded by the "
              f"fallback: {' '.join(fb[:5])}", file=sys.stderr)
    if times:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(times, "a") as f:
            f.write(f"{dt:.6f} {rss}\n")


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def compare(n, ref, pairs):
    r = np.memmap(ref, np.uint8, "r", shape=(n, SIDE, SIDE, 3))
    for pair in pairs:
        name, path = pair.split("=", 1)
        if os.path.getsize(path) != r.size:
            print(f"{name}\tsize {os.path.getsize(path)} != {r.size}")
            continue
        x = np.memmap(path, np.uint8, "r", shape=(n, SIDE, SIDE, 3))
        within = 0
        worst = (float("inf"), -1)
        maxd = 0
        for i in range(n):
            d = np.abs(x[i].astype(np.int16) - r[i].astype(np.int16))
            within += int(np.count_nonzero(d <= 1))
            maxd = max(maxd, int(d.max()))
            p = psnr(x[i], r[i])
            if p < worst[0]:
                worst = (p, i)
        print(f"{name}\t{100.0 * within / r.size:.2f}\t{maxd}\t"
              f"{worst[0]:.1f}\t{worst[1]}")


def main(argv):
    if len(argv) >= 4 and argv[1] == "run" and argv[2] in METHODS:
        times = None
        if len(argv) == 7 and argv[5] == "--times":
            times = argv[6]
        elif len(argv) != 5:
            sys.exit(__doc__)
        run(argv[2], argv[3], argv[4], times)
    elif len(argv) >= 5 and argv[1] == "compare":
        compare(int(argv[2]), argv[3], argv[4:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
