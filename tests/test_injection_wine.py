"""Issue 7, injection: values that pass validation run through the emitted scripts under Wine's cmd.exe.

For every product with a start/stop script, tests/hostile/injection.py picks, for each text-like
parameter, the most hostile value the product accepts (spaces, ' ! = , ; parentheses, Japanese,
leading _ or -) and a plain sentinel. start.bat and stop.bat run once per event branch, and every
other .bat of the bundle once (except those that import into the registry), with both parameter
sets; an argument-exact stand-in (tests/standins/standin.c built with -DARG_SEP=0x1f) logs each call. The hostile run
must make exactly the sentinel run's calls with each sentinel replaced by its hostile value: each
value arrives as (part of) one argument, unchanged, and nothing else runs (HOSTNAME, WHOAMI... are
stand-ins too, so a value that ran them would show). The HOSTS lines the HOSTS command files add
must carry the host name as one name.

Skipped when Wine or mingw is missing (fails instead when CI=true), like the other Wine tests.
"""
from __future__ import annotations

import re
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from hostile import cases as H  # noqa: E402
from hostile import injection as I  # noqa: E402
from wine import EVENT_BRANCHES, STANDINS, session  # noqa: E402

HERE = Path(__file__).resolve().parent
# Programs a hostile value might try to start: stand-ins too, so that running one shows in the log.
CANARIES = ("HOSTNAME", "WHOAMI", "CALC", "NOTEPAD", "PING", "SHUTDOWN", "FORMAT", "DEL", "ECHOED")
US = "\x1f"
# recover and disk-failure branches hold no value-bearing lines; tests/test_scripts_wine.py covers their calls
START_BRANCHES = ["start", "failover", "start-other", "unset"]
STOP_BRANCHES = ["start", "failover", "unset"]


def script_products() -> list[str]:
    from ppguide.knowledge import load
    return [pid for pid in H.products() if load(pid).script]


_BUILD = threading.Lock()


@cache
def _build_argv_standin() -> Path:
    return session().build_standin("argv_standin.exe", ("-DARG_SEP=0x1f",))


def argv_standin() -> Path:
    """Built once per session (the runs call this from several threads at once)."""
    with _BUILD:
        return _build_argv_standin()


def as_computer(files: dict[str, bytes]) -> dict[str, bytes]:
    """Wine's cmd sets COMPUTERNAME from the host whatever the environment says: the scripts read
    PPG_COMPUTERNAME instead (in both runs alike), so that each node's lines can run."""
    return {k: v.replace(b"%COMPUTERNAME%", b"%PPG_COMPUTERNAME%") if k.endswith(".bat") else v
            for k, v in files.items()}


def run_script(files: dict[str, bytes], rel: str, env: dict[str, str]) -> list[list[str]]:
    """Lay the bundle out in a fresh folder, run `rel` with `env`; the calls, each [PROGRAM, arg, ...]."""
    w = session()
    folder = w.lay_out(as_computer(files))
    script = folder.joinpath(*rel.split("/"))
    exe = argv_standin()
    for name in STANDINS + CANARIES:
        shutil.copyfile(exe, script.parent / f"{name}.EXE")
    log = folder.parent / f"{folder.name}.argv.log"
    extra = dict(env, PPG_LOG=w.windows_path(log))
    # `cmd /c start.bat` would run cmd's START built-in: run a copy under a neutral name instead
    runner = script.with_name("ppgrun.bat")
    shutil.copyfile(script, runner)
    w.wine("cmd", "/c", runner.name, cwd=script.parent, extra=extra)
    if not log.exists():
        return []
    return [line.split(US) for line in log.read_bytes().decode("utf-8").splitlines()]


def _registry_touching(content: bytes) -> bool:
    text = content.decode("cp932", "replace").lower()
    return "regedit" in text or "reg add" in text or "reg delete" in text or "reg import" in text


def _jobs(pid: str) -> list[tuple[str, str]]:
    from ppguide.evaluate import evaluate
    b = evaluate(pid, I.plan(pid).sentinel)
    jobs = []
    for f in b.files:
        if not f.path.endswith(".bat") or _registry_touching(f.content) or b"HOSTS" in f.content.upper():
            continue
        if f.role == "start-script":
            jobs += [(f.path, br) for br in START_BRANCHES] + [(f.path, "start@node2")]
        elif f.role == "stop-script":
            jobs += [(f.path, br) for br in STOP_BRANCHES]
        else:
            jobs.append((f.path, "unset"))
    return jobs


