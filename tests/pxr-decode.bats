#!/usr/bin/env bats
# pxr-decode: JPEG and PNG records to pixel records, checked pixel by pixel
# against Pillow (python3-pil, which links the same libjpeg-turbo: exact
# match expected), djpeg, or the pixels a PNG was made from.
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	load test_helper/decode
	cd "$BATS_FILE_TMPDIR"
	# A PPM for cjpeg, and JPEGs of every kind.
	mkjpeg 97 61 base.jpg 95 0
	"$PY" -c 'from PIL import Image; Image.open("base.jpg").save("base.ppm")'
	mkjpeg 97 61 s420.jpg 90 2
	mkjpeg 97 61 s422.jpg 90 1
	mkjpeg 97 61 s444.jpg 90 0
	mkjpeg 97 61 prog.jpg 90 2 progressive=1
	mkjpeg 97 61 gray.jpg 90 0 mode=L
	mkjpeg 97 61 cmyk.jpg 90 0 mode=CMYK
	cjpeg -arithmetic base.ppm > arith.jpg
	cjpeg -restart 1 base.ppm > restart.jpg
	cjpeg -rgb base.ppm > rgb.jpg
	cjpeg -sample 4x1 base.ppm > s411.jpg
	cjpeg -sample 1x2 base.ppm > s440.jpg
	cjpeg -progressive -arithmetic -sample 1x1 base.ppm > progarith.jpg
	cjpeg -grayscale -restart 2 base.ppm > grayrst.jpg
	# PNGs of every Pillow mode, and of what Pillow cannot write.
	for m in RGB RGBA L LA P 1; do
		mkpng 45 31 "png-$m.png" "$m"
	done
	mkpngraw 45 31 raw-gray16.png 0 16 0
	mkpngraw 45 31 raw-rgb16.png 2 16 0
	mkpngraw 45 31 raw-rgba16-adam7.png 6 16 1
	mkpngraw 45 31 raw-gray1.png 0 1 0
	mkpngraw 45 31 raw-gray4-adam7.png 0 4 1
	mkpngraw 45 31 raw-pal2-trns-adam7.png 3 2 1
	mkpngraw 45 31 raw-graya8.png 4 8 0
	mkpngraw 3 2 raw-tiny-adam7.png 2 8 1
	cp png-RGBA.png png-named.JPEG
}

setup() {
	load test_helper/common
	load test_helper/decode
	cd "$BATS_FILE_TMPDIR"
}

@test "pxr-decode: --help to stdout exit 0; bad option: usage on stderr, exit 2" {
	run -0 --separate-stderr pxr-decode --help
	assert_line --index 0 "usage: pxr-decode [-efghV] [--lenient | --strict] [--max-pixels n]"
	assert_line --index 2 "                  [--square] [-s n [--halve] [-c n|wxh [-a align]]"
	assert_output --partial "--min-side S"
	assert_equal "$stderr" ""
	run -0 --separate-stderr pxr-decode --version
	assert_line --index 0 "pxr-decode (pxr) 0.1.0"
	assert_line --index 1 --partial "libjpeg-turbo 2.1"
	run -2 --separate-stderr pxr-decode --bogus
	assert_output ""
	assert_equal "${stderr_lines[1]}" "usage: pxr-decode [-efghV] [--lenient | --strict] [--max-pixels n]"
}

@test "pxr-decode: conflicting or malformed options exit 2 with a message" {
	run -2 --separate-stderr pxr-decode --strict --lenient
	assert_output ""
	assert_equal "$stderr" "pxr-decode: --lenient and --strict cannot be combined"
	run -2 --separate-stderr pxr-decode --exact --min-side 256
	assert_equal "$stderr" "pxr-decode: --exact and --min-side cannot be combined"
	run -2 --separate-stderr pxr-decode --min-side 25x
	assert_equal "$stderr" "pxr-decode: --min-side wants a side of 1 to 1048576 pixels, not '25x'"
	run -2 --separate-stderr pxr-decode --max-pixels 0
	assert_equal "$stderr" "pxr-decode: --max-pixels wants a number from 1 to 1099511627776, not '0'"
}

