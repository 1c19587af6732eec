"""How good a picture does each model paint in the browser, with its defaults? Prints tables.

    python3 bench/bench_models_browser.py [--sizes 64 128 256] [--budgets 2 10] [--image astronaut.jpg]
                                          [--models onehot:rgb onehot:2017 plane poly rff dct mlp siren]

What runs where: a temporary copy of dist/ (Pyodide from dist/pyodide/, built by `python3 build.py`)
with painting.zip zipped afresh from py/painting and a generated bench page: bench.html starts a module
worker that boots Pyodide + numpy + Pillow, unpacks painting.zip and runs the Python below. Headless
Chromium (Playwright) opens the page from a local HTTP server and waits for the worker's JSON result.

Inside the worker, per model and size: decode the photo with Pillow (centre square, LANCZOS, as the page
crops), build painting.session.Session with the model's defaults (the build counts against the budget,
as on the page), then train in chunks, doubling the chunk while one takes < 50 ms (the page's frames:
one chunk per frame, and each chunk pays Session.train(epochs)'s copy, cost and PSNR, as the page does), and
record the displayed PSNR when each wall-time budget has passed. Then: rff at 128 on every bundled
photo; rff held-out PSNR (train on a random half of the pixels, score the rest) by solve() and by
gradient descent; CosineBasisModel.solve() time at 256 x 256. Times are the worker's own clock.
"""

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, launch_chromium, parser, serve
from sitebuild.base import PACKAGE_DIR
from sitebuild.package import build_package_zip

MODELS = ["onehot:rgb", "onehot:2017", "plane", "poly", "rff", "dct", "mlp", "siren"]

BENCH_HTML = """<!doctype html><meta charset="utf-8"><title>bench</title><link rel="icon" href="data:,">
<script type="module">
const worker = new Worker('bench-worker.js', { type: 'module' });
window.benchLog = [];
worker.onmessage = (e) => {
  if (e.data.type === 'log') console.log(e.data.text);
  else if (e.data.type === 'done') window.benchResult = e.data.result;
  else window.benchError = e.data.text;
};
worker.onerror = (e) => { window.benchError = String(e.message); };
worker.postMessage(JSON.parse(decodeURIComponent(location.hash.slice(1))));
</script>
"""

BENCH_WORKER = """import { loadPyodide } from './pyodide/pyodide.mjs';
self.onmessage = async (e) => {
  try {
    const config = e.data;
    const pyodide = await loadPyodide({ indexURL: new URL('./pyodide/', self.location.href).href });
    pyodide.setStdout({ batched: (text) => self.postMessage({ type: 'log', text }) });
    pyodide.setStderr({ batched: (text) => self.postMessage({ type: 'log', text }) });
    await pyodide.loadPackage(['numpy', 'pillow'], { messageCallback: () => {} });
    const sitePackages = pyodide.runPython('import site; site.getsitepackages()[0]');
    const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
    pyodide.unpackArchive(await bytes('py/painting.zip'), 'zip', { extractDir: sitePackages });
    pyodide.FS.mkdirTree('/images');
    for (const name of config.images) pyodide.FS.writeFile(`/images/${name}`, await bytes(`images/${name}`));
    pyodide.globals.set('CONFIG_JSON', JSON.stringify(config));
    const result = await pyodide.runPythonAsync(await (await fetch('bench_run.py')).text());
    self.postMessage({ type: 'done', result });
  } catch (err) {
    self.postMessage({ type: 'error', text: String(err && err.stack || err) });
  }
};
"""

BENCH_PY = r'''
import json, sys, time
import numpy as np
from PIL import Image
from painting.dct import CosineBasisModel
from painting.rff import FourierFeatureModel
from painting.metrics import psnr
from painting.session import Session

config = json.loads(CONFIG_JSON)
clock = time.perf_counter
print("python", sys.version.split()[0], "numpy", np.__version__)


def square(name, size):
    """The centre square of /images/name at size x size, float32 (H, W, 3) in [0, 1]."""
    image = Image.open(f"/images/{name}").convert("RGB")
    w, h = image.size
    s = min(w, h)
    box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)
    return np.asarray(image.resize((size, size), Image.LANCZOS, box=box), dtype=np.float32) / 255.0


def race(step, budgets):
    """Call step(chunk) until each budget (s from `start`) has passed; chunk doubles while < 50 ms."""
    start = clock()
    results, chunk, stats = [], 1, None
    for budget in budgets:
        while clock() - start < budget:
            begin = clock()
            stats = step(chunk)
            if clock() - begin < 0.05:
                chunk = min(2 * chunk, 1 << 22)
        results.append(stats)
    return results


def run_session(name, size, model, mode):
    target = square(name, size)
    start = clock()
    session = Session(target, model=model, mode=mode)
    built = clock() - start
    initial = session.stats()
    remaining = [max(b - built, 0.0) for b in config["budgets"]]
    results = race(lambda n: (session.train(n), session.scores())[1], remaining)
    return {"build": built, "lr": session.learning_rate,
            "points": [[(r or initial)["psnr"], (r or initial)["epoch"]] for r in results]}


out = {"sessions": [], "rff_images": [], "held_out": [], "dct": []}
for size in config["sizes"]:
    for spec in config["models"]:
        model, _, mode = spec.partition(":")
        row = run_session(config["image"], size, model, mode or "rgb")
        out["sessions"].append({"size": size, "model": model, "mode": mode or "rgb", **row})
        print(f"{size} {spec}: " + ", ".join(f"{p:.2f} dB ({e})" for p, e in row["points"]))

if "rff" in config["models"]:
    for name in config["images"]:
        row = run_session(name, 128, "rff", "rgb")
        out["rff_images"].append({"image": name, **row})
        print(f"rff 128 {name}: " + ", ".join(f"{p:.2f} dB" for p, _ in row["points"]))

    target = square(config["image"], 128)
    mask = np.random.default_rng(0).random((128, 128)) < 0.5
    for sigma in (4.0, 8.0, 16.0):
        start = clock()
        model = FourierFeatureModel(target, sigma=sigma, train_mask=mask).solve()
        solved = clock() - start
        fit = model.predict()
        gd = FourierFeatureModel(target, sigma=sigma, train_mask=mask, learning_rate=1.0)
        begin = clock()
        while clock() - begin < 2.0:
            gd.step(1)
        early = gd.predict()
        out["held_out"].append({
            "sigma": sigma, "solve_s": solved, "train": psnr(fit[mask], target[mask]),
            "held_out": psnr(fit[~mask], target[~mask]), "gd_epochs": gd.epoch,
            "gd_train": psnr(early[mask], target[mask]), "gd_held_out": psnr(early[~mask], target[~mask])})
        print("held-out", out["held_out"][-1])

target = square(config["image"], 256)
for k in (32, 128, 256):
    model = CosineBasisModel(target, k=k)
    times = []
    for _ in range(3):
        start = clock()
        model.solve()
        times.append(clock() - start)
    out["dct"].append({"k": k, "solve_s": min(times), "psnr": psnr(model.predict(), target)})
    print("dct", out["dct"][-1])

json.dumps(out)
'''


