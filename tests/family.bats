#!/usr/bin/env bats
# The pxr programs as one family: every program's --help usage is its man
# page's SYNOPSIS, a letter means one option in every program that has it
# (pxr(5) lists them), and -f, -h, -V and -- behave the same everywhere.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	PROGS="cat crop decode label list pack plan resize unpack verify"
}

# The usage lines of --help (or the SYNOPSIS), one form a line, with
# spacing and "a | b" made alike.
norm() {
	sed 's/^ *//; s/ *| */|/g; s/  */ /g'
}

@test "family: every program's --help usage is its man page's SYNOPSIS" {
	for p in $PROGS; do
		pxr-$p --help | sed -n '/^usage:/,/^[A-Z]/p' | sed '$d' | sed 's/^usage: //' |
			awk '/^ *pxr-/ { if (l) print l; l = $0; next } { l = l " " $0 } END { print l }' |
			norm > help.txt
		MANWIDTH=1000 man -l "$TOP/man/pxr-$p.1" 2>/dev/null |
			sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | grep . | norm > man.txt
		diff help.txt man.txt || fail "pxr-$p: --help and SYNOPSIS differ"
	done
}

@test "family: every option of --help is in the man page's list, with the same letter, and no other" {
	for p in $PROGS; do
		pxr-$p --help | grep -oE '^  (-[A-Za-z], |    )--[a-z-]+' |
			sed 's/^ *//; s/,//' | sort > help.txt
		# ".It Fl a , Fl Fl align ..." -> "-a --align"
		grep -E '^\.It Fl' "$TOP/man/pxr-$p.1" |
			sed -nE 's/^\.It (Fl ([A-Za-z]) , )?Fl Fl ([a-z-]+).*/-\2 --\3/p' |
			sed 's/^- //' | sort -u > man.txt
		# Inside a loop a failed [ ] in an && list would not fail the test.
		[ -s help.txt ] || fail "pxr-$p: no options read from --help"
		[ -s man.txt ] || fail "pxr-$p: no options read from the man page"
		diff help.txt man.txt || fail "pxr-$p: --help and the man page's options differ"
	done
}

@test "family: a letter means the same long option in every program (the table of pxr(5))" {
	for p in $PROGS; do
		pxr-$p --help | grep -oE '^  -[A-Za-z], --[a-z-]+' | sed 's/^  //; s/,//' | sed "s/$/ pxr-$p/"
	done | sort > letters.txt
	run -0 awk '{ print $1, $2 }' letters.txt
	bad=$(awk '{ print $1, $2 }' letters.txt | sort -u | awk '{ n[$1]++ } END { for (l in n) if (n[l] > 1) print l }')
	[ -z "$bad" ] || { grep -E "^(${bad//$'\n'/|}) " letters.txt; false; }
	# Every letter in use is in pxr(5)'s table, with its long name.
	while read -r l long _; do
		grep -q -- "^\\.It Fl ${l#-} , Fl Fl ${long#--}\$" "$TOP/man/pxr.5" ||
			fail "$l $long is not in pxr(5)'s table of options"
	done < <(awk '{ print $1, $2 }' letters.txt | sort -u)
}

@test "family: -h, -V and a bad option behave alike; -f forces records onto a terminal" {
	for p in $PROGS; do
		run -0 --separate-stderr pxr-$p -h
		[[ "${lines[0]}" == "usage: pxr-$p "* ]]
		run -0 --separate-stderr pxr-$p -V
		assert_line --index 0 "pxr-$p (pxr) 0.1.0"
		run -2 --separate-stderr pxr-$p --bogus
		assert_output ""
		[[ "$stderr" == *"usage: pxr-$p "* ]]
	done
	mkjpeg 16 16 a.jpg
	pxr-list a.jpg > a.pxr
	# On a terminal (script(1) gives one), records are refused unless -f.
	for p in decode label cat; do
		args=()
		[ $p = cat ] && args=(--pass)
		[ $p = label ] && echo a > classes.txt && args=(--classes classes.txt)
		run script -qec "pxr-$p ${args[*]} a.pxr" /dev/null
		[[ "$output" == *"refusing to write binary records to a terminal (use -f to force)"* ]]
	done
	run -0 script -qec "pxr-decode -f a.pxr" /dev/null
	[[ "$output" != *"refusing"* ]]
}

