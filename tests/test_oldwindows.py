"""Old Windows (issue 9): REGEDIT4 files on NT 4.0, and steps that say how to do without reg.exe / sc.exe.

NT 4.0's regedit reads only REGEDIT4 files in the ANSI code page; reg.exe and sc.exe are part of
Windows only from XP / Server 2003 on (NT 4.0: Resource Kit, 2000: Support Tools).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from ppguide import emit_reg  # noqa: E402
from facts import evaluate  # noqa: E402
from ppguide.knowledge import load  # noqa: E402
from wine import wine  # noqa: E402,F401

NT4, W2K, W2003 = "Windows NT 4.0 Server", "Windows 2000 Server", "Windows Server 2003"
CHOICES = load("filetransfer").param("server_os").choices


@pytest.mark.parametrize("pid", ["serveragent", "servermanager", "jmss", "filetransfer", "deliverymanager"])
def test_server_os_is_declared_with_filetransfers_choices(pid):
    """ServerAgent L276, JMSS L1200-1204, FileTransfer L2719-2725, DeliveryManager L2939-2947 name NT/2000."""
    p = load(pid).param("server_os")
    assert p.choices == CHOICES and p.default == W2003
    assert load(pid).parameters[-1].name == "server_os" or pid in ("filetransfer", "deliverymanager")


def test_regedit4_text():
    entries = [emit_reg.RegEntry(r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE", "WorkDir", "sz", r"X:\nwork"),
               emit_reg.RegEntry(r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE", "Path", "expand_sz", "%A%")]
    raw = emit_reg.reg_bytes(entries, ["c"], version=4)
    assert not raw.startswith(b"\xff\xfe")
    text = raw.decode("cp932")
    assert text.split("\r\n")[0] == "REGEDIT4"
    assert '"WorkDir"="X:\\\\nwork"' in text
    assert '"Path"=hex(2):25,41,25,00' in text          # ANSI bytes of %A% and the terminating zero
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize("os_name,first,encoding", [(NT4, b"REGEDIT4\r\n", "cp932"),
                                                     (W2K, b"\xff\xfeW\x00", "utf-16-le-bom")])
def test_servermanager_reg_follows_the_os(os_name, first, encoding):
    b = evaluate("servermanager", {"server_os": os_name})
    f = b.file("servermanager.reg")
    assert f.content.startswith(first) and f.encoding == encoding
    entry = next(a for a in b.manifest()["artifacts"] if a["path"] == "servermanager.reg")
    assert entry["encoding"] == encoding


def test_jmss_reg_header_names_the_node_the_checklist_names():
    """jmss.reg is imported on SV1 only (L1422 SV1 へのインストール; the key is then synchronised, L1666)."""
    b = evaluate("jmss", {"jmss_version": "6.0", "server_os": NT4})      # 6.0: manual set-up (L1420)
    reg = b.file("jmss.reg")
    assert reg.content.startswith(b"REGEDIT4\r\n")
    text = reg.text()
    step = next(s for s in b.steps if s.id == "registry-active")
    assert step.place == "active" and "active node" in text and "each cluster node" not in text


@pytest.mark.parametrize("os_name,noted", [(NT4, True), (W2K, True), (W2003, False)])
def test_steps_that_need_sc_or_reg_say_how_to_do_without(os_name, noted):
    b = evaluate("servermanager", {"server_os": os_name})
    services = next(s for s in b.steps if s.id == "services-active")       # services.bat: sc config
    registry = next(s for s in b.steps if s.id == "registry")              # reg query / reg delete
    move = next(s for s in b.steps if s.id == "move-workdir")              # xcopy only
    assert ("sc.exe" in services.why_en) == noted and ("「手動」" in services.why_en) == noted
    assert ("reg.exe" in registry.why_en) == noted and ("regedit" in registry.why_en) == noted
    assert "sc.exe" not in move.why_en and "reg.exe" not in move.why_en
    if os_name == NT4:
        assert "「コントロールパネル」-「サービス」" in services.why_en   # the NT 4.0 path the guide names at L1413
    assert ("sc.exe" in b.file("services.bat").text()) == noted


def _precheck(wine, path_override: bool):
    b = evaluate("serveragent", {"node_ips": ["192.168.10.1", "192.168.10.2"]})
    files = {f.path: f.content for f in b.files}
    folder = wine.lay_out(files)
    name = next(p for p in files if p.startswith("commands/") and p.endswith("-precheck.bat")).split("/")[1]
    wrapper = (b"@echo off\r\n" + (b"set PATH=%CD%\r\n" if path_override else b"") + b"call " + name.encode() + b"\r\n")
    (folder / "commands" / "wrap.bat").write_bytes(wrapper)
    return wine.run_in(folder / "commands", "wrap.bat")


def test_serveragent_precheck_concludes_nothing_without_reg_exe(wine):
    """L297-299: no NVBASE key means no related product; but a missing reg.exe is not a missing key."""
    wine.reg_delete_tree(r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC")
    without = _precheck(wine, path_override=True)
    assert "reg.exe not found" in without.stdout and "no related product, scenario fresh" not in without.stdout
    with_reg = _precheck(wine, path_override=False)
    assert "NVBASE not found: no related product" in with_reg.stdout


@pytest.mark.parametrize("os_name", ["Windows NT 3.51 Server", "Windows XP Professional"])
def test_jmss_refuses_a_server_os_it_does_not_run_on(os_name):
    """L1196-1204: servers NT 4.0 / 2000 / 2003; NT 3.51 Workstation and XP only as clients (L1230, L1244)."""
    from ppguide.errors import ParameterError
    with pytest.raises(ParameterError) as err:
        evaluate("jmss", {"server_os": os_name})
    assert err.value.parameters == ["server_os"]


def test_regedit4_file_imports(wine):
    """The NT 4.0 form of servermanager.reg carries the guide's table (L635-641) as the version 5 form does."""
    reg = evaluate("servermanager", {"server_os": NT4}).file("servermanager.reg").content
    wine.reg_delete_tree(r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC")
    wine.import_reg(reg)
    assert wine.reg_query(r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE")["WorkDir"] == ("REG_SZ", r"X:\nwork")
    assert wine.reg_query(r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC\NVBASE\AlertViewer")["AlertPath"] == \
        ("REG_SZ", r"X:\nwork\Alert")
