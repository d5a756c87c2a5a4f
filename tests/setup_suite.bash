# setup_suite.bash: bats runs it once around the whole suite (it sits beside
# the first test file).  After the last test, any process that a test or a
# file's setup started and left running fails the suite with the test's
# name, and is ended, by its pid: left alone it could hold the suite's
# output open for ever (bats waits for every writer of it to close).
# Such a process is told by its environment: bats exports the run's
# BATS_RUN_TMPDIR into everything a test starts, whatever session or
# process group it moves to, and BATS_TEST_NAME or BATS_FILE_TMPDIR into
# what a test or a file's setup starts (bats' own processes have neither).

setup_suite() {
	:
}

teardown_suite() {
	local f p env name left=0
	for f in /proc/[0-9]*/environ; do
		p=${f#/proc/}
		p=${p%/environ}
		[ "$p" != "$$" ] && [ "$p" != "$BASHPID" ] || continue
		{ mapfile -d "" env < "$f"; } 2>/dev/null || continue
		[[ " ${env[*]} " == *" BATS_RUN_TMPDIR=$BATS_RUN_TMPDIR "* ]] || continue
		[[ " ${env[*]} " == *" BATS_TEST_NAME="* || " ${env[*]} " == *" BATS_FILE_TMPDIR="* ]] || continue
		name=$(printf '%s\n' "${env[@]}" | sed -n 's/^BATS_TEST_FILENAME=.*\///p; s/^BATS_TEST_NAME=//p' | paste -sd' ')
		[ -n "$name" ] || name="the setup of a file"
		echo "# left running by $name: pid $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" >&3
		kill -KILL "$p" 2>/dev/null
		left=$((left + 1))
	done
	[ "$left" -eq 0 ]
}
