"""The rules of `ppguide audit`, one function each, registered in RULES (the CLI and the site page list them).

A rule reads the parsed files and the products' expectations (`audit.Audit`) and yields findings, each with
the file, the line, the rule's id and severity, a message in English and Japanese, and the guide lines it
rests on. Severities: error (the line will not do what the guide means, or breaks the group), warning (it
differs from what ppguide writes and may matter), info (worth a look, nothing to correct by itself).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .audit import SERVERS, Audit, Cmd, Expected, Finding, RegValue, Script, Walk, paths, program, reg_index
from .errors import as_typed
from .knowledge import Erratum, Product


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title_en: str
    title_ja: str
    en: str                       # what the rule checks and why, for the site page
    ja: str
    guide_lines: tuple[int, ...]
    check: Callable[[Audit], Iterator[Finding]]


RULES: dict[str, Rule] = {}


def rule(id: str, severity: str, title_en: str, title_ja: str, en: str, ja: str, guide_lines: tuple[int, ...] = ()):
    def register(fn):
        RULES[id] = Rule(id, severity, title_en, title_ja, en, ja, tuple(guide_lines), fn)
        return fn
    return register


def run_rules(a: Audit) -> list[Finding]:
    order = {r: i for i, r in enumerate(RULES)}
    found: dict[tuple, Finding] = {}
    for r in RULES.values():
        for f in r.check(a):
            found.setdefault((f.file, f.line, f.rule, f.product, f.erratum, f.en), f)
    return sorted(found.values(), key=lambda f: (f.file, f.line or 0, order[f.rule], f.en))


def _finding(r: str, file: str, line: int | None, en: str, ja: str, guide_lines=(), product=None, erratum=None) -> Finding:
    spec = RULES[r]
    return Finding(file, line, r, spec.severity, en, ja, tuple(guide_lines) or spec.guide_lines, product, erratum)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def norm(text: str) -> str:
    """Text as the audit compares it: NFKC, ¥ read as \\, runs of blanks as one space, case folded."""
    text = unicodedata.normalize("NFKC", text).replace("¥", "\\")
    return re.sub(r"\s+", " ", text).strip().casefold()


def form_pattern(form: str) -> re.Pattern:
    f = norm(form)
    head = r"(?<!\w)" if re.match(r"\w", f) else ""
    tail = r"(?!\w)" if re.search(r"\w$", f) else ""
    return re.compile(head + re.escape(f) + tail)


def norm_command(c: Cmd) -> str:
    """A command without its IF conditions, its program name as cmd finds it (ARMKILL.EXE = armkill)."""
    text = norm(c.command or c.text)
    first, _, rest = text.partition(" ")
    return f"{program(first)} {rest}".strip()


def _svc(c: Cmd) -> str:
    return (c.service or "").casefold()


def _wid(c: Cmd) -> str:
    return (c.watch_id or "").casefold()


def _event_paths(script: Script) -> dict[str, list[Walk]]:
    out: dict[str, list[Walk]] = {}
    for p in paths(script):
        out.setdefault(p.event, []).append(p)
    return out


def _first_label_line(script: Script, event: str) -> int | None:
    for c in script.cmds:
        if c.kind == "goto" and c.conds and c.conds[0].kind == "compare" and "ARMS_EVENT" in c.conds[0].left.upper() \
                and c.conds[0].right.strip('"').upper() == event:
            target = script.labels.get((c.label or "").casefold())
            return script.cmds[target].n if target is not None else c.n
    return None


def _branches(events: list[str], ja: bool = False) -> str:
    return ("・" if ja else " and ").join(dict.fromkeys(events))


def _script_cite(e: Expected) -> tuple[int, ...]:
    s = e.product.script
    return tuple(s.cite) if s is not None else ()


# ---------------------------------------------------------------------------------------------
# errata
# ---------------------------------------------------------------------------------------------

def _forms(e) -> list[str]:
    return list(e.forms) if e.forms is not None else [e.guide]


def _emits(a: Audit, product, e) -> str:
    """What ppguide writes instead of the erratum's form, rendered for the audited facts where it can be."""
    named = {x.product.id: x for x in a.products}
    return named[product.id].errata_emits.get(e.id, e.emits) if product.id in named else e.emits


