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

@test "pxr-unpack: records not decoded are said once, naming pxr-decode, and counted; failures each named; exit 1" {
	for i in 0 1 2 3 4 5 6 7 8; do mkjpeg 8 6 "i$i.jpg"; done
	pxr-list i?.jpg > enc.pxr
	run -1 --separate-stderr pxr-unpack -o '%i.png' enc.pxr
	assert_output ""
	assert_equal "$stderr" "pxr-unpack: the records are encoded images, not pixels: decode them first (pxr-list ... | pxr-decode | pxr-unpack)
pxr-unpack: 9 records not decoded: no image written for them"
	run -0 find . -name '*.png'
	assert_output ""
	# Among pixels and failures: the pixels written, each failure named.
	mkpixels px.pxr 4x3x3 fail:gone
	cat px.pxr enc.pxr > mixed.pxr
	run -1 --separate-stderr pxr-unpack --sheet 2x1 -o sheet.png mixed.pxr
	assert_equal "$stderr" "pxr-unpack: img1.JPEG#1: failure record: no image to write
pxr-unpack: the records are encoded images, not pixels: decode them first (pxr-list ... | pxr-decode | pxr-unpack)
pxr-unpack: 9 records not decoded: no image written for them"
	[ -s sheet.png ]
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
	# Two rows of 12-pixel images, each over a 26-pixel caption band.
	assert_output "(80, 76)"
	# The same seed draws the same images.
	a=$(pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-cat | cut -f1 | xargs)
	b=$(pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-cat | cut -f1 | xargs)
	assert_equal "$a" "$b"
}

@test "pxr-unpack: --random draws distinct images: --random N of N images gives each index once, more gives all, and a seed the same list twice" {
	specs=()
	for i in $(seq 0 11); do specs+=(4x3x3); done
	mkpixels in.pxr "${specs[@]}"
	pxr-pack --create 12 --size 4x3 X_s.raw Y_s.raw
	pxr-pack X_s.raw Y_s.raw < in.pxr
	for seed in 1 2 3 4 5 6 7 8; do
		for k in 12 20; do
			pxr-unpack --tensor X_s.raw --random $k --seed $seed > r.pxr
			run -0 bash -c 'set -o pipefail; pxr-cat r.pxr | cut -f1 | sort -n | xargs'
			assert_output "0 1 2 3 4 5 6 7 8 9 10 11"
		done
		# Ten of twelve: ten distinct indices.
		run -0 bash -c "set -o pipefail; pxr-unpack --tensor X_s.raw --random 10 --seed $seed | pxr-cat | cut -f1 | sort -u | wc -l"
		assert_output 10
	done
	run -0 bash -c 'set -o pipefail; pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-cat | cut -f1 | xargs'
	a=$output
	run -0 bash -c 'set -o pipefail; pxr-unpack --tensor X_s.raw --random 10 --seed 3 | pxr-cat | cut -f1 | xargs'
	assert_equal "$output" "$a"
	# Each record is the image at its index, with its label.
	run -0 bash -c 'set -o pipefail; pxr-unpack --tensor X_s.raw --random 3 --seed 3 | pxr-cat | cut -f1,4 | xargs'
	read -r -a f <<< "$a"
	assert_output "${f[0]} $((f[0] + 1)) ${f[1]} $((f[1] + 1)) ${f[2]} $((f[2] + 1))"
}

