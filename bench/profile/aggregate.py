"""Sums oneDNN's verbose log (ONEDNN_VERBOSE=1: one line per primitive execution with its time in ms) per
(primitive, propagation, problem) for VideoLab's worker and the PyTorch peer, side by side.

    aggregate.py VIDEOLAB.log PYTORCH.log --steps N [--top 25]

Prints, per side, the oneDNN time per step and the step's wall time (from the worker's JSON line at the end of the
log), so that "outside oneDNN" = wall - oneDNN is the time spent in everything else (ATen's own elementwise and
reduction kernels, oneMKL/OpenBLAS matrix products, the optimiser, allocation, framework overhead)."""
import argparse
import collections
import json


def parse(path, steps):
    per_problem = collections.defaultdict(lambda: [0, 0.0])
    seconds = None
    for line in open(path):
        if line.startswith("{"):
            seconds = json.loads(line)["seconds"]
        if ",exec," not in line:
            continue
        f = line.strip().split(",")
        # oneDNN 3.x (LibTorch 2.10) adds a version field and a "primitive" marker that 2.x (PyTorch 1.13) lacks.
        while f[1] in ("v1", "primitive"):
            del f[1]
        primitive, prop, problem, ms = f[3], f[5], f[-2], float(f[-1])
        entry = per_problem[(primitive, prop, problem)]
        entry[0] += 1
        entry[1] += ms / steps
    return per_problem, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("videolab")
    ap.add_argument("pytorch")
    ap.add_argument("--steps", type=int, required=True, help="steps the logs cover (warm-up + timed)")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    vl, vl_seconds = parse(a.videolab, a.steps)
    pt, pt_seconds = parse(a.pytorch, a.steps)
    total = lambda d: sum(v[1] for v in d.values())
    wall = lambda s: 1000 * sorted(s)[len(s) // 2] if s else float("nan")
    print(f"| | VideoLab | PyTorch |\n| --- | ---: | ---: |")
    print(f"| step wall time (ms, median of the timed steps) | {wall(vl_seconds):.0f} | {wall(pt_seconds):.0f} |")
    print(f"| oneDNN primitives (ms per step) | {total(vl):.0f} | {total(pt):.0f} |")
    print(f"| outside oneDNN (ms per step) | {wall(vl_seconds) - total(vl):.0f} | {wall(pt_seconds) - total(pt):.0f} |")
    print(f"| oneDNN calls per step | {sum(v[0] for v in vl.values()) / a.steps:.0f} | {sum(v[0] for v in pt.values()) / a.steps:.0f} |")
    print()
    print("| primitive | pass | problem | VideoLab ms/step (calls) | PyTorch ms/step (calls) |\n| --- | --- | --- | ---: | ---: |")
    keys = sorted(set(vl) | set(pt), key=lambda k: -(vl.get(k, [0, 0])[1] + pt.get(k, [0, 0])[1]))
    for k in keys[:a.top]:
        (nv, tv), (np_, tp) = vl.get(k, [0, 0.0]), pt.get(k, [0, 0.0])
        print(f"| {k[0]} | {k[1]} | `{k[2][:60]}` | {tv:.1f} ({nv // a.steps}) | {tp:.1f} ({np_ // a.steps}) |")


if __name__ == "__main__":
    main()
