#!/usr/bin/env bats
# The bad-input fixtures (tests/data) through the whole pipeline: every file ends
# as its README says (decoded, decoded with a warning, or a failure listed
# in the manifest), nothing crashes or hangs, no index is lost.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	BAD=$TESTDATA
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

@test "badinput: every archive of the corpus ends as MANIFEST.tsv expects: images as Python's tarfile lists them, damage reported by name" {
	# The reference is Python's tarfile (another reader than libarchive):
	# a clean archive gives exactly the image members it lists (inner tars
	# opened, a later copy of a name replacing the earlier); a rejected one
	# gives no image, a message naming it and a non-zero status; a damaged
	# one (partial) the images before the damage, a message and exit 1.
	run -0 "$PY" - "$BAD/MANIFEST.tsv" "$BAD" <<-'PY'
	import csv, io, os, subprocess, sys, tarfile
	rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["path"].startswith("tar/")]
	files = sorted("tar/" + f for f in os.listdir(os.path.join(sys.argv[2], "tar")))
	assert files == sorted(r["path"] for r in rows), "tar/ and MANIFEST.tsv disagree"
	assert len(rows) >= 30, len(rows)
	IMG = (".jpg", ".jpeg", ".png")
	def members(fileobj, names, prefix=""):
	    with tarfile.open(fileobj=fileobj, mode="r:*") as t:
	        for m in t:
	            if not m.isfile():
	                continue
	            if m.name.lower().endswith(".tar"):
	                inner = prefix + os.path.basename(m.name)[:-4] + "/"
	                members(io.BytesIO(t.extractfile(m).read()), names, inner)
	            elif m.name.lower().endswith(IMG) and not os.path.basename(m.name).startswith("._"):
	                names.add(prefix + m.name)
	    return names
	def images(fileobj):
	    return sorted(members(fileobj, set()))
	def pxr_list(path):
	    q = subprocess.run(["pxr-list", path], capture_output=True, timeout=60)
	    p = subprocess.run(["pxr-cat"], input=q.stdout, capture_output=True, timeout=60)
	    # Records in index order: the index is the name's rank.
	    recs = sorted(l.split("\t") for l in p.stdout.decode().split("\n") if l)
	    got = [r[4] for r in sorted(recs, key=lambda r: int(r[0]))]
	    return q.returncode, got, q.stderr.decode(errors="replace")
	def verdict(outcome, status, got, err, path, base):
	    if outcome == "ok":
	        try:
	            want = images(open(path, "rb"))
	        except (tarfile.TarError, ValueError):
	            want = []  # tarfile fails where libarchive skips (0 images expected)
	        return status == 0 and got == want
	    if outcome == "warn":
	        return status in (0, 1) and base in err
	    if outcome == "reject":
	        return status in (1, 2) and not got and base in err
	    if outcome == "partial":
	        return status == 1 and len(got) > 0 and "pxr-list: " in err
	    raise ValueError(outcome)
	bad = []
	for r in rows:
	    path = os.path.join(sys.argv[2], r["path"])
	    status, got, err = pxr_list(path)
	    if not any(verdict(o, status, got, err, path, os.path.basename(path)) for o in r["expect"].split("|")):
	        bad.append((r["path"], r["expect"], status, got[:3], err[:200]))
	assert not bad, "\n".join(map(str, bad))
	print(len(rows), "archives as expected")
	PY
	echo "# $output" >&3
}
