"""Power-failure timing budget for the ESMPRO/AC UPS chapters (guide §1.6-§1.9).

The core is the rule of §1.7.7 (5) (guide L4857-5013): when the cluster
servers and the shared disk sit on different SNMP-managed UPSs, the control
terminal's own 「電源異常確認時間」 (power-failure confirmation time, ``x``) must
be long enough for the control terminal to see the failure of a linked UPS,
drive the cluster shutdown, instruct the OS shutdown and send every UPS its
AC-output cut instruction before it starts shutting itself down::

    x >= linked confirmation + 8 s polling + cluster-shutdown timeout
         + 60 s OS-shutdown instruction + UPS count x 2 s

The guide walks through two cases (L4911 and L4965):

* case A: everything fails at once, or the shared disk's UPS fails first;
  the linked confirmation time is the shared-disk UPS's;
* case B: only the cluster servers' UPS fails; the linked confirmation time
  is the cluster-server UPS's.

:func:`compute_budget` returns both timelines and the governing minimum (the
larger case, which L4909 recommends).  All times are seconds after the power
failure and are upper bounds ("within"), as in the guide.  The module also
holds the §1.8 and §1.9 helper checks, a battery check and a deterministic
timeline plot.  Bad input raises a plain ``ValueError`` naming the
parameter(s), English then Japanese separated by " / ".
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# --- constants, each with the guide line it comes from -----------------------
POLLING_MAX_S = 8                 # maximum polling interval of the control terminal
OS_SHUTDOWN_INSTRUCTION_S = 60    # internal processing to instruct the OS shutdown
PER_UPS_CUT_S = 2                 # per UPS, to send the AC-output cut to its SNMP card
CASE_A_SERVER_UPS_EXTRA_S = 120   # "about 2 minutes" added to the cluster UPS stop in case A
CLUSTERPRO_INITIAL_SHUTDOWN_S = 120  # cluster shutdown needs about 2 minutes after install
PCP_POWER_OFF_DELAY_CHOICES_S = (20, 180, 300, 600)  # PowerChute plus UPS-off wait choices

CITES = {
    "polling_s": 4875,
    "os_shutdown_instruction_s": 4877,
    "per_ups_cut_s": 4878,
    "case_a_server_ups_extra_s": 4941,
    "clusterpro_initial_shutdown_s": 4882,
    "pcp_power_off_delay_choices_s": 5108,
}
"""Guide line of each numeric constant."""

CITE_TEXT = {
    "polling_s": "8秒",
    "os_shutdown_instruction_s": "60秒",
    "per_ups_cut_s": "UPS台数×2秒",
    "case_a_server_ups_extra_s": "約 2 分",
    "clusterpro_initial_shutdown_s": "約2分",
    "pcp_power_off_delay_choices_s": "20 秒、180 秒、300 秒、600 秒",
}
"""The fragment of each ``CITES`` line that carries the number."""

RULE_LINES = {
    "control_confirm_rule": 4871,      # the inequality, written with '>'
    "control_confirm_rule_case_a": 4955,
    "control_confirm_rule_case_b": 5005,
    "disk_before_server": 4865,
    "use_longer_case": 4909,
    "ac_timeout_in_minutes": 3440,
    "pcbe_command_file_ge_timeout": 5628,
    "pcbe_command_file_job_time": 5622,
    "pcbe_os_time_exceeds_measured": 5507,
}
"""Guide lines of the rules (not numbers) that this module enforces."""

GUIDE_EXAMPLE = {
    "ups_count": 4,
    "disk_confirm_s": 30,
    "server_confirm_s": 60,
    "cluster_shutdown_timeout_s": 120,
    "power_off_delay_s": 300,
    "low_battery_runtime_s": 120,
}
"""Parameter values of the worked example of §1.7.7 (5) 【動作例】."""

GUIDE_EXAMPLE_LINES = {
    "ups_count": 4905,                   # four SNMP cards
    "disk_confirm_s": 4900,              # shared-disk UPS confirmation
    "server_confirm_s": 4894,            # cluster-server UPS confirmation
    "cluster_shutdown_timeout_s": 4895,
    "power_off_delay_s": 4896,           # same 300 s on L4890 and L4901
    "low_battery_runtime_s": 4897,       # same 120 s on L4891 and L4902
}

ERRATA = [
    {
        "id": "L4951-cluster-ups-stop",
        "line": 4951,
        "guide": "764 以内",
        "emits": 766,
        "why": (
            "Case A: the AC-output cut instruction goes out at 226 s (L4933: 218 + 4 UPSs x 2 s). "
            "L4941 says the cluster-server UPS stops output 300 s (power-off delay) + 120 s "
            "(low-battery runtime) + about 2 minutes after that instruction: 226 + 300 + 120 + 120 = 766. "
            "L4951 prints 764, 2 s less. 764 would need the instruction at 224 s or 'about 2 minutes' "
            "read as 118 s; the example states neither, and the shared-disk stop at L4947-4949 "
            "(526 = 226 + 300) uses the same 226 s base. The code emits 766."
        ),
    },
    {
        "id": "L4871-strict-inequality",
        "line": 4871,
        "guide": "「電源異常確認時間」 >",
        "emits": ">=",
        "why": (
            "The rule at L4871 is written as a strict '>', while both worked cases restate it with "
            "'≥' (L4955, L5005) and conclude that 226 s / 256 s themselves suffice (L4953, L5003). "
            "The code treats the sum as an inclusive minimum."
        ),
    },
    {
        "id": "L4909-case-label",
        "line": 4909,
        "guide": "より長い(2)",
        "emits": "max(case A, case B)",
        "why": (
            "L4909 recommends basing x on the longer case '(2)', but the cases are labelled A) and B) "
            "(L4911, L4965); B) is the longer one in the example. The code takes the larger case minimum."
        ),
    },
]

# --- event names --------------------------------------------------------------
EV_CONFIRM = ("confirmation window end", "電源異常の確認完了(最大)")
EV_CLUSTER_END = ("cluster shutdown end", "クラスタシャットダウン終了またはタイムアウト")
EV_OS_INSTRUCTION = ("OS shutdown instruction", "OSシャットダウン指示")
EV_CUT_INSTRUCTION = ("AC output cut instruction", "AC出力切断指示")
EV_OS_COMPLETE = ("OS shutdown complete", "OSシャットダウン完了")
EV_DISK_UPS_STOP = ("shared-disk UPS output stop", "共有ディスク用UPSの出力停止")
EV_SERVER_UPS_STOP = ("cluster-server UPS output stop", "クラスタサーバ用UPSの出力停止")

UPS_ROLES = ("shared_disk", "cluster_server", "control_terminal")


@dataclass(frozen=True)
class Event:
    name_en: str
    name_ja: str
    t_s: int


@dataclass(frozen=True)
class Timeline:
    """One case of §1.7.7 (5); ``events`` are in time order."""

    case: str
    title_en: str
    title_ja: str
    confirm_window_start_s: int
    min_control_confirm_s: int
    events: list[Event] = field(default_factory=list)

    def at(self, name_en: str) -> int:
        """Time of the event called ``name_en``."""
        for ev in self.events:
            if ev.name_en == name_en:
                return ev.t_s
        raise KeyError(name_en)


@dataclass(frozen=True)
class Budget:
    """Result of :func:`compute_budget`."""

    params: dict[str, int]
    control_confirm_min_s: int
    case_a_min_s: int
    case_b_min_s: int
    governing_case: str
    case_a: Timeline
    case_b: Timeline
    control_confirm_s: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatteryVerdict:
    """Whether one UPS's battery covers its part of the shutdown."""

    ups: str
    runtime_s: int
    required_s: int
    critical_s: int
    case: str
    safe: bool
    shortfall_s: int
    critical: bool
    message_en: str
    message_ja: str


