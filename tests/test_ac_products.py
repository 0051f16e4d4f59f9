"""The four ESMPRO/AutomaticRunningController products: ac-iups (§1.6), ac-snmp (§1.7),
ac-powerchute-plus (§1.8) and ac-pcbe (§1.9).

Golden values come from the guide's worked examples; every expected number names the guide line
it stands on (``# Lnnnn``) and the test reads that line to check it. The broadcast address is
checked against binary arithmetic worked by hand, octet by octet, never against ``ipaddress``.
"""
from __future__ import annotations

import json
from pathlib import Path

import sys

import pytest
import yaml

from ppguide import ups_budget
from ppguide.errors import ParameterError, Problem, as_typed

sys.path.insert(0, str(Path(__file__).parent))
import guide_ups_example as gx  # noqa: E402
from facts import evaluate, write_bundle
from ppguide.examples import guide_example, guide_example_cites
from ppguide.knowledge import ROOT, load

GUIDE = ROOT.parent / "shared" / "seeds" / "000_68f8a06b3ca39699.txt"
LINES = GUIDE.read_text(encoding="utf-8").split("\n")
AC = ["ac-iups", "ac-snmp", "ac-powerchute-plus", "ac-pcbe"]
CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "ac_bad_inputs.yaml").read_text(encoding="utf-8"))["cases"]


def line(n: int) -> str:
    return LINES[n - 1]


def squeeze(text: str) -> str:
    """The guide's OCR puts spaces inside numbers ('172. 16. 134. 12')."""
    return "".join(text.split())


# --- broadcast, worked by hand ------------------------------------------------------------------

def by_hand(ip: str, mask: str) -> str:
    """AND every octet with the mask, then OR it with the inverted mask octet (guide L4370-4382)."""
    out = []
    for i, m in zip(ip.split("."), mask.split(".")):
        i, m = int(i), int(m)
        out.append((i & m) | (0b11111111 ^ m))
    return ".".join(map(str, out))


def test_hand_arithmetic_of_the_guide_example():
    # L4372-4382: 12 = 00001100, AND 00000000 = 00000000, OR 11111111 = 11111111 = 255
    assert (0b00001100 & 0b00000000) | 0b11111111 == 255
    assert [172, 16, 134] == [0b10101100, 0b00010000, 0b10000110]          # L4372 first three octets
    assert by_hand("172.16.134.12", "255.255.255.0") == "172.16.134.255"    # L4386
    assert "172.16.134.255" in squeeze(line(4386))
    assert "10101100.00010000.10000110.11111111" in squeeze(line(4382))


@pytest.mark.parametrize("pid,ip_line,mask_line,result_line", [
    ("ac-powerchute-plus", 5223, 5224, 5246),
    ("ac-pcbe", 5479, 5480, 5503),
    ("ac-iups", 4366, 4368, 4386),
])
def test_broadcast_of_the_guide_example_in_the_manifest(pid, ip_line, mask_line, result_line, tmp_path):
    cites = guide_example_cites(pid)
    assert cites["public_ip"] == ip_line and cites["subnet_mask"] == mask_line
    assert guide_example(pid)["public_ip"] in squeeze(line(ip_line))
    m = write_bundle(pid, {}, tmp_path / "b").manifest()
    assert m["values"]["broadcast_address"] == by_hand("172.16.134.12", "255.255.255.0") == "172.16.134.255"
    assert "172.16.134.255" in squeeze(line(result_line))
    on_disk = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["values"]["broadcast_address"] == "172.16.134.255"


def test_snmp_default_broadcast_is_the_amc_example():
    # ac-snmp defaults to CLUS1's address (L3951) on a /24: the groups' 172.16.1.255 of L3944 and L4414
    b = evaluate("ac-snmp", {})
    assert b.parameters["public_ip"] == "172.16.1.20" and "172.16.1.20" in line(3951)
    assert b.values["broadcast_address"] == by_hand("172.16.1.20", "255.255.255.0") == "172.16.1.255"
    assert "172.16.1.255" in line(3944) and "172.16.1.255" in line(4414)
    assert [row[2] for row in b.values["lan"]["working"]][4] == "10101100.00010000.00000001.11111111"


@pytest.mark.parametrize("ip,mask", [("10.1.2.3", "255.255.0.0"), ("172.16.5.130", "255.255.255.192"),
                                     ("192.168.10.1", "255.255.255.0"), ("10.9.8.7", "255.255.255.248")])
