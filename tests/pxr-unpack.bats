#!/usr/bin/env bats
# pxr-unpack: records to image files and sheets; tensors back to records.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	load test_helper/pixels
	cd "$BATS_TEST_TMPDIR"
}

@test "pxr-unpack: records become PNG and PPM files with the pixels they hold" {
	mkpixels in.pxr 7x5x3 fail:gone 4x3x1
	run -1 --separate-stderr pxr-unpack -o 'out-%i-%n.png' in.pxr
	assert_equal "$stderr" "pxr-unpack: img1.JPEG#1: failure record: no image to write"
	pxr-unpack -o 'p%i.ppm' in.pxr 2>/dev/null || true
	run -0 "$PY" -c '
import numpy as np
from PIL import Image
for f, npy in [("out-0-img0.png", "in.pxr.0.npy"), ("p0.ppm", "in.pxr.0.npy"), ("out-2-img2.png", "in.pxr.2.npy"), ("p2.ppm", "in.pxr.2.npy")]:
    a = np.load(npy); b = np.asarray(Image.open(f)).reshape(a.shape)
    assert np.array_equal(a, b), f
print("ok")'
	assert_output ok
}

@test "pxr-unpack: a packed tensor reads back as the records that went in, in every layout" {
	mkpixels in.pxr 6x4x3 6x4x3 6x4x3
	for lay in julia nhwc nchw; do
		rm -f X_t.raw* Y_t.raw
		pxr-pack --create 3 --size 6x4 --layout $lay X_t.raw Y_t.raw
		pxr-pack X_t.raw Y_t.raw < in.pxr
		pxr-unpack --tensor X_t.raw --pick 2,0 > back.pxr
		run -0 bash -c 'pxr-cat back.pxr | cut -f1-4'
		assert_output "$(printf '2\tpixels\t6x4x3\t3\n0\tpixels\t6x4x3\t1')"
		unpack_npy back.pxr
		run -0 "$PY" -c '
import numpy as np
for i in (0, 2):
    assert np.array_equal(np.load("back.pxr.out.%d.npy" % i), np.load("in.pxr.%d.npy" % i)), i
print("ok")'
		assert_output ok
	done
}

@test "pxr-unpack: ten random images of a tensor make one sheet" {
	specs=()
	for i in $(seq 0 11); do specs+=(16x12x3); done
	mkpixels in.pxr "${specs[@]}"
	pxr-pack --create 12 --size 16x12 X_s.raw Y_s.raw
	pxr-pack X_s.raw Y_s.raw < in.pxr
	run -0 bash -c 'set -o pipefail; pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-unpack --sheet 5x2 -o sheet.png'
	run -0 "$PY" -c 'from PIL import Image; print(Image.open("sheet.png").size)'
	assert_output "(80, 24)"
	# The same seed draws the same images.
	a=$(pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-cat | cut -f1 | xargs)
	b=$(pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-cat | cut -f1 | xargs)
	assert_equal "$a" "$b"
}

@test "pxr-unpack: usage errors" {
	run -2 --separate-stderr pxr-unpack --pick 1
	assert_equal "$stderr" "pxr-unpack: --pick, --random and --labels go with --tensor"
	run -2 --separate-stderr pxr-unpack --format gif
	assert_equal "$stderr" "pxr-unpack: unknown format 'gif' (png, ppm)"
	run -0 pxr-unpack --help
	assert_line --index 0 --partial "usage: pxr-unpack"
}
