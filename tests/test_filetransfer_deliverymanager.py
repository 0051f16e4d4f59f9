"""FileTransfer (§1.4, lines 2700-2915) and DeliveryManager Standard Edition (§1.5, lines 2916-3336).

The expected lines are written here from the guide's samples, not from the knowledge files: §1.4.6 for
FileTransfer, §1.5.5 for DeliveryManager, with the corrections the project records as errata (the
¥-as-\\Y paths, /p on armwsset, the physical address picked per node). The scripts are read per branch
from their text and, where Wine is installed, run under cmd.exe with the logging stand-ins.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
from bat_text import branch  # noqa: E402
from facts import (  # noqa: E402
    compose,  # noqa: E402
    evaluate,
    write_bundle,
)
from wine import available, session, wine  # noqa: E402,F401

from ppguide.cited import normalise  # noqa: E402
from ppguide.errors import ParameterError  # noqa: E402
from ppguide.knowledge import load  # noqa: E402

# -- the guide's facts --------------------------------------------------------------------------
FT_LOAD = "ARMLOAD.EXE NEC_ESMPROFT_SERVICE /S /M /FOV ESMFT"   # L2831, L2839, L3196, L3240
FT_KILL = "ARMKILL.EXE NEC_ESMPROFT_SERVICE"                    # L2857, L2862, L3274, L3300
DM_LOAD = "ARMLOAD.EXE NEC_DMSTD_SERVICE /S /M /FOV DMSTD"      # L3198, L3219
DM_KILL = "ARMKILL.EXE NEC_DMSTD_SERVICE"                       # L3272, L3279
DMA_LOAD = "ARMLOAD.EXE NEC_DMSTDA_SERVICE /S /M /FOV DMSTDA"   # L3242, L3253
DMA_KILL = "ARMKILL.EXE NEC_DMSTDA_SERVICE"                     # L3298, L3305
# L3165 prints C:\Yesmprodm\ESM_DM: the ¥ separator garbled to \Y (erratum yen-y).
DM_DIR = r"C:\esmprodm\ESM_DM"
DMA_DIR = r"C:\esmprodm\ESM_DMA"                                # L3166
DM_EXE = DM_DIR + r"\esmMMDM.EXE"                               # L3186: ...\YesmMMDM.EXE (yen-y, esmprod-folder)
NODE_IPS = ["195.10.10.1", "195.10.10.2"]                       # L3168: active / standby physical addresses
NEC = r"HKEY_LOCAL_MACHINE\SOFTWARE\NEC"                        # L3038, L3135


def armwsset(ip: str, exe: str = DM_EXE) -> str:
    """L3186/L3191 with the /p the guide's own syntax has (L347; erratum armwsset-no-p)."""
    return f"armwsset /p {exe} {ip}"


def node_line(node: str, ip: str) -> str:
    return f'IF /I "%COMPUTERNAME%" == "{node}" {armwsset(ip)}'


# -- reading a script's branches from its text -------------------------------------------------

def emitted(bundle, name: str) -> str:
    return bundle.file(name).text()


# -- FileTransfer ---------------------------------------------------------------------------------

def test_filetransfer_start_and_stop_per_branch():
    """§1.4.6: START and FAILOVER load FileTransfer, RECOVER does nothing; stop kills it in both."""
    b = evaluate("filetransfer", {})
    start, stop = emitted(b, "start.bat"), emitted(b, "stop.bat")
    assert branch(start, "NORMAL") == [FT_LOAD]                  # L2829-2832
    assert branch(start, "FAILOVER") == [FT_LOAD]                # L2837-2840
    assert branch(start, "RECOVER") == []                        # L2834-2835
    assert branch(stop, "NORMAL") == [FT_KILL]                   # L2855-2858
    assert branch(stop, "FAILOVER") == [FT_KILL]                 # L2860-2863


