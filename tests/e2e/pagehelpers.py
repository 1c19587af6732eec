"""Opening, reading and driving the page from tests: one definition of each, for tests/e2e/ (Playwright pages
and frames) and, where they take a `target`, tests/xbrowser/ (its drivers' `eval`) alike.

- opening: `PageRecorder` (a page and its requests and errors), `open_page`;
- waiting for a state, never for a time: `wait_until` (any Python check), `wait_for` (a JS predicate),
  `wait_status`, `wait_settled` (body[data-settled]), `worker_round_trip`; timeouts are limits for a busy
  machine, not speed checks;
- reading: canvases, the readout, an independent PSNR, `assert_screen_agrees`;
- driving: log sliders, Pause, uploads, downloads and parameter files.
"""
import base64
import io
import math
import time

import numpy as np

READY_TIMEOUT_MS = 90_000  # Python boots in a few seconds; a shared 2-core machine can be slow
DESKTOP = {"width": 1280, "height": 800}


def _evaluate(target, js: str, arg=None):
    """A Playwright page or frame (`evaluate`) or a cross-browser driver (`eval`, tests/xbrowser/drivers.py)."""
    return target.evaluate(js, arg) if hasattr(target, "evaluate") else target.eval(js, arg)


# ------------------------------------------------------------------------------------------ opening
class PageRecorder:
    """A page plus everything it requested and every console error / uncaught exception."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        # page.on("request") also reports requests made by the page's workers (checked by a test)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def goto_and_wait(self, url: str, statuses=("ready", "error")) -> str:
        self.page.goto(url)
        return wait_status(self.page, *statuses)

    def status(self) -> str:
        return self.page.evaluate("document.body.dataset.status")

    def close(self) -> None:
        self.context.close()


def open_page(browser, url: str, *, viewport=DESKTOP, routes=(), ready=True, settled=False,
              **options) -> PageRecorder:
    """A new browser context (`viewport` and any other new_context `options`) with one page at `url`.
    routes: (pattern, handler) pairs installed before the page loads. ready: wait until the page says
    "ready" (asserted, with the page's message if it ended in error); settled: and until it has settled.
    ready=False returns as soon as the navigation has begun to load."""
    rec = PageRecorder(browser.new_context(viewport=viewport, **options))
    for pattern, handler in routes:
        rec.context.route(pattern, handler)
    if not ready:
        rec.page.goto(url)
        return rec
    assert rec.goto_and_wait(url) == "ready", rec.page.text_content("#message-text")
    if settled:
        wait_settled(rec.page)
    return rec


def recorded_pages(open_recorder):
    """A fixture's body: yields make(*args) -> page, each from open_recorder(*args) (a PageRecorder); at
    the end closes them all and asserts that no console had an error."""
    opened = []

    def make(*args):
        rec = open_recorder(*args)
        opened.append(rec)
        return rec.page

    yield make
    for rec in opened:
        errors = rec.errors
        rec.close()
        assert errors == [], errors


# ------------------------------------------------------------------------------------------ waiting
def wait_until(check, timeout: float = 30_000, interval: float = 0.05, what=None):
    """Call `check()` until it returns something truthy; return that. timeout in ms; `what()` (optional)
    describes the state for the TimeoutError."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout / 1000:.0f} s for {getattr(check, '__name__', check)}"
                               + (f"; {what()}" if what else ""))
        time.sleep(interval)


def _page_state(target) -> str:
    state = _evaluate(target, "() => [document.body.dataset.status, document.body.dataset.settled,"
                              " document.getElementById('message-text')?.textContent]")
    return f"status {state[0]!r}, data-settled {state[1]!r}, message {state[2]!r}"


def wait_for(target, predicate: str, arg=None, timeout: float = 30_000, interval: float = 0.05):
    """Poll the JS function `predicate(arg)` until it returns something truthy; return that.

    page.wait_for_function compiles its predicate inside the page, which the page's Content-Security-
    Policy (no 'unsafe-eval') forbids; page.evaluate goes through DevTools and is not affected, so the
    tests keep the policy switched on (a violation would show up as a console error).
    """
    def check():
        return _evaluate(target, predicate, arg)
    check.__name__ = f"{predicate} (arg={arg!r})"
    return wait_until(check, timeout, interval, what=lambda: _page_state(target))


def wait_status(target, *statuses, timeout: float = READY_TIMEOUT_MS) -> str:
    """Wait until body[data-status] is one of `statuses`; return it."""
    return wait_for(target, "s => s.includes(document.body.dataset.status) && document.body.dataset.status",
                    list(statuses), timeout=timeout)


# The page declares `body[data-settled="true"]` when nothing is going on and every frame drawn is its
# session's current state (the final frame with its numbers): tests wait for that, never for a time.
_SETTLED = """orTraining => {
    const b = document.body;
    if (orTraining && b.dataset.status === 'training' && document.getElementById('status-note').hidden) {
        return 'training';
    }
    return b.dataset.settled === 'true' ? 'declared' : null;
}"""


def wait_settled(target, timeout: float = 120_000, interval: float = 0.1, or_training: bool = False) -> str:
    """Wait until the page has settled after an action (body[data-settled]); return "declared", or with
    or_training "training" as soon as it trains (no rebuild going on). Call it after the action has taken
    effect (its status or note is up)."""
    def settled():
        return _evaluate(target, _SETTLED, or_training)
    settled.__name__ = "the page to settle"
    return wait_until(settled, timeout, interval, what=lambda: _page_state(target))


