"""Issue 7, hostile files and folders: the output folder, names that become folders, parameter files.

- Never lose a user's file: -o holding anything but a ppguide bundle is refused (unless --force),
  ppguide's temporary/backup folders never take a name the user already has, a parameters file
  inside the folder being replaced survives, nothing is written outside -o.
- Job names and product ids never become paths outside -o.
- Never misread a value: YAML keeps 4.10, 0777, 1:20 as typed; numbers where text is declared
  are refused with a hint; papermill-style "[A, B]" is a list; files in UTF-8 (BOM or not),
  UTF-16 with BOM and CP932 are read; duplicate and misspelled keys are errors; syntax errors name
  file and line; bombs (aliases, 50 MB, deep nesting, a million items) are refused quickly
  (subprocesses with a 20 s timeout: a timeout is a hang).

Everything runs the CLI in-process (typer's CliRunner) except the bombs.
"""
from __future__ import annotations

import codecs
import copy
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402

from hostile import cases as H  # noqa: E402
from hostile import cli as C  # noqa: E402

PID = "servermanager"


def base(pid: str = PID) -> dict:
    return H.base_params(pid)


def make_bundle(tmp: Path, name: str = "out", pid: str = PID) -> Path:
    out = tmp / name
    r = C.invoke(["run", pid, "-f", C.write_json(tmp / f"{name}-params.json", base(pid)), "-o", out])
    assert r.exit_code == 0, r.output[-1500:]
    (tmp / f"{name}-params.json").unlink()
    return out


def ok(outcome, record_property=None):
    if record_property:
        record_property("status", outcome.status)
    assert outcome.ok, f"{outcome.status}: {outcome.detail}\n--- output ---\n{outcome.message}"


def accepted(result, record_property=None):
    tb = C.traceback_of(result)
    status = "traceback" if tb else ("accepted" if result.exit_code == 0 else "should-accept")
    if record_property:
        record_property("status", status)
    assert tb is None, tb + "\n" + result.output[-1500:]
    assert result.exit_code == 0, f"should-accept: exit {result.exit_code}\n{result.output[-1500:]}"


# == never lose a user's file =====================================================================

def test_output_folder_with_user_files_is_refused_and_untouched(tmp_path, record_property):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "data.bin").write_bytes(b"\x00\x01")
    ok(C.refuse_run(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out], out), record_property)


def test_output_folder_with_a_foreign_manifest_is_refused_and_untouched(tmp_path, record_property):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"generator": "some-other-tool", "files": []}), encoding="utf-8")
    (out / "precious.doc").write_bytes(b"precious")
    ok(C.refuse_run(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out], out), record_property)


def test_output_folder_with_a_manifest_that_is_not_json_is_refused(tmp_path, record_property):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(b"\xff\xfe not json")
    (out / "precious.doc").write_bytes(b"precious")
    ok(C.refuse_run(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out], out), record_property)


def test_output_is_an_existing_file(tmp_path, record_property):
    out = tmp_path / "out"
    out.write_bytes(b"a user's file")
    ok(C.refuse_run(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out], out), record_property)


def test_output_is_the_current_folder_with_user_files(tmp_path, monkeypatch, record_property):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("my notes", encoding="utf-8")
    p = C.write_json(tmp_path / "p.json", base())
    monkeypatch.chdir(work)
    ok(C.refuse_run(["run", PID, "-f", p, "-o", "."], work), record_property)


def test_force_replaces_a_non_bundle_folder(tmp_path, record_property):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    r = C.invoke(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out, "--force"])
    accepted(r, record_property)
    assert (out / "manifest.json").is_file()


def test_empty_folder_and_earlier_bundle_are_replaced_without_leftovers(tmp_path, record_property):
    out = tmp_path / "out"
    out.mkdir()
    p = C.write_json(tmp_path / "p.json", base())
    accepted(C.invoke(["run", PID, "-f", p, "-o", out]), record_property)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest.get("generator") == "ppguide", "a bundle's manifest must say \"generator\": \"ppguide\""
    accepted(C.invoke(["run", PID, "-f", p, "-o", out]))
    assert {e.name for e in tmp_path.iterdir()} == {"out", "p.json"}, "no temporary or backup folder may stay"


def test_bad_input_leaves_an_earlier_bundle_byte_identical(tmp_path, record_property):
    out = make_bundle(tmp_path)
    bad = dict(base(), virtual_computer_name="SV)hostname")
    ok(C.refuse_run(["run", PID, "-f", C.write_json(tmp_path / "p.json", bad), "-o", out], out,
                    must_mention=["virtual_computer_name"]), record_property)