def test_broadcast_through_every_product(ip, mask):
    for pid in AC:
        given = {"public_ip": ip, "subnet_mask": mask}
        assert evaluate(pid, given).values["broadcast_address"] == by_hand(ip, mask)
    assert by_hand("172.16.5.130", "255.255.255.192") == "172.16.5.191"   # 130 & 192 = 128, | 63 = 191


@pytest.mark.parametrize("mask,warned", [("255.255.255.254", True), ("255.255.255.255", True), ("255.255.255.252", False)])
def test_no_usable_broadcast_warns(mask, warned):
    ids = [w.id for w in evaluate("ac-snmp", {"subnet_mask": mask}).warnings]
    assert ("no-usable-broadcast" in ids) is warned


def test_network_address_as_public_ip_warns():
    assert "public-ip-not-a-host" in [w.id for w in evaluate("ac-pcbe", {"public_ip": "172.16.134.0"}).warnings]
    assert "public-ip-not-a-host" not in [w.id for w in evaluate("ac-pcbe", {}).warnings]


# --- the §1.7.7 (5) worked example -----------------------------------------------------------------

GOLDEN_A = [(38, 4917, "30～38"), (158, 4923, "158 以内"), (218, 4925, "218 以内"), (226, 4933, "226 以内"),
            (526, 4947, "526 以内"), (526, 4947, "526 以内")]
GOLDEN_B = [(68, 4971, "60～68"), (188, 4977, "188 以内"), (248, 4980, "248 以内"), (256, 4988, "256 以内"),
            (556, 4999, "556 以内"), (556, 4999, "556 以内")]


@pytest.fixture(scope="module")
def snmp():
    return evaluate("ac-snmp", {})


def test_example_parameters_are_the_guide_values(snmp):
    for name, value in gx.GUIDE_EXAMPLE.items():
        decl = load("ac-snmp").param(name)
        default = guide_example("ac-snmp").get(name, decl.default)
        cite = guide_example_cites("ac-snmp").get(name, decl.cite)
        assert snmp.parameters[name] == default == value, name
        assert cite == gx.GUIDE_EXAMPLE_LINES[name]
        assert str(value) in line(decl.cite), (name, decl.cite)     # L4894-4905


def test_control_confirm_min_in_manifest(snmp, tmp_path):
    assert snmp.values["control_confirm_min_s"] == 256                  # L5003 "256 秒以上"
    assert "256 秒以上" in line(5003) and "226 秒以上" in line(4953)
    assert snmp.values["budget"]["case_a_min_s"] == 226                  # L4953
    assert snmp.values["budget"]["governing_case"] == "B"                # L4909: the longer case
    m = json.loads(write_bundle("ac-snmp", {}, tmp_path / "b").manifest_bytes())
    assert m["values"]["control_confirm_min_s"] == 256 and m["values"]["broadcast_address"] == "172.16.1.255"


def test_timelines_match_the_guide(snmp):
    a, b = snmp.values["timelines"]
    for (t, n, text), ev in zip(GOLDEN_A, a["events"]):
        assert ev["t_s"] == t and text in line(n), (t, n)
    for (t, n, text), ev in zip(GOLDEN_B, b["events"]):
        assert ev["t_s"] == t and text in line(n), (t, n)
    assert [e["t_s"] for e in a["events"]] == [38, 158, 218, 226, 526, 526, 766]
    assert [e["t_s"] for e in b["events"]] == [68, 188, 248, 256, 556, 556]
    assert a["events"][-1]["name_en"] == "cluster-server UPS output stop"


def test_the_764_erratum_is_shown(snmp):
    (e,) = [e for e in snmp.errata if e.id == "case-a-764"]
    assert e.line == 4951 and e.guide == "764 以内" and e.guide in line(4951)
    assert "766" in e.emits and "226 + 300 + 120 + 120" in e.emits
    assert 226 + 300 + 120 + 2 * 60 == 766                               # L4933 + L4941
    assert "約 2 分" in line(4941) and "226 以内" in line(4933)
    assert "764" in snmp.file("checklist.md").text()
    assert "766" in snmp.file("timelines.csv").text()


def test_rule_numbers_are_cited_and_match_the_model():
    c = load("ac-snmp").constants
    from ppguide.functions import seconds
    assert seconds(c["polling"]) == ups_budget.POLLING_MAX_S == 8                       # L4875
    assert seconds(c["os_instruction"]) == ups_budget.OS_SHUTDOWN_INSTRUCTION_S == 60   # L4877
    assert seconds(c["per_ups_cut"]) == ups_budget.PER_UPS_CUT_S == 2                   # L4878
    assert seconds(c["case_a_extra"]) == ups_budget.CASE_A_SERVER_UPS_EXTRA_S == 120    # L4941
    assert (c["polling"].line, c["os_instruction"].line, c["per_ups_cut"].line) == (4875, 4877, 4878)


