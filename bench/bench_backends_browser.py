#!/usr/bin/env python3
"""The networks on every engine, measured on the page itself: numpy in Pyodide and each TensorFlow.js
backend, trained by the page's own worker and loop in headless Chromium. Prints its table.

    python3 bench/bench_backends_browser.py [--sizes 256] [--models mlp] [--engines numpy,wasm]
        [--seconds 30] [--visits 1] [--knobs width=128] [--batch 256,1024] [--json out.json]

Each row is one visit to a fresh build of dist/ (build.py --out), served on 127.0.0.1 and opened in a
fresh browser context of a Chromium with the tests' flags plus --enable-unsafe-webgpu (webgl and webgpu
are its software renderer and adapter, SwiftShader):
  index.html#model=M&size=N&backend=numpy|tensorflow[&tf=BACKEND]&stop-cost=0[&KNOB=VALUE...]
then a click on #start and `--seconds` of training, as a visitor would. --visits 1,2,3 measures the first,
second and third visit of the same browser profile (a second visit makes the Python snapshot that later
ones start from: site/js/worker/runtime.js), each after the earlier visits have loaded the page.

What it reads is what the visitor sees (the DOM contract in tests/e2e/README.md), sampled every 0.25 s
by the page's own clock:
  epochs/s    #epoch at the end / --seconds (from the click: start-up included, as the visitor waits for it)
  × numpy     epochs/s over the numpy row of the same model, size, knobs and visit
  PSNR        #psnr at 1/6, 1/2 and all of --seconds (10/30/60 s for 60): the picture on screen
  frames/s    painter:frame events per second; gap: the longest time between two of them (s)
  backend     body[data-tf-backend]: the TensorFlow.js backend the page runs (or numpy)
bench/bench_backends.mjs measures the same networks under Node, without the page (no Node host runs the
page's worker): the per-step breakdown and the GPU (Dawn) path live there.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from common import build_site, launch_chromium, parser, serve, wait_js

TF_BACKENDS = ("cpu", "wasm", "webgl", "webgpu")

# The page's own clock: #epoch, #psnr every 0.25 s and the time of each painter:frame, from the click on.
RECORD = """() => {
  const text = (id) => document.getElementById(id).textContent;
  const rec = window.benchRecord = { t0: performance.now(), samples: [], frames: [] };
  document.addEventListener('painter:frame', () => rec.frames.push(performance.now() - rec.t0));
  const sample = () => rec.samples.push([performance.now() - rec.t0, text('epoch'), text('psnr')]);
  rec.timer = setInterval(sample, 250);
  document.getElementById('start').click();
  sample();
}"""


def number(text: str) -> float | None:
    """'1,234.5' -> 1234.5; '24.1 dB' -> 24.1; '' or '—' -> None."""
    head = text.replace(",", "").replace("\u2009", "").split(" ")[0]
    try:
        return float(head)
    except ValueError:
        return None


def hash_of(model: str, size: int, engine: str, knobs: dict) -> str:
    backend = "numpy" if engine == "numpy" else "tensorflow"
    parts = [f"model={model}", f"size={size}", f"backend={backend}", "stop-cost=0"]
    if engine in TF_BACKENDS:
        parts.append(f"tf={engine}")
    parts += [f"{k}={v}" for k, v in knobs.items()]
    return "&".join(parts)


def run(browser, url: str, row: dict, seconds: float, visit: int, load_timeout: float) -> dict:
    """One row on one visit: -> row plus epochs/s, PSNR samples, frame times, backend."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        address = url + "index.html#" + hash_of(row["model"], row["size"], row["engine"], row["knobs"])
        for n in range(visit):
            page.goto("about:blank")
            page.goto(address)
            try:
                wait_js(page, "() => ['ready', 'error'].includes(document.body.dataset.status)",
                        timeout=load_timeout)
            except TimeoutError:
                return {**row, "skipped": f"visit {n + 1}: not ready within {load_timeout:.0f} s"}
            if page.evaluate("document.body.dataset.status") != "ready":
                return {**row, "skipped": f"visit {n + 1}: {page.inner_text('#status')[:120]}"}
            if n < visit - 1:
                time.sleep(5)  # as a visitor who stays a moment: a second visit makes its snapshot then
        page.evaluate(RECORD)
        time.sleep(seconds)
        record = page.evaluate("() => { clearInterval(window.benchRecord.timer); return window.benchRecord; }")
        backend = page.evaluate("document.body.dataset.tfBackend || ''")
        if row["engine"] != "numpy" and backend != row["engine"]:
            return {**row, "skipped": f"the page runs TensorFlow.js on {backend or 'nothing'}"}
        samples = [(t / 1000, number(e), number(p)) for t, e, p in record["samples"] if t <= seconds * 1000]
        frames = [t / 1000 for t in record["frames"] if t <= seconds * 1000]

        def psnr_at(at: float):
            shown = [p for t, _, p in samples if t <= at and p is not None]
            return shown[-1] if shown else None

        epochs = max((e for _, e, _ in samples if e is not None), default=0.0)
        gaps = [b - a for a, b in zip([0.0, *frames], [*frames, seconds])]
        return {**row, "visit": visit, "backend": backend or "numpy", "epochs": epochs,
                "epochs_per_s": epochs / seconds, "psnr": [psnr_at(seconds * f) for f in (1 / 6, 1 / 2, 1)],
                "frames_per_s": len(frames) / seconds, "gap": max(gaps), "errors": errors,
                "load": os.getloadavg()[0]}
    finally:
        context.close()


