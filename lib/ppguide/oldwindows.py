"""What Windows NT 4.0 and Windows 2000 lack: REGEDIT5 files, and reg.exe / sc.exe out of the box.

`server_os` (the cluster servers' Windows, as the guide names it) decides how .reg files are written
and whether a step that runs reg.exe or sc.exe must say how to do the same without them.
reg.exe and sc.exe are part of Windows from XP / Server 2003 on; on NT 4.0 they come with the
Resource Kit, on 2000 with the Support Tools, and neither is installed by default.
"""
from __future__ import annotations

import re
from typing import Any

NT4 = ("Windows NT 3.51 Server", "Windows NT 4.0 Server")
WITHOUT_TOOLS = NT4 + ("Windows 2000 Server", "Windows 2000 Advanced Server")

_SC = re.compile(r"(?i)(?:^|[\s('&|])sc(?:\.exe)?\s+(config|query)\b")
_REG = re.compile(r"(?i)(?:^|[\s('&|])reg(?:\.exe)?\s+(query|add|delete)\b")


def reg_version(ctx: dict[str, Any]) -> int:
    """4 (REGEDIT4, CP932) on Windows NT, 5 otherwise (also when the product does not ask for server_os)."""
    return 4 if ctx.get("server_os") in NT4 else 5


def reg_encoding(ctx: dict[str, Any], declared: str) -> str:
    return "cp932" if declared == "utf-16-le-bom" and reg_version(ctx) == 4 else declared


def tools_note(ctx: dict[str, Any], commands: str, sets_start_types: bool = False) -> tuple[str, str] | None:
    """The note a step needs when its commands use reg.exe or sc.exe on a Windows that lacks them."""
    os_name = ctx.get("server_os")
    if os_name not in WITHOUT_TOOLS:
        return None
    uses_sc = sets_start_types or bool(_SC.search(commands))
    uses_reg = bool(_REG.search(commands))
    if not (uses_sc or uses_reg):
        return None
    nt = os_name in NT4
    kit_en = "the Windows NT Resource Kit" if nt else "the Windows 2000 Support Tools"
    kit_ja = "Windows NT リソースキット" if nt else "Windows 2000 サポートツール"
    tools = " and ".join(t for t, used in (("sc.exe", uses_sc), ("reg.exe", uses_reg)) if used)
    both = uses_sc and uses_reg
    en = [f"{os_name}: {tools} {'come' if both else 'comes'} only with {kit_en}; without {'them' if both else 'it'}"]
    ja = [f"{os_name} では {tools} は{kit_ja}にのみ含まれます。ない場合は"]
    if uses_sc:
        en.append("set each service's start type to 「手動」 in " +
                  ("「コントロールパネル」-「サービス」 (「スタートアップ」)" if nt else "「管理ツール」-「サービス」 (「スタートアップの種類」)"))
        ja.append(("「コントロールパネル」-「サービス」の「スタートアップ」" if nt else "「管理ツール」-「サービス」の「スタートアップの種類」")
                  + "で各サービスを「手動」にし")
    if uses_reg:
        en.append("read and edit the keys with the registry editor (regedit), by hand")
        ja.append("レジストリエディタ (regedit) でキーを確認・編集してください")
    return "; ".join(en[:1]) + " " + " and ".join(en[1:]) + ".", "".join(ja) + ("。" if uses_reg else "てください。")