def _erratum_hits(a: Audit) -> Iterator[tuple[Script, Cmd, Product, Erratum, str]]:
    """Every line holding an erratum's broken form. Several products may record the same slip (ARMBroadcast in
    ServerManager's and Netvisor's samples): a line is reported once per form, by the products the audit names
    first, then by the others in their order."""
    named = {x.product.id for x in a.products}
    seen: set[tuple] = set()
    reported: set[tuple] = set()       # (script, line, form) already reported by an earlier product
    ordered = sorted(a.all_products, key=lambda p: p.id not in named)
    for product in ordered:
        for e in product.errata:
            chosen = _emits(a, product, e)
            for form in _forms(e):
                if not norm(form):
                    continue
                rx = form_pattern(form)
                if rx.search(norm(chosen)):
                    continue     # the user's facts choose this form (an override such as sm_base_service_name)
                for s in a.scripts():
                    for c in s.cmds:
                        if c.kind != "blank" and (s.name, c.n, product.id, e.id) not in seen \
                                and (s.name, c.n, norm(form)) not in reported and rx.search(norm(c.text)):
                            seen.add((s.name, c.n, product.id, e.id))   # one finding a line, whichever form matched
                            reported.add((s.name, c.n, norm(form)))
                            yield s, c, product, e, form


def _erratum_message(product, e, form: str, in_comment: bool, emits: str) -> tuple[str, str]:
    where_en = "A comment holds" if in_comment else "This line holds"
    where_ja = "コメントに" if in_comment else "この行に"
    en = f"{where_en} the guide's form {as_typed(form)} ({product.id} erratum {e.id}); ppguide writes: {emits}. {e.why.en}"
    ja = f"{where_ja}ガイドの記述 {as_typed(form)} があります ({product.id} 正誤 {e.id})。ppguide の記述: {emits}。{e.why.ja}"
    if in_comment:
        en += " Harmless while it stays a comment; correct it before anyone copies it into a command."
        ja += " コメントのままなら無害ですが、コマンドとして写す前に修正してください。"
    return en, ja


@rule("erratum", "error", "A recorded guide error in a command", "コマンド中のガイドの誤り",
      "A command line holds the broken form of an erratum the knowledge records as a guide error or a "
      "transcription loss (`/Yse`, `ARMBICAST`, `ARMBroadcast`, `jmslksv`, `NEC_JMSSDVSF`, footnote marks glued "
      "to service names...). Every product's errata are looked for, whatever products are named; the finding "
      "names the erratum, the guide lines and the form ppguide writes instead.",
      "ナレッジに記録されたガイドの誤記・変換時の欠落 (`/Yse`、`ARMBICAST` など) がコマンド行にあります。")
def erratum_rule(a: Audit):
    for s, c, product, e, form in _erratum_hits(a):
        if c.kind != "comment" and e.kind != "ambiguity":
            en, ja = _erratum_message(product, e, form, False, _emits(a, product, e))
            yield _finding("erratum", s.name, c.n, en, ja, (e.line, *e.also), product.id, e.id)


@rule("erratum-ambiguity", "info", "A form the guide leaves ambiguous", "ガイドの記述があいまいな箇所",
      "A command holds a form where the guide can be read two ways (for example ServerManager's ESMSVNT in the "
      "FAILOVER sample against ESMDSVNT in START). Check it on the node; where the erratum names an override "
      "parameter, give it with -p and the finding goes away.",
      "解釈が分かれる記述 (例: START の ESMDSVNT と FAILOVER の ESMSVNT) です。ノード上で確認してください。")
def erratum_ambiguity_rule(a: Audit):
    for s, c, product, e, form in _erratum_hits(a):
        if c.kind != "comment" and e.kind == "ambiguity":
            en, ja = _erratum_message(product, e, form, False, _emits(a, product, e))
            if e.override:
                en += f" If the node really uses this form, say so with -p {e.override}=..."
                ja += f" 実機がこの形の場合は -p {e.override}=... を指定してください。"
            yield _finding("erratum-ambiguity", s.name, c.n, en, ja, (e.line, *e.also), product.id, e.id)


