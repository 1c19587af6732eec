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

import numpy as np
import pytest
from conftest import ROOT, Server
from pagehelpers import (READY_TIMEOUT_MS, PageRecorder, assert_screen_agrees, canvas_rgba, download, load_params,
                         open_page, psnr, read_psnr, recorded_pages, set_log_slider, wait_for, wait_settled,
                         wait_until)
from sitebuild.service_worker import stamp_service_worker

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
import json
import numpy as np
from painting import nets, tfnets
y, x = np.mgrid[0:64, 0:64] / 64
target = np.stack([0.5 + 0.4 * np.sin(6 * x + 2 * y), 0.5 + 0.3 * np.cos(9 * y), x * y], axis=2)  # (64, 64, 3)
a = tfnets.MLPModel(target, seed=1, learning_rate=1e-3)
b = nets.MLPModel(target, seed=1, learning_rate=1e-3)
a.step_batches(20)
b.step_batches(20)
diff = max(float(np.abs(p - q).max() / np.abs(q).max()) for p, q in zip(a.parameters(), b.parameters()))
json.dumps({"diff": diff, "cost": [a.cost(), b.cost()], "backend_py": tfnets.backend()})
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
    stamp_service_worker(root)  # the probe's own files are precached too
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
    finally:
        rec.close()


# ------------------------------------------------------------------------------------ the page
# The networks run on TensorFlow.js by default (here headless Chromium with --disable-gpu: wasm), chosen
# with #backend (URL key backend), one backend forced with the URL key tf.
TF_STATE = """() => ({backend: document.body.dataset.tfBackend, select: document.getElementById('backend').value,
  line: document.getElementById('backend-hint').textContent, model: document.body.dataset.model,
  knobs: JSON.parse(document.getElementById('knobs-a').dataset.knobs || '{}'),
  message: document.getElementById('message').hidden ? '' : document.getElementById('message-text').textContent})"""


@pytest.fixture
def painter(browser, server):
    """painter(address) -> a settled page at server.url + address; its console must stay free of errors."""
    yield from recorded_pages(lambda address: open_page(browser, server.url + address, settled=True))


def tf_state(page):
    return page.evaluate(TF_STATE)


def tensors(page):
    """tf.memory().numTensors in the page's worker, or None where TensorFlow.js is not loaded."""
    for worker in page.workers:
        count = worker.evaluate("() => globalThis.tf ? globalThis.tf.memory().numTensors : null")
        if count is not None:
            return count
    return None


def step(page, times=1):
    for _ in range(times):
        page.click("#step")
        wait_settled(page)


def train_a_little(page, epoch):
    """Start, wait until #epoch passes `epoch`, Pause; -> the epoch shown, once settled."""
    page.click("#start")
    wait_for(page, "e => Number(document.getElementById('epoch').textContent) > e", epoch, timeout=120_000)
    page.click("#start")
    return assert_screen_agrees(page)


def test_a_network_runs_on_tensorflow_by_default_and_pause_shows_its_canvas(painter):
    page = painter("#model=mlp&size=32&epochs-per-frame=1")
    state = tf_state(page)
    assert state["select"] == "tensorflow" and state["backend"] == "wasm", state
    assert state["line"].startswith("TensorFlow.js on wasm (WebAssembly SIMD, one thread"), state
    assert state["knobs"]["batch_size"] == 256, state  # wasm: the knob's default (a GPU would take 1024)
    last = assert_screen_agrees(page)
    before = read_psnr(page)
    counts = []
    for _ in range(3):
        epoch = train_a_little(page, last)
        assert epoch > last and page.evaluate("document.body.dataset.status") == "paused"
        last = epoch
        counts.append(tensors(page))
    assert counts[0] == counts[1] == counts[2] > 0, counts  # no tensor left behind per slice or frame
    step(page)  # a Step's frame is the state it ends at, too
    assert_screen_agrees(page)
    train_a_little(page, 15)  # 60 Adam steps: it learns
    assert read_psnr(page) > before + 1
    assert tensors(page) == counts[0]


