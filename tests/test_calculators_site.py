"""The calculators page in headless Chromium, checked against the Python engine.

The module builds a small site (the calculators page and a home page, with the repository's
mkdocs.yml, js/ and css/), serves it from a local static server and drives Debian's chromium with
Playwright. Every calculator is fed seeded random inputs and edge cases (masks /0, /31, /32,
prefix lengths, non-contiguous and host masks, bad numbers, empty optional fields); each answer the
page shows is compared with what the engine gives for the same text: `ppguide.evaluate.evaluate` of
the calculator's product on the guide's example facts with the typed values put in (values, the
warnings of the checks the calculator carries, the refusals naming its inputs), and
`ppguide.network` / `ppguide.ups_budget` directly. The JavaScript is never its own reference.
"""
from __future__ import annotations

import ipaddress
import json
import random
import re
import shutil

import pytest
from test_site import chromium, mkdocs_build, serving

from ppguide import functions, network, ups_budget
from ppguide.errors import ParameterError
from ppguide.evaluate import evaluate
from ppguide.examples import guide_example
from ppguide.knowledge import ROOT, load
from ppguide.site_calculators import CALCULATORS, calculators_page

SEED = 20261128
CASES = 60          # random inputs per calculator, besides the edge cases
CALC = {c.id: c for c in CALCULATORS}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(docs_dir, site_dir): the calculators page built with the repository's mkdocs.yml."""
    tmp = tmp_path_factory.mktemp("calculators")
    docs, out = tmp / "docs", tmp / "site"
    for folder in ("js", "css"):
        shutil.copytree(ROOT / "docs" / folder, docs / folder)
    (docs / "index.md").write_text("# Home\n\n[Calculators](calculators.md)\n", encoding="utf-8")
    calculators_page(docs)
    mkdocs_build(docs, out, "http://127.0.0.1/")
    return docs, out


@pytest.fixture(scope="module")
def base_url(site):
    with serving(site[1]) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url):
    """The calculators page, opened once; every request it makes is recorded."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        p = context.new_page()
        p.requests = []
        p.on("request", lambda r: p.requests.append(r.url))
        p.goto(f"{base_url}/calculators/")
        p.wait_for_function("document.querySelectorAll('.ppguide-calc__out[data-state]').length === 4")
        yield p


@pytest.fixture(scope="module", autouse=True)
def no_pictures():
    """The engine's bundles draw timeline.png; the calculators do not show it, so skip the drawing here."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(functions, "drawn_timeline", lambda budget_json: b"")
        yield


# --------------------------------------------------------------------------------------------
# the page's answer and the engine's
# --------------------------------------------------------------------------------------------

TYPE_AND_READ = """([id, texts]) => {
  const box = document.querySelector(`.ppguide-calc[data-calculator="${id}"]`);
  const form = box.querySelector("form");
  const held = {};
  for (const [name, text] of Object.entries(texts)) {
    form.elements[name].value = text;
    held[name] = form.elements[name].value;      // what a text field keeps (it drops line breaks)
  }
  form.dispatchEvent(new Event("input", {bubbles: true}));
  const out = box.querySelector(".ppguide-calc__out");
  return {held, state: out.dataset.state, values: out.dataset.values, text: out.innerText,
          problems: [...out.querySelectorAll("li[data-parameter]")].map(li =>
            [li.dataset.parameter, li.dataset.expectedEn, li.dataset.expectedJa, li.innerText]),
          warnings: [...out.querySelectorAll("li[data-check]")].map(li => [li.dataset.check, li.innerText])};
}"""

def type_and_read(page, calc_id: str, texts: dict[str, str]) -> dict:
    got = page.evaluate(TYPE_AND_READ, [calc_id, texts])
    got["values"] = json.loads(got["values"])     # parsed here: Python keeps the page's 18-digit whole numbers exact
    return got


PLAIN = re.compile(r"[0-9A-Za-z./+\- ]*")     # text whose refusal the type's own message explains


def rules(site) -> dict:
    return json.loads((site[0] / "calculators" / "rules.json").read_text(encoding="utf-8"))


