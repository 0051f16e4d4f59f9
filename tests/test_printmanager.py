"""ESMPRO/PrintManager (§1.10, lines 5634-5842) against the guide.

The expected calls are written from the sample at lines 5696-5820 and its note at 5824-5828, not from the
knowledge file: from Ver2.1 on, START and FAILOVER stop esmproprs, spooler, esmpropr and start them in the
reverse order, before the priority check; RECOVER and a disk failure do none of it; stop.bat has nothing to
do (L5692). The sample's ARMBICAST lines and its userhome broadcasts are errata and are not emitted.
"""
from __future__ import annotations

import sys
from pathlib import Path

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

# L5724-5729 (START) and L5777-5782 (FAILOVER): the one order the note at L5824-5828 allows.
RESTART = ["net stop esmproprs", "net stop spooler", "net stop esmpropr",
           "net start esmpropr", "net start spooler", "net start esmproprs"]
# What the stand-in named NET.EXE logs for those lines.
RESTART_CALLS = ["NET " + line.split(" ", 1)[1] for line in RESTART]


def expected(script: str, env: dict) -> list[str]:
    """The calls the guide's start.bat makes under these variables (stop.bat: none of its own)."""
    event = env.get("ARMS_EVENT")
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}
    if event not in events:
        return [f"ARMBCAST /MSG {MSG_NO_ARM} /A"]               # L5708-5709, L5816-5817
    if event == "RECOVER":
        return []                                               # L5755-5762: only a comment
    if env.get("ARMS_DISK") == "FAILURE":
        return [f"ARMBCAST /MSG {MSG_DISK} /A"]                 # L5717, L5770, L5811-5813
    # ARMS_SERVER=OTHER: the restart comes before the priority check (L5732, L5785), so it runs too;
    # the priority branches only broadcast the userhome texts, which are not PrintManager's (erratum).
    return RESTART_CALLS if script == "start.bat" else []      # L5692: nothing in stop.bat


# -- the scripts' text ----------------------------------------------------------------------------

def test_start_restarts_the_three_services_in_start_and_failover_only():
    b = evaluate("printmanager", {"pm_version": "2.1"})
    start = b.file("start.bat").text()
    assert branch(start, "NORMAL") == RESTART                   # L5724-5729
    assert branch(start, "FAILOVER") == RESTART                 # L5777-5782
    assert branch(start, "RECOVER") == []                       # L5755-5762
    stop = b.file("stop.bat").text()
    assert branch(stop, "NORMAL") == [] and branch(stop, "FAILOVER") == []     # L5692


def test_the_disk_check_comes_before_the_restart():
    """L5717 / L5770: the restart runs only when the switch partition is there."""
    text = evaluate("printmanager", {}).file("start.bat").text()
    for label in ("NORMAL", "FAILOVER"):
        body = text.split(f":{label}\r\n", 1)[1]
        assert body.index('IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK') < body.index(RESTART[0])


@pytest.mark.parametrize("version,native", [("2.1", True), ("2.10", True), ("3.0", True), ("2.0", False),
                                            ("1.5", False), ("2.0.9", False)])
def test_script_only_from_version_2_1(version, native):
    """L5668, L5687: Ver2.0 and earlier need no script (ARM3.0-compatible mode); 2.10 is later than 2.1."""
    b = evaluate("printmanager", {"pm_version": version})
    paths = [f.path for f in b.files]
    assert ("start.bat" in paths) == native and ("stop.bat" in paths) == native
    assert b.values["operation_mode"] == ("ネイティブ運用" if native else "ARM3.0互換運用")     # L5682-5683
    assert ("compat-no-script" in {w.id for w in b.warnings}) == (not native)


@pytest.mark.parametrize("version,group,nodes,want", [
    ("2.1", "F-GROUP1", ["SERVER1", "SERVER2"], "F-GROUP1"),    # L5683, L5837: the failover group's name
    ("2.0", "F-GROUP1", ["SERVER1", "SERVER2"], "SERVER1"),     # L5682: the primary server's name
    ("2.0", "PRT", ["NODEB", "NODEA"], "NODEB"),                # primary = first in priority order
])
def test_server_registration_value(version, group, nodes, want):
    b = evaluate("printmanager", {"pm_version": version, "failover_group": group, "nodes": nodes})
    assert b.values["server_registration"] == want
    step = next(s for s in b.steps if s.id == "register-server")
    assert want in step.title_en and "「サーバの登録」" in step.gui


