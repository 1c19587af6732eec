"""The article's two-by-two figure in post.html (site/js/post/two-by-two.js over the worker's TwoByTwo):
its numbers against the 2017 update computed here with numpy, its buttons, the explosion past the limit,
and a phone's width."""
import json

import numpy as np
import pytest

from conftest import ROOT
from pagehelpers import PageRecorder, wait_for

pytestmark = [pytest.mark.cpython_only,
              pytest.mark.skipif(not (ROOT / "site" / "post.html").exists(), reason="no site/post.html yet")]

FIGURE = 'figure[data-figure="two-by-two"]'
LIVE_TIMEOUT_MS = 120_000  # Pyodide boots first
X = np.hstack([np.ones((4, 1)), np.eye(4)])  # (4, 5) the bias column, then one-hot pixels


# ms from a click on Step to the figure's new data-state, measured in the page
ANSWER_MS = """async (sel) => {
  const figure = document.querySelector(sel);
  const before = figure.dataset.state;
  const t0 = performance.now();
  figure.querySelector('.figure-live button').click(); // the still's own button comes first
  while (figure.dataset.state === before) await new Promise((resolve) => setTimeout(resolve, 2));
  return performance.now() - t0;
}"""


def live_figure(browser, server, viewport):
    rec = PageRecorder(browser.new_context(viewport=viewport))
    rec.page.goto(server.url + "post.html")
    rec.page.locator(FIGURE).scroll_into_view_if_needed()
    wait_for(rec.page, f"document.querySelector('{FIGURE}')?.dataset.live === 'true'", timeout=LIVE_TIMEOUT_MS)
    return rec


def state_after(page, button=None, rate=None):
    """Click `button` (its accessible name) or set the rate; -> the figure's data-state once it changed."""
    before = page.get_attribute(FIGURE, "data-state")
    if rate is not None:
        page.locator(f"{FIGURE} input[type=number]").fill(str(rate))
        page.locator(f"{FIGURE} input[type=number]").dispatch_event("change")
    else:
        page.get_by_role("button", name=button).click()
    wait_for(page, "([sel, before]) => document.querySelector(sel).dataset.state !== before "
                   "&& !document.querySelector(sel).hasAttribute('aria-busy')", [FIGURE, before])
    return json.loads(page.get_attribute(FIGURE, "data-state"))


def test_two_by_two_follows_the_2017_update(browser, server):
    rec = live_figure(browser, server, {"width": 1280, "height": 800})
    page = rec.page
    try:
        assert page.locator(f"{FIGURE} .figure-still").is_hidden()
        state = json.loads(page.get_attribute(FIGURE, "data-state"))
        assert state["epoch"] == 0 and state["weights"] == [0] * 5  # mounted: a fresh start
        y, lr = np.array(state["labels"]), state["learning_rate"]
        state = state_after(page, "Train one epoch")
        w = np.zeros(5) - (lr / 4) * X.T @ (X @ np.zeros(5) - y)  # one epoch from zero
        assert state["epoch"] == 1
        np.testing.assert_allclose(state["weights"], w, rtol=0, atol=1e-9)
        state = state_after(page, "Train 25 epochs")
        for _ in range(25):
            w = w - (lr / 4) * X.T @ (X @ w - y)
        assert state["epoch"] == 26
        np.testing.assert_allclose(state["weights"], w, rtol=0, atol=1e-9)
        assert state["cost"] == pytest.approx(float(np.sum((X @ w - y) ** 2)) / 8, abs=1e-12)
        assert state_after(page, "Reset the weights to zero")["epoch"] == 0

        state_after(page, rate=2.5)
        state = state_after(page, "Train 100 epochs")
        assert state["learning_rate"] == 2.5 and 0 < state["epoch"] < 100
        warning = page.locator(f"{FIGURE} [role=alert]")
        assert "exploded" in warning.text_content() and "1.6" in warning.text_content()
        state_after(page, rate=1)
        state_after(page, "Reset the weights to zero")
        assert page.evaluate(ANSWER_MS, FIGURE) < 150  # a click's new numbers are on screen within 150 ms
        assert rec.errors == []
    finally:
        rec.close()


def test_two_by_two_fits_a_phone(browser, server):
    rec = live_figure(browser, server, {"width": 390, "height": 844})
    page = rec.page
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for box in page.locator(f"{FIGURE} button, {FIGURE} input").evaluate_all(
                "els => els.filter((e) => e.checkVisibility()).map((e) => e.getBoundingClientRect())"
                ".map((r) => [r.width, r.height])"):  # the still's button is hidden once live
            assert box[0] >= 44 and box[1] >= 44, box
    finally:
        rec.close()
