"""WebKitGTK's console says nothing about the page's Content-Security-Policy.

WebKit reports a directive it does not know ("Unrecognized Content-Security-Policy directive
'manifest-src'") as a console security error on every load. Its WebDriver session is private, and a
private page writes no console messages anywhere, so this test runs MiniBrowser itself (not private, on
an Xvfb display, with a fresh home directory) with `--enable-write-console-messages-to-stdout=true` and
reads its output. The page has loaded, started its worker and asked for the model's package once the
server has sent py/painting.zip; then the browser is closed and everything it wrote is read. A control
page with the old policy shows the message is seen.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from . import drivers
from .conftest import build

pytestmark = pytest.mark.cpython_only
READY_S = 240  # WebKitGTK compiles Pyodide's wasm slowly on a busy machine: a limit, not a speed check

OLD_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
              "img-src 'self'; style-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'none'")
CONTROL_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{OLD_POLICY}">
<title>control</title></head><body><img src="favicon.svg" alt="seen"></body></html>"""


class LoggingServer:
    """build.py's handler on 127.0.0.1, remembering every path asked for."""

    def __init__(self, directory: Path):
        import http.server
        paths = self.paths = []

        class Handler(build.make_handler(directory, False)):
            def log_request(self, code="-", size="-"):
                paths.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def webkit_console(url: str, server: LoggingServer, until_path: str, home: Path) -> str:
    """Everything MiniBrowser writes while it loads `url`, until the server has sent `until_path`."""
    problem = drivers.missing("webkit")
    if problem:
        pytest.fail(problem, pytrace=False)
    xvfb, display = drivers.start_xvfb()
    env = {**os.environ, "DISPLAY": display, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    log = home / "minibrowser.log"
    try:
        with open(log, "w") as out:
            proc = subprocess.Popen([drivers.MINIBROWSER, "--enable-write-console-messages-to-stdout=true", url],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
            try:
                deadline = time.monotonic() + READY_S
                while not any(p.split("?")[0].endswith(until_path) for p in server.paths):
                    assert proc.poll() is None, f"MiniBrowser ended ({proc.returncode}): {log.read_text()[-2000:]}"
                    assert time.monotonic() < deadline, f"no request for {until_path} in {READY_S} s: {server.paths}"
                    time.sleep(0.2)
            finally:
                proc.terminate()  # its web process writes out what it has as it ends
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
    finally:
        xvfb.kill()
        xvfb.wait(timeout=10)
    return log.read_text(errors="replace")


def csp_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Content-Security-Policy" in line]


@pytest.fixture(scope="module")
def site_server(tmp_path_factory):
    out = tmp_path_factory.mktemp("csp-console") / "dist"
    proc = subprocess.run([sys.executable, str(Path(build.__file__)), "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(f"build.py --out {out} failed:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    (out / "csp-control.html").write_text(CONTROL_PAGE)
    srv = LoggingServer(out)
    yield srv
    srv.close()


def test_webkit_console_shows_an_unknown_directive_on_the_control_page(site_server, tmp_path):
    text = webkit_console(site_server.url + "csp-control.html", site_server, "favicon.svg", tmp_path)
    assert any("manifest-src" in line for line in csp_lines(text)), text[-3000:]


def test_webkit_console_says_nothing_about_the_pages_csp(site_server, tmp_path):
    text = webkit_console(site_server.url, site_server, "py/painting.zip", tmp_path)
    assert csp_lines(text) == [], text[-3000:]
    assert "CONSOLE SECURITY ERROR" not in text, text[-3000:]
