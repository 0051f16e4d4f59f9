"""ESMPRO/JMSS bundles against the guide (§1.3, lines 1150-2699).

Expected calls, values and files are written here from the guide, with the line they come from, not
from procedures/jmss.yaml. start.bat and stop.bat run under Wine's cmd.exe with logging stand-ins
(tests/wine.py), once per CLUSTERPRO event branch; the guide's broken forms (its errata) must never
appear in any emitted file.
"""
from __future__ import annotations

import re

import configparser
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402

from ppguide.cited import normalise  # noqa: E402
from ppguide.errors import ParameterError  # noqa: E402
from facts import evaluate, write_bundle  # noqa: E402
from ppguide.knowledge import load  # noqa: E402
from wine import EVENT_BRANCHES, STANDINS, session, wine  # noqa: E402,F401

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))
MSG_DISK = MESSAGES["messages"]["disk"]["ja"]
MSG_NO_ARM = MESSAGES["messages"]["no_arm"]["ja"]

# --- the guide's facts ---------------------------------------------------------------------------

# RL1999/09 and later (L1755-2131): watch id, ARMLOAD command, log tag, needs JAPI/JMGC.
SERVICES = [
    ("NEC_JMSSLKSV", "jmsslksv arm", "JMSSLKSV", False),   # L1804-1805, L2008-2009
    ("NEC_JMSSSCSV", "jmssscsv", "JMSSSCSV", False),       # L1806-1807, L2006-2007
    ("NEC_JMSSDVSV", "jmssdvsv", "JMSSDVSV", True),        # L1808-1809, L1996; wavy lines (L1743)
]
ARMLOAD_OPTIONS = "/S /M"                                  # L1804
SHARE = "jmsout"                                           # L1445, L1880, L2010
# RL1999/06 and earlier (L2133-2445): display names for net start / net stop.
DISPLAY = {"NEC_JMSSLKSV": "ESMPRO/JMSS JLook Service",        # L2180, L2356
           "NEC_JMSSSCSV": "ESMPRO/JMSS JSchedule Service",    # L2181, L2355
           "NEC_JMSSDVSV": "ESMPRO/JMSS JDriven Service"}      # L2182, L2354

# Errors of the guide (line: what it prints) that must never reach an emitted file.
BROKEN = {
    1460: r"\\.\COM01\JMSSOUT",           # StdOutPath: a device, not the virtual computer's share
    1802: r"x:¥jms¥out",                  # also L1821: JMSS lost an S
    2245: r"x:%jms%out",                  # also L2261: separators turned into %
    2027: "NEC_JMSSDVSF",                 # also L2065
    2101: "NEC_JMSSDVSU",
    2005: "JMSSDVSF",                     # armlog text, also L2028, L2066
    2102: "JMSSDVSU",
    2025: "jmslksv",                      # also L2063, L2099
    1918: "ARMBICAST",                    # also L1923 and the comments
    1436: "ESM/PRO/JMSS",                 # also L1428, L1434, L1437
    1306: "ファイルオーバー",
}

# --- parameter sets and CLUSTERPRO branches -----------------------------------------------------

