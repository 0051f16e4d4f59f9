"""The script builder (scripts.py) and emitter (emit_bat + templates) per kind of action, the artifact-kind
registry, and composition of fixture products that share, monitor and stop on errors.

Expected lines are written from the guide's own syntax (line numbers in the comments), not from the knowledge.
Products are built in memory here; the fixtures epsilon and zeta (tests/fixtures/procedures) are composed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ppguide import artifact_kinds, emit_bat, knowledge, scripts
from ppguide.cited import stands_on
from facts import compose
from ppguide.evaluate import evaluate
from ppguide.knowledge import DATA, Product

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt"
LINES = GUIDE.read_text(encoding="utf-8").split("\n")
FIXTURES = Path(__file__).parent / "fixtures" / "procedures"

HELP = {"en": "x", "ja": "x"}
BASE = {"id": "unit", "title": "Unit", "section": "0", "lines": [1, 10000], "summary": HELP,
        "parameters": [{"name": "scenario", "type": "choice", "choices": ["fresh"], "default": "fresh", "help": HELP}]}
NVBASE = {"key": "base", "display": "ESM Base Service @L580", "name": "Nvbase @L851", "watch_id": "id_Base @L851"}
NVCMD = {"key": "cmd", "display": "ESM Command Service @L581", "name": "Nvcmd @L855", "watch_id": "id_Cmd @L855"}
OPTIONS = "/S /M /WAIT 0 @L851"


def product(script: dict, services=(), **extra) -> Product:
    return Product.model_validate(BASE | {"services": list(services),
                                          "script": {"scenarios": ["fresh"], "cite": [1]} | script} | extra)


def group(script: dict, services=(), **facts) -> scripts.GroupScript:
    p = product(script, services)
    ctx = {"scenario": "fresh", "product_id": "unit"} | facts
    ctx["services"] = scripts.services(p, ctx)
    return scripts.for_product(p, ctx)


def lines(script: dict, services=(), side: str = "start", slot: str = "main", **facts) -> list[str]:
    return [l.text for b in group(script, services, **facts).blocks for l in b.lines(side, slot)]


def branch(bat: bytes, label: str) -> list[str]:
    """The executable lines of a .bat from `:label` to the next GOTO EXIT (comments left out)."""
    text = bat.decode("cp932").split("\r\n")
    out = []
    for l in text[text.index(f":{label}") + 1:]:
        if l == "GOTO EXIT":
            break
        if l and not l.lower().startswith("rem"):
            out.append(l)
    return out


# -- the command words ----------------------------------------------------------------------------

def test_default_command_words_stand_on_their_guide_lines():
    raw = yaml.safe_load((DATA / "script-commands.yaml").read_text(encoding="utf-8"))["commands"]
    assert set(raw) >= {"load", "kill", "net_start", "net_stop", "sleep", "log", "share", "unshare"}
    for kind, lit in scripts.default_commands().items():
        assert stands_on(lit, LINES[lit.line - 1]), f"{kind}: {lit!r} not on line {lit.line}"


def test_cmd_arg_quotes_what_cmd_would_split():
    assert scripts.cmd_arg("Nvbase") == "Nvbase"
    assert scripts.cmd_arg("ESMPRO/CM CMURELAY") == '"ESMPRO/CM CMURELAY"'       # L6019
    assert scripts.cmd_arg("a&b") == '"a&b"' and scripts.cmd_arg('"x y"') == '"x y"'


# -- one kind at a time --------------------------------------------------------------------------

def test_load_and_kill():
    s = {"start": [{"load": "base"}, {"load": "cmd"}], "armload_options": OPTIONS}
    assert lines(s, [NVBASE, NVCMD]) == ["ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase",      # L851
                                         "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd"]        # L855
    assert lines(s, [NVBASE, NVCMD], "stop") == ["ARMKILL.EXE id_Cmd", "ARMKILL.EXE id_Base"]   # L1015, L1019
    one = s | {"stop": [{"kill": "base"}, {"kill": "cmd"}]}
    assert lines(one, [NVBASE, NVCMD], "stop") == ["ARMKILL.EXE id_Base", "ARMKILL.EXE id_Cmd"]


def test_load_quotes_a_service_name_and_takes_options_per_service():
    """L6018 `ARMLOAD CMIT /M /S "ESMPRO/CM CMIT service"`: no armload_options, the service's own."""
    cmit = {"key": "cmit", "display": "x @L6018", "name": "ESMPRO/CM CMIT service @L6018", "watch_id": "CMIT @L6018",
            "options": "/M /S @L6018"}
    assert lines({"start": [{"load": "cmit"}]}, [cmit]) == ['ARMLOAD.EXE CMIT /M /S "ESMPRO/CM CMIT service"']