def facts(calc_id: str, texts: dict[str, str]) -> dict:
    """The guide example's facts of the calculator's product with the typed texts put in (an empty
    optional field is not given, as on the page); ac-snmp gets as many UPS entries as ups_count."""
    calc = CALC[calc_id]
    given = guide_example(calc.product)
    given.update({k: v for k, v in texts.items() if v != "" or k in ("public_ip", "subnet_mask")})
    if calc.product == "ac-snmp" and re.fullmatch(r" *\+?[0-9]{1,3} *", texts.get("ups_count", "")):
        n = int(texts["ups_count"])
        ups = [u for u in given["ups"] if n > 3 or u["role"] != "shared_disk"]
        ups += [{"name": f"UPS{i}", "address": f"172.16.1.{100 + i}", "role": "shared_disk", "feeds": "shared disk",
                 "battery_runtime_s": 900, "warmup_order": i - 3} for i in range(5, min(n, 60) + 1)]
        given["ups"] = ups
    return given


def engine_answer(site, calc_id: str, texts: dict[str, str]) -> dict:
    spec = rules(site)["calculators"][calc_id]
    inputs = set(CALC[calc_id].inputs)
    try:
        bundle = evaluate(CALC[calc_id].product, facts(calc_id, texts))
    except ParameterError as exc:
        problems = [p for p in exc.problems if set(p.parameter.split("+")) <= inputs]
        assert problems, f"the engine refused only facts the calculator does not take: {exc.en}"
        return {"state": "refused", "problems": problems}
    values = {v["name"]: bundle.values[v["name"]] for v in spec["values"]}
    if "lan" in values:     # network.broadcast's own warnings: the page shows the products' checks instead
        values["lan"] = {k: v for k, v in values["lan"].items() if k != "warnings"}
    ids = {c["id"] for c in spec["checks"]}
    return {"state": "ok", "values": values, "warnings": [w for w in bundle.warnings if w.id in ids]}


def assert_same(page, site, calc_id: str, texts: dict[str, str]) -> dict:
    got = type_and_read(page, calc_id, texts)
    texts = got["held"]
    want = engine_answer(site, calc_id, texts)
    where = f"{calc_id} {texts!r}"
    assert got["state"] == want["state"], f"{where}: page {got['state']} {got['problems']}, engine {want}"
    if want["state"] == "refused":
        assert sorted(p[0] for p in got["problems"]) == sorted(p.parameter for p in want["problems"]), where
        for p in want["problems"]:
            shown = next(g for g in got["problems"] if g[0] == p.parameter)
            if "+" in p.parameter or PLAIN.fullmatch(str(p.given)):
                assert shown[1:3] == [p.expected_en, p.expected_ja], where
                assert shown[3].splitlines() == [p.en(), p.ja()], where
        return got
    assert got["values"] == want["values"], where
    assert [w[0] for w in got["warnings"]] == [w.id for w in want["warnings"]], where
    for shown, w in zip(got["warnings"], want["warnings"]):
        assert shown[1].startswith(f"{w.en}\n{w.ja} "), where
    return got


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------

BAD_NUMBERS = ["", " ", "abc", "-5", "+0", "1e3", "60.0", "６０", " 120 ", "0x3c", "999999999999999999",
               "1234567890123456789", "120\n", "1 20"]


def _seconds(rng: random.Random, lo: int, hi: int) -> str:
    """Mostly a plain number in lo..hi; now and then a bad or odd text."""
    if rng.random() < 0.08:
        return rng.choice(BAD_NUMBERS)
    return str(rng.randint(lo, hi))


def _timeout(rng: random.Random) -> str:
    return str(rng.choice([60, 120, 120, 180, 300, 600])) if rng.random() < 0.8 else _seconds(rng, 1, 700)


def _optional(rng: random.Random, lo: int, hi: int) -> str:
    return "" if rng.random() < 0.4 else _seconds(rng, lo, hi)


def _address(rng: random.Random) -> str:
    return str(ipaddress.IPv4Address(rng.getrandbits(32)))


