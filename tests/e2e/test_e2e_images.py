"""Images in and out, in a real Chromium with the real Pyodide and Pillow: every odd file of tests/corpus.py
through the upload path (file picker, drop, paste), the resolution control on a non-square upload, the
gallery, and the exports (PNG, large PNG, timelapse GIF, parameter files) checked pixel by pixel.

One page for the whole file (Python boots once); the tests run in file order and each leaves the page
paused or ready. Expected target pixels come from the same `painting` package on CPython (the same
Pillow and numpy versions as the vendored wheels), so the browser path is compared with an oracle.
"""
import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from corpus import encoded, noise, odd_images
from pagehelpers import (canvas_rgba, download, load_params, message, open_page, psnr, set_log_slider, wait_for,
                         wait_settled)
from painting.images import open_image, resize_rgb
from painting.metrics import to_uint8
from painting.params import params_to_json
from painting.session import Session, rgba_to_rgb

SIZE = 64  # the page's default resolution


@pytest.fixture(scope="module")
def painter(browser, server):
    rec = open_page(browser, server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield rec
    rec.close()


# ------------------------------------------------------------------------------------ helpers
def reference_target(data, size=SIZE):
    """The target the page should show for a file: decoded at <= 2048 px, resampled to `size` px."""
    return to_uint8(resize_rgb(open_image(data, max_side=2048).rgb, size, upscale=True))  # (h, w, 3)


def snapshot(page):
    return {"target": canvas_rgba(page, "target"), "learned": canvas_rgba(page, "learned"),
            "epoch": page.text_content("#epoch"), "status": page.evaluate("document.body.dataset.status")}


def wait_outcome(page, name, timeout=60_000):
    """Waits until the page has answered about file `name`: painting it, or refusing it."""
    wait_for(page, """name => {
        const m = document.getElementById('message'), text = document.getElementById('message-text').textContent;
        if (m.hidden || !text.includes(`"${name}"`)) return false;
        return m.dataset.tone === 'error' || (m.dataset.kind === 'image' && document.body.dataset.status === 'ready');
    }""", name, timeout=timeout)
    wait_settled(page, or_training=True)  # a file refused while training leaves it training
    return message(page)


def step(page):
    before = int(page.text_content("#epoch"))
    page.click("#step")
    wait_for(page, "b => ['paused', 'done'].includes(document.body.dataset.status)"
             " && Number(document.getElementById('epoch').textContent) > b", before)
    wait_settled(page)


def ensure_trained(page):
    if page.text_content("#epoch") == "0":
        step(page)


def set_stop_cost(page, value):
    page.evaluate("""v => {
        const el = document.getElementById('stop-cost');
        el.value = String(v);
        el.dispatchEvent(new Event('change', {bubbles: true}));
    }""", value)


def upload(page, name, data, mime="application/octet-stream"):
    page.set_input_files("#upload", {"name": name, "mimeType": mime, "buffer": data})
    return wait_outcome(page, name)


DATA_TRANSFER = """([name, type, b64]) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], name, {type}));
    return data;
}"""


def drop(page, name, data, mime="application/octet-stream"):
    """A synthetic drag onto the target: returns whether the drop highlight showed and went away."""
    seen = page.evaluate(f"""args => {{
        const data = ({DATA_TRANSFER})(args);
        const zone = document.getElementById('target').closest('.frame');
        const fire = (type) => zone.dispatchEvent(new DragEvent(type, {{dataTransfer: data, bubbles: true, cancelable: true}}));
        fire('dragenter');
        const lit = zone.classList.contains('dropping');
        fire('drop');
        return {{lit, after: zone.classList.contains('dropping')}};
    }}""", [name, mime, base64.b64encode(data).decode()])
    assert seen == {"lit": True, "after": False}
    return wait_outcome(page, name)


def paste(page, name, data, mime="image/png"):
    page.evaluate(f"""args => {{
        const data = ({DATA_TRANSFER})(args);
        document.dispatchEvent(new ClipboardEvent('paste', {{clipboardData: data, bubbles: true, cancelable: true}}));
    }}""", [name, mime, base64.b64encode(data).decode()])
    return wait_outcome(page, name)


def check_accepted(page, name, data, said, expect):
    assert said["tone"] == "info", said
    want = reference_target(data)
    target = canvas_rgba(page, "target")
    assert target.shape[:2] == want.shape[:2], name
    assert max(target.shape[:2]) == SIZE
    if data.startswith(b"\xff\xd8"):  # JPEG: libjpeg in wasm and on this machine may differ slightly
        assert psnr(target, want) > 30, name
    else:
        assert np.abs(target[..., :3].astype(int) - want.astype(int)).max() <= 1, name
    assert canvas_rgba(page, "learned").shape == target.shape
    assert page.text_content("#epoch") == "0"
    assert page.evaluate("document.getElementById('image').selectedOptions[0].textContent") == f"Your image: {name}"
    for note in expect.get("notes", []):
        assert note.split(" to ")[0] in said["text"], (name, note, said["text"])
    learned = canvas_rgba(page, "learned")
    step(page)  # trains on the new image: the epoch rises and the learned image moves towards it
    assert int(page.text_content("#epoch")) > 0
    assert not np.array_equal(canvas_rgba(page, "learned"), learned) or target[..., :3].std() == 0


def check_refused(page, name, said, pattern, before):
    assert said["tone"] == "error", said
    assert re.search(pattern, said["text"], re.I), (name, said["text"])
    after = snapshot(page)
    assert np.array_equal(after["target"], before["target"]), f"{name}: the target changed"
    assert np.array_equal(after["learned"], before["learned"]), f"{name}: the learned image changed"
    assert (after["epoch"], after["status"]) == (before["epoch"], before["status"]), name


# ------------------------------------------------------------------------------------ in
def test_corpus_through_the_file_picker(painter):
    page = painter.page
    ensure_trained(page)
    for name, data, expect in odd_images():
        before = snapshot(page)
        said = upload(page, name, data)
        if "error" in expect:
            check_refused(page, name, said, expect["error"], before)
        else:
            check_accepted(page, name, data, said, expect)
    assert not painter.errors, painter.errors


def test_drop_and_paste(painter):
    page = painter.page
    cases = {name: (data, expect) for name, data, expect in odd_images()}
    # EXIF orientation 6, dropped: upright, the red half on top
    data, expect = cases["exif-6.jpg"]
    said = drop(page, "dropped-exif-6.jpg", data, "image/jpeg")
    check_accepted(page, "dropped-exif-6.jpg", data, said, expect)
    target = canvas_rgba(page, "target")
    assert target.shape[:2] == (64, 32)
    assert target[8, 16, 0] > 200 and target[56, 16, 2] > 200
    # refused ones keep everything, also while training runs
    before = snapshot(page)
    said = drop(page, "dropped.svg", cases["drawing.svg"][0], "image/svg+xml")
    check_refused(page, "dropped.svg", said, "SVG is a vector", before)
    before = snapshot(page)
    said = paste(page, "pasted-truncated.jpg", cases["truncated.jpg"][0], "image/jpeg")
    check_refused(page, "pasted-truncated.jpg", said, cases["truncated.jpg"][1]["error"], before)
    data, expect = cases["alpha.png"]
    said = paste(page, "pasted-alpha.png", data)
    check_accepted(page, "pasted-alpha.png", data, said, expect)

    set_stop_cost(page, 0)  # never done: training keeps running while files are refused
    page.click("#start")
    wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 0")
    target = canvas_rgba(page, "target")
    said = drop(page, "while-training.png", b"", "image/png")
    assert said["tone"] == "error" and "empty" in said["text"]
    assert page.evaluate("document.body.dataset.status") == "training"
    epoch = int(page.text_content("#epoch"))
    wait_for(page, "e => Number(document.getElementById('epoch').textContent) > e", epoch)  # still training
    assert np.array_equal(canvas_rgba(page, "target"), target)
    page.click("#start")
    wait_for(page, "() => document.body.dataset.status === 'paused'")
    set_stop_cost(page, 1e-5)

    # too large to read: refused in JS before reading (a 51 MB file made in the page)
    before = snapshot(page)
    page.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(51 * 1024 * 1024)], 'huge.png', {type: 'image/png'}));
        document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    said = wait_outcome(page, "huge.png")
    check_refused(page, "huge.png", said, r"51\.0 MB.*at most 50\.0 MB", before)
    assert not painter.errors, painter.errors


