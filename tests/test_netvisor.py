"""WebSAM/Netvisor bundles against the guide (§2.1, lines 7807-8422).

Expected calls, values and files are written here from the guide, with the line they come from, not from
procedures/netvisor.yaml. start.bat and stop.bat run under Wine's cmd.exe with logging stand-ins
(tests/wine.py), once per CLUSTERPRO event branch; the guide's broken forms never appear in an emitted file.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402
from bat_text import branch as body  # noqa: E402
from facts import compose, evaluate, facts, write_bundle  # noqa: E402
from wine import EVENT_BRANCHES, session, wine  # noqa: E402,F401

from ppguide import evaluate as engine  # noqa: E402
from ppguide.errors import ParameterError  # noqa: E402

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))
MSG_DISK = MESSAGES["messages"]["disk"]["ja"]
MSG_NO_ARM = MESSAGES["messages"]["no_arm"]["ja"]
MSG_FAILED = MESSAGES["messages"]["failed"]["ja"]

# --- the guide's facts ---------------------------------------------------------------------------

# Display name (L7860-7873) -> (watch id, service name) from the sample start.bat (L8057-8091).
# ESM IPM's watch id is id_Ipmd as L8153 and L8283 write it (erratum ipmd-watch-id: L8355 has id_lpmd).
SERVICE = {
    "ESM Base Service": ("id_Base", "Nvbase"),                                  # L8058
    "ESM Command Service": ("id_Cmd", "Nvcmd"),                                 # L8061
    "ESM IPM": ("id_Ipmd", "Nvipmd"),                                           # L8153
    "ESM Logging Service": ("id_Logd", "Nvlogd"),                               # L8065
    "ESM Remote Map Service": ("id_Rmap", "Nvrmapd"),                           # L8067
    "ESM Trap Service": ("id_Trapd", "Nvintrd"),                                # L8069
    "ESM/NV Dns Service": ("id_Dnsd", "Nvdnsd"),                                # L8075
    "ESM Alert Service": ("id_Alert", "ESMASVNT"),                              # L8077
    "Dmi Event Watcher": ("id_Dmi", "DmiEventWatcher"),                         # L8079
    "Alert Manager Socket(R) Service": ("id_Amsrs", "AlertManagerSocketReceiveService"),  # L8081
    "ESM/NV Event Watch Service": ("id_Evwd", "Nvewatchd"),                     # L8083 (L8169 Nvwatchd: erratum)
    "ESM/NV Trouble Ticket Service": ("id_Trtd", "Nvtrtickd"),                  # L8086
    "ESM Expert Service": ("id_Expd", "Nvexpd"),                                # L8089
    "ESM Rule Service": ("id_Ruled", "Nvexrld"),                                # L8091
}
# The list of related services, in the guide's order (L7860-7873); ESM IPM only with router management (L7875).
RELATED = ["Alert Manager Socket(R) Service", "Dmi Event Watcher", "ESM Alert Service", "ESM Base Service",
           "ESM Command Service", "ESM Expert Service", "ESM IPM", "ESM Logging Service", "ESM Remote Map Service",
           "ESM Rule Service", "ESM Trap Service", "ESM/NV Dns Service", "ESM/NV Event Watch Service",
           "ESM/NV Trouble Ticket Service"]
# Start order L7924-7937, stop order L7941-7955 (ESM Base Service, L7955, lost its bullet).
START_ORDER = ["ESM Base Service", "ESM Command Service", "ESM Logging Service", "ESM Remote Map Service",
               "ESM Trap Service", "ESM/NV Dns Service", "ESM Alert Service", "Dmi Event Watcher",
               "Alert Manager Socket(R) Service", "ESM/NV Event Watch Service", "ESM/NV Trouble Ticket Service",
               "ESM Expert Service", "ESM Rule Service", "ESM IPM"]
STOP_ORDER = ["ESM IPM", "Alert Manager Socket(R) Service", "Dmi Event Watcher", "ESM Alert Service",
              "ESM Command Service", "ESM Expert Service", "ESM Logging Service", "ESM Remote Map Service",
              "ESM Rule Service", "ESM Trap Service", "ESM/NV Dns Service", "ESM/NV Trouble Ticket Service",
              "ESM/NV Event Watch Service", "ESM Base Service"]
# The sample scripts' order (ipm_order: sample): ESM IPM third on start (L8062-8063), sixth on stop (L8282-8283).
SAMPLE_START = ["ESM Base Service", "ESM Command Service", "ESM IPM", "ESM Logging Service", "ESM Remote Map Service",
                "ESM Trap Service", "ESM/NV Dns Service", "ESM Alert Service", "Dmi Event Watcher",
                "Alert Manager Socket(R) Service", "ESM/NV Event Watch Service", "ESM/NV Trouble Ticket Service",
                "ESM Expert Service", "ESM Rule Service"]                                   # L8057-8091
SAMPLE_STOP = ["Alert Manager Socket(R) Service", "Dmi Event Watcher", "ESM Alert Service", "ESM Command Service",
               "ESM Expert Service", "ESM IPM", "ESM Logging Service", "ESM Remote Map Service", "ESM Rule Service",
               "ESM Trap Service", "ESM/NV Dns Service", "ESM/NV Trouble Ticket Service", "ESM/NV Event Watch Service",
               "ESM Base Service"]                                                          # L8267-8300
CHECKED = {"id_Base", "id_Evwd", "id_Trtd"}          # `if ERRORLEVEL 1 goto STOPNE` at L8059, L8084, L8087
OPTIONS = "/S /M /WAIT 0"                            # L8058
SLEEP = "ARMSLEEP 5"                                 # L8298, before ESM Base Service stops
SYNC = [r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE",   # L7913
        r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Nvbase"]   # L7914 (L7984 Nvbasea: erratum)
# Broken forms of the guide that must never reach a file (line: text), compared case-sensitively.
BROKEN = {8355: "id_lpmd", 8063: "id_IPmd", 8169: "Nvwatchd", 8216: "ARMBroadcast", 8131: "ARMBICAST",
          7984: "Nvbasea"}

GROUP = "nvgroup"
PARAMS = {"router": {"router_management_installed": True}, "no-router": {"router_management_installed": False},
          "router-sample-order": {"router_management_installed": True, "ipm_order": "sample"},
          "no-router-sample-order": {"router_management_installed": False, "ipm_order": "sample"}}
STOP_BRANCHES = {k: v for k, v in EVENT_BRANCHES.items()}      # RECOVER and unset: stop.bat has no such branch


def services(params: dict, order: list[str]) -> list[str]:
    return [s for s in order if s != "ESM IPM" or params["router_management_installed"]]


def guide_start(params: dict) -> list[str]:
    calls = []
    for s in services(params, SAMPLE_START if params.get("ipm_order") == "sample" else START_ORDER):
        wid, name = SERVICE[s]
        calls += [f"ARMLOG {wid}", f"ARMLOAD {wid} {OPTIONS} {name}"]     # ARMLOG before each load (L8057-8058)
    return calls


def guide_stop(params: dict) -> list[str]:
    calls = []
    for s in services(params, SAMPLE_STOP if params.get("ipm_order") == "sample" else STOP_ORDER):
        wid, _ = SERVICE[s]
        if s == "ESM Base Service":
            calls.append(SLEEP)
        calls += [f"ARMLOG o {wid}", f"ARMKILL {wid}"]                    # L8267-8268
    return calls


def expected(script: str, env: dict, params: dict) -> list[str]:
    event = env.get("ARMS_EVENT")
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}  # L8039-8041, L8248-8249
    if event not in events:
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]                         # L8044, L8252 (ARMBroadcast: erratum)
    if event == "RECOVER":
        return []                                                          # L8127-8134
    if env.get("ARMS_DISK") == "FAILURE":                                  # L8052, L8142, L8260, L8337
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]
    # The same lines on the highest-priority server and the others, START and FAILOVER alike.
    return guide_start(params) if script == "start.bat" else guide_stop(params)


_runs: dict[str, dict[tuple[str, str], list[str]]] = {}


def runs(params_id: str) -> dict[tuple[str, str], list[str]]:
    if params_id not in _runs:
        w = session()
        bundle = evaluate("netvisor", PARAMS[params_id] | {"failover_group": GROUP})
        jobs = [("start.bat", b) for b in EVENT_BRANCHES] + [("stop.bat", b) for b in STOP_BRANCHES]
        _runs[params_id] = w.run_branches(bundle, EVENT_BRANCHES, jobs, {"ARMS_GROUPNAME": GROUP})
    return _runs[params_id]


# --- the scripts under Wine -----------------------------------------------------------------------

@pytest.mark.parametrize("branch", EVENT_BRANCHES)
@pytest.mark.parametrize("params_id", PARAMS)
def test_start_bat_calls_what_the_guide_calls(wine, params_id, branch):
    assert runs(params_id)["start.bat", branch] == expected("start.bat", EVENT_BRANCHES[branch], PARAMS[params_id])


@pytest.mark.parametrize("branch", STOP_BRANCHES)
@pytest.mark.parametrize("params_id", PARAMS)
def test_stop_bat_calls_what_the_guide_calls(wine, params_id, branch):
    assert runs(params_id)["stop.bat", branch] == expected("stop.bat", STOP_BRANCHES[branch], PARAMS[params_id])


@pytest.mark.parametrize("params_id", PARAMS)
def test_every_watch_id_loaded_is_killed_and_base_is_last(wine, params_id):
    r = runs(params_id)
    for event in ("start", "failover"):
        loaded = [c.split()[1] for c in r["start.bat", event] if c.startswith("ARMLOAD ")]
        killed = [c.split()[1] for c in r["stop.bat", event] if c.startswith("ARMKILL ")]
        assert sorted(loaded) == sorted(killed) and len(loaded) == (14 if PARAMS[params_id]["router_management_installed"] else 13)
        assert loaded[0] == killed[-1] == "id_Base"                        # L7924, L7955
        assert r["stop.bat", event][-3:] == [SLEEP, "ARMLOG o id_Base", "ARMKILL id_Base"]   # L8298-8300


@pytest.mark.parametrize("event", ["START", "FAILOVER"])
@pytest.mark.parametrize("failing", ["id_Base", "id_Evwd", "id_Trtd", "id_Cmd"])
def test_a_checked_service_that_fails_stops_the_script_without_pause(wine, event, failing):
    """L8059, L8084, L8087: after these three a failure leaves the script; the guide's :STOPNE runs pause
    (L8228-8229), which would wait for a key forever: ppguide reports and leaves. Other loads are not checked."""
    bat = evaluate("netvisor", PARAMS["router"]).file("start.bat").content
    assert not re.search(rb"(?im)^\s*pause\b", bat)
    run = wine.run(bat, {"ARMS_EVENT": event, "PPG_FAIL": f"ARMLOAD {failing}"})
    calls = guide_start(PARAMS["router"])
    upto = calls.index(next(c for c in calls if c.startswith(f"ARMLOAD {failing} "))) + 1
    if failing in CHECKED:
        assert run.calls == calls[:upto] + [f"ARMBCAST /MSG {MSG_FAILED.format(what='ARMLOAD.EXE ' + failing)} /A"]
    else:
        assert run.calls == calls
    assert run.returncode == 0


def test_services_bat_sets_every_related_service_manual(wine):
    """L7841: every related service to manual; ESM IPM only with router management (L7875)."""
    for params in PARAMS.values():
        b = evaluate("netvisor", params)
        names = [SERVICE[s][1] for s in services(params, RELATED)]
        assert wine.run_bat(b.file("services.bat").content) == [f"SC config {n} start= demand" for n in names]


@pytest.mark.parametrize("server_os,header", [("Windows 2000 Server", "Windows Registry Editor Version 5.00"),
                                              ("Windows NT 4.0 Server", "REGEDIT4")])
def test_registry_round_trip(wine, server_os, header):
    """L7897-7903: WorkDir = the moved folder, AlertPath = the moved folder + \\alert, imported with regedit
    (REGEDIT4 in CP932 for Windows NT 4.0, whose regedit reads no other form)."""
    b = evaluate("netvisor", {"switch_drive": "Y:", "workdir_folder": "nv data", "server_os": server_os})
    reg = b.file("netvisor.reg").content
    text = reg[2:].decode("utf-16-le") if header != "REGEDIT4" else reg.decode("cp932")
    assert reg.startswith(b"\xff\xfe") == (header != "REGEDIT4")
    assert text.split("\r\n")[0] == header and text.endswith("\r\n")
    key = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE"
    wine.reg_delete_tree(key)
    wine.import_reg(reg)
    assert wine.reg_query(key) == {"WorkDir": ("REG_SZ", r"Y:\nv data")}
    assert wine.reg_query(key + r"\AlertViewer") == {"AlertPath": ("REG_SZ", r"Y:\nv data\alert")}


def test_work_folder_moves_under_wine(wine):
    """L7879-7893: the active node's work folder moves to the switch partition with everything in it and is
    gone from the local disk; the standby's local copy is deleted; rights are granted as the table says."""
    import subprocess
    switch = wine.root / "switch-w-netvisor"
    switch.mkdir(exist_ok=True)
    letter = wine.prefix / "dosdevices" / "w:"
    if not letter.exists():
        letter.symlink_to(switch)
    local = wine.prefix / "drive_c" / "ppg" / "Esmpro nv" / "Nvwork"
    for p in (local.parent, switch / "Nvwork"):
        subprocess.run(["rm", "-rf", str(p)], check=True)
    (local / "alert").mkdir(parents=True)
    (local / "alert" / "a.log").write_bytes(b"alert")
    (local / "map.dat").write_bytes(b"map")
    b = evaluate("netvisor", {"switch_drive": "W:", "local_workdir": r"C:\ppg\Esmpro nv\Nvwork",
                              "esmpro_user_group": "NvAdmin"})
    steps = {s.id: s for s in b.steps}
    folder = wine.lay_out({f.path: f.content for f in b.files})
    r = wine.run_in(folder / "commands", Path(steps["move-workdir"].artifact).name)
    assert (switch / "Nvwork" / "alert" / "a.log").read_bytes() == b"alert", r.stdout
    assert (switch / "Nvwork" / "map.dat").read_bytes() == b"map"
    assert not local.exists()
    acl = wine.run_in(folder / "commands", Path(steps["acl"].artifact).name).calls
    assert acl == [r"CACLS W:\Nvwork /T /E /G Administrators:F Everyone:R SYSTEM:F",     # L7884-7887
                   r"CACLS W:\Nvwork /T /E /G NvAdmin:F"]                                # L7886
    local.mkdir(parents=True)                        # the standby's own copy (L7893)
    (local / "map.dat").write_bytes(b"stale")
    wine.run_in(folder / "commands", Path(steps["delete-workdir"].artifact).name)
    assert not local.exists() and (switch / "Nvwork" / "map.dat").read_bytes() == b"map"


