"""WebSAM NetvisorPro (§2.2, lines 8423-9346) against the guide.

Expected values are written here from the guide's text and samples (line numbers in comments), or
computed independently (file names, licence count); never copied from the engine's output. The
start.bat and stop.bat of every parameter set run under Wine's cmd.exe with logging stand-ins, once
per CLUSTERPRO event branch.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402
from facts import compose, evaluate, facts, write_bundle  # noqa: E402
from wine import EVENT_BRANCHES, session, wine  # noqa: E402,F401

from ppguide import evaluate as engine  # noqa: E402
from ppguide.errors import ParameterError, PpguideError  # noqa: E402
from ppguide.knowledge import load  # noqa: E402

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))["messages"]
MSG_DISK, MSG_NO_ARM = MESSAGES["disk"]["ja"], MESSAGES["no_arm"]["ja"]

# -- the guide's samples, written out ----------------------------------------------------------------

ARMLOAD_OPTIONS = "/S /M /WAIT 0"                                 # L8758 and every other ARMLOAD
# START branch of the sample, L8754-8804: watch id, service; Nvbase as at L8981 (L8755 Nvbbase: erratum).
ESM_START = [("id_Base", "Nvbase"), ("id_Cmd", "Nvcmd"), ("id_Logd", "Nvlogd"), ("id_Rmap", "Nvrmapd"),
             ("id_Trapd", "Nvintrd"), ("id_Dnsd", "Nvdnsd"), ("id_Alert", "ESMASVNT"),
             ("id_Dmi", "DmiEventWatcher"), ("id_Amsrs", "AlertManagerSocketReceiveService"),
             ("id_Evwd", "{evwd}"), ("id_Trtd", "Nvtrtickd"), ("id_Expd", "Nvexpd"), ("id_Ruled", "Nvexrld")]
IPM = ("id_Ipmd", "Nvipmd")                                        # §2.1 L8153; 14th in the start list (L8605)
NVPRO_START = [("id_nvtpbase", "nvtpbase"), ("id_nvtpserv", "nvtpserv"), ("id_nvlgLogServ", "nvlgLogServ"),
               ("id_nvComServ", "nvComServ"), ("id_iEBase", "iEBase")]                 # L8794-8804
CHECKED = {"id_Base", "id_Cmd", "id_Amsrs", "id_Evwd", "id_Trtd"}  # "if ERRORLEVEL 1" after these (L8756-8785)
DATABASES = ["nvpro", "pd_syslog", "pd_trap_mng", "nvqos", "kn_mst"]  # L8719-8733
SERVER = "%COMPUTERNAME%\\nvpro"                                   # L8732 (the stand-in log shows it normalised)

GROUP = "failover1"
GUIDE_LINES = (Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt").read_text("utf-8").split("\n")


def effective(params: dict) -> dict:
    return {"event_watch_service_name": "Nvewatchd", "router_management_installed": False, "stop_order": "list",
            "db_folder": "nvpro", "switch_drive": "X:"} | params


def attach_calls(p: dict) -> list[str]:
    """L8718-8749: wait 10 s, attach the five databases, drop nv, grant it access and db_owner again."""
    d = f"{p['switch_drive']}\\{p['db_folder']}"
    out = ["ARMSLEEP 10"]
    out += [f"OSQL -E -d master -S {SERVER} -Q EXEC sp_attach_db @dbname = '{db}',@filename1 = '{d}\\{db}dat.mdf',"
            f"@filename2 = '{d}\\{db}log.ldf'" for db in DATABASES]
    out += [f"OSQL -E -d {db} -S {SERVER} -Q EXEC sp_dropuser 'nv'" for db in DATABASES]
    for db in DATABASES:
        out += [f"OSQL -E -S {SERVER} -d {db} -Q EXEC sp_grantdbaccess 'nv'",
                f"OSQL -E -S {SERVER} -d {db} -Q EXEC sp_addrolemember 'db_owner','nv'"]
    return out


def detach_calls() -> list[str]:
    """L9083-9092 (the guide's \\¥ doubling is erratum sql-server-double-separator)."""
    return [f"OSQL -E -d master -S {SERVER} -Q EXEC sp_detach_db @dbname = '{db}',@skipchecks = 'TRUE'" for db in DATABASES]


def guide_start(params: dict) -> list[str]:
    p = effective(params)
    services = ESM_START + ([IPM] if p["router_management_installed"] else []) + NVPRO_START
    out = attach_calls(p)
    for wid, svc in services:
        options = "/S /A /M /WAIT 0" if wid == "id_nvtpserv" else ARMLOAD_OPTIONS   # L8798, L9024 (L8895: erratum)
        out += [f"ARMLOG {wid}", f"ARMLOAD {wid} {options} {svc.format(evwd=p['event_watch_service_name'])}"]
        if wid == "id_nvtpbase":
            out.append("ARMSLEEP 30")                                                  # L8796
    return out


def kill(wid: str, o: bool = True) -> list[str]:
    return [f"ARMLOG {'o ' if o else ''}{wid}", f"ARMKILL {wid}"]                      # L9117: "o " for ESM only


def guide_stop(params: dict) -> list[str]:
    p = effective(params)
    ipm = kill("id_Ipmd") if p["router_management_installed"] else []
    if p["stop_order"] == "sample":
        # the stop.bat sample L9083-9143: detach, NVPRO (nvtpbase, 10 s, nvtpserv), then ESM with Dmi before Alert
        nvpro = detach_calls() + kill("id_iEBase", False) + kill("id_nvComServ", False) + kill("id_nvlgLogServ", False) \
            + kill("id_nvtpbase", False) + ["ARMSLEEP 10"] + kill("id_nvtpserv", False)
        esm = ["id_Amsrs", "id_Dmi", "id_Alert"]
    else:
        # the order list L8616-8635; the databases are detached once the NVPRO services are down
        nvpro = kill("id_iEBase", False) + kill("id_nvComServ", False) + kill("id_nvlgLogServ", False) \
            + kill("id_nvtpserv", False) + ["ARMSLEEP 10"] + kill("id_nvtpbase", False) + detach_calls()
        esm = ["id_Amsrs", "id_Alert", "id_Dmi"]
    esm += ["id_Cmd", "id_Expd", "id_Logd", "id_Rmap", "id_Ruled", "id_Trapd", "id_Dnsd", "id_Trtd", "id_Evwd"]
    return nvpro + ipm + [c for w in esm for c in kill(w)] + ["ARMSLEEP 10"] + kill("id_Base")   # L9141-9143


def expected(script: str, env: dict, params: dict) -> list[str]:
    event = env.get("ARMS_EVENT")
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}  # L8693-8695, L9060-9061
    if event not in events:
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]                   # L8698, L9064
    if event == "RECOVER":
        return []                                                  # L8907-8913: nothing to recover
    if env.get("ARMS_DISK") == "FAILURE":                          # L8706, L8921, L9072, L9233
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]
    # START: the same work on every server (L8718-8804, L8811-8901). FAILOVER: the guide does it on the
    # other servers only (L8940-9030); ppguide does it on the highest-priority server too (erratum failover-highest-empty).
    return guide_start(params) if script == "start.bat" else guide_stop(params)


