"""First contact, in a real Chromium against the real build: the embed's poster and its one button.

- ?embed=1 (no autoplay=1): before any click the page fetches nothing of Pyodide or of the `painting`
  package, at most 400 KB in all (counted at the server), and shows the poster (images/poster.png, made by
  build.py); #play-live loads Python, reaches ready/training and the model trains;
- ?embed=1&autoplay=1: no poster, it starts by itself when in view;
- Save-Data (navigator.connection.saveData): even autoplay=1 waits for the click;
- the embed keeps an <h1> for screen readers; the Embed dialog offers both embeds;
- in a host page (another origin) with embed-resize.js, the iframe is as tall as its content, the poster's
  and then, after #play-live, the live page's: nothing cut off, no empty band.
"""
from __future__ import annotations

import numpy as np
import pytest

from conftest import Server
from counting_server import CountingServer
from pagehelpers import DESKTOP, PageRecorder, canvas_rgba, open_page, psnr, wait_for, wait_status, wait_until

EMBED_BUDGET = 400_000  # bytes before the click
EMBED_VIEW = {"width": 560, "height": 420}


@pytest.fixture
def counting(site):
    srv = CountingServer(site)
    yield srv
    srv.close()


def recorder(browser, save_data: bool = False, **options) -> PageRecorder:
    options.setdefault("viewport", EMBED_VIEW)
    rec = PageRecorder(browser.new_context(**options))
    if save_data:
        emulate_save_data(rec)
    return rec


def emulate_save_data(rec: PageRecorder) -> None:
    """Chromium's own Save-Data switch (DevTools Emulation.setDataSaverOverride), so that
    navigator.connection.saveData is true as on a phone in data-saver mode."""
    cdp = rec.context.new_cdp_session(rec.page)
    cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})


def is_python(path: str) -> bool:
    return path.startswith("/pyodide/") or path.startswith("/py/")


def poster_rgba(page) -> np.ndarray:
    """The poster as the page shows it (the current APNG frame), drawn onto a canvas: (64, 64, 4) uint8."""
    data = page.evaluate("""() => {
        const img = document.getElementById('poster');
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        return {w: c.width, h: c.height, px: Array.from(g.getImageData(0, 0, c.width, c.height).data)};
    }""")
    return np.asarray(data["px"], dtype=np.uint8).reshape(data["h"], data["w"], 4)


