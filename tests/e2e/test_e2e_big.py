"""1024 x 1024 in a real Chromium with the real Pyodide: onehot's frames and numbers at the largest size,
a zoom of blocks drawn at 1x and enlarged with crisp pixels, holdout and compare mode (two 1024 panes),
saved parameters loaded back, and an upload. Pixels are read back from the canvases and scored here.

One page (booting Python once), tests in file order; each leaves it paused or ready.
"""
import json

import numpy as np
import pytest

from pagehelpers import canvas_rgba, open_page, psnr, read_psnr, upload_rgb, wait_for, wait_settled

SIZE = 1024


@pytest.fixture(scope="module")
def painter(browser, server):
    # 20,000 epochs a frame: onehot needs about H * W epochs to paint a 1024 x 1024 photo
    rec = open_page(browser, server.url + f"#image=astronaut&size={SIZE}&model=onehot&epochs-per-frame=20000",
                    viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield rec
    assert rec.errors == [], rec.errors
    rec.close()


def train_a_while(page, until_epoch):
    """Start, wait until #epoch reaches until_epoch (or the run stops itself), pause, settle."""
    start = float(page.text_content("#epoch"))
    page.click("#start")
    wait_for(page, "([s, e]) => Number(document.getElementById('epoch').textContent) >= e"
             " || (document.body.dataset.status === 'done' && Number(document.getElementById('epoch').textContent) > s)",
             [start, until_epoch], timeout=120_000)
    if page.evaluate("document.body.dataset.status") == "training":
        page.click("#start")
    wait_for(page, "() => ['paused', 'done'].includes(document.body.dataset.status)")
    wait_settled(page)


def test_1024_is_offered_and_its_numbers_are_the_canvas(painter):
    page = painter.page
    assert str(SIZE) in page.evaluate("[...document.querySelectorAll('#size option')].map(o => o.value)")
    train_a_while(page, 600_000)
    learned, target = canvas_rgba(page, "learned"), canvas_rgba(page, "target")
    assert learned.shape == target.shape == (SIZE, SIZE, 4) and (learned[..., 3] == 255).all()
    shown = read_psnr(page)
    assert 13 < shown < 60  # a picture on its way
    assert shown == pytest.approx(psnr(learned, target), abs=0.1)
    assert page.get_attribute("#learned", "data-epoch") == page.text_content("#epoch")


def test_zoom_4_of_blocks_draws_the_1x_frame_enlarged(painter):
    page = painter.page
    before, shown = canvas_rgba(page, "learned"), page.text_content("#psnr")
    box = page.evaluate("() => { const r = document.getElementById('learned').getBoundingClientRect();"
                        " return [r.width, r.height]; }")
    page.select_option("#zoom", "4")
    wait_for(page, "() => document.getElementById('view-legend').textContent.includes('4× zoom')")
    wait_settled(page)
    after = canvas_rgba(page, "learned")
    assert after.shape == (SIZE, SIZE, 4) and np.array_equal(after, before)  # blocks: the 1x bytes ...
    assert page.evaluate("getComputedStyle(document.getElementById('learned')).imageRendering") == "pixelated"
    assert page.evaluate("() => { const r = document.getElementById('learned').getBoundingClientRect();"
                         " return [r.width, r.height]; }") == box  # ... in the same box: crisp pixels
    assert "block" in page.text_content("#view-legend") and page.text_content("#psnr") == shown
    train_a_while(page, float(page.text_content("#epoch")) + 300_000)  # and it trains on, zoomed
    assert read_psnr(page) == pytest.approx(psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target")), abs=0.1)
    page.select_option("#zoom", "1")
    wait_for(page, "() => !document.getElementById('view-legend').textContent.includes('zoom')")
    wait_settled(page)


def test_saved_parameters_load_back_at_1024(painter):
    page = painter.page
    learned, epoch = canvas_rgba(page, "learned"), page.text_content("#epoch")
    with page.expect_download(timeout=180_000) as info:
        page.click("#save-params")
    data = open(info.value.path(), "rb").read()
    saved = json.loads(data)
    assert (saved["height"], saved["width"], saved["model"]) == (SIZE, SIZE, "onehot")
    page.click("#reset")
    wait_for(page, "() => document.body.dataset.status === 'ready'"
             " && document.getElementById('epoch').textContent === '0'")
    wait_settled(page)
    assert not np.array_equal(canvas_rgba(page, "learned"), learned)
    page.set_input_files("#load-params", {"name": "big.json", "mimeType": "application/json", "buffer": data})
    wait_for(page, "() => document.getElementById('message-text').textContent.includes('big.json')", timeout=180_000)
    wait_settled(page)
    assert page.get_attribute("#message", "data-tone") == "info", page.text_content("#message-text")
    assert np.array_equal(canvas_rgba(page, "learned"), learned)
    assert page.text_content("#epoch") == epoch


def test_compare_mode_with_hidden_pixels_at_1024(painter):
    page = painter.page
    page.check("#compare")
    page.select_option("#holdout", "0.25")
    wait_for(page, "() => document.getElementById('learned-b').width === 1024"
             " && !document.getElementById('psnr-hidden-row').hidden")
    wait_settled(page)
    train_a_while(page, 300_000)
    target, hidden = canvas_rgba(page, "target"), canvas_rgba(page, "target-holdout")[..., 3] > 0
    assert abs(hidden.mean() - 0.25) < 0.01
    for learned_id, psnr_id, hidden_id in (("learned", "#psnr", "#psnr-hidden"),
                                          ("learned-b", "#psnr-b", "#psnr-hidden-b")):
        learned = canvas_rgba(page, learned_id)
        assert float(page.text_content(psnr_id)[:-3]) == pytest.approx(psnr(learned[~hidden], target[~hidden]),
                                                                       abs=0.1)
        assert float(page.text_content(hidden_id)[:-3]) == pytest.approx(psnr(learned[hidden], target[hidden]),
                                                                         abs=0.1)
    page.click("#reset")  # Reset in compare mode: both panes back to epoch 0, the page usable
    wait_for(page, "() => document.body.dataset.status === 'ready'"
             " && document.getElementById('epoch').textContent === '0'")
    wait_settled(page)


def test_an_upload_paints_at_1024(painter):
    page = painter.page
    page.uncheck("#compare")
    page.select_option("#holdout", "0")
    wait_for(page, "() => document.getElementById('psnr-hidden-row').hidden")
    wait_settled(page)
    rng = np.random.default_rng(0)
    photo = np.zeros((900, 1200, 3), np.uint8)  # non-square: the longest side becomes 1024
    photo[..., 0] = np.linspace(0, 255, 1200, dtype=np.uint8)[None, :]
    photo[..., 1] = rng.integers(0, 256, (900, 1200), dtype=np.uint8)
    photo[..., 2] = np.linspace(255, 0, 900, dtype=np.uint8)[:, None]
    upload_rgb(page, photo, "wide.png")
    wait_for(page, "() => document.getElementById('message').dataset.kind === 'image'"
             " && document.body.dataset.settled === 'true'", timeout=120_000)
    target = canvas_rgba(page, "target")
    assert target.shape == (768, SIZE, 4)
    train_a_while(page, float(page.text_content("#epoch")) + 300_000)
    learned = canvas_rgba(page, "learned")
    assert learned.shape == (768, SIZE, 4)
    assert read_psnr(page) == pytest.approx(psnr(learned, target), abs=0.1)
    assert page.get_attribute("#learned", "data-epoch") == page.text_content("#epoch")
