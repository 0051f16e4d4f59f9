"""The published site: `build_docs` + `mkdocs build --strict`, served locally and opened in headless Chromium.

The build runs once for the module into a temporary folder (the repository's docs/ is not touched):
the hand-written pages are copied, the generated ones made by `ppguide.site.build_docs`, and the site
built with the repository's mkdocs.yml pointed at the temporary folders.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from ppguide.knowledge import ROOT, product_ids
from ppguide.site import GENERATED, build_docs, example_parameters, execute_product

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
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(docs), site_dir=str(site),
                  hooks=[str(ROOT / h) for h in config.get("hooks", [])])
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp / "mkdocs.yml")],
                            cwd=tmp, capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    return docs, site


@pytest.fixture(scope="module")
def base_url(built):
    _, site = built
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package")
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} (Debian's chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


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
    assert link.count() == 1
    response = page.request.get(link.evaluate("a => a.href"))
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
    page_file = docs / "products" / "servermanager.ipynb"
    before = page_file.read_bytes()
    execute_product("servermanager", example_parameters(["servermanager"])["servermanager"], docs)
    assert page_file.read_bytes() == before
