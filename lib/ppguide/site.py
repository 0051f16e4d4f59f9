"""The published procedure site: the pages mkdocs builds, generated into its docs_dir.

`build_docs(docs_dir)` writes, for every product:

- ``products/<id>.md``: the product page, procedure first: what it is, the example cluster's facts, the
  checklist (tick boxes, links to its files), computed values (tables) and timelines (pictures), the files
  (contents folded), warnings and errata; no notebook code and no path of the build machine;
- ``products/<id>/<id>.ipynb``: notebooks/<id>.ipynb executed by papermill on the product's job in
  data/example-cluster.yaml (in that folder, so its links reach the bundle), offered for download;
- ``products/<id>/bundle/``: the bundle it wrote (the page is made from the engine's bundle for the same
  facts and the build checks both are the same), and ``products/<id>/<id>-bundle.zip``;
- ``reference/<id>.md``: the product's knowledge as tables, every guide literal with its line;

and, once, ``products/index.md``, ``reference/index.md``, ``errata.md`` (every erratum of every product) and the
audit rules. Only these generated paths are touched; ``index.md`` and other hand-written pages stay.
The same knowledge and example cluster give the same files: papermill's timings are dropped.
"""
from __future__ import annotations

import html
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat
import yaml

from . import present
from .batch import read_inventory
from .bundle import Bundle
from .cited import Cited
from .errors import PpguideError
from .knowledge import DATA, ROOT, Product, load, load_places, product_ids
from .scripts import describe

NOTEBOOKS = ROOT / "notebooks"
EXAMPLE = DATA / "example-cluster.yaml"
DOWNLOAD_BASE = "bundle"
GENERATED = ("products", "reference", "errata.md", "calculators", "calculators.md", "audit-rules.md")   # relative to docs_dir; everything else is hand-written


# --------------------------------------------------------------------------------------------
# example parameters and executed notebooks
# --------------------------------------------------------------------------------------------

def example_parameters(product_ids_: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each product's parameters on the example cluster: the shared facts it declares merged with its job's own.

    The first job of a product is its example. Every product needs a job: a page built on the
    product's defaults alone would describe some other cluster than the rest of the site.
    """
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) or {}
    found: dict[str, dict[str, Any]] = {}
    for job in read_inventory(data):
        found.setdefault(job.product, job.parameters)
    missing = [pid for pid in product_ids_ if pid not in found]
    if missing:
        raise PpguideError(f"{EXAMPLE.relative_to(ROOT)} has no job for {', '.join(missing)}: add one "
                           "(- product: ID, parameters: the facts the shared ones do not cover) for each",
                           f"{EXAMPLE.relative_to(ROOT)} に {', '.join(missing)} のジョブがありません。追加してください")
    return {pid: found[pid] for pid in product_ids_}


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes from one run to the next (timestamps, durations, temporary paths, random ids)."""
    pm = nb.metadata.pop("papermill", {})
    if "parameters" in pm:
        nb.metadata["papermill"] = {"parameters": pm["parameters"]}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    return nb


def execute_product(pid: str, params: dict[str, Any], docs_dir: Path) -> Path:
    """Run notebooks/<pid>.ipynb on `params` in docs_dir/products/<pid>/: the executed notebook <pid>.ipynb and,
    beside it, the bundle it writes into bundle/ (relative, so neither holds a path of the build machine and the
    notebook's file links work wherever the folder is unpacked)."""
    from .execute import execute_notebook

    source = NOTEBOOKS / f"{pid}.ipynb"
    if not source.is_file():
        raise PpguideError(f"{source.relative_to(ROOT)} is missing: run `ppguide notebooks`",
                           f"{source.relative_to(ROOT)} がありません: `ppguide notebooks` を実行してください")
    folder = (docs_dir / "products" / pid).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    bundle_dir = folder / DOWNLOAD_BASE
    target = folder / f"{pid}.ipynb"
    with tempfile.TemporaryDirectory(prefix=f"ppguide-docs-{pid}-") as tmp:
        executed = Path(tmp) / f"{pid}.ipynb"
        execute_notebook(source, executed, dict(params, output_dir=DOWNLOAD_BASE, download_base=""), folder,
                         f"{pid} on the example cluster")
        nb = clean_notebook(nbformat.read(executed, as_version=4))
    if not (bundle_dir / "manifest.json").is_file():
        raise PpguideError(f"{pid}: the notebook wrote no bundle into {bundle_dir}",
                           f"{pid}: ノートブックが {bundle_dir} にバンドルを書き込みませんでした")
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return target


def bundle_zip(bundle_dir: Path, target: Path) -> Path:
    """The bundle as one zip: its files in manifest order, then manifest.json; fixed timestamps, so the same bundle
    gives the same bytes."""
    manifest = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))
    paths = [a["path"] for a in manifest["artifacts"]] + ["manifest.json"]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in paths:
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (bundle_dir / rel).read_bytes())
    return target


