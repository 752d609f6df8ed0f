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
    for name, t in sorted(report["notebooks"].items()):
        earlier = f" (kept from the run at {t['commit']})" if "commit" in t else ""
        lines.append(f"| {name} | {t['status']}{earlier} | {t['seconds']:.0f} |")
    this_run = [t["seconds"] for t in report["notebooks"].values() if "commit" not in t]
    kept = len(this_run) < len(report["notebooks"])
    lines.append(f"| all{' (this run)' if kept else ''} | | {sum(this_run):.0f} |")
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


def merge_earlier(report, path_json):
    """A run of some notebooks on a machine without today's run folder would otherwise drop the other notebooks' rows:
    rows this run did not produce are kept from today's file, marked with the commit that measured them."""
    if not os.path.exists(path_json):
        return
    with open(path_json) as f:
        earlier = json.load(f)
    commit = earlier.get("machine", {}).get("commit", "?")
    for name, t in earlier.get("notebooks", {}).items():
        report["notebooks"].setdefault(name, dict(t, commit=t.get("commit", commit)))
    names = {r["name"] for r in report["results"]}
    report["results"] += [r for r in earlier.get("results", []) if r["name"] not in names]
    for name, errors in earlier.get("failed_cells", {}).items():
        report["failed_cells"].setdefault(name, errors)


def notes_of(path_markdown):
    """The hand-written "## Notes" section at the end of today's .md, kept when the tables are rewritten."""
    if not os.path.exists(path_markdown):
        return ""
    with open(path_markdown) as f:
        text = f.read()
    start = text.find("\n## Notes\n")
    return text[start:] if start >= 0 else ""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--executed", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--markdown", required=True)
    a = p.parse_args()
    times = notebook_times(a.log)
    report = {"date": datetime.date.today().isoformat(), "mode": "cpu", "machine": machine(), "notebooks": dict(times),
              "results": read_results(a.results), "failed_cells": {n: failed_cells(a.executed, n) for n in times}}
    merge_earlier(report, a.json)
    notes = notes_of(a.markdown)
    with open(a.json, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    with open(a.markdown, "w") as f:
        f.write(markdown(report) + notes)
    print(f"wrote {a.json} and {a.markdown}")
    return 0 if all(t["status"] == "ok" for t in times.values()) and times else 1


if __name__ == "__main__":
    raise SystemExit(main())
