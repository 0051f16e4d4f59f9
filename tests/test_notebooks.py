"""The notebooks: generated from the declaration, regression-tested with pytest-notebook, run by papermill."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest
from pytest_notebook.nb_regression import NBRegressionFixture

from ppguide.knowledge import ROOT, load, product_ids
from ppguide.examples import guide_example
from ppguide.notebook_gen import build

NOTEBOOKS = ROOT / "notebooks"
PRODUCTS = product_ids()


@pytest.mark.parametrize("pid", PRODUCTS)
def test_papermill_sees_every_declared_parameter(pid):
    """`papermill --help-notebook` lists each parameter with its type, default and help."""
    inspected = {p["name"]: p for p in papermill.inspect_notebook(str(NOTEBOOKS / f"{pid}.ipynb")).values()}
    declared = load(pid).parameters
    assert [p.name for p in declared] == [n for n in inspected if n not in ("output_dir", "download_base")]
    for p in declared:
        got = inspected[p.name]
        assert eval(got["default"]) == p.default, p.name  # noqa: S307 - a literal from our own notebook
        assert got["help"].startswith(p.help.en.split("\n")[0][:40]), p.name
        expected_type = "list" if p.type.startswith("list[") or p.type == "records" else "bool" if p.type == "bool" else \
            "int" if p.type == "int" else "str"
        assert got["inferred_type_name"] == expected_type, p.name


@pytest.mark.parametrize("pid", PRODUCTS)
def test_committed_notebook_is_current(pid):
    """The committed notebook's cells are what `ppguide notebooks` generates from the knowledge today."""
    committed = nbformat.read(NOTEBOOKS / f"{pid}.ipynb", as_version=4)
    fresh = build(load(pid))
    assert [(c.cell_type, c.source, c.metadata.get("tags")) for c in committed.cells] == \
           [(c.cell_type, c.source, c.metadata.get("tags")) for c in fresh.cells], "run `make notebooks`"


@pytest.mark.parametrize("pid", PRODUCTS)
def test_notebook_outputs_regression(pid, tmp_path):
    """Executing the notebook again gives the stored outputs (execution counts and versions masked)."""
    fixture = NBRegressionFixture(
        exec_timeout=300, exec_cwd=str(NOTEBOOKS), exec_allow_errors=True,
        diff_ignore=("/metadata/language_info/version", "/metadata/kernelspec",
                     "/cells/*/execution_count", "/cells/*/outputs/*/execution_count",
                     "/cells/*/metadata/execution"),
        diff_replace=(("/cells/*/outputs", r"/tmp/[^\s`'\"]+", "TMPPATH"),),
    )
    fixture.check(str(NOTEBOOKS / f"{pid}.ipynb"))


def test_papermill_run_writes_the_bundle(tmp_path):
    out = tmp_path / "bundle"
    papermill.execute_notebook(str(NOTEBOOKS / "servermanager.ipynb"), str(tmp_path / "o.ipynb"),
                               parameters=guide_example("servermanager") | {"virtual_computer_name": "ESMSV01",
                                                                             "output_dir": str(out)},
                               progress_bar=False, cwd=str(tmp_path))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["values"]["manager_name"] == "mgr_ESMSV01"        # guide L601-606: mgr_ + virtual name
    assert b'CommunityName:"mgr_ESMSV01"\r\n' == (out / "nvisord.cf").read_bytes()


def test_papermill_refuses_an_unknown_parameter(tmp_path):
    """An injected name the product does not declare fails the run; no bundle is written."""
    out = tmp_path / "bundle"
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        papermill.execute_notebook(str(NOTEBOOKS / "servermanager.ipynb"), str(tmp_path / "o.ipynb"),
                                   parameters={"virtual_computr_name": "ESMSV01", "output_dir": str(out)},
                                   progress_bar=False, cwd=str(tmp_path))
    assert exc.value.ename == "ParameterError"
    assert "virtual_computr_name" in exc.value.evalue
    assert not out.exists()


def test_compose_notebook_writes_the_same_bundle_as_the_cli(tmp_path):
    """notebooks/compose.ipynb takes the group as its parameter and writes what `ppguide compose` writes."""
    import yaml
    from typer.testing import CliRunner

    from ppguide import cli

    group = yaml.safe_load((ROOT / "data" / "example-group.yaml").read_text(encoding="utf-8"))
    papermill.execute_notebook(str(NOTEBOOKS / "compose.ipynb"), str(tmp_path / "o.ipynb"),
                               parameters={"group": group, "output_dir": str(tmp_path / "nb")},
                               progress_bar=False, cwd=str(tmp_path))
    result = CliRunner().invoke(cli.app, ["compose", str(ROOT / "data" / "example-group.yaml"), "-o", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    files = lambda d: {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}  # noqa: E731
    assert files(tmp_path / "nb") == files(tmp_path / "cli")
    start = (tmp_path / "nb" / "start.bat").read_bytes().decode("cp932")
    assert start.count("ARMLOAD.EXE NEC_ESMPROFT_SERVICE") == 2          # once in START, once in FAILOVER


def test_compose_notebook_refuses_unknown_names(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        papermill.execute_notebook(str(NOTEBOOKS / "compose.ipynb"), str(tmp_path / "o.ipynb"),
                                   parameters={"groups": {}, "output_dir": str(tmp_path / "nb")},
                                   progress_bar=False, cwd=str(tmp_path))
    assert "groups" in exc.value.evalue and not (tmp_path / "nb").exists()


def test_the_notebook_refuses_a_folder_of_someone_elses_files_unless_told(tmp_path):
    """ppg.write as the notebook's last cell calls it: their files stay, the message says how to replace on purpose."""
    from ppguide import notebook
    from ppguide.errors import OutputError
    from ppguide.evaluate import evaluate

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("their notes", encoding="utf-8")
    bundle = evaluate("servermanager", guide_example("servermanager") | {"virtual_computer_name": "ESMSV01"})
    with pytest.raises(OutputError) as exc:
        notebook.write(bundle, str(theirs))
    assert "notes.txt" in exc.value.en and "force=True" in exc.value.en and "force=True" in exc.value.ja
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]
    notebook.write(bundle, str(theirs), force=True)
    assert (theirs / "manifest.json").is_file() and not (theirs / "notes.txt").exists()
