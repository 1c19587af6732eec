"""The page in a real Chromium with the real Pyodide: one page, driven through a whole session.

The tests run in file order on the same page (booting Python once keeps the run short); each leaves
the page paused or ready for the next.
"""
import numpy as np
import pytest

from pagehelpers import (canvas_rgba, open_page, pause_if_training, psnr, read_cost, read_int, read_psnr,
                         set_log_slider, wait_for, wait_settled, wait_status)

PSNR_FLOOR_DB = 25.0  # the default image at 64 x 64 passes 40 dB within ~10,000 epochs


@pytest.fixture(scope="module")
def painter(browser, server):
    rec = open_page(browser, server.url)
    rec.initial_learned = canvas_rgba(rec.page, "learned")
    yield rec
    rec.close()


def step_once(page):
    """Click Step and wait until its chunk has landed (status paused or done again)."""
    before = read_int(page, "#epoch")
    page.click("#step")
    wait_for(page, "before => ['paused', 'done'].includes(document.body.dataset.status)"
             " && Number(document.getElementById('epoch').textContent) !== before"
             " || !document.getElementById('message').hidden"
             " && document.getElementById('message').dataset.tone === 'error'", before)
    wait_settled(page)


def reset(page):
    page.click("#reset")
    wait_for(page, "() => document.body.dataset.status === 'ready'"
             " && document.getElementById('epoch').textContent === '0'")
    wait_settled(page)


def set_rate(page, rate):
    set_log_slider(page, "lr", rate)
    wait_for(page, "r => Number(document.body.dataset.learningRate) === r", rate, timeout=10_000)


def test_ready_shows_target_and_epoch_zero(painter):
    page = painter.page
    target = canvas_rgba(page, "target")
    assert target.shape == (64, 64, 4)
    assert target[..., :3].std() > 20, "the target canvas holds no photograph"
    assert (target[..., 3] == 255).all()
    assert painter.initial_learned.shape == (64, 64, 4)
    assert page.text_content("#epoch") == "0"
    assert page.text_content("#start") == "Start"
    # the default model's own suggestion: slow enough to watch the 2017 model paint
    assert page.text_content("#epochs-per-frame-value") == "100"
    assert read_psnr(page) < 15, "epoch 0 should look nothing like the target"


def test_training_raises_psnr_above_floor(painter):
    page = painter.page
    set_log_slider(page, "epochs-per-frame", 1000)
    page.click("#start")
    # 60,000 epochs a second: the photo may be done before the status is read (read with the label, at once)
    status, label = page.evaluate("[document.body.dataset.status, document.getElementById('start').textContent]")
    assert (status, label) in (("training", "Pause"), ("done", "Continue"))
    wait_for(page, "() => Number(document.getElementById('epoch').textContent) >= 10000"
             " || document.body.dataset.status === 'done'", timeout=180_000)
    pause_if_training(page)
    wait_status(page, "paused", "done")
    wait_settled(page)
    learned, target = canvas_rgba(page, "learned"), canvas_rgba(page, "target")
    measured = psnr(learned, target)
    assert measured > PSNR_FLOOR_DB
    assert measured > psnr(painter.initial_learned, target) + 15
    # the readout (computed by Python) agrees with this independent computation
    assert abs(read_psnr(page) - measured) < 0.1


def test_pause_freezes_epoch(painter):
    page = painter.page
    if painter.status() == "done":
        set_log_slider(page, "epochs-per-frame", 100)  # a few seconds to the stop threshold
        reset(page)
        page.click("#start")
        wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 0")
        assert pause_if_training(page), "done within the first frames at 100 epochs per frame"
    wait_status(page, "paused")
    wait_settled(page)
    assert page.text_content("#start") == "Continue"
    first = read_int(page, "#epoch")
    # a request the worker answers after the Pause (a new rate): a paused worker trained nothing meanwhile
    set_rate(page, 0.5)
    set_rate(page, 1.0)
    wait_settled(page)
    assert read_int(page, "#epoch") == first
    assert painter.status() == "paused"


def test_step_advances_exactly_epochs_per_frame(painter):
    page = painter.page
    for epochs in (100, 20_000):
        set_log_slider(page, "epochs-per-frame", epochs)
        assert page.text_content("#epochs-per-frame-value") == f"{epochs:,}"
        before = read_int(page, "#epoch")
        step_once(page)
        assert read_int(page, "#epoch") - before == epochs


def test_reset_returns_to_initial_state(painter):
    page = painter.page
    reset(page)
    assert np.array_equal(canvas_rgba(page, "learned"), painter.initial_learned)
    assert page.text_content("#start") == "Start"


def test_learning_rate_applies_live(painter):
    page = painter.page
    set_log_slider(page, "epochs-per-frame", 2000)
    set_rate(page, 0.01)
    assert page.text_content("#lr-value") == "0.01"
    step_once(page)
    slow = read_cost(page)
    step_once(page)
    slow_next = read_cost(page)
    set_rate(page, 1.0)  # no reset: the next chunk uses the new rate
    step_once(page)
    fast_next = read_cost(page)
    assert read_int(page, "#epoch") == 6000
    # at rate 1 the same 2000 epochs cut the cost by far more than at 0.01
    assert fast_next / slow_next < 0.5 * (slow_next / slow), (slow, slow_next, fast_next)
    reset(page)


def test_too_large_rate_explodes_and_keeps_last_good_frame(painter):
    page = painter.page
    set_log_slider(page, "epochs-per-frame", 1000)
    step_once(page)
    good = canvas_rgba(page, "learned")
    good_epoch = read_int(page, "#epoch")
    set_rate(page, 10.0)
    page.click("#start")
    wait_for(page, "() => document.getElementById('message').dataset.kind === 'exploded'")
    wait_status(page, "paused")
    wait_settled(page)
    assert "exploded" in page.text_content("#message-text")
    assert page.is_visible("#message")
    assert read_int(page, "#epoch") == good_epoch
    assert np.array_equal(canvas_rgba(page, "learned"), good), "the learned canvas changed after the explosion"
    # recover: a sane rate trains on from the restored state
    set_rate(page, 1.0)
    step_once(page)
    assert read_int(page, "#epoch") == good_epoch + 1000
    assert not page.is_visible("#message")


def test_bad_stop_threshold_is_refused_and_page_keeps_working(painter):
    page = painter.page
    page.fill("#stop-cost", "-1")
    page.dispatch_event("#stop-cost", "change")
    assert page.is_visible("#message")
    assert "stop threshold" in page.text_content("#message-text")
    assert page.input_value("#stop-cost") == "1e-5"
    before = read_int(page, "#epoch")
    step_once(page)
    assert read_int(page, "#epoch") == before + 1000


def test_every_request_stays_on_the_local_server(painter, server):
    urls = painter.requests
    assert any(u.endswith("/pyodide/pyodide.asm.wasm") for u in urls), "worker requests are not recorded"
    assert any(u.endswith("/py/painting.zip") for u in urls)
    outside = [u for u in urls if not u.startswith(server.origin + "/") and not u.startswith("data:")]
    assert outside == []


def test_no_console_errors(painter):
    assert painter.errors == []
