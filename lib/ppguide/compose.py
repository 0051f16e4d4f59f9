"""Several products in one failover group: one start.bat, one stop.bat, the union of the rest.

A group file names the `failover_group`, shared `parameters` and `products`
(a list of {id, parameters}). Services are merged by service name, so a service
two products start (FileTransfer's under DeliveryManager, ESM Base Service under
ServerManager and Netvisor...) is started once, by the first product that
starts it. Products are ordered by their `after` constraints (stable in the
order the group file gives; "*" means after every product that does not say "*"); services a product declares `first` start before
all others and stop after them; stop.bat walks the blocks in reverse.

Every other artifact is merged as its kind says (artifact_kinds.KINDS): copied into the
product's folder, or its entries united into one file at the group's root (services.bat,
sync-registry.txt). A product's script names the parameter that holds its group's name
(script.group_parameter); the group's name is given to it there. A product without a script takes it in
`failover_group` when it declares that parameter (group_parameter).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import emit_bat
from .artifact_kinds import KINDS
from .bundle import Bundle, File
from .errors import ParameterError, PpguideError, Problem, as_typed
from .evaluate import _encode, artifact_files, checklist_md, evaluate, prepare
from .evaluate import sources as source_of
from .inputs import InputError, check_keys
from .knowledge import AFTER_ALL, load
from .params import check
from .scripts import GroupScript, apply_hooks, body_block, head_block, wraps_for


class GroupConflict(PpguideError):
    """The products of a group cannot be ordered as each of them requires."""


GROUP_KEYS = {"failover_group": "the failover group's name",
              "parameters": "facts shared by every product; each takes those it declares",
              "products": "the list of {id, parameters?}"}
PRODUCT_KEYS = {"id": "a product id from `ppguide products`", "parameters": "the product's own parameters"}


def read_group(data: Any, where: str = "group") -> tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    check_keys(data, where, GROUP_KEYS, required=("failover_group", "products"))
    group = check("groupname", "failover_group", data["failover_group"])
    products = data["products"]
    if not isinstance(products, list) or not products:
        raise InputError(f"{where}: products", "must be a non-empty list of {id, parameters?}",
                         "{id, parameters?} の空でないリストが必要です")
    entries = []
    for i, p in enumerate(products, 1):
        check_keys(p, f"{where}: product {i}", PRODUCT_KEYS, required=("id",))
        own = p.get("parameters") or {}
        if not isinstance(own, dict):
            raise InputError(f"{where}: product {i}: parameters", "must be a mapping of parameter names to values",
                             "パラメータ名と値のマッピングが必要です")
        entries.append((load(str(p["id"])).id, dict(own)))
    ids = [pid for pid, _ in entries]
    if len(set(ids)) != len(ids):
        raise ParameterError([Problem("products", ids, "each product once", "各製品は 1 回のみ")])
    shared = data.get("parameters") or {}
    if not isinstance(shared, dict):
        raise InputError(f"{where}: parameters", "must be a mapping of parameter names to values",
                         "パラメータ名と値のマッピングが必要です")
    return group, dict(shared), entries


def _order(ids: list[str]) -> list[str]:
    """Stable topological order by each product's `after` list (products absent from the group are ignored)."""
    scripts = {i: load(i).script for i in ids}
    # "*": after every product of the group that does not say "*" itself (BOM switches its monitors on once
    # the applications run and off before they stop, whichever products those are)
    last = {i for i, s in scripts.items() if s and AFTER_ALL in s.after}
    after = {i: [a for a in ([x for x in ids if x not in last] if i in last else []) + (s.after if s else [])
                 if a in ids and a != i] for i, s in scripts.items()}
    done: set[str] = set()
    order: list[str] = []
    visiting: list[str] = []

    def visit(i: str) -> None:
        if i in done:
            return
        if i in visiting:
            cycle = visiting[visiting.index(i):] + [i]
            raise GroupConflict("products must each start after the other: " + " -> ".join(cycle),
                                "製品の起動順序が循環しています: " + " -> ".join(cycle))
        visiting.append(i)
        for a in after[i]:
            visit(a)
        visiting.pop()
        done.add(i)
        order.append(i)

    for i in ids:
        visit(i)
    return order


def group_parameter(product) -> str | None:
    """The parameter that names the product's failover group: its script's `group_parameter`; for a product with
    no script of its own (AppManager 5.0's management server on an existing group's floating IP, guide L9704),
    the vocabulary's `failover_group` when it declares it. The group gives that parameter its name."""
    if product.script:
        return product.script.group_parameter
    return "failover_group" if any(p.name == "failover_group" for p in product.parameters) else None


