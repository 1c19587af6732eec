#!/usr/bin/env python3
"""Frames of big photos in headless Chromium: onehot's frames/s at each size and zoom, and where a frame's
time goes.

    python3 build.py && python3 bench/bench_big.py [--sizes 512,1024] [--zooms 1,4] [--window 5] [--dist DIR]

Per (size, zoom): the page at #model=onehot&size=N&zoom=Z&stop-cost=0 trains (#start) for --warmup s,
then for --window s the page's painter:frame events are collected (the page's clock):
  frames/s   frames drawn / window
  pull->recv median ms from the PULL the page sent to the FRAME event's arrival (the worker finishes its
             slice, renders the frame and its numbers, copies the pixels out of wasm and transfers them)
  recv->drawn median ms from the arrival to the frame drawn (the wait for an animation frame, then
             putImageData, the readout and the chart)
  interval   median ms between frames drawn
The page's target is 20 frames/s for onehot at 1024 x 1024 (zoom 1 and 4: a zoom of blocks is drawn at
1x and enlarged by CSS). The machine may be shared: the load average is printed with each row. No asserts.
"""
import os
import statistics
import time
from pathlib import Path

from common import ROOT, launch_chromium, parser, serve

RECORD = """() => {
  window.__big = [];
  document.addEventListener('painter:frame', (e) => window.__big.push(e.detail));
}"""


def run(browser, base, size, zoom, args):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = ctx.new_page()
    try:
        page.goto(f"{base}index.html#model=onehot&size={size}&zoom={zoom}&stop-cost=0")
        page.wait_for_selector("body[data-status=ready]", state="attached", timeout=120_000)
        if page.input_value("#size") != str(size):
            return {"error": f"#size does not offer {size}"}
        page.evaluate(RECORD)
        page.click("#start")
        page.wait_for_selector("body[data-status=training]", state="attached")
        time.sleep(args.warmup)
        t0 = page.evaluate("performance.now()")
        time.sleep(args.window)
        frames = [f for f in page.evaluate("window.__big") if f["drawn"] >= t0]
        canvas = page.evaluate("[document.getElementById('learned').width, document.getElementById('learned').height]")
        page.click("#start")
    finally:
        ctx.close()
    if len(frames) < 2:
        return {"fps": len(frames) / args.window}
    drawn = [f["drawn"] for f in frames]
    return {
        "fps": (len(frames) - 1) / ((drawn[-1] - drawn[0]) / 1000),
        "worker": statistics.median(f["received"] - f["pulled"] for f in frames),
        "page": statistics.median(f["drawn"] - f["received"] for f in frames),
        "interval": statistics.median(b - a for a, b in zip(drawn, drawn[1:])),
        "canvas": "x".join(map(str, canvas)),
    }


def main():
    ap = parser(__doc__)
    ap.add_argument("--sizes", default="512,1024")
    ap.add_argument("--zooms", default="1,4")
    ap.add_argument("--window", type=float, default=5.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="the built site to serve (default dist/)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright
    server = serve(args.dist)
    base = server.url
    print(f"{'size':>5} {'zoom':>4} {'frames/s':>9} {'pull->recv':>11} {'recv->drawn':>12} {'interval':>9} "
          f"{'canvas':>10} {'load':>5}")
    with sync_playwright() as p:
        browser = launch_chromium(p, args.chromium)
        for size in map(int, args.sizes.split(",")):
            for zoom in map(int, args.zooms.split(",")):
                r = run(browser, base, size, zoom, args)
                load = os.getloadavg()[0]
                if "error" in r:
                    print(f"{size:>5} {zoom:>4}  {r['error']}")
                    continue
                cells = [f"{r.get(k, float('nan')):.1f}" for k in ("fps", "worker", "page", "interval")]
                print(f"{size:>5} {zoom:>4} {cells[0]:>9} {cells[1]:>11} {cells[2]:>12} {cells[3]:>9} "
                      f"{r.get('canvas', '?'):>10} {load:5.2f}", flush=True)
        browser.close()
    server.close()


if __name__ == "__main__":
    main()
