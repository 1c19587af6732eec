"""Per-browser timings of the page: Chromium, Firefox ESR and WebKitGTK (the drivers of tests/xbrowser/).

    .venv/bin/python bench/bench_browsers.py [--browsers chromium,firefox,webkit] [--seconds 8] [--query ?..]

For each browser, a fresh profile: build dist/ into a temporary directory, serve it, open the page and
report
  ready s     navigation start -> the `painter:ready` mark (Python booted, epoch-0 frame drawn)
  epochs/s    epochs trained per second on the default photo and model while training
  frames/s    trained frames drawn per second (`painter:frame` events)
  paints/s    requestAnimationFrame callbacks per second: how often the browser could paint the page
  redraw/s    paint cost alone, Python idle: a requestAnimationFrame loop that puts new pixels into
              #learned and #target and new text into the readout every frame, as training does
--blurred adds a row per browser with the earlier look (two blurred shadows, no `contain`) applied to
the same page, so the CSS is compared under the same machine load.
Numbers only, no asserts; the machine's load changes them.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, build_site, serve

sys.path.insert(0, str(ROOT / "tests"))
from xbrowser import drivers  # noqa: E402

COUNTERS = """() => {
    window.__bench = {frames: 0, paints: 0, t0: performance.now(), e0: null};
    document.addEventListener('painter:frame', () => { window.__bench.frames += 1; });
    const tick = () => { window.__bench.paints += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
}"""
READ = """() => ({epoch: parseFloat(document.getElementById('epoch').textContent) || 0,
                 now: performance.now(), frames: window.__bench.frames, paints: window.__bench.paints,
                 status: document.body.dataset.status})"""


# the look before: two blurred shadows, no `contain` (set through the CSSOM, which the page's CSP allows)
BLURRED = """() => {
    document.documentElement.style.setProperty('--shadow', '0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%)');
    for (const el of document.querySelectorAll('.frame, .readout, #chart')) el.style.contain = 'none';
}"""


REDRAW = """async (ms) => {
    const canvases = ['learned', 'target'].map((id) => document.getElementById(id));
    const epoch = document.getElementById('epoch');
    let n = 0;
    const t0 = performance.now();
    await new Promise((done) => {
        const frame = () => {
            n += 1;
            for (const c of canvases) {
                const ctx = c.getContext('2d');
                const img = ctx.createImageData(c.width, c.height);
                img.data.fill(n * 37 % 256);
                ctx.putImageData(img, 0, 0);
            }
            epoch.textContent = String(n);
            if (performance.now() - t0 < ms) requestAnimationFrame(frame); else done();
        };
        requestAnimationFrame(frame);
    });
    return n / ((performance.now() - t0) / 1000);
}"""


def window(d, seconds: float) -> dict:
    """Rates over `seconds` of training (ends early if training stops, e.g. done)."""
    a = b = d.eval(READ)
    while (b["now"] - a["now"]) / 1000 < seconds:
        time.sleep(0.25)
        r = d.eval(READ)
        if r["status"] != "training":
            break
        b = r
    dt = max(1e-3, (b["now"] - a["now"]) / 1000)
    return {"epochs_s": (b["epoch"] - a["epoch"]) / dt, "frames_s": (b["frames"] - a["frames"]) / dt,
            "paints_s": (b["paints"] - a["paints"]) / dt, "note": f"over {dt:.1f} s"}


def measure(name: str, url: str, seconds: float, blurred: bool = False) -> dict:
    d = drivers.launch(name, 1280, 800)
    try:
        for _ in range(2):  # the page gives Python 60 s to boot; on a busy machine WebKitGTK may need a retry
            d.goto(url)
            drivers.wait_for(d, "() => ['ready', 'error'].includes(document.body.dataset.status)", timeout=300)
            if d.eval("() => document.body.dataset.status") == "ready":
                break
        ready = d.eval("() => { const m = performance.getEntriesByName('painter:ready')[0];"
                       " return m ? m.startTime : null; }")
        if ready is None:
            return {"browser": f"{name} {d.version}",
                    "error": d.eval("() => document.getElementById('message-text').textContent")}
        redraw = d.eval(REDRAW, 3000)
        d.eval(COUNTERS)
        d.click("#start")
        drivers.wait_for(d, "() => parseFloat(document.getElementById('epoch').textContent) > 0", timeout=60)
        row = {"browser": f"{name} {d.version}", "ready_s": ready / 1000, **window(d, seconds), "redraw_s": redraw}
        if blurred:  # the same page with the earlier blurred shadows and no containment, for comparison
            d.eval(BLURRED)
            row["blurred"] = {**window(d, seconds)}
            pause = d.eval("() => document.body.dataset.status === 'training'")
            if pause:
                d.click("#start")
            row["blurred"]["redraw_s"] = d.eval(REDRAW, 3000)
        return row
    finally:
        d.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--browsers", default=",".join(drivers.BROWSERS))
    ap.add_argument("--seconds", type=float, default=8.0, help="training window measured (default 8)")
    ap.add_argument("--query", default="", help="appended to the page URL, e.g. '#model=rff'")
    ap.add_argument("--blurred", action="store_true",
                    help="then measure again with the earlier blurred shadows and no containment")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = serve(build_site(Path(tmp) / "dist"))
        rows = []
        for name in args.browsers.split(","):
            try:
                rows.append(measure(name, server.url + args.query, args.seconds, args.blurred))
            except Exception as e:  # a browser that cannot run here is reported, the others still measured
                rows.append({"browser": name, "error": str(e).splitlines()[0][:100]})
        server.close()
    print(f"{'browser':<24} {'ready s':>8} {'epochs/s':>9} {'frames/s':>9} {'paints/s':>9} {'redraw/s':>9}")
    for r in rows:
        if "error" in r:
            print(f"{r['browser']:<24} error: {r['error']}")
        else:
            print(f"{r['browser']:<24} {r['ready_s']:>8.1f} {r['epochs_s']:>9.0f} {r['frames_s']:>9.1f} "
                  f"{r['paints_s']:>9.1f} {r['redraw_s']:>9.1f} {r['note']}")
            if "blurred" in r:
                b = r["blurred"]
                print(f"{'  blurred shadows':<24} {'':>8} {b['epochs_s']:>9.0f} {b['frames_s']:>9.1f} "
                      f"{b['paints_s']:>9.1f} {b['redraw_s']:>9.1f} {b['note']}")


if __name__ == "__main__":
    main()
