"""The ppguide command line: thin over the library (typer + rich)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import batch as batch_mod
from . import inputs
from .errors import PpguideError, as_typed
from .knowledge import load, product_ids
from .params import expected

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Executable CLUSTERPRO procedures for ESMPRO/WebSAM products (ppguide).")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _json(data: Any) -> None:
    """The one thing --json prints on standard output."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(exc: PpguideError, as_json: bool = False) -> NoReturn:
    if as_json:
        _json({"ok": False, "error": {"en": exc.en, "ja": exc.ja}})
    err.print(Text.assemble(("error: ", "red"), exc.en), soft_wrap=True)
    err.print(Text(exc.ja), soft_wrap=True)
    raise typer.Exit(2)


def _say(label: str, style: str, text: str) -> None:
    """One line of output; what the user gave is printed as text, never read as rich markup."""
    out.print(Text.assemble((label, style), " ", text), soft_wrap=True)


def _given(file: Path | None, pairs: list[str]) -> dict[str, Any]:
    """Parameters from -f (read first) and -p pairs (which win)."""
    given = inputs.read_mapping(file, "parameter names and values", "パラメータ名と値") if file else {}
    for pair in pairs:
        name, value = inputs.assignment(pair)
        given[name] = value
    return given


def _engine(engine: str) -> str:
    if engine not in ("direct", "notebook"):
        raise inputs.InputError("--engine", f"{as_typed(engine)}: expected direct or notebook",
                                f"{as_typed(engine)}: direct か notebook を指定してください")
    return engine


# The options every reporting command shares (typer reads a fresh OptionInfo per command).
def _json_option() -> Any:
    return typer.Option(False, "--json", help="print the result as JSON on standard output, and nothing else there")


def _quiet_option() -> Any:
    return typer.Option(False, "--quiet", "-q", help="print nothing but errors")


def _verbose_option() -> Any:
    return typer.Option(False, "--verbose", "-v",
                        help="list every warning and erratum here (by default they are counted, and listed in "
                             "the bundle's checklist.md and manifest.json)")


def _notices(manifest: dict[str, Any], where: Path, verbose: bool) -> None:
    """Warnings and errata: counted with where to read them, or listed one block each with --verbose."""
    warnings, errata = manifest["warnings"], manifest["errata"]
    if not (warnings or errata):
        return
    if not verbose:
        counted = " and ".join(x for x in (_count(len(warnings), "warning"), _count(len(errata), "guide erratum",
                                                                                    "guide errata")) if x)
        _say("read", "yellow", f"{counted}: {where / 'checklist.md'} (or run again with --verbose)")
        return
    for w in warnings:
        _say("warning", "yellow", f"{w['id']}: {w['en']}")
    for e in errata:
        whose = f"{e['product']} " if e.get("product") else ""
        _say("erratum", "magenta", f"{whose}{e['id']} (guide line {e['line']})")
        out.print(Text(f"    the guide prints: {e['guide']}"), soft_wrap=True)
        out.print(Text(f"    ppguide emits:    {e['emits']}"), soft_wrap=True)


def _count(n: int, one: str, many: str = "") -> str:
    return "" if not n else f"1 {one}" if n == 1 else f"{n} {many or one + 's'}"


def _result(manifest: dict[str, Any], output: Path) -> dict[str, Any]:
    """What --json prints for a written bundle: where, which files, and every warning and erratum."""
    return {"ok": True, "product": manifest["product"], "output": str(output),
            "files": [a["path"] for a in manifest["artifacts"]] + ["manifest.json"],
            "warnings": manifest["warnings"], "errata": manifest["errata"]}


@app.command()
def products(as_json: bool = _json_option()) -> None:
    """List the products ppguide knows."""
    rows: list[dict[str, Any]] = []
    broken = False
    for pid in product_ids():
        try:
            p = load(pid)
        except PpguideError as exc:
            broken = True
            rows.append({"id": pid, "ok": False, "error": {"en": exc.en, "ja": exc.ja}})
            continue
        rows.append({"id": pid, "ok": True, "title": p.title, "section": p.section, "guide_lines": list(p.lines)})
    if as_json:
        _json(rows)
    else:
        t = Table("id", "product", "§", "guide lines")
        for r in rows:
            if r["ok"]:
                t.add_row(r["id"], Text(r["title"]), r["section"], "{}-{}".format(*r["guide_lines"]))
            else:
                t.add_row(r["id"], Text("does not pass `ppguide check`", "red"), "", "")
        out.print(t)
    if broken:
        raise typer.Exit(1)


