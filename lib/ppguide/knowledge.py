"""The knowledge model: what procedures/<id>.yaml may say, and the loader.

A product file declares its parameters, the services it runs under CLUSTERPRO,
its start/stop script, registry edits, keys to synchronise, the checklist of
steps per place, the checks that turn facts into warnings or refusals, the
computed values, the artifacts it emits and the guide's errata that concern it.
Every literal taken from the guide is a `Cited` string ("VALUE @L123").
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from .cited import Cited
from .errors import KnowledgeError, UnknownProductError

ROOT = Path(__file__).resolve().parents[2]
PROCEDURES = ROOT / "procedures"
DATA = ROOT / "data"

SCENARIOS = ("fresh", "failover_ready", "update", "uninstall")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: str
    ja: str


class Param(_Strict):
    name: str
    type: str
    default: Any = None
    required: bool = False
    choices: list[Any] | None = None
    min: int | None = None
    max: int | None = None
    cite: int | None = None       # guide line of the example used as default
    fields: dict[str, str] | None = None   # type records: field name -> scalar type
    help: Text


class Service(_Strict):
    key: str
    display: Cited                # display name as the GUI shows it
    name: Cited                   # service (short) name, what ARMLOAD and sc take
    watch_id: Cited | None = None
    options: Cited | None = None  # ARMLOAD switches when they differ from the script's armload_options
    args: str | None = None       # what follows the service name on the ARMLOAD line
    when: str | None = None       # condition for this service to be part of the product
    manual: bool = True           # start type must be set to manual (demand)


class Wrap(_Strict):
    """A service stopped before every ARMKILL of the group and started again after them (net stop/start)."""
    display: Cited
    when: str | None = None


class Action(_Strict):
    """One thing a script does: ARMLOAD a service, ARMKILL, or run command lines."""
    load: str | None = None       # service key -> ARMLOAD line
    kill: str | None = None       # service key, or "all": every service this product loaded, in reverse
    run: str | None = None        # jinja2 template of command lines; "{TAG}" makes labels unique per branch
    skip_rest_on_error: bool = False   # with run: on ERRORLEVEL >= 1 skip the rest of this product's lines
    when: str | None = None
    cite: list[int] = []

    @model_validator(mode="after")
    def _one(self):
        if sum(x is not None for x in (self.load, self.kill, self.run)) != 1:
            raise ValueError("an action is exactly one of load, kill, run")
        return self


class Script(_Strict):
    scenarios: list[str]
    start: list[Action]
    stop: list[Action] = [Action(kill="all")]
    first: list[str] = []         # service keys that start first (and so stop last) in any failover group
    after: list[str] = []         # products whose lines must come before this product's in a group
    armload_options: Cited
    net_yes: Cited | None = None
    stop_wrap: list[Wrap] = []
    cite: list[int]


class RegValue(_Strict):
    key: Cited                    # below the group's root
    name: Cited
    data: str | None = None       # jinja2 template; its literal parts stand on line `cite`
    type: Literal["sz", "dword", "expand_sz"] = "sz"
    when: str | None = None
    cite: int


class RegGroup(_Strict):
    root: Cited
    values: list[RegValue]


class SyncKey(_Strict):
    key: Cited
    shared: bool = False          # also used by other ESMPRO/BASE products


StepKind = Literal["install", "update", "uninstall", "services", "sync-registry", "script-edit", "group-stop",
                   "group-start", "monitor-pause", "registry", "files", "config", "gui", "check", "other"]


class Step(_Strict):
    id: str
    kind: StepKind                # what the step does; lib/ppguide/sequencing.py orders steps by it
    place: str
    title: Text
    why: Text | None = None
    scenarios: list[str] | None = None
    when: str | None = None
    gui: list[str] = []           # Japanese GUI labels exactly as the product shows them
    artifact: str | None = None   # path of the artifact this step uses
    commands: str | None = None   # jinja2 template of .bat lines for this step
    removes_lines: bool = False   # script-edit: takes ARMLOAD lines out of the group's scripts
    cite: list[int]


class Check(_Strict):
    id: str
    when: str                     # jinja2 expression; true means the check fires
    level: Literal["error", "warning"]
    params: list[str] = []        # parameters named by an error
    en: str
    ja: str
    cite: list[int]


class Value(_Strict):
    name: str
    expr: str                     # jinja2 expression over parameters and earlier values
    help: Text
    cite: list[int] = []          # lines where the expression's quoted literals stand


class Artifact(_Strict):
    path: str                     # jinja2 template
    kind: Literal["start-script", "stop-script", "registry", "services", "commands", "text",
                  "checklist", "sync-registry", "timeline", "csv"]
    role: str
    place: str
    when: str | None = None
    scenarios: list[str] | None = None
    encoding: Literal["cp932", "utf-16-le-bom", "utf-8", "ascii", "binary"] = "cp932"
    template: str | None = None   # for kind text/commands: jinja2 template of the content
    source: str | None = None     # registry: which registry group; sync-registry: add/remove
    for_each: str | None = None   # a list parameter: one file per entry (`item`, `index` in templates)


ErratumKind = Literal["guide-error", "transcription", "ambiguity"]


class Erratum(_Strict):
    """A place where the guide's text cannot be copied as it stands.

    kind: guide-error (the guide itself is wrong), transcription (lost or garbled in the text
    conversion: stray spaces, footnote marks, lost figures, underline or shading), ambiguity (the
    guide can be read two ways; the choice is a parameter or a warning).
    """
    id: str
    kind: ErratumKind
    line: int
    guide: str                    # what the guide says, exactly as it stands on the line
    emits: str                    # what ppguide emits instead
    why: Text
    also: list[int] = []          # further lines with the same error
    certain: bool = True          # False: the right form cannot be proven from the guide
    override: str | None = None   # parameter that lets the user pick the other form
    when: str | None = None       # the erratum applies to these facts only


class Table(_Strict):
    """A table from the guide, reproduced for the reader (compatibility matrices...)."""
    id: str
    title: Text
    columns: list[str]
    rows: list[list[str]]
    notes: list[Text] = []
    cite: list[int]


class Product(_Strict):
    id: str
    title: str
    section: str
    lines: tuple[int, int]
    summary: Text
    parameters: list[Param]
    constants: dict[str, Cited] = {}   # literals from the guide used by templates
    borrows: list[int] = []       # lines outside the product's section whose literals it cites (with reason in a comment)
    services: list[Service] = []
    script: Script | None = None
    # Jinja2 expression: true when the failover group's script starts services that this product's
    # install, update or uninstall may switch back to automatic (sequencing rule 1). Unset: the
    # product has a script and the scenario is one of its script's scenarios.
    group_started: str | None = None
    registry: dict[str, RegGroup] = {}
    sync_keys: list[SyncKey] = []
    values: list[Value] = []
    checks: list[Check] = []
    steps: list[Step] = []
    artifacts: list[Artifact] = []
    tables: list[Table] = []
    errata: list[Erratum] = []

    @model_validator(mode="after")
    def _consistent(self):
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ValueError("parameter names repeat")
        keys = {s.key for s in self.services}
        if self.script:
            used = [a.load for a in self.script.start + self.script.stop if a.load] + \
                   [a.kill for a in self.script.start + self.script.stop if a.kill and a.kill != "all"] + self.script.first
            missing = [k for k in used if k not in keys]
            if missing:
                raise ValueError(f"script uses unknown services {missing}")
        ids = {e.id for e in self.errata}
        for lit in self.cited():
            if lit.erratum and lit.erratum not in ids:
                raise ValueError(f"literal {lit!r} names unknown erratum {lit.erratum!r}")
        places = load_places()
        for where in [s.place for s in self.steps] + [a.place for a in self.artifacts]:
            if where not in places:
                raise ValueError(f"unknown place {where!r}; data/places.yaml lists {sorted(places)}")
        return self

    def param(self, name: str) -> Param:
        return next(p for p in self.parameters if p.name == name)

    def cited(self) -> list[Cited]:
        """Every cited literal in this product's knowledge."""
        found: list[Cited] = []

        def walk(obj: Any) -> None:
            if isinstance(obj, Cited):
                found.append(obj)
            elif isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name))
            elif isinstance(obj, dict):
                for v in obj.values():
                    walk(v)
            elif isinstance(obj, (list, tuple)):
                for v in obj:
                    walk(v)
        walk(self)
        return found


@cache
def load_places() -> dict[str, Text]:
    raw = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))
    return {k: Text(**v) for k, v in raw["places"].items()}


def product_ids() -> list[str]:
    return sorted(p.stem for p in PROCEDURES.glob("*.yaml"))


@cache
def load(product_id: str) -> Product:
    path = PROCEDURES / f"{product_id}.yaml"
    if not path.is_file():
        raise UnknownProductError(product_id, product_ids())
    try:
        return Product.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise KnowledgeError(str(path.relative_to(ROOT)), str(exc)) from None