def test_service_templates_for_each_record():
    """L9884-9885 `ARMLOAD pfm1 /S "JP1PCMGR_PN [VCOMSQL]"`: the service name carries the logical host."""
    pfm = {"key": "pn", "display": "x @L9884", "name": "JP1PCMGR_PN [{{ item.host }}] @L9884",
           "watch_id": "pfm{{ index + 1 }} @L9884", "options": "/S @L9884", "for_each": "hosts"}
    hosts = [{"host": "VCOMSQL"}, {"host": "VCOMORA"}]
    s = {"start": [{"load": "pn"}]}
    assert lines(s, [pfm], hosts=hosts) == ['ARMLOAD.EXE pfm1 /S "JP1PCMGR_PN [VCOMSQL]"',
                                            'ARMLOAD.EXE pfm2 /S "JP1PCMGR_PN [VCOMORA]"']
    assert lines(s, [pfm], "stop", hosts=hosts) == ["ARMKILL.EXE pfm2", "ARMKILL.EXE pfm1"]


def test_net_start_and_net_stop():
    s = {"start": [{"net_start": "ESMPRO/CM CMURELAY"}, {"net_start": "{{ svc }}"}],
         "stop": [{"net_stop": "ESMPRO/CM CMURELAY"}]}
    assert lines(s, svc="NetIQms") == ['net start "ESMPRO/CM CMURELAY"',     # L6019 (quoted: a space)
                                       "net start NetIQms"]                 # L6532
    assert lines(s, side="stop", svc="x") == ['net stop "ESMPRO/CM CMURELAY"']   # L6159


def test_sleep_in_the_engine_spelling_or_the_products():
    assert lines({"start": [{"sleep": 5}]}) == ["ARMSLEEP.EXE 5"]                              # L8298
    assert lines({"start": [{"sleep": "{{ n }}"}], "commands": {"sleep": "armsleep @L6543"}}, n=30) == ["armsleep 30"]


def test_log_with_and_without_switch():
    assert lines({"start": [{"log": "id_Base"}]}) == ['ARMLOG "id_Base"']                      # L8057
    jmss = {"start": [{"log": "JMSSLKSV 開始"}], "commands": {"log": "armlog @L1805", "log_switch": "/arm @L1805"}}
    assert lines(jmss) == ['armlog "JMSSLKSV 開始" /arm']                                       # L1805


def test_hooks_log_before_each_load_and_kill():
    """Netvisor L8057-8061 and L8267-8270: ARMLOG "<id>" before ARMLOAD, ARMLOG "o <id>" before ARMKILL."""
    s = {"start": [{"load": "base"}, {"load": "cmd"}], "armload_options": OPTIONS,
         "hooks": {"before_load": "{{ watch_id }}", "before_kill": "o {{ watch_id }}"}}
    assert lines(s, [NVBASE, NVCMD]) == ['ARMLOG "id_Base"', "ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase",
                                         'ARMLOG "id_Cmd"', "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd"]
    assert lines(s, [NVBASE, NVCMD], "stop") == ['ARMLOG "o id_Cmd"', "ARMKILL.EXE id_Cmd",
                                                 'ARMLOG "o id_Base"', "ARMKILL.EXE id_Base"]


