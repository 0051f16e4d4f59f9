"""What a procedure notebook calls: collect the parameters cell, evaluate, show, write.

Notebooks stay thin: every cell is one call into this module.
"""
from __future__ import annotations

import functools
import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from IPython.display import Markdown, display

from . import evaluate as engine
from . import present
from .bundle import Bundle
from .errors import ParameterError, Problem
from .knowledge import load


def _needs_bundle(show: Callable[..., Any]) -> Callable[..., Any]:
    """A display cell shows nothing while there is no bundle (the parameters were refused above it)."""
    @functools.wraps(show)
    def shown(bundle: Bundle | None, *args: Any, **kwargs: Any) -> Any:
        return None if bundle is None else show(bundle, *args, **kwargs)
    return shown

# Parameters of the notebook itself (where to write, how to link), not of the product.
NOTEBOOK_PARAMS = ("output_dir", "download_base")


def collect(product_id: str | None, namespace: dict[str, Any], known_before: set[str]) -> dict[str, Any]:
    """The product's parameters from the notebook's globals; injected unknown names are errors.

    With product_id None the notebook is the group composer, whose one parameter is `group`.
    """
    declared = [p.name for p in load(product_id).parameters] if product_id else ["group"]
    new = {n for n in namespace if n not in known_before and not n.startswith("_")}
    unknown = sorted(new - set(declared) - set(NOTEBOOK_PARAMS))
    if unknown:
        raise ParameterError([Problem(n, namespace[n], "one of the declared parameters: " + ", ".join(declared),
                                      "宣言されたパラメータのいずれか: " + ", ".join(declared)) for n in unknown])
    return {n: namespace[n] for n in declared if n in namespace}


def evaluate(product_id: str, params: dict[str, Any]) -> Bundle:
    return engine.evaluate(product_id, params)


def compose(group: dict[str, Any]) -> Bundle:
    from .compose import compose as _compose
    return _compose(group)


def _link_base(base: str) -> str:
    """Links in Jupyter resolve against the notebook's folder (the kernel's working directory): an absolute
    output_dir below it is linked relatively; one elsewhere stays as it is (Jupyter cannot serve it)."""
    if base and os.path.isabs(base):
        try:
            rel = os.path.relpath(base)
        except ValueError:              # Windows: another drive
            return base
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return base


def _section(heading: str, markup: str) -> present.Html:
    return present.Html(f"<h2>{html.escape(heading)}</h2>{markup}")


@_needs_bundle
def report(bundle: Bundle, base: str = "") -> None:
    """What to read before writing the bundle, one output a section under its own heading: the checked facts,
    the guide's tables, computed values, timelines, the procedure in order, warnings, errata and the files.

    A notebook shows it from one cell: papermill pays a kernel round trip per cell, and a section per cell
    made the report cost more than the work behind it.
    """
    is_group = bundle.product == "group"
    display(_section("Products in the group / グループの製品" if is_group else "Checked parameters / パラメータ",
                     present.facts(bundle)))
    if bundle.tables:
        display(_section("Tables from the guide / ガイドの表", "".join(
            f"<p><strong>{html.escape(title)}</strong></p>{markup}" for title, markup in present.guide_tables(bundle))))
    if bundle.values:
        display(_section("Computed values / 算出値", present.values(bundle)))
    if any(f.role == "timeline" for f in bundle.files):
        display(_section("Timelines / タイムライン", ""))
        _timelines(bundle)
    display(_section("Procedure, in order / 手順 (作業順)", present.checklist(bundle, _link_base(base))))
    display(_section("Warnings for these facts / 警告", present.warnings(bundle)))
    display(_section("Guide errata that apply / ガイドの誤りと対処",
                     "<p>Where the guide is wrong, the files below carry the corrected form.</p>" + present.errata(bundle)))
    _files(bundle, base)


