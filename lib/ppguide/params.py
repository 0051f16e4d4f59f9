"""Parameter types and validation.

A product declares its parameters once, in procedures/<id>.yaml (name, type,
default, help in English and Japanese). This module turns that declaration into
a pydantic model and turns pydantic's complaints into `ParameterError`s that name
the parameter, the value given and what is expected, in both languages.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
)

from .errors import ParameterError, Problem, did_you_mean
from .knowledge import shared_types

# Characters that would change the meaning of a line of a .bat or .reg file.
UNSAFE = re.compile(r'[&|<>^%"\r\n]')
UNSAFE_EN = 'none of & | < > ^ % " or line breaks (they would inject into .bat/.reg files)'
UNSAFE_JA = '& | < > ^ % " および改行を含まない (.bat/.reg ファイルに混入するため)'
# Control, format (bidirectional overrides, zero-width), line/paragraph separators, private use, surrogates.
INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"}
# Names Windows keeps for devices: a file or folder cannot be called so, with or without an extension.
RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{d}{i}" for d in ("COM", "LPT") for i in range(10)}
NAME_CHARS = re.compile(r"[A-Za-z0-9_-]+")
MAX_PATH = 200
MAX_FOLDER_NAME = 100


class _Reject(ValueError):
    """Raised by a type check; carries the bilingual 'expected' text."""

    def __init__(self, en: str, ja: str):
        self.en, self.ja = en, ja
        super().__init__(en)


def clean_text(v: str) -> tuple[str, str] | None:
    """Why `v` cannot stand in a .bat or .reg line, in English and Japanese (None when it can)."""
    for i, ch in enumerate(v):
        if unicodedata.category(ch) in INVISIBLE:
            return (f"a control or invisible character (U+{ord(ch):04X} at position {i + 1})",
                    f"制御文字・不可視文字 ({i + 1} 文字目の U+{ord(ch):04X})")
    m = UNSAFE.search(v)
    if m:
        return f"the character {m.group()!r}", f"文字 {m.group()!r}"
    try:
        v.encode("cp932")
    except UnicodeEncodeError as exc:
        return (f"a character Shift_JIS (CP932) cannot write ({v[exc.start]!r}, U+{ord(v[exc.start]):04X})",
                f"Shift_JIS (CP932) で表せない文字 ({v[exc.start]!r}、U+{ord(v[exc.start]):04X})")
    if v.endswith("\\"):
        return "a backslash at the end (it would escape a closing quote)", "末尾の \\ (閉じ引用符をエスケープするため)"
    return None


def _clean(v: str) -> str:
    why = clean_text(v)
    if why:
        raise _Reject(f"text without {why[0]}: {UNSAFE_EN}, no control characters, only characters CP932 can encode",
                      f"{why[1]} を含まない文字列 ({UNSAFE_JA}、制御文字なし、CP932 で表せる文字のみ)")
    return v


# What kind of value a refused value is, as messages name it: type -> (en, ja).
_KINDS = {type(None): ("null (no value)", "null (値なし)"), bool: ("true/false", "真偽値"), int: ("a whole number", "整数"),
          float: ("a number", "小数"), list: ("a list", "リスト"), dict: ("a mapping", "マッピング")}


def kind_ja(v: Any) -> str:
    """What kind of value `v` is, in Japanese (for messages refusing it): 整数, リスト..."""
    return _KINDS.get(type(v), ("", type(v).__name__))[1]


def kind_en(v: Any) -> str:
    """What kind of value `v` is, in English: a whole number, a list..."""
    return _KINDS.get(type(v), (f"a {type(v).__name__}", ""))[0]


def _text_only(v: Any) -> Any:
    """Text parameters take text: a number or true/false is refused, since 4.10 would have become 4.1."""
    if isinstance(v, (bool, int, float)):
        raise _Reject(f"text, not the {type(v).__name__} {v!r}: write it in quotes (\"{v}\"); with papermill use "
                      "-r NAME VALUE for text that looks like a number",
                      f"文字列 ({kind_ja(v)}の {v!r} ではなく、引用符で囲んで指定する。papermill では -r を使う)")
    return v


def _safe(v: str) -> str:
    _clean(v)
    if set(v) & set("()"):
        raise _Reject(f"text without ( or ): they would close a ( ... ) block of a .bat file; {UNSAFE_EN}",
                      f"( と ) を含まない文字列 (.bat のブロックを閉じるため)、{UNSAFE_JA}")
    if not v.strip() and v:
        raise _Reject("text that is not only spaces", "空白だけではない文字列")
    return v


def segment_problem(seg: str) -> tuple[str, str] | None:
    """Why `seg` cannot be a Windows file or folder name, in English and Japanese (None when it can)."""
    if seg in ("", ".", ".."):
        return f"the name {seg!r}", f"名前 {seg!r}"
    if len(seg) > 255:
        return (f"{len(seg)} characters (Windows allows 255 in one name)",
                f"{len(seg)} 文字 (Windows の名前 1 つは 255 文字まで)")
    if set(seg) & set('\\/:*?"<>|'):
        return 'one of \\ / : * ? " < > |', '\\ / : * ? " < > | のいずれか'
    if seg[-1] in ". " or seg[0] == " ":
        return "a space at the start or a dot or space at the end", "先頭の空白、または末尾のドットか空白"
    if seg.split(".")[0].strip().upper() in RESERVED:
        device = seg.split(".")[0]
        return (f"the Windows device name {device!r} (CON, NUL, COM1, LPT1, ...)",
                f"Windows のデバイス名 {device!r} (CON、NUL、COM1、LPT1 など)")
    return clean_text(seg)


def folder_name_problem(name: Any) -> tuple[str, str] | None:
    """Why `name` cannot be a folder ppguide creates below -o (job and cluster names), in English and Japanese;
    None when it can."""
    if not isinstance(name, str):
        return f"{kind_en(name)}, not text", f"文字列ではなく{kind_ja(name)}"
    if len(name) > MAX_FOLDER_NAME:
        return f"{len(name)} characters (at most {MAX_FOLDER_NAME})", f"{len(name)} 文字 ({MAX_FOLDER_NAME} 文字まで)"
    return segment_problem(name)


def _name(v: str, longest: int, what_en: str, what_ja: str) -> str:
    if not (1 <= len(v) <= longest and NAME_CHARS.fullmatch(v)) or v.isdigit() or v.upper() in RESERVED:
        raise _Reject(f"{what_en}: 1-{longest} letters, digits, - or _, not digits only, not a device name (CON, NUL...)",
                      f"{what_ja}: 英数字・- ・_ の 1～{longest} 文字 (数字のみ・デバイス名は不可)")
    return v


def _netbios(v: str) -> str:
    return _name(v, 15, "a computer (NetBIOS) name", "コンピュータ名 (NetBIOS 名)")


def _groupname(v: str) -> str:
    return _name(v, 31, "a failover group name", "フェイルオーバーグループ名")


def _hostname(v: str) -> str:
    labels = v.split(".")
    if v and (len(v) > 253 or not all(re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", x) for x in labels)
              or labels[-1].isdigit()):
        raise _Reject("a host name: labels of letters, digits and - separated by dots (or empty for none)",
                      "ホスト名: 英数字と - からなるラベルをドットで区切ったもの (なしは空文字)")
    return v


def _account(v: str) -> str:
    _clean(v)
    if not (1 <= len(v) <= 256) or set(v) & set('"/\\[]:;|=,+*?<>()') or not v.strip(" ."):
        raise _Reject('a Windows user or group name: 1-256 characters, none of " / \\ [ ] : ; | = , + * ? < > ( ), '
                      "not only dots and spaces",
                      'Windows のユーザー名またはグループ名: 1～256 文字、" / \\ [ ] : ; | = , + * ? < > ( ) を含まない')
    return v


def _drive(v: str) -> str:
    if not re.fullmatch(r"[A-Za-z]:", v):
        raise _Reject("a drive letter followed by a colon, for example X:", "ドライブ文字とコロン (例: X:)")
    return v.upper()


def _yen_as_backslash(v: Any) -> Any:
    """The guide and Japanese Windows show the backslash as ¥ (U+00A5) or full-width ￥: read both as \\."""
    return v.replace("\u00a5", "\\").replace("\uffe5", "\\") if isinstance(v, str) else v


def _winpath(v: str) -> str:
    m = re.fullmatch(r"([A-Za-z]:)\\(.+)", v)
    why = None if m else ("not a drive letter, colon and backslash followed by a folder",
                          "ドライブ文字・コロン・\\ とフォルダ名の形ではありません")
    if m:
        why = next(((f"the segment {s!r} has {p[0]}", f"{s!r} の部分に {p[1]}")
                    for s in m[2].split("\\") if (p := segment_problem(s))), None)
        if why is None and len(v) > MAX_PATH:
            why = f"{len(v)} characters (at most {MAX_PATH})", f"{len(v)} 文字 ({MAX_PATH} 文字まで)"
    if why:
        raise _Reject(f"an absolute Windows path such as C:\\Program Files\\Esmpro ({why[0]}): folders separated by "
                      "one backslash, no trailing backslash, no . or .. or device names (CON, NUL...), no trailing dots "
                      f"or spaces, {UNSAFE_EN}",
                      f"C:\\Program Files\\Esmpro のような絶対パス ({why[1]}; 末尾の \\ なし、. や .. やデバイス名なし、"
                      f"末尾のドット・空白なし、{UNSAFE_JA})")
    return v


def _dirname(v: str) -> str:
    why = segment_problem(v) or (("the character ( or )", "文字 ( または )") if set(v) & set("()") else None)
    if why:
        raise _Reject(f"a single folder name ({why[0]}): not . or .., no \\ / : * ? \" < > | ( ), "
                      "no device names (CON, NUL...), no trailing dot or space",
                      f"フォルダ名 1 つ ({why[1]}; . や .. 不可、\\ / : * ? \" < > | ( ) を含まない、デバイス名不可、"
                      "末尾のドット・空白不可)")
    return v


def _ipv4(v: str) -> str:
    try:
        return str(ipaddress.IPv4Address(v))
    except ValueError:
        raise _Reject("a dotted IPv4 address such as 192.168.10.1", "192.168.10.1 のような IPv4 アドレス") from None


def _netmask(v: str) -> str:
    try:
        mask = str(ipaddress.IPv4Network(f"0.0.0.0/{v}").netmask)
        if "." in v and mask != str(ipaddress.IPv4Address(v)):
            raise ValueError(v)       # ipaddress also reads a host mask (0.0.0.255) as a netmask
        return mask
    except ValueError:
        raise _Reject("a contiguous dotted subnet mask such as 255.255.255.0",
                      "255.255.255.0 のような連続したサブネットマスク") from None


def _matching(pattern: str, en: str, ja: str) -> Callable[[str], str]:
    """A check that the whole text has the form of `pattern`, refusing with the form described in both languages."""
    form = re.compile(pattern)

    def check(v: str) -> str:
        if not form.fullmatch(v):
            raise _Reject(en, ja)
        return v
    return check


def _service(v: str) -> str:
    # The short name sc, net and ARMLOAD take and AppManager's Amadmin_SetResDependency lists (OracleServiceSID1,
    # MSSQL$INST): no space, comma or quote, which would split or end a list of them or a command's argument.
    if not (1 <= len(v) <= 256 and re.fullmatch(r"[A-Za-z0-9_$#.-]+", v)) or v[0] in "-." or v.upper() in RESERVED:
        raise _Reject("a Windows service (short) name such as OracleServiceSID1: 1-256 letters, digits, _ $ # . -, "
                      "no spaces or commas, not starting with - or .",
                      "OracleServiceSID1 のような Windows のサービス名: 英数字と _ $ # . - の 1～256 文字 "
                      "(空白・カンマ不可、- や . で始めない)")
    return v


def _logical_host(v: str) -> str:
    # A PFM logical host name stands inside a quoted service name ("JP1PCMGR_PN [VCOMSQL]", guide L9884):
    # a space, bracket or quote would break it. JP1 limits the name to 32 bytes.
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?", v) or v.isdigit():
        raise _Reject("a logical host name: 1-32 letters, digits or - (not at either end, not digits only), "
                      "no spaces or brackets (it goes inside the service name JP1PCMGR_xx [name])",
                      "論理ホスト名: 英数字と - の 1～32 文字 (- は先頭・末尾不可、数字のみ不可)。"
                      "空白や括弧は不可 (サービス名 JP1PCMGR_xx [名前] の中に入るため)")
    return v


def _split_list(v: Any) -> Any:
    """A list given as text: "[A, B]" (papermill -p, the notebook) is read as YAML, "A,B" is split at commas."""
    if isinstance(v, str):
        if v.lstrip().startswith("["):
            from .inputs import InputError, parse_yaml  # PyYAML only where a list comes as text
            try:
                return parse_yaml(v, "list")
            except InputError:
                raise _Reject("a list such as [A, B] (with papermill give lists with -y)",
                              "[A, B] のようなリスト (papermill では -y で指定する)") from None
        return [s.strip() for s in v.split(",") if s.strip()]
    return v


MAX_LIST = 64


def _unique(v: list) -> list:
    """Windows names compare without regard to case: SERVER1 and server1 are one computer."""
    if len(v) > MAX_LIST:
        raise _Reject(f"a list of at most {MAX_LIST} entries", f"{MAX_LIST} 個以下のリスト")
    if len({str(x).casefold() for x in v}) != len(v):
        raise _Reject("a list without repeated entries", "重複のないリスト")
    return v


def _nonempty_unique(v: list) -> list:
    if not v:
        raise _Reject("a non-empty list", "空でないリスト")
    return _unique(v)


BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _bool(v: Any) -> Any:
    """True/false or their words (the CLI passes text); 0 and 1 are refused as ambiguous."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip(" ").lower() in BOOL_WORDS:
        return BOOL_WORDS[v.strip(" ").lower()]
    raise _Reject("true or false", "true または false")


