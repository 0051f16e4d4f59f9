"""The CLI passes what it is given to the library, and both engines write the same bytes."""
from __future__ import annotations

import json
from pathlib import Path

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


def test_params_shows_what_each_parameter_expects():
    result = runner.invoke(cli.app, ["params", "servermanager"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert "virtual_computer_name  required\n    a computer (NetBIOS) name\n" in result.output


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


def good_and_bad_jobs(tmp_path) -> Path:
    """An inventory of two servermanager jobs: `good`, and `bad` with a switch drive that is no drive."""
    inv = tmp_path / "inv.yaml"
    inv.write_text("parameters: {virtual_computer_name: ESMPRO, failover_group: grp1, nodes: [SV1, SV2],\n"
                   "             switch_drive: 'X:', virtual_ip: 192.168.10.100}\n"
                   "jobs:\n  - {product: servermanager, name: good}\n"
                   "  - {product: servermanager, name: bad, parameters: {switch_drive: '1:'}}\n", encoding="utf-8")
    return inv


def test_batch_reports_each_job(tmp_path):
    inv = good_and_bad_jobs(tmp_path)
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


# -- what the command line prints (issue 13): --json, --quiet, summaries, values as typed -------------------

import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import yaml  # noqa: E402
from rich.cells import cell_len  # noqa: E402

from ppguide.examples import guide_example  # noqa: E402
from ppguide.knowledge import load, product_ids  # noqa: E402

COMMANDS = ["products", "check", "params", "run", "batch", "compose", "audit", "notebooks", "docs"]
TYPE_NOISE = re.compile(r"<(bool|str|int|path|Path|list\[[^]]*\]|float)>")


def facts_file(tmp_path, product="servermanager", **extra):
    f = tmp_path / f"{product}.yaml"
    f.write_text(yaml.safe_dump(guide_example(product) | extra, allow_unicode=True), encoding="utf-8")
    return f


def test_run_json_lists_the_bundle_and_every_notice(tmp_path):
    out = tmp_path / "b"
    result = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)           # nothing but the JSON on standard output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(str(p.relative_to(out)).replace("\\", "/") for p in out.rglob("*") if p.is_file())
    assert data["ok"] is True and data["product"] == "servermanager" and data["output"] == str(out)
    assert sorted(data["files"]) == on_disk
    assert data["warnings"] == manifest["warnings"] and data["errata"] == manifest["errata"]


def test_run_json_error_is_json_too_and_writes_nothing(tmp_path):
    out = tmp_path / "b"
    result = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-p", "switch_drive=XX",
                                     "-o", str(out), "--json"])
    assert result.exit_code == 2 and not out.exists()
    data = json.loads(result.stdout)
    assert data["ok"] is False and "switch_drive" in data["error"]["en"] and "ドライブ" in data["error"]["ja"]


def test_quiet_prints_nothing_but_errors(tmp_path):
    good = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-o", str(tmp_path / "q"), "-q"])
    assert good.exit_code == 0 and good.output == "" and (tmp_path / "q" / "manifest.json").is_file()
    bad = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-p", "nodes=[]",
                                  "-o", str(tmp_path / "r"), "--quiet"])
    assert bad.exit_code == 2 and bad.stdout == "" and "error:" in bad.stderr and "nodes" in bad.stderr


def test_notices_are_counted_and_listed_on_request(tmp_path):
    args = ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-o", str(tmp_path / "b")]
    short = runner.invoke(cli.app, args)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    n_warn, n_err = len(manifest["warnings"]), len(manifest["errata"])
    assert n_warn and n_err        # the guide's servermanager example has both (otherwise this test proves nothing)
    lines = short.stdout.splitlines()
    assert len(lines) == 2, short.stdout
    assert f"{n_warn} warnings" in lines[1] and f"{n_err} guide errata" in lines[1] and "checklist.md" in lines[1]
    full = runner.invoke(cli.app, [*args, "--verbose"], env={"COLUMNS": "300"})
    assert all(f"warning {w['id']}:" in full.stdout for w in manifest["warnings"])
    assert all(f"erratum {e['id']} (guide line {e['line']})" in full.stdout for e in manifest["errata"])


