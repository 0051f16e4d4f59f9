"""Write .reg files for regedit: 'Windows Registry Editor Version 5.00', UTF-16LE with BOM, CRLF."""
from __future__ import annotations

from dataclasses import dataclass

SIGNATURE = "Windows Registry Editor Version 5.00"


@dataclass(frozen=True)
class RegEntry:
    key: str           # full key, e.g. HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE
    name: str
    type: str          # sz, dword, expand_sz
    data: str


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _data(e: RegEntry) -> str:
    if e.type == "sz":
        return _quote(e.data)
    if e.type == "dword":
        return f"dword:{int(e.data):08x}"
    if e.type == "expand_sz":
        raw = (e.data + "\0").encode("utf-16-le")
        return "hex(2):" + ",".join(f"{b:02x}" for b in raw)
    raise ValueError(e.type)


def reg_text(entries: list[RegEntry], comment: list[str]) -> str:
    lines = [SIGNATURE, ""] + [f"; {c}" for c in comment] + [""]
    current = None
    for e in entries:
        if e.key != current:
            if current is not None:
                lines.append("")
            lines.append(f"[{e.key}]")
            current = e.key
        lines.append(f"{_quote(e.name)}={_data(e)}")
    return "\r\n".join(lines) + "\r\n"


def reg_bytes(entries: list[RegEntry], comment: list[str]) -> bytes:
    return b"\xff\xfe" + reg_text(entries, comment).encode("utf-16-le")