@rule("erratum-in-comment", "info", "A guide error in a comment", "コメント中のガイドの誤り",
      "A rem line holds a recorded broken form, as the guide's samples do in their commented examples "
      "(`rem (例) ARMBICAST /MSG ...`). cmd.exe does not run it; it is reported so that nobody copies it into a command.",
      "rem 行に誤った記述があります。実行はされませんが、コマンドとして写さないでください。")
def erratum_comment_rule(a: Audit):
    for s, c, product, e, form in _erratum_hits(a):
        if c.kind == "comment":
            en, ja = _erratum_message(product, e, form, True, _emits(a, product, e))
            yield _finding("erratum-in-comment", s.name, c.n, en, ja, (e.line, *e.also), product.id, e.id)


# ---------------------------------------------------------------------------------------------
# structure
# ---------------------------------------------------------------------------------------------

@rule("goto-missing-label", "error", "GOTO without its label", "ラベルのない GOTO",
      "A GOTO (or IF ... GOTO) names a label the file does not define. cmd.exe stops the script there with "
      "'The system cannot find the batch label specified', so nothing after it runs for that event. Labels "
      "are compared as cmd compares them, ignoring case; GOTO :EOF needs no label.",
      "GOTO の飛び先ラベルがファイルにありません。cmd.exe はそこでスクリプトを終了します。",
      (836, 841, 959))
def goto_rule(a: Audit):
    for s in a.scripts():
        for c in s.cmds:
            if c.kind == "goto" and not s.has_label(c.label or ""):
                yield _finding("goto-missing-label", s.name, c.n,
                               f"GOTO {c.label}: no label :{c.label} in {s.name}; cmd.exe ends the script here",
                               f"GOTO {c.label}: {s.name} にラベル :{c.label} がありません。スクリプトはここで終了します")


@rule("pause", "error", "pause in a cluster script", "クラスタスクリプト中の pause",
      "CLUSTERPRO runs start.bat and stop.bat with no one at a console: a `pause` waits for a key forever, so "
      "the group never finishes starting or stopping (and a failover hangs). The guide pauses ARM monitoring with "
      "`armloadc ... /W pause`, a different thing, which this rule does not report.",
      "スクリプトはコンソールなしで実行されるため、pause はキー入力を永久に待ち、グループの起動・停止が完了しません。")
def pause_rule(a: Audit):
    for s in a.scripts():
        for c in s.cmds:
            if c.kind == "pause":
                yield _finding("pause", s.name, c.n, "pause waits for a key nobody presses: the group never finishes",
                               "pause は誰も押さないキー入力を待ち、グループの処理が終わりません")


@rule("branch-mismatch", "error", "START and FAILOVER differ", "START と FAILOVER の不一致",
      "The START (NORMAL) and FAILOVER branches of start.bat must load the same services under the same watch "
      "ids, and those of stop.bat must kill the same watch ids: the group runs the same services whichever way it "
      "came up. A service or watch id found in one branch only is reported at its line.",
      "START と FAILOVER の分岐で起動するサービス・監視 ID (停止側は ARMKILL する監視 ID) は同じでなければなりません。",
      (851, 858, 910, 917, 1012, 1063))
def branch_rule(a: Audit):
    for s in a.scripts():
        by_event = _event_paths(s)
        if "START" not in by_event or "FAILOVER" not in by_event:
            continue
        kind = "load" if s.role == "start" else "kill"
        odd: dict[tuple[str, str, Cmd], list[str]] = {}     # (event, other event, line) -> ARMS_SERVER sides
        for server in SERVERS:
            sets = {}
            for ev in ("START", "FAILOVER"):
                cmds = [c for p in by_event[ev] if p.server == server for c in p.cmds if c.kind == kind]
                sets[ev] = {((_wid(c), _svc(c)) if kind == "load" else _wid(c)): c for c in cmds}
            for ev, other in (("START", "FAILOVER"), ("FAILOVER", "START")):
                for key, c in sets[ev].items():
                    if key not in sets[other]:
                        odd.setdefault((ev, other, c), []).append(server)
        for (ev, other, c), servers in odd.items():
            what = f"{c.watch_id} {c.service}" if kind == "load" else c.watch_id
            verb_en = "loads" if kind == "load" else "kills"
            side = "" if len(servers) == len(SERVERS) else f" (ARMS_SERVER {servers[0]})"
            yield _finding("branch-mismatch", s.name, c.n, f"the {ev} branch {verb_en} {what}, the {other} branch does not{side}",
                           f"{ev} 分岐の {what} が {other} 分岐にありません{side}")


