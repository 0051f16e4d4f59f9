"""The ppguide command line: thin over the library (typer + rich)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import batch as batch_mod
from . import inputs
from .errors import PpguideError
from .knowledge import load, product_ids

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Executable CLUSTERPRO procedures for ESMPRO/WebSAM products (ppguide).")
out = Console()
err = Console(stderr=True)


def _fail(exc: PpguideError) -> NoReturn:
    err.print(Text.assemble(("error: ", "red"), exc.en), highlight=False, soft_wrap=True)
    err.print(Text(exc.ja), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _say(label: str, style: str, text: str) -> None:
    """One line of output; what the user gave is printed as text, never read as rich markup."""
    out.print(Text.assemble((label, style), " ", text), highlight=False, soft_wrap=True)


def _given(file: Path | None, pairs: list[str]) -> dict[str, Any]:
    """Parameters from -f (read first) and -p pairs (which win)."""
    given = inputs.read_mapping(file, "parameter names and values", "パラメータ名と値") if file else {}
    for pair in pairs:
        name, value = inputs.assignment(pair)
        given[name] = value
    return given


def _engine(engine: str) -> str:
    if engine not in ("direct", "notebook"):
        raise inputs.InputError("--engine", f"{engine!r}: expected direct or notebook", f"{engine!r}: direct か notebook を指定してください")
    return engine


@app.command()
def products() -> None:
    """List the products ppguide knows."""
    t = Table("id", "product", "guide section", "lines")
    broken = False
    for pid in product_ids():
        try:
            p = load(pid)
        except PpguideError:
            broken = True
            t.add_row(pid, "[red]does not pass `ppguide check`[/red]", "", "")
            continue
        t.add_row(pid, p.title, p.section, f"{p.lines[0]}-{p.lines[1]}")
    out.print(t)
    if broken:
        raise typer.Exit(1)


@app.command()
def check(paths: list[Path] = typer.Argument(None, help="knowledge files or folders; none: every product ppguide finds")) -> None:
    """Check knowledge files: print one line per fault (file: name: what is wrong), exit 1 when there is any."""
    from .knowledge_check import check as check_files
    files, faults = check_files(paths or None)
    for fault in faults:
        typer.echo(str(fault))
    if faults:
        typer.echo(f"{len(faults)} faults in {len({f.file for f in faults})} of {len(files)} knowledge files")
        raise typer.Exit(1)
    typer.echo(f"{len(files)} knowledge files, no faults")


@app.command()
def params(product: str) -> None:
    """Show a product's parameters: name, type, default and help (English / Japanese)."""
    try:
        p = load(product)
    except PpguideError as exc:
        _fail(exc)
    t = Table("name", "type", "default", "help", "説明", title=f"{p.title} (§{p.section})")
    for d in p.parameters:
        kind = d.type + (f" ({', '.join(map(str, d.choices))})" if d.choices else "")
        t.add_row(d.name, kind, "(required)" if d.required else repr(d.default), d.help.en, d.help.ja)
    out.print(t)


FORCE_HELP = "replace the output folder even when it holds files that are not an earlier ppguide bundle"


@app.command()
def run(product: str,
        output: Path = typer.Option(..., "-o", "--output", help="folder that receives the bundle"),
        param: list[str] = typer.Option([], "-p", "--param", help="NAME=VALUE (repeatable)"),
        file: Path | None = typer.Option(None, "-f", "--file", help="YAML or JSON file of parameters"),
        engine: str = typer.Option("direct", "--engine", help="direct (no kernel) or notebook (papermill)"),
        force: bool = typer.Option(False, "--force", help=FORCE_HELP)) -> None:
    """Validate the parameters and write the product's bundle."""
    try:
        load(product)
        given = _given(file, param)
        bundle = batch_mod.run_one(product, given, output, _engine(engine), force, keep=[file] if file else [])
    except PpguideError as exc:
        _fail(exc)
    _say("wrote", "green", f"{output} ({len(bundle['artifacts'])} files + manifest.json)")
    for w in bundle["warnings"]:
        _say("warning", "yellow", f"{w['id']}: {w['en']}")
    for e in bundle["errata"]:
        _say("erratum", "magenta", f"line {e['line']}: guide {e['guide']!r} -> {e['emits']!r}")