def _whole_number(v: Any) -> Any:
    """A whole number, or text of one (files and -p give text); true/false and 4.5 are not whole numbers."""
    if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
        raise _Reject("a whole number", "整数")
    if isinstance(v, float):
        return int(v)
    if isinstance(v, str):
        if not re.fullmatch(r" *[+-]?[0-9]{1,18} *", v):
            raise _Reject("a whole number (ASCII digits)", "整数 (半角数字)")
        return int(v)
    return v


def _nonempty_unique_records(v: list) -> list:
    if not v:
        raise _Reject("a non-empty list of records", "空でないレコードのリスト")
    if len(v) > MAX_LIST:
        raise _Reject(f"a list of at most {MAX_LIST} records", f"{MAX_LIST} 個以下のレコードのリスト")
    return v


def _checked(fn: Callable[[str], str], before: Callable[[Any], Any] = _text_only):
    """Text that passes `fn` after the checks every text value gets (no control, unsafe or non-CP932 characters)."""
    return Annotated[str, BeforeValidator(before), AfterValidator(_clean), AfterValidator(fn)]


def _yen_text(v: Any) -> Any:
    return _yen_as_backslash(_text_only(v))


# name -> (python annotation, papermill type name, expected en, expected ja)
BUILT_IN: dict[str, tuple[Any, str, str, str]] = {
    "str": (_checked(_safe), "str", f"text with {UNSAFE_EN}", f"文字列 ({UNSAFE_JA})"),
    "netbios": (_checked(_netbios), "str", "a computer (NetBIOS) name", "コンピュータ名 (NetBIOS 名)"),
    "groupname": (_checked(_groupname), "str", "a failover group name", "フェイルオーバーグループ名"),
    "hostname": (_checked(_hostname), "str", "a host name", "ホスト名"),
    "account": (_checked(_account), "str", "a Windows user or group name", "Windows のユーザー名・グループ名"),
    "drive": (_checked(_drive), "str", "a drive letter and colon", "ドライブ文字とコロン"),
    "winpath": (_checked(_winpath, _yen_text), "str", "an absolute Windows path", "Windows の絶対パス"),
    "dirname": (_checked(_dirname), "str", "a folder name", "フォルダ名"),
    "ipv4": (_checked(_ipv4), "str", "an IPv4 address", "IPv4 アドレス"),
    "netmask": (_checked(_netmask), "str", "a subnet mask", "サブネットマスク"),
    "service": (_checked(_service), "str", "a Windows service name", "Windows のサービス名"),
    "logical_host": (_checked(_logical_host), "str", "a PFM logical host name", "PFM の論理ホスト名"),
    "bool": (Annotated[bool, BeforeValidator(_bool)], "bool", "true or false", "true または false"),
    "int": (Annotated[int, BeforeValidator(_whole_number)], "int", "a whole number", "整数"),
}
# ... and the text types data/parameters.yaml defines by their form (version, sid, bom_item...).
SCALARS = BUILT_IN | {name: (_checked(_matching(t["pattern"], t["expected"]["en"], t["expected"]["ja"])), "str",
                             t["short"]["en"], t["short"]["ja"]) for name, t in shared_types().items()}


