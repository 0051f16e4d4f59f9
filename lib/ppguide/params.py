"""Parameter types and validation.

A product declares its parameters once, in procedures/<id>.yaml (name, type,
default, help in English and Japanese). This module turns that declaration into
a pydantic model and turns pydantic's complaints into `ParameterError`s that name
the parameter, the value given and what is expected, in both languages.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from .errors import ParameterError, Problem

# Characters that would change the meaning of a line of a .bat or .reg file.
UNSAFE = re.compile(r'[&|<>^%"\r\n]')
UNSAFE_EN = 'none of & | < > ^ % " or line breaks (they would inject into .bat/.reg files)'
UNSAFE_JA = '& | < > ^ % " および改行を含まない (.bat/.reg ファイルに混入するため)'
NETBIOS_FORBIDDEN = set('\\/:*?"<>| ')


class _Reject(ValueError):
    """Raised by a type check; carries the bilingual 'expected' text."""

    def __init__(self, en: str, ja: str):
        self.en, self.ja = en, ja
        super().__init__(en)


def _safe(v: str) -> str:
    if UNSAFE.search(v):
        raise _Reject(f"text with {UNSAFE_EN}", f"文字列 ({UNSAFE_JA})")
    return v


def _netbios(v: str) -> str:
    if not (1 <= len(v) <= 15) or NETBIOS_FORBIDDEN & set(v) or UNSAFE.search(v):
        raise _Reject('a NetBIOS name: 1-15 characters, no spaces and none of \\ / : * ? " < > |',
                      'NetBIOS 名 (1～15 文字、空白および \\ / : * ? " < > | を含まない)')
    return v


def _drive(v: str) -> str:
    if not re.fullmatch(r"[A-Za-z]:", v):
        raise _Reject("a drive letter followed by a colon, for example X:", "ドライブ文字とコロン (例: X:)")
    return v.upper()


def _winpath(v: str) -> str:
    if not re.fullmatch(r"[A-Za-z]:\\[^/:*?\"<>|\r\n]*", v) or UNSAFE.search(v) or v.endswith("\\") and len(v) > 3:
        raise _Reject('an absolute Windows path such as C:\\Program Files\\Esmpro, without a trailing '
                      f'backslash and with {UNSAFE_EN}',
                      'C:\\Program Files\\Esmpro のような絶対パス (末尾の \\ なし、'
                      f'{UNSAFE_JA})')
    return v


def _dirname(v: str) -> str:
    if not v or set(v) & set('\\/:*?"<>|') or UNSAFE.search(v) or v.strip() != v:
        raise _Reject("a single folder name (no \\ / : * ? \" < > |)", "フォルダ名 1 つ (\\ / : * ? \" < > | を含まない)")
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


def _version(v: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)*", v):
        raise _Reject("a dotted version number such as 4.16", "4.16 のようなバージョン番号")
    return v


def _split_list(v: Any) -> Any:
    if isinstance(v, str):
        return [s.strip() for s in v.split(",") if s.strip()]
    return v


def _unique(v: list) -> list:
    """Windows names compare without regard to case: SERVER1 and server1 are one computer."""
    if len({str(x).casefold() for x in v}) != len(v):
        raise _Reject("a list without repeated entries", "重複のないリスト")
    return v


def _nonempty_unique(v: list) -> list:
    if not v:
        raise _Reject("a non-empty list", "空でないリスト")
    if len({str(x).casefold() for x in v}) != len(v):
        raise _Reject("a list without repeated entries", "重複のないリスト")
    return v


BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _bool(v: Any) -> Any:
    """True/false or their words (the CLI passes text); 0 and 1 are refused as ambiguous."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in BOOL_WORDS:
        return BOOL_WORDS[v.strip().lower()]
    raise _Reject("true or false", "true または false")