def test_filetransfer_ftsetcls_once_and_undo():
    """§1.4.7.2 (5)(6): FTSetCls.exe once to link, FTSetCls.exe -u once after removing the CLUSTERPRO client."""
    link = emitted(evaluate("filetransfer", {"ftsetcls": "link"}), "ftsetcls.bat")
    assert '"C:\\ESM_FT\\FTSetCls.exe"\r\n' in link                # L2882, install dir of L3164
    assert "-u" not in link.replace("-undo", "")
    unlink = emitted(evaluate("filetransfer", {"ftsetcls": "unlink"}), "ftsetcls.bat")
    assert '"C:\\ESM_FT\\FTSetCls.exe" -u\r\n' in unlink           # L2884
    assert not any(f.path == "ftsetcls.bat" for f in evaluate("filetransfer", {"ftsetcls": "none"}).files)


def test_filetransfer_uninstall_standby_keeps_sg_files():
    """§1.4.7.4: on the standby untick 「SG ファイルも削除」 in 「削除確認」 (L2910)."""
    b = evaluate("filetransfer", {"scenario": "uninstall"})
    step = next(s for s in b.steps if s.id == "uninstall-standby")
    assert step.place == "standby" and "「SG ファイルも削除」" in step.gui and "「削除確認」" in step.gui
    assert not any(f.path in ("start.bat", "stop.bat") for f in b.files)
    assert [l for l in emitted(b, "script-lines-to-remove.txt").split("\r\n") if l] == [FT_LOAD, FT_KILL]


def test_filetransfer_logical_service_on_the_virtual_ip():
    """§1.4.7.2 (1): ESMPRO_FT gets the virtual IP (L2877)."""
    b = evaluate("filetransfer", {"virtual_ip": "10.1.2.3"})
    step = next(s for s in b.steps if s.id == "logical-service")
    assert "ESMPRO_FT" in step.title_en and "10.1.2.3" in step.title_en and step.place == "cluster_manager"


def test_filetransfer_request_origins_take_real_addresses():
    """L2905-2906: the SG tool's request origins are the real addresses, never the virtual IP."""
    b = evaluate("filetransfer", {"node_ips": ["10.0.0.1", "10.0.0.2"], "virtual_ip": "10.0.0.9"})
    w = next(w for w in b.warnings if w.id == "request-origin-real")
    assert "10.0.0.1, 10.0.0.2" in w.en and "10.0.0.9" not in w.en


# -- DeliveryManager: scripts ------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["NORMAL", "FAILOVER"])
def test_manager_start_binds_the_node_address_then_filetransfer_then_manager(label):
    """§1.5.5.1 (1): armwsset with the node's physical IP, FileTransfer, then DeliveryManager (L3184-3198)."""
    b = evaluate("deliverymanager", {"dm_agent": False})
    got = branch(emitted(b, "start.bat"), label)
    assert got[:2] == [node_line("SERVER1", NODE_IPS[0]), node_line("SERVER2", NODE_IPS[1])]
    assert got[2].startswith('IF /I NOT "%COMPUTERNAME%" == "SERVER1" IF /I NOT "%COMPUTERNAME%" == "SERVER2" ARMBCAST')
    assert got[3:] == [FT_LOAD, DM_LOAD]                          # L3195: FileTransfer always first


@pytest.mark.parametrize("label", ["NORMAL", "FAILOVER"])
def test_agent_start_is_filetransfer_then_agent(label):
    """§1.5.5.1 (2): no armwsset for the agent, FileTransfer then DMSTDA (L3237-3253)."""
    b = evaluate("deliverymanager", {"dm_manager": False, "dm_agent": True})
    assert branch(emitted(b, "start.bat"), label) == [FT_LOAD, DMA_LOAD]
    assert branch(emitted(b, "stop.bat"), label) == [DMA_KILL, FT_KILL]   # L3297-3300
    assert not any(f.path.startswith("dm-node-") for f in b.files)


@pytest.mark.parametrize("label", ["NORMAL", "FAILOVER"])
def test_manager_stop_kills_manager_then_filetransfer(label):
    """§1.5.5.2 (1): DMSTD, then FileTransfer (L3271-3274, L3278-3281)."""
    b = evaluate("deliverymanager", {"dm_agent": False})
    assert branch(emitted(b, "stop.bat"), label) == [DM_KILL, FT_KILL]


def test_recover_does_nothing():
    """L3201-3202: RECOVER goes straight to EXIT."""
    assert branch(emitted(evaluate("deliverymanager", {}), "start.bat"), "RECOVER") == []


