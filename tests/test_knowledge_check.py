"""Knowledge is checked when it loads: `ppguide check` names each fault (file, name, what), `run` refuses
broken knowledge, and PPGUIDE_PROCEDURES adds or overrides products."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ppguide import cli, evaluate, expressions, knowledge
from ppguide.errors import KnowledgeError
from ppguide.examples import guide_example
from ppguide.knowledge_check import check, check_file

runner = CliRunner()
SM = knowledge.PROCEDURES / "servermanager.yaml"


def raw() -> dict:
    return yaml.safe_load(SM.read_text(encoding="utf-8"))


def write(folder: Path, data: dict | str, name: str = "servermanager") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def fault_lines(path: Path) -> list[str]:
    """`ppguide check FILE`: it must fail, and every line of its output before the summary is a fault of FILE."""
    result = runner.invoke(cli.app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].endswith("knowledge files") and "faults in 1 of 1" in lines[-1]
    assert all(l.startswith(f"{path.resolve()}: ") for l in lines[:-1]), lines
    assert "Traceback" not in result.output
    return [l.removeprefix(f"{path.resolve()}: ") for l in lines[:-1]]


def one_fault(path: Path, name: str, *what: str) -> str:
    lines = [l for l in fault_lines(path) if l.startswith(f"{name}: ")]
    assert len(lines) == 1, fault_lines(path)
    assert all(w in lines[0] for w in what), lines[0]
    return lines[0]


# --- the real knowledge passes ---------------------------------------------------------------------------

def test_the_built_in_products_and_fixtures_pass(monkeypatch):
    monkeypatch.delenv(knowledge.SEARCH_VARIABLE, raising=False)
    files, faults = check()
    assert len(files) == len(knowledge.product_ids()) >= 9 and faults == []
    assert check([Path(__file__).parent / "fixtures" / "procedures"])[1] == []
    result = runner.invoke(cli.app, ["check"])
    assert result.exit_code == 0 and "no faults" in result.output


def test_reserved_names_are_what_context_adds():
    """evaluate.RESERVED is the one list of names the engine adds: context() adds exactly those."""
    product, ctx = evaluate.prepare("servermanager", guide_example("servermanager"))
    own = {p.name for p in product.parameters} | set(product.constants) | {v.name for v in product.values}
    assert set(ctx) - own == set(evaluate.RESERVED)


# --- each fault class, planted in a copy of a real product ------------------------------------------------

def test_a_constant_shadowing_a_parameter(tmp_path):
    data = raw()
    data["constants"]["virtual_computer_name"] = "ESMPRO @L604"
    one_fault(write(tmp_path, data), "virtual_computer_name", "declared 2 times", "parameter", "constant")


def test_a_value_named_like_a_reserved_name_or_a_function(tmp_path):
    data = raw()
    data["values"] += [{"name": "services", "expr": "1", "help": {"en": "x", "ja": "x"}},
                       {"name": "winpath", "expr": "2", "help": {"en": "x", "ja": "x"}}]
    path = write(tmp_path, data)
    one_fault(path, "services", "declared 2 times", "value", "reserves")
    one_fault(path, "winpath", "declared 2 times", "value", "function")


def test_a_parameter_declared_twice(tmp_path):
    data = raw()
    data["parameters"].append(dict(data["parameters"][1]))
    one_fault(write(tmp_path, data), "sm_version", "declared 2 times", "parameter and as parameter")


def test_a_key_given_twice_in_one_mapping(tmp_path):
    text = SM.read_text(encoding="utf-8").replace(
        "  acl_system: 'SYSTEM @L627'\n", "  acl_system: 'SYSTEM @L627'\n  acl_admins: 'SYSTEM @L627'\n")
    one_fault(write(tmp_path, text), "acl_admins", "given twice", "line")


def test_an_expression_using_an_undeclared_name(tmp_path):
    data = raw()
    data["steps"][0]["when"] = "no_such_option and scenario == 'fresh'"
    one_fault(write(tmp_path, data), "no_such_option", f"steps[{data['steps'][0]['id']}].when", "nobody declares")


def test_a_template_using_an_undeclared_name(tmp_path):
    data = raw()
    step = next(s for s in data["steps"] if s["id"] == "acl")
    step["commands"] += "echo {{ wrokdir }}\n"
    one_fault(write(tmp_path, data), "wrokdir", "steps[acl].commands", "nobody declares")


def test_loop_and_set_variables_inside_a_template_are_not_faults(tmp_path):
    data = raw()
    step = next(s for s in data["steps"] if s["id"] == "acl")
    step["commands"] += "{% for n in nodes %}{% if n %}{% set m = n %}{% if m %}echo {{ m }} {{ loop.index }}{% endif %}{% endif %}{% endfor %}\n"
    product, faults = check_file(write(tmp_path, data))
    assert faults == []


def test_a_value_using_a_later_value(tmp_path):
    data = raw()
    data["values"][0]["expr"] = "manager_prefix ~ nvisord_path"
    one_fault(write(tmp_path, data), "nvisord_path", "values[manager_name].expr", "before the engine has computed it")


def test_a_scenario_the_product_does_not_declare(tmp_path):
    data = raw()
    next(s for s in data["steps"] if s["id"] == "acl")["scenarios"] = ["fresh", "updte"]
    data["script"]["scenarios"].append("reinstall")
    data["artifacts"][0]["scenarios"].append("fersh")
    path = write(tmp_path, data)
    one_fault(path, "updte", "steps[acl].scenarios", "does not declare", "fresh")
    one_fault(path, "reinstall", "script.scenarios", "does not declare")
    one_fault(path, "fersh", "artifacts[start.bat].scenarios", "does not declare")


def test_a_check_comparing_scenario_with_an_unknown_value(tmp_path):
    data = raw()
    data["checks"][2]["when"] = "scenario in ['update', 'upgrade']"
    one_fault(write(tmp_path, data), "upgrade", f"checks[{data['checks'][2]['id']}].when", "not one of its choices")


def test_an_action_field_without_effect(tmp_path):
    data = raw()
    data["script"]["stop"] = [{"kill": "all", "on_error": "exit"}]
    one_fault(write(tmp_path, data), "on_error", "script.stop[0] is a kill action", "no effect")


@pytest.mark.parametrize("change,name,what", [
    (lambda s: s["start"][1].update(for_each="nodes"), "for_each", "script.start[1] is a load action"),
    (lambda s: s["stop"].append({"log": "x", "slot": "recover"}), "slot", "no RECOVER branch"),
    (lambda s: s["start"].append({"kill": "all"}), "kill", "belongs in stop"),
    (lambda s: s["stop"].append({"load": "base"}), "load", "stop.bat never loads"),
    (lambda s: s["start"].append({"share": {"name": "out", "path": "X:\\out"}}), "share", "never undoes"),
    (lambda s: s["stop"].append({"unmonitor": "setbwatc"}), "unmonitor", "no monitor of start.bat"),
    (lambda s: s["start"].append({"log": "{{ watch_id }}"}), "watch_id", "nobody declares"),
    (lambda s: s.update(hooks={"before_load": "{{ watch_id }} {{ ghost }}"}), "ghost", "script.hooks.before_load"),
    (lambda s: s.update(group_parameter="group"), "group", "script.group_parameter"),
    (lambda s: s["start"].append({"sleep": 5, "for_each": "ghosts"}), "ghosts", "for_each names no parameter"),
    (lambda s: s["start"].append({"sleep": "five"}), "sleep", "not a number of seconds"),
    (lambda s: s.update(armload_options="/M /WAIT 0 @L851"), "base", "without /S"),
])
def test_script_action_faults(tmp_path, change, name, what):
    """Each new action field is checked where it has no effect, is unpaired or names what does not exist."""
    data = raw()
    data["script"].setdefault("stop", [{"kill": "all"}])
    change(data["script"])
    one_fault(write(tmp_path, data), name, what)


def test_an_action_is_one_kind(tmp_path):
    data = raw()
    data["script"]["start"][1]["log"] = "x"
    assert any("exactly one of load, kill" in l for l in fault_lines(write(tmp_path, data)))


def test_artifact_kind_registry_is_checked(tmp_path):
    data = raw()
    data["artifacts"].append({"path": "x.sql", "kind": "sql", "role": "sql", "place": "active", "encoding": "utf-8",
                              "template": "select 1"})
    data["artifacts"].append({"path": "y.txt", "kind": "pdf", "role": "x", "place": "active"})
    one_fault(write(tmp_path, data), "encoding", "kind sql", "cp932 or ascii")
    one_fault(write(tmp_path, data), "pdf", "no registered kind")


def test_artifact_and_step_fields_without_effect(tmp_path):
    data = raw()
    data["artifacts"][0]["template"] = "ignored"
    data["artifacts"][2]["source"] = "workdir"
    next(s for s in data["steps"] if s["id"] == "acl")["artifact"] = "acl.bat"
    path = write(tmp_path, data)
    one_fault(path, "template", "artifacts[start.bat]", "ignores template")
    one_fault(path, "source", "artifacts[services.bat]", "ignores source")
    one_fault(path, "artifact", "steps[acl]", "no effect")


def test_a_template_error_names_file_and_field(tmp_path):
    data = raw()
    next(s for s in data["steps"] if s["id"] == "acl")["commands"] = "{% if esmpro_user_group %}\necho x\n"
    data["checks"][0]["when"] = "version(sm_version) <"
    data["values"][1]["expr"] = "workdir_folder | no_such_filter"
    path = write(tmp_path, data)
    one_fault(path, "steps[acl].commands", "template error")
    one_fault(path, f"checks[{data['checks'][0]['id']}].when", "expression error")
    one_fault(path, "values[workdir].expr", "expression error", "no_such_filter")


def test_schema_faults_and_dangling_references(tmp_path):
    data = raw()
    data["steps"][0]["colour"] = "red"
    data["steps"][1]["place"] = "moon"
    data["script"]["start"].append({"load": "ghost"})
    data["errata"][1]["override"] = "no_such_parameter"
    path = write(tmp_path, data)
    one_fault(path, "colour", f"steps[{data['steps'][0]['id']}]")
    assert not any(l.startswith("moon") for l in fault_lines(path))   # schema faults stop the deeper checks
    del data["steps"][0]["colour"]
    path = write(tmp_path, data)
    one_fault(path, "moon", "not a place")
    one_fault(path, "ghost", "names a service the product does not declare")
    one_fault(path, "no_such_parameter", "override")
    data["parameters"][0]["default"] = "new"
    data["checks"][0]["params"] = []
    path = write(tmp_path, data)
    one_fault(path, "scenario", "default 'new' is not one of its choices")
    one_fault(path, data["checks"][0]["id"], "error check must name")


def test_a_file_not_named_after_its_product(tmp_path):
    one_fault(write(tmp_path, raw(), name="sm"), "servermanager", "differs from the file name")


def test_invalid_yaml_is_a_fault_not_a_traceback(tmp_path):
    path = write(tmp_path, "id: servermanager\nparameters: [\n")
    one_fault(path, "servermanager.yaml", "not valid YAML")


# --- run refuses, the search path adds and overrides -----------------------------------------------------

def test_run_refuses_a_product_whose_knowledge_does_not_pass(tmp_path, monkeypatch):
    data = raw()
    data["constants"]["virtual_computer_name"] = "ESMPRO @L604"
    folder = tmp_path / "site"
    write(folder, data)
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, str(folder))
    with pytest.raises(KnowledgeError) as exc:
        knowledge.load("servermanager")
    assert [f.name for f in exc.value.faults] == ["virtual_computer_name"]
    out = tmp_path / "o"
    result = runner.invoke(cli.app, ["run", "servermanager", "-o", str(out)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "does not pass `ppguide check`" in result.output and "virtual_computer_name: declared 2 times" in result.output
    assert not out.exists()
    listed = runner.invoke(cli.app, ["products"], env={"COLUMNS": "300"})
    assert listed.exit_code == 1 and "does not pass `ppguide check`" in listed.output and "jmss" in listed.output


def test_search_path_adds_a_product_and_overrides_a_built_in(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    mine = raw() | {"id": "mysm", "title": "My ServerManager"}
    write(second, mine, name="mysm")
    write(second, raw() | {"title": "ServerManager (second)"})
    write(first, raw() | {"title": "ServerManager (site)"})
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, os.pathsep.join([str(first), str(second)]))
    assert "mysm" in knowledge.product_ids() and knowledge.product_ids().count("servermanager") == 1
    assert knowledge.load("servermanager").title == "ServerManager (site)"

    result = runner.invoke(cli.app, ["products"], env={"COLUMNS": "300"})
    assert result.exit_code == 0 and "My ServerManager" in result.output and "ServerManager (site)" in result.output
    for pid in ("mysm", "servermanager"):
        facts = [f"{k}={'[' + ', '.join(v) + ']' if isinstance(v, list) else v}" for k, v in guide_example("servermanager").items()]
        result = runner.invoke(cli.app, ["run", pid, "-o", str(tmp_path / pid), *[a for f in facts for a in ("-p", f)]])
        assert result.exit_code == 0, result.output
        manifest = json.loads((tmp_path / pid / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["product"] == pid
    assert (tmp_path / "mysm" / "start.bat").read_bytes().count(b"ARMLOAD") > 0

    monkeypatch.delenv(knowledge.SEARCH_VARIABLE)
    assert "mysm" not in knowledge.product_ids()
    assert knowledge.load("servermanager").title == "ESMPRO/ServerManager"


def test_built_in_knowledge_is_found_without_the_search_path():
    assert (knowledge.PROCEDURES / "servermanager.yaml").is_file() and (knowledge.DATA / "places.yaml").is_file()
    assert expressions.ENV.globals["winpath"]   # the jinja globals are declared names for the check


# --- the shared vocabulary (data/parameters.yaml) ---------------------------------------------------------

def test_shared_parameters_keep_one_type_in_every_product():
    """Every product that declares a vocabulary name has the vocabulary's type, requirement and choices."""
    shared = knowledge.shared_parameters()
    for pid in knowledge.product_ids():
        for p in knowledge.load(pid).parameters:
            if p.name in shared:
                decl = shared[p.name]
                assert (p.type, p.required, p.choices) == (decl["type"], decl.get("required", False),
                                                          decl.get("choices")), (pid, p.name)


