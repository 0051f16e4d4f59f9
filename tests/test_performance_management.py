"""WebSAM Performance Management (§2.4, lines 9774-10084) against the guide's sample (§2.4.5.1).

start.bat: ARMLOAD pfm1..pfm7 /S "JP1PCMGR_xx [<logical host>]" in START and FAILOVER after the disk check,
before the priority check (L9884-9890, L9933-9939); nothing on RECOVER (L9911-9916). stop.bat: ARMKILL
pfm7..pfm1 in both branches (L10007-10013, L10045-10051). The expected lines are written here from those
lines. Under Wine an argument-exact stand-in shows that the service name with its logical host arrives as
one argument.
"""
from __future__ import annotations

import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402
from bat_text import branch  # noqa: E402
from facts import compose, evaluate, write_bundle  # noqa: E402
from wine import EVENT_BRANCHES, RUN_ATTEMPTS, STANDINS, lost_standin_call, session, wine  # noqa: E402,F401

from ppguide.errors import ParameterError  # noqa: E402

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "messages.yaml").read_text("utf-8"))
MSG_DISK = MESSAGES["messages"]["disk"]["ja"]
MSG_NO_ARM = MESSAGES["messages"]["no_arm"]["ja"]

# L9884-9890: watch id and service prefix, in start order.
GUIDE = [("pfm1", "JP1PCMGR_PN"), ("pfm2", "JP1PCMGR_PM"), ("pfm3", "JP1PCMGR_PS"), ("pfm4", "JP1PCMGR_PH"),
         ("pfm5", "JP1PCMGR_PE"), ("pfm6", "JP1PCMGR_PC"), ("pfm7", "JP1PCMGR_PP")]


def loads(host: str) -> list[str]:
    return [f'ARMLOAD {wid} /S "{svc} [{host}]"' for wid, svc in GUIDE]           # L9884-9890


def kills() -> list[str]:
    return [f"ARMKILL {wid}" for wid, _ in reversed(GUIDE)]                         # L10007-10013


def test_the_guides_sample_with_its_logical_host():
    """With the guide's VCOMSQL the lines are those of L9884-9890 and L10007-10013, character for character."""
    b = evaluate("performance-management", {"logical_host": "VCOMSQL"})
    start, stop = b.file("start.bat").text(), b.file("stop.bat").text()
    assert branch(start, "NORMAL") == loads("VCOMSQL")
    assert branch(start, "FAILOVER") == loads("VCOMSQL")                           # L9933-9939
    assert branch(start, "RECOVER") == []                                           # L9911-9916
    assert branch(stop, "NORMAL") == kills()
    assert branch(stop, "FAILOVER") == kills()                                      # L10045-10051
    assert 'ARMLOAD pfm1 /S "JP1PCMGR_PN [VCOMSQL]"\r\n' in start                   # L9884 as printed


def test_another_logical_host_goes_into_every_service_name():
    b = evaluate("performance-management", {"logical_host": "pfm-lhost01"})
    assert branch(b.file("start.bat").text(), "NORMAL") == loads("pfm-lhost01")
    services = [line for line in b.file("services.bat").text().split("\r\n") if line.startswith("sc ")]
    assert services == [f'sc config "{svc} [pfm-lhost01]" start= demand' for _, svc in GUIDE]


def test_agents_only_emits_no_manager_script():
    """Mode (12): only agents on the cluster; the guide's sample is for PFM - Manager (L9841)."""
    b = evaluate("performance-management", {"pfm_setup": "agent"})
    assert not [f for f in b.files if f.path.endswith(".bat")]
    assert "agent-services" in {w.id for w in b.warnings}
    assert "services-manual" not in [s.id for s in b.steps]


def test_manuals_are_named_in_a_step():
    """L9830-9837: the procedure is in the manuals' chapter 「クラスタシステムでの運用」."""
    b = evaluate("performance-management", {})
    setup = next(s for s in b.steps if s.id == "setup-nodes")
    assert "「クラスタシステムでの運用」" in setup.title_en
    for manual in ("Performance Management 運用・操作編", "Performance Management - Agent for Oracle",
                   "Performance Management - Agent for Microsoft® SQL Server", "Performance Management - Agent for Domino",
                   "Performance Management - Agent for SAP R/3®", "取扱説明書/Agent_SAP R3 クラスタ運用手引"):
        assert manual in setup.why_en
    assert [(s.id, s.kind, s.place) for s in b.steps] == [
        ("setup-nodes", "install", "each_node"), ("services-manual", "services", "each_node"),
        ("scripts", "script-edit", "cluster_manager"), ("restart-group", "group-start", "cluster_manager")]


