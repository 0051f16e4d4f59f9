"""Run the jobs of an inventory (fleet.py) through either engine on an executor (executors.py), and report.

Each job's bundle goes to OUT/<cluster>/<job> (OUT/<job> in a single-cluster inventory), written whole or
not at all (output.py). A job whose folder already holds the bundle of the same inputs (its manifest's
`inputs_sha256`, fingerprint.py, and every file as listed) is left as it is unless `force`; a job that
fails has its earlier bundle removed, so nothing old passes for current output. A run killed at any moment
leaves whole bundles and staging folders only; the next run sweeps those and completes the batch with
the same bytes. OUT/report.csv lists every job, in the inventory's order, whatever the executor.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import executors, output
from .errors import OutputError, PpguideError, as_typed
from .evaluate import evaluate, write_bundle
from .fingerprint import inputs_sha256
from .fleet import REPORT, Job, expand
from .knowledge import ROOT, load
from .params import validate

ENGINES = ("direct", "notebook")
REPORT_COLUMNS = ("cluster", "job", "product", "ok", "status", "files", "warnings", "error", "error_ja")


def read_inventory(data: Any, where: str = "inventory") -> list[Job]:
    """The jobs of an inventory already read (fleet.expand)."""
    return expand(data, where)


@dataclass
class Result:
    name: str
    product: str
    ok: bool
    files: int = 0
    error_en: str = ""
    error_ja: str = ""
    cluster: str = ""
    status: str = ""          # written, current (left as it was), failed
    warnings: int = 0


@dataclass
class Task:
    """One runnable job as a worker receives it: plain data that pickles."""
    index: int
    cluster: str
    name: str
    product: str
    parameters: dict[str, Any]
    outdir: str
    engine: str = "direct"
    force: bool = False
    keep: tuple[str, ...] = field(default_factory=tuple)


def run_notebook(product_id: str, params: dict[str, Any], outdir, force: bool = False, keep=()) -> dict[str, Any]:
    """The notebook engine: papermill executes notebooks/<id>.ipynb; its bundle is placed like the direct engine's."""
    from .execute import execute_notebook

    out = output.check_target(outdir, force, keep)
    with output.staging(out) as work:
        executed, staged = work / f"{product_id}.ipynb", work / "bundle"
        execute_notebook(ROOT / "notebooks" / f"{product_id}.ipynb", executed, dict(params, output_dir=str(staged)),
                         work, product_id)
        manifest = json.loads((staged / "manifest.json").read_text(encoding="utf-8"))
        output.replace(staged, out)
    return manifest


def run_one(product_id: str, params: dict[str, Any], outdir, engine: str = "direct",
            force: bool = False, keep=()) -> dict[str, Any]:
    if engine == "notebook":
        evaluate(product_id, params)   # refuse bad input before a kernel starts and before anything is written
        return run_notebook(product_id, params, outdir, force, keep)
    return write_bundle(product_id, params, outdir, force, keep).manifest()


def run_task(task: Task) -> Result:
    """Run one job where it is called (this process, a pool process or a Dask worker)."""
    def result(ok: bool, status: str, manifest: dict | None = None, exc: PpguideError | None = None) -> Result:
        return Result(task.name, task.product, ok, len(manifest["artifacts"]) if manifest else 0,
                      exc.en if exc else "", exc.ja if exc else "", task.cluster, status,
                      len(manifest["warnings"]) if manifest else 0)
    try:
        out = output.check_target(task.outdir, task.force, task.keep)
        output.sweep(out)
        if not task.force:
            manifest = output.current(out, inputs_sha256(task.product, validate(load(task.product), task.parameters)))
            if manifest is not None:
                return result(True, "current", manifest)
        return result(True, "written", run_one(task.product, task.parameters, out, task.engine, task.force, task.keep))
    except PpguideError as exc:
        return _failed(task, exc, task.outdir, task.keep)
    except Exception as exc:        # noqa: BLE001 (a fault of ppguide: reported with the job, the others go on)
        return _failed(task, PpguideError(f"internal error: {type(exc).__name__}: {exc}",
                                          f"内部エラー: {type(exc).__name__}: {exc}"), task.outdir, task.keep)


def run_chunk(tasks: list[Task]) -> list[Result]:
    """The unit of work an executor sends to a process or worker."""
    return [run_task(t) for t in tasks]