@app.command()
def check(paths: list[Path] = typer.Argument(None, metavar="[PATH]...", hidden=True)) -> None:
    """Check knowledge files: print one line per fault (file: name: what is wrong), exit 1 when there is any.

    PATH: knowledge files or folders; none: every product ppguide finds."""
    from .knowledge_check import check as check_files
    files, faults = check_files(paths or None)
    for fault in faults:
        typer.echo(str(fault))
    if faults:
        typer.echo(f"{len(faults)} faults in {len({f.file for f in faults})} of {len(files)} knowledge files")
        raise typer.Exit(1)
    typer.echo(f"{len(files)} knowledge files, no faults")


def _parameter_entry(d: Any) -> dict[str, Any]:
    en, ja = expected(d)
    entry = {"name": d.name, "type": d.type, "expected": {"en": en, "ja": ja}, "required": d.required,
             "help": {"en": d.help.en, "ja": d.help.ja}}
    if not d.required:
        entry["default"] = d.default
    return entry


@app.command()
def params(product: str = typer.Argument(..., metavar="PRODUCT", hidden=True), as_json: bool = _json_option()) -> None:
    """Show PRODUCT's parameters, one block each: name, required or default, what is expected, help.

    PRODUCT: a product id (`ppguide products` lists them)."""
    try:
        p = load(product)
    except PpguideError as exc:
        _fail(exc, as_json)
    entries = [_parameter_entry(d) for d in p.parameters]
    if as_json:
        _json({"product": p.id, "title": p.title, "section": p.section, "parameters": entries})
        return
    out.print(Text(f"{p.title} (§{p.section})", "bold"))
    out.print(f"{len(entries)} parameters; give them with -p NAME=VALUE or in a file with -f FILE")
    for e in entries:
        out.print()
        need = (Text("required", "red") if e["required"] else Text("optional (no default)") if e["default"] is None
                else Text(f"default: {as_typed(e['default'], quote=False)}"))
        out.print(Text.assemble((e["name"], "bold cyan"), "  ", need))
        for text in (e["expected"]["en"], e["help"]["en"], e["help"]["ja"]):
            for line in Text(text).wrap(out, max(out.width - 4, 20)):      # wrapped by cell width (CJK is 2)
                line.rstrip()
                out.print(Text.assemble("    ", line), soft_wrap=True)


FORCE_HELP = "replace the output folder even when it holds files that are not an earlier ppguide bundle"


@app.command()
def run(product: str = typer.Argument(..., metavar="PRODUCT", hidden=True),
        output: Path = typer.Option(..., "-o", "--output", metavar="DIR", help="folder that receives the bundle"),
        param: list[str] = typer.Option([], "-p", "--param", metavar="NAME=VALUE", help="one parameter (repeatable)"),
        file: Path | None = typer.Option(None, "-f", "--file", metavar="FILE",
                                         help="YAML or JSON file of parameters (- reads standard input)"),
        engine: str = typer.Option("direct", "--engine", metavar="direct|notebook",
                                   help="direct (no kernel) or notebook (papermill)"),
        force: bool = typer.Option(False, "--force", help=FORCE_HELP),
        as_json: bool = _json_option(), quiet: bool = _quiet_option(), verbose: bool = _verbose_option()) -> None:
    """Validate the parameters and write PRODUCT's bundle into DIR.

    PRODUCT: a product id (`ppguide products` lists them; `ppguide params PRODUCT` shows what it takes)."""
    try:
        load(product)
        given = _given(file, param)
        manifest = batch_mod.run_one(product, given, output, _engine(engine), force, keep=[file] if file else [])
    except PpguideError as exc:
        _fail(exc, as_json)
    if as_json:
        _json(_result(manifest, output))
    elif not quiet:
        _say("wrote", "green", f"{output}: {len(manifest['artifacts'])} files + manifest.json")
        _notices(manifest, output, verbose)