@pytest.mark.parametrize("product,params", [
    ("filetransfer", {}),
    ("deliverymanager", {}),
    ("deliverymanager", {"dm_agent": False}),
    ("deliverymanager", {"dm_manager": False}),
])
def test_every_armload_is_killed_in_reverse(product, params):
    b = evaluate(product, params)
    for label in ("NORMAL", "FAILOVER"):
        loads = [l.split()[1] for l in branch(emitted(b, "start.bat"), label) if l.startswith("ARMLOAD.EXE ")]
        kills = [l.split()[1] for l in branch(emitted(b, "stop.bat"), label) if l.startswith("ARMKILL.EXE ")]
        assert loads and kills == loads[::-1]
        assert loads[0] == "NEC_ESMPROFT_SERVICE"                 # L2812, L3315: FileTransfer first


def test_armwsset_line_per_node_with_its_address():
    """Three nodes: one line each with that node's own physical address (L3185, L3190: 物理 IP アドレス)."""
    nodes, ips = ["NODEA", "NODEB", "NODEC"], ["10.0.0.11", "10.0.0.12", "10.0.0.13"]
    b = evaluate("deliverymanager", {"nodes": nodes, "node_ips": ips})
    start = branch(emitted(b, "start.bat"), "NORMAL")
    assert start[:3] == [node_line(n, ip) for n, ip in zip(nodes, ips)]
    assert "home-two-nodes" in [e.id for e in b.errata]       # L3184: HOME/OTHER fits two nodes only
    for n, ip in zip(nodes, ips):
        text = emitted(b, f"dm-node-{n}.bat")
        assert f'if /I not "%COMPUTERNAME%"=="{n}" (' in text
        assert f"\r\n{armwsset(ip)}\r\nif errorlevel 1 goto failed\r\n" in text
        assert [x for x in ips if x != ip and x in text] == []


def test_wsock32_copied_into_the_manager_folder_on_each_node():
    """L3314: <CLUSTERPRO>\\armmontr\\wsock32.dll into the folder DeliveryManager is installed in."""
    b = evaluate("deliverymanager", {"clusterpro_dir": r"D:\CP\esmarm"})
    for node in ("SERVER1", "SERVER2"):
        assert (rf'copy /Y "D:\CP\esmarm\armmontr\wsock32.dll" "{DM_DIR}\wsock32.dll"' + "\r\nif errorlevel 1 goto failed"
                in emitted(b, f"dm-node-{node}.bat"))


def test_install_dir_with_a_space_is_quoted():
    b = evaluate("deliverymanager", {"install_dir": r"C:\Program Files\ESM_DM", "dm_agent": False})
    exe = r'"C:\Program Files\ESM_DM\esmMMDM.EXE"'
    assert f'"SERVER1" armwsset /p {exe} 195.10.10.1' in emitted(b, "start.bat")
    assert "armwsset-path-space" in [w.id for w in b.warnings]


# -- DeliveryManager: registry, client ---------------------------------------------------------------

@pytest.mark.parametrize("manager,agent", [(True, True), (True, False), (False, True)])
def test_registry_names_the_cluster(manager, agent):
    """L3038-3044 DMSTD\\DMName and L3135-3141 DMSTDA\\DMAName, string, data: the cluster name."""
    b = evaluate("deliverymanager", {"dm_manager": manager, "dm_agent": agent, "virtual_host_name": "dmcluster"})
    f = b.file("deliverymanager.reg")
    assert f.encoding == "utf-16-le-bom" and f.content.startswith(b"\xff\xfe")
    text = f.text()
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    assert (f'[{NEC}\\DMSTD]\r\n"DMName"="dmcluster"\r\n' in text) == manager
    assert (f'[{NEC}\\DMSTDA]\r\n"DMAName"="dmcluster"\r\n' in text) == agent
    assert b.values["cluster_host"] == "dmcluster"


def test_cluster_name_defaults_to_the_virtual_computer_name():
    b = evaluate("deliverymanager", {"virtual_computer_name": "ESMVC"})
    assert '"DMName"="ESMVC"' in b.file("deliverymanager.reg").text()