def broadcast_cases(rng: random.Random) -> list[dict[str, str]]:
    edge = [("172.16.134.12", "255.255.255.0"), ("10.1.2.3", "0.0.0.0"), ("10.1.2.3", "0"),
            ("192.168.1.6", "255.255.255.254"), ("192.168.1.7", "31"), ("192.168.1.7", "255.255.255.255"),
            ("192.168.1.7", "32"), ("192.168.1.0", "24"), ("192.168.1.255", "255.255.255.0"), ("192.168.1.9", "024"),
            ("0.0.0.0", "255.0.0.0"), ("255.255.255.255", "255.255.0.0"), ("10.0.0.1", "255.0.255.0"),
            ("10.0.0.1", "0.0.0.255"), ("10.0.0.1", "33"), ("10.0.0.1", "/24"), ("10.0.0.1", "255.255.255.0 "),
            ("256.1.1.1", "255.0.0.0"), ("1.2.3", "255.0.0.0"), ("01.2.3.4", "255.0.0.0"), (" 1.2.3.4", "8"),
            ("", "255.255.255.0"), ("10.0.0.1", ""), ("abc", "def"), ("１.２.３.４", "8"), ("1.2.3.4&", "8"),
            ("1.2.3.4", "255.255.255.0\t"), ("10.0.0.1/24", "24"), ("1.2.3.4.5", "255.255.0.0"), ("1.2.3.-4", "8")]
    cases = [{"public_ip": ip, "subnet_mask": mask} for ip, mask in edge]
    for _ in range(CASES):
        prefix = rng.randint(0, 32)
        mask = str(ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask)
        ip = _address(rng)
        net = ipaddress.IPv4Network(f"{ip}/{prefix}", strict=False)
        ip = rng.choice([ip, ip, ip, str(net.network_address), str(net.broadcast_address)])
        cases.append({"public_ip": ip, "subnet_mask": rng.choice([mask, mask, str(prefix)])})
    return cases


def snmp_cases(rng: random.Random) -> list[dict[str, str]]:
    guide = {"ups_count": "4", "disk_confirm_s": "30", "server_confirm_s": "60", "cluster_shutdown_timeout_s": "120",
             "power_off_delay_s": "300", "low_battery_runtime_s": "120", "control_confirm_s": "",
             "measured_cluster_shutdown_s": ""}
    cases = [guide, {**guide, "control_confirm_s": "226"}, {**guide, "control_confirm_s": "256"},
             {**guide, "disk_confirm_s": "60"}, {**guide, "cluster_shutdown_timeout_s": "150"},
             {**guide, "ups_count": "1"}, {**guide, "ups_count": "3"}, {**guide, "low_battery_runtime_s": "0"},
             {**guide, "measured_cluster_shutdown_s": "121"}, {**guide, "cluster_shutdown_timeout_s": ""},
             {**guide, "disk_confirm_s": "x", "server_confirm_s": "-1"}]
    for _ in range(CASES):
        cases.append({"ups_count": str(rng.randint(3, 12)), "disk_confirm_s": _seconds(rng, 1, 120),
                      "server_confirm_s": _seconds(rng, 1, 240), "cluster_shutdown_timeout_s": _timeout(rng),
                      "power_off_delay_s": _seconds(rng, 1, 900), "low_battery_runtime_s": _seconds(rng, 0, 600),
                      "control_confirm_s": _optional(rng, 1, 900), "measured_cluster_shutdown_s": _optional(rng, 1, 700)})
    return cases


def powerchute_cases(rng: random.Random) -> list[dict[str, str]]:
    default = {"server_confirm_s": "60", "cluster_shutdown_timeout_s": "120", "power_off_delay_s": "300",
               "measured_cluster_shutdown_s": ""}
    cases = [default, {**default, "power_off_delay_s": "301"}, {**default, "power_off_delay_s": "20"},
             {**default, "cluster_shutdown_timeout_s": "60"}, {**default, "server_confirm_s": "0"},
             {**default, "measured_cluster_shutdown_s": "999999999999999999"}]
    for _ in range(CASES):
        delay = str(rng.choice([20, 180, 300, 600])) if rng.random() < 0.7 else _seconds(rng, 1, 900)
        cases.append({"server_confirm_s": _seconds(rng, 0, 300), "cluster_shutdown_timeout_s": _timeout(rng),
                      "power_off_delay_s": delay, "measured_cluster_shutdown_s": _optional(rng, 1, 700)})
    return cases


