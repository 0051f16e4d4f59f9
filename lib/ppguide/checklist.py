"""checklist.md: the bundle's steps as one ordered list an engineer works down, then warnings and errata."""
from __future__ import annotations

from .bundle import Bundle
from .knowledge import load_places


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def checklist_md(b: Bundle) -> str:
    places = load_places()
    out = [f"# {b.title}: procedure checklist", "",
           f"Guide section {b.section}, lines {b.lines[0]}-{b.lines[1]}. Scenario: {b.parameters.get('scenario', '-')}.", "",
           "Work down the list in order and tick `[x]` each step done: a later step may rely on an earlier one done on another machine."
           + (" In a group, each product's procedure follows the previous one; a step keeps its number in its "
              "product's own bundle (as in commands/NN-*.bat)." if any(s.product for s in b.steps) else ""), "",
           "| done | # | place / 作業場所 | what / 手順 | why | GUI | guide lines | file |",
           "|---|---|---|---|---|---|---|---|"]
    for s in b.steps:
        place = places[s.place]
        out.append(f"| [ ] | {s.product + ' ' if s.product else ''}{s.n} | {_cell(place.en)} / {_cell(place.ja)} | {_cell(s.title_en)} / {_cell(s.title_ja)} | "
                   f"{_cell(s.why_en)} | {_cell(' / '.join(s.gui))} | {', '.join(map(str, s.cite))} | {_cell(s.artifact or '')} |")
    out.append("")
    if b.warnings:
        out += ["## Warnings / 警告", ""] + [f"- **{w.id}**: {w.en} / {w.ja}" for w in b.warnings] + [""]
    if b.errata:
        out += ["## Guide errata that apply / 適用されるガイドの誤り", ""]
        out += [f"- line {e.line} ({e.kind}): the guide says `{e.guide}`; ppguide emits `{e.emits}`. {e.why_en}"
                for e in b.errata] + [""]
    return "\n".join(out)