def test_client_connects_by_cluster_name():
    """§1.5.6.1: [DMC SG 支援], server to connect to = cluster name, listed in HOSTS (L3321-3322)."""
    b = evaluate("deliverymanager", {"virtual_host_name": "dmcluster", "virtual_ip": "10.9.8.7"})
    client = {s.id: s for s in b.steps if s.place == "client"}
    assert set(client) == {"client-install", "client-hosts", "client-sg"}
    assert "[DMC SG 支援]" in client["client-sg"].title_en and "dmcluster" in client["client-sg"].title_en
    assert "echo 10.9.8.7    dmcluster" in b.file(client["client-hosts"].artifact).text()
    assert not [s for s in evaluate("deliverymanager", {"dm_client": False}).steps if s.place == "client"]


def test_logical_names_share_filetransfers_virtual_ip():
    """L3034, L3131: ESMPRO_DM and ESMPRO_DMA on the virtual IP of ESMPRO_FT."""
    step = next(s for s in evaluate("deliverymanager", {"virtual_ip": "10.1.1.1"}).steps if s.id == "logical-services")
    assert all(x in step.title_en for x in ("ESMPRO_DM", "ESMPRO_DMA", "10.1.1.1", "ESMPRO_FT"))


def test_sg_settings_on_the_active_node_only():
    """L3050, L3147: the SG tools run on the active node, nothing on the standby."""
    steps = {s.id: s for s in evaluate("deliverymanager", {}).steps}
    assert steps["sg-manager"].place == steps["sg-agent"].place == "active"
    assert r"X:\DMSPOOL" in steps["sg-manager"].title_en
    assert r"X:\DMACURRENT" in steps["sg-agent"].title_en and r"X:\DMASPOOL" in steps["sg-agent"].title_en


def test_wsock_copy_comes_before_the_scripts():
    """L3314: the DLL is copied before the scripts are written."""
    ids = [s.id for s in evaluate("deliverymanager", {}).steps]
    assert ids.index("wsock-armwsset") < ids.index("scripts")


# -- one failover group --------------------------------------------------------------------------------

@pytest.mark.parametrize("order", [["filetransfer", "deliverymanager"], ["deliverymanager", "filetransfer"]])
def test_group_starts_filetransfer_once_and_first(order):
    """L2812, L3315: FileTransfer before DeliveryManager; merged by service name, ESMFT is loaded once."""
    b = compose({"failover_group": "dmgroup", "parameters": {"nodes": ["SERVER1", "SERVER2"]},
                 "products": [{"id": pid} for pid in order]})
    start, stop = b.file("start.bat").text(), b.file("stop.bat").text()
    for label in ("NORMAL", "FAILOVER"):
        loads = [l for l in branch(start, label) if l.startswith("ARMLOAD.EXE")]
        assert loads == [FT_LOAD, DM_LOAD, DMA_LOAD]
        kills = [l for l in branch(stop, label) if l.startswith("ARMKILL.EXE")]
        assert kills == [DMA_KILL, DM_KILL, FT_KILL]
        assert branch(start, label).count(node_line("SERVER1", NODE_IPS[0])) == 1


# -- errata and bad input ---------------------------------------------------------------------------------

BUNDLES = [
    ("filetransfer", {}), ("filetransfer", {"scenario": "uninstall"}), ("filetransfer", {"ftsetcls": "unlink"}),
    ("deliverymanager", {}), ("deliverymanager", {"scenario": "uninstall"}),
    ("deliverymanager", {"nodes": ["A", "B", "C"], "node_ips": ["10.0.0.1", "10.0.0.2", "10.0.0.3"]}),
    ("deliverymanager", {"dm_manager": False}),
]


@pytest.mark.parametrize("product,params", BUNDLES)
def test_no_erratum_form_is_emitted(product, params):
    """Every file a user runs or imports: none holds what an erratum records as the guide's wrong form.
    (checklist.md quotes the errata for the reader on purpose and is left out.)"""
    b = evaluate(product, params)
    wrong = [normalise(e.guide) for e in load(product).errata]
    for f in b.files:
        if f.role == "checklist":
            continue
        text = normalise(f.text())
        assert [w for w in wrong if w in text] == [], f.path
        assert "\\y" not in text.replace("\\yes", ""), f.path   # no ¥ garbled to \Y in any path


