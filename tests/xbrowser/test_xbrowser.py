"""The page in Chromium, Firefox and WebKitGTK: load, train, another model, an upload, a PNG export, the
service worker on a second visit, and no errors in the page or its worker (read from the console where
the driver shows it, and from the page's own record, site/js/errors.js, which every browser has).

Timeouts are generous limits for a shared machine, not speed checks: bench/bench_browsers.py times things.
"""
from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from .drivers import wait_for
from pagehelpers import (canvas_rgba as canvas, pause_if_training, psnr, set_log_slider,  # noqa: E402
                         wait_settled, wait_status, wait_until)  # (tests/e2e: drivers.py puts it on the path)

pytestmark = [pytest.mark.cpython_only,  # Selenium's own deprecation, not ours:
              pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning")]
READY_S = 240  # WebKitGTK compiles Pyodide's wasm slowly; this is the limit, not the expectation

STATUS_IS = "s => document.body.dataset.status === s"
ERRORS = """() => Array.from(document.querySelectorAll('#error-log li'),
                           li => `${li.dataset.source}: ${li.textContent}`)"""


def readout(d) -> dict:
    r = d.eval("() => ({status: document.body.dataset.status, epoch: document.getElementById('epoch').textContent,"
               " psnr: document.getElementById('psnr').textContent})")
    r["psnr_db"] = float(r["psnr"][:-3]) if r["psnr"].endswith(" dB") else None
    r["epoch_n"] = float(r["epoch"]) if r["epoch"].replace(".", "", 1).isdigit() else None
    return r


def assert_no_errors(d) -> None:
    errors = d.eval(ERRORS) + d.console_errors()
    assert errors == [], f"{d.name}: errors: {errors}"


def load_page(d, url: str) -> None:
    """The driver's page at `url`, ready (asserted); once more if it ended in error."""
    d.goto(url)
    if wait_status(d, "ready", "error", timeout=READY_S * 1000) == "error":
        # the page gives Python 60 s to boot; WebKitGTK on a busy 2-core machine can take longer: once more
        message = d.eval("() => document.getElementById('message-text').textContent")
        print(f"{d.name}: {message}; loading the page again")
        d.goto(url)
        wait_status(d, "ready", "error", timeout=READY_S * 1000)
    r = readout(d)
    message = d.eval("() => document.getElementById('message-text')?.textContent")
    assert r["status"] == "ready", f"{d.name}: status {r['status']}: {message}"


def pause(d) -> None:
    pause_if_training(d)
    wait_for(d, "() => document.body.dataset.status !== 'training'", timeout=60, what="pause")
    # the status and epoch count are final at once; the frame of that epoch follows (drawn when settled)
    wait_settled(d, timeout=120_000)


def test_loads_and_trains_past_30_db(driver, xserver):
    d = driver
    load_page(d, xserver.url)
    assert readout(d)["epoch"] == "0"
    first = canvas(d, "learned")
    d.click("#start")
    wait_for(d, STATUS_IS, "training", timeout=30)
    # the default photo and model: PSNR rises past 30 dB
    wait_for(d, "() => parseFloat(document.getElementById('psnr').textContent) > 30", timeout=180,
             what="PSNR past 30 dB")
    pause(d)
    r = readout(d)
    learned, target = canvas(d, "learned"), canvas(d, "target")
    assert learned.shape == target.shape == (64, 64, 4)
    measured = psnr(learned, target)
    print(f"{d.name}: epoch {r['epoch']}, readout {r['psnr']}, canvas {measured:.2f} dB")
    assert r["epoch_n"] > 0 and r["psnr_db"] > 30
    assert abs(measured - r["psnr_db"]) < 0.2, "the canvas does not show what Python measured"
    assert psnr(first, target) < 20  # it was learned, not there from the start
    assert_no_errors(d)


def test_png_export_is_the_learned_canvas(driver, xserver):
    """#download-png hands the browser a PNG (a Blob behind <a download>) of exactly #learned's pixels."""
    d = driver
    assert readout(d)["status"] in ("paused", "done")
    d.eval("""() => { window.__saved = [];
        const make = URL.createObjectURL;
        URL.createObjectURL = (blob) => { window.__saved.push(blob); return make.call(URL, blob); }; }""")
    # the Save panel's buttons are usable once the page says so (a rebuild's model picker may be refilling)
    wait_for(d, """() => { const b = document.getElementById('download-png'), box = b.getBoundingClientRect();
        return !b.disabled && box.width > 0 && getComputedStyle(b).visibility === 'visible'; }""",
             timeout=60, what="#download-png usable")
    d.click("#download-png")
    png = wait_for(d, """async () => {
        const blob = window.__saved && window.__saved.find(b => b.type === 'image/png');
        if (!blob) return null;
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = ''; for (const b of bytes) s += String.fromCharCode(b);
        return btoa(s); }""", timeout=30, what="the PNG download")
    image = Image.open(io.BytesIO(base64.b64decode(png)))
    assert image.format == "PNG" and image.size == (64, 64)
    exported = np.asarray(image.convert("RGB"))
    assert np.array_equal(exported, canvas(d, "learned")[..., :3])
    if d.name == "firefox":  # Firefox also writes it to its download directory: the same bytes
        saved = wait_until(lambda: sorted(d.download_dir.glob("*.png")), 10_000, 0.25,
                           what=lambda: "Firefox saved no PNG")
        assert saved[-1].read_bytes() == base64.b64decode(png)
    assert_no_errors(d)


def test_rff_trains(driver, xserver):
    d = driver
    d.eval("""() => { const s = document.getElementById('model'); s.value = 'rff';
                      s.dispatchEvent(new Event('change', {bubbles: true})); }""")
    wait_for(d, """() => document.body.dataset.status === 'ready' && document.body.dataset.model === 'rff'
                   && document.getElementById('epoch').textContent === '0'""", timeout=60, what="rff ready")
    target = canvas(d, "target")
    before = psnr(canvas(d, "learned"), target)
    set_log_slider(d, "epochs-per-frame", 10_000)
    d.click("#start")
    wait_for(d, "() => parseFloat(document.getElementById('epoch').textContent) >= 100000", timeout=90,
             what="100000 epochs of rff")
    pause(d)
    after = psnr(canvas(d, "learned"), target)
    print(f"{d.name}: rff {before:.1f} -> {after:.1f} dB")
    assert after > 24 and after > before + 5
    assert abs(after - readout(d)["psnr_db"]) < 0.2
    assert_no_errors(d)


def test_no_text_under_12_px(driver, xserver):
    """Every browser sizes MathML scripts its own way: with every <details> open, no visible text < 12 px."""
    d = driver
    tiny = d.eval("""() => {
        document.querySelectorAll('details').forEach((el) => { el.open = true; });
        const tiny = [...document.querySelectorAll('body *')]
            .filter((el) => el.getClientRects().length
                    && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
            .map((el) => `${el.tagName} "${el.textContent.trim().slice(0, 20)}" ${getComputedStyle(el).fontSize}`)
            .filter((row) => parseFloat(row.split(' ').pop()) < 12);
        document.querySelectorAll('details').forEach((el) => { el.open = false; });
        return tiny; }""")
    assert tiny == []


def quadrants_png(w: int = 48, h: int = 32) -> bytes:
    """Four flat colours (red, green / blue, white): easy to find again after resampling."""
    a = np.zeros((h, w, 3), np.uint8)
    a[: h // 2, : w // 2] = (255, 0, 0)
    a[: h // 2, w // 2:] = (0, 255, 0)
    a[h // 2:, : w // 2] = (0, 0, 255)
    a[h // 2:, w // 2:] = (255, 255, 255)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "PNG")
    return buf.getvalue()


def test_upload_changes_the_target(driver, xserver, tmp_path):
    d = driver
    pause(d)
    path = tmp_path / "quadrants.png"
    path.write_bytes(quadrants_png())
    d.upload("#upload", path)
    wait_for(d, "() => document.getElementById('target').height !== 64", timeout=60, what="the uploaded target")
    wait_for(d, "() => document.getElementById('message').dataset.kind === 'image'", timeout=30)
    target = canvas(d, "target")
    h, w = target.shape[:2]
    assert (w, h) == (64, round(64 * 32 / 48)), (w, h)
    for (y, x), rgb in {(h // 4, w // 4): (255, 0, 0), (h // 4, 3 * w // 4): (0, 255, 0),
                        (3 * h // 4, w // 4): (0, 0, 255), (3 * h // 4, 3 * w // 4): (255, 255, 255)}.items():
        assert np.abs(target[y, x, :3].astype(int) - rgb).max() <= 2, (y, x, target[y, x])
    assert canvas(d, "learned").shape == target.shape
    assert_no_errors(d)


def test_second_visit_is_controlled_by_the_service_worker(driver, xserver):
    d = driver
    load_page(d, xserver.url)
    wait_for(d, "() => document.documentElement.dataset.offline === 'ready'", timeout=120, what="offline copy")
    load_page(d, xserver.url)
    script = d.eval("() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL")
    assert script == xserver.url + "sw.js"
    assert_no_errors(d)
