"""The HTTP server of a build: dist/ with the right MIME types (.wasm, .mjs) and Cache-Control: no-cache.

`python3 build.py serve` runs it in the foreground (serve()); tests and benchmarks start the same server
on a free port in a thread (Server(directory).start()) or subclass its handler (make_handler).
"""

from __future__ import annotations

import http.server
import socket
import threading
from pathlib import Path

from .base import ROOT, BuildError, log

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".wasm": "application/wasm",
    ".mjs": "text/javascript; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".map": "application/json",
}


def make_handler(directory: Path, verbose: bool):
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def end_headers(self):
            # revalidate every time (If-Modified-Since gives a cheap 304), so reloads see rebuilds
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def log_request(self, code="-", size="-"):
            if verbose:
                super().log_request(code, size)

    return Handler


class Server(http.server.ThreadingHTTPServer):
    """make_handler(directory) on host:port (0: a free port; an address with ':' is IPv6); .url is its address.
    tracebacks=False drops the traceback of a connection the client broke (a page closed mid-download)."""

    daemon_threads = True

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                 tracebacks: bool = True) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.tracebacks = tracebacks
        try:
            super().__init__((host, port), make_handler(directory, verbose))
        except OSError as e:
            raise BuildError(f"cannot listen on {host}:{port}: {e}") from e
        url_host = f"[{host}]" if ":" in host else host
        self.url = f"http://{url_host}:{self.server_address[1]}/"

    def handle_error(self, request, client_address):
        if self.tracebacks:
            super().handle_error(request, client_address)

    def start(self) -> Server:
        """Serve in a daemon thread; -> self (close() stops it)."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.shutdown()
        self.server_close()


def serve(out: Path, host: str, port: int, verbose: bool) -> None:
    """Serve `out` until Ctrl-C (`python3 build.py serve`)."""
    if not out.is_dir():
        raise BuildError(f"{out} does not exist; run `python3 build.py` first (or drop --no-build)")
    httpd = Server(out, host, port, verbose)
    shown = out.name + "/" if out.parent == ROOT else str(out)
    log(f"Serving {shown} at {httpd.url}  (Ctrl-C to stop)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        log("stopped")
    finally:
        httpd.server_close()