def pcbe_cases(rng: random.Random) -> list[dict[str, str]]:
    default = {"server_confirm_s": "60", "cluster_shutdown_timeout_s": "120", "command_file_duration_s": "120",
               "registered_job_s": "", "power_off_delay_s": "300", "measured_os_shutdown_s": "",
               "measured_cluster_shutdown_s": ""}
    cases = [default, {**default, "registered_job_s": "30"}, {**default, "command_file_duration_s": "150",
                                                                "registered_job_s": "30"},
             {**default, "command_file_duration_s": "60"}, {**default, "measured_os_shutdown_s": "300"},
             {**default, "measured_os_shutdown_s": "200"}, {**default, "command_file_duration_s": "0"}]
    for _ in range(CASES):
        timeout = _timeout(rng)
        base = int(timeout) if timeout.isdigit() else 120
        cases.append({"server_confirm_s": _seconds(rng, 0, 300), "cluster_shutdown_timeout_s": timeout,
                      "command_file_duration_s": _seconds(rng, max(1, base - 60), base + 240),
                      "registered_job_s": _optional(rng, 1, 200), "power_off_delay_s": _seconds(rng, 1, 900),
                      "measured_os_shutdown_s": _optional(rng, 1, 600),
                      "measured_cluster_shutdown_s": _optional(rng, 1, 700)})
    return cases


GENERATORS = {"broadcast": broadcast_cases, "snmp": snmp_cases, "powerchute-plus": powerchute_cases,
              "pcbe": pcbe_cases}


# --------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("calc_id", list(GENERATORS))
def test_calculator_agrees_with_the_engine(page, site, calc_id):
    rng = random.Random(f"{SEED}-{calc_id}")
    cases = GENERATORS[calc_id](rng)
    assert len(cases) >= 50
    states = [assert_same(page, site, calc_id, texts)["state"] for texts in cases]
    assert "ok" in states and "refused" in states      # both paths were exercised


def test_broadcast_working_is_the_guides(page):
    """L4366-4386: 172.16.134.12 AND 255.255.255.0, OR the inverted mask -> 172.16.134.255."""
    got = type_and_read(page, "broadcast", {"public_ip": "172.16.134.12", "subnet_mask": "255.255.255.0"})
    lan = got["values"]["lan"]
    assert got["values"]["broadcast_address"] == "172.16.134.255"                      # L4386
    assert [row[2] for row in lan["working"]] == ["10101100.00010000.10000110.00001100",  # L4372
                                                 "11111111.11111111.11111111.00000000",   # L4373
                                                 "10101100.00010000.10000110.00000000",   # L4375
                                                 "00000000.00000000.00000000.11111111",   # L4379
                                                 "10101100.00010000.10000110.11111111"]   # L4382
    assert "8 host bits" in got["text"]


@pytest.mark.parametrize("prefix", [0, 1, 8, 23, 30, 31, 32])
def test_broadcast_by_independent_arithmetic(page, prefix):
    """Network and broadcast as Python's ipaddress computes them, host bits = 32 - prefix."""
    ip = "203.0.113.77"
    net = ipaddress.IPv4Network(f"{ip}/{prefix}", strict=False)
    got = type_and_read(page, "broadcast", {"public_ip": ip, "subnet_mask": str(prefix)})
    assert got["values"]["lan"]["address"] == str(net.broadcast_address)
    assert got["values"]["lan"]["network"] == str(net.network_address)
    assert f"{32 - prefix} host bits" in got["text"]
    assert [w[0] for w in got["warnings"]] == (["no-usable-broadcast"] if prefix >= 31 else [])
    reference = network.broadcast(ip, str(net.netmask))
    assert got["values"]["lan"]["working"] == [list(r) for r in reference.working]


def test_snmp_worked_example(page):
    """§1.7.7 (5) 【動作例】: case A needs 226 s (L4933), case B 256 s (L4988); the longer governs (L4909);
    the cluster-server UPS stops by 764 s in case A (L4951, which the guide's own sum puts at 766: erratum case-a-764)."""
    guide = {"ups_count": "4", "disk_confirm_s": "30", "server_confirm_s": "60", "cluster_shutdown_timeout_s": "120",
             "power_off_delay_s": "300", "low_battery_runtime_s": "120", "control_confirm_s": "",
             "measured_cluster_shutdown_s": ""}
    got = type_and_read(page, "snmp", guide)
    budget = got["values"]["budget"]
    assert (budget["case_a_min_s"], budget["case_b_min_s"], budget["governing_case"]) == (226, 256, "B")
    assert got["values"]["control_confirm_min_s"] == 256
    a = {e["name_en"]: e["t_s"] for e in budget["timelines"][0]["events"]}
    assert a["OS shutdown complete"] == 526                       # L4947
    assert a["cluster-server UPS output stop"] == 526 + 120 + 120   # 300 s delay + 120 s low battery + ~2 min (L4941)
    reference = ups_budget.compute_budget(ups_count=4, disk_confirm_s=30, server_confirm_s=60,
                                          cluster_shutdown_timeout_s=120, power_off_delay_s=300, low_battery_runtime_s=120)
    assert budget["timelines"] == [t.to_dict() for t in reference.timelines]


