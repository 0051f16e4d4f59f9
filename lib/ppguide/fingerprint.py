"""What a bundle was made from, as one SHA-256: its `inputs_sha256` in manifest.json.

The digest covers the product id and its validated parameters, the product's knowledge file (the one the
search path chose, PPGUIDE_PROCEDURES included), the shared tables the engine reads (knowledge.ENGINE_DATA)
and ppguide's own code and templates.
Two bundles with the same digest have the same bytes, so `ppguide batch` can leave a bundle whose manifest
carries the digest of the job in place instead of writing it again.
"""
from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from .knowledge import ENGINE_DATA, data_bytes, knowledge_files

ENGINE = Path(__file__).resolve().parent


def _digest(named: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, data in named:
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


@cache
def engine_digest() -> str:
    """ppguide's code and templates, and its data tables as this process reads them (knowledge.data_bytes)."""
    files = sorted(ENGINE.glob("*.py")) + sorted((ENGINE / "templates").glob("*.j2"))
    return _digest([(p.name, p.read_bytes()) for p in files] + [(name, data_bytes(name)) for name in ENGINE_DATA])


@cache
def _knowledge_digest(path: Path) -> str:
    return _digest([(path.name, path.read_bytes())])


def knowledge_digest(product_id: str) -> str:
    path = knowledge_files().get(product_id)
    return _knowledge_digest(path) if path is not None else ""


def checked_product_key(path: Path, data: bytes) -> str:
    """What a checked product (disk_cache) was derived from: the knowledge file's bytes, the engine, the
    product names its references may point at (those of the search path and of the file's own folder), and
    the Python and pydantic that pickled it. `data` is the file's content, as the loader read it."""
    import pydantic
    names = sorted(knowledge_files()) + sorted(p.stem for p in Path(path).parent.glob("*.yaml"))
    h = hashlib.sha256(_digest([(Path(path).name, data)]).encode())
    h.update(engine_digest().encode())
    h.update("\0".join(names).encode())
    h.update(f"{sys.version}\0{pydantic.VERSION}".encode())
    return h.hexdigest()


def inputs_sha256(product_id: str, parameters: dict[str, Any]) -> str:
    """The digest of one bundle's inputs (see the module's text)."""
    given = json.dumps({"product": product_id, "parameters": parameters}, ensure_ascii=False, sort_keys=True,
                       separators=(",", ":"), default=str)
    h = hashlib.sha256(given.encode("utf-8"))
    h.update(knowledge_digest(product_id).encode())
    h.update(engine_digest().encode())
    return h.hexdigest()
