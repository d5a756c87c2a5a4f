#!/usr/bin/env bats
# pxr(5): the format as documented is the format as implemented.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
}

@test "pxr(5): the man page's hex example is a valid record the C reader reads" {
	sed -n '/^\.Sh EXAMPLES/,/^\.Ed/p' "$TOP/man/pxr.5" | grep '^0000' | xxd -r > ex.pxr
	run -0 --separate-stderr pxr-cat ex.pxr
	assert_output "1	pixels	2x1x3	66	v/1.JPEG	6"
	run -0 --separate-stderr pxr-cat --json ex.pxr
	assert_output --partial '"orig_width":500,"orig_height":375'
}

@test "pxr(5): the independent writer made from the man page gives the same bytes" {
	sed -n '/^\.Sh EXAMPLES/,/^\.Ed/p' "$TOP/man/pxr.5" | grep '^0000' | xxd -r > ex.pxr
	echo '{"kind": "pixels", "index": 1, "label": 66, "width": 2, "height": 1, "channels": 3, "orig_width": 500, "orig_height": 375, "name": "v/1.JPEG", "payload_hex": "ff000000ff00"}' | mkstream > mine.pxr
	run -0 cmp ex.pxr mine.pxr
}

@test "pxr(5): the man page renders with man -l and lints clean" {
	run -0 --separate-stderr mandoc -T lint -W warning "$TOP/man/pxr.5"
	assert_output ""
	run -0 bash -c "MANWIDTH=80 man -l '$TOP/man/pxr.5' 2>&1"
	assert_output --partial "60     4  header_crc   CRC-32C of header bytes 0-59, then the name"
}
