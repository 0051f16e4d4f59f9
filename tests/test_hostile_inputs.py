"""Issue 7, hostile parameter values: generated per product x declared parameter x hostile value.

The library (`ppguide.evaluate.evaluate`) must refuse each bad value with a ParameterError that
names the parameter, or accept a valid one unchanged (tests/hostile/cases.py says which), never
raise anything else. A selection of the same cases goes through the CLI (`run` with -p or -f,
`batch`, `compose`) in-process: exit code 2, an ``error:`` line and a Japanese line, no traceback,
nothing written. Figures for the issue: ``python tests/hostile/report.py``.
"""
from __future__ import annotations

import copy
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import yaml  # noqa: E402

from hostile import cases as H  # noqa: E402
from hostile import cli as C  # noqa: E402

PARAM_CASES = H.param_cases()


# -- the library ---------------------------------------------------------------------------------

@pytest.mark.parametrize("pid", H.products())
def test_example_facts_are_valid(pid):
    """The corpus starts from data/example-cluster.yaml: those facts must give a bundle."""
    from ppguide.evaluate import evaluate
    evaluate(pid, H.base_params(pid))


@pytest.mark.parametrize("case", PARAM_CASES, ids=lambda c: c.id)
def test_parameter_value(case, record_property):
    outcome = H.classify(case)
    record_property("status", outcome.status)
    record_property("category", case.category)
    assert outcome.ok, f"{outcome.status}: {outcome.detail}"


def test_corpus_size():
    assert len(PARAM_CASES) >= 300
    assert {c.product for c in PARAM_CASES} == set(H.products())


CLUSTER_FACTS = ["virtual_computer_name", "failover_group", "nodes", "node_ips", "virtual_ip", "switch_drive",
                 "ups", "netiq_sid", "probe_sid"]


@pytest.mark.parametrize("pid", H.products())
def test_no_facts_names_every_missing_fact_at_once(pid):
    from ppguide.errors import ParameterError
    from ppguide.evaluate import evaluate
    declared = {d.name for d in H.decls(pid)}
    facts = [f for f in CLUSTER_FACTS if f in declared]
    with pytest.raises(ParameterError) as info:
        evaluate(pid, {})
    named = set(info.value.parameters)
    missing = [f for f in facts if f not in named]
    assert not missing, f"a run without facts must name every missing fact; not named: {missing} (named {sorted(named)})"
    required = [d.name for d in H.decls(pid) if d.required]
    assert set(required) <= named


def _typo(name: str) -> str:
    return name[:-2] + name[-1] if len(name) > 4 else name + "x"


@pytest.mark.parametrize("pid,name", [(pid, d.name) for pid in H.products() for d in H.decls(pid)[::4]],
                         ids=lambda v: str(v))
def test_misspelled_parameter_gets_did_you_mean(pid, name):
    from ppguide.errors import ParameterError
    from ppguide.evaluate import evaluate
    given = H.base_params(pid)
    given[_typo(name)] = given.pop(name, "x")
    with pytest.raises(ParameterError) as info:
        evaluate(pid, given)
    text = C.flat(str(info.value))
    assert "did you mean" in text and name in text, text[:600]


BAD_PRODUCTS = ["../procedures/servermanager", "/etc/passwd", "servermanager.yaml", "procedures/servermanager",
                "..", ".", "", "servermanager\x00", "servermanager/", "SERVERMANAGER ", "servermanagr", "~root",
                "servermanager\n", "C:\\procedures\\servermanager", "../../etc/passwd", "SERVERMANAGER", "ServerManager",
                "servermanager.", "servermanager::$DATA", "*", "server*"]


@pytest.mark.parametrize("product", BAD_PRODUCTS, ids=repr)
def test_product_id_is_an_id_from_the_list(product):
    from ppguide.errors import PpguideError
    from ppguide.evaluate import evaluate
    with pytest.raises(PpguideError) as info:
        evaluate(product, H.base_params("servermanager"))
    if product == "servermanagr":
        assert "did you mean" in str(info.value) and "'servermanager'" in str(info.value)


# -- the CLI: run -----------------------------------------------------------------------------------

CLI_CHARS = ("char-amp", "char-LF", "char-bidi-RLO", "char-emoji-not-cp932")


def _cli_selection():
    picked, per_type = [], defaultdict(int)
    for c in PARAM_CASES:
        if c.expect != "refuse":
            continue
        if c.label.endswith(CLI_CHARS):
            picked.append(c)
        elif "char-" not in c.label and per_type[c.product, c.category, c.param] < 3 and \
                per_type[c.product, c.category] < 6:
            per_type[c.product, c.category, c.param] += 1
            per_type[c.product, c.category] += 1
            picked.append(c)
    return picked


CLI_CASES = _cli_selection()


def _cli_args(case, tmp: Path, i: int) -> list[str]:
    value = case.given[case.param]
    out = tmp / "out"
    if isinstance(value, str) and i % 2 == 0 and not value.startswith(("[", "{")):
        base = {k: v for k, v in case.given.items() if k != case.param}
        return ["run", case.product, "-f", C.write_json(tmp / "params.json", base), "-p", f"{case.param}={value}",
                "-o", out]
    return ["run", case.product, "-f", C.write_json(tmp / "params.json", case.given), "-o", out]


