#!/usr/bin/python3
"""make-corpus.py: the benchmark corpus, real photographs in ImageNet's shape.

  /usr/bin/python3 bench/make-corpus.py OUTDIR [--train 2000] [--val 500] [--seed 2012] [--jobs N]

Every image is a window of a real photograph that a Debian package ships (PHOTOS
below; bench/run installs the packages), resampled to an ImageNet-like size and
encoded with an ImageNet-like mix of JPEG settings.  One seeded random generator
plans everything, so the same seed and package versions give the same bytes
(manifest.tsv holds every file's sha256; the last line printed is a digest of them).

What ImageNet's files are like, and so what this makes (bench/README.md):
  sizes      30% 500x375, 12% 375x500, 12% 500x333, 4% 333x500, 6% 500x500,
             14% other aspects with a long side of 500, 8% 501-1000 px,
             2.5% 1001-2500 px, 11.5% small (long side 100-250, upscaled by
             every pipeline)
  JPEG       60% quality 96 4:4:4 (most of ILSVRC2012's files, by Ehrlich 2021),
             25% 4:2:0 at q75-95, 10% 4:4:4 at q85-100, 5% 4:2:2;
             4% progressive, 30% with optimised Huffman tables, 2% grey
  odd ones   in train: 2 Adobe CMYK, 2 YCCK 4:4:4, 2 YCCK 4:2:0, 1 PNG named .JPEG
             (ILSVRC2012's train set has 22 CMYK/YCCK files and one such PNG)

Writes into OUTDIR (git-ignored as bench/corpus):
  train/<wnid>/<wnid>_<k>.JPEG, val/ILSVRC2012_val_%08d.JPEG
  ILSVRC2012_img_train.tar (a tar of per-class tars), ILSVRC2012_img_val.tar
  synsets.txt (the classes, sorted, with their words), validation_labels.txt,
  LOC_val_solution.csv, manifest.tsv, and .done last.
"""
import argparse
import ctypes
import ctypes.util
import hashlib
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
from multiprocessing import Pool

import numpy as np
from PIL import Image

# Real photographs in Debian packages (package, file name ending).  Renders,
# drawings and gradients that the same packages ship are left out.
PHOTOS = [
    ("python3-skimage", "astronaut.png"), ("python3-skimage", "camera.png"),
    ("python3-skimage", "chelsea.png"), ("python3-skimage", "coffee.png"),
    ("python3-skimage", "coins.png"), ("python3-skimage", "hubble_deep_field.jpg"),
    ("python3-skimage", "ihc.png"), ("python3-skimage", "motorcycle_left.png"),
    ("python3-skimage", "retina.jpg"), ("python3-skimage", "rocket.jpg"),
    ("python3-sklearn", "images/china.jpg"), ("python3-sklearn", "images/flower.jpg"),
    ("opencv-doc", "data/baboon.jpg"), ("opencv-doc", "data/fruits.jpg"),
    ("opencv-doc", "data/building.jpg"), ("opencv-doc", "data/leuvenA.jpg"),
    ("opencv-doc", "data/leuvenB.jpg"), ("opencv-doc", "data/graf1.png"),
    ("opencv-doc", "data/aloeL.jpg"), ("opencv-doc", "data/board.jpg"),
    ("opencv-doc", "data/messi5.jpg"), ("opencv-doc", "data/home.jpg"),
    ("opencv-doc", "data/ela_original.jpg"), ("opencv-doc", "data/aero1.jpg"),
    ("opencv-doc", "data/aero3.jpg"), ("opencv-doc", "data/orange.jpg"),
    ("opencv-doc", "data/apple.jpg"), ("opencv-doc", "data/butterfly.jpg"),
    ("opencv-doc", "data/chicky_512.png"),
    ("lomiri-wallpapers-16.04", "Bridge_by_Sander_Klootwijk.jpg"),
    ("lomiri-wallpapers-16.04", "Dragonfly_by_Bolly.jpg"),
    ("lomiri-wallpapers-16.04", "Picture_0B_by_freespace.jpg"),
    ("lomiri-wallpapers-16.04", "Picture_1A_by_freespace.jpg"),
    ("lomiri-wallpapers-16.04", "Wine_by_Jakkub_Mede.jpg"),
    ("lomiri-wallpapers-16.04", "aitzgorri_by_Aitzol_Berasategi.jpg"),
    ("lomiri-wallpapers-16.04", "analogpattern_by_Peter_Nerlich.jpg"),
    ("lomiri-wallpapers-16.04", "free_by_Peter_Nerlich.jpg"),
    ("lomiri-wallpapers-16.04", "friends_by_Aitzol_Berasategi.jpg"),
    ("lomiri-wallpapers-16.04", "greentock_by_Peter_Nerlich.jpg"),
    ("lomiri-wallpapers-16.04", "life_by_Aitzol_Berasategi.jpg"),
    ("lomiri-wallpapers-16.04", "picosdeeuropa_by_Aitzol_Berasategi.jpg"),
    ("lomiri-wallpapers-16.04", "seeding_by_Clements_Engelhardt.jpg"),
    ("lomiri-wallpapers-16.04", "sunset_by_Aitzol_Berasategi.jpg"),
    ("lomiri-wallpapers-20.04", "Kleiber_by_Lukas_Baubkus.jpg"),
] + [("mate-backgrounds", "nature/%s.jpg" % n) for n in (
    "Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird",
    "RainDrops", "Storm", "TwoWings", "Wood", "YellowFlower")] + [
    ("plasma-workspace-wallpapers", "%s/contents/images/2560x1600.jpg" % n) for n in (
        "BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
        "Kite", "OneStandsOut", "Path", "summer_1am")]
