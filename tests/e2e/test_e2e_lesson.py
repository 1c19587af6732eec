"""Hidden pixels, zoom and views in a real Chromium with the real Pyodide: pixels read back from the
canvases (getImageData) and scored here, independently of the page's own numbers.

One page (booting Python once), tests in file order; each leaves it ready or paused.
"""
import numpy as np
import pytest

from pagehelpers import canvas_rgba, open_page, psnr, wait_for, wait_settled


@pytest.fixture(scope="module")
def painter(browser, server):
    # rff (sigma 4: smooth enough to fill the gaps) against onehot, with half the pixels hidden
    rec = open_page(browser, server.url + "#image=astronaut&size=64&model=rff&sigma=4&compare=1&model-b=onehot"
                    "&holdout=0.5", viewport={"width": 1280, "height": 900})
    yield rec
    assert rec.errors == [], rec.errors
    rec.close()


def shown(page, legend_id, view):
    """Wait until the legend under a learned canvas says it shows `view`."""
    wait_for(page, "([id, v]) => document.getElementById(id).dataset.view === v", [legend_id, view])


def hidden_psnr(page, canvas_id, hidden):
    """PSNR over the hidden pixels between the target canvas and a learned canvas."""
    target, learned = canvas_rgba(page, "target"), canvas_rgba(page, canvas_id)
    return psnr(learned[hidden], target[hidden])


def test_hidden_pixels_show_what_each_model_learned(painter):
    page = painter.page
    overlay = canvas_rgba(page, "target-holdout")  # (64, 64, 4): a checkerboard on hidden pixels
    hidden = overlay[..., 3] > 0
    assert overlay.shape[:2] == (64, 64) and abs(hidden.mean() - 0.5) < 0.01
    assert page.is_visible("#holdout-legend") and page.is_visible("#psnr-hidden-row")
    page.click("#solve")  # both panes to their least-squares answer on the seen pixels
    wait_for(page, "() => document.body.dataset.status === 'paused' && "
                   "document.getElementById('psnr-b').textContent.startsWith('100')", timeout=60_000)
    wait_settled(page)
    rff, onehot = hidden_psnr(page, "learned", hidden), hidden_psnr(page, "learned-b", hidden)
    seen_rff = psnr(canvas_rgba(page, "learned")[~hidden], canvas_rgba(page, "target")[~hidden])
    assert onehot < 13 and rff > onehot + 6, (onehot, rff)  # one-hot knows only the bias there
    assert seen_rff > rff  # every model fits what it saw better than what it did not
    assert float(page.text_content("#psnr-hidden")[:-3]) == pytest.approx(rff, abs=0.06)
    assert float(page.text_content("#psnr-hidden-b")[:-3]) == pytest.approx(onehot, abs=0.06)


def test_zoom_4_draws_a_canvas_4_times_wider(painter):
    page = painter.page
    before, before_b = canvas_rgba(page, "learned"), canvas_rgba(page, "learned-b")
    box = "id => { const r = document.getElementById(id).getBoundingClientRect(); return [r.width, r.height]; }"
    box_b = page.evaluate(box, "learned-b")
    page.select_option("#zoom", "4")
    wait_for(page, "() => document.getElementById('learned').width === 256 && "
                   "document.getElementById('view-legend-b').textContent.includes('4× zoom')")
    wait_settled(page)
    a, b = canvas_rgba(page, "learned"), canvas_rgba(page, "learned-b")
    assert a.shape == (256, 256, 4) and canvas_rgba(page, "target").shape == (64, 64, 4)
    # one-hot: each pixel a 4 x 4 block, i.e. the 1x frame enlarged with crisp pixels in the same box
    assert np.array_equal(b, before_b)
    assert page.evaluate("getComputedStyle(document.getElementById('learned-b')).imageRendering") == "pixelated"
    assert page.evaluate(box, "learned-b") == box_b
    fine = a.reshape(64, 4, 64, 4, 4).astype(int)  # rff: new values between the pixel centres
    assert np.abs(fine - fine[:, :1, :, :1]).mean() > 1
    assert psnr(fine[:, 1:3, :, 1:3].mean(axis=(1, 3)).round(), before) > 25  # and still the same picture
    assert "4× zoom" in page.text_content("#view-legend") and "block" in page.text_content("#view-legend-b")
    page.select_option("#zoom", "1")
    wait_for(page, "() => document.getElementById('learned').width === 64")