PARAMS = {
    "default": {},                                                     # 6.0, RL1999/09+, no JAPI/JMGC
    "japi": {"japi_jmgc": True},
    "japi-no-armlog": {"japi_jmgc": True, "armlog_lines": False},     # L1751: armlog may go
    "rl9906": {"jmss_release": "rl1999_06_or_earlier"},
    "rl9906-japi": {"jmss_release": "rl1999_06_or_earlier", "japi_jmgc": True},
    "v61-drive-y": {"jmss_version": "6.1", "switch_drive": "Y:", "japi_jmgc": True},
    "two-way": {"system": "two-way", "cluster_link_option": True},
    "two-way-job-machine": {"system": "two-way", "cluster_link_option": True, "group_role": "job_machine",
                            "armlog_lines": False},
}
GROUP = "jmssgrp"
START_BRANCHES = EVENT_BRANCHES
STOP_BRANCHES = {
    "start": {"ARMS_EVENT": "START"},
    "start-shutdown": {"ARMS_EVENT": "START", "ARMS_FACTOR": "SERVERSHUTDOWN"},
    "failover": {"ARMS_EVENT": "FAILOVER"},
    "failover-shutdown": {"ARMS_EVENT": "FAILOVER", "ARMS_FACTOR": "SERVERSHUTDOWN"},
    "start-other": {"ARMS_EVENT": "START", "ARMS_SERVER": "OTHER"},
    "failover-other-shutdown": {"ARMS_EVENT": "FAILOVER", "ARMS_SERVER": "OTHER", "ARMS_FACTOR": "SERVERSHUTDOWN"},
    "start-disk-failure": {"ARMS_EVENT": "START", "ARMS_DISK": "FAILURE"},
    "recover": {"ARMS_EVENT": "RECOVER"},
    "unset": {},
}


def effective(params: dict) -> dict:
    return {"system": "one-way", "jmss_release": "rl1999_09_or_later", "japi_jmgc": False, "armlog_lines": True,
            "switch_drive": "X:"} | params


def services(p: dict) -> list[tuple[str, str, str, bool]]:
    return [s for s in SERVICES if p["japi_jmgc"] or not s[3]]


def guide_block_start(params: dict) -> list[str]:
    """The JMSS lines of start.bat, as the stand-ins log them."""
    p = effective(params)
    if p["system"] == "two-way":
        return []                                                          # L2477, L2493: nothing to write
    calls = [f"ARMNSADD {SHARE} {p['switch_drive']}\\JMSS\\OUT"]           # L1880 (x:\jmss\out, L1507)
    for wid, cmd, tag, _ in services(p):
        if p["jmss_release"] == "rl1999_09_or_later":
            calls.append(f"ARMLOAD {wid} {ARMLOAD_OPTIONS} {cmd}")         # L1804-1808
            if p["armlog_lines"]:
                calls.append(f"ARMLOG {tag} 開始 /arm")                     # L1805-1809
        else:
            calls.append(f"NET start {DISPLAY[wid]}")                      # L2180-2182
    return calls


def guide_block_stop(params: dict, env: dict) -> list[str]:
    p = effective(params)
    if p["system"] == "two-way":                                           # L2554-2556
        log = p["armlog_lines"]
        return ((["ARMLOG JSTOP.EXE 呼出し /arm"] if log else []) + [f"JSTOP {GROUP}"]
                + (["ARMLOG JSTOP.EXE 終了 /arm"] if log else []))
    calls = []
    if p["jmss_release"] == "rl1999_09_or_later":
        # L1990-1995: a server shutdown stops JLook in failover mode, anything else normally.
        calls.append("JMSSLKSV -failover" if env.get("ARMS_FACTOR") == "SERVERSHUTDOWN" else "JMSSLKSV -normal")
        for wid, _, tag, _ in reversed(services(p)):                       # L1996-2009: reverse order
            calls.append(f"ARMKILL {wid}")
            if p["armlog_lines"]:
                calls.append(f"ARMLOG {tag} 終了 /arm")
    else:
        calls += [f"NET stop {DISPLAY[wid]}" for wid, *_ in reversed(services(p))]   # L2354-2356
    return calls + [f"ARMNSDEL {SHARE}"]                                   # L2010, L2357


def expected(script: str, env: dict, params: dict) -> list[str]:
    event = env.get("ARMS_EVENT")
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}  # L1770-1772, L1963-1964
    if event not in events:
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]                           # L1922-1923 (ARMBICAST: erratum)
    if event == "RECOVER":
        return []                                                          # L1836-1843
    if env.get("ARMS_DISK") == "FAILURE":                                  # L1783, L1852, L1975, L2043
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]                            # L2116-2117
    # The same JMSS block in the highest-priority and the OTHER branches (L1801-1907, L1989-2107).
    return guide_block_start(params) if script == "start.bat" else guide_block_stop(params, env)


# --- running under Wine ---------------------------------------------------------------------------

