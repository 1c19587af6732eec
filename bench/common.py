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
import threading
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


# ------------------------------------------------------------------------------ a bare Pyodide boot
# bare.html + bare.js + bare-worker.js: a module worker that only boots Pyodide with numpy, nothing else; the
# page's load and memory are measured against it (bench_page.py, bench_memory.py)
BARE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare Pyodide boot</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<script type="module" src="bare.js"></script></head><body data-status="loading"></body></html>
"""
BARE_JS = """const worker = new Worker(new URL('./bare-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event) => {
  performance.mark('bare:ready');
  document.body.dataset.status = event.data;
};
"""
BARE_WORKER = """const { loadPyodide } = await import(new URL('./pyodide/pyodide.mjs', import.meta.url).href);
const pyodide = await loadPyodide({ indexURL: new URL('./pyodide/', import.meta.url).href, packages: ['numpy'] });
pyodide.runPython('import numpy');
self.postMessage('numpy' in pyodide.loadedPackages ? 'ready' : 'error');
"""


def add_bare_page(out: Path) -> str:
    """Writes the bare page into the build `out`; -> its path under the site's URL."""
    (out / "bare.html").write_text(BARE_HTML)
    (out / "bare.js").write_text(BARE_JS)
    (out / "bare-worker.js").write_text(BARE_WORKER)
    return "bare.html"


# ------------------------------------------------------------------------------ renderer memory
def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])  # the name may hold spaces and ')'
        children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def renderer_rss_kb() -> int:
    """Sum of VmRSS over this process's descendants whose command line has --type=renderer."""
    total = 0
    for pid in _descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"--type=renderer" not in f.read():
                    continue
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
    return total


class MemorySampler(threading.Thread):
    """Samples renderer_rss_kb() every `interval` s; max per row key (set `key` from the main thread)."""

    def __init__(self, interval: float = 0.25):
        super().__init__(daemon=True)
        self.interval = interval
        self.key = None
        self.peaks: dict = {}
        self.overall = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            kb = renderer_rss_kb()
            key = self.key
            if key is not None:
                self.peaks[key] = max(self.peaks.get(key, 0), kb)
            self.overall = max(self.overall, kb)
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join()
