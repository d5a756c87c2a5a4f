#!/usr/bin/env bats
# pxr-pack: tensors in every layout, read back with numpy; concurrent
# writers; kills and resumes; a full disk.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	load test_helper/pixels
	cd "$BATS_TEST_TMPDIR"
}

# A test that failed with a filesystem mounted leaves it to us.
teardown() {
	local m
	for m in "$BATS_TEST_TMPDIR/small" "$BATS_TEST_TMPDIR/fs"; do
		! mountpoint -q "$m" || umount "$m"
	done
}

# check_layout LAYOUT: X and Y hold in.pxr's images in LAYOUT.
check_layout() {
	"$PY" - "$1" <<-'PY'
	import sys, json, numpy as np
	lay = sys.argv[1]
	X = np.memmap("X.raw", np.uint8, "r")
	Y = np.fromfile("Y.raw", "<u2")
	m = json.load(open("X.raw.manifest.json"))
	n = 6
	for i in range(n):
	    try:
	        a = np.load("in.pxr.%d.npy" % i)          # (H, W, C)
	    except FileNotFoundError:
	        a = None                                  # a failure: zeros
	    if lay == "julia":
	        img = X.reshape(n, 3, 6, 4)[i].transpose(2, 1, 0)
	        assert m["shape"] == [4, 6, 3, n] and m["order"] == "F"
	    elif lay == "nhwc":
	        img = X.reshape(n, 4, 6, 3)[i]
	    else:
	        img = X.reshape(n, 3, 4, 6)[i].transpose(1, 2, 0)
	    assert np.array_equal(img, a if a is not None else np.zeros((4, 6, 3), np.uint8)), (lay, i)
	assert list(Y) == [1, 2, 3, 4, 5, 6], Y
	assert m["ok"] == 5 and m["failed"] == 1 and m["missing"] == 0, m
	assert m["failures"] == [{"index": 3, "name": "img3.JPEG", "reason": "broken"}], m["failures"]
	PY
}

# checksums X Y: checks, from pxr(5)'s CRC-32C (pxrstream.py) and
# hashlib, that X.stats holds each done image's CRC-32C of its bytes in X
# and of its label's in Y at bytes 48..55 of its 56 (zeros for a missing
# one), and that the manifest's checksum is the SHA-256 of those 8 bytes
# of every image in index order; prints the checksum.
checksums() {
	"$PY" - "$TOP/tests/test_helper" "$1" "$2" <<-'PY'
	import sys, json, hashlib, struct
	sys.path.insert(0, sys.argv[1]); import pxrstream as p
	x, y = sys.argv[2], sys.argv[3]
	m = json.load(open(x + ".manifest.json"))
	n, off = m["images"], m["offset"]
	img = m["c_shape"][1] * m["c_shape"][2] * m["c_shape"][3]
	ls = {"<u2": 2, "<i4": 4, "<i8": 8}[m["label_dtype"]]
	X, Y = open(x, "rb").read(), open(y, "rb").read()
	S, st = open(x + ".stats", "rb").read(), open(x + ".status", "rb").read()
	assert len(S) == 56 * n, len(S)
	crcs = b""
	for i in range(n):
	    want = bytes(8)
	    if st[i] in (1, 2):
	        want = struct.pack("<II", p.crc32c(X[off + i * img:off + (i + 1) * img]),
	                           p.crc32c(Y[off + i * ls:off + (i + 1) * ls]))
	    assert S[56 * i + 48:56 * i + 56] == want, (i, S[56 * i + 48:56 * i + 56].hex(), want.hex())
	    crcs += want
	assert m["checksum"] == "sha256:" + hashlib.sha256(crcs).hexdigest(), m["checksum"]
	print(m["checksum"])
	PY
}

# shards IN K N: records of IN whose index is K-1 mod N, in reverse order.
shards() {
	"$PY" - "$TOP/tests/test_helper" "$@" <<-'PY'
	import sys; sys.path.insert(0, sys.argv[1]); import pxrstream as p
	data, k, n = open(sys.argv[2], "rb").read(), int(sys.argv[3]), int(sys.argv[4])
	recs = []; off = 0
	while off < len(data):
	    f = p.HEADER.unpack_from(data, off); l = 64 + f[11] + f[13]
	    if f[4] % n == k - 1: recs.append(data[off:off + l])
	    off += l
	sys.stdout.buffer.write(b"".join(reversed(recs)))
	PY
}

# made_before X: makes the set X as pxr-pack made it before it kept
# checksums: X.stats of the sums alone, 48 bytes an image.
made_before() {
	"$PY" - "$1.stats" <<-'PY'
	import sys
	s = open(sys.argv[1], "rb").read()
	open(sys.argv[1], "wb").write(b"".join(s[i:i + 48] for i in range(0, len(s), 56)))
	PY
}

@test "pxr-pack: every layout reads back with numpy; a failure is zeros with its label, in the manifest" {
	mkpixels in.pxr 6x4x3 6x4x3 6x4x3 fail:broken 6x4x3 6x4x3
	for lay in julia nhwc nchw; do
		rm -f X.raw* Y.raw
		pxr-pack --create 6 --size 6x4 --layout $lay X.raw Y.raw
		run -1 --separate-stderr pxr-pack X.raw Y.raw < in.pxr
		run -1 --separate-stderr pxr-pack --finish X.raw Y.raw
		[[ "$stderr" == *"X.raw: 5 images ok, 1 failed, 0 missing"* ]]
		run -0 check_layout $lay
	done
}