BATCH_HELP = """Run every job of INVENTORY (a fleet of clusters, or one cluster); report each job,
failures included, in the table and in DIR/report.csv (exit code 2 if any failed).

\b
INVENTORY as YAML or JSON:
  parameters: {facts shared by every cluster}  optional; each product
                                               takes those it declares
  jobs: [{product, name?, parameters?}]        the job list of every
                                               cluster without its own
  clusters: [{name, parameters?, jobs?}]       optional; a cluster's jobs
                                               replace the fleet's
\b
A job's parameters go over its cluster's, over the fleet's. Without
`clusters` the file is one cluster and each job's bundle goes to DIR/<job>;
in a fleet to DIR/<cluster>/<job>.
\b
INVENTORY as CSV or Excel (.csv, .xlsx): one row per cluster and product;
columns `cluster` (optional), `job` (optional), `product` and parameter
names; an empty cell is not given, `;` separates the items of a list, a cell
starting with [ or { is JSON.
\b
Names: a job's name defaults to its product id (<product>-<n> when the
product repeats); job and cluster names are folder names (1-100 characters,
no \\ / : * ? " < > |, no device name, no dot at the start, not report.csv),
unique without regard to case (jobs within their cluster).
\b
A job whose folder holds the bundle of the same inputs is left as it is
(--force rebuilds it); a failed job's earlier bundle is removed. A batch
stopped at any moment leaves whole bundles only; run it again to complete it."""


@app.command(help=BATCH_HELP)
def batch(inventory: Path = typer.Argument(..., metavar="INVENTORY", hidden=True),
          output: Path = typer.Option(..., "-o", "--output", metavar="DIR",
                                      help="folder that receives one bundle folder per job and report.csv"),
          engine: str = typer.Option("direct", "--engine", metavar="direct|notebook", help="direct or notebook"),
          jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                             help="jobs run at once: local processes, or LocalCluster workers "
                                                  "(default: the number of cores)"),
          executor: str = typer.Option("local", "--executor", metavar="local|dask",
                                       help="local (processes on this machine) or dask"),
          scheduler: str | None = typer.Option(None, "--scheduler", metavar="tcp://HOST:8786",
                                                  help="with --executor dask: the scheduler's address; "
                                                       "without it a LocalCluster"),
          force: bool = typer.Option(False, "--force", help="rebuild every bundle, even one that is current; " + FORCE_HELP),
          as_json: bool = _json_option(), quiet: bool = _quiet_option()) -> None:
    from dataclasses import asdict

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    from . import fleet
    try:
        todo = fleet.read_fleet(inventory)
        batch_mod.check_report_target(output, force, keep=[inventory])
        with Progress("bundles", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                      console=err, transient=False, disable=as_json or quiet) as bar:
            task = bar.add_task("bundles", total=len(todo))
            results = batch_mod.run_all(todo, output, _engine(engine), force, keep=[inventory], executor=executor,
                                        workers=jobs, scheduler=scheduler,
                                        on_done=lambda n: bar.advance(task, n))
        # A batch in which no job has a bundle writes nothing at all, not even its report.
        report = batch_mod.write_report(results, output) if any(r.ok for r in results) else None
    except PpguideError as exc:
        _fail(exc, as_json)
    except KeyboardInterrupt:
        err.print("interrupted: the bundles on disk are whole; run the same batch again to complete it / "
                  "中断しました。出力済みのバンドルは完全です。同じバッチを再実行すると続きから完了します")
        raise typer.Exit(130) from None
    failed = sum(not r.ok for r in results)
    if as_json:
        _json({"ok": not failed, "output": str(output), "report": str(report) if report else None,
               "jobs": [asdict(r) for r in results]})
    elif not quiet:
        t = Table("cluster", "job", "product", "ok", "files", "warnings", "error")
        for column in t.columns[:3]:
            column.overflow = "fold"          # names are shown whole, folded if they must be, never cut
        for r in results:
            t.add_row(Text(r.cluster), Text(r.name), Text(r.product),
                      Text(r.status, "green") if r.ok else Text("failed", "red"), str(r.files), str(r.warnings),
                      Text(r.error_en, "red"))
        out.print(t)
    for r in results:
        if not r.ok:
            job = as_typed(f"{r.cluster}/{r.name}" if r.cluster and r.name else r.cluster or r.name, quote=False)
            err.print(Text.assemble(("error: ", "red"), f"job {job} ({r.product or '-'}): {r.error_en}"), soft_wrap=True)
            err.print(Text(f"ジョブ {job} ({r.product or '-'}): {r.error_ja}"), soft_wrap=True)
    if not (as_json or quiet):
        _say("report", "green" if not failed else "red",
             f"{report or 'no report (no job has a bundle)'}: {len(results)} jobs, "
             f"{sum(r.status == 'written' for r in results)} written, "
             f"{sum(r.status == 'current' for r in results)} already current, {failed} failed")
    if failed:
        raise typer.Exit(2)


