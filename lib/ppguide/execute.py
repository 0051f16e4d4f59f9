"""Executing a notebook with papermill, as `run --engine notebook`, `batch --engine notebook` and `ppguide docs` do.

One place for how a kernel is started: quietly, without a progress bar, and with the cells' own output kept in
the notebook rather than echoed. ipykernel logs a warning about TCP without encryption on every start (the
kernel listens on localhost for this one execution only) and, now and then, "KeyboardInterrupt caught in
kernel" when it is shut down; neither is the engineer's business. A failing cell still fails the run: papermill
raises PapermillExecutionError from the notebook's own outputs, which do not depend on the kernel's log.
The notebook is saved once at the end rather than after every cell (nothing reads it while it runs).

Once the last cell has answered, the kernel is stopped at once rather than asked to exit (nbclient's
shutdown_kernel="immediate"): every output is already in the notebook and every file written by then, and a
polite exit left the run waiting, in 100 ms polls, while the interpreter tore down its modules and collected
every object, now and then for seconds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import PpguideError

KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def execute_notebook(source: Path, target: Path, parameters: dict[str, Any], cwd: Path, what: str) -> None:
    """Run `source` with `parameters` into `target`; a failing cell is a PpguideError naming `what`."""
    import papermill

    try:
        papermill.execute_notebook(str(source), str(target), parameters=parameters, progress_bar=False,
                                   log_output=False, cwd=str(cwd), extra_arguments=KERNEL_ARGS,
                                   request_save_on_cell_execute=False, shutdown_kernel="immediate")
    except papermill.PapermillExecutionError as exc:
        raise PpguideError(f"{what}: the notebook failed: {exc.ename}: {exc.evalue}",
                           f"{what}: ノートブックの実行に失敗: {exc.ename}: {exc.evalue}") from None
