"""The library's entry points on the guide's example facts.

Real clusters have no defaults for their facts (names, addresses, drives, UPSs), so
a product test starts from the facts of the guide's own example for that product
(data/guide-examples.yaml, each with its guide line) and overrides what it studies.
Tests of missing or bad facts call ppguide.evaluate directly.
"""
from __future__ import annotations

from typing import Any

from ppguide import evaluate as _engine
from ppguide import params as _params
from ppguide.examples import guide_example
from ppguide.knowledge import load


def facts(product_id: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The guide's example facts for the product, overridden by `given`."""
    return guide_example(product_id) | dict(given or {})


def evaluate(product_id: str, given: dict[str, Any] | None = None):
    return _engine.evaluate(product_id, facts(product_id, given))


def write_bundle(product_id: str, given: dict[str, Any] | None, outdir):
    return _engine.write_bundle(product_id, facts(product_id, given), outdir)


def prepare(product_id: str, given: dict[str, Any] | None = None):
    return _engine.prepare(product_id, facts(product_id, given))


def group_facts(group: dict[str, Any]) -> dict[str, Any]:
    """A group file whose shared parameters start from the guide's example facts of its products."""
    shared: dict[str, Any] = {}
    for entry in group.get("products") or []:
        shared |= {k: v for k, v in guide_example(entry.get("id", "")).items() if k not in shared}
    shared.pop("failover_group", None)
    return dict(group, parameters=shared | dict(group.get("parameters") or {}))


def compose(group: dict[str, Any]):
    from ppguide.compose import compose as _compose
    return _compose(group_facts(group))


def validate(product, given: dict[str, Any] | None = None):
    return _params.validate(product, facts(product.id, given))


__all__ = ["compose", "evaluate", "facts", "group_facts", "load", "prepare", "validate", "write_bundle"]