def test_a_use_of_a_name_outside_the_vocabulary(tmp_path):
    data = raw()
    data["parameters"].append({"use": "virtual_computr_name"})
    one_fault(write(tmp_path, data), "virtual_computr_name", "not among the shared parameters")


def test_a_use_that_redeclares_the_type(tmp_path):
    data = raw()
    data["parameters"] = [{"use": "nodes", "type": "list[str]"} if p.get("use") == "nodes" else p
                          for p in data["parameters"]]
    one_fault(write(tmp_path, data), "nodes", "redeclares type")


def test_shared_values_and_artifacts_come_from_the_fragments(tmp_path):
    """`- use:` in values and artifacts takes data/fragments.yaml's entry; redeclaring its expression is a fault."""
    ac = yaml.safe_load((knowledge.PROCEDURES / "ac-pcbe.yaml").read_text(encoding="utf-8"))
    assert {"use": "batteries"} in ac["values"] and {"use": "timeline.png"} in ac["artifacts"]
    expanded = next(v for v in knowledge.load("ac-pcbe").values if v.name == "batteries")
    assert expanded.expr == knowledge._shared("fragments.yaml")["values"]["batteries"]["expr"]
    data = raw()
    data["values"].append({"use": "batteries", "expr": "1"})
    one_fault(write(tmp_path, data), "batteries", "redeclares expr")
    data = raw()
    data["artifacts"].append({"use": "timeline.svg"})
    one_fault(write(tmp_path / "b", data), "timeline.svg", "not among the shared artifacts")


