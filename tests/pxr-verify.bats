#!/usr/bin/env bats
# pxr-verify: packed sets read again and checked against the CRC-32C
# pxr-pack kept of each image: a byte flipped in X or in Y names exactly
# that image; a copy verifies clean; a set that cannot be verified (made
# before the checksums, not finished, changed since, not whole) says why,
# exit 2.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
}

# mkset [PACK_ARGS...]: X_s.raw and Y_s.raw (i32 labels, cat 1, dog 2) of
# the 8 JPEGs of 16x16 of src/ in the order of pxr-list's index idx.txt:
# cat/a b e f (0-3), dog/c d g h (4-7), dog/c.jpg not a JPEG (a failure);
# listed, decoded, labelled, packed and finished as pxr-imagenet does.
mkset() {
	local q=95 n
	mkdir -p src/cat src/dog
	for n in cat/a cat/b cat/e cat/f dog/d dog/g dog/h; do
		mkjpeg 16 16 src/$n.jpg $q
		q=$((q - 5))
	done
	echo 'not a JPEG' > src/dog/c.jpg
	printf 'cat\ndog\n' > classes.txt
	pxr-list --index idx.txt src
	pxr-pack --create 8 --size 16 --label-type i32 "$@" X_s.raw Y_s.raw
	run -1 bash -c 'set -o pipefail; pxr-list -I idx.txt | pxr-decode |
		pxr-label --classes classes.txt | pxr-pack X_s.raw Y_s.raw'
	run -1 pxr-pack --finish X_s.raw Y_s.raw
}

# flip FILE OFFSET: the byte at OFFSET of FILE xor 1.
flip() {
	"$PY" -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); b = f.read(1)
f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 1]))' "$1" "$2"
}

@test "pxr-verify: a set as packed verifies clean, exit 0; so does a copy of it made whole elsewhere" {
	mkset
	run -0 --separate-stderr pxr-verify X_s.raw
	assert_output ""
	assert_equal "$stderr" "pxr-verify: X_s.raw: 8 images: 8 as packed, 0 changed, 0 missing"
	mkdir copy
	cp X_s.raw X_s.raw.* Y_s.raw copy/
	run -0 --separate-stderr pxr-verify copy/X_s.raw
	assert_output ""
	assert_equal "$stderr" "pxr-verify: copy/X_s.raw: 8 images: 8 as packed, 0 changed, 0 missing"
	run -0 --separate-stderr pxr-verify -q --labels copy/Y_s.raw copy/X_s.raw
	assert_output ""
	assert_equal "$stderr" ""
}

