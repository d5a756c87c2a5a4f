#!/usr/bin/python3
"""make-notebook-digests.py: how tests/data/notebook/expected.tsv was made.

  /usr/bin/python3 tests/data/make-notebook-digests.py DJPEG > tests/data/notebook/expected.tsv

DJPEG is the djpeg of IJG libjpeg 9b, built from its release (jpeg-9b,
jpegsrc.v9b.tar.gz, `./configure && make`, outside this repository).  For
each JPEG of notebook/ and photos/, the notebook's decode is `DJPEG -dct
float -pnm`, turned by the file's EXIF orientation (Pillow's
Image.transpose, as ImageOps.exif_transpose maps 2..8) and with grey copied
to three channels: the columns `decoded` (sha256 of the H x W x 3 bytes,
rows first) and its size.  The chain columns are the notebook's X for it,
224 x 224 x 3 (and 64 and 299), computed from that decode by
tests/test_helper/notebook.py, the numpy re-implementation of the Julia
steps; their sha256.  A JPEG the notebook's loader refused (CMYK) says
`refused`; PNG data is left out (it is not a JPEG decode).
"""
import hashlib
import io
import os
import subprocess
import sys

import numpy as np
from PIL import Image

TOP = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(TOP, "..", "test_helper"))
import notebook  # noqa: E402

GEOMETRIES = [(256, 224), (73, 64), (300, 299)]
TURN = {2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
        5: Image.TRANSPOSE, 6: Image.ROTATE_270, 7: Image.TRANSVERSE, 8: Image.ROTATE_90}


def files():
    out = []
    for d in ("notebook", "photos"):
        for root, _, names in os.walk(os.path.join(TOP, d)):
            out += [os.path.relpath(os.path.join(root, n), TOP) for n in names
                    if n.lower().endswith((".jpg", ".jpeg"))]
    return sorted(out)


def main():
    djpeg = sys.argv[1]
    print("file\twidth\theight\tdecoded\t" + "\t".join("x%d_%d" % g for g in GEOMETRIES))
    for f in files():
        path = os.path.join(TOP, f)
        with open(path, "rb") as fh:
            data = fh.read()
        if not data.startswith(b"\xff\xd8"):
            continue
        with Image.open(path) as im:
            mode = im.mode
            orient = im.getexif().get(0x0112, 1)
        if mode == "CMYK":
            print("%s\t\t\trefused\t%s" % (f, "\t".join("refused" for _ in GEOMETRIES)))
            continue
        pnm = subprocess.run([djpeg, "-dct", "float", "-pnm", path], stdout=subprocess.PIPE,
                             check=True).stdout
        im = Image.open(io.BytesIO(pnm))
        im.load()
        if orient in TURN:
            im = im.transpose(TURN[orient])
        a = np.asarray(im)
        if a.ndim == 2:
            a = np.repeat(a[:, :, None], 3, axis=2)
        row = [f, str(a.shape[1]), str(a.shape[0]), hashlib.sha256(a.tobytes()).hexdigest()]
        for n, c in GEOMETRIES:
            row.append(hashlib.sha256(notebook.chain(a, n, c).tobytes()).hexdigest())
        print("\t".join(row))


if __name__ == "__main__":
    main()