@pytest.mark.parametrize("change,what", [
    (lambda steps: steps[0].update(loop="round"), "has no for_each"),
    (lambda steps: (steps[0].update(loop="round", for_each="nodes"), steps[2].update(loop="round", for_each="nodes")),
     "do not stand together"),
    (lambda steps: (steps[0].update(loop="round", for_each="nodes"), steps[1].update(loop="round", for_each="ups")),
     "repeats over"),
])
def test_step_loop_faults(tmp_path, change, what):
    """Steps of one loop repeat together per entry: they must be adjacent and share their list."""
    data = raw()
    data["parameters"].append({"name": "ups", "type": "list[str]", "default": ["a"], "help": {"en": "x", "ja": "x"}})
    change(data["steps"])
    one_fault(write(tmp_path, data), "round", what)


def test_a_step_loop_repeats_its_steps_together(tmp_path, monkeypatch):
    """Two steps of one loop over three nodes give a, b, a, b, a, b (not a, a, a, b, b, b)."""
    data = raw()
    first, second = data["steps"][1], data["steps"][2]        # install-active, services-active
    for s in (first, second):
        s.update(loop="round", for_each="nodes", scenarios=["fresh"])
        s["title"] = {"en": s["id"] + " {{ item }}", "ja": "{{ item }}"}
    data["steps"] = [first, second]
    write(tmp_path, data)
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, str(tmp_path))
    knowledge.clear_cache()
    try:
        given = dict(guide_example("servermanager"), nodes=["A", "B", "C"])
        b = evaluate.evaluate("servermanager", given)
        assert [s.title_en for s in b.steps] == [f"{s['id']} {n}" for n in "ABC" for s in (first, second)]
    finally:
        knowledge.clear_cache()


