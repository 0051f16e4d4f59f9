"""What a procedure notebook calls: collect the parameters cell, evaluate, show, write.

Notebooks stay thin: every cell is one call into this module.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown, display

from . import evaluate as engine
from .bundle import Bundle
from .errors import ParameterError, Problem
from .knowledge import load, load_places

pd.set_option("display.max_colwidth", None)   # steps, reasons and errata are sentences: show them whole


def _needs_bundle(show: Callable[..., Any]) -> Callable[..., Any]:
    """A display cell shows nothing while there is no bundle (the parameters were refused above it)."""
    @functools.wraps(show)
    def shown(bundle: Bundle | None, *args: Any) -> Any:
        return None if bundle is None else show(bundle, *args)
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


@_needs_bundle
def group_table(bundle: Bundle) -> pd.DataFrame:
    """The products of a composed group and the parameters each received."""
    return pd.DataFrame([{"product": pid, "parameters": ", ".join(f"{k}={v}" for k, v in params.items())}
                         for pid, params in bundle.parameters["products"].items()]).set_index("product")


@_needs_bundle
def parameters_table(bundle: Bundle) -> pd.DataFrame:
    product = load(bundle.product)
    return pd.DataFrame([{"parameter": p.name, "value": bundle.parameters[p.name],
                          "source": "default" if p.name in bundle.defaulted else "given", "type": p.type,
                          "help": p.help.en, "説明": p.help.ja} for p in product.parameters]).set_index("parameter")


@_needs_bundle
def checklist_table(bundle: Bundle) -> pd.DataFrame:
    """Every step in the order to work them, with the place each is done at."""
    places = load_places()
    rows = [{"#": s.n, "place": places[s.place].en, "kind": s.kind, "step": s.title_en, "手順": s.title_ja,
             "why": s.why_en, "GUI": " / ".join(s.gui), "file": s.artifact or "", "guide lines": ", ".join(map(str, s.cite))}
            for s in bundle.steps]
    columns = ["#", "place", "kind", "step", "手順", "why", "GUI", "file", "guide lines"]
    if any(s.product for s in bundle.steps):          # a composed group: say whose step each row is
        for row, s in zip(rows, bundle.steps):
            row["#"] = f"{s.product} {s.n}"
    return pd.DataFrame(rows, columns=columns).set_index("#")


@_needs_bundle
def values_table(bundle: Bundle) -> pd.DataFrame:
    helps = {v.name: v.help for v in load(bundle.product).values} if bundle.product != "group" else {}
    return pd.DataFrame([{"value": k, "result": v, "meaning": helps[k].en if k in helps else "",
                          "意味": helps[k].ja if k in helps else ""} for k, v in bundle.values.items()]).set_index("value")


@_needs_bundle
def warnings_table(bundle: Bundle) -> pd.DataFrame:
    return pd.DataFrame([{"id": w.id, "warning": w.en, "警告": w.ja, "guide lines": ", ".join(map(str, w.cite))}
                         for w in bundle.warnings], columns=["id", "warning", "警告", "guide lines"])


@_needs_bundle
def errata_table(bundle: Bundle) -> pd.DataFrame:
    return pd.DataFrame([{"product": e.product or bundle.product, "line": e.line, "kind": e.kind,
                          "the guide says": e.guide, "ppguide emits": e.emits,
                          "why": e.why_en, "certain": "yes" if e.certain else "no - check",
                          "override": e.override or ""} for e in bundle.errata],
                        columns=["product", "line", "kind", "the guide says", "ppguide emits", "why", "certain", "override"])


@_needs_bundle
def show_tables(bundle: Bundle) -> None:
    for t in bundle.tables:
        display(Markdown(f"**{t.title.en} / {t.title.ja}** (guide lines {', '.join(map(str, t.cite))})"))
        display(pd.DataFrame(t.rows, columns=t.columns))
        for n in t.notes:
            display(Markdown(f"- {n.en} / {n.ja}"))


@_needs_bundle
def show_checklist(bundle: Bundle) -> None:
    display(checklist_table(bundle))


@_needs_bundle
def show_timelines(bundle: Bundle) -> None:
    """Files of role `timeline`: PNG pictures shown as images, CSV tables as tables."""
    import io

    from IPython.display import Image
    for f in bundle.files:
        if f.role != "timeline":
            continue
        display(Markdown(f"**{f.path}**"))
        if f.content[:8] == b"\x89PNG\r\n\x1a\n":
            display(Image(data=f.content, format="png"))
        elif f.path.endswith(".csv"):
            display(pd.read_csv(io.BytesIO(f.content), encoding="utf-8-sig" if f.encoding == "utf-8" else f.encoding))


@_needs_bundle
def show_files(bundle: Bundle, download_base: str = "") -> None:
    """Each emitted file, as Windows will read it, with a link to download it."""
    for f in bundle.files:
        if f.role == "checklist":
            continue
        href = f"{download_base.rstrip('/')}/{f.path}" if download_base else f.path
        display(HTML(f'<p><a href="{html.escape(href)}" download>{html.escape(f.path)}</a> '
                     f'<small>({f.role}, {f.place}, {f.encoding}, sha256 {f.sha256[:12]}…)</small></p>'))
        if f.encoding != "binary":
            lang = "bat" if f.path.endswith(".bat") else "ini" if f.path.endswith(".reg") else "text"
            display(Markdown(f"```{lang}\n{f.text()}\n```"))


@_needs_bundle
def write(bundle: Bundle, output_dir: str) -> Path:
    out = bundle.write(output_dir)
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


def findings_table(findings: list | None) -> pd.DataFrame | None:
    """One row per finding: severity, file, line, rule, message (English and Japanese), guide lines."""
    if findings is None:
        return None
    from . import audit as audit_mod

    counts = audit_mod.summary(findings)
    display(Markdown(f"**{len(findings)} findings**: {counts['error']} errors, {counts['warning']} warnings, "
                     f"{counts['info']} info. " + ("Exit code 1 on the command line." if counts["error"] else "Nothing to correct.")))
    return pd.DataFrame([{"severity": f.severity, "file": Path(f.file).name, "line": f.line or "", "rule": f.rule,
                          "finding": f.en, "指摘": f.ja, "guide lines": ", ".join(map(str, f.guide_lines))}
                         for f in findings],
                        columns=["severity", "file", "line", "rule", "finding", "指摘", "guide lines"])