SIBLING_NAMES = [".out.old", ".out.tmp", ".out.new", ".out.bak", "out.old", "out.tmp", "out.bak", "out~",
                 ".out.abc123", ".out.partial", ".out.old.1", ".~out"]


@pytest.mark.parametrize("rerun", [False, True], ids=["first-run", "replacing-a-bundle"])
def test_user_folders_named_like_ppguide_temporaries_survive(tmp_path, rerun, record_property):
    if rerun:
        make_bundle(tmp_path)
    for name in SIBLING_NAMES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "mine.txt").write_text(name, encoding="utf-8")
    before = {name: C.snapshot(tmp_path / name) for name in SIBLING_NAMES}
    r = C.invoke(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", tmp_path / "out"])
    accepted(r, record_property)
    lost = [n for n in SIBLING_NAMES if C.snapshot(tmp_path / n) != before[n]]
    if lost:
        record_property("status", "file-lost")
    assert not lost, f"file-lost: the user's folders {lost} were removed or changed"
    assert {e.name for e in tmp_path.iterdir()} == set(SIBLING_NAMES) | {"out", "p.json"}, "stray-files"


@pytest.mark.parametrize("bad", [False, True], ids=["good-params", "bad-params"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_parameters_file_inside_the_output_folder_survives(tmp_path, bad, fmt, record_property):
    out = make_bundle(tmp_path)
    params = dict(base(), **({"switch_drive": "XX:"} if bad else {}))
    pfile = out / f"site.{fmt}"
    if fmt == "json":
        C.write_json(pfile, params)
    else:
        pfile.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    content = pfile.read_bytes()
    r = C.invoke(["run", PID, "-f", pfile, "-o", out])
    tb = C.traceback_of(r)
    survived = pfile.is_file() and pfile.read_bytes() == content
    record_property("status", "traceback" if tb else ("file-lost" if not survived else
                                                        ("refused" if r.exit_code == 2 else "accepted")))
    assert tb is None, tb
    assert survived, f"file-lost: {pfile.name} inside -o was lost (exit {r.exit_code})\n{r.output[-800:]}"
    assert r.exit_code in (0, 2), r.output[-800:]
    if bad:
        assert r.exit_code == 2


def test_inventory_inside_the_batch_output_survives(tmp_path, record_property):
    out = tmp_path / "out"
    r = C.invoke(["batch", C.write_json(tmp_path / "inv.json", {"jobs": [{"product": PID, "name": "sm", "parameters": base()}]}),
                  "-o", out])
    accepted(r)
    inv = C.write_json(out / "inventory.json", {"jobs": [{"product": PID, "name": "sm", "parameters": base()}]})
    content = inv.read_bytes()
    r = C.invoke(["batch", inv, "-o", out])
    tb = C.traceback_of(r)
    record_property("status", "traceback" if tb else ("file-lost" if not inv.is_file() else "accepted"))
    assert tb is None, tb
    assert inv.is_file() and inv.read_bytes() == content, f"file-lost: the inventory inside -o is gone (exit {r.exit_code})"


# == names that become folders ======================================================================

BAD_NAMES = {
    "dotdot": "..", "dot": ".", "dotdot-escape": "../escape", "deep-escape": "../../escape", "slash": "a/b",
    "backslash": "a\\b", "drive": "C:\\temp\\x", "drive-relative": "C:x", "CON": "CON", "nul": "nul", "COM1": "COM1",
    "LPT9": "LPT9", "con.txt": "con.txt", "trailing-dot": "name.", "trailing-space": "name ", "TAB": "a\tb", "LF": "a\nb",
    "NUL-char": "a\x00b", "BEL": "a\x07b", "bidi": "a\u202eb", "over-100": "n" * 101, "colon": "a:b", "star": "a*b",
    "question": "a?b", "pipe": "a|b", "lt": "a<b", "dquote": 'a"b', "empty": "",
}


@pytest.mark.parametrize("label", list(BAD_NAMES) + ["absolute", "duplicate", "duplicate-other-case"])
def test_batch_job_name_is_refused_and_nothing_is_written_outside(tmp_path, label, record_property):
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out"
    jobs = [{"product": PID, "name": "good", "parameters": base()}]
    if label == "absolute":
        jobs.append({"product": PID, "name": str(tmp_path / "abs"), "parameters": base()})
    elif label.startswith("duplicate"):
        jobs.append({"product": PID, "name": "good" if label == "duplicate" else "GOOD", "parameters": base()})
    else:
        jobs.append({"product": PID, "name": BAD_NAMES[label], "parameters": base()})
    inv = C.write_json(tmp_path / "inventory.json", {"jobs": jobs})
    outside_before = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}
    r = C.invoke(["batch", inv, "-o", out])
    outside_after = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if not p.is_relative_to(out)}
    escaped = sorted(outside_after - outside_before)
    if label == "empty":
        o = C.judge_refusal(r) if r.exit_code else C.Outcome(True, "accepted")    # a default name is fine too
    else:
        o = C.judge_refusal(r)
    if escaped:
        o = C.Outcome(False, "wrote-outside", f"written outside -o: {escaped}", r.output[-600:])
    if o.ok and out.exists():
        inside = [p.name for p in out.iterdir() if p.name != "report.csv"]   # the batch's report (issue 12)
        bad = [n for n in inside if H.bad_segment(n)]
        if bad:
            o = C.Outcome(False, "bad-bundle", f"folders Windows cannot hold: {bad}")
        if label.startswith("duplicate") and len(inside) > 1:
            o = C.Outcome(False, "bad-bundle", f"two jobs whose names compare equal both wrote: {inside}")
    ok(o, record_property)


@pytest.mark.parametrize("product", ["../procedures/servermanager", "/etc/passwd", "servermanager.yaml",
                                     "procedures/servermanager", "", None, 5, ["servermanager"]], ids=repr)
def test_batch_job_product_must_be_an_id(tmp_path, product, record_property):
    out = tmp_path / "out"
    jobs = [{"product": PID, "name": "good", "parameters": base()}, {"product": product, "name": "bad", "parameters": base()}]
    r = C.invoke(["batch", C.write_json(tmp_path / "inventory.json", {"jobs": jobs}), "-o", out])
    o = C.judge_refusal(r)
    if o.ok and (out / "bad").exists():
        o = C.Outcome(False, "wrote-on-error", "the bad job wrote a folder")
    if o.ok and not (out / "good" / "manifest.json").is_file():
        o = C.Outcome(False, "good-job-lost", "the good job did not produce its bundle")
    ok(o, record_property)


@pytest.mark.parametrize("product", ["../procedures/servermanager", "/etc/passwd", "servermanager.yaml", "servermanagr"],
                         ids=repr)
def test_compose_product_must_be_an_id(tmp_path, product, record_property):
    group = {"failover_group": "esmgroup", "parameters": base(), "products": [{"id": product}]}
    out = tmp_path / "out"
    ok(C.refuse_run(["compose", C.write_json(tmp_path / "g.json", group), "-o", out], out), record_property)


# == never misread ==================================================================================

def _run_yaml(tmp: Path, pid: str, text: str, name: str = "p.yaml", encoding: str = "utf-8", extra=()):
    f = tmp / name
    f.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out = tmp / "out"
    return C.invoke(["run", pid, "-f", f, "-o", out, *extra]), out


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("pid,name,typed,misread", [
    ("jmss", "jmss_version", "4.10", "4.1"),
    ("servermanager", "sm_version", "4.10", "4.1"),
    ("filetransfer", "virtual_host_name", "0777", "511"),
    ("filetransfer", "virtual_host_name", "1:20", "80"),
    ("servermanager", "esmpro_user_group", "0777", "511"),
    ("ac-snmp", "snmp_community", "1:20", "80"),
    ("servermanager", "failover_group", "0o17", "15"),
    ("servermanager", "esmpro_user_group", "1_000", "1000"),
    ("servermanager", "esmpro_user_group", "no", "False"),
], ids=lambda v: str(v))
def test_yaml_keeps_text_as_typed(tmp_path, pid, name, typed, misread, record_property):
    params = {k: v for k, v in base(pid).items() if k != name}
    text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in params.items()) + f"\n{name}: {typed}\n"
    r, out = _run_yaml(tmp_path, pid, text)
    tb = C.traceback_of(r)
    assert tb is None, tb
    if r.exit_code == 0:
        got = _manifest(out)["parameters"][name]
        record_property("status", "accepted" if got == typed else "changed")
        assert got == typed, f"changed: {typed} in YAML arrived as {got!r}"
    else:
        o = C.judge_refusal(r, must_mention=[name])
        record_property("status", o.status)
        assert o.ok, f"{o.status}: {o.detail}\n{o.message}"
        flat = C.flat(r.output)
        assert f"'{typed}'" in flat and f"'{misread}'" not in flat and f"given {misread}" not in flat, \
            f"changed: the refusal shows a value other than {typed!r}:\n{r.output[-800:]}"