PARAMS = {
    "default": {},
    "sample-order": {"stop_order": "sample"},
    "router": {"router_management_installed": True},
    "nvwatchd-y": {"event_watch_service_name": "Nvwatchd", "switch_drive": "Y:", "db_folder": "NVPRODB"},
}
SCRIPTS = ["start.bat", "stop.bat"]
_runs: dict[str, dict[tuple[str, str], list[str]]] = {}


def normalised(calls: list[str]) -> list[str]:
    """%computername% as Wine expands it, written back as %COMPUTERNAME% (checked non-empty)."""
    out = []
    for c in calls:
        m = re.search(r"-S (\S*)\\nvpro", c)
        if m:
            assert m[1] and "%" not in m[1], c
            c = c.replace(m[0], f"-S {SERVER}")
        out.append(c)
    return out


def runs(params_id: str) -> dict[tuple[str, str], list[str]]:
    if params_id not in _runs:
        w = session()
        bundle = evaluate("netvisorpro", PARAMS[params_id] | {"failover_group": GROUP})
        _runs[params_id] = {job: normalised(log) for job, log in w.run_branches(bundle, EVENT_BRANCHES).items()}
    return _runs[params_id]


@pytest.mark.parametrize("branch", EVENT_BRANCHES)
@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("params_id", PARAMS)
def test_script_calls_what_the_guide_calls(wine, params_id, script, branch):
    assert runs(params_id)[script, branch] == expected(script, EVENT_BRANCHES[branch], PARAMS[params_id])


