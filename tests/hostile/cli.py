"""Running the CLI in-process (typer's CliRunner) and judging what a user sees (issue 7).

A user error must end with exit code 2, a line with ``error:`` and a Japanese line, no Python
traceback, and nothing written: the -o folder absent (or byte-identical when it held a bundle)
and no new entry next to it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from .cases import JAPANESE, Outcome

ENV = {"COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"}


def runner() -> CliRunner:
    return CliRunner()


def invoke(args: list[str]):
    from ppguide.cli import app
    return runner().invoke(app, [str(a) for a in args], env=ENV)


def flat(text: str) -> str:
    """Output with line wrapping undone (rich wraps long messages)."""
    return " ".join(text.split())


def snapshot(folder: Path) -> dict[str, bytes] | None:
    if not folder.exists():
        return None
    if folder.is_file():
        return {".": folder.read_bytes()}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def traceback_of(result) -> str | None:
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        return f"{type(exc).__name__}: {str(exc)[:300]}"
    if "Traceback (most recent call last)" in result.output:
        return "a traceback was printed"
    return None


def judge_refusal(result, out: Path | None = None, before: dict | None = None, parent: Path | None = None,
                  parent_before: set[str] | None = None, must_mention: list[str] = ()) -> Outcome:
    """A clean refusal: exit 2, error: line, Japanese line, no traceback, nothing written."""
    text = result.output
    tb = traceback_of(result)
    if tb:
        return Outcome(False, "traceback", tb, text[-800:])
    if result.exit_code == 0:
        return Outcome(False, "should-refuse", "exit code 0 (accepted)", text[-500:])
    if result.exit_code != 2:
        return Outcome(False, "wrong-exit", f"exit code {result.exit_code}, expected 2", text[-500:])
    if "error:" not in text:
        return Outcome(False, "no-error-line", "no 'error:' in the output", text[-500:])
    if not JAPANESE.search(text):
        return Outcome(False, "no-japanese", "no Japanese line in the output", text[-500:])
    for word in must_mention:
        if word not in flat(text) and word not in text:
            return Outcome(False, "not-named", f"the message does not mention {word!r}", text[-600:])
    if out is not None and snapshot(out) != before:
        what = "created" if before is None else "changed"
        return Outcome(False, "wrote-on-error" if before is None else "file-lost", f"{out.name} was {what}", text[-300:])
    if parent is not None and parent_before is not None:
        new = entries(parent) - parent_before
        gone = parent_before - entries(parent)
        if gone:
            return Outcome(False, "file-lost", f"gone from {parent}: {sorted(gone)}", text[-300:])
        if new:
            return Outcome(False, "stray-files", f"new in {parent}: {sorted(new)}", text[-300:])
    return Outcome(True, "refused", "", text)


def refuse_run(args: list[str], out: Path, must_mention: list[str] = ()) -> Outcome:
    """Invoke and judge, with the before/after snapshots of `out` and its parent."""
    before = snapshot(out)
    parent_before = entries(out.parent)
    try:
        result = invoke(args)
    except Exception as exc:        # noqa: BLE001  CliRunner itself should catch everything
        return Outcome(False, "traceback", f"{type(exc).__name__}: {exc}")
    return judge_refusal(result, out, before, out.parent, parent_before, must_mention)


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


SAFE_ID = re.compile(r"[^A-Za-z0-9_.:+-]")
