"""ESMPRO/ClientManager (§1.11, lines 5843-6296).

The expected lines are written here from the guide's samples (start.bat L5988-6116, stop.bat L6122-6229),
not from the knowledge file, with the corrections the project records as errata: ARMNSDEL for Armsdel
(L6152), the folder ESMPROCM for ESMPROC (L6025, L6078), an ERROR_DISK label in stop.bat (L6147, L6189).
The scripts are read per branch from their text and run under Wine's cmd.exe with the logging stand-ins.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from bat_text import branch  # noqa: E402
from facts import compose, evaluate, write_bundle  # noqa: E402
from wine import wine  # noqa: E402,F401

from ppguide.cited import normalise  # noqa: E402
from ppguide.emit_bat import messages  # noqa: E402
from ppguide.errors import ParameterError  # noqa: E402
from ppguide.knowledge import load  # noqa: E402

# -- the guide's facts -----------------------------------------------------------------------------------
CM_DIR = r"W:\Program Files\esmpro\esmprocm"          # L5982 (the switch partition is w:, L5955)
# (watch id, service) as start.bat loads them, in the guide's order (L6018-6024 = L6071-6077)
LOADS = [("CMIT", "ESMPRO/CM CMIT service"),           # L6018
         ("CMMANAGER", "ESMPRO/CM Manager"),           # L6020
         ("CMPOWERON", "ESMPRO/CM Poweron Service"),   # L6021
         ("CMSENDER", "ESMPRO/CM Sender"),             # L6022
         ("CMSNMP", "ESMPRO/CM Snmp Manager"),         # L6023
         ("CMTIME", "ESMPRO Time Server")]             # L6024
RELAY = "ESMPRO/CM CMURELAY"                           # L6019 net start, L6159 net stop
# stop.bat's ARMKILL order (L6154-6160): not the reverse of the loads, CMMANAGER goes before CMPOWERON
KILL_ORDER = ["CMTIME", "CMSNMP", "CMSENDER", "CMMANAGER", "CMPOWERON"]
SYNC_KEY = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\ESMPRO/CM"   # L6237


def start_lines(cm_dir: str = CM_DIR) -> list[str]:
    """L6018-6025, with the share path's folder ESMPROCM (erratum esmproc-folder)."""
    load = [f'ARMLOAD {w} /M /S "{s}"' for w, s in LOADS]
    return load[:1] + [f'net start "{RELAY}"'] + load[1:] + [f'ARMNSADD esmprocm "{cm_dir}\\setup"']


def stop_lines(cm_dir: str = CM_DIR) -> list[str]:
    """L6152-6160 (= L6194-6202), ARMNSDEL for Armsdel (erratum armsdel)."""
    return (["ARMNSDEL esmprocm", f'"{cm_dir}\\bin\\splaunch"'] + [f"ARMKILL {w}" for w in KILL_ORDER]
            + [f'net stop "{RELAY}"', "ARMKILL CMIT"])


def priority_blocks(text: str, label: str) -> list[str]:
    """The command lines from the priority test of a branch to the GOTO EXIT after ON_OTHERn."""
    lines = text.split("\r\n")
    i = lines.index(f":{label}")
    j = next(k for k in range(i, len(lines)) if lines[k].startswith('IF "%ARMS_SERVER%"'))
    end = next(k for k in range(j, len(lines)) if lines[k].startswith(":ON_OTHER"))
    end = lines.index("GOTO EXIT", end)
    return [l for l in lines[j + 1:end] if l and not l.lower().startswith("rem") and l != "GOTO EXIT"
            and not l.startswith(":")]


def text(bundle, name: str) -> str:
    return bundle.file(name).text()


# -- scripts, read as text -------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["NORMAL", "FAILOVER"])
def test_start_branch_is_the_guides(label):
    """START and FAILOVER run the same lines before the priority check (L6018-6025, L6071-6078)."""
    start = text(evaluate("clientmanager"), "start.bat")
    assert branch(start, label) == start_lines()
    assert priority_blocks(start, label) == []                 # L6030-6045, L6083-6094: comments only


