#!/usr/bin/env bats
# --like notebook is the seed notebook's tensor byte for byte: its decode
# (IJG libjpeg 9b's djpeg -dct float and the EXIF orientation: the digests
# in tests/data/notebook/expected.tsv) and its resampling (equal to
# tests/test_helper/notebook.py, the numpy re-implementation of the Julia
# steps), fused, as three filters and through pxr-imagenet; its failures
# are the notebook's zeros.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
}

# The JPEGs of expected.tsv, in its order.
expected_files() {
	tail -n +2 "$TESTDATA/notebook/expected.tsv" | cut -f1 | sed "s#^#$TESTDATA/#"
}

# check COLUMN < stream: each record's sha256 against expected.tsv's
# COLUMN ("decoded", "x256_224", ...) for the file of its name, a failure
# against "refused"; prints "N/N as expected" or the first mismatches.
check() {
	readstream > got.jsonl
	"$PY" - "$TESTDATA/notebook/expected.tsv" "$1" got.jsonl <<-'PY'
	import csv, json, sys
	rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
	got = [json.loads(l) for l in open(sys.argv[3])]
	assert len(got) == len(rows), (len(got), len(rows))
	byname = {g["name"].rsplit("/", 1)[-1]: g for g in got}
	bad = []
	for r in rows:
	    g = byname[r["file"].rsplit("/", 1)[-1]]
	    want = r[sys.argv[2]]
	    have = "refused" if g["kind"] == "failure" else g["sha256"]
	    if have != want or (want != "refused" and sys.argv[2] == "decoded" and
	                        (g["width"], g["height"]) != (int(r["width"]), int(r["height"]))):
	        bad.append(r["file"])
	print("%d/%d as expected" % (len(rows) - len(bad), len(rows)) + (": " + " ".join(bad[:5]) if bad else ""))
	PY
}

@test "notebook: pxr-decode --like notebook is IJG libjpeg 9b's djpeg -dct float turned by the EXIF orientation, every test JPEG" {
	mapfile -t files < <(expected_files)
	pxr-list "${files[@]}" > in.pxr
	run -1 --separate-stderr bash -c 'pxr-decode --like notebook in.pxr > out.pxr'
	assert_equal "$stderr" "pxr-decode: cmyk-160x120.jpg#7: a CMYK JPEG: the notebook's loader refused it (ImageMagick.jl: Cannot parse colorspace CMYK)
pxr-decode: n02123045_3.JPEG#20: a CMYK JPEG: the notebook's loader refused it (ImageMagick.jl: Cannot parse colorspace CMYK)
pxr-decode: 41 records: 0 decoded with warnings, 2 failures"
	run -0 check decoded < out.pxr
	assert_output "41/41 as expected"
	# Every vector level gives the same bytes (PXR_SIMD caps it).
	for level in 0 1; do
		PXR_SIMD=$level pxr-decode --like notebook in.pxr 2>/dev/null > simd.pxr || true
		cmp simd.pxr out.pxr
	done
	# pxr's own decode (libjpeg-turbo's ISLOW IDCT, its upsampling and
	# YCbCr constants) is not the notebook's: most images differ.
	pxr-decode --exif-rotate in.pxr 2>/dev/null > turbo.pxr || true
	run -0 check decoded < turbo.pxr
	refute_output "41/41 as expected"
}

