"""The published site: `build_docs` + `mkdocs build --strict`, served locally and opened in headless Chromium.

The build runs once for the module into a temporary folder (the repository's docs/ is not touched):
the hand-written pages are copied, the generated ones made by `ppguide.site.build_docs`, and the site
built with the repository's mkdocs.yml pointed at the temporary folders. The site is built for, and
served under, a sub-path (SUBPATH), as on an intranet server that hosts other sites too; a missing
address answers 404 with the site's 404.html, as static hosts do.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml

from ppguide.knowledge import ROOT, load, product_ids
from ppguide.site import GENERATED, build_docs, example_parameters, execute_product
from ppguide.site_serve import make_server

SUBPATH = "/ppguide"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
START_LINE = "ARMLOAD.EXE id_Base /S /M /WAIT 0 Nvbase"


def _missing(what: str):
    """No browser: skip on a workstation, fail in CI where the site test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (CI=true: the site test must run)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(docs_dir, site_dir) of a complete build."""
    tmp = tmp_path_factory.mktemp("site")
    docs, site = tmp / "docs", tmp / "site"
    shutil.copytree(ROOT / "docs", docs, ignore=lambda d, names: [n for n in names
                                                                   if Path(d) == ROOT / "docs" and n in (*GENERATED, "bundles")])
    build_docs(docs)
    mkdocs_build(docs, site, f"http://127.0.0.1{SUBPATH}/")
    return docs, site


def mkdocs_build(docs: Path, site: Path, site_url: str) -> None:
    """`mkdocs build --strict` with the repository's mkdocs.yml (hooks included) on another docs and site folder."""
    from mkdocs.utils.yaml import yaml_load
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as f:
        config = yaml_load(f)                     # resolves !ENV
    config.update(docs_dir=str(docs), site_dir=str(site), site_url=site_url,
                  hooks=[str(ROOT / h) for h in config.get("hooks", [])])
    file = docs.parent / "mkdocs.yml"
    file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(file)],
                            cwd=docs.parent, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def base_url(built):
    _, site = built
    with serving(site, SUBPATH) as url:
        yield url


@contextlib.contextmanager
def serving(site: Path, path: str = "/"):
    """The built site served as `make serve` serves it (any free port), for the duration of the block: its URL."""
    server = make_server(site, port=0, path=path, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path.rstrip('/')}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium():
    """Debian's chromium driven by Playwright, for the duration of the block (skipped, or failed in CI, when
    either is missing)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package")
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} (Debian's chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    yield p
    context.close()


def test_product_page_shows_start_bat_and_serves_it(page, base_url, built):
    docs, _ = built
    page.goto(f"{base_url}/products/servermanager/")
    assert page.locator("pre", has_text=START_LINE).count() >= 1
    link = page.locator('a[download][href="bundle/start.bat"]')
    assert link.count() >= 1                       # in the file list, and at the checklist's script step
    response = page.request.get(link.first.evaluate("a => a.href"))
    assert response.status == 200
    bundle = docs / "products" / "servermanager" / "bundle"
    assert response.body() == (bundle / "start.bat").read_bytes()
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    sha = next(a["sha256"] for a in manifest["artifacts"] if a["path"] == "start.bat")
    assert hashlib.sha256(response.body()).hexdigest() == sha


def test_every_download_link_answers(page, base_url):
    """Each emitted file linked from each product page is published (checklist.md too, as a file)."""
    for pid in product_ids():
        page.goto(f"{base_url}/products/{pid}/")
        hrefs = page.locator("a[download]").evaluate_all("links => links.map(a => a.href)")
        assert hrefs, pid
        for href in hrefs + [f"{base_url}/products/{pid}/bundle/manifest.json"]:
            assert page.request.get(href).status == 200, href
    assert page.request.get(f"{base_url}/products/servermanager/bundle/checklist.md").text().startswith("# ")


def _search(page, base_url, query: str):
    page.goto(f"{base_url}/")
    page.locator("label.md-search__icon, .md-search__form").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=20_000)
    return results


def test_search_finds_a_service_name(page, base_url):
    results = _search(page, base_url, "Nvbase")
    assert results.count() >= 1
    assert "Nvbase" in page.locator(".md-search-result").inner_text()


def test_search_finds_a_japanese_term(page, base_url):
    results = _search(page, base_url, "切替パーティション")
    assert results.count() >= 1


def test_errata_page_lists_net_yse(page, base_url):
    page.goto(f"{base_url}/errata/")
    row = page.locator("tr", has_text="net-yse")
    assert row.count() == 1
    cells = row.inner_text()
    assert "/Yse" in cells and "L1011" in cells and "/Yes" in cells


@pytest.mark.parametrize("pid", product_ids())
def test_reference_page_exists(pid, base_url):
    with urllib.request.urlopen(f"{base_url}/reference/{pid}/") as r:
        body = r.read().decode("utf-8")
    assert r.status == 200
    assert "Parameters / パラメータ" in body and "Guide errata / ガイドの誤り" in body


def test_rebuilding_a_page_gives_the_same_notebook(built):
    """papermill's timestamps and durations are stripped: the same facts give the same file."""
    docs, _ = built
    page_file = docs / "products" / "servermanager" / "servermanager.ipynb"
    before = page_file.read_bytes()
    execute_product("servermanager", example_parameters(["servermanager"])["servermanager"], docs)
    assert page_file.read_bytes() == before