def test_registry_step_imports_the_bundles_file_under_wine(wine):
    """L7894-7904: the step's command file imports netvisor.reg from the bundle and reads WorkDir back."""
    b = evaluate("netvisor", {"switch_drive": "V:"})
    key = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE"
    wine.reg_delete_tree(key)
    folder = wine.lay_out({f.path: f.content for f in b.files})
    step = next(s for s in b.steps if s.id == "registry")
    r = wine.run_in(folder / "commands", Path(step.artifact).name)
    assert wine.reg_query(key) == {"WorkDir": ("REG_SZ", r"V:\Nvwork")}, r.stdout
    assert wine.reg_query(key + r"\AlertViewer") == {"AlertPath": ("REG_SZ", r"V:\Nvwork\alert")}
    assert r"V:\Nvwork" in r.stdout                         # reg query shows the value it set


# --- files and values -------------------------------------------------------------------------------

def text_lines(bundle, path):
    return [l for l in bundle.file(path).text().split("\r\n") if l and not l.lower().startswith("rem")]


@pytest.mark.parametrize("drive,folder", [("X:", "Nvwork"), ("Q:", "nv work")])
def test_computed_values(drive, folder):
    b = evaluate("netvisor", {"switch_drive": drive, "workdir_folder": folder})
    workdir = drive + "\\" + folder                                        # L7879-7880: moved onto the partition
    assert b.values["workdir"] == workdir
    assert b.values["alert_path"] == workdir + "\\alert"                   # L7903
    for router, count in ((True, len(RELATED)), (False, len(RELATED) - 1)):   # L7860-7875
        assert evaluate("netvisor", {"router_management_installed": router}).values["service_count"] == count


