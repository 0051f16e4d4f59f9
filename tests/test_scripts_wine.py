"""ServerManager's start.bat, stop.bat and command files run under Wine's cmd.exe with logging stand-ins.

The expected calls are written here from the guide (§1.2.8, lines 830-1100), not from the knowledge:
the guide's order, minus the entries the parameters leave out. The ARMBCAST texts are the project's
operator messages (data/messages.yaml); the guide's own sample texts are not emitted.
"""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402

from facts import evaluate  # noqa: E402
from wine import EVENT_BRANCHES, session, wine  # noqa: E402,F401

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))
MSG_DISK = MESSAGES["messages"]["disk"]["ja"]
MSG_NO_ARM = MESSAGES["messages"]["no_arm"]["ja"]

# start.bat, normal start (L851-858) and failover (L910-917): watch id, service, the parameter it needs.
GUIDE_START = [
    ("id_Base", "Nvbase", None),                                # L851: ESM Base Service first (L705-708)
    ("id_Alert", "ESMASVNT", None),                             # L852
    ("id_AM", "AlertManagerSocketReceiveService", None),        # L853
    ("id_Dmi", "DmiEventWatcher", "receive_dmi_alerts"),        # L854 (*1): only when DMI alerts are received (L730)
    ("id_Cmd", "Nvcmd", None),                                  # L855
    ("id_Rmap", "Nvrmapd", None),                               # L856
    ("id_Trap", "EsmTrapRedirection", "trap_redirection"),      # L857 (*2): only with trap redirection (L732)
    ("id_SM", "{sm}", None),                                    # L858 ESMDSVNT / L917 ESMSVNT: sm_base_service_name
]
# stop.bat (L1009-1022, again L1060-1073): these services stop before the ARMKILLs and start again
# after them, in reverse order; each only when its product is installed (red/blue/green, L976-980).
GUIDE_STOP_WRAPS = [
    ("Express PC Report", "express_report_installed"),          # L1009 / L1022 (red)
    ("Alert Manager Main Service", "alert_manager_installed"),  # L1010 / L1021 (blue)
    ("CLUSTERPRO Manager", "clusterpro_manager_on_server"),     # L1011 / L1020 (green; guide's /Yse is erratum net-yse)
]
ARMLOAD_OPTIONS = "/S /M /WAIT 0"                               # L851
NET_YES = "/Yes"                                                # L1009

ALL_ON = {"receive_dmi_alerts": True, "trap_redirection": True, "express_report_installed": True,
          "alert_manager_installed": True, "clusterpro_manager_on_server": True}
ALL_OFF = {"receive_dmi_alerts": False, "trap_redirection": False, "express_report_installed": False,
           "alert_manager_installed": False, "clusterpro_manager_on_server": False}
PARAMS = {
    "all-on": ALL_ON,
    "all-off": ALL_OFF,
    "express-only": ALL_OFF | {"express_report_installed": True},
    "alertman-only": ALL_OFF | {"alert_manager_installed": True},
    "cpmanager-only": ALL_OFF | {"clusterpro_manager_on_server": True},
    "esmsvnt": {"sm_base_service_name": "ESMSVNT"},
}
BRANCHES = EVENT_BRANCHES
SCRIPTS = ["start.bat", "stop.bat"]


def effective(params: dict) -> dict:
    """The parameters with the product's defaults (fresh install: DMI and trap on, nothing else installed)."""
    return {"receive_dmi_alerts": True, "trap_redirection": True, "express_report_installed": False,
            "alert_manager_installed": False, "clusterpro_manager_on_server": False,
            "sm_base_service_name": "ESMDSVNT"} | params


def guide_loads(params: dict) -> list[tuple[str, str]]:
    p = effective(params)
    return [(wid, svc.format(sm=p["sm_base_service_name"])) for wid, svc, need in GUIDE_START if not need or p[need]]


def guide_start(params: dict) -> list[str]:
    return [f"ARMLOAD {wid} {ARMLOAD_OPTIONS} {svc}" for wid, svc in guide_loads(params)]


