"""TensorFlow.js in the worker (site/js/worker/tf.js), in headless Chromium under the page's own CSP.

A probe page (the page's Content-Security-Policy meta, copied from site/index.html) starts a module
worker that imports tf.js, as the page's worker will: TF.js must load without eval or blob: scripts,
pick a backend with a reason, and compute. The page itself must not download any of dist/tf/; under the
service worker, dist/tf/ is cached on first use and works offline afterwards.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import READY_TIMEOUT_MS, ROOT, PageRecorder, Server, build
from pagehelpers import wait_for

PROBE_PAGE = """<!doctype html>
<html><head>{csp}<link rel="icon" href="favicon.svg"><title>tf probe</title><script type="module" src="tf-probe.js"></script></head>
<body></body></html>
"""
PROBE_SCRIPT = """
if (location.hash === '#sw') {  // under the site's service worker, as the page is
  await navigator.serviceWorker.register('sw.js');
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
  }
  // as the page does once Python is up (offline.js): the worker fetches the build's files it lacks
  const { active } = await navigator.serviceWorker.ready;
  const filled = await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    active.postMessage('FILL', [channel.port2]);
  });
  if (filled !== 'ok') throw new Error(`FILL: ${filled}`);
}
const worker = new Worker(new URL('./js/worker/tf-probe-worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (e) => { document.body.dataset.result = JSON.stringify(e.data); };
"""
# Python in Pyodide driving TF.js in the same worker (the wiring to come): painting.tfnets against nets.
PY_PROBE_WORKER = """
import { loadTf } from './tf.js';
const PYODIDE_DIR = new URL('../../pyodide/', import.meta.url).href;
try {
  const { backend } = await loadTf();
  const { loadPyodide } = await import(PYODIDE_DIR + 'pyodide.mjs');
  const py = await loadPyodide({ indexURL: PYODIDE_DIR });
  await py.loadPackage(['numpy'], { messageCallback: () => {} });
  const zip = await (await fetch(new URL('../../py/painting.zip', import.meta.url))).arrayBuffer();
  py.unpackArchive(zip, 'zip', { extractDir: py.runPython('import site; site.getsitepackages()[0]') });
  postMessage({ backend, ...JSON.parse(py.runPython(self.name)) });
} catch (e) {
  postMessage({ error: String(e) });
}
"""
PY_PROBE = """
import json, time
import numpy as np
from painting import nets, tfnets
y, x = np.mgrid[0:64, 0:64] / 64
target = np.stack([0.5 + 0.4 * np.sin(6 * x + 2 * y), 0.5 + 0.3 * np.cos(9 * y), x * y], axis=2)  # (64, 64, 3)
a = tfnets.MLPModel(target, seed=1, learning_rate=1e-3)
b = nets.MLPModel(target, seed=1, learning_rate=1e-3)
a.step_batches(20)
b.step_batches(20)
diff = max(float(np.abs(p - q).max() / np.abs(q).max()) for p, q in zip(a.parameters(), b.parameters()))
ms = {}
for name, model in (("tf", a), ("numpy", b)):
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        model.step_batches(5)
        best = min(best, (time.perf_counter() - t) / 5 * 1e3)
    ms[name] = best
json.dumps({"diff": diff, "cost": [a.cost(), b.cost()], "step_ms": ms, "backend_py": tfnets.backend()})
"""
PY_PROBE_SCRIPT = """
const worker = new Worker(new URL('./js/worker/tf-probe-py-worker.js', import.meta.url), { type: 'module', name: PY });
worker.onmessage = (e) => { document.body.dataset.result = JSON.stringify(e.data); };
"""

PROBE_WORKER = """
import { loadTf } from './tf.js';
const violations = [];
self.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
try {
  const first = await loadTf();
  const again = await loadTf();
  const tf = first.tf;
  const y = tf.tidy(() => Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync()));
  postMessage({ backend: first.backend, adapter: first.adapter, reason: first.reason, y, active: tf.getBackend(),
                same: again === first, global: globalThis.tf === tf, violations });
} catch (e) {
  postMessage({ error: String(e), violations });
}
"""


@pytest.fixture(scope="module")
def probe_server(site, tmp_path_factory):
    root = tmp_path_factory.mktemp("tfprobe") / "dist"
    shutil.copytree(site, root)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', (ROOT / "site" / "index.html").read_text())
    assert csp, "site/index.html has no Content-Security-Policy meta"
    (root / "tf-probe.html").write_text(PROBE_PAGE.format(csp=csp.group(0)))
    (root / "tf-probe.js").write_text(PROBE_SCRIPT)
    (root / "tf-probe-py.html").write_text(PROBE_PAGE.format(csp=csp.group(0)).replace("tf-probe.js", "tf-probe-py.js"))
    (root / "tf-probe-py.js").write_text(PY_PROBE_SCRIPT.replace("name: PY", f"name: {json.dumps(PY_PROBE)}"))
    (root / "js" / "worker" / "tf-probe-py-worker.js").write_text(PY_PROBE_WORKER)
    (root / "js" / "worker" / "tf-probe-worker.js").write_text(PROBE_WORKER)
    shutil.copy(ROOT / "site" / "sw.js", root / "sw.js")
    build.stamp_service_worker(root)  # the probe's own files are precached too
    srv = Server(root)
    yield srv
    srv.close()


def probe(page, url=None):
    """The probe's result at url (None: reload the page: a new document, a new worker)."""
    if url is None:
        page.reload()
    else:
        page.goto(url)
    wait_for(page, "() => document.body.dataset.result !== undefined", timeout=READY_TIMEOUT_MS)
    return json.loads(page.evaluate("document.body.dataset.result"))


def test_worker_loads_tfjs_under_the_csp_and_picks_a_backend(browser, probe_server):
    rec = PageRecorder(browser.new_context())
    missing = []
    rec.page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    try:
        result = probe(rec.page, probe_server.url + "tf-probe.html")
        assert "error" not in result, result
        assert result["violations"] == [] and rec.errors == [] and missing == [], (result, rec.errors, missing)
        assert result["y"] == [17, 39]
        assert result["same"] and result["global"]  # one load; Python reaches it as js.tf
        assert result["backend"] == result["active"] in ("webgpu", "webgl", "wasm", "cpu")
        print(f"\nTF.js backend: {result['backend']} ({result['reason']})")
        if result["backend"] == "wasm":  # headless Chromium here: no hardware GPU
            assert result["adapter"].startswith("WebAssembly SIMD") and "one thread" in result["adapter"]
            assert any(r.endswith("/tf/tfjs-backend-wasm-simd.wasm") for r in rec.requests), rec.requests
            assert "WebGL" in result["reason"] or "WebGPU" in result["reason"]  # says why not the GPU
        tf_files = sorted({r.rsplit("/", 1)[1] for r in rec.requests if "/tf/" in r})
        assert "tf.min.js" in tf_files and "tfjs-backend-wasm-threaded-simd.wasm" not in tf_files, tf_files
        if result["backend"] != "webgpu":
            assert "tf-backend-webgpu.min.js" not in tf_files, tf_files
    finally:
        rec.close()


def test_the_page_does_not_download_tfjs(recorder, server):
    assert recorder.goto_and_wait(server.url) == "ready"
    assert [r for r in recorder.requests if "/tf/" in r] == []


def test_tfjs_is_cached_on_first_use_and_works_offline(browser, probe_server):
    rec = PageRecorder(browser.new_context())
    try:
        first = probe(rec.page, probe_server.url + "tf-probe.html#sw")
        assert "error" not in first and first["y"] == [17, 39], first
        cached = rec.page.evaluate("""async () => {
          const out = {};
          for (const name of await caches.keys()) {
            out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
          }
          return out;
        }""")
        lazy = [name for name in cached if name.startswith("regression-painter-lazy ")]
        assert len(lazy) == 1, cached
        assert "/tf/tf.min.js" in cached[lazy[0]] and "/tf/tf-backend-wasm.min.js" in cached[lazy[0]], cached
        precache = [name for name in cached if name.startswith("regression-painter ")]
        assert precache and not any("/tf/" in path for name in precache for path in cached[name]), cached
        rec.context.set_offline(True)
        again = probe(rec.page)
        assert "error" not in again and again["y"] == [17, 39] and again["backend"] == first["backend"], again
    finally:
        rec.close()


def test_python_in_the_worker_trains_the_tf_network_like_numpy(browser, probe_server):
    rec = PageRecorder(browser.new_context())
    try:
        result = probe(rec.page, probe_server.url + "tf-probe-py.html")
        assert "error" not in result and rec.errors == [], (result, rec.errors)
        assert result["backend_py"] == result["backend"]
        assert result["diff"] < 1e-3, result  # 20 Adam steps, relative to each array's largest entry
        assert result["cost"][0] == pytest.approx(result["cost"][1], rel=1e-3)
        print(f"\nmlp step at batch 256 in the worker ({result['backend']}): {result['step_ms']}")
    finally:
        rec.close()
