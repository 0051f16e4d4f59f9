"""ppguide audit: the guide's own samples yield the errata the knowledge records, at their lines; ppguide's own
bundles yield nothing; each rule fires on the fault it names; files are read as a cluster holds them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from facts import evaluate
from guide_samples import SAMPLES, content, cut, fixture_path
from ppguide import audit as audit_mod
from ppguide.audit import audit, parse_bat, paths
from ppguide.audit_rules import RULES, rule_table
from ppguide.cli import app
from ppguide.errors import PpguideError, UnknownProductError
from ppguide.examples import guide_example
from ppguide.knowledge import load, product_ids

ERRATUM_RULES = {"erratum", "erratum-ambiguity", "erratum-in-comment"}

#: (product, facts the sample was written for, start sample, stop sample)
SAMPLE_PAIRS = [
    ("servermanager", {}, "servermanager-start", "servermanager-stop"),
    ("jmss", {"japi_jmgc": "true"}, "jmss-rl199909-start", "jmss-rl199909-stop"),
    ("jmss", {"japi_jmgc": "true", "jmss_release": "rl1999_06_or_earlier"}, "jmss-rl199906-start", "jmss-rl199906-stop"),
    ("jmss", {"system": "two-way", "cluster_link_option": "true"}, None, "jmss-two-way-stop"),
    ("filetransfer", {}, "filetransfer-start", "filetransfer-stop"),
    ("deliverymanager", {"dm_agent": "false"}, "deliverymanager-start", "deliverymanager-stop"),
    ("deliverymanager", {"dm_manager": "false"}, "deliverymanager-agent-start", "deliverymanager-agent-stop"),
    ("netvisorpro", {}, "netvisorpro-start", "netvisorpro-stop"),
    ("bom", {}, "bom-start", "bom-stop"),
]


def guide_line(name: str, f) -> int:
    return SAMPLES[name][2] + f.line - 1


def sample_of(path: str) -> str:
    return next(n for n in SAMPLES if str(fixture_path(n)) == path)


# ---------------------------------------------------------------------------------------------
# the guide's samples
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(SAMPLES))
def test_fixtures_are_the_guide_cut_by_line(name):
    """The fixture is what the helper cuts from the guide now: nobody edited it by hand."""
    assert fixture_path(name).read_bytes() == content(name), "run `python tests/guide_samples.py`"
    _, _, first, last = SAMPLES[name]
    assert len(cut(first, last)) == last - first + 1


def _recorded(pid: str, name: str) -> dict[tuple[str, int], str]:
    """(erratum id, guide line) -> the rule that must report it: every recorded line of the product's errata that
    stands in the sample (code, not prose), for errata the audit looks for."""
    _, _, first, last = SAMPLES[name]
    code = cut(first, last)
    out = {}
    for e in load(pid).errata:
        if e.forms == []:
            continue
        for n in {e.line, *e.also}:
            text = code[n - first] if first <= n <= last else ""
            if not text.strip():
                continue
            comment = text.strip().lower().startswith("rem")
            out[(e.id, n)] = "erratum-in-comment" if comment else ("erratum-ambiguity" if e.kind == "ambiguity" else "erratum")
    return out


def _audit_sample(pid, given, start, stop):
    return audit([(pid, given)], fixture_path(start) if start else None, fixture_path(stop))


@pytest.mark.parametrize("pid,given,start,stop", SAMPLE_PAIRS, ids=[p[3] for p in SAMPLE_PAIRS])
def test_guide_samples_yield_the_recorded_errata_at_their_lines(pid, given, start, stop):
    findings = _audit_sample(pid, given, start, stop)
    found = {}
    for f in findings:
        if f.rule in ERRATUM_RULES:
            assert f.product == pid, f"{f.erratum} of {f.product} found in {pid}'s sample at {f.line}"
            found[(f.erratum, guide_line(sample_of(f.file), f))] = f.rule
    expected = (_recorded(pid, start) if start else {}) | _recorded(pid, stop)
    assert found == expected


def test_servermanager_sample_findings():
    f = audit([("servermanager", {})], fixture_path("servermanager-start"), fixture_path("servermanager-stop"))
    at = {(r.rule, guide_line(sample_of(r.file), r)) for r in f if r.line}
    # /Yse in net stop and net start of both branches
    assert {("erratum", n) for n in (1011, 1020, 1062, 1071)} <= at
    # ESMDSVNT in START, ESMSVNT in FAILOVER: the branches differ, and the guide is ambiguous at 917
    assert {("branch-mismatch", 858), ("branch-mismatch", 917), ("erratum-ambiguity", 917)} <= at
    # the footnote marks make the watch ids of stop.bat differ from start.bat's
    assert {("kill-without-load", n) for n in (1013, 1016, 1064, 1067)} <= at
    assert audit_mod.has_errors(f)


def test_sm_base_service_override_silences_the_ambiguity():
    f = audit([("servermanager", {"sm_base_service_name": "ESMSVNT"})],
              fixture_path("servermanager-start"), fixture_path("servermanager-stop"))
    assert "sm-base-service" not in {x.erratum for x in f}


def test_jmss_sample_findings():
    f = audit([("jmss", {"japi_jmgc": "true"})], fixture_path("jmss-rl199909-start"), fixture_path("jmss-rl199909-stop"))
    at = {(r.rule, guide_line(sample_of(r.file), r)) for r in f if r.line}
    assert {("kill-without-load", 2027), ("kill-without-load", 2065), ("kill-without-load", 2101)} <= at
    assert ("load-without-kill", 1808) in at          # NEC_JMSSDVSV is never killed on three stop paths


def test_correct_guide_samples_are_clean():
    """FileTransfer's samples, DeliveryManager's agent samples and JMSS's two-way stop.bat hold nothing to correct."""
    for pid, given, start, stop in SAMPLE_PAIRS:
        if stop in ("filetransfer-stop", "deliverymanager-agent-stop", "jmss-two-way-stop"):
            assert _audit_sample(pid, given, start, stop) == [], stop


