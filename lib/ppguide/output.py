"""Where a bundle goes: an output folder is replaced whole, and only when it is ppguide's own.

A folder may receive a bundle when it does not exist, is empty, or holds exactly an
earlier ppguide bundle (manifest.json says `"generator": "ppguide"` and lists every
other file). Anything else is the user's and is refused unless `force`; an input
file (parameters, inventory, group) inside the folder is never replaced, forced or
not. The new bundle is written into a uniquely named staging folder beside the
target and swapped in; the earlier bundle goes to another unique folder and is
removed after the swap. No fixed name a user might already have is ever touched.

A batch (batch.py) also asks whether a folder already holds the bundle it would write (`current`),
removes a failed job's earlier bundle (`remove`) and the staging folders a killed run left (`sweep`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

GENERATOR = "ppguide"


def _listed(folder: Path) -> set[str] | None:
    """The files an earlier ppguide bundle in `folder` consists of, or None when it is not one."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        return None
    artifacts = manifest.get("artifacts")
    if not isinstance(artifacts, list):
        return None
    return {"manifest.json"} | {str(a.get("path")) for a in artifacts if isinstance(a, dict)}


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False


def check_target(outdir: str | os.PathLike[str], force: bool = False,
                 keep: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """The resolved output folder, after checking a bundle may replace what is there. Touches nothing."""
    out = Path(outdir).resolve()
    for k in keep:
        if _inside(Path(k), out):
            raise OutputError(str(out), f"it holds {k}, an input of this run; choose another output folder",
                              f"入力ファイル {k} が出力先フォルダ内にあります。別のフォルダを指定してください")
    if not out.exists() and not out.is_symlink():
        return out
    if not out.is_dir():
        raise OutputError(str(out), "it exists and is not a folder", "フォルダではないものが既にあります")
    listed = _listed(out)
    if listed is None:
        foreign = sorted(p.name for _, p in zip(range(4), out.iterdir()))
    else:
        present = (p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir())
        foreign = sorted(p for _, p in zip(range(4), (p for p in present if p not in listed)))
    if foreign and not force:
        what = "is not a ppguide bundle" if listed is None else "holds files that are not part of its bundle"
        shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        raise OutputError(str(out), f"it {what} ({shown}); choose an empty or new folder, or replace it on purpose "
                          "(--force; in a notebook ppg.write(bundle, output_dir, force=True))",
                          f"ppguide のバンドル以外のファイルがあります ({shown})。空のフォルダを指定するか、置き換える場合は "
                          "--force を付けてください (ノートブックでは ppg.write(bundle, output_dir, force=True))")
    return out


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A new, uniquely named folder beside `out` to write a bundle into; removed if still there afterwards."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.ppguide-new-", dir=out.parent))
        tmp.chmod(0o755)
    except OSError as exc:
        raise OutputError(str(out), exc.strerror or str(exc)) from None
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def replace(staged: Path, out: Path) -> None:
    """Swap the staged folder in for `out` (checked by check_target), keeping the earlier bundle on failure."""
    old_parent = None
    try:
        if out.exists():
            old_parent = Path(tempfile.mkdtemp(prefix=f".{out.name}.ppguide-old-", dir=out.parent))
            out.rename(old_parent / "bundle")
        staged.rename(out)
    except OSError as exc:
        if old_parent is not None and (old_parent / "bundle").exists() and not out.exists():
            (old_parent / "bundle").rename(out)          # put the earlier bundle back
        raise OutputError(str(out), exc.strerror or str(exc)) from None
    finally:
        if old_parent is not None:
            shutil.rmtree(old_parent, ignore_errors=True)


def _leftover(out: Path) -> re.Pattern[str]:
    # tempfile.mkdtemp names: the prefix, then 8 characters of [a-z0-9_]
    return re.compile(rf"\.{re.escape(out.name)}\.ppguide-(?:new|old)-[a-z0-9_]{{8}}")


def sweep(out: Path) -> None:
    """Remove the staging folders a run killed while writing `out` left beside it (never whole bundles)."""
    try:
        names = [p for p in out.parent.iterdir() if _leftover(out).fullmatch(p.name) and p.is_dir()]
    except OSError:
        return
    for path in names:
        shutil.rmtree(path, ignore_errors=True)


def current(out: Path, inputs_sha256: str) -> dict | None:
    """The manifest of the bundle in `out` when it was made from these inputs and no file of it changed, else None."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR \
                or manifest.get("inputs_sha256") != inputs_sha256:
            return None
        listed = {"manifest.json"}
        for a in manifest["artifacts"]:
            listed.add(a["path"])
            if hashlib.sha256((out / a["path"]).read_bytes()).hexdigest() != a["sha256"]:
                return None
        present = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
        return manifest if present == listed else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove(outdir: str | Path, keep: Iterable[str | Path] = ()) -> None:
    """Remove the earlier ppguide bundle in `outdir` (a failed job's, which must not pass for current output).

    A folder that is not wholly a ppguide bundle is left alone (OutputError, as check_target says why).
    """
    out = check_target(outdir, False, keep)
    sweep(out)
    if not out.is_dir() or _listed(out) is None:      # nothing there, or an empty folder: nothing old to remove
        return
    try:
        old_parent = Path(tempfile.mkdtemp(prefix=f".{out.name}.ppguide-old-", dir=out.parent))
        out.rename(old_parent / "bundle")
    except OSError as exc:
        raise OutputError(str(out), exc.strerror or str(exc)) from None
    shutil.rmtree(old_parent, ignore_errors=True)
