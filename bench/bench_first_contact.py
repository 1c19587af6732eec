"""First contact: what an embed costs before a click, what a first visit downloads, and the time to
`ready` on a first and a second visit.

    .venv/bin/python bench/bench_first_contact.py [--runs 3] [--dist DIR]

Builds dist/ into a temporary directory (or measures a build given with --dist) and serves it with
build.py's handler, counting every response body at the server (tests/e2e/counting_server.py).
Chromium (Playwright), a fresh profile (context) per run:
  embed before click  ?embed=1 until its poster (or, without one, Python) is up, then 3 s more
  first visit         the full page until `ready` and the offline copy is complete (data-offline=ready);
                      also the files the server sent more than once
  cold / repeat       time from navigation to body[data-status=ready]: a fresh profile, then a reload
                      of the same page (HTTP cache, service worker and its cache in place)
Numbers only, no asserts.
"""
from __future__ import annotations

import collections
import statistics
import sys
import tempfile
from pathlib import Path

from common import ROOT, build_site, launch_chromium, parser, wait_js

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from counting_server import CountingServer  # noqa: E402

# when the page first says "ready", in the page's own clock (ms since navigation)
READY_PROBE = """
document.addEventListener('painter:status', (e) => {
  if (e.detail.status === 'ready' && window.__readyAt === undefined) window.__readyAt = performance.now();
});
"""


def body_bytes(log) -> int:
    return sum(n for _, code, n in log if code == 200)


def embed_before_click(browser, server) -> int:
    context = browser.new_context(viewport={"width": 560, "height": 420})
    page = context.new_page()
    server.take()
    page.goto(server.url + "?embed=1")
    wait_js(page, "() => { const i = document.getElementById('poster'); return (i && i.complete)"
                  " || ['ready', 'training', 'done'].includes(document.body.dataset.status); }", timeout=180)
    n = body_bytes(server.take(settle=3.0))
    context.close()
    return n


def first_visit(browser, server) -> tuple[int, list[str], float, float]:
    """-> bytes, files sent twice or more, cold ms to ready, repeat ms to ready."""
    context = browser.new_context()
    context.add_init_script(READY_PROBE)
    page = context.new_page()
    server.take()
    page.goto(server.url)
    cold = wait_js(page, "() => window.__readyAt", timeout=180)
    wait_js(page, "() => document.documentElement.dataset.offline === 'ready'", timeout=180)
    log = server.take(settle=2.0)
    counts = collections.Counter(p for p, code, _ in log if code == 200)
    twice = sorted(p for p, n in counts.items() if n > 1)
    page.reload()
    repeat = wait_js(page, "() => window.__readyAt", timeout=180)
    context.close()
    return body_bytes(log), twice, cold, repeat


def main() -> int:
    ap = parser(__doc__, runs=3)
    ap.add_argument("--dist", type=Path, help="a build to measure (default: build one now)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rp-first-") as tmp:
        out = args.dist or build_site(Path(tmp) / "dist")
        server = CountingServer(out)
        with sync_playwright() as p:
            browser = launch_chromium(p, args.chromium)
            embed, visits = [], []
            for _ in range(args.runs):
                embed.append(embed_before_click(browser, server))
                visits.append(first_visit(browser, server))
            browser.close()
        server.close()
    print(f"build: {out}")
    print(f"{'embed before click':<22}{statistics.median(embed) / 1e3:>10.0f} KB   runs {[round(e / 1e3) for e in embed]}")
    sizes = [v[0] for v in visits]
    print(f"{'first visit':<22}{statistics.median(sizes) / 1e3:>10.0f} KB   runs {[round(s / 1e3) for s in sizes]}")
    print(f"{'  sent twice or more':<22} {', '.join(visits[0][1]) or '-'}")
    for i, label in ((2, "cold to ready"), (3, "repeat to ready")):
        values = [v[i] for v in visits]
        print(f"{label:<22}{statistics.median(values) / 1e3:>10.2f} s    runs {[round(v / 1e3, 2) for v in values]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
