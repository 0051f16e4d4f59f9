"""The CLUSTERPRO start/stop script of a failover group, as data.

A product's script is a list of typed actions for start.bat and one for stop.bat (knowledge.Action):

| kind        | start.bat / stop.bat line                       | pairs with                         |
|-------------|-------------------------------------------------|------------------------------------|
| `load`      | ARMLOAD.EXE WATCH_ID OPTIONS NAME ARGS          | `kill` (by service key, or `all`)  |
| `kill`      | ARMKILL.EXE WATCH_ID                            | the loads of the same product      |
| `net_start` | net start NAME  (unmonitored service)           |                                    |
| `net_stop`  | net stop NAME                                   |                                    |
| `sleep`     | ARMSLEEP.EXE SECONDS                            |                                    |
| `log`       | ARMLOG "TEXT"                                   |                                    |
| `share`     | ARMNSADD NAME PATH                              | `unshare` (by name, or `all`)      |
| `unshare`   | ARMNSDEL NAME                                   | the shares of the same product     |
| `monitor`   | COMMAND ON                                      | `unmonitor` (by command, or `all`) |
| `unmonitor` | COMMAND OFF                                     | the monitors of the same product   |
| `run`       | the rendered command lines, as they are         |                                    |

(the command words come from data/script-commands.yaml, a product may spell them its own way in
`script.commands`). Each action has a slot (before the priority check, highest-priority server,
other servers, RECOVER), an optional `for_each` over a list of records and an optional `on_error`:
`skip` jumps over the rest of the product's lines in that branch, `exit` to a handler that
broadcasts what failed and leaves the script. Hooks (`script.hooks`) add a log line before or after
every load and kill line of the product's services that the group's script keeps, whichever block
holds it, so they follow the watch ids composition keeps.

A `GroupScript` holds one block of lines per product (plus a leading block for services that must
start first, such as ESM Base Service), and the services stopped with `net stop` around every
ARMKILL of the group (`apply_hooks` adds the hooks' lines last). Loads are merged by service name
and shares by share name: what another block already starts is not started again, and each block
ARMKILLs (ARMNSDELs, switches off), in reverse, exactly what it started. stop.bat walks the blocks in
reverse. `emit_bat` turns a GroupScript into files; `compose` builds one from several products.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .cited import Cited
from .errors import KnowledgeError
from .expressions import holds, render
from .knowledge import read_data

#: Names an action or a service with `for_each` adds for its templates: the entry and its position.
ITEM_NAMES = ("item", "index")
#: The kinds that undo in stop.bat what another kind started in start.bat.
UNDOES = {"kill": "load", "unshare": "share", "unmonitor": "monitor"}
#: Names a hook template sees.
HOOK_NAMES = ("watch_id", "service", "key")
#: Characters that make cmd.exe split or reinterpret an argument unless it is in double quotes.
_SPECIAL = set(" \t;,=()&|<>^")


@cache
def default_commands() -> dict[str, Cited]:
    """The engine's command words per action kind (data/script-commands.yaml), each cited from the guide."""
    raw = read_data("script-commands.yaml")["commands"]
    return {k: Cited.parse(v) for k, v in raw.items()}


def commands(spec) -> dict[str, str]:
    """The command words of a product's script: its own spelling where it gives one, else the defaults."""
    own = {k: v for k, v in spec.commands if v is not None}
    return {**default_commands(), **own}


def executables(spec) -> set[str]:
    """Upper-cased program names (without .EXE) a product's script actions call: its command words and
    the first word of each monitor command that is a plain name (not a template, path or quoted)."""
    cmds = commands(spec)
    words = [cmds[k].split()[0] for k in cmds if k != "log_switch"]
    words += [a.monitor.command.split()[0] for a in spec.start if a.monitor is not None]
    return {w.upper().removesuffix(".EXE") for w in words if not set(w) & set('{}"\\:%')}


def cmd_arg(text: str) -> str:
    """One cmd.exe argument: in double quotes when it holds a separator or an operator (and is not quoted)."""
    text = str(text)
    if text.startswith('"') and text.endswith('"') and len(text) > 1:
        return text
    return f'"{text}"' if set(text) & _SPECIAL else text


@dataclass(frozen=True)
class Line:
    kind: str                    # an action kind (load, kill, run, ...) or "log" for a hook's line
    text: str
    product: str
    key: str | None = None       # load/kill: service key; share/unshare: share name; monitor: its command
    service: str | None = None   # service name (load/kill)
    watch_id: str | None = None  # load/kill
    slot: str = "main"
    on_error: str | None = None  # skip / exit
    what: str = ""               # what failed, for the exit handler's message
    undo: str | None = None      # load, share, monitor: the stop.bat line that undoes it


