"""The sequencing rules (lib/ppguide/sequencing.py) hold for every product x scenario, and they can fail."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sequencing_cases import all_cases, example_parameters  # noqa: E402

from ppguide import sequencing  # noqa: E402
from ppguide.bundle import StepOut  # noqa: E402
from ppguide.errors import KnowledgeError, ParameterError  # noqa: E402
from ppguide.evaluate import evaluate  # noqa: E402
from ppguide.knowledge import load, product_ids  # noqa: E402

KINDS = {"install", "update", "uninstall", "services", "sync-registry", "script-edit", "group-stop", "group-start",
         "monitor-pause", "registry", "files", "config", "gui", "check", "other"}


def _by_product():
    cases: dict[str, list] = {}
    for pid, label, given in all_cases():
        cases.setdefault(pid, []).append((label, given))
    return cases


CASES = _by_product()


@pytest.mark.parametrize("pid", product_ids())
def test_rules_hold_for_every_scenario_and_option(pid):
    built, refused = [], []
    for label, given in CASES[pid]:
        try:
            evaluate(pid, given)        # evaluate() enforces the rules: a KnowledgeError fails the test
        except ParameterError as err:
            refused.append((label, err.parameters))
            continue
        built.append(label.split(":")[0].split("[")[0])
    scenarios = next((p.choices for p in load(pid).parameters if p.name == "scenario"), [None])
    # every scenario is really built, except JMSS's failover_ready, which the guide does not have (L1155, L1259)
    expected = {str(s) for s in scenarios} - ({"failover_ready"} if pid == "jmss" else set())
    assert set(built) == expected, refused


def _step(n, kind, place="each_node", id=None):
    return StepOut(n, id or f"s{n}", place, "t", "t", "", "", [], None, [], kind)


def test_rule_1_needs_start_types_after_an_install_before_the_group_starts():
    ok = [_step(1, "install"), _step(2, "services"), _step(3, "group-start", "cluster_manager")]
    late = [_step(1, "install"), _step(2, "group-start", "cluster_manager"), _step(3, "services")]
    before = [_step(1, "services"), _step(2, "update")]
    assert sequencing.rule_services_after_installers(ok, True) == []
    assert len(sequencing.rule_services_after_installers(late, True)) == 1
    assert len(sequencing.rule_services_after_installers(before, True)) == 1
    assert sequencing.rule_services_after_installers(before, False) == []      # no group-started services
    client = [_step(1, "install", "client")]                                    # a client is not a cluster node
    assert sequencing.rule_services_after_installers(client, True) == []


def test_rule_2_needs_a_stopped_or_paused_group_between_cutting_lines_and_an_installer():
    cut = _step(1, "script-edit", "cluster_manager", "cut")
    assert len(sequencing.rule_group_stopped_before_installers([cut, _step(2, "uninstall")], {"cut"})) == 1
    assert sequencing.rule_group_stopped_before_installers(
        [cut, _step(2, "group-stop", "cluster_manager"), _step(3, "group-start", "cluster_manager"),
         _step(4, "uninstall")], {"cut"}) == []
    assert sequencing.rule_group_stopped_before_installers(
        [cut, _step(2, "monitor-pause", "active"), _step(3, "update")], {"cut"}) == []
    # a script edit that only adds lines is not concerned
    assert sequencing.rule_group_stopped_before_installers([cut, _step(2, "install")], set()) == []


def test_rule_3_registers_synchronised_keys_after_start_types():
    late = [_step(1, "sync-registry", "cluster_manager"), _step(2, "services")]
    assert len(sequencing.rule_sync_after_services(late, "failover_ready")) == 1
    assert sequencing.rule_sync_after_services(late, "uninstall") == []     # removing keys, not adding
    assert sequencing.rule_sync_after_services(list(reversed(late)), "fresh") == []


def test_a_broken_order_is_refused_with_product_scenario_and_steps():
    product = load("servermanager")
    steps = [_step(1, "script-edit", "cluster_manager", "save-lines-update"), _step(2, "update", id="update-both")]
    with pytest.raises(KnowledgeError) as err:
        sequencing.enforce(product, {"scenario": "update"}, steps)
    assert "servermanager" in err.value.en and "scenario update" in err.value.en
    assert "save-lines-update" in err.value.en and "update-both" in err.value.en


def _ids(pid, **given):
    b = evaluate(pid, dict(example_parameters(pid), **given))
    return [(s.id, s.kind) for s in b.steps]


def test_servermanager_failover_ready_syncs_keys_after_start_types_on_both_nodes():
    ids = [i for i, _ in _ids("servermanager", scenario="failover_ready")]
    # L519: register the synchronised keys only once both nodes' start types are changed
    assert ids.index("install-both") < ids.index("services-both") < ids.index("sync-registry")
    # cut lines, then the group restarts with them cut, then the installer runs
    assert ids.index("save-other-lines") < ids.index("stop-group") < ids.index("start-group") < ids.index("install-both")


def test_servermanager_update_sets_start_types_after_the_update_only():
    steps = _ids("servermanager", scenario="update")
    ids = [i for i, _ in steps]
    kinds = [k for _, k in steps]
    assert kinds.index("update") < kinds.index("services")
    assert "services" not in kinds[:kinds.index("update")]
    assert ids.index("save-lines-update") < ids.index("stop-group") < ids.index("update-both")


@pytest.mark.parametrize("pid,cut", [("servermanager", "remove-lines"), ("filetransfer", "remove-lines"),
                                     ("deliverymanager", "remove-lines"), ("jmss", "uninstall-script-lines")])
def test_uninstall_stops_the_group_after_cutting_lines(pid, cut):
    steps = _ids(pid, scenario="uninstall")
    ids = [i for i, _ in steps]
    first_uninstall = next(i for i, (_, k) in enumerate(steps) if k == "uninstall" and ids[i] != "uninstall-client")
    assert any(k == "group-stop" for _, k in steps[ids.index(cut):first_uninstall])


def test_jmss_uninstall_starts_the_group_it_stopped():
    ids = [i for i, _ in _ids("jmss", scenario="uninstall")]
    assert ids.index("uninstall-stop-group") < ids.index("uninstall-nodes") < ids.index("uninstall-start-group")


def test_manifest_lists_every_step_in_order(tmp_path):
    b = evaluate("servermanager", dict(example_parameters("servermanager"), scenario="fresh"))
    b.write(tmp_path / "out")
    steps = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["steps"]
    assert [s["n"] for s in steps] == list(range(1, len(steps) + 1))
    assert all(set(s) == {"n", "id", "kind", "place", "title", "guide_lines", "artifacts"} for s in steps)
    assert all(s["kind"] in KINDS for s in steps)
    by_id = {s["id"]: s for s in steps}
    assert by_id["services-active"]["artifacts"] == ["services.bat"]
    assert by_id["sync-registry"]["kind"] == "sync-registry" and 508 in by_id["sync-registry"]["guide_lines"]
    assert set(by_id["precheck"]["title"]) == {"en", "ja"}


def test_checklist_is_one_list_in_step_order():
    b = evaluate("servermanager", dict(example_parameters("servermanager"), scenario="fresh"))
    text = b.file("checklist.md").text()
    numbers = [int(m) for m in re.findall(r"^\| \[ \] \| (\d+) \|", text, re.M)]     # a tick box, then the number
    assert numbers == list(range(1, len(b.steps) + 1))
    assert text.count("| # |") == 1


@pytest.mark.parametrize("pid", product_ids())
def test_every_step_declares_a_known_kind(pid):
    assert all(s.kind in KINDS for s in load(pid).steps)
    assert all(s.kind == "script-edit" for s in load(pid).steps if s.removes_lines)


def test_group_checklist_names_the_product_of_each_step():
    """A composed group lists the products' procedures one after the other; each row says whose step it is."""
    import yaml

    from ppguide.compose import compose
    from ppguide.knowledge import ROOT
    group = yaml.safe_load((ROOT / "data" / "example-group.yaml").read_text(encoding="utf-8"))
    b = compose(group)
    rows = re.findall(r"^\| \[ \] \| ([a-z0-9-]+) (\d+) \|", b.file("checklist.md").text(), re.M)
    assert len(rows) == len(b.steps) and [p for p, _ in rows] == [s.product for s in b.steps]
    assert all(e["product"] for e in b.manifest()["steps"])
