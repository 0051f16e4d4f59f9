"""mkdocs hooks of the procedure site (mkdocs.yml: `hooks:`).

A product's bundle is published as it was written: every file under products/<id>/bundle/ is copied
byte for byte, Markdown included (checklist.md is a download, not a page of the site). The executed
notebook products/<id>/<id>.ipynb is rendered by mkdocs-jupyter as a page of its own, reached from the
product page only: it is kept out of the navigation and out of the search index, which hold the procedure.
mkdocs loads this file by path, so it imports nothing from ppguide.
"""
from __future__ import annotations

import fnmatch

from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

BUNDLE_FILES = "products/*/bundle/*"
NOTEBOOK_PAGES = "products/*/*.ipynb"


class BundleFile(File):
    """A file of a bundle: never a page, always copied as is."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False


def on_files(files: Files, config) -> Files:
    out = []
    for f in files:
        if fnmatch.fnmatch(f.src_uri, BUNDLE_FILES) and (f.is_documentation_page() or f.src_uri.endswith(".py")):
            f = BundleFile(f.src_uri, f.src_dir, f.dest_dir, f.use_directory_urls, dest_uri=f.src_uri,
                           inclusion=f.inclusion)
        out.append(f)
    return Files(out)


def _notebook_page(page) -> bool:
    return fnmatch.fnmatch(page.file.src_uri, NOTEBOOK_PAGES)


def on_nav(nav: Navigation, config, files: Files) -> Navigation:
    def keep(item) -> bool:
        return not (isinstance(item, Page) and _notebook_page(item))

    def prune(items: list) -> list:
        kept = [i for i in items if keep(i)]
        for i in kept:
            if isinstance(i, Section):
                i.children = prune(i.children)
        return [i for i in kept if not (isinstance(i, Section) and not i.children)]

    nav.items = prune(nav.items)
    nav.pages = [p for p in nav.pages if not _notebook_page(p)]
    for before, page, after in zip([None, *nav.pages], nav.pages, [*nav.pages[1:], None]):
        page.previous_page, page.next_page = before, after          # "previous/next" skip the notebook pages
    return nav


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    if _notebook_page(page):
        page.meta["search"] = {"exclude": True}      # mkdocs-material's search plugin leaves the page out
    return markdown
