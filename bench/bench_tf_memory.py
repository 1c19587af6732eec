#!/usr/bin/env python3
"""A network on TensorFlow.js trained for minutes in the page: do its tensors and memory stay flat?

    python3 bench/bench_tf_memory.py [--model mlp] [--size 128] [--minutes 3] [--every 20] [--tf wasm]

Builds dist/ into a temporary folder, opens the page in headless Chromium with the network on
TensorFlow.js, presses Start and, every --every seconds, reads TF.js's tf.memory() (numTensors,
numBytes) in the worker and the page's epoch. Prints one row per sample and the growth first -> last.
Numbers only, no asserts.
"""
from __future__ import annotations

import time

from common import built_site, parser, wait_js

MEMORY = """() => globalThis.tf ? {tensors: tf.memory().numTensors, bytes: tf.memory().numBytes} : null"""


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--every", type=float, default=20.0)
    ap.add_argument("--tf", default="", help="force a TF.js backend (the page's URL key tf)")
    args = ap.parse_args()
    query = "?backend=tensorflow" + (f"&tf={args.tf}" if args.tf else "")
    with built_site(args.chromium) as (browser, url, _):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}{query}#model={args.model}&size={args.size}&stop-cost=0")
        wait_js(page, "() => document.body.dataset.settled === 'true' && !!document.body.dataset.tfBackend",
                timeout=300)
        backend = page.evaluate("() => document.body.dataset.tfBackend")
        page.click("#start")
        print(f"{args.model} {args.size}x{args.size} on TF.js {backend}, {args.minutes} min of training")
        print(f"{'t s':>6} {'epoch':>8} {'tensors':>8} {'TF.js MB':>9}")
        rows = []
        start = time.monotonic()
        while True:
            elapsed = time.monotonic() - start
            memory = next((m for m in (w.evaluate(MEMORY) for w in page.workers) if m), None)
            epoch = page.text_content("#epoch")
            rows.append((elapsed, memory))
            print(f"{elapsed:6.0f} {epoch:>8} {memory['tensors']:8d} {memory['bytes'] / 1e6:9.2f}", flush=True)
            if elapsed >= args.minutes * 60:
                break
            time.sleep(args.every)
        first, last = rows[0][1], rows[-1][1]
        print(f"growth over {rows[-1][0]:.0f} s: {last['tensors'] - first['tensors']:+d} tensors, "
              f"{(last['bytes'] - first['bytes']) / 1e6:+.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