def table(runs: list[dict], seconds: float) -> str:
    """The printed table; × numpy against the numpy row of the same model, size, knobs and visit."""
    checkpoints = "/".join(f"{seconds * f:g}" for f in (1 / 6, 1 / 2, 1))
    lines = [f"| model | size | knobs | visit | engine | epochs/s | × numpy | PSNR @{checkpoints} s | frames/s | gap s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    key = lambda r: (r["model"], r["size"], json.dumps(r["knobs"]), r.get("visit"))  # noqa: E731
    numpy_rate = {key(r): r["epochs_per_s"] for r in runs if r["engine"] == "numpy" and "skipped" not in r}
    for r in runs:
        knobs = ",".join(f"{k}={v}" for k, v in r["knobs"].items()) or "default"
        head = f"| {r['model']} | {r['size']} | {knobs} | {r.get('visit', '')} | {r['engine']} |"
        if "skipped" in r:
            lines.append(f"{head} {r['skipped']} | | | | |")
            continue
        base = numpy_rate.get(key(r))
        ratio = f"{r['epochs_per_s'] / base:.2f}" if base else ""
        psnr = " / ".join("—" if p is None else f"{p:.1f}" for p in r["psnr"])
        lines.append(f"{head} {r['epochs_per_s']:.3f} | {ratio} | {psnr} | {r['frames_per_s']:.2f} | {r['gap']:.1f} |")
    return "\n".join(lines)


def main():
    ap = parser(__doc__)
    ap.add_argument("--sizes", default="256")
    ap.add_argument("--models", default="mlp")
    ap.add_argument("--engines", default="numpy,wasm", help="numpy and TF.js backends: cpu,wasm,webgl,webgpu")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--visits", default="1", help="which visits of one browser profile to measure, e.g. 1,2,3")
    ap.add_argument("--knobs", action="append", default=[],
                    help="model knobs for a set of rows, e.g. --knobs width=128 (repeat for more sets; "
                         "default: the page's defaults)")
    ap.add_argument("--batch", default="", help="batch sizes, e.g. 256,1024: a set of rows each")
    ap.add_argument("--load-timeout", type=float, default=180.0)
    ap.add_argument("--json", default="", help="also write every number to this file")
    args = ap.parse_args()
    split = lambda s: [x for x in s.split(",") if x]  # noqa: E731
    knob_sets = [dict(pair.split("=", 1) for pair in split(spec)) for spec in args.knobs] or [{}]
    knob_sets = [{**k, "batch_size": b} for k in knob_sets for b in split(args.batch)] or knob_sets
    rows = [{"model": m, "size": int(s), "engine": e, "knobs": k}
            for m in split(args.models) for s in split(args.sizes) for k in knob_sets for e in split(args.engines)]

    from playwright.sync_api import sync_playwright
    runs = []
    with tempfile.TemporaryDirectory(prefix="rp-bench-backends-") as tmp:
        server = serve(build_site(Path(tmp) / "dist"))
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p, args.chromium, ("--enable-unsafe-webgpu",))
                for visit in [int(v) for v in split(args.visits)]:
                    for row in rows:
                        result = run(browser, server.url, row, args.seconds, visit, args.load_timeout)
                        runs.append({**result, "visit": visit})
                        said = result.get("skipped") or f"{result['epochs_per_s']:.3f} epochs/s"
                        print(f"  {row['model']} {row['size']} {row['engine']} {row['knobs'] or ''} visit {visit}: {said}",
                              file=sys.stderr, flush=True)
                version = browser.version
                browser.close()
        finally:
            server.close()

    print(f"Headless Chromium {version}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"{args.seconds:g} s of Start per row on the page (index.html), its default photo")
    print(table(runs, args.seconds))
    if args.json:
        Path(args.json).write_text(json.dumps({"chromium": version, "seconds": args.seconds, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
