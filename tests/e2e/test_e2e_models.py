"""The model picker, knob controls, closed-form solve, compare mode, the 2017 preset and the URL, in a real
Chromium with the real Pyodide. Pixels are read back with getImageData and scored independently.

The tests share one page (booting Python once) and run in file order; each leaves it paused or ready.
"""
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from pagehelpers import (canvas_rgba, open_page, pause_if_training, psnr, read_epoch, read_int, read_psnr,
                         set_log_slider, wait_for, wait_settled, wait_status)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "py"))
from painting.session import Session, rgba_to_rgb  # noqa: E402  (the oracle for the 2017 preset)


@pytest.fixture(scope="module")
def painter(browser, server):
    rec = open_page(browser, server.url)
    yield rec
    assert rec.errors == [], rec.errors
    rec.close()


def wait_ready(page, model=None, timeout=60_000):
    wait_for(page, "m => document.body.dataset.status === 'ready' && (!m || document.body.dataset.model === m)"
             " && document.getElementById('epoch').textContent === '0'", model, timeout=timeout)


def pick_model(page, name):
    page.select_option("#model", name)
    wait_ready(page, name)


def confirmed_knobs(page, pane="a"):
    import json
    text = page.evaluate("id => document.getElementById(id).dataset.knobs", f"knobs-{pane}")
    return json.loads(text)


def set_knob(page, control_id, value, log=False):
    """A knob slider/select as a user would set it: the value, then `change` (knobs apply on release)."""
    page.evaluate(
        """([id, v]) => {
            const el = document.getElementById(id);
            el.value = String(v);
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true}));
        }""", [control_id, math.log10(value) if log else value])


def train_until(page, min_epoch):
    """Start, wait until epoch >= min_epoch (or done), pause, wait until the final frame is drawn."""
    page.click("#start")
    wait_for(page, "n => Number(document.getElementById('epoch').textContent) >= n"
             " || document.body.dataset.status === 'done'", min_epoch, timeout=180_000)
    pause_if_training(page)
    wait_for(page, "() => ['paused', 'done'].includes(document.body.dataset.status)")
    wait_settled(page)


def test_knob_controls_follow_the_model(painter):
    page = painter.page
    assert page.evaluate("document.getElementById('model').value") == "onehot"
    assert page.is_visible("#knob-init_noise")
    assert confirmed_knobs(page) == {"init_noise": 0}
    pick_model(page, "rff")
    assert page.query_selector("#knob-init_noise") is None
    for knob in ("solver", "batch_size", "sigma", "features"):
        assert page.is_visible(f"#knob-{knob}"), knob
    assert page.evaluate("document.getElementById('knob-solver').tagName") == "SELECT"  # a knob with choices
    # each model starts at its own default rate (rff: 1e-3) and the slider shows it
    assert float(page.evaluate("document.body.dataset.learningRate")) == pytest.approx(1e-3)
    assert page.text_content("#lr-value") == "1.00e-3"
    assert confirmed_knobs(page)["features"] == 16384  # a log slider keeps the exact integer default
    set_knob(page, "knob-sigma", 4, log=True)
    wait_for(page, "() => JSON.parse(document.getElementById('knobs-a').dataset.knobs).sigma === 4")
    assert "sigma=4" in page.evaluate("location.hash")
    # the explanation puts the current model's part first and marks it
    current = page.evaluate("[...document.querySelectorAll('#explain li[data-current]')].map(e => e.dataset.topic)")
    assert current == ["rff"]


# model -> (epochs per frame, epochs to reach, PSNR floor dB, PSNR ceiling dB)
TRAINING = {
    "onehot": (1000, 20_000, 30, None),  # the error shrinks by (1 - 1/M) an epoch: 28.5 dB at 8,400 (64 x 64)
    "plane": (100, 500, 8, 16),    # a colour plane: it cannot paint the photo, whatever the training
    "poly": (100, 500, 12.5, None),  # degree 6: smooth blobs, a little better than the plane
    "rff": (10_000, 100_000, 24, None),
    "dct": (100, 200, 24, None),
    "mlp": (2, 20, 13, None),
    "siren": (2, 20, 18, None),
}


@pytest.mark.parametrize("model", list(TRAINING))
def test_each_model_trains(painter, model):
    page = painter.page
    per_frame, min_epoch, floor, ceiling = TRAINING[model]
    pick_model(page, model)
    set_log_slider(page, "epochs-per-frame", per_frame)
    before = psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target"))
    train_until(page, min_epoch)
    epoch = read_epoch(page)
    measured = psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target"))
    print(f"{model}: epoch {epoch}, PSNR {before:.1f} -> {measured:.1f} dB")
    assert epoch >= min_epoch or painter.status() == "done"  # done: the cost fell below the threshold
    assert measured > floor
    assert abs(read_psnr(page) - min(measured, 100.0)) < 0.1  # Python reports an exact match as 100 dB
    if ceiling is not None:
        assert measured < ceiling