def test_sync_keys_added_on_install_and_removed_on_uninstall():
    assert text_lines(evaluate("netvisor", {}), "sync-registry.txt") == SYNC                  # L7913-7914
    assert text_lines(evaluate("netvisor", {"scenario": "uninstall"}), "sync-registry-remove.txt") == SYNC  # L7980-7984
    kept = evaluate("netvisor", {"scenario": "uninstall", "other_base_products_use": True})
    assert "sync-registry-remove.txt" not in [f.path for f in kept.files] or \
        text_lines(kept, "sync-registry-remove.txt") == []


def test_workdir_commands_and_acl():
    """L7879-7893: moved on the active node, rights on it, deleted on the standby only."""
    b = evaluate("netvisor", {"esmpro_user_group": "NvAdmin"})
    steps = {s.id: s for s in b.steps}
    assert steps["move-workdir"].place == "active" and steps["delete-workdir"].place == "standby"
    acl = text_lines(b, steps["acl"].artifact)
    assert acl == [r'cacls "X:\Nvwork" /T /E /G Administrators:F Everyone:R SYSTEM:F',   # L7884-7887
                   r'cacls "X:\Nvwork" /T /E /G "NvAdmin":F']                          # L7886 ※1
    plain = evaluate("netvisor", {"esmpro_user_group": "Administrators"})
    assert len(text_lines(plain, next(s.artifact for s in plain.steps if s.id == "acl"))) == 1


