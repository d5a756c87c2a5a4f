#!/usr/bin/python3
"""corrupt.py: runs one pxr filter over damaged copies of a small pxr stream
and checks what it does, for tests/corrupt.bats.

  corrupt.py STREAM FILTER [CUT_STEP]

FILTER is decode, resize, crop, label, cat-check, cat-pass, unpack or pack.
The damaged copies are: one bit flipped at chosen offsets (each header
field, the name, the payload's first and last byte, both CRCs) and at 12
offsets drawn with a fixed seed, and the stream cut at every offset (every
CUT_STEP-th, and either side of each record boundary, if given).  For each, the filter must exit 2
(0 when a cut falls on a record boundary), name the damaged record in its
message (the byte offset where it starts, and its name#index once its
header is good), and pass on exactly the records before it, intact, read
back with the independent reader of pxrstream.py; pxr-pack must mark
those done and no other; pxr-unpack must write those files and no other.
pxr-label passes payloads on unread (pxr(5), Forwarding): a damaged
payload must go on whole with the checksum it came with, so that the
reader downstream finds it (exit 0), and a stream cut inside a payload
must end its output inside that record (exit 2, the record named).
Prints one line per wrong case, then "FILTER: N cases, N wrong".
"""
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pxrstream  # noqa: E402

H = pxrstream.HEADER


def records(data):
    """The records of a good stream: (start, end, name, index, header_end)."""
    out, off = [], 0
    while off < len(data):
        f = H.unpack_from(data, off)
        nlen, plen = f[11], f[13]
        out.append((off, off + 64 + nlen + plen, f[4], off + 64 + nlen,
                    data[off + 64:off + 64 + nlen].decode()))
        off += 64 + nlen + plen
    return out


def parse(data):
    """Indices of the records of data, or a string saying what is wrong."""
    off, idx = 0, []
    while off < len(data):
        if len(data) - off < 64:
            return "output: truncated header at %d" % off
        f = H.unpack_from(data, off)
        if f[0] != b"PXRS" or f[1] != 1:
            return "output: bad magic at %d" % off
        nlen, plen = f[11], f[13]
        name = data[off + 64:off + 64 + nlen]
        payload = data[off + 64 + nlen:off + 64 + nlen + plen]
        if len(name) != nlen or len(payload) != plen:
            return "output: truncated record at %d" % off
        if pxrstream.crc32c(name, pxrstream.crc32c(data[off:off + 60])) != f[15]:
            return "output: header crc at %d" % off
        if pxrstream.crc32c(payload) != f[14]:
            return "output: payload crc at %d" % off
        idx.append(f[4])
        off += 64 + nlen + plen
    return idx


def cases(data, recs, step):
    """(label, damaged bytes, position of the first damaged record or None,
    whether its header is intact, number of intact records)."""
    def rec_at(o):
        return next(k for k, r in enumerate(recs) if r[0] <= o < r[1])

    flips = set()
    for r in recs:
        s = r[0]
        # magic, version, kind, channels, index, label, flags, width,
        # height, name_len, reserved, payload_len, both CRCs, the name,
        # the payload's first and last byte.
        for o in (0, 4, 6, 7, 8, 16, 20, 24, 28, 40, 44, 48, 56, 60, 63,
                  64, r[3] - s - 1, r[3] - s, r[1] - s - 1):
            flips.add((s + o, 0))
        flips.add((s + 48, 7))
    rng = random.Random(9)
    for _ in range(12):
        flips.add((rng.randrange(len(data)), rng.randrange(8)))
    for o, b in sorted(flips):
        d = bytearray(data)
        d[o] ^= 1 << b
        k = rec_at(o)
        yield ("bit %d of byte %d" % (b, o), bytes(d), k, o >= recs[k][3],
               len(recs) - 1)
    starts = [r[0] for r in recs]
    cuts = set(range(0, len(data), step))
    for r in recs:
        cuts |= {r[0], r[0] + 1, r[0] + 63, r[0] + 64, r[3], r[1] - 1}
    for c in sorted(cuts):
        if c in starts:
            yield ("cut at %d" % c, data[:c], None, True, starts.index(c))
            continue
        k = rec_at(c)
        yield ("cut at %d" % c, data[:c], k, c >= recs[k][3], k)


