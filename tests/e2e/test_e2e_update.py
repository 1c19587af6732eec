"""Redeploys and installing, in Chromium: a one-file redeploy downloads that file and sw.js only; the page
offers "New version — reload" and never reloads by itself mid-painting; the web app manifest is valid,
and offline its start_url is served by the service worker and trains.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from PIL import Image

from counting_server import CountingServer
from pagehelpers import open_page, wait_for, wait_status
from sitebuild.service_worker import stamp_service_worker

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.cpython_only


def stamped_files(out: Path) -> dict:
    line = next(ln for ln in (out / "sw.js").read_text().splitlines() if ln.startswith("const BUILD = "))
    return json.loads(line.removeprefix("const BUILD = ").removesuffix(";"))


def test_one_file_redeploy_downloads_that_file_and_offers_a_reload(browser, site, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(site, out)
    server = CountingServer(out)
    rec = open_page(browser, server.url)
    page = rec.page
    try:
        wait_for(page, "() => document.documentElement.dataset.offline === 'ready'"
                       " && navigator.serviceWorker.controller !== null", timeout=120_000)
        assert page.is_hidden("#update-notice")  # a first install is no update

        # redeploy: one JS module changes; sw.js is stamped again, as a rebuild does
        marker = f"redeployed {time.time()}"
        chart = out / "js" / "chart.js"
        chart.write_text(chart.read_text() + f"\n// {marker}\n")
        shutil.copy(ROOT / "site" / "sw.js", out / "sw.js")
        stamp_service_worker(out)
        new = stamped_files(out)
        server.take()  # the first visit's requests, all answered (its offline copy is complete)

        # second visit: the old version runs, the new one installs behind it
        assert rec.goto_and_wait(server.url) == "ready"
        page.evaluate("window.__sameDocument = true")
        page.click("#start")
        wait_for(page, "() => document.documentElement.dataset.update === 'ready'", timeout=120_000)
        assert page.is_visible("#update-notice")
        assert " ".join(page.text_content("#update-notice").split()) == "New version — reload"
        fetched = server.take()  # the new worker has installed: it has fetched all it needed
        bodies = sorted(p for p, code, _ in fetched if code == 200)
        assert bodies == ["/js/chart.js", "/sw.js"], fetched
        # nothing else was even asked for (sw.js may be checked twice: the navigation and register())
        assert {p for p, *_ in fetched} == {"/js/chart.js", "/sw.js"}, fetched
        assert sum(n for *_, n in fetched) < 50_000
        # the new worker waits: no reload on its own while the painting goes on. It stays installed,
        # not active, while the page draws frame after frame (only its activation could reload the page)
        page.evaluate("window.__frames = 0; document.addEventListener('painter:frame', () => window.__frames++)")
        wait_for(page, "() => window.__frames >= 10", timeout=60_000)
        assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting?.state)") == "installed"
        assert page.evaluate("window.__sameDocument === true && document.body.dataset.status") == "training"
        assert page.evaluate("fetch('js/chart.js').then(r => r.text())").find(marker) == -1

        # one press: the new version takes over and the page reloads once
        with page.expect_navigation():
            page.click("#update-reload")
        wait_status(page, "ready")
        assert page.evaluate("window.__sameDocument") is None
        assert marker in page.evaluate("fetch('js/chart.js').then(r => r.text())")
        names = page.evaluate("caches.keys()")
        assert [n for n in names if n.startswith("regression-painter ")] == \
            [f"regression-painter {server.url} {new['version']}"]
        assert page.is_hidden("#update-notice")
        assert [p for p, code, _ in server.take() if code == 200] == []  # the reload came from the cache
        assert rec.errors == []
    finally:
        rec.close()
        server.close()


def test_manifest_is_valid_and_reachable(recorder, server, site):
    page = recorder.page
    assert recorder.goto_and_wait(server.url) == "ready"
    href = page.evaluate("document.querySelector('link[rel=manifest]').href")
    assert href == server.url + "manifest.webmanifest"
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Regression Painter" and manifest["short_name"]
    assert manifest["display"] == "standalone"
    # relative start_url and scope: the app works under any sub-path (e.g. /REPO/ on GitHub Pages)
    assert manifest["start_url"] == "./" and manifest["scope"] == "./"
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    sizes = set()
    for icon in manifest["icons"]:
        path = site / icon["src"]
        with Image.open(path) as im:
            assert im.format == "PNG" and icon["type"] == "image/png"
            assert f"{im.width}x{im.height}" == icon["sizes"], icon
            sizes.add(im.width)
    assert {192, 512} <= sizes
    assert any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])
    # and the browser itself accepts it (DevTools reports parse errors and installability problems)
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["errors"] == [], parsed["errors"]
    assert recorder.errors == []


def test_offline_start_url_is_served_by_the_service_worker_and_trains(browser, server):
    rec = open_page(browser, server.url, viewport={"width": 390, "height": 844})
    try:
        page = rec.page
        wait_for(page, "() => document.documentElement.dataset.offline === 'ready'"
                       " && navigator.serviceWorker.controller !== null", timeout=120_000)
        manifest = page.evaluate("fetch('manifest.webmanifest').then(r => r.json())")
        start = page.evaluate("u => new URL(u, document.querySelector('link[rel=manifest]').href).href",
                              manifest["start_url"])
        page.close()
        rec.context.set_offline(True)
        page = rec.context.new_page()
        responses = []
        page.on("response", lambda r: responses.append((r.url, r.from_service_worker, r.status)))
        page.goto(start)
        wait_status(page, "ready")
        assert (start, True, 200) in responses, responses[:3]
        page.click("#start")
        wait_for(page, "() => parseFloat(document.getElementById('epoch').textContent) > 0", timeout=60_000)
        page.click("#start")
    finally:
        rec.close()
