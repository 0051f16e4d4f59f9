"""Errata say what kind of problem they are, and the doubted ones read the guide right (issue 9)."""
from __future__ import annotations

from facts import evaluate
from ppguide.knowledge import load, product_ids
from ppguide.site import errata_page


def _erratum(pid, eid):
    return next(e for e in load(pid).errata if e.id == eid)


def test_every_erratum_has_a_kind():
    kinds = {e.kind for pid in product_ids() for e in load(pid).errata}
    assert kinds == {"guide-error", "transcription", "ambiguity"}


def test_manifest_errata_carry_their_kind():
    b = evaluate("servermanager", {"clusterpro_manager_on_server": True})
    net = next(e for e in b.manifest()["errata"] if e["id"] == "net-yse")
    assert net["kind"] == "guide-error"           # L1011: /Yse is printed in the guide itself


def test_errata_page_groups_by_kind():
    products = [load(p) for p in product_ids()]
    page = errata_page(products)
    heads = [page.index(h) for h in ("## The guide is wrong", "## Lost in the text conversion",
                                     "## The guide can be read two ways")]
    assert heads == sorted(heads)
    # a lost shading (L693) is listed under the conversion losses, /Yse (L1011) under the guide's own errors
    assert heads[1] < page.index("#erratum-shaded-sync-keys") < heads[2]
    assert heads[0] < page.index("#erratum-net-yse") < heads[1]
    total = sum(len(p.errata) for p in products)
    assert f"{total} errata in {len(products)} products." in page


def test_system_directory_is_nec_usage_not_a_guide_error():
    """L330 [Windows NT のシステムディレクトリ]¥system32: in NEC's usage the system directory is %SystemRoot%."""
    e = _erratum("serveragent", "system-directory")
    assert e.kind == "ambiguity"
    b = evaluate("serveragent", {"winsock_wrapper": True, "node_ips": ["192.168.10.1", "192.168.10.2"]})
    bat = next(f for f in b.files if f.path.startswith("armwsset-")).text()
    assert "%SystemRoot%\\system32\\wsock32.dll" in bat and "system32\\system32" not in bat


def test_doubted_errata_are_not_called_guide_errors():
    assert _erratum("serveragent", "matrix-columns").kind == "ambiguity"     # L378: 3.0~ covers Ver5.0-7.0 (L45)
    assert _erratum("jmss", "ee-only-scope").kind == "ambiguity"             # L1466 vs L1510
    assert _erratum("servermanager", "manager-name-default").kind == "ambiguity"   # L1131-1132 allow a changed name


def test_manager_name_of_the_fresh_install_is_not_stated_for_other_scenarios():
    """failover_ready writes no nvisord.cf, so mgr_<virtual computer name> is not the name there (L1130-1132)."""
    fresh = evaluate("servermanager", {"scenario": "fresh", "virtual_computer_name": "CLUSV"})
    ready = evaluate("servermanager", {"scenario": "failover_ready", "virtual_computer_name": "CLUSV"})
    assert "manager-name-default" in {e.id for e in fresh.errata}
    assert "manager-name-default" not in {e.id for e in ready.errata}
    peer = next(w for w in ready.warnings if w.id == "caution-4-peer-manager")
    assert "mgr_CLUSV" not in peer.en and "nvisord.cf" in peer.en
    assert "mgr_CLUSV" in next(w for w in fresh.warnings if w.id == "caution-4-peer-manager").en


def test_powerchute_plus_does_not_state_the_lost_figure_as_fact():
    """L5097: the 「タイマー値の関係」 figure that defines ④ is not in the text, so ① + ② + ③ is an estimate."""
    b = evaluate("ac-powerchute-plus", {"public_ip": "192.168.10.1", "subnet_mask": "255.255.255.0"})
    steps = b.file("checklist.md").text().split("## Guide errata")[0]     # the erratum itself may quote the reading
    assert "(4) =" not in steps and "④ = ① + ② + ③" not in steps
    for sid in ("tool-run", "battery-budget"):
        step = next(s for s in b.steps if s.id == sid)
        assert "estimate" in step.title_en and "推定" in step.title_ja
