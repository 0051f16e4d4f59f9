"""Rules on the order of a procedure's steps, enforced on every bundle the engine builds.

A step's `kind` (procedures/*.yaml) says what it does; these rules say what may follow what.
A violation is a bug in the knowledge, not in the engineer's input: it raises KnowledgeError
naming the product, the scenario and the steps involved.

1. Installers reset start types. An install, update or uninstall on a cluster node, of a product
   whose services the failover group's script starts, is followed by a `services` step before
   the group is started again (guide lines 284-286, 1137-1140: Alert Manager Socket (R) Service
   may come back as automatic, and a service that starts by itself makes the cluster fail over).
2. Script lines are cut only with the group stopped or its monitoring paused. Between a
   `script-edit` that removes ARMLOAD lines and the next install, update or uninstall on a node
   there is a `group-stop` or `monitor-pause` step: the running group keeps watching the services
   it loaded until it stops, and an installer that stops a watched service fails the group over or
   shuts the node down (lines 291, 1747-1749, 1938-1946; JMSS's uninstall starts the group again
   at line 2663, so it was stopped).
3. Synchronised keys are registered after the start types. When a procedure adds keys to the
   synchronised registry, no `services` step comes after it (line 519: register the keys only once
   the start types are changed on both nodes; the start type of Nvbase lives in a synchronised key,
   line 674).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import expressions
from .bundle import StepOut
from .errors import KnowledgeError
from .knowledge import Product

NODE_PLACES = ("active", "standby", "each_node")
INSTALLERS = ("install", "update", "uninstall")


def _name(s: StepOut) -> str:
    return f"{s.n} {s.id} ({s.kind})"


def group_started(product: Product, ctx: dict[str, Any]) -> bool:
    """Whether the group's script starts services this product's installers may switch to automatic."""
    if product.group_started is not None:
        return expressions.holds(product.group_started, ctx)
    return product.script is not None and ctx.get("scenario") in product.script.scenarios


def rule_services_after_installers(steps: Sequence[StepOut], started: bool) -> list[str]:
    if not started:
        return []
    problems = []
    for i, s in enumerate(steps):
        if s.kind not in INSTALLERS or s.place not in NODE_PLACES:
            continue
        after = []
        for t in steps[i + 1:]:
            if t.kind == "group-start":
                break
            after.append(t)
        if not any(t.kind == "services" for t in after):
            problems.append(f"rule 1: step {_name(s)} is not followed by a services step before the group starts again")
    return problems


def rule_group_stopped_before_installers(steps: Sequence[StepOut], removes_lines: set[str]) -> list[str]:
    problems = []
    for i, s in enumerate(steps):
        if s.kind != "script-edit" or s.id not in removes_lines:
            continue
        for t in steps[i + 1:]:
            if t.kind in ("group-stop", "monitor-pause"):
                break
            if t.kind in INSTALLERS and t.place in NODE_PLACES:
                problems.append(f"rule 2: step {_name(s)} removes script lines, then step {_name(t)} runs "
                                "with no group-stop or monitor-pause step between them")
                break
    return problems


def rule_sync_after_services(steps: Sequence[StepOut], scenario: str | None) -> list[str]:
    if scenario == "uninstall":
        return []          # keys are removed, not registered
    problems = []
    for i, s in enumerate(steps):
        if s.kind != "sync-registry":
            continue
        late = [t for t in steps[i + 1:] if t.kind == "services"]
        if late:
            problems.append(f"rule 3: step {_name(s)} registers synchronised keys before start types are set "
                            f"(step {', '.join(_name(t) for t in late)})")
    return problems


def violations(product: Product, ctx: dict[str, Any], steps: Sequence[StepOut]) -> list[str]:
    removes = {s.id for s in product.steps if s.removes_lines}
    return (rule_services_after_installers(steps, group_started(product, ctx))
            + rule_group_stopped_before_installers(steps, removes)
            + rule_sync_after_services(steps, ctx.get("scenario")))


def enforce(product: Product, ctx: dict[str, Any], steps: Sequence[StepOut]) -> None:
    """Raise KnowledgeError when the steps break a rule."""
    found = violations(product, ctx, steps)
    if found:
        raise KnowledgeError(f"procedures/{product.id}.yaml",
                             f"scenario {ctx.get('scenario', '-')}: the steps break the sequencing rules:\n  "
                             + "\n  ".join(found))