@test "pxr-decode: JPEGs of every kind equal Pillow's decode exactly, index, label, name and size kept" {
	files=(s420.jpg s422.jpg s444.jpg prog.jpg gray.jpg cmyk.jpg arith.jpg
	    restart.jpg rgb.jpg s411.jpg s440.jpg progarith.jpg grayrst.jpg)
	encstream "${files[@]}" > in.pxr
	run -0 --separate-stderr decode_to out.pxr < in.pxr
	assert_equal "$stderr" ""
	run -0 --separate-stderr pxcompare out.pxr
	assert_equal "${#lines[@]}" 13
	run -0 pxfields out.pxr
	assert_line --index 0 "0 pixels 97x61x3 97x61 100 0 s420.jpg"
	assert_line --index 5 "5 pixels 97x61x3 97x61 105 0 cmyk.jpg"
	assert_line --index 12 "12 pixels 97x61x3 97x61 112 0 grayrst.jpg"
	run -0 pxr-cat --check out.pxr
}

@test "pxr-decode: CMYK and YCCK (Adobe) JPEGs give Pillow's convert(\"RGB\")" {
	t=$TESTDATA
	cp "$t/imagenet/n01739381_1309.JPEG" ycck.JPEG
	cp "$t/jpeg/moz-jpg-cmyk-1.jpg" "$t/jpeg/moz-jpg-cmyk-2.jpg" \
	    "$t/jpeg/pillow-pil_sample_cmyk.jpg" .
	encstream ycck.JPEG moz-jpg-cmyk-1.jpg moz-jpg-cmyk-2.jpg \
	    pillow-pil_sample_cmyk.jpg cmyk.jpg > in.pxr
	pxr-decode in.pxr > out.pxr
	run -0 --separate-stderr pxcompare out.pxr
	assert_line --index 0 "ycck.JPEG 500x375x3 maxdiff=0"
	assert_equal "${#lines[@]}" 5
}

@test "pxr-decode: --gray keeps grayscale JPEG and PNG as one channel, colour stays RGB" {
	encstream gray.jpg grayrst.jpg png-L.png png-LA.png raw-gray4-adam7.png s420.jpg png-P.png > in.pxr
	pxr-decode --gray in.pxr > out.pxr
	run -0 pxfields out.pxr
	assert_line --index 0 "0 pixels 97x61x1 97x61 100 0 gray.jpg"
	assert_line --index 2 "2 pixels 45x31x1 45x31 102 0 png-L.png"
	assert_line --index 4 "4 pixels 45x31x1 45x31 104 0 raw-gray4-adam7.png"
	assert_line --index 5 "5 pixels 97x61x3 97x61 105 0 s420.jpg"
	assert_line --index 6 "6 pixels 45x31x3 45x31 106 0 png-P.png"
	run -0 --separate-stderr pxcompare out.pxr
}

@test "pxr-decode: PNGs of every mode, depth and interlacing; alpha dropped, 16-bit to high byte" {
	files=(png-RGB.png png-RGBA.png png-L.png png-LA.png png-P.png raw-gray16.png
	    png-1.png raw-rgb16.png raw-rgba16-adam7.png raw-gray1.png
	    raw-gray4-adam7.png raw-pal2-trns-adam7.png raw-graya8.png
	    raw-tiny-adam7.png)
	encstream "${files[@]}" > in.pxr
	run -0 --separate-stderr decode_to out.pxr in.pxr
	assert_equal "$stderr" ""
	run -0 --separate-stderr pxcompare out.pxr
	assert_equal "${#lines[@]}" 14
	assert_line --index 13 "raw-tiny-adam7.png 3x2x3 maxdiff=0"
}

@test "pxr-decode: a PNG named .JPEG is told by its bytes and decoded" {
	encstream png-named.JPEG "$TESTDATA/imagenet/n02105855_2933.JPEG" > in.pxr
	pxr-decode in.pxr > out.pxr
	run -0 --separate-stderr pxcompare out.pxr
	assert_line --index 0 "png-named.JPEG 45x31x3 maxdiff=0"
	assert_output --partial "n02105855_2933.JPEG 213x189x3 maxdiff=0"
}

