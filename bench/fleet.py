"""Time `ppguide batch` on fleets of the example cluster against papermill, and the notebook path against an
empty notebook (issue 12). Prints, from one run:

- 100 clusters x the example cluster's products through `ppguide batch` (a new process, every core), against
  one papermill execution of the servermanager notebook: (papermill time x bundles) / batch time, goal >= 100x;
- the same batch run again (every bundle current, nothing written);
- 1,000 clusters through `ppguide batch`, goal < 3 minutes;
- the servermanager notebook through papermill against an empty notebook, goal <= 1.3x;
- the peak memory of each batch: the resident memory of its processes added up, sampled every 50 ms.

The fleet: data/example-cluster.yaml's facts and job list shared by every cluster, each cluster with its own
virtual computer name and failover group. Papermill times are medians of --repeat runs, the two notebooks
taking turns after one untimed run of each (so the disk cache of checked products is filled, as any earlier
run on the machine leaves it; see lib/ppguide/disk_cache.py).
Usage: .venv/bin/python bench/fleet.py [--clusters 100] [--large 1000] [--repeat 7]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from measure import empty_notebook, goal, paired_medians

from ppguide.examples import guide_example
from ppguide.execute import execute_notebook
from ppguide.inputs import read
from ppguide.knowledge import DATA, ROOT

RATIO_GOAL = 100
LARGE_GOAL_S = 180
NOTEBOOK_GOAL = 1.3
SERVERMANAGER = guide_example("servermanager") | {"virtual_computer_name": "ESMSV01"}


def fleet(n: int) -> dict:
    example = read(DATA / "example-cluster.yaml")
    clusters = [{"name": f"c{i:04d}", "parameters": {"virtual_computer_name": f"ESM{i:04d}",
                                                     "failover_group": f"grp{i:04d}"}} for i in range(n)]
    return {"parameters": example["parameters"], "jobs": example["jobs"], "clusters": clusters}


def timed_batch(inventory: Path, out: Path) -> tuple[float, int, int]:
    """(seconds, peak resident bytes of the batch's processes, exit code) of one `ppguide batch` process."""
    env = dict(os.environ, COLUMNS="160")
    cmd = [sys.executable, "-m", "ppguide.cli", "batch", str(inventory), "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    return time.perf_counter() - start, peak, proc.returncode


def cold_notebook(notebook: Path, tmp: Path) -> float:
    """Seconds of one papermill run whose kernel starts with an empty disk cache (a new PPGUIDE_CACHE folder):
    what the first notebook of a product costs on a machine, before any process kept its checked knowledge."""
    before = os.environ.get("PPGUIDE_CACHE")
    os.environ["PPGUIDE_CACHE"] = str(tmp / "cold-cache")
    try:
        start = time.perf_counter()
        execute_notebook(notebook, tmp / "cold.ipynb", dict(SERVERMANAGER, output_dir=str(tmp / "cold")), tmp, "bench")
        return time.perf_counter() - start
    finally:
        if before is None:
            del os.environ["PPGUIDE_CACHE"]
        else:
            os.environ["PPGUIDE_CACHE"] = before


def row(label: str, figure: str, note: str = "") -> None:
    print(f"{label:<52} {figure:>10}   {note}".rstrip(), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clusters", type=int, default=100)
    ap.add_argument("--large", type=int, default=1000, help="clusters of the large fleet (0: skip it)")
    ap.add_argument("--repeat", type=int, default=7, help="papermill runs of each notebook")
    args = ap.parse_args()
    products = len(read(DATA / "example-cluster.yaml")["jobs"])
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = empty_notebook(tmp / "empty.ipynb")
        notebook = ROOT / "notebooks" / "servermanager.ipynb"
        runs = itertools.count()
        paper, baseline = paired_medians(
            lambda: execute_notebook(notebook, tmp / "sm.ipynb", dict(SERVERMANAGER, output_dir=str(tmp / f"sm{next(runs)}")),
                                     tmp, "bench"),
            lambda: execute_notebook(empty, tmp / "out.ipynb", {"x": 2}, tmp, "bench"), args.repeat)
        cold = cold_notebook(notebook, tmp)

        small = tmp / "fleet.json"
        small.write_text(json.dumps(fleet(args.clusters)), encoding="utf-8")
        bundles = args.clusters * products
        batch_s, batch_mem, code = timed_batch(small, tmp / "out")
        again_s, again_mem, code_again = timed_batch(small, tmp / "out")
        if args.large:
            large = tmp / "large.json"
            large.write_text(json.dumps(fleet(args.large)), encoding="utf-8")
            large_s, large_mem, code_large = timed_batch(large, tmp / "large")

    print(f"one run; papermill figures are medians of {args.repeat} taken in turns; batches use every core (--jobs default); "
          f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    row("papermill, servermanager notebook", f"{paper:.2f} s")
    row("papermill, empty notebook", f"{baseline:.2f} s")
    row("ratio servermanager notebook / empty notebook", f"{paper / baseline:.2f}x",
        goal(paper / baseline <= NOTEBOOK_GOAL, f"<= {NOTEBOOK_GOAL}x"))
    row("servermanager notebook, empty disk cache (one run)", f"{cold:.2f} s",
        f"{cold / baseline:.2f}x the empty notebook: the first run checks the knowledge")
    row(f"ppguide batch, {args.clusters} clusters x {products} products", f"{batch_s:.1f} s",
        f"{bundles} bundles, {batch_s / bundles * 1000:.1f} ms a bundle, exit {code}")
    ratio = paper * bundles / batch_s
    row("ratio (papermill x bundles) / batch", f"{ratio:.0f}x", goal(ratio >= RATIO_GOAL, f">= {RATIO_GOAL}x"))
    row("peak memory of that batch", f"{batch_mem / 2**20:.0f} MiB")
    row("the same batch again (every bundle current)", f"{again_s:.1f} s", f"exit {code_again}")
    if args.large:
        row(f"ppguide batch, {args.large} clusters x {products} products", f"{large_s:.1f} s",
            goal(large_s < LARGE_GOAL_S, f"< {LARGE_GOAL_S} s") + f", exit {code_large}")
        row("peak memory of that batch", f"{large_mem / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