def test_default_ups_records_are_the_guide_example():
    rows = {u["name"]: u for u in guide_example("ac-snmp")["ups"]}
    for name, n in {"UPS1": 3945, "UPS2": 3948, "UPS3": 3950, "UPS4": 3953}.items():
        assert name in line(n) and rows[name]["address"] in line(n)
    assert rows["UPS1"]["feeds"] == "SERVER2" and "SERVER2" in line(3946)     # the management terminal
    assert [rows["UPS3"]["feeds"], rows["UPS4"]["feeds"]] == ["CLUS1", "CLUS2"]  # L3951, L3954
    assert rows["UPS2"]["warmup_order"] == 1 and "Warm-UP 順位 1" in line(4682)


# --- batteries ----------------------------------------------------------------------------------------

def _ups(runtimes):
    rows = [dict(u) for u in guide_example("ac-snmp")["ups"]]
    for u in rows:
        u["battery_runtime_s"] = runtimes.get(u["name"], u["battery_runtime_s"])
    return rows


def test_battery_verdicts_safe_and_short(snmp):
    assert all(v["safe"] for v in snmp.values["batteries"])
    assert "battery-short" not in [w.id for w in snmp.warnings]
    b = evaluate("ac-snmp", {"ups": _ups({"UPS3": 700, "UPS2": 500})})
    v = {x["ups"]: x for x in b.values["batteries"]}
    assert (v["UPS3"]["safe"], v["UPS3"]["shortfall_s"]) == (False, 66)      # 766 - 700
    assert (v["UPS2"]["safe"], v["UPS2"]["shortfall_s"], v["UPS2"]["critical"]) == (False, 26, True)  # 526 - 500
    (w,) = [w for w in b.warnings if w.id == "battery-short"]
    assert "UPS3: NOT safe, short by 66 s" in w.en and "UPS2: NOT safe, short by 26 s" in w.en
    assert "66秒不足" in w.ja
    assert "already off" in w.en                     # why: the OS shutdown has completed
    step = next(s for s in b.steps if s.id == "battery-check")
    assert "UPS3 short by 66 s" in step.title_en and "UPS1 safe" in step.title_en


def test_server_budget_products_check_batteries():
    # (4) = 60 + 120 + 300 = 480 s for each server's UPS
    for pid in ("ac-iups", "ac-powerchute-plus", "ac-pcbe"):
        b = evaluate(pid, {})
        assert b.values["battery_needed_s"] == 480
        rows = [dict(u, battery_runtime_s=470) if i == 0 else dict(u) for i, u in enumerate(guide_example(pid)["ups"])]
        short = evaluate(pid, {"ups": rows})
        (w,) = [w for w in short.warnings if w.id == "battery-short"]
        assert "short by 10 s" in w.en, pid


def test_pcbe_budget_uses_the_command_file_period():
    b = evaluate("ac-pcbe", {"command_file_duration_s": 240})
    # (1) 60 + command file 240 + OS 300 = 600 (the OS shutdown starts after the command file, L5507)
    assert b.values["battery_needed_s"] == 600
    assert [e["t_s"] for e in b.values["timelines"][0]["events"]] == [60, 300, 300, 600]


# --- rules: each fires, and its neighbour does not ---------------------------------------------------------

