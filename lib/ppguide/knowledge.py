"""The knowledge model: what procedures/<id>.yaml may say, and the loader.

A product file declares its parameters, the services it runs under CLUSTERPRO,
its start/stop script, registry edits, keys to synchronise, the checklist of
steps per place, the checks that turn facts into warnings or refusals, the
computed values, the artifacts it emits and the guide's errata that concern it.
Every literal taken from the guide is a `Cited` string ("VALUE @L123").

This module is the schema and the loader: which file defines a product (PPGUIDE_PROCEDURES folders first,
then the built-in ones), read once per file. What a file must satisfy beyond its schema (names, scenarios,
templates, references) is knowledge_check's, run by load_file before a product is handed out.
"""
from __future__ import annotations

import functools
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .cited import Cited
from .errors import KnowledgeError, UnknownProductError


def _builtin(folder: str) -> Path:
    """A folder of the built-in knowledge (procedures, data).

    The wheel ships the project's top-level folders inside the package (pyproject.toml maps them to
    ppguide/procedures and ppguide/data), so an installed ppguide finds them next to its modules. A source
    checkout run with PYTHONPATH=lib has no such folders in lib/ppguide: there they stand beside lib/.
    """
    packaged = resources.files(__package__) / folder
    if packaged.is_dir():
        return Path(str(packaged))
    return CHECKOUT / folder


#: The source checkout this module sits in (lib/ppguide/..): notebooks, docs and mkdocs.yml live there.
#: Only development tools (notebook and site generation, tests) use it; knowledge is found through _builtin.
ROOT = CHECKOUT = Path(__file__).resolve().parents[2]
PROCEDURES = _builtin("procedures")
DATA = _builtin("data")
#: Environment variable naming further knowledge folders (separated like PATH), searched before PROCEDURES.
SEARCH_VARIABLE = "PPGUIDE_PROCEDURES"



class _Strict(BaseModel):
    # The schema is built when a file is first validated, not at import: a process that takes its products
    # from the disk cache never validates one (defaults that are models are factories for the same reason).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
    # service (short) name, what ARMLOAD and sc take; may be a template. Equal to `display` when the guide gives
    # only the display name; then set `lookup_key` and services.bat asks sc getkeyname for the key name sc config needs.
    name: Cited
    lookup_key: bool = False
    watch_id: Cited | None = None # may be a template (with for_each: `item`, `index`)
    options: Cited | None = None  # ARMLOAD switches when they differ from the script's armload_options
    args: str | None = None       # what follows the service name on the ARMLOAD line (template)
    when: str | None = None       # condition for this service to be part of the product
    manual: bool = True           # start type must be set to manual (demand)
    for_each: str | None = None   # a list parameter or value: one service per entry (`item`, `index`)


class Wrap(_Strict):
    """A service stopped before every ARMKILL of the group and started again after them (net stop/start)."""
    display: Cited
    when: str | None = None


#: Where an action's lines go in its script: before the priority check (main), on the highest-priority
#: server only, on the other servers only, or (start.bat only) when a server comes back (RECOVER).
SLOTS = ("main", "highest", "other", "recover")
#: The kinds of script action, each exactly one field of Action (see scripts.py for what each emits).
ACTION_KINDS = ("load", "kill", "net_start", "net_stop", "sleep", "log", "share", "unshare",
                "monitor", "unmonitor", "run")


class Share(_Strict):
    """ARMNSADD NAME PATH in start.bat; `unshare` in stop.bat removes it with ARMNSDEL NAME."""
    name: str                     # share name (template)
    path: str                     # folder shared (template), quoted when it holds a separator


class Monitor(_Strict):
    """A program switched on in start.bat (COMMAND ON) and off in stop.bat (COMMAND OFF) by `unmonitor`."""
    command: str                  # program and its fixed arguments (template), e.g. setbwatc -a APPL001
    on: str                       # arguments that switch it on (template), e.g. -w 1
    off: str                      # arguments that switch it off (template), e.g. -w 0


