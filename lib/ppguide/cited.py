"""Cited literals: a value from the guide together with the guide line it stands on.

In procedures/*.yaml a literal is written ``"Nvbase @L851"``. When the guide's text
on that line is wrong, the literal names the erratum that records the correction:
``"/Yes @L1011 !net-yse"``. `tests/test_citations.py` checks every one of them
against the guide.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

_CITED = re.compile(r"^(?P<value>.*?)\s+@L(?P<line>\d+)(?:\s+!(?P<erratum>[A-Za-z0-9_.-]+))?$", re.S)


class Cited(str):
    """A string literal that knows its guide line (and erratum, when corrected)."""

    line: int
    erratum: str | None

    def __new__(cls, value: str, line: int, erratum: str | None = None):
        obj = super().__new__(cls, value)
        obj.line, obj.erratum = line, erratum
        return obj

    def __reduce__(self):
        """Pickled with its line and erratum (the disk cache keeps checked products)."""
        return (Cited, (str(self), self.line, self.erratum))

    @classmethod
    def parse(cls, text: str) -> Cited:
        m = _CITED.match(text)
        if not m:
            raise ValueError(f"literal {text!r} does not cite its guide line (write it as 'VALUE @L123')")
        return cls(m["value"], int(m["line"]), m["erratum"])

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler):
        def to_cited(v: Any) -> Cited:
            return v if isinstance(v, Cited) else cls.parse(str(v))

        return core_schema.no_info_plain_validator_function(
            to_cited, serialization=core_schema.plain_serializer_function_ser_schema(str))


def normalise(text: str) -> str:
    """Fold the guide's typography so a literal can be found on its line.

    The guide renders the backslash as the yen sign, splits tokens with stray
    spaces ("AMVCKS. EXE") and mixes full- and half-width forms.
    """
    text = unicodedata.normalize("NFKC", text).replace("¥", "\\")
    return re.sub(r"\s+", "", text).lower()


def stands_on(literal: str, line_text: str) -> bool:
    return normalise(literal) in normalise(line_text)