ERRORS = [
    # (product, given that fires, given that does not, check id, parameters named)
    ("ac-snmp", {"nodes": ["CLUS1"], "node_ips": ["172.16.1.20"]}, {}, "snmp-node-count", ["nodes"]),
    ("ac-snmp", {"nodes": [f"N{i}" for i in range(17)], "node_ips": [f"172.16.2.{i}" for i in range(1, 18)]},
     {}, "snmp-node-count", ["nodes"]),
    ("ac-snmp", {"ac_enterprise": False}, {"ac_enterprise": True}, "ac-enterprise-required", ["ac_enterprise"]),
    ("ac-snmp", {"management_terminal": False, "control_terminals": 3, "ups": "B2"},
     {"management_terminal": False, "control_terminals": 2, "ups": "B2"}, "control-terminals-b", ["control_terminals"]),
    ("ac-snmp", {"control_terminals": 2}, {"control_terminals": 1}, "control-terminals-a", ["control_terminals"]),
    ("ac-snmp", {"powerchute_plus_installed": True}, {}, "no-powerchute-plus", ["powerchute_plus_installed"]),
    ("ac-snmp", {"hub_power": "disk_array_ups"}, {"hub_power": "management_terminal_ups"}, "hub-not-on-disk-ups", ["hub_power"]),
    ("ac-snmp", {"disk_confirm_s": 60}, {"disk_confirm_s": 59}, "disk-confirms-first", ["disk_confirm_s", "server_confirm_s"]),
    ("ac-snmp", {"control_confirm_s": 255}, {"control_confirm_s": 256}, "control-confirm-too-short", ["control_confirm_s"]),
    ("ac-snmp", {"measured_cluster_shutdown_s": 121}, {"measured_cluster_shutdown_s": 120}, "measured-within-timeout",
     ["measured_cluster_shutdown_s"]),
    ("ac-snmp", {"management_terminal_name": "CLUS1"}, {}, "mgmt-not-a-node", ["management_terminal_name"]),
    ("ac-iups", {"nodes": ["S1", "S2", "S3", "S4", "S5"], "ac_enterprise": True, "ups": "per-node"},
     {"nodes": ["S1", "S2", "S3", "S4"], "ac_enterprise": True, "ups": "per-node"}, "iups-five-nodes-shared-disk", ["nodes"]),
    ("ac-iups", {"nodes": ["S1", "S2", "S3"], "ups": "per-node"},
     {"nodes": ["S1", "S2", "S3"], "ac_enterprise": True, "ups": "per-node"}, "iups-enterprise", ["ac_enterprise"]),
    ("ac-iups", {"nodes": ["S1", "S2", "S3"], "ac_enterprise": True, "lan_power_on": "tcpip", "ups": "per-node"},
     {"nodes": ["S1", "S2", "S3"], "ac_enterprise": True, "lan_power_on": "client_monitoring", "ups": "per-node"},
     "iups-lan-power-on", ["lan_power_on"]),
    ("ac-iups", {"nodes": ["S1", "S2", "S3"], "ac_enterprise": True, "line_monitoring": True, "ups": "per-node"},
     {"line_monitoring": True}, "iups-v24-two-nodes", ["line_monitoring"]),
    ("ac-powerchute-plus", {"power_off_delay_s": 240}, {"power_off_delay_s": 600}, "pcp-off-wait", ["power_off_delay_s"]),
    ("ac-powerchute-plus", {"upssleep_installed": False}, {}, "pcp-upssleep", ["upssleep_installed"]),
    ("ac-powerchute-plus", {"shared_disk": "single"}, {"shared_disk": "redundant_both_ups"}, "pcp-shared-disk", ["shared_disk"]),
    ("ac-powerchute-plus", {"powerchute_version": "other"}, {"powerchute_version": "V5.1.1J"}, "pcp-version", ["powerchute_version"]),
    ("ac-pcbe", {"command_file_duration_s": 119}, {"command_file_duration_s": 120}, "command-file-covers-timeout",
     ["command_file_duration_s"]),
    # L5406: the power-off job starts after the cluster stop, so the period covers timeout (120) + job, one after the other
    ("ac-pcbe", {"registered_job_s": 60, "command_file_duration_s": 179}, {"registered_job_s": 60, "command_file_duration_s": 180},
     "command-file-covers-job", ["registered_job_s"]),
    ("ac-pcbe", {"measured_os_shutdown_s": 300}, {"measured_os_shutdown_s": 299}, "os-time-exceeds-measured",
     ["power_off_delay_s", "measured_os_shutdown_s"]),
    ("ac-pcbe", {"pcbe_schedules": True}, {}, "pcbe-no-schedules", ["pcbe_schedules"]),
    ("ac-pcbe", {"pcbe_version": "other"}, {"pcbe_version": "6.1"}, "pcbe-version", ["pcbe_version"]),
]


def _given(pid: str, given: dict) -> dict:
    """Shorthands: 'per-node' builds one UPS per node; 'B2' is the 2-node (B) configuration."""
    given = dict(given)
    if given.get("ups") == "per-node":
        given["ups"] = [{"name": f"U{i}", "role": "cluster_server", "feeds": n, "battery_runtime_s": 900}
                        for i, n in enumerate(given["nodes"])]
    if given.get("ups") == "B2":
        given["ups"] = [u for u in guide_example("ac-snmp")["ups"] if u["role"] != "control_terminal"]
        given["ups_count"] = 3
    return given


