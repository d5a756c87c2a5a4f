# pixels.bash: pixel-record fixtures from numpy, for the resize, crop and
# pack tests.

# mkpixels OUT SPEC...: a stream of pixel records; each SPEC is
# "WxHxC" (random pixels, seeded by the index) or "fail:reason".
mkpixels() {
	local out=$1
	shift
	"$PY" - "$TOP/tests/test_helper" "$out" "$@" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import pxrstream as p
out, specs = sys.argv[2], sys.argv[3:]
with open(out, "wb") as f:
    for i, s in enumerate(specs):
        if s.startswith("fail:"):
            f.write(p.record("failure", i, "img%d.JPEG" % i, s[5:].encode(), label=i + 1))
            continue
        w, h, c = map(int, s.split("x"))
        a = np.random.default_rng(i).integers(0, 256, (h, w, c), dtype=np.uint8)
        np.save(out + ".%d.npy" % i, a)
        f.write(p.record("pixels", i, "img%d.JPEG" % i, a.tobytes(), label=i + 1,
                         width=w, height=h, channels=c, orig_width=w, orig_height=h))
PY
}

# pixels_of STREAM INDEX: the pixels of record INDEX as a .npy file
# STREAM.out.INDEX.npy (for comparisons in Python).
unpack_npy() {
	"$PY" - "$TOP/tests/test_helper" "$1" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import pxrstream as p
data = open(sys.argv[2], "rb").read()
off = 0
while off < len(data):
    f = p.HEADER.unpack_from(data, off)
    kind, ch, index, w, h, nlen, plen = f[2], f[3], f[4], f[7], f[8], f[11], f[13]
    if kind == 2:
        a = np.frombuffer(data[off + 64 + nlen:off + 64 + nlen + plen], np.uint8)
        np.save(sys.argv[2] + ".out.%d.npy" % index, a.reshape(h, w, ch))
    off += 64 + nlen + plen
PY
}