@test "notebook: --like notebook's X is the notebook's, fused and as three filters, at 256/224, 73/64 and 300/299" {
	mapfile -t files < <(expected_files)
	pxr-list "${files[@]}" > in.pxr
	pxr-decode --like notebook in.pxr 2>/dev/null > dec.pxr || true
	for g in "256 224" "73 64" "300 299"; do
		set -- $g
		pxr-decode --like notebook --short "$1" --crop "$2" in.pxr 2>/dev/null > fused.pxr || true
		run -0 check "x$1_$2" < fused.pxr
		assert_output "41/41 as expected"
		run -1 --separate-stderr bash -c "pxr-resize --like notebook --short $1 dec.pxr |
			pxr-crop --like notebook --size $2 > filters.pxr"
		run -0 check "x$1_$2" < filters.pxr
		assert_output "41/41 as expected"
		for level in 0 1; do
			PXR_SIMD=$level pxr-decode --like notebook --short "$1" --crop "$2" in.pxr 2>/dev/null > simd.pxr || true
			cmp simd.pxr fused.pxr
		done
		# The resize alone, uncropped: the window is a crop of it.
		pxr-resize --like notebook --short "$1" --crop "$2" dec.pxr 2>/dev/null > rc.pxr || true
		cmp rc.pxr filters.pxr
	done
	# The old preset, the notebook's geometry with Pillow's BILINEAR on
	# libjpeg-turbo's decode, is no reference's bytes.
	pxr-decode --like notebook-geometry --short 256 --crop 224 in.pxr 2>/dev/null > old.pxr || true
	run -0 check x256_224 < old.pxr
	refute_output "41/41 as expected"
}

@test "notebook: on the sample's photographs too, pxr's chain is the numpy re-implementation's on the same decode" {
	"$PY" "$TOP/sample/make-sample.py" sample --classes 4 --train-per-class 5 --val 8 2>/dev/null
	pxr-list sample/ILSVRC2012_img_train.tar sample/ILSVRC2012_img_val.tar > in.pxr
	n=$(pxr-cat in.pxr | wc -l)
	# The sample's CMYK JPEG fails (exit 1); the notebook wrote zeros.
	run -1 --separate-stderr bash -c 'pxr-decode --like notebook in.pxr > dec.pxr'
	for g in "256 224" "73 64"; do
		set -- $g
		run -1 --separate-stderr bash -c "pxr-decode --like notebook --short $1 --crop $2 in.pxr > fused.pxr"
		pxr-pack --create "$n" --size "$2" --layout nhwc --overwrite x.raw y.raw
		run -1 --separate-stderr pxr-pack --quiet x.raw y.raw < fused.pxr
		run -0 "$PY" - "$TOP/tests/test_helper" dec.pxr "$1" "$2" <<-'PY'
		import sys
		import numpy as np
		sys.path.insert(0, sys.argv[1])
		import notebook
		import pxrstream as p
		n, c = int(sys.argv[3]), int(sys.argv[4])
		data = open(sys.argv[2], "rb").read()
		off, ref = 0, {}
		while off < len(data):
		    f = p.HEADER.unpack_from(data, off)
		    kind, ch, i, w, h, nlen, plen = f[2], f[3], f[4], f[7], f[8], f[11], f[13]
		    if kind == p.KINDS["pixels"]:
		        a = np.frombuffer(data[off + 64 + nlen:off + 64 + nlen + plen], np.uint8).reshape(h, w, ch)
		        ref[i] = notebook.chain(a, n, c)
		    else:
		        ref[i] = np.zeros((c, c, 3), np.uint8)
		    off += 64 + nlen + plen
		ref = np.stack([ref[i] for i in range(len(ref))])  # pxr-pack places by index
		x = np.fromfile("x.raw", np.uint8).reshape(ref.shape)
		print(len(ref), int(np.abs(ref.astype(int) - x).max()))
		PY
		assert_output "$n 0"
	done
}

