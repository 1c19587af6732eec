"""Cross-browser fixtures: one build of the site, a local server, and one browser per module run.

XBROWSERS=chromium,firefox,webkit (the default) picks the browsers; a browser that is asked for but
missing fails its tests with what to install (tests/run.sh installs all three on Debian).
"""
from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from sitebuild.server import make_handler  # noqa: E402

from . import drivers  # noqa: E402

WANTED = [b.strip() for b in os.environ.get("XBROWSERS", ",".join(drivers.BROWSERS)).split(",") if b.strip()]
for _name in WANTED:
    if _name not in drivers.BROWSERS:
        raise pytest.UsageError(f"XBROWSERS: unknown browser {_name!r} (choose from {', '.join(drivers.BROWSERS)})")


class Server:
    """Serves a directory on 127.0.0.1 with build.py's handler, in a daemon thread."""

    def __init__(self, directory: Path):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(directory, False))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def build_site(tmp_path_factory, name: str) -> Path:
    """`build.py --out` into a new temporary folder named after `name`; -> that dist/ (fails the test
    with the build's output if it fails)."""
    out = tmp_path_factory.mktemp(name) / "dist"
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail(f"build.py --out {out} failed:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def xserver(tmp_path_factory):
    srv = Server(build_site(tmp_path_factory, "xbrowser"))
    yield srv
    srv.close()


@pytest.fixture(scope="module", params=WANTED)
def driver(request, tmp_path_factory):
    name = request.param
    problem = drivers.missing(name)
    if problem:
        pytest.fail(problem, pytrace=False)
    downloads = tmp_path_factory.mktemp(f"downloads-{name}")
    d = drivers.launch(name, 1280, 800, downloads)
    d.download_dir = downloads
    print(f"{name} {d.version}")
    yield d
    d.close()