@dataclass
class Block:
    product: str
    start: list[Line] = field(default_factory=list)
    stop: list[Line] = field(default_factory=list)
    first: bool = False          # services that start before, and stop after, every other block
    adds_to: str | None = None   # the product's lines go into another group's scripts

    @property
    def guarded(self) -> bool:
        """Some main line of either script skips to the block's end label on an error."""
        return any(ln.on_error == "skip" for ln in self.start + self.stop if ln.slot == "main")

    def lines(self, side: str, slot: str = "main") -> list[Line]:
        return [ln for ln in getattr(self, side) if ln.slot == slot]

    def skips(self, side: str, slot: str) -> bool:
        """A line of this side and slot skips to the end label (main: either side, see `guarded`)."""
        return self.guarded if slot == "main" else any(ln.on_error == "skip" for ln in self.lines(side, slot))


@dataclass(frozen=True)
class NetWrap:
    display: str
    switch: str
    product: str


def _message_safe(text: str) -> str:
    """Text that can stand inside an ARMBCAST message: a double quote would end it, % expand a variable."""
    return text.replace('"', "").replace("%", "")


@dataclass(frozen=True)
class Handler:
    label: str
    what: str


@dataclass
class GroupScript:
    products: list[str]
    blocks: list[Block] = field(default_factory=list)
    wraps: list[NetWrap] = field(default_factory=list)

    @property
    def loads(self) -> list[Line]:
        return [ln for b in self.blocks for ln in b.start if ln.kind == "load"]

    @property
    def kills(self) -> list[Line]:
        return [ln for b in reversed(self.blocks) for ln in b.stop if ln.kind == "kill"]

    def has(self, side: str, slot: str) -> bool:
        return any(b.lines(side, slot) for b in self.blocks)

    def handlers(self, side: str) -> list[Handler]:
        """One exit handler per distinct failing command of the script, in order of appearance."""
        seen: dict[str, Handler] = {}
        blocks = self.blocks if side == "start" else list(reversed(self.blocks))
        for b in blocks:
            for ln in getattr(b, side):
                if ln.on_error == "exit" and ln.what not in seen:     # " and % would end or expand the message
                    seen[ln.what] = Handler(f"ERROR_STEP{len(seen) + 1}", _message_safe(ln.what))
        return list(seen.values())

    def handler(self, side: str, line: Line) -> str:
        return next(h.label for h in self.handlers(side) if h.what == _message_safe(line.what))

    @property
    def adds_to(self) -> list[str]:
        return list(dict.fromkeys(b.adds_to for b in self.blocks if b.adds_to))


# -- services --------------------------------------------------------------------------------------

_FIELDS = ("display", "name", "watch_id", "options", "args")


def services(product, ctx: dict[str, Any]) -> list:
    """The services that apply to these facts; one per entry of a service's `for_each`, its name,
    watch id and arguments rendered as templates (with `item` and `index`)."""
    out = []
    for s in product.services:
        if not holds(s.when, ctx):
            continue
        templated = [f for f in _FIELDS if getattr(s, f) is not None and "{" in getattr(s, f)]
        if s.for_each is None and not templated:
            out.append(s)
            continue
        for index, item in (enumerate(ctx[s.for_each]) if s.for_each else [(None, None)]):
            local = dict(ctx, **dict(zip(ITEM_NAMES, (item, index))))
            out.append(s.model_copy(update={f: render(getattr(s, f), local).strip() for f in templated}))
    return out


# -- one product's lines ---------------------------------------------------------------------------

