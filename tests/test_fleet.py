"""Fleet batches (issue 12): inventory merge rules, tables, names, report, skip and resume, executors' bytes."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ppguide import batch, cli, fleet
from ppguide.errors import PpguideError
from ppguide.inputs import read
from ppguide.knowledge import DATA, load
from ppguide.params import validate

runner = CliRunner()
FLEET_YAML = DATA / "example-fleet.yaml"
FLEET_CSV = DATA / "example-fleet.csv"
LIB = str(Path(batch.__file__).resolve().parents[1])


def tree(path: Path) -> dict[str, bytes]:
    """Every file below `path` but the report, by relative path."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and p.name != "report.csv"}


def validated(jobs: list[fleet.Job]) -> list[tuple]:
    return [(j.cluster, j.name, j.product, validate(load(j.product), j.parameters)) for j in jobs]


def small_fleet(n: int, products=("servermanager", "serveragent", "ac-pcbe")) -> dict:
    """n clusters on the example fleet's facts, each with its own names."""
    data = yaml.safe_load(FLEET_YAML.read_text(encoding="utf-8"))
    data["jobs"] = [j for j in data["jobs"] if j["product"] in products]
    declared = {p.name for pid in products for p in load(pid).parameters}
    data["parameters"] = {k: v for k, v in data["parameters"].items() if k in declared}
    shared = {k: v for k, v in data["clusters"][0]["parameters"].items() if k in declared}
    data["clusters"] = [{"name": f"c{i:03d}", "parameters": dict(shared,
                         virtual_computer_name=f"ESM{i:03d}", failover_group=f"grp{i:03d}")} for i in range(n)]
    return data


def write_yaml(path: Path, data: dict) -> Path:
    data = json.loads(json.dumps(data))          # no shared objects: they would become YAML aliases
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def batch_cli(*args: str):
    return runner.invoke(cli.app, ["batch", *map(str, args)], env={"COLUMNS": "200"})


# ----------------------------------------------------------------------------------------------
# the inventory
# ----------------------------------------------------------------------------------------------

def test_job_over_cluster_over_fleet():
    jobs = fleet.read_fleet(FLEET_YAML)
    by = {(j.cluster, j.name): j for j in jobs}
    assert [j.folder for j in jobs][:3] == ["tokyo-01/servermanager", "tokyo-01/serveragent", "tokyo-01/ac-pcbe"]
    sm = by["tokyo-01", "servermanager"].parameters
    assert sm["switch_drive"] == "X:" and sm["virtual_computer_name"] == "ESMTKY01"    # fleet, cluster
    assert sm["clusterpro_manager_on_server"] == "true"                               # the job's own
    assert "subnet_mask" not in sm and "node_ips" not in sm        # shared facts servermanager does not declare
    assert by["nagoya-01", "servermanager"].parameters["switch_drive"] == "Y:"       # job over fleet
    assert [j.product for j in jobs if j.cluster == "nagoya-01"] == ["servermanager", "serveragent"]  # own list
    assert all(j.error is None for j in jobs)


def test_single_cluster_inventory_stays_valid():
    jobs = fleet.read_fleet(DATA / "example-cluster.yaml")
    listed = yaml.safe_load((DATA / "example-cluster.yaml").read_text(encoding="utf-8"))["jobs"]   # one job each
    assert len(jobs) == len(listed) >= 9 and all(j.error is None and j.cluster == "" for j in jobs)
    assert jobs[0].folder == "servermanager" and jobs[0].parameters["nodes"] == ["SERVER1", "SERVER2"]


def test_a_shared_fact_no_product_declares_is_refused():
    data = small_fleet(1)
    data["parameters"]["virtual_computer_nme"] = "X"
    with pytest.raises(PpguideError, match="virtual_computer_nme.*did you mean 'virtual_computer_name'"):
        fleet.expand(data)
    data = small_fleet(2)
    data["clusters"][1]["parameters"]["swich_drive"] = "Y:"
    jobs = fleet.expand(data)
    bad = [j for j in jobs if j.error]
    assert len(bad) == 1 and bad[0].cluster == "c001" and "swich_drive" in bad[0].error.en
    assert len(jobs) == 3 + 1


