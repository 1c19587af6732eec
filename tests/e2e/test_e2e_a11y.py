"""Accessibility and layout in a real Chromium: axe-core, layout shift, the phone header, the CSP console.

- axe-core (tests/xbrowser/node_modules, `npm ci` there) finds no serious or critical violation in the
  light and dark theme, on desktop (1280x800) and phone (390x844), in the full page and the embed, with
  the status chip in every status the page reaches (loading, ready, training, paused, done, error);
- layout shift from navigation until ready stays below 0.1 (desktop and phone; bench/bench_layout.py
  prints the numbers);
- at 390x844 the status chip and #frame-epoch show their whole text with the longest texts;
- Chromium's console says nothing about the Content-Security-Policy (an unknown directive would be
  reported there; a control page shows that such a message is seen).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pagehelpers import DESKTOP, PageRecorder, open_page, wait_for, wait_status

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "xbrowser" / "node_modules" / "axe-core" / "axe.min.js"
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
PHONE = {"width": 390, "height": 844}

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) =>
    `${v.id} (${v.impact}): ` + v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary}`).join(' | '));
}"""
CLS_PROBE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
}).observe({type: 'layout-shift', buffered: true});
"""
# an element shows its whole text: nothing overflows it, and it lies inside its figcaption and panel
CLIPPED = """id => {
  const el = document.getElementById(id);
  const box = el.getBoundingClientRect(), cap = el.closest('figcaption').getBoundingClientRect();
  const panel = el.closest('figure').getBoundingClientRect();
  const out = [];
  if (el.hidden || box.width === 0) out.push('not shown');
  if (el.scrollWidth > el.clientWidth) out.push(`scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
  for (const [name, r] of [['figcaption', cap], ['panel', panel]])
    if (box.left < r.left - 0.5 || box.right > r.right + 0.5) out.push(`outside its ${name}`);
  return {text: el.textContent, problems: out};
}"""
# #frame-epoch with the longest text a network's frame gives it (the page hides it again when a current
# frame is drawn, so it is shown and measured in one go, with the chip as it is at that moment)
WITH_LONGEST_NOTE = """() => {
  const note = document.getElementById('frame-epoch');
  note.textContent = 'image of epoch 12345.6';
  note.hidden = false;
  const clipped = %s;
  return {'status-text': clipped('status-text'), 'frame-epoch': clipped('frame-epoch'),
          top: document.getElementById('learned').getBoundingClientRect().top};
}""" % CLIPPED


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): cd tests/xbrowser && npm ci", pytrace=False)
    return AXE.read_text()


def load(browser, url: str, viewport: dict, routes=()) -> PageRecorder:
    """The page loading at `url`, without its service worker (each test starts from the network)."""
    return open_page(browser, url, viewport=viewport, routes=routes, ready=False, service_workers="block")


def axe_violations(page, axe_source: str) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe_source)  # through DevTools: the page's CSP (no inline scripts) is not involved
    return page.evaluate(AXE_RUN)


def chip(page) -> str:
    return page.evaluate("() => document.body.dataset.status + ': ' + document.getElementById('status-text').textContent")


# ------------------------------------------------------------------------------------------ axe
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("where", ["desktop", "phone", "embed"])
def test_axe_finds_nothing_serious_when_ready_and_training(browser, server, axe_source, theme, where):
    viewport = PHONE if where == "phone" else DESKTOP
    # a network where the page trains (the desktop's Start, the autoplay embed's start): far from done while
    # axe runs, so the chip stays as it was
    query = f"?theme={theme}" + {"embed": "&embed=1&autoplay=1&model=mlp", "desktop": "&model=mlp", "phone": ""}[where]
    rec = load(browser, server.url + query, viewport)
    try:
        page = rec.page
        found = {}

        def check(status):
            before = chip(page)
            found[before] = axe_violations(page, axe_source)
            assert before.startswith(status) and chip(page) == before, (before, chip(page))

        status = wait_status(page, "ready", "training", "error")
        assert status != "error", page.text_content("#message-text")
        assert page.evaluate("t => document.documentElement.dataset.theme === t", theme)
        check(status)
        if where == "desktop":  # the chip's other colours: paused, then training
            page.click("#start")
            wait_status(page, "training")
            page.click("#start")
            check(wait_status(page, "paused"))
            page.click("#start")
            check(wait_status(page, "training"))
            assert len(found) == 3, found
        assert all(v == [] for v in found.values()), found
        assert rec.errors == []
    finally:
        rec.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_serious_on_the_embed_poster(browser, server, axe_source, theme, viewport):
    """The embed before any click: the poster and #play-live (Python is not loaded)."""
    rec = load(browser, server.url + f"?theme={theme}&embed=1", viewport)
    try:
        page = rec.page
        wait_for(page, "() => document.documentElement.dataset.facade === 'poster'"
                 " && !!document.getElementById('play-live').offsetParent")
        assert axe_violations(page, axe_source) == []
        assert rec.errors == []
    finally:
        rec.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("status", ["loading", "done", "error"])
def test_axe_finds_nothing_serious_in_the_other_statuses(browser, server, axe_source, theme, status):
    held = []
    routes = {
        # the model's package is held back: the page stays in loading
        "loading": [("**/py/painting.zip", lambda route: held.append(route))],
        "error": [(f"**/{NUMPY_WHEEL}", lambda route: route.fulfill(status=404, body="missing"))],
        "done": [],  # a stop threshold above any cost: the first slice of training ends in done
    }[status]
    query = f"?theme={theme}" + ("&stop-cost=10" if status == "done" else "")
    rec = load(browser, server.url + query, DESKTOP, routes)
    try:
        page = rec.page
        if status == "loading":
            wait_for(page, "() => document.getElementById('loading-text').textContent !== ''")
            wait_for(page, "() => document.getElementById('model-picker').children.length > 0")
        elif status == "done":
            wait_status(page, "ready")
            page.click("#start")
        assert wait_status(page, status) == status, page.text_content("#message-text")
        assert axe_violations(page, axe_source) == [], chip(page)
        assert page.evaluate("() => document.body.dataset.status") == status
    finally:
        for route in held:
            route.abort()
        rec.close()


# ------------------------------------------------------------------------------------------ layout
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_layout_shift_until_ready_is_below_0_1(browser, server, viewport):
    rec = PageRecorder(browser.new_context(viewport=viewport, service_workers="block"))
    try:
        rec.context.add_init_script(CLS_PROBE)
        page = rec.page
        page.goto(server.url)
        assert wait_status(page, "ready", "error") == "ready", page.text_content("#message-text")
        # two animation frames after ready: the ready frame is painted and its shifts are reported
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        shifts = page.evaluate("window.__shifts")
        assert sum(shifts) < 0.1, shifts
    finally:
        rec.close()


def test_phone_header_shows_the_whole_chip_and_frame_note(browser, server):
    rec = load(browser, server.url, PHONE)
    try:
        page = rec.page
        wait_for(page, "() => document.getElementById('status-text').textContent === 'Loading'")
        top = page.evaluate("() => document.getElementById('learned').getBoundingClientRect().top")
        got = page.evaluate(WITH_LONGEST_NOTE)
        assert got["status-text"] == {"text": "Loading", "problems": []}
        assert got["frame-epoch"] == {"text": "image of epoch 12345.6", "problems": []}
        # the note has a line of its own, kept whether or not it shows: the learned image does not move
        assert got["top"] == top
        assert page.evaluate("""() => document.getElementById('learned').getBoundingClientRect().top
                                      === document.getElementById('target').getBoundingClientRect().top""")
        assert wait_status(page, "ready", "error") == "ready", page.text_content("#message-text")
        page.click("#start")
        wait_status(page, "training")
        got = page.evaluate(WITH_LONGEST_NOTE)
        assert got["status-text"] == {"text": "Training", "problems": []}
        assert got["frame-epoch"] == {"text": "image of epoch 12345.6", "problems": []}
        assert got["top"] == top
    finally:
        rec.close()


# ------------------------------------------------------------------------------------------ CSP
CONTROL_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; not-a-directive 'self'">
<title>control</title></head><body><p>control</p></body></html>"""


def csp_messages(rec: PageRecorder) -> list[str]:
    return [m for m in rec.messages if "Content-Security-Policy" in m]


def record_console(rec: PageRecorder) -> None:
    rec.messages = []
    rec.page.on("console", lambda m: rec.messages.append(f"{m.type}: {m.text}"))


def test_chromium_console_reports_no_csp_problem(browser, server):
    # control: an unknown directive is reported on this console, so its absence below means something
    control = PageRecorder(browser.new_context(viewport=DESKTOP))
    try:
        record_console(control)
        control.context.route("**/csp-control.html", lambda route: route.fulfill(
            status=200, content_type="text/html", body=CONTROL_PAGE))
        control.page.goto(server.url + "csp-control.html")
        wait_for(control.page, "() => document.readyState === 'complete'")
        assert any("not-a-directive" in m for m in csp_messages(control)), control.messages
    finally:
        control.close()

    rec = PageRecorder(browser.new_context(viewport=DESKTOP))
    try:
        record_console(rec)
        rec.page.goto(server.url)
        assert wait_status(rec.page, "ready", "error") == "ready"
        rec.page.click("#start")
        wait_status(rec.page, "training")
        assert csp_messages(rec) == [] and rec.errors == []
    finally:
        rec.close()
