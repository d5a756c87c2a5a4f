#!/usr/bin/env bats
# Corrupt pxr streams: every filter detects a flipped bit (in a header, a
# name or a payload) and a stream cut short, exits 2 with a message that
# names the damaged record (its byte offset, and name#index once its header
# checks out), and passes on only the good records before it, intact;
# pxr-label, which forwards payloads unread (pxr(5), Forwarding), leaves
# a damaged payload to the reader after it (corrupt.py says how).
# tests/test_helper/corrupt.py makes the damaged copies and checks each
# outcome with the independent reader of pxrstream.py; it prints one line
# per wrong case, then "FILTER: N cases, N wrong".
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	# Two records of 2x2 pixels, indices 0 and 1 (a 2-image tensor for
	# pxr-pack), names carrying WNIDs (for pxr-label): 184 bytes, cut
	# at every offset.
	for i in 0 1; do
		printf '{"kind": "pixels", "index": %d, "width": 2, "height": 2, "channels": 3, "name": "n0144076%d_%d.JPEG", "payload_hex": "%s"}\n' \
		    $i $i $i "$(printf '%02x' $(seq $((i * 12)) $((i * 12 + 11))))"
	done | mkstream > "$BATS_FILE_TMPDIR/pixels.pxr"
	# Two encoded records (8x8 JPEGs) for pxr-decode's own input.
	mkjpeg 8 8 "$BATS_FILE_TMPDIR/a.jpg"
	mkjpeg 8 8 "$BATS_FILE_TMPDIR/b.jpg" 50
	for i in 0 1; do
		f=$BATS_FILE_TMPDIR/$([ $i = 0 ] && echo a || echo b).jpg
		printf '{"kind": "encoded", "index": %d, "name": "v/%d.JPEG", "payload_file": "%s"}\n' $i $i "$f"
	done | mkstream > "$BATS_FILE_TMPDIR/encoded.pxr"
}

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
}

corrupt() {
	"$PY" "$TOP/tests/test_helper/corrupt.py" "$@"
}

@test "corrupt: the fixture stream is good, and every filter passes it on whole" {
	run -0 --separate-stderr "$PY" "$TOP/tests/test_helper/pxrstream.py" read < "$BATS_FILE_TMPDIR/pixels.pxr"
	assert_equal "$(echo "$output" | wc -l)" 2
	assert_equal "$(stat -c %s "$BATS_FILE_TMPDIR/pixels.pxr")" 184
	run -0 --separate-stderr pxr-cat --check "$BATS_FILE_TMPDIR/encoded.pxr"
}

@test "pxr-decode: corrupt pixel streams: exit 2, the damaged record named, nothing of it passed on" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" decode
	assert_output "decode: 236 cases, 0 wrong"
}

@test "pxr-decode: corrupt JPEG record streams: exit 2, the damaged record named, nothing of it passed on" {
	run -0 corrupt "$BATS_FILE_TMPDIR/encoded.pxr" decode 9
	assert_output --regexp '^decode: [0-9]+ cases, 0 wrong$'
}

@test "pxr-resize: corrupt streams: exit 2, the damaged record named, nothing of it passed on" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" resize
	assert_output "resize: 236 cases, 0 wrong"
}

@test "pxr-crop: corrupt streams: exit 2, the damaged record named, nothing of it passed on" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" crop
	assert_output "crop: 236 cases, 0 wrong"
}

@test "pxr-label: corrupt streams: a damaged header or a cut: exit 2, the record named; a damaged payload goes on unread, for the reader after it to find" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" label
	assert_output "label: 236 cases, 0 wrong"
}

@test "pxr-cat --check: corrupt streams: exit 2, the damaged record named, one problem counted" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" cat-check
	assert_output "cat-check: 236 cases, 0 wrong"
}

@test "pxr-cat --pass: corrupt streams: exit 2, the damaged record named, nothing of it passed on" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" cat-pass
	assert_output "cat-pass: 236 cases, 0 wrong"
}

@test "pxr-unpack: corrupt streams: exit 2, the damaged record named, no file for it" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" unpack
	assert_output "unpack: 236 cases, 0 wrong"
}

@test "pxr-pack: corrupt streams: exit 2, the damaged record named, its image not marked done" {
	run -0 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" pack
	assert_output "pack: 236 cases, 0 wrong"
}

@test "corrupt.py: a filter that passes damage on is caught (the check can fail)" {
	# A stand-in pxr-crop that copies its input: every damaged case is wrong.
	mkdir bin
	printf '#!/bin/sh\nexec cat\n' > bin/pxr-crop
	chmod +x bin/pxr-crop
	PATH=$PWD/bin:$PATH run -1 corrupt "$BATS_FILE_TMPDIR/pixels.pxr" crop
	assert_line "crop: 236 cases, 234 wrong"
	assert_line --partial "crop: bit 0 of byte 100: exit 0, want 2"
}