@pytest.mark.parametrize("name, why, why_ja", [
    ("a/b", "one of", "のいずれか"), ("CON", "device name", "デバイス名"), (".hidden", "dot at the start", "先頭のドット"),
    ("report.csv", "report.csv", "バッチの report.csv"), ("x" * 101, "at most 100", "100 文字まで"),
    ("..", "the name '..'", "名前 '..'"), ("a\u200bb", "invisible character", "不可視文字")])
def test_cluster_names_are_checked(name, why, why_ja):
    data = small_fleet(2)
    data["clusters"][1]["name"] = name
    jobs = fleet.expand(data)
    bad = [j for j in jobs if j.error]
    assert len(bad) == 1 and why in bad[0].error.en and bad[0].folder is None
    # The Japanese message gives the reason in Japanese, not the English reason inside Japanese brackets.
    assert why_ja in bad[0].error.ja and why not in bad[0].error.ja.replace(name, "")
    assert sum(j.error is None for j in jobs) == 3


def test_names_are_unique_without_regard_to_case():
    data = small_fleet(2)
    data["clusters"][1]["name"] = "C000"
    data["clusters"][0]["jobs"] = [{"product": "servermanager", "name": "sm"},
                                   {"product": "serveragent", "name": "SM"},
                                   {"product": "serveragent"}, {"product": "serveragent"}]
    del data["clusters"][0]["parameters"]["public_ip"]        # no job of the cluster declares it any more
    jobs = fleet.expand(data)
    assert [(j.name, j.error is None) for j in jobs] == [("sm", True), ("SM", False), ("serveragent", True),
                                                         ("serveragent-4", True), ("", False)]
    assert "another job" in jobs[1].error.en and "another cluster" in jobs[4].error.en


def test_table_and_yaml_give_the_same_jobs(tmp_path):
    import pandas as pd

    from_yaml = validated(fleet.read_fleet(FLEET_YAML))
    assert validated(fleet.read_fleet(FLEET_CSV)) == from_yaml
    frame = pd.read_csv(FLEET_CSV, dtype=str, keep_default_na=False)
    frame.to_excel(tmp_path / "fleet.xlsx", index=False)
    assert validated(fleet.read_fleet(tmp_path / "fleet.xlsx")) == from_yaml
    # Excel on Japanese Windows saves CSV as CP932
    (tmp_path / "sjis.csv").write_bytes(FLEET_CSV.read_text(encoding="utf-8").encode("cp932"))
    assert validated(fleet.read_fleet(tmp_path / "sjis.csv")) == from_yaml


