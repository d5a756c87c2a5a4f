#!/usr/bin/env bats
# pxr-resize: Pillow's resampling, byte for byte, and the target sizes.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	load test_helper/pixels
	cd "$BATS_TEST_TMPDIR"
}

# compare_pillow FILTER ARGS...: resizes every record of in.pxr with
# pxr-resize ARGS and with Pillow, prints "max N within1 P".
compare_pillow() {
	local filter=$1
	shift
	pxr-resize --filter "$filter" "$@" < in.pxr > out.pxr
	unpack_npy out.pxr
	"$PY" - "$filter" in.pxr <<-'PY'
	import glob, sys
	import numpy as np
	from PIL import Image
	filt = {"triangle": Image.BILINEAR, "lanczos3": Image.LANCZOS, "box": Image.BOX,
	        "bicubic": Image.BICUBIC, "hamming": Image.HAMMING}[sys.argv[1]]
	worst, n, w1 = 0, 0, 0
	for f in sorted(glob.glob(sys.argv[2] + ".*.npy")):
	    i = f.split(".")[-2]
	    a = np.load(f)
	    b = np.load("out.pxr.out.%s.npy" % i)
	    mode = "RGB" if a.shape[2] == 3 else "L"
	    ref = Image.fromarray(a if mode == "RGB" else a[:, :, 0], mode)
	    ref = np.asarray(ref.resize((b.shape[1], b.shape[0]), filt)).reshape(b.shape)
	    d = np.abs(ref.astype(int) - b.astype(int))
	    worst, n, w1 = max(worst, d.max()), n + d.size, w1 + (d <= 1).sum()
	print("max %d within1 %.4f" % (worst, 100.0 * w1 / n))
	PY
}

@test "pxr-resize: triangle is Pillow's BILINEAR byte for byte: landscape, portrait, odd, tiny, upscaling, gray" {
	mkpixels in.pxr 500x375x3 375x500x3 333x257x3 1x40x3 40x1x3 100x80x3 300x300x1 257x256x3
	run -0 compare_pillow triangle --short 256
	assert_output "max 0 within1 100.0000"
}

@test "pxr-resize: lanczos3 and box are Pillow's LANCZOS and BOX" {
	mkpixels in.pxr 500x375x3 200x333x3 64x48x3
	run -0 compare_pillow lanczos3 --short 100
	assert_output "max 0 within1 100.0000"
	run -0 compare_pillow box --size 77x51
	assert_output "max 0 within1 100.0000"
}

@test "pxr-resize: bicubic and hamming are Pillow's BICUBIC and HAMMING on noise (bicubic's overshoot clipped): down, up, odd, tiny, gray" {
	mkpixels in.pxr 500x375x3 375x500x3 333x257x3 1x40x3 40x1x3 100x80x3 300x300x1 257x256x3 7x5x1
	for f in bicubic hamming; do
		for t in "--short 256" "--short 33" "--long 900" "--size 3x200"; do
			run -0 compare_pillow $f $t
			assert_output "max 0 within1 100.0000"
		done
	done
}

@test "pxr-resize: Pillow agreement on the real photographs of tests/data/photos" {
	files=$(find "$TESTDATA/photos" -type f | sort)
	[ "$(echo "$files" | wc -l)" -ge 15 ]
	"$PY" - $files <<-'PY'
	import sys, numpy as np
	from PIL import Image
	sys.path.insert(0, "TOPDIR/tests/test_helper".replace("TOPDIR", __import__("os").environ["TOP"]))
	import pxrstream as p
	with open("in.pxr", "wb") as f:
	    for i, name in enumerate(sys.argv[1:]):
	        a = np.asarray(Image.open(name).convert("RGB"))
	        np.save("in.pxr.%d.npy" % i, a)
	        f.write(p.record("pixels", i, name, a.tobytes(), width=a.shape[1], height=a.shape[0], channels=3))
	PY
	run -0 compare_pillow triangle --short 256
	echo "# $output" >&3
	assert_output "max 0 within1 100.0000"
}