# --------------------------------------------------------------------------------------------
# product pages: the procedure first, as Markdown beside the executed notebook
# --------------------------------------------------------------------------------------------

def _fenced(body: str, lang: str, indent: str) -> list[str]:
    fence = "`" * max(3, max((len(r) for r in _runs(body, "`")), default=0) + 1)
    lines_ = [fence + lang, *body.replace("\r\n", "\n").rstrip("\n").split("\n"), fence]
    return [indent + ln if ln else "" for ln in lines_]


def _title_attr(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def product_page(product: Product, bundle: Bundle) -> str:
    """docs/products/<id>.md: what the procedure is, the example cluster's facts, the ordered checklist, the computed
    values, the files (contents folded), warnings and errata. Files are linked relative to the page's URL
    (products/<id>/), where the bundle, its zip and the executed notebook are published."""
    pid = product.id
    here = f"{pid}/"                         # Markdown links: relative to docs/products/<id>.md
    zip_name = f"{pid}-bundle.zip"
    md = ["---", f"title: {json.dumps(product.nav_title, ensure_ascii=False)}", "---", "",
          f"# {text(product.title)}", "",
          f"Guide §{product.section}, lines {product.lines[0]}-{product.lines[1]}. "
          f"[Reference](../reference/{pid}.md) · [all errata](../errata.md)", "",
          text(product.summary.en), "", text(product.summary.ja), "",
          '<div class="ppg-downloads" markdown>', "",
          f"[Whole bundle (zip)]({here}{zip_name}){{ download=\"{zip_name}\" .md-button .md-button--primary }}",
          f"[checklist.md]({here}{DOWNLOAD_BASE}/checklist.md){{ download=\"checklist.md\" .md-button }}",
          f"[manifest.json]({here}{DOWNLOAD_BASE}/manifest.json){{ download=\"manifest.json\" .md-button }}",
          f"[Executed notebook (open in Jupyter)]({here}{pid}.ipynb){{ download=\"{pid}.ipynb\" .md-button }}", "",
          "</div>", "",
          "Everything on this page was made for the example cluster below. For your own cluster, give your facts to "
          f"the notebook (`notebooks/{pid}.ipynb`, or the executed one above) or run "
          f"`ppguide run {pid} -f my-cluster.yaml -o OUTDIR`; the files come out the same way.", "",
          "## The example cluster / 例のクラスタ", "", present.facts(bundle), "",
          "## Procedure / 手順", "",
          "Work down the list in order and tick each step when it is done (the ticks stay in this browser). "
          "Printing this page gives the checklist without the navigation. / 上から順に作業し、終わった手順に"
          "チェックを付けてください。", "",
          present.checklist(bundle, DOWNLOAD_BASE, download=True), ""]
    if bundle.values:
        md += ["## Computed values / 算出値", "", present.values(bundle), ""]
    pictures = [f for f in bundle.files if f.role == "timeline" and f.content[:8] == b"\x89PNG\r\n\x1a\n"]
    if pictures:
        md += ["## Timelines / タイムライン", ""]
        md += [f"![{text(f.path)}]({here}{DOWNLOAD_BASE}/{f.path})" for f in pictures] + [""]
    tables = present.guide_tables(bundle)
    if tables:
        md += ["## Tables from the guide / ガイドの表", ""]
    for heading, markup in tables:
        md += [f"### {text(heading)}", "", markup, ""]
    md += ["## Files / 出力ファイル", "", present.files(bundle, DOWNLOAD_BASE, download=True), ""]
    for f in bundle.files:
        if f.encoding == "binary" or f.role == "checklist":
            continue
        md += [f'??? abstract "{_title_attr(f.path)} ({f.role}, {f.place})"', ""]
        md += _fenced(f.text(), present.code_language(f), "    ") + [""]
    md += ["## Warnings / 警告", "", present.warnings(bundle), "",
           "## Guide errata that apply / 適用されるガイドの誤り", "",
           "Where the guide is wrong, the files above carry the corrected form.", "", present.errata(bundle), ""]
    return "\n".join(md)


def publish_product(product: Product, params: dict[str, Any], docs_dir: Path) -> list[Path]:
    """Execute the product's notebook on `params`, zip its bundle and write its page; returns the paths written.

    The page is made from the engine's bundle for the same facts; it must be the bundle the notebook wrote
    (same manifest bytes), or the build stops."""
    from .evaluate import evaluate

    nb = execute_product(product.id, params, docs_dir)
    folder = nb.parent
    bundle = evaluate(product.id, params)
    if (folder / DOWNLOAD_BASE / "manifest.json").read_bytes() != bundle.manifest_bytes():
        raise PpguideError(f"{product.id}: the notebook's bundle differs from the engine's for the same facts",
                           f"{product.id}: ノートブックのバンドルがエンジンの出力と一致しません")
    archive = bundle_zip(folder / DOWNLOAD_BASE, folder / f"{product.id}-bundle.zip")
    page = docs_dir / "products" / f"{product.id}.md"
    _write(page, product_page(product, bundle))
    return [nb, archive, page]


# --------------------------------------------------------------------------------------------
# Markdown helpers
# --------------------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})


def text(s: Any) -> str:
    """Plain text for a Markdown table cell: HTML and Markdown specials escaped, line breaks kept."""
    if s is None:
        return ""
    out = html.escape(str(s), quote=False).translate(_MD_SPECIAL)
    return "<br>".join(line for line in out.strip().split("\n"))


def code(s: Any) -> str:
    """A literal as inline code; each line of a multi-line literal its own span."""
    if s is None or s == "":
        return ""
    spans = []
    for line in str(s).rstrip("\n").split("\n"):
        if not line.strip():
            continue
        ticks = "`" * (max((len(r) for r in _runs(line, "`")), default=0) + 1)
        pad = " " if line.startswith("`") or line.endswith("`") or line.startswith(" ") else ""
        spans.append(f"{ticks}{pad}{line}{pad}{ticks}")
    return "<br>".join(spans)


def _runs(s: str, ch: str) -> list[str]:
    runs, cur = [], ""
    for c in s:
        if c == ch:
            cur += c
        elif cur:
            runs.append(cur)
            cur = ""
    return runs + ([cur] if cur else [])


def lines(cite: Iterable[int] | None) -> str:
    return ", ".join(f"L{n}" for n in (cite or []))


def cited(lit: Cited | None) -> str:
    """A guide literal with the line it stands on, and the erratum that corrects it if any."""
    if lit is None:
        return ""
    return f"{code(lit)} <small>L{lit.line}</small>" + _corrected(lit)


def table(columns: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["*(none)*", ""]
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(cell if cell else " " for cell in row) + " |" for row in rows]
    return out + [""]


def _corrected(lit: Cited) -> str:
    return f" <small>corrected: [{lit.erratum}](#erratum-{lit.erratum})</small>" if lit.erratum else ""


def when(expr: str | None) -> str:
    return code(expr) if expr else "always"


def _param_default(p) -> str:
    if p.default is None:
        return "*(required)*" if p.required else ""
    return code(json.dumps(p.default, ensure_ascii=False) if not isinstance(p.default, str) else p.default)


# --------------------------------------------------------------------------------------------
# reference pages
# --------------------------------------------------------------------------------------------

def both(en: str | None, ja: str | None) -> str:
    """English, then Japanese, in one cell."""
    return "<br>".join(x for x in (text(en), text(ja)) if x)


def _erratum_cells(e, anchor: bool) -> list[str]:
    """erratum and lines | the guide says | ppguide emits | why / 理由 | status."""
    ident = (f'<a id="erratum-{e.id}"></a>' if anchor else "") + code(e.id)
    status = [f"kind: {e.kind}", "certain" if e.certain else "**not certain**: check on the system"]
    if e.override:
        status.append(f"override: {code(e.override)}")
    if e.when:
        status.append(f"applies when {code(e.when)}")
    return [f"{ident}<br>{lines([e.line] + list(e.also))}", code(e.guide), text(e.emits), both(e.why.en, e.why.ja),
            "<br>".join(status)]


ERRATA_COLUMNS = ["erratum, guide line(s)", "the guide says", "ppguide emits", "why / 理由", "status"]


def _sorted_errata(product: Product) -> list:
    return sorted(product.errata, key=lambda e: (e.line, e.id))


def _script_action(product: Product, a) -> tuple[str, str]:
    return describe(product, a), when(a.when)


def _reference_intro(p: Product) -> list[str]:
    return ["---", f"title: {json.dumps(p.nav_title, ensure_ascii=False)}", "---", "",
          f"# {p.title}: reference",
          "",
          f"Generated from `procedures/{p.id}.yaml` (the knowledge), not from a run: guide §{p.section}, "
          f"lines {p.lines[0]}-{p.lines[1]}. Every literal taken from the guide shows the line it stands on "
          "(`L123`); a literal the guide gets wrong names the erratum that corrects it. "
          f"The procedure executed on the example cluster is on the [product page](../products/{p.id}.md); "
          "every erratum of every product is on the [errata page](../errata.md).",
          "",
          text(p.summary.en),
          "",
          text(p.summary.ja),
          ""]


def _reference_parameters(p: Product) -> list[str]:
    md = ["## Parameters / パラメータ", ""]
    rows = []
    for d in p.parameters:
        kind = d.type
        if d.choices:
            kind += ": " + ", ".join(code(c) for c in d.choices)
        if d.min is not None or d.max is not None:
            kind += f" ({'' if d.min is None else d.min}..{'' if d.max is None else d.max})"
        if d.fields:
            kind += " {" + ", ".join(f"{k}: {v}" for k, v in d.fields.items()) + "}"
        default = _param_default(d) + (f" <small>L{d.cite}</small>" if d.cite else "")
        rows.append([code(d.name), kind, default, both(d.help.en, d.help.ja)])
    md += table(["name", "type", "default (guide line)", "help / 説明"], rows)
    return md


def _reference_services(p: Product) -> list[str]:
    md = ["## Services / サービス", ""]
    extra = [("ARMLOAD options", lambda s: cited(s.options)), ("after the name", lambda s: code(s.args))]
    extra = [(title, f) for title, f in extra if any(f(s) for s in p.services)]
    md += table(["key", "display name", "service name", "watch id", *[t for t, _ in extra], "condition", "start type"],
                [[code(s.key), cited(s.display), cited(s.name), cited(s.watch_id), *[f(s) for _, f in extra],
                  when(s.when), "manual (手動)" if s.manual else "unchanged"] for s in p.services])
    return md


def _reference_scripts(p: Product) -> list[str]:
    md = ["## Start and stop scripts / 起動・停止スクリプト", ""]
    if p.script:
        s = p.script
        md += [f"- scenarios: {', '.join(code(x) for x in s.scenarios)}",
               f"- ARMLOAD options: {cited(s.armload_options) if s.armload_options else 'each service its own'}"]
        if s.net_yes:
            md.append(f"- `net stop` / `net start` confirmation switch: {cited(s.net_yes)}")
        if s.first:
            md.append(f"- start first (and stop last) in any failover group: {', '.join(code(k) for k in s.first)}")
        if s.after:
            md.append(f"- in a shared group, comes after the lines of: {', '.join(code(k) for k in s.after)}")
        md += [f"- guide lines: {lines(s.cite)}", ""]
        md += ["### Start order / 起動順", ""]
        md += table(["#", "start.bat", "condition"],
                    [[str(i), *_script_action(p, a)] for i, a in enumerate(s.start, 1)])
        md += ["### Stop order / 停止順", ""]
        md += table(["#", "stop.bat", "condition"],
                    [[str(i), *_script_action(p, a)] for i, a in enumerate(s.stop, 1)])
        md += ["### Stop wrappers / 停止時に前後で停止・起動するサービス", "",
               "Stopped with `net stop` before every ARMKILL of the group and started again after them.", ""]
        md += table(["service (display name)", "condition"], [[cited(w.display), when(w.when)] for w in s.stop_wrap])
    else:
        md += ["This product has no CLUSTERPRO start/stop script of its own.", ""]
    return md


def _reference_registry(p: Product) -> list[str]:
    md = ["## Registry values / レジストリ", ""]
    if not p.registry:
        md += ["*(none)*", ""]
    for name, group in p.registry.items():
        md += [f"### {text(name)}", "", f"Root: {cited(group.root)}", ""]
        md += table(["full key", "value name", "type", "data (template)", "guide lines: key, name, data", "condition"],
                    [[code(f"{group.root}\\{v.key}") + _corrected(v.key), code(v.name) + _corrected(v.name), v.type,
                      code(v.data), f"L{v.key.line}, L{v.name.line}, L{v.cite}", when(v.when)]
                     for v in group.values])
    return md


def _reference_sync_keys(p: Product) -> list[str]:
    md = ["## Keys to synchronise / 同期するレジストリ", ""]
    md += table(["key", "shared with other ESMPRO/BASE products"],
                [[cited(k.key), "yes: kept while another product uses it" if k.shared else "no"] for k in p.sync_keys])
    return md


def _reference_constants(p: Product) -> list[str]:
    md = ["## Constants / 定数", ""]
    md += table(["name", "value"], [[code(k), cited(v)] for k, v in p.constants.items()])
    return md


def _reference_values(p: Product) -> list[str]:
    md = ["## Computed values / 算出値", ""]
    md += table(["name", "expression", "meaning / 意味", "guide lines"],
                [[code(v.name), code(v.expr), both(v.help.en, v.help.ja), lines(v.cite)] for v in p.values])
    return md


def _reference_checks(p: Product) -> list[str]:
    md = ["## Checks / チェック", "",
           "An error refuses the parameters and writes nothing; a warning is shown with the bundle.", ""]
    md += table(["id", "level", "fires when", "message / メッセージ", "guide lines"],
                [[code(c.id), "**error**" if c.level == "error" else "warning", code(c.when), both(c.en, c.ja),
                  lines(c.cite)] for c in p.checks])
    return md


def _reference_steps(p: Product) -> list[str]:
    places = load_places()
    md = ["## Steps / 手順", "", "Every step of every scenario; a run keeps those whose scenario and condition hold.", ""]
    md += table(["id", "kind", "place", "scenarios, condition", "step / 手順", "file", "guide lines"],
                [[code(st.id), st.kind, text(places[st.place].en),
                  (", ".join(st.scenarios) if st.scenarios else "all") + (f"<br>{code(st.when)}" if st.when else ""),
                  both(st.title.en, st.title.ja),
                  code(st.artifact) if st.artifact else ("commands" if st.commands else ""), lines(st.cite)]
                 for st in p.steps])
    return md


def _reference_files(p: Product) -> list[str]:
    places = load_places()
    md = ["## Emitted files / 出力ファイル", ""]
    md += table(["path", "kind, role", "place", "encoding", "scenarios, condition"],
                [[code(a.path) + (f" (one per {code(a.for_each)})" if a.for_each else ""), f"{a.kind}, {a.role}",
                  text(places[a.place].en), a.encoding,
                  (", ".join(a.scenarios) if a.scenarios else "all") + (f"<br>{code(a.when)}" if a.when else "")]
                 for a in p.artifacts])
    return md


def _reference_tables(p: Product) -> list[str]:
    md = ["## Tables from the guide / ガイドの表", ""]
    if not p.tables:
        md += ["*(none)*", ""]
    for t in p.tables:
        md += [f"### {text(t.title.en)} / {text(t.title.ja)}", "", f"Guide lines {lines(t.cite)}.", ""]
        md += table([text(c) for c in t.columns], [[text(c) for c in r] for r in t.rows])
        md += [f"- {text(n.en)} / {text(n.ja)}" for n in t.notes] + ([""] if t.notes else [])
    return md


def _reference_errata(p: Product) -> list[str]:
    md = ["## Guide errata / ガイドの誤り", "",
           "Where the guide is wrong or ambiguous, ppguide never emits the broken form. "
           "`{{ ... }}` in what ppguide emits stands for a parameter or computed value.", ""]
    md += table(ERRATA_COLUMNS, [_erratum_cells(e, anchor=True) for e in _sorted_errata(p)])
    return md


def reference_page(product: Product) -> str:
    """The product's reference page, generated from its knowledge: one section per part of procedures/<id>.yaml."""
    sections = [_reference_intro, _reference_parameters, _reference_services, _reference_scripts, _reference_registry,
                _reference_sync_keys, _reference_constants, _reference_values, _reference_checks, _reference_steps,
                _reference_files, _reference_tables, _reference_errata]
    md = [line for section in sections for line in section(product)]
    return "\n".join(md).rstrip("\n") + "\n"


def errata_page(products: list[Product]) -> str:
    md = ["---", "hide:", "  - toc", "---", "",   # the table needs the width of the table of contents
          "# Guide errata / ガイドの誤り",
          "",
          "Every place where the guide cannot be copied as it stands, for every product, in three groups by kind, "
          "then by product and guide line: what the guide says, what ppguide emits instead, and why. *Not certain* "
          "marks a correction that the guide alone cannot prove: check it on the real system, and use the override "
          "parameter where one exists. `{{ ... }}` stands for a parameter or computed value of the product.",
          "",
          "ガイドの誤記・変換時の欠落・解釈が分かれる箇所の一覧です (種類別、製品・行番号順)。"
          "「not certain」は現地での確認が必要な項目です。",
          ""]
    total = 0
    for kind, (title, intro) in ERRATA_KINDS.items():
        rows = [[f"[{text(p.nav_title)}](reference/{p.id}.md#erratum-{e.id})", *_erratum_cells(e, anchor=False)]
                for p in sorted(products, key=lambda p: p.id) for e in _sorted_errata(p) if e.kind == kind]
        total += len(rows)
        md += [f"## {title}", "", intro, "", f"{len(rows)} errata.", ""]
        md += table(["product", *ERRATA_COLUMNS], rows) if rows else ["*(none)*", ""]
    md += [f"{total} errata in {len(products)} products.", ""]
    return "\n".join(md)


ERRATA_KINDS = {
    "guide-error": ("The guide is wrong / ガイドの誤り",
                    "The printed guide itself says something that would fail or mislead if copied: typos in commands "
                    "and names, contradictions, wrong arithmetic."),
    "transcription": ("Lost in the text conversion / テキスト変換時の欠落",
                      "The guide was right on paper, but its text lost something: figures, underline or shading, "
                      "footnote marks glued to commands, stray spaces, screenshot text read wrongly."),
    "ambiguity": ("The guide can be read two ways / 解釈が分かれる箇所",
                  "Both readings are possible; ppguide states the one it takes, and the choice is a parameter or a "
                  "warning of the bundle."),
}


#: What the findings of a rule without guide lines of its own cite.
_AUDIT_CITES = {"erratum": "the erratum's", "service": "the product's script", "watch": "the product's script",
                "line": "the product's script", "reg": "the registry value's", "pause": "none: CLUSTERPRO runs scripts without a console"}


def audit_rules_page(products: list[Product]) -> str:
    """docs/audit-rules.md: what `ppguide audit` checks, one section per rule of its table, and the errata forms it looks for."""
    from .audit_rules import rule_table

    md = ["# Audit rules / 監査ルール",
          "",
          "`ppguide audit --product ID [--product ID ...] --start start.bat --stop stop.bat [--reg export.reg ...] "
          "[-p NAME=VALUE ...] [--json]` (`ppguide audit --rules` lists the rules below) reads the scripts and registry exports a running cluster holds (CP932 or "
          "UTF-8, CRLF or LF; .reg in version 5 or REGEDIT4) and reports, line by line, what the guide and ppguide's "
          "corrections of it would do otherwise. `notebooks/audit.ipynb` does the same for files given as its "
          "parameters. What a product expects is what ppguide itself writes for the facts given with `-p` (the "
          "guide's example facts fill in the rest), read back the same way, so the audit of any bundle ppguide "
          "writes finds nothing. Exit code 1 when any finding is an error, 0 otherwise, 2 for a user error.",
          "",
          "稼働中のクラスタの start.bat / stop.bat / .reg エクスポートを読み、ガイドと ppguide の訂正に照らして行ごとに"
          "指摘します。エラーがあれば終了コード 1 です。",
          "",
          "The scripts are walked the way cmd.exe runs them for each event: ARMS_EVENT START, FAILOVER and (start.bat) "
          "RECOVER, ARMS_SERVER HOME and OTHER, the switch disk connected. GOTO and IF on those variables are followed; "
          "conditions the audit cannot know (ERRORLEVEL, ARMS_FACTOR, COMPUTERNAME) never jump and let other commands run.",
          ""]
    md += table(["rule", "severity", "checks", "guide lines"],
                [[f"[{code(r['id'])}](#{r['id']})", r["severity"], text(r["title_en"]) + "<br>" + text(r["title_ja"]),
                  lines(r["guide_lines"]) or _AUDIT_CITES.get(r["id"].split("-")[0], "none")] for r in rule_table()])
    for r in rule_table():
        md += [f"## {r['id']} {{#{r['id']}}}", "", f"**{r['severity']}**: {text(r['title_en'])} / {text(r['title_ja'])}", "",
               r["en"], "", r["ja"], ""]   # the rules' own Markdown (inline code), written in lib/ppguide/audit_rules.py
        if r["guide_lines"]:
            md += [f"Guide lines: {lines(r['guide_lines'])}.", ""]
    md += ["## The errata forms looked for / 検出する誤記", "",
           "Each erratum's `forms` in the knowledge (or, without them, its `guide` text) is looked for in every line, "
           "case ignored, `¥` read as `\\`. Guide errors and transcription losses are errors in a command, ambiguities "
           "are info, and any form in a `rem` line is info.", ""]
    rows = []
    for p in sorted(products, key=lambda p: p.id):
        for e in _sorted_errata(p):
            forms = list(e.forms) if e.forms is not None else [e.guide]
            if not forms:
                continue
            rows.append([f"[{text(p.id)}](reference/{p.id}.md#erratum-{e.id})", code(e.id), e.kind,
                         "<br>".join(code(f) for f in forms), lines([e.line, *e.also])])
    md += table(["product", "erratum", "kind", "forms", "guide lines"], rows)
    return "\n".join(md)


def _section_key(p: Product) -> tuple[int, ...]:
    """Guide order: §1.2 before §1.10."""
    return tuple(int(n) if n.isdigit() else 0 for n in p.section.split("."))


def products_index(products: list[Product]) -> str:
    md = ["# Products / 製品",
          "",
          "One page per product: the procedure worked out for the example cluster (`data/example-cluster.yaml`), "
          "its checklist with tick boxes, computed values, files, warnings and the guide errata that apply. Each "
          "bundle downloads as one zip or file by file; the executed notebook opens in Jupyter. For your own "
          "cluster, run the notebook with your facts or `ppguide run`.",
          "",
          "製品ごとのページです。例のクラスタでの手順 (チェックリスト)、算出値、出力ファイル、警告、ガイドの誤りを示します。",
          ""]
    md += table(["product", "full title", "guide lines", "bundle", "reference"],
                [[f"[{text(p.nav_title)}]({p.id}.md)", text(p.title), f"{p.lines[0]}-{p.lines[1]}",
                  f"[{p.id}-bundle.zip]({p.id}/{p.id}-bundle.zip)", f"[{p.id}](../reference/{p.id}.md)"]
                 for p in sorted(products, key=_section_key)])
    return "\n".join(md)


def reference_index(products: list[Product]) -> str:
    md = ["# Reference / リファレンス",
          "",
          "One page per product, generated from its knowledge file alone: parameters, services, script order, "
          "registry values, keys to synchronise, constants, checks, steps, files, the guide's tables and errata.",
          ""]
    md += table(["product", "guide section", "parameters", "checks", "errata"],
                [[f"[{text(p.title)}]({p.id}.md)", f"§{p.section}", str(len(p.parameters)), str(len(p.checks)),
                  str(len(p.errata))] for p in products])
    return "\n".join(md)


# --------------------------------------------------------------------------------------------
# the build
# --------------------------------------------------------------------------------------------

def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def build_docs(docs_dir: Path = Path("docs")) -> list[Path]:
    """Generate the site's pages into docs_dir (see the module's docstring). Returns the paths written.

    A product whose knowledge does not load, that has no job in data/example-cluster.yaml, whose
    notebook is missing, or whose example parameters or notebook fail stops the build; the first
    three are found before anything in docs_dir is removed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .evaluate import evaluate

    docs_dir = Path(docs_dir).resolve()
    ids = product_ids()
    products = [load(pid) for pid in ids]
    examples = example_parameters(ids)
    # Refuse early, before anything is removed or a kernel started: every product needs its notebook,
    # and its example parameters must pass validation and the product's checks.
    missing = [f"notebooks/{pid}.ipynb" for pid in ids if not (NOTEBOOKS / f"{pid}.ipynb").is_file()]
    if missing:
        raise PpguideError(f"missing notebooks: {', '.join(missing)}; run `ppguide notebooks`",
                           f"ノートブックがありません: {', '.join(missing)}。`ppguide notebooks` を実行してください")
    for pid in ids:
        try:
            evaluate(pid, examples[pid])
        except PpguideError as exc:
            raise PpguideError(f"{pid}, example cluster (data/example-cluster.yaml): {exc.en}",
                               f"{pid}、例のクラスタ (data/example-cluster.yaml): {exc.ja}") from exc
    for rel in GENERATED:
        target = docs_dir / rel
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    (docs_dir / "products").mkdir(parents=True)
    written: list[Path] = []
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        task = progress.add_task("product pages", total=len(products))
        for p in products:
            progress.update(task, description=f"product pages: {p.id}")
            written += publish_product(p, examples[p.id], docs_dir)
            ref = docs_dir / "reference" / f"{p.id}.md"
            _write(ref, reference_page(p))
            written.append(ref)
            progress.advance(task)
        progress.update(task, description="product pages")
    from .site_calculators import calculators_page
    written.append(calculators_page(docs_dir))
    for rel, content in (("products/index.md", products_index(products)),
                         ("reference/index.md", reference_index(products)),
                         ("errata.md", errata_page(products)),
                         ("audit-rules.md", audit_rules_page(products))):
        _write(docs_dir / rel, content)
        written.append(docs_dir / rel)
    return written