@test "pxr-pack: every manifest names X's axes in C order (axes, c_shape), --finish says them, and numpy reshaped and transposed by them gets the images upright" {
	# 6 wide, 4 high: an image on its side has another shape.
	mkpixels in.pxr 6x4x3 6x4x3 fail:broken
	for lay in julia nhwc nchw; do
		for npy in "" --npy; do
			rm -f X.raw* Y.raw
			pxr-pack --create 3 --size 6x4 --layout $lay $npy X.raw Y.raw
			run -1 --separate-stderr pxr-pack X.raw Y.raw < in.pxr
			run -1 --separate-stderr pxr-pack --finish X.raw Y.raw
			want=$(case $lay in
				julia) echo "N C W H = 3 3 6 4" ;;
				nhwc) echo "N H W C = 3 4 6 3" ;;
				nchw) echo "N C H W = 3 3 4 6" ;;
			esac)
			assert_equal "$stderr" "pxr-pack: X.raw: 2 images ok, 1 failed, 0 missing; X is $want uint8 in C order, Y u16 labels from 1; manifest X.raw.manifest.json"
			pxr-unpack --tensor X.raw --labels Y.raw > back.pxr
			unpack_npy back.pxr
			run -0 "$PY" - $lay <<-'PY'
			import json, sys
			import numpy as np
			m = json.load(open("X.raw.manifest.json"))
			want = {"julia": ["N", "C", "W", "H"], "nhwc": ["N", "H", "W", "C"],
			        "nchw": ["N", "C", "H", "W"]}[sys.argv[1]]
			assert m["axes"] == want, m["axes"]
			sizes = {"N": 3, "C": 3, "H": 4, "W": 6}
			assert m["c_shape"] == [sizes[a] for a in want], m["c_shape"]
			X = np.memmap("X.raw", np.uint8, "r", offset=m["offset"], shape=tuple(m["c_shape"]))
			nhwc = X.transpose([m["axes"].index(a) for a in "NHWC"])
			for i in range(3):
			    a = np.load("in.pxr.%d.npy" % i) if i < 2 else np.zeros((4, 6, 3), np.uint8)
			    assert np.array_equal(nhwc[i], a), i
			    assert np.array_equal(nhwc[i], np.load("back.pxr.out.%d.npy" % i)), i
			print("upright")
			PY
			assert_output upright
		done
	done
}

@test "pxr-pack: the julia layout is the notebook's (H,W,C,N) column-major array" {
	mkpixels in.pxr 3x2x3
	pxr-pack --create 1 --size 3x2 X.raw Y.raw
	pxr-pack X.raw Y.raw < in.pxr
	# X[y, x, c, n] (Julia, 1-based) is byte ((n*3 + c)*W + x)*H + y.
	run -0 "$PY" -c '
import numpy as np
a = np.load("in.pxr.0.npy")
x = np.fromfile("X.raw", np.uint8)
assert all(x[(c * 3 + xx) * 2 + y] == a[y, xx, c] for y in range(2) for xx in range(3) for c in range(3))
assert np.array_equal(x.reshape(3, 3, 2, 1, order="C").transpose(2, 1, 0, 3)[:, :, :, 0], a)
print("ok")'
	assert_output ok
}

@test "pxr-pack: the julia layout of whole 16x16 blocks and edges, vector code or not, is numpy's transpose" {
	for size in 224x224 16x16 17x33 48x31 1x1 40x16; do
		mkpixels in.pxr ${size}x3 ${size}x3
		rm -f X.raw* Y.raw*
		pxr-pack --create 2 --size $size X.raw Y.raw
		pxr-pack X.raw Y.raw < in.pxr
		run -0 "$PY" -c '
import numpy as np, sys
w, h = map(int, sys.argv[1].split("x"))
x = np.fromfile("X.raw", np.uint8).reshape(2, 3, w, h)
for n in range(2):
    a = np.load("in.pxr.%d.npy" % n)
    assert np.array_equal(x[n], a.transpose(2, 1, 0)), n
print("ok")' $size
		assert_output ok
		cp X.raw X.best
		# Every vector level (pxr.h; capped by the CPU's) and none.
		for level in 0 1 2 3; do
			rm -f X.raw* Y.raw*
			pxr-pack --create 2 --size $size X.raw Y.raw
			PXR_SIMD=$level pxr-pack X.raw Y.raw < in.pxr
			cmp X.raw X.best || fail "$size: PXR_SIMD=$level differs"
		done
	done
}

