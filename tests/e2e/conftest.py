"""Browser end-to-end fixtures: a fresh build of the site, a local server, one headless Chromium.

The site is built once per session with `build.py --out <tmp>` (a temporary directory, so a test run
never deletes the dist/ another process may be serving) and served by build.py's own request handler,
so MIME types (.wasm, .mjs) are exactly what `python3 build.py serve` sends.
"""
from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from sitebuild.server import make_handler  # noqa: E402  (build.py's package, tools/sitebuild/)
from pagehelpers import DESKTOP, PageRecorder  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build_site(out: Path) -> Path:
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(f"build.py --out {out} failed:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return out


class Server:
    """Serves a directory on 127.0.0.1 with build.py's handler, in a daemon thread."""

    def __init__(self, directory: Path):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(directory, False))
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = self.origin + "/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("e2e") / "dist")


@pytest.fixture(scope="session")
def server(site):
    srv = Server(site)
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install it (Debian: apt-get install chromium) "
                    "or set CHROMIUM=/path/to/chromium", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the `playwright` Python package is missing: pip install -r tests/requirements.txt",
                    pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def recorder(browser):
    rec = PageRecorder(browser.new_context(viewport=DESKTOP))
    yield rec
    rec.close()