def test_webaccess_grants_each_nodes_local_group():
    """L7836, L7891: with WebAccess the group is local to each server; both get full control."""
    ids = [s.id for s in evaluate("netvisor", {"webaccess_used": True, "esmpro_user_group": "NvAdmin"}).steps]
    assert ids.index("acl") < ids.index("move-group-standby") < ids.index("acl-standby") < ids.index("move-group-back")
    assert "acl-standby" not in [s.id for s in evaluate("netvisor", {"webaccess_used": False}).steps]


@pytest.mark.parametrize("scenario,present,absent", [
    ("fresh", ["install-both", "services-both", "move-workdir", "registry", "sync-registry", "scripts"], ["stop-group"]),
    ("update", ["save-lines-update", "stop-group", "start-group", "update-active", "services-active",
                "update-standby", "services-standby", "restore-lines"], ["sync-registry", "move-workdir"]),
    ("uninstall", ["sync-remove", "remove-lines", "stop-group-uninstall", "start-group-uninstall", "uninstall-both"],
     ["scripts", "sync-registry", "registry", "stop-group"]),
])
def test_each_scenario_has_its_own_flow(scenario, present, absent):
    ids = [s.id for s in evaluate("netvisor", {"scenario": scenario}).steps]
    assert set(present) <= set(ids) and not set(absent) & set(ids)
    assert len(ids) == len(set(ids))
    # L7975-7993: the synchronised keys go first, then the script lines, then Netvisor itself
    if scenario == "uninstall":
        assert ids.index("sync-remove") < ids.index("remove-lines") < ids.index("uninstall-both")
    assert ids[-1] == "reboot"                                              # L7959, L7993