@test "pxr-resize: target sizes: short side to N with the other side rounded half to even" {
	# 500x375 -> 341.33 -> 341; 375x500 -> 341; 384x256 at 200 -> 300x200;
	# 100x75 to short 50 is 66.67 -> 67; 10x4 to short 3 is 7.5 -> 8 (even).
	mkpixels in.pxr 500x375x3 375x500x3 384x256x3
	run -0 bash -c 'pxr-resize --short 256 < in.pxr | pxr-cat | cut -f3'
	assert_output "$(printf '341x256x3\n256x341x3\n384x256x3')"
	mkpixels in.pxr 100x75x3 10x4x3 11x4x3
	run -0 bash -c 'pxr-resize --short 50 < in.pxr | pxr-cat | cut -f3'
	assert_line --index 0 "67x50x3"
	run -0 bash -c 'pxr-resize --short 3 < in.pxr | pxr-cat | cut -f3'
	assert_line --index 1 "8x3x3"
	assert_line --index 2 "8x3x3"
	run -0 bash -c 'pxr-resize --long 100 < in.pxr | pxr-cat | cut -f3'
	assert_line --index 0 "100x75x3"
	run -0 bash -c 'pxr-resize --size 30x20 < in.pxr | pxr-cat | cut -f3'
	assert_output "$(printf '30x20x3\n30x20x3\n30x20x3')"
}

@test "pxr-resize: failures pass through, encoded records fail, a record of the target size is untouched" {
	mkpixels in.pxr 341x256x3 fail:bad 100x100x3
	echo '{"kind": "encoded", "index": 9, "name": "raw.JPEG", "payload_hex": "ffd8"}' | mkstream >> in.pxr
	run -1 --separate-stderr bash -c 'pxr-resize < in.pxr > out.pxr'
	assert_equal "$stderr" "pxr-resize: raw.JPEG#9: not decoded (run pxr-decode before pxr-resize)"
	run -0 bash -c 'pxr-cat out.pxr | cut -f1-4,7'
	assert_output "$(printf '0\tpixels\t341x256x3\t1\n1\tfailure\t-\t2\tbad\n2\tpixels\t256x256x3\t3\n9\tfailure\t-\t-\tnot decoded (run pxr-decode before pxr-resize)')"
	readstream < in.pxr | head -1 | cut -d'"' -f1-60 > a
	readstream < out.pxr | head -1 | cut -d'"' -f1-60 > b
	run -0 cmp a b
}

@test "pxr-resize: gaussian keeps a flat image flat and sizes as the others do" {
	"$PY" - <<-'PY'
	import sys, numpy as np, os
	sys.path.insert(0, os.environ["TOP"] + "/tests/test_helper")
	import pxrstream as p
	flat = np.full((300, 400, 3), 77, np.uint8)
	with open("in.pxr", "wb") as f:
	    f.write(p.record("pixels", 0, "flat", flat.tobytes(), width=400, height=300, channels=3))
	PY
	run -0 bash -c 'pxr-resize --filter gaussian --short 100 < in.pxr > out.pxr && pxr-cat out.pxr | cut -f3'
	assert_output "133x100x3"
	unpack_npy out.pxr
	run -0 "$PY" -c 'import numpy as np; a = np.load("out.pxr.out.0.npy"); print(a.min(), a.max())'
	assert_output "77 77"
}

@test "pxr-resize: usage errors" {
	run -2 --separate-stderr pxr-resize --filter cubic
	assert_equal "$stderr" "pxr-resize: unknown --filter 'cubic' (triangle, lanczos3, box, gaussian, bicubic, hamming)"
	run -2 --separate-stderr pxr-resize --short 0
	assert_equal "$stderr" "pxr-resize: --short wants a side of 1 to 1048576 pixels, not '0'"
	run -2 --separate-stderr pxr-resize --short 5 --long 6
	assert_equal "$stderr" "pxr-resize: give one of --long, --max-side, --short and --size"
	load test_helper/usage
	refused "pxr-resize: --align goes with --crop" pxr-resize --align seed
	refused "pxr-resize: --align goes with --crop" pxr-resize --like torchvision -s 256 -a seed
	refused "pxr-resize: --round does not go with --size" pxr-resize --size 8x8 --round down
	refused "pxr-resize: --round does not go with --size" pxr-resize --round notebook -S 8 --crop 4
	run -2 --separate-stderr pxr-resize --crop 0x5
	assert_equal "$stderr" "pxr-resize: --crop wants N or WxH, not '0x5'"
	run -2 --separate-stderr pxr-resize --like pytorch
	assert_equal "$stderr" "pxr-resize: unknown --like 'pytorch' (torchvision, notebook, notebook-geometry, timm, adm, edm, edm-wide)"
	run -2 --separate-stderr pxr-resize --round up
	assert_equal "$stderr" "pxr-resize: unknown --round 'up' (even, down, notebook, ffcv)"
	run -0 pxr-resize --help
	assert_line --index 0 "usage: pxr-resize [-fhV] [--like preset] [-c n|wxh [-a align]]"
}

