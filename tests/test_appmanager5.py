"""WebSAM AppManager Ver5.0 bundles against the guide (§2.3, lines 9347-9773).

Expected statements, values, files and orders are written here from the guide, each with its line, not
from procedures/appmanager5.yaml. The chapter prints no start.bat or stop.bat (line 9555: none needed; line
9702: the default scripts), so the Wine runs cover the command files the bundle does emit: the start types
of the two SQL Server services, and the copy of Oracle's init file from the shared disk, with a real copy.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from facts import compose, evaluate, facts, write_bundle  # noqa: E402
from ppguide import evaluate as engine  # noqa: E402
from ppguide.cited import normalise  # noqa: E402
from ppguide.errors import ParameterError  # noqa: E402
from wine import session, wine  # noqa: E402,F401

PID = "appmanager5"
# SIDs other than the guide's samples, so that a test sees the parameter and not a copied constant.
NETIQ_SID = "0x0123456789ABCDEF0123456789ABCDEF"
PROBE_SID = "0xFEDCBA9876543210FEDCBA9876543210"


def lines(f) -> list[str]:
    """The statements of an SQL or batch file: no comments, no blank lines."""
    return [ln for ln in f.text().split("\r\n") if ln and not ln.startswith("--")]


def step_ids(bundle) -> list[str]:
    return [s.id for s in bundle.steps]


def refused(given: dict) -> ParameterError:
    with pytest.raises(ParameterError) as err:
        evaluate(PID, given)
    return err.value


# --- SID alignment (⑧ L9479-9495, ⑨ L9497-9517) -------------------------------------------------------

@pytest.mark.parametrize("mode", ["full", "manager"])
def test_active_node_reads_both_sids(mode):
    b = evaluate(PID, {"mode": mode})
    f = b.file("active-read-sids.sql")
    assert (f.role, f.place, f.encoding) == ("sql", "active", "cp932")
    assert lines(f) == ["select sid from master.dbo.syslogins where name='netiq'",     # L9486
                        "GO",
                        "select sid from master.dbo.syslogins where name='probe'",     # L9492
                        "GO"]


@pytest.mark.parametrize("mode", ["full", "manager"])
def test_standby_logins_carry_the_active_nodes_sids(mode):
    b = evaluate(PID, {"mode": mode, "netiq_sid": NETIQ_SID, "probe_sid": PROBE_SID})
    f = b.file("standby-logins.sql")
    assert (f.role, f.place, f.encoding) == ("sql", "standby", "cp932")
    # L9502-9503 and L9513-9514, the SID being the last argument (L9506, L9517); GO: a procedure
    # called without EXEC must open its batch.
    assert lines(f) == [f"sp_addlogin 'netiq', 'netiq', default, default, {NETIQ_SID}", "GO",
                        f"sp_addlogin 'probe', 'probe', default, default, {PROBE_SID}", "GO"]
    assert f.content.count(b"\r\n") == f.content.count(b"\n")        # CRLF only
    assert "SERVER2" in f.text() and "SERVER1" in f.text()          # run on the standby, SIDs read on the active node


def test_the_guides_sample_sids_give_the_guides_statements():
    """With the guide's own SIDs (L9503, L9514) the statements are the guide's, joined from their two lines."""
    b = evaluate(PID, {})
    guide = [normalise("sp_addlogin 'netiq', 'netiq', default, default, 0xD3E867055C472F448D051684D579EC3D"),
             normalise("sp_addlogin 'probe', 'probe', default, default, 0x02AF52BCCEDC434E8164142C145A7DD8")]
    got = [normalise(x) for x in lines(b.file("standby-logins.sql")) if x != "GO"]
    assert got == guide


@pytest.mark.parametrize("mode", ["server_only", "agent"])
def test_no_sql_where_no_repository_is_on_the_cluster(mode):
    b = evaluate(PID, {"mode": mode})
    assert not [f for f in b.files if f.path.endswith(".sql")]
    assert "read-sids" not in step_ids(b) and "standby-logins" not in step_ids(b)


# --- order of the steps per mode ----------------------------------------------------------------------

def before(ids: list[str], *chain: str) -> bool:
    return all(ids.index(a) < ids.index(b) for a, b in zip(chain, chain[1:]))


@pytest.mark.parametrize("mode", ["full", "manager"])
def test_repository_and_sid_order(mode):
    ids = step_ids(evaluate(PID, {"mode": mode}))
    # SQL Server clustered first (L9417); the active install, then the SIDs read (L9481), the group moved to
    # the standby (L9495), the logins created there (L9499), then the standby install (L9519); the
    # management server after the repository on both nodes (L9426, L9524, L9672).
    manager = "manager-full" if mode == "full" else "manager-shared"
    assert before(ids, "sql-clustered", "repository-active", "read-sids", "move-to-standby", "standby-logins",
                  "repository-standby", manager)
    # the SQL Server services stay manual on each node after its install (「いいえ」, L9469, L9475)
    assert before(ids, "repository-active", "sql-services-active", "move-to-standby")
    assert before(ids, "repository-standby", "sql-services-standby", manager)


def test_sql_services_stay_manual_on_each_node():
    b = evaluate(PID, {})
    for n in ("03-sql-services-active", "08-sql-services-standby"):
        assert lines(b.file(f"commands/{n}.bat"))[-2:] == ["sc config MSSQLServer start= demand",     # L9465
                                                           "sc config SQLServerAgent start= demand"]  # L9471


def test_mode_full_installs_locally_with_each_nodes_name():
    b = evaluate(PID, {"mode": "full"})
    active = next(s for s in b.steps if s.id == "repository-active")
    assert "C:\\Program Files\\NetIQ" in active.title_en                      # L9439
    assert "SQL server name SERVER1" in active.title_en                       # ③ L9452: the node's own name
    assert "「AppManager リポジトリ」" in active.title_en                        # L9446
    assert "Z:\\Program Files\\Microsoft SQL\\Data" in active.title_en        # L9462, space dropped
    virtual = next(s for s in evaluate(PID, {"repository_sql_name": "virtual"}).steps if s.id == "repository-active")
    assert "SQL server name ESMPRO" in virtual.title_en                       # L9424
    mgr = next(s for s in b.steps if s.id == "manager-full")
    assert "repository server ESMPRO" in mgr.title_en                         # L9551
    assert "no-scripts" in step_ids(b)                                        # L9555
    agents = next(s for s in b.steps if s.id == "agents-address")
    assert "192.168.10.100" in agents.title_en and agents.place == "managed_server"   # L9559


def test_mode_manager_installs_on_the_shared_disk():
    b = evaluate(PID, {"mode": "manager"})
    active = next(s for s in b.steps if s.id == "repository-active")
    assert "into Z:\\Program Files\\NetIQ" in active.title_en                 # L9587: the install_dir moved to Z:
    assert "SQL server name ESMPRO" in active.title_en                        # L9600
    shared = next(s for s in b.steps if s.id == "manager-shared")
    assert "「AppManager 管理サーバ」" in shared.title_en and "Z:\\Program Files\\NetIQ" in shared.title_en  # L9682, L9688
    assert "agents-address" not in step_ids(b) and "no-scripts" not in step_ids(b)
    assert "manager-mode-services" in [w.id for w in b.warnings]            # L9702 "この場合も"


@pytest.mark.parametrize("existing", [False, True])
def test_mode_server_only(existing):
    b = evaluate(PID, {"mode": "server_only", "existing_group": existing})
    ids = step_ids(b)
    assert "manager-server-only" in ids and "repository-active" not in ids
    # L9702: a new group whose only resource is the FIP; L9704: or the FIP of an existing group
    assert ("server-only-existing" in ids) == existing and ("server-only-group" in ids) == (not existing)
    assert "stale-section" in [e.id for e in b.errata]                        # L9702 "1. 12. 6. 3"
    assert [f.path for f in b.files if f.path.endswith((".sql", ".csv"))] == []


def test_mode_agent():
    b = evaluate(PID, {"mode": "agent"})
    ids = step_ids(b)
    assert before(ids, "agent-install", "resdependency", "inactive-check")   # L9714, L9716, L9712
    assert not {"repository-active", "manager-full", "agents-address"} & set(ids)
    resdep = next(s for s in b.steps if s.id == "resdependency")
    assert "Amadmin_SetResDependency" in resdep.title_en and "master" in resdep.title_en   # L9718-9720


# --- Amadmin_SetResDependency (表2.3.8, L9722-9731) ------------------------------------------------------

def resdep_rows(b) -> list[list[str]]:
    text = b.file("resdependency.csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_resdependency_is_the_guides_table_by_default():
    b = evaluate(PID, {"mode": "agent"})
    assert resdep_rows(b) == [["パラメータ説明", "パラメータ値"],                                  # L9724
                              ["Knowledge Script/ジョブの分類", "*"],                             # L9725
                              ["必要とされる使用可能なリソース", "C:"],                           # L9726
                              ["必要とされるアクティブなサービス", "OracleServiceSID1, OracleTNSListener80"],  # L9727
                              ["オペレーションの成功時のイベント通知", "N"],                      # L9728
                              ["オペレーション成功時の警告レベル", "25"]]                         # L9729
    assert "example-services" in [w.id for w in b.warnings]


def test_resdependency_lists_every_given_service():
    services = ["OracleServiceORCL", "OracleOraHome92TNSListener", "OracleOraHome92Agent"]
    b = evaluate(PID, {"mode": "agent", "monitored_services": services, "required_resource": "Z:"})
    rows = dict(resdep_rows(b)[1:])
    assert rows["必要とされるアクティブなサービス"] == ", ".join(services)
    assert rows["必要とされる使用可能なリソース"] == "Z:"
    assert b.values["resdep_services"] == "OracleServiceORCL, OracleOraHome92TNSListener, OracleOraHome92Agent"
    assert "example-services" not in [w.id for w in b.warnings]


# --- Oracle init file (§2.3.9.1, L9737-9747) and timed_statistics (§2.3.9.2, L9751-9755) ------------------

@pytest.mark.parametrize("version,path", [
    ("8.0.5", "\\orant\\Database\\initPROD.ora"),          # L9741-9743
    ("8.1.6", "\\orant\\Database\\initPROD.ora"),          # L9741: 8.1.6 and later
    ("9.2.0.1", "\\orant\\Database\\initPROD.ora"),
    ("8.1.5", "\\oracle\\admin\\PROD\\pfile\\init.ora"),   # L9745-9747, ora8i read as the database (erratum)
])
def test_init_file_by_oracle_version(version, path):
    b = evaluate(PID, {"mode": "agent", "oracle_on_shared_disk": True, "oracle_version": version,
                       "oracle_sid": "PROD", "switch_drive": "Y:", "oracle_local_drive": "D:"})
    assert b.values["oracle_init_file"] == path
    assert b.values["oracle_init_shared"] == "Y:" + path and b.values["oracle_init_local"] == "D:" + path
    assert ("oracle815-folder" in [e.id for e in b.errata]) == (version == "8.1.5")


@pytest.mark.parametrize("version", ["8.0.4", "8.1.0", "8.1.5.1"])
def test_versions_the_guide_gives_no_init_file_for_are_refused(version):
    err = refused({"mode": "agent", "io_monitoring": True, "oracle_version": version})
    assert err.parameters == ["oracle_version"]


def test_timed_statistics_on_the_shared_copy_before_copying():
    b = evaluate(PID, {"mode": "agent", "oracle_on_shared_disk": True, "io_monitoring": True})
    ids = step_ids(b)
    assert before(ids, "io-timed-statistics-shared", "oracle-init-copy")
    edit = next(s for s in b.steps if s.id == "io-timed-statistics-shared")
    assert edit.place == "active" and "timed_statistics = true" in edit.title_en      # L9754
    local = evaluate(PID, {"mode": "agent", "io_monitoring": True})
    assert "io-timed-statistics" in step_ids(local) and "oracle-init-copy" not in step_ids(local)
    assert "init-not-ini" in [e.id for e in local.errata]                               # L9751 "iniファイル"


# --- console on another machine (§2.3.9.3, L9757-9770) ---------------------------------------------------

def test_console_alias_steps():
    b = evaluate(PID, {"console_elsewhere": True, "sql_port": 2433})
    alias = next(s for s in b.steps if s.id == "console-alias")
    assert alias.place == "management_terminal"
    assert "alias ESMPRO" in alias.title_en and "port 2433" in alias.title_en        # L9767, erratum alias-port
    assert before(step_ids(b), "console-client-utility", "console-alias")
    assert "alias-port" in [e.id for e in b.errata]
    assert "console-alias" not in step_ids(evaluate(PID, {}))


# --- refusals: named parameter, nothing written --------------------------------------------------------

@pytest.mark.parametrize("given,named", [
    ({"netiq_sid": "0x02AF52BCCEDC434E8164142C145A7DD8"}, {"netiq_sid", "probe_sid"}),      # two logins, two SIDs
    ({"netiq_sid": "D3E867055C472F448D051684D579EC3D"}, {"netiq_sid"}),                     # no 0x
    ({"probe_sid": "0x02AF52BCCEDC434E8164142C145A7DD8'; drop login sa"}, {"probe_sid"}),
    ({"data_device_dir": "C:\\MSSQL\\Data"}, {"data_device_dir", "switch_drive"}),         # L9459: shared disk
    ({"log_device_dir": "C:\\MSSQL\\Log"}, {"log_device_dir", "switch_drive"}),
    ({"install_dir": "Z:\\NetIQ"}, {"install_dir", "switch_drive"}),                        # L9437: local disk
    ({"server_os": "Windows XP Professional"}, {"server_os"}),                              # L9365-9369
    ({"mode": "agent", "monitored_services": ["Oracle Service"]}, {"monitored_services"}),
    ({"mode": "agent", "monitored_services": "OracleServiceSID1;calc"}, {"monitored_services"}),
    ({"mode": "cluster"}, {"mode"}),
    ({"nodes": ["SERVER1"]}, {"nodes"}),                                                     # L9431: both nodes
    ({"mode": "agent", "nodes": ["SERVER1"]}, {"nodes"}),
])
def test_bad_facts_are_refused_and_nothing_is_written(tmp_path, given, named):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as err:
        write_bundle(PID, given, out)
    assert set(err.value.parameters) == named
    message = str(err.value)
    assert all(n in message for n in named)
    assert not out.exists() or not any(out.iterdir())


def test_refusal_message_in_both_languages():
    err = refused({"data_device_dir": "C:\\MSSQL\\Data"})
    assert "shared disk" in str(err) and "共有ディスク" in str(err)


def test_agent_mode_accepts_windows_xp():
    """L9374: the agent runs on Windows XP; the repository and management server do not."""
    assert evaluate(PID, {"mode": "agent", "server_os": "Windows XP Professional"}).steps


# --- the guide's errors never reach a file ---------------------------------------------------------------

BROKEN = ["Microsoft SQL \\Data", "Microsoft SQL ¥Data", "MSSQLserver", "initxxx", "1. 12. 6. 3", "iniファイル"]


@pytest.mark.parametrize("given", [{}, {"mode": "manager"}, {"mode": "agent", "oracle_on_shared_disk": True,
                                                               "io_monitoring": True, "oracle_version": "8.1.5"}])
def test_broken_forms_are_not_emitted(given):
    b = evaluate(PID, given)
    # checklist.md quotes the errata, broken forms included, on purpose: every other file and step must not
    texts = [f.text() for f in b.files if f.encoding != "binary" and f.role != "checklist"] + [s.title_en for s in b.steps]
    for text in texts:
        for bad in BROKEN:
            assert bad not in text
    assert all("ora8i" not in t for t in texts)


# --- Wine: the command files -------------------------------------------------------------------------

def test_sql_services_bat_under_wine(wine):
    b = evaluate(PID, {})
    calls = wine.run_bat(b.file("commands/03-sql-services-active.bat").content)
    assert calls == ["SC config MSSQLServer start= demand",          # L9465
                     "SC config SQLServerAgent start= demand"]       # L9471


def test_oracle_init_copy_under_wine(wine):
    """The copy .bat copies the shared init file to the same folder of the local drive, and refuses to run
    (exit 1, nothing copied) where the shared disk is not online."""
    shared = wine.root / "shared-disk"
    (shared / "orant" / "Database").mkdir(parents=True, exist_ok=True)
    drive = wine.prefix / "dosdevices" / "y:"
    if not drive.exists():
        drive.symlink_to(shared)
    b = evaluate(PID, {"mode": "agent", "oracle_on_shared_disk": True, "oracle_sid": "_W-1",
                       "switch_drive": "Y:", "oracle_local_drive": "C:"})
    bat = next(f for f in b.files if f.path.endswith("oracle-init-copy.bat"))
    local = wine.prefix / "drive_c" / "orant" / "Database" / "init_W-1.ora"
    local.parent.mkdir(parents=True, exist_ok=True)
    local.unlink(missing_ok=True)

    missing = wine.run(bat.content)
    assert missing.returncode == 1 and not local.exists()

    body = b"db_name = _W-1\r\n#timed_statistics = true\r\n"
    (shared / "orant" / "Database" / "init_W-1.ora").write_bytes(body)
    done = wine.run(bat.content)
    assert done.returncode == 0
    assert local.read_bytes() == body


# --- compose: the management server on an existing group's FIP (L9704) -------------------------------

def commands_of(f) -> list[str]:
    return [ln for ln in f.text().split("\r\n") if ln and not ln.lower().startswith("rem")]


def test_composes_with_servermanager_without_touching_the_scripts():
    alone = compose({"failover_group": "esmgroup", "products": [{"id": "servermanager"}]})
    group = compose({"failover_group": "esmgroup",
                     "products": [{"id": "servermanager"},
                                  {"id": PID, "parameters": {"mode": "server_only", "existing_group": True}}]})
    # L9702: AppManager adds nothing to the group's scripts (only the header's list of sources names it)
    for side in ("start.bat", "stop.bat"):
        assert commands_of(group.file(side)) == commands_of(alone.file(side))
        assert "appmanager5" in group.file(side).text().split("\r\n", 5)[2]
    assert group.parameters["products"][PID]["failover_group"] == "esmgroup"
    existing = next(s for s in group.steps if s.id == "server-only-existing")
    assert "esmgroup" in existing.title_en and existing.product == PID


def test_compose_refuses_another_group_name():
    with pytest.raises(ParameterError) as err:
        compose({"failover_group": "esmgroup",
                 "products": [{"id": "servermanager"},
                              {"id": PID, "parameters": {"mode": "server_only", "existing_group": True,
                                                         "failover_group": "sqlgroup"}}]})
    assert f"{PID}.failover_group" in err.value.parameters


def test_same_facts_same_bytes():
    a = engine.evaluate(PID, facts(PID, {"mode": "agent"}))
    b = engine.evaluate(PID, facts(PID, {"mode": "agent"}))
    assert a.manifest_bytes() == b.manifest_bytes()


@pytest.mark.parametrize("mode,needs", [("full", True), ("manager", True), ("server_only", False), ("agent", False)])
def test_repository_facts_are_required_only_where_the_repository_is_built(mode, needs):
    # The SIDs and device folders serve the repository install and the standby's logins (L9459, L9481-9517):
    # the modes that build it need them; the others take none of them and must not be held up.
    given = {k: v for k, v in facts("appmanager5", {"mode": mode}).items()
             if k not in ("netiq_sid", "probe_sid", "data_device_dir", "log_device_dir")}
    if needs:
        with pytest.raises(ParameterError) as e:
            engine.evaluate("appmanager5", given)
        assert {"netiq_sid", "probe_sid", "data_device_dir", "log_device_dir"} <= set(e.value.parameters)
    else:
        paths = {f.path for f in engine.evaluate("appmanager5", given).files}
        assert "standby-logins.sql" not in paths


def test_one_refusal_names_the_missing_facts_and_what_the_mode_needs():
    # A run missing a cluster fact and the SIDs names both at once (the mode's check runs on what is valid),
    # so the engineer is not sent back a second time for netiq_sid and probe_sid.
    given = {k: v for k, v in facts("appmanager5", {"mode": "full"}).items()
             if k not in ("virtual_ip", "netiq_sid", "probe_sid")}
    with pytest.raises(ParameterError) as e:
        engine.evaluate("appmanager5", given)
    assert {"virtual_ip", "netiq_sid", "probe_sid"} <= set(e.value.parameters)