@pytest.mark.parametrize("pid,name,value", [
    ("servermanager", "sm_version", 4.16), ("servermanager", "failover_group", 777), ("jmss", "jmss_version", 6.0),
    ("filetransfer", "virtual_host_name", 1.5), ("servermanager", "virtual_computer_name", 12345),
], ids=lambda v: str(v))
def test_json_number_for_text_is_refused_with_a_quoting_hint(tmp_path, pid, name, value, record_property):
    out = tmp_path / "out"
    o = C.refuse_run(["run", pid, "-f", C.write_json(tmp_path / "p.json", dict(base(pid), **{name: value})), "-o", out],
                     out, must_mention=[name])
    if o.ok and not re.search(r"quot|引用符", o.message, re.I):
        o = C.Outcome(False, "no-hint", "the refusal does not say to quote the value", o.message[-600:])
    ok(o, record_property)


@pytest.mark.parametrize("how", ["yaml-true", "json-true", "cli-true", "yaml-yes"])
def test_true_is_not_a_whole_number(tmp_path, how, record_property):
    pid, name = "ac-snmp", "port"
    params = {k: v for k, v in base(pid).items() if k != name}
    out = tmp_path / "out"
    if how.startswith("yaml"):
        text = "\n".join(f"{k}: {json.dumps(v)}" for k, v in params.items()) + f"\n{name}: {how[5:]}\n"
        (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
        args = ["run", pid, "-f", tmp_path / "p.yaml", "-o", out]
    elif how == "json-true":
        args = ["run", pid, "-f", C.write_json(tmp_path / "p.json", dict(params, port=True)), "-o", out]
    else:
        args = ["run", pid, "-f", C.write_json(tmp_path / "p.json", params), "-p", "port=true", "-o", out]
    ok(C.refuse_run(args, out, must_mention=[name]), record_property)


@pytest.mark.parametrize("how", ["cli-brackets", "cli-brackets-quoted-items", "yaml-text", "json-text", "cli-commas"])
def test_papermill_style_list_text_is_a_list(tmp_path, how, record_property):
    params = {k: v for k, v in base().items() if k != "nodes"}
    out = tmp_path / "out"
    if how.startswith("cli"):
        value = {"cli-brackets": "[SV1, SV2]", "cli-brackets-quoted-items": "['SV1', 'SV2']", "cli-commas": "SV1,SV2"}[how]
        args = ["run", PID, "-f", C.write_json(tmp_path / "p.json", params), "-p", f"nodes={value}", "-o", out]
    elif how == "yaml-text":
        text = "\n".join(f"{k}: {json.dumps(v)}" for k, v in params.items()) + '\nnodes: "[SV1, SV2]"\n'
        (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
        args = ["run", PID, "-f", tmp_path / "p.yaml", "-o", out]
    else:
        args = ["run", PID, "-f", C.write_json(tmp_path / "p.json", dict(params, nodes="[SV1, SV2]")), "-o", out]
    r = C.invoke(args)
    tb = C.traceback_of(r)
    assert tb is None, tb
    if r.exit_code == 0:
        got = _manifest(out)["parameters"]["nodes"]
        record_property("status", "accepted" if got == ["SV1", "SV2"] else "changed")
        assert got == ["SV1", "SV2"], f"changed: nodes arrived as {got!r}"
    else:     # refusing with a hint is allowed for -p (issue: "or refused with a hint to use -y")
        o = C.judge_refusal(r, must_mention=["nodes"])
        record_property("status", o.status)
        assert o.ok, o.detail
        assert "'[SV1'" not in r.output, "changed: the text was split at the commas"


@pytest.mark.parametrize("pid", H.products())
def test_cli_run_without_facts_names_every_missing_fact(tmp_path, pid, record_property):
    declared = {d.name for d in H.decls(pid)}
    facts = [f for f in ["virtual_computer_name", "failover_group", "nodes", "node_ips", "virtual_ip", "switch_drive", "ups"]
             if f in declared]
    out = tmp_path / "out"
    ok(C.refuse_run(["run", pid, "-o", out], out, must_mention=facts), record_property)


# -- encodings -------------------------------------------------------------------------------------

def _yaml_text(pid: str, japanese_value: bool) -> str:
    params = base(pid)
    lines = ["# 現用系・待機系の共通パラメータ (日本語のコメント)"]
    for k, v in params.items():
        lines.append(f"{k}: {json.dumps(v, ensure_ascii=False)}")
    if japanese_value:
        lines.append("esmpro_user_group: ESMユーザー")
    return "\n".join(lines) + "\n"


def _japanese_value_ok() -> bool:
    from ppguide.errors import PpguideError
    from ppguide.evaluate import evaluate
    try:
        evaluate(PID, dict(base(), esmpro_user_group="ESMユーザー"))
        return True
    except PpguideError:
        return False


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "cp932": lambda t: t.encode("cp932"),
    "cp932-crlf": lambda t: t.replace("\n", "\r\n").encode("cp932"),
    "utf-8-crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_parameter_files_in_windows_encodings(tmp_path, encoding, record_property):
    jp = _japanese_value_ok()
    text = _yaml_text(PID, jp)
    ref = tmp_path / "ref"
    ref.mkdir()
    r0, out0 = _run_yaml(ref, PID, ENCODINGS["utf-8"](text))
    assert r0.exit_code == 0, r0.output[-800:]
    r, out = _run_yaml(tmp_path, PID, ENCODINGS[encoding](text))
    accepted(r, record_property)
    assert _manifest(out)["parameters"] == _manifest(out0)["parameters"], "changed: the file was misread"


@pytest.mark.parametrize("encoding", ["utf-8-bom", "utf-16-le-bom", "cp932"])
def test_inventory_and_group_files_in_windows_encodings(tmp_path, encoding, record_property):
    for name, cmd in (("example-cluster.yaml", "batch"), ("example-group.yaml", "compose")):
        text = "# 日本語のコメント: クラスタ構成\n" + H.data_file(name).read_text(encoding="utf-8")
        f = tmp_path / name
        f.write_bytes(ENCODINGS[encoding](text))
        r = C.invoke([cmd, f, "-o", tmp_path / f"out-{cmd}"])
        accepted(r, record_property)


# -- keys ------------------------------------------------------------------------------------------

class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def ydump(data) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True)


def _keys_cases():
    b = base()
    yaml_base = "\n".join(f"{k}: {json.dumps(v)}" for k, v in b.items()) + "\n"
    inv_jobs = [{"product": PID, "name": "sm", "parameters": b}]
    return {
        "params-yaml-duplicate-key": ("run", "p.yaml", yaml_base + "switch_drive: 'Y:'\n", ["switch_drive"]),
        "params-json-duplicate-key": ("run", "p.json", json.dumps(b)[:-1] + ', "switch_drive": "Y:"}', ["switch_drive"]),
        "params-misspelled-name": ("run", "p.yaml", yaml_base + "swtich_drive: 'Y:'\n", ["did you mean", "switch_drive"]),
        "inventory-job-not-jobs": ("batch", "inv.yaml", ydump({"job": inv_jobs}), ["job"]),
        "inventory-paramters": ("batch", "inv.yaml", ydump({"paramters": b, "jobs": inv_jobs}), ["paramters"]),
        "inventory-prodct": ("batch", "inv.yaml", ydump({"jobs": [{"prodct": PID, "name": "sm", "parameters": b}]}),
                             ["prodct"]),
        "inventory-job-paramters": ("batch", "inv.yaml", ydump({"jobs": [{"product": PID, "paramters": b}]}),
                                    ["paramters"]),
        "inventory-duplicate-key": ("batch", "inv.yaml", "jobs: []\njobs:\n  - {product: servermanager}\n", ["jobs"]),
        "inventory-jobs-not-list": ("batch", "inv.yaml", "jobs: servermanager\n", ["jobs"]),
        "inventory-job-not-mapping": ("batch", "inv.yaml", "jobs: [servermanager]\n", []),
        "inventory-not-mapping": ("batch", "inv.yaml", "- servermanager\n", []),
        "inventory-empty-file": ("batch", "inv.yaml", "", []),
        "group-paramters": ("compose", "g.yaml", ydump({"failover_group": "g", "paramters": b,
                                                                  "products": [{"id": PID}]}), ["paramters"]),
        "group-prodcts": ("compose", "g.yaml", ydump({"failover_group": "g", "parameters": b,
                                                                "prodcts": [{"id": PID}]}), ["prodcts"]),
        "group-product-key-misspelled": ("compose", "g.yaml", ydump({"failover_group": "g", "parameters": b,
                                                                               "products": [{"idd": PID}]}), ["idd"]),
        "group-duplicate-key": ("compose", "g.yaml", "failover_group: a\nfailover_group: b\nproducts: [{id: servermanager}]\n",
                                ["failover_group"]),
        "params-not-mapping": ("run", "p.yaml", "- a\n- b\n", []),
        "params-scalar": ("run", "p.yaml", "just text\n", []),
        "params-empty-file": ("run", "p.yaml", "", []),
        "params-binary": ("run", "p.yaml", b"\x00\x01\x02\xff\xfe\xfd" * 10, []),
        "params-missing-file": ("run", "missing.yaml", None, []),
        "params-is-a-folder": ("run", "folder.yaml", "DIR", []),
        "params-yaml-tag": ("run", "p.yaml", yaml_base + "x: !!python/object/apply:os.system ['echo hi']\n", []),
        "params-yaml-set": ("run", "p.yaml", yaml_base.replace("nodes:", "nodes: !!set {SV1, SV2}\nold_nodes:"), []),
        "params-non-text-key": ("run", "p.yaml", yaml_base + "? [a, b]\n: 1\n", []),
    }


KEYS = _keys_cases()


@pytest.mark.parametrize("label", list(KEYS))
def test_file_keys_and_shapes_are_checked(tmp_path, label, record_property):
    cmd, name, content, mention = KEYS[label]
    f = tmp_path / name
    if content == "DIR":
        f.mkdir()
    elif content is not None:
        f.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out"
    args = ["run", PID, "-f", f, "-o", out] if cmd == "run" else [cmd, f, "-o", out]
    ok(C.refuse_run(args, out, must_mention=mention), record_property)


SYNTAX = {
    "unclosed-flow": ("nodes: [SV1, SV2\nswitch_drive: 'X:'\n", 1),
    "bad-indent": ("nodes:\n  - SV1\n - SV2\n", 3),
    "tab-indent": ("nodes:\n\t- SV1\n", 2),
    "unclosed-quote": ("virtual_computer_name: 'ESMPRO\nswitch_drive: X:\n", 1),
    "colon-in-key": ("a: b: c\n", 1),
}


@pytest.mark.parametrize("label", list(SYNTAX))
@pytest.mark.parametrize("cmd", ["run", "batch", "compose"])
def test_yaml_syntax_error_names_file_and_line(tmp_path, cmd, label, record_property):
    text, line = SYNTAX[label]
    f = tmp_path / "broken-file.yaml"
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", PID, "-f", f, "-o", out] if cmd == "run" else [cmd, f, "-o", out]
    o = C.refuse_run(args, out, must_mention=["broken-file.yaml"])
    if o.ok and not re.search(r"line \d+", o.message):
        o = C.Outcome(False, "no-line", "the syntax error does not give the line", o.message[-600:])
    ok(o, record_property)


def test_json_syntax_error_names_file_and_line(tmp_path, record_property):
    f = tmp_path / "broken-file.json"
    f.write_text('{\n "nodes": ["SV1", "SV2"],\n "switch_drive": "X:",\n}\n', encoding="utf-8")
    out = tmp_path / "out"
    o = C.refuse_run(["run", PID, "-f", f, "-o", out], out, must_mention=["broken-file.json"])
    if o.ok and not re.search(r"line \d+", o.message):
        o = C.Outcome(False, "no-line", "the syntax error does not give the line", o.message[-600:])
    ok(o, record_property)


# -- bombs: subprocesses with a timeout --------------------------------------------------------------

BOMB_TIMEOUT_S = 20


def _bomb_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        laughs.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    files["alias-bomb.yaml"] = "\n".join(laughs) + "\nnodes: *j\n"
    files["deep-10000.yaml"] = "nodes: " + "[" * 10000 + "]" * 10000 + "\n"
    files["deep-10000.json"] = '{"nodes": ' + "[" * 10000 + "]" * 10000 + "}"
    files["deep-mapping-10000.yaml"] = "nodes: " + "{a: " * 10000 + "b" + "}" * 10000 + "\n"
    files["million-items.yaml"] = "nodes: [" + ", ".join(["SV1"] * 1_000_000) + "]\n"
    files["million-items.json"] = '{"nodes": [' + ", ".join(['"SV1"'] * 1_000_000) + "]}"
    out = {}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = folder / name
    big = folder / "fifty-mb.yaml"
    with big.open("w", encoding="utf-8") as fh:
        line = "# " + "x" * 1022 + "\n"
        for _ in range(50 * 1024):
            fh.write(line)
        fh.write("nodes: [SV1, SV2]\n")
    out["fifty-mb.yaml"] = big
    return out


def _cli_subprocess(args: list[str]) -> tuple[str, int | None, str, float]:
    import ppguide
    env = dict(os.environ, PYTHONPATH=str(Path(ppguide.__file__).resolve().parents[1]), COLUMNS="300", NO_COLOR="1")
    t = time.monotonic()
    try:
        p = subprocess.run([sys.executable, "-m", "ppguide.cli", *args], capture_output=True, timeout=BOMB_TIMEOUT_S,
                           env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "hang", None, "", time.monotonic() - t
    return "done", p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace"), time.monotonic() - t


BOMBS = [("run", "alias-bomb.yaml"), ("run", "deep-10000.yaml"), ("run", "deep-10000.json"),
         ("run", "million-items.yaml"), ("run", "fifty-mb.yaml"), ("batch", "alias-bomb.yaml"),
         ("batch", "million-items.json"), ("compose", "deep-mapping-10000.yaml")]


@cache
def _bomb_results(root: str) -> dict[tuple[str, str], tuple]:
    files = _bomb_files(Path(root) / "files")

    def one(job):
        cmd, name = job
        out = Path(root) / f"out-{cmd}-{name}"
        args = ["run", PID, "-f", str(files[name]), "-o", str(out)] if cmd == "run" else [cmd, str(files[name]), "-o", str(out)]
        return job, (*_cli_subprocess(args), out.exists())

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(one, BOMBS))


@pytest.fixture(scope="module")
def bomb_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("bombs"))