def _bad(params: str, given: object, en: str, ja: str) -> ValueError:
    return ValueError(f"{params}: got {given!r}; {en} / {params}: 指定値 {given!r}。{ja}")


def _int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _bad(name, value, f"expected a whole number of seconds >= {minimum}",
                   f"{minimum} 以上の整数(秒)を指定してください。")
    return value


def _timeline(case: str, confirm: int, p: dict[str, int]) -> Timeline:
    window_end = confirm + POLLING_MAX_S
    cluster_end = window_end + p["cluster_shutdown_timeout_s"]
    os_instr = cluster_end + OS_SHUTDOWN_INSTRUCTION_S
    cut = os_instr + p["ups_count"] * PER_UPS_CUT_S
    os_done = cut + p["power_off_delay_s"]
    events = [Event(*EV_CONFIRM, window_end), Event(*EV_CLUSTER_END, cluster_end),
              Event(*EV_OS_INSTRUCTION, os_instr), Event(*EV_CUT_INSTRUCTION, cut),
              Event(*EV_OS_COMPLETE, os_done)]
    if case == "A":
        # L4939-4945: the shared-disk UPS stops after its power-off delay; the
        # cluster-server UPS also waits the low-battery runtime and about 2 min.
        events.append(Event(*EV_DISK_UPS_STOP, os_done))
        events.append(Event(*EV_SERVER_UPS_STOP, cut + p["power_off_delay_s"]
                            + p["low_battery_runtime_s"] + CASE_A_SERVER_UPS_EXTRA_S))
        title = ("Case A: shared disk (or everything) fails first",
                 "A) 一斉停電または共有ディスク側UPSの電源異常")
    else:
        # L4995-5001: only the cluster-server UPS is cut, after its power-off delay.
        events.append(Event(*EV_SERVER_UPS_STOP, os_done))
        title = ("Case B: only the cluster servers' UPS fails",
                 "B) クラスタサーバ側UPSのみの電源異常")
    events.sort(key=lambda e: e.t_s)  # stable: keeps definition order on ties
    return Timeline(case, title[0], title[1], confirm, cut, events)