@test "pxr-pack: records in any order, from 1, 2 or 5 concurrent writers, give the same bytes" {
	specs=()
	for i in $(seq 0 29); do specs+=(8x8x3); done
	mkpixels in.pxr "${specs[@]}"
	pxr-pack --create 30 --size 8x8 ref.raw refy.raw
	pxr-pack ref.raw refy.raw < in.pxr
	for jobs in 2 5; do
		pxr-pack --create 30 --size 8x8 X$jobs.raw Y$jobs.raw
		pids=()
		for k in $(seq 1 $jobs); do
			# Shard k of the stream, in reverse order.
			"$PY" - "$TOP/tests/test_helper" $k $jobs <<-'PY' > part$k.pxr
			import sys; sys.path.insert(0, sys.argv[1]); import pxrstream as p
			k, n = int(sys.argv[2]), int(sys.argv[3])
			data = open("in.pxr", "rb").read(); recs = []; off = 0
			while off < len(data):
			    f = p.HEADER.unpack_from(data, off); l = 64 + f[11] + f[13]
			    if f[4] % n == k - 1: recs.append(data[off:off + l])
			    off += l
			sys.stdout.buffer.write(b"".join(reversed(recs)))
			PY
			pxr-pack X$jobs.raw Y$jobs.raw < part$k.pxr &
			pids+=($!)
		done
		for p in "${pids[@]}"; do wait $p; done
		cmp ref.raw X$jobs.raw
		cmp refy.raw Y$jobs.raw
		cmp ref.raw.status X$jobs.raw.status
	done
}