@pytest.mark.parametrize("cmd,name", BOMBS, ids=[f"{c}-{n}" for c, n in BOMBS])
def test_bombs_are_refused_quickly(bomb_root, cmd, name, record_property):
    state, rc, output, seconds, wrote = _bomb_results(bomb_root)[cmd, name]
    if state == "hang":
        record_property("status", "hang")
        pytest.fail(f"hang: no answer within {BOMB_TIMEOUT_S} s")
    status = "traceback" if "Traceback (most recent call last)" in output else \
        ("wrote-on-error" if wrote else ("refused" if rc == 2 else "wrong-exit"))
    record_property("status", status)
    assert "Traceback (most recent call last)" not in output, f"traceback:\n{output[-1500:]}"
    assert rc == 2, f"exit code {rc} after {seconds:.1f} s\n{output[-800:]}"
    assert "error:" in output and C.JAPANESE.search(output), output[-800:]
    assert not wrote


# == command-line mistakes ==========================================================================

CLI_MISTAKES = {
    "p-without-equals": ["-p", "novalue"],
    "p-empty-name": ["-p", "=x"],
    "p-unclosed-list": ["-p", "nodes=[SV1, SV2"],
    "p-broken-mapping": ["-p", "nodes={a: [}"],
    "p-alias-in-list": ["-p", "nodes=[&a SV1, *a]"],
    "p-nul-in-value": ["-p", "failover_group=a\x00b"],
    "engine-unknown": ["--engine", "bogus"],
    "f-missing": ["-f", "does-not-exist.yaml"],
}