# --------------------------------------------------------------------------------------------
# what a reader sees on the day of the install
# --------------------------------------------------------------------------------------------

# Notebook plumbing and build-machine paths that must never reach a product page.
PLUMBING = ("from ppguide import", "ppg.", "set(globals())", "output_dir", "download_base", "injected-parameters",
            "papermill", "/tmp/", "/work/", str(ROOT))


def _manifest(docs, pid):
    return json.loads((docs / "products" / pid / "bundle" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("pid", product_ids())
def test_product_page_leads_with_the_procedure(pid, page, base_url, built):
    """Title, the example cluster's facts, then the checklist: one row and one tick box a step; no code cells,
    no notebook plumbing, no path of the build machine (the page's HTML, hidden parts included)."""
    docs, _ = built
    page.goto(f"{base_url}/products/{pid}/")
    body = page.content()
    for bad in PLUMBING:
        assert bad not in body, (pid, bad)
    assert page.locator(".jp-Cell, .jupyter-wrapper, .jp-InputArea").count() == 0
    headings = [h.replace("¶", "").strip() for h in page.locator("article h2").all_inner_texts()]
    assert headings[:2] == ["The example cluster / 例のクラスタ", "Procedure / 手順"], headings
    assert page.locator("h1").inner_text().startswith(load(pid).title)
    facts = page.locator('table[data-ppg="facts"]').inner_text()
    for name in example_parameters([pid])[pid]:
        assert name in facts, name
    steps = _manifest(docs, pid)["steps"]
    rows = page.locator('table[data-ppg="checklist"] > tbody > tr')
    assert rows.count() == len(steps)
    assert page.locator('table[data-ppg="checklist"] input[type="checkbox"]').count() == len(steps)
    for i, step in enumerate(steps):
        assert rows.nth(i).locator("td").nth(1).inner_text() == str(step["n"])
    # computed values are tables of values, never Python reprs
    values = page.locator('table[data-ppg="values"]')
    if _manifest(docs, pid)["values"]:
        assert "{'" not in values.inner_text() and "[{" not in values.inner_text()


def test_ups_values_are_tables_and_the_timeline_a_picture(page, base_url, built):
    """ac-snmp: the battery verdicts are a table with a row per UPS (four UPSs in data/example-cluster.yaml),
    the budget a nested table; the timeline is shown as the bundle's PNG."""
    docs, _ = built
    page.goto(f"{base_url}/products/ac-snmp/")
    values = page.locator('table[data-ppg="values"]')
    batteries = values.locator("tr", has=page.locator("code", has_text="batteries")).first
    verdicts = batteries.locator("table").first
    assert verdicts.locator("th").all_inner_texts()[:3] == ["ups", "runtime_s", "required_s"]
    assert verdicts.locator("tbody > tr").count() == 4
    assert "governing_case" in values.inner_text()
    img = page.locator('article img[src$="bundle/timeline.png"]')
    assert img.count() == 1
    assert img.evaluate("i => i.complete && i.naturalWidth > 0")


def test_checklist_ticks_stay_and_link_their_files(page, base_url):
    page.goto(f"{base_url}/products/servermanager/")
    table = page.locator('table[data-ppg="checklist"]')
    box = table.locator('input[type="checkbox"]').nth(2)
    box.check()
    page.reload()
    assert table.locator('input[type="checkbox"]').nth(2).is_checked()
    assert not table.locator('input[type="checkbox"]').nth(0).is_checked()
    hrefs = table.locator("a[download]").evaluate_all("links => links.map(a => a.href)")
    assert any(h.endswith("/bundle/start.bat") for h in hrefs)
    for h in hrefs:
        assert page.request.get(h).status == 200, h


def test_print_shows_the_checklist_without_navigation(page, base_url):
    page.goto(f"{base_url}/products/servermanager/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    rows = page.locator('table[data-ppg="checklist"] > tbody > tr')
    assert rows.first.is_visible()
    assert rows.first.evaluate("r => getComputedStyle(r).breakInside") == "avoid"
    pdf = page.pdf()                                   # prints without error
    assert pdf.startswith(b"%PDF")


def test_search_finds_script_lines_and_procedure_text_on_product_pages(page, base_url):
    """A script token (Nvbase, servermanager.yaml L851 area) and a step's words (AniCurrent, from the registry
    step) lead to the product page; no result shows notebook code."""
    for query in ("Nvbase", "AniCurrent"):
        results = _search(page, base_url, query)
        hrefs = results.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert any("/products/servermanager/" in h for h in hrefs), (query, hrefs)
        text_ = page.locator(".md-search-result").inner_text()
        assert "ppg." not in text_ and "import" not in text_


@pytest.mark.parametrize("pid", product_ids())
def test_zip_holds_what_ppguide_run_writes(pid, page, base_url, tmp_path):
    """The page's zip holds the bundle `ppguide run` writes for the same facts, byte for byte, manifest included."""
    import io
    import zipfile

    from typer.testing import CliRunner

    from ppguide import cli

    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump(example_parameters([pid])[pid], allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["run", pid, "-f", str(facts), "-o", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    expected = {str(p.relative_to(tmp_path / "run")): p.read_bytes()
                for p in sorted((tmp_path / "run").rglob("*")) if p.is_file()}
    page.goto(f"{base_url}/products/{pid}/")
    link = page.locator(f'a[download="{pid}-bundle.zip"]')
    assert link.count() == 1
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        got = {n: zf.read(n) for n in zf.namelist()}
    assert got == expected
    assert "checklist.md" in got and "manifest.json" in got
    notebook = page.locator(f'a[download="{pid}.ipynb"]')
    raw = page.request.get(notebook.evaluate("a => a.href")).body()
    nb = json.loads(raw)
    assert any("parameters" in c["metadata"].get("tags", []) for c in nb["cells"])    # papermill can run it again
    assert str(ROOT).encode() not in raw and b"/tmp/" not in raw                        # no path of the build machine


def test_navigation_titles_are_short_and_distinct(page, base_url):
    page.goto(f"{base_url}/products/")
    nav = page.locator(".md-nav--primary")
    titles = {pid: load(pid).nav_title for pid in product_ids()}
    assert len(set(titles.values())) == len(titles)
    links = nav.locator("a").evaluate_all("ls => ls.map(a => [a.href, a.textContent.trim()])")
    for pid, title in titles.items():
        assert len(title) <= 32, title
        assert [t for h, t in links if h == f"{base_url}/products/{pid}/"] == [title], pid
        assert [t for h, t in links if h == f"{base_url}/reference/{pid}/"] == [title], pid
    assert "AC + SNMP/AMC (§1.7)" in titles.values()


def test_404_page_works_under_a_sub_path(page, base_url):
    response = page.goto(f"{base_url}/products/no-such-product/deeper/")
    assert response.status == 404
    assert page.locator("h1").inner_text().strip() == "404 - Not found"
    for href in page.locator('link[rel="stylesheet"]').evaluate_all("ls => ls.map(l => l.href)"):
        assert href.startswith(base_url + "/") and page.request.get(href).status == 200, href
    assert page.locator(".md-header").evaluate("h => getComputedStyle(h).position") == "sticky"   # the theme's CSS
    home = page.locator("a.md-header__button.md-logo").evaluate("a => a.href")
    assert home.rstrip("/") == base_url
    assert page.request.get(home).status == 200


def test_text_font_stack_covers_windows_and_linux_cjk(page, base_url):
    page.goto(f"{base_url}/")
    family = page.locator("body").evaluate("b => getComputedStyle(b).fontFamily")
    for font in ("Meiryo", "Yu Gothic", "Noto Sans CJK JP", "IPAexGothic"):
        assert font in family, family


def test_the_zip_is_the_same_bytes_when_made_again(built, tmp_path):
    from ppguide.site import bundle_zip
    docs, _ = built
    folder = docs / "products" / "servermanager"
    again = bundle_zip(folder / "bundle", tmp_path / "again.zip")
    assert again.read_bytes() == (folder / "servermanager-bundle.zip").read_bytes()


def test_executed_notebook_is_a_page_of_its_own_outside_navigation_and_search(page, base_url, built):
    """mkdocs-jupyter renders products/<id>/<id>.ipynb (allow_errors: false); the product page links to it, while the
    navigation and the search index hold the procedure pages only."""
    _, site = built
    page.goto(f"{base_url}/products/servermanager/")
    page.locator("a", has_text="The notebook as a page").first.click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/products/servermanager/servermanager")
    assert page.locator(".jp-Cell, .jupyter-wrapper").count() > 0          # rendered as Jupyter shows it
    assert page.locator(".md-nav--primary a[href*='servermanager/servermanager']").count() == 0
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    located = {d["location"].split("#")[0] for d in index["docs"]}
    assert "products/servermanager/" in located
    assert not [loc for loc in located if loc.startswith("products/servermanager/servermanager")]