@test "family: every goes-with rule that --help states is enforced: refused with the usage, exit 2, and only so" {
	for p in $PROGS; do
		pxr-$p --help > help.txt
		# "  -b, --base B   with --create or --finish: ..." -> "base|B|with|--create or --finish"
		sed -nE 's/^  (-[A-Za-z], |    )--([a-z-]+)( [A-Z][^ ]*)? +(not with|with) (--[a-z-]+((, | or )--[a-z-]+)*):( .*)?$/\2|\3|\4|\5/p' help.txt > rules.txt
		# A program whose options all go with everything states none.
		if ! grep -qE ' (not )?with --' help.txt; then
			[ ! -s rules.txt ] || fail "pxr-$p: rules read from a --help that states none"
			continue
		fi
		[ -s rules.txt ] || fail "pxr-$p: no rule read from --help"
		while IFS='|' read -r opt arg kind words; do
			given=(--"$opt")
			[ -z "$arg" ] || given+=(x)
			# The partners, each with a value x if its --help line has one
			# (a run may then fail on the value, but not for the rule).
			partners=()
			for w in $(sed 's/,//g; s/ or / /g' <<< "$words"); do
				if grep -qE "^  (-[A-Za-z], |    )$w [A-Z]" help.txt; then
					partners+=("$w x")
				else
					partners+=("$w")
				fi
			done
			if [ "$kind" = with ]; then
				run -2 --separate-stderr pxr-$p "${given[@]}" < /dev/null
				assert_output ""
				assert_equal "${stderr_lines[0]}" "pxr-$p: --$opt goes with $words"
				[[ "${stderr_lines[1]}" == "usage: pxr-$p "* ]] || fail "pxr-$p --$opt: no usage"
				for partner in "${partners[@]}"; do
					read -ra with <<< "$partner"
					run --separate-stderr pxr-$p "${given[@]}" "${with[@]}" < /dev/null
					[[ "$stderr" != *"--$opt goes with"* ]] || fail "pxr-$p --$opt $partner: refused ($stderr)"
				done
			else
				for partner in "${partners[@]}"; do
					read -ra with <<< "$partner"
					run -2 --separate-stderr pxr-$p "${given[@]}" "${with[@]}" < /dev/null
					assert_output ""
					assert_equal "${stderr_lines[0]}" "pxr-$p: --$opt does not go with ${with[0]}"
					[[ "${stderr_lines[1]}" == "usage: pxr-$p "* ]] || fail "pxr-$p --$opt $partner: no usage"
				done
				run --separate-stderr pxr-$p "${given[@]}" < /dev/null
				[[ "$stderr" != *"--$opt does not go with"* ]] || fail "pxr-$p --$opt: refused alone ($stderr)"
			fi
		done < rules.txt
	done
}

@test "family: pxr-imagenet's and pxr-folder's --help are their own, their man pages' SYNOPSIS and options" {
	for p in imagenet folder; do
		pxr-$p --help > full.txt
		sed -n '/^usage:/,/^[A-Z]/p' full.txt | sed '$d' | sed 's/^usage: //' |
			awk '/^ *pxr-/ { if (l) print l; l = $0; next } { l = l " " $0 } END { print l }' |
			norm > help.txt
		MANWIDTH=1000 man -l "$TOP/man/pxr-$p.1" 2>/dev/null |
			sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | grep . | norm > man.txt
		diff help.txt man.txt || fail "pxr-$p: --help and SYNOPSIS differ"
		grep -oE '^  (-[A-Za-z], |    )--[a-z-]+' full.txt | sed 's/^ *//; s/,//' | sort > help.txt
		grep -E '^\.It Fl' "$TOP/man/pxr-$p.1" |
			sed -nE 's/^\.It (Fl ([A-Za-z]) , )?Fl Fl ([a-z-]+).*/-\2 --\3/p' |
			sed 's/^- //' | sort -u > man.txt
		diff help.txt man.txt || fail "pxr-$p: --help and the man page's options differ"
	done
	# pxr-folder's help is its own: its words, --classes, not ImageNet's options.
	run -0 pxr-folder --help
	[[ "$output" == *"folder-per-class tree"* ]]
	[[ "$output" == *"--classes FILE"* ]]
	[[ "$output" != *"--synsets"* && "$output" != *"--val-labels"* && "$output" != *"--folder"* ]]
}