class Action(_Strict):
    """One thing a script does; exactly one of the ACTION_KINDS fields is given."""
    load: str | None = None       # service key -> ARMLOAD line (one per service entry)
    kill: str | None = None       # service key, or "all": every service this product loaded, in reverse
    net_start: str | None = None  # service (display) name, template -> net start NAME (unmonitored)
    net_stop: str | None = None   # service (display) name, template -> net stop NAME
    sleep: int | str | None = None    # seconds (or a template of them) -> ARMSLEEP N
    log: str | None = None        # text (template) -> ARMLOG "TEXT"
    share: Share | None = None    # ARMNSADD (start.bat)
    unshare: str | None = None    # "all" or a share name (template) this product added -> ARMNSDEL (stop.bat)
    monitor: Monitor | None = None    # switch a monitor on (start.bat)
    unmonitor: str | None = None  # "all" or a monitor command (template) this product switched on -> off (stop.bat)
    run: str | None = None        # jinja2 template of command lines; "{TAG}" makes labels unique per branch
    # ERRORLEVEL 1 or more after the line: skip the rest of this product's lines in the branch, or report
    # the failure with ARMBCAST and leave the script (never `pause`: nobody is at a cluster node's console)
    on_error: Literal["skip", "exit"] | None = None
    slot: Literal["main", "highest", "other", "recover"] = "main"
    for_each: str | None = None   # a list parameter or value: the action once per entry (`item`, `index`)
    when: str | None = None
    cite: list[int] = []

    @model_validator(mode="after")
    def _one(self):
        if sum(getattr(self, k) is not None for k in ACTION_KINDS) != 1:
            raise ValueError("an action is exactly one of " + ", ".join(ACTION_KINDS))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ACTION_KINDS if getattr(self, k) is not None)


#: In `Script.after`: the product's lines come after those of every other product of the group (compose).
AFTER_ALL = "*"


class Commands(_Strict):
    """The commands a script's actions call, as the guide writes them. Unset ones come from
    data/script-commands.yaml (the engine's defaults, each cited there)."""
    load: Cited | None = None
    kill: Cited | None = None
    net_start: Cited | None = None
    net_stop: Cited | None = None
    sleep: Cited | None = None
    log: Cited | None = None
    log_switch: Cited | None = None   # written after the quoted text of every log line (JMSS: /arm)
    share: Cited | None = None
    unshare: Cited | None = None


class Hooks(_Strict):
    """Log lines generated around every load and kill line the product's block keeps after merging:
    templates of the text, seeing `watch_id`, `service` (the service name) and `key`."""
    before_load: str | None = None
    after_load: str | None = None
    before_kill: str | None = None
    after_kill: str | None = None


class Script(_Strict):
    scenarios: list[str]
    start: list[Action]
    stop: list[Action] = Field(default_factory=lambda: [Action(kill="all")])
    first: list[str] = []         # service keys that start first (and so stop last) in any failover group
    after: list[str] = []         # products whose lines must come before this product's in a group ("*": all others)
    armload_options: Cited | None = None   # ARMLOAD switches of every load (a service's options override)
    net_yes: Cited | None = None
    stop_wrap: list[Wrap] = []
    commands: Commands = Field(default_factory=Commands)
    hooks: Hooks = Field(default_factory=Hooks)
    group_parameter: str | None = None     # the parameter naming the failover group whose scripts these are
    adds_to: str | None = None    # the lines go into another group's scripts: which one, in words (template)
    cite: list[int]


class RegValue(_Strict):
    key: Cited                    # below the group's root
    name: Cited
    data: str | None = None       # jinja2 template; its literal parts stand on line `cite`
    restore: str | None = None    # data put back by the group's registry-restore artifact (template)
    type: Literal["sz", "dword", "expand_sz"] = "sz"
    when: str | None = None
    cite: int


class RegGroup(_Strict):
    root: Cited
    values: list[RegValue]


