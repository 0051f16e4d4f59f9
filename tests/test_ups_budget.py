"""Golden tests for ppguide.ups_budget against guide §1.7.7 (5) and §1.8/§1.9.

Every expected number below is quoted from the guide with its line number
(``# Lnnnn``); the guide text itself is read to check that the number really
is on that line.
"""
import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from ppguide import ups_budget as ub

GUIDE = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_68f8a06b3ca39699.txt"


@pytest.fixture(scope="module")
def guide_lines() -> list[str]:
    return GUIDE.read_text(encoding="utf-8").splitlines()


def line(guide_lines, n: int) -> str:
    return guide_lines[n - 1]


@pytest.fixture(scope="module")
def example() -> ub.Budget:
    return ub.compute_budget(**ub.GUIDE_EXAMPLE)


# --- the guide's worked example -----------------------------------------------

GOLDEN_A = [  # case A, L4911-4963: (event, seconds, line, text on the line)
    ("confirmation window end", 38, 4917, "30～38"),
    ("cluster shutdown end", 158, 4923, "158 以内"),
    ("OS shutdown instruction", 218, 4925, "218 以内"),
    ("AC output cut instruction", 226, 4933, "226 以内"),
    ("OS shutdown complete", 526, 4947, "526 以内"),
    ("shared-disk UPS output stop", 526, 4947, "526 以内"),   # stated under 526 at L4949
]
GOLDEN_B = [  # case B, L4965-5013
    ("confirmation window end", 68, 4971, "60～68"),
    ("cluster shutdown end", 188, 4977, "188 以内"),
    ("OS shutdown instruction", 248, 4980, "248 以内"),
    ("AC output cut instruction", 256, 4988, "256 以内"),
    ("OS shutdown complete", 556, 4999, "556 以内"),
    ("cluster-server UPS output stop", 556, 4999, "556 以内"),  # stated under 556 at L5001
]


def test_guide_example_values_are_on_their_lines(guide_lines):
    frag = {
        "ups_count": "×4台",                     # L4905
        "disk_confirm_s": ": 30秒",              # L4900
        "server_confirm_s": ": 60秒",            # L4894
        "cluster_shutdown_timeout_s": ":120秒",  # L4895
        "power_off_delay_s": ":300秒",           # L4896
        "low_battery_runtime_s": ":120秒",       # L4897
    }
    assert set(ub.GUIDE_EXAMPLE) == set(ub.GUIDE_EXAMPLE_LINES) == set(frag)
    for key, n in ub.GUIDE_EXAMPLE_LINES.items():
        text = line(guide_lines, n)
        assert frag[key] in text, (key, n, text)
        assert str(ub.GUIDE_EXAMPLE[key]) in frag[key]


@pytest.mark.parametrize("case,golden", [("A", GOLDEN_A), ("B", GOLDEN_B)])
def test_golden_numbers_are_on_their_lines(guide_lines, case, golden):
    for _, _, n, text in golden:
        assert text in line(guide_lines, n), (n, text)


def test_case_a_timeline(example):
    tl = example.case_a
    assert tl.confirm_window_start_s == 30                  # L4917 "30～38"
    for name, t, n, _ in GOLDEN_A:
        assert tl.at(name) == t, (name, n)
    # the cluster-server UPS stop: the guide prints 764 (L4951), its arithmetic gives 766
    assert tl.at("cluster-server UPS output stop") == 226 + 300 + 120 + 120 == 766   # L4933, L4941
    assert [e.name_en for e in tl.events] == [g[0] for g in GOLDEN_A] + ["cluster-server UPS output stop"]
    assert [e.t_s for e in tl.events] == [38, 158, 218, 226, 526, 526, 766]
    assert all(e.name_ja for e in tl.events)


def test_case_b_timeline(example):
    tl = example.case_b
    assert tl.confirm_window_start_s == 60                  # L4971 "60～68"
    for name, t, n, _ in GOLDEN_B:
        assert tl.at(name) == t, (name, n)
    assert [e.t_s for e in tl.events] == [68, 188, 248, 256, 556, 556]
    with pytest.raises(KeyError):
        tl.at("shared-disk UPS output stop")             # case B cuts only the (ク) UPS, L4988