def annotation(decl) -> tuple[Any, str]:
    """Return (annotation, papermill type name) for one declared parameter."""
    t = decl.type
    if t == "choice":
        def _choice(v: Any, choices=tuple(decl.choices)) -> Any:
            if v not in choices:
                raise _Reject("one of " + ", ".join(map(str, choices)), "次のいずれか: " + ", ".join(map(str, choices)))
            return v
        base = str if all(isinstance(c, str) for c in decl.choices) else int
        return Annotated[base, AfterValidator(_choice)], base.__name__
    if t == "records":
        fields: dict[str, Any] = {f: (SCALARS[ft][0], ...) for f, ft in (decl.fields or {}).items()}
        record = create_model(f"{decl.name}_record", __config__=ConfigDict(extra="forbid"), **fields)
        return (Annotated[list[record], BeforeValidator(_split_list),  # type: ignore[valid-type]  # built at run time
                          AfterValidator(_nonempty_unique_records)], "list")
    if t.startswith("list[") and t.endswith("]"):
        inner, _, *_ = SCALARS[t[5:-1]]
        check = _unique if decl.default == [] else _nonempty_unique   # a list declared empty by default may stay empty
        return Annotated[list[inner], BeforeValidator(_split_list), AfterValidator(check)], "list"  # type: ignore[valid-type]
    if t == "int":
        def _range(v: int, lo=decl.min, hi=decl.max) -> int:
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                rng = f"{'' if lo is None else lo}..{'' if hi is None else hi}"
                raise _Reject(f"a whole number in {rng}", f"{rng} の範囲の整数")
            return v
        return Annotated[int, BeforeValidator(_whole_number), AfterValidator(_range)], "int"
    if t not in SCALARS:
        raise KeyError(t)
    ann, pm, *_ = SCALARS[t]
    return ann, pm


