"""servermanager.reg imported with Wine's regedit /S and read back with reg query.

Expected values come from the guide's table (§1.2.4.1 「レジストリの編集」, lines 635-643), written
here from the guide, for the destination the work folder is moved to.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from facts import evaluate  # noqa: E402
from wine import wine  # noqa: E402,F401

NEC = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC"                         # L643: ~NEC


def guide_table(dest: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Rows 1-4 and 7 of the table; rows 5-6 delete values and are the registry command's job."""
    return {
        NEC + r"\NVBASE": {
            "WorkDir": ("REG_SZ", dest),                                        # L635
            "GeneralFilter": ("REG_SZ", dest + r"\Alert\filter\genericsg"),     # L636
            "DiosaFilter": ("REG_SZ", dest + r"\Alert\filter\odiosasg"),        # L637
        },
        NEC + r"\NVBASE\AlertViewer": {"AlertPath": ("REG_SZ", dest + r"\Alert")},                 # L638
        NEC + r"\ESMSM\CurrentVersion\ODBC": {"LocalFileDirectory": ("REG_SZ", dest + r"\ESMPRO")},  # L641
    }


DESTINATIONS = {
    "default": ({}, r"X:\nwork"),                                 # L649: the guide's example X:\nwork
    "space": ({"switch_drive": "Y:", "workdir_folder": "ESM Work"}, r"Y:\ESM Work"),
}


@pytest.mark.parametrize("dest_id", DESTINATIONS)
def test_imported_values_are_the_guide_table(wine, dest_id):
    params, dest = DESTINATIONS[dest_id]
    reg = evaluate("servermanager", params).file("servermanager.reg").content
    wine.reg_delete_tree(NEC)
    wine.import_reg(reg)
    for key, values in guide_table(dest).items():
        assert wine.reg_query(key) == values, key


@pytest.mark.parametrize("dest_id", DESTINATIONS)
def test_reg_file_bytes(dest_id):
    content = evaluate("servermanager", DESTINATIONS[dest_id][0]).file("servermanager.reg").content
    assert content.startswith(b"\xff\xfe")                        # UTF-16LE byte order mark
    text = content[2:].decode("utf-16-le")
    assert text.split("\r\n")[0] == "Windows Registry Editor Version 5.00"
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")


def test_regedit_exit_status_says_nothing_about_the_file(wine):
    """Why every .reg test reads its values back, and why `Wine.import_reg` may run regedit again after a
    non-zero exit: Wine's regedit exits 0 for a file it could not use (garbage, a key it cannot open, no file
    at all), so its exit status only says whether Wine ran it."""
    bad_key = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_BOGUS\\X]\r\n\"a\"=\"b\"\r\n".encode("utf-16")
    for content in (b"garbage\r\n", bad_key, None):
        folder = wine.new_dir()
        if content is not None:
            (folder / "import.reg").write_bytes(content)
        assert wine.wine("regedit", "/S", "import.reg", cwd=folder).returncode == 0


def test_reg_says_why_it_fails(wine):
    """What `Wine.reg` relies on to tell reg's own failures (returned at once) from Wine failing to run it (tried
    again): reg prints a reason for a missing key and for a root that does not exist."""
    for args in (("query", "HKEY_LOCAL_MACHINE\\SOFTWARE\\ppguide-test\\missing"), ("add", "HKEY_BOGUS\\x", "/v", "a", "/d", "b", "/f")):
        p = wine.wine("reg", *args)
        assert p.returncode == 1 and p.stdout.startswith(b"reg: "), (args, p.stdout, p.stderr)