def test_minima_and_governing_case(example, guide_lines):
    assert example.case_a_min_s == 30 + 8 + 120 + 60 + 4 * 2 == 226   # L4953 "226 秒以上"
    assert example.case_b_min_s == 60 + 8 + 120 + 60 + 4 * 2 == 256   # L5003 "256 秒以上"
    assert "226 秒以上" in line(guide_lines, 4953)
    assert "256 秒以上" in line(guide_lines, 5003)
    assert example.control_confirm_min_s == 256            # the longer case, L4909
    assert example.governing_case == "B"
    assert example.warnings == []


def test_erratum_764_vs_766(example, guide_lines):
    (e,) = [e for e in ub.ERRATA if e["line"] == 4951]
    assert e["guide"] in line(guide_lines, 4951)           # L4951 "764 以内"
    assert "764" in e["guide"]
    assert e["emits"] == 766 == example.case_a.at("cluster-server UPS output stop")
    # 226 (L4933) + 300 + 120 (L4941) + about 2 min (L4941) = 766, not 764
    assert 226 + 300 + 120 + 2 * 60 - 764 == 2
    assert "766" in e["why"] and "764" in e["why"]


def test_every_erratum_fragment_is_on_its_line(guide_lines):
    ids = [e["id"] for e in ub.ERRATA]
    assert len(ids) == len(set(ids))
    for e in ub.ERRATA:
        assert e["guide"] in line(guide_lines, e["line"]), e["id"]
        assert e["why"] and "emits" in e


def test_other_values_worked_by_hand():
    b = ub.compute_budget(ups_count=6, disk_confirm_s=20, server_confirm_s=45,
                          cluster_shutdown_timeout_s=180, power_off_delay_s=600, low_battery_runtime_s=60)
    # A: 20+8=28, +180=208, +60=268, +6*2=280, +600=880, cluster UPS 280+600+60+120=1060
    assert [e.t_s for e in b.case_a.events] == [28, 208, 268, 280, 880, 880, 1060]
    # B: 45+8=53, +180=233, +60=293, +12=305, +600=905
    assert [e.t_s for e in b.case_b.events] == [53, 233, 293, 305, 905, 905]
    assert (b.case_a_min_s, b.case_b_min_s, b.control_confirm_min_s) == (280, 305, 305)


# --- rules and parameter checks -------------------------------------------------

@pytest.mark.parametrize("disk,server", [(60, 60), (90, 60)])
def test_disk_must_confirm_before_server(disk, server, guide_lines):
    assert "共有ディスクのUPS < クラスタサーバのUPS" in line(guide_lines, 4865)   # L4865
    kw = dict(ub.GUIDE_EXAMPLE, disk_confirm_s=disk, server_confirm_s=server)
    with pytest.raises(ValueError) as exc:
        ub.compute_budget(**kw)
    msg = str(exc.value)
    assert "disk_confirm_s" in msg and "server_confirm_s" in msg and " / " in msg


@pytest.mark.parametrize("name,value", [
    ("ups_count", 1), ("ups_count", 0), ("ups_count", True), ("ups_count", 2.5), ("ups_count", "4"),
    ("disk_confirm_s", 0), ("cluster_shutdown_timeout_s", -1), ("power_off_delay_s", 0),
    ("low_battery_runtime_s", -5), ("control_confirm_s", 0),
])
def test_bad_parameter_named(name, value):
    with pytest.raises(ValueError) as exc:
        ub.compute_budget(**dict(ub.GUIDE_EXAMPLE, **{name: value}))
    assert str(exc.value).startswith(name)


def test_control_confirm_shortfall_is_a_warning():
    b = ub.compute_budget(**ub.GUIDE_EXAMPLE, control_confirm_s=60)
    assert b.control_confirm_s == 60
    (w,) = b.warnings
    assert "196 s short" in w and "256" in w and "196秒不足" in w     # 256 - 60 = 196
    assert ub.compute_budget(**ub.GUIDE_EXAMPLE, control_confirm_s=256).warnings == []


