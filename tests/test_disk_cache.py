"""The disk cache (lib/ppguide/disk_cache.py): a process takes the checked products, data tables and compiled
templates another process kept, never a stale or faulty one, and the bundles are the same bytes either way."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ppguide import disk_cache, expressions, fingerprint, knowledge, knowledge_check
from ppguide.cited import Cited
from ppguide.errors import KnowledgeError

SM = knowledge.PROCEDURES / "servermanager.yaml"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A new, empty cache folder for this test; the in-process caches forgotten before and after."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(disk_cache.VARIABLE, str(folder))
    disk_cache.folder.cache_clear()
    knowledge.clear_cache()
    yield folder
    disk_cache.folder.cache_clear()
    knowledge.clear_cache()


@pytest.fixture
def own_servermanager(tmp_path, monkeypatch):
    """servermanager.yaml copied into a PPGUIDE_PROCEDURES folder, to be edited by the test."""
    folder = tmp_path / "procedures"
    folder.mkdir()
    path = folder / "servermanager.yaml"
    path.write_bytes(SM.read_bytes())
    monkeypatch.setenv(knowledge.SEARCH_VARIABLE, str(folder))
    return path


def entries(folder: Path, kind: str) -> list[Path]:
    return sorted((folder / kind).glob("*.pickle")) if (folder / kind).is_dir() else []


def checks_fail(monkeypatch) -> None:
    """From here on, checking a knowledge file is an error: a load can only come from the disk cache."""
    def refuse(path):
        raise AssertionError(f"{path} was checked again")
    monkeypatch.setattr(knowledge_check, "check_file", refuse)


def test_a_checked_product_is_taken_from_the_cache_by_the_next_load(cache, monkeypatch):
    checked = knowledge.load("servermanager")
    assert len(entries(cache, "product")) == 1
    knowledge.clear_cache()                     # as a new process: nothing in memory
    checks_fail(monkeypatch)
    again = knowledge.load("servermanager")
    assert again is not checked and again == checked
    # Cited literals keep their guide line and erratum (str equality alone would not show a lost line)
    assert [(str(c), c.line, c.erratum) for c in again.cited()] == [(str(c), c.line, c.erratum) for c in checked.cited()]
    assert all(type(c) is Cited for c in again.cited())


def test_a_cited_literal_pickles_with_its_line_and_erratum():
    lit = Cited.parse("/Yes @L1011 !net-yse")
    back = pickle.loads(pickle.dumps(lit))
    assert (type(back), str(back), back.line, back.erratum) == (Cited, "/Yes", 1011, "net-yse")


def test_an_edited_knowledge_file_is_checked_again(cache, own_servermanager):
    knowledge.load("servermanager")
    data = yaml.safe_load(own_servermanager.read_text(encoding="utf-8"))
    data["steps"][0]["place"] = "nowhere"
    own_servermanager.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    knowledge.clear_cache()
    with pytest.raises(KnowledgeError) as exc:
        knowledge.load("servermanager")
    assert "nowhere" in str(exc.value)
    assert len(entries(cache, "product")) == 1          # the faulty file left nothing behind


def test_a_faulty_file_is_refused_every_time(cache, own_servermanager):
    own_servermanager.write_text(own_servermanager.read_text(encoding="utf-8") + "\nnot_a_key: 1\n", encoding="utf-8")
    for _ in range(2):
        knowledge.clear_cache()
        with pytest.raises(KnowledgeError, match="not_a_key"):
            knowledge.load("servermanager")
    assert entries(cache, "product") == []


def test_a_change_of_the_engine_or_of_the_product_list_is_a_new_key(own_servermanager, monkeypatch):
    data = own_servermanager.read_bytes()
    before = fingerprint.checked_product_key(own_servermanager, data)
    (own_servermanager.parent / "another.yaml").write_text("id: another\n", encoding="utf-8")
    beside = fingerprint.checked_product_key(own_servermanager, data)
    monkeypatch.setattr(fingerprint, "engine_digest", lambda: "another engine")
    assert len({before, beside, fingerprint.checked_product_key(own_servermanager, data)}) == 3


def test_a_damaged_entry_is_only_a_missing_one(cache):
    checked = knowledge.load("servermanager")
    (entry,) = entries(cache, "product")
    entry.write_bytes(entry.read_bytes()[:100])          # a write cut short by a crash of another tool
    knowledge.clear_cache()
    assert knowledge.load("servermanager") == checked
    assert pickle.loads(entry.read_bytes()) == checked   # written whole again


def test_a_cache_folder_that_cannot_be_written_costs_only_the_work(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(disk_cache.VARIABLE, str(blocker / "cache"))
    disk_cache.folder.cache_clear()
    knowledge.clear_cache()
    try:
        assert knowledge.load("servermanager").id == "servermanager"
        assert disk_cache.remembered("data", "some-key", lambda: {"made": True}) == {"made": True}
    finally:
        disk_cache.folder.cache_clear()
        knowledge.clear_cache()


def test_an_empty_variable_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(disk_cache.VARIABLE, "")
    monkeypatch.chdir(tmp_path)
    disk_cache.folder.cache_clear()
    try:
        assert disk_cache.folder() is None and disk_cache.jinja_bytecode("expressions") is None
        made = []
        for _ in range(2):
            disk_cache.remembered("data", "k", lambda: made.append(1))
        assert made == [1, 1] and list(tmp_path.iterdir()) == []
    finally:
        disk_cache.folder.cache_clear()


def test_data_tables_come_from_the_cache_under_the_digest_of_their_bytes(cache):
    first = knowledge.read_data("places.yaml")
    (entry,) = entries(cache, "data")
    assert entry.stem == fingerprint.hashlib.sha256((knowledge.DATA / "places.yaml").read_bytes()).hexdigest()
    assert pickle.loads(entry.read_bytes()) == first == yaml.safe_load((knowledge.DATA / "places.yaml").read_text("utf-8"))


def test_a_compiled_expression_is_taken_from_jinja2s_bytecode_cache(tmp_path, monkeypatch):
    """The code one process compiled serves the next: here the compiler is made to fail after the first time."""
    from jinja2 import FileSystemBytecodeCache
    monkeypatch.setattr(expressions, "BYTECODE", FileSystemBytecodeCache(str(tmp_path)))
    expr, template = "count * 3 + 0 * 424242", "{{ count }} x (test_disk_cache)"
    assert expressions._from_cache("expression", expr, lambda: expressions._expression_code(expr))
    first = (expressions.TemplateExpression(
        expressions._from_cache("expression", expr, lambda: expressions._expression_code(expr)), False)({"count": 2}),
        expressions._from_cache("template", template, lambda: expressions.ENV.compile(template)).render(count=2))
    assert first == (6, "2 x (test_disk_cache)") and len(list(tmp_path.iterdir())) == 2

    def no_compiler():
        raise AssertionError("compiled again")
    again = (expressions.TemplateExpression(expressions._from_cache("expression", expr, no_compiler), False)({"count": 5}),
             expressions._from_cache("template", template, no_compiler).render(count=5))
    assert again == (15, "5 x (test_disk_cache)")
    # another text under the same kind is its own entry, not a checksum mismatch of the first
    assert expressions.TemplateExpression(expressions._from_cache(
        "expression", "count - 1", lambda: expressions._expression_code("count - 1")), False)({"count": 5}) == 4


def test_an_expression_with_trailing_text_is_refused_as_jinja2_refuses_it():
    from jinja2 import TemplateSyntaxError
    with pytest.raises(TemplateSyntaxError, match="chunk after expression"):
        expressions._expression_code("a b")
    with pytest.raises(TemplateSyntaxError):
        expressions.ENV.compile_expression("a b")


RUN = """
import hashlib, json, sys
from ppguide.evaluate import evaluate
from ppguide.examples import guide_example
out = {}
for pid in ("servermanager", "netvisor", "ac-snmp"):
    b = evaluate(pid, guide_example(pid))
    out[pid] = [b.manifest_bytes().hex()] + [hashlib.sha256(f.content).hexdigest() for f in b.files]
