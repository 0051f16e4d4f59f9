"""The bundle: the files a procedure needs plus manifest.json, written all at once or not at all."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import output
from .errors import Notice, OutputError


@dataclass(frozen=True)
class File:
    path: str          # relative, forward slashes
    role: str
    place: str
    encoding: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def text(self) -> str:
        """The content decoded the way Windows would read it."""
        if self.encoding == "binary":
            return f"<{len(self.content)} bytes>"
        if self.encoding == "utf-16-le-bom":
            return self.content[2:].decode("utf-16-le")
        return self.content.decode("cp932" if self.encoding == "cp932" else "utf-8")


@dataclass(frozen=True)
class ErratumOut:
    """A recorded erratum as it applies to these facts: what the guide says and what ppguide emits instead."""

    id: str
    kind: str            # guide-error, transcription or ambiguity
    line: int
    guide: str
    emits: str
    why_en: str
    why_ja: str
    certain: bool
    override: str | None
    product: str | None = None     # set in a composed group: the product the erratum belongs to

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.product is None:
            del d["product"]
        return d


@dataclass
class StepOut:
    n: int
    id: str
    place: str
    title_en: str
    title_ja: str
    why_en: str
    why_ja: str
    gui: list[str]
    artifact: str | None
    cite: list[int]
    kind: str = "other"
    product: str = ""   # set in a composed group, whose list runs through several products' procedures

    def manifest_entry(self) -> dict[str, Any]:
        """The step as manifest.json lists it: its order, kind, place, title, guide lines and the files it uses."""
        entry = {"n": self.n, "id": self.id, "kind": self.kind, "place": self.place,
                 "title": {"en": self.title_en, "ja": self.title_ja}, "guide_lines": list(self.cite),
                 "artifacts": [a.strip() for a in self.artifact.split(",")] if self.artifact else []}
        return {"product": self.product, **entry} if self.product else entry


@dataclass
class Bundle:
    product: str
    title: str
    section: str
    lines: tuple[int, int]
    parameters: dict[str, Any]
    defaulted: list[str] = field(default_factory=list)   # parameters at their declared default
    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[Notice] = field(default_factory=list)
    errata: list[ErratumOut] = field(default_factory=list)
    steps: list[StepOut] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    tables: list[Any] = field(default_factory=list)     # knowledge.Table records, shown by the notebook
    inputs_sha256: str = ""     # fingerprint.py: what the bundle was made from (a composed group has none)

    def file(self, path: str) -> File:
        return next(f for f in self.files if f.path == path)

    def manifest(self) -> dict[str, Any]:
        return {
            "generator": output.GENERATOR,
            "product": self.product,
            "title": self.title,
            "section": self.section,
            "guide_lines": list(self.lines),
            "parameters": self.parameters,
            **({"inputs_sha256": self.inputs_sha256} if self.inputs_sha256 else {}),
            "defaulted": self.defaulted,
            "values": self.values,
            "warnings": [asdict(w) for w in self.warnings],
            "errata": [e.as_dict() for e in self.errata],
            "artifacts": [{"path": f.path, "role": f.role, "place": f.place, "encoding": f.encoding,
                           "sha256": f.sha256} for f in self.files],
            "steps": [s.manifest_entry() for s in self.steps],
        }

    def manifest_bytes(self) -> bytes:
        return (json.dumps(self.manifest(), ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")

    def write(self, outdir: str | os.PathLike, force: bool = False, keep: Iterable[str | os.PathLike] = ()) -> Path:
        """Write every file and manifest.json into `outdir`, replacing an earlier bundle there (see output.py)."""
        out = output.check_target(outdir, force, keep)
        with output.staging(out) as tmp:
            try:
                for f in self.files:
                    target = tmp / f.path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(f.content)
                (tmp / "manifest.json").write_bytes(self.manifest_bytes())
            except OSError as exc:
                raise OutputError(str(out), exc.strerror or str(exc)) from None
            output.replace(tmp, out)
        return out