def test_solve_jumps_dct_to_the_exact_answer(painter):
    page = painter.page
    pick_model(page, "dct")
    set_knob(page, "knob-k", 63, log=True)  # all but the highest frequency per axis
    wait_for(page, "() => JSON.parse(document.getElementById('knobs-a').dataset.knobs).k === 63"
             " && document.body.dataset.status === 'ready'")
    assert psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target")) < 15
    assert page.is_enabled("#solve")
    page.click("#solve")
    wait_for(page, "() => document.body.dataset.status === 'paused'")
    wait_settled(page)
    assert page.text_content("#epoch") == "0"  # no training: the answer was computed
    assert psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target")) > 35


def test_networks_have_no_solve_button(painter):
    page = painter.page
    pick_model(page, "mlp")
    assert not page.is_enabled("#solve")
    assert "no closed-form answer" in page.text_content("#solve-hint")
    assert page.is_visible("#knob-width") and page.is_visible("#knob-encoding")
    # the default encoding is gaussian: its m and sigma are shown, the positional scale is not
    assert page.evaluate("document.getElementById('knob-encoding').value") == "3"
    assert page.is_visible("#knob-features") and page.is_visible("#knob-sigma")
    assert not page.is_visible("#knob-scale")
    set_knob(page, "knob-encoding", 2)  # positional
    wait_for(page, "() => JSON.parse(document.getElementById('knobs-a').dataset.knobs).encoding === 2"
             " && document.body.dataset.status === 'ready'")
    assert page.is_visible("#knob-features") and page.is_visible("#knob-scale")
    assert not page.is_visible("#knob-sigma")
    assert "encoding=positional" in page.evaluate("location.hash")
    set_knob(page, "knob-encoding", 3)
    wait_for(page, "() => JSON.parse(document.getElementById('knobs-a').dataset.knobs).encoding === 3"
             " && document.body.dataset.status === 'ready'")


def test_compare_mode_trains_two_models_side_by_side(painter):
    page = painter.page
    pick_model(page, "onehot")
    set_log_slider(page, "epochs-per-frame", 20)
    page.check("#compare")
    wait_for(page, "() => document.body.dataset.status === 'ready'"
             " && document.getElementById('epoch-b').textContent === '0'")
    assert page.is_visible("#learned-b") and page.is_visible("#model-b")
    assert page.evaluate("document.getElementById('model-b').value") == "rff"
    assert page.is_visible("#knob-b-sigma") or page.query_selector("#knob-b-sigma") is not None
    assert "compare=1" in page.evaluate("location.hash")
    page.click("#start")
    wait_for(page, "() => Number(document.getElementById('epoch').textContent) >= 100"
             " && Number(document.getElementById('epoch-b').textContent) >= 200", timeout=60_000)
    first = (read_epoch(page), read_epoch(page, "#epoch-b"))
    wait_for(page, "f => Number(document.getElementById('epoch').textContent) > f[0]"
             " && Number(document.getElementById('epoch-b').textContent) > f[1]", list(first), timeout=30_000)
    pause_if_training(page)
    wait_for(page, "() => ['paused', 'done'].includes(document.body.dataset.status)")
    wait_settled(page)
    a, b, target = canvas_rgba(page, "learned"), canvas_rgba(page, "learned-b"), canvas_rgba(page, "target")
    assert a.shape == b.shape == target.shape
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 1, "the two models painted the same pixels"
    assert page.text_content("#psnr-b").endswith(" dB") and page.text_content("#cost-b") != "–"
    assert abs(float(page.text_content("#psnr-b")[:-3]) - psnr(b, target)) < 0.1
    # Reset acts on both
    page.click("#reset")
    wait_for(page, "() => document.getElementById('epoch').textContent === '0'"
             " && document.getElementById('epoch-b').textContent === '0'")
    page.uncheck("#compare")
    wait_for(page, "() => document.body.dataset.status === 'ready'")
    assert not page.is_visible("#pane-b")
    # model B defaults to a model other than A: rff against onehot, onehot against anything else
    pick_model(page, "rff")
    page.check("#compare")
    wait_for(page, "() => document.body.dataset.status === 'ready'"
             " && document.getElementById('epoch-b').textContent === '0'")
    assert page.evaluate("document.getElementById('model-b').value") == "onehot"
    assert "model-b=onehot" in page.evaluate("location.hash")
    page.uncheck("#compare")
    wait_for(page, "() => document.body.dataset.status === 'ready'")


