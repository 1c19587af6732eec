#!/usr/bin/env python3
"""Pause in headless Chromium: how long until the status says paused, and until the page is settled
(body[data-settled]: the final frame drawn with its numbers).

    python3 bench/bench_settle.py [--runs 3] [--chromium /usr/bin/chromium]

Per model and size (ms, median of the runs; each run: Start, 1 s of training, Pause):
  paused     click -> body[data-status] "paused" (the worker's PAUSE reply)
  settled    click -> body[data-settled] "true" (the final frame pulled, drawn with its numbers)
A quick model's final frame is rendered at once; a network's is predicted a few rows per slice. No asserts.
"""
from __future__ import annotations

import statistics
import sys
import time

from common import built_site, new_page, parser, wait_js

CASES = [("onehot", 64), ("onehot", 512), ("rff", 512), ("mlp", 64), ("mlp", 512)]


def one_case(browser, url: str, model: str, size: int, runs: int) -> list[tuple[float, float]]:
    ctx, page = new_page(browser)
    page.goto(f"{url}#model={model}&size={size}&stop-cost=0")
    wait_js(page, "() => document.body.dataset.settled === 'true'")
    out = []
    for _ in range(runs):
        page.click("#start")
        wait_js(page, "() => document.body.dataset.status === 'training'")
        time.sleep(1.0)
        t0 = time.perf_counter()
        page.click("#start")
        wait_js(page, "() => document.body.dataset.status === 'paused'")
        paused = (time.perf_counter() - t0) * 1000
        wait_js(page, "() => document.body.dataset.settled === 'true'")
        out.append((paused, (time.perf_counter() - t0) * 1000))
    ctx.close()
    return out


def main() -> int:
    args = parser(__doc__, runs=3).parse_args()
    with built_site(args.chromium) as (browser, url, _):
        results = {case: one_case(browser, url, *case, args.runs) for case in CASES}

    print(f"Pause -> paused -> settled (median of {args.runs} runs, ms)")
    print(f"  {'model':<8}{'size':>6}{'paused':>10}{'settled':>10}")
    for (model, size), runs in results.items():
        paused = statistics.median(r[0] for r in runs)
        settled = statistics.median(r[1] for r in runs)
        print(f"  {model:<8}{size:>6}{paused:>10.0f}{settled:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