def run_case(flt, data, work, syn, pristine, size):
    """Runs the filter; returns (rc, stderr, indices passed on or an error
    string)."""
    if flt in ("pack", "unpack"):
        os.mkdir(work)
    x, y = os.path.join(work, "X.raw"), os.path.join(work, "Y.raw")
    cmd = {
        "decode": ["pxr-decode"],
        "resize": ["pxr-resize", "--size", size],
        "crop": ["pxr-crop", "--size", size],
        "label": ["pxr-label", "--synsets", syn],
        "cat-check": ["pxr-cat", "--check"],
        "cat-pass": ["pxr-cat", "--pass"],
        "unpack": ["pxr-unpack", "--output", os.path.join(work, "%i.png")],
        "pack": ["pxr-pack", x, y],
    }[flt]
    if flt == "pack":
        for f in os.listdir(pristine):
            shutil.copy(os.path.join(pristine, f), work)
    p = subprocess.run(cmd, input=data, capture_output=True, timeout=20)
    err = p.stderr.decode("utf-8", "replace")
    if flt == "pack":
        st = open(x + ".status", "rb").read()
        got = [i for i, v in enumerate(st) if v != 0]
        if any(v not in (0, 1) for v in st):
            got = "status bytes %r" % st
    elif flt == "unpack":
        got = sorted(int(f[:-4]) for f in os.listdir(work))
    elif flt == "cat-check":
        got = p.stdout.decode()
    else:
        got = parse(p.stdout)
    return p.returncode, err, got


def check_forwarded(recs, k, cut, rc, err, got):
    """What is wrong with pxr-label's outcome for damage inside a payload,
    which it passes on unread."""
    why = []
    if cut:
        want = "output: truncated record at %d" % recs[k][0]
        if rc != 2:
            why.append("exit %d, want 2" % rc)
        tag = "pxr-label: <stdin>: byte %d: %s#%d: " % (
            recs[k][0], recs[k][4], recs[k][2])
        if not err.startswith(tag):
            why.append("message %r does not start %r" % (err, tag))
    else:
        want = "output: payload crc at %d" % recs[k][0]
        if rc != 0 or err:
            why.append("exit %d, message %r: want 0 and none" % (rc, err))
    if got != want:
        why.append("passed on %r, want %r" % (got, want))
    return why


def check(prog, flt, recs, k, head_ok, good, rc, err, got, case):
    """What is wrong with one outcome: a list of reasons."""
    why = []
    if flt == "label" and k is not None and head_ok:
        return check_forwarded(recs, k, case.startswith("cut"), rc, err,
                               got)
    if k is None:
        want = [r[2] for r in recs[:good]]
        if rc != 0:
            why.append("exit %d, want 0" % rc)
    else:
        # The records before the damaged one; pxr-cat --check resyncs
        # and reports the ones after it too.
        want = [r[2] for r in recs[:k]]
        if rc != 2:
            why.append("exit %d, want 2" % rc)
        line = err.split("\n")[0]
        pre = "%s: <stdin>: byte %d: " % (prog, recs[k][0])
        if not line.startswith(pre):
            why.append("message %r does not start %r" % (line, pre))
        tag = "%s#%d: " % (recs[k][4], recs[k][2])
        if head_ok and tag not in line:
            why.append("message %r does not name %r" % (line, tag))
        if not head_ok and "#" in line:
            why.append("message %r trusts a damaged header" % line)
    if flt == "cat-check":
        nrec = good if k is not None else len(want)
        tail = "<stdin>: %d records, 0 failure records, %d problems\n" % (
            nrec, 0 if k is None else 1)
        if not got.endswith(tail):
            why.append("summary %r, want %r" % (got, tail))
    elif got != want:
        why.append("passed on %r, want records %r" % (got, want))
    return why


def main():
    stream, flt = sys.argv[1], sys.argv[2]
    step = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    data = open(stream, "rb").read()
    recs = records(data)
    tmp = tempfile.mkdtemp(dir=os.environ.get("BATS_TEST_TMPDIR"))
    syn = os.path.join(tmp, "synsets.txt")
    with open(syn, "w") as f:
        # The WNIDs of the names, as pxr-label's --synsets.
        f.writelines(r[4][:9] + "\n" for r in recs)
    # A fresh tensor for pxr-pack, copied for each case.
    pristine = os.path.join(tmp, "pristine")
    os.mkdir(pristine)
    size = "%dx%d" % H.unpack_from(data)[7:9]
    if flt == "pack":
        subprocess.run(["pxr-pack", "--create", str(len(recs)),
                        "--size", size, os.path.join(pristine, "X.raw"),
                        os.path.join(pristine, "Y.raw")], check=True)
    prog = "pxr-cat" if flt.startswith("cat") else "pxr-" + flt
    todo = list(cases(data, recs, step))

    def one(i):
        return run_case(flt, todo[i][1], os.path.join(tmp, "w%d" % i), syn,
                        pristine, size)

    # Starting a process is most of the cost: four at a time.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(len(todo))))
    wrong = 0
    for (label, d, k, head_ok, good), (rc, err, got) in zip(todo, results):
        why = check(prog, flt, recs, k, head_ok, good, rc, err, got, label)
        if why:
            wrong += 1
            print("%s: %s: %s" % (flt, label, "; ".join(why)))
    shutil.rmtree(tmp)
    print("%s: %d cases, %d wrong" % (flt, len(todo), wrong))
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