def test_share_and_unshare():
    """ClientManager L6025 `ARMNSADD esmprocm "w:\\Program Files\\..."`, L6194 `Armnsdel esmprocm`."""
    s = {"start": [{"share": {"name": "esmprocm", "path": r"{{ d }}\Program Files\ESMPRO\ESMPROCM\setup"}}],
         "stop": [{"unshare": "all"}]}
    assert lines(s, d="w:") == [r'ARMNSADD esmprocm "w:\Program Files\ESMPRO\ESMPROCM\setup"']
    assert lines(s, side="stop", d="w:") == ["ARMNSDEL esmprocm"]
    jmss = {"start": [{"share": {"name": "jmsout", "path": r"x:\jms\out"}}], "stop": [{"unshare": "jmsout"}],
            "commands": {"share": "armnsadd @L1802", "unshare": "armnsdel @L2010"}}
    assert lines(jmss) == [r"armnsadd jmsout x:\jms\out"]                                      # L1802
    assert lines(jmss, side="stop") == ["armnsdel jmsout"]                                      # L2010


def test_monitor_on_in_start_off_in_stop_in_reverse():
    """BOM L7641 `"C:\\Program Files\\SAY Technologies\\BOM4\\BomSvc\\setbwatc.exe" -a APPLxxx -w 1`, L7759 `-w 0`."""
    exe = r"C:\Program Files\SAY Technologies\BOM4\BomSvc\setbwatc.exe"
    s = {"start": [{"monitor": {"command": "{{ quoted(exe) }} -a {{ item }}", "on": "-w 1", "off": "-w 0"},
                    "for_each": "ids"}],
         "stop": [{"unmonitor": "all"}]}
    facts = {"exe": exe, "ids": ["APPL001", "APPL002"]}
    assert lines(s, **facts) == [f'"{exe}" -a APPL001 -w 1', f'"{exe}" -a APPL002 -w 1']
    assert lines(s, side="stop", **facts) == [f'"{exe}" -a APPL002 -w 0', f'"{exe}" -a APPL001 -w 0']


def test_run_is_emitted_as_rendered():
    assert lines({"start": [{"run": "jstop {{ g }}\nrem done"}]}, g="%ARMS_GROUPNAME%") == \
        ["jstop %ARMS_GROUPNAME%\nrem done"]                                                      # L2555


def test_when_and_for_each_on_actions():
    s = {"start": [{"log": "a {{ item }}", "for_each": "xs"}, {"log": "never", "when": "false"}]}
    assert lines(s, xs=["1", "2"]) == ['ARMLOG "a 1"', 'ARMLOG "a 2"']


# -- the emitted scripts ------------------------------------------------------------------------

def emitted(script: dict, services=(), **facts) -> tuple[bytes, bytes]:
    g = group(script, services, **facts)
    return emit_bat.script("start", g, "g", "unit"), emit_bat.script("stop", g, "g", "unit")


def test_on_error_skip_jumps_to_the_end_of_the_products_lines():
    """JMSS L1802-1803: armnsadd, then IF ERRORLEVEL 1 GOTO JMSSQUIT1 past the services."""
    start, _ = emitted({"start": [{"share": {"name": "jmsout", "path": r"x:\out"}, "on_error": "skip"}, {"load": "base"}],
                        "stop": [{"kill": "all"}, {"unshare": "all"}], "armload_options": OPTIONS}, [NVBASE])
    assert branch(start, "NORMAL")[1:] == [r"ARMNSADD jmsout x:\out", "IF ERRORLEVEL 1 GOTO SKIP1_N",
                                           "ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase", ":SKIP1_N",
                                           'IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1']


def test_on_error_exit_reports_and_leaves_without_pause():
    """Netvisor L8059 `if ERRORLEVEL 1 goto STOPNE` and L8228-8229 `:STOPNE pause`: here the handler
    broadcasts what failed and goes to EXIT; nobody is at the node to press a key."""
    start, stop = emitted({"start": [{"load": "base", "on_error": "exit"}, {"load": "cmd", "on_error": "exit"}],
                           "armload_options": OPTIONS}, [NVBASE, NVCMD])
    normal = branch(start, "NORMAL")
    assert normal[1:5] == ["ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase", "IF ERRORLEVEL 1 GOTO ERROR_STEP1",
                           "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd", "IF ERRORLEVEL 1 GOTO ERROR_STEP2"]
    assert branch(start, "FAILOVER")[1:5] == normal[1:5]                   # one handler per command, both branches
    assert branch(start, "ERROR_STEP1") == ['ARMBCAST /MSG "ARMLOAD.EXE id_Base が失敗したため処理を中止します" /A']
    assert branch(start, "ERROR_STEP2") == ['ARMBCAST /MSG "ARMLOAD.EXE id_Cmd が失敗したため処理を中止します" /A']
    for bat in (start, stop):
        assert not re.search(rb"(?im)^\s*pause\b", bat)
    assert b"ERROR_STEP" not in stop