def guide_stop(params: dict) -> list[str]:
    p = effective(params)
    wraps = [name for name, need in GUIDE_STOP_WRAPS if p[need]]
    return ([f"NET stop {NET_YES} {name}" for name in wraps]
            + [f"ARMKILL {wid}" for wid, _ in reversed(guide_loads(params))]
            + [f"NET start {NET_YES} {name}" for name in reversed(wraps)])


def expected(script: str, env: dict, params: dict) -> list[str]:
    """What the guide's script structure calls for these variables."""
    event = env.get("ARMS_EVENT")
    # start.bat branches on START, FAILOVER and RECOVER (L836-838); stop.bat only on START and
    # FAILOVER (L995-996). Anything else is "ActiveRecoveryManager not running" (L840-841, L998-999).
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}
    if event not in events:
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]                 # L959-960 (ARMBroadcast: erratum)
    if event == "RECOVER":
        return []                                                # L893-900: nothing for these products
    if env.get("ARMS_DISK") == "FAILURE":                        # L849, L908, L1007, L1058
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]                  # L954-956
    # ARMS_SERVER=OTHER: ON_OTHER1/ON_OTHER2 hold only comments (L875-888, L934-947, L1034-1047).
    return guide_start(params) if script == "start.bat" else guide_stop(params)


# -- running: every script and branch of one parameter set is run once, in parallel --------------

_runs: dict[str, dict[tuple[str, str], list[str]]] = {}


def runs(params_id: str) -> dict[tuple[str, str], list[str]]:
    if params_id not in _runs:
        w = session()
        bundle = evaluate("servermanager", PARAMS[params_id])
        jobs = [(s, b) for s in SCRIPTS for b in BRANCHES]
        with ThreadPoolExecutor(max_workers=4) as pool:
            logs = pool.map(lambda job: w.run_bat(bundle.file(job[0]).content, BRANCHES[job[1]]), jobs)
            _runs[params_id] = dict(zip(jobs, logs))
    return _runs[params_id]


@pytest.mark.parametrize("branch", BRANCHES)
@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("params_id", PARAMS)
def test_script_calls_what_the_guide_calls(wine, params_id, script, branch):
    got = runs(params_id)[script, branch]
    assert got == expected(script, BRANCHES[branch], PARAMS[params_id])


@pytest.mark.parametrize("params_id", PARAMS)
def test_every_watch_id_started_is_killed_in_reverse(wine, params_id):
    r = runs(params_id)
    for event in ("start", "failover"):
        loaded = [line.split()[1] for line in r["start.bat", event] if line.startswith("ARMLOAD ")]
        killed = [line.split()[1] for line in r["stop.bat", event] if line.startswith("ARMKILL ")]
        assert loaded and killed == loaded[::-1]
        assert loaded[0] == "id_Base"                            # ESM Base Service first to start, last to stop


@pytest.mark.parametrize("branch", ["start-disk-failure", "unset"])
@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("params_id", PARAMS)
def test_error_branches_only_broadcast(wine, params_id, script, branch):
    got = runs(params_id)[script, branch]
    assert len(got) == 1
    program, *args = got[0].split(" ")
    assert program == "ARMBCAST" and args[0] == "/MSG" and args[-1] == "/A"


@pytest.mark.parametrize("params_id", PARAMS)
def test_recover_calls_nothing(wine, params_id):
    assert runs(params_id)["start.bat", "recover"] == []


@pytest.mark.parametrize("event", ["start", "failover"])
@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("params_id", PARAMS)
def test_other_server_does_what_the_highest_priority_server_does(wine, params_id, script, event):
    r = runs(params_id)
    assert r[script, f"{event}-other"] == r[script, event]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("params_id", PARAMS)
def test_script_bytes_are_cp932_with_crlf(params_id, script):
    content = evaluate("servermanager", PARAMS[params_id]).file(script).content
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"") and b"\r" not in content.replace(b"\r\n", b"")
    text = content.decode("cp932")                             # raises on anything CP932 cannot hold
    assert MSG_DISK in text and MSG_NO_ARM in text