def type_names() -> list[str]:
    """Every type a parameter may declare: the scalars, list[SCALAR], choice and records."""
    return [*SCALARS, *(f"list[{t}]" for t in SCALARS), "choice", "records"]


def declaration_problem(decl) -> str | None:
    """Why a knowledge file's parameter declaration cannot be used (None when it can).

    The engine builds a pydantic model and jinja2 context from it, so names must be identifiers pydantic
    leaves alone; types must be known (a records field takes a scalar type); choices are all text or all whole
    numbers; min/max/fields belong to int and records. A default goes into the scripts like a value the
    engineer typed: it must pass the same checks (a default "g&x" would split a .bat line) and be written in
    the form they give (false, not 'no'; a list, not text), since notebooks and references show it as written.
    """
    names = [decl.name, *(decl.fields or {})]
    odd = next((n for n in names if not n.isidentifier() or n.startswith(("_", "model_"))), None)
    if odd is not None:
        return f"the name {odd!r} cannot be a parameter or field name: letters, digits and _, not starting with _ or model_"
    known = type_names()
    unknown = [t for t in [decl.type] if t not in known] + [t for t in (decl.fields or {}).values() if t not in SCALARS]
    if unknown:
        return (f"type {unknown[0]!r} is not a parameter type: one of {', '.join(SCALARS)}, list[one of those], "
                "choice or records (a records field takes one of the first)")
    if decl.type == "choice":
        choices = decl.choices or []
        if not choices or not (all(isinstance(c, str) for c in choices)
                               or all(isinstance(c, int) and not isinstance(c, bool) for c in choices)):
            return f"a choice needs its choices, all text or all whole numbers (given {choices!r})"
    if decl.fields is not None and decl.type != "records":
        return "fields belong to type records"
    if decl.type == "records" and not decl.fields:
        return "records need their fields"
    if (decl.min is not None or decl.max is not None) and decl.type != "int":
        return "min and max belong to type int"
    if decl.min is not None and decl.max is not None and decl.min > decl.max:
        return f"min {decl.min} is above max {decl.max}"
    if decl.default is None:
        return None
    if decl.choices is not None and decl.default not in decl.choices:
        return f"its default {decl.default!r} is not one of its choices {decl.choices}"
    try:
        valid = TypeAdapter(annotation(decl)[0]).validate_python(decl.default)
    except ValidationError as exc:
        cause = exc.errors()[0].get("ctx", {}).get("error")
        return f"its default {decl.default!r} is refused: expected {cause.en if isinstance(cause, _Reject) else expected(decl)[0]}"
    written = [r.model_dump() for r in valid] if decl.type == "records" else valid
    if written != decl.default or type(written) is not type(decl.default):
        return f"its default {decl.default!r} must be written as {written!r}, the form the engine reads it in"
    return None


