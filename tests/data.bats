#!/usr/bin/env bats
# tests/data: the fixtures are what MANIFEST.tsv says they are, so that a
# damaged or replaced file fails here rather than changing what a test means.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
}

@test "tests/data: every file has a MANIFEST.tsv row with its size and sha256, and every row a file" {
	run -0 "$PY" - "$TESTDATA" <<-'PY'
	import csv, hashlib, os, sys
	top = sys.argv[1]
	rows = {r["path"]: r for r in csv.DictReader(open(os.path.join(top, "MANIFEST.tsv")), delimiter="\t")}
	own = {"MANIFEST.tsv", "README.md", "make-photos.py", "make-notebook.py", "make-notebook-digests.py"}
	files = {os.path.relpath(os.path.join(d, f), top) for d, _, fs in os.walk(top) for f in fs} - own
	assert files == set(rows), (sorted(files - set(rows))[:5], sorted(set(rows) - files)[:5])
	bad = []
	for path, r in rows.items():
	    data = open(os.path.join(top, path), "rb").read()
	    if len(data) != int(r["bytes"]) or hashlib.sha256(data).hexdigest() != r["sha256"]:
	        bad.append(path)
	    if not r["expect"] or not r["origin"] or not r["licence"]:
	        bad.append(path + ": expect, origin or licence missing")
	assert not bad, bad
	print(len(rows), "files")
	PY
	assert_output --regexp '^1[0-9][0-9] files$'
}

@test "tests/data: the label files hold ILSVRC2012's facts (val image 1 is class 66)" {
	IL=$TESTDATA/ilsvrc
	assert_equal "$(wc -l < "$IL/LOC_synset_mapping.txt")" 1000
	assert_equal "$(cut -d' ' -f1 "$IL/LOC_synset_mapping.txt" | LC_ALL=C sort -c && echo sorted)" sorted
	assert_equal "$(wc -l < "$IL/validation_labels.txt")" 50000
	first=$(head -10 "$IL/validation_labels.txt" | while read -r w; do
		grep -n "^$w " "$IL/LOC_synset_mapping.txt" | cut -d: -f1; done | xargs)
	assert_equal "$first" "66 971 231 810 517 58 335 416 675 333"
}