BATCH_HELP = """Run every job of an inventory (a fleet of clusters, or one cluster); report each job, failures
included, in the table and in OUTPUT/report.csv (exit code 2 if any failed).

\b
YAML/JSON inventory:
  parameters: {facts shared by every cluster}        optional; each product takes those it declares
  jobs: [{product, name?, parameters?}]               the job list of every cluster without its own
  clusters: [{name, parameters?, jobs?}]              optional; a cluster's jobs replace the fleet's
A job's parameters go over its cluster's, over the fleet's. Without `clusters` the file is one cluster
and each job's bundle goes to OUTPUT/<job>; in a fleet to OUTPUT/<cluster>/<job>.
\b
CSV or Excel (.csv, .xlsx): one row per cluster and product; columns `cluster` (optional), `job`
(optional), `product` and parameter names; an empty cell is not given, `;` separates the items of a
list, a cell starting with [ or { is JSON.
\b
Names: a job's name defaults to its product id (<product>-<n> when the product repeats); job and
cluster names are folder names (1-100 characters, no \\ / : * ? " < > |, no device name, no dot at
the start, not report.csv), unique without regard to case (jobs within their cluster).
\b
A job whose folder holds the bundle of the same inputs is left as it is (--force rebuilds it); a failed
job's earlier bundle is removed. A batch stopped at any moment leaves whole bundles only; run it again
to complete it."""


@app.command(help=BATCH_HELP)
def batch(inventory: Path = typer.Argument(..., help="the inventory: YAML, JSON, CSV or Excel (see above)"),
          output: Path = typer.Option(..., "-o", "--output", help="folder that receives one bundle folder per job and report.csv"),
          engine: str = typer.Option("direct", "--engine", help="direct or notebook"),
          jobs: int | None = typer.Option(None, "--jobs", "-j", min=1,
                                             help="jobs run at once: local processes, or LocalCluster workers "
                                                  "(default: the number of cores)"),
          executor: str = typer.Option("local", "--executor", help="local (processes on this machine) or dask"),
          scheduler: str | None = typer.Option(None, "--scheduler",
                                                  help="with --executor dask: the scheduler's address "
                                                       "(tcp://HOST:8786); without it a LocalCluster"),
          force: bool = typer.Option(False, "--force", help="rebuild every bundle, even one that is current; " + FORCE_HELP)) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    from . import fleet
    try:
        todo = fleet.read_fleet(inventory)
        batch_mod.check_report_target(output, force, keep=[inventory])
        with Progress("bundles", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                      console=err, transient=False) as bar:
            task = bar.add_task("bundles", total=len(todo))
            results = batch_mod.run_all(todo, output, _engine(engine), force, keep=[inventory], executor=executor,
                                        workers=jobs, scheduler=scheduler,
                                        on_done=lambda n: bar.advance(task, n))
        # A batch in which no job has a bundle writes nothing at all, not even its report.
        report = batch_mod.write_report(results, output) if any(r.ok for r in results) else None
    except PpguideError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("interrupted: the bundles on disk are whole; run the same batch again to complete it / "
                  "中断しました。出力済みのバンドルは完全です。同じバッチを再実行すると続きから完了します", highlight=False)
        raise typer.Exit(130) from None
    t = Table("cluster", "job", "product", "ok", "files", "warnings", "error")
    for r in results:
        t.add_row(Text(r.cluster), Text(r.name), Text(r.product),
                  Text(r.status, "green") if r.ok else Text("failed", "red"), str(r.files), str(r.warnings),
                  Text(r.error_en, "red"))
    out.print(t)
    for r in results:
        if not r.ok:
            job = f"{r.cluster}/{r.name}" if r.cluster and r.name else r.cluster or r.name
            job = job if job.isprintable() else repr(job)     # a refused name may hold control characters
            err.print(Text.assemble(("error: ", "red"), f"job {job} ({r.product or '-'}): {r.error_en}"),
                      highlight=False, soft_wrap=True)
            err.print(Text(f"ジョブ {job} ({r.product or '-'}): {r.error_ja}"), highlight=False, soft_wrap=True)
    failed = sum(not r.ok for r in results)
    _say("report", "green" if not failed else "red",
         f"{report or 'no report (no job has a bundle)'}: {len(results)} jobs, "
         f"{sum(r.status == 'written' for r in results)} written, "
         f"{sum(r.status == 'current' for r in results)} already current, {failed} failed")
    if failed:
        raise typer.Exit(2)