def test_timeout_warnings(guide_lines):
    assert "約2分" in line(guide_lines, 4882)              # L4882: about 2 min after install
    short = ub.compute_budget(**dict(ub.GUIDE_EXAMPLE, cluster_shutdown_timeout_s=60))
    assert len(short.warnings) == 1 and "L4882" in short.warnings[0]
    odd = ub.compute_budget(**dict(ub.GUIDE_EXAMPLE, cluster_shutdown_timeout_s=150))
    assert len(odd.warnings) == 1 and "minutes" in odd.warnings[0]


# --- batteries --------------------------------------------------------------------

def test_batteries_safe(example):
    v = ub.check_batteries(example, {"cluster_server": 800, "shared_disk": 600, "control_terminal": 300})
    assert [x.ups for x in v] == ["shared_disk", "cluster_server", "control_terminal"]
    assert all(x.safe and x.shortfall_s == 0 and not x.critical for x in v)
    # spare: 600-526=74, 800-766=34, 300-256=44
    assert [x.required_s for x in v] == [526, 766, 256]
    assert "74 s to spare" in v[0].message_en and "safe" in v[0].message_en
    assert "34 s to spare" in v[1].message_en
    assert "44 s to spare" in v[2].message_en
    assert "問題ありません" in v[2].message_ja


def test_batteries_short(example):
    v = {x.ups: x for x in ub.check_batteries(
        example, {"shared_disk": 500, "cluster_server": 700, "control_terminal": 200})}
    d, s, c = v["shared_disk"], v["cluster_server"], v["control_terminal"]
    assert (d.safe, d.shortfall_s, d.critical, d.case) == (False, 526 - 500, True, "A")      # 26 s
    assert "short by 26 s" in d.message_en and "26秒不足" in d.message_ja
    assert "OS shutdown completes at 526 s" in d.message_en
    assert (s.safe, s.shortfall_s, s.critical, s.case) == (False, 766 - 700, False, "A")     # 66 s
    assert "NOT safe, short by 66 s" in s.message_en and "766" in s.message_en
    # the control terminal needs 256 s; 200 s is also below the case A cut instruction at 226 s
    assert (c.safe, c.shortfall_s, c.critical) == (False, 56, True)
    assert "226 s" in c.message_en


def test_battery_control_terminal_follows_planned_confirm():
    b = ub.compute_budget(**ub.GUIDE_EXAMPLE, control_confirm_s=300)
    (c,) = ub.check_batteries(b, {"control_terminal": 280})
    assert (c.required_s, c.shortfall_s, c.critical) == (300, 20, False)


@pytest.mark.parametrize("runtimes", [{"disk": 600}, {"shared_disk": -1}, {"shared_disk": "600"}, [600]])
def test_battery_bad_input(example, runtimes):
    with pytest.raises(ValueError) as exc:
        ub.check_batteries(example, runtimes)
    assert "battery_runtime_s" in str(exc.value)


# --- §1.8 and §1.9 -----------------------------------------------------------------

def test_pcp_power_off_delay(guide_lines):
    assert "20 秒、180 秒、300 秒、600 秒" in line(guide_lines, 5108)   # L5108
    for ok in (20, 180, 300, 600):
        assert ub.check_pcp_power_off_delay(ok) == ok
    for bad in (0, 60, 120, 301, 1200, True, "300", 300.0):
        with pytest.raises(ValueError) as exc:
            ub.check_pcp_power_off_delay(bad)
        assert str(exc.value).startswith("power_off_delay_s")


def pcbe(**kw):
    base = dict(cluster_shutdown_timeout_s=120, command_file_duration_s=120,
                os_shutdown_time_s=300, measured_os_shutdown_s=[150, 170])
    base.update(kw)
    return ub.check_pcbe_times(**base)


