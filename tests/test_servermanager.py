"""ServerManager bundles against the guide (§1.2, lines 398-1149). Expected values are written from the guide."""
from __future__ import annotations

import pytest

from ppguide.errors import ParameterError
from facts import evaluate

# Services to set to manual (guide L577-584) with their service names (L851-858).
GUIDE_SERVICES = ["Nvbase", "ESMASVNT", "AlertManagerSocketReceiveService", "DmiEventWatcher",
                  "Nvcmd", "Nvrmapd", "EsmTrapRedirection", "ESMDSVNT"]
# Keys to synchronise (L670-674).
GUIDE_SYNC = [r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\ESMSM", r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE",
              r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\ESMAlertMan\BaseSetting\Receive",
              r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\ESMAlertMan\Socket\Socketr",
              r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Nvbase"]


def lines(bundle, path):
    return [l for l in bundle.file(path).text().split("\r\n") if l and not l.lower().startswith("rem")]


def test_services_bat_sets_every_service_manual():
    b = evaluate("servermanager", {})
    assert lines(b, "services.bat") == [f"sc config {s} start= demand" for s in GUIDE_SERVICES]


@pytest.mark.parametrize("dmi,trap", [(True, True), (False, True), (True, False), (False, False)])
def test_optional_services_follow_the_footnotes(dmi, trap):
    """(*1) no DMI alerts -> no Dmi Event Watcher line; (*2) no trap redirection -> no Trap Redirection line
    (L730-732). The footnotes concern the script only: all eight services are set to manual (L575-586)."""
    b = evaluate("servermanager", {"receive_dmi_alerts": dmi, "trap_redirection": trap})
    assert lines(b, "services.bat") == [f"sc config {s} start= demand" for s in GUIDE_SERVICES]
    start = b.file("start.bat").text()
    assert ("DmiEventWatcher" in start) == dmi and ("EsmTrapRedirection" in start) == trap
    assert "(*" not in start and "(*" not in b.file("stop.bat").text()


@pytest.mark.parametrize("dmi,trap", [(True, True), (False, False)])
def test_uninstall_lists_all_eight_lines_whatever_the_options(dmi, trap):
    """L791-800: the eight services to delete from the scripts (a line may be missing), watch ids L851-858."""
    b = evaluate("servermanager", {"scenario": "uninstall", "receive_dmi_alerts": dmi, "trap_redirection": trap})
    got = lines(b, "script-lines-to-remove.txt")
    watch = ["id_Base", "id_Alert", "id_AM", "id_Dmi", "id_Cmd", "id_Rmap", "id_Trap", "id_SM"]
    assert [l for l in got if l.startswith("ARMLOAD")] == \
        [f"ARMLOAD.EXE {w} /S /M /WAIT 0 {s}" for w, s in zip(watch, GUIDE_SERVICES)]
    assert [l for l in got if l.startswith("ARMKILL")] == [f"ARMKILL.EXE {w}" for w in watch]


def test_manager_name_file_follows_the_rules():
    """CommunityName:"mgr_<virtual name>", nothing but blanks after the colon, line ends with a break (L601-610)."""
    b = evaluate("servermanager", {"virtual_computer_name": "CLUSV"})
    assert b.file("nvisord.cf").content == b'CommunityName:"mgr_CLUSV"\r\n'
    assert b.values["nvisord_path"] == r"X:\nwork\local\nvisord.cf"      # L613: <workdir>\local


def test_sync_keys_on_install_are_the_five_of_the_guide():
    b = evaluate("servermanager", {})
    assert b.file("sync-registry.txt").text().split("\r\n")[:-1] == GUIDE_SYNC


@pytest.mark.parametrize("others,expected", [(False, GUIDE_SYNC), (True, GUIDE_SYNC[:1])])
def test_uninstall_keeps_keys_other_products_use(others, expected):
    """L683-703: keys others still use stay; the shading is lost, so only ESMSM goes (erratum shaded-sync-keys)."""
    b = evaluate("servermanager", {"scenario": "uninstall", "other_base_products_use": others})
    assert b.file("sync-registry-remove.txt").text().split("\r\n")[:-1] == expected
    assert ("shaded-sync-keys" in [e.id for e in b.errata]) == others


def test_uninstall_removes_only_the_sm_base_service_when_others_use_base():
    """L804: with other ESMPRO/BASE users only ESMPRO/SM Base Service leaves the scripts."""
    b = evaluate("servermanager", {"scenario": "uninstall", "other_base_products_use": True})
    assert lines(b, "script-lines-to-remove.txt") == ["ARMLOAD.EXE id_SM /S /M /WAIT 0 ESMDSVNT", "ARMKILL.EXE id_SM"]
    assert "uninstall-trap-left" in [w.id for w in b.warnings]
    assert not any(f.path in ("start.bat", "stop.bat") for f in b.files)


@pytest.mark.parametrize("scenario,present,absent", [
    ("fresh", ["move-workdir", "delete-workdir", "registry", "acl", "manager-name", "sync-registry"], ["save-other-lines"]),
    ("failover_ready", ["save-other-lines", "install-both", "sync-registry", "scripts-restore"], ["move-workdir", "registry"]),
    ("update", ["save-lines-update", "update-both", "scripts-update"], ["sync-registry", "move-workdir"]),
    ("uninstall", ["remove-lines", "sync-remove", "uninstall-both"], ["scripts", "sync-registry"]),
])
def test_each_scenario_has_its_own_flow(scenario, present, absent):
    ids = [s.id for s in evaluate("servermanager", {"scenario": scenario}).steps]
    assert set(present) <= set(ids) and not set(absent) & set(ids)
    assert ids[-1] == "cluster-shutdown"                                 # L816-818


def test_standby_deletes_the_local_workdir_never_the_active():
    """L617-619: the local work directory is deleted on the standby only."""
    b = evaluate("servermanager", {})
    deleting = [s for s in b.steps if s.artifact and "rmdir" in b.file(s.artifact).text()]
    assert {s.place for s in deleting if s.id == "delete-workdir"} == {"standby"}
    assert "xcopy" in b.file(next(s.artifact for s in b.steps if s.id == "move-workdir")).text()


def test_sync_registration_comes_after_both_registry_edits():
    """L508: synchronised keys are registered once both nodes' registry edits are done."""
    ids = [s.id for s in evaluate("servermanager", {}).steps]
    assert ids.index("sync-registry") > ids.index("registry") > ids.index("install-standby")


@pytest.mark.parametrize("version", ["3.0", "4.0", "4.15"])
def test_versions_before_4_16_are_refused(version):
    """§1.2.3.1 (L448-449): before 4.16 there is no takeover install."""
    with pytest.raises(ParameterError) as exc:
        evaluate("servermanager", {"sm_version": version})
    assert exc.value.parameters == ["sm_version"]


def test_4_16_and_later_accepted():
    for v in ["4.16", "4.17", "5.0"]:
        assert evaluate("servermanager", {"sm_version": v}).parameters["sm_version"] == v


def test_yse_typo_is_never_emitted():
    b = evaluate("servermanager", {"clusterpro_manager_on_server": True})
    stop = b.file("stop.bat").text()
    assert "/Yse" not in stop and 'net stop /Yes "CLUSTERPRO Manager"' in stop
    assert "net-yse" in [e.id for e in b.errata]


def test_every_file_is_deterministic():
    a, b = evaluate("servermanager", {}), evaluate("servermanager", {})
    assert [(f.path, f.content) for f in a.files] == [(f.path, f.content) for f in b.files]
    assert a.manifest_bytes() == b.manifest_bytes()