def test_a_first_service_keeps_its_error_check():
    """Netvisor L8058-8059: ESM Base Service starts first in any group (L7924) and its ARMLOAD is checked;
    the check moves with the service into the leading block, in START and FAILOVER alike."""
    script = {"first": ["base"], "start": [{"load": "base", "on_error": "exit"}, {"load": "cmd"}],
              "armload_options": OPTIONS}
    g = group(script, [NVBASE, NVCMD])
    assert g.blocks[0].first and [(l.text, l.on_error) for l in g.blocks[0].start] == [
        ("ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase", "exit")]
    start, _ = emitted(script, [NVBASE, NVCMD])
    for label in ("NORMAL", "FAILOVER"):
        assert branch(start, label)[1:4] == ["ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase",
                                             "IF ERRORLEVEL 1 GOTO ERROR_STEP1", "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd"]
    # without an on_error on its load action the first service has no check (ServerManager, L851)
    plain = group({"first": ["base"], "start": [{"load": "base"}], "armload_options": OPTIONS}, [NVBASE])
    assert plain.blocks[0].start[0].on_error is None


def test_slots_place_lines_after_the_priority_check_and_on_recover():
    """L875-888: the highest-priority server's work before ON_OTHER1, the others' after it; L893-900 RECOVER."""
    start, stop = emitted({"start": [{"log": "main"}, {"log": "top", "slot": "highest"},
                                     {"log": "rest", "slot": "other"}, {"sleep": 1, "slot": "recover"}],
                           "stop": [{"log": "top down", "slot": "highest"}]})
    assert branch(start, "NORMAL") == ['IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK', 'ARMLOG "main"',
                                       'IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1', 'ARMLOG "top"']
    assert branch(start, "ON_OTHER1") == ['ARMLOG "rest"']
    assert branch(start, "ON_OTHER2") == ['ARMLOG "rest"']
    assert branch(start, "RECOVER") == ["ARMSLEEP.EXE 1"]
    assert branch(stop, "NORMAL")[-1] == 'ARMLOG "top down"' and branch(stop, "ON_OTHER1") == []


def test_adds_to_names_the_other_group_in_the_header():
    start, _ = emitted({"start": [{"net_start": "NetIQms", "slot": "highest"}], "adds_to": "the SQL Server group"})
    text = start.decode("cp932")
    assert "rem *  Lines to add to the start.bat of the SQL Server group, marked below." in text
    assert "rem --- unit (lines added to the scripts of the SQL Server group) ---" in text


def test_the_nine_products_keep_their_armload_options():
    """armload_options is optional now; every guide product still gives it (their samples do)."""
    for pid in knowledge.product_ids():
        p = knowledge.load(pid)
        if p.script and any(a.load for a in p.script.start):
            assert p.script.armload_options, pid


# -- artifact kinds ----------------------------------------------------------------------------

def test_every_artifact_of_every_product_has_a_registered_kind():
    for pid in knowledge.product_ids():
        for a in knowledge.load(pid).artifacts:
            assert a.kind in artifact_kinds.KINDS, (pid, a.path)
    assert {k.merge for k in artifact_kinds.KINDS.values()} == {"script", "copy", "union"}


def test_sql_is_cp932_with_crlf(monkeypatch):
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, str(FIXTURES))
    sql = evaluate("zeta", {}).file("netiq-login.sql")
    assert sql.role == "sql" and sql.encoding == "cp932"
    assert sql.content.endswith(b"\r\n") and b"\n" not in sql.content.replace(b"\r\n", b"")
    assert sql.content.decode("cp932").split("\r\n")[1] == "select sid from master.dbo.syslogins where name='netiq'"  # L6415


