"""The CLUSTERPRO start/stop script of a failover group, as data.

A `GroupScript` holds one block of lines per product (plus a leading block for
services that must start first, such as ESM Base Service), and the services
stopped with `net stop` around every ARMKILL of the group. Loads are merged by
service name: a service another block already starts is not started again, and
each block ARMKILLs, in reverse, exactly the watch ids it ARMLOADed. stop.bat
walks the blocks in reverse. `emit_bat` turns a GroupScript into files;
`compose` builds one from several products.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import PpguideError
from .expressions import holds, render


@dataclass(frozen=True)
class Line:
    kind: str                    # load, kill, run, guard
    text: str
    product: str
    key: str | None = None       # service key (load/kill)
    service: str | None = None   # service name (load)
    watch_id: str | None = None  # load/kill


@dataclass
class Block:
    product: str
    start: list[Line] = field(default_factory=list)
    stop: list[Line] = field(default_factory=list)
    first: bool = False          # services that start before, and stop after, every other block

    @property
    def guarded(self) -> bool:
        return any(l.kind == "guard" for l in self.start + self.stop)


@dataclass(frozen=True)
class NetWrap:
    display: str
    switch: str
    product: str


@dataclass
class GroupScript:
    products: list[str]
    blocks: list[Block] = field(default_factory=list)
    wraps: list[NetWrap] = field(default_factory=list)

    @property
    def loads(self) -> list[Line]:
        return [l for b in self.blocks for l in b.start if l.kind == "load"]

    @property
    def kills(self) -> list[Line]:
        return [l for b in reversed(self.blocks) for l in b.stop if l.kind == "kill"]


class ScriptConflict(PpguideError):
    """Two products' ordering constraints cannot both hold."""


def _load_line(svc, options: str, product: str) -> Line:
    parts = ["ARMLOAD.EXE", svc.watch_id, svc.options or options, svc.name] + ([svc.args] if svc.args else [])
    return Line("load", " ".join(parts), product, svc.key, svc.name, svc.watch_id)


def _kill_line(load: Line) -> Line:
    return Line("kill", f"ARMKILL.EXE {load.watch_id}", load.product, load.key, load.service, load.watch_id)


def _actions(actions, ctx, by_key, options, product, loaded: set[str], skip: set[str]) -> tuple[list[Line], list[Line]]:
    """Lines of one product's start or stop actions. `loaded`: service names started so far in the group."""
    lines, own_loads = [], []
    for a in actions:
        if not holds(a.when, ctx):
            continue
        if a.load:
            svc = by_key.get(a.load)
            if svc is None or a.load in skip or svc.name in loaded:
                continue
            loaded.add(svc.name)
            line = _load_line(svc, options, product)
            own_loads.append(line)
            lines.append(line)
        elif a.kill:
            lines.append(Line("kill-marker", a.kill, product, a.kill))
        else:
            lines.append(Line("run", render(a.run, ctx).strip("\n"), product))
            if a.skip_rest_on_error:
                lines.append(Line("guard", "", product))
    return lines, own_loads


def _expand_kills(lines: list[Line], loads: list[Line]) -> list[Line]:
    out = []
    for l in lines:
        if l.kind != "kill-marker":
            out.append(l)
        elif l.text == "all":
            out += [_kill_line(x) for x in reversed(loads)]
        else:
            out += [_kill_line(x) for x in loads if x.key == l.key]
    return out


def head_block(product, ctx: dict[str, Any], loaded: set[str]) -> Block | None:
    """The services `product` requires to start before every other line of a group (not in `loaded`)."""
    spec = product.script
    by_key = {s.key: s for s in ctx["services"]}
    first = [by_key[k] for k in spec.first if k in by_key and by_key[k].name not in loaded]
    if not first:
        return None
    loads = [_load_line(s, spec.armload_options, product.id) for s in first]
    loaded.update(s.name for s in first)
    return Block(product.id, loads, [_kill_line(x) for x in reversed(loads)], first=True)


def body_block(product, ctx: dict[str, Any], loaded: set[str]) -> Block:
    """The product's own lines; services in `loaded` (started by an earlier block) are not started again."""
    spec = product.script
    by_key = {s.key: s for s in ctx["services"]}
    skip = set(spec.first)
    start, start_loads = _actions(spec.start, ctx, by_key, spec.armload_options, product.id, loaded, skip)
    stop, _ = _actions(spec.stop, ctx, by_key, spec.armload_options, product.id, set(), skip | set(by_key))
    return Block(product.id, _expand_kills(start, start_loads), _expand_kills(stop, start_loads))


def wraps_for(product, ctx) -> list[NetWrap]:
    spec = product.script
    return [NetWrap(w.display, spec.net_yes, product.id) for w in spec.stop_wrap if holds(w.when, ctx)]


def for_product(product, ctx) -> GroupScript:
    """The script of one product for the evaluated facts `ctx`."""
    loaded: set[str] = set()
    head = head_block(product, ctx, loaded)
    body = body_block(product, ctx, loaded)
    return GroupScript([product.id], [b for b in (head, body) if b is not None], wraps_for(product, ctx))