def expected(decl) -> tuple[str, str]:
    t = decl.type
    if t == "choice":
        return ("one of " + ", ".join(map(str, decl.choices)), "次のいずれか: " + ", ".join(map(str, decl.choices)))
    if t.startswith("list["):
        _, _, en, ja = SCALARS[t[5:-1]]
        return f"a list, each item {en}", f"{ja} のリスト"
    if t == "records":
        spec = ", ".join(f"{f} ({SCALARS[ft][2]})" for f, ft in decl.fields.items())
        spec_ja = "、".join(f"{f} ({SCALARS[ft][3]})" for f, ft in decl.fields.items())
        return f"a list of records with exactly the fields {spec}", f"次の項目を持つレコードのリスト: {spec_ja}"
    _, _, en, ja = SCALARS[t]
    return en, ja


def check(type_name: str, name: str, value: Any) -> Any:
    """One value of a scalar type outside a product's declaration (e.g. a group file's failover_group)."""
    try:
        return TypeAdapter(SCALARS[type_name][0]).validate_python(value)
    except ValidationError as exc:
        cause = exc.errors()[0].get("ctx", {}).get("error")
        en, ja = (cause.en, cause.ja) if isinstance(cause, _Reject) else SCALARS[type_name][2:]
        raise ParameterError([Problem(name, value, en, ja, missing=value is None)]) from None


