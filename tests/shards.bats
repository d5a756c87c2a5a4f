#!/usr/bin/env bats
# The shard protocol: pxr-imagenet plan writes one command a line, any
# scheduler runs them (by hand in any order, twice, two copies at once,
# GNU parallel, a real Slurm job array), pxr-imagenet finish ends the
# sets, and the tensors are the same bytes every way.
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	make_small_sample
	# With a variable-size set beside the fixed one (tests/keep.bats),
	# for the Slurm run's.
	pxr-imagenet --also short64 --out "$BATS_FILE_TMPDIR/ref" "$SAMPLE" 2>/dev/null
}

setup() {
	load test_helper/common
	load test_helper/slurm
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	stop_slurm "$BATS_TEST_TMPDIR/slurm"
}

same_as_ref() {
	for f in X_train.raw Y_train.raw X_val.raw Y_val.raw; do
		cmp "$BATS_FILE_TMPDIR/ref/$f" "$1/$f"
	done
}

@test "shards: plan, then the shard commands by hand in reverse order, one twice and two at once, then finish" {
	run -0 --separate-stderr pxr-imagenet plan --shards 3 --out o "$SAMPLE"
	jobs=$output
	assert_equal "$jobs" "$BATS_TEST_TMPDIR/o/.pxr/jobs"
	assert_equal "$(wc -l < "$jobs")" 6
	[[ "$(head -1 "$jobs")" == *" shard $BATS_TEST_TMPDIR/o/.pxr/train.plan 1/3" ]]
	# Nothing is packed before the shards run.
	assert_equal "$(tr -cd '\001' < o/X_train.raw.status | wc -c)" 0
	tac "$jobs" > reversed
	# The last one twice, two copies of the first at once.
	tail -1 reversed >> reversed
	while IFS= read -r line; do
		bash -c "$line" 2>>shards.err || fail "$line failed"
	done < reversed
	line=$(head -1 "$jobs")
	bash -c "$line" & p1=$!
	bash -c "$line" & p2=$!
	wait "$p1"
	wait "$p2"
	run -0 --separate-stderr pxr-imagenet finish --out o
	same_as_ref o
	# A shard run once more changes nothing.
	bash -c "$(sed -n 2p "$jobs")"
	same_as_ref o
	run -2 --separate-stderr pxr-imagenet shard o/.pxr/train.plan 4
	run -2 --separate-stderr pxr-imagenet finish --out elsewhere
	[[ "$stderr" == *"nothing planned here"* ]]
}

@test "shards: GNU parallel over the jobs file gives the same tensors" {
	run -0 --separate-stderr pxr-imagenet plan --shards 5 --out o "$SAMPLE"
	run -0 parallel --jobs 2 < o/.pxr/jobs
	run -0 --separate-stderr pxr-imagenet finish --out o
	same_as_ref o
}

@test "shards: a real one-node Slurm runs the jobs as an array and finishes (a variable-size set too), also after a task is cancelled and the run submitted again" {
	if ! start_slurm "$BATS_TEST_TMPDIR/slurm"; then
		skip "Slurm cannot run here: $SLURM_WHY"
	fi
	# sbatch's own options, which start with --, pass through --sbatch.
	run -0 --separate-stderr pxr-imagenet slurm --sbatch "--comment=pxr-t[1] --time=10" \
		--shards 3 --also short64 --out s "$SAMPLE"
	read -r arr fin <<< "$output"
	[[ "$stderr" == *"submitted the shard array $arr (6 tasks) and the finish job $fin"* ]]
	scontrol show job "$fin" | grep -q 'Comment=pxr-t\[1\]'
	wait_slurm 120 || fail "the Slurm jobs did not end: $(squeue)"
	grep -q "24 images ok" "s/.pxr/slurm-finish-$fin.out"
	same_as_ref s
	for f in X_train_short64.raw X_train_short64.raw.index X_val_short64.raw Y_val_short64.raw; do
		cmp "$BATS_FILE_TMPDIR/ref/$f" "s/$f"
	done
	# Every task of the array packs a second late; one is cancelled at
	# once: the finish job, waiting on it, goes too; the same command
	# submitted again completes the sets.
	mkdir -p slow
	printf '#!/bin/sh\nsleep 2\nexec %s/pxr-pack "$@"\n' "$PXR_BUILD" > slow/pxr-pack
	chmod +x slow/pxr-pack
	PATH=$PWD/slow:$PATH run -0 --separate-stderr pxr-imagenet slurm --shards 3 --out c "$SAMPLE"
	read -r arr fin <<< "$output"
	scancel "${arr}_2"
	wait_slurm 120 || fail "the Slurm jobs did not end: $(squeue)"
	[ ! -s "c/.pxr/slurm-finish-$fin.out" ] || ! grep -q "images ok" "c/.pxr/slurm-finish-$fin.out"
	run -0 --separate-stderr pxr-imagenet slurm --shards 3 --out c "$SAMPLE"
	read -r arr fin <<< "$output"
	wait_slurm 120 || fail "the Slurm jobs did not end: $(squeue)"
	grep -q "24 images ok" "c/.pxr/slurm-finish-$fin.out"
	same_as_ref c
}

# read_bytes CMD: the bytes CMD and every process it waited for read from
# a disk (/proc/PID/io, read_bytes).
read_bytes() {
	sh -c "$1 >/dev/null 2>&1; grep read_bytes /proc/\$\$/io" | cut -d' ' -f2
}

# drop_cache FILE: FILE's pages written back (fsync: POSIX_FADV_DONTNEED
# leaves dirty pages where they are), then dropped from the page cache,
# and only its own; 1 if some of them are still there.
drop_cache() {
	"$PY" -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"
	[ "$(fincore --bytes --noheadings --output RES "$1" | tr -d ' ')" = 0 ]
}

