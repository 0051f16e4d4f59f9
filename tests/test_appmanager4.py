"""ESMPRO/AppManager Ver4.x bundles against the guide (§1.13, lines 7170-7441).

Expected files and values are written here from the guide, with the line they come from, not from
procedures/appmanager4.yaml. 4.x has no group script (line 7372), so there is no start.bat or stop.bat to run;
the SID SQL files are checked byte for byte and the InstallPath .reg files are imported with Wine's regedit.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from facts import evaluate, facts, write_bundle  # noqa: E402
from wine import session, wine  # noqa: E402,F401

from ppguide.errors import ParameterError  # noqa: E402
from ppguide import evaluate as engine  # noqa: E402
from ppguide.knowledge import load  # noqa: E402

NETIQ_SID = "0xD3E867055C472F448D051684D579EC3D"   # L7319
PROBE_SID = "0x02AF52BCCEDC434E8164142C145A7DD8"   # L7330


def lines(raw: bytes) -> list[str]:
    assert raw.count(b"\n") == raw.count(b"\r\n") and raw.endswith(b"\r\n")      # CRLF, CP932
    return raw.decode("cp932").split("\r\n")[:-1]


def test_no_scripts_and_no_services_in_any_mode():
    # L7372: no start type change and no script; L7378: the management server's group keeps default scripts.
    assert load("appmanager4").script is None
    for mode in ("repository", "server_only", "agent"):
        paths = {f.path for f in evaluate("appmanager4", {"mode": mode}).files}
        assert not paths & {"start.bat", "stop.bat", "services.bat"}


def test_sid_sql_files_align_netiq_and_probe():
    b = evaluate("appmanager4", {})
    # L7300 and L7308 on the active node; L7318-7319 and L7329-7330 (one statement each) on the standby.
    assert lines(b.file("active-read-sids.sql").content)[1:] == [
        "select sid from master.dbo.syslogins where name='netiq'",
        "select sid from master.dbo.syslogins where name='probe'"]
    assert lines(b.file("standby-logins.sql").content)[1:] == [
        f"sp_addlogin 'netiq', 'netiq', default, default, {NETIQ_SID}",
        f"sp_addlogin 'probe', 'probe', default, default, {PROBE_SID}"]
    assert b.file("active-read-sids.sql").place == "active" and b.file("standby-logins.sql").place == "standby"


def test_the_sids_given_are_the_ones_written():
    b = evaluate("appmanager4", {"netiq_sid": "0x" + "AB" * 16, "probe_sid": "0x" + "0f" * 16})
    text = b.file("standby-logins.sql").content.decode("cp932")
    assert text.count("0x" + "AB" * 16) == 1 and text.count("0x" + "0f" * 16) == 1


def test_step_order_of_the_repository_procedure():
    steps = [s.id for s in evaluate("appmanager4", {}).steps]
    # L7295: SIDs after the active install, before the standby's; L7313 the move between; L7338 SP1 after the
    # repository and again after the other modules; L7342 management server after the repository.
    assert steps == ["sql-clustered", "repository-active", "read-sids", "move-to-standby", "standby-logins",
                     "repository-standby", "sp1-repository", "management-server", "sp1-modules", "agents-address"]


@pytest.mark.parametrize("version", ["4.0", "4.1", "4.2", "4.3"])      # L7201-7204
def test_sp1_is_named_after_the_version(version):
    b = evaluate("appmanager4", {"am_version": version})
    titles = [s.title_en for s in b.steps if s.id.startswith("sp1-")]
    assert len(titles) == 2 and all(f"AppManager Ver{version} SP1" in t for t in titles)   # L7206, L7335


@pytest.mark.parametrize("choice,active,standby", [("node", "NODE1", "NODE2"), ("virtual", "VSQL", "VSQL")])
def test_sql_server_name_of_the_repository_install(choice, active, standby):
    b = evaluate("appmanager4", {"repository_sql_name": choice})
    text = {s.id: s.title_en for s in b.steps}
    assert f"SQL server name {active}" in text["repository-active"]       # L7280 (node) / L7253 (virtual)
    assert f"SQL server name {standby}" in text["repository-standby"]
    assert any(e.id == "sql-server-name" for e in b.errata)


def test_ks_job_matches_table_1_13_7():
    b = evaluate("appmanager4", {"mode": "agent", "oracle_sid": "ORA1"})
    rows = [(r["job"], r["machines"], r["parameter"], r["value"])
            for r in csv.DictReader(io.StringIO(b.file("resdependency.csv").content.decode("utf-8-sig")))]
    both = "NODE1 NODE2"                                                              # L7398: both nodes
    assert rows == [
        ("Amadmin_SetResDependency", both, "Knowledge Script/ジョブの分類", "*"),         # L7404
        ("Amadmin_SetResDependency", both, "必要とされる使用可能なリソース", "C:"),      # L7405
        ("Amadmin_SetResDependency", both, "必要とされるアクティブなサービス",
         "OracleServiceORA1, OracleTNSListener80"),                                     # L7406
        # L7407-7408 print バージョン…; the labels of L6809-6810 are emitted (erratum version-labels)
        ("Amadmin_SetResDependency", both, "オペレーションの成功時のイベント通知", "N"),
        ("Amadmin_SetResDependency", both, "オペレーション成功時の警告レベル", "25"),
    ]
    assert {"version-labels", "ks-name-space", "ks-resource"} <= {e.id for e in b.errata}


def test_init_file_of_oracle_8_1_5():
    b = evaluate("appmanager4", {"mode": "agent", "oracle_version": "8.1.5", "switch_drive": "Z:",
                                 "repository_dir": "Z:\\NetIQ", "data_device_dir": "Z:\\D", "log_device_dir": "Z:\\D"})
    step = next(s for s in b.steps if s.id == "oracle-init-copy")
    body = b.file(step.artifact).content.decode("cp932")
    p = "\\oracle\\admin\\ora8i\\pfile\\init.ora"                                         # L7424-7426
    assert f'copy /Y "Z:{p}" "C:{p}"' in body


@pytest.mark.parametrize("given,param", [
    ({"probe_sid": "0x02AF52BCCEDC434E8164142C145A7DD"}, "probe_sid"),       # 31 digits
    ({"probe_sid": None}, "probe_sid"),                                    # L7295: both SIDs
    ({"am_version": "5.0"}, "am_version"),                                 # L7201-7204
    ({"am_version": "4.0 SP1"}, "am_version"),
    ({"repository_dir": "C:\\Program Files\\NetIQ"}, "repository_dir"),    # L7266
    ({"server_os": "Windows Server 2003"}, "server_os"),                   # L7188-7196
    ({"mode": "agent_cluster"}, "mode"),                                   # 4.x switches jobs only (L7392)
    ({"mode": "agent", "oracle_sid": None}, "oracle_sid"),
])
def test_bad_facts_are_refused_and_nothing_is_written(tmp_path, given, param):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as e:
        write_bundle("appmanager4", given, out)
    assert param in e.value.parameters and param in str(e.value)
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("under_software", [True, False])
def test_installpath_reg_round_trip_for_sp1(wine, under_software):
    b = evaluate("appmanager4", {"scenario": "update", "installpath_under_software": under_software})
    # L7438 (without SOFTWARE, erratum netiq-key), L7440; restore as §1.12.8.3 does (L7158).
    key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\NetIQ\\AppManager" if under_software else "HKEY_LOCAL_MACHINE\\NetIQ\\AppManager"
    wine.reg_delete_tree(key)
    wine.import_reg(b.file("installpath-shared.reg").content)
    assert wine.reg_query(key)["InstallPath"] == ("REG_SZ", "y:\\Program Files\\NetIQ")
    wine.import_reg(b.file("installpath-restore.reg").content)
    assert wine.reg_query(key)["InstallPath"] == ("REG_SZ", "c:\\Program Files\\NetIQ")
    wine.reg_delete_tree(key)
    assert {"sp1-procedure", "netiq-key"} <= {e.id for e in b.errata}


def test_joins_a_group_without_adding_script_lines():
    """4.x adds nothing to the SQL Server group's scripts (L7372): composed with ServerManager, the group's
    start.bat is ServerManager's alone and the SQL files travel in appmanager4's folder."""
    from facts import compose
    from facts import evaluate as one
    g = compose({"failover_group": "SQLGROUP", "parameters": {"switch_drive": "Y:"},
                 "products": [{"id": "servermanager"}, {"id": "appmanager4"}]})
    sm = one("servermanager", {"failover_group": "SQLGROUP", "switch_drive": "Y:"})
    body = [ln for ln in g.file("start.bat").content.decode("cp932").split("\r\n") if ln.startswith("ARMLOAD")]
    assert body == [ln for ln in sm.file("start.bat").content.decode("cp932").split("\r\n") if ln.startswith("ARMLOAD")]
    paths = {f.path for f in g.files}
    assert {"appmanager4/active-read-sids.sql", "appmanager4/standby-logins.sql"} <= paths


@pytest.mark.parametrize("mode,needs", [("repository", True), ("server_only", False), ("agent", False)])
def test_sids_are_required_only_in_repository_mode(mode, needs):
    # Only the repository's install aligns the logins' SIDs (L7293-7333).
    extra = {"oracle_sid": "ORA1"} if mode == "agent" else {}
    given = {k: v for k, v in facts("appmanager4", {"mode": mode, **extra}).items() if k not in ("netiq_sid", "probe_sid")}
    if needs:
        with pytest.raises(ParameterError) as e:
            engine.evaluate("appmanager4", given)
        assert {"netiq_sid", "probe_sid"} <= set(e.value.parameters)
    else:
        engine.evaluate("appmanager4", given)
