#!/usr/bin/env bats
# Reference-exact outputs on real photographs (tests/data/photos and the
# built-in sample's): --like torchvision is torchvision 0.14's
# Resize(s) + CenterCrop(c) byte for byte, --like notebook-geometry the
# notebook's geometry with Pillow's BILINEAR (tests/notebook.bats has
# --like notebook, the notebook's own pixels), --squash Pillow's resize((N, N)), in the filters and through
# pxr-imagenet and pxr-folder; variants made in one pass equal separate
# runs; the manifest's statistics are numpy's; --base 0 is 0-based.
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	export SAMPLE=$BATS_FILE_TMPDIR/sample
	"$PY" "$TOP/sample/make-sample.py" "$SAMPLE" --classes 4 \
	    --train-per-class 5 --val 8 --no-cmyk 2>/dev/null
	# Every photograph: the test data's and the sample's training images.
	export PHOTOS=$BATS_FILE_TMPDIR/photos
	mkdir -p "$PHOTOS"
	cp -r "$TESTDATA/photos/train/." "$PHOTOS/"
	tar -xf "$SAMPLE/ILSVRC2012_img_train.tar" -C "$PHOTOS"
	for t in "$PHOTOS"/n*.tar; do
		mkdir -p "${t%.tar}"
		tar -xf "$t" -C "${t%.tar}"
		rm "$t"
	done
	find "$PHOTOS" -type f | LC_ALL=C sort > "$BATS_FILE_TMPDIR/photos.list"
}

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	mapfile -t FILES < "$BATS_FILE_TMPDIR/photos.list"
}

reference() {
	"$PY" "$TOP/tests/test_helper/reference.py" "$@" "${FILES[@]}"
}

# pack SIDE OUT < stream: the records into OUT (NHWC) and OUT.y.
pack() {
	pxr-pack --create "${#FILES[@]}" --size "$1" --layout nhwc --overwrite "$2" "$2.y"
	pxr-pack --quiet "$2" "$2.y"
}