def test_update_installs_where_the_switch_partition_is():
    """L7971: the installer needs the switch partition holding the work folder."""
    ids = [s.id for s in evaluate("netvisor", {"scenario": "update"}).steps]
    assert ids.index("start-group") < ids.index("update-active") < ids.index("move-group-update") < ids.index("update-standby")


def test_uninstall_lists_the_lines_to_remove():
    b = evaluate("netvisor", {"scenario": "uninstall"})
    loads = [l for l in text_lines(b, "script-lines-to-remove.txt") if l.startswith("ARMLOAD")]
    assert loads == [f"ARMLOAD.EXE {SERVICE[s][0]} {OPTIONS} {SERVICE[s][1]}" for s in RELATED]
    kept = evaluate("netvisor", {"scenario": "uninstall", "other_base_products_use": True})
    shared = {"Nvbase", "Nvcmd", "Nvrmapd", "ESMASVNT", "DmiEventWatcher", "AlertManagerSocketReceiveService"}
    assert not shared & {l.split()[-1] for l in text_lines(kept, "script-lines-to-remove.txt") if l.startswith("ARMLOAD")}
    assert "uninstall-shared-services" in [w.id for w in kept.warnings]


@pytest.mark.parametrize("scenario", ["fresh", "update", "uninstall"])
@pytest.mark.parametrize("router", [True, False])
def test_the_guides_broken_forms_are_never_emitted(scenario, router):
    b = evaluate("netvisor", {"scenario": scenario, "router_management_installed": router})
    for f in b.files:
        if f.path == "checklist.md":          # the checklist quotes the errata on purpose
            continue
        text = f.content.decode("utf-16") if f.path.endswith(".reg") else f.content.decode("cp932", "replace")
        for line, form in BROKEN.items():
            assert form not in text, f"{f.path} holds {form!r} (guide line {line})"
        assert not re.search(r"(?im)^\s*pause\b", text)
    assert ("Nvipmd" in b.file("services.bat").text()) == router if scenario != "uninstall" else True