def test_resolution_resamples_a_non_square_upload(painter):
    page = painter.page
    data = encoded(noise(90, 45, seed=3))
    said = upload(page, "wide.png", data, "image/png")
    assert said["tone"] == "info"
    assert canvas_rgba(page, "target").shape == (32, 64, 4)
    try:
        for size in ("128", "28"):
            page.select_option("#size", size)
            wait_for(page, "w => document.getElementById('target').width === w"
                     " && document.body.dataset.status === 'ready'", int(size))
            wait_settled(page)  # the learned frame of the new size is drawn too (it may follow "ready")
            want = reference_target(data, int(size))
            target = canvas_rgba(page, "target")
            assert target.shape[:2] == want.shape[:2] == (int(size) // 2, int(size))
            assert np.abs(target[..., :3].astype(int) - want.astype(int)).max() <= 1
            assert canvas_rgba(page, "learned").shape == target.shape
            assert page.text_content("#epoch") == "0"
    finally:  # the module's page goes back to the default size, for the tests after this one
        page.select_option("#size", str(SIZE))
        wait_for(page, "w => document.getElementById('target').width === w"
                 " && document.body.dataset.status === 'ready'", SIZE)
        wait_settled(page)


def test_gallery_buttons_pick_bundled_photos(painter):
    page = painter.page
    assert page.evaluate("[...document.querySelectorAll('#gallery button[aria-pressed=true]')].length") == 0
    page.focus("#gallery button[data-image='coffee']")
    page.keyboard.press("Enter")
    wait_for(page, "() => document.getElementById('target').height === 64"
             " && document.body.dataset.status === 'ready' && document.getElementById('image').value === 'coffee'")
    pressed = page.evaluate("[...document.querySelectorAll('#gallery button')].map(b => b.getAttribute('aria-pressed'))")
    assert pressed.count("true") == 1
    assert page.get_attribute("#gallery button[data-image='coffee']", "aria-pressed") == "true"
    target = canvas_rgba(page, "target")
    assert target.shape == (64, 64, 4) and target[..., :3].std() > 20
    assert page.text_content("#epoch") == "0"


# ------------------------------------------------------------------------------------ out
def test_png_downloads_are_the_learned_canvas(painter):
    page = painter.page
    for _ in range(3):
        step(page)
    learned = canvas_rgba(page, "learned")[..., :3]
    name, data = download(page, "#download-png")
    assert name.endswith(".png")
    png = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert np.array_equal(png, learned)
    name, data = download(page, "#download-png-large")
    big = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert big.shape == (512, 512, 3)
    blocks = big.reshape(64, 8, 64, 8, 3)
    assert np.array_equal(blocks[:, 0, :, 0], learned)
    assert (blocks == blocks[:, :1, :, :1]).all(), "each learned pixel should be one crisp 8x8 block"


def test_timelapse_gif_holds_the_recorded_frames(painter):
    page = painter.page
    learned = canvas_rgba(page, "learned")[..., :3]
    name, data = download(page, "#download-gif")
    assert name.endswith(".gif")
    gif = Image.open(io.BytesIO(data))
    assert gif.size == (256, 256)  # 64 px, each pixel a 4 x 4 block
    assert gif.n_frames >= 2
    gif.seek(0)
    first = np.asarray(gif.convert("RGB"))[::4, ::4]
    gif.seek(gif.n_frames - 1)
    last = np.asarray(gif.convert("RGB"))[::4, ::4]
    assert psnr(last, learned) > 30, "the last frame should be the learned image"
    assert psnr(first, learned) < psnr(last, learned)


def test_saved_parameters_restore_the_learned_image_after_reset(painter):
    page = painter.page
    learned, epoch = canvas_rgba(page, "learned"), page.text_content("#epoch")
    name, data = download(page, "#save-params")
    assert name.endswith(".json")
    saved = json.loads(data)
    assert (saved["height"], saved["width"], saved["model"], str(saved["epoch"])) == (64, 64, "onehot", epoch)
    page.click("#reset")
    wait_for(page, "() => document.body.dataset.status === 'ready'"
             " && document.getElementById('epoch').textContent === '0'")
    wait_settled(page)
    assert not np.array_equal(canvas_rgba(page, "learned"), learned)
    set_log_slider(page, "lr", 0.25)  # a rate set by hand: the file's replaces it, on screen and in the link
    wait_for(page, "() => document.body.dataset.learningRate === '0.25'")
    said = load_params(page, "saved.json", data)
    assert said["tone"] == "info", said
    assert np.array_equal(canvas_rgba(page, "learned"), learned)
    assert page.text_content("#epoch") == epoch
    rate = saved["learning_rate"]
    assert float(page.evaluate("document.body.dataset.learningRate")) == rate != 0.25
    assert float(page.text_content("#lr-value")) == rate and f"lr={rate:g}" in page.url
    assert page.evaluate("document.body.dataset.status") == "paused"
    step(page)  # training goes on from there
    assert int(page.text_content("#epoch")) > int(epoch)
    painter.saved_params = data


def test_unusable_parameter_files_change_nothing(painter):
    page = painter.page
    saved = json.loads(painter.saved_params)
    other_model = dict(saved, model="nosuch")
    cases = [
        ("other-size.json", json.dumps(dict(saved, height=32, width=32)), r"32×32 image, the current image is 64×64"),
        ("other-model.json", json.dumps(other_model), r"'nosuch' model.*not one of"),
        ("not-json.json", "{this is not json", r"not valid JSON"),
        ("not-params.json", json.dumps({"hello": 1}), r"not a Regression Painter parameter file"),
        ("empty.json", "", r"empty"),
    ]
    for name, text, pattern in cases:
        before = snapshot(page)
        said = load_params(page, name, text)
        check_refused(page, name, said, pattern, before)
    # a real file from another size: saved at 32 x 32, loaded at 64 x 64
    page.select_option("#size", "32")
    wait_for(page, "() => document.getElementById('target').width === 32 && document.body.dataset.status === 'ready'")
    step(page)
    _, small = download(page, "#save-params")
    page.select_option("#size", "64")
    wait_for(page, "() => document.getElementById('target').width === 64 && document.body.dataset.status === 'ready'")
    step(page)
    before = snapshot(page)
    said = load_params(page, "saved-at-32.json", small)
    check_refused(page, "saved-at-32.json", said, r"32×32 image, the current image is 64×64", before)
    assert not painter.errors, painter.errors


def test_parameters_of_another_model_are_adopted(painter):
    page = painter.page
    rgb = rgba_to_rgb(canvas_rgba(page, "target"), 64, 64)
    session = Session(rgb, model="plane")  # CPython: the oracle for what the page should show
    session.train(200)
    page.evaluate("""() => { const el = document.getElementById('knob-init_noise');  // a knob of the onehot
        el.value = '0.5'; el.dispatchEvent(new Event('change', {bubbles: true})); }""")
    wait_for(page, "() => location.hash.includes('init_noise=0.5')")
    wait_settled(page)
    said = load_params(page, "plane.json", params_to_json(session.get_params()))
    assert said["tone"] == "info", said
    learned = canvas_rgba(page, "learned")
    assert np.abs(learned.astype(int) - session.frame().astype(int)).max() <= 1
    assert page.text_content("#epoch") == "200"
    assert "model=plane" in page.evaluate("location.hash")
    # the knob controls are the plane's, the onehot's gone from the page and the address
    assert page.evaluate("document.getElementById('knobs-a').dataset.model") == "plane"
    assert page.locator("#knob-init_noise").count() == 0 and "init_noise" not in page.url
    assert not painter.errors, painter.errors
