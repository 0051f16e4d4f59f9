"""Every literal taken from the guide stands on the guide line it cites, or is a recorded correction."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ppguide.cited import normalise, stands_on
from ppguide.knowledge import load, product_ids

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt"
LINES = GUIDE.read_text(encoding="utf-8").split("\n")


def guide_line(n: int) -> str:
    return LINES[n - 1]


PRODUCTS = product_ids()


def literal_cases():
    for pid in PRODUCTS:
        for lit in load(pid).cited():
            yield pytest.param(pid, lit, id=f"{pid}:L{lit.line}:{str(lit)[:30]}")


@pytest.mark.parametrize("pid,lit", list(literal_cases()))
def test_cited_literal_stands_on_its_line(pid, lit):
    line = guide_line(lit.line)
    if lit.erratum:
        erratum = next(e for e in load(pid).errata if e.id == lit.erratum)
        assert lit.line in [erratum.line, *erratum.also], f"{lit!r} cites line {lit.line}, erratum {erratum.id} is elsewhere"
        return
    if "{" in lit:      # a template (a service name per logical host...): its literal parts stand on the line
        parts = [p for p in re.split(r"\{\{.*?\}\}|\{%.*?%\}", lit) if p.strip()]
        assert all(stands_on(p, line) for p in parts), f"{lit!r}: literal parts {parts} not all on line {lit.line}: {line!r}"
        return
    assert stands_on(lit, line), f"{lit!r} is not on line {lit.line}: {line!r}"


@pytest.mark.parametrize("pid", PRODUCTS)
def test_errata_quote_the_guide(pid):
    for e in load(pid).errata:
        assert stands_on(e.guide, guide_line(e.line)), f"erratum {e.id}: {e.guide!r} not on line {e.line}"


@pytest.mark.parametrize("pid", PRODUCTS)
def test_parameter_defaults_cited(pid):
    for p in load(pid).parameters:
        if p.cite is None:
            continue
        shown = p.default if not isinstance(p.default, bool) else None
        if isinstance(shown, list):
            shown = shown[0] if shown and not isinstance(shown[0], dict) else None
        if shown is not None:
            assert stands_on(str(shown), guide_line(p.cite)), f"{p.name} default {p.default!r} not on line {p.cite}"


@pytest.mark.parametrize("pid", PRODUCTS)
def test_registry_data_literals_cited(pid):
    """The literal parts of a registry data template stand on its cited line."""
    for group in load(pid).registry.values():
        for v in group.values:
            for part in re.split(r"\{\{.*?\}\}", v.data or ""):
                if part.strip("\\ "):
                    assert normalise(part) in normalise(guide_line(v.cite)), f"{part!r} not on line {v.cite}"


@pytest.mark.parametrize("pid", PRODUCTS)
def test_quoted_literals_in_values_cited(pid):
    for v in load(pid).values:
        for quoted in re.findall(r"'([^']+)'", v.expr):
            assert any(stands_on(quoted, guide_line(n)) for n in v.cite), f"{v.name}: {quoted!r} uncited"


@pytest.mark.parametrize("pid", PRODUCTS)
def test_cited_lines_lie_in_the_products_section_or_are_errata(pid):
    """A literal of a product comes from that product's chapter (catches a mistyped line number)."""
    product = load(pid)
    lo, hi = product.lines
    for lit in product.cited():
        assert lo <= lit.line <= hi or lit.line in product.borrows, \
            f"{lit!r} cites line {lit.line}, outside {lo}-{hi} and not in borrows"


def test_a_wrong_citation_is_caught():
    """The check can fail: a literal moved to the wrong line is not found."""
    assert stands_on("Nvbase", guide_line(851))
    assert not stands_on("Nvbase", guide_line(852))
    assert not stands_on("ESMDSVNT", guide_line(917))