@pytest.mark.parametrize("params_id", PARAMS)
def test_every_watch_id_loaded_is_killed_base_first_and_last(wine, params_id):
    r = runs(params_id)
    for event in ("start", "failover", "start-other", "failover-other"):
        loaded = [c.split()[1] for c in r["start.bat", event] if c.startswith("ARMLOAD ")]
        killed = [c.split()[1] for c in r["stop.bat", event] if c.startswith("ARMKILL ")]
        assert sorted(loaded) == sorted(killed) and len(set(loaded)) == len(loaded)
        assert loaded[0] == killed[-1] == "id_Base"                 # L8592 first to start, L8635 last to stop
        assert len(loaded) == 18 + PARAMS[params_id].get("router_management_installed", False)


@pytest.mark.parametrize("params_id", ["default", "sample-order"])
def test_databases_attached_before_any_service_and_detached_in_every_stop(wine, params_id):
    r = runs(params_id)
    start = r["start.bat", "failover-other"]
    first_load = next(i for i, c in enumerate(start) if c.startswith("ARMLOAD "))
    assert sum("sp_attach_db" in c for c in start[:first_load]) == 5   # L8719-8733, before L8755
    for event in ("start", "failover", "start-other", "failover-other"):
        assert [c for c in r["stop.bat", event] if "sp_detach_db" in c] == detach_calls()


@pytest.mark.parametrize("failing", sorted(CHECKED))
def test_a_failed_checked_load_reports_and_leaves(wine, failing):
    """L8756-8785: the five checked ARMLOADs leave the script on ERRORLEVEL 1 (STOPNE does not exist:
    erratum stopne-missing); ppguide broadcasts which load failed and starts nothing after it."""
    content = evaluate("netvisorpro", {}).file("start.bat").content
    got = normalised(session().run_bat(content, {"ARMS_EVENT": "START", "PPG_FAIL": f"ARMLOAD {failing}"}))
    want = guide_start({})
    cut = next(i for i, c in enumerate(want) if c.startswith(f"ARMLOAD {failing} "))
    msg = MESSAGES["failed"]["ja"].replace("{what}", f"ARMLOAD.EXE {failing}")
    assert got == want[:cut + 1] + [f"ARMBCAST /MSG {msg} /A"]


def test_an_unchecked_load_failure_goes_on(wine):
    """No ERRORLEVEL check after id_Logd in the sample (L8761-8762): the script goes on."""
    content = evaluate("netvisorpro", {}).file("start.bat").content
    got = normalised(session().run_bat(content, {"ARMS_EVENT": "START", "PPG_FAIL": "ARMLOAD id_Logd"}))
    assert got == guide_start({})


# -- other command files under Wine ---------------------------------------------------------------

SERVICES_BAT = ["Nvbase", "Nvcmd", "Nvlogd", "Nvrmapd", "Nvintrd", "Nvdnsd", "ESMASVNT", "DmiEventWatcher",
                "AlertManagerSocketReceiveService", "Nvewatchd", "Nvtrtickd", "Nvexpd", "Nvexrld",
                "nvtpbase", "nvtpserv", "nvlgLogServ", "nvComServ", "iEBase"]


def test_services_bat_sets_the_scripted_services_manual(wine):
    """L8458: every related service to 「手動」; those with a service name in the samples by sc config."""
    got = session().run_bat(evaluate("netvisorpro", {}).file("services.bat").content)
    assert got == [f"SC config {s} start= demand" for s in SERVICES_BAT]


def test_services_by_hand_complete_the_35_of_the_list():
    """L8479-8513: 35 related services (ESM IPM only with router management, ※1 L8515)."""
    listed = [ln.split(" ※")[0] for ln in GUIDE_LINES[8478:8513]]
    assert len(listed) == 35
    b = evaluate("netvisorpro", {"router_management_installed": True})
    by_hand = b.values["services_by_hand"]
    table = next(t for t in load("netvisorpro").tables if t.id == "related-services")
    assert [r[0] for r in table.rows] == listed
    assert len(by_hand) + len(SERVICES_BAT) + 1 == 35 and set(by_hand) <= set(listed)


