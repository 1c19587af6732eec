"""Reading and driving the page from tests: canvases, readout, log sliders; an independent PSNR; waiting
for the page to settle (`wait_settled`), for Playwright pages and the cross-browser drivers alike."""
import io
import math
import time

import numpy as np


def canvas_rgba(page, canvas_id: str) -> np.ndarray:
    """The canvas's pixels as (H, W, 4) uint8, read with getImageData."""
    data = page.evaluate(
        """id => {
            const c = document.getElementById(id);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            return {w: c.width, h: c.height, px: Array.from(d)};
        }""", canvas_id)
    return np.asarray(data["px"], dtype=np.uint8).reshape(data["h"], data["w"], 4)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB between two uint8 RGB(A) images, over the RGB channels (an independent oracle)."""
    diff = a[..., :3].astype(np.float64) - b[..., :3].astype(np.float64)
    mse = float(np.mean(diff ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def set_log_slider(page, control_id: str, value: float) -> None:
    """Log sliders (#lr, #epochs-per-frame) hold log10(value); set it and fire `input` as a user would."""
    page.evaluate(
        """([id, position]) => {
            const el = document.getElementById(id);
            el.value = String(position);
            el.dispatchEvent(new Event('input', {bubbles: true}));
        }""", [control_id, math.log10(value)])


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


def wait_for(page, predicate: str, arg=None, timeout: float = 30_000, interval: float = 0.05):
    """Poll the JS function `predicate(arg)` until it returns something truthy; return that.

    page.wait_for_function compiles its predicate inside the page, which the page's Content-Security-
    Policy (no 'unsafe-eval') forbids; page.evaluate goes through DevTools and is not affected, so the
    tests keep the policy switched on (a violation would show up as a console error).
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(predicate, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            state = page.evaluate("() => [document.body.dataset.status,"
                                  " document.getElementById('message-text')?.textContent]")
            raise TimeoutError(f"waited {timeout / 1000:.0f} s for {predicate} (arg={arg!r}); "
                               f"status {state[0]!r}, message {state[1]!r}")
        time.sleep(interval)


def wait_final_frame(page, timeout: float = 60_000):
    """After a Pause: wait until the page has settled (the frame drawn is the final one)."""
    wait_settled(page, timeout=timeout)


def pause_if_training(page) -> bool:
    """Press Pause only if the page is training at this instant (checked and clicked in one step inside the
    page: a separate check then click would turn a `done` that lands between them into Continue)."""
    return _evaluate(page, """() => {
        if (document.body.dataset.status !== 'training') return false;
        document.getElementById('start').click();
        return true;
    }""")


# The page declares `body[data-settled="true"]` when nothing is going on and every frame drawn is its
# session's current state (the final frame with its numbers): tests wait for that, never for a time.
_SETTLED = """orTraining => {
    const b = document.body;
    if (orTraining && b.dataset.status === 'training' && document.getElementById('status-note').hidden) {
        return 'training';
    }
    return b.dataset.settled === 'true' ? 'declared' : null;
}"""


def _evaluate(target, js: str, arg=None):
    """A Playwright page (`evaluate`) or a cross-browser driver (`eval`, tests/xbrowser/drivers.py)."""
    return target.evaluate(js, arg) if hasattr(target, "evaluate") else target.eval(js, arg)


def wait_settled(page, timeout: float = 120_000, interval: float = 0.1, or_training: bool = False) -> str:
    """Wait until the page has settled after an action (body[data-settled]); return "declared", or with
    or_training "training" as soon as it trains (no rebuild going on). Call it after the action has taken
    effect (its status or note is up). The timeout is a limit for a busy machine, not a speed check."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = _evaluate(page, _SETTLED, or_training)
        if value:
            return value
        if time.monotonic() > deadline:
            state = _evaluate(page, "() => [document.body.dataset.status, document.body.dataset.settled,"
                                    " document.getElementById('message-text')?.textContent]")
            raise TimeoutError(f"waited {timeout / 1000:.0f} s for the page to settle; status {state[0]!r},"
                               f" data-settled {state[1]!r}, message {state[2]!r}")
        time.sleep(interval)

def upload_rgb(page, rgb: np.ndarray, name: str = "photo.png") -> None:
    """Give the page's file input a PNG of `rgb` ((H, W, 3) uint8), as a visitor's upload would."""
    from PIL import Image
    png = io.BytesIO()
    Image.fromarray(rgb).save(png, "PNG")
    page.set_input_files("#upload", {"name": name, "mimeType": "image/png", "buffer": png.getvalue()})


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