@pytest.mark.parametrize("hash_, model_b", [("#model=dct&compare=1", "onehot"),
                                            ("#model=dct&compare=1&model-b=dct", "dct")])
def test_compare_from_the_url_picks_model_b(browser, server, hash_, model_b):
    rec = open_page(browser, server.url + hash_)
    try:
        wait_for(rec.page, "() => document.getElementById('epoch-b').textContent === '0'")
        assert rec.page.evaluate("document.getElementById('model-b').value") == model_b
        assert rec.errors == [], rec.errors
    finally:
        rec.close()


def test_the_2017_preset(painter):
    page = painter.page
    page.click("#preset-2017")
    wait_ready(page, "onehot")
    values = page.evaluate("['size', 'mode', 'model', 'stop-cost'].map(id => document.getElementById(id).value)")
    assert values == ["28", "2017", "onehot", "1e-6"]
    assert page.text_content("#epochs-per-frame-value") == "5"
    assert float(page.evaluate("document.body.dataset.learningRate")) == 0.5
    assert confirmed_knobs(page) == {"init_noise": 1}
    assert "init_noise=1" in page.evaluate("location.hash")
    for n in (5, 10, 15):
        page.click("#step")
        wait_for(page, "n => document.body.dataset.status === 'paused'"
                 " && Number(document.getElementById('epoch').textContent) === n", n)
    wait_settled(page)
    epoch = read_int(page, "#epoch")
    assert epoch == 15
    target, learned = canvas_rgba(page, "target"), canvas_rgba(page, "learned")
    assert learned.shape == (28, 28, 4)
    # the oracle: the same Session in CPython, on the canvas's own target pixels
    oracle = Session(rgba_to_rgb(target.tobytes(), 28, 28), model="onehot", mode="2017", learning_rate=0.5,
                     init_noise=1)
    oracle.train(epoch)
    expected = oracle.frame()
    assert (np.abs(learned.astype(int) - expected.astype(int)) <= 1).mean() > 0.99
    assert psnr(learned, target) < 15  # early frames: the packed number's odd colours, not the photo
    # and back to the modern defaults
    page.click("#preset-modern")
    wait_ready(page, "onehot")
    assert page.evaluate("['size', 'mode'].map(id => document.getElementById(id).value)") == ["64", "rgb"]
    assert page.text_content("#epochs-per-frame-value") == "100"  # onehot's own suggestion
    assert confirmed_knobs(page) == {"init_noise": 0}


@pytest.mark.parametrize("old, encoding, name", [("0", 0, "none"), ("xy", 0, "none"), ("fourier", 3, "gaussian")])
def test_old_links_with_fourier_open_the_encoding(browser, server, old, encoding, name):
    rec = open_page(browser, server.url + f"#model=mlp&fourier={old}&features=256&size=32")
    try:
        page = rec.page
        wait_status(page, "ready")
        wait_for(page, "() => document.getElementById('knobs-a').dataset.knobs?.includes('encoding')")
        knobs = confirmed_knobs(page)
        assert knobs["encoding"] == encoding and knobs["features"] == 256 and "fourier" not in knobs
        assert page.evaluate("document.getElementById('knob-encoding').value") == str(encoding)
        assert page.is_visible("#knob-sigma") == (name == "gaussian")  # sigma is gaussian's alone
        hash_ = page.evaluate("location.hash")
        assert f"encoding={name}" in hash_ and "fourier" not in hash_, hash_
        assert rec.errors == [], rec.errors
    finally:
        rec.close()


def test_url_round_trip_keeps_model_and_knobs(browser, server):
    # features is clamped to the model's range (8..65536); init_noise belongs to another model
    rec = open_page(browser, server.url + "#model=rff&sigma=4&features=999999&lr=0.002&init_noise=1")
    try:
        page = rec.page
        assert page.evaluate("document.getElementById('model').value") == "rff"
        knobs = confirmed_knobs(page)
        assert knobs["sigma"] == 4 and knobs["features"] == 65536
        assert float(page.evaluate("document.body.dataset.learningRate")) == 0.002
        assert "init_noise" in page.text_content("#message-text")  # said, not silently dropped
        hash_ = page.evaluate("location.hash")
        for part in ("model=rff", "sigma=4", "features=65536", "lr=0.002"):
            assert part in hash_, hash_
        assert "init_noise" not in hash_
        page.reload()
        wait_status(page, "ready")
        assert confirmed_knobs(page)["features"] == 65536
        assert page.evaluate("location.hash") == hash_
        assert rec.errors == [], rec.errors
    finally:
        rec.close()