def test_the_services_named_only_by_display_name_are_looked_up(wine):
    """L8493-8512: the ※2/※3 NVPRO services without a script line; sc getkeyname gives their service names."""
    b = evaluate("netvisorpro", {})
    folder = wine.lay_out({f.path: f.content for f in b.files})
    step = next(s for s in b.steps if s.id == "services-by-hand")
    calls = wine.run_in(folder / "commands", Path(step.artifact).name).calls
    listed = [ln.split(" ※")[0] for ln in GUIDE_LINES[8492:8512]]
    scripted = {"NVPRO CommControl Service", "NVPRO Log Service", "NVPRO TopologyManager Base Service",
                "NVPRO TopologyManager Service"}                          # L8495, L8499, L8509, L8510 (+ Watch, L8513)
    assert calls == [f"SC getkeyname {n}" for n in listed if n not in scripted]
    assert len(calls) == 16


@pytest.mark.parametrize("standby", [False, True])
def test_detach_commands_of_the_shared_disk_install(wine, standby):
    """L8449: the active node's DB files are cleared after its install; they are detached first, as
    stop.bat detaches them, and the standby's instance lets go of them too (erratum shared-disk-install)."""
    b = evaluate("netvisorpro", {"disk_type": "shared"})
    folder = wine.lay_out({f.path: f.content for f in b.files})
    step = next(s for s in b.steps if s.id == ("detach-standby" if standby else "clear-db-active"))
    calls = normalised(wine.run_in(folder / "commands", Path(step.artifact).name).calls)
    assert calls == detach_calls()


@pytest.mark.parametrize("group,webaccess", [("Administrators", False), ("NvAdmin", False), ("NvAdmin", True)])
def test_acl_command_grants_the_guides_rights(wine, group, webaccess):
    """L8535-8539: Administrators full, Everyone read, SYSTEM full; NvAdmin (※1, L8541) full; with local
    groups on both nodes (L8545-8547) each node's group full."""
    b = evaluate("netvisorpro", {"esmpro_user_group": group, "webaccess": webaccess})
    folder = wine.lay_out({f.path: f.content for f in b.files})
    step = next(s for s in b.steps if s.id == "acl")
    calls = wine.run_in(folder / "commands", Path(step.artifact).name).calls
    want = [r"CACLS X:\Nvwork /T /E /G Administrators:F Everyone:R SYSTEM:F"]
    if group != "Administrators":
        want += [rf"CACLS X:\Nvwork /T /E /G {n}\{group}:F" for n in ("SERVER1", "SERVER2")] if webaccess \
            else [rf"CACLS X:\Nvwork /T /E /G {group}:F"]
    assert calls == want


def test_registry_round_trip(wine):
    """L8558-8569: WorkDir, AlertPath (¥alert as printed), DiosaFilter, GeneralFilter under the moved path."""
    key = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE"
    b = evaluate("netvisorpro", {"switch_drive": "Y:", "workdir_folder": "NV Work"})
    wine.reg_delete_tree(key)
    wine.import_reg(b.file("netvisorpro.reg").content)
    w = r"Y:\NV Work"
    assert wine.reg_query(key) == {"WorkDir": ("REG_SZ", w), "DiosaFilter": ("REG_SZ", w + r"\Alert\filter\odiosasg"),
                                   "GeneralFilter": ("REG_SZ", w + r"\Alert\filter\genericsg")}
    assert wine.reg_query(key + r"\AlertViewer") == {"AlertPath": ("REG_SZ", w + r"\alert")}


# -- bundles without Wine -----------------------------------------------------------------------------

def lines(bundle, path):
    return [ln for ln in bundle.file(path).text().split("\r\n") if ln and not ln.lower().startswith("rem")]


