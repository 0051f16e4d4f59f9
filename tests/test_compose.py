"""Several products in one failover group (ppguide compose). Fixture products live in tests/fixtures/procedures."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ppguide import cli, knowledge
from ppguide.compose import GroupConflict
from facts import compose, group_facts
from ppguide.errors import ParameterError, PpguideError
from facts import evaluate

FIXTURES = Path(__file__).parent / "fixtures" / "procedures"


@pytest.fixture
def with_fixtures(tmp_path, monkeypatch):
    """The real products plus the fixture products, in a temporary procedures folder."""
    folder = tmp_path / "procedures"
    shutil.copytree(knowledge.PROCEDURES, folder)
    for f in FIXTURES.glob("*.yaml"):
        shutil.copy(f, folder)
    monkeypatch.setattr(knowledge, "PROCEDURES", folder)
    knowledge.clear_cache()
    yield
    knowledge.clear_cache()


def body(text: str, label: str) -> list[str]:
    """Executable lines of one branch (from `:label` to the next GOTO EXIT or priority check)."""
    lines = text.split("\r\n")
    i = lines.index(f":{label}") + 1
    out = []
    for l in lines[i:]:
        if l.startswith("IF \"%ARMS_SERVER%\"") or l == "GOTO EXIT":
            break
        if l and not l.lower().startswith("rem") and not l.startswith("IF \"%ARMS_DISK%\""):
            out.append(l)
    return out


def test_a_single_product_group_is_that_products_script():
    group = {"failover_group": "g1", "parameters": {"virtual_computer_name": "V1"},
             "products": [{"id": "servermanager", "parameters": {"clusterpro_manager_on_server": True}}]}
    g = compose(group)
    p = evaluate("servermanager", {"clusterpro_manager_on_server": True, "virtual_computer_name": "V1",
                                   "failover_group": "g1"})
    assert g.file("start.bat").content == p.file("start.bat").content
    assert g.file("stop.bat").content == p.file("stop.bat").content


def test_shared_service_started_once_and_first_service_first(with_fixtures):
    """alpha starts Nvbase as id_Base too; ServerManager wants it first (guide L713). It starts once."""
    g = compose({"failover_group": "g1", "parameters": {"virtual_computer_name": "V1"},
                 "products": [{"id": "alpha"}, {"id": "servermanager", "parameters": {"clusterpro_manager_on_server": True}}]})
    start = body(g.file("start.bat").text(), "NORMAL")
    assert start == ["ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase",         # first: ESM Base Service (L713)
                     'armlog "alpha up" /arm',                            # alpha as listed
                     "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd",            # alpha's own service
                     "ARMLOAD.EXE id_Alert /S /M /WAIT 0 ESMASVNT",       # then ServerManager's, Nvcmd not again
                     "ARMLOAD.EXE id_AM /S /M /WAIT 0 AlertManagerSocketReceiveService",
                     "ARMLOAD.EXE id_Dmi /S /M /WAIT 0 DmiEventWatcher",
                     "ARMLOAD.EXE id_Rmap /S /M /WAIT 0 Nvrmapd",
                     "ARMLOAD.EXE id_Trap /S /M /WAIT 0 EsmTrapRedirection",
                     "ARMLOAD.EXE id_SM /S /M /WAIT 0 ESMDSVNT"]
    stop = body(g.file("stop.bat").text(), "NORMAL")
    assert stop == ['net stop /Yes "Express PC Report"', 'net stop /Yes "CLUSTERPRO Manager"',
                    "ARMKILL.EXE id_SM", "ARMKILL.EXE id_Trap", "ARMKILL.EXE id_Rmap", "ARMKILL.EXE id_Dmi",
                    "ARMKILL.EXE id_AM", "ARMKILL.EXE id_Alert",
                    "ARMKILL.EXE id_Cmd", 'armlog "alpha down" /arm',
                    "ARMKILL.EXE id_Base",                                 # last to stop (L736)
                    'net start /Yes "CLUSTERPRO Manager"', 'net start /Yes "Express PC Report"']
    assert body(g.file("start.bat").text(), "FAILOVER") == start


def test_every_armload_is_armkilled_in_reverse(with_fixtures):
    g = compose({"failover_group": "g1", "products": [{"id": "alpha"}, {"id": "servermanager"}]})
    loads = [l.split()[1] for l in body(g.file("start.bat").text(), "NORMAL") if l.startswith("ARMLOAD")]
    kills = [l.split()[1] for l in body(g.file("stop.bat").text(), "NORMAL") if l.startswith("ARMKILL")]
    assert kills == loads[::-1]


def test_union_of_services_and_sync_keys(with_fixtures):
    g = compose({"failover_group": "g1", "products": [{"id": "alpha"}, {"id": "servermanager"}]})
    services = [l.split()[2] for l in g.file("services.bat").text().split("\r\n") if l.startswith("sc config")]
    assert services.count("Nvbase") == 1 and services.count("Nvcmd") == 1 and len(services) == 8
    assert "servermanager/servermanager.reg" in [f.path for f in g.files]


def test_two_first_services_conflict(with_fixtures):
    with pytest.raises(GroupConflict) as exc:
        compose({"failover_group": "g1", "products": [{"id": "beta"}, {"id": "servermanager"}]})
    assert "Nvbase" in exc.value.en and "Nvrmapd" in exc.value.en and "最初" in exc.value.ja


def test_ordering_cycle_conflicts(with_fixtures):
    with pytest.raises(GroupConflict) as exc:
        compose({"failover_group": "g1", "products": [{"id": "gamma"}, {"id": "delta"}]})
    assert "gamma -> delta -> gamma" in exc.value.en or "delta -> gamma -> delta" in exc.value.en


def test_bad_group_files_name_the_problem(tmp_path):
    for group, name in [({"products": [{"id": "servermanager"}]}, "failover_group"),
                        ({"failover_group": "g", "products": []}, "products"),
                        ({"failover_group": "g", "products": [{"id": "servermanager"}], "extra": 1}, "extra"),
                        ({"failover_group": "g", "products": [{"id": "servermanager", "parameters": {"switch_drive": "Q"}}]},
                         "servermanager.switch_drive")]:
        with pytest.raises(PpguideError) as exc:
            compose(group)
        assert name in exc.value.en


def test_cli_compose_writes_nothing_on_conflict(tmp_path, with_fixtures):
    f = tmp_path / "g.yaml"
    f.write_text(yaml.safe_dump(group_facts({"failover_group": "g1", "products": [{"id": "beta"}, {"id": "servermanager"}]})))
    result = CliRunner().invoke(cli.app, ["compose", str(f), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and not (tmp_path / "out").exists()


def test_cli_compose_example_group(tmp_path):
    result = CliRunner().invoke(cli.app, ["compose", str(knowledge.DATA / "example-group.yaml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "start.bat").is_file() and (tmp_path / "o" / "manifest.json").is_file()


def test_after_star_puts_a_product_after_every_other():
    """script.after ["*"] (BOM: monitors on once the applications run, off before they stop, guide L7560-7570):
    listed first, BOM's block still comes last in start.bat and first in stop.bat; the others keep their order."""
    from ppguide.compose import _order
    assert _order(["bom", "filetransfer", "servermanager"]) == ["filetransfer", "servermanager", "bom"]
    assert _order(["servermanager", "bom"]) == ["servermanager", "bom"]
    g = compose({"failover_group": "g1", "products": [{"id": "bom", "parameters": {"bom_item_ids": ["APPL003"]}},
                                                      {"id": "filetransfer"}]})
    start = body(g.file("start.bat").text(), "NORMAL")
    stop = body(g.file("stop.bat").text(), "NORMAL")
    assert start[0].startswith("ARMLOAD.EXE NEC_ESMPROFT_SERVICE") and start[-1].endswith("-a APPL003 -w 1")
    assert stop[0].endswith("-a APPL003 -w 0") and stop[-1] == "ARMKILL.EXE NEC_ESMPROFT_SERVICE"
