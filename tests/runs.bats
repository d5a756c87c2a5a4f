#!/usr/bin/env bats
# The whole job as a person runs it (pxr-imagenet, pxr-folder): the recipe
# decides whether a set resumes, signals stop every job and the run
# resumes to the same bytes, bad output places are refused before any
# work, folder splits share one class numbering, failed images keep their
# labels.  Processes are ended by pid or process group, never by name.
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	make_small_sample
}

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	# Whatever a test left running in its own process group.
	[ -n "${RUN_PGID:-}" ] && kill -KILL -- "-$RUN_PGID" 2>/dev/null
	for m in "${MOUNTS[@]:-}"; do
		[ -n "$m" ] && umount "$m" 2>/dev/null
	done
	true
}

count_done() { tr -cd '\001' < "$1" | wc -c; }

# A pxr-pack that waits 1 s before it packs, first on PATH: shards then
# last long enough to be interrupted midway.
slow_pack() {
	mkdir -p slow
	printf '#!/bin/sh\nsleep 1\nexec %s/pxr-pack "$@"\n' "$PXR_BUILD" > slow/pxr-pack
	chmod +x slow/pxr-pack
}

@test "runs: a set made with another size, filter, layout or source is refused before any work, exit 2; --overwrite remakes it" {
	run -0 --separate-stderr pxr-imagenet --split val --out o "$SAMPLE"
	cp o/X_val.raw before.raw
	run -2 --separate-stderr pxr-imagenet --split val --size 160 --out o "$SAMPLE"
	assert_output ""
	[[ "$stderr" == *"resize: was 'short side 256, the other rounded notebook', now 'short side 183, the other rounded notebook'"* ]]
	[[ "$stderr" == *"size: was '224x224', now '160x160')"* ]]
	run -2 --separate-stderr pxr-imagenet --split val --filter lanczos3 --out o "$SAMPLE"
	# The default is the notebook's own chain; a filter asked for is its
	# geometry with that filter, decoded by libjpeg-turbo.
	[[ "$stderr" == *"filter: was 'notebook (restrict, "*"', now 'lanczos3'"* ]]
	[[ "$stderr" == *"decode: was 'notebook (IJG libjpeg 9b "*"', now 'exact (full size)'"* ]]
	run -2 --separate-stderr pxr-imagenet --split val --layout nchw --out o "$SAMPLE"
	[[ "$stderr" == *"layout: was 'julia', now 'nchw'"* ]]
	cmp before.raw o/X_val.raw
	# An image more in the source: another fingerprint.
	cp -r "$SAMPLE" src2
	mkdir more && tar -xf src2/ILSVRC2012_img_val.tar -C more
	cp more/ILSVRC2012_val_00000001.JPEG more/ILSVRC2012_val_00000013.JPEG
	echo "$(head -1 src2/validation_labels.txt)" >> src2/validation_labels.txt
	tar -cf src2/ILSVRC2012_img_val.tar -C more .
	run -0 --separate-stderr pxr-imagenet --split val --out o2 "$SAMPLE"
	run -2 --separate-stderr pxr-imagenet --split val --out o2 src2
	# The count of images first, then the path.
	[[ "$stderr" == *"made with another recipe (source_fingerprint: 12 images, now 13; source: was '$SAMPLE/ILSVRC2012_img_val.tar', now '$BATS_TEST_TMPDIR/src2/ILSVRC2012_img_val.tar'"* ]]
	# --overwrite makes the set anew, with the new recipe.
	run -0 --separate-stderr pxr-imagenet --split val --filter lanczos3 --overwrite --out o "$SAMPLE"
	run -0 "$PY" -c 'import json; m = json.load(open("o/X_val.raw.manifest.json")); print(m["recipe"]["filter"], m["recipe"]["size"], m["ok"])'
	assert_output "lanczos3 224x224 12"
	! cmp -s before.raw o/X_val.raw
}

