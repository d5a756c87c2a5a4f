#!/usr/bin/env bats
# pxr-cat: listing and checking pxr streams, against streams made by the
# independent writer in test_helper/pxrstream.py.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	mkstream > three.pxr <<-'EOF'
	{"kind": "encoded", "index": 0, "name": "n01440764/n01440764_10026.JPEG", "payload_hex": "ffd8ffd9"}
	{"kind": "pixels", "index": 1, "label": 66, "width": 2, "height": 1, "channels": 3, "orig_width": 500, "orig_height": 375, "name": "ILSVRC2012_val_00000001.JPEG", "payload_hex": "010203040506"}
	{"kind": "failure", "index": 2, "label": 971, "name": "bad name\twith tab.JPEG", "payload_text": "Premature end of JPEG file"}
	EOF
}

@test "pxr-cat: one tab-separated line per record, failure reason last" {
	run -1 --separate-stderr pxr-cat three.pxr
	assert_equal "$stderr" ""
	assert_equal "${lines[0]}" "0	encoded	-	-	n01440764/n01440764_10026.JPEG	4"
	assert_equal "${lines[1]}" "1	pixels	2x1x3	66	ILSVRC2012_val_00000001.JPEG	6"
	assert_equal "${lines[2]}" '2	failure	-	971	bad name\twith tab.JPEG	26	Premature end of JPEG file'
	assert_equal "${#lines[@]}" 3
}

@test "pxr-cat: reads stdin by default and with -, exit 0 without failures" {
	head -c $((64 + 30 + 4)) three.pxr > one.pxr
	run -0 --separate-stderr pxr-cat < one.pxr
	assert_output "0	encoded	-	-	n01440764/n01440764_10026.JPEG	4"
	run -0 --separate-stderr pxr-cat - < one.pxr
	assert_output "0	encoded	-	-	n01440764/n01440764_10026.JPEG	4"
}

@test "pxr-cat: --json prints one valid JSON object per record" {
	run -1 --separate-stderr pxr-cat --json three.pxr
	echo "$output" | "$PY" -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
assert [r["kind"] for r in recs] == ["encoded", "pixels", "failure"], recs
assert recs[1]["orig_width"] == 500 and recs[1]["label"] == 66
assert recs[2]["name"] == "bad name\twith tab.JPEG"
assert recs[2]["reason"] == "Premature end of JPEG file"
assert recs[0]["label"] == -1
'
}

@test "pxr-cat: the C reader and the independent reader agree" {
	run -1 --separate-stderr pxr-cat --json three.pxr
	ours=$(echo "$output" | "$PY" -c 'import json,sys; print([(r["index"], r["name"], r["bytes"]) for r in map(json.loads, sys.stdin)])')
	theirs=$(readstream < three.pxr | "$PY" -c 'import json,sys; print([(r["index"], r["name"], r["bytes"]) for r in map(json.loads, sys.stdin)])')
	assert_equal "$ours" "$theirs"
}

@test "pxr-cat: --check on a sound stream counts records, exit 1 for failure records" {
	run -1 --separate-stderr pxr-cat --check three.pxr
	assert_output "three.pxr: 3 records, 1 failure records, 0 problems"
	assert_equal "$stderr" ""
}

@test "pxr-cat: a flipped payload bit is named by record and offset, exit 2" {
	cp three.pxr bad.pxr
	# The last byte of the pixel record's payload.
	off=$((64 + 30 + 4 + 64 + 28 + 5))
	printf '\x07' | dd of=bad.pxr bs=1 seek=$off conv=notrunc status=none
	run -2 --separate-stderr pxr-cat bad.pxr
	assert_equal "${lines[0]}" "0	encoded	-	-	n01440764/n01440764_10026.JPEG	4"
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" "pxr-cat: bad.pxr: byte 98: ILSVRC2012_val_00000001.JPEG#1: payload checksum mismatch (stored 4f4dfbab, computed bd2678a8)"
}

@test "pxr-cat: --check reports every problem and goes on past them" {
	cp three.pxr bad.pxr
	off=$((64 + 30 + 4 + 64 + 28 + 5))
	printf '\x07' | dd of=bad.pxr bs=1 seek=$off conv=notrunc status=none
	# And a damaged header (the index) in the first record.
	printf '\x09' | dd of=bad.pxr bs=1 seek=8 conv=notrunc status=none
	run -2 --separate-stderr pxr-cat --check bad.pxr
	assert_output "bad.pxr: 1 records, 1 failure records, 2 problems"
	[[ "$stderr" == *"bad.pxr: byte 0: header checksum mismatch"* ]]
	[[ "$stderr" == *"bad.pxr: byte 98: ILSVRC2012_val_00000001.JPEG#1: payload checksum mismatch"* ]]
}