class _Product:
    """Builds the lines of one product's script for the evaluated facts `ctx`."""

    def __init__(self, product, ctx: dict[str, Any]):
        self.p, self.spec, self.ctx = product, product.script, ctx
        self.cmd = commands(self.spec)
        self.by_key: dict[str, list] = {}
        for s in ctx["services"]:
            self.by_key.setdefault(s.key, []).append(s)
        self.hooks = self.spec.hooks
        self.names = {s.name for s in ctx["services"]}
        self.adds_to = render(self.spec.adds_to, ctx).strip() if self.spec.adds_to else None

    def load_line(self, svc, slot: str = "main", on_error: str | None = None) -> Line:
        options = svc.options or self.spec.armload_options
        parts = [self.cmd["load"], svc.watch_id] + ([options] if options else []) + [cmd_arg(svc.name)] \
            + ([svc.args] if svc.args else [])
        return Line("load", " ".join(parts), self.p.id, svc.key, svc.name, svc.watch_id, slot, on_error,
                    f"{self.cmd['load']} {svc.watch_id}", f"{self.cmd['kill']} {svc.watch_id}")

    def log_line(self, text: str, slot: str, on_error: str | None = None) -> Line:
        text = text.replace('"', "")
        switch = self.cmd.get("log_switch")
        line = f'{self.cmd["log"]} "{text}"' + (f" {switch}" if switch else "")
        return Line("log", line, self.p.id, slot=slot, on_error=on_error, what=f"{self.cmd['log']} {text}")

    def hook(self, ln: Line) -> tuple[list[Line], list[Line]]:
        """The log lines this product's hooks put before and after a load or kill line of its services."""
        h = self.hooks
        before, after = {"load": (h.before_load, h.after_load), "kill": (h.before_kill, h.after_kill)}.get(
            ln.kind, (None, None))
        if not (before or after) or ln.service not in self.names:
            return [], []
        local = dict(self.ctx, watch_id=ln.watch_id, service=ln.service, key=ln.key)
        first, then = ([self.log_line(render(t, local).strip(), ln.slot)] if t else [] for t in (before, after))
        return first, then

    def actions(self, actions, side: str, loaded: set, skip: set[str]) -> list[Line]:
        """Lines of one side's actions; pair markers (kill, unshare, unmonitor) stay unexpanded.
        `loaded`: service names and ("share", name) started so far in the group."""
        lines: list[Line] = []
        for a in actions:
            if not holds(a.when, self.ctx):
                continue
            items = list(enumerate(self.ctx[a.for_each])) if a.for_each else [(None, None)]
            for index, item in items:
                ctx = dict(self.ctx, **dict(zip(ITEM_NAMES, (item, index)))) if a.for_each else self.ctx
                lines += self.action(a, ctx, side, loaded, skip)
        return lines

    def action(self, a, ctx, side: str, loaded: set, skip: set[str]) -> list[Line]:
        kind, slot, err, pid, cmd = a.kind, a.slot, a.on_error, self.p.id, self.cmd

        def text(t) -> str:
            return render(str(t), ctx).strip()

        if kind == "load":
            if side == "stop" or a.load in skip:
                return []
            out = []
            for svc in self.by_key.get(a.load, []):
                if svc.name not in loaded:
                    loaded.add(svc.name)
                    out.append(self.load_line(svc, slot, err))
            return out
        if kind in ("kill", "unshare", "unmonitor"):
            target = getattr(a, kind)
            return [Line(f"{kind}-marker", target if target == "all" else text(target), pid, slot=slot)]
        if kind in ("net_start", "net_stop"):
            name = text(getattr(a, kind))
            return [Line(kind, f"{cmd[kind]} {cmd_arg(name)}", pid, key=name, slot=slot, on_error=err,
                         what=f"{cmd[kind]} {name}")]
        if kind == "sleep":
            seconds = text(a.sleep)
            if not seconds.isdigit():
                raise KnowledgeError(f"procedures/{pid}.yaml", f"script sleep {a.sleep!r} is not a number of seconds")
            return [Line("sleep", f"{cmd['sleep']} {seconds}", pid, slot=slot, on_error=err, what=cmd["sleep"])]
        if kind == "log":
            return [self.log_line(text(a.log), slot, err)]
        if kind == "share":
            name, path = text(a.share.name), text(a.share.path)
            if ("share", name) in loaded:
                return []
            loaded.add(("share", name))
            return [Line("share", f"{cmd['share']} {name} {cmd_arg(path)}", pid, key=name, slot=slot,
                         on_error=err, what=f"{cmd['share']} {name}", undo=f"{cmd['unshare']} {name}")]
        if kind == "monitor":
            command = text(a.monitor.command)
            return [Line("monitor", f"{command} {text(a.monitor.on)}", pid, key=command, slot=slot,
                         on_error=err, what=command, undo=f"{command} {text(a.monitor.off)}")]
        rendered = render(a.run, ctx).strip("\n")
        return [Line("run", rendered, pid, slot=slot, on_error=err, what=rendered.split("\n")[0].strip())]

    def expand(self, lines: list[Line], started: list[Line]) -> list[Line]:
        """Pair markers replaced by the lines that undo what this product `started` (all of it, or what
        the marker names), in reverse order, in the marker's slot."""
        out = []
        for ln in lines:
            kind = ln.kind.removesuffix("-marker")
            if kind not in UNDOES:
                out.append(ln)
                continue
            mine = [x for x in started if x.kind == UNDOES[kind] and (ln.text == "all" or x.key == ln.text)]
            out += [Line(kind, x.undo or "", x.product, x.key, x.service, x.watch_id, ln.slot) for x in reversed(mine)]
        return out


