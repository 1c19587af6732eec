"""What a visitor downloads: a first visit, and a second visit after a redeploy that changed one JS file.

    .venv/bin/python bench/bench_redeploy.py [--file js/chart.js] [--chromium /usr/bin/chromium]

Builds dist/ into a temporary directory and serves it with build.py's handler (Cache-Control: no-cache,
Last-Modified, so browsers revalidate and get 304s), counting every response the server sends. Chromium
(Playwright) visits, the service worker installs; then one file changes, sw.js is stamped again (what a
rebuild does), and the browser visits again until the new service worker is installed. Printed per
case: requests answered, responses with a body (200), and body bytes. Cases:
  warm HTTP cache   the same browser session: unchanged files can be revalidated (304, no body)
  cold HTTP cache   the HTTP cache cleared before the second visit (an evicted or private-window cache):
                    only the service worker's own cache still holds the files
Numbers only, no asserts.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, build_site, launch_chromium, parser
from sitebuild.service_worker import SW_FILE, stamp_service_worker

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from counting_server import CountingServer  # noqa: E402


def summary(log: list) -> str:
    bodies = [(p, n) for p, code, n in log if code == 200]
    size = sum(n for _, n in bodies)
    names = ", ".join(sorted({p.rsplit("/", 1)[-1] or "/" for p, _ in bodies})) if len(bodies) <= 4 else "…"
    return f"{len(log):>4} requests {len(bodies):>4} bodies {size / 1e6:>8.3f} MB   {names}"


def redeploy(out: Path, rel: str) -> None:
    """Change one file of dist/ and stamp sw.js again, as a rebuild with that one change would."""
    path = out / rel
    path.write_text(path.read_text(encoding="utf-8") + f"\n// redeploy {time.time()}\n", encoding="utf-8")
    shutil.copy(ROOT / "site" / SW_FILE, out / SW_FILE)
    stamp_service_worker(out)


def new_worker_installed(page, version: str, timeout: float = 120) -> None:
    """Wait until a cache of the new version is complete (an installed or active worker holds it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = page.evaluate("""async (v) => {
            const reg = await navigator.serviceWorker.getRegistration();
            const w = reg && (reg.waiting || reg.active);
            const names = await caches.keys();
            return !!w && !reg.installing && names.some(n => n.endsWith(' ' + v));
        }""", version)
        if done:
            return
        time.sleep(0.25)
    raise TimeoutError(f"no service worker of version {version} was installed")


def version_of(out: Path) -> str:
    import json
    line = next(ln for ln in (out / "sw.js").read_text().splitlines() if ln.startswith("const BUILD = "))
    return json.loads(line.removeprefix("const BUILD = ").removesuffix(";"))["version"]


def run_case(browser, out: Path, server: CountingServer, rel: str, cold: bool) -> list[str]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    deadline = time.monotonic() + 180
    while page.evaluate("document.documentElement.dataset.offline") != "ready":
        if time.monotonic() > deadline:
            raise TimeoutError("the first visit never installed the service worker")
        time.sleep(0.25)
    first = server.take(0.5)
    redeploy(out, rel)
    if cold:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.clearBrowserCache")
    page.goto("about:blank")
    server.take(0.5)
    page.goto(server.url)
    new_worker_installed(page, version_of(out))
    second = server.take(0.5)
    context.close()
    return [f"first visit        {summary(first)}", f"one-file redeploy  {summary(second)}"]


def main() -> None:
    ap = parser(__doc__)
    ap.add_argument("--file", default="js/chart.js", help="the file of dist/ that changes (default js/chart.js)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch_chromium(p, args.chromium)
        for cold in (False, True):
            out = build_site(Path(tmp) / ("cold" if cold else "warm"))
            server = CountingServer(out)
            print(f"--- {'cold' if cold else 'warm'} HTTP cache (changed: {args.file})")
            for line in run_case(browser, out, server, args.file, cold):
                print(line)
            server.close()
        browser.close()


if __name__ == "__main__":
    main()