@rule("load-without-kill", "error", "ARMLOAD without its ARMKILL", "ARMKILL のない ARMLOAD",
      "Every watch id start.bat ARMLOADs must be ARMKILLed in stop.bat on each of its branches (START and "
      "FAILOVER) on the same side of ARMS_SERVER (highest-priority server or not) it was loaded on. A watch id left running keeps its service under ARM monitoring "
      "(/M: the node shuts down when the service stops) after the group has gone.",
      "start.bat で ARMLOAD した監視 ID は、stop.bat の各分岐で ARMKILL してください。",
      (1029, 1031, 1080, 1082))
def load_without_kill(a: Audit):
    if a.start is None or a.stop is None:
        return
    # A node is the highest-priority server or not whatever the event, so what start.bat loads on one side of
    # ARMS_SERVER (any event) must be killed by every branch of stop.bat on that side.
    loads: dict[str, Cmd] = {}
    sides: dict[str, set[str]] = {}
    for p in paths(a.start):
        for c in p.loads:
            loads.setdefault(_wid(c), c)
            sides.setdefault(_wid(c), set()).add(p.server)
    stop_paths = paths(a.stop)
    for wid, c in loads.items():
        missing = [p.where for p in stop_paths if p.server in sides[wid] and wid not in {_wid(k) for k in p.kills}]
        if missing:
            yield _finding("load-without-kill", a.start.name, c.n,
                           f"watch id {c.watch_id} is loaded but {a.stop.name} does not ARMKILL it on: {'; '.join(missing)}",
                           f"監視 ID {c.watch_id} を {a.stop.name} で ARMKILL していない分岐があります: {'; '.join(missing)}")


@rule("kill-without-load", "error", "ARMKILL without its ARMLOAD", "ARMLOAD のない ARMKILL",
      "stop.bat ARMKILLs a watch id start.bat never ARMLOADs: usually a typo of the watch id (the guide's "
      "NEC_JMSSDVSF for NEC_JMSSDVSV), which leaves the real one running.",
      "start.bat で ARMLOAD していない監視 ID を ARMKILL しています (監視 ID の誤記の可能性)。",
      (1029, 1031, 1080, 1082))
def kill_without_load(a: Audit):
    if a.start is None or a.stop is None:
        return
    loaded = {_wid(c) for c in a.start.cmds if c.kind == "load"}
    for c in a.stop.cmds:
        if c.kind == "kill" and _wid(c) not in loaded:
            yield _finding("kill-without-load", a.stop.name, c.n,
                           f"ARMKILL {c.watch_id}: {a.start.name} never ARMLOADs this watch id",
                           f"ARMKILL {c.watch_id}: {a.start.name} にこの監視 ID の ARMLOAD がありません")


@rule("duplicate-load", "error", "A service loaded twice", "サービスの二重起動",
      "One branch of start.bat ARMLOADs the same service, or the same watch id, twice (typically when two "
      "products' lines were pasted into one failover group). The second ARMLOAD fails or watches a service "
      "twice; ppguide merges a group's services by service name.",
      "同じ分岐で同じサービス (または監視 ID) を 2 回 ARMLOAD しています。", (715, 759))