@pytest.mark.parametrize("view", ["error", "spectrum", "inside"])
def test_each_view_draws_and_changes_with_the_model(painter, view):
    page = painter.page
    wait_settled(page)
    learned = canvas_rgba(page, "learned")
    page.select_option("#view", view)
    shown(page, "view-legend", view)
    shown(page, "view-legend-b", view)  # compare mode: both panes
    wait_settled(page)
    first = canvas_rgba(page, "learned")
    assert first.shape != learned.shape or not np.array_equal(first, learned)
    assert page.is_visible("#view-legend") and page.text_content("#view-legend").strip()
    page.click("#reset")  # the model back to epoch 0: its view changes
    wait_for(page, "() => ['ready', 'paused'].includes(document.body.dataset.status) && "
                   "document.getElementById('epoch').textContent === '0'", timeout=60_000)
    wait_for(page, "f => { const c = document.getElementById('learned');"
                   " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                   " return c.width !== f.w || d.some((v, i) => v !== f.px[i]); }",
             {"w": first.shape[1], "px": first.ravel().tolist()}, timeout=30_000)
    page.select_option("#view", "learned")
    shown(page, "view-legend", "learned")
    page.click("#solve")
    wait_for(page, "() => document.body.dataset.status === 'paused' && "
                   "document.getElementById('psnr-b').textContent.startsWith('100')", timeout=60_000)


def test_lesson_settings_round_trip_through_the_url(painter, browser, server):
    page = painter.page
    page.select_option("#view", "spectrum")
    page.select_option("#zoom", "2")
    wait_for(page, "() => location.hash.includes('view=spectrum') && location.hash.includes('zoom=2')")
    assert "holdout=0.5" in page.evaluate("location.hash")
    rec = open_page(browser, server.url + "#size=32&holdout=0.25&zoom=4&view=bogus",
                    viewport={"width": 1280, "height": 900})
    try:
        p = rec.page
        assert p.input_value("#holdout") == "0.25" and p.input_value("#zoom") == "4"
        assert p.input_value("#view") == "learned"  # not one of the views: the default, and said so
        assert "view" in p.text_content("#message-text")
        # the default model, onehot: its zoom is blocks, the 32 x 32 frame enlarged by the page
        wait_for(p, "() => document.getElementById('view-legend').textContent.includes('4× zoom')")
        assert p.evaluate("document.getElementById('learned').width") == 32
        assert (~(canvas_rgba(p, "target-holdout")[..., 3] > 0)).sum() == 32 * 32 - 256
        assert "zoom=4" in p.evaluate("location.hash") and "view=" not in p.evaluate("location.hash")
        assert rec.errors == [], rec.errors
    finally:
        rec.close()
    page.select_option("#view", "learned")
    page.select_option("#zoom", "1")


def test_the_papers_grid_split_from_a_link(browser, server):
    """holdout=grid (Tancik et al. 2020): both panes learn the even rows and columns only, the overlay
    covers every other pixel, and "PSNR hidden" is that of the odd rows and columns."""
    rec = open_page(browser, server.url + "#image=astronaut&size=64&model=rff&sigma=4&holdout=grid&compare=1"
                    "&model-b=onehot", viewport={"width": 1280, "height": 900})
    try:
        page = rec.page
        assert page.input_value("#holdout") == "grid"
        assert "grid" in page.evaluate("document.querySelector('#holdout option:checked').textContent")
        seen = np.zeros((64, 64), dtype=bool)
        seen[::2, ::2] = True
        overlay = canvas_rgba(page, "target-holdout")  # (64, 64, 4)
        np.testing.assert_array_equal(overlay[..., 3] > 0, ~seen)  # exactly the pixels not trained on
        assert page.is_visible("#holdout-legend") and page.is_visible("#psnr-hidden-b-row")
        page.click("#solve")
        wait_for(page, "() => document.body.dataset.status === 'paused' && "
                       "document.getElementById('psnr-b').textContent.startsWith('100')", timeout=60_000)
        wait_settled(page)
        target = canvas_rgba(page, "target")
        for canvas, readout in (("learned", "#psnr-hidden"), ("learned-b", "#psnr-hidden-b")):
            learned = canvas_rgba(page, canvas)
            odd = psnr(learned[1::2, 1::2], target[1::2, 1::2])
            if canvas == "learned":  # rff fills the gaps: the diagonal ones, farthest from a seen pixel, worst
                unseen = psnr(learned[~seen], target[~seen])
                assert unseen > odd + 0.5, (odd, unseen)  # (so the readout check below tells the two apart)
            assert float(page.text_content(readout)[:-3]) == pytest.approx(odd, abs=0.06), canvas
        assert "holdout=grid" in page.evaluate("location.hash")  # what Share and Embed links carry
        assert rec.errors == [], rec.errors
    finally:
        rec.close()