_runs: dict[str, dict[tuple[str, str], list[str]]] = {}


def runs(params_id: str) -> dict[tuple[str, str], list[str]]:
    if params_id not in _runs:
        w = session()
        bundle = evaluate("jmss", PARAMS[params_id] | {"failover_group": GROUP})
        jobs = [("stop.bat", b) for b in STOP_BRANCHES]
        if effective(PARAMS[params_id])["system"] == "one-way":
            jobs += [("start.bat", b) for b in START_BRANCHES]
        branches = {"start.bat": START_BRANCHES, "stop.bat": STOP_BRANCHES}
        with ThreadPoolExecutor(max_workers=4) as pool:
            logs = pool.map(lambda job: w.run_bat(bundle.file(job[0]).content,
                                                  branches[job[0]][job[1]] | {"ARMS_GROUPNAME": GROUP}), jobs)
            _runs[params_id] = dict(zip(jobs, logs))
    return _runs[params_id]


def test_the_jmss_commands_reach_the_standins():
    for name in ("ARMNSADD", "ARMNSDEL", "ARMLOG", "JMSSLKSV", "JSTOP", "ARMLOAD", "ARMKILL", "ARMLOADC", "NET"):
        assert name in STANDINS


@pytest.mark.parametrize("branch", START_BRANCHES)
@pytest.mark.parametrize("params_id", [k for k in PARAMS if not k.startswith("two-way")])
def test_start_bat_calls_what_the_guide_calls(wine, params_id, branch):
    assert runs(params_id)["start.bat", branch] == expected("start.bat", START_BRANCHES[branch], PARAMS[params_id])


@pytest.mark.parametrize("branch", STOP_BRANCHES)
@pytest.mark.parametrize("params_id", PARAMS)
def test_stop_bat_calls_what_the_guide_calls(wine, params_id, branch):
    assert runs(params_id)["stop.bat", branch] == expected("stop.bat", STOP_BRANCHES[branch], PARAMS[params_id])


@pytest.mark.parametrize("params_id", [k for k in PARAMS if not k.startswith("two-way")])
def test_every_watch_id_loaded_is_killed_in_reverse(wine, params_id):
    r = runs(params_id)
    for start, stops in (("start", ("start", "start-shutdown")), ("failover", ("failover", "failover-shutdown"))):
        loaded = [c.split()[1] for c in r["start.bat", start] if c.startswith("ARMLOAD ")]
        for stop in stops:
            killed = [c.split()[1] for c in r["stop.bat", stop] if c.startswith("ARMKILL ")]
            assert killed == loaded[::-1]
        if effective(PARAMS[params_id])["jmss_release"] == "rl1999_09_or_later":
            assert loaded[0] == "NEC_JMSSLKSV"                             # L1804: JLook first, stopped last
        else:
            assert loaded == []                                            # L2180: net start, no ARM monitoring


@pytest.mark.parametrize("params_id", ["default", "japi", "rl9906"])
def test_the_share_comes_first_on_start_and_goes_last_on_stop(wine, params_id):
    r = runs(params_id)
    assert r["start.bat", "start"][0].startswith("ARMNSADD ")             # L1802-1803: share, then services
    assert r["stop.bat", "start"][-1] == f"ARMNSDEL {SHARE}"               # L2010


class _Failing:
    """An armnsadd that fails (exit code 1) and logs that it ran, to test the ERRORLEVEL guard."""
    SOURCE = r'''
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    const char *log = getenv("PPG_LOG");
    FILE *f = log ? fopen(log, "ab") : NULL;
    if (f) { fputs("FAILED", f); for (int i = 1; i < argc; i++) { fputc(' ', f); fputs(argv[i], f); }
             fputc('\n', f); fclose(f); }
    return 1;
}
'''

    def __init__(self, root: Path):
        src, self.exe = root / "failing.c", root / "failing.exe"
        src.write_text(self.SOURCE)
        subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-s", "-o", str(self.exe), str(src)], check=True)


