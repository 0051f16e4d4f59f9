"""The ppguide command line: thin over the library (typer + rich)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
import yaml
from rich.console import Console
from rich.table import Table

from . import batch as batch_mod
from .errors import PpguideError
from .knowledge import load, product_ids

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Executable CLUSTERPRO procedures for ESMPRO/WebSAM products (ppguide).")
out = Console()
err = Console(stderr=True)


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """-p NAME=VALUE pairs; a value in [...] or {...} is read as YAML, anything else stays text."""
    params: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise typer.BadParameter(f"{pair!r}: write NAME=VALUE", param_hint="-p")
        name, value = pair.split("=", 1)
        params[name.strip()] = yaml.safe_load(value) if value[:1] in "[{" else value
    return params


def read_file(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path} must hold a mapping of parameter names to values", param_hint="-f")
    return data


def _fail(exc: PpguideError) -> None:
    err.print(f"[red]error:[/red] {exc.en}", highlight=False)
    err.print(exc.ja, highlight=False)
    raise typer.Exit(2)


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
        t.add_row(d.name, kind, repr(d.default), d.help.en, d.help.ja)
    out.print(t)


@app.command()
def run(product: str,
        output: Path = typer.Option(..., "-o", "--output", help="folder that receives the bundle"),
        param: list[str] = typer.Option([], "-p", "--param", help="NAME=VALUE (repeatable)"),
        file: Optional[Path] = typer.Option(None, "-f", "--file", help="YAML or JSON file of parameters"),
        engine: str = typer.Option("direct", "--engine", help="direct (no kernel) or notebook (papermill)")) -> None:
    """Validate the parameters and write the product's bundle."""
    given = read_file(file) if file else {}
    given.update(parse_assignments(param))
    if engine not in ("direct", "notebook"):
        raise typer.BadParameter(f"{engine!r}: expected direct or notebook", param_hint="--engine")
    try:
        bundle = batch_mod.run_one(product, given, output, engine)
    except PpguideError as exc:
        _fail(exc)
    out.print(f"[green]wrote[/green] {output} ({len(bundle['artifacts'])} files + manifest.json)")
    for w in bundle["warnings"]:
        out.print(f"[yellow]warning[/yellow] {w['id']}: {w['en']}", highlight=False)
    for e in bundle["errata"]:
        out.print(f"[magenta]erratum[/magenta] line {e['line']}: guide {e['guide']!r} -> {e['emits']!r}", highlight=False)


@app.command()
def batch(inventory: Path = typer.Argument(..., help="YAML/JSON: {jobs: [{product, parameters, output?}], parameters?}"),
          output: Path = typer.Option(..., "-o", "--output", help="folder that receives one bundle per job"),
          engine: str = typer.Option("direct", "--engine", help="direct or notebook")) -> None:
    """Run every job of an inventory; report each job's result, failures included."""
    jobs = batch_mod.read_inventory(read_file(inventory))
    results = batch_mod.run_all(jobs, output, engine, progress=True)
    t = Table("job", "product", "result", "files")
    for r in results:
        t.add_row(r.name, r.product, "[green]ok[/green]" if r.ok else f"[red]{r.error_en}[/red]", str(r.files))
    out.print(t)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@app.command()
def compose(group: Path = typer.Argument(..., help="YAML/JSON: {failover_group, parameters, products: [{id, parameters}]}"),
            output: Path = typer.Option(..., "-o", "--output", help="folder that receives the group's bundle")) -> None:
    """Write one bundle for several products sharing one failover group (one start.bat, one stop.bat)."""
    from . import compose as compose_mod
    try:
        bundle = compose_mod.run(read_file(group), output)
    except PpguideError as exc:
        _fail(exc)
    out.print(f"[green]wrote[/green] {output} ({len(bundle.files)} files + manifest.json) for "
              f"{', '.join(bundle.parameters['products'])}")
    for e in bundle.errata:
        out.print(f"[magenta]erratum[/magenta] {e['product']} line {e['line']}: guide {e['guide']!r} -> {e['emits']!r}",
                  highlight=False)


@app.command()
def notebooks() -> None:
    """Regenerate notebooks/<id>.ipynb from the products' declarations."""
    from .notebook_gen import write_all
    for path in write_all():
        out.print(f"wrote {path}")


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
