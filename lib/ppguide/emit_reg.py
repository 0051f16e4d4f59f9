"""Write .reg files for regedit.

Version 5 ('Windows Registry Editor Version 5.00', UTF-16LE with BOM, CRLF) is what Windows 2000 and
later import. Windows NT 4.0's regedit only reads version 4 ('REGEDIT4', the ANSI code page, CP932 on
Japanese Windows, CRLF) and `regedit /s` gives no sign when it skips a file it cannot read.
"""
from __future__ import annotations

from dataclasses import dataclass

SIGNATURE = "Windows Registry Editor Version 5.00"
SIGNATURE_V4 = "REGEDIT4"


@dataclass(frozen=True)
class RegEntry:
    key: str           # full key, e.g. HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE
    name: str
    type: str          # sz, dword, expand_sz
    data: str


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _data(e: RegEntry, version: int) -> str:
    if e.type == "sz":
        return _quote(e.data)
    if e.type == "dword":
        return f"dword:{int(e.data):08x}"
    if e.type == "expand_sz":
        # hex(2) holds the string as the registry stores it: UTF-16LE in version 5, the ANSI code page in REGEDIT4
        raw = (e.data + "\0").encode("utf-16-le" if version == 5 else "cp932")
        return "hex(2):" + ",".join(f"{b:02x}" for b in raw)
    raise ValueError(e.type)


def reg_text(entries: list[RegEntry], comment: list[str], version: int = 5) -> str:
    lines = [SIGNATURE if version == 5 else SIGNATURE_V4, ""] + [f"; {c}" for c in comment] + [""]
    current = None
    for e in entries:
        if e.key != current:
            if current is not None:
                lines.append("")
            lines.append(f"[{e.key}]")
            current = e.key
        lines.append(f"{_quote(e.name)}={_data(e, version)}")
    return "\r\n".join(lines) + "\r\n"


def reg_bytes(entries: list[RegEntry], comment: list[str], version: int = 5) -> bytes:
    """Version 5: UTF-16LE with BOM; version 4 (REGEDIT4, Windows NT 4.0): CP932."""
    if version == 4:
        return reg_text(entries, comment, 4).encode("cp932")
    return b"\xff\xfe" + reg_text(entries, comment).encode("utf-16-le")
