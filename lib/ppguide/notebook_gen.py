"""Generate notebooks/<id>.ipynb from a product's declaration.

The parameters cell is derived from procedures/<id>.yaml, so the notebook, the
CLI and the validation can never disagree. Run `ppguide notebooks` after
changing a product's parameters; tests/test_notebooks.py checks they are current.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .knowledge import ROOT, Product, load, product_ids

NOTEBOOKS = ROOT / "notebooks"

PM_TYPES = {"bool": "bool", "int": "int"}


def _pm_type(p) -> str:
    if p.type.startswith("list["):
        return "list"
    if p.type == "choice":
        return "int" if all(isinstance(c, int) for c in p.choices) else "str"
    return PM_TYPES.get(p.type, "str")


def parameters_source(product: Product) -> str:
    lines = []
    for p in product.parameters:
        help_en = p.help.en.replace("\n", " ")
        if p.type == "choice":
            help_en += f" (one of: {', '.join(map(str, p.choices))})"
        lines.append(f"{p.name}: {_pm_type(p)} = {p.default!r}  # {help_en}")
    lines.append(f"output_dir: str = {('out/' + product.id)!r}  # folder that receives the bundle")
    lines.append("download_base: str = ''  # prefix of the download links (empty: output_dir)")
    return "\n".join(lines)


def _cell(source: str, tag: str):
    return new_code_cell(source, metadata={"tags": [tag]})


def build(product: Product) -> nbformat.NotebookNode:
    pid = product.id
    intro = (f"# {product.title}\n\n"
             f"Guide §{product.section}, lines {product.lines[0]}-{product.lines[1]}.\n\n"
             f"{product.summary.en}\n\n{product.summary.ja}\n\n"
             "**How to use.** Edit the parameters cell below and run all cells: the notebook checks the facts, "
             "shows the procedure per place, the computed values, the warnings and the guide errata that apply, "
             "and writes the bundle into `output_dir`. Headless: "
             f"`papermill notebooks/{pid}.ipynb out.ipynb -p NAME VALUE` (use `-r NAME VALUE` for text that "
             f"looks like a number) or, without a kernel, `ppguide run {pid} -p NAME=VALUE -o OUTDIR`.")
    cells = [new_markdown_cell(intro),
             _cell("from ppguide import notebook as ppg\n\n_known = set(globals())", "setup"),
             _cell(parameters_source(product), "parameters"),
             new_markdown_cell("## Checked parameters / パラメータ"),
             _cell(f"params = ppg.collect({pid!r}, globals(), _known)\n"
                   f"bundle = ppg.run({pid!r}, params)\nppg.parameters_table(bundle)", "validate")]
    if product.tables:
        cells += [new_markdown_cell("## Tables from the guide / ガイドの表"), _cell("ppg.show_tables(bundle)", "tables")]
    if product.values:
        cells += [new_markdown_cell("## Computed values / 算出値"), _cell("ppg.values_table(bundle)", "values")]
    cells += [new_markdown_cell("## Procedure per place / 作業場所ごとの手順"), _cell("ppg.show_checklist(bundle)", "checklist"),
              new_markdown_cell("## Warnings for these facts / 警告"), _cell("ppg.warnings_table(bundle)", "warnings"),
              new_markdown_cell("## Guide errata that apply / ガイドの誤りと対処\n\n"
                                "Where the guide is wrong, the files below carry the corrected form."),
              _cell("ppg.errata_table(bundle)", "errata"),
              new_markdown_cell("## Emitted files / 出力ファイル"),
              _cell("ppg.show_files(bundle, download_base or output_dir)", "files"),
              _cell("ppg.write(bundle, output_dir);", "emit")]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run the notebook on its defaults so it is stored, and published, with its outputs.

    Volatile metadata (execution timings) is dropped so the same knowledge gives the same file.
    """
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def write_all() -> list[Path]:
    NOTEBOOKS.mkdir(exist_ok=True)
    paths = []
    for pid in product_ids():
        path = NOTEBOOKS / f"{pid}.ipynb"
        path.write_text(nbformat.writes(execute(build(load(pid)))) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