def test_errata_name_their_lines():
    """The errata the issue asks for, each at its line."""
    dm = {e.id: e for e in load("deliverymanager").errata}
    assert dm["yen-y"].line == 3165 and {3166, 3186, 3191, 3207, 3212} <= set(dm["yen-y"].also)
    assert dm["esmprod-folder"].line == 3186 and dm["esmprod-folder"].override == "install_dir"
    assert dm["armwsset-no-p"].line == 3186 and not dm["armwsset-no-p"].certain
    ft = {e.id: e for e in load("filetransfer").errata}
    assert ft["stop-sample-name"].line == 2849


@pytest.mark.parametrize("product,params,bad", [
    ("deliverymanager", {"node_ips": ["195.10.10.1"]}, ["nodes+node_ips"]),
    ("deliverymanager", {"node_ips": ["195.10.10.1", "195.10.10.300"]}, ["node_ips"]),
    ("deliverymanager", {"nodes": ["SERVER 1", "SERVER2"]}, ["nodes"]),
    ("deliverymanager", {"system": "two-way"}, ["system"]),                          # L2932
    ("deliverymanager", {"server_os": "Windows NT 3.51 Server"}, ["server_os"]),    # L2937-2942
    ("deliverymanager", {"dm_manager": False, "dm_agent": False}, ["dm_manager+dm_agent"]),
    ("deliverymanager", {"install_dir": r"X:\ESM_DM"}, ["install_dir+dma_install_dir"]),
    ("deliverymanager", {"dma_install_dir": DM_DIR}, ["install_dir+dma_install_dir"]),
    ("deliverymanager", {"dma_spool_folder": "dmspool"},
     ["dm_sg_folder+dm_spool_folder+dma_sg_folder+dma_spool_folder+dma_current_folder"]),
    ("deliverymanager", {"virtual_host_name": "dm cluster"}, ["virtual_host_name"]),
    ("deliverymanager", {"install_dir": "esmprodm"}, ["install_dir"]),
    ("deliverymanager", {"switch_drive": "XX"}, ["switch_drive"]),
    ("deliverymanager", {"dm_sg_folder": r"a\b"}, ["dm_sg_folder"]),
    ("deliverymanager", {"virtual_ip": "192.168.10"}, ["virtual_ip"]),
    ("filetransfer", {"ft_version": "3.2"}, ["server_os+ft_version"]),              # L2729, L2732
    ("filetransfer", {"server_os": "Windows NT 3.51 Server", "ft_version": "4.0"}, ["server_os+ft_version"]),
    ("filetransfer", {"install_dir": r"x:\ESM_FT"}, ["install_dir"]),
    ("filetransfer", {"nodes": ["A", "B", "C"]}, ["nodes+node_ips"]),
    ("filetransfer", {"ftsetcls": "yes"}, ["ftsetcls"]),
    ("filetransfer", {"client_install_dir": "C:/ESM_FT"}, ["client_install_dir"]),
    ("filetransfer", {"ft_sg_folde": "FTSG"}, ["ft_sg_folde"]),
])
def test_bad_input_is_refused_and_nothing_written(tmp_path, product, params, bad):
    out = tmp_path / "bundle"
    with pytest.raises(ParameterError) as exc:
        write_bundle(product, params, out)
    assert exc.value.parameters == [n for b in bad for n in b.split("+")]
    assert not out.exists()


def test_ft_3_2_is_fine_on_nt_3_51():
    assert evaluate("filetransfer", {"server_os": "Windows NT 3.51 Server", "ft_version": "3.2"})


def test_same_bytes_twice():
    for product in ("filetransfer", "deliverymanager"):
        a, b = evaluate(product, {}), evaluate(product, {})
        assert [(f.path, f.content) for f in a.files] == [(f.path, f.content) for f in b.files]
        assert a.manifest_bytes() == b.manifest_bytes()


# -- under Wine: cmd.exe runs the scripts with logging stand-ins -------------------------------------------

FT_CALL = "ARMLOAD NEC_ESMPROFT_SERVICE /S /M /FOV ESMFT"
DM_CALL = "ARMLOAD NEC_DMSTD_SERVICE /S /M /FOV DMSTD"
DMA_CALL = "ARMLOAD NEC_DMSTDA_SERVICE /S /M /FOV DMSTDA"
KILLS = ["ARMKILL NEC_DMSTDA_SERVICE", "ARMKILL NEC_DMSTD_SERVICE", "ARMKILL NEC_ESMPROFT_SERVICE"]