def branch_env(pid: str, rel: str, branch: str, params: dict) -> dict[str, str]:
    """The ARMS_* variables of the branch and the computer the script runs on: the node a per-node
    file is for, the second node for "@node2", else the first node."""
    env = dict(EVENT_BRANCHES[branch.split("@")[0]])
    nodes = [str(n) for n in params.get("nodes") or []]
    computer = nodes[1] if branch.endswith("@node2") and len(nodes) > 1 else (nodes[0] if nodes else "")
    for n in nodes:
        if n in rel:
            computer = n
    if computer:
        env["PPG_COMPUTERNAME"] = computer
    return env


@cache
def runs(pid: str) -> dict[tuple[str, str], tuple[list, list]]:
    """(script, branch) -> (calls with sentinels, calls with hostile values), all run in parallel."""
    from ppguide.evaluate import evaluate
    p = I.plan(pid)
    sent = {f.path: f.content for f in evaluate(pid, p.sentinel).files}
    host = {f.path: f.content for f in evaluate(pid, p.hostile).files}
    jobs = _jobs(pid)
    argv_standin()

    def one(job):
        rel, branch = job
        rel_h = I.substitute(rel, p.mapping)
        env_s = branch_env(pid, rel, branch, p.sentinel)
        env_h = {k: I.substitute(v, p.mapping) for k, v in env_s.items()}
        a = run_script(sent, rel, env_s)
        b = run_script(host, rel_h, env_h) if rel_h in host else None
        if b is not None and [[I.substitute(x, p.mapping) for x in c] for c in a] != b:
            # a loaded Wine now and then drops or cuts a run short: a real difference shows again
            a = run_script(sent, rel, env_s)
            b = run_script(host, rel_h, env_h)
        return job, (a, b)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, jobs))


def _cases():
    try:
        pids = script_products()
    except Exception:       # noqa: BLE001  the library is mid-edit: the tests will say so
        return []
    out = []
    for pid in pids:
        try:
            jobs = _jobs(pid)
        except Exception:   # noqa: BLE001
            jobs = [("start.bat", "start")]
        out += [pytest.param(pid, rel, br, id=f"{pid}:{rel}:{br}") for rel, br in jobs]
    return out


@pytest.fixture(scope="module")
def wine():
    import wine as wine_mod
    wine_mod.require()
    return session()


@pytest.mark.parametrize("pid", [pytest.param(p, id=p) for p in (script_products() if _cases() else [])])
def test_hostile_values_were_accepted(pid, record_property):
    """The injection test means something only if hostile values pass validation: show which did."""
    p = I.plan(pid)
    hostile = {k: h for k, (s, h) in p.varied.items() if h != s}
    record_property("values", repr(hostile))
    assert hostile, f"no hostile value was accepted for {pid}: {p.notes}"


@pytest.mark.parametrize("pid,rel,branch", _cases())
def test_each_value_arrives_as_one_argument_unchanged(wine, pid, rel, branch, record_property):
    p = I.plan(pid)
    sent_calls, host_calls = runs(pid)[rel, branch]
    assert host_calls is not None, f"{rel} exists with sentinels but not with hostile values"
    want = [[I.substitute(a, p.mapping) for a in call] for call in sent_calls]
    status = "accepted" if host_calls == want else "injection"
    record_property("status", status)
    if host_calls != want:
        lines = []
        for i in range(max(len(want), len(host_calls))):
            w = want[i] if i < len(want) else None
            g = host_calls[i] if i < len(host_calls) else None
            if w != g:
                lines.append(f"  call {i}: expected {w}\n          got      {g}")
        pytest.fail("injection: the hostile values changed the calls\n" + "\n".join(lines[:8])
                    + f"\nvalues: { {k: h for k, (s, h) in p.varied.items()} }")


HOSTS_REL = "windows/system32/drivers/etc/hosts"