def test_the_spectral_bias_preset_shows_the_lesson_in_one_click(browser, server):
    """'Spectral bias': a plain network beside a Fourier one on the paper's grid split; the Fourier one
    paints the seen pixels far better, each pane's "PSNR hidden" is that of its odd rows and columns, and
    Modern RGB takes the page back to one pane with nothing hidden."""
    rec = open_page(browser, server.url + "#size=32&backend=tensorflow&tf=wasm",
                    viewport={"width": 1280, "height": 900})
    try:
        page = rec.page
        page.click("#preset-spectral")
        wait_for(page, "() => document.body.dataset.status === 'ready' && location.hash.includes('holdout=grid')"
                       " && document.getElementById('knob-b-encoding') !== null", timeout=120_000)
        assert page.is_checked("#compare") and page.input_value("#holdout") == "grid"
        assert page.input_value("#model") == "mlp" and page.input_value("#model-b") == "mlp"
        assert page.input_value("#knob-encoding") == "0"  # none: the plain position
        assert page.input_value("#knob-b-encoding") == "3"  # gaussian, model B's default
        assert page.input_value("#size") == "128"
        page.click("#start")
        wait_for(page, "() => Number(document.getElementById('epoch').textContent) >= 15"
                       " && Number(document.getElementById('epoch-b').textContent) >= 15", timeout=240_000)
        page.click("#start")
        wait_settled(page)
        target = canvas_rgba(page, "target")
        seen, odd = {}, {}
        for canvas, readout in (("learned", "#psnr-hidden"), ("learned-b", "#psnr-hidden-b")):
            learned = canvas_rgba(page, canvas)
            seen[canvas] = psnr(learned[::2, ::2], target[::2, ::2])
            odd[canvas] = psnr(learned[1::2, 1::2], target[1::2, 1::2])
            assert float(page.text_content(readout)[:-3]) == pytest.approx(odd[canvas], abs=0.06), canvas
        assert seen["learned-b"] > seen["learned"] + 2.0, seen  # the blur of the plain network
        page.click("#preset-modern")
        wait_for(page, "() => document.body.dataset.status === 'ready' && !location.hash.includes('holdout')"
                       " && !location.hash.includes('compare')", timeout=60_000)
        assert not page.is_checked("#compare") and page.is_hidden("#pane-b")
        assert page.input_value("#holdout") == "0" and page.input_value("#model") == "onehot"
        assert rec.errors == [], rec.errors
    finally:
        rec.close()


def test_a_misspelt_holdout_in_a_link_is_refused_saying_why(browser, server):
    rec = open_page(browser, server.url + "#size=32&holdout=gird", viewport={"width": 1280, "height": 900})
    try:
        page = rec.page
        message = page.text_content("#message-text")
        assert 'holdout "gird" was ignored' in message and "grid" in message.split("gird", 1)[1], message
        assert page.input_value("#holdout") == "0" and page.is_hidden("#target-holdout")
        page.select_option("#holdout", "grid")  # the page works on: the choice from its control
        wait_for(page, "() => location.hash.includes('holdout=grid') && "
                       "!document.getElementById('target-holdout').hidden")
        wait_settled(page)
        assert (canvas_rgba(page, "target-holdout")[..., 3] == 0).sum() == 16 * 16
        assert rec.errors == [], rec.errors
    finally:
        rec.close()


def test_solve_during_training_with_hidden_pixels_ends(recorder, server):
    """Found by the random walk (seed 3001): Solve while dct trains with 90 % of the pixels hidden left
    'Preparing…' up for minutes (a dense (k², k²) solve in wasm); dct now solves through its basis."""
    page = recorder.page
    assert recorder.goto_and_wait(server.url + "#image=chelsea&model=dct&holdout=0.9") == "ready"
    page.click("#start")
    wait_for(page, "() => document.body.dataset.status !== 'training'"
             " || parseFloat(document.getElementById('epoch').textContent) > 0", timeout=60_000)
    page.click("#solve")
    wait_for(page, "() => document.getElementById('status-note').hidden", timeout=90_000)
    wait_settled(page)
    assert page.evaluate("document.body.dataset.status") == "paused"
    assert recorder.errors == [], recorder.errors
