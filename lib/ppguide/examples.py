"""The guide's own example facts per product (data/guide-examples.yaml).

Facts of a real cluster (names, addresses, drives, UPSs) have no defaults. The
guide's worked examples still matter: they are what its samples and figures were
computed from, so tests compare products against them and readers can see them.
"""
from __future__ import annotations

import copy
from functools import cache
from typing import Any

from .knowledge import read_data


@cache
def _examples() -> dict[str, Any]:
    return read_data("guide-examples.yaml")["products"]


def guide_example(product_id: str) -> dict[str, Any]:
    """The facts the guide's example gives for this product (a fresh copy; empty when it gives none)."""
    return copy.deepcopy(_examples().get(product_id, {}).get("parameters", {}))


def guide_example_cites(product_id: str) -> dict[str, int]:
    """Guide line of each example fact the guide prints."""
    return dict(_examples().get(product_id, {}).get("cite", {}))
