#!/usr/bin/env bats
# pxr-label: class indices from names and the validation label files.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	IL=$TESTDATA/ilsvrc
}

# names_stream NAME...: encoded records with these names, indices 0, 1...
names_stream() {
	local i=0 n
	for n in "$@"; do
		printf '{"kind": "encoded", "index": %d, "name": "%s", "payload_hex": "ff"}\n' $i "$n"
		i=$((i + 1))
	done | mkstream
}

val_names() {
	local i
	for i in $(seq "$1" "$2"); do printf 'ILSVRC2012_val_%08d.JPEG\n' "$i"; done
}

@test "pxr-label: the real validation labels give the notebook's first ten Y values, in every file form" {
	names_stream $(val_names 1 10) > val.pxr
	want="66 971 231 810 517 58 335 416 675 333"
	for f in validation_labels.txt LOC_val_solution.csv; do
		run -0 bash -c "pxr-label --synsets $IL/LOC_synset_mapping.txt --val-labels $IL/$f < val.pxr | pxr-cat | cut -f4 | xargs"
		assert_output "$want"
	done
	# The same from 'name WNID' pairs, and with the synsets derived.
	paste -d' ' <(val_names 1 50000) "$IL/validation_labels.txt" > pairs.txt
	run -0 bash -c "pxr-label --val-labels pairs.txt < val.pxr | pxr-cat | cut -f4 | xargs"
	assert_output "$want"
	run -0 bash -c "pxr-label --base 0 --val-labels $IL/LOC_val_solution.csv < val.pxr | pxr-cat | cut -f4 | xargs"
	assert_output "65 970 230 809 516 57 334 415 674 332"
}

@test "pxr-label: --verbose names the form read; --print-synsets gives the sorted 1000" {
	run -0 --separate-stderr pxr-label -v --val-labels "$IL/LOC_val_solution.csv" --print-synsets
	assert_equal "${#lines[@]}" 1000
	assert_equal "${lines[65]}" "n01751748"
	[[ "$stderr" == *"read as Kaggle's LOC_val_solution.csv"* ]]
	cut -d' ' -f1 "$IL/LOC_synset_mapping.txt" > want
	pxr-label --val-labels "$IL/validation_labels.txt" --print-synsets > got
	run -0 cmp want got
}

@test "pxr-label: -b and -f with --print-synsets, which labels and writes no records, are refused with the usage, exit 2" {
	load test_helper/usage
	refused "pxr-label: --base does not go with --print-synsets" pxr-label --val-labels "$IL/validation_labels.txt" -b 0 --print-synsets
	refused "pxr-label: --force does not go with --print-synsets" pxr-label --print-synsets -f --synsets "$IL/LOC_synset_mapping.txt"
}

@test "pxr-label: an image decoded with a warning is labelled and keeps its warning flag, exit 0" {
	mkdir n01440764
	cp "$TESTDATA/jpeg/jd-extraneous-data.jpg" n01440764/n01440764_1.JPEG
	pxr-list n01440764 > enc.pxr
	pxr-decode enc.pxr > px.pxr 2> decode.err
	run -0 grep -c ': warning: Corrupt JPEG data' decode.err
	echo n01440764 > syn.txt
	run -0 --separate-stderr bash -c 'pxr-label --synsets syn.txt px.pxr > lab.pxr'
	assert_equal "$stderr" ""
	run -0 pxr-cat -j lab.pxr
	assert_output '{"index":0,"kind":"pixels","width":16,"height":16,"channels":3,"orig_width":16,"orig_height":16,"label":1,"warning":true,"name":"n01440764_1.JPEG","bytes":768}'
}

@test "pxr-label: training names by file prefix or class folder; unknown WNIDs and unnamed images fail" {
	names_stream n01440764/n01440764_10026.JPEG train/n01443537/x.jpg n99999999_1.JPEG other/photo.jpg > t.pxr
	run -1 --separate-stderr bash -c "pxr-label --synsets $IL/LOC_synset_mapping.txt < t.pxr > o.pxr"
	assert_equal "${stderr}" "pxr-label: n99999999_1.JPEG#2: no label: WNID n99999999 is not in the synset list
pxr-label: other/photo.jpg#3: no label: no WNID (n and 8 digits) in the name"
	run -0 bash -c 'pxr-cat o.pxr | cut -f2,4'
	assert_output "$(printf 'encoded\t1\nencoded\t2\nfailure\t-\nfailure\t-')"
}

@test "pxr-label: a validation image missing from the label file fails, never gets a default" {
	head -3 "$IL/validation_labels.txt" > three.txt
	names_stream $(val_names 2 5) > v.pxr
	run -1 --separate-stderr bash -c "pxr-label --synsets $IL/LOC_synset_mapping.txt --val-labels three.txt < v.pxr > o.pxr"
	[[ "$stderr" == *"ILSVRC2012_val_00000004.JPEG#2: no label: validation image 4 is not in the label file"* ]]
	run -0 bash -c 'pxr-cat o.pxr | cut -f2,4 | xargs'
	assert_output "encoded 971 encoded 231 failure - failure -"
}

