"""Read the start.bat, stop.bat and .reg exports a running cluster holds, and say what ppguide would do otherwise.

A cluster script is parsed into lines (labels, GOTO, IF, ARMLOAD, ARMKILL, NET, pause, comments, other
commands) and walked the way cmd.exe would run it for each CLUSTERPRO event: ARMS_EVENT START, FAILOVER or
RECOVER, ARMS_SERVER HOME or OTHER, the switch disk connected. The START/FAILOVER/RECOVER and ARMS_SERVER
branches of the guide's samples and of the scripts ppguide writes share that structure. Conditions the walk
cannot know (ERRORLEVEL, ARMS_FACTOR, COMPUTERNAME) never take a GOTO and let any other command run.

What a product expects comes from what ppguide itself emits for it (the product's bundle for the given facts,
parsed the same way), so the audit depends on the emitted text, not on the script model behind it.
The rules are in `audit_rules`; `audit()` runs them all.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PpguideError, as_typed
from .inputs import InputError, decode

MAX_BYTES = 1 << 20       # a cluster script or registry export larger than this is not one
SEVERITIES = ("error", "warning", "info")


# ---------------------------------------------------------------------------------------------
# findings
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    file: str                     # the file as the user named it
    line: int | None              # 1-based line, None for a finding about the file as a whole
    rule: str
    severity: str                 # error, warning, info
    en: str
    ja: str
    guide_lines: tuple[int, ...] = ()
    product: str | None = None
    erratum: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule": self.rule, "severity": self.severity,
                "en": self.en, "ja": self.ja, "guide_lines": list(self.guide_lines),
                "product": self.product, "erratum": self.erratum}


# ---------------------------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------------------------

def read_text(path: str | Path, what_en: str, what_ja: str) -> str:
    """A file's text as Windows saves it (UTF-8, UTF-16 with BOM, CP932); a missing or unreadable file is a user error."""
    path = Path(path)
    where = str(path)
    try:
        if not path.is_file():
            raise InputError(where, f"no such file ({what_en})", f"ファイルがありません ({what_ja})")
        if path.stat().st_size > MAX_BYTES:
            raise InputError(where, f"larger than {MAX_BYTES} bytes; not a {what_en}", f"{MAX_BYTES} バイトを超えています")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(where, exc.strerror or str(exc), exc.strerror or str(exc)) from None
    if b"\0" in raw and raw[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(where, f"binary data, not a {what_en}", f"バイナリデータです ({what_ja}ではありません)")
    return decode(raw, where)


def split_lines(text: str) -> list[str]:
    """Lines of a file, CRLF, LF or CR; a final line end does not start a new line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# ---------------------------------------------------------------------------------------------
# .bat parsing
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cond:
    kind: str                     # compare, errorlevel, exist, defined
    left: str = ""
    right: str = ""
    negate: bool = False
    ignore_case: bool = False


@dataclass(frozen=True)
class Cmd:
    """One line of a .bat file, read the way cmd.exe reads it."""
    n: int                        # 1-based line number
    text: str                     # the line as written
    kind: str                     # blank, comment, label, goto, load, kill, net, pause, exit, other
    conds: tuple[Cond, ...] = ()  # IF conditions the command runs under
    command: str = ""             # the command after any IF conditions (stripped)
    label: str | None = None      # label (kind label) or GOTO target, as written
    watch_id: str | None = None   # load, kill
    service: str | None = None    # load: service name; net: display or service name
    net_action: str | None = None  # net: start or stop
    switches: tuple[str, ...] = ()


_QUOTED_OR_WORD = re.compile(r'"[^"]*"?|[^\s"]+')
_IF_FORMS = [
    ("errorlevel", re.compile(r"(?i)^(?P<i>/i\s+)?(?P<not>not\s+)?errorlevel\s+(?P<a>\S+)\s+(?P<rest>.*)$")),
    ("exist", re.compile(r'(?i)^(?P<i>/i\s+)?(?P<not>not\s+)?exist\s+(?P<a>"[^"]*"|\S+)\s+(?P<rest>.*)$')),
    ("defined", re.compile(r"(?i)^(?P<i>/i\s+)?(?P<not>not\s+)?defined\s+(?P<a>\S+)\s+(?P<rest>.*)$")),
    ("compare", re.compile(r'(?i)^(?P<i>/i\s+)?(?P<not>not\s+)?(?P<a>"[^"]*"|[^\s=]+)\s*==\s*(?P<b>"[^"]*"|[^\s=]+)\s+(?P<rest>.*)$')),
]


def words(text: str) -> list[str]:
    return _QUOTED_OR_WORD.findall(text)


def program(word: str) -> str:
    """A command word as cmd finds it: case folded, without a path and without .exe/.com/.bat."""
    w = word.strip('"').replace("/", "\\").rsplit("\\", 1)[-1].casefold()
    for ext in (".exe", ".com", ".bat", ".cmd"):
        if w.endswith(ext):
            return w[: -len(ext)]
    return w


def is_comment(stripped: str) -> bool:
    low = stripped.lstrip("@").casefold()
    return low.startswith("::") or low == "rem" or bool(re.match(r"rem[\s.:/]", low))


def parse_line(n: int, text: str) -> Cmd:
    stripped = text.strip()
    if not stripped:
        return Cmd(n, text, "blank")
    if is_comment(stripped):
        return Cmd(n, text, "comment")
    if stripped.startswith(":"):
        name = stripped[1:].strip().split()[0] if stripped[1:].strip() else ""
        return Cmd(n, text, "label", label=name)
    rest = stripped.lstrip("@").strip()
    conds: list[Cond] = []
    while re.match(r"(?i)^if\s", rest):
        body = rest[2:].strip()
        for kind, rx in _IF_FORMS:
            m = rx.match(body)
            if m:
                conds.append(Cond(kind, m["a"], m.groupdict().get("b") or "", bool(m["not"]), bool(m["i"])))
                rest = m["rest"].strip()
                break
        else:
            return Cmd(n, text, "other", tuple(conds), rest)
    ws = words(rest)
    if not ws:
        return Cmd(n, text, "other", tuple(conds), rest)
    prog = program(ws[0])
    args = ws[1:]
    if prog == "goto":
        target = args[0].lstrip(":") if args else ""
        return Cmd(n, text, "goto", tuple(conds), rest, label=target)
    if prog == "armload" and args:
        watch_id, service, i = args[0], None, 1
        while i < len(args):
            a = args[i]
            if a.startswith("/"):
                i += 1
                if i < len(args) and args[i].isdigit():   # /WAIT 0, /R 9, /H 1
                    i += 1
                continue
            service = a.strip('"')
            break
        return Cmd(n, text, "load", tuple(conds), rest, watch_id=watch_id, service=service)
    if prog == "armkill" and args:
        return Cmd(n, text, "kill", tuple(conds), rest, watch_id=args[0])
    if prog == "net" and args and args[0].casefold() in ("start", "stop"):
        switches = tuple(a for a in args[1:] if a.startswith("/"))
        names = [a for a in args[1:] if not a.startswith("/")]
        service = " ".join(x.strip('"') for x in names) or None
        return Cmd(n, text, "net", tuple(conds), rest, service=service, net_action=args[0].casefold(),
                   switches=switches)
    if prog == "pause":
        return Cmd(n, text, "pause", tuple(conds), rest)
    if prog == "exit":
        return Cmd(n, text, "exit", tuple(conds), rest)
    return Cmd(n, text, "other", tuple(conds), rest)


@dataclass
class Script:
    """A parsed .bat file."""
    name: str                     # the file as the user named it
    role: str                     # start or stop
    cmds: list[Cmd]
    labels: dict[str, int] = field(default_factory=dict)   # label (case folded) -> index of its first line

    def __post_init__(self):
        for i, c in enumerate(self.cmds):
            if c.kind == "label" and c.label:
                self.labels.setdefault(c.label.casefold(), i)

    def has_label(self, name: str) -> bool:
        return name.casefold() == "eof" or name.casefold() in self.labels


def parse_bat(text: str, name: str, role: str) -> Script:
    return Script(name, role, [parse_line(i + 1, t) for i, t in enumerate(split_lines(text))])


# ---------------------------------------------------------------------------------------------
# walking the events
# ---------------------------------------------------------------------------------------------

EVENTS = {"start": ("START", "FAILOVER", "RECOVER"), "stop": ("START", "FAILOVER")}
SERVERS = ("HOME", "OTHER")
#: How the guide and ppguide name the branch each event runs
BRANCH_NAMES = {"START": "START (NORMAL)", "FAILOVER": "FAILOVER", "RECOVER": "RECOVER"}


def _expand(s: str, env: dict[str, str]) -> str | None:
    out = s.strip('"')
    for var in re.findall(r"%([^%]+)%", out):
        if var.upper() not in env:
            return None
        out = out.replace(f"%{var}%", env[var.upper()])
    return out


def holds(cond: Cond, env: dict[str, str]) -> bool | None:
    """True, False, or None when the walk cannot know (ERRORLEVEL, unknown variables...)."""
    if cond.kind != "compare":
        return None
    a, b = _expand(cond.left, env), _expand(cond.right, env)
    if a is None or b is None:
        return None
    same = a.casefold() == b.casefold() if cond.ignore_case else a == b
    return same != cond.negate


@dataclass(frozen=True)
class Walk:
    event: str
    server: str
    cmds: tuple[Cmd, ...]         # the lines run, in order

    @property
    def loads(self) -> list[Cmd]:
        return [c for c in self.cmds if c.kind == "load"]

    @property
    def kills(self) -> list[Cmd]:
        return [c for c in self.cmds if c.kind == "kill"]

    @property
    def where(self) -> str:
        return f"{BRANCH_NAMES.get(self.event, self.event)}, ARMS_SERVER {self.server}"


def walk(script: Script, event: str, server: str, max_steps: int = 20000) -> Walk:
    env = {"ARMS_EVENT": event, "ARMS_SERVER": server, "ARMS_DISK": ""}
    i = 0
    run: list[Cmd] = []
    seen: set[int] = set()
    while 0 <= i < len(script.cmds) and len(run) < max_steps:
        if i in seen:
            break               # a loop: the walk stops where cmd would repeat itself
        seen.add(i)
        c = script.cmds[i]
        verdicts = [holds(x, env) for x in c.conds]
        if False in verdicts or c.kind in ("blank", "comment", "label"):
            i += 1
            continue
        certain = all(v is True for v in verdicts)
        if c.kind == "goto":
            if not certain:
                i += 1
                continue
            target = (c.label or "").casefold()
            if target == "eof" or target not in script.labels:
                break           # GOTO :EOF ends the script; cmd stops at a missing label too
            i = script.labels[target]
            continue
        if c.kind == "exit" and certain:
            break
        run.append(c)
        i += 1
    return Walk(event, server, tuple(run))


def paths(script: Script) -> list[Walk]:
    return [walk(script, e, s) for e in EVENTS[script.role] for s in SERVERS]


# ---------------------------------------------------------------------------------------------
# .reg parsing
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegValue:
    key: str
    name: str                     # "" for the default value (@)
    type: str                     # sz, dword, expand_sz, multi_sz, binary, delete; key: a key header
    data: Any
    line: int


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def _hex_bytes(s: str) -> bytes:
    return bytes(int(x, 16) for x in s.replace(" ", "").split(",") if x)


def parse_reg(text: str, where: str) -> list[RegValue]:
    """Values of a regedit export: version 5 (UTF-16LE) or REGEDIT4 (CP932).

    A key header is kept as a value of type "key" (name "", data None), so a key exported without values counts.
    """
    lines = split_lines(text)
    head = lines[0].strip().lstrip("\ufeff") if lines else ""
    if head not in ("Windows Registry Editor Version 5.00", "REGEDIT4"):
        raise InputError(where, "not a registry export: the first line must be 'Windows Registry Editor Version 5.00' or 'REGEDIT4'",
                         "レジストリのエクスポートファイルではありません (1 行目が REGEDIT4 または Windows Registry Editor Version 5.00 ではありません)")
    v4 = head == "REGEDIT4"
    out: list[RegValue] = []
    key = None
    i = 1
    while i < len(lines):
        n, line = i + 1, lines[i].strip()
        while line.endswith("\\") and i + 1 < len(lines) and not line.startswith("["):
            i += 1
            line = line[:-1] + lines[i].strip()
        i += 1
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            key = line.strip("[]")
            out.append(RegValue(key, "", "key", None, n))
            continue
        m = re.match(r'^(?:"((?:[^"\\]|\\.)*)"|(@))\s*=\s*(.*)$', line)
        if not m or key is None:
            continue
        name = _unquote(m[1]) if m[1] is not None else ""
        raw = m[3].strip()
        try:
            if raw.startswith('"'):
                value = RegValue(key, name, "sz", _unquote(raw[1:raw.rindex('"')]), n)
            elif raw.casefold().startswith("dword:"):
                value = RegValue(key, name, "dword", int(raw[6:], 16), n)
            elif raw.casefold().startswith("hex(2):"):
                data = _hex_bytes(raw[7:]).decode("cp932" if v4 else "utf-16-le").rstrip("\0")
                value = RegValue(key, name, "expand_sz", data, n)
            elif raw.casefold().startswith("hex(7):"):
                items = _hex_bytes(raw[7:]).decode("cp932" if v4 else "utf-16-le").rstrip("\0").split("\0")
                value = RegValue(key, name, "multi_sz", items, n)
            elif raw.casefold().startswith("hex"):
                value = RegValue(key, name, "binary", _hex_bytes(raw.split(":", 1)[1]), n)
            elif raw == "-":
                value = RegValue(key, name, "delete", None, n)
            else:
                continue
        except (ValueError, UnicodeDecodeError):
            raise InputError(where, f"line {n}: a value regedit cannot read: {as_typed(lines[n - 1].strip()[:80])}",
                             f"{n} 行: regedit が読めない値です") from None
        out.append(value)
    return out


def reg_index(values: Iterable[RegValue]) -> dict[tuple[str, str], RegValue]:
    return {(v.key.casefold(), v.name.casefold()): v for v in values if v.type != "key"}


# ---------------------------------------------------------------------------------------------
# what a product expects
# ---------------------------------------------------------------------------------------------

@dataclass
class Expected:
    """What ppguide emits for one product on the given facts, parsed like the user's files."""
    product: Any                  # knowledge.Product
    ctx: dict[str, Any]
    start: Script | None
    stop: Script | None
    registry: list[RegValue]
    errata_emits: dict[str, str]  # erratum id -> what ppguide writes instead, rendered for these facts


def expected(product_id: str, given: dict[str, Any]) -> Expected:
    from . import expressions
    from .evaluate import evaluate, prepare
    from .examples import guide_example

    facts = guide_example(product_id) | dict(given)
    product, ctx = prepare(product_id, facts)
    bundle = evaluate(product_id, facts)
    start = stop = None
    regs: list[RegValue] = []
    for f in bundle.files:
        if f.role == "start-script":
            start = parse_bat(f.content.decode("cp932"), f.path, "start")
        elif f.role == "stop-script":
            stop = parse_bat(f.content.decode("cp932"), f.path, "stop")
        elif f.role == "registry":
            regs += [v for v in parse_reg(decode(f.content, f.path), f.path) if v.type != "key"]
    emits = {}
    for e in product.errata:
        try:
            emits[e.id] = expressions.render(e.emits, ctx)
        except Exception:   # noqa: BLE001 (an emits template may need names these facts leave out)
            emits[e.id] = e.emits
    return Expected(product, ctx, start, stop, regs, emits)


# ---------------------------------------------------------------------------------------------
# the audit
# ---------------------------------------------------------------------------------------------

@dataclass
class Audit:
    """Everything the rules look at."""
    products: list[Expected]
    start: Script | None
    stop: Script | None
    regs: list[tuple[str, list[RegValue]]]          # (file name, values)
    all_products: list[Any] = field(default_factory=list)   # every product's knowledge, for the errata

    def scripts(self) -> list[Script]:
        return [s for s in (self.start, self.stop) if s is not None]


def load_inputs(products: list[tuple[str, dict[str, Any]]], start: str | Path | None, stop: str | Path | None,
                regs: Iterable[str | Path] = ()) -> Audit:
    from .knowledge import load, product_ids

    if not products:
        raise PpguideError("name at least one product (--product ID)", "製品を 1 つ以上指定してください (--product ID)")
    if start is None and stop is None and not list(regs):
        raise PpguideError("give at least one file to audit (--start, --stop or --reg)",
                           "監査するファイルを指定してください (--start、--stop、--reg)")
    for pid, _ in products:
        load(pid)                  # UnknownProductError, as `run` gives it
    exp = [expected(pid, given) for pid, given in products]
    s = parse_bat(read_text(start, "start.bat", "起動スクリプト"), str(start), "start") if start else None
    t = parse_bat(read_text(stop, "stop.bat", "停止スクリプト"), str(stop), "stop") if stop else None
    r = [(str(p), parse_reg(read_text(p, "registry export", "レジストリのエクスポート"), str(p))) for p in regs]
    others = []
    for pid in product_ids():
        try:
            others.append(load(pid))
        except PpguideError:
            continue
    return Audit(exp, s, t, r, others)


def audit(products: list[tuple[str, dict[str, Any]]], start: str | Path | None = None,
          stop: str | Path | None = None, regs: Iterable[str | Path] = ()) -> list[Finding]:
    """Findings for the files, sorted by file, line and rule. `products`: (product id, facts) pairs."""
    from .audit_rules import run_rules
    return run_rules(load_inputs(products, start, stop, list(regs)))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def summary(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(f.severity == s for f in findings) for s in SEVERITIES}


def split_facts(products: list[str], given: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each product with the given facts it declares (-p applies to every named product that declares the name).

    A name no named product declares is refused, as `run` refuses it; an unknown product raises
    UnknownProductError.
    """
    from .errors import did_you_mean
    from .knowledge import load

    declared = {pid: {p.name for p in load(pid).parameters} for pid in dict.fromkeys(products)}
    every = set().union(*declared.values()) if declared else set()
    unknown = [k for k in given if k not in every]
    if unknown:
        k = unknown[0]
        raise InputError(f"-p {k}", f"no product named declares this parameter{did_you_mean(k, every)}",
                         f"指定した製品にこのパラメータはありません{did_you_mean(k, every)}")
    return [(pid, {k: v for k, v in given.items() if k in names}) for pid, names in declared.items()]
