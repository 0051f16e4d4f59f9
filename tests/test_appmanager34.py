"""ESMPRO/AppManager Ver3.4 bundles against the guide (§1.12, lines 6297-7169).

Expected calls, files and values are written here from the guide, with the line they come from, not from
procedures/appmanager34.yaml. The SQL Server group's and the Oracle group's start.bat / stop.bat run under
Wine's cmd.exe with logging stand-ins (tests/wine.py), once per CLUSTERPRO event branch; the InstallPath
.reg files are imported with Wine's regedit and read back.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402
from facts import compose, evaluate, write_bundle  # noqa: E402
from wine import EVENT_BRANCHES, STANDINS, full_key, session, wine  # noqa: E402,F401

from ppguide.errors import ParameterError  # noqa: E402

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))
MSG_DISK = MESSAGES["messages"]["disk"]["ja"]
MSG_NO_ARM = MESSAGES["messages"]["no_arm"]["ja"]

SID = "0xD3E867055C472F448D051684D579EC3D"                   # L6426
# The Oracle group of §1.12.7 ②: SID1, its listener and SQL scripts on Z: (L6885-6888, L7040-7043).
ORACLE = {"mode": "agent_cluster", "switch_drive": "Z:", "oracle_sid": "SID1", "oracle_sql_dir": "Z:\\Oracle8",
          "repository_dir": "Z:\\NetIQ", "data_device_dir": "Z:\\MSSQL7\\Data", "log_device_dir": "Z:\\MSSQL7\\Data"}

# --- the guide's calls per branch -------------------------------------------------------------------

# SQL Server group start.bat (L6530-6544, L6590-6606): the same lines on the highest-priority and the
# other servers; the 30 s wait of L6481 also where L6532 forgets it (erratum start-sleep).
SQL_START = ["NET start MSSQLServer", "NET start SQLServerAgent", "ARMSLEEP 30", "NET start NetIQms"]
# SQL Server group stop.bat (L6680-6685, L6693-6699, L6730-6735, L6743-6749); the isql line stays out (L6377).
SQL_STOP = ["NET stop NetIQms", "ARMSLEEP 30", "NET stop SQLServerAgent", "NET stop MSSQLServer", "ARMSLEEP 30"]
# Oracle group start.bat (L6885-6892, L6944-6951) and stop.bat (L7037-7043, L7078-7084); Set is cmd's own.
ORA_START = ["NET start OracleServiceSID1", "NET start OracleTNSListener80",
             "SVRMGR30 command=@Z:\\Oracle8\\startupSID1.sql", "ARMSLEEP 30", "NET start NetIQccm", "NET start NetIQmc"]
ORA_STOP = ["NET stop NetIQmc", "NET stop NetIQccm", "SVRMGR30 command=@Z:\\Oracle8\\stopSID1.sql",
            "NET stop OracleTNSListener80", "NET stop OracleServiceSID1"]


def expected(script: str, env: dict[str, str], start: list[str], stop: list[str]) -> list[str]:
    event = env.get("ARMS_EVENT")
    if event not in ("START", "FAILOVER") and not (script == "start.bat" and event == "RECOVER"):
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]            # L6500, L6621; stop.bat has no RECOVER (L6646-6650)
    if event == "RECOVER":
        return []                                             # L6551-6558: comments only
    if env.get("ARMS_DISK") == "FAILURE":
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]               # L6508, L6616
    return start if script == "start.bat" else stop


MODES = {"repository": ({}, SQL_START, SQL_STOP), "agent_cluster": (ORACLE, ORA_START, ORA_STOP)}
_runs: dict[str, dict[tuple[str, str], list[str]]] = {}


def runs(mode: str) -> dict[tuple[str, str], list[str]]:
    if mode not in _runs:
        w = session()
        b = evaluate("appmanager34", MODES[mode][0])
        _runs[mode] = w.run_branches(b, EVENT_BRANCHES)
    return _runs[mode]


def test_the_oracle_tool_reaches_a_standin():
    assert {"SVRMGR30", "NET", "ARMSLEEP", "ARMBCAST"} <= set(STANDINS)


@pytest.mark.parametrize("branch", EVENT_BRANCHES)
@pytest.mark.parametrize("script", ["start.bat", "stop.bat"])
@pytest.mark.parametrize("mode", MODES)
def test_group_scripts_call_what_the_guide_calls(wine, mode, script, branch):
    _, start, stop = MODES[mode]
    assert runs(mode)[script, branch] == expected(script, EVENT_BRANCHES[branch], start, stop)


def test_oracle_sid_is_set_before_each_svrmgr30_line():
    b = evaluate("appmanager34", ORACLE)
    for script, sql in (("start.bat", "startupSID1.sql"), ("stop.bat", "stopSID1.sql")):   # L6887-6888, L7040-7041
        lines = b.file(script).content.decode("cp932").split("\r\n")
        tool = [i for i, ln in enumerate(lines) if ln.startswith("SvrMgr30 ")]
        assert len(tool) == 2                                                          # START and FAILOVER
        for i in tool:
            assert lines[i - 1] == "Set ORACLE_SID=SID1" and lines[i].endswith(sql)


def test_odd_but_valid_oracle_names_arrive_as_one_argument(wine):
    b = evaluate("appmanager34", dict(ORACLE, oracle_sid="Q9", oracle_listener="Ora$Lsnr.v-8_x",
                                      oracle_sql_dir="Z:\\ora-8_$x\\sql.d"))
    calls = wine.run_bat(b.file("start.bat").content, {"ARMS_EVENT": "FAILOVER"})
    assert calls == ["NET start OracleServiceQ9", "NET start Ora$Lsnr.v-8_x",
                     "SVRMGR30 command=@Z:\\ora-8_$x\\sql.d\\startupQ9.sql", "ARMSLEEP 30",
                     "NET start NetIQccm", "NET start NetIQmc"]


def test_scripts_are_cp932_crlf_and_never_hold_the_guides_broken_forms():
    for given in ({}, ORACLE):
        b = evaluate("appmanager34", given)
        for name in ("start.bat", "stop.bat"):
            raw = b.file(name).content
            assert raw.count(b"\n") == raw.count(b"\r\n")
            text = raw.decode("cp932")
            for broken in ("ARMBICAST", "%mssql%", "ARMSP ", "Amadmin_ S"):        # L7113, L6697, L6669, L6804
                assert broken not in text


def test_no_script_in_the_modes_without_one():
    for mode in ("server_only", "agent"):                                  # L6773, L6793
        paths = {f.path for f in evaluate("appmanager34", {"mode": mode}).files}
        assert not paths & {"start.bat", "stop.bat", "services.bat"}


# --- services, SQL, Knowledge Script jobs ------------------------------------------------------------

def test_services_bat_under_wine(wine):
    calls = wine.run_bat(evaluate("appmanager34", {}).file("services.bat").content)
    assert calls == ["SC config NetIQms start= demand"]                                # L6469-6471
    calls = wine.run_bat(evaluate("appmanager34", ORACLE).file("services.bat").content)
    assert calls == ["SC config NetIQccm start= demand", "SC config NetIQmc start= demand"]   # L6833-6836


def test_sid_sql_files():
    b = evaluate("appmanager34", {"netiq_sid": "0x00112233445566778899AABBCCDDEEFF"})
    read = b.file("active-read-sids.sql").content
    login = b.file("standby-logins.sql").content
    for raw in (read, login):
        assert raw.count(b"\n") == raw.count(b"\r\n") and raw.endswith(b"\r\n")
        assert raw.decode("cp932").startswith("-- ")
    # L6415 on the active node; L6425-6426 (one statement, the SID read there as last argument) on the standby.
    assert read.decode("cp932").split("\r\n")[1] == "select sid from master.dbo.syslogins where name='netiq'"
    assert login.decode("cp932").split("\r\n")[1] == \
        "sp_addlogin 'netiq', 'netiq', default, default, 0x00112233445566778899AABBCCDDEEFF"
    assert b.file("active-read-sids.sql").place == "active" and b.file("standby-logins.sql").place == "standby"
    assert b.file("standby-logins.sql").role == "sql" and b.file("standby-logins.sql").encoding == "cp932"


def test_sid_steps_come_between_the_two_repository_installs():
    steps = [s.id for s in evaluate("appmanager34", {}).steps]
    # L6410: after the active install, before the standby's; L6420: the group moves in between; L6437:
    # the management server only after the repository on both nodes.
    order = ["repository-active", "read-sids", "move-to-standby", "standby-logins", "repository-standby",
             "management-server", "services", "scripts"]
    assert [s for s in steps if s in order] == order


def test_ks_jobs_match_table_1_12_7():
    b = evaluate("appmanager34", {"mode": "agent", "nodes": ["SRV1", "SRV2"], "extra_services": ["OracleAgent80"]})
    rows = list(csv.DictReader(io.StringIO(b.file("ks-jobs.csv").content.decode("utf-8-sig"))))
    got = [(r["job"], r["machines"], r["parameter"], r["value"]) for r in rows]
    both, standby = "SRV1 SRV2", "SRV2"                                                  # L6797, L6799
    assert got == [
        ("Amadmin_SetResDependency", both, "Knowledge Script/ジョブの分類", "*"),            # L6806
        ("Amadmin_SetResDependency", both, "必要とされる使用可能なリソース", "C:"),         # L6807
        ("Amadmin_SetResDependency", both, "必要とされるアクティブなサービス",
         "OracleServiceSID1, OracleTNSListener80, OracleAgent80"),                         # L6808: all of them
        ("Amadmin_SetResDependency", both, "オペレーションの成功時のイベント通知", "N"),    # L6809
        ("Amadmin_SetResDependency", both, "オペレーション成功時の警告レベル", "25"),        # L6810
        ("Amadmin_SetKSStandby", standby, "Knowledge Script/ジョブの分類", "*"),            # L6814
        ("Amadmin_SetKSStandby", standby, "マスター管理クライアントのホスト名", "SRV1"),    # L6815: the active node
        ("Amadmin_SetKSStandby", standby, "オペレーションの成功時のイベント通知", "N"),     # L6816
        ("Amadmin_SetKSStandby", standby, "オペレーション成功時の警告レベル", "25"),         # L6817
    ]


@pytest.mark.parametrize("version,path", [
    ("8.0.5", "\\orant\\Database\\initSID1.ora"),             # L7132-7133 (xxx: the instance)
    ("8.1.6", "\\orant\\Database\\initSID1.ora"),
    ("8.1.7", "\\orant\\Database\\initSID1.ora"),
    ("8.1.5", "\\oracle\\admin\\ora8i\\pfile\\init.ora"),     # L7135-7136
])
def test_init_file_copied_to_the_same_folder_of_the_local_disk(version, path):
    b = evaluate("appmanager34", dict(ORACLE, oracle_version=version, oracle_local_drive="D:"))
    step = next(s for s in b.steps if s.id == "oracle-init-copy")
    body = b.file(step.artifact).content.decode("cp932") if step.artifact else ""
    assert f'copy /Y "Z:{path}" "D:{path}"' in body                                      # L7128


# --- refusals: nothing written ------------------------------------------------------------------------

@pytest.mark.parametrize("given,param", [
    ({"netiq_sid": "D3E867055C472F448D051684D579EC3D"}, "netiq_sid"),          # no 0x: sp_addlogin reads a name
    ({"repository_dir": "C:\\NetIQ"}, "repository_dir"),                      # L6388: on the shared disk
    ({"log_device_dir": "C:\\MSSQL7\\Data"}, "log_device_dir"),              # L6401
    ({"install_dir": "Y:\\NetIQ"}, "install_dir"),                                # L6448: the local disk
    ({"server_os": "Windows Server 2003"}, "server_os"),                      # L6315-6318
    ({"mode": "agent_cluster", "oracle_sql_dir": None}, "oracle_sql_dir"),
    ({"mode": "agent", "oracle_sid": "SID 1"}, "oracle_sid"),
    ({"mode": "agent_cluster", "oracle_listener": "Oracle Listener"}, "oracle_listener"),
    ({"scenario": "update", "mode": "agent"}, "mode"),
    (dict(ORACLE, oracle_sql_dir="Z:\\Oracle 8"), "oracle_sql_dir"),     # SvrMgr30 command=@ is one word (L6888)
    (dict(ORACLE, oracle_sql_dir="Z:\\Ora,8"), "oracle_sql_dir"),                  # L7148: the shared-disk repository
    ({"nodes": ["NODE1"]}, "nodes"),
])
def test_bad_facts_are_refused_and_nothing_is_written(tmp_path, given, param):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as e:
        write_bundle("appmanager34", given, out)
    assert param in e.value.parameters
    assert param in str(e.value)
    assert not out.exists() or not any(out.iterdir())


# --- InstallPath for a fix (§1.12.8.3) -----------------------------------------------------------------

@pytest.mark.parametrize("under_software", [True, False])
def test_installpath_reg_round_trip(wine, under_software):
    b = evaluate("appmanager34", {"scenario": "update", "fix_module": "r34h0008",
                                  "installpath_under_software": under_software})
    # L7150 prints the key without SOFTWARE (erratum netiq-key); the value and data of L7152, L7156, L7158.
    key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\NetIQ\\AppManager" if under_software else "HKEY_LOCAL_MACHINE\\NetIQ\\AppManager"
    wine.reg_delete_tree(key)
    wine.import_reg(b.file("installpath-shared.reg").content)
    assert wine.reg_query(key)["InstallPath"] == ("REG_SZ", "y:\\NetIQ")
    wine.import_reg(b.file("installpath-restore.reg").content)
    assert wine.reg_query(key)["InstallPath"] == ("REG_SZ", "C:\\Program Files\\NetIQ")
    wine.reg_delete_tree(key)
    assert full_key(key) == key


def test_pluspack_changes_the_install_folder_in_setup_instead():
    b = evaluate("appmanager34", {"scenario": "update", "fix_module": "PlusPack"})
    assert not any(f.path.endswith(".reg") for f in b.files)                                  # L7162
    assert "pluspack-alias" in {w.id for w in b.warnings}


# --- composition with a product of the example group ---------------------------------------------------

def test_composes_with_servermanager_in_one_group(wine):
    g = compose({"failover_group": "SQLGROUP", "parameters": {"switch_drive": "Y:"},
                 "products": [{"id": "servermanager"}, {"id": "appmanager34"}]})
    start = wine.run_bat(g.file("start.bat").content, {"ARMS_EVENT": "START"})
    stop = wine.run_bat(g.file("stop.bat").content, {"ARMS_EVENT": "START"})
    # ServerManager's ESM Base Service first (L713), then the SQL Server group's lines of AppManager.
    assert start[0].startswith("ARMLOAD id_Base") and start[-4:] == SQL_START
    # stop.bat walks the blocks in reverse: AppManager's lines first, ESM Base Service last.
    assert stop[:5] == SQL_STOP and stop[-1] == "ARMKILL id_Base"
    assert {"NetIQms", "Nvbase"} <= set(g.file("services.bat").content.decode("cp932").split())


def test_init_file_copy_under_wine(wine):
    """L7128-7133: the init file on the Oracle group's shared disk goes to the same folder of the local disk
    where Oracle itself is installed. The shared disk is a Wine drive Q: of its own."""
    import shutil
    shared = wine.root / "shared-q"
    letter = wine.prefix / "dosdevices" / "q:"
    if not letter.exists():
        shared.mkdir(exist_ok=True)
        letter.symlink_to(shared)
    local = wine.prefix / "drive_c" / "orant" / "Database"
    for p in (shared / "orant", local):
        shutil.rmtree(p, ignore_errors=True)
    (shared / "orant" / "Database").mkdir(parents=True)
    (shared / "orant" / "Database" / "initSID1.ora").write_bytes(b"timed_statistics = true\r\n")
    local.mkdir(parents=True)                        # Oracle's own folder on the local disk exists already
    b = evaluate("appmanager34", dict(ORACLE, switch_drive="Q:", oracle_sql_dir="Q:\\Oracle8",
                                      repository_dir="Q:\\NetIQ", data_device_dir="Q:\\D", log_device_dir="Q:\\D"))
    step = next(s for s in b.steps if s.id == "oracle-init-copy")
    assert step.place == "each_node"
    folder = wine.lay_out({f.path: f.content for f in b.files})
    r = wine.run_in(folder / "commands", Path(step.artifact).name)
    assert (local / "initSID1.ora").read_bytes() == b"timed_statistics = true\r\n", r.stdout