def run_fresh(wine, folder, bat):
    """run_in appends to one log per folder: start each run with an empty one."""
    (folder.parent / f"{folder.name}.calls.log").unlink(missing_ok=True)
    return wine.run_in(folder, bat)


@pytest.fixture(scope="module")
def computer(wine):
    """Wine sets COMPUTERNAME from the host; a script sees that name, whatever the test passes."""
    name = wine.run(b"@echo off\r\necho %COMPUTERNAME%\r\n").stdout.strip()
    if not re.fullmatch(r"[A-Z0-9_-]{1,15}", name):
        pytest.skip(f"Wine's computer name {name!r} is not a usable NetBIOS name")
    return name


@pytest.mark.parametrize("event", ["START", "FAILOVER"])
@pytest.mark.parametrize("position", [0, 1])
def test_wine_manager_start_on_each_node(wine, computer, event, position):
    """The node running start.bat passes its own physical address (L3185-3191), then FT, DM, DMA."""
    nodes = ["OTHERNODE"]
    nodes.insert(position, computer)
    b = evaluate("deliverymanager", {"nodes": nodes})
    calls = wine.run_bat(b.file("start.bat").content, {"ARMS_EVENT": event})
    assert calls == [f"ARMWSSET /p {DM_EXE} {NODE_IPS[position]}", FT_CALL, DM_CALL, DMA_CALL]


def test_wine_unknown_node_broadcasts_and_starts(wine, computer):
    b = evaluate("deliverymanager", {"nodes": ["NODEX", "NODEY"]})
    calls = wine.run_bat(b.file("start.bat").content, {"ARMS_EVENT": "START"})
    assert calls[0].startswith(f"ARMBCAST /MSG armwsset: {computer} ") and calls[0].endswith(" /A")
    assert calls[1:] == [FT_CALL, DM_CALL, DMA_CALL]


@pytest.mark.parametrize("env,expected", [
    ({"ARMS_EVENT": "RECOVER"}, []),
    ({"ARMS_EVENT": "START", "ARMS_DISK": "FAILURE"}, ["ARMBCAST"]),
    ({}, ["ARMBCAST"]),
])
def test_wine_start_other_branches(wine, env, expected):
    calls = wine.run_bat(evaluate("deliverymanager", {}).file("start.bat").content, env)
    assert [c.split(" ")[0] for c in calls] == expected


@pytest.mark.parametrize("event", ["START", "FAILOVER"])
def test_wine_stop_kills_in_reverse(wine, event):
    """L3271-3274, L3297-3300: DeliveryManager first, FileTransfer last."""
    calls = wine.run_bat(evaluate("deliverymanager", {}).file("stop.bat").content, {"ARMS_EVENT": event})
    assert calls == KILLS


@pytest.mark.parametrize("event", ["START", "FAILOVER"])
def test_wine_filetransfer_alone(wine, event):
    b = evaluate("filetransfer", {})
    assert wine.run_bat(b.file("start.bat").content, {"ARMS_EVENT": event}) == [FT_CALL]
    assert wine.run_bat(b.file("stop.bat").content, {"ARMS_EVENT": event}) == ["ARMKILL NEC_ESMPROFT_SERVICE"]


def test_wine_group_starts_filetransfer_once(wine, computer):
    b = compose({"failover_group": "dmgroup", "parameters": {"nodes": [computer, "OTHERNODE"]},
                 "products": [{"id": "deliverymanager"}, {"id": "filetransfer"}]})
    assert wine.run_bat(b.file("start.bat").content, {"ARMS_EVENT": "START"}) == [
        FT_CALL, f"ARMWSSET /p {DM_EXE} {NODE_IPS[0]}", DM_CALL, DMA_CALL]
    assert wine.run_bat(b.file("stop.bat").content, {"ARMS_EVENT": "FAILOVER"}) == KILLS


