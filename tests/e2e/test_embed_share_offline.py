"""Embed, share, offline, keyboard and CSP, in a real Chromium against the real page and Pyodide.

- embed: ?embed=1 hides the panel behind "More"; in an iframe on a host page (another origin) it starts
  when scrolled into view, pauses when scrolled away or when the tab is hidden; reduced motion: no
  autostart; the optional host script resizes the frame from the frame's postMessage only;
- share: settings -> Share link -> a new page shows the same control values; hostile URLs fall back;
- offline: once the service worker is active, a second visit with the context offline loads and trains;
- keyboard: Space / S / R; CSP: the meta is there, and nothing the page does violates it.

Set SCREENSHOT_DIR=/some/dir to keep the screenshots (desktop, phone, embed on a host page).
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import Server
from pagehelpers import (DESKTOP, PageRecorder, open_page, read_int, set_log_slider, wait_for, wait_settled,
                         wait_status, wait_until, worker_round_trip)

HOSTILE = "<img src=x onerror=window.__pwned=1>"
# every securitypolicyviolation event, recorded from before the page's first script runs
CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
EMBED_VIEW = {"width": 560, "height": 420}
# What embed.js's autoplay asks (is half of #learned on screen?), asked by an IntersectionObserver made after
# the page's own: the browser notifies observers in the order they were made, so once this one has
# recorded a change, the page's has seen it too and the page has acted on it (autoplay plays and pauses
# in the callback). window.__inView: true (in view) or false, one entry per change seen.
IN_VIEW_PROBE = """() => {
    window.__inView = [];
    new IntersectionObserver((entries) => {
        for (const e of entries) window.__inView.push(e.isIntersecting && e.intersectionRatio >= 0.5);
    }, {threshold: [0, 0.5, 1]}).observe(document.getElementById('learned'));
}"""


def status(target) -> str:
    return target.evaluate("() => document.body.dataset.status")


def new_recorder(browser, **options) -> PageRecorder:
    options.setdefault("viewport", DESKTOP)
    return PageRecorder(browser.new_context(**options))


def seen_in_view(frame, in_view: bool, after: int) -> int:
    """Wait until the probe (IN_VIEW_PROBE) has recorded, after its first `after` entries, that #learned is
    `in_view`; -> the number of entries then. By then the page's autoplay has had its say."""
    return wait_for(frame, "([v, n]) => window.__inView.length > n && window.__inView.at(-1) === v"
                           " && window.__inView.length", [in_view, after], timeout=30_000)


def running(target) -> bool:
    """The page is training or about to (Start says Pause)."""
    return target.evaluate("() => document.getElementById('start').textContent === 'Pause'")