@app.command()
def compose(group: Path = typer.Argument(..., metavar="GROUP", hidden=True),
            output: Path = typer.Option(..., "-o", "--output", metavar="DIR", help="folder that receives the group's bundle"),
            force: bool = typer.Option(False, "--force", help=FORCE_HELP),
            as_json: bool = _json_option(), quiet: bool = _quiet_option(), verbose: bool = _verbose_option()) -> None:
    """Write one bundle for several products sharing one failover group (one start.bat, one stop.bat).

    GROUP: a YAML or JSON file {failover_group, parameters, products: [{id, parameters}]}
    (data/example-group.yaml is an example)."""
    from . import compose as compose_mod
    try:
        manifest = compose_mod.write_group(inputs.read(group), output, force, keep=[group], where=str(group)).manifest()
    except PpguideError as exc:
        _fail(exc, as_json)
    if as_json:
        _json({**_result(manifest, output), "products": manifest["parameters"]["products"]})
    elif not quiet:
        _say("wrote", "green", f"{output}: {len(manifest['artifacts'])} files + manifest.json for "
                               f"{', '.join(manifest['parameters']['products'])}")
        _notices(manifest, output, verbose)


SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


@app.command()
def audit(product: list[str] = typer.Option([], "--product", metavar="PRODUCT", help="product id whose lines the files hold (repeatable, at least one)"),
          start: Path | None = typer.Option(None, "--start", metavar="FILE", help="the failover group's start.bat as the cluster holds it"),
          stop: Path | None = typer.Option(None, "--stop", metavar="FILE", help="the failover group's stop.bat"),
          reg: list[Path] = typer.Option([], "--reg", metavar="FILE", help="a regedit export (.reg, version 5 or REGEDIT4) (repeatable)"),
          param: list[str] = typer.Option([], "-p", "--param", metavar="NAME=VALUE", help="a fact of the cluster (repeatable); "
                                          "unset facts are the guide's example"),
          file: Path | None = typer.Option(None, "-f", "--file", metavar="FILE", help="YAML or JSON file of parameters"),
          as_json: bool = typer.Option(False, "--json", help="print the findings as a JSON list"),
          rules: bool = typer.Option(False, "--rules", help="list the rules (id, severity, what each checks) and exit")) -> None:
    """Check a cluster's existing start.bat, stop.bat and registry exports against the guide and ppguide's corrections.

    Exit code 1 when any finding is an error, 0 otherwise, 2 for a user error (unknown product, unreadable file).
    """
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
def notebooks(product: list[str] = typer.Argument(None, metavar="[PRODUCT]...", hidden=True)) -> None:
    """Regenerate notebooks/<id>.ipynb from the products' declarations (run after changing a product).

    PRODUCT: the products to regenerate (default: all of them, and compose)."""
    from .notebook_gen import write_all
    try:
        for path in write_all(product or None):
            out.print(f"wrote {path}")
    except PpguideError as exc:
        _fail(exc)


@app.command()
def docs(output: Path = typer.Option(Path("docs"), "-o", "--output", metavar="DIR", help="mkdocs docs_dir")) -> None:
    """Execute every notebook on the example cluster and generate the site's pages."""
    from .site import build_docs
    try:
        build_docs(output)
    except PpguideError as exc:
        _fail(exc)


if __name__ == "__main__":
    app()
