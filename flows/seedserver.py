"""A small real HTTP server for the bundled seed site, on 127.0.0.1 and a free port.

Used by `newsmon demo` and by the tests. It answers conditional GETs like a news site's
CDN does (ETag and Last-Modified, 304 when unchanged), so re-polls can be observed.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

SEED_SITE = Path(__file__).resolve().parent.parent / "seeds" / "site"
_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_FEED_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
}


class _SiteHandler(http.server.BaseHTTPRequestHandler):
    root: Path = SEED_SITE
    server_version = "seedsite/1"

    def do_GET(self) -> None:
        path = self._file()
        if path is None:
            self.send_error(404)
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", etag, modified, path)
            return
        self._send(200, body, etag, modified, path)

    def _file(self) -> Path | None:
        relative = unquote(urlsplit(self.path).path).lstrip("/") or "index.html"
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root.resolve()) or not candidate.is_file():
            return None
        return candidate

    def _send(self, status: int, body: bytes, etag: str, modified: str, path: Path) -> None:
        self.send_response(status)
        content_type = _FEED_TYPES.get(path.name) or _TYPES.get(path.suffix)
        self.send_header(
            "Content-Type",
            content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        )
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("seed site: " + format, *args)


@contextmanager
def serve_site(root: Path = SEED_SITE, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `root` on a free port for the length of the block; yields the base URL."""
    handler = type("Handler", (_SiteHandler,), {"root": root})
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="seed-site", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
