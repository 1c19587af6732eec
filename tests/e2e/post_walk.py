"""A seeded random walk through the article (post.html): a reader's actions, the page's invariants after each.

`PostWalk(recorder, server_url, seed).run(n)` makes n actions chosen by a seeded generator from what the
article offers at that moment: scroll a figure into view or away, press one of a figure's buttons, move
one of its sliders or number fields, pick an option of one of its selects, turn the screen to a phone's
width and back. After each it waits for the page to settle (`wait_quiet`) and checks (`check`):
- at most one Worker was ever created, and exactly one once a figure is live;
- no uncaught exception or console error;
- every figure's data-state is a JSON object whose epoch, frame_epoch, cost and psnr (its own and each
  pane's) are finite numbers or null, epoch >= 0, the picture's epoch not past the count; data-live is
  "true" or absent;
- at a phone's width, nothing scrolls sideways.
Every action is a plain tuple, so a failure names the seed and the exact action list
(`PostWalk.replay`). Used by test_e2e_post_walk.py.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pagehelpers import wait_for

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LIVE_TIMEOUT_MS = 120_000  # a figure waits for Python to boot, on a busy machine

# counts the Workers the page creates (installed before any script of the page runs)
COUNT_WORKERS = """(() => {
  const Original = window.Worker;
  window.__workers = 0;
  window.Worker = class extends Original {
    constructor(...args) { super(...args); window.__workers += 1; }
  };
})();"""

# what a figure offers now: [kind, index] for each visible, enabled control inside it
CONTROLS = """(id) => {
  const figure = document.querySelector(`figure[data-figure="${id}"]`);
  const shown = (el) => !el.disabled && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden], [inert]');
  const out = [];
  figure.querySelectorAll('button').forEach((el, i) => shown(el) && out.push(['button', i]));
  figure.querySelectorAll('input[type=range], input[type=number]').forEach((el, i) => shown(el) && out.push(['input', i]));
  figure.querySelectorAll('select').forEach((el, i) => shown(el) && el.options.length > 1 && out.push(['select', i]));
  return out;
}"""

# sets input i of a figure to the fraction f of its range (or of [0, 1] without one), as a reader would
SET_INPUT = """([id, i, f]) => {
  const el = document.querySelectorAll(`figure[data-figure="${id}"] input[type=range], figure[data-figure="${id}"] input[type=number]`)[i];
  const lo = el.min === '' ? 0 : Number(el.min), hi = el.max === '' ? lo + 1 : Number(el.max);
  el.value = String(lo + f * (hi - lo));
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return el.value;
}"""

SET_SELECT = """([id, i, k]) => {
  const el = document.querySelectorAll(`figure[data-figure="${id}"] select`)[i];
  el.selectedIndex = k % el.options.length;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return el.value;
}"""

# every figure's data-state and data-live, and what the invariants need from the page
SNAPSHOT = """() => ({
  workers: window.__workers,
  width: innerWidth,
  scrollWidth: document.scrollingElement.scrollWidth,
  figures: [...document.querySelectorAll('figure[data-figure]')].map((f) => ({
    id: f.dataset.figure, state: f.dataset.state ?? null, live: f.dataset.live ?? null })),
})"""


@dataclass
class Failure:
    kind: str
    detail: str
    action: tuple


@dataclass
class PostWalk:
    recorder: object
    server_url: str
    seed: int
    actions: list = field(default_factory=list)
    failures: list = field(default_factory=list)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.page = self.recorder.page
        self.recorder.context.add_init_script(COUNT_WORKERS)
        self.page.goto(self.server_url + "post.html")
        self.ids = self.page.eval_on_selector_all("figure[data-figure]", "fs => fs.map((f) => f.dataset.figure)")

    # ---- actions ----
    def choose(self) -> tuple:
        """The next action, from what the article offers now."""
        kind = self.rng.choices(["scroll", "control", "viewport", "away"], [4, 10, 1, 1])[0]
        figure = self.rng.choice(self.ids)
        if kind == "control":
            offered = self.page.evaluate(CONTROLS, figure)
            if not offered:
                return ("scroll", figure)
            control, index = self.rng.choice(offered)
            if control == "input":
                return ("input", figure, index, round(self.rng.random(), 3))
            if control == "select":
                return ("select", figure, index, self.rng.randrange(8))
            return ("button", figure, index)
        if kind == "viewport":
            return ("viewport", "phone" if self.page.viewport_size["width"] > PHONE["width"] else "desktop")
        if kind == "away":
            return ("away",)
        return ("scroll", figure)

    def do(self, action: tuple) -> None:
        self.actions.append(action)
        page, kind = self.page, action[0]
        if kind == "scroll":
            page.locator(f'figure[data-figure="{action[1]}"]').scroll_into_view_if_needed()
        elif kind == "away":
            page.evaluate("scrollTo(0, 0)")
        elif kind == "viewport":
            page.set_viewport_size(PHONE if action[1] == "phone" else DESKTOP)
        elif kind == "button":
            button = page.locator(f'figure[data-figure="{action[1]}"] button').nth(action[2])
            try:  # it may have gone since it was chosen (a figure going live swaps its still's buttons)
                button.click(timeout=3000)
            except PlaywrightTimeout:
                self.actions[-1] = (*action, "gone")
        elif kind == "input":
            page.evaluate(SET_INPUT, list(action[1:]))
        elif kind == "select":
            page.evaluate(SET_SELECT, list(action[1:]))
        self.wait_quiet()

    def wait_quiet(self) -> None:
        """Until the page has drawn twice and no figure waits for a reply of the worker (aria-busy)."""
        wait_for(self.page, """() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(
            () => resolve(!document.querySelector('figure[aria-busy="true"], figure [aria-busy="true"]')))))""",
                 timeout=LIVE_TIMEOUT_MS)

    # ---- invariants ----
    def check(self, action=("check",)) -> None:
        snap = self.page.evaluate(SNAPSHOT)
        fail = lambda kind, detail: self.failures.append(Failure(kind, detail, action))  # noqa: E731
        live = [f for f in snap["figures"] if f["live"] is not None]
        if snap["workers"] > 1 or (live and snap["workers"] != 1):
            fail("workers", f"{snap['workers']} Workers with {len(live)} figures live")
        for error in self.recorder.errors:
            fail("error", error)
        self.recorder.errors.clear()
        for f in snap["figures"]:
            if f["live"] not in (None, "true"):
                fail("live", f"{f['id']}: data-live={f['live']!r}")
            try:
                state = json.loads(f["state"] or "")
            except ValueError:
                fail("state", f"{f['id']}: data-state is not JSON: {f['state']!r}")
                continue
            if not isinstance(state, dict):
                fail("state", f"{f['id']}: data-state is not an object: {f['state']!r}")
                continue
            for where, numbers in [("", state), *((f"pane {k}: ", v) for k, v in state.get("panes", {}).items())]:
                for key in ("epoch", "frame_epoch", "cost", "psnr"):
                    value = numbers.get(key)
                    if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value)):
                        fail("state", f"{f['id']}: {where}{key} = {value!r}")
                epoch, drawn = numbers.get("epoch"), numbers.get("frame_epoch")
                if isinstance(epoch, (int, float)) and epoch < 0:
                    fail("state", f"{f['id']}: {where}epoch {epoch}")
                if isinstance(epoch, (int, float)) and isinstance(drawn, (int, float)) and drawn > epoch + 1e-9:
                    fail("state", f"{f['id']}: {where}the picture's epoch {drawn} is past the count {epoch}")
        if snap["width"] <= PHONE["width"] and snap["scrollWidth"] > snap["width"] + 1:
            fail("sideways", f"scrollWidth {snap['scrollWidth']} at width {snap['width']}")

    def run(self, n: int) -> list:
        """n chosen actions, each checked; -> the failures."""
        for _ in range(n):
            action = self.choose()
            self.do(action)
            self.check(action)
        return self.failures

    def replay(self, actions) -> list:
        for action in actions:
            self.do(tuple(action))
            self.check(tuple(action))
        return self.failures

    def live_figures(self) -> list:
        return [f["id"] for f in self.page.evaluate(SNAPSHOT)["figures"] if f["live"] == "true"]

    def report(self) -> str:
        lines = [f"seed {self.seed}, {len(self.actions)} actions: {self.actions}",
                 f"live figures: {self.live_figures()}"]
        lines += [f"  {f.kind}: {f.detail} (after {f.action})" for f in self.failures]
        return "\n".join(lines)