json.dump(out, sys.stdout)
"""


def test_a_cold_and_a_warm_cache_give_the_same_bytes(tmp_path):
    """Two new processes sharing a new cache folder: the first fills it, the second takes everything from it."""
    env = dict(os.environ, PPGUIDE_CACHE=str(tmp_path / "cache"))
    env.pop(knowledge.SEARCH_VARIABLE, None)
    runs = [subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert json.loads(runs[0]) == json.loads(runs[1])
    assert len(entries(tmp_path / "cache", "product")) == 3
    off = subprocess.run([sys.executable, "-c", RUN], env=dict(env, PPGUIDE_CACHE=""), capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(off) == json.loads(runs[0])


READS = """
import json, sys
import ppguide.knowledge as k
read, seen = k.read_data, set()
def recording(file):
    seen.add(file)
    return read(file)
k.read_data = recording                 # before the engine's modules bind the name
from ppguide.evaluate import evaluate
from ppguide.examples import guide_example
from ppguide.knowledge_check import check
files, faults = check()
assert not faults, faults
from ppguide.errors import ParameterError
for pid in k.product_ids():
    try:
        evaluate(pid, guide_example(pid))
    except ParameterError:               # a guide example short of a fact still reads the tables up to it
        pass
seen.discard("guide-examples.yaml")      # the tests' facts; not an input of a bundle
json.dump(sorted(seen), sys.stdout)
"""


def test_the_engine_reads_exactly_the_data_tables_its_fingerprints_cover():
    """A bundle's inputs_sha256 and the cache keys cover knowledge.ENGINE_DATA: every table the checks and
    the engine read must be in it (an edited fragments.yaml must not leave an old bundle looking current)."""
    env = dict(os.environ, PPGUIDE_CACHE="")
    env.pop(knowledge.SEARCH_VARIABLE, None)
    seen = json.loads(subprocess.run([sys.executable, "-c", READS], env=env, capture_output=True, text=True,
                                     check=True).stdout)
    assert seen == sorted(knowledge.ENGINE_DATA)


def test_a_value_pickle_cannot_keep_is_returned_and_not_kept(cache):
    value = {"made": lambda: None}              # a lambda does not pickle
    assert disk_cache.remembered("data", "unpicklable", lambda: value) is value
    assert entries(cache, "data") == []


def faulty_servermanager() -> bytes:
    """servermanager.yaml with one step at a place that does not exist (a fault the checks name)."""
    return SM.read_bytes().replace(b"place: active\n", b"place: activX\n", 1)


def test_the_bytes_checked_are_the_bytes_the_key_names(cache, own_servermanager, monkeypatch):
    """A file saved again while it loads (an editor, a deployment) must not put the other version's product
    under its key: here the faulty file is replaced by the valid one right after its key was taken."""
    faulty = faulty_servermanager()
    assert faulty != SM.read_bytes()
    own_servermanager.write_bytes(faulty)
    key = fingerprint.checked_product_key

    def then_replaced(path, data):
        taken = key(path, data)
        own_servermanager.write_bytes(SM.read_bytes())
        return taken
    monkeypatch.setattr(fingerprint, "checked_product_key", then_replaced)
    with pytest.raises(KnowledgeError, match="activX"):
        knowledge.load("servermanager")
    monkeypatch.setattr(fingerprint, "checked_product_key", key)
    own_servermanager.write_bytes(faulty)
    knowledge.clear_cache()
    with pytest.raises(KnowledgeError, match="activX"):
        knowledge.load("servermanager")
    assert entries(cache, "product") == []


SNAPSHOT = """
import shutil, sys
from pathlib import Path
import ppguide.knowledge as k
data = Path(sys.argv[1])
k.DATA = data                                   # this process's tables: a copy the test may edit
from ppguide import evaluate                    # the engine's digest is taken here, places.yaml as it is now
if sys.argv[2] == "edit":
    places = data / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        "places:\\n", "places:\\n  activX: {en: somewhere, ja: どこか}\\n", 1), encoding="utf-8")
