"""Values that pass validation yet try to change what an emitted script does (issue 7).

For each product with a start/stop script, every text-like parameter (str, netbios, list[netbios],
winpath, dirname) gets two valid values:

- a *sentinel*: plain and unique (``Qz3q``, ``QZ3Q``, ``C:\\Qz3q``), so that where it lands in the
  stand-ins' arguments can be found exactly;
- a *hostile* value: the most hostile candidate the product's validation accepts (spaces, ``'``,
  ``!``, ``=``, ``,``, ``;``, parentheses, Japanese, leading ``_`` or ``-``...).

Running the same scripts with both, the hostile run must make exactly the calls of the sentinel
run with each sentinel replaced by its hostile value: same programs, same number of arguments,
each value inside one argument, unchanged. Anything else is an injection.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .cases import base_params, decls

VARIED = ("str", "netbios", "list[netbios]", "winpath", "dirname", "groupname", "hostname", "account")


def sentinel(t: str, i: int) -> Any:
    if t in ("groupname", "hostname", "account"):
        t = "str"
    return {"str": f"Qz{i}q", "netbios": f"QZ{i}Q", "list[netbios]": [f"QZ{i}A", f"QZ{i}B"],
            "winpath": f"C:\\Qz{i}q", "dirname": f"Qz{i}d"}[t]


def candidates(t: str, i: int) -> list[Any]:
    """Most hostile first; the first one the product accepts is used."""
    if t == "account":
        return [f"ESM{i}) hostname", f"ESM{i} Users 日本語 O'Brien!", f"ESM{i} Users O'Brien!", f"ESM{i} Users!", f"ESM{i} Users", f"ESM{i}x"]
    if t == "hostname":
        return [f"v{i}\thost", f"v{i} host", f"-v{i}-host.example.com", f"v{i}_host.example.com", f"v{i}-host.example.com", f"v{i}-host", f"v{i}x"]
    if t == "groupname":
        return [f"g{i})hostname", f"_g{i}-grp", f"-g{i}_grp", f"g{i}-grp_1", f"g{i}x"]
    if t == "str":
        return [f"G{i}\tx) hostname", f"v{i}\thost", f"G{i} 'x'!=,;(y) 日本語", f"G{i} 'x'!=,;(y)", f"G{i} 'x'!=,;", f"G{i}'x!=,;", f"G{i} x'!",
                f"G{i}-x_y'!", f"G{i}-x_y!", f"_G{i}-x_y", f"G{i}-x_y", f"G{i}x"]
    if t == "netbios":
        return [f"N{i})hostname", f"N{i}(x)", f"_N{i}-a", f"-N{i}_a", f"N{i}-a_b", f"n{i}x"]
    if t == "list[netbios]":
        return [[f"N{i})hostname", f"n{i}(B)"], [f"_N{i}-a", f"n{i}_B-2"], [f"-N{i}a", f"N{i}_b"], [f"N{i}-a", f"N{i}_b"], [f"n{i}a", f"n{i}b"]]
    if t == "winpath":
        return [f"C:\\Program Files (x86)\\P{i} it's a=b,c;d!\\日本語", f"C:\\Program Files (x86)\\P{i} it's a=b,c;d!",
                f"C:\\Program Files\\P{i} it's a=b,c;d!", f"C:\\Program Files\\P{i} it's!", f"C:\\P{i} it's",
                f"C:\\P {i}", f"C:\\P{i}_x"]
    if t == "dirname":
        return [f"D{i} it's a=b,c;d!(x)日本", f"D{i} it's a=b,c;d!", f"D{i} it's", f"D{i} x", f"D{i}_x"]
    raise KeyError(t)


@dataclass
class Plan:
    product: str
    sentinel: dict[str, Any]          # whole parameter set, sentinels in
    hostile: dict[str, Any]           # whole parameter set, hostile values in
    mapping: list[tuple[str, str]]    # (sentinel text, hostile text), longest first
    varied: dict[str, tuple[Any, Any]]  # param -> (sentinel, hostile)
    notes: list[str]


def _accepts(pid: str, given: dict[str, Any]) -> str | None:
    from ppguide.errors import PpguideError
    from ppguide.evaluate import evaluate
    try:
        evaluate(pid, given)
        return None
    except PpguideError as exc:
        return exc.en
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


@cache
def plan(pid: str) -> Plan:
    base = base_params(pid)
    # every text-like parameter, given or not (virtual_host_name '' would leave out the HOSTS steps)
    ds = [d for d in decls(pid) if d.type in VARIED]
    notes: list[str] = []
    sent = dict(base)
    chosen: dict[str, tuple[Any, Any]] = {}
    for i, d in enumerate(ds):
        s = sentinel(d.type, i)
        why = _accepts(pid, dict(sent, **{d.name: s}))
        if why:
            notes.append(f"{d.name}: sentinel {s!r} refused ({why.splitlines()[-1][:150]}); left at the example value")
            continue
        sent[d.name] = s
        chosen[d.name] = (s, None)
    hostile = dict(sent)
    for i, d in enumerate(ds):
        if d.name not in chosen:
            continue
        for cand in candidates(d.type, i):
            if _accepts(pid, dict(sent, **{d.name: cand})) is None:
                chosen[d.name] = (chosen[d.name][0], cand)
                hostile[d.name] = cand
                break
        else:
            notes.append(f"{d.name}: no hostile candidate accepted; kept the sentinel")
            chosen[d.name] = (chosen[d.name][0], chosen[d.name][0])
    why = _accepts(pid, hostile)
    if why:   # values valid one by one but not together: fall back one parameter at a time
        for name in list(chosen):
            hostile[name] = chosen[name][0]
            chosen[name] = (chosen[name][0], chosen[name][0])
            notes.append(f"{name}: hostile value dropped (together with the others: {why.splitlines()[-1][:150]})")
            why = _accepts(pid, hostile)
            if not why:
                break
    mapping: list[tuple[str, str]] = []
    for name, (s, h) in chosen.items():
        if isinstance(s, list):
            mapping += [(a, b) for a, b in zip(s, h)]
        else:
            mapping.append((s, h))
    mapping.sort(key=lambda m: -len(m[0]))
    return Plan(pid, sent, hostile, mapping, chosen, notes)


def substitute(arg: str, mapping: list[tuple[str, str]]) -> str:
    for s, h in mapping:
        arg = arg.replace(s, h)
    return arg