@test "pxr-pack: killed midway, the status never marks an unwritten image; a rerun completes identically" {
	specs=()
	for i in $(seq 0 199); do specs+=(64x64x3); done
	mkpixels in.pxr "${specs[@]}"
	pxr-pack --create 200 --size 64x64 ref.raw refy.raw
	pxr-pack ref.raw refy.raw < in.pxr
	pxr-pack --create 200 --size 64x64 X.raw Y.raw
	# A slow pipe, so the kill lands in the middle.
	( "$PY" -c '
import sys, time
d = open("in.pxr", "rb").read()
for i in range(0, len(d), 65536):
    sys.stdout.buffer.write(d[i:i + 65536]); sys.stdout.flush(); time.sleep(0.05)
' | pxr-pack X.raw Y.raw ) &
	pid=$!
	for _ in $(seq 100); do
		[ "$(tr -cd '\001' < X.raw.status | wc -c)" -ge 20 ] && break
		sleep 0.05
	done
	pkill -9 -f "pxr-pack X.raw Y.raw" || true
	# Only this job: bats runs its test-timeout watchdog in the background.
	wait "$pid" || true
	"$PY" - <<-'PY'
	import numpy as np
	st = np.fromfile("X.raw.status", np.uint8)
	X = np.fromfile("X.raw", np.uint8).reshape(200, 3, 64, 64)
	R = np.fromfile("ref.raw", np.uint8).reshape(200, 3, 64, 64)
	done = np.flatnonzero(st == 1)
	assert 0 < len(done) < 200, len(done)
	for i in done:
	    assert np.array_equal(X[i], R[i]), i
	PY
	run -0 --separate-stderr pxr-pack X.raw Y.raw < in.pxr
	[[ "$stderr" == *"already done"* ]]
	cmp ref.raw X.raw
	cmp refy.raw Y.raw
	run -0 --separate-stderr pxr-pack --finish X.raw Y.raw
}

@test "pxr-pack: a full disk stops with a clear message, and a rerun after freeing space completes" {
	mkdir small
	# X (240 KiB) and the set's small files fit; with the filler, X does not.
	if ! mount -t tmpfs -o size=320k tmpfs small 2>/dev/null; then
		skip "cannot mount a small tmpfs here"
	fi
	specs=()
	for i in $(seq 0 19); do specs+=(64x64x3); done
	mkpixels in.pxr "${specs[@]}"
	# With room, --create allocates X's blocks: writes into it cannot run
	# out of space later.
	pxr-pack --create 20 --size 64x64 small/X.raw small/Y.raw
	[ "$(du -B1 small/X.raw | cut -f1)" -ge "$(stat -c %s small/X.raw)" ]
	rm small/*
	# Without room, a warning, and the writes fail where the disk fills.
	head -c 200000 /dev/zero > small/filler 2>/dev/null || true
	run -0 --separate-stderr pxr-pack --create 20 --size 64x64 small/X.raw small/Y.raw
	[[ "$stderr" == *"small/X.raw: no room for its 245760 bytes now: packing goes on"* ]]
	run -2 --separate-stderr pxr-pack small/X.raw small/Y.raw < in.pxr
	[[ "$stderr" == *"write error on small/X.raw: No space left on device"* ]]
	ok_before=$(tr -cd '\001' < small/X.raw.status | wc -c)
	[ "$ok_before" -lt 20 ]
	rm small/filler
	run -0 --separate-stderr pxr-pack small/X.raw small/Y.raw < in.pxr
	run -0 --separate-stderr pxr-pack --finish small/X.raw small/Y.raw
	pxr-pack --create 20 --size 64x64 ref.raw refy.raw
	pxr-pack ref.raw refy.raw < in.pxr
	cmp ref.raw small/X.raw
	umount small
}

@test "pxr-pack: a close that fails after writes (NFS's delayed write error) names its file, exit 2" {
	# failclose.c makes close fail with EIO for a written "pxr-eio" file.
	cc -shared -fPIC -o failclose.so "$TOP/tests/test_helper/failclose.c"
	# An ASan build wants its runtime first; this shim only replaces close
	# and pwrite.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	# --create -N writes X's .npy header, then closes it.
	run -2 --separate-stderr env LD_PRELOAD="$PWD/failclose.so" \
	    pxr-pack --create 2 --size 4x3 -N X.pxr-eio Y.npy
	assert_output ""
	assert_equal "$stderr" "pxr-pack: X.pxr-eio: close: Input/output error"
	# Packing writes Y's labels; Y's close fails, not X's.
	pxr-pack --create 2 --size 4x3 X.raw Y.pxr-eio
	mkpixels in.pxr 4x3x3 4x3x3
	run -2 --separate-stderr env LD_PRELOAD="$PWD/failclose.so" \
	    pxr-pack X.raw Y.pxr-eio < in.pxr
	assert_output ""
	assert_equal "$stderr" "pxr-pack: Y.pxr-eio: close: Input/output error"
}

@test "pxr-pack: --create without room on ext4 leaves X sparse and the disk as it was" {
	# ext4 keeps what a failed fallocate got; pxr-pack must not fill the
	# disk with it.
	command -v mkfs.ext4 > /dev/null || skip "no mkfs.ext4"
	truncate -s 16M fs.img
	mkfs.ext4 -q fs.img
	mkdir fs
	mount -o loop fs.img fs 2>/dev/null || skip "cannot mount a loop ext4 here"
	head -c 3000000 /dev/zero > fs/filler
	used=$(df -k --output=used fs | tail -1)
	run -0 --separate-stderr pxr-pack --create 2000 --size 64x64 fs/X.raw fs/Y.raw
	[[ "$stderr" == *"fs/X.raw: no room for its 24576000 bytes now: packing goes on"* ]]
	[ "$(du -k fs/X.raw | cut -f1)" -lt 100 ]
	[ "$(df -k --output=used fs | tail -1)" -lt $((used + 1000)) ]
	umount fs
}

@test "pxr-pack: --finish lists missing ranges and exits 2; records of the wrong size fail" {
	mkpixels in.pxr 8x8x3 9x8x3
	pxr-pack --create 5 --size 8x8 X.raw Y.raw
	run -1 --separate-stderr pxr-pack X.raw Y.raw < in.pxr
	assert_equal "$stderr" "pxr-pack: img1.JPEG#1: 9x8x3 image, the tensor holds 8x8x3
pxr-pack: X.raw: 1 images written, 1 failed (written as zeros), 0 already done"
	run -2 --separate-stderr pxr-pack --finish X.raw Y.raw
	[[ "$stderr" == *"X.raw: images 2 to 4 are missing"* ]]
}

@test "pxr-pack: a stream cut short: the records before it are written and marked, exit 2 saying so" {
	mkjpeg 16 16 a.jpg
	mkjpeg 16 16 b.jpg
	pxr-list a.jpg b.jpg > enc.pxr
	pxr-decode enc.pxr > px.pxr
	head -c "$(( $(stat -c %s px.pxr) - 100 ))" px.pxr > cut.pxr
	pxr-pack --create 2 --size 16 X Y
	run -2 --separate-stderr pxr-pack --input cut.pxr X Y
	[[ "$stderr" == "pxr-pack: cut.pxr: "*"truncated"*"(the records before it are written)" ]]
	run -0 od -An -tu1 X.status
	assert_output "   1   0"
	# The rest after a re-run with the whole stream.
	pxr-pack --input px.pxr X Y
	run -0 od -An -tu1 X.status
	assert_output "   1   1"
}

@test "pxr-pack: each image's CRC-32C of its bytes in X and of its label in Y is kept in X.stats; the manifest's checksum is their SHA-256: the same from 1 writer or 4 in any order, another when one byte of one image differs" {
	specs=()
	for i in $(seq 0 11); do specs+=(8x8x3); done
	specs[4]=fail:broken
	mkpixels in.pxr "${specs[@]}"
	# The same stream but one byte of image 7.
	"$PY" - "$TOP/tests/test_helper" <<-'PY'
	import sys; sys.path.insert(0, sys.argv[1]); import pxrstream as p
	data = bytearray(open("in.pxr", "rb").read()); out = b""; off = 0
	while off < len(data):
	    f = p.HEADER.unpack_from(data, off); nlen, plen = f[11], f[13]
	    name = bytes(data[off + 64:off + 64 + nlen]); pay = bytearray(data[off + 64 + nlen:off + 64 + nlen + plen])
	    if f[4] == 7:
	        pay[100] ^= 1
	        out += p.record("pixels", 7, name, bytes(pay), label=8, width=8, height=8, channels=3, orig_width=8, orig_height=8)
	    else:
	        out += bytes(data[off:off + 64 + nlen + plen])
	    off += 64 + nlen + plen
	open("other.pxr", "wb").write(out)
	PY
	for lay in julia nchw; do
		rm -f X* Y*
		pxr-pack --create 12 --size 8 --layout $lay --label-type i32 X1 Y1
		run -1 --separate-stderr pxr-pack X1 Y1 < in.pxr
		run -1 --separate-stderr pxr-pack --finish X1 Y1
		run -0 checksums X1 Y1
		one=$output
		pxr-pack --create 12 --size 8 --layout $lay --label-type i32 X4 Y4
		for k in 3 1 4 2; do
			shards in.pxr $k 4 > part$k.pxr
			pxr-pack X4 Y4 < part$k.pxr || [ $? -eq 1 ]
		done
		run -1 --separate-stderr pxr-pack --finish X4 Y4
		run -0 checksums X4 Y4
		assert_equal "$output" "$one"
		cmp X1.stats X4.stats
		pxr-pack --create 12 --size 8 --layout $lay --label-type i32 Xo Yo
		run -1 --separate-stderr pxr-pack Xo Yo < other.pxr
		run -1 --separate-stderr pxr-pack --finish Xo Yo
		run -0 checksums Xo Yo
		[ "$output" != "$one" ] || fail "$lay: one byte of image 7 changed, the checksum did not"
	done
}

@test "pxr-pack: a set made before pxr-pack kept checksums: --finish says it has none (null); writing into it is refused; its --create again adds them from X and Y and it ends as a set made now" {
	specs=()
	for i in $(seq 0 7); do specs+=(8x8x3); done
	specs[2]=fail:broken
	mkpixels in.pxr "${specs[@]}"
	shards in.pxr 1 2 > odd.pxr
	shards in.pxr 2 2 > even.pxr
	pxr-pack --create 8 --size 8 R R.y
	pxr-pack R R.y < in.pxr || [ $? -eq 1 ]
	run -1 --separate-stderr pxr-pack --finish R R.y
	run -0 checksums R R.y
	ref=$output
	# A whole set finished as before: statistics, no checksum.
	pxr-pack --create 8 --size 8 A A.y
	pxr-pack A A.y < in.pxr || [ $? -eq 1 ]
	made_before A
	run -1 --separate-stderr pxr-pack --finish A A.y
	assert_equal "$stderr" "pxr-pack: A: made before pxr-pack kept checksums: the manifest has none (a --create that resumes the set adds them)
pxr-pack: A: 7 images ok, 1 failed, 0 missing; X is N C W H = 8 3 8 8 uint8 in C order, Y u16 labels from 1; manifest A.manifest.json"
	run -0 "$PY" -c 'import json, sys
a, r = json.load(open("A.manifest.json")), json.load(open("R.manifest.json"))
assert a["checksum"] is None, a["checksum"]
assert a["stats"] == r["stats"], (a["stats"], r["stats"])'
	# Half done before: more records are refused until --create adds them.
	pxr-pack --create 8 --size 8 B B.y
	pxr-pack B B.y < odd.pxr || [ $? -eq 1 ]
	made_before B
	run -2 --separate-stderr pxr-pack B B.y < even.pxr
	assert_equal "$stderr" "pxr-pack: B: made before pxr-pack kept checksums: its --create again (the same shape and recipe) adds them first"
	run -0 --separate-stderr pxr-pack --create 8 --size 8 B B.y
	assert_equal "$stderr" "pxr-pack: B: made before pxr-pack kept checksums: those of its 4 images done are made from what X and Y hold now"
	[ "$(stat -c %s B.stats)" -eq $((8 * 56)) ]
	run -0 --separate-stderr pxr-pack B B.y < even.pxr
	run -1 --separate-stderr pxr-pack --finish B B.y
	run -0 checksums B B.y
	assert_equal "$output" "$ref"
	cmp R.stats B.stats
	cmp R B
}

@test "pxr-pack: --create refuses another shape; usage errors" {
	pxr-pack --create 5 --size 8x8 X.raw Y.raw
	run -0 pxr-pack --create 5 --size 8x8 X.raw Y.raw
	run -2 --separate-stderr pxr-pack --create 6 --size 8x8 X.raw Y.raw
	assert_equal "$stderr" "pxr-pack: X.raw: made as 5 images of 8x8x3, julia, u16 labels from 1, not 6 images of 8x8x3, julia, u16 labels from 1; give --overwrite to make it anew"
	run -2 --separate-stderr pxr-pack nosuch.raw Y.raw < /dev/null
	[[ "$stderr" == *"nosuch.raw.meta: No such file or directory"* ]]
}

@test "pxr-pack: --create over a set made with another recipe says each difference as was/now, a changed image count first, not two hashes" {
	h1=sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
	h2=sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
	printf 'source /data/val.tar\nsource_fingerprint %s 24 images\nlayout julia\n' $h1 > r1.txt
	pxr-pack --create 2 --size 8 --recipe r1.txt X Y
	printf 'source /data/val2.tar\nsource_fingerprint %s 25 images\nlayout nchw\nsize 8\n' $h2 > r2.txt
	run -2 --separate-stderr pxr-pack --create 2 --size 8 --recipe r2.txt X Y
	assert_output ""
	assert_equal "$stderr" "pxr-pack: X: made with another recipe (source_fingerprint: 24 images, now 25; source: was '/data/val.tar', now '/data/val2.tar'; layout: was 'julia', now 'nchw'; size: was (none), now '8'); give --overwrite to make it anew"
	# The same number of images, other names or sizes.
	printf 'source /data/val.tar\nsource_fingerprint %s 24 images\nlayout julia\n' $h2 > r3.txt
	run -2 --separate-stderr pxr-pack --create 2 --size 8 --recipe r3.txt X Y
	assert_equal "$stderr" "pxr-pack: X: made with another recipe (source_fingerprint: the same 24 images in number, but other names or sizes); give --overwrite to make it anew"
	# The same recipe resumes.
	run -0 --separate-stderr pxr-pack --create 2 --size 8 --recipe r1.txt X Y
	assert_equal "$stderr" ""
}

@test "pxr-pack: an option given in a mode where it does nothing is refused with the usage, exit 2, and nothing is made" {
	load test_helper/usage
	echo n01440764 > syn.txt
	echo 'size 8' > r.txt
	mkdir set
	# Packing: the set's metadata and the manifest's options.
	refused "pxr-pack: --base goes with --create or --finish" pxr-pack -b 0 set/X set/Y
	refused "pxr-pack: --synsets goes with --finish" pxr-pack --synsets syn.txt set/X set/Y
	for o in "--label-type i32" "--layout nhwc" "--npy" "--overwrite" \
	    "--recipe r.txt" "--size 8x8"; do
		# shellcheck disable=SC2086 # the option and its value
		refused "pxr-pack: ${o%% *} goes with --create" pxr-pack $o set/X set/Y
		# shellcheck disable=SC2086
		refused "pxr-pack: ${o%% *} goes with --create" pxr-pack --finish $o set/X set/Y
	done
	# --create reads no records and writes no summary.
	refused "pxr-pack: --synsets goes with --finish" pxr-pack --create 5 --synsets syn.txt set/X set/Y
	refused "pxr-pack: --quiet does not go with --create" pxr-pack --create 5 -q set/X set/Y
	refused "pxr-pack: --input does not go with --create" pxr-pack --create 5 --input px.pxr set/X set/Y
	# --finish reads no records.
	refused "pxr-pack: --input does not go with --finish" pxr-pack --finish --input px.pxr set/X set/Y
	run -0 ls -A set
	assert_output ""
	# Where each does something, it is taken.
	run -0 pxr-pack --create 2 --size 8 --base 0 --layout nhwc set/X set/Y
	run -0 pxr-pack -q --input /dev/null set/X set/Y
}

@test "pxr-pack: list|decode|resize|crop|label|pack over ILSVRC-shaped tarballs equals a model built with Pillow and numpy, for every label form" {
	"$PY" "$TOP/sample/make-sample.py" s --classes 3 --train-per-class 4 --val 9 2>/dev/null
	# The val labels in Kaggle's form (rows shuffled) and as name/WNID pairs.
	"$PY" - <<-'PY'
	import random
	labels = [l.strip() for l in open("s/validation_labels.txt")]
	rows = ["ILSVRC2012_val_%08d,%s 1 2 3 4" % (i + 1, w) for i, w in enumerate(labels)]
	random.Random(1).shuffle(rows)
	open("s/LOC_val_solution.csv", "w").write("ImageId,PredictionString\n" + "\n".join(rows) + "\n")
	open("s/pairs.txt", "w").write("".join("ILSVRC2012_val_%08d.JPEG %s\n" % (i + 1, w) for i, w in enumerate(labels)))
	PY
	for split in train val; do
		for form in validation_labels.txt LOC_val_solution.csv pairs.txt; do
			[ $split = train ] && [ $form != pairs.txt ] && continue
			d=$split-$form
			mkdir $d
			n=$(pxr-list --count s/ILSVRC2012_img_$split.tar)
			pxr-pack --create $n $d/X.raw $d/Y.raw
			run -0 bash -c "set -o pipefail; pxr-list s/ILSVRC2012_img_$split.tar | pxr-decode |
			    pxr-resize --short 256 | pxr-crop --size 224 |
			    pxr-label --synsets s/LOC_synset_mapping.txt --val-labels s/$form |
			    pxr-pack $d/X.raw $d/Y.raw"
			run -0 --separate-stderr pxr-pack --finish --synsets s/LOC_synset_mapping.txt $d/X.raw $d/Y.raw
			run -0 "$PY" - $split $d <<-'PY'
			import io, json, sys, tarfile
			import numpy as np
			from PIL import Image
			split, d = sys.argv[1:]
			syn = [l.split()[0] for l in open("s/LOC_synset_mapping.txt")]
			val = [l.strip() for l in open("s/validation_labels.txt")]
			outer = tarfile.open("s/ILSVRC2012_img_%s.tar" % split)
			files = {}
			for m in outer:
			    data = outer.extractfile(m).read()
			    if split == "train":
			        inner = tarfile.open(fileobj=io.BytesIO(data))
			        for im in inner:
			            files[m.name[:-4] + "/" + im.name] = inner.extractfile(im).read()
			    else:
			        files[m.name] = data
			names = sorted(files)
			X, Y = [], []
			for name in names:
			    im = Image.open(io.BytesIO(files[name])).convert("RGB")
			    w, h = im.size
			    ow, oh = (256, round(h * 256 / w)) if w <= h else (round(w * 256 / h), 256)
			    im = im.resize((ow, oh), Image.BILINEAR)
			    l, t = round((ow - 224) / 2), round((oh - 224) / 2)
			    a = np.asarray(im.crop((l, t, l + 224, t + 224)))
			    X.append(a.transpose(2, 1, 0))          # julia: [C][W][H]
			    wnid = name.split("/")[0] if split == "train" else val[int(name[15:23]) - 1]
			    Y.append(syn.index(wnid) + 1)
			want_x = np.stack(X).astype(np.uint8).tobytes()
			assert open(d + "/X.raw", "rb").read() == want_x, "X differs"
			assert open(d + "/Y.raw", "rb").read() == np.array(Y, "<u2").tobytes(), "Y differs"
			assert open(d + "/X.raw.status", "rb").read() == b"\x01" * len(names)
			m = json.load(open(d + "/X.raw.manifest.json"))
			assert m["shape"] == [224, 224, 3, len(names)] and m["ok"] == len(names)
			assert m["failures"] == [] and m["synsets"] == syn and m["label_dtype"] == "<u2"
			print("ok", len(names))
			PY
			assert_output --partial "ok "
		done
	done
}

@test "pxr-pack: with --npy, numpy.load(mmap_mode='r') maps X and Y in every layout" {
	mkpixels in.pxr 6x4x3 6x4x3 fail:gone
	for lay in julia nhwc nchw; do
		rm -f X.npy* Y.npy
		pxr-pack --create 3 --size 6x4 --layout $lay --npy X.npy Y.npy
		run -1 --separate-stderr pxr-pack X.npy Y.npy < in.pxr
		run -1 --separate-stderr pxr-pack --finish X.npy Y.npy
		run -0 "$PY" - $lay <<-'PY'
		import sys, json, numpy as np
		lay = sys.argv[1]
		X = np.load("X.npy", mmap_mode="r"); Y = np.load("Y.npy", mmap_mode="r")
		assert list(Y) == [1, 2, 3], Y
		for i in range(3):
		    a = np.load("in.pxr.%d.npy" % i) if i < 2 else np.zeros((4, 6, 3), np.uint8)
		    img = {"julia": lambda: X[:, :, :, i], "nhwc": lambda: X[i],
		           "nchw": lambda: X[i].transpose(1, 2, 0)}[lay]()
		    assert np.array_equal(img, a), (lay, i)
		assert json.load(open("X.npy.manifest.json"))["offset"] == 128
		print("ok", X.shape)
		PY
		assert_output --partial "ok"
		# pxr-unpack reads it back past the header.
		pxr-unpack --tensor X.npy --labels Y.npy --pick 1 > back.pxr
		unpack_npy back.pxr
		run -0 "$PY" -c 'import numpy as np; print(np.array_equal(np.load("back.pxr.out.1.npy"), np.load("in.pxr.1.npy")))'
		assert_output True
	done
}

@test "pxr-pack: the manifest's numpy and PyTorch reading of pxr-pack(1) gives the images and 0-based labels, every layout and base" {
	# The Dataset class exactly as the man page prints it.
	sed -n '/^\.\\" BEGIN dataset.py/,/^\.\\" END dataset.py/p' "$TOP/man/pxr-pack.1" |
		grep -v -e '^\.' > dataset.py
	[ "$(grep -c 'class PxrSet' dataset.py)" -eq 1 ]
	for base in 0 1; do
		# Four 20x12 images labelled base + i % 2.
		"$PY" - "$base" <<-'PY'
		import os, sys
		import numpy as np
		sys.path.insert(0, os.environ["TOP"] + "/tests/test_helper")
		import pxrstream as p
		base = int(sys.argv[1])
		with open("in%d.pxr" % base, "wb") as f:
		    for i in range(4):
		        a = np.random.default_rng(i).integers(0, 256, (12, 20, 3), dtype=np.uint8)
		        np.save("img%d.npy" % i, a)
		        f.write(p.record("pixels", i, "img%d" % i, a.tobytes(), label=base + i % 2,
		                         width=20, height=12, channels=3))
		PY
		for layout in julia nhwc nchw; do
			for npy in "" --npy; do
				out=X-$layout-$base${npy:+-npy}.raw
				pxr-pack --create 4 --size 20x12 --layout "$layout" --base "$base" $npy "$out" "$out.y"
				pxr-pack "$out" "$out.y" < "in$base.pxr"
				pxr-pack --quiet --finish "$out" "$out.y"
				run -0 "$PY" - "$out" <<-'PY'
				import sys
				import numpy as np
				sys.path.insert(0, ".")
				from dataset import PxrSet
				d = PxrSet(sys.argv[1])
				assert len(d) == 4 and list(d.index) == [0, 1, 2, 3]
				for i in range(4):
				    img, lab = d[i]
				    want = np.load("img%d.npy" % i).transpose(2, 0, 1) / 255
				    assert tuple(img.shape) == (3, 12, 20), img.shape
				    assert np.abs(img.numpy() - want).max() < 1e-6, i
				    assert lab == i % 2, (i, lab)
				print("ok")
				PY
				assert_output "ok"
			done
		done
	done
}

@test "pxr-pack: the Dataset of pxr-pack(1), as printed, leaves out failed, missing and unlabelled images (no label -1); keep_failed=True keeps the labelled failures" {
	sed -n '/^\.\\" BEGIN dataset.py/,/^\.\\" END dataset.py/p' "$TOP/man/pxr-pack.1" |
		grep -v -e '^\.' > dataset.py
	[ "$(grep -c 'class PxrSet' dataset.py)" -eq 1 ]
	# 0 and 3 ok and labelled, 1 failed with its label, 2 ok without a
	# label, 4 failed without one, 5 never written (missing).
	"$PY" - <<-'PY'
	import os, sys
	import numpy as np
	sys.path.insert(0, os.environ["TOP"] + "/tests/test_helper")
	import pxrstream as p
	with open("in.pxr", "wb") as f:
	    for i, lab in ((0, 1), (2, -1), (3, 2)):
	        a = np.random.default_rng(i).integers(0, 256, (4, 6, 3), dtype=np.uint8)
	        np.save("img%d.npy" % i, a)
	        f.write(p.record("pixels", i, "img%d" % i, a.tobytes(), label=lab,
	                         width=6, height=4, channels=3))
	    f.write(p.record("failure", 1, "img1", b"broken", label=2))
	    f.write(p.record("failure", 4, "img4", b"broken"))
	PY
	for layout in julia nhwc nchw; do
		rm -f X.raw* Y.raw
		pxr-pack --create 6 --size 6x4 --layout $layout X.raw Y.raw
		run -1 --separate-stderr pxr-pack X.raw Y.raw < in.pxr
		run -2 --separate-stderr pxr-pack --finish X.raw Y.raw
		run -0 od -An -tu1 X.raw.status
		assert_output "   1   2   1   1   2   0"
		run -0 "$PY" - <<-'PY'
		import sys
		import numpy as np
		sys.path.insert(0, ".")
		from dataset import PxrSet
		for keep in (False, True):
		    d = PxrSet("X.raw", keep_failed=keep) if keep else PxrSet("X.raw")
		    got = []
		    for k in range(len(d)):
		        img, lab = d[k]
		        i = int(d.index[k])
		        want = np.load("img%d.npy" % i) if i != 1 else np.zeros((4, 6, 3), np.uint8)
		        assert tuple(img.shape) == (3, 4, 6), img.shape
		        assert np.abs(img.numpy() - want.transpose(2, 0, 1) / 255).max() < 1e-6, i
		        got.append((i, lab))
		    print(keep, got)
		PY
		assert_output "False [(0, 0), (3, 1)]
True [(0, 0), (1, 1), (3, 1)]"
	done
}

@test "pxr-pack: --finish --synsets keeps class names with a space, a backslash or a comma whole in the manifest, in pxr-label's numbering" {
	mkdir -p tree/dog 'tree/zebra crossing' 'tree/back\slash' tree/a,b
	for d in dog 'zebra crossing' 'back\slash' a,b; do
		mkpng 100 60 "tree/$d/i.png"
	done
	# As pxr-folder writes them, with words as LOC_synset_mapping.txt has.
	printf '%s\n' dog 'zebra\ crossing striped, black and white' 'back\\slash' a,b > classes.txt
	pxr-pack --create 4 --size 100x60 X.raw Y.raw
	run -0 --separate-stderr bash -c 'set -o pipefail; pxr-list tree | pxr-decode | pxr-label --classes classes.txt | pxr-pack X.raw Y.raw'
	assert_output ""
	assert_equal "$stderr" ""
	run -0 --separate-stderr pxr-pack --finish --synsets classes.txt X.raw Y.raw
	assert_output ""
	assert_equal "$stderr" "pxr-pack: X.raw: 4 images ok, 0 failed, 0 missing; X is N C W H = 4 3 100 60 uint8 in C order, Y u16 labels from 1; manifest X.raw.manifest.json"
	# a,b/i, back\slash/i, dog/i, zebra crossing/i in name order.
	run -0 "$PY" -c 'import json, numpy as np
m = json.load(open("X.raw.manifest.json"))
print(*m["synsets"], *m["words"], *np.fromfile("Y.raw", "<u2"), sep="|")'
	assert_output 'dog|zebra crossing|back\slash|a,b||striped, black and white|||4|3|1|2'
}

@test "pxr-pack: --finish refuses a class list with a bad line before it syncs or counts, naming the line" {
	mkpixels in.pxr 8x8x3
	pxr-pack --create 1 --size 8x8 X.raw Y.raw
	pxr-pack X.raw Y.raw < in.pxr 2>/dev/null
	printf 'dog\nback\\slash\n' > bad.txt
	run -2 --separate-stderr pxr-pack --finish --synsets bad.txt X.raw Y.raw
	assert_output ""
	assert_equal "$stderr" "pxr-pack: bad.txt:2: '\\' before 's' is not an escape (write '\\\\' for a backslash)"
	[ ! -e X.raw.manifest.json ]
	printf '# no class\n\n' > none.txt
	run -2 --separate-stderr pxr-pack --finish --synsets none.txt X.raw Y.raw
	assert_equal "$stderr" "pxr-pack: none.txt: no classes"
}
