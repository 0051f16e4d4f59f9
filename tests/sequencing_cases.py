"""Representative parameters for every product x scenario: the example cluster's facts, then each
choice and yes/no parameter of the product flipped one at a time (sets the engine refuses are skipped)."""
from __future__ import annotations

import copy

from ppguide import site
from ppguide.knowledge import load, product_ids


def example_parameters(pid: str) -> dict:
    """The example cluster's facts for `pid` (data/example-cluster.yaml, as the site uses them)."""
    return copy.deepcopy(site.example_parameters([pid])[pid])


# Sets that single flips never reach because the engine refuses them alone (JMSS two-way needs the
# cluster-link option, lines 1164-1190).
COMBINATIONS = {
    "jmss": [{"system": "two-way", "cluster_link_option": True},
             {"system": "two-way", "cluster_link_option": True, "group_role": "job_machine"}],
}


def variants(pid: str):
    """(label, parameters): the example, then one parameter changed at a time, in every scenario."""
    product = load(pid)
    names = {p.name for p in product.parameters}
    scenarios = next((p.choices for p in product.parameters if p.name == "scenario"), [None])
    for extra in [{}] + COMBINATIONS.get(pid, []):
        yield from _flips(product, dict(example_parameters(pid), **extra), scenarios,
                          ",".join(f"{k}={v}" for k, v in extra.items()))
    assert names


def _flips(product, base: dict, scenarios, tag: str):
    for scenario in scenarios:
        start = dict(base, **({"scenario": scenario} if scenario else {}))
        scenario = f"{scenario}[{tag}]" if tag else f"{scenario}"
        yield f"{scenario}", start
        for p in product.parameters:
            if p.name == "scenario":
                continue
            if p.type == "bool":
                now = start.get(p.name, p.default)
                yield f"{scenario}:{p.name}={not now}", dict(start, **{p.name: not now})
            elif p.type == "choice" and p.choices:
                for c in p.choices:
                    if c != start.get(p.name, p.default):
                        yield f"{scenario}:{p.name}={c}", dict(start, **{p.name: c})


def all_cases():
    for pid in product_ids():
        for label, given in variants(pid):
            yield pid, label, given