@app.command()
def compose(group: Path = typer.Argument(..., help="YAML/JSON: {failover_group, parameters, products: [{id, parameters}]}"),
            output: Path = typer.Option(..., "-o", "--output", help="folder that receives the group's bundle"),
            force: bool = typer.Option(False, "--force", help=FORCE_HELP)) -> None:
    """Write one bundle for several products sharing one failover group (one start.bat, one stop.bat)."""
    from . import compose as compose_mod
    try:
        bundle = compose_mod.write_group(inputs.read(group), output, force, keep=[group], where=str(group))
    except PpguideError as exc:
        _fail(exc)
    _say("wrote", "green", f"{output} ({len(bundle.files)} files + manifest.json) for "
                           f"{', '.join(bundle.parameters['products'])}")
    for e in bundle.errata:
        _say("erratum", "magenta", f"{e.product} line {e.line}: guide {e.guide!r} -> {e.emits!r}")


SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


@app.command()
def audit(product: list[str] = typer.Option([], "--product", help="product id whose lines the files hold (repeatable, at least one)"),
          start: Path | None = typer.Option(None, "--start", help="the failover group's start.bat as the cluster holds it"),
          stop: Path | None = typer.Option(None, "--stop", help="the failover group's stop.bat"),
          reg: list[Path] = typer.Option([], "--reg", help="a regedit export (.reg, version 5 or REGEDIT4) (repeatable)"),
          param: list[str] = typer.Option([], "-p", "--param", help="NAME=VALUE: a fact of the cluster (repeatable); "
                                          "unset facts are the guide's example"),
          file: Path | None = typer.Option(None, "-f", "--file", help="YAML or JSON file of parameters"),
          as_json: bool = typer.Option(False, "--json", help="print the findings as a JSON list"),
          rules: bool = typer.Option(False, "--rules", help="list the rules (id, severity, what each checks) and exit")) -> None:
    """Check a cluster's existing start.bat, stop.bat and registry exports against the guide and ppguide's corrections.

    Exit code 1 when any finding is an error, 0 otherwise, 2 for a user error (unknown product, unreadable file).
    """
    import json

    from . import audit as audit_mod
    if rules:
        from .audit_rules import rule_table
        rows = rule_table()
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        t = Table("rule", "severity", "checks", "guide lines", title="ppguide audit rules", expand=True)
        for r in rows:
            t.add_row(str(r["id"]), Text(str(r["severity"]), SEVERITY_STYLE[str(r["severity"])]),
                      Text(f"{r['title_en']} / {r['title_ja']}"), ", ".join(map(str, r["guide_lines"])))
        out.print(t)
        return
    try:
        facts = audit_mod.split_facts(product, _given(file, param))
        findings = audit_mod.audit(facts, start, stop, reg)
    except PpguideError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        t = Table(title="ppguide audit", expand=True)
        t.add_column("severity", no_wrap=True)
        t.add_column("where", no_wrap=True)
        t.add_column("rule", no_wrap=True)
        t.add_column("finding (guide lines)", ratio=1)
        for f in findings:
            where = Path(f.file).name + (f":{f.line}" if f.line else "")
            cite = f" (guide {', '.join(map(str, f.guide_lines))})" if f.guide_lines else ""
            t.add_row(Text(f.severity, SEVERITY_STYLE[f.severity]), Text(where), f.rule, Text(f"{f.en}{cite}\n{f.ja}"))
        if findings:
            out.print(t)
        counts = audit_mod.summary(findings)
        _say("audit", "bold", f"{len(findings)} findings: {counts['error']} errors, {counts['warning']} warnings, "
                              f"{counts['info']} info ({', '.join(product)})")
    if audit_mod.has_errors(findings):
        raise typer.Exit(1)


@app.command()
def notebooks(product: list[str] = typer.Argument(None, help="products to regenerate (default: all, and compose)")) -> None:
    """Regenerate notebooks/<id>.ipynb from the products' declarations (run after changing a product)."""
    from .notebook_gen import write_all
    try:
        for path in write_all(product or None):
            out.print(f"wrote {path}")
    except PpguideError as exc:
        _fail(exc)


@app.command()
def docs(output: Path = typer.Option(Path("docs"), "-o", "--output", help="mkdocs docs_dir")) -> None:
    """Execute every notebook on the example cluster and generate the site's pages."""
    from .site import build_docs
    try:
        build_docs(output)
    except PpguideError as exc:
        _fail(exc)


if __name__ == "__main__":
    app()