# ---------------------------------------------------------------------------------------------
# ppguide's own bundles
# ---------------------------------------------------------------------------------------------

def _variants():
    """Every product with a script, in every scenario that writes one, and the options that change the lines."""
    out = []
    for pid in product_ids():
        p = load(pid)
        if p.script is None:
            continue
        for scenario in p.script.scenarios:
            out.append((pid, {"scenario": scenario}))
    out += [
        ("servermanager", {"express_report_installed": "true", "alert_manager_installed": "true",
                           "clusterpro_manager_on_server": "true"}),
        ("servermanager", {"receive_dmi_alerts": "false", "trap_redirection": "false", "sm_base_service_name": "ESMSVNT"}),
        ("servermanager", {"server_os": "Windows NT 4.0 Server"}),
        ("jmss", {"japi_jmgc": "true"}),
        ("jmss", {"japi_jmgc": "true", "armlog_lines": "false"}),
        ("jmss", {"japi_jmgc": "true", "jmss_release": "rl1999_06_or_earlier"}),
        ("jmss", {"system": "two-way", "cluster_link_option": "true"}),
        ("jmss", {"server_os": "Windows NT 4.0 Server"}),
        ("deliverymanager", {"dm_agent": "false"}),
        ("deliverymanager", {"dm_manager": "false"}),
        ("deliverymanager", {"nodes": ["SERVER1", "SERVER2", "SERVER3"],
                             "node_ips": ["195.10.10.1", "195.10.10.2", "195.10.10.3"]}),
    ]
    return out


def _write(bundle, folder: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {"start-script": [], "stop-script": [], "registry": []}
    for f in bundle.files:
        if f.role in files:
            path = folder / f.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f.content)
            files[f.role].append(path)
    return files


def _self_audit(products, bundle, folder):
    files = _write(bundle, folder)
    start, stop = (files["start-script"] or [None])[0], (files["stop-script"] or [None])[0]
    if start is None and stop is None and not files["registry"]:
        return None
    return audit(products, start, stop, files["registry"])