def _check(pid: str, cid: str):
    return next(c for c in load(pid).checks if c.id == cid)


@pytest.mark.parametrize("pid,fires,quiet,cid,names", ERRORS, ids=[e[3] + "-" + str(i) for i, e in enumerate(ERRORS)])
def test_error_rule_fires_and_not(pid, fires, quiet, cid, names, tmp_path):
    with pytest.raises(ParameterError) as exc:
        write_bundle(pid, _given(pid, fires), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    c = _check(pid, cid)
    mine = [p for p in exc.value.problems if p.parameter == "+".join(c.params)]
    assert mine, (cid, exc.value.parameters)
    for n in names:
        assert n in mine[0].parameter.split("+")
    assert f"guide lines {', '.join(map(str, c.cite))}" in mine[0].expected_en
    assert "ガイド" in mine[0].expected_ja
    try:
        evaluate(pid, _given(pid, quiet))
    except ParameterError as err:
        assert "+".join(c.params) not in err.parameters, (cid, err.parameters)


def test_control_confirm_error_states_the_minimum():
    with pytest.raises(ParameterError) as exc:
        evaluate("ac-snmp", {"control_confirm_s": 200})
    (p,) = exc.value.problems
    assert p.given == 200
    assert "at least 256 s (case B" in p.expected_en and "56 s short" in p.expected_en
    assert "256 秒以上" in p.expected_ja


def test_control_terminal_count_by_node_count():
    # (B): 2 control terminals for 2 nodes, 3 from 3 nodes on (L3531)
    assert "制御端末を2台" in line(3531) and "制御端末を3台" in line(3531)
    ups = [u for u in guide_example("ac-snmp")["ups"] if u["role"] != "control_terminal"]
    three = ["CLUS1", "CLUS2", "CLUS3"]
    ups3 = ups + [{"name": "UPS5", "address": "172.16.1.15", "role": "cluster_server", "feeds": "CLUS3",
                   "battery_runtime_s": 900, "warmup_order": 0}]
    base = {"management_terminal": False, "nodes": three, "node_ips": ["172.16.1.20", "172.16.1.21", "172.16.1.22"],
            "ups": ups3, "ups_count": 4}
    with pytest.raises(ParameterError):
        evaluate("ac-snmp", dict(base, control_terminals=2))
    b = evaluate("ac-snmp", dict(base, control_terminals=3))
    assert b.values["control_nodes"] == three and b.values["linked_terminals"] == []
    assert "budget-is-for-a" in [w.id for w in b.warnings]


WARNINGS = [
    ("ac-snmp", {"ups_feeds_other_servers": True}, "multi-server-ups"),
    ("ac-snmp", {"cluster_shutdown_timeout_s": 60}, "timeout-below-initial"),
    ("ac-iups", {"ups_models_identical": False}, "iups-models-differ"),
    ("ac-iups", {"ups": [{"name": "U1", "role": "cluster_server", "feeds": "SERVER1", "battery_runtime_s": 900},
                         {"name": "U2", "role": "cluster_server", "feeds": "SERVER2", "battery_runtime_s": 900}]},
     "shared-disk-ups-missing"),
    ("ac-powerchute-plus", {"ups_models_identical": False}, "models-differ"),
    ("ac-powerchute-plus", {"clusterpro_stop_in_powerchute": True}, "clusterpro-in-powerchute"),
    ("ac-powerchute-plus", {"cluster_shutdown_timeout_s": 60}, "timeout-below-initial"),
    ("ac-pcbe", {"ups_models_identical": False}, "models-differ"),
    ("ac-pcbe", {"pcbe_shutdown_trigger": "runtime_limit"}, "runtime-limit-trigger"),
    ("ac-pcbe", {"clusterpro_stop_in_pcbe": True}, "clusterpro-in-pcbe"),
]


@pytest.mark.parametrize("pid,given,wid", WARNINGS, ids=[f"{w[0]}-{w[2]}" for w in WARNINGS])
def test_warning_rule_fires_and_not(pid, given, wid):
    assert wid in [w.id for w in evaluate(pid, given).warnings]
    assert wid not in [w.id for w in evaluate(pid, {}).warnings]


def test_pcp_power_off_wait_choices():
    assert "20 秒、180 秒、300 秒、600 秒" in line(5108)
    for ok in (20, 180, 300, 600):
        assert evaluate("ac-powerchute-plus", {"power_off_delay_s": ok}).values["battery_needed_s"] == 60 + 120 + ok


def test_pcbe_os_time_warning_until_measured():
    assert "measure-os-shutdown" in [w.id for w in evaluate("ac-pcbe", {}).warnings]
    assert "measure-os-shutdown" not in [w.id for w in evaluate("ac-pcbe", {"measured_os_shutdown_s": 200}).warnings]


def test_measured_cluster_shutdown_is_accepted_and_shown():
    for pid in AC:
        b = evaluate(pid, {"measured_cluster_shutdown_s": 95})
        step = next(s for s in b.steps if s.id == "measure-cluster-shutdown")
        assert step.place == "reader" and "given: 95 s" in step.title_en
        assert "stopwatch" in step.title_en and "first shutdown message" in step.why_en
        assert b.parameters["measured_cluster_shutdown_s"] == 95


# --- bad inputs: named, in both languages, and nothing written ---------------------------------------------

@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_bad_input_refused(case, tmp_path):
    out = tmp_path / "new" / "bundle"
    with pytest.raises(ParameterError) as exc:
        write_bundle(case["product"], case["parameters"], out)
    assert not (tmp_path / "new").exists()
    err = exc.value
    named = "+".join(err.parameters).split("+")
    for name in case["names"]:
        assert name in named, (name, err.parameters)
        p: Problem = next(p for p in err.problems if name in p.parameter.split("+"))
        if name in case["parameters"] and "+" not in p.parameter:
            assert as_typed(case["parameters"][name])[:150] in p.en()   # long values are cut short
        assert "expected" in p.en() and "期待される値" in p.ja()


def test_corpus_names_declared_parameters():
    for c in CORPUS:
        declared = {p.name for p in load(c["product"]).parameters}
        assert c["product"] in AC
        assert all(n in declared or n in c["parameters"] for n in c["names"]), c["id"]


def test_library_refusals_are_parameter_errors():
    from ppguide.network import broadcast
    with pytest.raises(ParameterError) as exc:
        broadcast("172.16.134.12", "255.0.255.0")
    assert exc.value.problems[0].parameter == "subnet_mask" and "連続" in exc.value.ja


# --- artifacts ------------------------------------------------------------------------------------------------

def test_timeline_png_is_deterministic_and_changes_with_input(snmp):
    png = snmp.file("timeline.png")
    assert png.role == "timeline" and png.encoding == "binary" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert evaluate("ac-snmp", {}).file("timeline.png").content == png.content
    assert evaluate("ac-snmp", {"server_confirm_s": 90}).file("timeline.png").content != png.content
    for pid in AC:
        assert evaluate(pid, {}).file("timeline.png").content == evaluate(pid, {}).file("timeline.png").content


def test_amc_settings_csv(snmp):
    f = snmp.file("amc-settings.csv")
    raw = f.content
    assert raw.count(b"\r\n") == 5 and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("cp932")
    head, *rows = [r.split(",") for r in text.strip().split("\r\n")]
    col = {h: i for i, h in enumerate(head)}
    for h in ("名称", "アドレス", "電源異常確認時間 [Sec]", "電源切断予告時間 [Sec]", "Disk保護時間 [Sec]", "Warm-UP 順位"):
        assert h in col, h
    by = {r[col["名称"]]: r for r in rows}
    assert by["UPS1"][col["電源異常確認時間 [Sec]"]] == "256"      # the control terminal: the computed minimum
    assert by["UPS2"][col["電源異常確認時間 [Sec]"]] == "30"       # L3910
    assert by["UPS3"][col["電源異常確認時間 [Sec]"]] == "60"       # L3889
    assert {r[col["電源切断予告時間 [Sec]"]] for r in rows} == {"300"}   # L3891
    assert {r[col["Disk保護時間 [Sec]"]] for r in rows} == {"60"}       # L3892
    assert by["UPS2"][col["Warm-UP 順位"]] == "1" and by["UPS3"][col["Warm-UP 順位"]] == ""
    assert "リブートする (UPS によるリブート)" in by["UPS2"][col["電源異常回復時"]]
    planned = evaluate("ac-snmp", {"control_confirm_s": 300}).file("amc-settings.csv").text()
    assert "UPS1,172.16.1.7,control_terminal,電源装置,SERVER2,public,300," in planned


def test_amc_settings_without_management_terminal():
    ups = [u for u in guide_example("ac-snmp")["ups"] if u["role"] != "control_terminal"]
    b = evaluate("ac-snmp", {"management_terminal": False, "control_terminals": 2, "ups": ups, "ups_count": 3})
    assert "電源異常回復時にリブートする (制御端末からリブートする)" in b.file("amc-settings.csv").text()
    assert any(e.id == "b-one-disk-report" for e in b.errata)
    assert b.values["control_nodes"] == ["CLUS1", "CLUS2"]
    assert "commands/" in " ".join(f.path for f in b.files)


def _disks(orders):
    base = [u for u in guide_example("ac-snmp")["ups"] if u["role"] != "shared_disk"]
    disks = [{"name": f"DISK{o}", "address": f"172.16.1.{100 + o}", "role": "shared_disk", "feeds": f"disk {o}",
              "battery_runtime_s": 900, "warmup_order": o} for o in orders]
    return base + disks


@pytest.mark.parametrize("mgmt", [True, False])
def test_shared_disk_sequence_one_disk(mgmt):
    given = {} if mgmt else {"management_terminal": False, "control_terminals": 2,
                             "ups": [u for u in guide_example("ac-snmp")["ups"] if u["role"] != "control_terminal"],
                             "ups_count": 3}
    text = evaluate("ac-snmp", given).file("shared-disk-sequence.txt").text()
    steps = [l for l in text.splitlines() if l[:2] in ("1.", "2.", "3.", "4.", "5.", "6.", "7.")]
    if mgmt:   # (A)(1), L4724-4728: fail, shut down, disk back, servers start, recovered
        assert len(steps) == 5 and "Power returns to UPS2" in steps[2] and "starts." in steps[3]
    else:      # (B)(1), L4817-4823: fail, shut down, servers start and wait, disk back, servers reboot, recovered
        assert len(steps) == 6 and "waits" in steps[2] and "Power returns" in steps[3] and "reboot" in steps[4]


@pytest.mark.parametrize("mgmt", [True, False])
def test_shared_disk_sequence_several_disks_by_warmup_order(mgmt):
    ups = _disks([3, 1, 5, 2, 4])
    given = {"ups": ups, "ups_count": len(ups)}
    if not mgmt:
        given.update(management_terminal=False, control_terminals=2,
                     ups=[u for u in ups if u["role"] != "control_terminal"], ups_count=len(ups) - 1)
    text = evaluate("ac-snmp", given).file("shared-disk-sequence.txt").text()
    block = text.split("== DISK3")[1].split("\n== ")[0]
    lines = [l for l in block.splitlines() if l[:1].isdigit()]
    # guide (A)(2) L4738-4745 / (B)(2) L4835-4844: DISK3 fails; 1 and 2 start; 3 returns; 4 and 5 start
    assert "Warm-UP順位: 1、2の順で起動" in line(4741) and "Warm-UP順位: 4、5の順で起動" in line(4743)
    pos = [block.index(s) for s in ("DISK1 (", "DISK2 (", "Power returns to DISK3", "DISK4 (", "DISK5 (")]
    assert pos == sorted(pos)
    assert "DISK1 (Warm-UP 順位 1), DISK2 (Warm-UP 順位 2) start in this order" in block
    assert "powered off too" in block
    assert ("waits" in block) is (not mgmt) and ("reboot every cluster server" in block) is (not mgmt)
    assert len(lines) == (8 if mgmt else 9)
    assert text.count("loses power / ") == 5        # one sequence per shared disk


def test_same_on_every_server_checklist(snmp):
    text = snmp.file("same-on-every-server.txt").text()
    for node in ("CLUS1", "CLUS2"):
        assert f"[ ] {node}: 「通信用IPアドレス」 172.16.1.255   「通信用ポート番号」 4000" in text
    assert "「通信用認識コード」 ESMAcnet" in text and "restart every server" in text
    assert "10101100.00010000.00000001.11111111" in text
    for pid in ("ac-iups", "ac-powerchute-plus", "ac-pcbe"):
        t = evaluate(pid, {"port": 4100}).file("same-on-every-server.txt").text()
        assert "SERVER1" in t and "SERVER2" in t and "172.16.134.255" in t and "4100" in t


def test_copy_commands_for_linked_terminals(snmp):
    bat = next(f for f in snmp.files if f.path.endswith("amc-copy-linked.bat"))
    assert b'copy /Y "%SystemDrive%\\AUTORC\\data\\ac_e_net.ini" "\\\\CLUS1\\ARCDATA\\"\r\n' in bat.content
    assert "ac_e_net. ini" in line(4325)     # the guide's broken form is not emitted (erratum ac-e-net-path)
    assert b"ac_e_net. ini" not in bat.content


# --- knowledge ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pid", AC)
def test_errata_fragments_short_and_on_their_lines(pid):
    import re
    for e in load(pid).errata:
        assert squeeze(e.guide) in squeeze(line(e.line)).replace("¥", "\\") or e.guide in line(e.line), e.id
        if re.search(r"[\u3040-\u30ff\u3400-\u9fff]", e.guide):
            assert len(e.guide) < 25, (e.id, e.guide)


def shown(bundle, monkeypatch) -> list:
    """What the notebook's report displays for a bundle, in order."""
    from ppguide import notebook
    out: list = []
    monkeypatch.setattr(notebook, "display", out.append)
    notebook.report(bundle, "")
    return out


@pytest.mark.parametrize("pid", AC)
def test_every_product_has_its_timeline_and_stopwatch(pid, monkeypatch):
    from IPython.display import Image
    p = load(pid)
    assert [a.kind for a in p.artifacts if a.role == "timeline"].count("timeline") == 1
    assert any(s.id == "measure-cluster-shutdown" for s in p.steps)
    pictures = [o for o in shown(evaluate(pid, guide_example(pid)), monkeypatch) if isinstance(o, Image)]
    assert len(pictures) == 1 and pictures[0].data.startswith(b"\x89PNG\r\n\x1a\n")


def test_timeline_section_only_where_there_is_a_timeline(monkeypatch):
    from IPython.display import Image
    outputs = shown(evaluate("servermanager", guide_example("servermanager")), monkeypatch)
    assert not any(isinstance(o, Image) for o in outputs)
    assert not any("Timelines" in str(o) for o in outputs)


def test_example_cluster_jobs(tmp_path):
    from ppguide.batch import read_inventory, run_all
    inventory = yaml.safe_load((ROOT / "data" / "example-cluster.yaml").read_text(encoding="utf-8"))
    jobs = [j for j in read_inventory(inventory) if j.product in AC]
    assert sorted(j.product for j in jobs) == sorted(AC)
    results = run_all(jobs, tmp_path)
    assert all(r.ok for r in results), [(r.name, r.error_en) for r in results]
    m = json.loads((tmp_path / "ac-snmp" / "manifest.json").read_text(encoding="utf-8"))
    assert m["values"]["control_confirm_min_s"] == 256 and m["values"]["broadcast_address"] == "192.168.10.255"


def test_calculators_page(tmp_path):
    from ppguide.site_calculators import GENERATED, calculators_page
    page = calculators_page(tmp_path)
    text = page.read_text(encoding="utf-8")
    assert page == tmp_path / "calculators.md"
    assert "172.16.134.255" in text and "10101100.00010000.10000110.11111111" in text
    assert "| 766 | cluster-server UPS output stop |" in text and "764 以内" in text
    assert "**256 s**" in text and "(calculators/ac-snmp-timeline.png)" in text
    assert (tmp_path / "calculators" / "ac-snmp-timeline.png").read_bytes() == \
        evaluate("ac-snmp", {}).file("timeline.png").content
    # the narrative above the marker is kept when edited by hand
    page.write_text(text.replace("# Calculators", "# Calculators, edited"), encoding="utf-8")
    again = calculators_page(tmp_path).read_text(encoding="utf-8")
    assert again.startswith("# Calculators, edited") and again.count(GENERATED) == 1


@pytest.mark.parametrize("enterprise,nodes,cluster_name", [(True, ["S1", "S2", "S3", "S4"], True),
                                                           (False, ["S1", "S2"], False),
                                                           (True, ["S1", "S2"], True)])
def test_iups_gui_check_follows_the_guides_two_cases(enterprise, nodes, cluster_name):
    """L3414-3415: 4 nodes with ESMPRO/AC Enterprise -> 「クラスタ名」 and the server list;
    L3417-3418: 2 nodes, ESMPRO/AC only -> no 「クラスタ名」, the other server in 「クラスタ連携サーバ名」."""
    b = evaluate("ac-iups", {"nodes": nodes, "ac_enterprise": enterprise, "public_ip": "192.168.10.1",
                             "subnet_mask": "255.255.255.0",
                             "ups": [{"name": f"U{i}", "role": "cluster_server", "feeds": n, "battery_runtime_s": 900}
                                     for i, n in enumerate(nodes)]})
    step = next(s for s in b.steps if s.id == "gui-connect")
    assert ("「クラスタ名」 appears" in step.title_en) == cluster_name
    assert ("no 「クラスタ名」" in step.title_en) == (not cluster_name)
    assert ("no example of Enterprise on 2 nodes" in step.why_en) == (enterprise and len(nodes) == 2)
