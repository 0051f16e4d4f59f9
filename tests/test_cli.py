"""The CLI passes what it is given to the library, and both engines write the same bytes."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ppguide import cli
from ppguide.knowledge import ROOT

runner = CliRunner()


def tree(path):
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_products_lists_servermanager():
    result = runner.invoke(cli.app, ["products"])
    assert result.exit_code == 0 and "servermanager" in result.output


def test_params_shows_the_table():
    result = runner.invoke(cli.app, ["params", "servermanager"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert "virtual_computer_name" in result.output and "netbios" in result.output


def test_run_passes_parameters_to_the_engine(monkeypatch, tmp_path):
    seen = {}

    def fake(product, given, outdir, engine, force=False, keep=()):
        seen.update(product=product, given=given, outdir=outdir, engine=engine)
        return {"artifacts": [], "warnings": [], "errata": []}

    monkeypatch.setattr(cli.batch_mod, "run_one", fake)
    params_file = tmp_path / "site.yaml"
    params_file.write_text("switch_drive: 'Y:'\nnodes: [A, B]\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["run", "servermanager", "-p", "virtual_computer_name=ESMSV01",
                                     "-p", "nodes=[N1, N2]", "-f", str(params_file), "-o", str(tmp_path / "o"),
                                     "--engine", "notebook"])
    assert result.exit_code == 0, result.output
    assert seen == {"product": "servermanager", "engine": "notebook", "outdir": tmp_path / "o",
                    "given": {"switch_drive": "Y:", "nodes": ["N1", "N2"], "virtual_computer_name": "ESMSV01"}}


def test_bad_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "o"
    result = runner.invoke(cli.app, ["run", "servermanager", "-p", "switch_drive=XX", "-o", str(out)])
    assert result.exit_code == 2
    assert "switch_drive" in result.output and "ドライブ" in result.output
    assert not out.exists()


def test_both_engines_write_identical_bundles(tmp_path):
    args = ["-p", "virtual_computer_name=ESMSV01", "-p", "clusterpro_manager_on_server=true", "-p", "failover_group=grp1",
            "-p", "nodes=[SV1, SV2]", "-p", "switch_drive=X:", "-p", "virtual_ip=192.168.10.100"]
    for engine in ("direct", "notebook"):
        result = runner.invoke(cli.app, ["run", "servermanager", *args, "-o", str(tmp_path / engine), "--engine", engine])
        assert result.exit_code == 0, result.output
    direct, notebook = tree(tmp_path / "direct"), tree(tmp_path / "notebook")
    assert direct == notebook
    assert json.loads(direct["manifest.json"])["parameters"]["virtual_computer_name"] == "ESMSV01"


def test_batch_reports_each_job(tmp_path):
    inv = tmp_path / "inv.yaml"
    inv.write_text("parameters: {virtual_computer_name: ESMPRO, failover_group: grp1, nodes: [SV1, SV2],\n"
                   "             switch_drive: 'X:', virtual_ip: 192.168.10.100}\n"
                   "jobs:\n  - {product: servermanager, name: good}\n"
                   "  - {product: servermanager, name: bad, parameters: {switch_drive: '1:'}}\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["batch", str(inv), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (tmp_path / "out" / "good" / "manifest.json").is_file()
    assert not (tmp_path / "out" / "bad").exists()


def test_example_inventory_runs():
    from ppguide.batch import read_inventory
    jobs = read_inventory(__import__("yaml").safe_load((ROOT / "data" / "example-cluster.yaml").read_text()))
    assert [j.product for j in jobs][:1] == ["servermanager"]


def test_parameters_from_standard_input(tmp_path):
    """`-f -` reads the parameters from standard input (a pipe is read like a file), values kept as typed."""
    facts = "\n".join(["virtual_computer_name: ESMSV01", "failover_group: grp1", "nodes: [SV1, SV2]",
                       "switch_drive: 'X:'", "virtual_ip: 192.168.10.100", "sm_version: 4.16"])
    result = runner.invoke(cli.app, ["run", "servermanager", "-f", "-", "-o", str(tmp_path / "b")], input=facts)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["nodes"] == ["SV1", "SV2"] and manifest["parameters"]["sm_version"] == "4.16"