# like_is_reference PRESET: at (256,224), (73,64) and (300,299), the
# preset's fused decode and its three filters give every image as the
# reference of the same name does, byte for byte.
like_is_reference() {
	local like=$1 n=${#FILES[@]}
	for g in "256 224" "73 64" "300 299"; do
		set -- $g
		reference "$like" "$1" "$2" ref.npy
		pxr-decode --like "$like" --short "$1" --crop "$2" in.pxr | pack "$2" fused.raw
		run -0 same ref.npy fused.raw
		assert_output "$n/$n identical, max 0"
		pxr-decode in.pxr | pxr-resize --like "$like" --short "$1" |
			pxr-crop --like "$like" --size "$2" | pack "$2" pipe.raw
		run -0 same ref.npy pipe.raw
		assert_output "$n/$n identical, max 0"
	done
}

# same REF.npy X: how many images equal, and the largest difference.
same() {
	"$PY" - "$1" "$2" <<-'PY'
	import sys, numpy as np
	r = np.load(sys.argv[1])
	x = np.fromfile(sys.argv[2], np.uint8).reshape(r.shape)
	d = np.abs(r.astype(int) - x)
	print("%d/%d identical, max %d" % (sum(not d[i].any() for i in range(len(r))), len(r), d.max()))
	PY
}

@test "reference: --like torchvision is torchvision's Resize(s)+CenterCrop(c), fused and as three filters, at (256,224), (73,64), (300,299)" {
	n=${#FILES[@]}
	[ "$n" -ge 30 ]
	pxr-list "${FILES[@]}" > in.pxr
	[ "$(pxr-list --names "${FILES[@]}" | cut -f2 | tr '\n' ' ')" = "$(for f in "${FILES[@]}"; do basename "$f"; done | tr '\n' ' ')" ]
	like_is_reference torchvision
	# The default rounding (even) is not torchvision's: some images differ.
	pxr-decode --short 73 --crop 64 in.pxr | pack 64 even.raw
	reference torchvision 73 64 ref.npy
	run -0 same ref.npy even.raw
	refute_output "$n/$n identical, max 0"
}

@test "reference: --like notebook-geometry is the notebook's rounding and window with Pillow's BILINEAR, fused and as three filters" {
	n=${#FILES[@]}
	pxr-list "${FILES[@]}" > in.pxr
	like_is_reference notebook-geometry
	# The two windows are a pixel apart at 224 of 256.
	reference torchvision 256 224 tv.npy
	pxr-decode --like notebook-geometry --short 256 --crop 224 in.pxr | pack 224 fused.raw
	run -0 same tv.npy fused.raw
	refute_output "$n/$n identical, max 0"
}

@test "reference: a window larger than the image is padded as CenterCrop pads it" {
	mkjpeg 101 60 small.jpg
	pxr-list small.jpg | pxr-decode | pxr-crop --like torchvision --size 224x75 > c.pxr
	load test_helper/pixels
	unpack_npy c.pxr
	run -0 "$PY" - <<-'PY'
	import numpy as np
	from PIL import Image
	from torchvision import transforms
	ref = np.asarray(transforms.CenterCrop((75, 224))(Image.open("small.jpg").convert("RGB")))
	got = np.load("c.pxr.out.0.npy")
	print(ref.shape, got.shape, np.abs(ref.astype(int) - got).max())
	PY
	assert_output "(75, 224, 3) (75, 224, 3) 0"
}

@test "reference: --squash N is Pillow's resize((N, N), BOX), and of the other filters chosen" {
	n=${#FILES[@]}
	pxr-list "${FILES[@]}" > in.pxr
	for f in box triangle lanczos3; do
		reference squash 32 "$f" ref.npy
		pxr-decode --size 32x32 --filter "$f" in.pxr | pack 32 fused.raw
		run -0 same ref.npy fused.raw
		assert_output "$n/$n identical, max 0"
		pxr-decode in.pxr | pxr-resize --size 32x32 --filter "$f" | pack 32 pipe.raw
		run -0 same ref.npy pipe.raw
		assert_output "$n/$n identical, max 0"
	done
}

@test "reference: --max-side N is Pillow's resize to the long side N, never enlarging; with --round ffcv to FFCV's sizes (499 where its double falls short); fused, as a filter, every SIMD level" {
	# The photographs, and sizes whose FFCV size is one short (531,
	# 566), portrait, a grey JPEG, a PNG, one under the cap.
	mkjpeg 531 400 z-531.jpg
	mkjpeg 566 566 z-566.jpg 90 2
	mkjpeg 400 554 z-portrait.jpg
	mkjpeg 517 333 z-grey.jpg 90 0 mode=L
	mkpng 1920 1080 z-wide.png
	mkjpeg 101 60 z-small.jpg
	FILES+=(z-531.jpg z-566.jpg z-grey.jpg z-portrait.jpg z-small.jpg z-wide.png)
	n=${#FILES[@]}
	pxr-list "${FILES[@]}" > in.pxr
	pxr-decode in.pxr > dec.pxr
	for t in ffcv:500 max:500 ffcv:128 max:73 max:5000; do
		opt=(--max-side "${t#*:}" --filter triangle)
		[ "${t%%:*}" = ffcv ] && opt+=(--round ffcv)
		pxr-resize "${opt[@]}" dec.pxr > out.pxr
		run -0 "$PY" "$TOP/tests/test_helper/reference.py" resize "$t" triangle out.pxr "${FILES[@]}"
		assert_output "$n/$n identical, max 0"
		for level in 0 1 2; do
			PXR_SIMD=$level pxr-resize "${opt[@]}" dec.pxr > level.pxr
			cmp out.pxr level.pxr || fail "$t: PXR_SIMD=$level differs"
		done
		pxr-decode "${opt[@]}" in.pxr > fused.pxr
		cmp out.pxr fused.pxr || fail "$t: the fused decode differs"
	done
	# FFCV's sizes are not the exact ones: 531x400 is 499x376, not 500x377.
	pxr-list z-531.jpg z-566.jpg | pxr-decode --max-side 500 --round ffcv | pxr-cat > ffcv.txt
	run -0 cut -f3 ffcv.txt
	assert_output "$(printf '499x376x3\n499x499x3')"
	pxr-list z-531.jpg | pxr-decode --max-side 500 | pxr-cat > even.txt
	run -0 cut -f3 even.txt
	assert_output "500x377x3"
	# Not with another target, nor with the notebook's resampling.
	run -2 pxr-resize --max-side 500 --short 256 dec.pxr
	assert_output --partial "give one of"
	run -2 pxr-decode --like notebook --max-side 500 in.pxr
	assert_output --partial "--max-side"
}

# pillow_resize FILTER: every photograph, as RGB and as grey (PNGs made
# from them, decoded --gray), resized down and up in both directions:
# pxr-resize gives Pillow's im.resize(size, FILTER) byte for byte, the same
# bytes at every PXR_SIMD level, and pxr-decode's fused resize (with and
# without a crop) gives the bytes of pxr-decode | pxr-resize.
pillow_resize() {
	local f=$1 set dec t level
	local -a files opt
	"$PY" - "${FILES[@]}" <<-'PY'
	import sys
	from PIL import Image
	for i, f in enumerate(sys.argv[1:]):
	    Image.open(f).convert("L").save("g%02d.png" % i)
	PY
	for set in rgb gray; do
		files=("${FILES[@]}") dec=()
		[ $set = gray ] && files=(g*.png) dec=(--gray)
		pxr-list "${files[@]}" > in.pxr
		pxr-decode "${dec[@]}" in.pxr > dec.pxr
		for t in short:256 short:73 short:7 short:600 size:1000x37 size:19x700; do
			opt=("--${t%%:*}" "${t#*:}" --filter "$f")
			pxr-resize "${opt[@]}" dec.pxr > out.pxr
			run -0 "$PY" "$TOP/tests/test_helper/reference.py" \
			    "$([ $set = gray ] && echo resize-gray || echo resize)" "$t" "$f" out.pxr "${files[@]}"
			assert_output "${#files[@]}/${#files[@]} identical, max 0"
			for level in 0 1 2; do
				PXR_SIMD=$level pxr-resize "${opt[@]}" dec.pxr > level.pxr
				cmp out.pxr level.pxr || fail "$set $f $t: PXR_SIMD=$level differs"
			done
			pxr-decode "${dec[@]}" "${opt[@]}" in.pxr > fused.pxr
			cmp out.pxr fused.pxr || fail "$set $f $t: the fused decode differs"
		done
		pxr-resize --short 256 --crop 224 --filter "$f" dec.pxr > out.pxr
		pxr-decode "${dec[@]}" --short 256 --crop 224 --filter "$f" in.pxr > fused.pxr
		cmp out.pxr fused.pxr || fail "$set $f: the fused decode with --crop differs"
	done
}

@test "reference: --filter bicubic is Pillow's BICUBIC, RGB and grey, down and up, every SIMD level, fused" {
	[ "${#FILES[@]}" -ge 30 ]
	pillow_resize bicubic
}

@test "reference: --filter hamming is Pillow's HAMMING, RGB and grey, down and up, every SIMD level, fused" {
	pillow_resize hamming
}

@test "reference: --like timm is timm's evaluation transform, Resize(floor(c / crop_pct)) + CenterCrop(c), bicubic and bilinear, fused and as filters, at crop_pct 0.875, 0.9, 0.95 and 1.0" {
	# The photographs, and odd ones: grey, CMYK, a PNG, smaller than the
	# window, odd sides, portrait and landscape.
	mkjpeg 101 60 z-small.jpg
	mkjpeg 333 517 z-odd.jpg 90 2
	mkjpeg 517 333 z-grey.jpg 90 0 mode=L
	mkpng 250 190 z-rgba.png RGBA
	cp "$TESTDATA/jpeg/moz-jpg-cmyk-1.jpg" z-cmyk.jpg
	# In pxr-list's order, the records' names (z- after the photos').
	FILES+=(z-cmyk.jpg z-grey.jpg z-odd.jpg z-rgba.png z-small.jpg)
	n=${#FILES[@]}
	pxr-list "${FILES[@]}" > in.pxr
	for pct in 0.875 0.9 0.95 1.0; do
		short=$("$PY" -c "import math; print(math.floor(224 / $pct))")
		reference timm:bicubic "$pct" 224 ref.npy
		pxr-decode --like timm --crop-pct "$pct" --crop 224 in.pxr | pack 224 fused.raw
		run -0 same ref.npy fused.raw
		assert_output "$n/$n identical, max 0"
		pxr-decode in.pxr | pxr-resize --like timm --crop-pct "$pct" --crop 224 | pack 224 resize.raw
		run -0 same ref.npy resize.raw
		assert_output "$n/$n identical, max 0"
		pxr-decode in.pxr | pxr-resize --like timm --short "$short" |
			pxr-crop --like timm --size 224 | pack 224 pipe.raw
		run -0 same ref.npy pipe.raw
		assert_output "$n/$n identical, max 0"
		# The model's interpolation bilinear: --filter triangle.
		reference timm:triangle "$pct" 224 ref.npy
		pxr-decode --like timm --filter triangle --crop-pct "$pct" --crop 224 in.pxr | pack 224 bl.raw
		run -0 same ref.npy bl.raw
		assert_output "$n/$n identical, max 0"
	done
	# Another size: 64 at 0.875 is Resize(73).
	reference timm:bicubic 0.875 64 ref.npy
	pxr-decode --like timm --crop-pct 0.875 --crop 64 in.pxr | pack 64 small.raw
	run -0 same ref.npy small.raw
	assert_output "$n/$n identical, max 0"
	# What is not timm's: torchvision's filter, or 8/7 instead of 1/0.9.
	reference timm:bicubic 0.9 224 ref.npy
	pxr-decode --like torchvision --short 248 --crop 224 in.pxr | pack 224 tv.raw
	run -0 same ref.npy tv.raw
	refute_output "$n/$n identical, max 0"
}

@test "reference: --like adm is guided-diffusion's center_crop_arr (BOX halvings, BICUBIC, (H - N) // 2), --like edm EDM's center-crop (square, LANCZOS) and --like edm-wide its center-crop-wide, fused and as filters" {
	mkjpeg 101 60 z-small.jpg
	mkjpeg 333 517 z-odd.jpg 90 2
	mkjpeg 517 333 z-grey.jpg 90 0 mode=L
	mkjpeg 1031 515 z-wide.jpg 90 1
	mkpng 250 190 z-rgba.png RGBA
	cp "$TESTDATA/jpeg/moz-jpg-cmyk-1.jpg" z-cmyk.jpg
	FILES+=(z-cmyk.jpg z-grey.jpg z-odd.jpg z-rgba.png z-small.jpg z-wide.jpg)
	n=${#FILES[@]}
	pxr-list "${FILES[@]}" > in.pxr
	pxr-decode in.pxr > dec.pxr
	for side in 64 256; do
		reference adm "$side" - ref.npy
		pxr-decode --like adm --short "$side" --crop "$side" in.pxr | pack "$side" fused.raw
		run -0 same ref.npy fused.raw
		assert_output "$n/$n identical, max 0"
		pxr-resize --like adm --short "$side" < dec.pxr | pxr-crop --like adm --size "$side" | pack "$side" pipe.raw
		run -0 same ref.npy pipe.raw
		assert_output "$n/$n identical, max 0"
		pxr-resize --halve --filter bicubic --round notebook --short "$side" < dec.pxr |
			pxr-crop --align floor --size "$side" | pack "$side" opts.raw
		run -0 same ref.npy opts.raw
		assert_output "$n/$n identical, max 0"
	done
	# The plain C resampling too (PXR_SIMD=0).
	PXR_SIMD=0 pxr-decode --like adm --short 64 --crop 64 in.pxr | pack 64 plain.raw
	reference adm 64 - ref.npy
	run -0 same ref.npy plain.raw
	assert_output "$n/$n identical, max 0"
	# Each step counts: without the halvings, or with torchvision's window.
	reference adm 64 - ref.npy
	pxr-resize --filter bicubic --round notebook --short 64 < dec.pxr |
		pxr-crop --align floor --size 64 | pack 64 nohalve.raw
	run -0 same ref.npy nohalve.raw
	refute_output "$n/$n identical, max 0"
	pxr-resize --like adm --short 64 < dec.pxr | pxr-crop --size 64 | pack 64 center.raw
	run -0 same ref.npy center.raw
	refute_output "$n/$n identical, max 0"
	reference edm 64 - ref.npy
	pxr-decode --like edm --size 64 in.pxr | pack 64 fused.raw
	run -0 same ref.npy fused.raw
	assert_output "$n/$n identical, max 0"
	pxr-resize --square --filter lanczos3 --size 64 < dec.pxr | pack 64 pipe.raw
	run -0 same ref.npy pipe.raw
	assert_output "$n/$n identical, max 0"
	# center-crop-wide at 128x64 and 128x100: the narrow images are left
	# out (failures, packed as zeros); a 101-wide one is.
	for wh in 128x64 128x100; do
		reference edm-wide "$wh" - ref.npy
		st=0
		pxr-decode --like edm-wide --size "$wh" in.pxr > wide.pxr 2> wide.err || st=$?
		assert_equal "$st" 1
		grep -q "z-small.jpg#.*: 101x60 image: EDM's center-crop-wide to $wh wants one at least 128 wide" wide.err
		pack 128 wide.raw < wide.pxr || assert_equal "$?" 1	# a failure packed
		run -0 same ref.npy wide.raw
		assert_output "$n/$n identical, max 0"
		pxr-resize --wide --filter lanczos3 --size "$wh" < dec.pxr 2> /dev/null | pack 128 wpipe.raw || assert_equal "$?" 1
		run -0 same ref.npy wpipe.raw
		assert_output "$n/$n identical, max 0"
	done
	run -2 --separate-stderr pxr-resize --like edm-wide --size 64x128 < dec.pxr
	[[ "$stderr" == *"--wide wants --size WxH, H at most W"* ]]
	# Squashed whole instead: not EDM's.
	reference edm 64 - ref.npy
	pxr-resize --filter lanczos3 --size 64 < dec.pxr | pack 64 squash.raw
	run -0 same ref.npy squash.raw
	refute_output "$n/$n identical, max 0"
	# The notebook's chain has no step before it; --halve wants --short.
	run -2 --separate-stderr pxr-resize --like notebook --square --short 256 < dec.pxr
	[[ "$stderr" == *"no --square, --halve or --wide"* ]]
	run -2 --separate-stderr pxr-resize --halve --size 64 < dec.pxr
	[[ "$stderr" == *"--halve"* ]]
}

@test "reference: pxr-folder and pxr-imagenet --like adm and --like edm are guided-diffusion's and EDM's, with --also, their steps in the recipe; not with --squash" {
	mkdir -p in/train
	cp -r "$PHOTOS/." in/train/
	n=${#FILES[@]}
	run -0 --separate-stderr pxr-folder --like adm --size 64 --also 32 --layout nhwc --split train --out a in
	reference adm 64 - ref.npy
	run -0 same ref.npy a/X_train.raw
	assert_output "$n/$n identical, max 0"
	reference adm 32 - ref.npy
	run -0 same ref.npy a/X_train_32.raw
	assert_output "$n/$n identical, max 0"
	run -0 "$PY" -c 'import json; r = json.load(open("a/X_train.raw.manifest.json"))["recipe"]; print(r["like"], r["crop"], r["filter"], r["before"], sep="|")'
	assert_output "adm|64x64 floor|bicubic|halvings with box to (W // 2, H // 2) while the short side is at least 128"
	run -0 --separate-stderr pxr-imagenet --like edm --size 64 --layout nhwc --split train \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out e in
	reference edm 64 - ref.npy
	run -0 same ref.npy e/X_train.raw
	assert_output "$n/$n identical, max 0"
	run -0 "$PY" -c 'import json; r = json.load(open("e/X_train.raw.manifest.json"))["recipe"]; print(r["like"], r["filter"], r["before"], sep="|")'
	assert_output "edm|lanczos3|square (the largest centred one, from (H - S) // 2)"
	run -2 --separate-stderr pxr-folder --like edm --squash 64 --out x in
	assert_equal "${stderr_lines[0]}" "pxr-folder: --like edm crops: not with --squash"
	run -2 --separate-stderr pxr-folder --like edm-wide --size 64 --out x in
	assert_equal "${stderr_lines[0]}" "pxr-folder: --like edm-wide makes a WxH image in a WxW canvas: pxr-decode or pxr-resize --like edm-wide --size WxH"
	[ ! -e x ]
}

@test "reference: pxr-folder and pxr-imagenet --like timm are timm's, the crop_pct in the recipe; --crop-pct without it, with --short or out of (0, 1] is refused" {
	mkdir -p in/train
	cp -r "$PHOTOS/." in/train/
	n=${#FILES[@]}
	run -0 --separate-stderr pxr-folder --like timm --crop-pct 0.95 --layout nhwc --split train --out f in
	reference timm:bicubic 0.95 224 ref.npy
	run -0 same ref.npy f/X_train.raw
	assert_output "$n/$n identical, max 0"
	run -0 "$PY" -c 'import json; r = json.load(open("f/X_train.raw.manifest.json"))["recipe"]; print(r["like"], r["resize"], r["crop_pct"], r["filter"])'
	assert_output "timm short side 235, the other rounded down 0.95 bicubic"
	# The default crop_pct, an --also set from the same decode, bilinear.
	run -0 --separate-stderr pxr-imagenet --like timm --filter triangle --also 64 --layout nhwc --split train \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out i in
	reference timm:triangle 0.875 224 ref.npy
	run -0 same ref.npy i/X_train.raw
	assert_output "$n/$n identical, max 0"
	reference timm:triangle 0.875 64 ref.npy
	run -0 same ref.npy i/X_train_64.raw
	assert_output "$n/$n identical, max 0"
	# Another crop_pct is another recipe.
	run -2 --separate-stderr pxr-imagenet --like timm --crop-pct 0.9 --filter triangle --also 64 --layout nhwc --split train \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out i in
	[[ "$stderr" == *"crop_pct: was '0.875', now '0.9'"* ]]
	run -2 --separate-stderr pxr-folder --crop-pct 0.9 --out e in
	assert_equal "${stderr_lines[0]}" "pxr-folder: --crop-pct goes with --like"
	run -2 --separate-stderr pxr-folder --like torchvision --crop-pct 0.9 --out e in
	assert_equal "${stderr_lines[0]}" "pxr-folder: --crop-pct goes with --like timm"
	run -2 --separate-stderr pxr-folder --like timm --crop-pct 0.9 --short 256 --out e in
	assert_equal "${stderr_lines[0]}" "pxr-folder: --crop-pct gives the short side: not with --short"
	for bad in 0 1.5 -0.9 x 0.9x nan inf; do
		run -2 --separate-stderr pxr-folder --like timm --crop-pct "$bad" --out e in
		assert_equal "${stderr_lines[0]}" "pxr-folder: --crop-pct wants a number above 0 and at most 1 (0.875), not '$bad'"
	done
	run -2 --separate-stderr pxr-folder --like timm --crop-pct 0.01 --size 20000 --out e in
	assert_equal "${stderr_lines[0]}" "pxr-folder: --size 20000 at crop_pct 0.01: the short side would be over 1048576 pixels"
	run -2 --separate-stderr pxr-folder --like timm --crop-pct 0.1 --also 999999 --out e in
	assert_equal "${stderr_lines[-1]}" "pxr-folder: --also 999999 at crop_pct 0.1: the short side would be over 1048576 pixels"
	[ ! -e e ]
	# The filters refuse it without a square crop, or with a side.
	run -2 --separate-stderr pxr-resize --crop-pct 0.9 --crop 224x200
	assert_equal "${stderr_lines[0]}" "pxr-resize: --crop-pct wants a square --crop N, not 224x200"
	run -2 --separate-stderr pxr-decode --crop-pct 0.9 --short 256 --crop 224
	assert_equal "${stderr_lines[0]}" "pxr-decode: --crop-pct gives the short side: not with --short"
	run -2 --separate-stderr pxr-resize --crop-pct 0.9
	assert_equal "${stderr_lines[0]}" "pxr-resize: --crop-pct goes with --crop"
}

@test "reference: pxr-folder is torchvision's by default and pxr-imagenet --like notebook-geometry the notebook's geometry with Pillow's BILINEAR, every image" {
	# The photographs as an ImageNet training tree and as an ImageFolder.
	mkdir -p in/train
	cp -r "$PHOTOS/." in/train/
	run -0 --separate-stderr pxr-folder --layout nhwc --split train --out f in
	run -0 --separate-stderr pxr-imagenet --layout nhwc --split train --like notebook-geometry \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out i in
	n=${#FILES[@]}
	reference torchvision 256 224 tv.npy
	run -0 same tv.npy f/X_train.raw
	assert_output "$n/$n identical, max 0"
	reference notebook-geometry 256 224 nb.npy
	run -0 same nb.npy i/X_train.raw
	assert_output "$n/$n identical, max 0"
	# And at odd sizes, with --like across the two.
	run -0 --separate-stderr pxr-folder --layout nhwc --split train --short 73 --size 64 --out f2 in
	reference torchvision 73 64 tv.npy
	run -0 same tv.npy f2/X_train.raw
	assert_output "$n/$n identical, max 0"
	run -0 --separate-stderr pxr-imagenet --layout nhwc --split train --like torchvision --short 300 --size 299 \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out i2 in
	reference torchvision 300 299 tv.npy
	run -0 same tv.npy i2/X_train.raw
	assert_output "$n/$n identical, max 0"
	run -0 "$PY" -c 'import json; r = json.load(open("i2/X_train.raw.manifest.json"))["recipe"]; print(r["like"], r["decode"], r["crop"])'
	assert_output "torchvision exact (full size) 299x299 center"
	# Downsampled ImageNet: the whole image to 32x32, box.
	run -0 --separate-stderr pxr-imagenet --layout nhwc --split train --squash 32 \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out s in
	reference squash 32 box sq.npy
	run -0 same sq.npy s/X_train.raw
	assert_output "$n/$n identical, max 0"
}

@test "reference: --also makes several sets from one decode, equal to separate runs, resumable together" {
	run -0 --separate-stderr pxr-imagenet --also squash64,squash32,160 --base 0 --jobs 2 --shards 3 --out one "$SAMPLE"
	for v in squash64 squash32 160; do
		for s in train val; do
			if [[ $v == squash* ]]; then
				# Squashed from the notebook's decode of the
				# others: that decode, then the box filter.
				n=$(pxr-list --count "$SAMPLE/ILSVRC2012_img_$s.tar")
				mkdir -p "sep$v"
				pxr-pack --create "$n" --size "${v#squash}" "sep$v/X_$s.raw" "sep$v/Y_$s.raw"
				pxr-list "$SAMPLE/ILSVRC2012_img_$s.tar" | pxr-decode --like notebook |
					pxr-resize --size "${v#squash}x${v#squash}" --filter box |
					pxr-label --synsets "$SAMPLE/LOC_synset_mapping.txt" \
						--val-labels "$SAMPLE/validation_labels.txt" |
					pxr-pack --quiet "sep$v/X_$s.raw" "sep$v/Y_$s.raw"
				cmp "one/Y_$s.raw" "one/Y_${s}_$v.raw"
			else
				[ -d "sep$v" ] || run -0 --separate-stderr pxr-imagenet --size "$v" --base 0 --out "sep$v" "$SAMPLE"
				cmp "sep$v/Y_$s.raw" "one/Y_${s}_$v.raw"
			fi
			cmp "sep$v/X_$s.raw" "one/X_${s}_$v.raw"
		done
	done
	run -0 --separate-stderr pxr-imagenet --base 0 --out main "$SAMPLE"
	cmp main/X_train.raw one/X_train.raw
	# A set left behind by an interruption is completed by the next run.
	"$PY" -c 'f = open("one/X_train_squash32.raw.status", "r+b"); f.write(bytes(5))'
	run -0 --separate-stderr pxr-imagenet --also squash64,squash32,160 --base 0 --jobs 2 --shards 3 --out one "$SAMPLE"
	cmp sepsquash32/X_train.raw one/X_train_squash32.raw
	run -0 "$PY" -c 'import json; m = json.load(open("one/X_val_squash64.raw.manifest.json")); print(m["shape"], m["recipe"]["resize"], m["recipe"]["filter"], m["label_base"])'
	assert_output "[64, 64, 3, 8] 64x64 (squash: the whole image) box 0"
}

@test "reference: the manifest's mean and std are numpy's over X, after an interrupted and resumed run; --base 0 gives 0-based Y" {
	mkdir -p slow
	printf '#!/bin/sh\nsleep 1\nexec %s/pxr-pack "$@"\n' "$PXR_BUILD" > slow/pxr-pack
	chmod +x slow/pxr-pack
	PATH=$PWD/slow:$PATH setsid pxr-imagenet --base 0 --jobs 1 --shards 5 --split train --out o "$SAMPLE" 2>/dev/null &
	pid=$!
	for _ in $(seq 100); do
		[ -f o/X_train.raw.status ] && [ "$(tr -cd '\001' < o/X_train.raw.status | wc -c)" -ge 4 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || true
	done_before=$(tr -cd '\001' < o/X_train.raw.status | wc -c)
	[ "$done_before" -ge 4 ] && [ "$done_before" -lt 20 ]
	run -0 --separate-stderr pxr-imagenet --base 0 --jobs 2 --split train --out o "$SAMPLE"
	run -0 "$PY" - o/X_train.raw <<-'PY'
	import json, sys
	import numpy as np
	m = json.load(open(sys.argv[1] + ".manifest.json"))
	x = np.fromfile(sys.argv[1], np.uint8).reshape(m["c_shape"])  # julia: [N][C][W][H]
	mean = [x[:, c].mean(dtype=np.float64) for c in range(3)]
	std = [x[:, c].std(dtype=np.float64) for c in range(3)]
	s = m["stats"]
	assert s["images"] == 20
	for k in range(3):
	    assert abs(s["mean_255"][k] - mean[k]) < 1e-9, (s["mean_255"], mean)
	    assert abs(s["std_255"][k] - std[k]) < 1e-9, (s["std_255"], std)
	    assert abs(s["mean"][k] - mean[k] / 255) < 1e-9 and abs(s["std"][k] - std[k] / 255) < 1e-9
	y = np.fromfile(sys.argv[1].replace("X_", "Y_"), "<u2")
	syn = [l.split()[0] for l in open(m["recipe"]["classes"])]
	want = [syn.index(n.split("/")[0]) for n in sorted(l.split("\t")[1].strip() for l in
	        __import__("subprocess").run(["pxr-list", "--names", m["recipe"]["source"]],
	                                     capture_output=True, text=True).stdout.splitlines())]
	assert list(y) == want and min(y) == 0, (list(y), want)
	assert m["label_base"] == 0 and m["recipe"]["labels"] == "u16 base 0"
	print("ok")
	PY
	assert_output "ok"
}