def test_start_recover_does_nothing():
    assert branch(text(evaluate("clientmanager"), "start.bat"), "RECOVER") == []    # L6050-6057


@pytest.mark.parametrize("label", ["NORMAL", "FAILOVER"])
def test_stop_branch_is_the_guides(label):
    stop = text(evaluate("clientmanager"), "stop.bat")
    assert branch(stop, label) == stop_lines()
    assert priority_blocks(stop, label) == []                  # L6165-6181, L6207-6219


def test_stop_has_no_recover_branch():
    """L6135-6139: stop.bat branches on START and FAILOVER only."""
    stop = text(evaluate("clientmanager"), "stop.bat")
    assert "RECOVER" not in stop


@pytest.mark.parametrize("name", ["start.bat", "stop.bat"])
def test_every_goto_has_its_label(name):
    """Erratum stop-error-disk: the guide's stop.bat jumps to ERROR_DISK (L6147, L6189) and never defines it."""
    t = text(evaluate("clientmanager"), name)
    labels = {m.upper() for m in re.findall(r"^:(\w+)", t, re.M)}
    targets = {m.upper() for m in re.findall(r"GOTO (\w+)", t)}
    assert "ERROR_DISK" in targets and targets <= labels


def test_everything_started_is_undone():
    """Every ARMLOAD watch id is ARMKILLed, the relay stopped and the share removed (L6018-6025 vs L6152-6160)."""
    b = evaluate("clientmanager")
    start, stop = branch(text(b, "start.bat"), "NORMAL"), branch(text(b, "stop.bat"), "NORMAL")
    assert sorted(l.split()[1] for l in start if l.startswith("ARMLOAD ")) == \
        sorted(l.split()[1] for l in stop if l.startswith("ARMKILL "))
    assert f'net stop "{RELAY}"' in stop and "ARMNSDEL esmprocm" in stop


def test_paths_follow_the_switch_folder():
    """L5980-5984: the sample's w:\\Program Files\\esmpro\\esmprocm is replaced by the real folder."""
    folder = r"W:\CM\esmprocm"
    b = evaluate("clientmanager", {"cm_switch_dir": folder})
    assert branch(text(b, "start.bat"), "NORMAL")[-1] == r"ARMNSADD esmprocm W:\CM\esmprocm\setup"   # no space: unquoted
    assert branch(text(b, "stop.bat"), "FAILOVER")[1] == r'"W:\CM\esmprocm\bin\splaunch"'
    assert "W:\\Program" not in text(b, "start.bat") + text(b, "stop.bat")


def test_scripts_are_cp932_crlf():
    f = evaluate("clientmanager").file("stop.bat")
    assert f.encoding == "cp932" and b"\r\n" in f.content and b"\n" not in f.content.replace(b"\r\n", b"")
    f.content.decode("cp932")


# -- computed values -------------------------------------------------------------------------------------

def test_values_against_an_independent_calculation():
    nodes = ["N1", "N2", "N3"]
    b = evaluate("clientmanager", {"nodes": nodes, "cm_switch_dir": r"W:\A B\cm"})
    v = b.values
    assert v["setup_dir"] == "W:\\A B\\cm" + "\\setup"                       # L6025
    assert v["splaunch_path"] == "W:\\A B\\cm" + "\\bin\\splaunch"           # L6153
    assert v["cmsetdst_path"] == "W:\\A B\\cm" + "\\BIN\\CMSetDst.exe"      # L5955
    assert v["setup_rounds"] == 3                                           # L5927: one round per machine
    assert v["dataviewer_wait_s"] == 5 * 60                                 # L6276: 最大 5 分
    assert v["uninstall_nodes"] == nodes


def test_sync_key_is_the_guides():
    assert text(evaluate("clientmanager"), "sync-registry.txt").split("\r\n")[0] == SYNC_KEY


# -- steps -----------------------------------------------------------------------------------------------

ROUND = ["group-on-node", "cm-setup", "cm-services", "cmsetdst", "desktop-interaction"]


