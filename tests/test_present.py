"""How a bundle looks in Jupyter (and on the site): HTML tables, left-aligned, no index column, values never reprs."""
from __future__ import annotations

import json
import re

import papermill
import pytest

from ppguide import present
from ppguide.knowledge import ROOT, load, product_ids
from ppguide.site import example_parameters

NOTEBOOKS = ROOT / "notebooks"


def _cells(markup: str) -> list[str]:
    return re.findall(r"<t[dh](?: [^>]*)?>(.*?)</t[dh]>", markup)


def test_scalars_and_lists_are_text():
    assert present.value(480) == "480"
    assert present.value(True) == "yes" and present.value(False) == "no"
    assert present.value(None) == "—" and present.value([]) == "—"
    assert present.value(["SERVER1", "SERVER2"]) == "SERVER1, SERVER2"
    assert present.value("a<b & c") == "a&lt;b &amp; c"


def test_records_become_a_table_with_a_column_per_key():
    records = [{"ups": "UPS1", "runtime_s": 900, "safe": True}, {"ups": "UPS2", "runtime_s": 600, "safe": False}]
    markup = present.value(records)
    assert markup.startswith("<table>") and "{'" not in markup
    assert _cells(markup) == ["ups", "runtime_s", "safe", "UPS1", "900", "yes", "UPS2", "600", "no"]


def test_a_mapping_becomes_a_name_value_table_nested_as_deep_as_it_goes():
    budget = {"total_s": 480, "params": {"confirm_s": 60}, "working": [["IP", "192.168.10.1"]]}
    markup = present.value(budget)
    assert "{'" not in markup and "[[" not in markup
    assert markup.count("<table") == 3
    assert "<b>confirm_s</b>" in markup and "192.168.10.1" in markup


def test_every_cell_is_left_aligned_and_there_is_no_index_column():
    markup = present.table(["a", "b"], [["1", "2"]])
    assert markup.count('style="text-align:left') == 4
    assert "<tbody><tr><th" not in markup          # pandas puts its index as a <th> at the head of each row


def test_plain_text_form_is_stable_and_readable():
    """What a text-only viewer (and the stored notebook's text/plain) shows: no object address."""
    shown = repr(present.Html(present.table(["ups", "runtime_s"], [["UPS1", "900"]])))
    assert shown == "ups | runtime_s\nUPS1 | 900"


def test_short_titles_are_short_and_distinct():
    """The site's navigation names each product by its short_title (procedures/<id>.yaml)."""
    titles = [load(pid).nav_title for pid in product_ids()]
    assert len(set(titles)) == len(titles)
    for t in titles:
        assert len(t) <= 32, f"{t!r}: set a short_title of at most 32 characters"
        assert re.search(r"\(§[\d.]+\)$", t), f"{t!r}: end the short_title with the guide section, (§1.7)"


@pytest.fixture(scope="module")
def executed_snmp(tmp_path_factory):
    """notebooks/ac-snmp.ipynb run by papermill on the example cluster, as an engineer runs it in Jupyter."""
    tmp = tmp_path_factory.mktemp("nb")
    out = tmp / "executed.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "ac-snmp.ipynb"), str(out),
                               parameters=example_parameters(["ac-snmp"])["ac-snmp"], progress_bar=False, cwd=str(tmp))
    return json.loads(out.read_text(encoding="utf-8")), tmp


def _section(nb, heading: str) -> str:
    """What the report (the notebook's validate cell) shows under `heading`, without the heading: the section's
    HTML, or for the files its Markdown."""
    cell = next(c for c in nb["cells"] if "validate" in c["metadata"].get("tags", []))
    for o in cell["outputs"]:
        data = o.get("data", {})
        html, markdown = "".join(data.get("text/html", [])), "".join(data.get("text/markdown", []))
        if html.startswith(f"<h2>{heading}"):
            return html.split("</h2>", 1)[1]
        if markdown.startswith(f"## {heading}"):
            return markdown.split("\n", 1)[1]
    raise AssertionError(f"the report has no section {heading!r}")


def test_jupyter_shows_values_as_tables(executed_snmp):
    nb, _ = executed_snmp
    values = _section(nb, "Computed values")
    assert values.startswith('<table data-ppg="values">')
    assert "{'" not in values and "[{" not in values and "dataframe" not in values
    # the battery verdicts: one row per UPS of data/example-cluster.yaml's ac-snmp job (UPS1..UPS4)
    for ups in ("UPS1", "UPS2", "UPS3", "UPS4"):
        assert f"<td {present._CELL}>{ups}</td>" in values
    for heading in ("Checked parameters", "Procedure, in order", "Warnings for these facts", "Guide errata that apply"):
        shown = _section(nb, heading)
        assert "<table" in shown or "<p>" in shown, heading
        assert "<tbody><tr><th" not in shown and "dataframe" not in shown, heading


def test_jupyter_file_links_open_the_written_files(executed_snmp):
    """Links are relative to the notebook (output_dir), without `download`, so Jupyter opens the file."""
    nb, tmp = executed_snmp
    files, steps = _section(nb, "Emitted files"), _section(nb, "Procedure, in order")
    links = re.findall(r'<a href="([^"]+)"([^>]*)>', files + steps)
    written = [p for p in (tmp / "out" / "ac-snmp").rglob("*") if p.is_file()]
    # every written file is shown with its link, but manifest.json and checklist.md (the report is the checklist)
    assert len(re.findall(r'<a href=', files)) == len(written) - 2
    for href, attrs in links:
        assert "download" not in attrs
        assert href.startswith("out/ac-snmp/") and (tmp / href).is_file(), href


def test_an_absolute_output_dir_below_the_notebook_is_linked_relatively(tmp_path, monkeypatch):
    from ppguide.notebook import _link_base
    monkeypatch.chdir(tmp_path)
    assert _link_base(str(tmp_path / "out" / "sm")) == "out/sm"
    assert _link_base("out/sm") == "out/sm"
    assert _link_base("/elsewhere/sm") == "/elsewhere/sm"


def test_checklist_md_has_a_tick_box_per_step():
    """The bundle's checklist.md prints with an empty box before every step, in the steps' order."""
    from ppguide.evaluate import evaluate
    bundle = evaluate("servermanager", example_parameters(["servermanager"])["servermanager"])
    rows = [r for r in bundle.file("checklist.md").text().split("\n") if r.startswith("| [ ] |")]
    assert [r.split("|")[2].strip() for r in rows] == [str(s.n) for s in bundle.steps]
