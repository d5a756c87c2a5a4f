#!/usr/bin/python3
"""graph.py: the graph of which lib/ file calls or includes which has no
cycle, but the allowed ones below.

    tests/lint/graph.py [-v] [OBJDIR [SRCDIR]]     (build/lib, lib)

-v prints every edge first, "a -> b: symbols", and the allowed cycles.

An edge A -> B, for two files of lib/:
  - A.c -> B.c when A.o uses (nm: U) a symbol that B.o defines (nm: T, D,
    B, R and the other defined kinds): A calls B's functions or uses its
    data;
  - A -> B when A (a .c or a .h) has #include "B" and B is in lib/: a
    header including another in a circle, or a .c including a .c.  (A .c
    that includes a private header and calls the functions it declares
    already has the edge to their .c from nm.)
Every cycle found is printed as the list of its files, each edge with the
symbols (or the #include) that make it, and the script exits 1; it exits 0
when every cycle is an allowed one, 2 when it cannot read its input.

The layering: a lib file calls down, to the files below it,
and is not called back by them; two files that call each other are one
module cut in two, and the files of a circle can be neither read nor tested
one without the other.
"""

import os
import re
import subprocess
import sys

# Cycles allowed, each with its reason.  A cycle is allowed when all its
# files are in one of these sets.
ALLOWED = [
    (
        {"decode.c", "decode_png.c"},
        "a format module with its dispatcher: decode.c hands a PNG "
        "record to decode_png.c (decode_png_image), which uses the steps "
        "that every format shares and decode.c holds with the JPEG code "
        "(decode_check_size, decode_reserve, decode_reserve_rows: one "
        "pixel limit, one output buffer), as a libarchive format reader "
        "calls back archive_read.c",
    ),
]

# nm -P kinds: defined (global) symbols; U is undefined.
DEFINED = set("ABCDGRSTVWi")
# Cycles listed at most (the verdict does not depend on it).
CYCLE_MAX = 200

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def die(msg):
    print("graph.py: " + msg, file=sys.stderr)
    sys.exit(2)


def nm_edges(objdir, srcs):
    """Edges {(a, b): set(symbols)} between the .c files, from nm."""
    defs, uses = {}, {}
    for c in srcs:
        obj = os.path.join(objdir, c[:-2] + ".o")
        if not os.path.exists(obj):
            die("%s: not built (make graph-check builds it)" % obj)
        try:
            out = subprocess.run(
                ["nm", "-P", obj], check=True, capture_output=True, text=True
            ).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            die("%s: nm: %s" % (obj, e))
        uses[c] = set()
        for line in out.splitlines():
            f = line.split()
            if len(f) < 2:
                continue
            name, kind = f[0], f[1]
            if kind == "U":
                uses[c].add(name)
            elif kind in DEFINED:
                defs.setdefault(name, set()).add(c)
    edges = {}
    for a in srcs:
        for sym in uses[a]:
            for b in defs.get(sym, ()):
                if b != a:
                    edges.setdefault((a, b), set()).add(sym)
    return edges


def include_edges(srcdir, files):
    """Edges {(a, b): {'#include'}} from the #include lines."""
    edges = {}
    for a in files:
        with open(os.path.join(srcdir, a), encoding="utf-8") as f:
            text = f.read()
        for b in INCLUDE.findall(text):
            if b in files and b != a:
                edges.setdefault((a, b), set()).add('#include "%s"' % b)
    return edges


def sccs(nodes, succ):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    out.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = counter[0]
                counter[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(succ[w])))
            elif w in on:
                low[v] = min(low[v], index[w])
    return out


def cycles(comp, succ, limit):
    """The elementary cycles of one component, each starting at its least
    file (at most limit of them)."""
    found = []
    members = set(comp)
    for start in comp:
        # Cycles through start over files greater than it only.
        path, stack = [start], [iter(sorted(succ[start]))]
        while stack:
            w = next(stack[-1], None)
            if w is None:
                stack.pop()
                path.pop()
                continue
            if w == start:
                found.append(path + [start])
                if len(found) >= limit:
                    return found
            elif w in members and w > start and w not in path:
                path.append(w)
                stack.append(iter(sorted(succ[w])))
    return found


def allowed(cycle):
    for files, _ in ALLOWED:
        if set(cycle) <= files:
            return True
    return False


def main():
    args = sys.argv[1:]
    verbose = bool(args) and args[0] == "-v"
    if verbose:
        args = args[1:]
    if len(args) > 2 or any(a.startswith("-") for a in args):
        die("usage: graph.py [-v] [objdir [srcdir]]")
    objdir = args[0] if args else "build/lib"
    srcdir = args[1] if len(args) > 1 else "lib"
    try:
        files = sorted(
            f for f in os.listdir(srcdir) if f.endswith((".c", ".h"))
        )
    except OSError as e:
        die("%s: %s" % (srcdir, e.strerror))
    srcs = [f for f in files if f.endswith(".c")]
    edges = nm_edges(objdir, srcs)
    for k, v in include_edges(srcdir, set(files)).items():
        edges.setdefault(k, set()).update(v)
    succ = {f: set() for f in files}
    for a, b in edges:
        succ[a].add(b)

    if verbose:
        for a, b in sorted(edges):
            print("%s -> %s: %s" % (a, b, " ".join(sorted(edges[a, b]))))
    bad = 0
    for comp in sccs(files, succ):
        if len(comp) < 2:
            continue
        cyc = cycles(comp, succ, CYCLE_MAX)
        wrong = [c for c in cyc if not allowed(c)]
        if verbose:
            for c in cyc:
                if allowed(c):
                    print("allowed: %s" % " -> ".join(c))
        if not wrong:
            continue
        bad += 1
        print("cycle: %s" % " ".join(comp))
        for a in comp:
            for b in sorted(succ[a] & set(comp)):
                print("  %s -> %s: %s" % (a, b, " ".join(sorted(edges[a, b]))))
        for c in wrong:
            print("  %s" % " -> ".join(c))
        if len(cyc) >= CYCLE_MAX:
            print("  (the first %d cycles)" % CYCLE_MAX)
    if bad:
        print(
            "graph.py: %d group%s of lib files in a cycle"
            % (bad, "" if bad == 1 else "s"),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