@test "pxr-decode: --min-side picks the smallest of 1/8, 2/8, 4/8, 8/8 at the boundaries" {
	# Shortest side S=32: 256 = 8S -> 1/8; 249 -> ceil(249/8) = 32 -> 1/8;
	# 248 -> 31 -> 2/8 = 62; 64 -> 4/8; 63 -> ceil(31.5) = 32 -> 4/8;
	# 33 and S itself -> 8/8; S-1 -> 8/8, never enlarged.
	for s in 256 249 248 64 63 33 32 31; do
		mkjpeg 300 "$s" "side$s.jpg" 90 2
	done
	mkjpeg 256 700 tall.jpg 90 2
	encstream side256.jpg side249.jpg side248.jpg side64.jpg side63.jpg \
	    side33.jpg side32.jpg side31.jpg tall.jpg png-RGB.png > in.pxr
	run -0 --separate-stderr decode_to out.pxr --min-side 32 in.pxr
	assert_equal "$stderr" ""
	run -0 pxfields out.pxr
	assert_line --index 0 "0 pixels 38x32x3 300x256 100 0 side256.jpg"
	assert_line --index 1 "1 pixels 38x32x3 300x249 101 0 side249.jpg"
	assert_line --index 2 "2 pixels 75x62x3 300x248 102 0 side248.jpg"
	assert_line --index 3 "3 pixels 150x32x3 300x64 103 0 side64.jpg"
	assert_line --index 4 "4 pixels 150x32x3 300x63 104 0 side63.jpg"
	assert_line --index 5 "5 pixels 300x33x3 300x33 105 0 side33.jpg"
	assert_line --index 6 "6 pixels 300x32x3 300x32 106 0 side32.jpg"
	assert_line --index 7 "7 pixels 300x31x3 300x31 107 0 side31.jpg"
	assert_line --index 8 "8 pixels 32x88x3 256x700 108 0 tall.jpg"
	assert_line --index 9 "9 pixels 45x31x3 45x31 109 0 png-RGB.png"
	# The scaled pixels are libjpeg's DCT scaling, as Pillow's draft().
	run -0 --separate-stderr pxcompare out.pxr scaled
	# --exact, and no option, decode at full size.
	pxr-decode --exact in.pxr > full.pxr
	run -0 pxfields full.pxr
	assert_line --index 0 "0 pixels 300x256x3 300x256 100 0 side256.jpg"
}

@test "pxr-decode: --exif-rotate applies orientations 2..8 as Pillow's exif_transpose, default ignores them" {
	t=$TESTDATA/jpeg
	for o in 2 3 4 5 6; do
		cp "$t/pillow-hopper_orientation_$o.jpg" "o$o.jpg"
	done
	"$PY" -c '
from PIL import Image
im = Image.open("s420.jpg")
for o in (5, 6, 7, 8):
    ex = Image.Exif()
    ex[0x0112] = o
    im.save("wide%d.jpg" % o, quality=90, exif=ex.tobytes())
'
	encstream o2.jpg o3.jpg o4.jpg o5.jpg o6.jpg wide5.jpg wide6.jpg wide7.jpg wide8.jpg s420.jpg > in.pxr
	run -0 --separate-stderr decode_to out.pxr --exif-rotate in.pxr
	assert_equal "$stderr" ""
	run -0 --separate-stderr pxcompare out.pxr exif
	assert_equal "${#lines[@]}" 10
	run -0 pxfields out.pxr
	assert_line --index 6 "6 pixels 61x97x3 61x97 106 0 wide6.jpg"
	assert_line --index 8 "8 pixels 61x97x3 61x97 108 0 wide8.jpg"
	assert_line --index 9 "9 pixels 97x61x3 97x61 109 0 s420.jpg"
	# With scaling the rotation applies to the scaled image.
	run -0 --separate-stderr decode_to small.pxr --exif-rotate --min-side 16 in.pxr
	run -0 pxfields small.pxr
	assert_line --index 6 "6 pixels 16x25x3 61x97 106 0 wide6.jpg"
	# Without the option, the pixels are as stored.
	run -0 --separate-stderr decode_to plain.pxr in.pxr
	run -0 pxfields plain.pxr
	assert_line --index 6 "6 pixels 97x61x3 97x61 106 0 wide6.jpg"
	run -0 --separate-stderr pxcompare plain.pxr
}