try:
    k.load("servermanager")
    print("loaded")
except Exception as exc:
    print(type(exc).__name__)
"""


def test_a_table_edited_while_a_process_runs_does_not_enter_its_keys(tmp_path, own_servermanager):
    """A kernel that took the engine's digest before places.yaml changed checks with the tables it digested;
    otherwise a product checked against the new table would be kept under the old table's key."""
    data = tmp_path / "data"
    shutil.copytree(knowledge.DATA, data)
    own_servermanager.write_bytes(faulty_servermanager())
    env = dict(os.environ, PPGUIDE_CACHE=str(tmp_path / "cache"), PPGUIDE_PROCEDURES=str(own_servermanager.parent))
    run = lambda how: subprocess.run([sys.executable, "-c", SNAPSHOT, str(data), how], env=env,  # noqa: E731
                                     capture_output=True, text=True, check=True).stdout.strip()
    assert run("edit") == "KnowledgeError"
    shutil.copy(knowledge.DATA / "places.yaml", data / "places.yaml")
    assert run("as is") == "KnowledgeError"          # with the table as it was, activX is no place


def test_an_entry_of_another_kind_is_a_missing_one(cache):
    knowledge.load("servermanager")
    knowledge.read_data("places.yaml")
    (product,), (table,) = entries(cache, "product"), entries(cache, "data")
    product.write_bytes(table.read_bytes())           # a dict where a product belongs
    knowledge.clear_cache()
    assert knowledge.load("servermanager").id == "servermanager"


BUNDLE = """
import hashlib, json, sys
from ppguide.evaluate import evaluate
from ppguide.examples import guide_example
b = evaluate("servermanager", guide_example("servermanager"))
print(hashlib.sha256(b.manifest_bytes() + b"".join(f.content for f in b.files)).hexdigest())
"""


def bundle_digest(cache_value: str) -> str:
    env = dict(os.environ, PPGUIDE_CACHE=cache_value)
    env.pop(knowledge.SEARCH_VARIABLE, None)
    return subprocess.run([sys.executable, "-c", BUNDLE], env=env, capture_output=True, text=True, check=True).stdout


def test_damaged_compiled_templates_and_unusable_folders_only_cost_the_work(tmp_path):
    expected = bundle_digest("")
    cache = tmp_path / "cache"
    assert bundle_digest(str(cache)) == expected
    compiled = list((cache / "jinja2").rglob("*.cache"))
    assert len(compiled) > 10
    for f in compiled:                                # cut inside the checksum jinja2 pickles after its magic
        f.write_bytes(f.read_bytes()[:20])
    assert bundle_digest(str(cache)) == expected
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert bundle_digest(str(blocker)) == expected
    assert bundle_digest(str(loop)) == expected