@pytest.mark.parametrize("pid", [pytest.param(p, id=p) for p in (script_products() if _cases() else [])])
def test_hosts_lines_carry_the_host_name_as_one_name(wine, pid, record_property):
    from ppguide.evaluate import evaluate
    p = I.plan(pid)
    name = p.hostile.get("virtual_host_name")
    files = evaluate(pid, p.hostile).files
    hosts_bats = [f for f in files if f.path.endswith(".bat") and b"HOSTS" in f.content.upper()
                  and not _registry_touching(f.content)]
    if not hosts_bats or not name:
        pytest.skip(f"{pid} writes no HOSTS lines")
    hosts = wine.prefix / "drive_c" / HOSTS_REL
    layout = {x.path: x.content for x in files}
    if not wine.findstr_works():
        # Wine 8's findstr prints nothing and exits 0, so "already there? goto :EOF" would always
        # skip the lines: drop that test (only the lines that write HOSTS matter here).
        for f in hosts_bats:
            layout[f.path] = b"\r\n".join(b"rem (findstr)" if b"findstr" in ln.lower() else ln
                                         for ln in f.content.split(b"\r\n"))
    for f in hosts_bats:
        before = hosts.read_bytes() if hosts.exists() else b""
        run_script(layout, f.path, branch_env(pid, f.path, "unset", p.hostile))
        added = (hosts.read_bytes() if hosts.exists() else b"")[len(before):].decode("cp932", "replace")
        assert name in added, f"{f.path} added no HOSTS line for {name!r} (added: {added!r})"
        for line in added.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                tokens = line.split()
                ok = name in tokens and all(t == name or t[:1].isdigit() for t in tokens)
                record_property("status", "accepted" if ok else "injection")
                assert ok, f"injection: {f.path} added the HOSTS line {line!r} for host name {name!r}"


# -- .reg files: what regedit would store (no Wine needed) ------------------------------------------

def parse_reg(content: bytes) -> list[tuple[str, str, str, str]]:
    """(key, value name, kind, data) of each value of a .reg file (UTF-16LE with BOM), data decoded:
    "..." strings unescaped, hex(2) as UTF-16 text, dword as written."""
    text = content.decode("utf-16")
    lines, joined = text.replace("\r\n", "\n").split("\n"), []
    for line in lines:
        if joined and joined[-1].rstrip().endswith(",\\"):       # hex data continues on the next line
            joined[-1] = joined[-1].rstrip()[:-1] + line.strip()
        else:
            joined.append(line)
    out, key = [], None
    value_line = re.compile(r'^(@|"(?:[^"\\]|\\.)*")=(.*)$')
    for line in joined:
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            key = line[1:-1]
            continue
        m = value_line.match(line)
        if not m:
            continue
        name = "" if m.group(1) == "@" else re.sub(r"\\(.)", r"\1", m.group(1)[1:-1])
        data = m.group(2)
        if data.startswith('"'):
            if not (data.endswith('"') and len(data) >= 2):
                out.append((key, name, "broken", data))
                continue
            inner = data[1:-1]
            if re.search(r'(?<!\\)(\\\\)*"', inner):
                out.append((key, name, "broken", data))
                continue
            out.append((key, name, "sz", re.sub(r"\\(.)", r"\1", inner)))
        elif data.startswith("hex(2):"):
            raw = bytes.fromhex(data[7:].replace(",", "").replace("\\", "").replace(" ", ""))
            out.append((key, name, "expand_sz", raw.decode("utf-16-le").rstrip("\x00")))
        else:
            out.append((key, name, "other", data))
    return out


@pytest.mark.parametrize("pid", [pytest.param(p, id=p) for p in H.products()])
def test_reg_values_hold_the_hostile_values_unchanged(pid, record_property):
    from ppguide.evaluate import evaluate
    p = I.plan(pid)
    sent = {f.path: f.content for f in evaluate(pid, p.sentinel).files if f.path.endswith(".reg")}
    host = {f.path: f.content for f in evaluate(pid, p.hostile).files if f.path.endswith(".reg")}
    if not sent:
        pytest.skip(f"{pid} emits no .reg file")
    for path, content in sent.items():
        want = [tuple(I.substitute(x, p.mapping) if isinstance(x, str) else x for x in e) for e in parse_reg(content)]
        got = parse_reg(host[I.substitute(path, p.mapping)])
        status = "accepted" if got == want else "injection"
        record_property("status", status)
        assert got == want, f"injection: {path}: " + "; ".join(
            f"expected {w} got {g}" for w, g in zip(want, got) if w != g)[:1500]