def test_two_ups_budget_against_ups_budget(page):
    """ups_count 2 (the smallest the engine takes) cannot be put into the example's UPS list; compare the
    arithmetic with ppguide.ups_budget alone, the rule's numbers read from the product's cited constants."""
    c = load("ac-snmp").constants
    got = type_and_read(page, "snmp", {"ups_count": "2", "disk_confirm_s": "20", "server_confirm_s": "45",
                                       "cluster_shutdown_timeout_s": "180", "power_off_delay_s": "240",
                                       "low_battery_runtime_s": "60", "control_confirm_s": "",
                                       "measured_cluster_shutdown_s": ""})
    reference = ups_budget.compute_budget(
        ups_count=2, disk_confirm_s=20, server_confirm_s=45, cluster_shutdown_timeout_s=180, power_off_delay_s=240,
        low_battery_runtime_s=60, polling_s=functions.seconds(c["polling"]),
        os_instruction_s=functions.seconds(c["os_instruction"]), per_ups_cut_s=functions.seconds(c["per_ups_cut"]),
        case_a_extra_s=functions.seconds(c["case_a_extra"]))
    assert got["values"]["budget"] == reference.to_dict()


def test_typing_updates_the_answer(page):
    """Real key presses, not only programmatic values: the answer follows each keystroke."""
    box = page.locator('.ppguide-calc[data-calculator="pcbe"]')
    field = box.locator('input[name="registered_job_s"]')
    field.fill("")
    box.locator('input[name="command_file_duration_s"]').fill("120")
    field.press_sequentially("45")
    out = box.locator(".ppguide-calc__out")
    assert out.get_attribute("data-state") == "refused"
    assert "command_file_duration_s+registered_job_s" in out.inner_text() and "165" in out.inner_text()
    field.fill("")
    assert out.get_attribute("data-state") == "ok"


def test_the_page_stays_on_its_site(page, base_url):
    """No CDN, no network: every request the page made went to the static server that serves it."""
    assert page.requests and all(url.startswith(base_url) for url in page.requests), page.requests


def test_rules_json_carries_cited_constants(site):
    """The numbers the page computes with come from the knowledge, with the guide lines they stand on."""
    spec = rules(site)["calculators"]
    kwargs = next(v for v in spec["snmp"]["values"] if v["name"] == "budget")["expr"]["kwargs"]
    assert kwargs["polling_s"] == {"const": 8, "cite": [4875]}
    assert kwargs["os_instruction_s"] == {"const": 60, "cite": [4877]}
    assert kwargs["per_ups_cut_s"] == {"const": 2, "cite": [4878]}
    assert kwargs["case_a_extra_s"] == {"const": 120, "cite": [4941]}
    off_wait = next(c for c in spec["powerchute-plus"]["checks"] if c["id"] == "pcp-off-wait")
    assert off_wait["when"]["cmp"][1][0] == ["notin", {"const": [20, 180, 300, 600], "cite": [5108]}]
    assert {c["id"] for c in spec["pcbe"]["checks"]} >= {"command-file-covers-timeout", "command-file-covers-job",
                                                           "os-time-exceeds-measured", "timeout-whole-minutes"}
    js = (ROOT / "docs" / "js" / "calculators.js").read_text(encoding="utf-8")
    for number in ("4875", "4877", "4878", "4941", "180, 300", "120n"):
        assert number not in js


def test_prefilled_values_stand_on_their_guide_lines(site):
    """Each form opens on the guide's example; the value stands on the line the page names."""
    from ppguide.cited import stands_on
    guide = (ROOT.parent / "shared" / "seeds" / "000_68f8a06b3ca39699.txt")
    if not guide.is_file():
        pytest.skip("the guide text is not beside the repository")
    lines = guide.read_text(encoding="utf-8").split("\n")
    cited = [(i["name"], i["value"], i["cite"]) for c in rules(site)["calculators"].values()
             for i in c["inputs"] if i["cite"]]
    assert len(cited) >= 8
    for name, value, line in cited:
        assert stands_on(str(value), lines[line - 1]), (name, value, line)
