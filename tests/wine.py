"""Run emitted .bat and .reg files under Wine (Debian's wine64) with logging stand-ins.

A plain helper module, not a conftest: test modules put tests/ on sys.path and import the
session fixture with ``from wine import wine  # noqa: F401``.

- One Wine prefix per pytest session, in a temporary folder, with a persistent wineserver; it is
  removed when the interpreter exits. Headless: no DISPLAY is needed for cmd, reg and regedit.
- ``tests/standins/standin.c`` is built once per session with x86_64-w64-mingw32-gcc and copied as
  ARMLOAD.EXE, NET.EXE, ... next to each script run. cmd.exe looks in the current folder before
  PATH, so these copies win over Wine's own net.exe and sc.exe (checked when the session starts).
- Every Wine process gets a minimal environment, never the host's: the ARMS_* variables a test
  gives are the only ones a script can see.
- The scripts are CP932. Wine's cmd decodes a .bat with the console code page, which without a
  console is the OEM code page of Wine's locale: 437 in the C locale (Japanese turns into box
  drawing characters), 932 with LC_ALL=ja_JP.UTF-8, as on Japanese Windows. Wine reads the locale
  name from LC_ALL even when glibc has no such locale, so nothing has to be generated (LANG alone
  would need it). Without the glibc locale, though, Wine mangles non-ASCII text on its own command
  line, so `Wine.wine()` refuses it: put such text into a file (a .bat, a .reg) instead.

Wine or mingw missing: ``require()`` skips, or fails when the environment variable CI is "true".
"""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

HERE = Path(__file__).resolve().parent
STANDIN_SOURCE = HERE / "standins" / "standin.c"
FIXTURES = HERE / "fixtures" / "procedures"
# Commands that touch services or CLUSTERPRO: logged, never run. xcopy, rmdir, reg, regedit stay real.
# These are the ones written in templates and run blocks (services.bat, command files, JMSS's stop mode):
FIXED_STANDINS = ("ARMBCAST", "ARMLOADC", "ARMWSSET", "NET", "SC", "CACLS", "OSQL",
                  # JMSS (guide §1.3): JLook's stop mode, the two-way jstop.
                  "JMSSLKSV", "JSTOP",
                  # AppManager 3.4 (guide §1.12.7): Oracle8's Server Manager in the Oracle group's run lines.
                  "SVRMGR30")


def script_programs() -> list[str]:
    """The programs the script actions of every product and test fixture call (ARMLOAD, ARMLOG, ARMSLEEP,
    ARMNSADD, a monitor's setbwatc...), from the knowledge: a new action kind or spelling needs no edit here."""
    from ppguide.knowledge import knowledge_files
    from ppguide.knowledge_check import check_file
    from ppguide.scripts import default_commands, executables

    found = {w.split()[0].upper().removesuffix(".EXE") for w in default_commands().values()}
    for path in list(knowledge_files().values()) + sorted(FIXTURES.glob("*.yaml")):
        product = check_file(path)[0]
        if product is not None and product.script is not None:
            found |= executables(product.script)
    return sorted(found)


STANDINS = tuple(dict.fromkeys(FIXED_STANDINS + tuple(script_programs())))
TOOLS = {"wine": "wine, wine64", "wineserver": "wine, wine64", "x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64"}
LOCALE = "ja_JP.UTF-8"           # Wine's code pages become 932, what cmd.exe on Japanese Windows reads
TIMEOUT_S = 120
PERSIST_S = 60


def missing() -> list[str]:
    """The tools the Wine tests need that are not on PATH, each with the package that has it."""
    return [f"{tool} (Debian: {pkgs})" for tool, pkgs in TOOLS.items() if shutil.which(tool) is None]


def available() -> bool:
    return not missing()


def require() -> None:
    """Skip the calling test when Wine or mingw is missing; fail instead when CI is "true"."""
    gone = missing()
    if not gone:
        return
    msg = "Wine tests need " + ", ".join(gone) + " (make setup-test installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@dataclass
class Run:
    """One script run: the stand-in calls it made, in order, and what cmd printed."""
    calls: list[str]
    returncode: int
    stdout: str
    stderr: str


class WineError(RuntimeError):
    pass


