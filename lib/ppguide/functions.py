"""Computations the knowledge may call from its expressions (values, checks, artifacts).

Each is a plain function of the library, registered under the name a product
file uses, e.g. ``expr: broadcast(public_ip, subnet_mask).address``. They return
JSON-ready data (dicts, lists, numbers, text) so that computed values can go into
manifest.json as they are; product facts (labels, numbers with their guide lines)
stay in the knowledge and come in as arguments.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

from jinja2 import pass_context

from . import expressions, network
from .errors import KnowledgeError


def broadcast(public_ip: str, subnet_mask: str) -> dict[str, Any]:
    """Local broadcast address with its working: address, network, prefixlen, working rows, warnings."""
    return network.broadcast(public_ip, subnet_mask).to_dict()


def budget(**kw: Any) -> dict[str, Any]:
    """The §1.7.7 (5) control-terminal budget, both cases. The knowledge checks the disk-before-server order."""
    from . import ups_budget  # the UPS products only: other kernels need not import it
    return ups_budget.compute_budget(**{"require_disk_first": False, **kw}).to_dict()


def server_budget(*, confirm_s: int, shutdown_s: int, power_off_delay_s: int, names: list[str] | None = None) -> dict[str, Any]:
    """The single-server budget (①+②+③ = ④) of §1.6, §1.8 and §1.9."""
    from . import ups_budget
    kw = {"names": names} if names else {}
    return ups_budget.compute_server_budget(confirm_s=confirm_s, shutdown_s=shutdown_s,
                                            power_off_delay_s=power_off_delay_s, **kw).to_dict()


def battery_verdicts(budget_: dict[str, Any], ups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One verdict per UPS record: safe, or short by how many seconds, and why."""
    from . import ups_budget
    return [v.to_dict() for v in ups_budget.check_ups_batteries(ups_budget.from_dict(budget_), ups)]


def timeline_png(budget_: dict[str, Any]) -> bytes:
    """The budget's timelines as PNG bytes (deterministic, so drawn once per distinct budget)."""
    return drawn_timeline(json.dumps(budget_, sort_keys=True))


@lru_cache(maxsize=64)
def drawn_timeline(budget_json: str) -> bytes:
    """The PNG of a budget given as JSON text, kept per text: drawing costs 100-200 ms, ten times the rest
    of a UPS bundle. `drawn_timeline.cache_clear()` makes the next bundle draw again."""
    from . import ups_budget
    return ups_budget.timeline_png(json.loads(budget_json))


_NUMBER = re.compile(r"(\d+)\s*(秒|分|sec|s)?", re.I)


def seconds(text: str) -> int:
    """Seconds in a cited literal: '8秒' -> 8, '約 2 分' -> 120, 'UPS台数×2秒' -> 2, '60 Sec' -> 60.

    The last number of the text counts; 分 (minutes) is multiplied by 60.
    """
    found = _NUMBER.findall(unicodedata.normalize("NFKC", str(text)))
    if not found:
        raise KnowledgeError("expression seconds()", f"no number of seconds in {text!r}")
    number, unit = found[-1]
    return int(number) * (60 if unit == "分" else 1)


def number(text: str) -> int:
    """The last whole number in a cited literal: '108V' -> 108, '4 (高)' -> 4."""
    found = re.findall(r"\d+", unicodedata.normalize("NFKC", str(text)))
    if not found:
        raise KnowledgeError("expression number()", f"no number in {text!r}")
    return int(found[-1])


def numbers(text: str) -> list[int]:
    """Every whole number in a cited literal: '20 秒、180 秒、300 秒、600 秒' -> [20, 180, 300, 600]."""
    found = [int(n) for n in re.findall(r"\d+", unicodedata.normalize("NFKC", str(text)))]
    if not found:
        raise KnowledgeError("expression numbers()", f"no number in {text!r}")
    return found


@pass_context
def rows(context, items: list[Any], columns: list[list[str]]) -> list[dict[str, Any]]:
    """A table (list of row dicts) from items: each column is [header, expression over `item`, `index`]."""
    ctx = dict(context.get_all())
    out = []
    for index, item in enumerate(items):
        local = dict(ctx, item=item, index=index)
        out.append({header: expressions.value(expr, local) for header, expr in columns})
    return out


expressions.register(broadcast=broadcast, ups_budget=budget, server_budget=server_budget,
                     battery_verdicts=battery_verdicts, timeline_png=timeline_png, seconds=seconds, number=number, numbers=numbers,
                     rows=rows)