@pytest.mark.parametrize("given,named", [
    ({"logical_host": "VCOM SQL"}, "logical_host"),             # a space inside [..]
    ({"logical_host": "VCOMSQL] [X"}, "logical_host"),          # would close the bracket early
    ({"logical_host": 'VCOM"SQL'}, "logical_host"),             # would end the quoted service name
    ({"logical_host": ""}, "logical_host"),
    ({"logical_host": None}, "logical_host"),
    ({"server_os": "Windows NT 4.0 Server"}, "server_os"),      # L9796-9802: 2000 and 2003 only
    ({"pfm_setup": "everything"}, "pfm_setup"),
])
def test_bad_parameters_are_refused_and_nothing_is_written(tmp_path, given, named):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as exc:
        write_bundle("performance-management", given, out)
    assert exc.value.parameters == [named]
    assert named in exc.value.en and named in exc.value.ja
    assert not out.exists() or not any(out.iterdir())


def test_compose_with_servermanager():
    """ESM Base Service first (L705), then ServerManager's services, then PFM's; stop.bat in reverse."""
    g = compose({"failover_group": "esmgroup",
                 "products": [{"id": "performance-management", "parameters": {"logical_host": "ESMPRO"}},
                              {"id": "servermanager"}]})
    start = branch(g.file("start.bat").text(), "NORMAL")
    assert start[0].startswith("ARMLOAD.EXE id_Base")
    pfm = [line for line in start if line.startswith("ARMLOAD pfm")]
    assert pfm == loads("ESMPRO")
    stop = branch(g.file("stop.bat").text(), "NORMAL")
    watch = [line.split()[1] for line in stop if line.upper().startswith("ARMKILL")]
    assert watch == [line.split()[1] for line in start if line.upper().startswith("ARMLOAD")][::-1]


# -- Wine --------------------------------------------------------------------------------------------

US = "\x1f"


@cache
def argv_standin() -> Path:
    return session().build_standin("argv_standin.exe", ("-DARG_SEP=0x1f",))


def run_argv(content: bytes, env: dict) -> list[list[str]]:
    """Run a script with the argument-exact stand-in; each call as [PROGRAM, arg, ...]."""
    w = session()
    folder = w.new_dir()
    for name in STANDINS:
        shutil.copyfile(argv_standin(), folder / f"{name}.EXE")
    (folder / "run.bat").write_bytes(content)       # not start.bat: `cmd /c start.bat` runs the START built-in
    log = folder.parent / f"{folder.name}.argv.log"
    for _ in range(RUN_ATTEMPTS):        # a loaded Wine now and then loses a process start: run again then
        log.unlink(missing_ok=True)
        p = w.wine("cmd", "/c", "run.bat", cwd=folder, extra=dict(env, PPG_LOG=w.windows_path(log)))
        if not lost_standin_call(p.stderr.decode("cp932", "replace")):
            break
    return [line.split(US) for line in log.read_bytes().decode("utf-8").splitlines()] if log.exists() else []


def expected(script: str, env: dict, host: str) -> list[list[str]]:
    event = env.get("ARMS_EVENT")
    events = {"START", "FAILOVER", "RECOVER"} if script == "start.bat" else {"START", "FAILOVER"}
    if event not in events:
        return [["ARMBCAST", "/MSG", MSG_NO_ARM, "/A"]]                 # L9967-9969, L10079-10081
    if event == "RECOVER":
        return []
    if env.get("ARMS_DISK") == "FAILURE":
        return [["ARMBCAST", "/MSG", MSG_DISK, "/A"]]                   # L9962-9965, L10074-10077
    if script == "start.bat":                                           # before the priority check: OTHER too
        return [["ARMLOAD", wid, "/S", f"{svc} [{host}]"] for wid, svc in GUIDE]
    return [["ARMKILL", wid] for wid, _ in reversed(GUIDE)]


SCRIPTS = ["start.bat", "stop.bat"]
HOSTS = ["VCOMSQL", "pfm-host-32-characters-long-0001"]


@cache
def runs(host: str) -> dict[tuple[str, str], list[list[str]]]:
    b = evaluate("performance-management", {"logical_host": host})
    jobs = [(s, br) for s in SCRIPTS for br in EVENT_BRANCHES]
    argv_standin()                       # built once, before the threads copy it
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(jobs, pool.map(lambda j: run_argv(b.file(j[0]).content, EVENT_BRANCHES[j[1]]), jobs)))


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("branch_id", list(EVENT_BRANCHES))
@pytest.mark.parametrize("script", SCRIPTS)
def test_wine_each_service_name_is_one_argument(wine, host, script, branch_id):
    assert runs(host)[script, branch_id] == expected(script, EVENT_BRANCHES[branch_id], host)


def test_wine_services_bat(wine):
    b = evaluate("performance-management", {"logical_host": "VCOMSQL"})
    assert run_argv(b.file("services.bat").content, {}) == [
        ["SC", "config", f"{svc} [VCOMSQL]", "start=", "demand"] for _, svc in GUIDE]