class Wine:
    """A Wine prefix with the stand-ins built; scripts run in fresh folders under C:\\ppg."""

    def __init__(self, root: Path):
        self.root = root
        self.prefix = root / "prefix"
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.tmp = root / "tmp"           # Debian's wineserver makes its socket folder wine-XXXXXX here
        self.tmp.mkdir(exist_ok=True)
        self._count = itertools.count(1)
        self._lock = threading.Lock()
        self.standin = self.build_standin()
        self._boot()
        self._check_standins()

    # -- environment and processes -------------------------------------------------------------

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The whole environment of a Wine process: nothing is inherited from the host."""
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "WINEPREFIX": str(self.prefix),
            "WINEDEBUG": "-all",
            # No Mono or Gecko install dialogs, no menu entries written into HOME.
            "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d",
            "LC_ALL": LOCALE,
        }
        for name, value in (extra or {}).items():
            if name.upper().startswith("WINE") or name.upper() in {"PATH", "HOME", "TMPDIR", "LC_ALL"}:
                raise ValueError(f"{name} belongs to the Wine set-up, not to a script run")
            env[name] = value
        return env

    def wine(self, *args: str, cwd: Path | None = None, extra: dict[str, str] | None = None,
             timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
        """Run `wine ARGS` and wait for it to exit.

        Output goes to files, not pipes: Wine's helper processes (winedevice, services) inherit
        the handles and would keep a pipe open long after the command has exited.
        """
        if not all(a.isascii() for a in args):
            raise ValueError(f"non-ASCII on Wine's command line arrives mangled: {args}; use a file")
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.run(["wine", *args], cwd=cwd or self.prefix / "drive_c", env=self.env(extra),
                               stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=timeout)
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(p.args, p.returncode, out.read(), err.read())

    def build_standin(self, name: str = "standin.exe", defines: tuple[str, ...] = ()) -> Path:
        """Compile tests/standins/standin.c into bin/NAME (defines: e.g. -DARG_SEP=0x1f)."""
        out = self.root / "bin" / name
        out.parent.mkdir(parents=True, exist_ok=True)
        cc = subprocess.run(["x86_64-w64-mingw32-gcc", "-municode", "-O2", "-s", "-Wall", *defines, "-o", str(out),
                             str(STANDIN_SOURCE)], capture_output=True, text=True)
        if cc.returncode:
            raise WineError(f"building {STANDIN_SOURCE.name} failed:\n{cc.stderr}")
        return out

    def _boot(self) -> None:
        # One wineserver for the whole session instead of one per command; it must start before any
        # wine process, which would otherwise start a short-lived one. It stays PERSIST_S seconds
        # after the last Wine process exits, so a session killed before atexit leaves nothing running.
        self.prefix.mkdir()
        subprocess.run(["wineserver", f"-p{PERSIST_S}"], env=self.env(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
        boot = self.wine("wineboot", "-i", cwd=self.root, timeout=300)
        if boot.returncode or not (self.prefix / "drive_c" / "windows" / "system32" / "cmd.exe").exists():
            raise WineError(f"wineboot -i failed ({boot.returncode}):\n{_text(boot.stderr)}")
        (self.prefix / "drive_c" / "ppg").mkdir(exist_ok=True)

    def _check_standins(self) -> None:
        """Each stand-in name must reach the stand-in, not Wine's net.exe, sc.exe or cacls.exe."""
        bat = "\r\n".join(["@echo off"] + [f"{n.lower()} check {i}" for i, n in enumerate(STANDINS)]
                          + [f"{n}.EXE check {i}" for i, n in enumerate(STANDINS)]) + "\r\n"
        want = [f"{n} check {i}" for i, n in enumerate(STANDINS)] * 2
        got = self.run_bat(bat.encode("ascii"))
        if got != want:       # once more: under heavy load one Wine process start has been seen to get lost
            got = self.run_bat(bat.encode("ascii"))
        if got != want:
            raise WineError(f"stand-ins not picked up by Wine's cmd: wanted {want}, logged {got}")

    def close(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- paths ---------------------------------------------------------------------------------

    def windows_path(self, path: Path) -> str:
        """C:\\... for a path inside the prefix's drive_c."""
        rel = PurePosixPath(path.resolve().relative_to((self.prefix / "drive_c").resolve()))
        return str(PureWindowsPath("C:\\", *rel.parts))

    def new_dir(self) -> Path:
        with self._lock:
            n = next(self._count)
        d = self.prefix / "drive_c" / "ppg" / f"run{n:04d}"
        d.mkdir(parents=True)
        return d

    # -- scripts -------------------------------------------------------------------------------

    def run_in(self, folder: Path, bat: str, env: dict[str, str] | None = None) -> Run:
        """Run folder/bat with `wine cmd /c`, the current folder being the script's own.

        The stand-ins are copied next to the script first. `env` holds the only variables the
        script sees besides Wine's defaults (e.g. ARMS_EVENT); leave a name out for "unset".
        """
        script = folder / bat
        for name in STANDINS:
            shutil.copyfile(self.standin, script.parent / f"{name}.EXE")
        log = folder.parent / f"{folder.name}.calls.log"
        extra = dict(env or {})
        extra["PPG_LOG"] = self.windows_path(log)
        for attempt in range(RUN_ATTEMPTS):
            log.unlink(missing_ok=True)
            p = self.wine("cmd", "/c", script.name, cwd=script.parent, extra=extra)
            if lost_standin_call(_text(p.stderr)):
                continue
            # Under load Wine now and then runs a script without a trace: no call logged and nothing said. A
            # group script's branch that really calls nothing (RECOVER) logs nothing on the second run too, so
            # an empty one runs once more before it is believed (group scripts only call commands, all stand-ins
            # here, so a second run changes nothing; a command file, which may copy or create, runs once).
            if log.exists() or attempt or b"ARMS_EVENT" not in script.read_bytes():
                break
        calls = log.read_bytes().decode("utf-8").splitlines() if log.exists() else []
        return Run(calls, p.returncode, _text(p.stdout), _text(p.stderr))

    def run(self, bat_bytes: bytes, env: dict[str, str] | None = None, name: str = "script.bat") -> Run:
        folder = self.new_dir()
        (folder / name).write_bytes(bat_bytes)
        return self.run_in(folder, name, env)

    def run_bat(self, bat_bytes: bytes, env: dict[str, str] | None = None) -> list[str]:
        """The stand-in calls a .bat makes, in order, one "PROGRAM arg ..." line each."""
        return self.run(bat_bytes, env).calls

    def run_branches(self, bundle, branches: dict[str, dict[str, str]], jobs: list[tuple[str, str]] | None = None,
                     extra: dict[str, str] | None = None) -> dict[tuple[str, str], list[str]]:
        """Each (script, branch) job of a bundle run on its event branch's variables (plus `extra`), four at a
        time: {(script, branch): its calls}. Without `jobs`: start.bat and stop.bat on every branch."""
        from concurrent.futures import ThreadPoolExecutor
        if jobs is None:
            jobs = [(script, branch) for script in ("start.bat", "stop.bat") for branch in branches]
        with ThreadPoolExecutor(max_workers=4) as pool:
            logs = pool.map(lambda job: self.run_bat(bundle.file(job[0]).content, branches[job[1]] | (extra or {})), jobs)
            return dict(zip(jobs, logs))

    def lay_out(self, files: dict[str, bytes]) -> Path:
        """Write a bundle's files (relative paths with /) into a fresh folder; return the folder."""
        folder = self.new_dir()
        for rel, content in files.items():
            target = folder.joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return folder

    # -- registry ------------------------------------------------------------------------------

    def import_reg(self, reg_bytes: bytes, attempts: int = 3) -> None:
        """Import with `regedit /S`; the test reads the values back, which is the real check.

        Wine's regedit exits 0 whatever the file holds (a missing file, garbage, a key it cannot open), so a
        non-zero exit says Wine itself failed to run it. A loaded CI machine did that once, silently (exit 1,
        nothing on stderr), so such a run is tried again before it fails the test. Importing twice is harmless.
        """
        folder = self.new_dir()
        (folder / "import.reg").write_bytes(reg_bytes)
        failures = []
        for _ in range(attempts):
            p = self.wine("regedit", "/S", "import.reg", cwd=folder)
            if not p.returncode:
                return
            failures.append(f"exit {p.returncode}: {_text(p.stderr).strip() or '(nothing on stderr)'}")
        raise WineError(f"regedit /S did not run in {attempts} attempts: " + "; ".join(failures))

    def reg(self, *args: str, attempts: int = 3) -> subprocess.CompletedProcess:
        """Run Wine's reg.exe. reg says why it failed ("reg: ..." on stdout: a missing key, a bad root), so a
        non-zero exit with no word at all is Wine failing to run it, as regedit once did on a loaded CI machine:
        such a run is tried again. reg's own answers, failures included, are returned at the first attempt."""
        for _ in range(attempts):
            p = self.wine("reg", *args)
            if not p.returncode or p.stdout.strip() or p.stderr.strip():
                return p
        return p

    def reg_query(self, key: str) -> dict[str, tuple[str, str]]:
        """The values of one key, {name: (type, data)} ("" names the default value); data as
        reg prints it (REG_DWORD as 0x..). Names holding four spaces in a row would be split wrongly.

        Raises KeyError when the key does not exist.
        """
        p = self.reg("query", key)
        if p.returncode:
            raise KeyError(key)
        return parse_reg_query(_text(p.stdout), key)

    def reg_subkeys(self, key: str) -> list[str]:
        p = self.reg("query", key)
        if p.returncode:
            raise KeyError(key)
        head = full_key(key).lower() + "\\"
        return [ln.strip() for ln in _text(p.stdout).splitlines() if ln.strip().lower().startswith(head)]

    def reg_add(self, key: str, name: str, data: str, type_: str = "REG_SZ") -> None:
        p = self.reg("add", key, "/v", name, "/t", type_, "/d", data, "/f")
        if p.returncode:
            raise WineError(f"reg add {key} /v {name} failed: {_text(p.stdout)}{_text(p.stderr)}")

    def reg_delete_tree(self, key: str) -> None:
        """Delete a key and everything below it; a missing key is fine."""
        self.reg("delete", key, "/f")

    # -- what Wine cannot do -------------------------------------------------------------------

    _findstr: bool | None = None

    def findstr_works(self) -> bool:
        """Wine 8.0's findstr.exe is a stub: it prints nothing and exits 0."""
        if self._findstr is None:
            p = self.run(b"@echo off\r\necho HKEY_X| findstr /B /I \"hkey_\"\r\n")
            self._findstr = "HKEY_X" in p.stdout
        return self._findstr


ROOTS = {"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER", "HKCR": "HKEY_CLASSES_ROOT",
         "HKU": "HKEY_USERS", "HKCC": "HKEY_CURRENT_CONFIG"}


def full_key(key: str) -> str:
    """HKLM\\X -> HKEY_LOCAL_MACHINE\\X, the spelling `reg query` prints."""
    root, _, rest = key.rstrip("\\").partition("\\")
    return "\\".join(p for p in (ROOTS.get(root.upper(), root), rest) if p)


def parse_reg_query(out: str, key: str) -> dict[str, tuple[str, str]]:
    """Parse `reg query KEY` output: the key's line, then "    NAME    TYPE    DATA" lines."""
    values: dict[str, tuple[str, str]] = {}
    key = full_key(key)
    in_key = False
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line.startswith("    "):
            in_key = line.strip().lower() == key.rstrip("\\").lower()
            continue
        if in_key:
            parts = line[4:].split("    ", 2)
            if len(parts) == 2:                  # empty data: "NAME    TYPE"
                parts.append("")
            name, type_, data = parts
            values["" if name.startswith("(") and name.endswith(")") else name] = (type_, data)
    return values


# A loaded Wine occasionally fails to start a process (cmd reports the command as unknown) or a stand-in
# cannot reach its log; either loses one call from the log. The run is then repeated, at most this often.
RUN_ATTEMPTS = 3


def lost_standin_call(stderr: str) -> bool:
    """cmd's error output says a stand-in did not log: it could not be started, or it could not write."""
    names = {n.upper() for n in STANDINS}
    for line in stderr.splitlines():
        if line.startswith("standin: "):
            return True
        first = line.split(" ", 1)[0].upper().removesuffix(".EXE")
        if first in names and "認識" in line:      # 「... を内部または外部コマンド ... として認識できません。」
            return True
    return False


def _text(b: bytes) -> str:
    # Wine's console programs write code page 932 here when the output is not a console.
    return b.decode("cp932", errors="replace")


_session: Wine | None = None
_session_error: BaseException | None = None
_session_lock = threading.Lock()


def session() -> Wine:
    """The session's Wine: built on first use, removed when the interpreter exits."""
    global _session, _session_error
    require()
    with _session_lock:
        if _session_error is not None:               # set up once; a failure fails every test at once
            raise WineError(f"Wine set-up failed earlier in this session: {_session_error}")
        if _session is None:
            root = Path(tempfile.mkdtemp(prefix="ppguide-wine-"))
            try:
                _session = Wine(root)
            except BaseException as exc:
                _session_error = exc
                subprocess.run(["wineserver", "-k"], env={"WINEPREFIX": str(root / "prefix"),
                                                          "PATH": "/usr/bin:/bin"},
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                shutil.rmtree(root, ignore_errors=True)
                raise
            atexit.register(_session.close)
    return _session


@pytest.fixture(scope="session")
def wine() -> Wine:
    """The shared Wine prefix (one per session, whichever module asks first)."""
    return session()


# CLUSTERPRO's script variables, one entry per branch every start.bat is run under (guide L836-838,
# L849, L875: ARMS_EVENT, ARMS_DISK, ARMS_SERVER); a missing name is an unset variable.
EVENT_BRANCHES = {
    "start": {"ARMS_EVENT": "START"},
    "failover": {"ARMS_EVENT": "FAILOVER"},
    "recover": {"ARMS_EVENT": "RECOVER"},
    "start-disk-failure": {"ARMS_EVENT": "START", "ARMS_DISK": "FAILURE"},
    "start-other": {"ARMS_EVENT": "START", "ARMS_SERVER": "OTHER"},
    "failover-other": {"ARMS_EVENT": "FAILOVER", "ARMS_SERVER": "OTHER"},
    "unset": {},
}
