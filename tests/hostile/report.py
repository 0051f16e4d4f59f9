"""The figures issue 7 asks for, from one run of the hostile-input corpus.

    PYTHONPATH=lib python tests/hostile/report.py [--wine] [--classes] [pytest args...]

Runs tests/test_hostile_inputs.py and tests/test_hostile_files.py (and tests/test_injection_wine.py
with --wine) in-process and prints: cases tried, refused cleanly, accepted, tracebacks, hangs,
files lost, injections, the other failures by kind, the cases per parameter type, and with
--classes the failing case classes with one example each. Each test records its outcome
("status") with pytest's record_property; a failing test without one is read from the first word
of its assertion message.
"""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REFUSED = {"refused", "refused-by-guide-rule"}
HEADLINE = [("traceback", "tracebacks"), ("hang", "hangs"), ("file-lost", "files lost"), ("injection", "injections")]


class Collector:
    def __init__(self):
        self.items: list[dict] = []

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and (report.failed or report.skipped)):
            props = dict(report.user_properties)
            status = props.get("status")
            text = ""
            if report.failed:
                text = str(report.longrepr.reprcrash.message if hasattr(report.longrepr, "reprcrash")
                           and report.longrepr.reprcrash else report.longrepr)
                if not status or status in ("accepted", "refused"):
                    m = re.match(r"(?:AssertionError: |Failed: )?([a-z][a-z-]+):", text)
                    status = m.group(1) if m else "failed"
            self.items.append({"id": report.nodeid, "outcome": report.outcome, "status": status or report.outcome,
                               "category": props.get("category"), "text": text})


def klass(item: dict) -> str:
    """A failing case's class: the test function, the parameter type and the case label without the product."""
    node = item["id"].split("::", 1)[-1]
    func, _, param = node.partition("[")
    param = param.rstrip("]")
    if func == "test_parameter_value":
        label = param.split(":")[-1]
        label = re.sub(r"^(entry-|[a-z_]+-)?char-.*", lambda m: (m.group(1) or "") + "char-*", label)
        return f"{func}[{item['category']}:{label}]"
    if func in ("test_cli_run_refuses_cleanly", "test_cli_compose_refuses_cleanly"):
        return f"{func}[{item['category'] or ''}]"
    if func == "test_each_value_arrives_as_one_argument_unchanged":
        return f"{func}[{param.split(':')[0]}]"
    return func


def main(argv: list[str]) -> int:
    wine = "--wine" in argv
    classes = "--classes" in argv
    extra = [a for a in argv if a not in ("--wine", "--classes")]
    files = [str(TESTS / "test_hostile_inputs.py"), str(TESTS / "test_hostile_files.py")]
    if wine:
        files.append(str(TESTS / "test_injection_wine.py"))
    col = Collector()
    pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", "-rN", "--tb=no", *files, *extra], plugins=[col])
    ran = [i for i in col.items if i["outcome"] != "skipped"]
    statuses = Counter(i["status"] for i in ran)
    failed = [i for i in ran if i["outcome"] == "failed"]
    print("\n== issue 7: hostile-input corpus ==")
    print(f"cases tried:      {len(ran)}  (skipped: {len(col.items) - len(ran)})")
    print(f"refused cleanly:  {sum(1 for i in ran if i['outcome'] == 'passed' and i['status'] in REFUSED)}")
    print(f"accepted:         {sum(1 for i in ran if i['outcome'] == 'passed' and i['status'] not in REFUSED)}")
    for key, label in HEADLINE:
        print(f"{label + ':':<17} {statuses.get(key, 0)}")
    other = Counter(i["status"] for i in failed if i["status"] not in dict(HEADLINE))
    print(f"other failures:   {sum(other.values())}  " + ", ".join(f"{k} {n}" for k, n in other.most_common()))
    per_type = defaultdict(Counter)
    for i in ran:
        if i["category"]:
            per_type[i["category"]][i["outcome"]] += 1
    print("\ncases per parameter type (library and CLI): " + ", ".join(
        f"{t} {sum(c.values())} ({c.get('failed', 0)} failing)" for t, c in sorted(per_type.items())))
    per_test = Counter(i["id"].split("::", 1)[-1].split("[")[0] for i in ran)
    print("cases per test: " + ", ".join(f"{k} {n}" for k, n in per_test.most_common()))
    if classes:
        groups: dict[str, list[dict]] = defaultdict(list)
        for i in failed:
            groups[(klass(i), i["status"])].append(i)
        print(f"\nfailing classes ({len(groups)}):")
        for (k, status), items in sorted(groups.items(), key=lambda g: -len(g[1])):
            ex = items[0]
            print(f"- {len(items):4d}  {status:<15} {k}\n        e.g. {ex['id'].split('::', 1)[-1]}\n"
                  f"        {ex['text'].strip().splitlines()[0][:300] if ex['text'].strip() else ''}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.path.insert(0, str(TESTS))
    sys.exit(main(sys.argv[1:]))