def duplicate_load(a: Audit):
    if a.start is None:
        return
    for p in paths(a.start):
        seen_s: dict[str, Cmd] = {}
        seen_w: dict[str, Cmd] = {}
        for c in p.loads:
            first = seen_s.get(_svc(c)) or seen_w.get(_wid(c))
            if first is not None and first.n != c.n:
                yield _finding("duplicate-load", a.start.name, c.n,
                               f"{c.service} ({c.watch_id}) is already loaded at line {first.n} on the {p.where} branch",
                               f"{c.service} ({c.watch_id}) は {first.n} 行で起動済みです ({p.where})")
            seen_s.setdefault(_svc(c), c)
            seen_w.setdefault(_wid(c), c)


# ---------------------------------------------------------------------------------------------
# content, per product named
# ---------------------------------------------------------------------------------------------

def _expected_loads(e: Expected, event: str) -> list[Cmd]:
    if e.start is None:
        return []
    out: list[Cmd] = []
    for p in paths(e.start):
        if p.event == event:
            out += [c for c in p.loads if _svc(c) not in {_svc(x) for x in out}]
    return out


def _user_loads(a: Audit, event: str) -> list[Cmd]:
    out: list[Cmd] = []
    if a.start is None:
        return out
    for p in paths(a.start):
        if p.event == event:
            out += [c for c in p.loads if c not in out]
    return out


@rule("service-missing", "error", "A product's service is not started", "製品のサービスの起動がない",
      "For each product named, start.bat must ARMLOAD every service ppguide starts for the given facts (the "
      "guide's example facts, overridden by -p), in the START and the FAILOVER branch. Option-dependent services "
      "follow the parameters: give -p receive_dmi_alerts=false and ServerManager no longer expects Dmi Event Watcher.",
      "指定した製品について、条件に応じて起動すべきサービスの ARMLOAD が START または FAILOVER 分岐にありません。")
def service_missing(a: Audit):
    if a.start is None:
        return
    for e in a.products:
        missing: dict[str, tuple[Cmd, list[str]]] = {}
        for ev in ("START", "FAILOVER"):
            have = {_svc(c) for c in _user_loads(a, ev)}
            for c in _expected_loads(e, ev):
                if _svc(c) not in have:
                    missing.setdefault(_svc(c), (c, []))[1].append(ev)
        for c, events in missing.values():
            line = _first_label_line(a.start, events[0])
            yield _finding("service-missing", a.start.name, line,
                           f"{e.product.id}: no {c.text.strip()} in the {_branches(events)} branch{'es' if len(set(events)) > 1 else ''}",
                           f"{e.product.id}: {_branches(events, True)} 分岐に {c.text.strip()} がありません",
                           _script_cite(e), e.product.id)


@rule("service-extra", "warning", "A service the facts do not call for", "条件上不要なサービス",
      "start.bat loads a service of a product named that ppguide does not start for the given facts (an "
      "option not installed, a different scenario or release). If the option is in fact installed, give it with -p.",
      "指定した条件では起動しない製品のサービスを ARMLOAD しています。オプションが導入済みなら -p で指定してください。")
def service_extra(a: Audit):
    if a.start is None:
        return
    for e in a.products:
        known = {s.name.casefold() for s in e.product.services}
        for ev in ("START", "FAILOVER"):
            want = {_svc(c) for c in _expected_loads(e, ev)}
            for c in _user_loads(a, ev):
                if _svc(c) in known and _svc(c) not in want:
                    yield _finding("service-extra", a.start.name, c.n,
                                   f"{e.product.id}: {c.service} is not started for these facts",
                                   f"{e.product.id}: この条件では {c.service} は起動しません", _script_cite(e), e.product.id)


@rule("watch-id-differs", "warning", "A service under another watch id", "監視 ID の相違",
      "A product's service is loaded under a watch id other than the one the guide and ppguide use. It runs, "
      "but stop.bat, armloadc and the guide's procedures refer to the guide's watch id.",
      "サービスがガイドと異なる監視 ID で ARMLOAD されています。")