PACKAGES = sorted({p for p, _ in PHOTOS})

# 20 real WNIDs, every 50th of the 1000 sorted ILSVRC2012 synsets.  The photos
# are not of these classes: only the names and labels have ImageNet's shape.
CLASSES = [
    ("n01440764", "tench, Tinca tinca"),
    ("n01698640", "American alligator, Alligator mississipiensis"),
    ("n01860187", "black swan, Cygnus atratus"), ("n02077923", "sea lion"),
    ("n02097474", "Tibetan terrier, chrysanthemum dog"), ("n02110185", "Siberian husky"),
    ("n02165105", "tiger beetle"), ("n02417914", "ibex, Capra ibex"),
    ("n02669723", "academic gown, academic robe, judge's robe"),
    ("n02860847", "bobsled, bobsleigh, bob"), ("n03042490", "cliff dwelling"),
    ("n03297495", "espresso maker"), ("n03532672", "hook, claw"),
    ("n03759954", "microphone, mike"), ("n03887697", "paper towel"),
    ("n04033995", "quilt, comforter, comfort, puff"), ("n04243546", "slot, one-armed bandit"),
    ("n04399382", "teddy, teddy bear"), ("n04562935", "water tower"), ("n07747607", "orange"),
]
ODD_KINDS = ["cmyk"] * 2 + ["ycck444"] * 2 + ["ycck420"] * 2 + ["png"]
MTIME = 1337817600  # 2012-05-24: fixed, so that the tarballs are byte-stable


def installed_photos():
    """(path, (w, h)) of every PHOTOS entry, found through dpkg's file lists."""
    found = []
    for pkg in PACKAGES:
        listing = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True)
        if listing.returncode != 0:
            sys.exit("make-corpus: Debian package %s is not installed" % pkg)
        files = listing.stdout.split("\n")
        for p, tail in PHOTOS:
            if p != pkg:
                continue
            hits = [f for f in files if f.endswith("/" + tail) and os.path.isfile(f)]
            if not hits:
                sys.exit("make-corpus: %s: no %s" % (pkg, tail))
            with Image.open(hits[0]) as im:
                found.append((hits[0], im.size))
    return found


