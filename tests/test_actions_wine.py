"""Every kind of script action runs under Wine's cmd.exe in the declared order, once per event branch.

The fixture products epsilon (hooks, net start/stop, quoted and per-host ARMLOADs, ARMNSADD/ARMNSDEL,
a monitor switched on and off, ARMSLEEP, on_error exit, the priority and RECOVER slots) and zeta (lines
added to another group's scripts, in the priority slots) are in tests/fixtures/procedures. The expected
calls are written here from the fixtures' declared order, as the stand-ins log them (program upper-cased,
quotes gone).
"""
from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402

from ppguide import knowledge  # noqa: E402
from ppguide.evaluate import evaluate  # noqa: E402
from wine import EVENT_BRANCHES, FIXTURES, STANDINS, session, wine  # noqa: E402,F401

MESSAGES = yaml.safe_load((knowledge.DATA / "messages.yaml").read_text("utf-8"))["messages"]
DISK = f"ARMBCAST /MSG {MESSAGES['disk']['ja']} /A"
NO_ARM = f"ARMBCAST /MSG {MESSAGES['no_arm']['ja']} /A"
FACTS = {"epsilon": {"hosts": [{"name": "VCOMSQL"}, {"name": "VCOMORA"}], "bom_item_ids": ["APPL001", "APPL002"]},
         "zeta": {}}

# The declared order of epsilon.yaml, slot by slot.
EPSILON = {
    ("start", "main"): ["ARMLOG id_Base", "ARMLOAD id_Base /S /M /WAIT 0 Nvbase",
                        "NET start ESMPRO/CM CMURELAY",
                        "ARMLOG CMIT", "ARMLOAD CMIT /M /S ESMPRO/CM CMIT service",
                        "ARMLOG pfm1", "ARMLOAD pfm1 /S JP1PCMGR_PN [VCOMSQL]",
                        "ARMLOG pfm2", "ARMLOAD pfm2 /S JP1PCMGR_PN [VCOMORA]",
                        r"ARMNSADD esmprocm X:\Program Files\ESMPRO\ESMPROCM\setup",
                        "SETBWATC -a APPL001 -w 1", "SETBWATC -a APPL002 -w 1"],
    ("start", "highest"): ["ARMLOG up on the highest-priority server of g"],
    ("start", "other"): ["ARMLOG up on another server"],
    ("start", "recover"): ["ARMSLEEP 1"],
    ("stop", "main"): ["SETBWATC -a APPL002 -w 0", "SETBWATC -a APPL001 -w 0", "ARMNSDEL esmprocm",
                       "NET stop ESMPRO/CM CMURELAY",
                       "ARMLOG o pfm2", "ARMKILL pfm2", "ARMLOG o pfm1", "ARMKILL pfm1",
                       "ARMLOG o CMIT", "ARMKILL CMIT", "ARMSLEEP 5", "ARMLOG o id_Base", "ARMKILL id_Base"],
    ("stop", "highest"): ["ARMLOG down on the highest-priority server"],
    ("stop", "other"): [],
}
# zeta.yaml: AppManager-style lines for the SQL Server group's scripts (guide L6530-6544, L6680-6695).
ZETA = {
    ("start", "main"): [], ("start", "highest"): ["NET start NetIQms"],
    ("start", "other"): ["ARMSLEEP 30", "NET start NetIQms"], ("start", "recover"): [],
    ("stop", "main"): [], ("stop", "highest"): ["NET stop NetIQms", "ARMSLEEP 30"],
    ("stop", "other"): ["NET stop NetIQms", "ARMSLEEP 30"],
}
DECLARED = {"epsilon": EPSILON, "zeta": ZETA}
SCRIPTS = ["start.bat", "stop.bat"]


def expected(product: str, script: str, env: dict) -> list[str]:
    side, order = script.split(".")[0], DECLARED[product]
    event = env.get("ARMS_EVENT")
    if event not in ({"START", "FAILOVER", "RECOVER"} if side == "start" else {"START", "FAILOVER"}):
        return [NO_ARM]
    if event == "RECOVER":
        return order[side, "recover"]
    if env.get("ARMS_DISK") == "FAILURE":
        return [DISK]
    return order[side, "main"] + order[side, "other" if env.get("ARMS_SERVER") == "OTHER" else "highest"]


