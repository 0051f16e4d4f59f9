"""Time the kernel-free engine against papermill, on the same parameters and against an empty notebook.

Prints, from one run: the median time of each and the ratios between them, with the goals of issue 8
(a servermanager bundle through the direct engine <= 10 ms; papermill's empty notebook >= 50x that).
Each direct run writes its bundle into a new folder, as `ppguide run` and `ppguide batch` do; writing over
the previous bundle is timed apart, since deleting it is disk work (~4 ms a folder on an ext4 mounted
with `discard`). The UPS product is timed as it runs (its timeline picture is drawn once per distinct
budget, then kept) and with the picture drawn every run, what the first bundle of a new budget costs.
Usage: .venv/bin/python bench/engines.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import itertools
import os
import tempfile
from pathlib import Path

from measure import empty_notebook, goal, median_seconds, paired_medians

from ppguide import functions
from ppguide.batch import run_notebook
from ppguide.evaluate import write_bundle
from ppguide.examples import guide_example
from ppguide.execute import execute_notebook

SERVERMANAGER = guide_example("servermanager") | {"virtual_computer_name": "ESMSV01"}
UPS_PRODUCT = "ac-snmp"          # on the guide's worked example (data/guide-examples.yaml)
UPS_FACTS = guide_example(UPS_PRODUCT)
DIRECT_GOAL_MS = 10
EMPTY_RATIO_GOAL = 50


def new_folders(parent: Path):
    """A function giving a folder not used before at each call."""
    numbers = itertools.count()
    return lambda: parent / str(next(numbers))


def drawing_every_time(outdir: Path) -> None:
    functions.drawn_timeline.cache_clear()
    write_bundle(UPS_PRODUCT, UPS_FACTS, outdir)


def row(label: str, figure: str, note: str = "") -> None:
    print(f"{label:<46} {figure:>10}   {note}".rstrip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="papermill runs of each notebook; direct runs are 10x as many")
    args = ap.parse_args()
    many = args.repeat * 10
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = empty_notebook(tmp / "empty.ipynb")

        sm_folder, ups_folder, drawn_folder = new_folders(tmp / "sm"), new_folders(tmp / "ups"), new_folders(tmp / "drawn")
        direct = median_seconds(lambda: write_bundle("servermanager", SERVERMANAGER, sm_folder()), many)
        replacing = median_seconds(lambda: write_bundle("servermanager", SERVERMANAGER, tmp / "replaced"), many)
        ups = median_seconds(lambda: write_bundle(UPS_PRODUCT, UPS_FACTS, ups_folder()), many)
        ups_drawn = median_seconds(lambda: drawing_every_time(drawn_folder()), args.repeat)
        notebook, baseline = paired_medians(lambda: run_notebook("servermanager", SERVERMANAGER, tmp / "notebook"),
                                            lambda: execute_notebook(empty, tmp / "out.ipynb", {"x": 2}, tmp, "bench"),
                                            args.repeat)

    # Other work on the machine stretches every figure: the load says how much the run had to share.
    print(f"medians of {many} direct and {args.repeat} papermill or drawing runs, one process; "
          f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    row("direct engine, servermanager", f"{direct * 1000:.1f} ms", goal(direct * 1000 <= DIRECT_GOAL_MS, f"<= {DIRECT_GOAL_MS} ms"))
    row("direct engine, servermanager, over last bundle", f"{replacing * 1000:.1f} ms")
    row(f"direct engine, {UPS_PRODUCT}", f"{ups * 1000:.1f} ms")
    row(f"direct engine, {UPS_PRODUCT}, timeline drawn", f"{ups_drawn * 1000:.1f} ms")
    row("papermill, servermanager notebook", f"{notebook * 1000:.1f} ms")
    row("papermill, empty notebook", f"{baseline * 1000:.1f} ms")
    row("ratio empty notebook / direct", f"{baseline / direct:.1f}x",
        goal(baseline / direct >= EMPTY_RATIO_GOAL, f">= {EMPTY_RATIO_GOAL}x"))
    row("ratio servermanager notebook / direct", f"{notebook / direct:.1f}x")
    row("notebook work beyond the kernel", f"{(notebook - baseline) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