def detail_weight(path):
    """How busy a photo is (ImageNet's photos are busier than wallpapers):
    JPEG bytes per pixel of the whole frame at 500 px and q90, in 1, 2 or 4."""
    with Image.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((500, 500), Image.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=90)
    bpp = len(buf.getvalue()) / (im.size[0] * im.size[1])
    return 1 if bpp <= 0.15 else 2 if bpp <= 0.30 else 4


def imagenet_size(rng):
    r = rng.random()
    for limit, size in ((0.30, (500, 375)), (0.42, (375, 500)), (0.54, (500, 333)),
                        (0.58, (333, 500)), (0.64, (500, 500))):
        if r < limit:
            return size
    if r < 0.78:
        long, short = 500, rng.randint(250, 499)
    elif r < 0.86:
        long = rng.randint(501, 1000)
        short = int(long * rng.uniform(0.55, 1.0))
    elif r < 0.885:
        long = rng.randint(1001, 2500)
        short = int(long * rng.uniform(0.56, 0.80))
    else:
        long = rng.randint(100, 250)
        short = int(long * rng.uniform(0.6, 1.0))
    return (long, short) if rng.random() < 0.7 else (short, long)


def imagenet_jpeg(rng):
    """(quality, subsampling as Pillow numbers it: 0 4:4:4, 1 4:2:2, 2 4:2:0)."""
    r = rng.random()
    if r < 0.60:
        return 96, 0
    if r < 0.85:
        return rng.choice((75, 80, 85, 90, 90, 92, 95)), 2
    if r < 0.95:
        return rng.choice((85, 90, 92, 95, 98, 100)), 0
    return rng.choice((85, 90, 95)), 1


def plan(photos, weights, n_train, n_val, seed):
    rng = random.Random(seed)
    odd = dict(zip(rng.sample(range(n_train), len(ODD_KINDS)), ODD_KINDS))
    names = []
    for c, (wnid, _) in enumerate(CLASSES):
        count = n_train // len(CLASSES) + (c < n_train % len(CLASSES))
        for k in sorted(rng.sample(range(1, 15000), count)):
            names.append(("train", c, "train/%s/%s_%d.JPEG" % (wnid, wnid, k)))
    for i in range(n_val):
        names.append(("val", rng.randrange(len(CLASSES)), "val/ILSVRC2012_val_%08d.JPEG" % (i + 1)))
    items = []
    for i, (split, label, name) in enumerate(names):
        w, h = imagenet_size(rng)
        fits = [s for s, (_, (sw, sh)) in enumerate(photos) if sw >= w and sh >= h]
        while not fits:
            w, h = imagenet_size(rng)
            fits = [s for s, (_, (sw, sh)) in enumerate(photos) if sw >= w and sh >= h]
        src = rng.choices(fits, weights=[weights[s] for s in fits])[0]
        sw, sh = photos[src][1]
        # Mostly much of the frame, scaled down as a camera's photo became a
        # 500 px ImageNet image; sometimes a closer window.
        scale = min(sw / w, sh / h) ** rng.uniform(0.3, 1.0)
        ww, wh = min(sw, max(w, round(w * scale))), min(sh, max(h, round(h * scale)))
        x, y = rng.randint(0, sw - ww), rng.randint(0, sh - wh)
        kind = odd.get(i, "jpeg") if split == "train" else "jpeg"
        if kind == "jpeg" and rng.random() < 0.02:
            kind = "gray"
        quality, sub = imagenet_jpeg(rng)
        items.append(dict(split=split, label=label, name=name, size=(w, h), src=src,
                          box=(x, y, x + ww, y + wh), kind=kind, quality=quality, sub=sub,
                          progressive=rng.random() < 0.04, optimize=rng.random() < 0.3))
    return items


def adobe_cmyk(rgb):
    """RGB to inverted (Adobe) CMYK ink amounts, grey taken into K."""
    a = np.asarray(rgb, dtype=np.float32) / 255.0
    k = 1.0 - a.max(axis=2)
    cmy = (1.0 - a - k[..., None]) / np.maximum(1.0 - k, 1e-6)[..., None]
    return np.round(np.concatenate([cmy, k[..., None]], axis=2) * 255.0).astype(np.uint8)