def test_windows_paths_print_as_typed(tmp_path):
    # A path typed where a version is expected: the message shows S:\nwork, not Python's 'S:\\nwork'.
    result = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-p", r"sm_version=S:\nwork",
                                     "-o", str(tmp_path / "b")], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert r"'S:\nwork'" in result.stderr and r"S:\\nwork" not in result.stderr
    # An erratum's corrected path (servermanager emits X:\nwork for the guide's line 649) prints as the engineer types it.
    full = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-o", str(tmp_path / "c"), "-v"],
                         env={"COLUMNS": "300"})
    assert "ppguide emits:    X:\\nwork" in full.stdout and "X:\\\\nwork" not in full.stdout


def test_invisible_characters_are_shown_escaped(tmp_path):
    result = runner.invoke(cli.app, ["run", "servermanager", "-f", str(facts_file(tmp_path)), "-p", "sm_version=4.16\u200b",
                                     "-o", str(tmp_path / "b")], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "'4.16<U+200B>'" in result.stderr


@pytest.mark.parametrize("pid", product_ids())
def test_params_reads_at_80_columns_one_block_per_parameter(pid):
    result = runner.invoke(cli.app, ["params", pid], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    body = lines[lines.index("") + 1:]                 # after the header: the blocks, one per parameter
    heads = [line.split("  ")[0] for line in body if line and not line.startswith(" ")]
    assert heads == [d.name for d in load(pid).parameters]
    for d in load(pid).parameters:
        head = next(line for line in lines if line.split("  ")[0] == d.name)
        if d.required:
            assert head.endswith("required")
        elif isinstance(d.default, str) and d.default:
            assert head.endswith(f"default: {d.default}")          # as typed: no Python quotes
        elif isinstance(d.default, bool):
            assert head.endswith(f"default: {'true' if d.default else 'false'}")


def test_params_json_declares_every_parameter():
    result = runner.invoke(cli.app, ["params", "ac-snmp", "--json"])
    data = json.loads(result.stdout)
    declared = {d.name: d for d in load("ac-snmp").parameters}
    assert [p["name"] for p in data["parameters"]] == list(declared)
    for p in data["parameters"]:
        assert p["required"] == declared[p["name"]].required
        assert ("default" in p) == (not p["required"])


def test_products_json_lists_every_product():
    data = json.loads(runner.invoke(cli.app, ["products", "--json"]).stdout)
    assert [p["id"] for p in data] == product_ids() and all(p["ok"] for p in data)
    assert {p["id"]: p["section"] for p in data}["servermanager"] == "1.2"


def test_batch_json_and_quiet(tmp_path):
    inv = good_and_bad_jobs(tmp_path)
    result = runner.invoke(cli.app, ["batch", str(inv), "-o", str(tmp_path / "out"), "--json", "--jobs", "1"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and [(j["name"], j["ok"]) for j in data["jobs"]] == [("good", True), ("bad", False)]
    assert data["report"] == str(tmp_path / "out" / "report.csv")
    quiet = runner.invoke(cli.app, ["batch", str(inv), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    assert quiet.exit_code == 2 and quiet.stdout == "" and "job bad" in quiet.stderr


def test_compose_json(tmp_path):
    result = runner.invoke(cli.app, ["compose", str(ROOT / "data" / "example-group.yaml"), "-o", str(tmp_path / "g"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    group = yaml.safe_load((ROOT / "data" / "example-group.yaml").read_text(encoding="utf-8"))
    assert set(data["products"]) == {p["id"] for p in group["products"]}
    assert "start.bat" in data["files"] and "manifest.json" in data["files"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_noise_and_fits_80_columns(command):
    result = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert not TYPE_NOISE.search(result.stdout), result.stdout
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80, result.stdout


def test_notebook_engine_prints_no_kernel_noise(tmp_path):
    """`run --engine notebook` (and so `make example`'s docs) prints what ppguide says and nothing from the kernel."""
    proc = subprocess.run([sys.executable, "-m", "ppguide.cli", "run", "servermanager", "-f", str(facts_file(tmp_path)),
                           "-o", str(tmp_path / "nb"), "--engine", "notebook", "-q"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "", proc.stderr


def test_an_empty_p_value_is_empty_text_not_null():
    """-p NAME= gives the text '' (refused or accepted by the parameter's type), never null, which would read as
    "not given" for a parameter without default (AppManager's oracle_sid) and so slip past its type."""
    from ppguide import inputs
    assert inputs.assignment("oracle_sid=") == ("oracle_sid", "")
    assert inputs.assignment("nodes=[A, B]") == ("nodes", ["A", "B"])