@test "pxr-resize: --round: even (exact, ties to even), down (torchvision's int) and notebook (Julia's round in double)" {
	# 39x26 to short 73: 109.5 exactly; in double 39 * (73 / 26) is a hair
	# under it, so the notebook's round gives 109 where even gives 110.
	# 500x375 to 256: 341.33: even and notebook 341, down 341; 375x500 to
	# 257: 342.67: even 343, down 342.
	mkpixels in.pxr 39x26x3 500x375x3 375x500x3
	run -0 bash -c 'pxr-resize --short 73 < in.pxr | pxr-cat | cut -f3 | head -1'
	assert_output "110x73x3"
	run -0 bash -c 'pxr-resize --short 73 --round notebook < in.pxr | pxr-cat | cut -f3 | head -1'
	assert_output "109x73x3"
	run -0 bash -c 'pxr-resize --like notebook --short 73 < in.pxr | pxr-cat | cut -f3 | head -1'
	assert_output "109x73x3"
	run -0 bash -c 'pxr-resize --short 257 --round down < in.pxr | pxr-cat | cut -f3 | tail -1'
	assert_output "257x342x3"
	run -0 bash -c 'pxr-resize --short 257 < in.pxr | pxr-cat | cut -f3 | tail -1'
	assert_output "257x343x3"
	# The explicit option overrides the preset.
	run -0 bash -c 'pxr-resize --like torchvision --round even --short 257 < in.pxr | pxr-cat | cut -f3 | tail -1'
	assert_output "257x343x3"
}

# Sizes that exercise the vector passes' edges: rows whose taps end at the
# row's last byte, tails shorter than a vector, many-block kernels (strong
# reduction), upscaling (few taps), one channel.
EDGE_SIZES="500x375x3 375x500x3 333x257x3 2000x9x3 9x2000x3 1x40x3 40x1x3 17x13x3 300x300x1 257x256x3 641x479x1"

@test "pxr-resize: the AVX2, AVX-512 and VBMI passes give the plain C passes' bytes, every filter, windows too" {
	local level top=0
	# The CPU's best level (pxr.h): what runs without PXR_SIMD.
	grep -qw avx2 /proc/cpuinfo && top=1
	grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo && top=2
	[ "$top" -eq 2 ] && grep -qw avx512vbmi /proc/cpuinfo && top=3
	[ "$top" -gt 0 ] || skip "this CPU has no AVX2: only the plain passes run"
	mkpixels in.pxr $EDGE_SIZES
	for f in triangle lanczos3 box gaussian bicubic hamming; do
		for t in "--short 256" "--short 7" "--size 1x1" "--long 700" \
		    "--short 256 --crop 224" "--short 100 --crop 37x5" "--short 100 --crop 38x6" \
		    "--short 64 --crop 17"; do
			PXR_SIMD=0 pxr-resize -F $f $t in.pxr > plain.pxr
			for level in $(seq "$top"); do
				PXR_SIMD=$level pxr-resize -F $f $t in.pxr > vec.pxr
				cmp plain.pxr vec.pxr || fail "$f $t: level $level differs"
			done
		done
	done
}

@test "pxr-resize --crop: the bytes of pxr-resize | pxr-crop, both alignments, small images padded" {
	mkpixels in.pxr $EDGE_SIZES 100x80x3 fail:broken
	# The failure record passes through: exit 1 from both forms.
	for f in triangle lanczos3 gaussian bicubic hamming; do
		for a in center seed; do
			run -1 bash -c "pxr-resize -F $f in.pxr | pxr-crop --align $a > two.pxr"
			run -1 bash -c "pxr-resize -F $f --crop 224 --align $a in.pxr > one.pxr"
			cmp two.pxr one.pxr || fail "$f $a: --crop differs from pxr-crop"
		done
	done
	run -1 bash -c 'pxr-resize --short 32 in.pxr | pxr-crop --size 40x20 > two.pxr'
	run -1 bash -c 'pxr-resize --short 32 --crop 40x20 in.pxr > one.pxr'
	run -0 cmp two.pxr one.pxr
	run -0 bash -c 'pxr-cat one.pxr | cut -f3 | sort -u | grep x'
	assert_output "40x20x1
40x20x3"
}
