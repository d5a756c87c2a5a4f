#!/usr/bin/env bats
# pxr-crop: windows where torchvision and the notebook put them, padding.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	load test_helper/pixels
	cd "$BATS_TEST_TMPDIR"
}

# window_of OUT.npy IN.npy: prints "left,top" of OUT inside IN, or "none".
window_of() {
	"$PY" - "$1" "$2" <<-'PY'
	import sys, numpy as np
	o, a = np.load(sys.argv[1]), np.load(sys.argv[2])
	h, w = o.shape[:2]
	for t in range(a.shape[0] - h + 1):
	    for l in range(a.shape[1] - w + 1):
	        if np.array_equal(a[t:t + h, l:l + w], o):
	            print("%d,%d" % (l, t)); sys.exit()
	print("none")
	PY
}

@test "pxr-crop: the centre is torchvision's CenterCrop (ties to even), the seed window one up and left" {
	mkpixels in.pxr 341x256x3 256x341x3 256x256x3 257x257x3
	pxr-crop --size 224 < in.pxr > c.pxr
	pxr-crop --size 224 --align seed < in.pxr > s.pxr
	unpack_npy c.pxr
	unpack_npy s.pxr
	"$PY" - <<-'PY'
	import numpy as np
	for i, (w, h) in enumerate([(341, 256), (256, 341), (256, 256), (257, 257)]):
	    a = np.load("in.pxr.%d.npy" % i)
	    l, t = int(round((w - 224) / 2.0)), int(round((h - 224) / 2.0))
	    assert np.array_equal(np.load("c.pxr.out.%d.npy" % i), a[t:t + 224, l:l + 224]), i
	    l, t = w // 2 - 112 - 1, h // 2 - 112 - 1
	    assert np.array_equal(np.load("s.pxr.out.%d.npy" % i), a[t:t + 224, l:l + 224]), i
	PY
	# 341 wide: (341-224)/2 = 58.5 rounds to 58; the seed window is at 57,15.
	run -0 window_of c.pxr.out.0.npy in.pxr.0.npy
	assert_output "58,16"
	run -0 window_of s.pxr.out.0.npy in.pxr.0.npy
	assert_output "57,15"
}

@test "pxr-crop: --at places the window; outside parts are padded with --fill" {
	mkpixels in.pxr 10x8x3
	pxr-crop --size 6x4 --at -2,6 --fill 9 < in.pxr > o.pxr
	unpack_npy o.pxr
	"$PY" - <<-'PY'
	import numpy as np
	a, o = np.load("in.pxr.0.npy"), np.load("o.pxr.out.0.npy")
	assert o.shape == (4, 6, 3)
	assert (o[:, :2] == 9).all() and (o[2:] == 9).all()
	assert np.array_equal(o[:2, 2:], a[6:8, 0:4])
	PY
}

@test "pxr-crop: an image smaller than the window is padded, or a failure with --no-pad" {
	mkpixels in.pxr 100x50x3 224x224x3
	run -0 bash -c 'pxr-crop < in.pxr | pxr-cat | cut -f1-3'
	assert_output "$(printf '0\tpixels\t224x224x3\n1\tpixels\t224x224x3')"
	run -1 --separate-stderr bash -c 'pxr-crop --no-pad < in.pxr > o.pxr'
	assert_equal "$stderr" "pxr-crop: img0.JPEG#0: 100x50 image does not hold the 224x224 window at -62,-87 (--no-pad)"
	run -1 pxr-cat o.pxr
	assert_line --index 0 --partial "0	failure	-	1	img0.JPEG"
	assert_line --index 1 --partial "1	pixels	224x224x3"
}

@test "pxr-crop: a record already of the window's size is passed as it is; failures pass through" {
	mkpixels in.pxr 224x224x3 fail:truncated 224x224x1
	run -1 bash -c 'pxr-crop < in.pxr > o.pxr'
	readstream < in.pxr > a
	readstream < o.pxr > b
	run -0 cmp a b
}

@test "pxr-crop: --fill with --no-pad, which pads nothing, is refused with the usage, exit 2" {
	load test_helper/usage
	refused "pxr-crop: --fill does not go with --no-pad" pxr-crop --no-pad --fill 9 in.pxr
	refused "pxr-crop: --fill does not go with --no-pad" pxr-crop --fill 0 --size 8 --no-pad in.pxr
}

@test "pxr-crop: usage errors" {
	run -2 --separate-stderr pxr-crop --align left
	assert_equal "$stderr" "pxr-crop: unknown --align 'left' (center, seed, floor)"
	run -2 --separate-stderr pxr-crop --at 1 
	assert_equal "$stderr" "pxr-crop: --at wants X,Y, not '1'"
	run -2 --separate-stderr pxr-crop --fill 256
	assert_equal "$stderr" "pxr-crop: --fill wants a number from 0 to 255, not '256'"
	run -0 pxr-crop --help
	assert_line --index 0 --partial "usage: pxr-crop"
}