@pytest.mark.parametrize("label", list(CLI_MISTAKES))
def test_cli_argument_mistakes_are_clean_errors(tmp_path, label, record_property):
    out = tmp_path / "out"
    args = ["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), *CLI_MISTAKES[label], "-o", out]
    ok(C.refuse_run(args, out), record_property)


@pytest.mark.parametrize("label", ["empty-string", "parent-is-a-file", "inside-a-file"])
def test_cli_odd_output_paths(tmp_path, monkeypatch, label, record_property):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("my notes", encoding="utf-8")
    p = C.write_json(tmp_path / "p.json", base())
    monkeypatch.chdir(work)
    target = {"empty-string": "", "parent-is-a-file": str(work / "notes.txt" / "out"),
              "inside-a-file": str(work / "notes.txt")}[label]
    before = C.snapshot(work)
    r = C.invoke(["run", PID, "-f", p, "-o", target])
    o = C.judge_refusal(r)
    if C.snapshot(work) != before:
        o = C.Outcome(False, "file-lost", "the user's folder changed", r.output[-600:])
    ok(o, record_property)


# == yen signs are backslashes ======================================================================

@pytest.mark.parametrize("how", ["cli-yen", "cli-fullwidth-yen", "cp932-file-fullwidth-yen", "utf-8-file-yen"])
def test_yen_signs_in_paths_become_backslashes(tmp_path, how, record_property):
    params = {k: v for k, v in base().items() if k != "install_dir"}
    out = tmp_path / "out"
    sign = "￥" if "fullwidth" in how else "¥"
    value = f"C:{sign}Program Files{sign}esm"
    if how.startswith("cli"):
        args = ["run", PID, "-f", C.write_json(tmp_path / "p.json", params), "-p", f"install_dir={value}", "-o", out]
    else:
        text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in params.items()) + f"\ninstall_dir: {value}\n"
        f = tmp_path / "p.yaml"
        f.write_bytes(text.encode("cp932" if how.startswith("cp932") else "utf-8"))
        args = ["run", PID, "-f", f, "-o", out]
    r = C.invoke(args)
    accepted(r, record_property)
    got = _manifest(out)["parameters"]["install_dir"]
    if got != "C:\\Program Files\\esm":
        record_property("status", "changed")
    assert got == "C:\\Program Files\\esm", f"changed: {value!r} arrived as {got!r}"


