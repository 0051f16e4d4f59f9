"""Power-failure timing budget for the ESMPRO/AC UPS chapters (guide §1.6-§1.9).

Two models, both pure arithmetic over seconds:

* :func:`compute_budget` is the rule of §1.7.7 (5) (guide L4857-5013): when the
  cluster servers and the shared disk sit on different SNMP-managed UPSs, the
  control terminal's own 「電源異常確認時間」 (power-failure confirmation time,
  ``x``) must be long enough for the control terminal to see the failure of a
  linked UPS, drive the cluster shutdown, instruct the OS shutdown and send
  every UPS its AC-output cut instruction before it starts shutting itself
  down::

      x >= linked confirmation + 8 s polling + cluster-shutdown timeout
           + 60 s OS-shutdown instruction + UPS count x 2 s

  The guide walks through two cases (L4911 and L4965): case A, everything
  fails at once or the shared disk's UPS fails first (the linked confirmation
  time is the shared-disk UPS's), and case B, only the cluster servers' UPS
  fails (the cluster-server UPS's).  Both timelines and the governing minimum
  (the larger case, which L4909 recommends) are returned.

* :func:`compute_server_budget` is the single-server sequence of the other
  chapters (§1.6.5, §1.8.4, §1.9.4): each server's own AC confirms the power
  failure (①), runs the cluster shutdown for at most the timeout (②), shuts
  the OS down and has its UPS stop after the power-off delay (③); the battery
  must last the whole of it (④).  The figure that defines ①-④ is lost from the
  guide's text; ④ = ① + ② + ③ is ppguide's reading, recorded as such in the
  products' errata.

All times are seconds after the power failure and are upper bounds, as in
the guide.  The numbers of the rule (8 s, 60 s, 2 s per UPS, about 2 min)
are defaults here; the product knowledge passes them explicitly, each cited
to its guide line.  Bad input raises :class:`ppguide.errors.ParameterError`
naming the parameter(s), the value given and what is expected, in English and
Japanese.  The module writes no files.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ParameterError, Problem, as_typed

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# --- defaults of the rule, each with the guide line it comes from ---------------
POLLING_MAX_S = 8                 # maximum polling interval of the control terminal
OS_SHUTDOWN_INSTRUCTION_S = 60    # internal processing to instruct the OS shutdown
PER_UPS_CUT_S = 2                 # per UPS, to send the AC-output cut to its SNMP card
CASE_A_SERVER_UPS_EXTRA_S = 120   # "about 2 minutes" added to the cluster UPS stop in case A
CLUSTERPRO_INITIAL_SHUTDOWN_S = 120  # cluster shutdown needs about 2 minutes after install
PCP_POWER_OFF_DELAY_CHOICES_S = (20, 180, 300, 600)  # PowerChute plus UPS-off wait choices

# --- event names --------------------------------------------------------------
EV_CONFIRM = ("confirmation window end", "電源異常の確認完了(最大)")
EV_CLUSTER_END = ("cluster shutdown end", "クラスタシャットダウン終了またはタイムアウト")
EV_OS_INSTRUCTION = ("OS shutdown instruction", "OSシャットダウン指示")
EV_CUT_INSTRUCTION = ("AC output cut instruction", "AC出力切断指示")
EV_OS_COMPLETE = ("OS shutdown complete", "OSシャットダウン完了")
EV_DISK_UPS_STOP = ("shared-disk UPS output stop", "共有ディスク用UPSの出力停止")
EV_SERVER_UPS_STOP = ("cluster-server UPS output stop", "クラスタサーバ用UPSの出力停止")
# single-server model (§1.6, §1.8, §1.9)
EV_SHUTDOWN_START = ("power failure confirmed, cluster shutdown starts", "電源異常の確認、クラスタシャットダウン開始")
EV_OS_START = ("OS shutdown start", "OSシャットダウン開始")
EV_UPS_STOP = ("UPS output stop", "UPSの出力停止")

UPS_ROLES = ("shared_disk", "cluster_server", "control_terminal")


@dataclass(frozen=True)
class Event:
    name_en: str
    name_ja: str
    t_s: int


@dataclass(frozen=True)
class Timeline:
    """One case; ``events`` are in time order."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Budget:
    """Result of :func:`compute_budget` (the §1.7.7 (5) model)."""

    params: dict[str, int]
    control_confirm_min_s: int
    case_a_min_s: int
    case_b_min_s: int
    governing_case: str
    case_a: Timeline
    case_b: Timeline
    control_confirm_s: int | None = None
    warnings: list[str] = field(default_factory=list)
    rule: dict[str, int] = field(default_factory=dict)

    kind = "control-terminal"

    @property
    def timelines(self) -> list[Timeline]:
        return [self.case_a, self.case_b]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :func:`from_dict` turns it back into a Budget."""
        return {"kind": self.kind, "params": dict(self.params), "rule": dict(self.rule),
                "control_confirm_s": self.control_confirm_s,
                "control_confirm_min_s": self.control_confirm_min_s,
                "case_a_min_s": self.case_a_min_s, "case_b_min_s": self.case_b_min_s,
                "governing_case": self.governing_case,
                "timelines": [t.to_dict() for t in self.timelines]}


@dataclass(frozen=True)
class ServerBudget:
    """Result of :func:`compute_server_budget` (the §1.6/§1.8/§1.9 model)."""

    params: dict[str, int]
    total_s: int
    timeline: Timeline
    names: tuple[str, ...] = ("server_confirm_s", "cluster_shutdown_timeout_s", "power_off_delay_s")
    kind = "server"

    @property
    def timelines(self) -> list[Timeline]:
        return [self.timeline]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": dict(self.params), "names": list(self.names),
                "total_s": self.total_s, "timelines": [self.timeline.to_dict()]}


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
    role: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _bad(params: str, given: object, en: str, ja: str) -> ParameterError:
    """A refusal naming ``params`` (several joined with '+', as the engine does)."""
    return ParameterError([Problem(params, given, en, ja)])


def _int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _bad(name, value, f"a whole number of seconds >= {minimum}", f"{minimum} 以上の整数 (秒)")
    return value


def _timeline(case: str, confirm: int, p: dict[str, int], r: dict[str, int]) -> Timeline:
    window_end = confirm + r["polling_s"]
    cluster_end = window_end + p["cluster_shutdown_timeout_s"]
    os_instr = cluster_end + r["os_instruction_s"]
    cut = os_instr + p["ups_count"] * r["per_ups_cut_s"]
    os_done = cut + p["power_off_delay_s"]
    events = [Event(*EV_CONFIRM, window_end), Event(*EV_CLUSTER_END, cluster_end),
              Event(*EV_OS_INSTRUCTION, os_instr), Event(*EV_CUT_INSTRUCTION, cut),
              Event(*EV_OS_COMPLETE, os_done)]
    if case == "A":
        # L4939-4945: the shared-disk UPS stops after its power-off delay; the
        # cluster-server UPS also waits the low-battery runtime and about 2 min.
        events.append(Event(*EV_DISK_UPS_STOP, os_done))
        events.append(Event(*EV_SERVER_UPS_STOP, cut + p["power_off_delay_s"]
                            + p["low_battery_runtime_s"] + r["case_a_extra_s"]))
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
                   low_battery_runtime_s: int, control_confirm_s: int | None = None,
                   polling_s: int = POLLING_MAX_S, os_instruction_s: int = OS_SHUTDOWN_INSTRUCTION_S,
                   per_ups_cut_s: int = PER_UPS_CUT_S, case_a_extra_s: int = CASE_A_SERVER_UPS_EXTRA_S,
                   require_disk_first: bool = True) -> Budget:
    """Evaluate the §1.7.7 (5) rule for both cases and return the timelines.

    ``control_confirm_s`` is the planned control-terminal confirmation time;
    if it is below the governing minimum a warning string is added.  With
    ``require_disk_first`` (the default) a shared-disk confirmation that is not
    shorter than the cluster servers' is refused (guide L4865); the product
    knowledge turns this off and states the rule as its own check.
    """
    p = {
        "ups_count": _int("ups_count", ups_count, 2),
        "disk_confirm_s": _int("disk_confirm_s", disk_confirm_s, 1),
        "server_confirm_s": _int("server_confirm_s", server_confirm_s, 1),
        "cluster_shutdown_timeout_s": _int("cluster_shutdown_timeout_s", cluster_shutdown_timeout_s, 1),
        "power_off_delay_s": _int("power_off_delay_s", power_off_delay_s, 1),
        "low_battery_runtime_s": _int("low_battery_runtime_s", low_battery_runtime_s, 0),
    }
    r = {"polling_s": _int("polling_s", polling_s, 0),
         "os_instruction_s": _int("os_instruction_s", os_instruction_s, 0),
         "per_ups_cut_s": _int("per_ups_cut_s", per_ups_cut_s, 0),
         "case_a_extra_s": _int("case_a_extra_s", case_a_extra_s, 0)}
    if control_confirm_s is not None:
        _int("control_confirm_s", control_confirm_s, 1)
    if require_disk_first and not disk_confirm_s < server_confirm_s:
        raise _bad("disk_confirm_s+server_confirm_s",
                   {"disk_confirm_s": disk_confirm_s, "server_confirm_s": server_confirm_s},
                   "the shared-disk UPS must confirm a power failure before the cluster servers' UPS, "
                   "so disk_confirm_s must be smaller than server_confirm_s (guide L4865; "
                   "recommended 30 s and 60 s)",
                   "共有ディスク側 UPS の「電源異常確認時間」がクラスタサーバ側 UPS より短いこと "
                   "(disk_confirm_s < server_confirm_s、推奨 30 秒と 60 秒)")
    a = _timeline("A", p["disk_confirm_s"], p, r)
    b = _timeline("B", p["server_confirm_s"], p, r)
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
                  a, b, control_confirm_s, warnings, r)


def compute_server_budget(*, confirm_s: int, shutdown_s: int, power_off_delay_s: int,
                          names: Sequence[str] = ("server_confirm_s", "cluster_shutdown_timeout_s",
                                                  "power_off_delay_s")) -> ServerBudget:
    """The single-server sequence: ① confirm, ② cluster shutdown, ③ OS shutdown window.

    ``shutdown_s`` is the longest the cluster shutdown may take before the OS
    shutdown starts (the AC timeout ②, or a longer PCBE command-file period).
    ``names`` are the parameter names a refusal reports, in that order.
    """
    names = tuple(names)
    p = {"confirm_s": _int(names[0], confirm_s, 0),
         "shutdown_s": _int(names[1], shutdown_s, 1),
         "power_off_delay_s": _int(names[2], power_off_delay_s, 1)}
    start = confirm_s
    os_start = start + shutdown_s
    stop = os_start + power_off_delay_s
    events = [Event(*EV_SHUTDOWN_START, start), Event(*EV_CLUSTER_END, os_start),
              Event(*EV_OS_START, os_start), Event(*EV_UPS_STOP, stop)]
    tl = Timeline("S", "Each server: confirm (1), cluster shutdown (2), OS shutdown window (3)",
                  "各サーバ: 電源異常確認(①)、クラスタシャットダウン(②)、OSシャットダウン猶予(③)",
                  start, os_start, events)
    return ServerBudget(p, stop, tl, names)


def from_dict(d: dict[str, Any]) -> Budget | ServerBudget:
    """Rebuild a budget from its :meth:`to_dict` form (recomputed, so always consistent)."""
    if not isinstance(d, dict) or d.get("kind") not in ("control-terminal", "server"):
        raise _bad("budget", d, "a budget made by ups_budget() or server_budget()",
                   "ups_budget() または server_budget() が返す算出結果")
    if d["kind"] == "server":
        return compute_server_budget(**d["params"], names=d.get("names", ServerBudget.names))
    return compute_budget(**d["params"], control_confirm_s=d.get("control_confirm_s"), **d.get("rule", {}),
                          require_disk_first=False)


def _verdict(label: str, role: str, runtime: int, required: int, critical_s: int, case: str,
             what_en: str, what_ja: str, when_en: str, when_ja: str,
             early_en: str = "", early_ja: str = "", late_en: str = "", late_ja: str = "") -> BatteryVerdict:
    short = max(0, required - runtime)
    critical = runtime < critical_s
    if not short:
        en = (f"{label}: safe. Battery runtime {runtime} s covers {required} s "
              f"({what_en}, {when_en}) with {runtime - required} s to spare.")
        ja = (f"{label}: 問題ありません。バッテリー稼働時間 {runtime}秒は {required}秒"
              f"({what_ja}、{when_ja})を {runtime - required}秒の余裕で満たします。")
    else:
        en = (f"{label}: NOT safe, short by {short} s. It must run on battery from the power "
              f"failure until {required} s ({what_en}, {when_en}), but lasts only {runtime} s.")
        ja = (f"{label}: 不足しています({short}秒不足)。停電発生から {required}秒"
              f"({what_ja}、{when_ja})までバッテリーで稼働する必要がありますが、{runtime}秒しか持ちません。")
        en += " " + (early_en if critical else late_en)
        ja += (early_ja if critical else late_ja)
    return BatteryVerdict(label, runtime, required, critical_s, case, not short, short, critical,
                          en.rstrip(), ja, role)


def _control_verdicts(budget: Budget, label: str, role: str, runtime: int) -> BatteryVerdict:
    a, b = budget.case_a, budget.case_b
    if role == "shared_disk":
        os_done = a.at(EV_OS_COMPLETE[0])
        return _verdict(label, role, runtime, a.at(EV_DISK_UPS_STOP[0]), os_done, "A",
                        EV_DISK_UPS_STOP[0], EV_DISK_UPS_STOP[1], "case A", "ケースA",
                        f"It runs out even before the OS shutdown completes at {os_done} s, so the shared disk "
                        f"loses power while the servers are still shutting down: data is at risk.",
                        f"OSシャットダウン完了({os_done}秒)より前に切れるため、サーバのシャットダウン中に共有ディスクの"
                        f"電源が失われ、データが損傷する恐れがあります。")
    if role == "cluster_server":
        tl = max((a, b), key=lambda t: t.at(EV_SERVER_UPS_STOP[0]))
        crit = max((a, b), key=lambda t: t.at(EV_OS_COMPLETE[0]))   # it is on battery in both cases
        os_done = crit.at(EV_OS_COMPLETE[0])
        return _verdict(label, role, runtime, tl.at(EV_SERVER_UPS_STOP[0]), os_done,
                        tl.case, EV_SERVER_UPS_STOP[0], EV_SERVER_UPS_STOP[1], tl.title_en, tl.title_ja,
                        f"It runs out even before the OS shutdown completes (at {os_done} s in case {crit.case}), "
                        f"so power is lost mid-shutdown and data and the OS are at risk.",
                        f"OSシャットダウン完了({os_done}秒)より前に切れるため、シャットダウン処理中に電源が失われ、"
                        f"データやOSが損傷する恐れがあります。",
                        f"The OS shutdown has completed by {os_done} s, so the servers are already off when it runs out; "
                        f"the UPS only misses its own scheduled output stop.",
                        f"OSシャットダウンは {os_done}秒までに完了しているためサーバは停止済みですが、UPS 自身の"
                        f"出力停止予定時刻まで持ちません。")
    # control terminal: it keeps running until its own confirmation time x, then shuts
    # itself down within its own power-off delay (ppguide's reading: the guide does not
    # walk through the control terminal's own shutdown).
    x = max(budget.control_confirm_min_s, budget.control_confirm_s or 0)
    required = x + budget.params["power_off_delay_s"]
    cut_a = a.min_control_confirm_s
    if runtime < cut_a:
        early_en = (f"It runs out even before {cut_a} s, when it must send the AC output cut instructions in a "
                    f"simultaneous failure (case A), so the UPSs would not be told to stop.")
        early_ja = (f"一斉停電時(ケースA)にAC出力切断指示を送るべき {cut_a}秒より前に切れるため、"
                    f"各UPSに出力停止が指示されません。")
    else:
        early_en = (f"It runs out before its own confirmation time {x} s, so the control terminal loses power "
                    f"without shutting down.")
        early_ja = f"自身の電源異常確認時間 {x}秒より前に切れるため、制御端末がシャットダウンせずに電源を失います。"
    return _verdict(label, role, runtime, required, x, budget.governing_case,
                    "its own confirmation time plus its own power-off delay",
                    "自身の電源異常確認時間と電源切断猶予時間", f"x = {x} s", f"x = {x}秒",
                    early_en, early_ja,
                    "It starts its own shutdown in time but runs out within its own power-off delay.",
                    "自身のシャットダウンは開始できますが、電源切断猶予時間の途中で切れます。")


def _server_verdict(budget: ServerBudget, label: str, role: str, runtime: int) -> BatteryVerdict:
    tl = budget.timeline
    os_start = tl.at(EV_OS_START[0])
    return _verdict(label, role, runtime, budget.total_s, os_start, tl.case,
                    "UPS output stop, (1) + (2) + (3): ppguide's reading of (4)", "UPSの出力停止、① + ② + ③ (④ の推定)",
                    "each server", "各サーバ",
                    f"It runs out before the cluster shutdown window ends at {os_start} s: the cluster and the OS "
                    f"lose power mid-shutdown.",
                    f"クラスタシャットダウンの猶予が終わる {os_start}秒より前に切れるため、クラスタと OS が"
                    f"シャットダウン中に電源を失います。",
                    f"It runs out within the OS shutdown window (3) that starts at {os_start} s: the OS may lose "
                    f"power before it has finished shutting down.",
                    f"{os_start}秒から始まる OS シャットダウンの猶予(③)の途中で切れるため、OS のシャットダウン完了前に"
                    f"電源を失う恐れがあります。")


def check_ups_batteries(budget: Budget | ServerBudget, ups: Sequence[dict[str, Any]]) -> list[BatteryVerdict]:
    """One verdict per UPS record (``name``, ``role``, ``battery_runtime_s``), in the given order.

    A record without ``role`` is a cluster-server UPS.  Refusals name the parameter ``ups``.
    """
    if not isinstance(ups, (list, tuple)) or not all(isinstance(u, dict) for u in ups):
        raise _bad("ups", ups, "a list of UPS records with name, role and battery_runtime_s",
                   "name・role・battery_runtime_s を持つ UPS レコードのリスト")
    verdicts = []
    for i, u in enumerate(ups):
        role = u.get("role", "cluster_server")
        if role not in UPS_ROLES:
            raise _bad("ups", ups, f"every role among {', '.join(UPS_ROLES)} (entry {i} has {as_typed(role)})",
                       f"role は {', '.join(UPS_ROLES)} のいずれか (要素 {i} が {as_typed(role)})")
        runtime = u.get("battery_runtime_s")
        if isinstance(runtime, bool) or not isinstance(runtime, int) or runtime < 0:
            raise _bad("ups", ups, f"battery_runtime_s a whole number of seconds >= 0 (entry {i})",
                       f"battery_runtime_s は 0 以上の整数 (秒) (要素 {i})")
        label = str(u.get("name", role))
        if isinstance(budget, ServerBudget):
            verdicts.append(_server_verdict(budget, label, role, runtime))
        else:
            verdicts.append(_control_verdicts(budget, label, role, runtime))
    return verdicts


# --- pictures ---------------------------------------------------------------------------

def plot_timelines(timelines: Sequence[Timeline], title: str, marker_label: str = "minimum control confirmation",
                   window_s: int | None = None) -> Figure:
    """Draw each timeline as a milestone chart, one panel per timeline (no pyplot state, no dates)."""
    # matplotlib is imported here, not with the module: only UPS bundles draw, and the import is slow.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.5 * len(timelines)), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(timelines), 1, sharex=True, squeeze=False)[:, 0]
    t_max = max([ev.t_s for tl in timelines for ev in tl.events] + [1])
    for ax, tl in zip(axes, timelines):
        n = len(tl.events)
        if window_s:
            ax.axvspan(tl.confirm_window_start_s, tl.confirm_window_start_s + window_s,
                       color="0.85", label=f"confirmation window (polling <= {window_s} s)")
        for i, ev in enumerate(tl.events):
            y = n - 1 - i
            ax.hlines(y, 0, ev.t_s, color="0.6", linewidth=1)
            ax.plot([ev.t_s], [y], marker="o", color="C0" if "UPS" not in ev.name_en else "C3")
            ax.annotate(f"{ev.t_s} s", (ev.t_s, y), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.axvline(tl.min_control_confirm_s, color="C2", linestyle="--",
                   label=f"{marker_label} {tl.min_control_confirm_s} s")
        ax.set_yticks(range(n))
        ax.set_yticklabels([ev.name_en for ev in reversed(tl.events)], fontsize=8)
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_xlim(0, t_max * 1.12)
        ax.set_title(tl.title_en, fontsize=10)
        ax.legend(loc="upper right", fontsize=7)
    axes[-1].set_xlabel("seconds after the power failure (upper bounds)")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def plot_timeline(budget: Budget | ServerBudget) -> Figure:
    """Draw the budget's timelines (both cases of §1.7.7 (5), or the single-server sequence)."""
    if isinstance(budget, ServerBudget):
        return plot_timelines(budget.timelines,
                              f"Power-failure shutdown of each server; battery must last (4) = {budget.total_s} s",
                              marker_label="OS shutdown starts at")
    return plot_timelines(budget.timelines,
                          f"Power-failure shutdown timelines; control confirmation >= "
                          f"{budget.control_confirm_min_s} s (case {budget.governing_case})",
                          window_s=budget.rule.get("polling_s", POLLING_MAX_S))


def timeline_png(budget: Budget | ServerBudget | dict[str, Any]) -> bytes:
    """The timeline picture as PNG bytes; same budget, same bytes (no version metadata)."""
    if isinstance(budget, dict):
        budget = from_dict(budget)
    buf = io.BytesIO()
    plot_timeline(budget).savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