def turbojpeg_ycck(rgb, quality, subsampling):
    """A YCCK JPEG from libturbojpeg: CMYK input makes libjpeg write YCCK."""
    tj = ctypes.CDLL(ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    tj.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                               ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
                               ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int,
                               ctypes.c_int]
    tj.tjFree.argtypes = [ctypes.c_void_p]
    tj.tjDestroy.argtypes = [ctypes.c_void_p]
    px = np.ascontiguousarray(255 - adobe_cmyk(rgb))  # as Adobe stores it
    h, w = px.shape[:2]
    handle = tj.tjInitCompress()
    out, size = ctypes.c_void_p(), ctypes.c_ulong(0)
    tjpf_cmyk = 11
    tjsamp = {"444": 0, "420": 2}[subsampling]
    if tj.tjCompress2(handle, px.ctypes.data, w, 0, h, tjpf_cmyk, ctypes.byref(out),
                      ctypes.byref(size), tjsamp, quality, 0) != 0:
        raise RuntimeError("tjCompress2 failed")
    data = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(handle)
    return data


def encode(it, im):
    buf = io.BytesIO()
    kind = it["kind"]
    if kind == "png":
        im.save(buf, "PNG")
    elif kind == "cmyk":
        Image.fromarray(adobe_cmyk(im), "CMYK").save(buf, "JPEG", quality=it["quality"])
    elif kind.startswith("ycck"):
        return turbojpeg_ycck(im, it["quality"], kind[4:])
    else:
        if kind == "gray":
            im = im.convert("L")
        im.save(buf, "JPEG", quality=it["quality"], subsampling=it["sub"],
                progressive=it["progressive"], optimize=it["optimize"])
    return buf.getvalue()


def render(job):
    """Every planned image cut from one photo (a photo is decoded once)."""
    path, todo, outdir = job
    with Image.open(path) as s:
        photo = s.convert("RGB")
    done = []
    for i, it in todo:
        im = photo.crop(it["box"])
        if im.size != it["size"]:
            im = im.resize(it["size"], Image.LANCZOS)
        data = encode(it, im)
        with open(os.path.join(outdir, it["name"]), "wb") as f:
            f.write(data)
        done.append((i, len(data), hashlib.sha256(data).hexdigest()))
    return done


def member(name, size):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.mode, ti.uid, ti.gid = size, MTIME, 0o644, 0, 0
    ti.uname = ti.gname = "root"
    return ti


def add_file(tar, path, name):
    with open(path, "rb") as f:
        tar.addfile(member(name, os.path.getsize(path)), f)


def write_tarballs(outdir, items):
    train = sorted(it["name"] for it in items if it["split"] == "train")
    with tarfile.open(os.path.join(outdir, "ILSVRC2012_img_train.tar"), "w",
                      format=tarfile.GNU_FORMAT) as outer:
        for wnid, _ in CLASSES:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as inner:
                for name in train:
                    if name.startswith("train/%s/" % wnid):
                        add_file(inner, os.path.join(outdir, name), os.path.basename(name))
            outer.addfile(member(wnid + ".tar", buf.tell()), io.BytesIO(buf.getvalue()))
    with tarfile.open(os.path.join(outdir, "ILSVRC2012_img_val.tar"), "w",
                      format=tarfile.GNU_FORMAT) as val:
        for it in items:
            if it["split"] == "val":
                add_file(val, os.path.join(outdir, it["name"]), os.path.basename(it["name"]))


def write_labels(outdir, items):
    with open(os.path.join(outdir, "synsets.txt"), "w") as f:
        f.writelines("%s %s\n" % c for c in CLASSES)
    val = [it for it in items if it["split"] == "val"]
    with open(os.path.join(outdir, "validation_labels.txt"), "w") as f:
        f.writelines(CLASSES[it["label"]][0] + "\n" for it in val)
    with open(os.path.join(outdir, "LOC_val_solution.csv"), "w") as f:
        f.write("ImageId,PredictionString\n")
        for it in val:
            w, h = it["size"]
            f.write("%s,%s 0 0 %d %d \n" % (os.path.basename(it["name"])[:-5],
                                            CLASSES[it["label"]][0], w - 1, h - 1))