@pytest.mark.parametrize("params_id", ["default", "japi", "rl9906-japi"])
@pytest.mark.parametrize("event", ["START", "FAILOVER"])
def test_a_failed_share_skips_the_services(wine, tmp_path, params_id, event):
    """L1803 `IF ERRORLEVEL 1 GOTO JMSSQUIT1`: when armnsadd fails no service is started."""
    failing = _Failing(tmp_path)
    folder = wine.new_dir()
    # Named script.bat: `cmd /c start.bat` would be read as cmd's own START command.
    (folder / "script.bat").write_bytes(evaluate("jmss", PARAMS[params_id]).file("start.bat").content)
    for name in STANDINS:
        (folder / f"{name}.EXE").write_bytes(wine.standin.read_bytes())
    (folder / "ARMNSADD.EXE").write_bytes(failing.exe.read_bytes())
    log = folder.parent / f"{folder.name}.calls.log"
    wine.wine("cmd", "/c", "script.bat", cwd=folder, extra={"ARMS_EVENT": event, "PPG_LOG": wine.windows_path(log)})
    assert log.read_bytes().decode("utf-8").splitlines() == [r"FAILED jmsout X:\JMSS\OUT"]


def test_rur_pause_stops_monitoring_in_reverse_order(wine):
    """L1940-1945: before an RUR, armloadc ... /W pause for JDriven, JSchedule, JLook."""
    calls = wine.run_bat(evaluate("jmss", {"japi_jmgc": True}).file("rur-pause.bat").content)
    assert calls == ["ARMLOADC NEC_JMSSDVSV /W pause", "ARMLOADC NEC_JMSSSCSV /W pause",
                     "ARMLOADC NEC_JMSSLKSV /W pause"]
    calls = wine.run_bat(evaluate("jmss", {}).file("rur-pause.bat").content)
    assert calls == ["ARMLOADC NEC_JMSSSCSV /W pause", "ARMLOADC NEC_JMSSLKSV /W pause"]


@pytest.mark.parametrize("params", [{"jmss_release": "rl1999_06_or_earlier"}, {"system": "two-way", "cluster_link_option": True}])
def test_no_pause_file_without_armload(params):
    assert "rur-pause.bat" not in [f.path for f in evaluate("jmss", params).files]


def test_services_bat(wine):
    """L1283-1286: JLook and JSchedule to manual; JDriven too when the scripts start it (warning jdriven-manual)."""
    assert wine.run_bat(evaluate("jmss", {}).file("services.bat").content) == [
        "SC config jmsslksv start= demand", "SC config jmssscsv start= demand"]
    b = evaluate("jmss", {"japi_jmgc": True})
    assert wine.run_bat(b.file("services.bat").content)[-1] == "SC config jmssdvsv start= demand"
    assert "jdriven-manual" in [w.id for w in b.warnings]


def test_unshare_on_every_node(wine):
    """L1445, L1583: net share jmsout /delete on SV1 and on SV2."""
    b = evaluate("jmss", {})
    unshare = [s for s in b.steps if s.artifact and s.artifact.startswith("commands/") and "unshare" in s.id]
    assert [s.place for s in unshare] == ["active", "standby"]
    for s in unshare:
        assert wine.run_bat(b.file(s.artifact).content) == ["NET share jmsout /delete"]


# --- registry ----------------------------------------------------------------------------------------

ESJM = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\ESJM"                             # L1456


def guide_registry(drive: str, vcn: str, ee: bool) -> dict[str, dict[str, tuple[str, str]]]:
    values = {
        ESJM + r"\JMSSLKSV\INITINFO": {"LogFilePath": ("REG_SZ", drive + r"\JMSS\LOG"),        # L1456-1457
                                       "StdOutPath": ("REG_SZ", rf"\\{vcn}\jmsout")},           # L1460: erratum stdout-path
        ESJM + r"\JOBQUEUE": {"JobQueDir": ("REG_SZ", drive + "\\JMSS\\QUE\\")},                 # L1462-1464
        ESJM + r"\JSchedule\Parameters": {"DataPath": ("REG_SZ", drive + "\\JMSS\\SCHEDULE\\")},  # L1482-1484
    }
    if ee:
        values[ESJM + r"\LogDB"] = {"QLIDir": ("REG_SZ", drive + r"\JMSS\LOGDB")}             # L1466-1470
    return values


