#!/usr/bin/env bats
# The shared bad-input corpus through the whole pipeline: every file ends
# as its README says (decoded, decoded with a warning, or a failure listed
# in the manifest), nothing crashes or hangs, no index is lost.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	BAD=$TESTDATA/badinput
}

@test "badinput: every image file of the corpus through list|decode|resize|crop|pack gives its expected outcome" {
	n=$(pxr-list --count "$BAD/jpeg" "$BAD/imagenet")
	pxr-pack --create "$n" X.raw Y.raw
	run -0 timeout 300 bash -c "set -o pipefail
		pxr-list --names '$BAD/jpeg' '$BAD/imagenet' > names.txt
		pxr-list '$BAD/jpeg' '$BAD/imagenet' | pxr-decode --min-side 256 2> decode.err |
		    pxr-resize | pxr-crop | pxr-pack X.raw Y.raw 2> pack.err
		s=(\${PIPESTATUS[@]})
		echo \"\${s[*]}\" > statuses"
	# list 0, decode 1 (some failed), resize 1, crop 1, pack 1.
	assert_equal "$(cat statuses)" "0 1 1 1 1"
	run -1 --separate-stderr pxr-pack --finish X.raw Y.raw
	"$PY" - "$BAD/MANIFEST.tsv" <<-'PY'
	import csv, json, sys
	rows = {r["path"].split("/", 1)[1]: r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")
	        if r["path"].startswith(("jpeg/", "imagenet/"))}
	names = dict(l.rstrip("\n").split("\t")[::-1] for l in open("names.txt"))
	status = open("X.raw.status", "rb").read()
	failures = {f["name"]: f["reason"] for f in json.load(open("X.raw.manifest.json"))["failures"]}
	warned = open("decode.err").read()
	assert len(names) == len(rows) == len(status), (len(names), len(rows), len(status))
	bad = []
	for name, r in rows.items():
	    st = status[int(names[name])]
	    exp = r["expect"].split(":")[0].strip()
	    if st == 0:
	        bad.append((name, "missing"))
	    elif exp == "ok" and st != 1:
	        bad.append((name, "should decode", failures.get(name)))
	    elif exp == "warn" and (st != 1 or name not in warned):
	        bad.append((name, "should decode with a warning"))
	    elif exp == "reject" and (st != 2 or not failures.get(name)):
	        bad.append((name, "should be a listed failure"))
	    elif exp == "warn|reject" and not (st == 2 and failures.get(name) or st == 1 and name in warned):
	        bad.append((name, "should warn or be a listed failure"))
	assert not bad, bad
	print(len(rows), "files,", sum(1 for s in status if s == 2), "failures listed")
	PY
}

@test "badinput: every archive of the corpus is listed without a crash or a hang, with its documented exit status" {
	for f in "$BAD"/tar/*; do
		run timeout 60 pxr-list "$f"
		# 0 clean, 1 damage reported, 2 not an archive: never a signal.
		[ "$status" -le 2 ] || { echo "$f: status $status"; false; }
	done
}