def compute_budget(*, ups_count: int, disk_confirm_s: int, server_confirm_s: int,
                   cluster_shutdown_timeout_s: int, power_off_delay_s: int,
                   low_battery_runtime_s: int, control_confirm_s: int | None = None) -> Budget:
    """Evaluate the §1.7.7 (5) rule for both cases and return the timelines.

    ``control_confirm_s`` is the planned control-terminal confirmation time;
    if it is below the governing minimum a warning string is added.
    """
    p = {
        "ups_count": _int("ups_count", ups_count, 2),
        "disk_confirm_s": _int("disk_confirm_s", disk_confirm_s, 1),
        "server_confirm_s": _int("server_confirm_s", server_confirm_s, 1),
        "cluster_shutdown_timeout_s": _int("cluster_shutdown_timeout_s", cluster_shutdown_timeout_s, 1),
        "power_off_delay_s": _int("power_off_delay_s", power_off_delay_s, 1),
        "low_battery_runtime_s": _int("low_battery_runtime_s", low_battery_runtime_s, 0),
    }
    if control_confirm_s is not None:
        _int("control_confirm_s", control_confirm_s, 1)
    if not disk_confirm_s < server_confirm_s:
        raise _bad("disk_confirm_s, server_confirm_s", (disk_confirm_s, server_confirm_s),
                   "the shared-disk UPS must confirm a power failure before the cluster servers' UPS, "
                   "so disk_confirm_s must be smaller than server_confirm_s (guide L4865; "
                   "recommended 30 s and 60 s)",
                   "共有ディスク側UPSの「電源異常確認時間」はクラスタサーバ側UPSより短くしてください"
                   "(disk_confirm_s < server_confirm_s、推奨 30秒 と 60秒)。")
    a = _timeline("A", p["disk_confirm_s"], p)
    b = _timeline("B", p["server_confirm_s"], p)
    governing = "A" if a.min_control_confirm_s > b.min_control_confirm_s else "B"
    minimum = max(a.min_control_confirm_s, b.min_control_confirm_s)

    warnings: list[str] = []
    if control_confirm_s is not None and control_confirm_s < minimum:
        warnings.append(
            f"control_confirm_s {control_confirm_s} s is {minimum - control_confirm_s} s short of the "
            f"minimum {minimum} s (case {governing}); the control terminal could shut down before it has "
            f"sent the AC output cut instructions."
            f" / control_confirm_s {control_confirm_s}秒は最小値 {minimum}秒(ケース{governing})に "
            f"{minimum - control_confirm_s}秒不足しています。制御端末がAC出力切断指示を送る前に停止する恐れがあります。")
    if p["cluster_shutdown_timeout_s"] < CLUSTERPRO_INITIAL_SHUTDOWN_S:
        warnings.append(
            f"cluster_shutdown_timeout_s {p['cluster_shutdown_timeout_s']} s is below the ~120 s a fresh "
            f"CLUSTERPRO installation needs for a cluster shutdown (guide L4882); measure yours."
            f" / cluster_shutdown_timeout_s {p['cluster_shutdown_timeout_s']}秒は、導入直後のCLUSTERPROが"
            f"クラスタシャットダウンに要する約120秒より短いです。実測してください。")
    if p["cluster_shutdown_timeout_s"] % 60:
        warnings.append(
            f"cluster_shutdown_timeout_s {p['cluster_shutdown_timeout_s']} s is not whole minutes; the "
            f"ESMPRO/AC GUI takes this timeout in minutes (guide L3440)."
            f" / cluster_shutdown_timeout_s {p['cluster_shutdown_timeout_s']}秒は分単位ではありません。"
            f"ESMPRO/AC GUI ではこのタイムアウトを分単位で設定します。")
    return Budget(p, minimum, a.min_control_confirm_s, b.min_control_confirm_s, governing,
                  a, b, control_confirm_s, warnings)


