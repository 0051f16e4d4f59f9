"""ESMPRO/BOM (§1.14, lines 7442-7806) against the guide.

Expected lines come from the samples and the command syntax: `"...\\BomSvc\\setbwatc.exe" -a APPLxxx -w 1` after the
disk check in START and FAILOVER (L7641, L7680), `-w 0` in stop.bat (L7730, L7759), at its head, before the
applications stop (L7560-7570); the spelling setbwatc of the full-path lines (erratum setbwatc-spelling). The
samples break off (<中略>, <後略>): the other branches follow the CLUSTERPRO structure of every other sample.
Under Wine a logging stand-in is put at the program's own path, so the call arrives as cmd really makes it.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path, PureWindowsPath

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402
from bat_text import branch  # noqa: E402
from facts import compose, evaluate, write_bundle  # noqa: E402
from wine import EVENT_BRANCHES, session, wine  # noqa: E402,F401

from ppguide.errors import ParameterError  # noqa: E402

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))
MSG_DISK = MESSAGES["messages"]["disk"]["ja"]
MSG_NO_ARM = MESSAGES["messages"]["no_arm"]["ja"]

BOM_DIR = r"C:\Program Files\SAY Technologies\BOM4\BomSvc"        # L7680 (default install folder, L7690)
EXE = BOM_DIR + r"\setbwatc.exe"                                   # L7641, L7680, L7759
ITEMS = ["APPL001", "APPL003"]                                     # APPL003: the guide's example (L7691)
SETTING = r"HKEY_LOCAL_MACHINE\SOFTWARE\SAY Technologies,Inc.\BOM\Setting"   # L7528-7530


def on(item: str, exe: str = EXE) -> str:
    return f'"{exe}" -a {item} -w 1'                               # L7589, L7641: 1 = 監視 ON (L7594)


def off(item: str, exe: str = EXE) -> str:
    return f'"{exe}" -a {item} -w 0'                               # L7575, L7759: 0 = 監視 OFF (L7580)


# -- the scripts' text ----------------------------------------------------------------------------

def test_items_switched_on_in_start_and_failover_and_off_in_stop():
    b = evaluate("bom", {"bom_item_ids": ITEMS})
    start, stop = b.file("start.bat").text(), b.file("stop.bat").text()
    assert branch(start, "NORMAL") == [on(i) for i in ITEMS]                 # L7641
    assert branch(start, "FAILOVER") == [on(i) for i in ITEMS]               # L7680
    assert branch(start, "RECOVER") == []                                    # L7654-7660
    assert branch(stop, "NORMAL") == [off(i) for i in reversed(ITEMS)]       # L7730
    assert branch(stop, "FAILOVER") == [off(i) for i in reversed(ITEMS)]     # L7759


def test_the_guides_three_spellings_become_one():
    b = evaluate("bom", {})
    for name in ("start.bat", "stop.bat", "bom-monitor-off.bat"):
        text = b.file(name).text()
        assert "setbwtch" not in text and "setbwth." not in text and "setbwatc.exe" in text
        assert "<中略>" not in text and "<後略>" not in text and "APPLxxx" not in text
    assert {"setbwatc-spelling", "samples-cut"} <= {e.id for e in b.errata}


def test_full_scripts_define_every_label_they_jump_to():
    """The samples jump to ON_OTHER1, ERROR_DISK, no_arm, EXIT without showing them (L7644-7646, L7733-7735)."""
    import re
    b = evaluate("bom", {})
    for name in ("start.bat", "stop.bat"):
        text = b.file(name).text()
        labels = set(re.findall(r"^:(\w+)", text, re.M))
        assert {"ON_OTHER1", "ON_OTHER2", "ERROR_DISK", "no_arm", "EXIT"} <= labels
        assert set(re.findall(r"GOTO (\w+)", text)) <= labels


def test_bom_dir_changes_the_program_path():
    b = evaluate("bom", {"bom_dir": r"D:\BOM3\BomSvc", "bom_item_ids": ["APPL7"]})
    assert branch(b.file("start.bat").text(), "NORMAL") == [on("APPL7", r"D:\BOM3\BomSvc\setbwatc.exe")]


@pytest.mark.parametrize("nodes", [["SV1", "SV2"], ["A", "B", "C", "D"]])
def test_licence_counts_of_the_remote_oracle_option(nodes):
    """L7803: base product = cluster servers + the management server; Oracle option = cluster servers."""
    b = evaluate("bom", {"nodes": nodes, "oracle_remote_option": True})
    n = len(nodes)
    assert b.values["base_licences"] == n + 1
    assert b.values["oracle_option_licences"] == n
    warning = next(w for w in b.warnings if w.id == "licence-count")
    assert str(n + 1) in warning.en and "NEC" in warning.en      # the guide's count, doubted (L7801 vs L7803)
    assert next(e for e in b.errata if e.id == "licence-count").certain is False
    assert "oracle-remote" in [s.id for s in b.steps]


def test_no_oracle_steps_without_the_option():
    b = evaluate("bom", {})
    assert "oracle-remote" not in [s.id for s in b.steps] and "licence-count" not in {w.id for w in b.warnings}


def test_registry_file_text():
    """L7528-7532: PerfKeyClose under ...\\BOM\\Setting, 01 00 00 00 = REG_DWORD 1 (erratum perfkeyclose-type)."""
    b = evaluate("bom", {})
    content = b.file("bom-perfkeyclose.reg").content
    assert content.startswith(b"\xff\xfe")
    text = content.decode("utf-16")
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    assert f"[{SETTING}]\r\n" in text and '"PerfKeyClose"=dword:00000001\r\n' in text
    assert (1).to_bytes(4, "little") == bytes([0x01, 0x00, 0x00, 0x00])        # the guide's four bytes


def test_nt4_writes_regedit4():
    b = evaluate("bom", {"bom_version": "3.0", "server_os": "Windows NT 4.0 Server"})
    assert b.file("bom-perfkeyclose.reg").content.startswith(b"REGEDIT4\r\n")
    assert {"nt4-sp4"} <= {w.id for w in b.warnings} and "nt4-heading" in {e.id for e in b.errata}


def test_steps_and_places():
    b = evaluate("bom", {})
    assert [(s.id, s.kind, s.place) for s in b.steps] == [
        ("install-nodes", "install", "each_node"),            # L7508
        ("perfkeyclose", "registry", "each_node"),             # L7516-7532
        ("detached-disk-handling", "config", "each_node"),     # L7536-7552
        ("scripts", "script-edit", "cluster_manager"),         # L7558-7594
        ("restart-group", "group-start", "cluster_manager"),
        ("standby-off", "config", "standby"),                  # L7544, L7552: off where the disk is detached
        ("after-crash", "check", "standby"),                   # L7598
    ]
    handling = next(s for s in b.steps if s.id == "detached-disk-handling")
    assert "「無応答」" in handling.title_en                      # Windows 2003 (L7540)
    w2000 = next(s for s in evaluate("bom", {"server_os": "Windows 2000 Server"}).steps if s.id == "detached-disk-handling")
    assert "0" in w2000.title_en and "「無応答」" not in w2000.title_en   # Windows 2000 (L7548)


# -- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("given,named", [
    ({"bom_item_ids": ["APPLxxx"]}, ["bom_item_ids"]),          # the samples' placeholder (L7641)
    ({"bom_item_ids": ["APPL003 -w 0"]}, ["bom_item_ids"]),
    ({"bom_item_ids": []}, ["bom_item_ids"]),
    ({"bom_item_ids": None}, ["bom_item_ids"]),
    ({"bom_dir": "BomSvc"}, ["bom_dir"]),
    ({"bom_version": "2.0"}, ["bom_version"]),                 # cluster support from Ver3.0 (L7484)
    ({"bom_version": "4.0", "server_os": "Windows NT 4.0 Server"}, ["server_os", "bom_version"]),   # L7489-7492
    ({"bom_version": "3.0", "server_os": "Windows Server 2003"}, ["server_os", "bom_version"]),     # L7484-7487
])
def test_bad_parameters_are_refused_and_nothing_is_written(tmp_path, given, named):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as exc:
        write_bundle("bom", given, out)
    assert sorted(exc.value.parameters) == sorted(named)
    assert all(n in exc.value.en and n in exc.value.ja for n in named)
    assert not out.exists() or not any(out.iterdir())


# -- composition: BOM after every other product ----------------------------------------------------

def test_compose_switches_on_after_the_services_and_off_before_them():
    """L7560-7570: off first in stop.bat, before the applications stop; on after they started. BOM is listed
    first here and still comes last in start.bat."""
    g = compose({"failover_group": "esmgroup", "products": [{"id": "bom", "parameters": {"bom_item_ids": ITEMS}},
                                                            {"id": "servermanager"}]})
    for label in ("NORMAL", "FAILOVER"):
        start = branch(g.file("start.bat").text(), label)
        assert start[-2:] == [on(i) for i in ITEMS]
        assert all(line.startswith("ARMLOAD.EXE") for line in start[:-2])
        stop = branch(g.file("stop.bat").text(), label)
        assert stop[:2] == [off(i) for i in reversed(ITEMS)]
        assert all(line.startswith("ARMKILL.EXE") for line in stop[2:])


# -- Wine -----------------------------------------------------------------------------------------

def install_standin(w, exe: str) -> None:
    """The logging stand-in at the Windows path `exe` inside the prefix (it logs SETBWATC and its arguments)."""
    target = w.prefix / "drive_c" / Path(*PureWindowsPath(exe).parts[1:])
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(w.standin, target)


def expected(script: str, env: dict, items=ITEMS) -> list[str]:
    event = env.get("ARMS_EVENT")
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}
    if event not in events:
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]
    if event == "RECOVER":
        return []                                                  # L7654-7660
    if env.get("ARMS_DISK") == "FAILURE":
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]                    # L7629, L7668, L7719, L7746
    if script == "start.bat":                                      # before the priority check: OTHER too
        return [f"SETBWATC -a {i} -w 1" for i in items]
    return [f"SETBWATC -a {i} -w 0" for i in reversed(items)]


SCRIPTS = ["start.bat", "stop.bat"]
_runs: dict[tuple[str, str], list[str]] = {}


def runs() -> dict[tuple[str, str], list[str]]:
    if not _runs:
        w = session()
        install_standin(w, EXE)
        b = evaluate("bom", {"bom_item_ids": ITEMS})
        _runs.update(w.run_branches(b, EVENT_BRANCHES))
    return _runs


@pytest.mark.parametrize("branch_id", list(EVENT_BRANCHES))
@pytest.mark.parametrize("script", SCRIPTS)
def test_wine_calls_what_the_guide_calls(wine, script, branch_id):
    assert runs()[script, branch_id] == expected(script, EVENT_BRANCHES[branch_id])


def test_wine_a_folder_with_spaces_parentheses_and_quotes_still_reaches_the_program(wine):
    folder = r"C:\Program Files (x86)\it's a=b,c;d!\BomSvc"
    install_standin(wine, folder + r"\setbwatc.exe")
    b = evaluate("bom", {"bom_dir": folder, "bom_item_ids": ["APPL9"]})
    assert wine.run_bat(b.file("start.bat").content, EVENT_BRANCHES["start"]) == ["SETBWATC -a APPL9 -w 1"]
    assert wine.run_bat(b.file("stop.bat").content, EVENT_BRANCHES["failover"]) == ["SETBWATC -a APPL9 -w 0"]


def test_wine_monitor_off_file_switches_every_item_off(wine):
    """L7598: after a crash, the returning server's items are switched off by hand."""
    install_standin(wine, EXE)
    b = evaluate("bom", {"bom_item_ids": ITEMS})
    assert wine.run_bat(b.file("bom-monitor-off.bat").content) == [f"SETBWATC -a {i} -w 0" for i in ITEMS]


def test_wine_registry_round_trip(wine):
    wine.reg_delete_tree(r"HKEY_LOCAL_MACHINE\SOFTWARE\SAY Technologies,Inc.")
    wine.import_reg(evaluate("bom", {}).file("bom-perfkeyclose.reg").content)
    assert wine.reg_query(SETTING) == {"PerfKeyClose": ("REG_DWORD", "0x1")}


# -- the guide's example facts of this branch's three products (data/guide-examples.yaml) ----------

@pytest.mark.parametrize("pid", ["printmanager", "bom", "performance-management"])
def test_guide_example_facts_stand_on_their_lines(pid):
    from ppguide.cited import stands_on
    from ppguide.examples import guide_example, guide_example_cites
    guide = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt"
    lines = guide.read_text(encoding="utf-8").split("\n")
    cites = guide_example_cites(pid)
    assert cites
    for name, n in cites.items():
        value = guide_example(pid)[name]
        for v in value if isinstance(value, list) else [value]:
            assert stands_on(str(v), lines[n - 1]), (pid, name, v, n)