def test_registry_set_and_restore_pair():
    """AppManager 3.4 L7150-7158: InstallPath set to the shared-disk folder for the fix, then put back."""
    p = product({"start": [{"log": "x"}]}, registry={"netiq": {"root": r"HKEY_LOCAL_MACHINE\NetIQ @L7150", "values": [
        {"key": "AppManager @L7150", "name": "InstallPath @L7151", "data": r"{{ shared }}\NetIQ",
         "restore": "{{ local }}", "cite": 7151}]}})
    art = knowledge.Artifact(path="x.reg", kind="registry", role="registry", place="active", source="netiq",
                             encoding="utf-16-le-bom")
    ctx = {"shared": "y:", "local": r"C:\Program Files\NetIQ"}
    set_ = artifact_kinds.render(p, art, ctx, "unit").decode("utf-16")
    back = artifact_kinds.render(p, art.model_copy(update={"kind": "registry-restore"}), ctx, "unit").decode("utf-16")
    assert r'"InstallPath"="y:\\NetIQ"' in set_ and r'"InstallPath"="C:\\Program Files\\NetIQ"' in back


# -- composition -------------------------------------------------------------------------------

@pytest.fixture
def fixtures(monkeypatch):
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, str(FIXTURES))
    yield


def test_a_group_keeps_shares_monitors_and_error_handlers_and_hooks_follow_the_kept_loads(fixtures):
    """ServerManager starts ESM Base Service first (L705-708): epsilon's own id_Base load and its handler go,
    its hook stays with the load composition keeps (Netvisor-style ARMLOG before ServerManager's ARMLOAD);
    its CMIT load keeps hook and handler; the share and the monitors pair up across scripts."""
    g = compose({"failover_group": "g1", "parameters": {"virtual_computer_name": "V1", "switch_drive": "X:"},
                 "products": [{"id": "epsilon", "parameters": {"bom_item_ids": ["APPL001", "APPL002"]}},
                              {"id": "servermanager", "parameters": {"receive_dmi_alerts": False,
                                                                     "trap_redirection": False}}]})
    start, stop = g.file("start.bat").content, g.file("stop.bat").content
    assert branch(start, "NORMAL") == [
        'IF "%ARMS_DISK%" == "FAILURE" GOTO ERROR_DISK',
        'ARMLOG "id_Base"', "ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase",   # ServerManager's, first; epsilon's hook
        'net start "ESMPRO/CM CMURELAY"',
        'ARMLOG "CMIT"', 'ARMLOAD.EXE CMIT /M /S "ESMPRO/CM CMIT service"', "IF ERRORLEVEL 1 GOTO ERROR_STEP1",
        'ARMLOG "pfm1"', 'ARMLOAD.EXE pfm1 /S "JP1PCMGR_PN [VCOMSQL]"',
        r'ARMNSADD esmprocm "X:\Program Files\ESMPRO\ESMPROCM\setup"',
        "setbwatc -a APPL001 -w 1", "setbwatc -a APPL002 -w 1",
        "ARMLOAD.EXE id_Alert /S /M /WAIT 0 ESMASVNT", "ARMLOAD.EXE id_AM /S /M /WAIT 0 AlertManagerSocketReceiveService",
        "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd", "ARMLOAD.EXE id_Rmap /S /M /WAIT 0 Nvrmapd",
        "ARMLOAD.EXE id_SM /S /M /WAIT 0 ESMDSVNT",
        'IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1', 'ARMLOG "up on the highest-priority server of g1"']
    assert branch(start, "ERROR_STEP1") == ['ARMBCAST /MSG "ARMLOAD.EXE CMIT が失敗したため処理を中止します" /A']
    assert b"ERROR_STEP2" not in start
    kills = [l for l in branch(stop, "NORMAL") if not l.startswith("IF ")]
    assert kills == [
        "ARMKILL.EXE id_SM", "ARMKILL.EXE id_Rmap", "ARMKILL.EXE id_Cmd", "ARMKILL.EXE id_AM", "ARMKILL.EXE id_Alert",
        "setbwatc -a APPL002 -w 0", "setbwatc -a APPL001 -w 0", "ARMNSDEL esmprocm", 'net stop "ESMPRO/CM CMURELAY"',
        'ARMLOG "o pfm1"', "ARMKILL.EXE pfm1", 'ARMLOG "o CMIT"', "ARMKILL.EXE CMIT", "ARMSLEEP.EXE 5",
        'ARMLOG "o id_Base"', "ARMKILL.EXE id_Base",                  # ServerManager's, last; epsilon's hook
        'ARMLOG "down on the highest-priority server"']