def check_batteries(budget: Budget, battery_runtime_s: dict[str, int]) -> list[BatteryVerdict]:
    """Check each UPS's battery runtime (seconds) against the timelines.

    Keys of ``battery_runtime_s`` are UPS roles: ``shared_disk``,
    ``cluster_server`` and ``control_terminal``.  A UPS is *safe* when its
    battery lasts from the power failure until the latest moment it must
    still deliver power in a case where it is on battery:

    * shared_disk: its output stop in case A (it is on battery only there);
    * cluster_server: its latest output stop over cases A (simultaneous
      failure) and B;
    * control_terminal: the governing minimum confirmation time, or the
      planned ``control_confirm_s`` if larger (it keeps running until then).

    ``critical`` means the battery is gone even before the point that
    matters most: the OS shutdown completing (disk and server UPSs) or the
    AC output cut instruction of case A (control terminal).
    """
    if not isinstance(battery_runtime_s, dict):
        raise _bad("battery_runtime_s", battery_runtime_s, "expected a dict of UPS role -> seconds",
                   "UPSの役割 -> 秒数 の dict を指定してください。")
    unknown = sorted(set(battery_runtime_s) - set(UPS_ROLES))
    if unknown:
        raise _bad("battery_runtime_s", unknown, f"expected keys among {', '.join(UPS_ROLES)}",
                   f"キーは {', '.join(UPS_ROLES)} のいずれかにしてください。")
    a, b = budget.case_a, budget.case_b
    needs = {
        "shared_disk": [(a.at(EV_DISK_UPS_STOP[0]), a.at(EV_OS_COMPLETE[0]), a, EV_DISK_UPS_STOP)],
        "cluster_server": [(t.at(EV_SERVER_UPS_STOP[0]), t.at(EV_OS_COMPLETE[0]), t, EV_SERVER_UPS_STOP)
                           for t in (a, b)],
        "control_terminal": [(max(budget.control_confirm_min_s, budget.control_confirm_s or 0),
                              a.min_control_confirm_s,
                              a if budget.governing_case == "A" else b,
                              ("control terminal keeps running until its confirmation time",
                               "制御端末が自身の電源異常確認時間まで稼働"))],
    }
    verdicts = []
    for role in UPS_ROLES:
        if role not in battery_runtime_s:
            continue
        runtime = _int(f"battery_runtime_s[{role!r}]", battery_runtime_s[role], 0)
        required, critical_s, tl, (what_en, what_ja) = max(needs[role], key=lambda n: n[0])
        short = max(0, required - runtime)
        critical = runtime < critical_s
        if not short:
            en = (f"{role} UPS: safe. Battery runtime {runtime} s covers {required} s "
                  f"({what_en}, case {tl.case}) with {runtime - required} s to spare.")
            ja = (f"{role} UPS: 問題ありません。バッテリー稼働時間 {runtime}秒は {required}秒"
                  f"({what_ja}、ケース{tl.case})を {runtime - required}秒の余裕で満たします。")
        else:
            en = (f"{role} UPS: NOT safe, short by {short} s. It must run on battery from the power "
                  f"failure until {required} s ({what_en}, {tl.title_en}), but lasts only {runtime} s.")
            ja = (f"{role} UPS: 不足しています({short}秒不足)。停電発生から {required}秒"
                  f"({what_ja}、{tl.title_ja})までバッテリーで稼働する必要がありますが、{runtime}秒しか持ちません。")
            if critical and role == "control_terminal":
                en += (f" It runs out even before {critical_s} s, when it must send the AC output cut "
                       f"instructions in a simultaneous failure (case A), so the UPSs would not be told to stop.")
                ja += (f"一斉停電時(ケースA)にAC出力切断指示を送るべき {critical_s}秒より前に切れるため、"
                       f"各UPSに出力停止が指示されません。")
            elif critical:
                en += (f" It runs out even before the OS shutdown completes at {critical_s} s, so power is "
                       f"lost mid-shutdown and data and the OS are at risk.")
                ja += (f"OSシャットダウン完了({critical_s}秒)より前に切れるため、シャットダウン処理中に電源が失われ、"
                       f"データやOSが損傷する恐れがあります。")
        verdicts.append(BatteryVerdict(role, runtime, required, critical_s, tl.case,
                                       not short, short, critical, en, ja))
    return verdicts


