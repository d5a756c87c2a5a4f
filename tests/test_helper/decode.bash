# decode.bash: fixture makers and checkers for tests/pxr-decode.bats.

# encstream FILE... > stream: one ENCODED record per file, index 0.., named
# by the path as given, made by the independent writer.
encstream() {
	local i=0 f
	for f in "$@"; do
		"$PY" -c 'import json, sys; print(json.dumps({"kind": "encoded",
		    "index": int(sys.argv[1]), "label": int(sys.argv[1]) + 100,
		    "name": sys.argv[2], "payload_file": sys.argv[2]}))' "$i" "$f"
		i=$((i + 1))
	done | mkstream
}

# mkpngraw W H FILE COLOR_TYPE DEPTH INTERLACE: a PNG written by a tiny
# encoder here (not Pillow), so 16-bit colour and Adam7 interlacing can be
# tested; FILE.npy holds the expected 8-bit RGB (or gray) pixels: the high
# byte of 16-bit samples, palette looked up, alpha dropped.
mkpngraw() {
	"$PY" - "$@" <<'PYEOF'
import struct, sys, zlib
import numpy as np
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctype, depth, inter = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
nch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
rng = np.random.default_rng(w * 31 + h + ctype)
maxv = (1 << depth) - 1
if ctype == 3:
    pal = rng.integers(0, 256, size=(1 << depth, 3), dtype=np.uint8)
    samples = rng.integers(0, 1 << depth, size=(h, w, 1))
else:
    y, x = np.mgrid[0:h, 0:w]
    base = [(x * maxv // max(w - 1, 1)), (y * maxv // max(h - 1, 1)),
            ((x * 7 + y * 13) * (maxv // 255 + 1)) % (maxv + 1),
            (x * 3 + 1) % (maxv + 1)]
    samples = np.stack(base[:nch], axis=-1).astype(np.int64)
def rows_bytes(s):
    out = b""
    for row in s:
        flat = row.reshape(-1)
        if depth == 16:
            data = b"".join(struct.pack(">H", int(v)) for v in flat)
        elif depth == 8:
            data = bytes(int(v) for v in flat)
        else:
            bits = "".join(format(int(v), "0%db" % depth) for v in flat)
            bits += "0" * (-len(bits) % 8)
            data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
        out += b"\0" + data
    return out
if inter:
    raw = b""
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8),
                           (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                           (0, 1, 1, 2)]:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] and sub.shape[1]:
            raw += rows_bytes(sub)
else:
    raw = rows_bytes(samples)
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, inter))
if ctype == 3:
    png += chunk(b"PLTE", pal.tobytes())
    png += chunk(b"tRNS", bytes([0, 128]))
png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
if ctype == 3:
    exp = pal[samples[..., 0]]
else:
    s = samples[..., :3 if nch >= 3 else 1]
    if depth == 16:
        s = s >> 8
    elif depth < 8:
        s = s * 255 // maxv
    exp = s.astype(np.uint8)
np.save(path + ".npy", exp)
PYEOF
}

# pxcompare STREAM [MODE]: compares every pixel record of STREAM with the
# image file its name points to, as decoded by Pillow (or with the .npy
# beside it, when there is one); MODE "scaled" lets Pillow decode at the
# record's size with draft(), libjpeg's DCT scaling; MODE "exif" applies
# ImageOps.exif_transpose().  Prints one line per
# record "name WxHxC maxdiff=N" and exits 1 when any pixel differs by more
# than the tolerance, $TOL (default 0: exact).
pxcompare() {
	"$PY" - "$@" <<'PYEOF'
import io, os, struct, subprocess, sys
import numpy as np
from PIL import Image
H = struct.Struct("<4sHBBQiIIIIIIIQII")
data = open(sys.argv[1], "rb").read()
scaled = len(sys.argv) > 2 and sys.argv[2] == "scaled"
exif = len(sys.argv) > 2 and sys.argv[2] == "exif"
tol = int(os.environ.get("TOL", "0"))
off, bad = 0, 0
while off < len(data):
    (_m, _v, kind, ch, index, label, flags, w, h, ow, oh, nlen, _r, plen,
     _pc, _hc) = H.unpack_from(data, off)
    name = data[off + 64:off + 64 + nlen].decode()
    pay = data[off + 64 + nlen:off + 64 + nlen + plen]
    off += 64 + nlen + plen
    if kind != 2:
        continue
    got = np.frombuffer(pay, np.uint8).reshape(h, w, ch)
    if os.path.exists(name + ".npy"):
        ref = np.load(name + ".npy")
        if ref.shape[2] == 1 and ch == 3:
            ref = np.repeat(ref, 3, axis=2)
    else:
        try:
            im = Image.open(name)
            if scaled:
                # The reduction libjpeg used (output = ceil(size / k)),
                # asked of draft() as a floor, as Pillow computes it.
                k = [k for k in (1, 2, 4, 8) if -(-ow // k) == w and
                     -(-oh // k) == h][0]
                im.draft(im.mode, (ow // k, oh // k))
            im.load()
        except Exception:
            # Pillow refuses some files libjpeg reads cleanly: use djpeg.
            im = Image.open(io.BytesIO(subprocess.run(["djpeg", "-pnm", name],
                capture_output=True).stdout))
        if exif:
            from PIL import ImageOps
            im = ImageOps.exif_transpose(im)
        mode = "L" if ch == 1 else "RGB"
        if im.mode in ("I;16", "I;16B", "I"):
            ref = (np.asarray(im).astype(np.int64) >> 8).astype(np.uint8)
            ref = ref[..., None].repeat(ch, axis=2)
        else:
            ref = np.asarray(im.convert(mode)).reshape(im.size[1], im.size[0], ch)
    if ref.shape != got.shape:
        print("%s: shape %s, expected %s" % (name, got.shape, ref.shape))
        bad += 1
        continue
    d = int(np.abs(ref.astype(int) - got.astype(int)).max()) if got.size else 0
    print("%s %dx%dx%d maxdiff=%d" % (name, w, h, ch, d))
    bad += d > tol
sys.exit(1 if bad else 0)
PYEOF
}

# pxfields STREAM: one line per record: "index kind WxHxC origWxorigH label
# flags name", from the headers (no payload checks; pxr-cat does those).
pxfields() {
	"$PY" - "$@" <<'PYEOF'
import struct, sys
H = struct.Struct("<4sHBBQiIIIIIIIQII")
data = open(sys.argv[1], "rb").read()
off = 0
while off < len(data):
    (_m, _v, kind, ch, index, label, flags, w, h, ow, oh, nlen, _r, plen,
     _pc, _hc) = H.unpack_from(data, off)
    name = data[off + 64:off + 64 + nlen].decode()
    kn = {1: "encoded", 2: "pixels", 3: "failure"}[kind]
    print("%d %s %dx%dx%d %dx%d %d %d %s" % (index, kn, w, h, ch, ow, oh,
          label, flags, name))
    off += 64 + nlen + plen
PYEOF
}

# decode_to OUT [ARGS...]: pxr-decode ARGS > OUT, for `run` (keeps binary
# records out of $output).
decode_to() {
	local out=$1
	shift
	pxr-decode "$@" > "$out"
}
