"""Reading what engineers give: parameter files, inventories, group files and -p values.

Values stay what the user typed. A YAML scalar is text unless it is null: `4.10`,
`0777`, `1:20` and `no` arrive as the strings "4.10", "0777", "1:20" and "no", and
each parameter's declared type converts them (`params`). Files are read in the
encodings Windows editors save: UTF-8 with or without BOM, UTF-16 with BOM, and
CP932 (Notepad and Excel on Japanese Windows). Duplicate keys, aliases and
oversized or deeply nested input are refused with the file, line and column.
"""
from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from .errors import PpguideError, as_typed, did_you_mean

MAX_BYTES = 1 << 20          # a parameters file or inventory larger than 1 MiB is not a hand-written file
MAX_DEPTH = 32               # nesting deeper than this is not a parameters file either
MAX_NODES = 100_000          # scalars, lists and mappings in one file


class InputError(PpguideError):
    """A file or command-line value that cannot be read. Nothing has been written."""

    def __init__(self, where: str, en: str, ja: str):
        self.where = where
        super().__init__(f"{where}: {en}", f"{where}: {ja}")


def _mark(node_or_mark: Any) -> str:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


class TextLoader(yaml.SafeLoader):
    """Safe YAML whose plain scalars stay text (only null is resolved); no aliases, no duplicate keys."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str, max_nodes: int = MAX_NODES):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self.max_nodes = max_nodes

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not accepted", self.peek_event().start_mark)
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_DEPTH:
            raise yaml.MarkedYAMLError(None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
        if self._nodes > self.max_nodes:
            raise yaml.MarkedYAMLError(None, None, f"more than {self.max_nodes} values", self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.MarkedYAMLError(None, None, f"a key must be text, not {as_typed(key)}", key_node.start_mark)
            if key in seen:
                raise yaml.MarkedYAMLError(f"{as_typed(key)} first given at {_mark(seen[key])}", None,
                                           f"duplicate key {as_typed(key)}", key_node.start_mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def decode(raw: bytes, where: str) -> str:
    """Text of a file as Windows editors save it: BOM-marked UTF-8/UTF-16, else UTF-8, else CP932."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(where, f"not valid {encoding} after its byte-order mark (byte {exc.start})",
                                 f"BOM の後が {encoding} として不正です ({exc.start} バイト目)") from None
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(where, "neither UTF-8, UTF-16 with BOM nor Shift_JIS (CP932) text",
                     "UTF-8・BOM 付き UTF-16・Shift_JIS (CP932) のいずれでもありません")


def parse_yaml(text: str, where: str, max_nodes: int = MAX_NODES) -> Any:
    loader = None
    try:
        loader = TextLoader(text, max_nodes)     # the reader already refuses control characters here
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at {_mark(mark)}" if mark else ""
        what = "; ".join(str(x) for x in (exc.problem, exc.context) if x)
        raise InputError(where, f"YAML error{at}: {what}", f"YAML の誤り{at.replace('line', '行').replace('column', '列')}: {what}") from None
    except yaml.YAMLError as exc:
        raise InputError(where, f"YAML error: {exc}", f"YAML の誤り: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {as_typed(k)}")
        out[k] = v
    return out


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"JSON error at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                         f"JSON の誤り ({exc.lineno} 行 {exc.colno} 列): {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        msg = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(where, f"JSON error: {msg}", f"JSON の誤り: {msg}") from None


def read(path: str | Path, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES) -> Any:
    """The data of a YAML or JSON file (JSON when its name ends in .json); `-` reads standard input.

    The limits default to those of a hand-written parameters file; a fleet inventory allows more (fleet.py).
    """
    where = str(path)
    text = decode(read_bytes(path, max_bytes), where)
    return parse_json(text, where) if where.lower().endswith(".json") else parse_yaml(text, where, max_nodes)


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of an input no larger than `max_bytes`: a file, a pipe such as bash's <(...), or `-` (stdin)."""
    where = str(path)
    try:
        if where == "-":
            raw = sys.stdin.buffer.read(max_bytes + 1)
        else:
            path = Path(path)
            if path.is_dir():
                raise InputError(where, "a folder, not a file", "ファイルではなくフォルダです")
            if not path.exists():
                raise InputError(where, "no such file", "ファイルがありません")
            with path.open("rb") as f:
                raw = f.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(where, exc.strerror or str(exc), exc.strerror or str(exc)) from None
    if len(raw) > max_bytes:
        raise InputError(where, f"larger than {max_bytes} bytes; a parameters file is never that large",
                         f"{max_bytes} バイトを超えています")
    return raw


def read_mapping(path: str | Path, what_en: str, what_ja: str) -> dict[str, Any]:
    data = read(path)
    if not isinstance(data, dict):
        raise InputError(str(path), f"must hold a mapping: {what_en}", f"マッピングが必要です: {what_ja}")
    return data


def assignment(pair: str) -> tuple[str, Any]:
    """-p NAME=VALUE: the value stays text; one in [...] or {...} is read as YAML (its items stay text too)."""
    if "=" not in pair:
        raise InputError(f"-p {pair}", "write NAME=VALUE", "NAME=VALUE の形で指定してください")
    name, value = pair.split("=", 1)
    name = name.strip()
    if value[:1] in "[{":
        return name, parse_yaml(value, f"-p {name}")
    return name, value


def check_keys(data: Any, where: str, allowed: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A mapping with only the allowed keys (key -> what it holds) and every required one; else InputError."""
    if not isinstance(data, dict):
        raise InputError(where, f"must be a mapping with the keys {', '.join(allowed)}",
                         f"キー {', '.join(allowed)} を持つマッピングが必要です")
    unknown = [k for k in data if k not in allowed]
    if unknown:
        k = unknown[0]
        raise InputError(where, f"unknown key {as_typed(k)}{did_you_mean(k, set(allowed))}; the keys are: "
                                + "; ".join(f"{n} ({w})" for n, w in allowed.items()),
                         f"不明なキー {as_typed(k)}{did_you_mean(k, set(allowed))}。使えるキー: {', '.join(allowed)}")
    missing = [k for k in required if k not in data]
    if missing:
        raise InputError(where, f"missing key {as_typed(missing[0])} ({allowed[missing[0]]})",
                         f"キー {as_typed(missing[0])} がありません")
    return data