def test_fresh_steps_run_one_round_per_node_in_priority_order():
    """L5927: per machine of the group, (1) setup, (2) CMSetDst, (3) desktop setting, (4) manual failover."""
    nodes = ["N1", "N2", "N3"]
    b = evaluate("clientmanager", {"nodes": nodes})
    ids = [s.id for s in b.steps]
    first = ids.index("group-on-node")
    assert ids[first:first + 15] == ROUND * 3
    rounds = [b.steps[first + 5 * i:first + 5 * i + 5] for i in range(3)]
    for node, steps in zip(nodes, rounds):
        assert all(node in s.title_en for s in steps)
    assert "check that" in rounds[0][0].title_en and "manual failover" in rounds[1][0].title_en
    # §1.11.4.2-4 come before the rounds, §1.11.4.6-7 after, then the other components (§1.11.5.2)
    assert ids[:first] == ["clusterpro-setup", "register-group", "restart-cluster"]
    assert ids[first + 15:] == ["stop-group", "scripts", "sync-registry", "start-group", "client-clusterpro",
                                "client-components"]


def test_servermanager_first_only_for_the_integrated_viewer():
    """L5891: ServerManager goes in before the cluster when the integrated viewer is to be linked."""
    assert evaluate("clientmanager", {"integrated_viewer": True}).steps[0].id == "servermanager-first"
    assert "servermanager-first" not in [s.id for s in evaluate("clientmanager").steps]


def test_setup_answers():
    b = evaluate("clientmanager", {"virtual_ip": "10.1.2.3"})
    steps = {s.id: s for s in b.steps}
    assert "「クラスタ対応セットアップ」" in steps["cm-setup"].gui                  # L5933
    assert CM_DIR in steps["cm-setup"].title_en                                   # L5937: second prompt
    assert "10.1.2.3" in steps["cmsetdst"].title_en and "接続マネージャ名" in steps["cmsetdst"].gui   # L5959
    cmd = b.file(steps["cmsetdst"].artifact).text()
    assert f'"{CM_DIR}\\BIN\\CMSetDst.exe"\r\n' in cmd                            # L5955
    assert "10.1.2.3" in steps["client-clusterpro"].title_en                     # L6262
    assert "10.1.2.3" in steps["client-components"].title_en                     # L6264


@pytest.mark.parametrize("os_name,program", [("Windows 2000 Server", True), ("Windows 2000 Advanced Server", True),
                                             ("Windows Server 2003", False)])
def test_desktop_interaction_path_per_os(os_name, program):
    """L5965-5968: 「CLUSTERPRO Server」, [ログオン] tab; Windows 2000 starts from [プログラム]."""
    step = next(s for s in evaluate("clientmanager", {"server_os": os_name, "cm_version": "4.0"}).steps
                if s.id == "desktop-interaction")
    assert "「CLUSTERPRO Server」" in step.gui and "[ログオン]" in step.gui and step.kind == "config"
    assert ("[プログラム]" in step.title_ja) == program
    assert "[管理ツール]—[サービス]" in step.title_ja


def test_services_step_each_round_before_the_group_starts():
    """Sequencing rule 1: every setup is followed by the services step (services.bat) on the same node."""
    b = evaluate("clientmanager")
    steps = b.steps
    for i, s in enumerate(steps):
        if s.id == "cm-setup":
            assert steps[i + 1].id == "cm-services" and steps[i + 1].artifact == "services.bat"


def test_uninstall_in_reverse():
    """§1.11.5.4: remove the sync key and script lines, then per machine failover + uninstall, delete the group."""
    b = evaluate("clientmanager", {"scenario": "uninstall"})
    ids = [s.id for s in b.steps]
    assert ids == ["remove-lines", "sync-remove", "stop-group-uninstall",
                   "group-on-node-uninstall", "cm-uninstall", "group-on-node-uninstall", "cm-uninstall",
                   "delete-group"]
    assert [l for l in text(b, "script-lines-to-remove.txt").split("\r\n") if l] == start_lines() + stop_lines()
    assert text(b, "sync-registry-remove.txt").split("\r\n")[0] == SYNC_KEY
    assert not any(f.path in ("start.bat", "stop.bat", "services.bat") for f in b.files)