def test_errata_apply_to_the_facts():
    ids = {e.id for e in evaluate("netvisor", {}).errata}
    assert {"ipmd-watch-id", "nvwatchd", "armbroadcast", "stopne-pause", "ipm-position"} <= ids
    assert "nvbasea" not in ids and "ipmd-watch-id" not in {e.id for e in evaluate(
        "netvisor", {"router_management_installed": False}).errata}
    assert "nvbasea" in {e.id for e in evaluate("netvisor", {"scenario": "uninstall"}).errata}


# --- refusals -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("given,param", [
    ({"clusterpro_manager_on_server": True}, "clusterpro_manager_on_server"),   # L8011
    ({"server_os": "Windows NT 3.51 Server"}, "server_os"),                     # L7843-7856
    ({"switch_drive": "XY"}, "switch_drive"),
    ({"failover_group": "grp&calc"}, "failover_group"),
    ({"workdir_folder": r"a\b"}, "workdir_folder"),
    ({"esmpro_user_group": 'Nv"Admin'}, "esmpro_user_group"),
    ({"router_management_installed": "maybe"}, "router_management_installed"),
    ({"local_workdir": "Nvwork"}, "local_workdir"),
    ({"nodes": ["SERVER1"]}, "nodes"),                                          # L7815: active and standby
    ({"local_workdir": r"x:\Program Files\Esmpro\Nvwork"}, "local_workdir"),   # L7837, L7879: local disk
])
def test_bad_parameters_are_refused_and_nothing_is_written(tmp_path, given, param):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as exc:
        write_bundle("netvisor", given, out)
    assert param in exc.value.parameters
    assert param in exc.value.en and param in exc.value.ja and "パラメータ" in exc.value.ja
    assert not out.exists() or not any(out.iterdir())