def _number_as_text(v: Any) -> Any:
    """papermill -p and YAML turn 4.16 into a float; string parameters take it back as text."""
    return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _nonempty_unique_records(v: list) -> list:
    if not v:
        raise _Reject("a non-empty list of records", "空でないレコードのリスト")
    return v


def _checked(fn: Callable[[str], str]):
    return Annotated[str, BeforeValidator(_number_as_text), AfterValidator(fn)]


# name -> (python annotation, papermill type name, expected en, expected ja)
SCALARS: dict[str, tuple[Any, str, str, str]] = {
    "str": (_checked(_safe), "str", f"text with {UNSAFE_EN}", f"文字列 ({UNSAFE_JA})"),
    "netbios": (_checked(_netbios), "str", "a NetBIOS name", "NetBIOS 名"),
    "drive": (_checked(_drive), "str", "a drive letter and colon", "ドライブ文字とコロン"),
    "winpath": (_checked(_winpath), "str", "an absolute Windows path", "Windows の絶対パス"),
    "dirname": (_checked(_dirname), "str", "a folder name", "フォルダ名"),
    "ipv4": (_checked(_ipv4), "str", "an IPv4 address", "IPv4 アドレス"),
    "netmask": (_checked(_netmask), "str", "a subnet mask", "サブネットマスク"),
    "version": (_checked(_version), "str", "a version number", "バージョン番号"),
    "bool": (Annotated[bool, BeforeValidator(_bool)], "bool", "true or false", "true または false"),
    "int": (int, "int", "a whole number", "整数"),
}


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
        fields = {f: (SCALARS[ft][0], ...) for f, ft in decl.fields.items()}
        record = create_model(f"{decl.name}_record", __config__=ConfigDict(extra="forbid"), **fields)
        return Annotated[list[record], AfterValidator(_nonempty_unique_records)], "list"
    if t.startswith("list[") and t.endswith("]"):
        inner, _, *_ = SCALARS[t[5:-1]]
        check = _unique if decl.default == [] else _nonempty_unique   # a list declared empty by default may stay empty
        return Annotated[list[inner], BeforeValidator(_split_list), AfterValidator(check)], "list"
    if t == "int":
        def _range(v: int, lo=decl.min, hi=decl.max) -> int:
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                rng = f"{'' if lo is None else lo}..{'' if hi is None else hi}"
                raise _Reject(f"a whole number in {rng}", f"{rng} の範囲の整数")
            return v
        return Annotated[int, AfterValidator(_range)], "int"
    if t not in SCALARS:
        raise KeyError(t)
    ann, pm, *_ = SCALARS[t]
    return ann, pm


def expected(decl) -> tuple[str, str]:
    t = decl.type
    if t == "choice":
        return ("one of " + ", ".join(map(str, decl.choices)), "次のいずれか: " + ", ".join(map(str, decl.choices)))
    if t.startswith("list["):
        _, _, en, ja = SCALARS[t[5:-1]]
        return f"a list of {en} values", f"{ja} のリスト"
    if t == "records":
        spec = ", ".join(f"{f} ({SCALARS[ft][2]})" for f, ft in decl.fields.items())
        spec_ja = "、".join(f"{f} ({SCALARS[ft][3]})" for f, ft in decl.fields.items())
        return f"a list of records with exactly the fields {spec}", f"次の項目を持つレコードのリスト: {spec_ja}"
    _, _, en, ja = SCALARS[t]
    return en, ja


def model_for(product) -> type[BaseModel]:
    fields = {}
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
    try:
        model = model_for(product).model_validate(given)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "?"
            value = given.get(name, err.get("input"))
            if err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
                problems.append(Problem(name, value, "one of the declared parameters: " + ", ".join(decls),
                                        "宣言されたパラメータのいずれか: " + ", ".join(decls)))
                continue
            if err["type"] == "missing" and len(err["loc"]) == 1:
                en, ja = expected(decls[name])
                problems.append(Problem(name, None, f"a value ({en}); this parameter is required",
                                        f"値の指定 ({ja})。このパラメータは必須です"))
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