def check_pcp_power_off_delay(power_off_delay_s: int) -> int:
    """§1.8: the PowerChute plus UPS-off wait is chosen from 20/180/300/600 s (L5108)."""
    if (isinstance(power_off_delay_s, bool) or not isinstance(power_off_delay_s, int)
            or power_off_delay_s not in PCP_POWER_OFF_DELAY_CHOICES_S):
        raise _bad("power_off_delay_s", power_off_delay_s,
                   "with PowerChute plus (§1.8) expected one of 20, 180, 300, 600 seconds (guide L5108)",
                   "PowerChute plus (1.8章) では 20・180・300・600 秒のいずれかを指定してください。")
    return power_off_delay_s


def check_pcbe_times(*, cluster_shutdown_timeout_s: int, command_file_duration_s: int,
                     os_shutdown_time_s: int, measured_os_shutdown_s: int | Sequence[int],
                     registered_job_s: int | None = None) -> list[str]:
    """§1.9: check the PowerChute Business Edition durations; return warnings.

    * ``command_file_duration_s`` (「コマンドファイル実行所要時間」 / the
      command-file 「期間」) must be >= the AC power-failure cluster-shutdown
      timeout (L5628) and, when a registered job runs at power-failure
      shutdown, cover that job too (L5622; combining both is our reading).
    * ``os_shutdown_time_s`` (「OSのシャットダウンに必要な時間」, the power-off
      delay) must exceed every measured OS shutdown time (L5507).
    """
    timeout = _int("cluster_shutdown_timeout_s", cluster_shutdown_timeout_s, 1)
    duration = _int("command_file_duration_s", command_file_duration_s, 0)
    os_time = _int("os_shutdown_time_s", os_shutdown_time_s, 1)
    measured = [measured_os_shutdown_s] if isinstance(measured_os_shutdown_s, int) else list(measured_os_shutdown_s)
    if not measured:
        raise _bad("measured_os_shutdown_s", measured_os_shutdown_s,
                   "expected at least one measured OS shutdown time in seconds",
                   "OSシャットダウン時間の実測値(秒)を1つ以上指定してください。")
    measured = [_int("measured_os_shutdown_s", m, 1) for m in measured]
    if duration < timeout:
        raise _bad("command_file_duration_s, cluster_shutdown_timeout_s", (duration, timeout),
                   "the PCBE command-file duration must be at least the AC power-failure cluster-shutdown "
                   "timeout (guide L5628)",
                   "PCBE のコマンドファイルの期間は、ESMPRO/AC の「停電時のクラスタシャットダウン」のタイムアウト時間以上にしてください。")
    if registered_job_s is not None and duration < _int("registered_job_s", registered_job_s, 0):
        raise _bad("command_file_duration_s, registered_job_s", (duration, registered_job_s),
                   "the command-file duration must also cover the registered power-failure job (guide L5622)",
                   "コマンドファイルの期間は、電源異常切断時の登録ジョブの所要時間も満たす必要があります。")
    if os_time <= max(measured):
        raise _bad("os_shutdown_time_s, measured_os_shutdown_s", (os_time, max(measured)),
                   "the OS-shutdown time in PCBE must clearly exceed the longest measured OS shutdown, "
                   "or the UPS may cut power mid-shutdown (guide L5507)",
                   "PCBE のOSシャットダウンに必要な時間は、実測したOSシャットダウン時間の最大値を十分に上回る値にしてください。")
    warnings = []
    if len(measured) < 2:
        warnings.append(
            "Only one OS shutdown measurement was given; measure several times on the real server (guide L5507)."
            " / OSシャットダウン時間の実測値が1回分のみです。実機で複数回計測してください。")
    return warnings


