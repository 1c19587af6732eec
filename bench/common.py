"""What the browser benchmarks share: a fresh build of the site, served on 127.0.0.1 by build.py's own
server, and a headless Chromium (Playwright) with the project's flags.

Benchmarks import from here and from the project (py/painting, tools/sitebuild, tests' helpers), never
from each other. Importing this module puts tools/ (sitebuild) and py/ (painting) on sys.path.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "py")]
from sitebuild.server import Server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def parser(doc: str, runs: int | None = None) -> argparse.ArgumentParser:
    """An argument parser described by the first paragraph of `doc`, with --chromium (and --runs, default
    `runs`, when given)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--chromium", default=CHROMIUM, help=f"the Chromium to drive (default {CHROMIUM})")
    if runs is not None:
        ap.add_argument("--runs", type=int, default=runs, help=f"repetitions (default {runs})")
    return ap


def build_site(out: Path) -> Path:
    """`python3 build.py --out OUT` (its log hidden); -> out."""
    subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def serve(directory: Path) -> Server:
    """`directory` served as `build.py serve` does, on a free port of 127.0.0.1, in a thread: .url, .close().
    A page closed mid-download breaks its connections: no traceback for those."""
    return Server(directory, tracebacks=False).start()


def launch_chromium(playwright, chromium: str = CHROMIUM, extra_args: tuple = ()):
    """A headless Chromium with the project's flags (plus `extra_args`)."""
    return playwright.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, *extra_args])


def new_page(browser, width: int = 1280, height: int = 800, service_workers: str = "block"):
    """A page in a fresh context (empty HTTP cache, service workers blocked unless "allow"); -> (context,
    page)."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers=service_workers)
    return context, context.new_page()


@contextlib.contextmanager
def built_site(chromium: str = CHROMIUM):
    """A fresh build in a temporary folder, served on a free port, and a Chromium: yields (browser, url,
    tmp); everything is closed and removed afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rp-bench-") as tmp:
        server = serve(build_site(Path(tmp) / "dist"))
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p, chromium)
                try:
                    yield browser, server.url, Path(tmp)
                finally:
                    browser.close()
        finally:
            server.close()


def wait_js(page, predicate: str, arg=None, timeout: float = 120.0):
    """Poll predicate(arg) with page.evaluate (the page's CSP forbids wait_for_function's eval); -> its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(predicate, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{predicate} still false after {timeout} s")
        time.sleep(0.01)
