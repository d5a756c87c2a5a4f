#!/usr/bin/env bats
# pxr-imagenet: the whole job fanned out with GNU parallel gives the same
# bytes as one sequential pipeline, resumes after a kill, and runs shard
# jobs over ssh.
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
	stop_sshd
}

# The reference: one plain pipeline per split, no parallel, no shards,
# the notebook's pixels as three filters (pxr-imagenet's default, which
# its plan runs fused: pxr-decode --like notebook --short 256 --crop 224).
# The samples of these tests have no CMYK JPEG (make-sample.py
# --no-cmyk): the notebook's loader refused them (tests/notebook.bats).
sequential() {
	local split=$1 out=$2 n labels=()
	mkdir -p "$out"
	n=$(pxr-list --count "$SAMPLE/ILSVRC2012_img_$split.tar")
	pxr-pack --create "$n" --size 224x224 "$out/X_$split.raw" "$out/Y_$split.raw"
	[ "$split" = val ] && labels=(--val-labels "$SAMPLE/validation_labels.txt")
	pxr-list "$SAMPLE/ILSVRC2012_img_$split.tar" | pxr-decode --like notebook |
		pxr-resize --like notebook --short 256 | pxr-crop --like notebook --size 224 |
		pxr-label --synsets "$SAMPLE/LOC_synset_mapping.txt" "${labels[@]}" |
		pxr-pack "$out/X_$split.raw" "$out/Y_$split.raw"
}

@test "pxr-imagenet: --jobs 1, 2 and 4 give the bytes of one sequential pipeline" {
	sequential train ref
	sequential val ref
	for j in 1 2 4; do
		run -0 --separate-stderr pxr-imagenet --jobs $j --shards 5 --out out$j "$SAMPLE"
		for f in X_train.raw Y_train.raw X_val.raw Y_val.raw; do
			cmp ref/$f out$j/$f
		done
	done
	# 24 train and 12 val images of 224x224x3, u16 labels.
	assert_equal "$(stat -c %s out2/X_train.raw)" $((24 * 224 * 224 * 3))
	assert_equal "$(stat -c %s out2/Y_val.raw)" $((12 * 2))
}