def test_the_select_moves_a_network_between_engines_with_its_settings(painter):
    page = painter("#model=mlp&size=32&width=24&epochs-per-frame=1")
    assert tf_state(page)["backend"] == "wasm"
    step(page, 2)
    tf_psnr = read_psnr(page)
    assert tensors(page) > 0
    page.select_option("#backend", "numpy")
    wait_for(page, "() => document.body.dataset.tfBackend === '' && location.hash.includes('backend=numpy')")
    wait_settled(page)
    state = tf_state(page)
    assert state["knobs"]["width"] == 24 and state["model"] == "mlp", state  # the pane's settings kept
    assert page.text_content("#epoch") == "0" and state["line"].startswith("The networks run in Python"), state
    assert tensors(page) == 0  # the TensorFlow.js session was disposed
    step(page, 2)
    # the same seed, the same batches: numpy trains the same network to (nearly) the same picture
    assert read_psnr(page) == pytest.approx(tf_psnr, abs=0.05)
    page.select_option("#backend", "tensorflow")
    wait_for(page, "() => document.body.dataset.tfBackend === 'wasm'")
    wait_settled(page)
    assert "backend=tensorflow" in page.evaluate("location.hash")  # chosen: the link carries it
    assert page.text_content("#epoch") == "0"
    step(page)
    assert_screen_agrees(page)


def test_a_linear_model_never_loads_tensorflow(painter):
    page = painter("#model=rff&size=32&backend=tensorflow")
    state = tf_state(page)
    assert state["backend"] == "" and state["select"] == "tensorflow", state
    assert "other models always run on numpy" in state["line"], state
    assert tensors(page) is None  # TensorFlow.js not even loaded


def test_a_forced_backend_that_cannot_start_leaves_the_networks_on_numpy(painter):
    page = painter("#model=mlp&size=32&tf=webgpu")  # --disable-gpu: no WebGPU adapter here
    state = tf_state(page)
    assert state["select"] == "numpy" and state["backend"] == "", state
    assert "TensorFlow.js did not load" in state["message"] and "webgpu" in state["message"], state
    assert "did not load" in state["line"], state
    step(page)
    assert_screen_agrees(page)
    assert read_psnr(page) > 5


@pytest.mark.parametrize("backend", ["wasm", "cpu"])
def test_a_forced_backend_trains_the_network(painter, backend):
    page = painter(f"?backend=tensorflow&tf={backend}#model=mlp&size=32")
    assert tf_state(page)["backend"] == backend
    before = read_psnr(page)
    step(page, 2)
    assert read_psnr(page) > before
    assert_screen_agrees(page)


def test_save_and_load_parameters_of_a_tensorflow_network(painter):
    page = painter("#model=siren&size=32")
    assert tf_state(page)["backend"] == "wasm"
    step(page, 2)
    learned, epoch = canvas_rgba(page, "learned"), page.text_content("#epoch")
    _, data = download(page, "#save-params")
    saved = json.loads(data)
    assert saved["model"] == "siren" and str(saved["epoch"]) == epoch
    page.click("#reset")
    wait_for(page, "() => document.getElementById('epoch').textContent === '0'")
    wait_settled(page)
    assert not np.array_equal(canvas_rgba(page, "learned"), learned)
    load_params(page, "siren.json", data)
    wait_settled(page)
    assert np.array_equal(canvas_rgba(page, "learned"), learned) and page.text_content("#epoch") == epoch
    assert tf_state(page)["backend"] == "wasm"
    step(page)  # and it trains on from there, on TensorFlow.js
    assert float(page.text_content("#epoch")) > float(epoch)
    assert_screen_agrees(page)


def test_compare_a_tensorflow_network_with_a_numpy_model(painter):
    page = painter("#model=mlp&size=32&compare=1&model-b=rff")
    assert tf_state(page)["backend"] == "wasm"
    before = read_psnr(page), float(page.text_content("#psnr-b").removesuffix(" dB"))
    step(page, 2)
    after = read_psnr(page), float(page.text_content("#psnr-b").removesuffix(" dB"))
    assert after[0] > before[0] and after[1] > before[1], (before, after)
    assert_screen_agrees(page)
    page.click("#compare")  # B gone: a is still on TensorFlow.js
    wait_settled(page)
    assert tf_state(page)["backend"] == "wasm"