def head_block(product, ctx: dict[str, Any], loaded: set) -> Block | None:
    """The services `product` requires to start before every other line of a group (not in `loaded`)."""
    b = _Product(product, ctx)
    first = [s for k in b.spec.first for s in b.by_key.get(k, []) if s.name not in loaded]
    if not first:
        return None
    # A first service keeps the ERRORLEVEL check its product's load action declares (Netvisor: Nvbase, L8059).
    errors = {a.load: a.on_error for a in reversed(b.spec.start) if a.load is not None and holds(a.when, ctx)}
    loads = [b.load_line(s, on_error=errors.get(s.key)) for s in first]
    loaded.update(s.name for s in first)
    return Block(product.id, loads, b.expand([Line("kill-marker", "all", product.id)], loads), first=True,
                 adds_to=b.adds_to)


def body_block(product, ctx: dict[str, Any], loaded: set) -> Block:
    """The product's own lines; services in `loaded` (started by an earlier block) are not started again."""
    b = _Product(product, ctx)
    skip = set(b.spec.first)
    start = b.actions(b.spec.start, "start", loaded, skip)
    stop = b.actions(b.spec.stop, "stop", set(), skip)
    started = [ln for ln in start if ln.undo is not None]
    return Block(product.id, b.expand(start, started), b.expand(stop, started), adds_to=b.adds_to)


def apply_hooks(script: GroupScript, prepared: list[tuple[Any, dict[str, Any]]]) -> GroupScript:
    """The group's script with the hooks' log lines around every load and kill it keeps, whichever block
    holds the line: the first product of the group (in `prepared` order) that declares the service and has
    hooks writes them, with the watch id composition kept (ESM Base Service started by ServerManager's
    first block still gets Netvisor's ARMLOG)."""
    hookers = [_Product(p, c) for p, c in prepared if p.script and any(v for _, v in p.script.hooks)]
    if not hookers:
        return script
    for b in script.blocks:
        for side in ("start", "stop"):
            out = []
            for ln in getattr(b, side):
                before, after = next(((x, y) for x, y in (h.hook(ln) for h in hookers) if x or y), ([], []))
                out += before + [ln] + after
            setattr(b, side, out)
    return script


def wraps_for(product, ctx) -> list[NetWrap]:
    spec = product.script
    return [NetWrap(w.display, spec.net_yes, product.id) for w in spec.stop_wrap if holds(w.when, ctx)]


def for_product(product, ctx) -> GroupScript:
    """The script of one product for the evaluated facts `ctx`."""
    loaded: set = set()
    head = head_block(product, ctx, loaded)
    body = body_block(product, ctx, loaded)
    return apply_hooks(GroupScript([product.id], [b for b in (head, body) if b is not None], wraps_for(product, ctx)),
                       [(product, ctx)])


def describe(product, a) -> str:
    """An action in words, for the reference pages."""
    kind = a.kind
    slot = "" if a.slot == "main" else f" [{a.slot}]"
    each = f" for each of `{a.for_each}`" if a.for_each else ""
    err = {"skip": " (on ERRORLEVEL 1 or more, skip the rest of this product's lines)",
           "exit": " (on ERRORLEVEL 1 or more, report and leave the script)", None: ""}[a.on_error]
    if kind == "load":
        what = " or ".join(f"`{s.watch_id}` `{s.name}`" for s in product.services if s.key == a.load)
        body = f"ARMLOAD `{a.load}`: {what}"
    elif kind == "kill":
        body = ("ARMKILL every watch id this product loaded, in reverse order" if a.kill == "all"
                else f"ARMKILL `{a.kill}`: " + " or ".join(f"`{s.watch_id}`" for s in product.services if s.key == a.kill))
    elif kind == "share":
        body = f"ARMNSADD `{a.share.name}` `{a.share.path}`"
    elif kind == "monitor":
        body = f"monitor on: `{a.monitor.command} {a.monitor.on}` (off in stop.bat: `{a.monitor.off}`)"
    elif kind in ("unshare", "unmonitor"):
        target = getattr(a, kind)
        body = f"{kind} " + ("everything this product added, in reverse order" if target == "all" else f"`{target}`")
    elif kind == "run":
        body = f"run:<br>`{a.run}`"
    else:
        body = f"{kind} `{getattr(a, kind)}`"
    return body + each + slot + err
