"""Generated hostile parameter values, per product and per declared parameter type (issue 7).

Every product's declarations (`ppguide.knowledge.load(pid).parameters`) drive the generation:
for each parameter, the values hostile to its type are put, one at a time, into the product's
valid facts taken from data/example-cluster.yaml (the shared `parameters:` the product declares,
merged with the product's job). Each case says what must happen:

- ``refuse``: `evaluate` raises ParameterError naming the parameter;
- ``accept``: `evaluate` returns a bundle whose manifest holds ``want`` for the parameter;
- ``either``: one of the two (refused naming the parameter, or accepted unchanged / as ``want``).

Whatever the expectation, anything else (another exception, a ParameterError that does not
name the parameter, a silently changed value, a bundle whose file names Windows cannot hold or
that collide) is a failure. `classify` returns the outcome; the tests and tests/hostile/report.py
both use it.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ppguide import knowledge
from ppguide.knowledge import load, product_ids
from ppguide.site import example_parameters


def data_file(name: str):
    """A file of data/ (the example cluster and group)."""
    return knowledge.DATA / name


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# Characters no value may hold (issue 7, "Never emit a value that breaks a script").
BAD_CHARS: list[tuple[str, str]] = [
    ("amp", "&"), ("pipe", "|"), ("lt", "<"), ("gt", ">"), ("caret", "^"), ("percent", "%"), ("dquote", '"'),
    ("CR", "\r"), ("LF", "\n"), ("TAB", "\t"), ("NUL", "\x00"), ("BEL", "\x07"), ("ctrl-Z", "\x1a"),
    ("NEL", "\x85"), ("U+2028", "\u2028"), ("bidi-RLO", "\u202e"), ("zero-width", "\u200b"),
    ("emoji-not-cp932", "\U0001f600"), ("a-umlaut-not-cp932", "\u00e4"),
]
# For bool / int / choice: the value given with a stray character appended (a copy-paste accident).
SUFFIX_CHARS = [("amp", "&"), ("LF", "\n"), ("CR", "\r"), ("TAB", "\t"), ("NUL", "\x00"), ("zero-width", "\u200b")]

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
WIN_FORBIDDEN = set('<>:"/\\|?*')

# A sample of each scalar type, for parameters without an example value (e.g. virtual_host_name '').
SAMPLES = {"str": "vhost", "netbios": "SERVER1", "drive": "X:", "winpath": "C:\\ESM", "dirname": "DMSG",
           "ipv4": "192.168.10.5", "netmask": "255.255.255.0", "version": "4.16", "groupname": "esmgroup",
           "hostname": "vhost", "account": "Administrators",
           "sid": "0xD3E867055C472F448D051684D579EC3D", "service": "OracleServiceSID1", "bom_item": "APPL003",
           "logical_host": "VCOMSQL"}


@dataclass
class Case:
    id: str
    product: str
    param: str
    category: str             # the parameter's type (list[...] and records included)
    label: str
    given: dict[str, Any]     # the whole parameter set handed to evaluate()
    expect: str               # refuse | accept | either
    want: Any = None          # the value the manifest must hold when accepted
    note: str = ""


@dataclass
class Outcome:
    ok: bool
    status: str               # refused | accepted | traceback | wrong-error | not-named | changed | bad-bundle | should-refuse | should-accept
    detail: str = ""
    message: str = ""
    extra: dict = field(default_factory=dict)


# -- valid facts ---------------------------------------------------------------------------------

@cache
def _base_params(pid: str) -> dict[str, Any]:
    return example_parameters([pid])[pid]


def base_params(pid: str) -> dict[str, Any]:
    """The example cluster's facts for `pid`: shared parameters it declares, then its job's own (a copy)."""
    return copy.deepcopy(_base_params(pid))


def products() -> list[str]:
    return product_ids()


def decls(pid: str):
    return load(pid).parameters


def _current(pid: str, d) -> Any:
    base = base_params(pid)
    if d.name in base:
        return base[d.name]
    return d.default


def _mid(s: str, ch: str) -> str:
    k = max(1, len(s) // 2)
    return s[:k] + ch + s[k:]


# -- per-type hostile values: (label, value, expect, want) ----------------------------------------

def netbios_values() -> list[tuple[str, Any, str, Any]]:
    return [
        ("ok-SV-01_A", "SV-01_A", "accept", "SV-01_A"),
        ("ok-one-char", "A", "accept", "A"),
        ("ok-15-chars", "ABCDEFGHIJKLMN5", "accept", "ABCDEFGHIJKLMN5"),
        ("all-digits", "123", "refuse", None),
        ("16-chars", "ABCDEFGHIJKLMN56", "refuse", None),
        ("empty", "", "refuse", None),
        ("space", "SV 1", "refuse", None),
        ("close-paren-hostname", "SV)hostname", "refuse", None),
        ("open-paren", "SV(1", "refuse", None),
        ("dot", "SV.1", "refuse", None),
        ("trailing-dot", "SV1.", "refuse", None),
        ("apostrophe", "SV'1", "refuse", None),
        ("bang", "SV!1", "refuse", None),
        ("equals", "SV=1", "refuse", None),
        ("semicolon", "SV;1", "refuse", None),
        ("comma", "SV,1", "refuse", None),
        ("japanese", "日本語", "refuse", None),
        ("fullwidth-letters", "ＳＶ１", "refuse", None),
        ("backslash-end", "SV1\\", "refuse", None),
        ("over-long", "S" * 300, "refuse", None),
        ("reserved-CON", "CON", "either", "CON"),
        ("reserved-nul", "nul", "either", "nul"),
        ("reserved-COM1", "COM1", "either", "COM1"),
    ]


def str_values(base: str) -> list[tuple[str, Any, str, Any]]:
    out = []
    for label, v in [("space", "a b"), ("apostrophe", "it's"), ("bang", "x!y"), ("equals-comma-semicolon", "a=b,c;d"),
                     ("open-paren", "a(b"), ("close-paren-hostname", "G)hostname"), ("japanese", "日本語グループ"),
                     ("backslash-end", base + "\\"), ("over-long", "g" * 5000), ("empty", ""),
                     ("trailing-space", base + " "), ("slash-start", "/" + base)]:
        out.append((label, v, "either", v))
    return out


def drive_values() -> list[tuple[str, Any, str, Any]]:
    return [
        ("ok-Y", "Y:", "accept", "Y:"),
        ("lower-y", "y:", "either", "Y:"),
        ("letter-only", "X", "refuse", None), ("two-letters", "XX:", "refuse", None), ("digit", "1:", "refuse", None),
        ("trailing-backslash", "X:\\", "refuse", None), ("empty", "", "refuse", None), ("colon-only", ":", "refuse", None),
        ("leading-space", " X:", "refuse", None), ("trailing-space", "X: ", "refuse", None),
        ("fullwidth", "Ｘ：", "refuse", None), ("yen", "X:¥", "refuse", None), ("path", "X:\\a", "refuse", None),
    ]


def winpath_values() -> list[tuple[str, Any, str, Any]]:
    return [
        ("ok-space", "C:\\Program Files\\ESM DM", "accept", "C:\\Program Files\\ESM DM"),
        ("ok-plain", "D:\\ESM", "accept", "D:\\ESM"),
        ("yen-as-backslash", "C:¥Program Files¥esm", "accept", "C:\\Program Files\\esm"),
        ("fullwidth-yen-as-backslash", "C:￥esm￥sub", "accept", "C:\\esm\\sub"),
        ("japanese", "D:\\日本語\\フォルダ", "either", "D:\\日本語\\フォルダ"),
        ("x86-parens", "C:\\Program Files (x86)\\esm", "either", "C:\\Program Files (x86)\\esm"),
        ("apostrophe-bang", "C:\\it's!\\a=b,c;d", "either", "C:\\it's!\\a=b,c;d"),
        ("relative", "Program Files\\esm", "refuse", None),
        ("rooted-no-drive", "\\esm", "refuse", None),
        ("drive-relative", "C:esm", "refuse", None),
        ("unc", "\\\\server\\share\\esm", "refuse", None),
        ("dotdot-segment", "C:\\a\\..\\b", "refuse", None),
        ("dotdot-only", "C:\\..", "refuse", None),
        ("dot-segment", "C:\\a\\.\\b", "refuse", None),
        ("reserved-CON", "C:\\CON\\x", "refuse", None),
        ("reserved-nul-last", "C:\\esm\\nul", "refuse", None),
        ("reserved-com1-ext", "C:\\esm\\com1.txt", "refuse", None),
        ("reserved-lpt9", "C:\\LPT9\\x", "refuse", None),
        ("trailing-dot-segment", "C:\\a.\\b", "refuse", None),
        ("trailing-space-segment", "C:\\a \\b", "refuse", None),
        ("trailing-backslash", "C:\\esm\\", "refuse", None),
        ("colon-inside", "C:\\a:b", "refuse", None),
        ("star", "C:\\a*b", "refuse", None),
        ("question", "C:\\a?b", "refuse", None),
        ("empty", "", "refuse", None),
        ("over-long", "C:\\" + "\\".join(["a" * 200] * 30), "refuse", None),
        ("forward-slashes", "C:/esm/sub", "either", "C:\\esm\\sub"),
        ("double-backslash", "C:\\\\esm", "either", "C:\\esm"),
    ]


def dirname_values() -> list[tuple[str, Any, str, Any]]:
    out = [("ok-plain", "DMSG2", "accept", "DMSG2"), ("japanese", "作業", "either", "作業"),
           ("inner-space", "my work", "either", "my work")]
    for label, v in [("dot", "."), ("dotdot", ".."), ("dots3", "..."), ("reserved-CON", "CON"), ("reserved-nul", "nul"),
                     ("reserved-COM1", "COM1"), ("reserved-LPT9", "LPT9"), ("reserved-con.txt", "con.txt"),
                     ("trailing-dot", "a."), ("trailing-space", "a "), ("leading-space", " a"), ("backslash", "a\\b"),
                     ("slash", "a/b"), ("empty", ""), ("colon", "a:b"), ("over-long", "d" * 300),
                     ("drive", "X:"), ("absolute", "C:\\Windows")]:
        out.append((label, v, "refuse", None))
    return out


def ipv4_values() -> list[tuple[str, Any, str, Any]]:
    return [("ok", "10.0.0.1", "accept", "10.0.0.1")] + [
        (label, v, "refuse", None) for label, v in [
            ("trailing-space", "192.168.10.1 "), ("leading-space", " 192.168.10.1"), ("leading-zero", "192.168.010.1"),
            ("octet-256", "256.1.1.1"), ("three-octets", "1.2.3"), ("ipv6", "::1"), ("cidr", "192.168.10.1/24"),
            ("empty", ""), ("hex", "0x7f.0.0.1"), ("fullwidth", "１９２.１６８.１０.１"), ("int", 3232238081),
            ("name", "server1")]]


def netmask_values() -> list[tuple[str, Any, str, Any]]:
    return [("ok", "255.255.0.0", "accept", "255.255.0.0"), ("prefix-24", "24", "either", "255.255.255.0")] + [
        (label, v, "refuse", None) for label, v in [
            ("non-contiguous", "255.0.255.0"), ("host-mask", "0.0.0.255"), ("empty", ""), ("octet-256", "255.255.255.256"),
            ("trailing-space", "255.255.255.0 "), ("int", 24.5)]]


def version_values() -> list[tuple[str, Any, str, Any]]:
    return [("ok-4.10-stays", "4.10", "accept", "4.10"), ("ok-10", "10", "accept", "10"), ("ok-1.2.3", "1.2.3", "accept", "1.2.3"),
            ("float-number", 4.1, "either", "4.1")] + [
        (label, v, "refuse", None) for label, v in [
            ("letter", "4.1a"), ("v-prefix", "v4"), ("double-dot", "4..1"), ("empty", ""), ("trailing-dot", "4."),
            ("leading-dot", ".4"), ("trailing-space", "4.1 "), ("fullwidth", "４.１"), ("bool", True), ("list", ["4.1"])]]


def bool_values() -> list[tuple[str, Any, str, Any]]:
    return [("text-true", "true", "accept", True), ("text-false", "false", "accept", False),
            ("word-yes", "yes", "either", True)] + [
        (label, v, "refuse", None) for label, v in [
            ("int-1", 1), ("int-0", 0), ("text-1", "1"), ("maybe", "maybe"), ("empty", ""), ("list", [True]),
            ("true-LF", "true\n"), ("true-NUL", "true\x00"), ("true-amp", "true&"), ("float", 1.0)]]


def int_values(d, base: int) -> list[tuple[str, Any, str, Any]]:
    out = [("ok-text", str(base), "accept", base),
           ("fullwidth-digits", "".join(chr(ord(c) + 0xFEE0) for c in str(base)), "either", base),
           ("spaces", f" {base} ", "either", base)]
    for label, v in [("bool-true", True), ("bool-false", False), ("text-true", "true"), ("float", base + 0.5),
                     ("text-float", f"{base}.5"), ("suffix-letter", f"{base}a"), ("empty", ""), ("hex", "0x10"),
                     ("exponent", "1e3"), ("huge-5000-digits", "9" * 5000), ("list", [base]), ("null-text", "null"),
                     ("LF", f"{base}\n"), ("amp", f"{base}&echo")]:
        out.append((label, v, "refuse", None))
    if d.min is not None:
        out.append(("below-min", d.min - 1, "refuse", None))
    else:
        out.append(("negative", -1, "either", -1))
    if d.max is not None:
        out.append(("above-max", d.max + 1, "refuse", None))
    # 10**4300 exceeds Python's int-from-text limit; the user still gets a clean refusal, never a traceback.
    if d.max is not None:
        out.append(("huge-int", 10 ** 30, "refuse", None))
    return out


def choice_values(d) -> list[tuple[str, Any, str, Any]]:
    c0 = d.choices[0]
    out = [("empty", "", "refuse", None), ("nonsense", "nonsense", "refuse", None), ("list", [c0], "refuse", None),
            ("trailing-space", f"{c0} ", "refuse", None), ("trailing-LF", f"{c0}\n", "refuse", None),
            ("bool", True, "refuse", None)]
    if isinstance(c0, str) and c0.upper() != c0:
        out.append(("upper", c0.upper(), "either", c0))
    return out


def groupname_values() -> list[tuple[str, Any, str, Any]]:
    return [("ok-grp-01_A", "grp-01_A", "accept", "grp-01_A"), ("ok-31-chars", "g" * 31, "accept", "g" * 31)] + [
        (label, v, "refuse", None) for label, v in [
            ("all-digits", "0777"), ("32-chars", "g" * 32), ("space", "a b"), ("close-paren-hostname", "G)hostname"),
            ("japanese", "日本語"), ("empty", ""), ("dot", "a.b"), ("apostrophe", "it's"), ("bang", "a!b"),
            ("backslash-end", "grp\\"), ("equals", "a=b"), ("semicolon", "a;b"), ("comma", "a,b")]]


def hostname_values() -> list[tuple[str, Any, str, Any]]:
    return [("ok-vhost", "vhost", "accept", "vhost"), ("ok-dotted", "v-host.example.com", "either", "v-host.example.com"),
            ("underscore", "v_host", "either", "v_host"), ("leading-hyphen", "-vhost", "either", "-vhost"),
            ("label-64", "h" * 64, "either", "h" * 64)] + [
        (label, v, "refuse", None) for label, v in [
            ("space", "v host"), ("close-paren-hostname", "v)hostname"), ("japanese", "日本語"), ("apostrophe", "it's"),
            ("bang", "a!b"), ("backslash", "a\\b"), ("comma", "a,b"), ("semicolon", "a;b"), ("equals", "a=b"),
            ("over-long", "h." * 200 + "h"), ("slash", "a/b"), ("colon", "a:b")]]


def account_values() -> list[tuple[str, Any, str, Any]]:
    return [("ok-space", "ESM Users", "accept", "ESM Users"), ("ok-plain", "Administrators", "accept", "Administrators"),
            ("japanese", "ESMユーザー", "either", "ESMユーザー"), ("apostrophe", "O'Brien", "either", "O'Brien"),
            ("bang", "adm!n", "either", "adm!n")] + [
        (label, v, "refuse", None) for label, v in [
            ("slash", "a/b"), ("backslash", "a\\b"), ("open-bracket", "a[b"), ("close-bracket", "a]b"), ("colon", "a:b"),
            ("semicolon", "a;b"), ("equals", "a=b"), ("comma", "a,b"), ("plus", "a+b"), ("star", "a*b"),
            ("question", "a?b"), ("open-paren", "a(b"), ("close-paren-hostname", "G)hostname"), ("empty", ""),
            ("dots-only", "..."), ("spaces-only", "   "), ("over-long", "a" * 257)]]


def sid_values() -> list[tuple[str, Any, str, Any]]:
    # The guide's sample SID (@L6426) and its shape: 0x and 32 hexadecimal digits, nothing else.
    good = "0xD3E867055C472F448D051684D579EC3D"
    return [("guide-sample", good, "accept", good), ("lower-case", good.lower(), "accept", good.lower())] + [
        (label, v, "refuse", None) for label, v in [
            ("no-0x", good[2:]), ("31-digits", good[:-1]), ("33-digits", good + "0"), ("not-hex", good[:-1] + "G"),
            ("space-inside", good[:10] + " " + good[10:]), ("empty", ""), ("quoted", f"'{good}'"),
            ("sql-after", good + ";drop login netiq"), ("number", 12345)]]


def service_values() -> list[tuple[str, Any, str, Any]]:
    # AppManager 5.0's example services (@L9727) and a named instance's SQL Server service.
    return [("guide-sample", "OracleServiceSID1", "accept", "OracleServiceSID1"),
            ("dollar", "MSSQL$NVPRO", "accept", "MSSQL$NVPRO"), ("dotted", "Oracle.Agent_1", "accept", "Oracle.Agent_1")] + [
        (label, v, "refuse", None) for label, v in [
            ("space", "Oracle Service"), ("comma", "OracleServiceSID1,OracleTNSListener80"), ("apostrophe", "it's"),
            ("leading-hyphen", "-x"), ("leading-dot", ".x"), ("backslash", "a\\b"), ("slash", "a/b"),
            ("japanese", "サービス"), ("semicolon", "a;b"), ("equals", "a=b"), ("paren", "a(b"), ("empty", ""),
            ("device", "NUL"), ("over-long", "s" * 257), ("number", 12345)]]
def bom_item_values() -> list[tuple[str, Any, str, Any]]:
    # ESMPRO/BOM item IDs: APPL and digits (guide L7578, L7691 APPL003); the placeholder APPLxxx is no ID.
    return [("guide-example", "APPL003", "accept", "APPL003"), ("ok-one-digit", "APPL7", "accept", "APPL7"),
            ("lower-case", "appl003", "either", "appl003")] + [
        (label, v, "refuse", None) for label, v in [
            ("placeholder", "APPLxxx"), ("no-digits", "APPL"), ("digits-only", "003"), ("space-inside", "APPL 003"),
            ("trailing-space", "APPL003 "), ("other-prefix", "ABCD003"), ("fullwidth", "ＡＰＰＬ００３"),
            ("w-switch", "APPL003 -w 0"), ("slash-switch", "APPL003/w"), ("empty", ""), ("over-long", "APPL" + "9" * 20)]]


def logical_host_values() -> list[tuple[str, Any, str, Any]]:
    # PFM's logical host stands inside "JP1PCMGR_PN [VCOMSQL]" (guide L9884): no space, bracket or quote.
    return [("guide-example", "VCOMSQL", "accept", "VCOMSQL"), ("ok-hyphen", "pfm-lhost1", "accept", "pfm-lhost1"),
            ("ok-32", "h" * 32, "accept", "h" * 32)] + [
        (label, v, "refuse", None) for label, v in [
            ("space", "VCOM SQL"), ("close-bracket", "VCOMSQL] x"), ("open-bracket", "VCOM[SQL"), ("empty", ""),
            ("33-chars", "h" * 33), ("digits-only", "1234"), ("leading-hyphen", "-lhost"), ("trailing-hyphen", "lhost-"),
            ("dot", "lhost.example"), ("underscore", "l_host"), ("apostrophe", "it's"), ("bang", "a!b"),
            ("close-paren-hostname", "v)hostname"), ("japanese", "論理ホスト"), ("comma", "a,b"), ("semicolon", "a;b")]]


def scalar_values(pid: str, d, t: str, base: Any) -> list[tuple[str, Any, str, Any]]:
    if t == "groupname":
        return groupname_values()
    if t == "hostname":
        return hostname_values()
    if t == "account":
        return account_values()
    if t == "netbios":
        return netbios_values()
    if t == "str":
        return str_values(str(base or SAMPLES["str"]))
    if t == "drive":
        return drive_values()
    if t == "winpath":
        return winpath_values()
    if t == "dirname":
        return dirname_values()
    if t == "ipv4":
        return ipv4_values()
    if t == "netmask":
        return netmask_values()
    if t == "version":
        return version_values()
    if t == "sid":
        return sid_values()
    if t == "service":
        return service_values()
    if t == "bom_item":
        return bom_item_values()
    if t == "logical_host":
        return logical_host_values()
    return str_values(str(base))        # a text type this corpus does not know yet: hostile text, either way


NON_TEXT = {"bool", "int", "choice", "records"}
TEXT_TYPES = {"str", "netbios", "drive", "winpath", "dirname", "ipv4", "netmask", "version", "groupname",
              "hostname", "account", "sid", "service", "bom_item", "logical_host"}


def is_text(t: str) -> bool:
    return t not in NON_TEXT and not t.startswith("list[")


def _bad_char_values(t: str, base: str) -> list[tuple[str, Any, str, Any]]:
    return [(f"char-{label}", _mid(base, ch), "refuse", None) for label, ch in BAD_CHARS]


# -- emitted names a value must not collide with ---------------------------------------------------

@cache
def baseline_paths(pid: str) -> tuple[str, ...]:
    from ppguide.evaluate import evaluate
    try:
        return tuple(f.path for f in evaluate(pid, base_params(pid)).files)
    except Exception:              # noqa: BLE001  the baseline itself is tested elsewhere
        return ()


def collisions(pid: str, values: list[str]) -> list[str]:
    """Values that would make a path built from one of `values` equal another emitted path.

    For every emitted path whose segment i contains v (one of `values`), the other emitted names
    under the same folder that the segment's pattern also matches give the colliding values
    (a node named `client` where ini/<node>/ sits next to ini/client/).
    """
    paths = [p.split("/") for p in baseline_paths(pid)]
    found: list[str] = []
    low = {v.casefold() for v in values}
    for segs in paths:
        for i, seg in enumerate(segs):
            for v in values:
                if not v or v not in seg:
                    continue
                pattern = re.compile(re.escape(seg).replace(re.escape(v), "(.+)", 1), re.IGNORECASE)
                for other in paths:
                    if len(other) > i and other[:i] == segs[:i]:
                        m = pattern.fullmatch(other[i])
                        if m and m.group(1).casefold() not in low and m.group(1) not in found:
                            found.append(m.group(1))
    return found


def first_segments(pid: str) -> list[str]:
    return list(dict.fromkeys(p.split("/")[0] for p in baseline_paths(pid)))


# -- the generator --------------------------------------------------------------------------------

def _case(pid: str, name: str, category: str, label: str, given_value: Any, expect: str, want: Any,
          note: str = "") -> Case:
    given = dict(base_params(pid))
    given[name] = given_value
    return Case(f"{pid}:{name}:{label}", pid, name, category, label, given, expect, want, note)


def param_cases() -> list[Case]:
    cases: list[Case] = []
    for pid in products():
        for d in decls(pid):
            cur = _current(pid, d)
            t = d.type
            if is_text(t):
                base = str(cur) if cur not in (None, "") else SAMPLES.get(t, "text")
                for label, v, expect, want in _bad_char_values(t, base) + scalar_values(pid, d, t, base):
                    cases.append(_case(pid, d.name, t, label, v, expect, want))
                if t in ("netbios", "dirname"):
                    for v in collisions(pid, [base]):
                        cases.append(_case(pid, d.name, t, f"collides-{v}", v, "refuse", None))
                if t == "dirname":
                    for v in first_segments(pid):
                        cases.append(_case(pid, d.name, t, f"emitted-name-{v}", v, "either", v,
                                           "equal to an emitted file/folder name"))
            elif t.startswith("list["):
                inner = t[5:-1]
                items = list(cur) if isinstance(cur, list) and cur else [SAMPLES.get(inner, "x")]
                other = items[1:]
                first = str(items[0])
                # entry 0 takes each hostile value, the others stay
                for label, v in [(f"char-{lb}", _mid(first, ch)) for lb, ch in BAD_CHARS]:
                    cases.append(_case(pid, d.name, t, f"entry-{label}", [v] + other, "refuse", None))
                for label, v, expect, want in scalar_values(pid, d, inner, first):
                    if isinstance(v, str) and v in other:
                        continue
                    w = None if want is None else [want] + other
                    cases.append(_case(pid, d.name, t, f"entry-{label}", [v] + other, expect, w))
                names = [str(x) for x in items]
                if inner == "netbios":
                    for v in collisions(pid, names):
                        cases.append(_case(pid, d.name, t, f"collides-{v}", [v] + other, "refuse", None))
                        cases.append(_case(pid, d.name, t, f"collides-upper-{v}", [v.upper()] + other, "refuse", None))
                nonempty = d.default != []
                text = ", ".join(names)
                cases += [
                    _case(pid, d.name, t, "papermill-brackets", f"[{text}]", "accept", names),
                    _case(pid, d.name, t, "comma-text", text, "accept", names),
                    _case(pid, d.name, t, "duplicate", [names[0], names[0]] + names[1:], "refuse", None),
                    _case(pid, d.name, t, "duplicate-other-case", [names[0], names[0].lower()] + names[1:]
                          if names[0].lower() != names[0] else [names[0], names[0].upper()] + names[1:], "refuse", None),
                    _case(pid, d.name, t, "nested", [names], "refuse", None),
                    _case(pid, d.name, t, "mapping", {names[0]: 1}, "refuse", None),
                    _case(pid, d.name, t, "int", 5, "refuse", None),
                    _case(pid, d.name, t, "bool", True, "refuse", None),
                    _case(pid, d.name, t, "unbalanced-bracket", f"[{text}", "refuse", None),
                    _case(pid, d.name, t, "empty-list", [], "refuse" if nonempty else "accept", None if nonempty else []),
                    _case(pid, d.name, t, "empty-text", "", "refuse" if nonempty else "either", None if nonempty else []),
                    _case(pid, d.name, t, "null-entry", [None] + other, "refuse", None),
                ]
            elif t == "records":
                recs = [dict(r) for r in (cur or [])]
                if not recs:
                    continue
                for fname, ftype in d.fields.items():
                    if is_text(ftype):
                        fbase = str(recs[0].get(fname) or SAMPLES.get(ftype, "text"))
                        for label, ch in BAD_CHARS:
                            r = [dict(recs[0], **{fname: _mid(fbase, ch)})] + recs[1:]
                            cases.append(_case(pid, d.name, t, f"{fname}-char-{label}", r, "refuse", None))
                    if ftype == "int":
                        for label, v in [("bool", True), ("text", "abc"), ("float", 1.5)]:
                            r = [dict(recs[0], **{fname: v})] + recs[1:]
                            cases.append(_case(pid, d.name, t, f"{fname}-{label}", r, "refuse", None))
                    r = [{k: v for k, v in recs[0].items() if k != fname}] + recs[1:]
                    cases.append(_case(pid, d.name, t, f"missing-{fname}", r, "refuse", None))
                cases += [
                    _case(pid, d.name, t, "extra-field", [dict(recs[0], colour="red")] + recs[1:], "refuse", None),
                    _case(pid, d.name, t, "text", "UPS1", "refuse", None),
                    _case(pid, d.name, t, "papermill-text", str(recs), "either", recs),
                    _case(pid, d.name, t, "empty-list", [], "refuse", None),
                    _case(pid, d.name, t, "list-of-text", ["UPS1"], "refuse", None),
                ]
            elif t == "bool":
                for label, v, expect, want in bool_values():
                    cases.append(_case(pid, d.name, t, label, v, expect, want))
            elif t == "int":
                base = cur if isinstance(cur, int) and not isinstance(cur, bool) else (d.min if d.min is not None else 1)
                for label, v, expect, want in int_values(d, base):
                    cases.append(_case(pid, d.name, t, label, v, expect, want))
            elif t == "choice":
                for label, v, expect, want in choice_values(d):
                    cases.append(_case(pid, d.name, t, label, v, expect, want))
                for label, ch in SUFFIX_CHARS:
                    cases.append(_case(pid, d.name, t, f"suffix-{label}", f"{d.choices[0]}{ch}", "refuse", None))
    ids = [c.id for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, dup
    return cases


# -- checking a bundle -----------------------------------------------------------------------------

def bad_segment(seg: str) -> str | None:
    """Why Windows cannot hold `seg` as a file or folder name (None when it can)."""
    if seg in ("", ".", ".."):
        return "empty, . or .."
    if any(ord(c) < 32 or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in seg):
        return "control or format character"
    if WIN_FORBIDDEN & set(seg):
        return "character Windows forbids in names"
    if seg[-1] in ". ":
        return "trailing dot or space"
    if seg.split(".")[0].upper().rstrip(" ") in RESERVED:
        return "reserved device name"
    if len(seg) > 255:
        return "longer than 255"
    return None


def bundle_problems(paths: list[str]) -> list[str]:
    """Emitted paths that collide (Windows compares without case) or that Windows cannot hold."""
    problems = []
    seen: dict[str, str] = {}
    for p in paths:
        key = p.casefold()
        if key in seen:
            problems.append(f"{p!r} collides with {seen[key]!r}")
        seen[key] = p
        for seg in p.split("/"):
            why = bad_segment(seg)
            if why:
                problems.append(f"{p!r}: segment {seg!r}: {why}")
    folders = {"/".join(p.split("/")[:i]).casefold() for p in paths for i in range(1, p.count("/") + 1)}
    for p in paths:
        if p.casefold() in folders:
            problems.append(f"{p!r} is both a file and a folder")
    return problems


def problems_naming(err, param: str) -> list:
    """The problems of a ParameterError that name `param` (a check naming several joins them with
    '+'; compose prefixes the product: "pid.param")."""
    out = []
    for p in err.problems:
        names = [n.split(".", 1)[-1] for n in p.parameter.split("+")] + p.parameter.split("+")
        if param in names:
            out.append(p)
    return out


def names_param(err, param: str) -> bool:
    return bool(problems_naming(err, param))


def is_guide_rule(problem) -> bool:
    """A refusal by one of the guide's rules (a product check), not by the parameter's type."""
    return "(guide lines" in problem.expected_en or "guide line" in problem.expected_en


def classify(case: Case) -> Outcome:
    from ppguide.errors import ParameterError, PpguideError
    from ppguide.evaluate import evaluate

    try:
        bundle = evaluate(case.product, case.given)
    except ParameterError as err:
        msg = str(err)
        mine = problems_naming(err, case.param)
        if not mine:
            return Outcome(False, "not-named", f"ParameterError names {err.parameters}, not {case.param!r}: "
                                               f"{err.en[:300]}", msg)
        by_type = [p for p in mine if not is_guide_rule(p)]
        if case.expect == "accept":
            if by_type:
                return Outcome(False, "should-accept", f"refused a valid value: {by_type[0].en()[:300]}", msg)
            return Outcome(True, "refused-by-guide-rule", "", msg)
        if by_type or case.expect == "either":
            return Outcome(True, "refused", "", msg)
        if "char-" in case.label:
            return Outcome(False, "type-accepted", "the type check let it through; only a guide rule refused it: "
                                                   f"{mine[0].en()[:300]}", msg)
        return Outcome(True, "refused-by-guide-rule", "", msg)
    except PpguideError as err:
        return Outcome(False, "wrong-error", f"{type(err).__name__} instead of ParameterError: {err.en}", str(err))
    except RecursionError as err:
        return Outcome(False, "traceback", f"RecursionError: {err}")
    except Exception as err:       # noqa: BLE001  any other exception is a traceback for the user
        return Outcome(False, "traceback", f"{type(err).__name__}: {str(err)[:300]}")
    if case.expect == "refuse":
        return Outcome(False, "should-refuse", f"accepted; manifest holds {bundle.parameters.get(case.param)!r}")
    got = bundle.parameters.get(case.param)
    if got != case.want:
        return Outcome(False, "changed", f"accepted as {got!r}, given {_short(case.given[case.param])}, want {case.want!r}")
    problems = bundle_problems([f.path for f in bundle.files] + ["manifest.json"])
    if problems:
        return Outcome(False, "bad-bundle", "; ".join(problems[:3]))
    return Outcome(True, "accepted")


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) < 120 else r[:100] + f"... ({len(r)} chars)"