class SyncKey(_Strict):
    key: Cited
    shared: bool = False          # also used by other ESMPRO/BASE products
    kept_when: str | None = None  # the remove list leaves the key registered when this expression holds


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
    gui: list[str] = []           # Japanese GUI labels exactly as the product shows them (templates)
    artifact: str | None = None   # path of the artifact this step uses
    commands: str | None = None   # jinja2 template of .bat lines for this step
    removes_lines: bool = False   # script-edit: takes ARMLOAD lines out of the group's scripts
    for_each: str | None = None   # a list parameter or value: one step per entry (`item`, `index`)
    # Adjacent steps with the same `loop` name (and the same for_each) repeat together: all of them for the
    # first entry, then all of them for the next (a per-node setup round), instead of each step per entry in turn.
    loop: str | None = None
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
    kind: str                     # a kind of artifact_kinds.KINDS (checked by knowledge_check)
    role: str
    place: str
    when: str | None = None
    scenarios: list[str] | None = None
    encoding: Literal["cp932", "utf-16-le-bom", "utf-8", "ascii", "binary"] = "cp932"
    template: str | None = None   # for kinds text/commands/sql: jinja2 template of the content
    source: str | None = None     # registry, registry-restore: which registry group; sync-registry: add/remove
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
    # What `ppguide audit` looks for in a cluster's files: the broken forms as a script or .reg would hold
    # them, each matched as text (case ignored, ¥ read as \, whole words at letter or digit edges).
    # Unset: the `guide` text itself. []: nothing a script could hold (prose, or a form only wrong for some facts).
    forms: list[str] | None = None


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
    # The product's name in the site's navigation and tables: short and distinct from every other product's
    # ("AC + SNMP/AMC (§1.7)"). Unset: the title with the section, which is long for many products.
    short_title: str = ""
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

    @property
    def nav_title(self) -> str:
        """short_title, or the title with its guide section when the product sets none."""
        return self.short_title or f"{self.title} (§{self.section})"

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


#: The data tables the engine reads while it checks a product or makes a bundle; the other files of data/ are
#: examples and site material. A bundle's fingerprint covers these (fingerprint.engine_digest).
ENGINE_DATA = ("fragments.yaml", "messages.yaml", "parameters.yaml", "places.yaml", "script-commands.yaml")


@cache
def data_bytes(file: str) -> bytes:
    """A data table's bytes, read once per process: what read_data parses and what fingerprint digests are the
    same bytes, even if the file changes while the process runs."""
    return (DATA / file).read_bytes()


def read_data(file: str) -> Any:
    """One of ppguide's own data/*.yaml files (trusted, so libyaml's fast safe loader when PyYAML has it).

    The parsed table is kept in the disk cache under the digest of the file's bytes.
    """
    import hashlib

    from . import disk_cache
    data = data_bytes(file)

    def parse() -> Any:
        import yaml
        return yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return disk_cache.remembered("data", hashlib.sha256(data).hexdigest(), parse, (dict, list))


@cache
def _shared(file: str) -> dict[str, dict[str, dict[str, Any]]]:
    return read_data(file)


def shared_parameters() -> dict[str, dict[str, Any]]:
    """The shared vocabulary (data/parameters.yaml): parameter name -> declaration without the name."""
    return _shared("parameters.yaml")["parameters"]


def shared_types() -> dict[str, dict[str, Any]]:
    """Text types known by their form (data/parameters.yaml `types`): name -> pattern, expected, short, example."""
    return _shared("parameters.yaml").get("types", {})


# section -> (file in data/, the key naming an entry, what a product may add to a shared entry)
SHARED_SECTIONS = {"parameters": ("parameters.yaml", "name", ("help", "cite")),
                   "values": ("fragments.yaml", "name", ("help", "cite")),
                   "artifacts": ("fragments.yaml", "path", ())}