@test "pxr-decode: every bad-input image of tests/data/MANIFEST.tsv gives its expected outcome in one run" {
	t=$TESTDATA
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
	    $1 ~ /^(jpeg|imagenet)\// { print $1 "\t" $col["expect"] }' \
	    "$t/MANIFEST.tsv" > expect.tsv
	[ "$(wc -l < expect.tsv)" -eq 96 ]
	cut -f1 expect.tsv | "$PY" -c '
import json, sys
for i, p in enumerate(l.strip() for l in sys.stdin):
    print(json.dumps({"kind": "encoded", "index": i, "name": p,
                      "payload_file": sys.argv[1] + "/" + p}))' "$t" |
	    mkstream > bad.pxr
	run -1 timeout 120 bash -c 'pxr-decode bad.pxr > out.pxr 2> err.txt'
	pxfields out.pxr > fields.txt
	run -0 "$PY" - <<-'PYEOF'
	import sys
	exp = [l.rstrip("\n").split("\t") for l in open("expect.tsv")]
	got = [l.split(" ", 6) for l in open("fields.txt").read().splitlines()]
	err = open("err.txt").read().splitlines()
	assert len(got) == len(exp), (len(got), len(exp))
	bad = 0
	for i, ((path, expect), g) in enumerate(zip(exp, got)):
	    assert int(g[0]) == i and g[6] == path, (i, g)
	    prefix = "pxr-decode: %s#%d: " % (path, i)
	    mine = [l[len(prefix):] for l in err if l.startswith(prefix)]
	    if g[1] == "pixels":
	        w, h, c = g[2].split("x")
	        full = g[3] == "%sx%s" % (w, h)
	        warned = g[5] == "1" and len(mine) == 1 and \
	            mine[0].startswith("warning: ")
	        clean = g[5] == "0" and not mine
	        outcome = "ok" if clean and full else \
	            "warn" if warned and full else "bad"
	    else:
	        outcome = "reject" if len(mine) == 1 and \
	            not mine[0].startswith("warning") else "bad"
	    if outcome not in expect.split("|"):
	        print("%s: expected %s, got %s %s" % (path, expect, outcome, mine))
	        bad += 1
	    else:
	        print("%s: %s %s" % (path, outcome, mine[0] if mine else ""))
	sys.exit(1 if bad else 0)
	PYEOF
	assert_line "jpeg/syn-sof-65500x65500.JPEG: reject JPEG declares 65500x65500 = 4290250000 pixels, over the limit of 178956970 (--max-pixels)"
	assert_line "jpeg/syn-html-404.JPEG: reject not an image: HTML or XML text, 157 bytes, starts with 0x3c 0x21 0x44 0x4f"
	assert_line "jpeg/syn-empty.JPEG: reject not an image: empty (0 bytes)"
	assert_line "jpeg/syn-truncated-50pct.JPEG: reject Premature end of JPEG file"
	assert_line "jpeg/jd-extraneous-data.jpg: warn warning: Corrupt JPEG data: 3 extraneous bytes before marker 0xd9"
	run -0 grep -c . fields.txt
	assert_output 96
	run -0 tail -n 1 err.txt
	assert_output "pxr-decode: 96 records: 14 decoded with warnings, 39 failures"
	# The decoded ones equal Pillow's (or djpeg's) decode exactly.
	cd "$t"
	run -0 --separate-stderr pxcompare "$BATS_FILE_TMPDIR/out.pxr"
}