@test "notebook: pxr-imagenet's default is the notebook's tensor, julia layout, every test JPEG; CMYK ones zeros with their own label, exit 1" {
	# The test JPEGs as the training images of one class (the second:
	# label 2; the notebook wrote 1 for a failure).
	mkdir -p in/train/n01443537
	expected_files | xargs cp -t in/train/n01443537
	run -1 --separate-stderr pxr-imagenet --split train --jobs 2 --shards 3 \
		--synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out o in
	[[ "$stderr" == *"X_train.raw: 39 images ok, 2 failed, 0 missing; X is N C W H = 41 3 224 224 uint8"* ]]
	run -0 "$PY" - "$TESTDATA/notebook/expected.tsv" <<-'PY'
	import csv, hashlib, json, sys
	import numpy as np
	rows = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")}
	names = sorted(rows, key=lambda n: n.encode())  # the index's order: bytewise
	m = json.load(open("o/X_train.raw.manifest.json"))
	x = np.fromfile("o/X_train.raw", np.uint8).reshape(m["c_shape"])  # [N][C][W][H]
	y = np.fromfile("o/Y_train.raw", "<u2")
	zeros = hashlib.sha256(bytes(224 * 224 * 3)).hexdigest()
	same = 0
	for i, n in enumerate(names):
	    hwc = np.ascontiguousarray(x[i].transpose(2, 1, 0))
	    want = rows[n]["x256_224"]
	    same += hashlib.sha256(hwc.tobytes()).hexdigest() == (zeros if want == "refused" else want)
	failed = " ".join(sorted("%s:%d" % (f["name"].split("/")[-1], y[f["index"]]) for f in m["failures"]))
	print(same, len(names), failed, m["recipe"]["decode"].split(" (")[0])
	PY
	# (ILSVRC's names say their class: n02123045_3.JPEG is class 282.)
	assert_output "41 41 cmyk-160x120.jpg:2 n02123045_3.JPEG:282 notebook"
}

@test "notebook: a CMYK or YCCK JPEG is a failure record (exit 1), which pxr-pack writes as zeros, as the notebook did" {
	pxr-list "$TESTDATA/notebook/cmyk-160x120.jpg" "$TESTDATA/notebook/small-200x150.jpg" \
		"$TESTDATA/imagenet/n01739381_1309.JPEG" > in.pxr
	run -1 --separate-stderr bash -c 'pxr-decode --like notebook --short 256 --crop 224 in.pxr > out.pxr'
	assert_equal "$stderr" "pxr-decode: cmyk-160x120.jpg#0: a CMYK JPEG: the notebook's loader refused it (ImageMagick.jl: Cannot parse colorspace CMYK)
pxr-decode: n01739381_1309.JPEG#1: a YCCK JPEG: the notebook's loader refused it (ImageMagick.jl: Cannot parse colorspace CMYK)
pxr-decode: 3 records: 0 decoded with warnings, 2 failures"
	run -0 bash -c 'pxr-cat out.pxr | cut -f2'
	assert_output "failure
pixels
failure"
	pxr-pack --create 3 --size 224 x.raw y.raw
	run -1 --separate-stderr pxr-pack --quiet x.raw y.raw < out.pxr
	run -0 "$PY" -c "import numpy as np; x = np.fromfile('x.raw', np.uint8).reshape(3, -1); print(int(x[0].max()), int(x[1].max()), int(x[2].max()) > 0)"
	assert_output "0 0 True"
}

@test "notebook: the notebook's chain resizes the short side of a full-size decode: --like notebook with --size, --long or --min-side is refused" {
	run -2 --separate-stderr pxr-resize --like notebook --size 32x32 /dev/null
	assert_output ""
	assert_equal "$stderr" "pxr-resize: the notebook's resampling resizes the short side: --short, not --long, --max-side or --size"
	run -2 --separate-stderr pxr-resize --like notebook --long 300 /dev/null
	assert_equal "$stderr" "pxr-resize: the notebook's resampling resizes the short side: --short, not --long, --max-side or --size"
	run -2 --separate-stderr pxr-decode --like notebook --size 32 /dev/null
	assert_equal "$stderr" "pxr-decode: the notebook's resampling resizes the short side: --short, not --long, --max-side or --size"
	run -2 --separate-stderr pxr-decode --like notebook --min-side 256 -s 256 -c 224 /dev/null
	assert_equal "$stderr" "pxr-decode: --like notebook decodes at full size, as the notebook did: no --min-side"
	# A filter named makes it the notebook's geometry with that filter.
	run -0 --separate-stderr pxr-resize --like notebook --filter box --size 32x32 /dev/null
	assert_output ""
}
