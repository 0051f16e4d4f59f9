"""What the benchmark scripts share: medians of timed runs, goal verdicts, the empty notebook baseline."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import nbformat


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_medians(first, second, repeat: int) -> tuple[float, float]:
    """Median seconds of two functions run in turns (first, second, first, ...) after one untimed run of each.

    Taking turns spreads a change in the machine's load over both instead of over whichever ran later; the
    untimed runs pay what only a process's first call pays (importing papermill, a fresh disk cache).
    """
    first(), second()
    a, b = [], []
    for _ in range(repeat):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def goal(met: bool, target: str) -> str:
    return f"{'goal met' if met else 'GOAL MISSED'} ({target})"


def empty_notebook(path: Path) -> Path:
    """A notebook with only a parameters cell: what papermill costs before any product work."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path
