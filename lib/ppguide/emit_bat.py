"""Write .bat files the way cmd.exe on Japanese Windows reads them: CP932, CRLF."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import disk_cache
from .knowledge import read_data
from .scripts import GroupScript

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        bytecode_cache=disk_cache.jinja_bytecode("templates"), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                        keep_trailing_newline=True, autoescape=False)


@cache
def messages() -> dict[str, str]:
    raw = read_data("messages.yaml")["messages"]
    return {k: v["ja"] for k, v in raw.items()}


def crlf(text: str) -> str:
    """Windows line ends: exactly one CRLF per line, the text ending with one (the one CRLF rule of ppguide)."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    return "\r\n".join(lines) + "\r\n"


def to_windows(text: str) -> bytes:
    """CRLF lines encoded CP932, what cmd.exe on Japanese Windows reads."""
    return crlf(text).encode("cp932")


def script(kind: str, group: GroupScript, failover_group: str, sources: str) -> bytes:
    """kind is 'start' or 'stop'."""
    text = TEMPLATES.get_template(f"{kind}.bat.j2").render(
        script=group, failover_group=failover_group, sources=sources, messages=messages())
    return to_windows(text)


def commands(path: str, place: str, title: str, body: str, sources: str) -> bytes:
    text = TEMPLATES.get_template("commands.bat.j2").render(
        path=path, place=place, title=title, body=body.strip("\n"), sources=sources)
    return to_windows(text)