@pytest.mark.parametrize("params,drive,vcn,ee", [
    ({}, "X:", "VCOM01", False),                                           # L1261: VCOM01, X:
    ({"enterprise_edition": True, "switch_drive": "q:", "virtual_computer_name": "JOBSV"}, "Q:", "JOBSV", True),
])
def test_registry_round_trip(wine, params, drive, vcn, ee):
    reg = evaluate("jmss", params).file("jmss.reg").content
    assert reg.startswith(b"\xff\xfe") and reg[2:].decode("utf-16-le").startswith("Windows Registry Editor Version 5.00\r\n")
    wine.reg_delete_tree(ESJM)
    wine.import_reg(reg)
    expected_values = guide_registry(drive, vcn, ee)
    for key, values in expected_values.items():
        assert wine.reg_query(key) == values, key
    if not ee:
        with pytest.raises(KeyError):
            wine.reg_query(ESJM + r"\LogDB")


def test_registry_edits_are_manual_setup_only():
    """Ver6.1 uses JCLTOOL (L1268-1418): no registry file, INI edits or folder commands."""
    paths = [f.path for f in evaluate("jmss", {"jmss_version": "6.1"}).files]
    assert "jmss.reg" not in paths and not any(p.startswith("ini/") for p in paths)
    assert "jmss.reg" in [f.path for f in evaluate("jmss", {"jmss_version": "5.1"}).files]


@pytest.mark.parametrize("params,keys", [
    ({}, [ESJM]),                                                          # L1666
    ({"jmss_version": "6.1"}, [ESJM]),                                     # L1292
    ({"system": "two-way", "cluster_link_option": True}, [ESJM]),          # L2487
    ({"system": "two-way", "cluster_link_option": True, "group_role": "job_machine"}, None),   # L2501
])
def test_synchronised_registry(params, keys):
    b = evaluate("jmss", params)
    if keys is None:
        assert "sync-registry.txt" not in [f.path for f in b.files]
    else:
        assert b.file("sync-registry.txt").text().split("\r\n")[:-1] == keys


# --- folders and INI files --------------------------------------------------------------------------

def test_folders_and_queue_copy_under_wine(wine):
    """L1505-1517: MD the folders on the switch drive, XCOPY the local QUE folder with /S /E.
    The switch drive is a Wine drive X: of its own: JMSS itself must stay on the local disk (L1277)."""
    drive_c = wine.prefix / "drive_c"
    switch = wine.root / "switch-x"
    switch.mkdir(exist_ok=True)
    letter = wine.prefix / "dosdevices" / "x:"
    if not letter.exists():
        letter.symlink_to(switch)
    root = switch / "JMSS"
    inst = drive_c / "ppg" / "jmss inst"
    for p in (root, inst):
        subprocess.run(["rm", "-rf", str(p)], check=True)
    (inst / "QUE" / "SUB").mkdir(parents=True)
    (inst / "QUE" / "SUB" / "q.dat").write_bytes(b"queue")
    b = evaluate("jmss", {"switch_drive": "X:", "install_dir": r"C:\ppg\jmss inst", "enterprise_edition": True})
    step = next(s for s in b.steps if s.id == "folders-active")
    assert step.place == "active"
    folder = wine.lay_out({f.path: f.content for f in b.files})
    r = wine.run_in(folder / "commands", Path(step.artifact).name)
    assert sorted(p.name for p in root.iterdir()) == ["LOG", "LOGDB", "OUT", "QUE", "SCHEDULE"]
    assert (root / "QUE" / "SUB" / "q.dat").read_bytes() == b"queue", r.stdout


