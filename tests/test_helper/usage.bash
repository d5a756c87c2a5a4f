# shellcheck shell=bash
# shellcheck disable=SC2154 # stderr and stderr_lines: set by bats' run
# refused 'MESSAGE' COMMAND [ARG...]: COMMAND is a usage error, as the
# family makes one: exit 2, nothing on stdout, MESSAGE the first line of
# stderr and the program's usage after it.
refused() {
	local want=$1
	shift
	run -2 --separate-stderr "$@"
	assert_output ""
	assert_equal "${stderr_lines[0]}" "$want"
	[[ "${stderr_lines[1]}" == "usage: $1 "* ]] ||
		fail "$*: no usage after the message (stderr: $stderr)"
}