def watch_id_differs(a: Audit):
    if a.start is None:
        return
    for e in a.products:
        for ev in ("START", "FAILOVER"):
            want = {_svc(c): c for c in _expected_loads(e, ev)}
            for c in _user_loads(a, ev):
                w = want.get(_svc(c))
                if w is not None and _wid(w) != _wid(c):
                    yield _finding("watch-id-differs", a.start.name, c.n,
                                   f"{e.product.id}: {c.service} is loaded as {c.watch_id}; ppguide uses {w.watch_id}",
                                   f"{e.product.id}: {c.service} の監視 ID が {c.watch_id} です (ppguide は {w.watch_id})",
                                   _script_cite(e), e.product.id)


def _out_of_order(have: list[Cmd], order: list[str], key) -> Cmd | None:
    rank = {k: i for i, k in enumerate(order)}
    seq = [c for c in have if key(c) in rank]
    best = -1
    for c in seq:
        r = rank[key(c)]
        if r < best:
            return c
        best = r
    return None


@rule("service-order", "warning", "Services started out of order", "サービスの起動順序",
      "A product's services are loaded in another order than the knowledge gives (ServerManager: ESM Base "
      "Service first, guide lines 721-728; FileTransfer before DeliveryManager). Other products' lines in between "
      "do not matter; only the order among the product's own services does.",
      "製品のサービスの起動順序がナレッジ (ガイド) と異なります。")
def service_order(a: Audit):
    if a.start is None:
        return
    for e in a.products:
        for p in paths(a.start):
            if p.event not in ("START", "FAILOVER"):
                continue
            want = _expected_loads(e, p.event)
            bad = _out_of_order(p.loads, [_svc(c) for c in want], _svc)
            if bad is not None:
                yield _finding("service-order", a.start.name, bad.n,
                               f"{e.product.id}: {bad.service} is started after a service it must precede ({p.where}); "
                               f"order: {', '.join(c.service or '' for c in want)}",
                               f"{e.product.id}: {bad.service} の起動順序が違います ({p.where})", _script_cite(e), e.product.id)


@rule("kill-order", "warning", "Kills not in the product's stop order", "停止順序",
      "stop.bat ARMKILLs a product's services in another order than the product's stop order (the reverse of its "
      "start order: ServerManager stops ESM Base Service last, guide lines 736-745).",
      "製品のサービスの ARMKILL の順序が停止順序と異なります。", (736, 745))
def kill_order(a: Audit):
    if a.start is None or a.stop is None:
        return
    wid_to_svc = {_wid(c): _svc(c) for c in a.start.cmds if c.kind == "load"}
    for e in a.products:
        if e.stop is None:
            continue
        exp_w2s = {_wid(c): _svc(c) for c in (e.start.cmds if e.start else []) if c.kind == "load"}
        for p_exp in paths(e.stop):
            order = [exp_w2s.get(_wid(c), _wid(c)) for c in p_exp.kills]
            for p in paths(a.stop):
                if (p.event, p.server) != (p_exp.event, p_exp.server):
                    continue
                bad = _out_of_order(p.kills, order, lambda c: wid_to_svc.get(_wid(c), _wid(c)))
                if bad is not None:
                    yield _finding("kill-order", a.stop.name, bad.n,
                                   f"{e.product.id}: ARMKILL {bad.watch_id} comes before a kill it must follow ({p.where}); "
                                   f"stop order: {', '.join(c.watch_id or '' for c in p_exp.kills)}",
                                   f"{e.product.id}: ARMKILL {bad.watch_id} の順序が違います ({p.where})",
                                   (*RULES['kill-order'].guide_lines, *_script_cite(e)), e.product.id)


def _wrap_services(e: Expected) -> set[str]:
    """The services the product stops before its ARMKILLs and starts after them (script.stop_wrap), casefolded.
    Other net lines of a stop path are the product's own lines (ClientManager's net stop of CMURELAY, L6159)."""
    script = e.ctx.get("script")
    return {w.display.casefold() for w in script.wraps} if script is not None else set()


def _is_wrap(e: Expected, role: str, p, c: Cmd) -> bool:
    return role == "stop" and bool(p.kills) and c.kind == "net" and _svc(c) in _wrap_services(e)


