"""What one process works out from ppguide's files and keeps on disk for the next: checked products, parsed
data tables and jinja2's compiled templates.

A notebook kernel, a `ppguide run` and every worker of a batch start from nothing. Without this folder each
of them would read its product's YAML again, validate it against the schema, run the knowledge checks (they
parse every expression of the file) and compile the templates, all to reach the same result as the process
before it: about 0.15 s of a notebook's 0.4 s of own work. Like Python's __pycache__, the folder holds only
what is derived from files, under a key that covers everything it was derived from (fingerprint.py: the
file's bytes and ppguide's own code and data tables), so an edited file is simply a new key. Only products
that passed their checks are kept; a faulty file is checked, and refused, every time.

The folder is PPGUIDE_CACHE when set (an empty value turns the cache off), otherwise the user's cache folder
(platformdirs: ~/.cache/ppguide on Linux, %LOCALAPPDATA%\\ppguide\\Cache on Windows). A folder that cannot be
written, or an entry that cannot be read back, only costs the work again: the cache never stops a run.
"""
from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

T = TypeVar("T")
#: Environment variable naming the cache folder; set it empty to keep nothing on disk.
VARIABLE = "PPGUIDE_CACHE"


@cache
def folder() -> Path | None:
    """The cache folder, or None when PPGUIDE_CACHE turns it off."""
    given = os.environ.get(VARIABLE)
    if given is not None:
        return Path(given).absolute() if given else None
    import platformdirs  # already loaded in a Jupyter kernel (jupyter_core uses it)
    return Path(platformdirs.user_cache_dir("ppguide", appauthor=False))


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half an entry, two writers of one key leave one of them."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass    # a read-only or full disk: the next process does the work again


def remembered(kind: str, key: str, make: Callable[[], T], of: type | tuple[type, ...] = object) -> T:
    """make()'s value, from the cache when a process kept it under `key` before; kept for the next one.

    An entry that is not an instance of `of` (a file copied over another) is a missing one. An exception from
    make() passes through and nothing is kept.
    """
    where = folder()
    if where is None:
        return make()
    path = where / kind / f"{key}.pickle"
    try:
        with open(path, "rb") as f:
            kept = _unpickled(f.read())
        if isinstance(kept, of):
            return cast(T, kept)
    except Exception:           # noqa: BLE001  absent, truncated, foreign or unreadable: only a missing entry
        pass
    value = make()
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return value            # a value pickle cannot keep is only not kept
    _write(path, data)
    return value


def _unpickled(data: bytes) -> Any:
    """pickle.loads without the garbage collector: a product is thousands of new objects, each allocation
    counting towards a collection that would walk every object of the process (a kernel has many) and find
    nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


class _Bytecode(FileSystemBytecodeCache):
    """jinja2's own file cache of compiled templates, except that an entry that cannot be read (truncated, in a
    folder that is a file or a link loop) is a missing one and a failed write is not the render's failure."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:       # noqa: BLE001
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def jinja_bytecode(environment: str) -> FileSystemBytecodeCache | None:
    """The bytecode cache of one of ppguide's jinja2 Environments (None when the cache is off).

    jinja2 keys an entry by template name and source only; the Environment's options live in ppguide's code,
    so each version of that code (and of jinja2) gets a folder of its own.
    """
    import jinja2

    from .fingerprint import engine_digest
    where = folder()
    name = f"{environment}-{engine_digest()[:16]}-{jinja2.__version__}"
    return None if where is None else _Bytecode(str(where / "jinja2" / name))
