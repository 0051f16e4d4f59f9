"""Parameter validation: bad input is refused with a message that names it, and nothing is written.

The bad inputs live in tests/corpus/bad_inputs.yaml (both ServerManager and ServerAgent): wrong
types, NetBIOS and drive rules, unknown names, .bat/.reg metacharacters, malformed addresses,
unknown choices and the guide's own refusal rules. Every case must raise `ParameterError` that
names the expected parameter(s), shows the value given and says what is expected in English and
Japanese; `run` must then leave the output folder absent, or byte-identical when it already holds
an earlier bundle.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ppguide.errors import ParameterError, Problem, as_typed
from facts import evaluate, write_bundle
from ppguide.knowledge import load
from facts import validate

CORPUS = Path(__file__).parent / "corpus" / "bad_inputs.yaml"
CASES = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["cases"]
PRODUCTS = ["servermanager", "serveragent"]


def _params(case):
    marks = []
    if case.get("engine_bug"):   # accepted today by mistake: expected to fail until the engine is fixed
        marks = [pytest.mark.xfail(strict=True, raises=(AssertionError, pytest.fail.Exception),
                                   reason=case["engine_bug"])]
    return pytest.param(case, id=case["id"], marks=marks)


BAD = [_params(c) for c in CASES]


def _refused(product: str, given: dict) -> ParameterError:
    try:
        evaluate(product, given)
    except ParameterError as err:
        return err
    raise AssertionError(f"{product} accepted {given!r}")


def _problem_for(err: ParameterError, name: str) -> Problem:
    """The problem that names `name` (a check naming several parameters joins them with '+')."""
    for p in err.problems:
        if name in p.parameter.split("+"):
            return p
    raise AssertionError(f"no problem names {name!r}; the error names {err.parameters}")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the corpus ---------------------------------------------------------------------------------

def test_corpus_covers_both_products_and_names_declared_parameters():
    assert {c["product"] for c in CASES} == set(PRODUCTS)
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids repeat"
    for c in CASES:
        declared = {p.name for p in load(c["product"]).parameters}
        for name in c["names"]:
            assert name in declared or name in c["parameters"], f"{c['id']}: {name} is neither declared nor given"


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_naming_the_parameter(case):
    err = _refused(case["product"], case["parameters"])
    for name in case["names"]:
        problem = _problem_for(err, name)
        assert name in "+".join(err.parameters).split("+")
        if name in case["parameters"] and case["parameters"][name] is None:
            assert "not given" in problem.en() and "指定なし" in problem.ja()
        elif name in case["parameters"]:
            assert as_typed(case["parameters"][name]) in problem.en(), problem.en()
            assert as_typed(case["parameters"][name]) in problem.ja(), problem.ja()
        assert "expected" in problem.en()
        assert "期待される値" in problem.ja()
        assert problem.en() in err.en and problem.ja() in err.ja
        assert problem.en() in str(err) and problem.ja() in str(err)


@pytest.mark.parametrize("case", BAD)
def test_bad_input_writes_nothing(case, tmp_path):
    outdir = tmp_path / "new" / "bundle"
    with pytest.raises(ParameterError):
        write_bundle(case["product"], case["parameters"], outdir)
    assert not outdir.exists()
    assert not (tmp_path / "new").exists(), "not even the parent folder may be created"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", BAD)
def test_bad_input_leaves_an_earlier_bundle_untouched(case, tmp_path):
    outdir = tmp_path / "bundle"
    write_bundle(case["product"], {}, outdir)
    before = _snapshot(outdir)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ParameterError):
        write_bundle(case["product"], case["parameters"], outdir)
    assert _snapshot(outdir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings, "no temporary folder may be left behind"


# --- good input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("pid", PRODUCTS)
def test_defaults_evaluate(pid):
    bundle = evaluate(pid, {})
    assert bundle.files and bundle.file("checklist.md").content


def _defaults():
    for pid in PRODUCTS:
        for p in load(pid).parameters:
            if p.required:
                continue
            yield pytest.param(pid, p.name, p.default, id=f"{pid}:{p.name}")


@pytest.mark.parametrize("pid,name,default", list(_defaults()))
def test_each_declared_default_validates_when_given_explicitly(pid, name, default):
    """The notebook passes every parameter, defaults included: each default must pass validation as input."""
    assert validate(load(pid), {name: default})[name] == default


@pytest.mark.parametrize("pid", PRODUCTS)
def test_defaults_given_explicitly_give_the_default_bundle(pid):
    product = load(pid)
    given = {p.name: p.default for p in product.parameters if not p.required}
    assert evaluate(pid, given).manifest() == evaluate(pid, {}).manifest()


GOOD = [
    ("servermanager", {}),
    ("servermanager", {"express_report_installed": True, "alert_manager_installed": True,
                       "clusterpro_manager_on_server": True, "esmpro_user_group": "ESMUsers",
                       "nodes": "SV1, SV2", "switch_drive": "y:", "sm_version": "4.16"}),
    ("serveragent", {}),
    ("serveragent", {"winsock_wrapper": True, "scenario": "failover_ready",
                     "nodes": ["SV1", "SV2", "SV3"], "node_ips": "192.168.10.1,192.168.10.2,192.168.10.3",
                     "install_dir": "C:\\Program Files\\ESM", "installed_products": ["ESMPRO/ServerManager"]}),
    ("serveragent", {"scenario": "uninstall", "winsock_wrapper": True, "failover_ready_product": True}),
]


@pytest.mark.parametrize("pid,given", GOOD, ids=[f"{p}-{i}" for i, (p, _) in enumerate(GOOD)])
def test_emitting_twice_gives_identical_bytes(pid, given, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_bundle(pid, given, first)
    write_bundle(pid, given, second)
    a, b = _snapshot(first), _snapshot(second)
    assert a == b
    assert "manifest.json" in a and len(a) > 1


def test_rerun_replaces_the_bundle_whole(tmp_path):
    """A good run into a folder holding an earlier bundle leaves exactly the new bundle."""
    out = tmp_path / "bundle"
    write_bundle("serveragent", {"winsock_wrapper": True}, out)
    assert (out / "armwsset-SERVER1.bat").is_file()
    write_bundle("serveragent", {}, out)
    assert not (out / "armwsset-SERVER1.bat").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]


def test_serveragent_wrapper_files_per_node():
    bundle = evaluate("serveragent", {"winsock_wrapper": True, "nodes": ["SV1", "SV2"],
                                      "node_ips": ["10.0.0.1", "10.0.0.2"]})
    one, two = bundle.file("armwsset-SV1.bat").text(), bundle.file("armwsset-SV2.bat").text()
    for module in ("AMVCKS.EXE", "AMVMAN.EXE", "AMSADM.EXE"):
        assert f"armwsset /p C:\\ESM\\AlertMan\\Program\\{module} 10.0.0.1\r\n" in one
        assert f"armwsset /p C:\\ESM\\AlertMan\\Program\\{module} 10.0.0.2\r\n" in two
        assert "10.0.0.2" not in one
    assert "armwsset /L\r\n" in one
    assert "armwsset /DEL\r\n" in bundle.file("armwsset-undo.bat").text()
    assert "YESM" not in one and "wsock_ .dll" not in one


# --- exact messages, written out by hand ----------------------------------------------------------

def test_netbios_message_exact_english():
    err = _refused("servermanager", {"virtual_computer_name": "ESM PRO"})
    assert err.en.split("\n") == [
        "Invalid parameters (nothing was written):",
        "  - parameter 'virtual_computer_name': given 'ESM PRO'; expected a computer (NetBIOS) name: "
        "1-15 letters, digits, - or _, not digits only, not a device name (CON, NUL...)",
    ]


def test_netbios_message_exact_japanese():
    err = _refused("serveragent", {"nodes": ["SERVER1", "SERVER0123456789"]})
    assert err.ja.split("\n") == [
        "パラメータが不正です (何も出力していません):",
        "  - パラメータ 'nodes': 指定値 ['SERVER1', 'SERVER0123456789']、期待される値: "
        "各要素が コンピュータ名 (NetBIOS 名): 英数字・- ・_ の 1～15 文字 (数字のみ・デバイス名は不可) であること (要素 1 が不正)",
    ]


def test_unknown_parameter_message_exact():
    err = _refused("serveragent", {"node_ip": "192.168.10.1"})
    assert err.problems[0].en() == (
        "parameter 'node_ip': given '192.168.10.1'; expected a declared parameter (did you mean 'node_ips'?): scenario, "
        "failover_ready_product, nodes, node_ips, switch_drive, install_dir, clusterpro_dir, serveragent_version, "
        "clusterpro_version, data_mirroring, datamirroring_version, installed_products, winsock_wrapper, server_os")


def test_refusal_message_exact():
    err = _refused("servermanager", {"sm_version": "4.15", "scenario": "fresh"})
    assert err.parameters == ["sm_version"]
    assert err.problems[0].en() == (
        "parameter 'sm_version': given '4.15'; expected version 4.16 or later: earlier versions cannot take over "
        "data on failover (× or △ in the §1.2.3.1 matrix); install them the ordinary way from the product's "
        "installation guide (guide lines 406, 448, 449)")


def test_every_problem_is_reported_not_only_the_first():
    err = _refused("serveragent", {"switch_drive": "XX:", "node_ips": ["1.2.3"], "scenario": "install"})
    assert set(err.parameters) == {"switch_drive", "node_ips", "scenario"}


def type_accepts_or_names(type_name: str, name: str, value, ok: bool, says: str) -> None:
    """A value of a parameter type is accepted unchanged, or refused naming the parameter and the rule."""
    from ppguide import params
    if ok:
        assert params.check(type_name, name, value) == value
    else:
        with pytest.raises(ParameterError) as e:
            params.check(type_name, name, value)
        assert name in str(e.value) and says in str(e.value)


@pytest.mark.parametrize("value,ok", [
    ("0xD3E867055C472F448D051684D579EC3D", True),       # the guide's sample netiq SID, @L6426
    ("0x02AF52BCCEDC434E8164142C145A7DD8", True),       # the guide's sample probe SID, @L7330
    ("0xd3e867055c472f448d051684d579ec3d", True),
    ("D3E867055C472F448D051684D579EC3D", False),        # without 0x sp_addlogin reads a name, not a SID
    ("0xD3E867055C472F448D051684D579EC3", False),       # 31 digits: a login SID is 16 bytes
    ("0xD3E867055C472F448D051684D579EC3D0", False),
    ("0xD3E867055C472F448D051684D579EC3G", False),
    ("0xD3E867055C472F448D051684D579EC3D;drop login netiq", False),
])
def test_sid_type(value, ok):
    type_accepts_or_names("sid", "netiq_sid", value, ok, "0x")


@pytest.mark.parametrize("value,shown", [
    ("S:\\nwork", "'S:\\nwork'"),          # a Windows path keeps its single backslash
    ("a\nb", "'a<U+000A>b'"),              # what cannot be seen is named
    ("\u200b", "'<U+200B>'"),
    ("ESMユーザー", "'ESMユーザー'"),
    ("4.16", "'4.16'"), (4.16, "4.16"),     # text and number stay apart
    (True, "true"), (None, "null"), (["A", "B"], "['A', 'B']"), ({"k": 1}, "{k: 1}"),
])
def test_values_in_messages_are_shown_as_typed(value, shown):
    assert as_typed(value) == shown


@pytest.mark.parametrize("value,ok", [
    ("OracleServiceSID1", True),                        # AppManager 5.0's example services, @L9727
    ("OracleTNSListener80", True),
    ("MSSQL$NVPRO", True),                              # a named SQL Server instance's service
    ("Oracle Service", False),                          # a space splits a list of services and a command line
    ("OracleServiceSID1,OracleTNSListener80", False),   # one name, not a list in one value
    ("it's", False), ("-x", False), ("NUL", False), ("", False), ("サービス", False),
])
def test_service_type(value, ok):
    type_accepts_or_names("service", "monitored_services", value, ok, "サービス名")
@pytest.mark.parametrize("value,ok", [
    ("APPL003", True),                  # the guide's example item, @L7691
    ("APPL1", True),
    ("APPLxxx", False),                 # the samples' placeholder (@L7641), not an ID
    ("APPL", False),
    ("APPL003 -w 0", False),            # would add a switch to the setbwatc line
    ("appl003", False),
    ("ＡＰＰＬ００３", False),
])
def test_bom_item_type(value, ok):
    type_accepts_or_names("bom_item", "bom_item_ids", value, ok, "APPL")


@pytest.mark.parametrize("value,ok", [
    ("VCOMSQL", True),                  # the guide's logical host, @L9884
    ("pfm-host1", True),
    ("h" * 32, True),
    ("h" * 33, False),
    ("VCOM SQL", False),                # the name inside [..] of the service name is one word
    ("VCOMSQL]", False),
    ("[VCOMSQL", False),
    ("-lhost", False),
    ("1234", False),
])
def test_logical_host_type(value, ok):
    type_accepts_or_names("logical_host", "logical_host", value, ok, "logical host")


def test_types_defined_in_data_take_the_guides_example():
    """data/parameters.yaml `types`: each pattern takes the guide's own example, which stands on its line, and no
    data type replaces a built-in one."""
    from ppguide import params
    from ppguide.cited import stands_on
    from ppguide.knowledge import shared_types

    guide = (Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt")
    lines = guide.read_text(encoding="utf-8").split("\n")
    types = shared_types()
    assert {"version", "sid", "bom_item"} <= types.keys() and not types.keys() & params.BUILT_IN.keys()
    for name, t in types.items():
        example = t["example"]
        assert stands_on(example["value"], lines[example["cite"] - 1]), (name, example)
        assert params.check(name, name, example["value"]) == example["value"]
        with pytest.raises(ParameterError) as exc:
            params.check(name, name, example["value"] + "x")
        assert t["expected"]["en"] in exc.value.en and t["expected"]["ja"] in exc.value.ja
