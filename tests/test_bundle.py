"""Writing a bundle: all or nothing, and never over a folder that is not a bundle."""
from __future__ import annotations

import stat

import pytest

from ppguide.errors import OutputError
from facts import write_bundle


def test_refuses_a_folder_that_is_not_a_bundle(tmp_path):
    out = tmp_path / "work"
    out.mkdir()
    (out / "thesis.txt").write_text("precious")
    with pytest.raises(OutputError) as exc:
        write_bundle("servermanager", {}, out)
    assert "not a ppguide bundle" in exc.value.en and "thesis.txt" in exc.value.en
    assert (out / "thesis.txt").read_text() == "precious" and sorted(p.name for p in out.iterdir()) == ["thesis.txt"]


def test_replaces_an_earlier_bundle_and_an_empty_folder(tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    write_bundle("servermanager", {}, out)
    write_bundle("servermanager", {"scenario": "uninstall"}, out)
    assert (out / "sync-registry-remove.txt").is_file() and not (out / "start.bat").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_bundle_folder_is_readable_by_others(tmp_path):
    out = write_bundle("servermanager", {}, tmp_path / "b") and tmp_path / "b"
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