def test_uninstall_deletes_the_folders_under_wine(wine):
    """L2667-2669: the folders made in 「ディレクトリの作成」 go."""
    root = wine.prefix / "drive_c" / "JMSS"
    (root / "OUT").mkdir(parents=True, exist_ok=True)
    b = evaluate("jmss", {"scenario": "uninstall", "switch_drive": "C:"})
    step = next(s for s in b.steps if s.id == "uninstall-data")
    folder = wine.lay_out({f.path: f.content for f in b.files})
    wine.run_in(folder / "commands", Path(step.artifact).name)
    assert not root.exists()


def ini(bundle, path: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(comment_prefixes=(";",))
    cp.optionxform = str
    cp.read_string(bundle.file(path).text())
    return cp


@pytest.mark.parametrize("nodes", [["SV1", "SV2"], ["NODEA", "NODEB", "NODEC"]])
def test_ini_edits_per_node(nodes):
    b = evaluate("jmss", {"nodes": nodes, "virtual_computer_name": "VJOB"})
    for node in nodes:
        lksv = ini(b, f"ini/{node}/JMSSLKSV.INI-edit.txt")
        assert dict(lksv["Env"]) == {"SetDef": "0"}                        # L1535-1536, L1599-1600
        jmss = ini(b, f"ini/{node}/JMSS.INI-edit.txt")
        assert dict(jmss["Control"]) == {"SERVER_NAME": node, "ARM": "1"}  # L1544-1546, L1608-1610
        assert dict(jmss["ENV"]) == {"TimeOut": "50", "Retry": "1000"}     # L1552-1554
        assert "LICENSE" not in jmss                                        # install-time values stay
    client = ini(b, "ini/client/JMSS.INI-edit.txt")
    assert dict(client["Control"]) == {"SERVER_NAME": "VJOB", "ARM": "1"}   # L1642-1644: the virtual name
    assert dict(client["ENV"]) == {"TimeOut": "50", "Retry": "1000"}        # L1650-1652
    assert b.file("ini/client/JMSS.INI-edit.txt").place == "client"
    assert b.file(f"ini/{nodes[0]}/JMSS.INI-edit.txt").content.endswith(b"\r\n")


# --- steps ---------------------------------------------------------------------------------------------

def ids(params: dict) -> list[str]:
    return [s.id for s in evaluate("jmss", params).steps]


def test_manual_setup_order():
    """§1.1.4.2: SV1, SV2, client, then JEnv on SV1, move, client settings for SV2, move back."""
    b = evaluate("jmss", {})
    order = [s.id for s in b.steps]
    assert order.index("registry-active") < order.index("install-standby")                 # L1448 < L1563
    assert order.index("sync-registry-manual") < order.index("scripts") < order.index("start-group")  # L1661-1676
    assert order.index("jenv-security") < order.index("move-to-standby") < order.index("client-queue-security")
    assert order.index("client-queue-security") < order.index("client-jmss-security") < order.index("move-back")
    place = {s.id: s.place for s in b.steps}
    assert place["registry-active"] == place["folders-active"] == "active"                  # SV1 only (L1448-1520)
    assert place["client-queue-security"] == place["client-jmss-security"] == "client"      # L1717, L1723
    assert place["jenv-queue"] == "active"                                                   # L1683
    assert not any(s.place == "standby" and s.artifact == "jmss.reg" for s in b.steps)


def test_tool_setup_has_no_manual_steps():
    steps = ids({"jmss_version": "6.1"})
    assert {"jcltool-first", "jcltool-others", "client-tool", "restart-tool-1", "restart-tool-2"} <= set(steps)
    assert not {"registry-active", "folders-active", "jenv-queue"} & set(steps)


def test_held_jobs_setting_is_optional():
    """L1699: the automatic restart of held jobs is set only when wanted."""
    assert "jenv-held-jobs" in ids({})
    assert "jenv-held-jobs" not in ids({"auto_start_held_jobs": False})


def test_service_account_gets_the_security_right_too():
    """L1709, L1727: an account other than Administrator is added as well."""
    b = evaluate("jmss", {"service_account": "jmssvc"})
    for sid in ("jenv-security", "client-jmss-security"):
        title = next(s.title_en for s in b.steps if s.id == sid)
        assert "Administrator" in title and "jmssvc" in title


def test_two_way_has_no_start_script_and_no_service_settings():
    """L2477, L2493: nothing in START; start types are left to the cluster tool."""
    b = evaluate("jmss", {"system": "two-way", "cluster_link_option": True})
    paths = [f.path for f in b.files]
    assert "start.bat" not in paths and "services.bat" not in paths and "stop.bat" in paths
    assert {"install-two-way", "cluster-tool-two-way", "scripts-two-way", "sync-registry-two-way"} <= set(s.id for s in b.steps)


@pytest.mark.parametrize("params", [{}, {"system": "two-way", "cluster_link_option": True}])
def test_uninstall(params):
    """L2645-2669: client, sync registry, script lines, option, nodes, start group, delete data; the group is
    stopped before the nodes are touched, since L2663 starts it again (sequencing rule 2)."""
    b = evaluate("jmss", params | {"scenario": "uninstall"})
    assert not {"start.bat", "stop.bat"} & {f.path for f in b.files}
    order = [s.id for s in b.steps]
    assert order == ["uninstall-client", "uninstall-sync", "uninstall-script-lines", "uninstall-stop-group"] + \
        (["uninstall-option"] if params else []) + ["uninstall-nodes", "uninstall-start-group", "uninstall-data"]
    removed = b.file("script-lines-to-remove.txt").text()
    assert ("jstop %ARMS_GROUPNAME%" in removed) == bool(params)
    assert ("ARMLOAD.EXE NEC_JMSSLKSV /S /M jmsslksv arm" in removed) != bool(params)


def test_update_pauses_then_resets_start_types():
    """L1940-1946 then L2684-2685."""
    assert ids({"scenario": "update"}) == ["update-pause", "update-apply", "update-services", "update-scripts",
                                           "troubleshooting"]


# --- refusals ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("given,names", [
    ({"system": "two-way"}, ["system", "cluster_link_option"]),                          # L1160
    ({"external_job_machines": True}, ["external_job_machines", "cluster_link_option"]),  # L1176, L1214
    ({"jmss_servers_in_cluster": 2}, ["jmss_servers_in_cluster"]),                       # L1190
    ({"group_role": "job_machine"}, ["system", "group_role"]),                            # L1175
    ({"jmss_version": "2.0"}, ["jmss_version"]),                                          # L1206
    ({"jmss_version": "6.2"}, ["jmss_version"]),                                          # L1206
    ({"jmss_version": "4.0", "enterprise_edition": True}, ["enterprise_edition", "jmss_version"]),  # L1206
    ({"jmss_version": "4.1", "system": "two-way", "cluster_link_option": True}, ["cluster_link_option", "jmss_version"]),  # L1220
    ({"client_os": "Windows XP Professional"}, ["client_os", "jmss_version"]),           # L1244
    ({"client_os": "Windows 2000 Professional", "jmss_version": "5.0"}, ["client_os", "jmss_version"]),  # L1242
    ({"scenario": "failover_ready"}, ["scenario"]),
    ({"nodes": ["SV1"]}, ["nodes"]),                                                      # L1259
    ({"system": "both"}, ["system"]),
    ({"jmss_release": "RL1999/07"}, ["jmss_release"]),
    ({"switch_drive": "X"}, ["switch_drive"]),
    ({"virtual_computer_name": "VCOM 01"}, ["virtual_computer_name"]),
    ({"install_dir": "WIN32APP\\JMSS"}, ["install_dir"]),
    ({"service_account": "adm&del"}, ["service_account"]),
])
def test_bad_input_is_refused_and_nothing_written(tmp_path, given, names):
    out = tmp_path / "bundle"
    with pytest.raises(ParameterError) as exc:
        write_bundle("jmss", given, out)
    named = {n for p in exc.value.parameters for n in p.split("+")}
    assert set(names) <= named
    assert not out.exists()