@test "pxr-verify: one byte flipped in X and one in Y name exactly those images (index, label, name where the set knows it; -I names them all), exit 1; flipped back, clean" {
	local head lay
	for lay in julia nchw; do
		rm -rf ./*
		head=0
		if [ $lay = nchw ]; then
			mkset --layout nchw --npy
			head=128
		else
			mkset
		fi
		# An ok image's pixels, the failure's zeros, a label, and both
		# of one image (768 bytes an image, 4 a label).
		flip X_s.raw $((head + 2 * 768 + 100))
		flip X_s.raw $((head + 4 * 768 + 5))
		flip Y_s.raw $((head + 6 * 4))
		flip X_s.raw $((head + 7 * 768 + 767))
		flip Y_s.raw $((head + 7 * 4))
		run -1 --separate-stderr pxr-verify X_s.raw
		assert_output "X_s.raw	2	1	-	pixels
X_s.raw	4	2	dog/c.jpg	pixels
X_s.raw	6	3	-	label
X_s.raw	7	3	-	pixels,label"
		assert_equal "$stderr" "pxr-verify: X_s.raw: 8 images: 4 as packed, 4 changed, 0 missing"
		run -1 --separate-stderr pxr-verify -q -I idx.txt X_s.raw
		assert_output "X_s.raw	2	1	cat/e.jpg	pixels
X_s.raw	4	2	dog/c.jpg	pixels
X_s.raw	6	3	dog/g.jpg	label
X_s.raw	7	3	dog/h.jpg	pixels,label"
		assert_equal "$stderr" ""
		# The bytes back as packed: clean again.
		flip X_s.raw $((head + 2 * 768 + 100))
		flip X_s.raw $((head + 4 * 768 + 5))
		flip Y_s.raw $((head + 6 * 4))
		flip X_s.raw $((head + 7 * 768 + 767))
		flip Y_s.raw $((head + 7 * 4))
		run -0 --separate-stderr pxr-verify -q X_s.raw
		assert_output ""
	done
}

@test "pxr-verify: a set made before pxr-pack kept checksums, one not finished, one changed since its --finish, or not whole: exit 2 with the reason, nothing read of X" {
	mkset
	cp X_s.raw.stats stats.kept
	cp X_s.raw.manifest.json manifest.kept
	# As pxr-pack made sets before: X.stats of the sums alone (48 bytes an
	# image), a manifest without a checksum.
	"$PY" -c 'import sys
s = open("X_s.raw.stats", "rb").read()
open("X_s.raw.stats", "wb").write(b"".join(s[i:i + 48] for i in range(0, len(s), 56)))'
	sed -i '/"checksum"/d' X_s.raw.manifest.json
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_output ""
	assert_equal "$stderr" "pxr-verify: X_s.raw: made before pxr-pack kept checksums (X_s.raw.stats holds none): nothing to verify against"
	cp stats.kept X_s.raw.stats
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_equal "$stderr" "pxr-verify: X_s.raw.manifest.json: no \"checksum\" (written before pxr-pack kept checksums: pxr-pack --finish writes it again)"
	# Not finished.
	rm X_s.raw.manifest.json
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_output ""
	assert_equal "$stderr" "pxr-verify: X_s.raw.manifest.json: No such file or directory (finish the set first: pxr-pack --finish)"
	cp manifest.kept X_s.raw.manifest.json
	run -0 --separate-stderr pxr-verify -q X_s.raw
	# Changed since its --finish: a status byte, a checksum.
	flip X_s.raw.status 1
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_equal "$stderr" "pxr-verify: X_s.raw.manifest.json: says 8 images, 7 ok, 1 failed, 0 missing; the set holds 8, 6, 1, 1: it changed since its --finish"
	flip X_s.raw.status 1
	flip X_s.raw.stats $((3 * 56 + 50))
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_output ""
	[[ "$stderr" =~ ^"pxr-verify: X_s.raw.stats: its checksums are not those of the manifest's \"checksum\" (sha256:"[0-9a-f]{64}" now): the set changed since its --finish"$ ]]
	# X is never opened (it is looked at with stat(2) only).  LeakSanitizer
	# cannot run under ptrace (make check).
	ASAN_OPTIONS=detect_leaks=0 run -2 strace -f -e trace=open,openat \
		-o trace.txt pxr-verify X_s.raw
	grep -qF '"X_s.raw.stats"' trace.txt
	run -1 grep -F '"X_s.raw"' trace.txt
	cp stats.kept X_s.raw.stats
	# Not whole: X cut short, Y gone.
	cp X_s.raw x.kept
	truncate -s 6000 X_s.raw
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_equal "$stderr" "pxr-verify: X_s.raw: the set is not whole (X_s.raw: 6000 bytes, not the set's 6144)"
	cp x.kept X_s.raw
	mv Y_s.raw y.kept
	run -2 --separate-stderr pxr-verify X_s.raw
	assert_equal "$stderr" "pxr-verify: X_s.raw: no Y file beside it (X_ -> Y_): give --labels"
	run -2 --separate-stderr pxr-verify --labels nosuch X_s.raw
	assert_equal "$stderr" "pxr-verify: X_s.raw: the set is not whole (nosuch: No such file or directory)"
	run -0 --separate-stderr pxr-verify -q --labels y.kept X_s.raw
}

@test "pxr-verify: missing images are said as ranges, the rest checked, exit 2; several sets give the worst status" {
	mkset
	mkdir good
	cp X_s.raw X_s.raw.* Y_s.raw good/
	flip good/X_s.raw 100
	# A set of 8 of which only 5 were ever written.
	pxr-pack --create 8 --size 16 --label-type i32 X_m.raw Y_m.raw
	"$PY" - "$TOP/tests/test_helper" <<-'PY'
	import sys; sys.path.insert(0, sys.argv[1]); import pxrstream as p
	with open("m.pxr", "wb") as f:
	    for i in (0, 1, 2, 6, 7):
	        f.write(p.record("pixels", i, "m%d" % i, bytes([i]) * 768, label=i,
	                         width=16, height=16, channels=3, orig_width=16, orig_height=16))
	PY
	pxr-pack X_m.raw Y_m.raw < m.pxr
	run -2 pxr-pack --finish X_m.raw Y_m.raw
	flip X_m.raw $((6 * 768))
	run -2 --separate-stderr pxr-verify X_m.raw
	assert_output "X_m.raw	6	6	-	pixels"
	assert_equal "$stderr" "pxr-verify: X_m.raw: images 3 to 5 are missing
pxr-verify: X_m.raw: 8 images: 4 as packed, 1 changed, 3 missing"
	run -1 --separate-stderr pxr-verify -q X_s.raw good/X_s.raw
	assert_output "good/X_s.raw	0	1	-	pixels"
	run -2 --separate-stderr pxr-verify -q X_s.raw X_m.raw good/X_s.raw
	assert_output "X_m.raw	6	6	-	pixels
good/X_s.raw	0	1	-	pixels"
	assert_equal "$stderr" "pxr-verify: X_m.raw: images 3 to 5 are missing"
}

@test "pxr-verify: usage errors: no set, --labels with two sets, an index of another count: exit 2" {
	run -2 --separate-stderr pxr-verify
	assert_output ""
	[[ "${stderr_lines[0]}" == "usage: pxr-verify "* ]]
	run -2 --separate-stderr pxr-verify --labels Y_a X_a X_b
	assert_output ""
	assert_equal "${stderr_lines[0]}" "pxr-verify: --labels goes with one x_file"
	[[ "${stderr_lines[1]}" == "usage: pxr-verify "* ]]
	mkset
	mkdir few
	mkjpeg 16 16 few/a.jpg
	pxr-list --index few.txt few
	run -2 --separate-stderr pxr-verify -I few.txt X_s.raw
	assert_output ""
	assert_equal "$stderr" "pxr-verify: X_s.raw: the index few.txt lists 1 images, the set holds 8"
	run -2 --separate-stderr pxr-verify -I nosuch.txt X_s.raw
	assert_equal "$stderr" "pxr-verify: nosuch.txt: No such file or directory"
}