@test "pxr-decode: --strict fails on warnings, --lenient accepts truncated data with a warning" {
	t=$TESTDATA/jpeg
	cp "$t/jd-extraneous-data.jpg" "$t/syn-truncated-50pct.JPEG" .
	encstream jd-extraneous-data.jpg syn-truncated-50pct.JPEG s420.jpg > in.pxr
	run -1 --separate-stderr decode_to out.pxr --strict in.pxr
	assert_equal "${stderr_lines[0]}" "pxr-decode: jd-extraneous-data.jpg#0: Corrupt JPEG data: 3 extraneous bytes before marker 0xd9"
	assert_equal "${stderr_lines[1]}" "pxr-decode: syn-truncated-50pct.JPEG#1: Premature end of JPEG file"
	assert_equal "${stderr_lines[2]}" "pxr-decode: 3 records: 0 decoded with warnings, 2 failures"
	pxr-decode --lenient in.pxr > out.pxr 2> err.txt
	run -0 cat err.txt
	assert_line --index 0 "pxr-decode: jd-extraneous-data.jpg#0: warning: Corrupt JPEG data: 3 extraneous bytes before marker 0xd9"
	assert_line --index 1 --partial "pxr-decode: syn-truncated-50pct.JPEG#1: warning: Premature end of JPEG file"
	assert_line --index 2 "pxr-decode: 3 records: 2 decoded with warnings, 0 failures"
	run -0 pxfields out.pxr
	assert_line --index 1 "1 pixels 512x384x3 512x384 101 1 syn-truncated-50pct.JPEG"
	assert_line --index 2 "2 pixels 97x61x3 97x61 102 0 s420.jpg"
}

@test "pxr-decode: a progressive JPEG of over 500 scans (a scan bomb) is refused, 100 extra scans decode with a warning" {
	"$PY" -c '
b = open("prog.jpg", "rb").read()
last = b[b.rfind(b"\xff\xda"):-2]
for n in (100, 600):
    open("scans%d.jpg" % n, "wb").write(b[:-2] + last * n + b"\xff\xd9")
'
	encstream scans100.jpg scans600.jpg > in.pxr
	run -1 --separate-stderr decode_to out.pxr in.pxr
	assert_equal "${stderr_lines[0]}" "pxr-decode: scans100.jpg#0: warning: Inconsistent progression sequence for component 0 coefficient 1 (and 6399 more warnings)"
	assert_equal "${stderr_lines[1]}" "pxr-decode: scans600.jpg#1: more than 500 scans (a scan bomb), refused"
	run -0 pxfields out.pxr
	assert_line --index 0 "0 pixels 97x61x3 97x61 100 1 scans100.jpg"
}

@test "pxr-decode: --max-pixels refuses larger images, the limit itself passes" {
	encstream s420.jpg png-RGB.png > in.pxr
	run -1 --separate-stderr decode_to out.pxr --max-pixels 5916 in.pxr
	assert_equal "${stderr_lines[0]}" "pxr-decode: s420.jpg#0: JPEG declares 97x61 = 5917 pixels, over the limit of 5916 (--max-pixels)"
	assert_equal "${#stderr_lines[@]}" 2
	run -1 --separate-stderr decode_to out.pxr --max-pixels 1394 in.pxr
	assert_equal "${stderr_lines[1]}" "pxr-decode: png-RGB.png#1: PNG declares 45x31 = 1395 pixels, over the limit of 1394 (--max-pixels)"
	run -0 --separate-stderr decode_to out.pxr --max-pixels 5917 in.pxr
	assert_equal "$stderr" ""
}