def expand_shared(raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A product's raw data with each `- use: NAME` entry replaced by its shared declaration.

    Parameters come from the vocabulary (data/parameters.yaml), values and artifacts several products repeat
    from data/fragments.yaml. A product may only add what SHARED_SECTIONS allows (a parameter's own help and
    cite line); the rest stays as declared once. Returns the expanded data and (name, problem) pairs.
    """
    out, problems = dict(raw), []
    for section, (file, key, own) in SHARED_SECTIONS.items():
        entries = raw.get(section)
        if not isinstance(entries, list):
            continue
        shared = _shared(file).get(section, {})
        expanded = []
        for entry in entries:
            if not (isinstance(entry, dict) and "use" in entry):
                expanded.append(entry)
                continue
            name = entry["use"]
            if name not in shared:
                problems.append((str(name), f"is not among the shared {section} (data/{file}): {', '.join(shared)}"))
                continue
            fixed = [k for k in entry if k not in own and k != "use"]
            if fixed:
                problems.append((str(name), f"redeclares {', '.join(fixed)}, which data/{file} fixes for every product"))
            expanded.append({key: name, **shared[name], **{k: v for k, v in entry.items() if k != "use"}})
        out[section] = expanded
    return out, problems


@cache
def load_places() -> dict[str, Text]:
    raw = read_data("places.yaml")
    return {k: Text(**v) for k, v in raw["places"].items()}


def search_path() -> list[Path]:
    """The knowledge folders, first match wins: those of PPGUIDE_PROCEDURES in order, then the built-in one."""
    extra = [Path(d) for d in os.environ.get(SEARCH_VARIABLE, "").split(os.pathsep) if d]
    return extra + [PROCEDURES]


def knowledge_files() -> dict[str, Path]:
    """Product id -> the file that defines it (a file in an earlier folder overrides a later one's).

    The folders are listed at each call; their files are resolved again only when a listing changed
    (a batch asks once a job).
    """
    folders = []
    for folder in search_path():
        try:
            names = tuple(sorted(n for n in os.listdir(folder) if n.endswith(".yaml") and not n.startswith(".")))
        except OSError:
            names = ()
        folders.append((str(folder), names))
    return dict(_resolved(tuple(folders)))


@functools.lru_cache(maxsize=8)
def _resolved(folders: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, Path], ...]:
    found: dict[str, Path] = {}
    for folder, names in reversed(folders):
        for name in names:
            path = Path(folder) / name
            if path.is_file():
                found[path.stem] = path.resolve()
    return tuple(sorted(found.items()))


def product_ids() -> list[str]:
    return list(knowledge_files())


def shown(path: Path) -> str:
    """A knowledge file's name in messages: relative to the working folder when below it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cache
def load_file(path: Path) -> Product:
    """The product a knowledge file defines, checked (KnowledgeError lists every fault).

    Kept per resolved path in this process, and on disk (disk_cache) for the next process under a key that
    covers the file's bytes and everything its checks depend on (fingerprint.checked_product_key).
    """
    from . import disk_cache
    from .fingerprint import checked_product_key
    data = Path(path).read_bytes()      # once: the bytes the key names are the bytes that are checked
    return disk_cache.remembered("product", checked_product_key(path, data), lambda: _checked(path, data), Product)


def _checked(path: Path, data: bytes) -> Product:
    from .knowledge_check import check_file  # the checks need the engine, which needs this module
    product, faults = check_file(path, data)
    if faults or product is None:
        raise KnowledgeError(shown(path), faults=faults)
    return product


def load(product_id: str) -> Product:
    """The checked knowledge of `product_id`, from the first folder of the search path that has it."""
    path = knowledge_files().get(product_id)
    if path is None:
        raise UnknownProductError(product_id, product_ids())
    return load_file(path)


def clear_cache() -> None:
    """Forget loaded knowledge (for callers that edit a knowledge file in place)."""
    from .fingerprint import _knowledge_digest
    load_file.cache_clear()
    _knowledge_digest.cache_clear()