def test_batch_never_replaces_a_users_folder_named_like_a_job(tmp_path, record_property):
    out = tmp_path / "out"
    (out / "sm").mkdir(parents=True)
    (out / "sm" / "mine.txt").write_text("mine", encoding="utf-8")
    (out / "notes.txt").write_text("notes", encoding="utf-8")
    before = C.snapshot(out)
    jobs = [{"product": PID, "name": "sm", "parameters": base()}, {"product": PID, "name": "other", "parameters": base()}]
    r = C.invoke(["batch", C.write_json(tmp_path / "inv.json", {"jobs": jobs}), "-o", out])
    tb = C.traceback_of(r)
    after = C.snapshot(out)
    lost = [k for k in before if after.get(k) != before[k]]
    record_property("status", "traceback" if tb else ("file-lost" if lost else ("refused" if r.exit_code == 2 else "accepted")))
    assert tb is None, tb
    assert not lost, f"file-lost: {lost} (exit {r.exit_code})\n{r.output[-800:]}"
    assert r.exit_code == 2, f"wrong-exit: the job whose folder holds the user's files must be refused\n{r.output[-800:]}"
    assert (out / "other" / "manifest.json").is_file(), "the other job must still produce its bundle"


# == the notebook engine refuses before a kernel starts ==============================================