def _needed(e: Expected, role: str) -> dict[str, list[tuple[str, Cmd]]]:
    """event -> (normalised command, line) the product's emitted script runs there, besides ARMLOAD/ARMKILL and
    the NET stop/start around the kills (net-wrap's)."""
    script = e.start if role == "start" else e.stop
    out: dict[str, list[tuple[str, Cmd]]] = {}
    if script is None:
        return out
    for p in paths(script):
        for c in p.cmds:
            needed = (c.kind == "other" and program((c.command or " ").split()[0]) != "armbcast") or \
                (c.kind == "net" and not _is_wrap(e, role, p, c))
            if needed:
                key = norm_command(c)
                if key not in [k for k, _ in out.get(p.event, [])]:
                    out.setdefault(p.event, []).append((key, c))
    return out


@rule("line-missing", "warning", "A line the product needs is absent", "製品に必要な行がない",
      "Besides ARMLOAD and ARMKILL, a product's branch runs further commands (JMSS: armnsadd/armnsdel of the "
      "jmsout share, jmsslksv -normal/-failover, armlog, and net start/stop before RL1999/09; DeliveryManager: "
      "armwsset /p). A command ppguide writes "
      "for the given facts and the branch does not run is reported, compared without case, blanks or .EXE.",
      "ARMLOAD/ARMKILL 以外に製品が必要とするコマンド (armnsadd、jmsslksv、armwsset など) が分岐にありません。")
def line_missing(a: Audit):
    for e in a.products:
        for role, script in (("start", a.start), ("stop", a.stop)):
            if script is None:
                continue
            have: dict[str, set[str]] = {}
            for p in paths(script):
                have.setdefault(p.event, set()).update(norm_command(c) for c in p.cmds)
            missing: dict[str, list[str]] = {}
            for ev, needed in _needed(e, role).items():
                for key, c in needed:
                    if key not in have.get(ev, set()):
                        missing.setdefault(c.command.strip(), []).append(ev)
            for text, events in missing.items():
                yield _finding("line-missing", script.name, _first_label_line(script, events[0]),
                               f"{e.product.id}: the {_branches(events)} branch{'es do' if len(set(events)) > 1 else ' does'} not run: {text}",
                               f"{e.product.id}: {_branches(events, True)} 分岐に次の行がありません: {text}",
                               _script_cite(e), e.product.id)


@rule("net-wrap", "error", "NET stop/start around the kills", "ARMKILL 前後の NET stop/start",
      "Some products need other services stopped before their ARMKILLs and started again after them "
      "(ServerManager: Express PC Report, Alert Manager Main Service, CLUSTERPRO Manager, depending on what is "
      "installed; guide lines 751-757 and 1009-1022). A missing `net stop`/`net start`, or one on the wrong side "
      "of the kills, is reported.",
      "ARMKILL の前に net stop、後に net start が必要なサービスの記述がない、または位置が違います。",
      (751, 757, 1009, 1022))
def net_wrap(a: Audit):
    if a.stop is None:
        return
    for e in a.products:
        if e.stop is None:
            continue
        own = {_wid(c) for c in e.stop.cmds if c.kind == "kill"}
        for p_exp in paths(e.stop):
            wraps = [c for c in p_exp.cmds if _is_wrap(e, "stop", p_exp, c)]
            for p in paths(a.stop):
                if (p.event, p.server) != (p_exp.event, p_exp.server):
                    continue
                kills = [i for i, c in enumerate(p.cmds) if c.kind == "kill" and _wid(c) in own]
                for w in wraps:
                    at = [i for i, c in enumerate(p.cmds)
                          if c.kind == "net" and c.net_action == w.net_action and _svc(c) == _svc(w)]
                    line = _first_label_line(a.stop, p.event)
                    if not at:
                        yield _finding("net-wrap", a.stop.name, line,
                                       f"{e.product.id}: no net {w.net_action} \"{w.service}\" {'before' if w.net_action == 'stop' else 'after'} the ARMKILLs ({p.where})",
                                       f"{e.product.id}: ARMKILL の{'前' if w.net_action == 'stop' else '後'}に net {w.net_action} \"{w.service}\" がありません ({p.where})",
                                       (*RULES['net-wrap'].guide_lines, *_script_cite(e)), e.product.id)
                    elif kills and ((w.net_action == "stop" and at[0] > kills[0]) or
                                    (w.net_action == "start" and at[-1] < kills[-1])):
                        c = p.cmds[at[0] if w.net_action == "stop" else at[-1]]
                        yield _finding("net-wrap", a.stop.name, c.n,
                                       f"{e.product.id}: net {w.net_action} \"{w.service}\" must come {'before the first' if w.net_action == 'stop' else 'after the last'} ARMKILL ({p.where})",
                                       f"{e.product.id}: net {w.net_action} \"{w.service}\" は ARMKILL の{'前' if w.net_action == 'stop' else '後'}に置いてください ({p.where})",
                                       (*RULES['net-wrap'].guide_lines, *_script_cite(e)), e.product.id)