def test_wine_node_file_copies_the_wrapper_then_binds(wine, computer):
    """dm-node-<node>.bat: wsock32.dll next to the manager (L3314), then the node's armwsset line."""
    folder = wine.new_dir()
    base = wine.windows_path(folder)
    (folder / "cp" / "armmontr").mkdir(parents=True)
    (folder / "cp" / "armmontr" / "wsock32.dll").write_bytes(b"wrapper")
    (folder / "dm").mkdir()
    b = evaluate("deliverymanager", {"nodes": ["OTHERNODE", computer], "clusterpro_dir": base + r"\cp",
                                     "install_dir": base + r"\dm"})
    for f in b.files:
        if f.path.startswith("dm-node-"):
            (folder / f.path).write_bytes(f.content)
    mine = run_fresh(wine, folder, f"dm-node-{computer}.bat")
    assert mine.calls == [f"ARMWSSET /p {base}\\dm\\esmMMDM.EXE {NODE_IPS[1]}"]
    assert (folder / "dm" / "wsock32.dll").read_bytes() == b"wrapper"
    other = run_fresh(wine, folder, "dm-node-OTHERNODE.bat")
    assert other.calls == [] and "OTHERNODE" in other.stdout


def test_wine_registry_round_trip(wine):
    b = evaluate("deliverymanager", {"virtual_host_name": "dmcluster"})
    wine.reg_delete_tree(NEC + r"\DMSTD")
    wine.reg_delete_tree(NEC + r"\DMSTDA")
    wine.import_reg(b.file("deliverymanager.reg").content)
    assert wine.reg_query(NEC + r"\DMSTD") == {"DMName": ("REG_SZ", "dmcluster")}
    assert wine.reg_query(NEC + r"\DMSTDA") == {"DMAName": ("REG_SZ", "dmcluster")}


def test_wine_ftsetcls_runs_once(wine):
    """L2882-2884: link once; a second run does nothing; unlink once removes the record."""
    folder = wine.new_dir()
    base = wine.windows_path(folder)
    (folder / "ft").mkdir()
    (folder / "ft" / "FTSetCls.exe").write_bytes(wine.standin.read_bytes())
    link = evaluate("filetransfer", {"client_install_dir": base + r"\ft"}).file("ftsetcls.bat").content
    unlink = evaluate("filetransfer", {"client_install_dir": base + r"\ft", "ftsetcls": "unlink"}).file("ftsetcls.bat").content
    (folder / "link.bat").write_bytes(link)
    (folder / "unlink.bat").write_bytes(unlink)
    assert run_fresh(wine, folder, "link.bat").calls == ["FTSETCLS"]
    assert run_fresh(wine, folder, "link.bat").calls == []
    assert run_fresh(wine, folder, "unlink.bat").calls == ["FTSETCLS -u"]
    assert run_fresh(wine, folder, "unlink.bat").calls == []
    assert run_fresh(wine, folder, "link.bat").calls == ["FTSETCLS"]


def test_wine_ftsetcls_unlinks_a_link_made_by_hand(wine):
    """L2884: after the CLUSTERPRO client is removed, FTSetCls.exe -u runs once, whoever made the link."""
    folder = wine.new_dir()
    base = wine.windows_path(folder)
    (folder / "ft").mkdir()
    (folder / "ft" / "FTSetCls.exe").write_bytes(wine.standin.read_bytes())
    unlink = evaluate("filetransfer", {"client_install_dir": base + r"\ft", "ftsetcls": "unlink"}).file("ftsetcls.bat").content
    (folder / "unlink.bat").write_bytes(unlink)
    assert run_fresh(wine, folder, "unlink.bat").calls == ["FTSETCLS -u"]      # no record of the hand-made link
    assert run_fresh(wine, folder, "unlink.bat").calls == []                   # once only


def test_wine_ftsetcls_reads_the_earlier_marker(wine):
    """A link recorded by an earlier ppguide (ppguide-ftsetcls.done) is not made a second time (L2882: once)."""
    folder = wine.new_dir()
    base = wine.windows_path(folder)
    (folder / "ft").mkdir()
    (folder / "ft" / "FTSetCls.exe").write_bytes(wine.standin.read_bytes())
    (folder / "ft" / "ppguide-ftsetcls.done").write_bytes(b"linked\r\n")
    link = evaluate("filetransfer", {"client_install_dir": base + r"\ft"}).file("ftsetcls.bat").content
    (folder / "link.bat").write_bytes(link)
    assert run_fresh(wine, folder, "link.bat").calls == []
