"""How a bundle looks to a reader: HTML tables shared by the notebooks (Jupyter) and the site's product pages.

Every table is plain HTML, left-aligned, with no index column; computed values of any shape (numbers, lists,
records, nested mappings such as the UPS budget) become nested tables, never Python reprs. The notebook shows
these objects as they are (`_repr_html_`); the site embeds the same HTML in its Markdown pages.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .bundle import Bundle, File
from .knowledge import load, load_places

_CELL = 'style="text-align:left;vertical-align:top"'


class Html:
    """A piece of HTML that Jupyter displays as HTML and the site embeds as is."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        """Plain text for consoles and text-only viewers: one line a row, cells separated by |."""
        t = re.sub(r"</t[dh]>", " | ", self.markup)
        t = re.sub(r"</tr>|</p>|</li>", "\n", t)
        t = re.sub(r"<br>", " / ", t)
        t = html.unescape(re.sub(r"<[^>]+>", "", t))
        return "\n".join(line.rstrip(" |") for line in t.split("\n") if line.strip(" |"))


def esc(s: Any) -> str:
    """Text as HTML: escaped, line breaks kept."""
    return "<br>".join(html.escape(str(s)).split("\n"))


def table(columns: list[str] | None, rows: Iterable[Iterable[str]], kind: str = "") -> str:
    """An HTML table of cells that are already HTML; `columns` None: no header row. One line, no blank lines
    (so Markdown keeps it as one raw HTML block)."""
    head = ("<thead><tr>" + "".join(f"<th {_CELL}>{esc(c)}</th>" for c in columns) + "</tr></thead>") if columns else ""
    body = "".join("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in row) + "</tr>" for row in rows)
    attr = f' data-ppg="{html.escape(kind)}"' if kind else ""
    return f"<table{attr}>{head}<tbody>{body}</tbody></table>"


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


def value(v: Any) -> str:
    """Any computed value as HTML: scalars as text, lists of records as tables, mappings as name/value tables."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if _scalar(v):
        return esc(v)
    if isinstance(v, Mapping):
        if not v:
            return "—"
        return table(None, ([f"<b>{esc(k)}</b>", value(x)] for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        if not v:
            return "—"
        if all(_scalar(x) for x in v):
            return esc(", ".join("—" if x is None else str(x) for x in v))
        if all(isinstance(x, Mapping) for x in v):
            keys = list(dict.fromkeys(k for x in v for k in x))
            return table(keys, ([value(x.get(k)) for k in keys] for x in v))
        if all(isinstance(x, (list, tuple)) for x in v):
            return table(None, ([value(y) for y in x] for x in v))
        return "<ul>" + "".join(f"<li>{value(x)}</li>" for x in v) + "</ul>"
    return esc(v)


def href(base: str, path: str) -> str:
    return f"{base.rstrip('/')}/{path}" if base else path


def link(base: str, path: str, download: bool) -> str:
    """A link to a file of the bundle: `download` on the site; in Jupyter a plain link, which opens the file."""
    name = path.rsplit("/", 1)[-1]
    attr = f' download="{html.escape(name)}"' if download else ' target="_blank"'
    return f'<a href="{html.escape(href(base, path))}"{attr}>{esc(path)}</a>'


def _both(en: str, ja: str) -> str:
    return "<br>".join(esc(x) for x in (en, ja) if x)


def _lines(cite: Iterable[int]) -> str:
    return ", ".join(f"L{n}" for n in cite)


def facts(bundle: Bundle) -> str:
    """The facts the bundle was made from, one row a parameter (a composed group: its products)."""
    if bundle.product == "group":
        return table(["product", "parameters"],
                     ([esc(pid), value(params)] for pid, params in bundle.parameters["products"].items()), "facts")
    product = load(bundle.product)
    return table(["parameter", "value", "source", "meaning / 意味"],
                 ([f"<code>{esc(p.name)}</code>", value(bundle.parameters.get(p.name)),
                   "default" if p.name in bundle.defaulted else "given", _both(p.help.en, p.help.ja)]
                  for p in product.parameters), "facts")


def values(bundle: Bundle) -> str:
    helps = {v.name: v.help for v in load(bundle.product).values} if bundle.product != "group" else {}
    return table(["value", "result", "meaning / 意味"],
                 ([f"<code>{esc(k)}</code>", value(v), _both(helps[k].en, helps[k].ja) if k in helps else ""]
                  for k, v in bundle.values.items()), "values")


def _files_of(step_artifact: str | None) -> list[str]:
    return [a.strip() for a in step_artifact.split(",")] if step_artifact else []


def checklist(bundle: Bundle, base: str = "", download: bool = False) -> str:
    """Every step in the order to work it: a tick box, the place, what and why, GUI labels, its files, guide lines."""
    places = load_places()
    paths = {f.path for f in bundle.files}
    rows = []
    for s in bundle.steps:
        n = f"{s.product} {s.n}" if s.product else str(s.n)
        ident = f"{s.product}-{s.id}" if s.product else s.id
        files = [link(base, a, download) if a in paths else esc(a) for a in _files_of(s.artifact)]
        rows.append([f'<input type="checkbox" data-step="{html.escape(ident)}" aria-label="done: step {html.escape(n)}">',
                     esc(n), _both(places[s.place].en, places[s.place].ja), _both(s.title_en, s.title_ja),
                     esc(s.why_en) + (f"<br><small>{esc(s.why_ja)}</small>" if s.why_ja else ""),
                     "<br>→ ".join(esc(g) for g in s.gui), "<br>".join(files), _lines(s.cite)])
    return table(["✓", "#", "place / 作業場所", "step / 手順", "why / 理由", "GUI", "files", "guide"], rows, "checklist")


def warnings(bundle: Bundle) -> str:
    if not bundle.warnings:
        return "<p>No warning applies to these facts. / 該当する警告はありません。</p>"
    return table(["id", "warning / 警告", "guide"],
                 ([f"<code>{esc(w.id)}</code>", _both(w.en, w.ja), _lines(w.cite)] for w in bundle.warnings), "warnings")


def errata(bundle: Bundle) -> str:
    if not bundle.errata:
        return "<p>No erratum of the guide applies to these facts. / 該当するガイドの誤りはありません。</p>"
    return table(["product, line", "kind", "the guide says", "ppguide emits", "why / 理由", "certain"],
                 ([f"{esc(e.product or bundle.product)}<br>L{e.line}", esc(e.kind), f"<code>{esc(e.guide)}</code>",
                   esc(e.emits), _both(e.why_en, e.why_ja),
                   "yes" if e.certain else "<b>no</b>: check on the system"
                   + (f"<br>override: <code>{esc(e.override)}</code>" if e.override else "")]
                  for e in bundle.errata), "errata")


def files(bundle: Bundle, base: str = "", download: bool = False) -> str:
    """One row a file: link, what it is for, where it is used, encoding and checksum."""
    return table(["file", "role", "place", "encoding", "sha256"],
                 ([link(base, f.path, download), esc(f.role), esc(f.place), esc(f.encoding),
                   f"<code>{f.sha256[:16]}…</code>"] for f in bundle.files), "files")


def guide_tables(bundle: Bundle) -> list[tuple[str, str]]:
    """(heading, HTML) for each table reproduced from the guide."""
    out = []
    for t in bundle.tables:
        body = table(list(t.columns), ([esc(c) for c in r] for r in t.rows))
        notes = "".join(f"<li>{_both(n.en, n.ja)}</li>" for n in t.notes)
        out.append((f"{t.title.en} / {t.title.ja} (guide {_lines(t.cite)})", body + (f"<ul>{notes}</ul>" if notes else "")))
    return out


def code_language(f: File) -> str:
    return "bat" if f.path.endswith(".bat") else "ini" if f.path.endswith((".reg", ".ini", ".cf")) else "text"