# noise_tree N: tree/a/ holds N JPEGs of 600x600 noise (about 700 KB each,
# 1 MB decoded: every stage's output is many times a pipe's 1 MiB), and
# classes.txt the class a.
noise_tree() {
	mkdir -p tree/a
	"$PY" - "$1" <<-'PY'
	import sys
	import numpy as np
	from PIL import Image
	for i in range(int(sys.argv[1])):
	    a = np.random.default_rng(i).integers(0, 256, (600, 600, 3), dtype=np.uint8)
	    Image.fromarray(a).save("tree/a/i%02d.jpg" % i, quality=95, subsampling=0)
	PY
	echo a > classes.txt
}

@test "family: one error in a pipeline is one line: the stages before the one that failed exit 2 without a message" {
	noise_tree 24
	# pxr-pack into a set never made fails at once; its writers find their
	# reader gone.
	run -0 --separate-stderr bash -c 'pxr-list tree | pxr-decode | pxr-label --classes classes.txt |
	    pxr-pack nosuch/X nosuch/Y; echo "${PIPESTATUS[*]}"'
	assert_output "2 2 2 2"
	assert_equal "$stderr" "pxr-pack: nosuch/X.meta: No such file or directory (make the set with pxr-pack --create first)"
}

@test "family: a program whose reader went away (EPIPE) exits 2 without a message; other write errors stay loud" {
	noise_tree 4
	pxr-list tree > enc.pxr
	pxr-decode enc.pxr > px.pxr
	pxr-pack --create 4 --size 600 X_t.raw Y_t.raw
	pxr-pack X_t.raw Y_t.raw < px.pxr
	# 3000 records, so that pxr-cat's listing outgrows a pipe too.
	"$PY" - "$TOP/tests/test_helper" <<-'PY'
	import sys
	sys.path.insert(0, sys.argv[1])
	import pxrstream as p
	with open("many.pxr", "wb") as f:
	    for i in range(3000):
	        f.write(p.record("encoded", i, "image-%05d.JPEG" % i, b"x"))
	PY
	while IFS='|' read -r cmd; do
		# The reader exits at once, reading nothing.
		run -0 --separate-stderr bash -c "$cmd | true; echo \"\${PIPESTATUS[0]}\""
		assert_equal "$output" 2 || fail "$cmd: exit $output"
		assert_equal "$stderr" "" || fail "$cmd: said '$stderr'"
	done <<-'CMDS'
	pxr-list tree
	pxr-decode enc.pxr
	pxr-resize --size 600x599 px.pxr
	pxr-crop --size 500 px.pxr
	pxr-label --classes classes.txt px.pxr
	pxr-cat --pass px.pxr
	pxr-cat many.pxr
	pxr-unpack --tensor X_t.raw --labels Y_t.raw
	CMDS
	# A full disk is no reader gone: said, exit 2.
	run -2 --separate-stderr bash -c 'pxr-decode enc.pxr > /dev/full'
	assert_equal "$stderr" "pxr-decode: write error on <stdout>: No space left on device"
	run -2 --separate-stderr bash -c 'pxr-cat many.pxr > /dev/full'
	assert_equal "$stderr" "pxr-cat: write error on <stdout>: No space left on device"
}
