#!/usr/bin/env python3
"""The networks on every engine in headless Chromium: numpy in Pyodide and each TensorFlow.js backend,
trained as the page's worker does (bench/bench_backends.py says what is measured). Prints its table.

    python3 bench/bench_backends_browser.py [--sizes 128,256,512] [--models mlp,siren]
        [--engines numpy,cpu,wasm,webgl,webgpu] [--seconds 60] [--batch 256,1024] [--json out.json]

A temporary build of dist/ (build.py --out) gets bench/bench_backends_worker.js and bench_backends.py at
its root and a bench page; Chromium (/usr/bin/chromium, the tests' flags plus --enable-unsafe-webgpu)
opens it from a local HTTP server. Each engine runs in a fresh module worker with the vendored Pyodide
and TF.js, its backend forced through site/js/worker/tf.js's loadTf(backend, {asyncReads: true}) (webgl and webgpu here
are Chromium's software renderer and adapter: SwiftShader). Times are the worker's wall clock.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, build_site, launch_chromium, parser, serve, wait_js

from bench_backends import table  # the body both hosts run (no benchmark of its own: no main)

PAGE = """<!doctype html><meta charset="utf-8"><title>bench_backends</title><link rel="icon" href="data:,">
<script type="module">
window.benchRuns = {};
window.startEngine = (config) => {
  const worker = new Worker('bench_backends_worker.js', { type: 'module' });
  const done = (run) => { window.benchRuns[config.engine] = run; worker.terminate(); };
  worker.onmessage = ({ data }) => (data.type === 'log' ? console.log(data.text) : done(data.run));
  worker.onerror = (e) => done({ engine: config.engine, skipped: `worker error: ${e.message}` });
  worker.postMessage(config);
};
</script>
"""


def main():
    ap = parser(__doc__)
    ap.add_argument("--sizes", default="128,256,512")
    ap.add_argument("--models", default="mlp,siren")
    ap.add_argument("--engines", default="numpy,cpu,wasm,webgl,webgpu")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--batch", default="", help="batch sizes, e.g. 256,1024 (default: the model's own)")
    ap.add_argument("--json", default="", help="also write every number to this file")
    args = ap.parse_args()
    split = lambda s: [x for x in s.split(",") if x]  # noqa: E731
    config = {"models": split(args.models), "sizes": [int(s) for s in split(args.sizes)],
              "batches": [int(b) for b in split(args.batch)] or [None], "seconds": args.seconds}
    # a software GPU's first frame and step breakdown can take minutes at batch 4096
    per_engine = len(config["models"]) * len(config["sizes"]) * len(config["batches"]) * (2 * args.seconds + 180) + 120

    from playwright.sync_api import sync_playwright
    runs = []
    with tempfile.TemporaryDirectory(prefix="rp-bench-backends-") as tmp:
        out = build_site(Path(tmp) / "dist")
        shutil.copy(ROOT / "bench" / "bench_backends_worker.js", out)
        shutil.copy(ROOT / "bench" / "bench_backends.py", out)
        (out / "bench-backends.html").write_text(PAGE)
        server = serve(out)
        url = server.url
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p, args.chromium, ("--enable-unsafe-webgpu",))
                page = browser.new_page()
                page.on("console", lambda message: print(" ", message.text, file=sys.stderr, flush=True))
                page.goto(url + "bench-backends.html")
                wait_js(page, "() => typeof window.startEngine === 'function'")
                for engine in split(args.engines):
                    started = time.perf_counter()
                    page.evaluate("c => startEngine(c)", {**config, "engine": engine})
                    try:
                        runs.append(wait_js(page, "e => window.benchRuns[e]", engine, timeout=per_engine))
                    except TimeoutError:
                        runs.append({"engine": engine, "skipped": f"no result within {per_engine:.0f} s"})
                        page.reload()  # ends its worker
                        wait_js(page, "() => typeof window.startEngine === 'function'")
                    print(f"  ({engine}: {time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
                version = browser.version
                browser.close()
        finally:
            server.close()

    print(f"Headless Chromium {version}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"{args.seconds:g} s per row; the bundled astronaut photo")
    print(table(json.dumps(runs)))
    print("speed columns: time in training slices (wall clock of the worker); step, encode, read: ms per Adam "
          "step, per batch encoding (numpy), per read-back of weights + moments; PSNR at wall time, frames "
          "included; gap: the longest time between two frames (s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"host": "chromium", "chromium": version,
                                               "seconds": args.seconds, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
