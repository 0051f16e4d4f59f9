"""Serve the built site locally, as a static web server would: `python -m ppguide.site_serve` (see `make serve`).

    python -m ppguide.site_serve [SITE_DIR] [--port 8000] [--path /sub/path/]

Files are served from SITE_DIR (default build/site) under --path (default /, the path of the site_url the site
was built for); any other address, or a missing file, is answered 404 with the site's own 404.html, the way
intranet servers and GitHub Pages do, so the 404 page can be checked before publishing.
"""
from __future__ import annotations

import argparse
import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteHandler(SimpleHTTPRequestHandler):
    """A static site under `prefix` ("" or "/sub/path", no trailing slash); 404.html for what is not there."""

    prefix = ""

    def log_message(self, format: str, *args) -> None:   # noqa: A002 - the name http.server uses
        if self.server_quiet:
            return
        super().log_message(format, *args)

    @property
    def server_quiet(self) -> bool:
        return getattr(self.server, "quiet", False)

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        if self.prefix and path != self.prefix and not path.startswith(self.prefix + "/"):
            return str(Path(self.directory) / ".no such file")
        return super().translate_path(path[len(self.prefix):] or "/")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(site_dir: str | Path, port: int = 8000, path: str = "/", host: str = "127.0.0.1",
                quiet: bool = False) -> ThreadingHTTPServer:
    """A server for `site_dir` under `path` (port 0: any free port); call serve_forever() on it."""
    prefix = "/" + path.strip("/") if path.strip("/") else ""
    handler = functools.partial(type("Handler", (SiteHandler,), {"prefix": prefix}), directory=str(site_dir))
    server = ThreadingHTTPServer((host, port), handler)
    server.quiet = quiet            # type: ignore[attr-defined]
    return server


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ppguide.site_serve", description=__doc__.split("\n")[0])
    ap.add_argument("site_dir", nargs="?", default="build/site", help="the built site (default build/site)")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--path", default="/", help="path the site lives under, as in its site_url (default /)")
    args = ap.parse_args(argv)
    if not (Path(args.site_dir) / "index.html").is_file():
        print(f"{args.site_dir}/index.html is missing: build the site first (make site)\n"
              f"{args.site_dir}/index.html がありません。先にサイトをビルドしてください (make site)", file=sys.stderr)
        return 2
    server = make_server(args.site_dir, args.port, args.path)
    prefix = "/" + args.path.strip("/") + "/" if args.path.strip("/") else "/"
    print(f"ppguide site: http://127.0.0.1:{server.server_address[1]}{prefix}  (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
