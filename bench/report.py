#!/usr/bin/python3
"""bench/RESULTS.md from the files bench/run leaves in its work folder.

    report.py WORKDIR N NTOTAL RUNS QUICK > RESULTS.md

Also writes WORKDIR/table.md, the main table alone, which bench/run
prints.  Figures: images/s = N / median seconds; ratios are taken run by
run (run i of one command against run i of the other, as hyperfine ran
them one after the other) and their median reported.
"""
import json
import os
import statistics
import sys

W, N, NTOTAL, RUNS, QUICK = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
HERE = os.path.dirname(os.path.abspath(__file__))

# Commands whose own loop time is taken (start-up and imports apart).
LOOPED = ["pillow", "pillow-draft", "pillow-timm", "opencv", "torchvision",
          "vips", "store"]

LABELS = {
    "pxr-pipe-exact": "pxr, the six-filter pipe, exact: list \\| decode "
                      "\\| resize \\| crop \\| label \\| pack",
    "pxr-pipe-fast": "pxr, the six-filter pipe, decode --min-side 256",
    "pxr-fused-exact": "pxr, the default job: list \\| decode --like "
                       "torchvision --short 256 --crop 224 \\| label \\| "
                       "pack",
    "pxr-fused-fast": "pxr, --fast: the same, decode --min-side 256",
    "pillow": "Pillow: open, convert RGB, resize BILINEAR, crop (reference)",
    "pillow-draft": "Pillow with draft('RGB', (256, 256))",
    "opencv": "OpenCV: IMREAD_REDUCED_COLOR_k, INTER_AREA",
    "torchvision": "torchvision: io.decode_jpeg + resize(antialias=True)",
    "vips": "libvips thumbnail (shrink-on-load, Lanczos3), C",
    "jpegloop": "floor: libjpeg-turbo decode at full size (jpegloop)",
    "jpegloop-s256": "floor: libjpeg-turbo decode, DCT-scaled "
                     "(jpegloop -S 256)",
    "read": "floor: read the files only (cat)",
    "store": "floor: store 224x224x3 per image only (numpy memmap)",
    "pxr-notebook": "pxr, the seed notebook's tensor: list \\| decode --like "
                    "notebook --short 256 --crop 224 \\| label \\| pack "
                    "(IJG 9b's decode, the Julia chain)",
    "pxr-notebook-geometry": "pxr, the notebook's geometry with Pillow's "
                             "BILINEAR (--like notebook-geometry): no "
                             "reference's bytes",
    "pxr-timm": "pxr, timm's evaluation transform: list \\| decode --like "
                "timm --crop-pct 0.875 --crop 224 \\| label \\| pack "
                "(bicubic)",
    "pillow-timm": "Pillow: open, convert RGB, resize BICUBIC, crop (timm's "
                   "transform)",
}
ORDER = ["pxr-fused-exact", "pxr-fused-fast", "pxr-pipe-exact", "pxr-pipe-fast",
         "pillow",
         "pillow-draft", "opencv", "torchvision", "vips", "jpegloop",
         "jpegloop-s256", "read", "store", "pxr-notebook",
         "pxr-notebook-geometry", "pxr-timm", "pillow-timm"]


