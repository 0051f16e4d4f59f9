"""Time the kernel-free engine against papermill on the same parameters, and against an empty notebook.

Prints, from one run: the median seconds of each and the ratios between them.
Usage: .venv/bin/python bench/engines.py [--product servermanager] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from ppguide.batch import run_notebook
from ppguide.evaluate import run as run_direct


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--product", default="servermanager")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    params = {"virtual_computer_name": "ESMSV01"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty.ipynb"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, empty)

        direct = median_seconds(lambda: run_direct(args.product, params, tmp / "direct"), args.repeat * 10)
        notebook = median_seconds(lambda: run_notebook(args.product, params, tmp / "notebook"), args.repeat)
        baseline = median_seconds(lambda: papermill.execute_notebook(
            str(empty), str(tmp / "out.ipynb"), parameters={"x": 2}, progress_bar=False, cwd=str(tmp)), args.repeat)

    print(f"product {args.product}, median of {args.repeat * 10} direct and {args.repeat} papermill runs")
    print(f"direct engine (no kernel)       {direct * 1000:9.1f} ms")
    print(f"papermill, product notebook     {notebook * 1000:9.1f} ms")
    print(f"papermill, empty notebook       {baseline * 1000:9.1f} ms")
    print(f"ratio notebook / direct         {notebook / direct:9.1f}x")
    print(f"ratio empty notebook / direct   {baseline / direct:9.1f}x")
    print(f"notebook work beyond kernel     {(notebook - baseline) * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