@pytest.mark.parametrize("pid,given", _variants(), ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={v[k]}" for k in v))
def test_own_bundles_have_nothing_to_correct(pid, given, tmp_path):
    facts = guide_example(pid) | given
    findings = _self_audit([(pid, facts)], evaluate(pid, given), tmp_path)
    assert findings in (None, []), [f.as_dict() for f in findings]


def test_example_cluster_bundles_have_nothing_to_correct(tmp_path):
    from ppguide.evaluate import evaluate as engine
    from ppguide.site import example_parameters

    audited = 0
    for pid, params in example_parameters(product_ids()).items():
        findings = _self_audit([(pid, params)], engine(pid, params), tmp_path / pid)
        assert findings in (None, []), (pid, [f.as_dict() for f in findings])
        audited += findings is not None
    assert audited >= 4


def test_example_group_bundle_has_nothing_to_correct(tmp_path):
    import yaml

    from ppguide.compose import compose
    from ppguide.knowledge import DATA

    group = yaml.safe_load((DATA / "example-group.yaml").read_text(encoding="utf-8"))
    bundle = compose(group)
    products = []
    for entry in group["products"]:
        declared = {p.name for p in load(entry["id"]).parameters}
        facts = {k: v for k, v in group["parameters"].items() if k in declared} | (entry.get("parameters") or {})
        products.append((entry["id"], facts))
    assert _self_audit(products, bundle, tmp_path) == []


def test_a_group_of_every_scripted_product_has_nothing_to_correct(tmp_path):
    """One failover group with ServerManager, JMSS, DeliveryManager and FileTransfer, every option that adds lines."""
    from facts import compose, group_facts

    ids = ["jmss", "servermanager", "deliverymanager", "filetransfer"]
    group = {"failover_group": "grp1", "products": [{"id": pid} for pid in ids],
             "parameters": {"clusterpro_manager_on_server": "true", "alert_manager_installed": "true",
                            "express_report_installed": "true", "japi_jmgc": "true"}}
    shared = group_facts(group)["parameters"]
    products = [(pid, {k: v for k, v in shared.items() if k in {p.name for p in load(pid).parameters}}) for pid in ids]
    assert _self_audit(products, compose(group), tmp_path) == []


# ---------------------------------------------------------------------------------------------
# each rule on the fault it names
# ---------------------------------------------------------------------------------------------

def _bundle_files(tmp_path, pid="servermanager", given=None):
    return _write(evaluate(pid, given or {}), tmp_path)


def _edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_bytes().decode("cp932")
    assert old in text
    path.write_bytes(text.replace(old, new, count).encode("cp932"))


def _rules(findings) -> set[str]:
    return {f.rule for f in findings}


def test_pause_and_missing_label(tmp_path):
    files = _bundle_files(tmp_path)
    start = files["start-script"][0]
    _edit(start, ":ON_OTHER1\r\n", ":ON_OTHER1\r\npause\r\n")
    _edit(start, "GOTO ERROR_DISK", "GOTO ERR_DISK", 1)
    f = audit([("servermanager", {})], start, files["stop-script"][0])
    assert {"pause", "goto-missing-label"} <= _rules(f)
    assert all(x.severity == "error" for x in f if x.rule in ("pause", "goto-missing-label"))


def test_duplicate_load_kill_order_and_missing_kill(tmp_path):
    files = _bundle_files(tmp_path)
    start, stop = files["start-script"][0], files["stop-script"][0]
    _edit(start, "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd\r\n",
          "ARMLOAD.EXE id_Cmd /S /M /WAIT 0 Nvcmd\r\nARMLOAD.EXE id_Cmd2 /S /M /WAIT 0 Nvcmd\r\n")
    _edit(stop, "ARMKILL.EXE id_Base\r\n", "")
    _edit(stop, "ARMKILL.EXE id_SM\r\n", "")
    _edit(stop, "ARMKILL.EXE id_Rmap\r\n", "ARMKILL.EXE id_Rmap\r\nARMKILL.EXE id_SM\r\n")
    f = audit([("servermanager", {})], start, stop)
    rules = _rules(f)
    assert {"duplicate-load", "load-without-kill", "kill-order"} <= rules
    assert any(x.rule == "load-without-kill" and "id_Base" in x.en for x in f)


def test_branch_mismatch_and_content(tmp_path):
    files = _bundle_files(tmp_path)
    start, stop = files["start-script"][0], files["stop-script"][0]
    text = start.read_bytes().decode("cp932")
    failover = text.index(":FAILOVER")
    text = text[:failover] + text[failover:].replace("ARMLOAD.EXE id_Rmap /S /M /WAIT 0 Nvrmapd\r\n", "")
    text = text.replace("ARMLOAD.EXE id_Alert /S /M /WAIT 0 ESMASVNT\r\nARMLOAD.EXE id_AM",
                        "ARMLOAD.EXE id_AM", 1)
    start.write_bytes(text.encode("cp932"))
    f = audit([("servermanager", {"receive_dmi_alerts": "false"})], start, stop)
    rules = _rules(f)
    assert {"branch-mismatch", "service-missing", "service-extra"} <= rules
    assert any(x.rule == "service-extra" and "DmiEventWatcher" in x.en for x in f)


def test_service_order(tmp_path):
    files = _bundle_files(tmp_path)
    start = files["start-script"][0]
    _edit(start, "ARMLOAD.EXE id_Alert /S /M /WAIT 0 ESMASVNT\r\nARMLOAD.EXE id_AM /S /M /WAIT 0 AlertManagerSocketReceiveService\r\n",
          "ARMLOAD.EXE id_AM /S /M /WAIT 0 AlertManagerSocketReceiveService\r\nARMLOAD.EXE id_Alert /S /M /WAIT 0 ESMASVNT\r\n")
    assert "service-order" in _rules(audit([("servermanager", {})], start, files["stop-script"][0]))


def test_net_wrap_missing_and_misplaced(tmp_path):
    given = {"clusterpro_manager_on_server": "true"}
    files = _bundle_files(tmp_path, given=given)
    stop = files["stop-script"][0]
    _edit(stop, 'net stop /Yes "CLUSTERPRO Manager"\r\n', "", 1)          # START branch: no net stop
    f = audit([("servermanager", given)], files["start-script"][0], stop)
    assert "net-wrap" in _rules(f)
    # without the fact, nothing is expected and nothing reported
    assert "net-wrap" not in _rules(audit([("servermanager", {})], files["start-script"][0], stop))


def test_line_missing_for_jmss(tmp_path):
    files = _bundle_files(tmp_path, "jmss")
    stop = files["stop-script"][0]
    _edit(stop, "armnsdel jmsout\r\n", "")
    f = audit([("jmss", {})], files["start-script"][0], stop)
    assert any(x.rule == "line-missing" and "armnsdel jmsout" in x.en for x in f)


def test_line_missing_for_net_start_before_rl1999_09(tmp_path):
    given = {"jmss_release": "rl1999_06_or_earlier"}
    files = _bundle_files(tmp_path, "jmss", given)
    start = files["start-script"][0]
    _edit(start, 'net start "ESMPRO/JMSS JSchedule Service"\r\n', "", 1)
    f = audit([("jmss", given)], start, files["stop-script"][0])
    assert [(x.rule, "JSchedule" in x.en) for x in f] == [("line-missing", True)]


# ---------------------------------------------------------------------------------------------
# reading files as a cluster holds them
# ---------------------------------------------------------------------------------------------

def test_utf8_lf_reads_like_cp932_crlf(tmp_path):
    name = "servermanager-stop"
    lf = tmp_path / "stop.bat"
    lf.write_bytes(content(name).decode("cp932").replace("\r\n", "\n").encode("utf-8"))
    a = audit([("servermanager", {})], stop=fixture_path(name))
    b = audit([("servermanager", {})], stop=lf)
    assert [(x.line, x.rule, x.erratum) for x in a] == [(x.line, x.rule, x.erratum) for x in b]
    assert any(x.erratum == "net-yse" for x in b)


def test_registry_exports_v5_and_regedit4(tmp_path):
    for server_os, head in (("Windows Server 2003", b"\xff\xfe"), ("Windows NT 4.0 Server", b"REGEDIT4")):
        given = {"server_os": server_os}
        files = _bundle_files(tmp_path / server_os.replace(" ", "_"), given=given)
        reg = files["registry"][0]
        assert reg.read_bytes().startswith(head)
        assert audit([("servermanager", given)], regs=[reg]) == []
        raw = reg.read_bytes()
        text = raw[2:].decode("utf-16-le") if head == b"\xff\xfe" else raw.decode("cp932")
        text = text.replace('"WorkDir"="X:\\\\nwork"', '"WorkDir"="C:\\\\Program Files\\\\esmpro\\\\Nvwork"')
        text = text.replace('"AlertPath"="X:\\\\nwork\\\\Alert"\r\n', "")
        reg.write_bytes(head + text.encode("utf-16-le") if head == b"\xff\xfe" else text.encode("cp932"))
        f = audit([("servermanager", given)], regs=[reg])
        differs = [x for x in f if x.rule == "reg-differs"]
        assert len(differs) == 1 and "WorkDir" in differs[0].en and differs[0].guide_lines == (635,)
        assert any(x.rule == "reg-missing" and "AlertPath" in x.en for x in f)


@pytest.mark.parametrize("bad,expect", [(b"", "REGEDIT4"), (b"\x00\x01\x02garbage", "binary")])
def test_bad_registry_export_is_a_user_error(tmp_path, bad, expect):
    reg = tmp_path / "x.reg"
    reg.write_bytes(bad)
    with pytest.raises(PpguideError) as exc:
        audit([("servermanager", {})], regs=[reg])
    assert expect in exc.value.en


def test_unknown_product_and_missing_file(tmp_path):
    with pytest.raises(UnknownProductError):
        audit([("servermanger", {})], start=fixture_path("servermanager-start"))
    with pytest.raises(PpguideError):
        audit([("servermanager", {})], start=tmp_path / "nope.bat")


def test_walk_follows_events_and_priority():
    s = parse_bat(content("deliverymanager-start").decode("cp932"), "s.bat", "start")
    by = {(p.event, p.server): [c.n for c in p.cmds if c.kind == "other"] for p in paths(s)}
    # ARMS_SERVER HOME takes HOME1 (armwsset ...195.10.10.1), OTHER the standby's address
    assert by[("START", "HOME")] != by[("START", "OTHER")]
    assert by[("RECOVER", "HOME")] == []


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_exit_codes_and_json(tmp_path):
    args = ["audit", "--product", "servermanager", "--start", str(fixture_path("servermanager-start")),
            "--stop", str(fixture_path("servermanager-stop"))]
    r = runner.invoke(app, args + ["--json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert {"file", "line", "rule", "severity", "en", "ja", "guide_lines"} <= set(data[0])
    assert any(d["erratum"] == "net-yse" and d["line"] == 1011 - 982 + 1 for d in data)
    r = runner.invoke(app, args)
    assert r.exit_code == 1 and "errors" in r.stdout
    files = _bundle_files(tmp_path)
    clean = ["audit", "--product", "servermanager", "--start", str(files["start-script"][0]),
             "--stop", str(files["stop-script"][0]), "--reg", str(files["registry"][0])]
    r = runner.invoke(app, clean)
    assert r.exit_code == 0, r.stdout
    assert "0 findings" in r.stdout


@pytest.mark.parametrize("extra", [["--product", "nosuch"], ["--product", "servermanager", "-p", "no_such_fact=1"],
                                   ["--product", "servermanager", "--stop", "/nonexistent/stop.bat"]])
def test_cli_user_errors_exit_2(extra):
    r = runner.invoke(app, ["audit", "--start", str(fixture_path("servermanager-start"))] + extra)
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_p_sets_option_dependent_services():
    args = ["audit", "--product", "servermanager", "--start", str(fixture_path("servermanager-start")), "--json"]
    with_dmi = json.loads(runner.invoke(app, args).stdout)
    without = json.loads(runner.invoke(app, args + ["-p", "receive_dmi_alerts=false"]).stdout)
    assert any(d["rule"] == "service-missing" and "DmiEventWatcher" in d["en"] for d in with_dmi)
    assert not any(d["rule"] == "service-missing" and "DmiEventWatcher" in d["en"] for d in without)


def test_rule_table_lists_every_rule():
    rows = rule_table()
    assert [r["id"] for r in rows] == list(RULES)
    assert all(r["severity"] in ("error", "warning", "info") and r["en"] and r["ja"] for r in rows)
    r = runner.invoke(app, ["audit", "--rules", "--json"])
    assert r.exit_code == 0 and [x["id"] for x in json.loads(r.stdout)] == list(RULES)


def test_cli_without_product_or_files_is_a_user_error():
    assert runner.invoke(app, ["audit", "--start", str(fixture_path("servermanager-start"))]).exit_code == 2
    assert runner.invoke(app, ["audit", "--product", "servermanager"]).exit_code == 2


# ---------------------------------------------------------------------------------------------
# the knowledge's forms, the notebook and the site page
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pid", product_ids())
def test_erratum_forms_stand_on_the_errata_lines(pid):
    """An explicit form is the guide's text: it stands on at least one of the lines the erratum records."""
    from ppguide.audit_rules import form_pattern, norm

    lines = GUIDE_LINES()
    for e in load(pid).errata:
        for form in e.forms or []:
            rx = form_pattern(form)
            assert any(rx.search(norm(lines[n - 1])) for n in [e.line, *e.also]), f"{pid} {e.id}: {form!r}"


def GUIDE_LINES():
    from guide_samples import guide_lines
    return guide_lines()


def test_audit_notebook_gives_the_cli_findings(tmp_path):
    import nbformat
    import papermill

    from ppguide.knowledge import ROOT

    start, stop = str(fixture_path("servermanager-start")), str(fixture_path("servermanager-stop"))
    papermill.execute_notebook(str(ROOT / "notebooks" / "audit.ipynb"), str(tmp_path / "o.ipynb"),
                               parameters={"product": "servermanager", "start": start, "stop": stop,
                                           "parameters": {"receive_dmi_alerts": "false"}},
                               kernel_name="python3", cwd=str(ROOT / "notebooks"))
    nb = nbformat.read(tmp_path / "o.ipynb", as_version=4)
    cli = json.loads(runner.invoke(app, ["audit", "--product", "servermanager", "--start", start, "--stop", stop,
                                         "-p", "receive_dmi_alerts=false", "--json"]).stdout)
    table = nb.cells[-1].outputs[-1]["data"]["text/html"]
    assert table.split("<tbody>")[1].count("<tr>") == len(cli)          # one row per finding
    counts = {s: sum(d["severity"] == s for d in cli) for s in ("error", "warning", "info")}
    summary = nb.cells[-1].outputs[0]["data"]["text/markdown"]
    assert f"**{len(cli)} findings**: {counts['error']} errors" in summary


def test_audit_notebook_is_current():
    import nbformat

    from ppguide.knowledge import ROOT
    from ppguide.notebook_gen import build_audit

    committed = nbformat.read(ROOT / "notebooks" / "audit.ipynb", as_version=4)
    fresh = build_audit()
    assert [c.source for c in committed.cells] == [c.source for c in fresh.cells]


def test_site_page_explains_every_rule():
    from ppguide.site import GENERATED, audit_rules_page

    page = audit_rules_page([load(p) for p in product_ids()])
    assert "audit-rules.md" in GENERATED
    for r in RULES:
        assert f"## {r} {{#{r}}}" in page
    assert "`/Yse`" in page and "`ARMBICAST`" in page


def test_erratum_message_shows_what_ppguide_writes_for_these_facts(tmp_path):
    """An erratum's `emits` is a template (BOM's setbwatc path): the finding renders it for the audited facts."""
    stop = tmp_path / "stop.bat"
    # the guide's stop sample, L7730: setbwth.exe, one of its three spellings of setbwatc
    stop.write_bytes(b'IF "%ARMS_EVENT%" == "START" GOTO NORMAL\r\n:NORMAL\r\n'
                     b'"C:\\Program Files\\SAY Technologies\\BOM4\\BomSvc\\setbwth.exe" -a APPL003 -w 0\r\n')
    found = [f for f in audit([("bom", {"bom_dir": r"D:\BOM\BomSvc"})], None, stop) if f.erratum == "setbwatc-spelling"]
    assert found and all("{{" not in f.en and "{{" not in f.ja for f in found)
    assert r'"D:\BOM\BomSvc\setbwatc.exe" -a <ID>' in found[0].en
