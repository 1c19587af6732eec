#!/usr/bin/env python3
"""The "Your model" pane in headless Chromium: Run, and Stop after code that never returns.

    python3 bench/bench_stop.py [--runs 3] [--chromium /usr/bin/chromium]

Per run, in a fresh browser context (ms, median of the runs):
  page boot          navigation -> status ready (a fresh Python, the sessions made, their first frames)
  run features       #run-code with the "features" template -> session a ready on model "custom"
                     (compile, one checking step, the session built, its first frame)
  run scratch        the same with the "from scratch" template
  stop offered       #run-code with an endless loop in step() -> #stop-python shown (watchdog.js: STALL_MS of
                     silence, checked every 0.5 s)
  stop -> usable     #stop-python pressed -> status ready or paused (a fresh worker, target and sessions)
  stop -> restored   ... -> the built-in model's saved parameters loaded again (status paused)
Target: stop -> usable within about one page boot. No asserts.
"""
from __future__ import annotations

import statistics
import sys
import time

from common import ROOT, built_site, new_page, parser, wait_js

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from visitor_code import ENDLESS, type_code  # noqa: E402


def timed(page, action, predicate, arg=None) -> float:
    t0 = time.perf_counter()
    action()
    wait_js(page, predicate, arg)
    return (time.perf_counter() - t0) * 1000


def one_run(browser, url: str) -> dict:
    ctx, page = new_page(browser)
    t0 = time.perf_counter()
    page.goto(url)
    wait_js(page, "() => document.body.dataset.status === 'ready'")
    result = {"boot": (time.perf_counter() - t0) * 1000}
    wait_js(page, "() => !document.querySelector('[data-template]').disabled")
    page.evaluate("document.getElementById('your-model').open = true")
    ready_custom = ("() => document.body.dataset.status === 'ready' && document.body.dataset.model === 'custom'"
                    " && document.getElementById('epoch').textContent === '0'")
    for name in ("features", "scratch"):
        page.click(f"button[data-template='{name}']")
        result[name] = timed(page, lambda: page.click("#run-code"), ready_custom)
    page.select_option("#model", "onehot")
    wait_js(page, "() => document.body.dataset.status === 'ready' && document.body.dataset.model === 'onehot'")
    page.click("#start")
    wait_js(page, "() => Number(document.getElementById('epoch').textContent) >= 200")
    page.click("#start")
    wait_js(page, "() => document.body.dataset.status === 'paused'")
    type_code(page, ENDLESS)
    result["offered"] = timed(page, lambda: page.click("#run-code"),
                              "() => !document.getElementById('stop-python').hidden")
    t0 = time.perf_counter()
    page.click("#stop-python")
    wait_js(page, "() => ['ready', 'paused'].includes(document.body.dataset.status)")
    result["usable"] = (time.perf_counter() - t0) * 1000
    wait_js(page, "() => document.getElementById('message').dataset.kind === 'restarted'")
    result["restored"] = (time.perf_counter() - t0) * 1000
    ctx.close()
    return result


def main() -> int:
    args = parser(__doc__, runs=3).parse_args()
    with built_site(args.chromium) as (browser, url, _):
        runs = [one_run(browser, url) for _ in range(args.runs)]

    rows = [("page boot", "boot"), ("run features", "features"), ("run scratch", "scratch"),
            ("stop offered", "offered"), ("stop -> usable", "usable"), ("stop -> restored", "restored")]
    print(f"Your model (median of {args.runs} runs, ms; 64 x 64 astronaut)")
    for label, key in rows:
        values = [r[key] for r in runs]
        print(f"  {label:<18}{statistics.median(values):8.0f}   ({', '.join(f'{v:.0f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