def test_a_share_two_products_add_is_added_once(fixtures, tmp_path, monkeypatch):
    twin = yaml.safe_load((FIXTURES / "epsilon.yaml").read_text(encoding="utf-8"))
    twin["id"] = "eta"
    twin["services"] = []
    twin["script"]["start"] = [s for s in twin["script"]["start"] if "share" in s]
    twin["script"]["stop"] = [{"unshare": "all"}]
    (tmp_path / "eta.yaml").write_text(yaml.safe_dump(twin, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, f"{tmp_path}{':'}{FIXTURES}")
    g = compose({"failover_group": "g1", "products": [{"id": "epsilon"}, {"id": "eta"}]})
    start, stop = g.file("start.bat").text(), g.file("stop.bat").text()
    assert start.count("ARMNSADD esmprocm") == 2 and stop.count("ARMNSDEL esmprocm") == 2   # once per branch


def test_the_group_parameter_takes_the_groups_name(fixtures):
    g = compose({"failover_group": "SQLG", "products": [{"id": "zeta"}]})
    assert "rem *  start.bat  failover group SQLG" in g.file("start.bat").text()
    assert g.file("zeta/netiq-login.sql").role == "sql"


def test_steps_for_each_render_title_and_gui(fixtures):
    b = evaluate("epsilon", {"hosts": [{"name": "VCOMSQL"}, {"name": "VCOMORA"}]})
    steps = [s for s in b.steps if s.id == "register-host"]
    assert [s.title_en for s in steps] == ["Register the service of logical host VCOMSQL (1 of 2)",
                                           "Register the service of logical host VCOMORA (2 of 2)"]
    assert [s.gui for s in steps] == [["「JP1PCMGR_PN [VCOMSQL]」"], ["「JP1PCMGR_PN [VCOMORA]」"]]
    assert [s.n for s in steps] == [1, 2]


def test_on_error_in_stop_bat_and_skip_in_a_priority_slot():
    start, stop = emitted({"start": [{"log": "a", "slot": "highest", "on_error": "skip"}, {"log": "b", "slot": "highest"}],
                           "stop": [{"net_stop": "NetIQms", "on_error": "exit"}]})
    assert branch(start, "NORMAL")[-4:] == ['ARMLOG "a"', "IF ERRORLEVEL 1 GOTO SKIPH1_N", 'ARMLOG "b"', ":SKIPH1_N"]
    assert branch(start, "FAILOVER")[-4:] == ['ARMLOG "a"', "IF ERRORLEVEL 1 GOTO SKIPH1_F", 'ARMLOG "b"', ":SKIPH1_F"]
    assert branch(stop, "NORMAL")[1:] == ["net stop NetIQms", "IF ERRORLEVEL 1 GOTO ERROR_STEP1",
                                          'IF "%ARMS_SERVER%" == "OTHER" GOTO ON_OTHER1']
    assert branch(stop, "ERROR_STEP1") == ['ARMBCAST /MSG "net stop NetIQms が失敗したため処理を中止します" /A']


def test_a_restart_in_start_bat_with_net_stop_then_net_start():
    """PrintManager L5724-5729: stop esmproprs, spooler, esmpropr and start them again in reverse, in start.bat."""
    names = ["esmproprs", "spooler", "esmpropr"]
    s = {"start": [{"net_stop": n} for n in names] + [{"net_start": n} for n in reversed(names)], "stop": []}
    assert lines(s) == ["net stop esmproprs", "net stop spooler", "net stop esmpropr",
                        "net start esmpropr", "net start spooler", "net start esmproprs"]