def shot(page, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture
def rec(browser):
    r = new_recorder(browser)
    r.context.add_init_script(CSP_PROBE)  # every page and frame of the context
    yield r
    r.close()


# ------------------------------------------------------------------------------------------ embed
def test_embed_in_view_at_load_starts_and_says_so(browser, server):
    # the autostart happens while the page announces "ready": the chip must end on the newer status
    r = new_recorder(browser, viewport=EMBED_VIEW)
    try:
        page = r.page
        page.goto(server.url + "?embed=1&autoplay=1")
        wait_status(page, "training")
        assert page.text_content("#status-text") == "Training"
        assert page.text_content("#start") == "Pause"
    finally:
        r.close()


def test_embed_layout_hides_the_panel_behind_more(browser, server, tmp_path):
    # reduced motion, so it stays still while the layout is checked
    r = open_page(browser, server.url + "?embed=1&autoplay=1", viewport=EMBED_VIEW, reduced_motion="reduce")
    try:
        page = r.page
        for hidden in ("#training-settings", "#target-settings", "#chart", "#step", "#reset", ".about"):
            assert not page.is_visible(hidden), hidden
        # the h1 is kept for screen readers, in a masthead clipped to one pixel
        assert page.get_by_role("heading", level=1).count() == 1
        masthead = page.locator(".masthead").bounding_box()
        assert masthead["width"] <= 1 and masthead["height"] <= 1, masthead
        for shown in ("#target", "#learned", "#start", "#epoch", "#cost", "#psnr", "#embed-more"):
            assert page.is_visible(shown), shown
        for canvas in ("#target", "#learned"):
            box = page.locator(canvas).bounding_box()
            assert box["width"] > 150 and box["height"] > 150 and box["y"] + box["height"] <= 420, (canvas, box)
        # the frame's width is used: no horizontal scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 560
        more = page.locator("#embed-more")
        assert more.get_attribute("aria-expanded") == "false"
        more.click()
        assert more.get_attribute("aria-expanded") == "true"
        assert page.is_visible("#training-settings") and page.is_visible("#step")
        more.click()
        assert not page.is_visible("#training-settings")
        # the "Open full page" link carries the settings, without embed
        href = page.get_attribute("#full-page", "href")
        assert "embed" not in href and href.startswith(server.url)
        # not an embed: everything is there, no toggle
        page.goto(server.url)
        wait_status(page, "ready")
        assert page.is_visible("#training-settings") and not page.is_visible("#embed-more")
        assert r.errors == []
    finally:
        r.close()


@pytest.fixture(scope="module")
def host_server(tmp_path_factory):
    """A second origin for host pages (a blog), so the iframe is cross-origin as in real life."""
    folder = tmp_path_factory.mktemp("host")
    srv = Server(folder)
    srv.folder = folder
    yield srv
    srv.close()


def embed_snippet(page) -> str:
    """The snippet the Embed button offers, read from its dialog."""
    page.click("#embed-code")
    assert page.is_visible("#embed-dialog")
    snippet = page.input_value("#embed-snippet")
    page.click("#embed-close")
    assert not page.is_visible("#embed-dialog")
    return snippet


def host_page(host_server, name: str, snippet: str, spacer_px: int) -> str:
    (host_server.folder / name).write_text(
        "<!doctype html><meta charset=utf-8><title>A blog post</title>"
        "<body style='margin:0 auto;max-width:560px;font-family:sans-serif;background:#fdf6e3'>"
        f"<h1>My post</h1><div id=spacer style='height:{spacer_px}px'>Scroll down…</div>"
        f"{snippet}<div style='height:1600px'></div></body>")
    return host_server.url + name


def test_embed_in_a_host_page_starts_in_view_and_pauses_out_of_view(rec, server, host_server, tmp_path):
    page = rec.page
    # stop-cost=0: never "done", so it is still training when scrolled away
    assert rec.goto_and_wait(server.url + "#image=chelsea&size=32&stop-cost=0&epochs-per-frame=10") == "ready"
    snippet = embed_snippet(page)
    assert re.search(r'<iframe src="[^"]*\?embed=1#[^"]*image=chelsea', snippet), snippet
    for required in ('loading="lazy"', "width: 100%", "aspect-ratio: 4 / 3", 'title="', "embed-resize.js"):
        assert required in snippet, required
    # the snippet's iframe shows a poster; its comment gives the address that starts in view: use that
    autoplay_src = re.search(r'(http\S*\?embed=1&autoplay=1#\S*image=chelsea\S*)', snippet).group(1)
    snippet = re.sub(r'<iframe src="[^"]*"', f'<iframe src="{autoplay_src}"', snippet)

    host = rec.context.new_page()
    host.set_viewport_size({"width": 700, "height": 600})
    host.goto(host_page(host_server, "post.html", snippet, spacer_px=2000))
    frame_el = host.wait_for_selector("iframe", state="attached")
    # lazy: the frame below the fold has not loaded yet, or is loading; once scrolled near it loads
    # fully, but training must wait until it is really in view
    host.evaluate("window.scrollTo(0, 1200)")  # near, not in view (spacer ends at ~2050 px)

    def loaded_frame():
        frame = frame_el.content_frame()
        return frame if frame is not None and frame.url != "about:blank" else None
    frame = wait_until(loaded_frame, 60_000, 0.2)
    assert wait_status(frame, "ready") == "ready"
    frame.evaluate(IN_VIEW_PROBE)
    seen = seen_in_view(frame, False, 0)  # the page's autoplay has seen it out of view, since it was ready
    assert status(frame) == "ready" and frame.text_content("#epoch") == "0", "trained while out of view"
    assert not running(frame), "started while out of view"
    # the embed settings arrived through the URL
    assert frame.evaluate("document.getElementById('image').value") == "chelsea"

    frame_el.scroll_into_view_if_needed()
    wait_status(frame, "training", timeout=30_000)
    wait_for(frame, "() => Number(document.getElementById('epoch').textContent) > 0", timeout=30_000)

    # the host script sized the frame from the frame's own message; a message from anyone else is ignored
    wait_for(host, "() => document.querySelector('iframe').style.height !== ''", timeout=10_000)

    def heights():  # the frame's content may still change (a status line): its next message follows
        return (host.evaluate("document.querySelector('iframe').getBoundingClientRect().height"),
                frame.evaluate("document.documentElement.getBoundingClientRect().height"))
    wait_until(lambda: abs(heights()[0] - heights()[1]) <= 2, 10_000, 0.1, what=heights)
    # the host's own window sends a height; a second message, posted after it, arrives after it (one
    # window's messages are delivered in order), so by then embed-resize.js has dealt with the first
    host.evaluate("""() => new Promise((resolve) => {
        window.postMessage({type: 'regression-painter:height', height: 5000}, '*');
        addEventListener('message', function after(e) {
            if (e.data === 'test: after the height') { removeEventListener('message', after); resolve(); }
        });
        window.postMessage('test: after the height', '*');
    })""")
    height = host.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    assert height < 2000 and abs(height - content) <= 2, (height, content)

    shot(host, "embed-host-560", tmp_path)  # the host is 700 px wide, the frame 560 px

    seen = seen_in_view(frame, True, seen)
    host.evaluate("window.scrollTo(0, 0)")
    seen = seen_in_view(frame, False, seen)
    # paused: the worker's reply has come, after every live epoch count (TICK) it sent before. (Not settled:
    # Chromium runs no animation frames in an iframe scrolled out of view, so the final frame waits.)
    assert wait_status(frame, "paused", timeout=30_000) == "paused"
    epoch = read_int(frame, "#epoch")
    worker_round_trip(frame)  # the worker answers a request: any count of training since the Pause is in
    assert read_int(frame, "#epoch") == epoch, "trained while scrolled away"
    assert status(frame) == "paused" and not running(frame)

    # back in view: it goes on by itself (it was paused by scrolling, not by the reader)
    frame_el.scroll_into_view_if_needed()
    seen = seen_in_view(frame, True, seen)
    wait_status(frame, "training", timeout=30_000)

    # the tab is hidden (emulated inside the frame) -> paused; visible again -> training
    set_visibility = """state => {
        Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
        Object.defineProperty(document, 'hidden', {value: state === 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }"""
    frame.evaluate(set_visibility, "hidden")
    assert wait_status(frame, "paused", timeout=30_000) == "paused"
    frame.evaluate(set_visibility, "visible")
    wait_status(frame, "training", timeout=30_000)

    # the reader's own Pause wins: scrolling away and back does not restart it
    frame.click("#start")
    wait_status(frame, "paused", timeout=30_000)
    host.evaluate("window.scrollTo(0, 0)")
    seen = seen_in_view(frame, False, seen)
    frame_el.scroll_into_view_if_needed()
    seen_in_view(frame, True, seen)  # the page's autoplay has seen it back in view: and left it paused
    assert status(frame) == "paused" and not running(frame)
    assert frame.evaluate("window.__csp ?? []") == [] and rec.errors == []


def test_reduced_motion_means_no_autostart(browser, server):
    calm = new_recorder(browser, viewport=EMBED_VIEW, reduced_motion="reduce")
    lively = new_recorder(browser, viewport=EMBED_VIEW)
    try:
        # the same embed, in view from the start: without the preference it starts by itself ...
        lively.goto_and_wait(server.url + "?embed=1&autoplay=1#size=28", statuses=("training", "done", "error"))
        wait_for(lively.page, "() => Number(document.getElementById('epoch').textContent) > 0")
        # ... with it, it stays ready until the reader presses Start
        assert calm.goto_and_wait(server.url + "?embed=1&autoplay=1#size=28") == "ready"
        calm.page.evaluate(IN_VIEW_PROBE)
        seen_in_view(calm.page, True, 0)  # in view, and the page's autoplay has seen it since it was ready
        assert calm.status() == "ready" and calm.page.text_content("#epoch") == "0"
        assert not running(calm.page)
        calm.page.click("#start")
        wait_status(calm.page, "training", timeout=30_000)
        assert calm.errors == [] and lively.errors == []
    finally:
        calm.close()
        lively.close()


# ------------------------------------------------------------------------------------------ share
def control_values(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(
        ['image', 'size', 'mode', 'lr', 'epochs-per-frame', 'stop-cost']
          .map((id) => [id, document.getElementById(id).value]))""") | {
        # the number field shows what was typed (0.001) or its own format (1e-3): compare the number
        "stop-cost": float(page.input_value("#stop-cost"))}


def test_share_link_round_trip(rec, server):
    page = rec.page
    rec.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
    assert rec.goto_and_wait(server.url) == "ready"
    defaults = control_values(page)
    page.select_option("#image", "coffee")
    page.select_option("#size", "32")
    page.select_option("#mode", "2017")
    wait_status(page, "ready")
    set_log_slider(page, "lr", 0.2)
    set_log_slider(page, "epochs-per-frame", 50)
    page.fill("#stop-cost", "0.001")
    page.press("#stop-cost", "Enter")
    chosen = control_values(page)
    assert chosen != defaults and chosen["image"] == "coffee" and chosen["epochs-per-frame"] != defaults["epochs-per-frame"]
    # the address bar follows the settings
    assert "image=coffee" in page.url and "size=32" in page.url

    page.click("#share-link")
    wait_for(page, "() => document.getElementById('share-note').textContent !== ''")
    link = page.input_value("#share-url")
    assert link.startswith(server.url) and "#" in link
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.text_content("#share-note") == "Link copied to the clipboard."

    other = rec.context.new_page()
    other.goto(link)
    wait_status(other, "ready")
    assert control_values(other) == chosen
    # the model really got them: the learning rate in use and the resolution
    assert float(other.evaluate("document.body.dataset.learningRate")) == pytest.approx(float(
        page.evaluate("document.body.dataset.learningRate")))
    assert other.evaluate("document.getElementById('target').width") == 32
    assert other.evaluate("window.__csp") == [] and rec.errors == []


# every element of the page, by tag and id (what a failure names)
ELEMENTS = "() => [...document.getElementsByTagName('*')].map((e) => e.id ? `${e.localName}#${e.id}` : e.localName)"


def test_hostile_urls_fall_back_and_never_become_markup(rec, server):
    page = rec.page
    assert rec.goto_and_wait(server.url) == "ready"
    wait_settled(page)  # every part the page builds after ready is there
    markup = "document.querySelectorAll('img, svg, script:not([type=module]), [onerror], [onload]').length"
    clean_elements = page.evaluate(ELEMENTS)
    clean_markup = page.evaluate(markup)
    defaults = control_values(page)
    rate = page.evaluate("document.body.dataset.learningRate")

    hostile = (f"?embed={HOSTILE}&theme=<b>x</b>#lr={HOSTILE}&size=NaN&model=<script>window.__pwned=1</script>"
               "&image=../../etc/passwd&epochs-per-frame=1e999&mode=rgb%22%3E%3Csvg%20onload=alert(1)%3E"
               "&stop-cost=Infinity&unknown=<i>x</i>")
    page.goto(server.url + hostile)
    wait_status(page, "ready")
    wait_settled(page)
    assert page.evaluate("window.__pwned") is None
    now = page.evaluate(ELEMENTS)
    assert len(now) == len(clean_elements), (Counter(now) - Counter(clean_elements), Counter(clean_elements) - Counter(now))
    assert page.evaluate(markup) == clean_markup  # the gallery's own thumbnails, nothing more
    assert page.evaluate("document.querySelectorAll('img[src=x], [onerror], [onload]').length") == 0
    assert control_values(page) == defaults
    assert page.evaluate("document.body.dataset.learningRate") == rate
    assert page.evaluate("document.documentElement.dataset.embed") is None  # embed=<img...> is not "1"
    assert page.evaluate("document.documentElement.dataset.theme") is None
    # the reader is told, in plain text, what was ignored
    note = page.text_content("#message-text")
    assert "lr" in note and "ignored" in note and "<img src=x" in note
    # and the address bar no longer carries the refused values
    assert "<" not in page.evaluate("decodeURIComponent(location.href)")

    # huge numbers: not finite -> default; finite but out of range -> clamped. Only the hash changes,
    # so this is a same-document navigation: the page reloads itself to apply it
    with page.expect_event("load"):
        page.goto(server.url + "#lr=1e999&epochs-per-frame=5e9&size=64")
    wait_status(page, "ready")
    values = control_values(page)
    assert values["lr"] == defaults["lr"]
    assert float(values["epochs-per-frame"]) == pytest.approx(6.0)  # log10 of the 1e6 ceiling
    assert page.evaluate("window.__pwned") is None and page.evaluate("window.__csp") == []
    assert rec.errors == []


# ------------------------------------------------------------------------------------------ offline
def test_second_visit_works_offline(rec, server):
    page = rec.page
    assert rec.goto_and_wait(server.url + "#size=32") == "ready"
    wait_for(page, "() => document.documentElement.dataset.offline === 'ready'"
                   " && navigator.serviceWorker.controller !== null", timeout=120_000)
    page.close()

    rec.context.set_offline(True)
    page = rec.context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    from_sw = []
    page.on("response", lambda r: from_sw.append((r.url, r.from_service_worker)))
    page.goto(server.url + "?embed=0#size=32")
    assert wait_status(page, "ready", "error") == "ready", page.text_content("#message-text")
    # the network really is off: a file that is not in the cache cannot be fetched
    assert page.evaluate("fetch('no-such-file.txt').then(() => 'fetched', (e) => 'failed')") == "failed"
    assert (server.url + "?embed=0#size=32", True) in from_sw or (server.url + "?embed=0", True) in from_sw, from_sw[:3]
    page.click("#start")
    wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 0", timeout=30_000)
    page.click("#start")
    assert errors == []


# ------------------------------------------------------------------------------------------ keyboard
def test_keyboard_space_s_r(rec, server):
    page = rec.page
    assert rec.goto_and_wait(server.url + "#size=28&epochs-per-frame=10") == "ready"
    page.locator("h1").click()  # focus on the page, not on a control
    page.keyboard.press("s")
    wait_for(page, "() => document.body.dataset.status === 'paused'"
                   " && document.getElementById('epoch').textContent === '10'", timeout=30_000)
    page.keyboard.press("Shift+S")
    wait_for(page, "() => document.getElementById('epoch').textContent === '20'", timeout=30_000)
    page.keyboard.press(" ")
    wait_status(page, "training", timeout=10_000)
    wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 20", timeout=30_000)
    page.keyboard.press(" ")
    wait_status(page, "paused", timeout=10_000)
    page.keyboard.press("r")
    wait_for(page, "() => document.body.dataset.status === 'ready'"
                   " && document.getElementById('epoch').textContent === '0'", timeout=30_000)
    # typing in a field is typing, not a shortcut
    page.focus("#stop-cost")
    page.keyboard.type("rs ")
    page.keyboard.press("Escape")
    # a shortcut presses its button in the key's own event handler: its effect (a status, a rebuild
    # note) would show by the time the key press has returned
    assert status(page) == "ready" and page.text_content("#epoch") == "0"
    assert page.is_hidden("#status-note")
    page.focus("#size")
    page.keyboard.press("s")  # in a select: picks an option by letter at most, never steps
    assert status(page) != "training" and page.text_content("#epoch") == "0"
    # visible focus on the buttons, reached with Tab
    page.locator("h1").click()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "start":
            break
    assert page.evaluate("document.activeElement.id") == "start"
    outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 2, outline
    assert page.evaluate("window.__csp") == [] and rec.errors == []


# ------------------------------------------------------------------------------------------ CSP, a11y
def test_csp_meta_is_enforced_and_the_page_never_violates_it(rec, server):
    page = rec.page
    assert rec.goto_and_wait(server.url + "#size=28") == "ready"
    csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "default-src 'self'" in csp and "'wasm-unsafe-eval'" in csp and "worker-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", "")
    # use the page: train, open the embed dialog, share
    page.click("#start")
    wait_for(page, "() => Number(document.getElementById('epoch').textContent) > 0", timeout=30_000)
    page.click("#start")
    embed_snippet(page)
    page.click("#share-link")
    wait_for(page, "() => document.getElementById('share-note').textContent !== ''")
    wait_for(page, "() => document.documentElement.dataset.offline === 'ready'", timeout=120_000)
    assert page.evaluate("window.__csp") == []
    assert [e for e in rec.errors if "Content Security Policy" in e] == [] and rec.errors == []
    # the probe and the policy both work: inline script is refused and reported
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__inline = 1'; document.head.append(s); }""")
    wait_for(page, "() => window.__csp.length > 0", timeout=5_000)
    assert page.evaluate("window.__inline") is None
    assert page.evaluate("window.__csp")[0].startswith("script-src")


def test_labels_touch_targets_and_phone_layout(browser, server, tmp_path):
    r = open_page(browser, server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = r.page
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('button, input, select, textarea')]
            .filter((el) => el.offsetParent !== null && el.type !== 'hidden')
            .filter((el) => !(el.labels?.length || el.getAttribute('aria-label')
                    || el.getAttribute('aria-labelledby')
                    || (el.tagName === 'BUTTON' && (el.textContent.trim() || el.querySelector('img[alt]')?.alt))))
            .map((el) => el.id || el.outerHTML.slice(0, 60))""")
        assert unlabelled == []
        # a (visually hidden) file input or a checkbox is reached through its label: that is the target
        small = page.evaluate("""() => [...document.querySelectorAll('button, select, input')]
            .filter((el) => el.offsetParent !== null)
            .flatMap((el) => (['file', 'checkbox', 'radio'].includes(el.type) ? [...el.labels] : [el]))
            .map((el) => [el.id || el.htmlFor, el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)""")
        assert small == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # stacked: the settings come below the images
        stage = page.locator(".stage").bounding_box()
        settings = page.locator("#settings").bounding_box()
        assert settings["y"] >= stage["y"] + stage["height"]
        assert page.get_attribute("#status-text", "role") == "status"
        # Start above the fold; while training, the learned image and the cost chart are both on screen
        assert page.locator("#start").bounding_box()["y"] + 44 <= 844
        page.click("#start")
        wait_for(page, "() => document.body.dataset.status === 'training'", timeout=30_000)
        for selector in ("#learned", "#chart"):
            box = page.locator(selector).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 844 and box["height"] >= 100, (selector, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.click("#start")
        # no visible text under 12 px, the explanation's maths and the keys included
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        tiny = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter((el) => el.getClientRects().length
                    && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
            .map((el) => [el.tagName, el.textContent.trim().slice(0, 20), parseFloat(getComputedStyle(el).fontSize)])
            .filter(([, , size]) => size < 12)""")
        assert tiny == []
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = false; })")
        shot(page, "phone-390x844", tmp_path)
        page.set_viewport_size({"width": 1280, "height": 800})
        shot(page, "desktop-1280x800", tmp_path)
        assert r.errors == []
    finally:
        r.close()