@test "pxr-unpack: each image of a sheet is captioned with its index, label and class words, as Pillow draws the text" {
	mkpixels in.pxr 100x60x3 100x60x3 100x60x3
	printf 'n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\nn01484850 great white shark\n' > classes.txt
	pxr-pack --create 3 --size 100x60 X_s.raw Y_s.raw
	"$PY" - <<-'PY'
	import sys, os
	sys.path.insert(0, os.environ["TOP"] + "/tests/test_helper")
	import pxrstream as p, numpy as np
	# labels 3, 1 and none: captions "great white shark", "tench" and the name
	with open("lab.pxr", "wb") as f:
	    for i, lab in enumerate((3, 1, -1)):
	        a = np.full((60, 100, 3), 40 * i, np.uint8)
	        f.write(p.record("pixels", i, "img%d.JPEG" % i, a.tobytes(), label=lab, width=100, height=60, channels=3))
	PY
	pxr-unpack --sheet 3x1 --classes classes.txt -o sheet.png lab.pxr
	run -0 "$PY" - <<-'PY'
	import numpy as np
	from PIL import Image, ImageDraw, ImageFont
	got = np.asarray(Image.open("sheet.png")).astype(int)
	want = Image.new("RGB", (300, 86), (128, 128, 128))
	d = ImageDraw.Draw(want)
	font = ImageFont.load_default()
	for k, (l1, l2) in enumerate((("#0 y=3", "great white shark"), ("#1 y=1", "tench"), ("#2 no label", "img2.JPEG"))):
	    d.rectangle((100 * k, 0, 100 * k + 99, 59), fill=(40 * k,) * 3)
	    d.rectangle((100 * k, 60, 100 * k + 99, 85), fill=(32, 32, 32))
	    # Text cut at the cell's width less 4 pixels, 6 a character.
	    for y, text in ((62, l1), (74, l2)):
	        d.text((100 * k + 2, y), text[:(100 - 4) // 6], fill=(255, 255, 255), font=font)
	want = np.asarray(want).astype(int)
	# Pictures and bands exactly; the text as Pillow draws it with the
	# same bitmap font, but for the odd glyph that Pillow starts a pixel
	# left of its cell (y, j): 97% of the text pixels in common.
	text_w, text_g = want == 255, got == 255
	assert (want[~text_w & ~text_g] == got[~text_w & ~text_g]).all()
	common = (text_w & text_g).sum()
	print(common / text_w.sum() > 0.97, common / text_g.sum() > 0.97)
	PY
	assert_output "True True"
	# Another base moves every class name.
	pxr-unpack --sheet 3x1 --classes classes.txt --base 0 -o sheet0.png lab.pxr
	! cmp -s sheet.png sheet0.png
}

@test "pxr-unpack: a stream cut short is an error (exit 2) naming the damage, and no sheet is written" {
	mkjpeg 16 16 a.jpg
	mkjpeg 20 12 b.jpg
	pxr-list a.jpg b.jpg > enc.pxr
	pxr-decode enc.pxr > px.pxr
	head -c "$(( $(stat -c %s px.pxr) - 100 ))" px.pxr > cut.pxr
	run -2 --separate-stderr pxr-unpack --sheet 2x1 -o sheet.png cut.pxr
	[[ "$stderr" == "pxr-unpack: cut.pxr: byte "*"b.jpg#1: truncated: "* ]]
	[ ! -e sheet.png ]
	run -2 --separate-stderr pxr-unpack -o '%i.png' cut.pxr
	[[ "$stderr" == *"b.jpg#1: truncated: "* ]]
	[ -e 0.png ] && [ ! -e 1.png ]
}

@test "pxr-unpack: an option given in a mode where it does nothing is refused with the usage, exit 2" {
	load test_helper/usage
	echo n01440764 > c.txt
	# Files and sheets: the tensor's options.
	refused "pxr-unpack: --classes goes with --sheet" pxr-unpack --classes c.txt in.pxr
	refused "pxr-unpack: --base goes with --classes" pxr-unpack --sheet 2x1 -b 0 in.pxr
	refused "pxr-unpack: --force goes with --tensor" pxr-unpack -f in.pxr
	refused "pxr-unpack: --labels goes with --tensor" pxr-unpack --labels Y_ in.pxr
	refused "pxr-unpack: --pick goes with --tensor" pxr-unpack --pick 1 in.pxr
	refused "pxr-unpack: --random goes with --tensor" pxr-unpack --random 3 in.pxr
	# --tensor writes records, no files.
	refused "pxr-unpack: --format does not go with --tensor" pxr-unpack --tensor X_ --format ppm
	refused "pxr-unpack: --output does not go with --tensor" pxr-unpack --tensor X_ -o %i.png
	refused "pxr-unpack: --sheet does not go with --tensor" pxr-unpack --tensor X_ --sheet 2x1
	refused "pxr-unpack: --seed goes with --random" pxr-unpack --tensor X_ --seed 5
	refused "pxr-unpack: --seed goes with --random" pxr-unpack --tensor X_ --pick 1 --seed 5
}

@test "pxr-unpack: usage errors" {
	run -2 --separate-stderr pxr-unpack --format gif
	assert_equal "$stderr" "pxr-unpack: unknown --format 'gif' (png, ppm)"
	run -2 --separate-stderr pxr-unpack --sheet 65x1
	assert_equal "$stderr" "pxr-unpack: --sheet 65x1: at most 64x64"
	run -2 --separate-stderr pxr-unpack --sheet 3by2
	assert_equal "$stderr" "pxr-unpack: --sheet wants N or CxR, not '3by2'"
	run -2 --separate-stderr pxr-unpack --tensor X_ --random 0
	assert_equal "$stderr" "pxr-unpack: --random wants a number from 1 to 16777216, not '0'"
	run -2 --separate-stderr pxr-unpack --tensor X_ --random 1 --seed -1
	assert_equal "$stderr" "pxr-unpack: --seed wants a whole number, not '-1'"
	run -0 pxr-unpack --help
	assert_line --index 0 --partial "usage: pxr-unpack"
}

@test "pxr-unpack: a sheet captions a class folder named with a space, a backslash or a comma with its whole name" {
	mkdir -p tree/dog 'tree/zebra crossing' 'tree/back\slash' tree/a,b
	for d in dog 'zebra crossing' 'back\slash' a,b; do
		mkpng 100 60 "tree/$d/i.png"
	done
	printf '%s\n' dog 'zebra\ crossing' 'back\\slash' a,b > classes.txt
	pxr-list tree | pxr-decode | pxr-label --classes classes.txt > lab.pxr
	run -0 --separate-stderr pxr-unpack --sheet 4x1 --classes classes.txt -o sheet.png lab.pxr
	assert_output ""
	assert_equal "$stderr" ""
	# The same captions as words of other ids: the same sheet.
	printf '%s\n' 'c1 dog' 'c2 zebra crossing' 'c3 back\slash' a,b > words.txt
	pxr-unpack --sheet 4x1 --classes words.txt -o words.png lab.pxr
	run -0 cmp sheet.png words.png
	# And not the sheet of the name cut at its escaped space.
	printf '%s\n' 'c1 dog' 'c2 crossing' 'c3 back\slash' a,b > cut.txt
	pxr-unpack --sheet 4x1 --classes cut.txt -o cut.png lab.pxr
	run -1 cmp -s sheet.png cut.png
	# A class list with a bad line: exit 2, naming it, no sheet.
	printf 'dog\nback\\slash\n' > bad.txt
	run -2 --separate-stderr pxr-unpack --sheet 4x1 --classes bad.txt -o bad.png lab.pxr
	assert_equal "$stderr" "pxr-unpack: bad.txt:2: '\\' before 's' is not an escape (write '\\\\' for a backslash)"
	[ ! -e bad.png ]
}