def plot_timeline(budget: Budget) -> Figure:
    """Draw both timelines as milestone charts (no pyplot state, no dates)."""
    fig = Figure(figsize=(10, 7), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 1, sharex=True)
    t_max = max(ev.t_s for tl in (budget.case_a, budget.case_b) for ev in tl.events)
    for ax, tl in zip(axes, (budget.case_a, budget.case_b)):
        n = len(tl.events)
        ax.axvspan(tl.confirm_window_start_s, tl.confirm_window_start_s + POLLING_MAX_S,
                   color="0.85", label="confirmation window (polling <= 8 s)")
        for i, ev in enumerate(tl.events):
            y = n - 1 - i
            ax.hlines(y, 0, ev.t_s, color="0.6", linewidth=1)
            ax.plot([ev.t_s], [y], marker="o", color="C0" if "UPS" not in ev.name_en else "C3")
            ax.annotate(f"{ev.t_s} s", (ev.t_s, y), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.axvline(tl.min_control_confirm_s, color="C2", linestyle="--",
                   label=f"minimum control confirmation {tl.min_control_confirm_s} s")
        ax.set_yticks(range(n))
        ax.set_yticklabels([ev.name_en for ev in reversed(tl.events)], fontsize=8)
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlim(0, t_max * 1.12)
        ax.set_title(tl.title_en, fontsize=10)
        ax.legend(loc="upper right", fontsize=7)
    axes[-1].set_xlabel("seconds after the power failure (upper bounds)")
    fig.suptitle(f"Power-failure shutdown timelines; control confirmation >= "
                 f"{budget.control_confirm_min_s} s (case {budget.governing_case})", fontsize=11)
    fig.tight_layout()
    return fig


def save_timeline_png(budget: Budget, path: str | Path) -> Path:
    """Write :func:`plot_timeline` as PNG with stable bytes (no version metadata)."""
    path = Path(path)
    plot_timeline(budget).savefig(path, format="png", metadata={"Software": None})
    return path
