# common.bash: loaded by every tests/*.bats in setup().
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

# The programs under test come first on PATH (make bats sets PXR_BUILD).
TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export TOP
PXR_BUILD=${PXR_BUILD:-$TOP/build}
PATH="$PXR_BUILD:$PATH"
# The fixtures (tests/data/README.md).
# shellcheck disable=SC2034 # read by the tests that load this file
TESTDATA=$TOP/tests/data
# Debian's python3, which has python3-numpy and python3-pil.
PY=/usr/bin/python3
export LC_ALL=C.UTF-8

# mkstream < spec.jsonl > file: writes a pxr stream with the independent
# writer (tests/test_helper/pxrstream.py, made from pxr(5) alone).
mkstream() {
	"$PY" "$TOP/tests/test_helper/pxrstream.py" write
}

# readstream < stream: JSON lines of the records, payload as sha256.
readstream() {
	"$PY" "$TOP/tests/test_helper/pxrstream.py" read
}

# mkjpeg W H FILE [quality [subsampling [extra PIL save args as k=v]]]:
# a JPEG of a smooth colour pattern with some texture, made by Pillow.
mkjpeg() {
	"$PY" - "$@" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
q = int(sys.argv[4]) if len(sys.argv) > 4 else 90
sub = int(sys.argv[5]) if len(sys.argv) > 5 else 0
extra = dict(a.split("=", 1) for a in sys.argv[6:])
if "progressive" in extra:
    extra["progressive"] = extra["progressive"] == "1"
y, x = np.mgrid[0:h, 0:w]
rng = np.random.default_rng(w * 7919 + h)
img = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)),
                ((x + y) * 3) % 256], axis=-1).astype(np.int16)
img += rng.integers(-12, 13, size=img.shape, dtype=np.int16)
img = np.clip(img, 0, 255).astype(np.uint8)
mode = extra.pop("mode", "RGB")
im = Image.fromarray(img, "RGB").convert(mode)
im.save(path, "JPEG", quality=q, subsampling=sub, **extra)
PYEOF
}

# mkpng W H FILE [mode]: a PNG (mode RGB, RGBA, L, LA, P, I;16).
mkpng() {
	"$PY" - "$@" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
w, h, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
mode = sys.argv[4] if len(sys.argv) > 4 else "RGB"
y, x = np.mgrid[0:h, 0:w]
img = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)),
                ((x + y) * 3) % 256, (x * 5) % 256], axis=-1).astype(np.uint8)
Image.fromarray(img, "RGBA").convert(mode).save(path, "PNG")
PYEOF
}

# The small ImageNet-like sample the job tests share (4 classes of 6
# training images, 12 validation images), made once per file: $SAMPLE.
make_small_sample() {
	export SAMPLE=$BATS_FILE_TMPDIR/sample
	"$PY" "$TOP/sample/make-sample.py" "$SAMPLE" --classes 4 \
	    --train-per-class 6 --val 12 --no-cmyk 2>/dev/null
}

# kill_midway STATUS CMD...: runs CMD in a session of its own and, once
# the set's status file STATUS says three images are done (10 s at most),
# SIGKILLs every process group of that session and of CMD's children (the
# pipeline puts its jobs in groups of their own), as a crash of the
# machine's processes would; prints how many images were done then.
kill_midway() {
	local status=$1 pid g
	shift
	setsid "$@" > /dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -f "$status" ] && [ "$(tr -cd '\001' < "$status" | wc -c)" -ge 3 ] && break
		sleep 0.1
	done
	for g in $(ps -eo sid=,pgid= | awk -v s="$pid" '$1 == s { print $2 }' | sort -u) \
		$(ps -eo ppid=,pgid= | awk -v p="$pid" '$1 == p { print $2 }' | sort -u); do
		kill -9 -- "-$g" 2>/dev/null || true
	done
	wait "$pid" || true
	tr -cd '\001' < "$status" | wc -c
}

# The processes of a pxr-imagenet run (pxr-imagenet(1), PROCESSES): every
# one carries PXR_RUN=<pid>.<start> of the run in its environment.
# run_token PID: that mark for the run PID (PID's start time in clock
# ticks, field 22 of /proc/PID/stat).
run_token() {
	local f a
	f=$(cat "/proc/$1/stat") || return 1
	read -r -a a <<< "${f##*) }"
	echo "$1.${a[19]}"
}

# run_procs TOKEN [SID...]: "pid args" of each live process that carries
# the mark TOKEN or belongs to one of the sessions SID.
run_procs() {
	local token=$1 f p env stat a
	shift
	for f in /proc/[0-9]*/environ; do
		p=${f#/proc/}
		p=${p%/environ}
		{ mapfile -d '' env < "$f" && read -r stat < "/proc/$p/stat"; } 2>/dev/null || continue
		[ -n "${env[*]}" ] || continue	# a zombie, only to be reaped
		read -r -a a <<< "${stat##*) }"	# a[3]: its session
		if [[ " ${env[*]} " == *" PXR_RUN=$token "* || " $* " == *" ${a[3]} "* ]]; then
			echo "$p $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"
		fi
	done
}

# run_gone TOKEN [SID...]: waits (20 s at most) until no process of the
# run is left; if some are, names them, ends them by pid and fails.
run_gone() {
	local left
	for _ in $(seq 200); do
		left=$(run_procs "$@")
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	echo "# left running by the run ${1%%.*}:" >&3
	echo "$left" | sed 's/^/#   /' >&3
	# shellcheck disable=SC2046 # one pid a word
	kill -KILL $(echo "$left" | cut -d' ' -f1) 2>/dev/null
	return 1
}