def test_inside_view_hidden_pixels_and_zoom_with_a_tensorflow_network(painter, browser, server):
    page = painter("#model=mlp&size=32&view=inside")
    assert tf_state(page)["backend"] == "wasm"
    inside_tf = canvas_rgba(page, "learned")
    numpy_page = painter("#model=mlp&size=32&view=inside&backend=numpy")
    assert tf_state(numpy_page)["backend"] == ""
    inside_np = canvas_rgba(numpy_page, "learned")
    assert inside_tf.shape == inside_np.shape  # the same neurons, the same initial weights
    assert np.abs(inside_tf.astype(int) - inside_np.astype(int)).max() <= 2
    page.select_option("#view", "learned")
    page.select_option("#holdout", "0.5")
    wait_for(page, "() => !document.getElementById('psnr-hidden-row').hidden")
    wait_settled(page)
    assert tf_state(page)["backend"] == "wasm"
    step(page, 2)
    seen, hidden = read_psnr(page), float(page.text_content("#psnr-hidden").removesuffix(" dB"))
    assert page.text_content("#epoch") == page.evaluate("document.getElementById('learned').dataset.epoch")
    # half the pixels hidden: the whole canvas's squared error is the mean of the seen and the hidden ones'
    mse = lambda db: 10 ** (-db / 10)  # noqa: E731  (relative to 255^2)
    whole = psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target"))
    assert mse(whole) == pytest.approx((mse(seen) + mse(hidden)) / 2, rel=0.05), (whole, seen, hidden)
    page.select_option("#zoom", "2")
    wait_for(page, "() => document.getElementById('learned').width === 64")
    wait_settled(page)
    zoomed = canvas_rgba(page, "learned")
    assert zoomed.shape == (64, 64, 4) and zoomed[..., :3].std() > 5


@pytest.fixture(scope="module")
def gpu_browser(browser):
    """Chromium with its software GPU on (SwiftShader for WebGL, and WebGPU through --enable-unsafe-webgpu):
    correct and slow; the page skips it unless the link forces it (tf=webgl, tf=webgpu)."""
    from conftest import CHROMIUM, CHROMIUM_ARGS
    args = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"]
    args += ["--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"]
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=args)  # the session's Playwright
    yield b
    b.close()


@pytest.mark.parametrize("backend", ["webgl", "webgpu"])
def test_a_forced_gpu_backend_trains_the_network_with_its_bigger_batch(gpu_browser, server, backend):
    rec = open_page(gpu_browser, server.url + f"?backend=tensorflow&tf={backend}#model=mlp&size=32", settled=True)
    try:
        page = rec.page
        state = tf_state(page)
        if state["backend"] != backend:
            assert state["select"] == "numpy" and "did not load" in state["message"], state  # said, not hidden
            pytest.skip(f"{backend} does not start in this headless Chromium: {state['message']}")
        assert state["knobs"]["batch_size"] == 1024, state  # tfnets.DEFAULT_BATCH
        assert page.text_content("#knob-batch_size-value") == "1,024"  # and the slider shows it
        assert state["line"].startswith(f"TensorFlow.js on {backend}"), state
        before = read_psnr(page)
        train_a_little(page, 8)  # one Adam step an epoch at 32 x 32: a few epochs
        assert read_psnr(page) > before
        assert rec.errors == [], rec.errors
    finally:
        rec.close()


def test_the_page_answers_while_tensorflow_loads(painter):
    """TensorFlow.js held back on the wire: the page says it is loading, a new rate is confirmed by the
    worker meanwhile, Start is queued and unqueued; once it arrives, a queued Start trains on it."""
    page = painter("#model=onehot&size=32")
    held = []
    page.context.route("**/tf/tf.min.js", lambda route: held.append(route))
    page.select_option("#model", "mlp")
    wait_for(page, "() => document.getElementById('status-note').textContent === 'Loading TensorFlow.js…'"
                   " && document.getElementById('backend-hint').textContent === 'Loading TensorFlow.js…'")
    # the route's callback runs inside a Playwright call: make one until the request is held
    wait_until(lambda: page.evaluate("0") or held, 30_000, what=lambda: "the page did not ask for TensorFlow.js")
    rate = float(page.evaluate("document.body.dataset.learningRate"))
    set_log_slider(page, "lr", rate / 2)
    wait_for(page, "r => Math.abs(Number(document.body.dataset.learningRate) - r) < 1e-9", rate / 2)
    page.click("#start")
    assert page.text_content("#start") == "Starting…"
    page.click("#start")  # pressed again: not queued any more
    assert page.text_content("#start") != "Starting…"
    page.click("#start")
    for route in held:
        route.continue_()
    wait_for(page, "() => document.body.dataset.status === 'training'", timeout=120_000)
    assert tf_state(page)["backend"] == "wasm"
    page.click("#start")
    assert_screen_agrees(page)
