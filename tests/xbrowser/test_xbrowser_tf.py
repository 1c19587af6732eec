"""A network on TensorFlow.js in Firefox ESR and WebKitGTK: the page's default choice there (wasm, as
their GPUs under Xvfb are software-rendered) loads, trains the MLP, and the canvas shows what Python
measured. Chromium's backends are tested in tests/e2e/test_e2e_tf.py.
"""
from __future__ import annotations

import pytest

from . import drivers
from .conftest import WANTED
from .drivers import wait_for
from .test_xbrowser import assert_no_errors, load_page, readout
from pagehelpers import canvas_rgba as canvas, psnr, wait_settled  # noqa: E402  (tests/e2e: see drivers.py)

pytestmark = [pytest.mark.cpython_only,
              pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning")]


@pytest.fixture(scope="module", params=[name for name in WANTED if name != "chromium"])
def tf_driver(request, tmp_path_factory):
    problem = drivers.missing(request.param)
    if problem:
        pytest.fail(problem, pytrace=False)
    downloads = tmp_path_factory.mktemp(f"downloads-tf-{request.param}")
    d = drivers.launch(request.param, 1280, 800, downloads)
    d.download_dir = downloads
    yield d
    d.close()


def test_a_network_trains_on_tensorflow_js(tf_driver, xserver):
    d = tf_driver
    load_page(d, xserver.url + "#model=mlp&size=32")
    wait_settled(d, timeout=240_000)
    state = d.eval("() => ({backend: document.body.dataset.tfBackend, select: document.getElementById('backend').value,"
                   " line: document.getElementById('backend-hint').textContent})")
    print(f"{d.name}: {state['line']}")
    assert state["select"] == "tensorflow" and state["backend"] in ("webgpu", "webgl", "wasm", "cpu"), state
    assert state["line"].startswith(f"TensorFlow.js on {state['backend']}"), state
    before = readout(d)["psnr_db"]
    for _ in range(3):
        d.click("#step")
        wait_for(d, "() => document.body.dataset.status === 'paused'", timeout=120, what="the step")
        wait_settled(d, timeout=240_000)
    r = readout(d)
    assert r["psnr_db"] > before, (before, r)
    measured = psnr(canvas(d, "learned"), canvas(d, "target"))
    assert abs(measured - r["psnr_db"]) < 0.1, (measured, r)  # the canvas is what Python measured
    assert_no_errors(d)
