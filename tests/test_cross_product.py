"""Rules every emitted script and text file keeps, over every product x scenario x variant of the example.

The variants are those of the sequencing tests (tests/sequencing_cases.py): the example cluster's facts,
then each yes/no and choice parameter flipped in every scenario. Each .bat must:
- encode in CP932 with CRLF line ends and no lone CR or LF (what cmd.exe on Japanese Windows reads);
- keep every ARMLOAD watch id paired with an ARMKILL of the same id in the product's stop script
  (a product may ship a stop script alone: a two-way JMSS group leaves start.bat to the cluster
  environment tool, guide §1.3.2.2);
- jump (GOTO / CALL :label) only to labels it defines;
- when CLUSTERPRO runs it (start/stop scripts), never `pause`: nobody is at a cluster node to press a
  key. A command file the engineer runs by hand may stop for a confirmation (armwsset-undo.bat);
and no emitted text may hold an unrendered template (`{{`, `{%`).
"""
from __future__ import annotations

import re

import pytest

from ppguide.errors import ParameterError
from ppguide.evaluate import evaluate
from sequencing_cases import all_cases

CASES = [pytest.param(pid, given, id=f"{pid}:{label}") for pid, label, given in all_cases()]

ARMLOAD = re.compile(r"^\s*(?:IF .*?\)?\s*)?ARMLOAD(?:\.EXE)?\s+(\S+)", re.I | re.M)
ARMKILL = re.compile(r"^\s*(?:IF .*?\)?\s*)?ARMKILL(?:\.EXE)?\s+(\S+)", re.I | re.M)
JUMP = re.compile(r"\b(?:GOTO|CALL)\s+:?(\w+)", re.I)
LABEL = re.compile(r"^\s*:(\w+)", re.M)


def _bundle(pid, given):
    try:
        return evaluate(pid, given)
    except ParameterError:
        pytest.skip("the engine refuses these facts (a refusal rule, tested elsewhere)")


def _text(f) -> str:
    return f.content.decode("cp932")


@pytest.mark.parametrize("pid,given", CASES)
def test_scripts_and_texts_are_well_formed(pid, given):
    bundle = _bundle(pid, given)
    bats = [f for f in bundle.files if f.path.lower().endswith(".bat")]
    for f in bats:
        assert f.encoding == "cp932", f.path
        text = _text(f)                               # raises if not CP932
        assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", ""), f"{f.path}: bare CR or LF"
        assert text.endswith("\r\n"), f.path
        labels = {m.lower() for m in LABEL.findall(text)} | {"eof"}
        jumps = {m.lower() for m in JUMP.findall(text)}
        assert jumps <= labels, f"{f.path}: GOTO/CALL to undefined labels {sorted(jumps - labels)}"
        if f.role in ("start-script", "stop-script"):
            assert not re.search(r"^\s*pause\b", text, re.I | re.M), f"{f.path}: pause in a cluster script"
    for f in bundle.files:
        if f.encoding != "binary":
            assert "{{" not in f.text() and "{%" not in f.text(), f"{f.path}: unrendered template"
    start = next((f for f in bats if f.role == "start-script"), None)
    stop = next((f for f in bats if f.role == "stop-script"), None)
    if start is None or stop is None:
        return
    loaded, killed = set(ARMLOAD.findall(_text(start))), set(ARMKILL.findall(_text(stop)))
    assert loaded == killed, f"ARMLOAD without ARMKILL: {sorted(loaded - killed)}; ARMKILL without ARMLOAD: {sorted(killed - loaded)}"