@test "pxr-cat: a stream cut inside a record is truncated, not a shorter stream" {
	head -c 120 three.pxr > cut.pxr
	run -2 --separate-stderr pxr-cat cut.pxr
	assert_output "0	encoded	-	-	n01440764/n01440764_10026.JPEG	4"
	assert_equal "$stderr" "pxr-cat: cut.pxr: byte 98: truncated: the stream ends inside a record header (22 of 64 bytes)"
}

@test "pxr-cat: not a pxr stream says so" {
	printf 'hello world\n' > text.txt
	run -2 --separate-stderr pxr-cat text.txt
	assert_output ""
	assert_equal "$stderr" "pxr-cat: text.txt: byte 0: not a pxr stream (bad magic 68 65 6c 6c)"
}

@test "pxr-cat: an empty input is an empty stream" {
	run -0 --separate-stderr pxr-cat < /dev/null
	assert_output ""
	assert_equal "$stderr" ""
}

@test "pxr-cat: a missing file is a fatal error naming it, other files still read" {
	run -2 --separate-stderr pxr-cat nosuch.pxr three.pxr
	assert_equal "$stderr" "pxr-cat: nosuch.pxr: No such file or directory"
	assert_equal "${#lines[@]}" 3
}

@test "pxr-cat: --help to stdout exit 0, a bad option to stderr exit 2" {
	run -0 --separate-stderr pxr-cat --help
	assert_line --index 0 "usage: pxr-cat [-hjV] [--check | --pass [-f]] [file ...]"
	assert_equal "$stderr" ""
	run -2 --separate-stderr pxr-cat --bogus
	assert_output ""
	assert_equal "${stderr_lines[1]}" "usage: pxr-cat [-hjV] [--check | --pass [-f]] [file ...]"
}

@test "pxr-cat: --version names the libraries" {
	run -0 pxr-cat --version
	assert_line --index 0 --partial "pxr-cat (pxr)"
	assert_line --index 1 --partial "libjpeg-turbo 2."
	assert_line --index 1 --partial "libarchive"
}

@test "pxr-cat: the usage line matches the man page's SYNOPSIS" {
	syn=$(MANWIDTH=200 man -l "$TOP/man/pxr-cat.1" 2>/dev/null | sed -n '/^SYNOPSIS/{n;p}' | sed 's/^ *//')
	assert_equal "usage: $syn" "usage: pxr-cat [-hjV] [--check | --pass [-f]] [file ...]"
}

@test "pxr-cat: --pass copies sound records byte for byte" {
	run -1 --separate-stderr bash -c 'pxr-cat --pass three.pxr > copy.pxr'
	assert_equal "$stderr" ""
	run -0 cmp three.pxr copy.pxr
}

@test "pxr-cat: --pass stops at a damaged record and never passes it on" {
	cp three.pxr bad.pxr
	off=$((64 + 30 + 4 + 64 + 28 + 5))
	printf '\x07' | dd of=bad.pxr bs=1 seek=$off conv=notrunc status=none
	run -2 --separate-stderr bash -c 'pxr-cat --pass bad.pxr > copy.pxr'
	[[ "$stderr" == *"ILSVRC2012_val_00000001.JPEG#1: payload checksum mismatch"* ]]
	run -0 pxr-cat copy.pxr
	assert_output "0	encoded	-	-	n01440764/n01440764_10026.JPEG	4"
}

@test "pxr-cat: --pass refuses a terminal, and --force without --pass is a usage error" {
	load test_helper/usage
	refused "pxr-cat: --force goes with --pass" pxr-cat --force three.pxr
	refused "pxr-cat: --force goes with --pass" pxr-cat --check -f three.pxr
	if ! script -qc true /dev/null >/dev/null 2>&1; then skip "script(1) missing"; fi
	run -2 script -qec "$PXR_BUILD/pxr-cat --pass three.pxr" /dev/null
	assert_output --partial "refusing to write binary records to a terminal"
}
