"""The CLUSTERPRO start/stop script of a failover group, as data.

A `GroupScript` is what start.bat and stop.bat do for one or more products:
the services ARMLOADed in order on START and FAILOVER, the ARMKILLs in reverse
order on stop, and the services stopped with `net stop` around the ARMKILLs and
started again after them. `emit_bat` turns it into files.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Load:
    key: str
    watch_id: str
    service: str
    display: str
    options: str
    product: str


@dataclass(frozen=True)
class NetWrap:
    display: str
    switch: str
    product: str


@dataclass
class GroupScript:
    products: list[str]
    loads: list[Load] = field(default_factory=list)
    wraps: list[NetWrap] = field(default_factory=list)

    @property
    def kills(self) -> list[Load]:
        """Every watch id ARMLOADed, ARMKILLed in reverse order."""
        return list(reversed(self.loads))


def for_product(product, ctx) -> GroupScript:
    """The script of one product for the evaluated facts `ctx`."""
    from .expressions import holds

    spec = product.script
    by_key = {s.key: s for s in ctx["services"]}
    loads = [Load(k, by_key[k].watch_id, by_key[k].name, by_key[k].display, spec.armload_options, product.id)
             for k in spec.load if k in by_key]
    wraps = [NetWrap(w.display, spec.net_yes, product.id) for w in spec.stop_wrap if holds(w.when, ctx)]
    return GroupScript([product.id], loads, wraps)
