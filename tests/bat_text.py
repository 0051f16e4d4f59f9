"""Reading an emitted start.bat or stop.bat as text, the way the guide's samples are read: by event branch."""
from __future__ import annotations


def branch(text: str, label: str) -> list[str]:
    """The command lines of one branch: from :LABEL to its priority test or GOTO EXIT (no comments, no disk test)."""
    lines = text.split("\r\n")
    out = []
    for line in lines[lines.index(f":{label}") + 1:]:
        if line.startswith('IF "%ARMS_SERVER%"') or line == "GOTO EXIT":
            break
        if line and not line.lower().startswith("rem") and not line.startswith('IF "%ARMS_DISK%"'):
            out.append(line)
    return out