def worker_round_trip(target) -> None:
    """A request the worker answers (a new learning rate, one slider step lower, confirmed in
    body[data-learning-rate]): its messages arrive in order, so every epoch count (TICK) it sent before
    the answer has reached the page. The rate is left changed."""
    rate = _evaluate(target, "() => document.body.dataset.learningRate")
    _evaluate(target, """() => { const el = document.getElementById('lr');
        el.value = String(Number(el.value) - 0.1); el.dispatchEvent(new Event('input', {bubbles: true})); }""")
    wait_for(target, "r => document.body.dataset.learningRate !== r", rate, timeout=60_000)


def pause_if_training(target) -> bool:
    """Press Pause only if the page is training at this instant (checked and clicked in one step inside the
    page: a separate check then click would turn a `done` that lands between them into Continue)."""
    return _evaluate(target, """() => {
        if (document.body.dataset.status !== 'training') return false;
        document.getElementById('start').click();
        return true;
    }""")


# ------------------------------------------------------------------------------------------ reading
def canvas_rgba(target, canvas_id: str) -> np.ndarray:
    """The canvas's pixels as (H, W, 4) uint8, read with getImageData (carried as base64: 4 MB at 1024 px)."""
    data = _evaluate(target, """id => {
        const c = document.getElementById(id);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let s = '';
        for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
        return {w: c.width, h: c.height, b64: btoa(s)};
    }""", canvas_id)
    return np.frombuffer(base64.b64decode(data["b64"]), np.uint8).reshape(data["h"], data["w"], 4)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB between two uint8 RGB(A) images, over the RGB channels (an independent oracle)."""
    diff = a[..., :3].astype(np.float64) - b[..., :3].astype(np.float64)
    mse = float(np.mean(diff ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def read_int(page, selector: str) -> int:
    return int(page.text_content(selector))


def read_epoch(page, selector: str = "#epoch") -> float:
    """The epoch count shown: an integer, or one decimal for a network's partial epoch."""
    return float(page.text_content(selector))


def read_cost(page) -> float:
    return float(page.text_content("#cost"))


def read_psnr(page) -> float:
    text = page.text_content("#psnr")
    assert text.endswith(" dB"), text
    return float(text[:-3])


def assert_screen_agrees(page) -> float:
    """Settled: #epoch is the drawn frame's epoch, #psnr the PSNR of #learned against #target; -> the epoch."""
    wait_settled(page, timeout=60_000)
    shown = page.evaluate("""() => [document.getElementById('epoch').textContent,
        document.getElementById('learned').dataset.epoch, document.getElementById('psnr').textContent,
        document.body.dataset.settled]""")
    learned, target = canvas_rgba(page, "learned"), canvas_rgba(page, "target")
    assert shown[3] == "true", shown  # nothing changed while the canvases were read
    assert shown[0] == shown[1], shown
    assert learned.shape == target.shape
    measured = min(psnr(learned, target), 100.0)  # painting.metrics.psnr caps at 100 dB (an exact match)
    assert abs(measured - float(shown[2].removesuffix(" dB"))) < 0.1, (measured, shown)
    return read_epoch(page)


def message(page) -> dict:
    """#message as the reader sees it: hidden, tone, kind and text."""
    return page.evaluate("() => { const m = document.getElementById('message');"
                         " return {hidden: m.hidden, tone: m.dataset.tone, kind: m.dataset.kind,"
                         " text: document.getElementById('message-text').textContent}; }")


# ------------------------------------------------------------------------------------------ driving
def set_log_slider(target, control_id: str, value: float) -> None:
    """Log sliders (#lr, #epochs-per-frame) hold log10(value); set it and fire `input` as a user would."""
    _evaluate(target, """([id, position]) => {
            const el = document.getElementById(id);
            el.value = String(position);
            el.dispatchEvent(new Event('input', {bubbles: true}));
        }""", [control_id, math.log10(value)])


def upload_rgb(page, rgb: np.ndarray, name: str = "photo.png") -> None:
    """Give the page's file input a PNG of `rgb` ((H, W, 3) uint8), as a visitor's upload would."""
    from PIL import Image
    png = io.BytesIO()
    Image.fromarray(rgb).save(png, "PNG")
    page.set_input_files("#upload", {"name": name, "mimeType": "image/png", "buffer": png.getvalue()})


def download(page, button: str) -> tuple[str, bytes]:
    """Click a Save button; -> (the file name the page suggests, the bytes it handed the browser)."""
    with page.expect_download() as info:
        page.click(button)
    return info.value.suggested_filename, open(info.value.path(), "rb").read()


def load_params(page, name: str, text) -> dict:
    """Give #load-params a file; wait until the page has answered about it (its message names the file)
    and settled; -> message(page)."""
    page.set_input_files("#load-params", {"name": name, "mimeType": "application/json",
                                          "buffer": text.encode() if isinstance(text, str) else text})
    wait_for(page, """name => {
        const m = document.getElementById('message');
        return !m.hidden && document.getElementById('message-text').textContent.includes(`"${name}"`);
    }""", name)
    wait_settled(page, or_training=True)
    return message(page)