def test_wine_runs_the_standins_and_reads_cp932(wine, monkeypatch):
    """The harness itself: NET/SC/ARMBCAST reach the stand-ins whatever their spelling, CP932 text
    whose second bytes are \\ or | (表, ソ, ポ) reaches them intact, and the host's ARMS_* stay out."""
    monkeypatch.setenv("ARMS_EVENT", "START")
    bat = ('@echo off\r\nnet stop /Yes "Express PC Report"\r\nSc.exe config Nvbase start= demand\r\n'
           'ARMBCAST /MSG "表ソポ 切替パーティション" /A\r\nIF "%ARMS_EVENT%" == "" ARMKILL.EXE unset\r\n')
    assert wine.run_bat(bat.encode("cp932")) == [
        "NET stop /Yes Express PC Report", "SC config Nvbase start= demand",
        "ARMBCAST /MSG 表ソポ 切替パーティション /A", "ARMKILL unset"]


# -- command files that touch only stand-ins or the registry ------------------------------------

NEC = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC"                        # L643
ALERT_TYPE = NEC + r"\NVBASE\AlertViewer\AlertType"              # L639-640


def bundle_files(params: dict | None = None) -> dict[str, bytes]:
    return {f.path: f.content for f in evaluate("servermanager", params or {}).files}


def test_services_bat_sets_each_service_to_manual(wine):
    """L575-586: every ServerManager service to 「手動」; sc config needs the space after start=."""
    folder = wine.lay_out(bundle_files())
    got = wine.run_in(folder, "services.bat").calls
    assert got == [f"SC config {svc} start= demand" for _, svc in guide_loads({})]


@pytest.mark.parametrize("group", ["Administrators", "ESMPRO Users"])
def test_acl_command_grants_the_guide_rights(wine, group):
    """L625-629: Administrators full, Everyone read and execute, SYSTEM full; another ESMPRO group full."""
    folder = wine.lay_out(bundle_files({"esmpro_user_group": group}))
    got = wine.run_in(folder / "commands", "06-acl.bat").calls
    want = [r"CACLS X:\nwork /T /E /G Administrators:F Everyone:R SYSTEM:F"]
    if group != "Administrators":
        want.append(rf"CACLS X:\nwork /T /E /G {group}:F")
    assert got == want


def test_precheck_command_reads_workdir(wine):
    """L477-491: the check reads NVBASE\\WorkDir (here after servermanager.reg was imported)."""
    files = bundle_files()
    wine.reg_delete_tree(NEC)
    wine.import_reg(files["servermanager.reg"])
    folder = wine.lay_out(files)
    run = wine.run_in(folder / "commands", "01-precheck.bat")
    assert run.calls == []
    assert r"WorkDir    REG_SZ    X:\nwork" in run.stdout


def test_registry_command_imports_the_reg_file_and_drops_alert_sounds(wine):
    """L631-641: import servermanager.reg through the file's own relative path, then delete AniCurrent
    and WavCurrent under every key below AlertType that has them (rows 5-6), keeping everything else."""
    wine.reg_delete_tree(NEC)
    wine.reg_add(ALERT_TYPE + r"\Sound 1", "AniCurrent", r"C:\sounds\alert.ani")
    wine.reg_add(ALERT_TYPE + r"\Sound 1", "WavCurrent", r"C:\sounds\alert.wav")
    wine.reg_add(ALERT_TYPE + r"\Sound 1", "Color", "red")
    wine.reg_add(ALERT_TYPE + r"\Sound2", "Color", "blue")
    files = bundle_files()
    folder = wine.lay_out(files)
    run = wine.run_in(folder / "commands", "10-registry.bat")
    assert run.calls == []
    assert wine.reg_query(NEC + r"\NVBASE")["WorkDir"] == ("REG_SZ", r"X:\nwork")
    assert wine.reg_query(NEC + r"\NVBASE\AlertViewer")["AlertPath"] == ("REG_SZ", r"X:\nwork\Alert")
    assert wine.reg_query(ALERT_TYPE + r"\Sound2") == {"Color": ("REG_SZ", "blue")}
    if b"findstr" in files["commands/10-registry.bat"].lower() and not wine.findstr_works():
        pytest.xfail("Wine 8.0's findstr.exe is a stub (prints nothing), so the loop over the AlertType keys "
                     "sees no key; on Windows findstr /B /I keeps the key lines (Wine's find.exe works)")
    assert wine.reg_query(ALERT_TYPE + r"\Sound 1") == {"Color": ("REG_SZ", "red")}