def test_sync_keys_added_and_removed():
    keys = [r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE",                       # L8578, L8650
            r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Nvbase"]  # L8579, L8652
    assert evaluate("netvisorpro", {}).file("sync-registry.txt").text().split("\r\n")[:-1] == keys
    u = evaluate("netvisorpro", {"scenario": "uninstall"})
    assert u.file("sync-registry-remove.txt").text().split("\r\n")[:-1] == keys


def test_computed_values():
    b = evaluate("netvisorpro", {"nodes": ["A1", "B1", "C1"], "switch_drive": "Z:", "db_folder": "db"})
    assert b.values["licences"] == 3                                   # L8437-8439: one per server
    assert b.values["db_dir"] == r"Z:\db"
    want = [rf"Z:\db\{d}{suffix}" for d in DATABASES for suffix in ("dat.mdf", "log.ldf")]   # L8720 pattern
    assert b.values["db_files"] == want and len(want) == 10
    assert b.values["workdir"] == r"Z:\Nvwork"


def test_sql_files_match_the_script():
    b = evaluate("netvisorpro", {})
    detach = b.file("detach-databases.sql").text()
    for db in DATABASES:
        assert f"EXEC sp_detach_db @dbname = '{db}',@skipchecks = 'TRUE'" in detach
        assert f"@filename1 = 'X:\\nvpro\\{db}dat.mdf'" in b.file("attach-databases.sql").text()


def test_the_guides_slips_are_never_emitted():
    for params in PARAMS.values():
        for f in evaluate("netvisorpro", params).files:
            if f.path.endswith(".md"):
                continue                  # the checklist quotes the errata it corrects
            text = f.content.decode("utf-16" if f.path.endswith(".reg") else "cp932", errors="replace")
            for broken in ("Nvbbase", "STOPNE", "\\%\\nvpro", "%\\\\nvpro", "/S /A /WAIT 0"):
                assert broken not in text, (f.path, broken)


def test_fresh_steps_in_order():
    """§2.2.3 in order: install, services, work directory (① ② ③ ④), sync registry, scripts, reboot."""
    shared = [s.id for s in evaluate("netvisorpro", {}).steps]
    assert shared == ["install-active", "clear-db-active", "move-group-standby", "install-standby", "detach-standby",
                      "move-group-active", "services", "services-by-hand", "move-workdir", "acl", "delete-workdir-standby", "registry", "sync-registry",
                      "scripts", "reboot"]
    mirror = [s.id for s in evaluate("netvisorpro", {"disk_type": "mirror", "webaccess": True}).steps]
    assert mirror == ["install-active", "detach-active", "move-group-standby", "install-standby", "detach-standby",
                      "move-group-active", "local-groups", "services", "services-by-hand", "move-workdir", "acl",
                      "delete-workdir-standby", "registry", "sync-registry", "scripts", "reboot"]


def test_uninstall_steps_and_files():
    """§2.2.4: sync keys, script lines, then the uninstall on each node (group stopped first: rule 2)."""
    b = evaluate("netvisorpro", {"scenario": "uninstall"})
    assert [s.id for s in b.steps] == ["sync-remove", "remove-lines", "stop-group", "uninstall"]
    assert "start.bat" not in {f.path for f in b.files}
    removed = b.file("script-lines-to-remove.txt").text()
    for wid, _ in ESM_START + NVPRO_START:
        assert f"ARMKILL.EXE {wid}\r\n" in removed


@pytest.mark.parametrize("given,param", [
    ({"db_folder": "nv'pro"}, "db_folder"),
    ({"server_os": "Windows NT 4.0 Server"}, "server_os"),
    ({"local_workdir": r"X:\Program Files\Esmpro\Nvwork"}, "local_workdir"),
    ({"workdir_folder": "NVPRO"}, "workdir_folder"),
    ({"stop_order": "reverse"}, "stop_order"),
    ({"event_watch_service_name": "Nvbbase"}, "event_watch_service_name"),
    ({"switch_drive": "X"}, "switch_drive"),
])
def test_bad_facts_are_refused_and_nothing_is_written(tmp_path, given, param):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as e:
        write_bundle("netvisorpro", given, out)
    assert param in str(e.value)
    assert not out.exists() or not any(out.iterdir())


def test_missing_cluster_facts_are_refused():
    given = {k: v for k, v in facts("netvisorpro").items() if k != "switch_drive"}
    with pytest.raises(PpguideError) as e:
        engine.evaluate("netvisorpro", given)
    assert "switch_drive" in str(e.value)


# -- in a failover group with another product --------------------------------------------------------

def test_composed_with_servermanager_each_service_once_base_first_and_last():
    """ServerManager starts ESM Base Service first in any group (L705-708); NetvisorPro's shared
    services (ESMASVNT, DmiEventWatcher, Nvcmd, Nvrmapd, AlertManagerSocketReceiveService) start once."""
    g = compose({"failover_group": "esmgroup", "parameters": {"virtual_computer_name": "ESMPRO"},
                 "products": [{"id": "servermanager"}, {"id": "netvisorpro"}]})
    start = [ln for ln in g.file("start.bat").text().split("\r\n") if ln.startswith("ARMLOAD.EXE")]
    stop = [ln for ln in g.file("stop.bat").text().split("\r\n") if ln.startswith("ARMKILL.EXE")]
    n = len(start) // 2                                               # NORMAL and FAILOVER hold the same lines
    normal_start, normal_stop = start[:n], stop[:len(stop) // 2]
    services = [ln.split()[-1] for ln in normal_start]
    assert len(services) == len(set(services))
    assert services[0] == "Nvbase" and normal_stop[-1] == "ARMKILL.EXE id_Base"
    assert sorted(ln.split()[1] for ln in normal_start) == sorted(ln.split()[1] for ln in normal_stop)
    assert {"ESMDSVNT", "nvtpbase", "iEBase", "Nvexrld"} <= set(services)
    text = g.file("start.bat").text()
    assert text.count("sp_attach_db") == 10                           # five databases, in NORMAL and FAILOVER


# -- ppguide audit on the guide's own samples ---------------------------------------------------------

def test_audit_finds_the_samples_slips():
    """The samples as printed (tests/fixtures/guide-samples): Nvbbase (L8755), the missing label STOPNE
    (L8756), the broken -S forms (L8719, L9083), and FAILOVER on the highest-priority server starting
    nothing (L8934) all show up; ppguide's own scripts for the same facts are clean (tests/test_audit.py)."""
    from guide_samples import SAMPLES, fixture_path

    from ppguide.audit import audit, has_errors

    findings = audit([("netvisorpro", facts("netvisorpro"))], fixture_path("netvisorpro-start"),
                     fixture_path("netvisorpro-stop"))
    first = {name: SAMPLES[name][2] for name in ("netvisorpro-start", "netvisorpro-stop")}
    at = {(f.rule, f.erratum, first["netvisorpro-start" if "start" in f.file else "netvisorpro-stop"] + f.line - 1)
          for f in findings if f.line}
    assert {("erratum", "nvbbase", 8755), ("erratum", "stopne-missing", 8756),
            ("erratum", "sql-server-stray-percent", 8719),
            ("erratum", "sql-server-double-separator", 9083)} <= at
    assert any(r == "goto-missing-label" for r, _, _ in at)
    assert any(r == "branch-mismatch" for r, _, _ in at)             # START loads what FAILOVER (highest) does not
    assert has_errors(findings)


@pytest.mark.parametrize("server_os,path", [
    ("Windows Server 2003", "「管理ツール」→「サービス」"),                                    # L8464
    ("Windows XP Professional", "「コントロールパネル」→「パフォーマンスとメンテナンス」→「管理ツール」→「サービス」"),  # L8469
    ("Windows 2000 Server", "「コントロールパネル」→「管理ツール」→「サービス」"),             # L8474
])
def test_services_gui_path_follows_the_os(server_os, path):
    step = next(s for s in evaluate("netvisorpro", {"server_os": server_os}).steps if s.id == "services")
    assert step.gui[0] == path
    assert step.gui[1].endswith("「スタートアップの種類」→「手動」")                              # L8465


def test_cautions_name_the_virtual_ip_and_the_licences():
    b = evaluate("netvisorpro", {"virtual_ip": "10.1.2.3", "nodes": ["N1", "N2"]})
    text = " ".join(str(w) for w in b.warnings)
    assert "10.1.2.3" in text                                       # L8668, L8672: virtual IP or FIP, never physical
    assert "needs 2 licences" in text                               # L8437-8439