def _failed(job: Task | Job, exc: PpguideError, outdir: str | Path | None, keep: Iterable = ()) -> Result:
    """A failed job's result, after removing its earlier bundle (or saying why it could not be removed)."""
    en, ja = exc.en, exc.ja
    if outdir is not None and not isinstance(exc, OutputError):
        try:
            _remove_stale(Path(outdir), name_is_cluster=isinstance(job, Job) and not job.name, keep=keep)
        except OutputError as why:
            en, ja = f"{en}; its earlier folder stays: {why.en}", f"{ja}。以前のフォルダは残っています: {why.ja}"
    return Result(job.name, job.product, False, 0, en, ja, job.cluster, "failed")


def _remove_stale(out: Path, name_is_cluster: bool, keep: Iterable) -> None:
    """Remove the bundle in `out`, or every bundle of the cluster folder `out` (then the folder when empty)."""
    if not name_is_cluster:
        output.remove(out, keep)
        return
    if not out.is_dir():
        return
    for child in sorted(out.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            output.remove(child, keep)
    try:
        out.rmdir()
    except OSError:
        pass


def run_all(jobs: list[Job], outdir, engine: str = "direct", force: bool = False, keep=(), executor: str = "local", workers: int | None = 1, scheduler: str | None = None,
            on_done: Callable[[int], None] | None = None) -> list[Result]:
    """Run every job; one Result per job, in the jobs' order. `on_done(n)` is told of n more jobs done."""
    if engine not in ENGINES:
        raise PpguideError(f"--engine {as_typed(engine)}: expected direct or notebook", f"--engine {as_typed(engine)}: direct か notebook を指定してください")
    base = Path(outdir).resolve()
    keep = tuple(str(Path(k).resolve()) for k in keep)
    tasks = [Task(i, j.cluster, j.name, j.product, j.parameters, str(base / (j.folder or j.name)), engine, force, keep)
             for i, j in enumerate(jobs) if j.error is None]
    results: list[Result | None] = [None] * len(jobs)
    chunks = executors.chunked(tasks, workers or executors.default_jobs())
    for i, done in executors.run_chunks(run_chunk, chunks, executor, workers, scheduler):
        if isinstance(done, BaseException):
            done = [Result(t.name, t.product, False, 0, f"the process running it ended: {type(done).__name__}: {done}",
                           f"実行プロセスが終了しました: {done}", t.cluster, "failed") for t in chunks[i]]
        for task, res in zip(chunks[i], done):
            results[task.index] = res
        if on_done:
            on_done(len(chunks[i]))
    for i, job in enumerate(jobs):
        if job.error is not None:
            results[i] = _failed(job, job.error, base / job.folder if job.folder else None, keep)
            if on_done:
                on_done(1)
    return [r for r in results if r is not None]


def report_csv(results: list[Result]) -> bytes:
    """OUT/report.csv: UTF-8 with BOM (Excel on Japanese Windows reads it so), CRLF, one row per job."""
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\r\n")
    w.writerow(REPORT_COLUMNS)
    for r in results:
        w.writerow([r.cluster, r.name, r.product, "yes" if r.ok else "no", r.status, r.files, r.warnings,
                    r.error_en, r.error_ja])
    return text.getvalue().encode("utf-8-sig")


def check_report_target(outdir, force: bool = False, keep=()) -> Path:
    """OUT/report.csv may be (re)written: it is absent or an earlier report, and no input of the run. Touches nothing."""
    report = Path(outdir).resolve() / REPORT
    base = report.parent
    if base.exists() and not base.is_dir():
        raise OutputError(str(base), "it exists and is not a folder", "フォルダではないものが既にあります")
    if any(Path(k).resolve() == report for k in keep):
        raise OutputError(str(report), "it is an input of this run", f"{REPORT} はこの実行の入力ファイルです")
    if report.is_symlink() or (report.exists() and not report.is_file()):
        raise OutputError(str(report), "it is not a file", "ファイルではありません")
    if report.exists() and not force:
        head = report.read_bytes()[:200].decode("utf-8-sig", "replace")
        if not head.startswith(",".join(REPORT_COLUMNS[:4])):
            raise OutputError(str(report), "it is not an earlier ppguide report; add --force to replace it",
                              "ppguide のレポートではありません。--force を付けてください")
    return report


def write_report(results: list[Result], outdir) -> Path:
    """Write OUT/report.csv whole (a new file swapped in)."""
    report = Path(outdir).resolve() / REPORT
    report.parent.mkdir(parents=True, exist_ok=True)
    for left in report.parent.glob(f".{REPORT}.ppguide-*"):     # a report a killed run was writing
        if re.fullmatch(rf"\.{re.escape(REPORT)}\.ppguide-[a-z0-9_]{{8}}", left.name) and left.is_file():
            left.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{REPORT}.ppguide-", dir=report.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(report_csv(results))
        os.chmod(tmp, 0o644)
        os.replace(tmp, report)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(str(report), exc.strerror or str(exc)) from None
    return report