def make_site(directory):
    """A bench copy of dist/: pyodide/ (symlinked), images/, a fresh painting.zip, the bench page."""
    dist = ROOT / "dist"
    if not (dist / "pyodide" / "pyodide.mjs").exists():
        sys.exit("dist/pyodide/ not found: run `python3 build.py` first")
    (directory / "pyodide").symlink_to(dist / "pyodide", target_is_directory=True)
    shutil.copytree(ROOT / "site" / "images", directory / "images")
    build_package_zip(PACKAGE_DIR, directory / "py" / "painting.zip")
    (directory / "bench.html").write_text(BENCH_HTML)
    (directory / "bench-worker.js").write_text(BENCH_WORKER)
    (directory / "bench_run.py").write_text(BENCH_PY)


def run_in_chromium(directory, config, timeout_s, chromium):
    from playwright.sync_api import sync_playwright
    server = serve(directory)
    url = server.url + "bench.html#" + json.dumps(config).replace(" ", "")
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p, chromium)
            page = browser.new_page()
            page.on("console", lambda message: print("  [worker]", message.text, flush=True))
            page.goto(url)
            page.wait_for_function("window.benchResult !== undefined || window.benchError !== undefined",
                                   timeout=timeout_s * 1000, polling=500)
            error = page.evaluate("window.benchError")
            if error:
                sys.exit(f"the bench worker failed:\n{error}")
            result = json.loads(page.evaluate("window.benchResult"))
            browser.close()
    finally:
        server.close()
    return result


def main():
    ap = parser(__doc__)
    ap.add_argument("--image", default="astronaut.jpg", help="a file of site/images/")
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 256])
    ap.add_argument("--budgets", type=float, nargs="+", default=[2.0, 10.0])
    ap.add_argument("--models", nargs="+", default=MODELS)
    args = ap.parse_args()
    images = sorted(p.name for p in (ROOT / "site" / "images").glob("*.jpg"))
    config = {"image": args.image, "images": images, "sizes": args.sizes,
              "budgets": sorted(args.budgets), "models": args.models}
    total = (len(args.sizes) * len(args.models) + len(images)) * max(args.budgets) + 120
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        make_site(Path(tmp))
        started = time.perf_counter()
        result = run_in_chromium(Path(tmp), config, int(total * 2 + 300), args.chromium)
        print(f"(the worker ran for {time.perf_counter() - started:.0f} s)")

    budgets = config["budgets"]
    header = "".join(f" | PSNR@{b:g}s (epochs)  " for b in budgets)
    print(f"\nHeadless Chromium, Pyodide; image {args.image}, centre square; defaults of every model")
    for size in args.sizes:
        print(f"\n{size}x{size}\nmodel  | mode | lr      | build s{header}")
        for row in (r for r in result["sessions"] if r["size"] == size):
            cells = "".join(f" | {p:6.2f} dB ({e:>8d})" for p, e in row["points"])
            print(f"{row['model']:6} | {row['mode']:4} | {row['lr']:<7g} | {row['build']:7.3f}{cells}")
    if result["rff_images"]:
        print("\nrff defaults at 128x128 on every bundled photo")
        print("image          " + "".join(f" | PSNR@{b:g}s " for b in budgets))
        for row in result["rff_images"]:
            print(f"{row['image']:14}" + "".join(f" | {p:7.2f} dB" for p, _ in row["points"]))
        print("\nrff held-out at 128x128 (train on a random half of the pixels, score the other half)")
        print("sigma | solve() s | train dB | held-out dB | GD lr 1, 2 s: epochs | train dB | held-out dB")
        for r in result["held_out"]:
            print(f"{r['sigma']:5g} | {r['solve_s']:9.2f} | {r['train']:8.2f} | {r['held_out']:11.2f} | "
                  f"{r['gd_epochs']:20d} | {r['gd_train']:8.2f} | {r['gd_held_out']:11.2f}")
    print("\ndct solve() at 256x256 (best of 3)\n   k | solve ms | PSNR dB")
    for r in result["dct"]:
        print(f"{r['k']:4d} | {1000 * r['solve_s']:8.1f} | {r['psnr']:7.2f}")


if __name__ == "__main__":
    main()