def test_uninstall_with_a_node_that_cannot():
    """L6293: a node that cannot uninstall leaves the shared part, deleted by hand at the end."""
    b = evaluate("clientmanager", {"scenario": "uninstall", "nodes": ["N1", "N2", "N3"],
                                   "nodes_without_uninstall": ["N2"]})
    rounds = [s.title_en for s in b.steps if s.id == "cm-uninstall"]
    assert rounds == ["On N1: uninstall the CM manager", "On N3: uninstall the CM manager"]
    assert [s.id for s in b.steps[-2:]] == ["delete-shared-folder", "delete-group"]   # while the partition is held
    assert f'rmdir /S /Q "{CM_DIR}"' in text(b, b.steps[-2].artifact)


# -- errata ----------------------------------------------------------------------------------------------

def test_errata_the_issue_names():
    e = {x.id: x for x in load("clientmanager").errata}
    assert e["stop-error-disk"].line == 6147 and 6189 in e["stop-error-disk"].also
    assert e["armsdel"].line == 6152 and e["armsdel"].guide == "Armsdel esmprocm"
    assert e["esmproc-folder"].line == 6025 and 6078 in e["esmproc-folder"].also
    assert e["group-name"].line == 5905 and {6270, 6273} <= set(e["group-name"].also)
    assert "meant ESMPROCM" in e["group-name"].why.en
    assert e["windows-nt-only"].kind == "ambiguity" and e["windows-nt-only"].override == "server_os"


@pytest.mark.parametrize("params", [{}, {"scenario": "uninstall"}, {"integrated_viewer": True}])
def test_no_erratum_form_is_emitted(params):
    """No file a user runs or imports holds a form an erratum records as broken (checklist.md quotes them)."""
    b = evaluate("clientmanager", params)
    for f in b.files:
        if f.role == "checklist":
            continue
        t = normalise(f.text())
        for bad in ("armsdel", "esmproc\\setup", "armbicast", "esmpcom"):
            assert bad not in t, (f.path, bad)


def test_group_name_is_the_engineers():
    b = evaluate("clientmanager", {"failover_group": "CMGRP"})
    assert "failover group CMGRP" in text(b, "start.bat")
    assert "CMGRP" in next(s for s in b.steps if s.id == "register-group").title_en
    assert next(e for e in b.errata if e.id == "group-name").emits == "CMGRP everywhere"


# -- bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params,bad", [
    ({"cm_switch_dir": r"D:\Program Files\esmpro\esmprocm"}, ["cm_switch_dir", "switch_drive"]),   # L5937
    ({"cm_switch_dir": r"C:\esmprocm"}, ["cm_switch_dir", "switch_drive"]),
    ({"switch_drive": "X:"}, ["cm_switch_dir", "switch_drive"]),
    ({"cm_switch_dir": r"Program Files\esmpro"}, ["cm_switch_dir"]),
    ({"cm_switch_dir": "W:\\"}, ["cm_switch_dir"]),
    ({"cm_switch_dir": r"W:\esm&cm"}, ["cm_switch_dir"]),
    ({"switch_drive": "W"}, ["switch_drive"]),
    ({"cm_version": "2.0"}, ["cm_version"]),                                            # L5883
    ({"cm_version": "four"}, ["cm_version"]),
    ({"server_os": "Windows NT 3.51 Server"}, ["server_os"]),                          # L5861-5867
    ({"server_os": "Windows Server 2003", "cm_version": "3.5"}, ["server_os", "cm_version"]),   # L5877
    ({"server_os": "Windows XP Professional", "cm_version": "3.4"}, ["server_os", "cm_version"]),  # L5879
    ({"server_os": "Windows 2000 Server", "cm_version": "3.1"}, ["server_os", "cm_version"]),   # L5881
    ({"nodes_without_uninstall": ["SERVERX"]}, ["nodes_without_uninstall"]),
    ({"failover_group": "ESM PROCM"}, ["failover_group"]),
    ({"virtual_ip": "192.168.10.256"}, ["virtual_ip"]),
    ({"nodes": ["SERVER 1", "SERVER2"]}, ["nodes"]),
    ({"scenario": "update"}, ["scenario"]),
])
def test_bad_input_is_refused_and_nothing_written(tmp_path, params, bad):
    out = tmp_path / "bundle"
    with pytest.raises(ParameterError) as exc:
        write_bundle("clientmanager", params, out)
    assert exc.value.parameters == bad
    assert not out.exists()