_MODELS: dict[int, tuple[Any, type[BaseModel]]] = {}


def model_for(product) -> type[BaseModel]:
    """The pydantic model of a product's parameters, built once per loaded product (knowledge is immutable)."""
    known = _MODELS.get(id(product))
    if known is None or known[0] is not product:
        known = _MODELS[id(product)] = (product, _build_model(product))
    return known[1]


def _build_model(product) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for d in product.parameters:
        ann, _ = annotation(d)
        if d.default is None and not d.required:
            ann = ann | None          # an optional parameter: null means "not given"
        if d.type == "records" and not d.required:
            fields[d.name] = (ann, Field(default=d.default, validate_default=True))   # defaults become records too
            continue
        fields[d.name] = (ann, ... if d.required else d.default)
    return create_model(f"{product.id.replace('-', '_')}_parameters",
                        __config__=ConfigDict(extra="forbid", strict=False), **fields)


def validate(product, given: dict[str, Any]) -> dict[str, Any]:
    """Validate `given` against the product's declaration; return all parameters with defaults."""
    decls = {d.name: d for d in product.parameters}
    given = {k: v for k, v in given.items() if v is not None or k not in decls or not decls[k].required}
    try:
        model = model_for(product).model_validate(given)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "?"
            value = given.get(name, err.get("input"))
            if err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
                hint = did_you_mean(name, set(decls))
                problems.append(Problem(name, value, f"a declared parameter{hint}: " + ", ".join(decls),
                                        f"宣言されたパラメータ{hint}: " + ", ".join(decls)))
                continue
            if err["type"] == "missing" and len(err["loc"]) == 1:
                en, ja = expected(decls[name])
                problems.append(Problem(name, None, f"a value ({en}); this fact of the cluster has no default",
                                        f"値の指定 ({ja})。クラスタ固有の値のため既定値はありません", missing=True))
                continue
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, _Reject):
                en, ja = cause.en, cause.ja
            else:
                en, ja = expected(decls[name])
            if len(err["loc"]) > 2:
                field = err["loc"][2]
                if err["type"] == "extra_forbidden":
                    en, ja = expected(decls[name])
                en = f"{en} (entry {err['loc'][1]}, field {field!r})"
                ja = f"{ja} (要素 {err['loc'][1]}、項目 {field!r})"
            elif len(err["loc"]) > 1:
                en, ja = f"every entry to be {en} (entry {err['loc'][1]} is not)", f"各要素が {ja} であること (要素 {err['loc'][1]} が不正)"
            problems.append(Problem(name, value, en, ja))
        seen, unique = set(), []
        for p in problems:
            if p.parameter not in seen:
                seen.add(p.parameter)
                unique.append(p)
        raise ParameterError(unique) from None
    return model.model_dump()


def valid_on_their_own(product, given: dict[str, Any], refused: set[str]) -> dict[str, Any]:
    """When some parameters are refused, the others that are valid by themselves (given and accepted, or at their
    default): enough to run the checks that concern only them, so that one refusal names every problem."""
    out: dict[str, Any] = {}
    for d in product.parameters:
        if d.name in refused:
            continue
        value = given[d.name] if given.get(d.name) is not None else None if d.required else d.default
        if value is None:
            if not d.required:
                out[d.name] = None
            continue
        try:
            out[d.name] = TypeAdapter(annotation(d)[0]).validate_python(value)
        except ValidationError:
            continue
    return out