def test_a_knowledge_file_not_in_utf8_is_a_fault_not_a_traceback(tmp_path):
    """Saved by Notepad on Japanese Windows (CP932), the file's Japanese text cannot be read as UTF-8."""
    path = tmp_path / "servermanager.yaml"
    path.write_bytes(SM.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    (line,) = fault_lines(path)
    assert line.startswith("servermanager.yaml: is not UTF-8 text")


@pytest.mark.parametrize("change,what", [
    # A default goes into the scripts as a typed value would: it passes the same checks.
    ({"default": "4.16 & del"}, ("sm_version", "its default '4.16 & del' is refused", "character '&'")),
    ({"default": "4.x"}, ("sm_version", "dotted version number")),
    ({"default": "nwork."}, ("workdir_folder", "a single folder name", "dot or space at the end")),
    ({"default": "C:\\Program Files\\CON"}, ("install_dir", "device name 'CON'")),
    ({"type": "version2"}, ("sm_version", "type 'version2' is not a parameter type", "list[one of those]")),
    ({"type": "list[ver]", "default": ["4.16"]}, ("sm_version", "type 'list[ver]'")),
    ({"type": "records", "fields": {"v": "choice"}, "default": []}, ("sm_version", "type 'choice'")),
    ({"type": "records", "default": []}, ("sm_version", "records need their fields")),
    ({"type": "records", "fields": {"v": "list[str]"}, "default": []}, ("sm_version", "type 'list[str]'", "records field")),
    ({"type": "choice", "choices": [1.5, 2.5], "default": 1.5}, ("sm_version", "all text or all whole numbers")),
    ({"type": "choice", "choices": [True, False], "default": True}, ("sm_version", "all text or all whole numbers")),
    ({"type": "int", "min": 5, "max": 1, "default": 3}, ("sm_version", "min 5 is above max 1")),
    ({"min": 1}, ("sm_version", "min and max belong to type int")),
    ({"fields": {"a": "str"}}, ("sm_version", "fields belong to type records")),
    # Defaults in another form than the engine reads them in: the notebook and reference would show one value
    # and the scripts use another ('no' is a true value; text loops over its characters).
    ({"type": "bool", "default": "no"}, ("sm_version", "must be written as False")),
    ({"type": "int", "default": "7"}, ("sm_version", "must be written as 7")),
    ({"type": "list[str]", "default": "ab,cd"}, ("sm_version", "must be written as ['ab', 'cd']")),
    ({"type": "winpath", "default": "C:\u00a5Program Files\u00a5Esm"}, ("sm_version", "must be written as 'C:\\\\Program Files")),
    ({"type": "drive", "default": "x:"}, ("sm_version", "must be written as 'X:'")),
    ({"type": "netmask", "default": "24"}, ("sm_version", "must be written as '255.255.255.0'")),
])
def test_a_declaration_the_engine_cannot_use(tmp_path, change, what):
    """`ppguide check` names what `run` would otherwise stop on with a KeyError, or emit unchecked."""
    data = raw()
    declared = next(p for p in data["parameters"] if p.get("name") == what[0])
    declared |= change
    one_fault(write(tmp_path, data), what[0], *what[1:])


@pytest.mark.parametrize("name", ["_p", "model_dump", "sm-version"])
def test_a_parameter_name_the_engine_cannot_carry(tmp_path, name):
    """pydantic keeps _names and model_* to itself and jinja2 reads - as minus: check says so, run never crashes."""
    data = raw()
    declared = next(p for p in data["parameters"] if p.get("name") == "sm_version")
    declared["name"] = name
    one_fault(write(tmp_path, data), name, "cannot be a parameter or field name")