@test "pxr-decode: failure and pixel records pass through unchanged, damaged PNG and non-images fail" {
	head -c 94 png-RGB.png > cut.png
	printf 'GIF89a\x01\x00\x01\x00' > pic.gif
	printf 'hello, world\n' > hello.txt
	mkstream > in.pxr <<-'EOF'
	{"kind": "failure", "index": 0, "label": 7, "name": "gone.JPEG", "payload_text": "listed as missing"}
	{"kind": "pixels", "index": 1, "label": 8, "width": 2, "height": 1, "channels": 3, "orig_width": 9, "orig_height": 9, "name": "px", "payload_hex": "010203040506"}
	{"kind": "encoded", "index": 2, "name": "cut.png", "payload_file": "cut.png"}
	{"kind": "encoded", "index": 3, "name": "pic.gif", "payload_file": "pic.gif"}
	{"kind": "encoded", "index": 4, "name": "hello.txt", "payload_file": "hello.txt"}
	{"kind": "encoded", "index": 5, "name": "s420.jpg", "payload_file": "s420.jpg"}
	EOF
	run -1 --separate-stderr decode_to out.pxr in.pxr
	assert_output ""
	assert_equal "${stderr_lines[0]}" "pxr-decode: cut.png#2: PNG: PNG data ends early"
	assert_equal "${stderr_lines[1]}" "pxr-decode: pic.gif#3: not an image: a GIF image, 10 bytes, starts with 0x47 0x49 0x46 0x38"
	assert_equal "${stderr_lines[2]}" "pxr-decode: hello.txt#4: not an image: text, 13 bytes, starts with 0x68 0x65 0x6c 0x6c"
	assert_equal "${stderr_lines[3]}" "pxr-decode: 6 records: 0 decoded with warnings, 4 failures"
	readstream < in.pxr | head -n 2 > want.jsonl
	readstream < out.pxr > got.jsonl
	run -0 head -n 2 got.jsonl
	assert_output "$(cat want.jsonl)"
	run -0 pxfields out.pxr
	assert_line --index 2 "2 failure 0x0x0 0x0 -1 0 cut.png"
	assert_line --index 5 "5 pixels 97x61x3 97x61 -1 0 s420.jpg"
}

@test "pxr-decode: reads stdin by default and with -, writes nothing for an empty stream" {
	encstream s420.jpg > in.pxr
	run -0 bash -c 'set -o pipefail; pxr-decode < in.pxr | pxr-cat'
	assert_output "0	pixels	97x61x3	100	s420.jpg	17751"
	run -0 bash -c 'set -o pipefail; pxr-decode - < in.pxr | pxr-cat'
	assert_output "0	pixels	97x61x3	100	s420.jpg	17751"
	run -0 --separate-stderr bash -c 'pxr-decode < /dev/null | wc -c'
	assert_output 0
	assert_equal "$stderr" ""
}

@test "pxr-decode: a reader that goes away ends it with exit 2 and no message (the reader says why it stopped)" {
	mkjpeg 600 600 big.jpg 50 2
	encstream big.jpg big.jpg big.jpg big.jpg big.jpg > in.pxr
	# 5.4 MB of pixels cannot fit the 1 MiB pipe that head leaves.
	run -0 bash -c 'pxr-decode in.pxr 2> err.txt | head -c 10 > /dev/null
	    echo "${PIPESTATUS[0]}"'
	assert_output 2
	run -0 cat err.txt
	assert_output ""
}

@test "pxr-decode: a damaged input stream is an error naming it, exit 2" {
	printf 'not a pxr stream at all, long enough for a header, really it is...' > junk.pxr
	run -2 --separate-stderr pxr-decode junk.pxr
	assert_output ""
	[[ "$stderr" == "pxr-decode: junk.pxr: "* ]]
}

