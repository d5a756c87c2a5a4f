#!/usr/bin/python3
"""make-bigtar.py: a large ILSVRC-shaped tar of tars for the index
benchmarks (bench/README.md, "Cold disk"): INNER inner tars nXXXXXXXX.tar of
PER members each, of random sizes around SIZE bytes (random bytes named
.JPEG: the index reads headers only).

  /usr/bin/python3 bench/make-bigtar.py OUT.tar [--inner 100] [--per 1000] [--size 6000]
"""
import argparse
import io
import random
import tarfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--inner", type=int, default=100)
    ap.add_argument("--per", type=int, default=1000)
    ap.add_argument("--size", type=int, default=6000)
    a = ap.parse_args()
    rng = random.Random(1)
    blob = rng.randbytes(4 * a.size)
    with tarfile.open(a.out, "w", format=tarfile.GNU_FORMAT) as outer:
        for c in range(a.inner):
            wnid = "n%08d" % (1440764 + c * 7919)
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as inner:
                for k in range(a.per):
                    n = rng.randint(a.size // 2, a.size * 3 // 2)
                    ti = tarfile.TarInfo("%s_%d.JPEG" % (wnid, k + 1))
                    ti.size, ti.mtime = n, 1337817600
                    off = rng.randrange(len(blob) - n)
                    inner.addfile(ti, io.BytesIO(blob[off:off + n]))
            ti = tarfile.TarInfo(wnid + ".tar")
            ti.size, ti.mtime = buf.tell(), 1337817600
            outer.addfile(ti, io.BytesIO(buf.getvalue()))


if __name__ == "__main__":
    main()