def test_folder_on_another_drive_is_explained_in_both_languages():
    with pytest.raises(ParameterError) as exc:
        evaluate("clientmanager", {"cm_switch_dir": r"D:\esmprocm"})
    p = exc.value.problems[0]
    given = "{cm_switch_dir: 'D:\\esmprocm', switch_drive: 'W:'}"          # as typed (errors.as_typed)
    assert p.en() == (f"parameter 'cm_switch_dir+switch_drive': given {given}; expected a folder on the switch "
                      "partition W: (for example W:\\Program Files\\esmpro\\esmprocm): the manager's shared part, the "
                      "esmprocm share and splaunch must be on the drive that moves with the group (guide lines 5925, 5937, 5982)")
    assert p.ja() == (f"パラメータ 'cm_switch_dir+switch_drive': 指定値 {given}、期待される値: 切替パーティション W: 上の"
                      "フォルダ (例: W:\\Program Files\\esmpro\\esmprocm)。マネージャの共用部分・共有 esmprocm・splaunch は"
                      "グループと共に移動するドライブに置く必要があります (ガイド 5925, 5937, 5982 行)")


def test_versions_that_fit_the_os_pass():
    """The footnotes' lowest versions themselves are accepted (L5877-5881), the NT family too (L5883)."""
    for os_name, version in [("Windows Server 2003", "4.0"), ("Windows XP Professional", "3.5"),
                             ("Windows 2000 Server", "3.2"), ("Windows NT 4.0 Server", "2.1")]:
        b = evaluate("clientmanager", {"server_os": os_name, "cm_version": version})
        assert ("nt4-service-pack" in [w.id for w in b.warnings]) == (os_name == "Windows NT 4.0 Server")


def test_same_bytes_twice():
    a, b = evaluate("clientmanager"), evaluate("clientmanager")
    assert [(f.path, f.content) for f in a.files] == [(f.path, f.content) for f in b.files]
    assert a.manifest_bytes() == b.manifest_bytes()


# -- one failover group with ServerManager ---------------------------------------------------------------

def example_group(**extra):
    return {"failover_group": "esmgroup",
            "parameters": {"virtual_computer_name": "ESMPRO", "virtual_ip": "192.168.10.100", "nodes": ["SERVER1", "SERVER2"],
                           "switch_drive": "X:", "cm_switch_dir": r"X:\Program Files\esmpro\esmprocm", **extra},
            "products": [{"id": "clientmanager"}, {"id": "servermanager"}]}


def test_composes_with_servermanager():
    """ESM Base Service first (ServerManager, L713), then the CM lines unchanged; stop in reverse."""
    g = compose(example_group())
    cm_dir = r"X:\Program Files\esmpro\esmprocm"
    for label in ("NORMAL", "FAILOVER"):
        start, stop = branch(g.file("start.bat").text(), label), branch(g.file("stop.bat").text(), label)
        assert start[0].startswith("ARMLOAD.EXE id_Base ")
        i = start.index(start_lines(cm_dir)[0])
        assert start[i:i + 8] == start_lines(cm_dir)
        j = stop.index(stop_lines(cm_dir)[0])
        assert stop[j:j + 9] == stop_lines(cm_dir)
        assert stop[-1] == "ARMKILL.EXE id_Base"
    services = g.file("services.bat").text()
    assert "sc config Nvbase start= demand" in services and 'sc getkeyname "ESMPRO/CM Manager"' in services
    keys = g.file("sync-registry.txt").text().split("\r\n")
    assert SYNC_KEY in keys and r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\ESMSM" in keys


# -- under Wine: cmd.exe runs the scripts with logging stand-ins ------------------------------------------

def wine_calls_start(cm_dir: str) -> list[str]:
    """What the stand-ins log for L6018-6025: the program's name upper-cased, the arguments unquoted."""
    loads = [f"ARMLOAD {w} /M /S {s}" for w, s in LOADS]
    return loads[:1] + [f"NET start {RELAY}"] + loads[1:] + [f"ARMNSADD esmprocm {cm_dir}\\setup"]