@pytest.mark.parametrize("i,case", list(enumerate(CLI_CASES)), ids=lambda v: v.id if isinstance(v, H.Case) else "")
def test_cli_run_refuses_cleanly(i, case, tmp_path, record_property):
    args = _cli_args(case, tmp_path, i)
    outcome = C.refuse_run(args, tmp_path / "out", must_mention=[case.param])
    record_property("status", outcome.status)
    record_property("category", case.category)
    assert outcome.ok, f"{outcome.status}: {outcome.detail}\n--- output ---\n{outcome.message}"


def test_cli_misspelled_parameter_and_product(tmp_path):
    out = tmp_path / "out"
    o = C.refuse_run(["run", "servermanager", "-p", "virtual_computer=ESMPRO", "-o", out],
                     out, must_mention=["did you mean", "virtual_computer_name"])
    assert o.ok, f"{o.status}: {o.detail}\n{o.message}"
    o = C.refuse_run(["run", "servermanagr", "-o", out], out, must_mention=["did you mean", "servermanager"])
    assert o.ok, f"{o.status}: {o.detail}\n{o.message}"


@pytest.mark.parametrize("product", BAD_PRODUCTS, ids=repr)
@pytest.mark.parametrize("command", ["run", "params"])
def test_cli_product_id_refused(command, product, tmp_path, record_property):
    out = tmp_path / "out"
    args = ["run", product, "-f", C.write_json(tmp_path / "p.json", H.base_params("servermanager")), "-o", out] \
        if command == "run" else ["params", product]
    o = C.refuse_run(args, out)
    record_property("status", o.status)
    assert o.ok, f"{o.status}: {o.detail}\n{o.message}"


# -- the CLI: batch (one inventory per product: a good job and one bad job per parameter type) ----

def _batch_inventories():
    for pid in H.products():
        bad, seen = [], set()
        for c in PARAM_CASES:
            if c.product == pid and c.expect == "refuse" and c.category not in seen and "char-amp" in c.label:
                seen.add(c.category)
                bad.append(c)
        yield pytest.param(pid, bad, id=pid)


@pytest.mark.parametrize("pid,bad", list(_batch_inventories()))
def test_cli_batch_reports_bad_jobs_and_runs_the_good_one(pid, bad, tmp_path, record_property):
    jobs = [{"product": pid, "name": "good", "parameters": H.base_params(pid)}]
    jobs += [{"product": pid, "name": f"bad-{i}", "parameters": c.given} for i, c in enumerate(bad)]
    inv = C.write_json(tmp_path / "inventory.json", {"jobs": jobs})
    out = tmp_path / "out"
    result = C.invoke(["batch", inv, "-o", out])
    tb = C.traceback_of(result)
    record_property("status", "traceback" if tb else ("refused" if result.exit_code == 2 else "wrong-exit"))
    assert tb is None, "traceback: " + tb + "\n" + result.output[-1500:]
    assert result.exit_code == 2, f"wrong-exit: batch exit code {result.exit_code}, expected 2\n" + result.output[-1500:]
    assert "error:" in result.output and C.JAPANESE.search(result.output), \
        "no-error-line: a batch with bad jobs must end with an error: line and a Japanese line\n" + result.output[-1500:]
    assert (out / "good" / "manifest.json").is_file(), "the good job must still produce its bundle"
    for i, c in enumerate(bad):
        assert not (out / f"bad-{i}").exists(), f"bad job {c.id} wrote a folder"
        assert f"bad-{i}" in result.output, f"bad job {c.id} is not reported"
    assert {p.name for p in tmp_path.iterdir()} == {"inventory.json", "out"}
    assert {p.name for p in out.iterdir()} == {"good", "report.csv"}


# -- the CLI: compose (each product of the example group, one bad value per parameter type) -------

def _group():
    return yaml.safe_load(H.data_file("example-group.yaml").read_text(encoding="utf-8"))


def _compose_cases():
    group = _group()
    for entry in group["products"]:
        pid, seen = entry["id"], set()
        for c in PARAM_CASES:
            if c.product == pid and c.expect == "refuse" and c.category not in seen and \
                    c.label.endswith(("char-LF", "char-percent")) and c.param != "failover_group":
                seen.add(c.category)
                yield pytest.param(pid, c, id=c.id)


@pytest.mark.parametrize("pid,case", list(_compose_cases()))
def test_cli_compose_refuses_cleanly(pid, case, tmp_path, record_property):
    group = copy.deepcopy(_group())
    for entry in group["products"]:
        if entry["id"] == pid:
            entry["parameters"] = dict(entry.get("parameters") or {}, **{case.param: case.given[case.param]})
    out = tmp_path / "out"
    o = C.refuse_run(["compose", C.write_json(tmp_path / "group.json", group), "-o", out], out,
                     must_mention=[case.param])
    record_property("status", o.status)
    assert o.ok, f"{o.status}: {o.detail}\n{o.message}"


@pytest.mark.parametrize("label,value", [(lb, H._mid("esmgroup", ch)) for lb, ch in H.BAD_CHARS],
                         ids=lambda v: v if v in dict(H.BAD_CHARS) or v.isidentifier() or "-" in v else "")
def test_cli_compose_failover_group_name(label, value, tmp_path, record_property):
    group = copy.deepcopy(_group())
    group["failover_group"] = value
    out = tmp_path / "out"
    o = C.refuse_run(["compose", C.write_json(tmp_path / "group.json", group), "-o", out], out,
                     must_mention=["failover_group"])
    record_property("status", o.status)
    assert o.ok, f"{o.status}: {o.detail}\n{o.message}"
