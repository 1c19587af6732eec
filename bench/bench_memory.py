#!/usr/bin/env python3
"""Renderer memory in headless Chromium: the page training a model against a bare Pyodide boot.

    python3 bench/bench_memory.py [--runs 3] [--seconds 20] [--hash model=mlp&size=512&stop-cost=0]

Each measurement is a fresh browser with one page, so nothing of another page is counted: the bare page
(bench/common.py: Pyodide + numpy, nothing else) from load until 3 s after it is ready, then the page
at --hash (default: mlp at 512 x 512 on the default engine, TensorFlow.js) from load through --seconds of
training. Memory = the largest sum of VmRSS over the browser's renderer processes (the Pyodide worker is
a thread in the page's renderer), sampled every 0.25 s (common.MemorySampler). Printed: both, and the
page's excess over the bare boot, median of --runs (alternating). Goal: mlp at 512² within +200 MB of
the bare runtime. No asserts.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import MemorySampler, add_bare_page, build_site, launch_chromium, new_page, parser, serve, wait_js

READY = "() => ['ready', 'error'].includes(document.body.dataset.status)"


def peak_kb(playwright, chromium: str, url: str, train_s: float | None) -> tuple[int, str]:
    """The renderer's peak RSS (KiB) from load until `train_s` s of training (None: the bare page, 3 s
    after it is ready); -> (KiB, what ran)."""
    sampler = MemorySampler()
    sampler.key = "run"
    sampler.start()
    browser = launch_chromium(playwright, chromium)
    try:
        ctx, page = new_page(browser)
        page.goto(url)
        if train_s is None:
            wait_js(page, "() => document.body.dataset.status !== 'loading'")
            time.sleep(3)
            ran = "bare Pyodide + numpy"
        else:
            wait_js(page, READY)
            if page.evaluate("document.body.dataset.status") != "ready":
                raise RuntimeError(page.text_content("#message-text"))
            page.click("#start")
            time.sleep(train_s)
            ran = (f"{page.evaluate('document.body.dataset.model')} on "
                   f"{page.evaluate('document.body.dataset.tfBackend') or 'numpy'}, epoch {page.text_content('#epoch')}")
        ctx.close()
    finally:
        browser.close()
        sampler.stop()
    return sampler.peaks.get("run", 0), ran


def main() -> int:
    ap = parser(__doc__, runs=3)
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds of training (default 20)")
    ap.add_argument("--hash", default="model=mlp&size=512&stop-cost=0", help="the page's settings")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    bares, pages, ran = [], [], ""
    with tempfile.TemporaryDirectory(prefix="rp-bench-") as tmp:
        out = build_site(Path(tmp) / "dist")
        bare = add_bare_page(out)
        server = serve(out)
        with sync_playwright() as p:
            for _ in range(args.runs):
                bares.append(peak_kb(p, args.chromium, server.url + bare, None)[0])
                kb, ran = peak_kb(p, args.chromium, f"{server.url}#{args.hash}", args.seconds)
                pages.append(kb)
        server.close()
    mb = lambda kb: kb / 1024  # noqa: E731
    excess = [mb(p - b) for p, b in zip(pages, bares)]
    print(f"Renderer memory, peak RSS (median of {args.runs} runs; MB)")
    print(f"  {'bare Pyodide + numpy':<34}{mb(statistics.median(bares)):8.0f}")
    print(f"  {'#' + args.hash:<34}{mb(statistics.median(pages)):8.0f}   ({ran}, {args.seconds:g} s of training)")
    print(f"  {'page - bare':<34}{statistics.median(excess):8.0f}   runs {', '.join(f'{x:.0f}' for x in excess)} "
          "(goal <= 200 for mlp at 512²)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