@pytest.mark.parametrize("given", [
    {"system": "two-way", "cluster_link_option": True},
    {"external_job_machines": True, "cluster_link_option": True},
    {"client_os": "Windows XP Professional", "jmss_version": "6.1"},
    {"jmss_version": "3.0"},
])
def test_good_input_is_accepted(given):
    evaluate("jmss", given)


# --- the guide's errors are never emitted ------------------------------------------------------------

SCAN = [{}, {"japi_jmgc": True, "enterprise_edition": True}, {"jmss_release": "rl1999_06_or_earlier", "japi_jmgc": True},
        {"jmss_version": "6.1", "japi_jmgc": True}, {"system": "two-way", "cluster_link_option": True},
        {"scenario": "update", "japi_jmgc": True}, {"scenario": "uninstall", "japi_jmgc": True},
        {"scenario": "uninstall", "jmss_release": "rl1999_06_or_earlier", "japi_jmgc": True}]


@pytest.mark.parametrize("params", SCAN)
def test_no_broken_form_in_any_emitted_file(params):
    """Every file but the checklist (which quotes the errata on purpose) is free of the guide's errors."""
    b = evaluate("jmss", params)
    fragments = {f"L{line}": text for line, text in BROKEN.items()}
    fragments |= {e.id: e.guide for e in load("jmss").errata}
    for f in b.files:
        if f.role == "checklist":
            continue
        text = normalise(f.text())
        for where, fragment in fragments.items():
            assert normalise(fragment) not in text, f"{f.path} carries the guide's {fragment!r} ({where})"


