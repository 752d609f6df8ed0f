"""Turns one bench/notebooks/run into bench/results/notebooks-<date>.json and .md.

Reads the runner's log (one "ok|FAILED <notebook> in <seconds> s" line per notebook), the results the notebooks
recorded (runs/cpu/results.jsonl: one JSON object per verdict or statistic, written by VideoLab.Tutorials), and the
executed notebooks (for failed cells). Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(), "commit": commit,
            "loadavg_at_end": os.getloadavg()}


def notebook_times(log_path):
    times = {}
    pattern = re.compile(r"^(ok|FAILED(?: \(\d+ cells?\))?) notebooks/(\S+)\.ipynb in ([0-9.]+) s")
    with open(log_path) as f:
        for line in f:
            m = pattern.match(line)
            if m:
                times[m.group(2)] = {"status": "ok" if m.group(1) == "ok" else m.group(1), "seconds": float(m.group(3))}
    return times


def failed_cells(executed_dir, name):
    path = os.path.join(executed_dir, name + ".ipynb")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        nb = json.load(f)
    errors = []
    for i, cell in enumerate(nb["cells"]):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                errors.append(f"cell {i + 1}: {o.get('ename')}: {o.get('evalue')}")
    return errors


def read_results(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        records = [json.loads(l) for l in f if l.strip()]
    # A notebook run again (bench/notebooks/run NAME) appends its results: keep each name's latest.
    latest = {r["name"]: r for r in records}
    return list(latest.values())


def fmt(v, digits=3):
    return "–" if v is None else f"{v:.{digits}g}" if isinstance(v, float) else str(v)


def markdown(report):
    lines = [f"# Tutorial notebooks in cpu mode, {report['date']}", "",
             f"`bench/notebooks/run` at commit {report['machine']['commit']} on {report['machine']['cpu']} "
             f"({report['machine']['cores']} cores). Each notebook ran in its own process with `--mode cpu`.", "",
             "| notebook | status | seconds |", "| --- | --- | --- |"]
    for name, t in report["notebooks"].items():
        lines.append(f"| {name} | {t['status']} | {t['seconds']:.0f} |")
    lines.append(f"| all | | {sum(t['seconds'] for t in report['notebooks'].values()):.0f} |")
    for r in report["results"]:
        v = r["values"]
        lines += ["", f"## {r['name']}", ""]
        if "scores" in v:
            lines += [f"Margins: MSE at least {v['mse_margin']:.0%} below the better baseline, SSIM at least {v['ssim_margin']} above it; "
                      f"{v['passed']} of {v['models']} models pass ({v['clips']} test clips).", "",
                      "| model | MSE | MAE | PSNR | SSIM | parameters | beats both |", "| --- | --- | --- | --- | --- | --- | --- |"]
            for label, s in v["scores"].items():
                lines.append(f"| {label} | {fmt(s.get('mse'), 4)} | {fmt(s.get('mae'), 4)} | {fmt(s.get('psnr'), 4)} | {fmt(s.get('ssim'), 3)} | "
                             f"{s.get('parameters', 0):,} | {'yes' if s.get('pass') else 'no' if 'pass' in s else 'baseline'} |")
        else:
            lines += ["| value | |", "| --- | --- |"] + [f"| {k} | {fmt(x, 4)} |" for k, x in v.items()]
    failures = {n: e for n, e in report["failed_cells"].items() if e}
    if failures:
        lines += ["", "## Failed cells", ""] + [f"- {n}: {e}" for n, errs in failures.items() for e in errs]
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--executed", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--markdown", required=True)
    a = p.parse_args()
    times = notebook_times(a.log)
    report = {"date": datetime.date.today().isoformat(), "mode": "cpu", "machine": machine(), "notebooks": times,
              "results": read_results(a.results), "failed_cells": {n: failed_cells(a.executed, n) for n in times}}
    with open(a.json, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    with open(a.markdown, "w") as f:
        f.write(markdown(report))
    print(f"wrote {a.json} and {a.markdown}")
    return 0 if all(t["status"] == "ok" for t in times.values()) and times else 1


if __name__ == "__main__":
    raise SystemExit(main())
