"""`ppguide check`: what a knowledge file must satisfy beyond its schema, checked when it loads.

`check_file` reads a procedures/*.yaml file and returns the product with every fault found, one
`KnowledgeFault` (file, offending name, what is wrong) each:

- YAML that does not parse, a key given twice in one mapping, anything the schema (knowledge.py) rejects;
- a name declared twice across parameters, constants, values and the names the engine reserves
  (evaluate.RESERVED, evaluate.ARTIFACT_NAMES, the jinja globals such as version, winpath, broadcast);
- an expression or template that does not compile (reported with the field, never as a traceback), or that
  uses a name nobody declares, or one the engine has not computed yet where it is used (a value's expression
  sees only the values before it; services and script actions do not see `script`);
- a value compared with a choice parameter (`scenario == 'updte'`) that is not one of its choices;
- a scenario on a step, artifact or script that the product's `scenario` parameter does not declare;
- a field that has no effect for its kind: `on_error` on a kill/unshare/unmonitor, `for_each` on a load or
  kill (services have their own), a load, share or monitor in stop.bat, an undo in start.bat, the recover
  slot in stop.bat, `template` or `source` on an artifact kind that ignores it (artifact_kinds.KINDS says
  which use them), an encoding the kind is never written in, `artifact` on a step that has `commands`;
- a share or monitor that stop.bat never undoes, an unshare/unmonitor naming nothing start.bat started;
- references to what does not exist: a service key in the script, an erratum named by a literal or a check's
  parameter, a place (data/places.yaml), a registry group, a `for_each` list, a product in `script.after`,
  a file whose name is not its product's id; a default outside its parameter's choices, an error check that
  names no parameter; an artifact kind nobody registered; script.group_parameter naming no parameter;
  a `for_each` of a service, action or step naming no list;
- a step `loop` whose steps do not stand together, repeat over different lists or over none.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.parser import Parser
from pydantic import ValidationError

from . import evaluate, expressions, scripts
from .artifact_kinds import KINDS, SYNC_SOURCES
from .errors import KnowledgeFault
from .knowledge import AFTER_ALL, SLOTS, Product, expand_shared, knowledge_files, load_places, shown
from .params import declaration_problem

#: Kinds of artifact whose content is built from `template`, and how (a text template or an expression).
TEMPLATE_KINDS = {k.name: k.template for k in KINDS.values() if k.template}
SOURCE_KINDS = tuple(k.name for k in KINDS.values() if k.source)
#: The template fields of each kind of script action (a kill, unshare or unmonitor of "all" is no template).
ACTION_TEMPLATES = {"net_start": ["net_start"], "net_stop": ["net_stop"], "log": ["log"], "run": ["run"],
                    "share": ["share.name", "share.path"], "unshare": ["unshare"],
                    "monitor": ["monitor.command", "monitor.on", "monitor.off"], "unmonitor": ["unmonitor"]}
UNDOES = scripts.UNDOES


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):   # type: ignore[misc]
    """YAML that remembers a key given twice in one mapping (safe_load keeps the last one silently).
    libyaml's parser when PyYAML has it (Debian's and the wheels do): the product files are read on every
    first load, and the pure-Python parser is most of that time."""

    def __init__(self, stream):
        super().__init__(stream)
        self.repeated: list[tuple[str, int]] = []

    def construct_mapping(self, node, deep=False):
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    self.repeated.append((key_node.value, key_node.start_mark.line + 1))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _read(path: Path, data: bytes | None = None) -> tuple[Any, list[tuple[str, int]]]:
    loader = _Loader(path.read_text(encoding="utf-8") if data is None else data.decode("utf-8"))
    try:
        return loader.get_single_data(), loader.repeated
    finally:
        loader.dispose()


def _where(raw: Any, loc: tuple) -> str:
    """A pydantic location as the reader finds it in the file: steps[acl].title.en rather than steps.12.title.en."""
    out, node = "", raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = next((item[k] for k in ("id", "name", "key", "path") if isinstance(item, dict) and k in item), part)
            out += f"[{label}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(file)"


def _schema_faults(file: str, raw: Any, exc: ValidationError) -> list[KnowledgeFault]:
    faults = []
    for e in exc.errors():
        loc = tuple(e["loc"])
        name = next((p for p in reversed(loc) if isinstance(p, str)), "") or _where(raw, loc)
        faults.append(KnowledgeFault(file, name, f"{e['msg']} (at {_where(raw, loc)})"))
    return faults


# --- expressions and templates ---------------------------------------------------------------------------

def _parse(text: str, kind: str) -> nodes.Template:
    """The jinja AST of a template or an expression, with the unknown filters and tests that compiling it
    would reject (checked on the tree: compiling every template would make loading several times slower)."""
    env = expressions.ENV
    if kind == "template":
        tree = env.parse(text)
    else:
        parser = Parser(env, text, state="variable")
        tree = nodes.Template([nodes.Output([parser.parse_expression()])], lineno=1)
        if not parser.stream.eos:
            token = parser.stream.current
            raise TemplateSyntaxError(f"unexpected {token.value!r} after the expression", token.lineno)
        tree.set_environment(env)
    for node, known, what in [(n, env.filters, "filter") for n in tree.find_all(nodes.Filter)] + \
                             [(n, env.tests, "test") for n in tree.find_all(nodes.Test)]:
        if node.name not in known:
            raise TemplateSyntaxError(f"no {what} named {node.name!r}", node.lineno)
    return tree


def _compared(tree: nodes.Template) -> Iterator[tuple[str, Any]]:
    """(name, constant) for each `name == 'x'`, `name != 'x'`, `name in ['x', 'y']` in the tree (either side)."""
    for cmp in tree.find_all(nodes.Compare):
        for left, op in zip([cmp.expr] + [o.expr for o in cmp.ops], cmp.ops):
            pairs = [(left, op.expr)] + ([(op.expr, left)] if op.op in ("eq", "ne") else [])
            for name, other in pairs:
                if not isinstance(name, nodes.Name):
                    continue
                if op.op in ("eq", "ne") and isinstance(other, nodes.Const):
                    yield name.name, other.value
                elif op.op in ("in", "notin") and isinstance(other, (nodes.List, nodes.Tuple)):
                    yield from ((name.name, c.value) for c in other.items if isinstance(c, nodes.Const))
                elif op.op in ("in", "notin") and isinstance(other, nodes.Const) and isinstance(other.value, (list, tuple)):
                    yield from ((name.name, c) for c in other.value)


class _Checker:
    def __init__(self, path: Path, product: Product):
        self.file, self.p = shown(path), product
        self.path = path
        self.faults: list[KnowledgeFault] = []
        self.params = {x.name: x for x in product.parameters}
        self.values = [v.name for v in product.values]
        self.globals = sorted(expressions.ENV.globals)
        product_id, services, script = evaluate.RESERVED
        base = set(self.params) | set(product.constants) | set(self.globals) | {product_id}
        self.scope_services = base
        self.scope_script = base | {services} | set(self.values)
        self.scope_full = self.scope_script | ({script} if product.script else set())
        self.declared = self.scope_full | set(evaluate.RESERVED)
        scenario = self.params.get("scenario")
        self.scenarios = list(scenario.choices or []) if scenario else []

    def fault(self, name: Any, what: str) -> None:
        self.faults.append(KnowledgeFault(self.file, str(name), what))

    # names ---------------------------------------------------------------------------------------------
    def names(self) -> None:
        declared = ([(x.name, "parameter") for x in self.p.parameters] + [(n, "constant") for n in self.p.constants]
                    + [(n, "value") for n in self.values]
                    + [(n, "name the engine reserves") for n in evaluate.RESERVED + evaluate.ARTIFACT_NAMES]
                    + [(n, "function or jinja global") for n in self.globals])
        # parameters repeat among themselves in the list; constants cannot (a mapping), values can
        count = Counter(n for n, _ in declared)
        for name, n in count.items():
            if n > 1:
                kinds = [k for m, k in declared if m == name]
                self.fault(name, f"declared {n} times: as {' and as '.join(kinds)}; one would silently hide the other")

    def expression(self, where: str, text: str | None, kind: str, scope: set[str]) -> None:
        if text is None:
            return
        try:
            tree = _parse(str(text), kind)
        except TemplateSyntaxError as exc:
            self.fault(where, f"{kind} error: {exc.message} (line {exc.lineno} of the {kind})")
            return
        for name, const in _compared(tree):     # before find_undeclared_variables, whose optimizer folds lists
            param = self.params.get(name)
            if param is not None and param.choices is not None and const not in param.choices:
                self.fault(const, f"{where} compares {name} with {const!r}, which is not one of its choices {param.choices}")
        # jinja reports a name `{% set %}` inside an `{% if %}` as undeclared (it may be unset when the branch is
        # not taken); a name the template stores anywhere is its own, not the knowledge's
        stored = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "store"}
        for name in sorted(meta.find_undeclared_variables(tree) - scope - stored):
            if name in self.declared:
                self.fault(name, f"{where} uses it before the engine has computed it (not available there)")
            else:
                self.fault(name, f"{where} uses a name nobody declares (no parameter, constant, value or reserved name)")

    def all_expressions(self) -> None:
        p, full = self.p, self.scope_full
        items = set(scripts.ITEM_NAMES)
        for s in p.services:
            self.expression(f"services[{s.key}].when", s.when, "expression", self.scope_services)
            for f in ("display", "name", "watch_id", "options", "args"):
                text = getattr(s, f)
                if text is not None and "{" in text:
                    self.expression(f"services[{s.key}].{f}", text, "template",
                                    self.scope_services | (items if s.for_each else set()))
        for i, v in enumerate(p.values):
            self.expression(f"values[{v.name}].expr", v.expr, "expression",
                            self.scope_services | {evaluate.RESERVED[1]} | set(self.values[:i]))
        if p.script:
            for side in ("start", "stop"):
                for i, a in enumerate(getattr(p.script, side)):
                    where, scope = f"script.{side}[{i}]", self.scope_script | (items if a.for_each else set())
                    self.expression(f"{where}.when", a.when, "expression", self.scope_script)
                    for path in ACTION_TEMPLATES.get(a.kind, []):
                        text = a
                        for part in path.split("."):
                            text = getattr(text, part)
                        if not (path in UNDOES and text == "all") and not (a.kind in UNDOES and text == "all"):
                            self.expression(f"{where}.{path}", text, "template", scope)
                    if isinstance(a.sleep, str):
                        self.expression(f"{where}.sleep", a.sleep, "template", scope)
            for i, w in enumerate(p.script.stop_wrap):
                self.expression(f"script.stop_wrap[{i}].when", w.when, "expression", self.scope_script)
            for hook, text in p.script.hooks:
                self.expression(f"script.hooks.{hook}", text, "template", self.scope_script | set(scripts.HOOK_NAMES))
            self.expression("script.adds_to", p.script.adds_to, "template", self.scope_script)
        for g, group in p.registry.items():
            for i, reg in enumerate(group.values):
                self.expression(f"registry.{g}.values[{i}].when", reg.when, "expression", full)
                self.expression(f"registry.{g}.values[{i}].data", reg.data, "template", full)
                self.expression(f"registry.{g}.values[{i}].restore", reg.restore, "template", full)
        for i, k in enumerate(p.sync_keys):
            self.expression(f"sync_keys[{i}].kept_when", k.kept_when, "expression", full)
        for c in p.checks:
            self.expression(f"checks[{c.id}].when", c.when, "expression", full)
            self.expression(f"checks[{c.id}].en", c.en, "template", full)
            self.expression(f"checks[{c.id}].ja", c.ja, "template", full)
        for step in p.steps:
            self.expression(f"steps[{step.id}].when", step.when, "expression", full)
            local = full | (set(evaluate.ARTIFACT_NAMES) if step.for_each else set())
            for field, text in [("title.en", step.title.en), ("title.ja", step.title.ja), ("artifact", step.artifact),
                                ("commands", step.commands)] + ([("why.en", step.why.en), ("why.ja", step.why.ja)] if step.why else []) \
                    + [(f"gui[{i}]", g) for i, g in enumerate(step.gui)]:
                self.expression(f"steps[{step.id}].{field}", text, "template", local)
        for a in p.artifacts:
            local = full | (set(evaluate.ARTIFACT_NAMES) if a.for_each else set())
            self.expression(f"artifacts[{a.path}].when", a.when, "expression", full)
            self.expression(f"artifacts[{a.path}].path", a.path, "template", local)
            if a.kind in TEMPLATE_KINDS:
                self.expression(f"artifacts[{a.path}].template", a.template, TEMPLATE_KINDS[a.kind], local)
        for e in p.errata:
            self.expression(f"errata[{e.id}].when", e.when, "expression", full)
            self.expression(f"errata[{e.id}].emits", e.emits, "template", full)

    # scenarios ------------------------------------------------------------------------------------------
    def scenarios_listed(self) -> None:
        listed = [(f"steps[{s.id}].scenarios", s.scenarios) for s in self.p.steps] + \
                 [(f"artifacts[{a.path}].scenarios", a.scenarios) for a in self.p.artifacts] + \
                 ([("script.scenarios", self.p.script.scenarios)] if self.p.script else [])
        for where, scenarios in listed:
            for s in scenarios or []:
                if s not in self.scenarios:
                    declares = (f"its scenario parameter declares {self.scenarios}" if self.scenarios
                                else "the product declares no scenario parameter")
                    self.fault(s, f"{where} lists a scenario the product does not declare ({declares})")

    # fields without effect ------------------------------------------------------------------------------
    def no_effect(self) -> None:
        if self.p.script:
            for side in ("start", "stop"):
                for i, a in enumerate(getattr(self.p.script, side)):
                    where = f"script.{side}[{i}] is a {a.kind} action"
                    if a.on_error is not None and a.kind in UNDOES:
                        self.fault("on_error", f"{where}: on_error has no effect on the lines it expands to")
                    if a.for_each is not None and a.kind in ("load", "kill"):
                        self.fault("for_each", f"{where}: for_each has no effect (a service's own for_each "
                                   "makes one load per entry)")
                    if side == "stop" and a.kind in ("load", "share", "monitor"):
                        undo = next(k for k, v in UNDOES.items() if v == a.kind)
                        self.fault(a.kind, f"{where}: stop.bat {'never loads' if a.kind == 'load' else 'undoes it with ' + undo}"
                                   f"; a {a.kind} action belongs in start")
                    if side == "start" and a.kind in UNDOES:
                        self.fault(a.kind, f"{where}: start.bat has nothing to undo yet; {a.kind} belongs in stop")
                    if side == "stop" and a.slot == "recover":
                        self.fault("slot", f"script.stop[{i}] has slot recover: stop.bat has no RECOVER branch "
                                   f"(slots of stop.bat: {', '.join(s for s in SLOTS if s != 'recover')})")
            for side in ("start", "stop"):
                for i, a in enumerate(getattr(self.p.script, side)):
                    if isinstance(a.sleep, str) and "{" not in a.sleep and not a.sleep.strip().isdigit():
                        self.fault("sleep", f"script.{side}[{i}].sleep {a.sleep!r} is not a number of seconds")
            loaded = {a.load for a in self.p.script.start if a.load}
            for svc in self.p.services:
                options = svc.options or self.p.script.armload_options or ""
                if svc.key in loaded and "/S" not in options.upper().split():
                    self.fault(svc.key, f"services[{svc.key}] is loaded with ARMLOAD options {options!r}: without /S "
                               "ARMLOAD would run it as a program, not start it as a service (give options or "
                               "script.armload_options)")
            if self.p.script.net_yes is None and self.p.script.stop_wrap:
                self.fault("stop_wrap", "script.stop_wrap needs net_yes (the switch of its net stop / net start lines)")
        for a in self.p.artifacts:
            kind = KINDS.get(a.kind)
            if kind is None:
                self.fault(a.kind, f"artifacts[{a.path}] is of no registered kind ({', '.join(KINDS)})")
                continue
            if kind.encodings and a.encoding not in kind.encodings:
                self.fault("encoding", f"artifacts[{a.path}] is of kind {a.kind}, written in "
                           f"{' or '.join(kind.encodings)} only, not {a.encoding}")
            if a.template is not None and a.kind not in TEMPLATE_KINDS:
                self.fault("template", f"artifacts[{a.path}] is of kind {a.kind}, which ignores template "
                           f"(only {', '.join(TEMPLATE_KINDS)} use it)")
            if a.template is None and a.kind in TEMPLATE_KINDS:
                self.fault("template", f"artifacts[{a.path}] is of kind {a.kind}, which needs a template")
            if a.source is not None and a.kind not in SOURCE_KINDS:
                self.fault("source", f"artifacts[{a.path}] is of kind {a.kind}, which ignores source "
                           f"(only {' and '.join(SOURCE_KINDS)} use it)")
        for s in self.p.steps:
            if s.artifact is not None and s.commands is not None:
                self.fault("artifact", f"steps[{s.id}] has commands, whose file replaces artifact: artifact has no effect")

    # references -----------------------------------------------------------------------------------------
    def references(self) -> None:
        p = self.p
        if p.id != self.path.stem:
            self.fault(p.id, f"the product id differs from the file name {self.path.name!r}: `ppguide run "
                       f"{self.path.stem}` would load a product of another id")
        keys = {s.key for s in p.services}
        lists = set(self.params) | set(self.values) | set(p.constants)
        for s in p.services:
            if s.for_each and s.for_each not in self.params and s.for_each not in p.constants:
                self.fault(s.for_each, f"services[{s.key}].for_each names no parameter or constant "
                           "(services are computed before the values)")
        for step in p.steps:
            if step.for_each and step.for_each not in lists:
                self.fault(step.for_each, f"steps[{step.id}].for_each names no parameter, constant or value")
        self.loops()
        if p.script:
            self.pairs()
            if p.script.group_parameter and p.script.group_parameter not in self.params:
                self.fault(p.script.group_parameter, "script.group_parameter names a parameter the product does not declare")
            for side in ("start", "stop"):
                for i, a in enumerate(getattr(p.script, side)):
                    if a.for_each and a.for_each not in lists:
                        self.fault(a.for_each, f"script.{side}[{i}].for_each names no parameter, constant or value")
            used = [(f"script.{side}[{i}]", a.load or a.kill) for side in ("start", "stop")
                    for i, a in enumerate(getattr(p.script, side)) if a.load or (a.kill and a.kill != "all")]
            used += [("script.first", k) for k in p.script.first]
            for where, key in used:
                if key not in keys:
                    self.fault(key, f"{where} names a service the product does not declare (services: {sorted(keys)})")
            known = set(knowledge_files()) | {f.stem for f in self.path.parent.glob("*.yaml")}
            for other in p.script.after:
                if other not in known and other != AFTER_ALL:
                    self.fault(other, "script.after names a product that no knowledge file defines")
        errata = {e.id for e in p.errata}
        for lit in p.cited():
            if lit.erratum and lit.erratum not in errata:
                self.fault(lit.erratum, f"literal {str(lit)!r} (@L{lit.line}) names an erratum the product does not record")
        places = load_places()
        for where, place in [(f"steps[{s.id}].place", s.place) for s in p.steps] + \
                            [(f"artifacts[{a.path}].place", a.place) for a in p.artifacts]:
            if place not in places:
                self.fault(place, f"{where} is not a place of data/places.yaml ({', '.join(places)})")
        for x in p.parameters:
            if why := declaration_problem(x):
                self.fault(x.name, why)
        for c in p.checks:
            if c.level == "error" and not c.params:
                self.fault(c.id, "an error check must name in params the parameters it rejects")
            for name in c.params:
                if name not in self.params:
                    self.fault(name, f"checks[{c.id}].params names a parameter the product does not declare")
        for e in p.errata:
            if e.override and e.override not in self.params:
                self.fault(e.override, f"errata[{e.id}].override names a parameter the product does not declare")
        for a in p.artifacts:
            if a.for_each and a.for_each not in self.params and a.for_each not in self.values:
                self.fault(a.for_each, f"artifacts[{a.path}].for_each names no parameter or value")
            source = KINDS[a.kind].source if a.kind in KINDS else None
            if source == "registry" and a.source not in p.registry:
                self.fault(a.source, f"artifacts[{a.path}] needs source: one of the registry groups {sorted(p.registry)}")
            if source == "registry" and a.kind == "registry-restore" and a.source in p.registry \
                    and not any(v.restore is not None for v in p.registry[a.source].values):
                self.fault(a.source, f"artifacts[{a.path}] restores registry group {a.source}, whose values give no restore")
            if source == "sync" and a.source not in SYNC_SOURCES:
                self.fault(a.source, f"artifacts[{a.path}] needs source: add or remove")

    def loops(self) -> None:
        """Steps of one `loop` stand next to each other and repeat over the same list."""
        seen: dict[str, int] = {}
        for i, step in enumerate(self.p.steps):
            if step.loop is None:
                continue
            if not step.for_each:
                self.fault(step.loop, f"steps[{step.id}] is in loop {step.loop!r} but has no for_each to repeat over")
            if step.loop in seen:
                before = self.p.steps[i - 1]
                if before.loop != step.loop:
                    self.fault(step.loop, f"steps[{step.id}] is in loop {step.loop!r}, whose steps do not stand together")
                elif before.for_each != step.for_each:
                    self.fault(step.loop, f"steps[{step.id}] repeats over {step.for_each!r}, the loop {step.loop!r} "
                               f"over {before.for_each!r}")
            seen.setdefault(step.loop, i)

    def pairs(self) -> None:
        """What start.bat shares or switches on, stop.bat must remove or switch off (by the same name, or all)."""
        spec = self.p.script
        if spec is None:
            return
        for kind, undo in (("share", "unshare"), ("monitor", "unmonitor")):
            started = [a for a in spec.start if a.kind == kind]
            undone = [getattr(a, undo) for a in spec.stop if a.kind == undo]
            names = {_started_name(a, kind) for a in started}
            for i, a in enumerate(spec.start):
                if a.kind == kind:
                    name = _started_name(a, kind)
                    if "all" not in undone and name not in undone:
                        self.fault(kind, f"script.start[{i}] is a {kind} that stop.bat never undoes "
                                   f"(add {{{undo}: all}} or {{{undo}: {name!r}}} to script.stop)")
            for i, a in enumerate(spec.stop):
                if a.kind == undo and getattr(a, undo) != "all" and getattr(a, undo) not in names:
                    self.fault(undo, f"script.stop[{i}] undoes {getattr(a, undo)!r}, which no {kind} of start.bat "
                               f"names ({sorted(names)})")

    def run(self) -> list[KnowledgeFault]:
        self.names()
        self.all_expressions()
        self.scenarios_listed()
        self.no_effect()
        self.references()
        return self.faults


def _started_name(action, kind: str) -> str:
    """What a share or monitor action is undone by: the share's name or the monitor's command."""
    return action.share.name if kind == "share" else action.monitor.command


def check_file(path: Path, data: bytes | None = None) -> tuple[Product | None, list[KnowledgeFault]]:
    """The product `path` defines (None when it cannot be built) and every fault of the file; `data`, when
    given, is the file's content as the caller already read it (what it checked is then what it read)."""
    path = Path(path)
    file = shown(path)
    try:
        raw, repeated = _read(path, data)
    except OSError as exc:
        return None, [KnowledgeFault(file, path.name, f"cannot be read: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return None, [KnowledgeFault(file, path.name, f"is not UTF-8 text: {exc.reason} at byte {exc.start}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark else ""
        return None, [KnowledgeFault(file, path.name, f"is not valid YAML: {getattr(exc, 'problem', None) or exc}{at}")]
    faults = [KnowledgeFault(file, key, f"given twice in one mapping (line {line}); YAML would keep only the last")
              for key, line in repeated]
    if not isinstance(raw, dict):
        return None, faults + [KnowledgeFault(file, path.name, "must hold a mapping (id, title, parameters...)")]
    raw, unshared = expand_shared(raw)
    faults += [KnowledgeFault(file, name, f"parameters: `use: {name}` {what}") for name, what in unshared]
    try:
        product = Product.model_validate(raw)
    except ValidationError as exc:
        return None, faults + _schema_faults(file, raw, exc)
    return product, faults + _Checker(path, product).run()


def check(paths: list[Path] | None = None) -> tuple[list[Path], list[KnowledgeFault]]:
    """Check knowledge files: the given files, the *.yaml files of the given folders, or with none every file
    of the search path (overridden built-in ones too). Returns the files checked and their faults."""
    if not paths:
        from .knowledge import search_path
        paths = search_path()
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    faults = [f for file in files for f in check_file(file)[1]]
    return files, faults