def wait_poster(page) -> None:
    wait_for(page, "() => { const i = document.getElementById('poster');"
                   " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)


def before_the_click(page, counting) -> list:
    """What the server sent for the facade: once its poster is shown and the document has loaded (the
    load event waits for every script, module and image the page asked for up to then, the poster's
    included), every response, logged as soon as it is answered; -> [(path, status, bytes)]."""
    wait_poster(page)
    wait_for(page, "() => document.readyState === 'complete'")
    return counting.take()


def test_embed_shows_a_poster_and_fetches_no_python_until_play_live(browser, counting):
    rec = recorder(browser)
    try:
        page = rec.page
        page.goto(counting.url + "?embed=1")
        before = before_the_click(page, counting)
        paths = [path for path, _, _ in before]
        assert not [p for p in paths if is_python(p)], paths
        total = sum(n for _, _, n in before)
        assert total <= EMBED_BUDGET, (total, before)
        assert "/images/poster.png" in paths, paths
        assert [r for r in rec.requests if "/pyodide/" in r] == []  # nor from the HTTP cache

        # the poster is seen: decoded, on screen, not blank, the only button offered
        assert page.is_visible("#poster") and page.is_visible("#play-live")
        assert not page.is_visible("#start") and not page.is_visible("#learned")
        box = page.locator("#poster").bounding_box()
        assert box["width"] >= 128 and box["y"] + box["height"] <= EMBED_VIEW["height"], box
        pixels = poster_rgba(page)
        assert pixels.shape == (64, 64, 4) and float(pixels[..., :3].std()) > 1.0
        label = page.text_content("#play-live")
        assert label.startswith("Paint it live (≈") and label.endswith(" MB, once)"), label
        assert page.get_by_role("heading", level=1).count() == 1  # for screen readers
        assert page.evaluate("document.body.dataset.status") == "loading"

        page.click("#play-live")
        assert wait_status(page, "ready", "training", "done") in ("ready", "training", "done")
        assert not page.is_visible("#play-live") and page.is_visible("#learned")
        # it is in view, so the embed's autoplay starts training; the model learns the photo
        wait_for(page, "() => Number(document.getElementById('epoch').textContent) >= 3000", timeout=60_000)
        target, learned = canvas_rgba(page, "target"), canvas_rgba(page, "learned")
        assert float(target[..., :3].std()) > 10
        assert psnr(learned, target) > 14.0  # black at the start ~5 dB, 3000 epochs ~17 dB (tools/poster.py)
        after = [path for path, _, _ in counting.take()]
        assert "/pyodide/pyodide.asm.wasm" in after and "/py/painting.zip" in after, after
        assert rec.errors == []
    finally:
        rec.close()


def test_embed_autoplay_starts_when_in_view_without_a_poster(browser, counting):
    rec = recorder(browser)
    try:
        page = rec.page
        page.goto(counting.url + "?embed=1&autoplay=1#size=28")
        wait_status(page, "training", "done")
        assert page.locator("#play-live").count() == 0 and page.locator("#poster").count() == 0
        wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 0", timeout=30_000)
        assert rec.errors == []
    finally:
        rec.close()


def test_save_data_waits_for_the_click_even_with_autoplay(browser, counting):
    rec = recorder(browser, save_data=True, reduced_motion="reduce")
    try:
        page = rec.page
        page.goto(counting.url + "?embed=1&autoplay=1#size=28")
        assert page.evaluate("navigator.connection.saveData") is True
        paths = [path for path, _, _ in before_the_click(page, counting)]
        assert not [p for p in paths if is_python(p)], paths
        assert "save data" in page.text_content("#facade")
        # reduced motion too: embed.js does not autostart, so the click itself starts training
        page.click("#play-live")
        wait_status(page, "training", "done")
        wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 0", timeout=30_000)
        assert rec.errors == []
    finally:
        rec.close()


def test_the_embed_dialog_offers_both_embeds(browser, counting):
    rec = open_page(browser, counting.url + "#image=coffee")
    try:
        page = rec.page
        page.click("#embed-code")
        snippet = page.input_value("#embed-snippet")
        assert '<iframe src="' + counting.url + '?embed=1#' in snippet, snippet
        assert counting.url + "?embed=1&autoplay=1#" in snippet and "image=coffee" in snippet, snippet
        assert "Paint it live" in snippet and "about 17 MB" in snippet, snippet
        assert rec.errors == []
    finally:
        rec.close()


def test_a_first_visit_downloads_each_file_once(browser, counting):
    """The page registers the service worker before Python loads; Python's downloads go through it and
    are kept, so the offline copy fetches only what is still missing (Pillow, the other photos)."""
    counting.take()
    rec = open_page(browser, counting.url)
    try:
        page = rec.page
        # the offline copy is made (the service worker's FILL has answered: every fetch of it is done)
        wait_for(page, "() => document.documentElement.dataset.offline === 'ready'", timeout=120_000)
        log = counting.take()
        sent = [path for path, code, _ in log if code == 200]
        assert "/pyodide/pyodide.asm.wasm" in sent and "/pyodide/python_stdlib.zip" in sent, sent
        twice = sorted({p for p in sent if sent.count(p) > 1})
        assert twice == [], twice
        # the offline copy is complete: every file of the build is in the service worker's cache
        missing = page.evaluate("""async () => {
            const line = await (await fetch('sw.js')).text();
            const files = JSON.parse(line.match(/const BUILD = (.*);/)[1]).files;
            const name = (await caches.keys()).find((n) => n.startsWith('regression-painter '));
            const cache = await caches.open(name);
            const out = [];
            for (const path of Object.keys(files)) if (!(await cache.match(path))) out.push(path);
            return out;
        }""")
        assert missing == [], missing
        assert rec.errors == []
    finally:
        rec.close()


def test_a_repeat_visit_starts_python_from_the_snapshot_and_trains(browser, server):
    rec = PageRecorder(browser.new_context(viewport=DESKTOP))
    warnings, snapshot_workers = [], []
    rec.page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    rec.page.on("request", lambda r: r.url.endswith("/js/worker/snapshot.js") and snapshot_workers.append(r.url))
    try:
        page = rec.page
        page.goto(server.url + "#size=28")
        wait_status(page, "ready")
        # the first visit loads numpy with the interpreter (no snapshot then) and leaves a mark; the second
        # keeps a snapshot of the interpreter's memory, and the third starts from it
        assert page.evaluate("""async () => {
            const cache = await caches.open('regression-painter-python-snapshot');
            return (await cache.keys()).map((request) => request.url.split('/').pop());
        }""") == ["interpreter-0.27.7.visited"]
        page.reload()
        wait_status(page, "ready")
        size = wait_for(page, """async () => {
            const cache = await caches.open('regression-painter-python-snapshot');
            const keys = await cache.keys();
            if (keys.length !== 1 || !/interpreter-0\\.27\\.7\\.snapshot$/.test(keys[0].url)) return 0;
            return (await (await cache.match(keys[0])).arrayBuffer()).byteLength;
        }""", timeout=30_000)
        assert size > 10_000_000, size
        # made by a worker of its own: the worker that trains never runs in the slow snapshot-making mode
        assert len(snapshot_workers) == 1, snapshot_workers
        page.reload()
        wait_status(page, "ready")
        assert not [w for w in warnings if "snapshot" in w], warnings
        assert len(snapshot_workers) == 1, snapshot_workers  # the third visit makes none
        page.click("#start")
        wait_for(page, "() => Number(document.getElementById('epoch').textContent) >= 3000", timeout=60_000)
        assert psnr(canvas_rgba(page, "learned"), canvas_rgba(page, "target")) > 14.0
        assert rec.errors == []
    finally:
        rec.close()


def frame_fit(host, frame) -> tuple[float, float, float]:
    """(iframe's height in the host, the frame's content height, the frame's scrollHeight) in CSS px."""
    height = host.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    scroll = frame.evaluate("document.documentElement.scrollHeight")
    return height, content, scroll


def bottom(frame, selector: str) -> float:
    """The bottom of an element in the frame's own coordinates (CSS px from the top of its document)."""
    return frame.evaluate("s => document.querySelector(s).getBoundingClientRect().bottom + scrollY", selector)


def wait_fit(host, frame) -> float:
    """Wait until embed-resize.js has set the iframe's height to the frame's content; -> that height."""
    def iframe_fits_its_content():
        sized = host.evaluate("document.querySelector('iframe').style.height !== ''")
        height, content, scroll = frame_fit(host, frame)
        return sized and abs(height - content) <= 2 and scroll <= height + 2 and height
    return wait_until(iframe_fits_its_content, 15_000, 0.1,
                      what=lambda: f"(iframe height, content height, scrollHeight) {frame_fit(host, frame)}")


def test_the_host_iframe_fits_the_poster_then_the_live_page(browser, counting, tmp_path):
    folder = tmp_path / "host"
    folder.mkdir()
    # the Embed dialog's snippet (js/share.js): a 4:3 frame until embed-resize.js sizes it
    (folder / "post.html").write_text(
        "<!doctype html><meta charset=utf-8><title>A blog post</title><link rel=icon href='data:,'>"
        "<body style='margin:0 auto;max-width:560px;font-family:sans-serif;background:#fdf6e3'>"
        f"<h1>My post</h1><iframe src='{counting.url}?embed=1' title='Regression Painter'"
        " style='width: 100%; height: auto; aspect-ratio: 4 / 3; border: 0;'></iframe>"
        f"<script src='{counting.url}embed-resize.js'></script><p>After the frame.</p></body>")
    host_server = Server(folder)
    rec = recorder(browser, viewport={"width": 600, "height": 1000})
    try:
        host = rec.page
        host.goto(host_server.url + "post.html")
        frame = host.wait_for_selector("iframe").content_frame()
        wait_poster(frame)
        poster_height = wait_fit(host, frame)
        # the poster, its caption, the button and the note, and not the 4:3 box (420 px at 560 px wide)
        assert frame.is_visible("#play-live") and abs(poster_height - 420) > 2, poster_height
        assert bottom(frame, "#play-live") <= poster_height

        frame.click("#play-live")
        assert wait_status(frame, "ready", "training", "done") in ("ready", "training", "done")
        live_height = wait_fit(host, frame)
        assert frame.is_visible("#learned") and abs(live_height - poster_height) > 2, (live_height, poster_height)
        assert bottom(frame, "#start") <= live_height
        assert rec.errors == []
    finally:
        rec.close()
        host_server.close()