def wine_calls_stop() -> list[str]:
    return (["ARMNSDEL esmprocm", "SPLAUNCH"] + [f"ARMKILL {w}" for w in KILL_ORDER]
            + [f"NET stop {RELAY}", "ARMKILL CMIT"])


@pytest.fixture(scope="module")
def on_c(wine):
    """A CM folder on Wine's C: with a stand-in for bin\\splaunch, so stop.bat's call is logged too."""
    folder = wine.prefix / "drive_c" / "ppgcm" / "esmprocm"
    (folder / "bin").mkdir(parents=True, exist_ok=True)
    (folder / "bin" / "splaunch.exe").write_bytes(wine.standin.read_bytes())
    cm_dir = wine.windows_path(folder)
    return cm_dir, evaluate("clientmanager", {"switch_drive": "C:", "cm_switch_dir": cm_dir})


DISK = f"ARMBCAST /MSG {messages()['disk']} /A"
NO_ARM = f"ARMBCAST /MSG {messages()['no_arm']} /A"


@pytest.mark.parametrize("env,expected", [
    ({"ARMS_EVENT": "START"}, "start"),
    ({"ARMS_EVENT": "FAILOVER"}, "start"),
    ({"ARMS_EVENT": "START", "ARMS_SERVER": "OTHER"}, "start"),
    ({"ARMS_EVENT": "FAILOVER", "ARMS_SERVER": "OTHER"}, "start"),
    ({"ARMS_EVENT": "RECOVER"}, "none"),
    ({"ARMS_EVENT": "START", "ARMS_DISK": "FAILURE"}, "disk"),
    ({"ARMS_EVENT": "FAILOVER", "ARMS_DISK": "FAILURE"}, "disk"),
    ({}, "no_arm"),
])
def test_wine_start_branches(wine, on_c, env, expected):
    cm_dir, b = on_c
    run = wine.run(b.file("start.bat").content, env)
    want = {"start": wine_calls_start(cm_dir), "none": [], "disk": [DISK], "no_arm": [NO_ARM]}[expected]
    assert run.calls == want
    assert "label" not in run.stdout + run.stderr


@pytest.mark.parametrize("env,expected", [
    ({"ARMS_EVENT": "START"}, "stop"),
    ({"ARMS_EVENT": "FAILOVER"}, "stop"),
    ({"ARMS_EVENT": "START", "ARMS_SERVER": "OTHER"}, "stop"),
    ({"ARMS_EVENT": "FAILOVER", "ARMS_SERVER": "OTHER"}, "stop"),
    ({"ARMS_EVENT": "START", "ARMS_DISK": "FAILURE"}, "disk"),      # L6147: the label the guide left out
    ({"ARMS_EVENT": "FAILOVER", "ARMS_DISK": "FAILURE"}, "disk"),   # L6189
    ({"ARMS_EVENT": "RECOVER"}, "no_arm"),                           # L6135-6139: stop.bat knows no RECOVER
    ({}, "no_arm"),
])
def test_wine_stop_branches(wine, on_c, env, expected):
    _, b = on_c
    run = wine.run(b.file("stop.bat").content, env)
    assert run.calls == {"stop": wine_calls_stop(), "disk": [DISK], "no_arm": [NO_ARM]}[expected]
    assert "label" not in run.stdout + run.stderr


def test_wine_services_bat_looks_up_key_names(wine):
    """sc config takes key names; the guide gives display names (L6018-6024), which sc getkeyname turns
    into key names. The stand-in answers as sc does when PPG_ECHO is set."""
    b = evaluate("clientmanager")
    names = [LOADS[0][1], RELAY] + [s for _, s in LOADS[1:]]
    answered = wine.run(b.file("services.bat").content, {"PPG_ECHO": "[SC] GetServiceKeyName SUCCESS  Name = CMKEY"})
    assert answered.calls == [c for n in names for c in (f"SC getkeyname {n}", "SC config CMKEY start= demand")]
    silent = wine.run(b.file("services.bat").content)
    assert silent.calls == [f"SC getkeyname {n}" for n in names]
    said = [l for l in silent.stdout.splitlines() if l.startswith("No service is shown as")]    # echo is on
    assert [l.split('"')[1] for l in said] == names