# ---------------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------------

def _same(x: RegValue, y: RegValue) -> bool:
    if x.type != y.type:
        return False
    if isinstance(x.data, str) and isinstance(y.data, str):
        return x.data.casefold() == y.data.casefold()      # paths: Windows ignores case
    return x.data == y.data


def _reg_cite(e: Expected, want: RegValue) -> tuple[int, ...]:
    for group in e.product.registry.values():
        for v in group.values:
            if f"{group.root}\\{v.key}".casefold() == want.key.casefold() and str(v.name).casefold() == want.name.casefold():
                return (v.cite,)
    return ()


def _shown(v: RegValue) -> str:
    return f"{v.type}:{as_typed(v.data)}" if v.type != "sz" else as_typed(v.data)


@rule("reg-differs", "error", "A registry value differs", "レジストリ値の相違",
      "With --reg, each value the product's .reg would set is looked up in the exports (UTF-16LE version 5 or "
      "REGEDIT4 CP932). A value whose data or type differs is reported at its line; strings are compared "
      "ignoring case, as Windows compares paths.",
      "製品の .reg が設定する値とエクスポートの値 (データまたは型) が異なります。")
def reg_differs(a: Audit):
    for e in a.products:
        for name, values in a.regs:
            have = reg_index(values)
            for want in e.registry:
                got = have.get((want.key.casefold(), want.name.casefold()))
                if got is not None and not _same(got, want):
                    yield _finding("reg-differs", name, got.line,
                                   f"{e.product.id}: [{want.key}] \"{want.name}\" is {_shown(got)}; the product's .reg sets {_shown(want)}",
                                   f"{e.product.id}: [{want.key}] \"{want.name}\" は {_shown(got)}、製品の .reg では {_shown(want)}",
                                   _reg_cite(e, want), e.product.id)


@rule("reg-missing", "warning", "A registry value is absent", "レジストリ値がない",
      "An export holds the key but not a value the product's .reg sets under it. A key that none of the exports "
      "holds is not reported: an export is usually of one key only.",
      "エクスポートにキーはありますが、製品の .reg が設定する値がありません。")
def reg_missing(a: Audit):
    if not a.regs:
        return
    keys = {v.key.casefold(): (name, v.line) for name, values in reversed(a.regs) for v in values if v.type == "key"}
    have = {k for _, values in a.regs for k in reg_index(values)}
    for e in a.products:
        for want in e.registry:
            if want.key.casefold() in keys and (want.key.casefold(), want.name.casefold()) not in have:
                file, line = keys[want.key.casefold()]
                yield _finding("reg-missing", file, line,
                               f"{e.product.id}: [{want.key}] has no value \"{want.name}\" (the product's .reg sets {_shown(want)})",
                               f"{e.product.id}: [{want.key}] に値 \"{want.name}\" がありません ({_shown(want)})",
                               _reg_cite(e, want), e.product.id)


def rule_table() -> list[dict[str, Any]]:
    """The rules as rows (id, severity, title, explanation, guide lines) for the CLI and the site."""
    return [{"id": r.id, "severity": r.severity, "title_en": r.title_en, "title_ja": r.title_ja,
             "en": r.en, "ja": r.ja, "guide_lines": list(r.guide_lines)} for r in RULES.values()]