@test "runs: the manifest carries the recipe and the classes with their words" {
	run -0 --separate-stderr pxr-imagenet --out o "$SAMPLE"
	"$PY" - o "$SAMPLE" <<-'PY'
	import json, sys
	m = json.load(open(sys.argv[1] + "/X_train.raw.manifest.json"))
	r = m["recipe"]
	for k in ("pxr", "job", "set", "split", "source", "source_fingerprint", "classes", "classes_sha256",
	          "decode", "like", "resize", "crop", "filter", "size", "layout", "labels"):
	    assert k in r, k
	assert r["set"] == "train" and r["source"].endswith("ILSVRC2012_img_train.tar"), r
	assert r["source_fingerprint"].endswith(" 24 images"), r
	lines = [l.split(" ", 1) for l in open(sys.argv[2] + "/LOC_synset_mapping.txt")]
	assert m["synsets"] == [w for w, _ in lines], m["synsets"]
	assert m["words"] == [t.strip() for _, t in lines], m["words"]
	v = json.load(open(sys.argv[1] + "/X_val.raw.manifest.json"))
	assert "val_labels_sha256" in v["recipe"] and v["recipe"]["set"] == "val"
	PY
}

# interrupt HOW SIGNAL: starts a two-split run with slow shards in its
# own process group, signals it once some images are done, and checks that
# it stops within 2 s with 128+signal, one line, no bash internals, every
# job gone, and val never started.
interrupt() {
	local how=$1 sig=$2 code pid t0 ms
	slow_pack
	code=$((128 + $(kill -l "$sig")))
	# The signals' default dispositions: a script cannot trap a signal
	# ignored when it starts (nohup make test ignores HUP; a background
	# job INT).
	PATH=$PWD/slow:$PATH setsid env --default-signal=INT,TERM,HUP \
		pxr-imagenet --jobs 1 --shards 8 --out o "$SAMPLE" 2> err.txt &
	pid=$!
	RUN_PGID=$pid
	for _ in $(seq 100); do
		[ -f o/X_train.raw.status ] && [ "$(count_done o/X_train.raw.status)" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(count_done o/X_train.raw.status)" -ge 3 ]
	t0=$(date +%s%N)
	if [ "$how" = group ]; then
		kill "-$sig" -- "-$pid"
	else
		kill "-$sig" "$pid"
	fi
	local st=0
	wait "$pid" || st=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# $how $sig: exit $st in $ms ms" >&3
	[ "$st" -eq "$code" ]
	[ "$ms" -lt 2000 ]
	run -0 tail -n 1 err.txt
	assert_output "pxr-imagenet: interrupted; run the same command again to resume"
	run grep -E 'line [0-9]+:|Killed|Terminated|parallel:' err.txt
	[ "$status" -eq 1 ]
	# No job of the run is left, and the next split never started.
	# (zombies only wait for init to reap them)
	run ps -o stat= -g "$pid"
	[ -z "$(echo "$output" | grep -v '^ *Z')" ]
	[ ! -f o/X_val.raw ] || [ "$(count_done o/X_val.raw.status)" -eq 0 ]
	done=$(count_done o/X_train.raw.status)
	[ "$done" -ge 3 ] && [ "$done" -lt 24 ]
}

@test "runs: TERM, INT and HUP to pxr-imagenet stop it within 2 s with 128+signal; it resumes to the same bytes" {
	run -0 --separate-stderr pxr-imagenet --out ref "$SAMPLE"
	for sig in TERM INT HUP; do
		rm -rf o
		interrupt script "$sig"
	done
	run -0 --separate-stderr pxr-imagenet --out o "$SAMPLE"
	[[ "$stderr" == *"train: 24 images ("[1-9]*" done before)"* ]]
	for f in X_train.raw Y_train.raw X_val.raw Y_val.raw; do
		cmp ref/$f o/$f
	done
}

@test "runs: Ctrl-C (INT to the process group) and TERM to the group stop every job; the run resumes to the same bytes" {
	run -0 --separate-stderr pxr-imagenet --out ref "$SAMPLE"
	interrupt group INT
	rm -rf o
	interrupt group TERM
	run -0 --separate-stderr pxr-imagenet --out o "$SAMPLE"
	for f in X_train.raw Y_train.raw X_val.raw Y_val.raw; do
		cmp ref/$f o/$f
	done
}

@test "runs: a read-only output place, or one without room, is refused before any work with one line, exit 2" {
	MOUNTS=("$BATS_TEST_TMPDIR/ro" "$BATS_TEST_TMPDIR/small")
	mkdir -p ro small
	mount -t tmpfs -o size=1m,ro tmpfs ro 2>/dev/null || skip "cannot mount a tmpfs here"
	mount -t tmpfs -o size=1m tmpfs small
	run -2 --separate-stderr pxr-imagenet --out ro/sub "$SAMPLE"
	assert_equal "$stderr" "pxr-imagenet: ro/sub: cannot make the output folder (Read-only file system)"
	run -2 --separate-stderr pxr-imagenet --out ro "$SAMPLE"
	assert_equal "$stderr" "pxr-imagenet: $BATS_TEST_TMPDIR/ro: cannot write there (Read-only file system)"
	run -2 --separate-stderr pxr-imagenet --out small "$SAMPLE"
	[[ "${stderr_lines[-1]}" == "pxr-imagenet: $BATS_TEST_TMPDIR/small: "*" free, the sets need "*" more; make room, choose another --out, or give --no-space-check" ]]
	[ ! -e small/X_train.raw ]
	# Forced on, the disk fills: the shard fails, the run says so and
	# stops before the next split, exit 2.
	run -2 --separate-stderr pxr-imagenet --no-space-check --jobs 1 --out small "$SAMPLE"
	[[ "$stderr" == *"No space left on device"* ]]
	[[ "$stderr" == *"train: 1 of 1 shards failed twice"* ]]
	# No line of the val split's run (its start, its progress); the plan's
	# "val: indexing" comes before any work, and train's progress lines
	# say "images, " too (a line every 30 s, the first at once).
	for l in "${stderr_lines[@]}"; do
		[[ "$l" != "pxr-imagenet: val: "[0-9]* ]] || fail "the val split ran: $l"
	done
}

@test "runs: a disk that fills at any step of plan (no inode left) stops it naming the file, exit 2; plan never says it planned over a missing or short file" {
	MOUNTS=("$BATS_TEST_TMPDIR/mnt")
	mkdir -p mnt
	# The reference: the same plan, at the same place, with room.
	mount -t tmpfs -o size=64m tmpfs mnt 2>/dev/null || skip "cannot mount a tmpfs here"
	run -0 --separate-stderr pxr-imagenet plan --no-space-check --split val --shards 3 --out mnt/o "$SAMPLE"
	assert_equal "$output" "$BATS_TEST_TMPDIR/mnt/o/.pxr/jobs"
	cp -r mnt/o/.pxr ref
	umount mnt
	# Every number of inodes from too few for the output folder to
	# enough: each file plan makes, in turn, is the one that fails.
	local n ok="" failed=() said=""
	for n in $(seq 1 40); do
		mount -t tmpfs -o size=64m,nr_inodes=$n tmpfs mnt
		run --separate-stderr pxr-imagenet plan --no-space-check --split val --shards 3 --out mnt/o "$SAMPLE"
		if [ "$status" -eq 0 ]; then
			ok=$n
			for f in jobs plans val.plan val.recipe; do
				cmp "ref/$f" "mnt/o/.pxr/$f" || fail "$n inodes: $f differs from a plan with room"
			done
			umount mnt
			break
		fi
		[ "$status" -eq 2 ] || fail "$n inodes: exit $status: $stderr"
		assert_equal "$output" ""
		[[ "${stderr_lines[-1]}" == "pxr-imagenet: "*"mnt/o"* ]] ||
			fail "$n inodes: the last line names no file of the output: $stderr"
		[[ "$stderr" == *"No space left on device"* ]] || fail "$n inodes: no reason given: $stderr"
		failed+=("${stderr_lines[-1]}")
		said+=$stderr
		umount mnt
	done
	[ -n "$ok" ] || fail "plan did not succeed with 40 inodes"
	echo "# plan failed at ${#failed[@]} numbers of inodes, each naming its file; ran with $ok" >&3
	# Each file of the plan was the one that failed once.
	for f in val.recipe val.plan X_val.raw X_val.raw.status X_val.raw.stats \
		X_val.raw.meta Y_val.raw val.images val.shards plans jobs; do
		[[ "$said" == *"/$f: "* || "$said" == *"/$f."*"tmp: "* ]] || fail "no run failed at $f"
	done
}

@test "runs: --split takes one known split name, nothing else" {
	run -2 --separate-stderr pxr-imagenet --split 'train val' --out o "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: unknown --split 'train val' (train, val)"
	run -2 --separate-stderr pxr-imagenet --split '*' --out o "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: unknown --split '*' (train, val)"
	run -2 --separate-stderr pxr-imagenet --split test --out o "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: unknown --split 'test' (train, val)"
	run -2 --separate-stderr pxr-folder --split ../train --out o "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-folder: unknown --split '../train' (train, val, test)"
	[ ! -e o ]
	run -0 --separate-stderr pxr-imagenet plan --split val --out o "$SAMPLE"
	assert_equal "$(cat o/.pxr/plans)" "$BATS_TEST_TMPDIR/o/.pxr/val.plan"
}

@test "runs: GNU parallel's own messages reach the user as they are" {
	# A GNU parallel that has something to say (a login it could not
	# use, say) before it runs the jobs.
	mkdir -p talk
	printf '#!/bin/sh\necho "parallel: Warning: Could not figure out number of cpus on host.example. Using 1." >&2\nexec %s "$@"\n' \
	    "$(command -v parallel)" > talk/parallel
	chmod +x talk/parallel
	PATH=$PWD/talk:$PATH run -0 --separate-stderr pxr-imagenet --split val --shards 2 --out o "$SAMPLE"
	assert_equal "${stderr_lines[2]}" "parallel: Warning: Could not figure out number of cpus on host.example. Using 1."
	assert_equal "$(count_done o/X_val.raw.status)" 12
}

@test "runs: a shard refuses a plan made by another pxr version, exit 2, and writes nothing" {
	run -0 --separate-stderr pxr-imagenet plan --split val --shards 2 --out o "$SAMPLE"
	# The plan of another install (mixed installs write mixed bytes).
	cp o/.pxr/val.plan good.plan
	sed -i 's/^pxr .*/pxr 9.9.9/' o/.pxr/val.plan
	run -2 --separate-stderr pxr-imagenet shard "$BATS_TEST_TMPDIR/o/.pxr/val.plan" 1/2
	assert_equal "$stderr" "pxr-imagenet: val: planned by pxr 9.9.9, but this is pxr $(pxr-plan --version | awk 'NR == 1 { print $NF }'); install one version everywhere and plan again"
	assert_equal "$(count_done o/X_val.raw.status)" 0
	cp good.plan o/.pxr/val.plan
	# The jobs name the pxr-imagenet that planned them, by its path.
	[[ "$(head -1 o/.pxr/jobs)" == "$PXR_BUILD/pxr-imagenet shard "* ]]
	run -0 --separate-stderr bash -c "$(head -1 o/.pxr/jobs)"
	assert_equal "$(count_done o/X_val.raw.status)" 6
}

@test "runs: options without values, or with bad ones, are usage errors naming the option" {
	run -2 --separate-stderr pxr-imagenet --size
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: --size wants a value"
	[[ "${stderr_lines[1]}" == "usage: pxr-imagenet "* ]]
	run -2 --separate-stderr pxr-imagenet --out --size 5 "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: --out wants a value"
	run -2 --separate-stderr pxr-imagenet --jobs 0 "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: --jobs wants a positive number, not '0'"
	run -2 --separate-stderr pxr-imagenet --val-labels nowhere.txt "$SAMPLE"
	assert_equal "$stderr" "pxr-imagenet: --val-labels nowhere.txt: cannot read it"
	run -2 --separate-stderr pxr-folder --name "a b" "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-folder: --name wants letters, digits, _ . -"
}

@test "runs: a failed image keeps its known label in Y; the status byte and the manifest say it failed" {
	mkdir -p tree/train/n01440764 tree/train/n01443537
	cp "$TESTDATA"/photos/train/n02123045/n02123045_1.JPEG tree/train/n01440764/n01440764_1.JPEG
	head -c 3000 "$TESTDATA"/photos/train/n03063599/n03063599_1.JPEG > tree/train/n01443537/n01443537_7.JPEG
	cp "$TESTDATA"/photos/train/n04008634/n04008634_2.JPEG tree/train/n01443537/n01443537_9.JPEG
	run -1 --separate-stderr pxr-imagenet --synsets "$TESTDATA/ilsvrc/LOC_synset_mapping.txt" --out o tree
	run -0 "$PY" -c 'import numpy as np; print(*np.fromfile("o/Y_train.raw", "<u2"), *open("o/X_train.raw.status", "rb").read())'
	assert_output "1 2 2 1 2 1"
	run -0 "$PY" -c 'import json; print([(f["index"], f["name"]) for f in json.load(open("o/X_train.raw.manifest.json"))["failures"]])'
	assert_output "[(1, 'n01443537/n01443537_7.JPEG')]"
}

@test "runs: the progress line counts this run's images and says how many were done before" {
	pxr-pack --create 100 p.raw py.raw
	"$PY" -c 'open("p.raw.status", "r+b").write(bytes([1] * 40))'
	PATH=$PWD/slow:$PATH setsid pxr-imagenet --progress p.raw.status 100 train $$ 999999 2> prog.txt &
	pid=$!
	RUN_PGID=$pid
	sleep 1
	"$PY" -c 'f = open("p.raw.status", "r+b"); f.seek(40); f.write(bytes([1] * 10 + [2] * 2))'
	sleep 1.8
	kill -TERM -- "-$pid"
	wait "$pid" || true
	run -0 head -n 1 prog.txt
	[[ "$output" == "pxr-imagenet: train: 52/100 images (40 before this run), "[0-9]" img/s, ETA "*", 2 failed" ]]
}

@test "runs: pxr-folder on a root of split folders makes a set per split with one class numbering, written once" {
	mkdir -p tree/train/cat tree/train/dog "tree/train/zebra crossing" tree/train/bird tree/val/dog tree/val/cat
	cp "$TESTDATA"/photos/train/n02123045/n02123045_[12].JPEG tree/train/cat/
	cp "$TESTDATA"/photos/train/n03063599/n03063599_[12].JPEG tree/train/dog/
	cp "$TESTDATA"/photos/train/n04008634/n04008634_1.JPEG "tree/train/zebra crossing/"
	cp "$TESTDATA"/photos/train/n04350905/n04350905_1.JPEG tree/val/dog/
	cp "$TESTDATA"/photos/train/n04350905/n04350905_2.JPEG tree/val/cat/
	touch tree/train/bird/a.webp tree/train/dog/b.webp tree/train/dog/c.WEBP tree/train/notes.txt
	# val alone first, then train: the numbering is the training split's.
	run -0 --separate-stderr pxr-folder --split val --out o tree
	run -0 --separate-stderr pxr-folder --split train --out o tree
	[[ "$stderr" == *"pxr-folder: train: not images, left out: 3 .webp, 1 .txt"* ]]
	[[ "$stderr" == *"pxr-folder: train: class folder 'bird' gives no image"* ]]
	[[ "$stderr" != *"pxr-imagenet"* ]]
	assert_equal "$(cat o/classes.txt)" 'cat
dog
zebra\ crossing'
	run -0 "$PY" -c 'import numpy as np; print(*np.fromfile("o/Y_train.raw", "<u2"), "|", *np.fromfile("o/Y_val.raw", "<u2"))'
	assert_output "1 1 2 2 3 | 1 2"
	[ ! -e o/X_data.raw ] && [ ! -e o/X_cat.raw ]
	# Both at once give the same; a class list with words serves too.
	run -0 --separate-stderr pxr-folder --out o2 tree
	cmp o/Y_train.raw o2/Y_train.raw
	cmp o/X_val.raw o2/X_val.raw
	printf 'dog a good boy\ncat\nzebra\\ crossing the road\n' > mine.txt
	run -0 --separate-stderr pxr-folder --classes mine.txt --out o3 tree
	run -0 "$PY" -c 'import numpy as np; print(*np.fromfile("o3/Y_train.raw", "<u2"))'
	assert_output "2 2 1 1 3"
	# A class of val unknown to the list fails those images by name.
	mkdir tree/val/emu && cp "$TESTDATA"/photos/train/n02123045/n02123045_1.JPEG tree/val/emu/
	run -1 --separate-stderr pxr-folder --split val --out o3b --classes mine.txt tree
	run -0 "$PY" -c 'import json; print([f["name"] for f in json.load(open("o3b/X_val.raw.manifest.json"))["failures"]])'
	assert_output "['emu/n02123045_1.JPEG']"
	# A class added to the training split: the sets made before refuse.
	mkdir tree/train/emu && cp "$TESTDATA"/photos/train/n02123045/n02123045_3.JPEG tree/train/emu/
	run -2 --separate-stderr pxr-folder --split val --out o tree
	[[ "$stderr" == *"classes.txt lists other classes than"* ]]
}

@test "runs: pxr-pack --create over an earlier set's leftovers refuses, --overwrite remakes it; --finish with no class list fails" {
	pxr-pack --create 3 X Y
	rm X
	run -2 --separate-stderr pxr-pack --create 3 X Y
	assert_equal "$stderr" "pxr-pack: X: the set is not whole (X: No such file or directory); give --overwrite to make it anew"
	run -0 pxr-pack --create 3 --overwrite X Y
	[ -f X ] && [ "$(stat -c %s X)" -eq $((3 * 224 * 224 * 3)) ]
	printf 'size 224\n' > r.txt
	run -2 --separate-stderr pxr-pack --create 3 --recipe r.txt X Y
	assert_equal "$stderr" "pxr-pack: X: made with another recipe (size: was (none), now '224'); give --overwrite to make it anew"
	run -2 --separate-stderr pxr-pack --finish --synsets MISSING X Y
	assert_equal "$stderr" "pxr-pack: MISSING: No such file or directory"
	[ ! -e X.manifest.json ]
}

@test "runs: --retry-failed: a damaged image replaced (another size) is decoded again, to a clean run's bytes; any other change to the source is refused" {
	mkdir m bad
	tar -xf "$SAMPLE/ILSVRC2012_img_val.tar" -C m
	cp "$SAMPLE"/*.txt bad/
	cp m/ILSVRC2012_val_00000005.JPEG whole.jpg
	head -c 3000 whole.jpg > m/ILSVRC2012_val_00000005.JPEG	# cut short
	tar -cf bad/ILSVRC2012_img_val.tar -C m .
	run -1 --separate-stderr pxr-imagenet --split val --out o bad
	assert_equal "$(tr -cd '\002' < o/X_val.raw.status | wc -c)" 1
	# The whole file back: another size, so another fingerprint.
	cp whole.jpg m/ILSVRC2012_val_00000005.JPEG
	tar -cf bad/ILSVRC2012_img_val.tar -C m .
	run -2 --separate-stderr pxr-imagenet --split val --out o bad
	[[ "$stderr" == *"X_val.raw: made with another recipe (source_fingerprint: the same 12 images in number, but other names or sizes); give --overwrite to make it anew; or, if only images that failed were replaced, --retry-failed"* ]]
	run -2 --separate-stderr pxr-imagenet --split val --out o --retry-failed --overwrite bad
	[[ "$stderr" == *"--retry-failed resumes a set: not with --overwrite"* ]]
	# Another image changed too: refused, naming it; nothing written.
	cp m/ILSVRC2012_val_00000007.JPEG seven.jpg
	printf 'x' >> m/ILSVRC2012_val_00000007.JPEG
	tar -cf bad/ILSVRC2012_img_val.tar -C m .
	cp o/X_val.raw.meta meta.before
	run -2 --separate-stderr pxr-imagenet --split val --out o --retry-failed bad
	[[ "$stderr" == *"X_val.raw: image 6, ILSVRC2012_val_00000007.JPEG, changed ($(stat -c %s seven.jpg) bytes, now $(stat -c %s m/ILSVRC2012_val_00000007.JPEG)), and it is not a failed one"* ]]
	cmp meta.before o/X_val.raw.meta
	[ -f o/X_val.raw.manifest.json ]
	cp seven.jpg m/ILSVRC2012_val_00000007.JPEG
	tar -cf bad/ILSVRC2012_img_val.tar -C m .
	# Its list of images lost: nothing tells which changed.
	mv o/.pxr/val.images images.kept
	run -2 --separate-stderr pxr-imagenet --split val --out o --retry-failed bad
	[[ "$stderr" == *"X_val.raw: made from another source, and the images it was made from are not known ("*"val.images: No such file or directory): --retry-failed cannot tell"* ]]
	mv images.kept o/.pxr/val.images
	run -0 --separate-stderr pxr-imagenet --split val --out o --retry-failed bad
	[[ "$stderr" == *"val: --retry-failed: 1 failed image changed in the source (ILSVRC2012_val_00000005.JPEG, 3000 bytes, now $(stat -c %s whole.jpg)); the set takes the source's new fingerprint"* ]]
	[[ "$stderr" == *"12 images ok, 0 failed, 0 missing"* ]]
	# The bytes, checksums and statistics of a clean run.
	run -0 --separate-stderr pxr-imagenet --split val --out clean "$SAMPLE"
	for f in X_val.raw Y_val.raw X_val.raw.status X_val.raw.stats; do
		cmp "clean/$f" "o/$f"
	done
	run -0 "$PY" - o/X_val.raw.manifest.json clean/X_val.raw.manifest.json <<-'PY'
	import json, sys
	a, b = (json.load(open(f)) for f in sys.argv[1:])
	assert a["checksum"] == b["checksum"] and a["stats"] == b["stats"], (a, b)
	assert a["ok"] == 12 and a["failures"] == [], a
	assert a["recipe"]["source_fingerprint"] == b["recipe"]["source_fingerprint"]
	PY
	run -0 --separate-stderr pxr-verify o/X_val.raw
	# The set now holds the new source: a plain run resumes it.
	run -0 --separate-stderr pxr-imagenet --split val --out o bad
}

@test "runs: --verify checks each archive's MD5 once before any work: ILSVRC2012's published ones by name, an md5sum file's for the rest; a later run does not read it again" {
	# The sample's tarballs carry ILSVRC2012's names, not its bytes.
	run -2 --separate-stderr pxr-imagenet --verify --split val --out o "$SAMPLE"
	assert_output ""
	[[ "$stderr" != *indexing* ]]
	assert_equal "${stderr_lines[-1]}" "pxr-imagenet: $SAMPLE/ILSVRC2012_img_val.tar: MD5 $(md5sum < "$SAMPLE/ILSVRC2012_img_val.tar" | cut -d' ' -f1), not 29b22e2961454d5413ddabcf34fc5622 (the published ILSVRC2012 MD5): the archive is damaged or another file; download it again, or run without --verify to go on with it as it is"
	[ ! -e o ]
	# With the digests in an md5sum file (as md5sum writes them).
	cp -r "$SAMPLE" src
	(cd src && md5sum ILSVRC2012_img_train.tar > ../sums && md5sum -b ILSVRC2012_img_val.tar >> ../sums)
	run -0 --separate-stderr pxr-imagenet --verify --md5 sums --out o src
	[[ "$stderr" == *"src/ILSVRC2012_img_train.tar: MD5 $(cut -d' ' -f1 < sums | head -1) as sums ("* ]]
	[[ "$stderr" == *"src/ILSVRC2012_img_val.tar: MD5 $(cut -d' ' -f1 < sums | tail -1) as sums ("* ]]
	assert_equal "$(wc -l < o/.pxr/verified)" 2
	# Checked before and unchanged: plan does not even open them.
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=open,openat -o trace \
		pxr-imagenet plan --verify --md5 sums --out o src 2> err.txt
	grep -q "src/ILSVRC2012_img_val.tar: MD5 as sums, checked before (unchanged since): not read again" err.txt
	run grep -c 'ILSVRC2012_img_\(train\|val\)\.tar' trace
	assert_output 0
	# Changed since: read again, and refused before anything reads it
	# (its index is not made again).
	printf 'x' | dd of=src/ILSVRC2012_img_val.tar bs=1 seek=700 conv=notrunc 2>/dev/null
	cp o/.pxr/val.index before.index
	run -2 --separate-stderr pxr-imagenet --verify --md5 sums --out o src
	[[ "${stderr_lines[-1]}" == "pxr-imagenet: $BATS_TEST_TMPDIR/src/ILSVRC2012_img_val.tar: MD5 "*", not $(tail -1 sums | cut -d' ' -f1) (sums): "* ]]
	[[ "$stderr" != *indexing* ]]
	cmp before.index o/.pxr/val.index
	# Without --verify the run goes on (the changed byte is in a header's
	# padding or an image: the index is made again).
	run -0 --separate-stderr pxr-imagenet --split train --out o src
	# The training tarball read for the class list only is checked too.
	rm src/LOC_synset_mapping.txt
	(cd src && md5sum ILSVRC2012_img_val.tar) > valsums
	run -2 --separate-stderr pxr-imagenet --verify --md5 valsums --split val --out o3 src
	[[ "${stderr_lines[-1]}" == "pxr-imagenet: $BATS_TEST_TMPDIR/src/ILSVRC2012_img_train.tar: MD5 "*", not 1d675b47d978889d74fa0da5fadfb00e (the published ILSVRC2012 MD5): "* ]]
	[[ "$stderr" != *"indexing"*"train.tar"* ]]
}

@test "runs: --verify refuses an archive no MD5 is known for, a bad md5sum line and --md5 alone; a folder has nothing to check" {
	mkdir -p tree/train/a tree/train/b
	mkjpeg 40 30 tree/train/a/1.jpg
	mkjpeg 30 40 tree/train/b/2.jpg
	tar -cf ds.tar -C tree .
	run -2 --separate-stderr pxr-folder --verify --out o ds.tar
	assert_equal "${stderr_lines[-1]}" "pxr-folder: $BATS_TEST_TMPDIR/ds.tar: no MD5 is known for it: give it in a --md5 file (md5sum's format), or run without --verify"
	md5sum ds.tar > sums
	run -0 --separate-stderr pxr-folder --verify --md5 sums --out o ds.tar
	[[ "$stderr" == *"ds.tar: MD5 $(cut -d' ' -f1 < sums) as sums ("* ]]
	# Comments, blank lines, a path, CRLF and no last newline.
	printf '# made by hand\r\n\n%s  other.tar\n%s  some/where/ds.tar\r' "$(printf %032d 0)" "$(cut -d' ' -f1 < sums)" > sums2
	run -0 --separate-stderr pxr-folder --verify --md5 sums2 --out o2 ds.tar
	printf 'not a digest  ds.tar\n' > bad
	run -2 --separate-stderr pxr-folder --verify --md5 bad --out o3 ds.tar
	assert_equal "${stderr_lines[-1]}" "pxr-folder: bad:1: not an md5sum line (32 hex digits, two spaces, a name)"
	run -2 --separate-stderr pxr-folder --md5 sums --out o3 ds.tar
	assert_equal "${stderr_lines[0]}" "pxr-folder: --md5 goes with --verify"
	printf '%s  other.tar\n' "$(printf %032d 0)" > other
	run -2 --separate-stderr pxr-folder --verify --md5 other --out o3 ds.tar
	assert_equal "${stderr_lines[-1]}" "pxr-folder: $BATS_TEST_TMPDIR/ds.tar: no MD5 is known for it: other has no line for ds.tar, and it is not an ILSVRC2012 tarball; add one, or run without --verify"
	# An archive root changed since: refused before it is indexed again.
	cp o/.pxr/source.index before.index
	printf 'x' | dd of=ds.tar bs=1 seek=600 conv=notrunc 2>/dev/null
	run -2 --separate-stderr pxr-folder --verify --md5 sums --out o ds.tar
	[[ "${stderr_lines[-1]}" == "pxr-folder: $BATS_TEST_TMPDIR/ds.tar: MD5 "*", not $(cut -d' ' -f1 < sums) (sums): "* ]]
	[[ "$stderr" != *indexing* ]]
	cmp before.index o/.pxr/source.index
	run -0 --separate-stderr pxr-folder --verify --out o4 tree
	[[ "$stderr" == *"tree/train: a folder: --verify checks archives only"* ]]
}