_bundles: dict[str, dict[str, bytes]] = {}
_runs: dict[str, dict[tuple[str, str], list[str]]] = {}


@contextmanager
def fixtures_searched():
    """The fixtures folder searched first, for the duration of the block (module-level caches outlive a test)."""
    old = os.environ.get(knowledge.SEARCH_VARIABLE)
    os.environ[knowledge.SEARCH_VARIABLE] = str(FIXTURES)
    try:
        yield
    finally:
        if old is None:
            del os.environ[knowledge.SEARCH_VARIABLE]
        else:
            os.environ[knowledge.SEARCH_VARIABLE] = old


def fixture_bundle(product: str):
    """The fixture product's bundle on FACTS."""
    with fixtures_searched():
        return evaluate(product, FACTS[product])


def scripts_of(product: str) -> dict[str, bytes]:
    if product not in _bundles:
        b = fixture_bundle(product)
        _bundles[product] = {s: b.file(s).content for s in SCRIPTS}
    return _bundles[product]


def runs(product: str) -> dict[tuple[str, str], list[str]]:
    if product not in _runs:
        w, files = session(), scripts_of(product)
        jobs = [(s, b) for s in SCRIPTS for b in EVENT_BRANCHES]
        with ThreadPoolExecutor(max_workers=4) as pool:
            logs = pool.map(lambda job: w.run_bat(files[job[0]], EVENT_BRANCHES[job[1]]), jobs)
            _runs[product] = dict(zip(jobs, logs))
    return _runs[product]


def test_the_stand_ins_cover_every_program_the_actions_call():
    """Derived from the knowledge (tests/wine.py): the new kinds' programs are there without a hand list."""
    assert {"ARMLOG", "ARMSLEEP", "ARMNSADD", "ARMNSDEL", "SETBWATC", "ARMLOAD", "ARMKILL", "NET"} <= set(STANDINS)


@pytest.mark.parametrize("branch", EVENT_BRANCHES)
@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("product", DECLARED)
def test_actions_run_in_the_declared_order(wine, product, script, branch):
    assert runs(product)[script, branch] == expected(product, script, EVENT_BRANCHES[branch])


@pytest.mark.parametrize("event", ["START", "FAILOVER"])
def test_a_failed_load_reports_and_leaves(wine, event):
    """on_error: exit on CMIT: when its ARMLOAD fails nothing after it runs, the handler broadcasts which
    command failed and the script ends (no pause waiting for a key)."""
    got = wine.run_bat(scripts_of("epsilon")["start.bat"], {"ARMS_EVENT": event, "PPG_FAIL": "ARMLOAD CMIT"})
    main = EPSILON["start", "main"]
    assert got == main[:main.index("ARMLOAD CMIT /M /S ESMPRO/CM CMIT service") + 1] + [
        f"ARMBCAST /MSG {MESSAGES['failed']['ja'].replace('{what}', 'ARMLOAD.EXE CMIT')} /A"]


def test_a_load_without_on_error_goes_on(wine):
    got = wine.run_bat(scripts_of("epsilon")["start.bat"], {"ARMS_EVENT": "START", "PPG_FAIL": "ARMLOAD pfm1"})
    assert got == EPSILON["start", "main"] + EPSILON["start", "highest"]


def test_every_load_is_killed_and_every_share_and_monitor_undone_in_reverse(wine):
    r = runs("epsilon")
    for event in ("start", "failover"):
        start, stop = r["start.bat", event], r["stop.bat", event]
        loaded = [c.split()[1] for c in start if c.startswith("ARMLOAD ")]
        assert [c.split()[1] for c in stop if c.startswith("ARMKILL ")] == loaded[::-1]
        shared = [c.split()[1] for c in start if c.startswith("ARMNSADD ")]
        assert [c.split()[1] for c in stop if c.startswith("ARMNSDEL ")] == shared[::-1]
        on = [c.removesuffix(" -w 1") for c in start if c.startswith("SETBWATC") and c.endswith("-w 1")]
        assert [c.removesuffix(" -w 0") for c in stop if c.startswith("SETBWATC")] == on[::-1]