@pytest.mark.parametrize("label", ["bad-value", "no-facts", "bad-product", "misspelled-name"])
def test_notebook_engine_refuses_before_a_kernel(tmp_path, label, record_property):
    out = tmp_path / "out"
    p = C.write_json(tmp_path / "p.json", base())
    args = {"bad-value": ["run", PID, "-f", p, "-p", "virtual_computer_name=SV)hostname"],
            "no-facts": ["run", PID],
            "bad-product": ["run", "../procedures/servermanager", "-f", p],
            "misspelled-name": ["run", PID, "-f", p, "-p", "virtual_computer=SV1"]}[label]
    t = time.monotonic()
    o = C.refuse_run([*args, "-o", out, "--engine", "notebook"], out)
    if o.ok and time.monotonic() - t > 10:
        o = C.Outcome(False, "slow", f"took {time.monotonic() - t:.0f} s: a kernel was started for bad input")
    ok(o, record_property)


@pytest.mark.parametrize("where", ["top", "in-commands", "new-subfolder"])
def test_users_file_added_to_an_earlier_bundle_survives(tmp_path, where, record_property):
    out = make_bundle(tmp_path)
    rel = {"top": "my-notes.txt", "in-commands": "commands/my-edit.bat", "new-subfolder": "mine/log.txt"}[where]
    f = out / rel
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_bytes("現用系で確認済み\r\n".encode("cp932"))
    content = f.read_bytes()
    r = C.invoke(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out])
    tb = C.traceback_of(r)
    survived = f.is_file() and f.read_bytes() == content
    record_property("status", "traceback" if tb else ("file-lost" if not survived else
                                                        ("refused" if r.exit_code == 2 else "accepted")))
    assert tb is None, tb
    assert survived, f"file-lost: {rel} inside the earlier bundle is gone (exit {r.exit_code})\n{r.output[-600:]}"