def group_script(prepared: list[tuple[Any, dict[str, Any]]]) -> GroupScript:
    """Merge the scripts of prepared (product, ctx) pairs that have one."""
    with_script = [(p, c) for p, c in prepared if p.script]
    firsts: dict[str, list[str]] = {}
    for p, c in with_script:
        for key in p.script.first:
            svc = next((s for s in c["services"] if s.key == key), None)
            if svc:
                firsts.setdefault(svc.name, []).append(p.id)
    if len(firsts) > 1:
        claims = "; ".join(f"{name} ({', '.join(who)})" for name, who in firsts.items())
        raise GroupConflict(f"more than one service must start first in the group: {claims}",
                            f"最初に起動すべきサービスが複数あります: {claims}")
    loaded: set[str] = set()
    heads: list[Any] = []
    bodies: list[Any] = []
    wraps: list[Any] = []
    for p, c in with_script:           # services that start first, before any product's own lines
        head = head_block(p, c, loaded)
        if head:
            heads.append(head)
    for p, c in with_script:
        bodies.append(body_block(p, c, loaded))
        for w in wraps_for(p, c):
            if w.display not in [x.display for x in wraps]:
                wraps.append(w)
    return apply_hooks(GroupScript([p.id for p, _ in with_script], heads + bodies, wraps), with_script)


def compose(data: Any, where: str = "group") -> Bundle:
    """The group's bundle, all in memory; raises ParameterError, InputError or GroupConflict and writes nothing."""
    group, shared, products = read_group(data, where)
    order = _order([pid for pid, _ in products])
    own = dict(products)
    prepared, bundles, problems = [], [], []
    for pid in order:
        product = load(pid)
        declared = {p.name for p in product.parameters}
        param = group_parameter(product)
        if param and param in own[pid] and own[pid][param] != group:
            problems.append(Problem(f"{pid}.{param}", own[pid][param], f"{as_typed(group)} (the group's name)",
                                    f"{as_typed(group)} (グループ名)"))
        given = {k: v for k, v in shared.items() if k in declared} | own[pid]
        if param:
            given[param] = group
        try:
            prepared.append(prepare(pid, given))
            bundles.append(evaluate(pid, given))
        except ParameterError as exc:
            problems += [Problem(f"{pid}.{p.parameter}", p.given, p.expected_en, p.expected_ja) for p in exc.problems]
    if problems:
        raise ParameterError(problems)
    script = group_script(prepared)

    sources = ", ".join(source_of(p) for p, _ in prepared)
    files: list[File] = []
    if script.blocks:
        for kind in (k for k in KINDS.values() if k.merge == "script"):
            side = kind.name.split("-")[0]
            files.append(File(f"{side}.bat", kind.name, "cluster_manager", "cp932",
                              emit_bat.script(side, script, group, sources)))
    # union kinds: the entries of every product's file, in the order kinds are registered
    unions: dict[str, tuple[Any, list[str]]] = {}
    for (p, c), b in zip(prepared, bundles):
        made = artifact_files(p, c)
        for art, local, f in made:
            kind = KINDS[art.kind]
            if kind.merge == "script":
                continue
            items = kind.items(p, art, local) if kind.merge == "union" and kind.items else None
            if items is None:
                files.append(File(f"{p.id}/{f.path}", f.role, f.place, f.encoding, f.content))
                continue
            first, entries = unions.setdefault(kind.name, (art, []))
            entries += [i for i in items if i not in entries]
        ours = {f.path for _, _, f in made}
        files += [File(f"{p.id}/{f.path}", f.role, f.place, f.encoding, f.content) for f in b.files if f.path not in ours]
    for name in (k for k in KINDS if k in unions):
        art, entries = unions[name]
        merge = KINDS[name].group
        if entries and merge:
            files.append(File(art.path, art.role, art.place, art.encoding, merge(entries, art, sources)))
    at_root = {f.path for f in files if "/" not in f.path}

    out = Bundle("group", f"Failover group {group}", "+".join(b.section for b in bundles),
                 (min(b.lines[0] for b in bundles), max(b.lines[1] for b in bundles)),
                 {"failover_group": group, "products": {b.product: b.parameters for b in bundles}},
                 values={f"{b.product}.{k}": v for b in bundles for k, v in b.values.items()},
                 warnings=[type(w)(f"{b.product}.{w.id}", w.en, w.ja, w.cite) for b in bundles for w in b.warnings],
                 errata=[replace(e, product=b.product) for b in bundles for e in b.errata])
    for b in bundles:
        for s in b.steps:
            s.product = b.product
            s.artifact = s.artifact if s.artifact is None or s.artifact in at_root else f"{b.product}/{s.artifact}"
        out.steps += b.steps
    out.files = files
    out.files.append(File("checklist.md", "checklist", "reader", "utf-8", _encode(checklist_md(out), "utf-8")))
    return out


def write_group(data: Any, outdir, force: bool = False, keep=(), where: str = "group") -> Bundle:
    """Compose the group and write its bundle into `outdir`."""
    bundle = compose(data, where)
    bundle.write(outdir, force, keep)
    return bundle