@test "pxr-imagenet: labels are the 1-based sorted-synset indices of each image" {
	run -0 --separate-stderr pxr-imagenet --jobs 2 --shards 3 --out out "$SAMPLE"
	"$PY" - "$SAMPLE" out <<-'PY'
	import sys, numpy as np
	sample, out = sys.argv[1:]
	syn = [l.split()[0] for l in open(sample + "/LOC_synset_mapping.txt")]
	val = [l.strip() for l in open(sample + "/validation_labels.txt")]
	y = np.fromfile(out + "/Y_val.raw", dtype="<u2")
	assert list(y) == [syn.index(w) + 1 for w in val], (y, val)
	yt = np.fromfile(out + "/Y_train.raw", dtype="<u2")
	assert list(yt) == [i // 6 + 1 for i in range(24)], yt
	PY
}

@test "pxr-imagenet: a run killed midway (kill -9 of its whole process group) resumes to identical outputs" {
	run -0 --separate-stderr pxr-imagenet --jobs 2 --split train --out ref "$SAMPLE"
	# pxr-imagenet puts its jobs in a process group of their own: every
	# group of its session gets SIGKILL (kill_midway).
	done_before=$(kill_midway out/X_train.raw.status \
		pxr-imagenet --jobs 1 --shards 24 --split train --out out "$SAMPLE")
	# The run was cut short: some images done, not all.
	[ "$done_before" -ge 1 ] && [ "$done_before" -lt 24 ]
	run -0 --separate-stderr pxr-imagenet --jobs 2 --split train --out out "$SAMPLE"
	cmp ref/X_train.raw out/X_train.raw
	cmp ref/Y_train.raw out/Y_train.raw
}

@test "pxr-imagenet: usage errors say what is wrong and exit 2" {
	run -2 --separate-stderr pxr-imagenet
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: missing ROOT"
	[[ "${stderr_lines[1]}" == "usage: pxr-imagenet"* ]]
	run -2 --separate-stderr pxr-imagenet --layout zyx "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-imagenet: unknown --layout 'zyx' (julia, nhwc, nchw)"
	run -2 --separate-stderr pxr-imagenet "$BATS_TEST_TMPDIR"
	[[ "$stderr" == *"holds neither ILSVRC2012_img_{train,val}.tar nor train/ or val/"* ]]
	run -0 pxr-imagenet --help
	assert_line --index 0 --partial "usage: pxr-imagenet"
}

# Starts a throw-away sshd on a loopback port, with its own host key and a
# user key for root, and writes a GNU parallel sshlogin file using it.
start_sshd() {
	local d=$BATS_TEST_TMPDIR/ssh port
	command -v /usr/sbin/sshd >/dev/null || return 1
	mkdir -p "$d" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$d/user_key"
	cp "$d/user_key.pub" "$d/authorized_keys"
	port=$((20000 + RANDOM % 20000))
	cat > "$d/sshd_config" <<-CFG
	ListenAddress 127.0.0.1
	Port $port
	HostKey $d/host_key
	AuthorizedKeysFile $d/authorized_keys
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	StrictModes no
	UsePAM no
	PidFile $d/sshd.pid
	SetEnv PATH=${REMOTE_PATH:-$PATH}
	CFG
	/usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" || return 1
	cat > "$d/ssh_config" <<-CFG
	Host pxrtest
	  HostName 127.0.0.1
	  Port $port
	  User root
	  IdentityFile $d/user_key
	  StrictHostKeyChecking no
	  UserKnownHostsFile /dev/null
	  BatchMode yes
	  LogLevel ERROR
	CFG
	for _ in $(seq 50); do
		ssh -F "$d/ssh_config" pxrtest true 2>/dev/null && break
		sleep 0.1
	done
	# Two logins to the "other machine", one job each.
	printf '1/ssh -F %s pxrtest\n1/ssh -F %s pxrtest\n' "$d/ssh_config" "$d/ssh_config" > "$d/hosts"
}

stop_sshd() {
	[ -f "$BATS_TEST_TMPDIR/ssh/sshd.pid" ] && kill "$(cat "$BATS_TEST_TMPDIR/ssh/sshd.pid")" 2>/dev/null || true
}

@test "pxr-imagenet: shard jobs over ssh (two logins next to the local one) give identical outputs, fixed and variable-size" {
	if ! start_sshd; then
		skip "sshd cannot run here (openssh-server missing)"
	fi
	# A variable-size set beside the fixed one (tests/keep.bats).
	run -0 --separate-stderr pxr-imagenet --jobs 1 --also short64 --out ref "$SAMPLE"
	run -0 --separate-stderr pxr-imagenet --jobs 1 --also short64 --hosts "$BATS_TEST_TMPDIR/ssh/hosts" --shards 12 --out out "$SAMPLE"
	stop_sshd
	for f in X_train.raw Y_train.raw X_val.raw Y_val.raw X_train_short64.raw \
		X_train_short64.raw.index X_val_short64.raw Y_val_short64.raw; do
		cmp ref/$f out/$f
	done
	# The joblog shows jobs that ran over ssh.
	run -0 grep -c pxrtest out/.pxr/train.joblog
	[ "$output" -ge 1 ]
}

@test "pxr-imagenet: TERM stops the shard jobs over ssh too, within 2 s; nothing goes on writing" {
	# Every job, here and over ssh, packs 1 s late, so that some are
	# running when the signal comes.
	mkdir -p slow
	printf '#!/bin/sh\nsleep 1\nexec %s/pxr-pack "$@"\n' "$PXR_BUILD" > slow/pxr-pack
	chmod +x slow/pxr-pack
	REMOTE_PATH=$PWD/slow:$PXR_BUILD:/usr/bin:/bin
	if ! start_sshd; then
		skip "sshd cannot run here (openssh-server missing)"
	fi
	PATH=$PWD/slow:$PATH setsid pxr-imagenet --jobs 1 --hosts "$BATS_TEST_TMPDIR/ssh/hosts" \
		--shards 6 --split train --out out "$SAMPLE" 2> err.txt &
	pid=$!
	for _ in $(seq 100); do
		[ "$(ps -eo args | grep -c "slow/pxr-pack $BATS_TEST_TMPDIR/out")" -ge 3 ] && break
		sleep 0.1
	done
	t0=$(date +%s%N)
	kill -TERM "$pid" || { cat err.txt >&3; false; }
	st=0
	wait "$pid" || st=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# TERM with ssh jobs: exit $st in $ms ms" >&3
	[ "$st" -eq 143 ] && [ "$ms" -lt 2000 ]
	done1=$(tr -cd '\001' < out/X_train.raw.status | wc -c)
	sleep 2
	# No pxr program of this run is left, here or under sshd, and no
	# image was written after the stop.
	run -1 grep -c "$BATS_TEST_TMPDIR/out" <(ps -eo stat=,args= | grep -v '^Z' | grep -v grep)
	assert_equal "$(tr -cd '\001' < out/X_train.raw.status | wc -c)" "$done1"
	stop_sshd
	run -0 tail -n 1 err.txt
	assert_output "pxr-imagenet: interrupted; run the same command again to resume"
}