def write_manifest(outdir, items, photos, results):
    digest = hashlib.sha256()
    subs = {0: "4:4:4", 1: "4:2:2", 2: "4:2:0"}
    with open(os.path.join(outdir, "manifest.tsv"), "w") as f:
        f.write("name\tbytes\twidth\theight\tkind\tquality\tsubsampling\tprogressive\tsource\twindow\tsha256\n")
        for i in sorted(range(len(items)), key=lambda i: items[i]["name"]):
            it = items[i]
            size, sha = results[i]
            sub = {"gray": "-", "png": "-", "cmyk": "4:4:4", "ycck444": "4:4:4",
                   "ycck420": "4:2:0"}.get(it["kind"], subs[it["sub"]])
            f.write("%s\t%d\t%d\t%d\t%s\t%d\t%s\t%d\t%s\t%s\t%s\n" % (
                it["name"], size, it["size"][0], it["size"][1], it["kind"], it["quality"], sub,
                it["progressive"], photos[it["src"]][0], ",".join(map(str, it["box"])), sha))
            digest.update(("%s %s\n" % (it["name"], sha)).encode())
    return digest.hexdigest()


def summary(items, results):
    for split in ("train", "val"):
        sel = [i for i, it in enumerate(items) if it["split"] == split]
        if not sel:
            continue
        kb = [results[i][0] / 1000 for i in sel]
        px = [items[i]["size"][0] * items[i]["size"][1] / 1000 for i in sel]
        kinds = {}
        for i in sel:
            k = items[i]["kind"] + ("+progressive" if items[i]["progressive"] else "")
            kinds[k] = kinds.get(k, 0) + 1
        print("%s: %d images, median %.0f kpx, mean %.1f KB (median %.1f), %.1f MB in all, "
              "short side < 256: %d, long side > 1000: %d; %s" % (
                  split, len(sel), statistics.median(px), statistics.mean(kb),
                  statistics.median(kb), sum(kb) / 1000,
                  sum(min(items[i]["size"]) < 256 for i in sel),
                  sum(max(items[i]["size"]) > 1000 for i in sel),
                  ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--train", type=int, default=2000)
    ap.add_argument("--val", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2012)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if a.train < len(ODD_KINDS) or a.val < 0:
        ap.error("--train wants at least %d images" % len(ODD_KINDS))

    photos = installed_photos()
    with Pool(a.jobs) as pool:
        weights = pool.map(detail_weight, [p for p, _ in photos])
    items = plan(photos, weights, a.train, a.val, a.seed)

    if os.path.exists(os.path.join(a.outdir, ".done")):
        os.unlink(os.path.join(a.outdir, ".done"))
    for sub in ("train", "val"):
        shutil.rmtree(os.path.join(a.outdir, sub), ignore_errors=True)
    for wnid, _ in CLASSES:
        os.makedirs(os.path.join(a.outdir, "train", wnid), exist_ok=True)
    os.makedirs(os.path.join(a.outdir, "val"), exist_ok=True)

    by_photo = {}
    for i, it in enumerate(items):
        by_photo.setdefault(it["src"], []).append((i, it))
    # The largest photos first, so that the workers end together.
    jobs = [(photos[s][0], by_photo[s], a.outdir)
            for s in sorted(by_photo, key=lambda s: -photos[s][1][0] * photos[s][1][1])]
    results = {}
    with Pool(a.jobs) as pool:
        for done in pool.imap_unordered(render, jobs):
            results.update((i, (n, sha)) for i, n, sha in done)

    write_tarballs(a.outdir, items)
    write_labels(a.outdir, items)
    digest = write_manifest(a.outdir, items, photos, results)
    summary(items, results)
    open(os.path.join(a.outdir, ".done"), "w").close()
    print("corpus digest (sha256 of the manifest's names and digests): " + digest)


if __name__ == "__main__":
    main()