def test_registry_set_and_restore_pair_imports(wine):
    """AppManager-style InstallPath (L7150-7158): the set file points it at the shared disk, the restore file
    puts the local path back; both import with regedit /S."""
    b = fixture_bundle("zeta")
    key = r"HKEY_LOCAL_MACHINE\NetIQ\AppManager"
    wine.reg_delete_tree(r"HKEY_LOCAL_MACHINE\NetIQ")
    wine.import_reg(b.file("installpath-shared.reg").content)
    assert wine.reg_query(key)["InstallPath"] == ("REG_SZ", r"Y:\NetIQ")
    wine.import_reg(b.file("installpath-restore.reg").content)
    assert wine.reg_query(key)["InstallPath"] == ("REG_SZ", r"C:\Program Files\NetIQ")


_IF = re.compile(r'^IF\s+(?:/I\s+)?(?:NOT\s+)?(?:"[^"]*"\s*==\s*"[^"]*"|ERRORLEVEL\s+\d+)\s+(.*)$', re.I)
BUILTINS = {"GOTO", "EXIT", "SET", "ECHO", "CALL"}


def programs(bat: bytes) -> set[str]:
    """The programs a start.bat / stop.bat calls by plain name (a quoted path cannot be a stand-in)."""
    found = set()
    for line in bat.decode("cp932").split("\r\n"):
        line = line.strip()
        while (m := _IF.match(line)):
            line = m.group(1)
        if not line or line.startswith((":", '"')) or line.lower().startswith("rem"):
            continue
        found.add(line.split()[0].upper().removesuffix(".EXE"))
    return found - BUILTINS


def test_the_stand_ins_cover_every_program_the_scripts_call():
    """Every program the example bundles' and the fixtures' scripts call is a stand-in, so a Wine run logs it."""
    from facts import evaluate as example
    bundles = [example(pid) for pid in knowledge.product_ids()] + [fixture_bundle(p) for p in DECLARED]
    called = set()
    for b in bundles:
        for f in b.files:
            if f.role in ("start-script", "stop-script"):
                called |= programs(f.content)
    assert called and called <= set(STANDINS), called - set(STANDINS)
    assert {"ARMLOAD", "ARMKILL", "ARMLOG", "ARMSLEEP", "ARMNSADD", "ARMNSDEL", "SETBWATC", "NET"} <= called


@pytest.mark.parametrize("product", DECLARED)
def test_every_goto_has_its_label(product):
    for name, bat in scripts_of(product).items():
        text = bat.decode("cp932")
        labels = {l[1:].upper() for l in text.split("\r\n") if l.startswith(":")}
        gotos = {g.upper() for g in re.findall(r"GOTO\s+(\S+)", text, re.I)}
        assert gotos <= labels, (name, gotos - labels)


def test_a_composed_group_runs_hooks_shares_and_monitors_in_order(wine):
    """ServerManager and epsilon in one group: epsilon's hook logs ServerManager's id_Base, the share and the
    monitors are undone in stop.bat, every ARMLOAD is ARMKILLed in reverse."""
    from facts import compose
    with fixtures_searched():
        g = compose({"failover_group": "g1", "products": [{"id": "epsilon"}, {"id": "servermanager"}]})
    start = wine.run_bat(g.file("start.bat").content, {"ARMS_EVENT": "FAILOVER"})
    stop = wine.run_bat(g.file("stop.bat").content, {"ARMS_EVENT": "FAILOVER"})
    assert start[:2] == ["ARMLOG id_Base", "ARMLOAD id_Base /S /M /WAIT 0 Nvbase"]
    assert stop[-3:] == ["ARMLOG o id_Base", "ARMKILL id_Base", "ARMLOG down on the highest-priority server"]
    loaded = [c.split()[1] for c in start if c.startswith("ARMLOAD ")]
    assert [c.split()[1] for c in stop if c.startswith("ARMKILL ")] == loaded[::-1]
    assert "ARMNSADD esmprocm X:\\Program Files\\ESMPRO\\ESMPROCM\\setup" in start and "ARMNSDEL esmprocm" in stop
    assert "SETBWATC -a APPL001 -w 1" in start and "SETBWATC -a APPL001 -w 0" in stop