def test_every_broken_form_is_a_recorded_erratum():
    """Each error listed above stands on its guide line and is recorded on that line (or as an `also`)."""
    guide = (Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt").read_text("utf-8").split("\n")
    recorded = {n for e in load("jmss").errata for n in [e.line, *e.also]}
    for line, fragment in BROKEN.items():
        assert normalise(fragment) in normalise(guide[line - 1]), line
        assert line in recorded, line


def test_fourth_branch_label_is_consistent_so_not_an_erratum():
    """L2097 GOTO JMSSVDOWN4 and L2100 :JMSSVDOWN4 agree (only the spelling differs from JMSSSVDOWN1-3 at
    L1992-2064): the guide's sample runs, so it is no erratum; ppguide's labels follow one pattern anyway."""
    guide = (Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt").read_text("utf-8").split("\n")
    assert guide[2097 - 1].strip() == "GOTO JMSSVDOWN4" and guide[2100 - 1].strip() == ":JMSSVDOWN4"
    assert "jmssvdown4-label" not in {e.id for e in load("jmss").errata}
    stop = evaluate("jmss", {"japi_jmgc": True}).file("stop.bat").text()
    assert "JMSSVDOWN" not in stop
    labels = set(re.findall(r"^:(JMSS\w*DOWN\w*)", stop, re.M))
    assert labels == {"JMSSSVDOWN_N", "JMSSSVDOWN_F"}      # one pattern, one label per branch


def test_errata_apply_to_their_variant():
    on = {e.id for e in evaluate("jmss", {"japi_jmgc": True}).errata}
    assert {"dvsf-watch-id", "dvsu-watch-id", "jmslksv", "jms-out-path", "stdout-path"} <= on
    off = {e.id for e in evaluate("jmss", {"system": "two-way", "cluster_link_option": True}).errata}
    assert not {"dvsf-watch-id", "jmslksv", "jms-out-path", "armbicast", "stdout-path"} & off


# --- bytes -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", SCAN)
def test_text_files_are_crlf_and_deterministic(params):
    a, b = evaluate("jmss", params), evaluate("jmss", params)
    assert [(f.path, f.content) for f in a.files] == [(f.path, f.content) for f in b.files]
    for f in a.files:
        if f.encoding == "cp932":
            assert f.content.endswith(b"\r\n") and b"\n" not in f.content.replace(b"\r\n", b"")
            f.content.decode("cp932")