def load(name):
    path = os.path.join(W, "json", name + ".json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [ln.split() for ln in f if ln.strip()]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def paired(a, b):
    """Median over i of a[i] / b[i]."""
    n = min(len(a), len(b))
    return med([a[i] / b[i] for i in range(n)]) if n else float("nan")


def fmt(x, spec):
    return "—" if x != x else format(x, spec)


def rss_by_stage(name):
    out = {}
    for ln in lines(os.path.join(W, "rss", name)):
        # time(1) adds "Command exited with non-zero status 1" for a
        # stage whose records partly failed (CMYK under --like notebook).
        if len(ln) != 2 or not ln[1].isdigit():
            continue
        out[ln[0]] = max(out.get(ln[0], 0), int(ln[1]))
    return out


main = load("main")
times, startup, rss = {}, {}, {}
for name, r in main.items():
    times[name] = r["times"]
    if name in LOOPED:
        loop = lines(os.path.join(W, "times", name))[-len(r["times"]):]
        if len(loop) == len(r["times"]):
            times[name] = [float(t) for t, _ in loop]
            startup[name] = r["median"] - med(times[name])
            rss[name] = max(int(k) for _, k in loop)
    else:
        stages = rss_by_stage(name)
        if stages:
            rss[name] = max(stages.values())

ref, floor = times.get("pillow", []), times.get("jpegloop", [])
rows = {}
for name in ORDER:
    if name not in times:
        continue
    t = times[name]
    rows[name] = dict(ips=N / med(t), pil=paired(ref, t),
                      flo=paired(floor, t), med=med(t),
                      start=startup.get(name, float("nan")),
                      rss=rss.get(name, float("nan")) / 1024)

# The numpy notebook chain: its own subset (nb_limit images), its loop.
nb = load("notebook").get("numpy-notebook")
nb_ips = float("nan")
if nb and os.path.exists(os.path.join(W, "nb_limit")):
    with open(os.path.join(W, "nb_limit")) as f:
        nb_n = int(f.read())
    loop = lines(os.path.join(W, "times", "numpy-notebook"))[-len(nb["times"]):]
    if loop:
        nb_ips = nb_n / med([float(t) for t, _ in loop])

table = ["| what | img/s/core | x Pillow plain | x full-size decode floor "
         "| median s | start-up s | peak RSS MB |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for name, r in rows.items():
    table.append(f"| {LABELS[name]} | {r['ips']:.0f} | {fmt(r['pil'], '.2f')}"
                 f" | {fmt(r['flo'], '.2f')} | {r['med']:.3f} | "
                 f"{fmt(r['start'], '.2f')} | {fmt(r['rss'], '.0f')} |")

if nb_ips == nb_ips:
    table.append(f"| the notebook's chain in numpy (tests/test_helper/"
                 f"notebook.py) on Pillow's decode, its own loop, the first "
                 f"{nb_n} images | {nb_ips:.1f} | "
                 f"{fmt(nb_ips / rows['pillow']['ips'], '.3f') if 'pillow' in rows else '—'}"
                 f" | | | | |")

agree = ["| what | % of samples within 1 of Pillow plain | largest "
         "difference | worst image PSNR, dB (index) |", "|---|---:|---:|---:|"]
with open(os.path.join(W, "compare.tsv")) as f:
    for ln in f:
        c = ln.rstrip("\n").split("\t")
        if len(c) == 5:
            agree.append(f"| {c[0]} | {c[1]} | {c[2]} | {c[3]} ({c[4]}) |")
        else:
            agree.append(f"| {c[0]} | {' '.join(c[1:])} | | |")

# Peak RSS of each pxr stage.
stage_rss = {n: rss_by_stage(n) for n in
             ("pxr-pipe-fast", "pxr-pipe-exact", "pxr-fused-fast",
              "pxr-fused-exact")}
rss_rows = ["| stage | pipe, --min-side 256 | pipe, exact | fused | fused, "
            "exact |", "|---|---:|---:|---:|---:|"]
worst_stage = 0
for st in ("list", "decode", "resize", "crop", "label", "pack"):
    cells = []
    for n in stage_rss:
        kb = stage_rss[n].get(st)
        cells.append("—" if kb is None else f"{kb / 1024:.1f}")
        worst_stage = max(worst_stage, kb or 0)
    rss_rows.append(f"| {st} | {' | '.join(cells)} |")

# Pipes against files and against one process.
pipes = load("pipes")
pipe_txt = []
pipe_ratio = inproc_ratio = float("nan")
st_names = ["st-list", "st-decode", "st-resize", "st-crop", "st-label",
            "st-pack"]
if all(s in pipes for s in st_names) and "pxr-pipe-fast" in pipes:
    k = min(len(pipes[s]["times"]) for s in st_names)
    sums = [sum(pipes[s]["times"][i] for s in st_names) for i in range(k)]
    total = med(sums)
    pipe_txt.append("| stage, file to file | median s | share |")
    pipe_txt.append("|---|---:|---:|")
    for s in st_names:
        m = pipes[s]["median"]
        pipe_txt.append(f"| {s[3:]} | {m:.3f} | {100 * m / total:.0f}% |")
    pipe_t = pipes["pxr-pipe-fast"]["times"]
    pipe_ratio = paired(pipe_t, sums)
    pipe_txt.append(f"| **sum** | {total:.3f} | |")
    pipe_txt.append("")
    pipe_txt.append(
        f"The same six stages through pipes (the table's six-filter pipe "
        f"with --min-side 256, run again here beside the stages): median {med(pipe_t):.3f} s, "
        f"**{pipe_ratio:.2f}x** the sum of the stages from files (run by "
        f"run). On one core the pipe runs the stages by turns, so this "
        f"compares pipes with files (both copy every byte through the "
        f"kernel), not pipes with one process.")
if "fused-file" in pipes and "inproc" in pipes:
    inproc_ratio = paired(pipes["fused-file"]["times"],
                          pipes["inproc"]["times"])
    pipe_txt.append("")
    pipe_txt.append(
        f"Pipes against one process: `pxr-decode --min-side 256 --short 256 "
        f"--crop 224 | pxr-label | pxr-pack` from a listed stream in a file, "
        f"median {pipes['fused-file']['median']:.3f} s, against the same "
        f"library calls in one process (`bench/inproc`, same input), median "
        f"{pipes['inproc']['median']:.3f} s: the pipes cost "
        f"**{100 * (inproc_ratio - 1):+.1f}%** (median of run-by-run "
        f"ratios).")
elif pipes:
    pipe_txt.append("")
    pipe_txt.append("bench/inproc did not build: no in-process figure.")
if not pipes:
    pipe_txt = ["The pipe-overhead runs failed (see the work folder's log/)."]

# Resize and crop alone (issue 5).
rz = load("resize")
rz_pil = [float(s) for _, s in lines(os.path.join(W, "times",
                                                  "resize-pillow"))]
rz_txt = ["The resize runs failed (see the work folder's log/)."]
if all(k in rz for k in ("rz-decode", "rz-plain", "rz-vector")):
    npx = N * 224 * 224
    dec, pl, vec = (rz[k]["times"] for k in ("rz-decode", "rz-plain",
                                            "rz-vector"))
    rz_txt = [f"| what, on the decoded stream ({N} images) | median s | "
              "ns per output pixel | img/s | x decode time |",
              "|---|---:|---:|---:|---:|"]
    for what, t in (("pxr-decode --min-side 256 (what made the stream)",
                     dec),
                    ("pxr-resize --short 256 --crop 224, plain C "
                     "(PXR_SIMD=0)", pl),
                    ("pxr-resize --short 256 --crop 224, vector passes", vec),
                    ("Pillow resize(BILINEAR) + crop, its own loop", rz_pil)):
        if not t:
            continue
        rz_txt.append(f"| {what} | {med(t):.3f} | {1e9 * med(t) / npx:.2f} "
                      f"| {N / med(t):.0f} | {med(t) / med(dec):.2f} |")
    rz_txt.append("")
    rz_txt.append(
        "pxr's times include reading the stream and checking its CRCs; "
        "Pillow's are its loop over pixels already in memory. The vector "
        "passes (SIMD level of this CPU: AVX2, AVX-512 or VBMI) give the "
        "plain passes' bytes (tests/pxr-resize.bats).")

# Index and scaling.
idx = load("index").get("index")
with open(os.path.join(W, "tar.names")) as f:
    classes = len({ln.split("/")[0] for ln in f if ln.strip()})
facts = {}
pkgs = []
with open(os.path.join(W, "facts")) as f:
    for ln in f:
        k, v = ln.rstrip("\n").split("=", 1)
        if k == "pkg":
            pkgs.append(v)
        else:
            facts[k] = v
sc = load("scaling")
load_scaling = "?"
if os.path.exists(os.path.join(W, "load.scaling")):
    with open(os.path.join(W, "load.scaling")) as f:
        load_scaling = f.read().strip()
scale_ratio = float("nan")
scale_txt = "The scaling runs failed (see the work folder's log/)."
if "imagenet-j1" in sc and "imagenet-j2" in sc:
    t1, t2 = sc["imagenet-j1"]["times"], sc["imagenet-j2"]["times"]
    scale_ratio = paired(t1, t2)
    scale_txt = (
        f"`pxr-imagenet --split train` on the whole corpus ({NTOTAL} images, "
        f"its index, shards and GNU parallel included): one job on core 0, "
        f"median {med(t1):.2f} s ({NTOTAL / med(t1):.0f} img/s); two jobs "
        f"on cores 0 and 1, median {med(t2):.2f} s ({NTOTAL / med(t2):.0f} "
        f"img/s): **{scale_ratio:.2f}x** (run by run). The machine's second "
        f"core is shared (load average {load_scaling} just before these "
        f"runs), so the two-job figure is a floor.")


kp = load("keep")
keep_pil = keep_flo = float("nan")
keep_txt = "The variable-size runs failed (see the work folder's log/)."
if all(k in kp for k in ("keep-pipe", "keep-j1", "pillow-keep",
                          "jpegloop-all")):
    tq, tk, tp, tj = (kp[k]["times"] for k in (
        "keep-pipe", "keep-j1", "pillow-keep", "jpegloop-all"))
    keep_pil, keep_flo = paired(tp, tq), paired(tj, tq)
    same = "?"
    if os.path.exists(os.path.join(W, "keep.same")):
        with open(os.path.join(W, "keep.same")) as f:
            same = f.read().strip()
    keep_txt = (
        f"The whole corpus ({NTOTAL} images), one core. The job as the "
        f"fixed rows time theirs (keep-pipe: `pxr-imagenet plan "
        f"--keep-ratio --short 256`, the header pass and the set laid out, "
        f"then `pxr-list | pxr-decode --like torchvision --short 256 | "
        f"pxr-label | pxr-pack`): median {med(tq):.2f} s "
        f"({NTOTAL / med(tq):.0f} img/s). Pillow's open/convert/resize "
        f"loop writing the same whole images back to back (peers.py "
        f"pillow-keep, its interpreter's start included) {med(tp):.2f} s: "
        f"**{keep_pil:.2f}x**; libjpeg-turbo's full-size decode loop over "
        f"the same files (jpegloop) {med(tj):.2f} s: **{keep_flo:.2f}x** "
        f"(ratios run by run). `pxr-imagenet --keep-ratio --short 256 "
        f"--jobs 1 --split train` whole (GNU parallel, shards, progress, "
        f"finish; keep-j1): median {med(tk):.2f} s. The sets' X against "
        f"Pillow's: {same}.")


def goal(what, target, value, ok):
    mark = "—" if value != value else ("met" if ok else "**missed**")
    return f"| {what} | {target} | {fmt(value, '.2f')} | {mark} |"


g = ["| goal | target | measured | |", "|---|---|---:|---|"]
r = rows.get("pxr-fused-exact", {})
g.append(goal("the exact default job, against the full-size decode loop",
              ">= 1.0x", r.get("flo", float("nan")), r.get("flo", 0) >= 1.0))
g.append(goal("the exact default job, against Pillow plain (byte-identical)",
              ">= 2.6x", r.get("pil", float("nan")), r.get("pil", 0) >= 2.6))
r = rows.get("pxr-fused-fast", {})
g.append(goal("--fast, against the full-size decode loop", ">= 1.15x",
              r.get("flo", float("nan")), r.get("flo", 0) >= 1.15))
r = rows.get("pxr-pipe-exact", {})
g.append(goal("the six-filter pipe, exact, against Pillow plain", ">= 2.0x",
              r.get("pil", float("nan")), r.get("pil", 0) >= 2.0))
pairs = [(float(a), float(b)) for a, b in
         (ln for ln in lines(os.path.join(W, "times", "pairs")) if len(ln) == 2)]
pairs_ratio = med([a / b for a, b in pairs]) if pairs else float("nan")
g.append(goal("the exact default job against the full-size decode loop, "
              f"the two by turns ({len(pairs)} pairs)", ">= 1.0x", pairs_ratio,
              pairs_ratio >= 1.0))
g.append(goal("pipes against one process (time ratio)", "<= 1.10x",
              inproc_ratio, inproc_ratio <= 1.10))
g.append(goal("two jobs against one", ">= 1.9x", scale_ratio,
              scale_ratio >= 1.9))
r = rows.get("pxr-notebook", {})
g.append(goal("the seed notebook's tensor (--like notebook), against Pillow "
              "plain", ">= 1.5x", r.get("pil", float("nan")),
              r.get("pil", 0) >= 1.5))
nb_x = r.get("ips", float("nan")) / nb_ips if r else float("nan")
g.append(goal("the seed notebook's tensor, against the numpy chain",
              ">= 10x", nb_x, nb_x >= 10))
tm, pt = rows.get("pxr-timm"), rows.get("pillow-timm")
timm_x = tm["ips"] / pt["ips"] if tm and pt else float("nan")
g.append(goal("timm's evaluation transform (--like timm, bicubic), against "
              "Pillow's BICUBIC loop", ">= 2x", timm_x, timm_x >= 2))
g.append(goal("the variable-size job (--keep-ratio --short 256), against "
              "Pillow's resize loop", ">= 2x", keep_pil, keep_pil >= 2))
g.append(goal("the variable-size job, against the full-size decode loop",
              ">= 0.9x", keep_flo, keep_flo >= 0.9))
g.append(goal("largest peak RSS of a pxr stage, MB", "< 64",
              worst_stage / 1024 if worst_stage else float("nan"),
              worst_stage < 64 * 1024))

with open(os.path.join(W, "table.md"), "w") as f:
    f.write("\n".join(table) + "\n\n" + "\n".join(agree) + "\n\n" +
            "\n".join(g) + "\n")

with open(os.path.join(W, "date")) as f:
    date = f.read().strip()
with open(os.path.join(W, "load.start")) as f:
    load_start = f.read().strip()
with open(os.path.join(W, "load.end")) as f:
    load_end = f.read().strip()

out = []
out.append("# pxr benchmark results")
out.append("")
out.append("Generated by `make bench` (bench/run); do not edit: the next run "
           "rewrites it. Hand-written notes go in bench/LEVERS.md, which is "
           "copied in at the end.")
if QUICK:
    out.append("")
    out.append(f"**BENCH_QUICK=1: a smoke test on {N} images, {RUNS} runs "
               "each. Not figures to quote.**")
out.append("")
out.append("## Machine")
out.append("")
out.append(f"- date: {date}; pxr commit {facts.get('commit', '?')}")
out.append(f"- CPU: {facts.get('cpu', '?')}, {facts.get('cores', '?')} "
           f"cores (SIMD: {facts.get('flags', '').strip() or 'none listed'})"
           f"; load average (1, 5, 15 min) {load_start} at the start, "
           f"{load_end} at the end: the machine is shared")
out.append(f"- kernel {facts.get('kernel', '?')}, Debian "
           f"{facts.get('debian', '?')}")
out.append("- Debian packages: " + "; ".join(pkgs) + "; libvips " +
           next((p.split()[1] for p in pkgs if p.startswith("libvips42")),
                "?"))
out.append(f"- corpus: bench/corpus (bench/make-corpus.py), {N} of "
           f"its {NTOTAL} training images, the train tar "
           f"{int(facts.get('tar_bytes', 0)) / 1e6:.0f} MB, in the page "
           f"cache (a warm-up run first)")
out.append("")
out.append("## Table")
out.append("")
out.append(f"{N} images, one core (`taskset -c 0`), one thread in every "
           f"library; hyperfine, 1 warm-up and {RUNS} runs of each command, "
           f"one command after the other. img/s/core = {N} / median seconds. "
           f"The ratios are throughput ratios taken run by run (run i "
           f"against run i of Pillow plain, or of the full-size decode "
           f"loop), their median shown. For the Python peers and libvips "
           f"the seconds are their own loop's (from making the memmap to "
           f"the last image); the interpreter's start and the imports "
           f"(torch's are seconds) are shown apart as start-up. pxr's "
           f"seconds are the whole pipeline's, start-up included, from the "
           f"train tar (read in place) to the packed tensor (`--layout nhwc`, "
           f"made anew in each run as the peers' are). Peak RSS is the "
           f"largest process's (for pxr, its largest stage; see below); a "
           f"peer's includes the pages of the output memmap it touched.")
out.append("")
out.extend(table)
out.append("")
out.append("## Goals (issue 19)")
out.append("")
out.extend(g)
out.append("")
if pairs:
    out.append(
        f"The floor goal is measured twice: in the table, run i of each "
        f"command against run i of the other, the runs of one command coming "
        f"in a row, minutes from the other's; and by turns, {len(pairs)} "
        f"pairs, each pair seconds apart, jpegloop first in one pair and "
        f"the exact default job first in the next (median "
        f"{med([a for a, _ in pairs]):.3f} s against "
        f"{med([b for _, b in pairs]):.3f} s; the ratio is the median of the "
        f"pairs' throughput ratios).")
    out.append("")
out.append("## Agreement with Pillow plain")
out.append("")
out.append("Each tensor against Pillow plain's, image by image (the same "
           "sorted-name order; the output size is torchvision's Resize(256), "
           "int(256 x long / short), in every peer, as pxr's --like "
           "torchvision; the crop corner as torchvision's CenterCrop). "
           "torchvision's decode_jpeg refuses CMYK/YCCK JPEGs and the "
           "corpus's PNG: Pillow decodes those for it.")
out.append("")
out.extend(agree)
out.append("")
out.append("## Peak RSS of each pxr stage, MB")
out.append("")
out.append("Each stage under `/usr/bin/time -f %M` in every run of the "
           "table's pipelines; the largest.")
out.append("")
out.extend(rss_rows)
out.append("")
out.append("## Pipe overhead")
out.append("")
out.extend(pipe_txt)
out.append("")
out.append("## Resize and crop alone (issue 5)")
out.append("")
out.extend(rz_txt)
out.append("")
out.append("## Scaling, 1 and 2 jobs")
out.append("")
out.append(scale_txt)
out.append("")
out.append("## The variable-size job (issue 28)")
out.append("")
out.append(keep_txt)
out.append("")
out.append("## Indexing the train tar's headers")
out.append("")
if idx:
    out.append(f"`pxr-list --index FILE ILSVRC2012_img_train.tar` "
               f"({NTOTAL} images in {classes} inner tars, "
               f"{int(facts.get('tar_bytes', 0)) / 1e6:.0f} MB, page cache "
               f"warm): median {1000 * idx['median']:.1f} ms, "
               f"{NTOTAL / idx['median']:.0f} headers/s.")
else:
    out.append("pxr-list --index failed.")
levers = os.path.join(HERE, "LEVERS.md")
if os.path.exists(levers):
    out.append("")
    with open(levers) as f:
        out.append(f.read().rstrip("\n"))
print("\n".join(out))