def test_router_management_has_no_default(tmp_path):
    """ESM IPM exists only with router management (L7875): the engineer must say which."""
    given = facts("netvisor")
    given.pop("router_management_installed")
    with pytest.raises(ParameterError) as exc:
        engine.write_bundle("netvisor", given, tmp_path / "out")
    assert exc.value.parameters == ["router_management_installed"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_audit_finds_netvisors_errata_in_the_guides_samples():
    """`ppguide audit --product netvisor` on the guide's own sample scripts (L8029-8233, L8237-8421, cut by
    tests/guide_samples.py) reports Netvisor's recorded slips at exactly their lines; other products' errata
    that share a form (NetvisorPro's STOPNE label) are theirs to test."""
    from guide_samples import SAMPLES, fixture_path

    from ppguide.audit import audit
    expected = {("ipmd-watch-id", 8282): "erratum",                       # ARMLOG "o id_lpmd"
                ("ipmd-watch-id", 8354): "erratum", ("ipmd-watch-id", 8355): "erratum",
                ("armbroadcast", 8216): "erratum", ("armbroadcast", 8221): "erratum",
                ("armbroadcast", 8199): "erratum-in-comment", ("armbroadcast", 8206): "erratum-in-comment",
                ("armbicast", 8131): "erratum-in-comment",
                ("stopne-pause", 8229): "erratum"}
    findings = audit([("netvisor", {"router_management_installed": "true"})],
                     fixture_path("netvisor-start"), fixture_path("netvisor-stop"))
    found = {}
    for f in findings:
        if f.product == "netvisor" and f.rule.startswith("erratum"):
            name = next(n for n in SAMPLES if str(fixture_path(n)) == f.file)
            found[(f.erratum, SAMPLES[name][2] + f.line - 1)] = f.rule
    assert found == expected


# --- a failover group with ServerManager ----------------------------------------------------------------

@pytest.mark.parametrize("netvisor_first", [True, False])
def test_composed_with_servermanager(wine, netvisor_first):
    """ServerManager (§1.2) and Netvisor both start ESM Base Service first (L705-708, L7924) and share five more
    services (L851-856): each starts once, ESM Base Service first and last, every watch id started is killed.
    The line of a shared service is that of the product listed first: Netvisor's ERRORLEVEL check after
    Nvbase (L8059) stays when Netvisor is listed first (ServerManager's sample has none, L851)."""
    products = [{"id": "servermanager"}, {"id": "netvisor", "parameters": {"router_management_installed": True}}]
    g = compose({"failover_group": GROUP, "products": products[::-1] if netvisor_first else products})
    start = body(g.file("start.bat").text(), "NORMAL")
    loads = [l.split()[1:] for l in start if l.startswith("ARMLOAD")]
    names = [x[-1] for x in loads]
    assert len(names) == len(set(names)) and names[0] == "Nvbase"
    assert set(names) == {SERVICE[s][1] for s in RELATED} | {"EsmTrapRedirection", "ESMDSVNT"}
    assert start[:2] == ['ARMLOG "id_Base"', "ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase"]   # Netvisor's hook
    assert (start[2] == "IF ERRORLEVEL 1 GOTO ERROR_STEP1") == netvisor_first
    # Netvisor's own services keep its guide order after whatever the first product started (L7924-7937)
    own = [SERVICE[s][1] for s in START_ORDER]
    shared = {"Nvbase", "Nvcmd", "Nvrmapd", "ESMASVNT", "DmiEventWatcher", "AlertManagerSocketReceiveService"}
    kept = own if netvisor_first else [n for n in own if n not in shared]
    assert [n for n in names if n in kept] == kept
    for event in ("START", "FAILOVER"):
        stop = wine.run_bat(g.file("stop.bat").content, {"ARMS_EVENT": event})
        kills = [c.split()[1] for c in stop if c.startswith("ARMKILL ")]
        assert sorted(kills) == sorted(x[0] for x in loads) and kills[-1] == "id_Base"
        assert stop[-2:] == ["ARMLOG o id_Base", "ARMKILL id_Base"] and SLEEP in stop   # L8298-8300
    services_bat = [l.split()[2] for l in g.file("services.bat").text().split("\r\n") if l.startswith("sc config")]
    assert len(services_bat) == len(set(services_bat)) == 16                # 14 + Trap Redirection + SM Base
    sync = text_lines(g, "sync-registry.txt")
    assert len(sync) == len(set(sync)) and set(SYNC) <= set(sync)


def test_the_example_cluster_keeps_the_clusterpro_manager_off_its_servers():
    """The example cluster has Netvisor, which cannot share a server with the CLUSTERPRO manager (L8011): no job
    of that cluster may say the manager is on its servers, or its bundles would describe two different clusters."""
    from ppguide.fleet import expand
    from ppguide.knowledge import DATA
    jobs = expand(yaml.safe_load((DATA / "example-cluster.yaml").read_text(encoding="utf-8")))
    assert any(j.product == "netvisor" for j in jobs)
    said = {j.product: j.parameters["clusterpro_manager_on_server"] for j in jobs
            if "clusterpro_manager_on_server" in j.parameters}
    assert not any(said.values()), said