def test_print_api_printer_names():
    """L5838-5840: the print control API names a shared printer \\\\(group)\\(printer)."""
    printers = ["PRT1", "Laser 3F", "経理"]
    b = evaluate("printmanager", {"failover_group": "F-GROUP1", "shared_printers": printers, "print_api_used": True})
    want = ["\\\\" + "F-GROUP1" + "\\" + p for p in printers]  # built here: two backslashes, group, one, printer
    assert [r["print API printer name"] for r in b.values["api_printer_names"]] == want
    assert [r["printer"] for r in b.values["api_printer_names"]] == printers
    step = next(s for s in b.steps if s.id == "api-printer-names")
    assert all(w in step.title_en for w in want)
    assert "api-win9x" in {w.id for w in b.warnings}           # L5841


def test_compat_mode_has_no_api_names_and_no_api_step():
    b = evaluate("printmanager", {"pm_version": "2.0", "shared_printers": ["PRT1"], "print_api_used": True})
    assert b.values["api_printer_names"] == []
    assert "api-printer-names" not in [s.id for s in b.steps]


def test_the_samples_broken_broadcasts_are_not_emitted():
    """ARMBICAST (L5747, L5789) and the userhome texts (L5736-5801) belong to no PrintManager script."""
    b = evaluate("printmanager", {})
    for name in ("start.bat", "stop.bat"):
        text = b.file(name).text()
        assert "ARMBICAST" not in text.upper() and "userhome" not in text and "スーパー" not in text
    assert {"armbicast", "userhome-broadcasts", "super-service"} <= {e.id for e in b.errata}


def test_steps_and_places():
    b = evaluate("printmanager", {})
    assert [(s.id, s.kind, s.place) for s in b.steps] == [
        ("install-servers", "install", "each_node"),            # L5674-5675
        ("printer-settings", "config", "each_node"),            # L5676
        ("print-share", "gui", "cluster_manager"),              # L5660
        ("script", "script-edit", "cluster_manager"),           # L5687
        ("restart-group", "group-start", "cluster_manager"),
        ("install-client", "install", "client"),                # L5680
        ("register-server", "gui", "client"),                   # L5681-5683
    ]


# -- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [("pm_version", "v2.1"), ("pm_version", 2.1), ("shared_printers", ["a\\b"]),
                                        ("shared_printers", ["PRT&echo"]), ("failover_group", "grp one"),
                                        ("nodes", ["SV 1"])])
def test_bad_parameters_are_refused_and_nothing_is_written(tmp_path, name, value):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as exc:
        write_bundle("printmanager", {name: value}, out)
    assert exc.value.parameters == [name]
    assert name in exc.value.en and name in exc.value.ja
    assert not out.exists() or not any(out.iterdir())


# -- composition with a product of the example group ---------------------------------------------

def test_compose_with_servermanager_keeps_the_six_lines_together():
    g = compose({"failover_group": "esmgroup", "products": [{"id": "printmanager"}, {"id": "servermanager"}]})
    start = g.file("start.bat").text()
    for label in ("NORMAL", "FAILOVER"):
        got = branch(start, label)
        assert got[0].startswith("ARMLOAD.EXE id_Base")                         # ESM Base Service first (L705)
        i = got.index(RESTART[0])
        assert got[i:i + 6] == RESTART
    stop = g.file("stop.bat").text()
    assert not any(line.startswith("net st") and "spooler" in line for line in stop.split("\r\n"))


# -- Wine: every branch of both scripts ------------------------------------------------------------

SCRIPTS = ["start.bat", "stop.bat"]
_runs: dict[tuple[str, str], list[str]] = {}


def runs() -> dict[tuple[str, str], list[str]]:
    if not _runs:
        w = session()
        b = evaluate("printmanager", {"pm_version": "2.1"})
        _runs.update(w.run_branches(b, EVENT_BRANCHES))
    return _runs


@pytest.mark.parametrize("branch_id", list(EVENT_BRANCHES))
@pytest.mark.parametrize("script", SCRIPTS)
def test_wine_calls_what_the_guide_calls(wine, script, branch_id):
    assert runs()[script, branch_id] == expected(script, EVENT_BRANCHES[branch_id])


def test_wine_restart_is_the_same_in_start_and_failover(wine):
    r = runs()
    assert r["start.bat", "start"] == r["start.bat", "failover"] == RESTART_CALLS
