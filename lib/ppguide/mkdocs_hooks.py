"""mkdocs hooks of the procedure site (mkdocs.yml: `hooks:`).

A product's bundle is published as it was written: every file under products/<id>/bundle/ is copied
byte for byte, Markdown included (checklist.md is a download, not a page of the site).
mkdocs loads this file by path, so it imports nothing from ppguide.
"""
from __future__ import annotations

import fnmatch

from mkdocs.structure.files import File, Files

BUNDLE_FILES = "products/*/bundle/*"


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