@test "pxr-decode --short --crop: the bytes and outcomes of pxr-decode | pxr-resize --crop, every kind of JPEG, damaged ones too" {
	# Photograph-sized images of each subsampling, so that the window is
	# a real part of the image; cjpeg for what Pillow cannot write.
	mkjpeg 500 375 l420.jpg 90 2
	mkjpeg 375 500 p422.jpg 92 1
	mkjpeg 641 479 l444.jpg 96 0 progressive=1
	mkjpeg 333 517 gray.jpg 90 0 mode=L
	mkjpeg 520 390 cmyk.jpg 90 0 mode=CMYK
	mkjpeg 700 300 wide.jpg 85 2
	"$PY" -c 'from PIL import Image; Image.open("l420.jpg").save("l420.ppm")'
	cjpeg -sample 4x1 l420.ppm > s411.jpg
	cjpeg -sample 1x2 -restart 3 l420.ppm > s440.jpg
	cjpeg -arithmetic -sample 2x2 l420.ppm > arith.jpg
	"$PY" -c '
from PIL import Image
ex = Image.Exif(); ex[0x0112] = 6
Image.open("l420.jpg").save("rot6.jpg", quality=90, exif=ex.tobytes())'
	mkpng 400 300 photo.png
	cp "$TESTDATA"/jpeg/syn-truncated-50pct.JPEG \
	    "$TESTDATA"/jpeg/jd-extraneous-data.jpg .
	files=(l420.jpg p422.jpg l444.jpg gray.jpg cmyk.jpg wide.jpg s411.jpg
	    s440.jpg arith.jpg rot6.jpg photo.png syn-truncated-50pct.JPEG
	    jd-extraneous-data.jpg "$BATS_FILE_TMPDIR"/prog.jpg)
	encstream "${files[@]}" > in.pxr
	for args in "--short 256 --crop 224" "--short 224 --crop 224 --align seed --filter lanczos3" \
	    "--short 96 --crop 80x64 --filter gaussian" "--short 300 --crop 260x290 --filter bicubic" \
	    "--short 180 --crop 150x170 --filter hamming" "--short 512 --crop 600"; do
		for scale in "" "--min-side ${args#--short }"; do
			scale=${scale%% --*}
			run -1 bash -c "pxr-decode $scale in.pxr 2> /dev/null | pxr-resize $args > piped.pxr"
			run -1 bash -c "pxr-decode $scale ${args/--short/-s} in.pxr > fused.pxr 2> err.txt"
			cmp piped.pxr fused.pxr || fail "pxr-decode $scale $args differs from the pipe"
		done
	done
	run -0 grep -c 'syn-truncated-50pct.JPEG#11: Premature end of JPEG file' err.txt
	run -0 grep -c 'jd-extraneous-data.jpg#12: warning: Corrupt JPEG data' err.txt
	run -0 bash -c 'pxr-cat fused.pxr | cut -f2,3 | tr "\t" " " | sort | uniq -c | tr -s " "'
	assert_output " 1 failure -
 13 pixels 600x600x3"
}

@test "pxr-decode: the shaping options without the resize they shape are refused with the usage, exit 2" {
	load test_helper/usage
	refused "pxr-decode: --crop goes with --short or --crop-pct" pxr-decode --crop 224
	refused "pxr-decode: --crop goes with --short or --crop-pct" pxr-decode --size 8x8 --crop 4
	refused "pxr-decode: --crop-pct goes with --crop" pxr-decode --crop-pct 0.9
	refused "pxr-decode: --crop-pct gives the short side: not with --short" pxr-decode --crop-pct 0.9 --short 256 --crop 224
	refused "pxr-decode: --crop-pct wants a square --crop N, not 224x200" pxr-decode --crop-pct 0.9 --crop 224x200
	refused "pxr-decode: --align goes with --crop" pxr-decode --short 256 --align seed
	refused "pxr-decode: --align goes with --crop" pxr-decode -a center
	refused "pxr-decode: --filter goes with --short, --size, --max-side or --crop-pct" pxr-decode -F box
	refused "pxr-decode: --like torchvision goes with --short, --max-side, --size or --crop-pct (alone: --like notebook, its decode)" pxr-decode --like torchvision
	refused "pxr-decode: --like notebook-geometry goes with --short, --max-side, --size or --crop-pct (alone: --like notebook, its decode)" pxr-decode --like notebook-geometry
	refused "pxr-decode: --like timm goes with --short, --max-side, --size or --crop-pct (alone: --like notebook, its decode)" pxr-decode --like timm
	refused "pxr-decode: --round goes with --short, --max-side or --crop-pct" pxr-decode --round down
	refused "pxr-decode: --round goes with --short, --max-side or --crop-pct" pxr-decode --size 32 --round notebook
	run -2 --separate-stderr pxr-decode --short 0
	assert_equal "$stderr" "pxr-decode: --short wants a side of 1 to 1048576 pixels, not '0'"
}
