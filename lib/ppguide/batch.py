"""Run many jobs (an inventory) through either engine, collecting a result per job.

An inventory is `{parameters: {...shared facts...}, jobs: [{product, name?, parameters?}]}`.
Each job's bundle goes to OUT/<name> (the name defaults to the product id). A job
that cannot run (unknown product, bad name, bad parameters) is reported with the
others, and the rest still run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import output
from .errors import PpguideError
from .evaluate import evaluate
from .evaluate import run as run_direct
from .inputs import InputError, check_keys
from .knowledge import ROOT, load
from .params import folder_name_problem

INVENTORY_KEYS = {"parameters": "facts shared by every job; each product takes those it declares",
                  "jobs": "the list of jobs"}
JOB_KEYS = {"product": "a product id from `ppguide products`",
            "name": "the job's folder below -o (default: the product id)",
            "parameters": "the job's own parameters"}


@dataclass
class Job:
    name: str
    product: str
    parameters: dict[str, Any]
    error: PpguideError | None = None     # the job cannot run; reported, not run


@dataclass
class Result:
    name: str
    product: str
    ok: bool
    files: int = 0
    error_en: str = ""
    error_ja: str = ""


def read_inventory(data: Any, where: str = "inventory") -> list[Job]:
    check_keys(data, where, INVENTORY_KEYS, required=("jobs",))
    shared = data.get("parameters") or {}
    if not isinstance(shared, dict):
        raise InputError(f"{where}: parameters", "must be a mapping of parameter names to values",
                         "パラメータ名と値のマッピングが必要です")
    entries = data["jobs"]
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{where}: jobs", "must be a non-empty list of {product, name?, parameters?}",
                         "{product, name?, parameters?} の空でないリストが必要です")
    jobs: list[Job] = []
    taken: set[str] = set()
    for i, entry in enumerate(entries, 1):
        at = f"{where}: job {i}"
        try:
            check_keys(entry, at, JOB_KEYS, required=("product",))
            product = load(str(entry["product"]))
            own = entry.get("parameters") or {}
            if not isinstance(own, dict):
                raise InputError(f"{at}: parameters", "must be a mapping of parameter names to values",
                                 "パラメータ名と値のマッピングが必要です")
            name = entry.get("name", product.id)
            if "name" not in entry and name.casefold() in taken:
                name = f"{product.id}-{i}"
            why = folder_name_problem(name) or ("a name another job already has" if str(name).casefold() in taken else None)
            if why:
                raise InputError(f"{at}: name {name!r}", f"cannot be a job folder: it has {why}",
                                 f"ジョブのフォルダ名にできません ({why})")
            taken.add(name.casefold())
            declared = {p.name for p in product.parameters}
            # Shared facts apply where the product declares them; a job's own parameters are checked strictly.
            jobs.append(Job(name, product.id, {k: v for k, v in shared.items() if k in declared} | own))
        except PpguideError as exc:
            label = entry.get("name") if isinstance(entry, dict) and isinstance(entry.get("name"), str) else f"job {i}"
            product_id = entry.get("product") if isinstance(entry, dict) else None
            jobs.append(Job(str(label), str(product_id), {}, exc))
    return jobs


def run_notebook(product_id: str, params: dict[str, Any], outdir, force: bool = False, keep=()) -> dict[str, Any]:
    """The notebook engine: papermill executes notebooks/<id>.ipynb; its bundle is placed like the direct engine's."""
    import papermill

    out = output.check_target(outdir, force, keep)
    with output.staging(out) as work:
        executed, staged = work / f"{product_id}.ipynb", work / "bundle"
        try:
            papermill.execute_notebook(str(ROOT / "notebooks" / f"{product_id}.ipynb"), str(executed),
                                       parameters=dict(params, output_dir=str(staged)),
                                       progress_bar=False, cwd=str(work), log_output=False)
        except papermill.PapermillExecutionError as exc:
            raise PpguideError(f"notebook failed: {exc.ename}: {exc.evalue}", f"ノートブックの実行に失敗: {exc.evalue}") from None
        manifest = json.loads((staged / "manifest.json").read_text(encoding="utf-8"))
        output.replace(staged, out)
    return manifest


def run_one(product_id: str, params: dict[str, Any], outdir, engine: str = "direct",
            force: bool = False, keep=()) -> dict[str, Any]:
    if engine == "notebook":
        evaluate(product_id, params)   # refuse bad input before a kernel starts and before anything is written
        return run_notebook(product_id, params, outdir, force, keep)
    return run_direct(product_id, params, outdir, force, keep).manifest()


def run_all(jobs: list[Job], outdir, engine: str = "direct", progress: bool = False,
            force: bool = False, keep=()) -> list[Result]:
    from rich.progress import track

    results = []
    for job in (track(jobs, description="bundles") if progress else jobs):
        try:
            if job.error:
                raise job.error
            m = run_one(job.product, job.parameters, Path(outdir) / job.name, engine, force, keep)
            results.append(Result(job.name, job.product, True, len(m["artifacts"])))
        except PpguideError as exc:
            results.append(Result(job.name, job.product, False, 0, exc.en, exc.ja))
    return results