def edited_table(path: Path, edit) -> Path:
    """The example fleet's table with each row (a dict) passed through `edit`."""
    rows = list(csv.DictReader(io.StringIO(FLEET_CSV.read_text(encoding="utf-8"))))
    rows = [edit(dict(r)) for r in rows]
    text = io.StringIO()
    w = csv.DictWriter(text, list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def test_table_cells_stay_text(tmp_path):
    table = edited_table(tmp_path / "f.csv", lambda r: r | {"sm_version": "4.10" if r["product"] == "servermanager" else ""})
    jobs = fleet.read_fleet(table)
    sm = [j for j in jobs if j.product == "servermanager"]
    assert [validate(load("servermanager"), j.parameters)["sm_version"] for j in sm] == ["4.10"] * 3
    assert "sm_version" not in next(j for j in jobs if j.product == "serveragent").parameters


def test_table_refuses_unknown_columns_and_reports_bad_json(tmp_path):
    text = FLEET_CSV.read_text(encoding="utf-8")
    (tmp_path / "typo.csv").write_text(text.replace("failover_group", "failover_grup", 1), encoding="utf-8")
    with pytest.raises(PpguideError, match="failover_grup.*did you mean 'failover_group'"):
        fleet.read_fleet(tmp_path / "typo.csv")
    (tmp_path / "json.csv").write_text(text.replace('"[{""name"": ""UPS1""', '"[{""name"" ""UPS1""', 1), encoding="utf-8")
    jobs = fleet.read_fleet(tmp_path / "json.csv")
    bad = [j for j in jobs if j.error]
    assert [(j.cluster, j.product) for j in bad] == [("tokyo-01", "ac-pcbe")]
    assert "row 4" in bad[0].error.en and "'ups'" in bad[0].error.en and "JSON" in bad[0].error.en


# ----------------------------------------------------------------------------------------------
# the run: report, stale bundles, skip, force, executors
# ----------------------------------------------------------------------------------------------

def test_report_lists_every_job_and_a_failed_job_loses_its_stale_bundle(tmp_path):
    data = small_fleet(2)
    inv = write_yaml(tmp_path / "fleet.yaml", data)
    out = tmp_path / "out"
    assert batch_cli(inv, "-o", out, "--jobs", "1").exit_code == 0
    assert (out / "c001" / "servermanager" / "manifest.json").is_file()
    data["clusters"][1]["jobs"] = [{"product": "servermanager", "parameters": {"switch_drive": "1:"}},
                                   {"product": "serveragent"}]
    del data["clusters"][1]["parameters"]["public_ip"]        # only ac-pcbe, no longer in its list, declares it
    data["clusters"].append({"name": "bad/name", "parameters": {}})
    write_yaml(inv, data)
    result = batch_cli(inv, "-o", out, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert not (out / "c001" / "servermanager").exists()          # the stale bundle went with the failure
    assert (out / "c001" / "ac-pcbe").is_dir()                    # not in the inventory any more: not touched
    rows = list(csv.DictReader(io.StringIO((out / "report.csv").read_bytes().decode("utf-8-sig"))))
    assert list(rows[0]) == list(batch.REPORT_COLUMNS)
    assert [(r["cluster"], r["job"], r["product"], r["ok"], r["status"]) for r in rows] == [
        ("c000", "servermanager", "servermanager", "yes", "current"),
        ("c000", "serveragent", "serveragent", "yes", "current"),
        ("c000", "ac-pcbe", "ac-pcbe", "yes", "current"),
        ("c001", "servermanager", "servermanager", "no", "failed"),
        ("c001", "serveragent", "serveragent", "yes", "current"),
        ("bad/name", "", "", "no", "failed")]
    assert "switch_drive" in rows[3]["error"] and "ドライブ" in rows[3]["error_ja"]
    assert rows[0]["files"] == "13" and int(rows[0]["warnings"]) > 0
    assert "c001" in result.output and "failed" in result.output
    assert "job c001/servermanager (servermanager)" in result.output and "ジョブ c001/servermanager" in result.output


def test_a_current_bundle_is_left_alone_until_forced_or_changed(tmp_path):
    inv = write_yaml(tmp_path / "fleet.yaml", small_fleet(1))
    out = tmp_path / "out"
    assert batch_cli(inv, "-o", out, "--jobs", "1").exit_code == 0
    start = out / "c000" / "servermanager" / "start.bat"
    before = tree(out)
    stamp = start.stat().st_mtime_ns
    result = batch_cli(inv, "-o", out, "--jobs", "1")
    assert "0 written, 3 already current" in result.output
    assert start.stat().st_mtime_ns == stamp and tree(out) == before
    start.write_bytes(b"edited by hand\r\n")                      # a changed file: the bundle is not current
    assert "1 written, 2 already current" in batch_cli(inv, "-o", out, "--jobs", "1").output
    assert tree(out) == before
    assert "3 written" in batch_cli(inv, "-o", out, "--jobs", "1", "--force").output
    assert tree(out) == before
    manifest = json.loads((out / "c000" / "servermanager" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["inputs_sha256"]) == 64


def test_parallel_and_sequential_runs_write_the_same_bytes(tmp_path):
    inv = write_yaml(tmp_path / "fleet.yaml", small_fleet(4))
    assert batch_cli(inv, "-o", tmp_path / "one", "--jobs", "1").exit_code == 0
    assert batch_cli(inv, "-o", tmp_path / "two", "--jobs", "2").exit_code == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two") and len(tree(tmp_path / "one")) > 12
    assert (tmp_path / "one" / "report.csv").read_bytes() == (tmp_path / "two" / "report.csv").read_bytes()


def test_dask_writes_the_same_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    jobs = fleet.expand(small_fleet(2))
    local = batch.run_all(jobs, tmp_path / "local")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        remote = batch.run_all(jobs, tmp_path / "dask", executor="dask", scheduler=c.scheduler_address)
    assert [r.ok for r in remote] == [True] * 6 and [r.status for r in local] == [r.status for r in remote]
    assert tree(tmp_path / "local") == tree(tmp_path / "dask")


def test_an_unreachable_scheduler_writes_nothing(tmp_path, monkeypatch):
    from ppguide import executors
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    inv = write_yaml(tmp_path / "fleet.yaml", small_fleet(1))
    result = batch_cli(inv, "-o", tmp_path / "out", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "scheduler" in result.output
    assert not (tmp_path / "out").exists()


def test_notebook_engine_goes_through_the_pool(tmp_path):
    data = small_fleet(1, products=("servermanager",))
    data["clusters"].append(dict(data["clusters"][0], name="c001"))
    inv = write_yaml(tmp_path / "fleet.yaml", data)
    assert batch_cli(inv, "-o", tmp_path / "direct", "--jobs", "1").exit_code == 0
    result = batch_cli(inv, "-o", tmp_path / "notebook", "--jobs", "2", "--engine", "notebook")
    assert result.exit_code == 0, result.output
    assert tree(tmp_path / "direct") == tree(tmp_path / "notebook")


def test_a_killed_batch_leaves_whole_bundles_and_resumes_to_the_same_bytes(tmp_path):
    inv = write_yaml(tmp_path / "fleet.yaml", small_fleet(24))
    clean, out = tmp_path / "clean", tmp_path / "out"
    assert batch_cli(inv, "-o", clean, "--jobs", "2").exit_code == 0
    env = dict(os.environ, PYTHONPATH=LIB)
    proc = subprocess.Popen([sys.executable, "-m", "ppguide.cli", "batch", str(inv), "-o", str(out), "--jobs", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*/*/manifest.json"))) < 10 and proc.poll() is None:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = list(out.glob("*/*/manifest.json"))
    assert 0 < len(done) < 72, "the batch should be killed midway"
    for manifest in done:                                   # every bundle on disk is whole
        bundle = manifest.parent
        assert {a["path"] for a in json.loads(manifest.read_text(encoding="utf-8"))["artifacts"]} | {"manifest.json"} \
            == {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    result = batch_cli(inv, "-o", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "already current" in result.output
    assert tree(out) == tree(clean)
    assert not [p for p in out.rglob(".*ppguide-*")]        # no staging folder left behind


def test_excel_numbers_are_not_read_as_text(tmp_path):
    """An Excel number cell where text is expected is refused (4.10 would be 4.1), not turned into text."""
    import pandas as pd

    frame = pd.read_csv(FLEET_CSV, dtype=str, keep_default_na=False)
    frame["sm_version"] = [4.1 if p == "servermanager" else "" for p in frame["product"]]
    frame.to_excel(tmp_path / "fleet.xlsx", index=False)
    jobs = fleet.read_fleet(tmp_path / "fleet.xlsx")
    sm = next(j for j in jobs if j.product == "servermanager")
    assert sm.parameters["sm_version"] == 4.1
    with pytest.raises(PpguideError, match="sm_version.*text, not the float"):
        validate(load("servermanager"), sm.parameters)
    assert "sm_version" not in next(j for j in jobs if j.product == "serveragent").parameters


@pytest.mark.parametrize("name, kind, kind_ja", [(None, "null (no value)", "null (値なし)"), (5, "a whole number", "整数"),
                                                (["a"], "a list", "リスト")])
def test_a_job_name_that_is_not_text_is_named_in_japanese_too(name, kind, kind_ja):
    data = small_fleet(1)
    data["jobs"][0]["name"] = name
    bad = [j for j in fleet.expand(data) if j.error]
    assert len(bad) == 1 and f"{kind}, not text" in bad[0].error.en and "NoneType" not in bad[0].error.en
    assert f"文字列ではなく{kind_ja}" in bad[0].error.ja and "NoneType" not in bad[0].error.ja