# header_offsets TAR: the offset of every header of a tar of tars, the
# outer tar's and its inner tars' (extended headers included), one a line.
header_offsets() {
	"$PY" - "$1" <<-'PY'
	import sys, tarfile
	with tarfile.open(sys.argv[1]) as outer:
	    for m in outer.getmembers():
	        print(m.offset)
	        if m.isfile() and m.name.endswith(".tar"):
	            with tarfile.open(fileobj=outer.extractfile(m)) as inner:
	                for n in inner.getmembers():
	                    print(m.offset_data + n.offset)
	PY
}

# headers_alone TAR OFFSETS: the bytes this machine reads from a disk to
# read the 512 bytes of each header at OFFSETS and nothing else, in file
# order, with readahead off: the floor for any reader of the headers
# (its page size, large folios and the disk's reads included).
headers_alone() {
	"$PY" - "$1" "$2" <<-'PY'
	import os, sys
	def rb():
	    for line in open("/proc/self/io"):
	        if line.startswith("read_bytes:"):
	            return int(line.split()[1])
	offs = sorted(int(l) for l in open(sys.argv[2]))
	fd = os.open(sys.argv[1], os.O_RDONLY)
	os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
	before = rb()
	for o in offs:
	    os.pread(fd, 512, o)
	print(rb() - before)
	PY
}

@test "shards: from a cold cache the index reads the headers' pages, at most twice what reading the headers alone reads here, and a whole run reads each byte of the tarball once" {
	# A tar of 20 inner tars of 20 members of over 100 KB (ImageNet's
	# mean is 110 KB), real photographs (the run decodes them).
	mkdir -p tree
	# (not CMYK, which the notebook's decode refuses: every image done)
	big=($(find "$TESTDATA/photos" -name '*.JPEG' -size +100k | sort |
		"$PY" -c 'import sys; from PIL import Image; [print(f) for f in sys.stdin.read().split() if Image.open(f).mode != "CMYK"]'))
	[ ${#big[@]} -ge 4 ]
	for c in $(seq 20); do
		d=tree/n0144$(printf %04d "$c")
		mkdir -p "$d"
		for k in $(seq 20); do
			cp "${big[(c + k) % ${#big[@]}]}" "$d/$(basename "$d")_$k.JPEG"
		done
		tar -cf "$d.tar" -C "$d" .
	done
	mkdir -p root
	tar -cf root/ILSVRC2012_img_train.tar -C tree $(cd tree && ls *.tar)
	T=root/ILSVRC2012_img_train.tar
	size=$(stat -c %s "$T")
	header_offsets "$T" > offsets
	assert_equal "$(wc -l < offsets)" $((20 + 20 * 21))
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here (tmpfs?)"
	floor=$(headers_alone "$T" offsets)
	[ "$floor" -gt 0 ] || skip "reads from this filesystem reach no disk (read_bytes stays 0): cannot see a cold cache"
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here"
	idx=$(read_bytes "pxr-list --index idx $T")
	echo "# index: $idx of $size bytes read; the headers alone: $floor" >&3
	[ "$idx" -le $((2 * floor)) ]
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here"
	all=$(read_bytes "pxr-imagenet --split train --out o root")
	echo "# whole run: $all of $size bytes read" >&3
	[ "$all" -le $((size * 105 / 100)) ]
	[ "$(tr -cd '\001' < o/X_train.raw.status | wc -c)" -eq 400 ]
}

@test "shards: from a cold cache pxr-list --dims reads at most two pages a member with the index (the tar headers not walked again), and without it one page a member beyond the index's own bound" {
	mkdir -p tree
	big=($(find "$TESTDATA/photos" -name '*.JPEG' -size +100k | sort))
	[ ${#big[@]} -ge 4 ]
	for c in $(seq 10); do
		d=tree/n0144$(printf %04d "$c")
		mkdir -p "$d"
		for k in $(seq 20); do
			cp "${big[(c + k) % ${#big[@]}]}" "$d/$(basename "$d")_$k.JPEG"
		done
		tar -cf "$d.tar" -C "$d" .
	done
	mkdir -p root
	tar -cf root/ILSVRC2012_img_train.tar -C tree $(cd tree && ls *.tar)
	T=root/ILSVRC2012_img_train.tar
	pxr-list --index idx "$T"
	pxr-list --dims "$T" > warm.txt
	[ "$(wc -l < warm.txt)" -eq 200 ]
	header_offsets "$T" > offsets
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here (tmpfs?)"
	floor=$(headers_alone "$T" offsets)
	[ "$floor" -gt 0 ] || skip "reads from this filesystem reach no disk (read_bytes stays 0): cannot see a cold cache"
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here"
	got=$(read_bytes "pxr-list --dims -I idx $T")
	echo "# --dims with the index: $got bytes read for 200 members ($((got / 200)) a member)" >&3
	[ "$got" -gt 0 ]
	[ "$got" -le $((200 * 2 * 4096)) ]
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here"
	idx=$(read_bytes "pxr-list --index idx2 $T")
	drop_cache "$T" || skip "the tarball's pages cannot be dropped from the page cache here"
	got=$(read_bytes "pxr-list --dims $T")
	echo "# --dims scanning the headers too: $got bytes; the index's scan: $idx; the headers alone: $floor" >&3
	# The index's own bound (twice the headers alone), and a page a
	# member.
	[ "$got" -le $((2 * floor + 200 * 4096)) ]
	# The same sizes, cold or warm, with or without the index.
	run -0 pxr-list --dims -I idx "$T"
	assert_output "$(cat warm.txt)"
}