@test "pxr-label: a bad line in a label file is fatal and names the line" {
	printf 'n01751748\nn09193705\nbanana\n' > bad.txt
	run -2 --separate-stderr pxr-label --val-labels bad.txt < /dev/null
	assert_equal "$stderr" "pxr-label: bad.txt:3: not a WNID (n and 8 digits): 'banana'"
	printf 'ImageId,PredictionString\nILSVRC2012_val_00000001,n01751748 1 2 3 4\nfoo,n01\n' > bad.csv
	run -2 --separate-stderr pxr-label --val-labels bad.csv < /dev/null
	assert_equal "$stderr" "pxr-label: bad.csv:3: not a validation image name: 'foo'"
	run -2 --separate-stderr pxr-label < /dev/null
	assert_equal "$stderr" "pxr-label: no synset list (give --synsets FILE, or --val-labels to derive it from)"
}

@test "pxr-label: payloads go on unread and whole, from and to pipes and files; a damaged one is found downstream" {
	# Records of 224x224x3 and 700x700x3 (more than a pipe holds).
	for i in 0 1 2; do
		s=$([ $i = 1 ] && echo 700 || echo 224)
		head -c $((s * s * 3)) /dev/urandom > p$i.bin
		printf '{"kind": "pixels", "index": %d, "width": %d, "height": %d, "channels": 3, "name": "n0144076%d_%d.JPEG", "payload_file": "p%d.bin"}\n' \
		    $i $s $s $((i + 2)) $i $i
	done | mkstream > in.pxr
	printf 'n01440762\nn01440763\nn01440764\n' > syn.txt
	pxr-label --synsets syn.txt in.pxr | cat > file-pipe.pxr
	cat in.pxr | pxr-label --synsets syn.txt | cat > pipe-pipe.pxr
	cat in.pxr | pxr-label --synsets syn.txt > pipe-file.pxr
	pxr-label --synsets syn.txt in.pxr > file-file.pxr
	for f in pipe-pipe pipe-file file-file; do
		cmp file-pipe.pxr $f.pxr || fail "$f differs"
	done
	run -0 pxr-cat --check file-pipe.pxr
	run -0 bash -c 'pxr-cat file-pipe.pxr | cut -f4 | xargs'
	assert_output "1 2 3"
	# Names of 16 bytes: record 1's payload starts at byte 150688.
	run -0 bash -c 'dd if=file-pipe.pxr iflag=skip_bytes,count_bytes skip=150688 count=1470000 status=none | cmp - p1.bin'
	run -0 bash -c 'tail -c 150528 file-pipe.pxr | cmp - p2.bin'
	# A flipped payload byte of record 1: label passes it on as it came,
	# and the reader after it names the record.
	cp in.pxr bad.pxr
	printf '\xff' | dd of=bad.pxr bs=1 seek=$((150688 + 5000)) conv=notrunc status=none
	run -2 bash -c 'cat bad.pxr | pxr-label --synsets syn.txt | pxr-cat --check 2>&1 >/dev/null'
	assert_output --partial 'n01440763_1.JPEG#1: payload checksum mismatch'
}

@test "pxr-label: --classes takes folder names with a space, a backslash, a comma or a leading '#' escaped; --print-synsets writes them back so" {
	printf '%s\n' '# folders of the set' 'zebra\ crossing' 'back\\slash striped' ' a,b' '\#hash' > classes.txt
	mkstream > in.pxr <<-'EOF2'
	{"kind": "encoded", "index": 0, "name": "a,b/1.jpg", "payload_hex": "ff"}
	{"kind": "encoded", "index": 1, "name": "back\\slash/2.jpg", "payload_hex": "ff"}
	{"kind": "encoded", "index": 2, "name": "zebra crossing/3.jpg", "payload_hex": "ff"}
	{"kind": "encoded", "index": 3, "name": "#hash/4.jpg", "payload_hex": "ff"}
	{"kind": "encoded", "index": 4, "name": "a/5.jpg", "payload_hex": "ff"}
	EOF2
	run -1 --separate-stderr bash -c 'set -o pipefail; pxr-label --classes classes.txt in.pxr | pxr-cat | cut -f4 | xargs'
	assert_output "3 2 1 4 -"
	assert_equal "$stderr" "pxr-label: a/5.jpg#4: no label: class folder 'a' is not in the class list"
	run -0 --separate-stderr pxr-label --classes classes.txt --print-synsets
	assert_output 'zebra\ crossing
back\\slash
a,b
\#hash'
	assert_equal "$stderr" ""
	# An unescaped backslash is refused, never read as another name.
	printf 'dog\nback\\slash\n' > bad.txt
	run -2 --separate-stderr pxr-label --classes bad.txt in.pxr
	assert_output ""
	assert_equal "$stderr" "pxr-label: bad.txt:2: '\\' before 's' is not an escape (write '\\\\' for a backslash)"
}
