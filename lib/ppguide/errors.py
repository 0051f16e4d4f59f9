"""Errors raised by ppguide. Every error renders in English and Japanese.

A `ParameterError` names the parameter, the value that was given and what is
expected, so an engineer can fix the input without reading code.
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field


def as_typed(value: object, quote: bool = True) -> str:
    """A value as the engineer typed it, for messages: text in single quotes with its backslashes as they are
    (S:\\nwork prints as 'S:\\nwork', not Python's 'S:\\\\nwork'), and only what cannot be seen escaped as
    <U+XXXX> (control, format and separator characters); true/false, null and [a, b] as YAML writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(as_typed(v, quote) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{as_typed(k, False)}: {as_typed(v, quote)}" for k, v in value.items()) + "}"
    if not isinstance(value, str):
        return str(value)
    text = "".join(c if c == " " or unicodedata.category(c)[0] not in "CZ" else f"<U+{ord(c):04X}>" for c in value)
    return f"'{text}'" if quote or not text or text != text.strip() else text


def did_you_mean(word: str, known: list[str] | set[str]) -> str:
    """' (did you mean X?)' for a close known word, else ''."""
    close = difflib.get_close_matches(str(word), sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {as_typed(close[0])}?)" if close else ""


class PpguideError(Exception):
    """Base of every error ppguide raises on purpose."""

    def __init__(self, en: str, ja: str):
        self.en, self.ja = en, ja
        super().__init__(f"{en}\n{ja}")

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a Python traceback: the message an engineer acts on."""
        return [f"{type(self).__name__}: {self.en}", self.ja]


@dataclass
class Problem:
    """One rejected parameter."""

    parameter: str
    given: object
    expected_en: str
    expected_ja: str
    missing: bool = False

    def shown(self) -> str:
        """The given value as it was typed (invisible characters escaped), cut short when long."""
        text = as_typed(self.given)
        return text if len(text) <= 400 else f"{text[:300]}... ({len(text)} characters)"

    def en(self) -> str:
        given = "not given" if self.missing else f"given {self.shown()}"
        return f"parameter '{self.parameter}': {given}; expected {self.expected_en}"

    def ja(self) -> str:
        given = "指定なし" if self.missing else f"指定値 {self.shown()}"
        return f"パラメータ '{self.parameter}': {given}、期待される値: {self.expected_ja}"


class ParameterError(PpguideError):
    """One or more parameters were rejected. Nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        en = "Invalid parameters (nothing was written):\n" + "\n".join("  - " + p.en() for p in problems)
        ja = "パラメータが不正です (何も出力していません):\n" + "\n".join("  - " + p.ja() for p in problems)
        super().__init__(en, ja)

    @property
    def parameters(self) -> list[str]:
        """Every parameter named, once (a check naming several joins them with '+')."""
        return list(dict.fromkeys(n for p in self.problems for n in p.parameter.split("+")))


class UnknownProductError(PpguideError):
    def __init__(self, product: object, known: list[str]):
        self.product = product
        hint = did_you_mean(str(product), known)
        super().__init__(
            f"unknown product {as_typed(product)}{hint}; expected one of: {', '.join(known)}",
            f"製品 {as_typed(product)} は存在しません{hint}。次のいずれかを指定してください: {', '.join(known)}",
        )


@dataclass(frozen=True)
class KnowledgeFault:
    """One fault of a knowledge file: the file, the offending name, what is wrong with it."""

    file: str
    name: str
    what: str

    def __str__(self) -> str:
        return " ".join(f"{self.file}: {self.name}: {self.what}".split("\n"))   # one fault, one line


class KnowledgeError(PpguideError):
    """A procedures/*.yaml or data/* file is malformed (a bug in the knowledge, not in the input).

    `faults` holds what `ppguide check` reports for the file, one fault a line.
    """

    def __init__(self, where: str, what: str | None = None, faults: list[KnowledgeFault] | None = None):
        self.faults = list(faults or [])
        if what is None:
            lines = "\n".join(f"  - {f}" for f in self.faults)
            super().__init__(f"knowledge file {where} does not pass `ppguide check` ({len(self.faults)} faults):\n{lines}",
                             f"ナレッジファイル {where} に誤りがあります (`ppguide check`、{len(self.faults)} 件):\n{lines}")
        else:
            super().__init__(f"knowledge file {where}: {what}", f"ナレッジファイル {where}: {what}")


class OutputError(PpguideError):
    """The bundle could not be written where asked."""

    def __init__(self, path: str, why: str, why_ja: str | None = None):
        """`why_ja` defaults to `why` (an OS error message is shown as the system gives it)."""
        super().__init__(f"cannot write the bundle to {path}: {why}",
                         f"{path} にバンドルを書き込めません: {why_ja or why}")


@dataclass
class Notice:
    """A warning that applies to the given facts (not an error)."""

    id: str
    en: str
    ja: str
    cite: list[int] = field(default_factory=list)