def test_wine_group_with_servermanager(wine):
    g = compose(example_group())
    calls = wine.run_bat(g.file("start.bat").content, {"ARMS_EVENT": "START"})
    cm = wine_calls_start(r"X:\Program Files\esmpro\esmprocm")
    assert calls[0].startswith("ARMLOAD id_Base ")
    i = calls.index(cm[0])
    assert calls[i:i + len(cm)] == cm
    stop = wine.run_bat(g.file("stop.bat").content, {"ARMS_EVENT": "FAILOVER"})
    assert stop[-1] == "ARMKILL id_Base" and "ARMNSDEL esmprocm" in stop


# -- ppguide audit on the guide's own samples ---------------------------------------------------------------

def test_audit_of_the_guides_sample_finds_each_erratum():
    """The sample scripts cut from the guide (tests/fixtures/guide-samples): the audit reports the missing label
    (L6147, L6189), Armsdel (L6152) and the ESMPROC folder (L6025, L6078), and ppguide's own scripts pass."""
    from guide_samples import SAMPLES, fixture_path

    from ppguide.audit import audit, has_errors

    found = audit([("clientmanager", {})], fixture_path("clientmanager-start"), fixture_path("clientmanager-stop"))
    first = {"start": SAMPLES["clientmanager-start"][2], "stop": SAMPLES["clientmanager-stop"][2]}
    at = {(f.rule, f.erratum, first["start" if "start-L" in f.file else "stop"] + f.line - 1) for f in found if f.line}
    assert {("goto-missing-label", None, 6147), ("goto-missing-label", None, 6189), ("erratum", "armsdel", 6152),
            ("erratum", "esmproc-folder", 6025), ("erratum", "esmproc-folder", 6078)} <= at
    assert has_errors(found)


def test_audit_of_own_scripts_is_clean(tmp_path):
    from ppguide.audit import audit

    b = evaluate("clientmanager")
    (tmp_path / "start.bat").write_bytes(b.file("start.bat").content)
    (tmp_path / "stop.bat").write_bytes(b.file("stop.bat").content)
    assert audit([("clientmanager", {})], tmp_path / "start.bat", tmp_path / "stop.bat") == []


def test_wine_cleanup_removes_the_shared_folder_once(wine):
    """L6293: the shared part left by a node that could not uninstall is deleted; a second run does nothing."""
    folder = wine.new_dir()
    shared = folder / "cm" / "esmprocm"
    (shared / "bin").mkdir(parents=True)
    (shared / "bin" / "splaunch.exe").write_bytes(b"x")
    b = evaluate("clientmanager", {"scenario": "uninstall", "switch_drive": "C:",
                                   "cm_switch_dir": wine.windows_path(shared), "nodes_without_uninstall": ["SERVER2"]})
    step = next(s for s in b.steps if s.id == "delete-shared-folder")
    (folder / "cleanup.bat").write_bytes(b.file(step.artifact).content)
    assert wine.run_in(folder, "cleanup.bat").returncode == 0 and not shared.exists()
    assert (folder / "cm").exists()                       # only the manager's folder goes
    assert wine.run_in(folder, "cleanup.bat").returncode == 0


def test_warnings_per_scenario():
    """§1.11.5 cautions for a running manager in fresh; the CM GUI note (L6295) only when uninstalling."""
    fresh = {w.id for w in evaluate("clientmanager").warnings}
    assert {"manager-only", "same-on-every-node", "settings-stop-group", "start-type", "gui-on-active-only",
            "gui-blocks-manual-move", "dataviewer-wait", "alerts-may-be-lost", "no-parent-manager"} == fresh
    assert {w.id for w in evaluate("clientmanager", {"scenario": "uninstall"}).warnings} == \
        {"settings-stop-group", "gui-not-alone"}
    wait = next(w for w in evaluate("clientmanager").warnings if w.id == "dataviewer-wait")
    assert "300 s" in wait.en and "300 秒" in wait.ja                    # L6276: 5 minutes
