"""Generate notebooks/<id>.ipynb from a product's declaration.

The parameters cell is derived from procedures/<id>.yaml, so the notebook, the
CLI and the validation can never disagree. Run `ppguide notebooks` after
changing a product's parameters; tests/test_notebooks.py checks they are current.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .examples import guide_example
from .knowledge import ROOT, Product, load, product_ids
from .params import annotation

NOTEBOOKS = ROOT / "notebooks"

def parameters_source(product: Product) -> str:
    lines = []
    for p in product.parameters:
        # papermill cannot read a parameter line whose comment holds "=", so the help says it otherwise.
        help_en = p.help.en.replace("\n", " ").replace("=", ":")
        if p.type == "choice":
            help_en += f" (one of: {', '.join(map(str, p.choices or []))})"
        if p.required:
            example = guide_example(product.id).get(p.name)
            help_en += " (REQUIRED, a fact of your cluster" + (f"; guide example: {example})" if example else ")")
            help_en = help_en.replace("=", ":").replace("\n", " ")
        lines.append(f"{p.name}: {annotation(p)[1]} = {p.default!r}  # {help_en}")
    lines.append(f"output_dir: str = {('out/' + product.id)!r}  # folder that receives the bundle")
    lines.append("download_base: str = ''  # prefix of the download links (empty: output_dir)")
    return "\n".join(lines)


def _cell(source: str, tag: str):
    return new_code_cell(source, metadata={"tags": [tag]})


REPORT = ("## Check and report / 確認と手順\n\n"
          "The cell below checks the facts above and shows, section by section: the checked parameters, "
          "the guide's tables and the computed values, the procedure in order, the warnings and guide errata "
          "that apply, and every file of the bundle. A refused fact stops it with a message naming the parameter.")
WRITE = ("## Write the bundle / 出力\n\n"
         "The bundle goes to `output_dir`, all of it or nothing. An earlier bundle there is replaced; a folder "
         "holding other files is refused, never emptied.")


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
             _cell("from ppguide import notebook as ppg\n\nbundle = None\n_known = set(globals())", "setup"),
             _cell(parameters_source(product), "parameters"),
             new_markdown_cell(REPORT),
             _cell(f"params = ppg.collect({pid!r}, globals(), _known)\n"
                   f"bundle = ppg.evaluate({pid!r}, params)\nppg.report(bundle, download_base or output_dir)", "validate"),
             new_markdown_cell(WRITE),
             _cell("ppg.write(bundle, output_dir);", "emit")]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    return nb


def build_compose() -> nbformat.NotebookNode:
    """notebooks/compose.ipynb: several products in one failover group, the group as the parameter."""
    intro = ("# Composing a failover group\n\n"
             "Real clusters run several products in one failover group, with one start.bat and one stop.bat. "
             "Give the group as `group`: its `failover_group`, the `parameters` every product shares and the "
             "`products` with their own parameters. Services are merged by service name, each product's ordering "
             "constraints are kept (for example FileTransfer before DeliveryManager, ESM Base Service first to start "
             "and last to stop), and stop.bat runs in reverse.\n\n"
             "Headless: `papermill notebooks/compose.ipynb out.ipynb -f group.yaml` (the file holds `group:`), "
             "or `ppguide compose GROUP.yaml -o OUTDIR`.")
    cells = [new_markdown_cell(intro),
             _cell("from ppguide import notebook as ppg\n\nbundle = None\n_known = set(globals())", "setup"),
             _cell("group: dict = None  # REQUIRED: the failover group: failover_group, parameters, products "
                   "(example: data/example-group.yaml)\n"
                   "output_dir: str = 'out/compose'  # folder that receives the bundle\n"
                   "download_base: str = ''  # prefix of the download links (empty: output_dir)", "parameters"),
             new_markdown_cell(REPORT),
             _cell("ppg.collect(None, globals(), _known)\nbundle = ppg.compose(group)\n"
                   "ppg.report(bundle, download_base or output_dir)", "validate"),
             new_markdown_cell(WRITE),
             _cell("ppg.write(bundle, output_dir);", "emit")]
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})


def build_audit() -> nbformat.NotebookNode:
    """notebooks/audit.ipynb: `ppguide audit` on files given as parameters."""
    intro = ("# Auditing a cluster's scripts\n\n"
             "Most clusters built from the guide already run, with start.bat and stop.bat copied from its samples. "
             "Give the files as the cluster holds them (CP932 or UTF-8, CRLF or LF; .reg exports in version 5 or "
             "REGEDIT4) and the products whose lines they hold: every finding names its file, line, rule, severity "
             "and the guide lines it rests on. `parameters` are the cluster's facts (the guide's example fills in "
             "the rest), so option-dependent services are expected only when installed. The rules are explained on "
             "the site's audit rules page.\n\n"
             "Headless: `papermill notebooks/audit.ipynb out.ipynb -p product servermanager -p start start.bat "
             "-p stop stop.bat`, or `ppguide audit --product servermanager --start start.bat --stop stop.bat`.")
    cells = [new_markdown_cell(intro),
             _cell("from ppguide import notebook as ppg\n\nfindings = None\n_known = set(globals())", "setup"),
             _cell("product: str = None  # REQUIRED: product id whose lines the files hold (or a list of ids)\n"
                   "start: str = None  # path of the failover group's start.bat\n"
                   "stop: str = None  # path of the failover group's stop.bat\n"
                   "reg: list = None  # paths of regedit exports (.reg) to compare with the product's .reg\n"
                   "parameters: dict = None  # facts of the cluster by name (receive_dmi_alerts, switch_drive...)",
                   "parameters"),
             new_markdown_cell("## Findings / 指摘"),
             _cell("params = ppg.collect_audit(globals(), _known)\nfindings = ppg.audit(**params)\n"
                   "ppg.findings_table(findings)", "audit")]
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})


def _stable_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Cell ids from position and tag, not random, so regenerating gives the same file."""
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i:02d}-" + (cell.metadata.get("tags") or [cell.cell_type])[0]
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run the notebook on its parameters cell so it is stored with its outputs.

    The cluster's facts have no defaults, so the stored notebook shows the refusal that names each
    missing fact; the cells after it show nothing until the facts are filled in.

    Volatile metadata (execution timings) is dropped so the same knowledge gives the same file.
    """
    from nbclient import NotebookClient

    _stable_ids(nb)
    from .execute import KERNEL_ARGS

    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True, extra_arguments=KERNEL_ARGS,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def write_all(only: list[str] | None = None) -> list[Path]:
    """Generate and execute notebooks/<id>.ipynb for every product (or the ones named) and the composer."""
    NOTEBOOKS.mkdir(exist_ok=True)
    paths = []
    builds = [(pid, lambda pid=pid: build(load(pid))) for pid in product_ids()] + \
        [("compose", build_compose), ("audit", build_audit)]
    if only:
        for name in only:
            if name not in ("compose", "audit"):
                load(name)                # an unknown id is refused with "did you mean"
        builds = [(name, make) for name, make in builds if name in only]
    for name, make in builds:
        path = NOTEBOOKS / f"{name}.ipynb"
        path.write_text(nbformat.writes(execute(make())) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