def test_output_symlink_to_a_users_folder_is_refused(tmp_path, record_property):
    user = tmp_path / "user"
    user.mkdir()
    (user / "notes.txt").write_text("mine", encoding="utf-8")
    out = tmp_path / "out"
    out.symlink_to(user, target_is_directory=True)
    before = C.snapshot(user)
    r = C.invoke(["run", PID, "-f", C.write_json(tmp_path / "p.json", base()), "-o", out])
    o = C.judge_refusal(r)
    if C.snapshot(user) != before:
        o = C.Outcome(False, "file-lost", "the folder the link points to changed", r.output[-600:])
    ok(o, record_property)


@pytest.mark.parametrize("cmd", ["batch", "compose"])
def test_success_leaves_nothing_but_the_output(tmp_path, cmd, record_property):
    name = "example-cluster.yaml" if cmd == "batch" else "example-group.yaml"
    f = tmp_path / name
    f.write_bytes(H.data_file(name).read_bytes())
    out = tmp_path / "out"
    for _ in range(2):                                  # a first run, then replacing its output
        accepted(C.invoke([cmd, f, "-o", out]), record_property)
        assert {e.name for e in tmp_path.iterdir()} == {name, "out"}, "stray-files next to the output"
        inside = sorted(e.name for e in out.iterdir())
        assert not [n for n in inside if n.startswith(".")], f"stray-files inside the output: {inside}"
