#!/usr/bin/env bats
# Variable-size sets (--keep-ratio, --also maxN/shortN): whole images at
# their aspect ratio, back to back in X at the offsets X.index gives, laid
# out from the headers before any decoding; Pillow's and torchvision's
# pixels at the references' sizes, the same bytes however the job runs.
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	make_small_sample
}

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
}

# The files of a tree in the order of its set (names sorted as bytes).
tree_files() {
	find "$1" -type f | LC_ALL=C sort
}

# The members of the sample's training tar, extracted, in its set's order.
train_files() {
	mkdir -p tx
	tar -xf "$SAMPLE/ILSVRC2012_img_train.tar" -C tx
	for t in tx/*.tar; do
		mkdir -p "${t%.tar}"
		tar -xf "$t" -C "${t%.tar}"
	done
	find tx -name '*.JPEG' | LC_ALL=C sort
}

@test "keep: pxr-folder --keep-ratio --short N gives torchvision's Resize(N) of every photograph at the prefix sums of the sizes; 1, 2 or 4 jobs, 1, 5 or 15 shards, the same bytes" {
	cp -r "$TESTDATA/photos/train" tree
	run -0 --separate-stderr pxr-folder --keep-ratio --short 64 --jobs 1 --out a tree
	mapfile -t files < <(tree_files tree)
	run -0 "$PY" "$TOP/tests/test_helper/reference.py" ragged torchvision:64 triangle a/X_data.raw "${files[@]}"
	assert_output "offsets: prefix sums
15/15 identical, max 0"
	run -0 --separate-stderr pxr-folder --keep-ratio --short 64 --jobs 2 --shards 5 --sheet --out b tree
	run -0 --separate-stderr pxr-folder --keep-ratio --short 64 --jobs 4 --shards 15 --out d tree
	for f in X_data.raw X_data.raw.index Y_data.raw X_data.raw.status; do
		cmp "a/$f" "b/$f"
		cmp "a/$f" "d/$f"
	done
	# The sheet of images of their own sizes; pxr-verify reads the set
	# by its index.
	run -0 "$PY" -c 'from PIL import Image; print(Image.open("b/sheet_data.png").format)'
	assert_output PNG
	run -0 --separate-stderr pxr-verify b/X_data.raw
	"$PY" -c 'f = open("b/X_data.raw", "r+b"); f.seek(5000); c = f.read(1); f.seek(5000); f.write(bytes([c[0] ^ 1]))'
	run -1 --separate-stderr pxr-verify b/X_data.raw
	[[ "$stderr" == *"14 as packed, 1 changed"* ]]
	# The manifest says what X is: no fixed shape, the index's rows.
	run -0 "$PY" -c 'import json; m = json.load(open("a/X_data.raw.manifest.json")); print(m["layout"], m["axes"], m["ragged"]["row"], m["ragged"]["bytes"], m["recipe"]["crop"])'
	assert_output "nhwc ['N', 'H', 'W', 'C'] ['offset <u8', 'height <u4', 'width <u4'] $(stat -c %s a/X_data.raw) none"
	# Another filter: torchvision's bicubic.
	run -0 --separate-stderr pxr-folder --keep-ratio --short 48 --filter bicubic --out c tree
	run -0 "$PY" "$TOP/tests/test_helper/reference.py" ragged torchvision:48 bicubic c/X_data.raw "${files[@]}"
	assert_output "offsets: prefix sums
15/15 identical, max 0"
	# pxr-unpack gives an image back at its own size.
	pxr-unpack --tensor a/X_data.raw --pick 3 > one.pxr
	run -0 "$PY" - <<-'PY'
	import sys, os
	import numpy as np
	sys.path.insert(0, os.environ["TOP"] + "/tests/test_helper")
	import pxrstream
	r = pxrstream.records(open("one.pxr", "rb").read())[0]
	idx = np.fromfile("a/X_data.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])
	o, h, w = (int(v) for v in idx[3])
	X = np.fromfile("a/X_data.raw", np.uint8)
	print(r["index"] == 3 and r["width"] == w and r["height"] == h and r["payload"] == X[o:o + h * w * 3].tobytes())
	PY
	assert_output True
}

@test "keep: pxr-imagenet --keep-ratio --max-side N: FFCV's sizes with Pillow's pixels; no image enlarged; the sizes are those pxr-list --dims reads" {
	mapfile -t files < <(train_files)
	run -0 --separate-stderr pxr-imagenet --keep-ratio --max-side 100 --split train --jobs 2 --out o "$SAMPLE"
	run -0 "$PY" "$TOP/tests/test_helper/reference.py" ragged ffcv:100 triangle o/X_train.raw "${files[@]}"
	assert_output "offsets: prefix sums
24/24 identical, max 0"
	[[ "$(cat o/.pxr/train_recipe 2>/dev/null || cat o/.pxr/train.recipe)" == *"resize keep ratio: the long side to at most 100, never enlarged"* ]]
	# Over every image's long side: each kept at its stored size.
	run -0 --separate-stderr pxr-imagenet --keep-ratio --max-side 5000 --split train --out big "$SAMPLE"
	pxr-list --dims "$SAMPLE/ILSVRC2012_img_train.tar" | awk -F'\t' '{ print $3, $2 }' > dims
	"$PY" -c 'import numpy as np; [print(h, w) for o, h, w in np.fromfile("big/X_train.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])]' > rows
	cmp dims rows
	run -0 "$PY" "$TOP/tests/test_helper/reference.py" ragged ffcv:5000 triangle big/X_train.raw "${files[@]}"
	assert_output "offsets: prefix sums
24/24 identical, max 0"
}

@test "keep: --also max100,short64 beside the fixed set, in one decode: each set the bytes of its own run" {
	run -0 --separate-stderr pxr-imagenet --like torchvision --also max100,short64 --split train --out all "$SAMPLE"
	run -0 --separate-stderr pxr-imagenet --like torchvision --split train --out fixed "$SAMPLE"
	run -0 --separate-stderr pxr-imagenet --keep-ratio --max-side 100 --split train --out max "$SAMPLE"
	run -0 --separate-stderr pxr-imagenet --keep-ratio --short 64 --split train --out short "$SAMPLE"
	cmp fixed/X_train.raw all/X_train.raw
	cmp max/X_train.raw all/X_train_max100.raw
	cmp max/X_train.raw.index all/X_train_max100.raw.index
	cmp short/X_train.raw all/X_train_short64.raw
	cmp short/Y_train.raw all/Y_train_short64.raw
	# The notebook's chain (pxr-imagenet's default) keeps the short side
	# only: its whole images are the three filters' own.
	run -0 --separate-stderr pxr-imagenet --also short64 --split train --out nb "$SAMPLE"
	pxr-list "$SAMPLE/ILSVRC2012_img_train.tar" | pxr-decode --like notebook |
		pxr-resize --like notebook --short 64 > seq.pxr
	run -0 "$PY" - <<-'PY'
	import sys, os
	import numpy as np
	sys.path.insert(0, os.environ["TOP"] + "/tests/test_helper")
	import pxrstream
	recs = pxrstream.records(open("seq.pxr", "rb").read())
	idx = np.fromfile("nb/X_train_short64.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])
	X = open("nb/X_train_short64.raw", "rb").read()
	same = sum(X[o:o + h * w * 3] == r["payload"] and (h, w) == (r["height"], r["width"])
	           for r, (o, h, w) in zip(recs, idx.tolist()))
	print(len(recs), same)
	PY
	assert_output "24 24"
	run -2 --separate-stderr pxr-imagenet --also max100 --split train --out nb2 "$SAMPLE"
	[[ "$stderr" == *"the notebook's chain (pxr-imagenet's default) resizes the short side"* ]]
}

@test "keep: a corrupt JPEG, one without a size, a CMYK JPEG and a PNG named .JPEG: failures named with zeros in their places, the others Pillow's" {
	mkdir -p tree/a tree/b
	cp "$TESTDATA/photos/train/n02123045/n02123045_1.JPEG" tree/a/1.JPEG
	cp "$TESTDATA/imagenet/n01739381_1309.JPEG" tree/a/2-cmyk.JPEG
	cp "$TESTDATA/imagenet/n02105855_2933.JPEG" tree/a/3-png.JPEG
	head -c 3000 "$TESTDATA/photos/train/n04008634/n04008634_1.JPEG" > tree/b/4-cut.JPEG
	printf '<html>not found</html>\n' > tree/b/5-html.JPEG
	cp "$TESTDATA/photos/train/n04350905/n04350905_1.JPEG" tree/b/6.JPEG
	run -1 --separate-stderr pxr-folder --keep-ratio --short 40 --out o tree
	[[ "$stderr" == *"5-html.JPEG#4: "* ]]
	run -0 "$PY" -c 'import json; print(sorted(f["name"] for f in json.load(open("o/X_data.raw.manifest.json"))["failures"]))'
	assert_output "['b/4-cut.JPEG', 'b/5-html.JPEG']"
	assert_equal "$(od -An -tu1 -v o/X_data.raw.status | tr -s ' ' | sed 's/^ //')" "1 1 1 2 2 1"
	TESTDATA=$TESTDATA run -0 "$PY" - <<-'PY'
	import os
	import numpy as np
	from PIL import Image
	from torchvision import transforms
	idx = np.fromfile("o/X_data.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])
	X = np.fromfile("o/X_data.raw", np.uint8)
	names = ["a/1.JPEG", "a/2-cmyk.JPEG", "a/3-png.JPEG", "b/4-cut.JPEG", "b/5-html.JPEG", "b/6.JPEG"]
	for i, n in enumerate(names):
	    o, h, w = (int(v) for v in idx[i])
	    got = X[o:o + h * w * 3]
	    if i == 4:   # no size: no room
	        print(n, h, w, got.size)
	        continue
	    if i == 3:   # cut: its size from its intact header, all zeros
	        whole = "%s/photos/train/n04008634/n04008634_1.JPEG" % os.environ["TESTDATA"]
	        ref = np.asarray(transforms.Resize(40)(Image.open(whole).convert("RGB")))
	        print(n, ref.shape == (h, w, 3), int(got.max()))
	        continue
	    ref = np.asarray(transforms.Resize(40)(Image.open("tree/" + n).convert("RGB")))
	    print(n, ref.shape == (h, w, 3) and bool((ref == got.reshape(h, w, 3)).all()))
	PY
	assert_output "a/1.JPEG True
a/2-cmyk.JPEG True
a/3-png.JPEG True
b/4-cut.JPEG True 0
b/5-html.JPEG 0 0 0
b/6.JPEG True"
}

@test "keep: an image whose size differs from the one planned (replaced by one of another size between plan and shard) fails with zeros in its place; the set is not shifted" {
	mkdir -p tree/c
	mkjpeg 120 80 tree/c/1.jpg
	mkjpeg 90 90 tree/c/2.jpg
	mkjpeg 100 70 tree/c/3.jpg
	mkjpeg 80 120 other.jpg
	# The same name and byte count (trailing bytes after EOI, which
	# libjpeg never reads): the source's fingerprint cannot tell.
	a=$(stat -c %s tree/c/2.jpg) b=$(stat -c %s other.jpg)
	if [ "$a" -lt "$b" ]; then
		head -c $((b - a)) /dev/zero >> tree/c/2.jpg
	else
		head -c $((a - b)) /dev/zero >> other.jpg
	fi
	run -0 --separate-stderr pxr-folder --keep-ratio --short 40 --out ref tree
	run -0 --separate-stderr pxr-folder plan --keep-ratio --short 40 --out o tree
	jobs=$output
	cp other.jpg tree/c/2.jpg
	while IFS= read -r line; do
		bash -c "$line" 2>>shard.err || true
	done < "$jobs"
	[[ "$(cat shard.err)" == *"c/2.jpg"*"40x40"* ]]
	run -1 --separate-stderr pxr-folder finish --out o
	assert_equal "$(od -An -tu1 -v o/X_data.raw.status | tr -s ' ' | sed 's/^ //')" "1 2 1"
	cmp ref/X_data.raw.index o/X_data.raw.index
	"$PY" - <<-'PY'
	import numpy as np
	idx = np.fromfile("o/X_data.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])
	a = np.fromfile("ref/X_data.raw", np.uint8)
	b = np.fromfile("o/X_data.raw", np.uint8)
	o1, h1, w1 = (int(v) for v in idx[1])
	assert not b[o1:o1 + h1 * w1 * 3].any()
	assert (a[:o1] == b[:o1]).all() and (a[o1 + h1 * w1 * 3:] == b[o1 + h1 * w1 * 3:]).all()
	PY
}

@test "keep: a run killed midway (kill -9 of its whole process group) resumes to the bytes of a clean run" {
	run -0 --separate-stderr pxr-imagenet --keep-ratio --short 64 --jobs 2 --split train --out ref "$SAMPLE"
	done_before=$(kill_midway out/X_train.raw.status pxr-imagenet --keep-ratio \
		--short 64 --jobs 1 --shards 24 --split train --out out "$SAMPLE")
	[ "$done_before" -ge 1 ]
	run -0 --separate-stderr pxr-imagenet --keep-ratio --short 64 --jobs 2 --split train --out out "$SAMPLE"
	for f in X_train.raw X_train.raw.index Y_train.raw X_train.raw.status; do
		cmp "ref/$f" "out/$f"
	done
	# Another side over the same set is refused, as any other recipe.
	run -2 --separate-stderr pxr-imagenet --keep-ratio --short 72 --split train --out out "$SAMPLE"
	[[ "$stderr" == *"another recipe"* ]]
}

@test "keep: --keep-ratio's usage errors say what is wrong and exit 2" {
	tv=(--like torchvision --split train --out o "$SAMPLE")
	run -2 --separate-stderr pxr-imagenet --keep-ratio "${tv[@]}"
	[[ "$stderr" == *"--keep-ratio wants one of --max-side N and --short N"* ]]
	run -2 --separate-stderr pxr-imagenet --keep-ratio --short 64 --max-side 100 "${tv[@]}"
	[[ "$stderr" == *"--keep-ratio wants one of --max-side N and --short N"* ]]
	run -2 --separate-stderr pxr-imagenet --max-side 100 "${tv[@]}"
	[[ "$stderr" == *"--max-side"*"keep-ratio"* ]]
	run -2 --separate-stderr pxr-imagenet --keep-ratio --short 64 --size 224 "${tv[@]}"
	[[ "$stderr" == *"--keep-ratio keeps the whole image: no --size"* ]]
	run -2 --separate-stderr pxr-imagenet --keep-ratio --short 64 --npy "${tv[@]}"
	[[ "$stderr" == *"no --npy"* ]]
	run -2 --separate-stderr pxr-imagenet --also short64 --fast "${tv[@]}"
	[[ "$stderr" == *"no --fast"* ]]
	run -2 --separate-stderr pxr-imagenet --keep-ratio --max-side 64 --like adm --split train --out o "$SAMPLE"
	[[ "$stderr" == *"--like adm crops"* ]]
	run -2 --separate-stderr pxr-imagenet --keep-ratio --max-side 64 --like notebook --split train --out o "$SAMPLE"
	[[ "$stderr" == *"the notebook's chain resizes the short side"* ]]
	run -2 --separate-stderr pxr-imagenet --keep-ratio --short 64 --layout julia "${tv[@]}"
	[[ "$stderr" == *"(nhwc): no --layout julia"* ]]
	run -2 --separate-stderr pxr-imagenet --also max0 "${tv[@]}"
	[[ "$stderr" == *"--also wants squashN, N, maxN or shortN items, not 'max0'"* ]]
	[ ! -e o/X_train.raw ]
}

@test "keep: the numpy reader and the Dataset of pxr-pack(1), as printed, give each image as a view of X and RandomResizedCrops of it" {
	sed -n '/^\.\\" BEGIN ragged.py/,/^\.\\" END ragged.py/p' "$TOP/man/pxr-pack.1" |
		grep -v -e '^\.' > ragged.py
	[ "$(grep -c 'class PxrRaggedSet' ragged.py)" -eq 1 ]
	sed -n '/^\.\\" BEGIN ragged-numpy.py/,/^\.\\" END ragged-numpy.py/p' "$TOP/man/pxr-pack.1" |
		grep -v -e '^\.' > numpy_reader.py
	cp -r "$TESTDATA/photos/train" tree
	mkdir -p tree/n00000000
	printf 'junk' > tree/n00000000/bad.JPEG
	run -1 --separate-stderr pxr-folder --keep-ratio --short 64 --name train --out o tree
	cd o
	run -0 "$PY" - <<-'PY'
	import numpy as np
	exec(open("../numpy_reader.py").read())
	idx = np.fromfile("X_train.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])
	o, h, w = (int(v) for v in idx[1])
	assert img.shape == (h, w, 3) and np.shares_memory(img, X)
	assert (img == np.fromfile("X_train.raw", np.uint8)[o:o + h * w * 3].reshape(h, w, 3)).all()
	print("numpy ok")
	PY
	assert_output "numpy ok"
	run -0 "$PY" - <<-'PY'
	import sys
	import numpy as np
	import torch
	from torchvision import transforms
	sys.path.insert(0, "..")
	from ragged import PxrRaggedSet
	d = PxrRaggedSet("X_train.raw")
	assert len(d) == 15 and 0 not in d.index, d.index   # the junk left out
	X = np.fromfile("X_train.raw", np.uint8)
	idx = np.fromfile("X_train.raw.index", [("o", "<u8"), ("h", "<u4"), ("w", "<u4")])
	for k, i in enumerate(d.index):
	    v = d.image(i)
	    o, h, w = (int(x) for x in idx[i])
	    assert v.shape == (h, w, 3) and np.shares_memory(v, d.X)
	    assert (v == X[o:o + h * w * 3].reshape(h, w, 3)).all()
	    img, lab = d[k]
	    assert img.dtype == torch.uint8 and tuple(img.shape) == (3, h, w)
	    assert lab == k // 3 + 1, (k, lab)   # class 0 is the junk's
	torch.manual_seed(0)
	t = PxrRaggedSet("X_train.raw", transforms.RandomResizedCrop(32))
	img, lab = t[4]
	assert tuple(img.shape) == (3, 32, 32) and img.dtype == torch.uint8
	print("dataset ok")
	PY
	assert_output "dataset ok"
}

@test "keep: --exif-rotate turns each JPEG by its EXIF orientation, the sizes laid out turned: Pillow's exif_transpose, then torchvision's Resize" {
	mkdir -p tree/a
	mkjpeg 90 60 base.jpg
	"$PY" - <<-'PY'
	from PIL import Image
	im = Image.open("base.jpg")
	for o in (1, 3, 6, 8):
	    ex = Image.Exif()
	    ex[0x0112] = o
	    im.save("tree/a/o%d.jpg" % o, quality=90, exif=ex.tobytes())
	PY
	run -0 --separate-stderr pxr-folder --keep-ratio --short 40 --exif-rotate --out o tree
	run -0 --separate-stderr pxr-folder --keep-ratio --short 40 --out plain tree
	grep -q '^exif_rotate ' o/.pxr/data.recipe
	run -0 "$PY" - <<-'PY'
	import numpy as np
	from PIL import Image, ImageOps
	from torchvision import transforms
	row = [("o", "<u8"), ("h", "<u4"), ("w", "<u4")]
	for out, turn in (("o", True), ("plain", False)):
	    idx = np.fromfile(out + "/X_data.raw.index", row)
	    X = np.fromfile(out + "/X_data.raw", np.uint8)
	    res = []
	    for i, o in enumerate((1, 3, 6, 8)):
	        im = Image.open("tree/a/o%d.jpg" % o)
	        im = (ImageOps.exif_transpose(im) if turn else im).convert("RGB")
	        ref = np.asarray(transforms.Resize(40)(im))
	        p, h, w = (int(v) for v in idx[i])
	        res.append("%dx%d %s" % (w, h, ref.shape == (h, w, 3) and
	                                 bool((X[p:p + h * w * 3].reshape(h, w, 3) == ref).all())))
	    print(out, *res)
	PY
	assert_output "o 60x40 True 60x40 True 40x60 True 40x60 True
plain 60x40 True 60x40 True 60x40 True 60x40 True"
}

@test "keep: --retry-failed takes a damaged image replaced by a whole one of its size, decoding it alone, to a clean run's bytes; one of another size is refused" {
	mkdir -p tree/a clean/a
	mkjpeg 120 80 clean/a/1.jpg
	mkjpeg 90 100 clean/a/2.jpg
	mkjpeg 100 70 clean/a/3.jpg
	cp clean/a/1.jpg clean/a/3.jpg tree/a/
	head -c 700 clean/a/2.jpg > tree/a/2.jpg
	run -1 --separate-stderr pxr-folder --keep-ratio --short 40 --out o tree
	cp clean/a/2.jpg tree/a/2.jpg
	run -0 --separate-stderr pxr-folder --keep-ratio --short 40 --retry-failed --out o tree
	[[ "$stderr" == *"3 images (2 done before)"* ]]
	run -0 --separate-stderr pxr-folder --keep-ratio --short 40 --out ref clean
	cmp ref/X_data.raw o/X_data.raw
	cmp ref/X_data.raw.index o/X_data.raw.index
	# A failed image replaced by one of another size moves every image
	# after it: refused, nothing remade.
	head -c 700 clean/a/1.jpg > tree/a/1.jpg
	run -1 --separate-stderr pxr-folder --keep-ratio --short 40 --overwrite --out p tree
	mkjpeg 200 80 tree/a/1.jpg
	run -2 --separate-stderr pxr-folder --keep-ratio --short 40 --retry-failed --out p tree
	[[ "$stderr" == *"other image sizes"* ]]
	assert_equal "$(od -An -tu1 -v p/X_data.raw.status | tr -s ' ' | sed 's/^ //')" "2 1 1"
}

@test "keep: a wide and a tall image together: no buffer of the largest width by the largest height anywhere (packing, pxr-verify, pxr-unpack)" {
	if [ -n "${ASAN_OPTIONS:-}" ]; then
		skip "ulimit -v cannot hold a sanitizer's shadow memory (make check)"
	fi
	mkdir -p tree/a
	mkpng 30000 2 tree/a/wide.png
	mkpng 2 30000 tree/a/tall.png
	# 30000 x 30000 x 3 bytes would be 2.7 GB; each image is 180 KB.
	run -0 --separate-stderr bash -c 'ulimit -v 1500000 && pxr-folder --keep-ratio --short 2 --out o tree'
	run -0 --separate-stderr bash -c 'ulimit -v 1500000 && pxr-verify o/X_data.raw'
	run -0 --separate-stderr bash -c 'ulimit -v 1500000 && pxr-unpack --tensor o/X_data.raw --pick 0,1 > two.pxr'
	run -0 pxr-cat two.pxr
	assert_line --index 0 --partial "pixels	2x30000x3"
	assert_line --index 1 --partial "pixels	30000x2x3"
}