def test_pcbe_ok_and_single_measurement_warning():
    assert pcbe() == []                                       # 120 >= 120 (L5628), 300 > 170 (L5507)
    (w,) = pcbe(measured_os_shutdown_s=170)
    assert "L5507" in w


@pytest.mark.parametrize("kw,names", [
    ({"command_file_duration_s": 119}, ("command_file_duration_s", "cluster_shutdown_timeout_s")),
    ({"os_shutdown_time_s": 170}, ("os_shutdown_time_s", "measured_os_shutdown_s")),    # equal is not "exceed"
    ({"os_shutdown_time_s": 160}, ("os_shutdown_time_s", "measured_os_shutdown_s")),
    ({"registered_job_s": 200}, ("command_file_duration_s", "registered_job_s")),
    ({"measured_os_shutdown_s": []}, ("measured_os_shutdown_s",)),
])
def test_pcbe_violations(kw, names):
    with pytest.raises(ValueError) as exc:
        pcbe(**kw)
    for n in names:
        assert n in str(exc.value)


# --- citations ------------------------------------------------------------------------

def test_cites_carry_their_numbers(guide_lines):
    constants = {
        "polling_s": ub.POLLING_MAX_S,
        "os_shutdown_instruction_s": ub.OS_SHUTDOWN_INSTRUCTION_S,
        "per_ups_cut_s": ub.PER_UPS_CUT_S,
        "case_a_server_ups_extra_s": ub.CASE_A_SERVER_UPS_EXTRA_S,
        "clusterpro_initial_shutdown_s": ub.CLUSTERPRO_INITIAL_SHUTDOWN_S,
        "pcp_power_off_delay_choices_s": ub.PCP_POWER_OFF_DELAY_CHOICES_S,
    }
    assert set(ub.CITES) == set(ub.CITE_TEXT) == set(constants)
    assert ub.CITES["polling_s"] == 4875 and ub.CITES["os_shutdown_instruction_s"] == 4877
    assert ub.CITES["per_ups_cut_s"] == 4878
    for name, n in ub.CITES.items():
        text = line(guide_lines, n)
        frag = ub.CITE_TEXT[name]
        assert frag in text, (name, n, text)
        numbers = tuple(int(x) for x in re.findall(r"\d+", frag))
        if "分" in frag:                                   # minutes in the guide, seconds in code
            numbers = tuple(60 * x for x in numbers)
        value = constants[name]
        assert numbers == (value if isinstance(value, tuple) else (value,)), name


def test_rule_lines(guide_lines):
    frags = {
        "control_confirm_rule": "「電源異常確認時間」 >",
        "control_confirm_rule_case_a": "x≥",
        "control_confirm_rule_case_b": "x ≥",
        "disk_before_server": "共有ディスクのUPS < クラスタサーバのUPS",
        "use_longer_case": "より長い(2)",
        "ac_timeout_in_minutes": "2 分",
        "pcbe_command_file_ge_timeout": "タイムアウト時間以上",
        "pcbe_command_file_job_time": "コマンドファイル実行所要時間",
        "pcbe_os_time_exceeds_measured": "十分に超える",
    }
    assert set(frags) == set(ub.RULE_LINES)
    for name, n in ub.RULE_LINES.items():
        assert frags[name] in line(guide_lines, n), (name, n)


# --- plot ---------------------------------------------------------------------------------

def test_plot_timeline(example):
    fig = ub.plot_timeline(example)
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert len(axes) == 2
    labels = [t.get_text() for t in axes[0].get_yticklabels()]
    assert labels == [e.name_en for e in reversed(example.case_a.events)]


def test_png_is_deterministic(example, tmp_path):
    p1 = ub.save_timeline_png(example, tmp_path / "a.png")
    p2 = ub.save_timeline_png(example, tmp_path / "b.png")
    b1, b2 = p1.read_bytes(), p2.read_bytes()
    assert b1[:8] == b"\x89PNG\r\n\x1a\n"
    assert b1 == b2
    assert b"Matplotlib version" not in b1
