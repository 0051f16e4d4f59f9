"""Run many jobs (an inventory) through either engine, collecting a result per job."""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PpguideError
from .evaluate import run as run_direct
from .knowledge import ROOT, load


@dataclass
class Job:
    name: str
    product: str
    parameters: dict[str, Any]


@dataclass
class Result:
    name: str
    product: str
    ok: bool
    files: int = 0
    error_en: str = ""
    error_ja: str = ""


def read_inventory(data: dict[str, Any]) -> list[Job]:
    shared = data.get("parameters", {}) or {}
    jobs: list[Job] = []
    for i, j in enumerate(data.get("jobs", [])):
        declared = {p.name for p in load(j["product"]).parameters}
        # Shared facts apply where the product declares them; a job's own parameters are checked strictly.
        params = {k: v for k, v in shared.items() if k in declared} | (j.get("parameters") or {})
        taken = {job.name for job in jobs}
        name = j.get("name") or (j["product"] if j["product"] not in taken else f"{j['product']}-{i}")
        jobs.append(Job(name, j["product"], params))
    return jobs


def run_notebook(product_id: str, params: dict[str, Any], outdir) -> dict[str, Any]:
    """The notebook engine: papermill executes notebooks/<id>.ipynb with these parameters."""
    import papermill

    outdir = Path(outdir).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / f"{product_id}.ipynb"
        try:
            papermill.execute_notebook(str(ROOT / "notebooks" / f"{product_id}.ipynb"), str(executed),
                                       parameters=dict(params, output_dir=str(outdir)),
                                       progress_bar=False, cwd=tmp, log_output=False)
        except papermill.PapermillExecutionError as exc:
            raise PpguideError(f"notebook failed: {exc.ename}: {exc.evalue}", f"ノートブックの実行に失敗: {exc.evalue}") from None
    return json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))


def run_one(product_id: str, params: dict[str, Any], outdir, engine: str = "direct") -> dict[str, Any]:
    if engine == "notebook":
        from .evaluate import evaluate
        evaluate(product_id, params)   # refuse bad input before a kernel starts and before anything is written
        return run_notebook(product_id, params, outdir)
    return run_direct(product_id, params, outdir).manifest()


def run_all(jobs: list[Job], outdir, engine: str = "direct", progress: bool = False) -> list[Result]:
    from rich.progress import track

    results = []
    for job in (track(jobs, description="bundles") if progress else jobs):
        try:
            m = run_one(job.product, job.parameters, Path(outdir) / job.name, engine)
            results.append(Result(job.name, job.product, True, len(m["artifacts"])))
        except PpguideError as exc:
            results.append(Result(job.name, job.product, False, 0, exc.en, exc.ja))
    return results