def _timelines(bundle: Bundle) -> None:
    """Files of role `timeline`: PNG pictures shown as images, CSV tables as tables."""
    import csv
    import io

    from IPython.display import Image
    for f in bundle.files:
        if f.role != "timeline":
            continue
        display(Markdown(f"**{f.path}**"))
        if f.content[:8] == b"\x89PNG\r\n\x1a\n":
            display(Image(data=f.content, format="png"))
        elif f.path.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(f.text().lstrip("\ufeff"))))
            if rows:
                display(present.Html(present.table(rows[0], ([present.esc(c) for c in r] for r in rows[1:]))))


def _files(bundle: Bundle, download_base: str) -> None:
    """Each emitted file, as Windows will read it, with a link that opens it (relative to the notebook).

    One Markdown output for all of them: per file a line of HTML with the link, then the text in a fenced
    block Jupyter highlights.
    """
    parts = ["## Emitted files / 出力ファイル\n\n"]
    for f in bundle.files:
        if f.role == "checklist":
            continue
        parts.append(f'<p>{present.link(_link_base(download_base), f.path, download=False)} '
                     f'<small>({html.escape(f.role)}, {html.escape(f.place)}, {html.escape(f.encoding)}, '
                     f'sha256 {f.sha256[:12]}…)</small></p>\n')
        if f.encoding != "binary":
            parts.append(f"```{present.code_language(f)}\n{f.text()}\n```\n")
    display(Markdown("\n".join(parts)))


@_needs_bundle
def write(bundle: Bundle, output_dir: str, force: bool = False) -> Path:
    """Write the bundle into output_dir; a folder holding other files is refused unless `force` (as --force)."""
    out = bundle.write(output_dir, force)
    display(Markdown(f"Bundle written to `{output_dir}` ({len(bundle.files)} files + manifest.json)."))
    return out


# ---------------------------------------------------------------------------------------------
# notebooks/audit.ipynb
# ---------------------------------------------------------------------------------------------

AUDIT_PARAMS = ("product", "start", "stop", "reg", "parameters")


def collect_audit(namespace: dict[str, Any], known_before: set[str]) -> dict[str, Any]:
    """The audit notebook's parameters from its globals; an injected unknown name is an error."""
    new = {n for n in namespace if n not in known_before and not n.startswith("_")}
    unknown = sorted(new - set(AUDIT_PARAMS))
    if unknown:
        raise ParameterError([Problem(n, namespace[n], "one of: " + ", ".join(AUDIT_PARAMS),
                                      "次のいずれか: " + ", ".join(AUDIT_PARAMS)) for n in unknown])
    return {n: namespace.get(n) for n in AUDIT_PARAMS}


def audit(product: str | list[str] | None, start: str | None, stop: str | None,
          reg: str | list[str] | None = None, parameters: dict[str, Any] | None = None) -> list:
    """Findings for the files, as `ppguide audit` gives them (products: an id or a list of ids)."""
    from . import audit as audit_mod
    from .inputs import InputError

    products = [product] if isinstance(product, str) else list(product or [])
    regs = [reg] if isinstance(reg, str) else list(reg or [])
    if parameters is not None and not isinstance(parameters, dict):
        raise InputError("parameters", "must be a mapping of parameter names to values", "パラメータ名と値のマッピングが必要です")
    facts = audit_mod.split_facts(products, dict(parameters or {}))
    return audit_mod.audit(facts, start or None, stop or None, regs)


def findings_table(findings: list | None) -> present.Html | None:
    """One row per finding: severity, file, line, rule, message (English and Japanese), guide lines."""
    if findings is None:
        return None
    from . import audit as audit_mod

    counts = audit_mod.summary(findings)
    display(Markdown(f"**{len(findings)} findings**: {counts['error']} errors, {counts['warning']} warnings, "
                     f"{counts['info']} info. " + ("Exit code 1 on the command line." if counts["error"] else "Nothing to correct.")))
    return present.Html(present.table(
        ["severity", "file", "line", "rule", "finding / 指摘", "guide lines"],
        ([present.esc(f.severity), present.esc(Path(f.file).name), present.esc(f.line or ""), f"<code>{present.esc(f.rule)}</code>",
          present.esc(f.en) + "<br>" + present.esc(f.ja), present.esc(", ".join(map(str, f.guide_lines)))] for f in findings),
        "findings"))
