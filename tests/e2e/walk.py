"""A seeded random walk through the real page: real user actions, and the page's invariants after each.

`Walk(recorder, server_url, seed, workdir).run(n)` makes n actions chosen by a seeded generator from what
the page offers at that moment, waits after each for the page to settle (or to train steadily), then
checks the invariants (`check`). Every action is recorded as a plain tuple, so a failure names the seed
and the exact action list; `Walk.replay(actions)` runs such a list again. Used by test_e2e_walk.py (a few
short seeds) and bench/bench_walk.py (a long soak).
"""
from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from visitor_code import ENDLESS, FEATURES_SMALL, SYNTAX_ERROR, type_code
from pagehelpers import canvas_rgba, pause_if_training, psnr, set_log_slider, wait_for, wait_settled, wait_until

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "site" / "images"
READY_MS = 120_000
STATUSES = ("ready", "training", "paused", "done", "error")
START_LABEL = {"ready": "Start", "training": "Pause", "paused": "Continue", "done": "Continue", "error": "Start"}
SIZES = ("28", "32", "64", "96", "128")  # the page offers up to 512; the walk stays quick
MODELS = ("onehot", "plane", "poly", "rff", "dct", "mlp", "siren")


# action -> weight; the generator skips actions the page does not offer at the moment
WEIGHTS = {
    "start": 8, "pause": 5, "step": 6, "reset": 3, "solve": 2, "model": 5, "model_b": 2, "knob": 4,
    "size": 3, "image": 3, "upload": 1, "compare": 3, "holdout": 2, "zoom": 2, "view": 2,
    "code_good": 1, "code_syntax": 1, "code_endless": 1, "save_params": 1, "load_params": 1,
    "reload": 1, "hash": 1, "back": 1, "forward": 1, "backend": 2,
}
BAD_INPUT = {"code_syntax", "code_endless", "load_params"}  # may (load_params: must, on another size) error
CLEARS_MESSAGE = {"start", "step", "reset", "solve", "model", "model_b", "knob", "size", "image", "compare",
                  "holdout", "code_good", "reload", "hash", "back", "forward", "backend"}


@dataclass
class Failure:
    kind: str
    detail: str


@dataclass
class Walk:
    recorder: object          # conftest.PageRecorder
    url: str                  # the page, e.g. server.url
    seed: int
    workdir: Path             # for uploads and parameter files
    actions: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    checked: dict = field(default_factory=dict)  # check -> times it was made (a PSNR compared, ...)

    def __post_init__(self):
        self.page = self.recorder.page
        self.rng = random.Random(self.seed)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.saved_params: tuple[Path, str] | None = None  # (file, size it was saved at)
        self.error_ok = False    # an error on the page is explained by a bad input not yet recovered from
        self.clears = False      # the last action, valid, replaced whatever message was shown
        self.history = 0         # entries we can go Back to (hash typed); forward: entries ahead
        self.ahead = 0
        self.errors_seen = 0     # page errors (recorder.errors) already judged
        self.log_seen = 0        # #error-log entries already judged

    # -------------------------------------------------------------------------------------------- running
    def boot(self):
        self.recorder.goto_and_wait(self.url, statuses=("ready", "error"))
        self.settle()
        self.check("boot", bad=False)

    def run(self, n: int, deadline: float | None = None) -> list:
        """n random actions (fewer if time.monotonic() passes `deadline`), each followed by settle + check;
        returns the failures (also in .failures)."""
        self.boot()
        for _ in range(n):
            if deadline is not None and time.monotonic() > deadline:
                break
            action = self.choose()
            if action is None:
                continue
            self.do(action)
        return self.failures

    def replay(self, actions) -> list:
        self.boot()
        for action in actions:
            self.do(tuple(action))
        return self.failures

    def do(self, action: tuple):
        self.actions.append(action)
        self.counts[action[0]] = self.counts.get(action[0], 0) + 1
        # the visitor's features model cannot be drawn between pixels: zoom > 1 on it is refused, with words
        bad = action[0] in BAD_INPUT or (action[0] == "zoom" and action[1] != "1" and self.page.evaluate(
            "document.body.dataset.model === 'custom' || document.getElementById('model-b').value === 'custom'"))
        # an action that leaves the sessions as they are leaves a message as it is: Start that pauses, the
        # networks' engine while no network is on screen
        self.clears = action[0] in CLEARS_MESSAGE and not self.page.evaluate("""([name]) => name === 'start'
            ? document.body.dataset.status === 'training'
            : name === 'backend' && !['mlp', 'siren'].includes(document.body.dataset.model)
              && (document.getElementById('pane-b').hidden
                  || !['mlp', 'siren'].includes(document.getElementById('model-b').value))""", list(action[:1]))
        try:
            getattr(self, "act_" + action[0])(*action[1:])
            self.settle()
        except Exception as exc:  # a wait that never ended is a failure of the page, with its state
            try:
                state = {k: v for k, v in self.snapshot().items() if k not in ("log", "url")}
            except Exception as gone:  # the page itself is gone
                state = f"unavailable ({gone})"
            self.fail("stuck", f"{action}: {type(exc).__name__}: {str(exc)[:400]}; page: {state}")
            self.recover()
        self.check(action[0], bad=bad)

    def recover(self):
        """After a stuck action: load the page's own URL again so the walk can go on."""
        try:
            self.page.goto("about:blank")
            self.recorder.goto_and_wait(self.url, statuses=("ready", "error"))
            self.settle()
        except Exception as exc:
            self.fail("stuck", f"recovery: {exc}")
        self.error_ok = False

    def settle(self):
        """Wait until the page has settled, or trains steadily (no rebuild); a load first ends."""
        wait_for(self.page, "() => document.body.dataset.status !== 'loading'", timeout=READY_MS)
        wait_settled(self.page, timeout=READY_MS, or_training=True)

    # --------------------------------------------------------------------------------------- generating
    def state(self) -> dict:
        return self.page.evaluate("""() => {
            const $ = (id) => document.getElementById(id);
            const options = (id) => $(id) ? [...$(id).options].map(o => o.value) : [];
            return {
                status: document.body.dataset.status,
                start: !$('start').disabled, step: !$('step').disabled, reset: !$('reset').disabled,
                solve: !$('solve').disabled, save: !$('save-params').disabled,
                compare: $('compare').checked, model: $('model').value, size: $('size').value,
                holdout: $('holdout').value, zoom: $('zoom').value, view: $('view').value,
                backend: $('backend').value, views: options('view'), images: [...document.querySelectorAll('#gallery [data-image]')]
                    .map(b => b.dataset.image),
                knobs: [...document.querySelectorAll('#knobs-a select, #knobs-a input[type=range]')].map(k => ({
                    id: k.id, tag: k.tagName, min: Number(k.min), max: Number(k.max), step: k.step,
                    options: k.tagName === 'SELECT' ? [...k.options].map(o => o.value) : [],
                })).filter(k => k.id),
            };
        }""")

    def choose(self):
        s = self.state()
        rng = self.rng
        offered = dict(WEIGHTS)
        if not s["start"]:
            offered.pop("start")
        if s["status"] != "training":
            offered.pop("pause")
        if not s["step"]:
            offered.pop("step")
        if not s["reset"]:
            offered.pop("reset")
        if not s["solve"]:
            offered.pop("solve")
        if not s["compare"]:
            offered.pop("model_b")
        if not s["knobs"]:
            offered.pop("knob")
        if self.saved_params is None:
            offered.pop("load_params")
        if not s["save"]:
            offered.pop("save_params")
        if self.history == 0:
            offered.pop("back")
        if self.ahead == 0:
            offered.pop("forward")
        name = rng.choices(list(offered), weights=list(offered.values()))[0]
        other = lambda values, now: rng.choice([v for v in values if v != now] or list(values))  # noqa: E731
        if name == "model":
            return (name, other(MODELS, s["model"]))
        if name == "model_b":
            return (name, rng.choice(MODELS))
        if name == "knob":
            k = rng.choice(s["knobs"])
            if k["tag"] == "SELECT":
                return (name, k["id"], rng.choice(k["options"]))
            value = rng.uniform(k["min"], k["max"])
            if k["step"] not in ("", "any"):
                step = float(k["step"])
                value = k["min"] + round((value - k["min"]) / step) * step
            return (name, k["id"], round(value, 6))
        if name == "size":
            return (name, other(SIZES, s["size"]))
        if name == "image":
            return (name, other(s["images"], None))
        if name == "upload":
            return (name, rng.choice(sorted(p.name for p in IMAGES.glob("*.jpg"))), rng.choice(["png", "jpeg"]))
        if name == "compare":
            return (name, not s["compare"])
        # the lesson's settings go back to their defaults half the time (the PSNR check needs them there)
        if name == "holdout":
            return (name, "0" if s["holdout"] != "0" and rng.random() < 0.5
                    else other(["0", "0.25", "0.5", "0.75", "0.9"], s["holdout"]))
        if name == "zoom":
            return (name, "1" if s["zoom"] != "1" and rng.random() < 0.5 else other(["1", "2", "4"], s["zoom"]))
        if name == "view":
            return (name, "learned" if s["view"] != "learned" and rng.random() < 0.5 else other(s["views"], s["view"]))
        if name == "backend":  # what the networks run on: numpy or TensorFlow.js
            return (name, other(["numpy", "tensorflow"], s["backend"]))
        if name == "hash":
            return (name, f"model={rng.choice(MODELS[:5])}&size={rng.choice(SIZES[:3])}")
        if name == "code_endless":  # and, while Python is stuck, nothing more or a setting changed
            return (name, rng.choice(["", "zoom", "rate"]))
        return (name,)

    # ------------------------------------------------------------------------------------------ actions
    def act_start(self):
        before = self.page.evaluate("document.body.dataset.status")
        self.page.click("#start")
        if before != "training":  # let it train a little: until the count moves or it stops by itself
            wait_for(self.page, """() => document.body.dataset.status !== 'training'
                     || parseFloat(document.getElementById('epoch').textContent) > 0""", timeout=READY_MS)

    def act_pause(self):
        pause_if_training(self.page)
        wait_for(self.page, "() => document.body.dataset.status !== 'training'", timeout=READY_MS)

    def act_step(self):
        self.page.click("#step")
        wait_for(self.page, "() => document.body.dataset.status !== 'training'", timeout=READY_MS)

    def act_reset(self):
        self.page.click("#reset")

    def act_solve(self):
        if self.page.is_enabled("#solve"):
            self.page.click("#solve")

    def act_model(self, name):
        self.page.select_option("#model", name)

    def act_model_b(self, name):
        if self.page.is_visible("#model-b"):
            self.page.select_option("#model-b", name)

    def act_knob(self, control_id, value):
        if self.page.query_selector(f"#{control_id}") is None:
            return
        self.page.evaluate("""([id, v]) => {
            const el = document.getElementById(id);
            el.value = String(v);
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true}));
        }""", [control_id, value])

    def act_size(self, size):
        self.page.select_option("#size", size)

    def act_image(self, image):
        self.page.click(f"#gallery [data-image='{image}']")

    def act_upload(self, photo, fmt):
        path = self.workdir / f"{Path(photo).stem}-upload.{fmt}"
        with Image.open(IMAGES / photo) as img:
            img.convert("RGB").resize((img.width // 3, img.height // 3)).save(path, format=fmt.upper())
        self.page.evaluate("document.getElementById('message').dataset.kind = ''")
        self.page.set_input_files("#upload", str(path))
        wait_for(self.page, """() => ['image'].includes(document.getElementById('message').dataset.kind)
                 || document.getElementById('message').dataset.tone === 'error'""", timeout=READY_MS)

    def act_compare(self, on):
        (self.page.check if on else self.page.uncheck)("#compare")

    def act_holdout(self, value):
        self.page.select_option("#holdout", value)

    def act_zoom(self, value):
        self.page.select_option("#zoom", value)

    def act_view(self, value):
        self.page.select_option("#view", value)

    def act_backend(self, value):
        self.page.select_option("#backend", value)

    def _run_code(self, source):
        self.page.evaluate("document.getElementById('your-model').open = true")
        type_code(self.page, source)
        self.page.click("#run-code")

    def act_code_good(self):
        self._run_code(FEATURES_SMALL)
        wait_for(self.page, """() => document.body.dataset.model === 'custom'
                 || document.getElementById('message').dataset.tone === 'error'""", timeout=READY_MS)

    def act_code_syntax(self):
        self._run_code(SYNTAX_ERROR)
        wait_for(self.page, "() => document.getElementById('code').dataset.errorLine", timeout=READY_MS)

    def act_code_endless(self, meanwhile=""):
        self._run_code(ENDLESS)
        wait_for(self.page, "() => !document.getElementById('stop-python').hidden", timeout=READY_MS)
        if meanwhile == "zoom":
            self.page.select_option("#zoom", "2" if self.page.input_value("#zoom") == "1" else "1")
        if meanwhile == "rate":
            set_log_slider(self.page, "lr", 0.25 if self.page.text_content("#lr-value") == "0.5" else 0.5)
        self.page.click("#stop-python")
        wait_for(self.page, "() => document.getElementById('message').dataset.kind === 'restarted'"
                 " || document.body.dataset.status === 'error'", timeout=READY_MS)

    def act_save_params(self):
        size = self.page.input_value("#size")
        with self.page.expect_download(timeout=READY_MS) as info:
            self.page.click("#save-params")
        path = self.workdir / f"params-{len(self.actions)}.json"
        info.value.save_as(path)
        self.saved_params = (path, size)

    def act_load_params(self):
        path, _size = self.saved_params
        self.page.set_input_files("#load-params", str(path))
        # the outcome names the file (a note such as "Loading the image decoder…" may come first)
        wait_for(self.page, """name => { const m = document.getElementById('message');
                 return !m.hidden && document.getElementById('message-text').textContent.includes(`"${name}"`); }""",
                 path.name, timeout=READY_MS)

    def _await_reload(self, go):
        """go() makes the page load again (the page reloads itself on a hash change): wait for the new one."""
        self.page.evaluate("window.__walkBefore = true")
        try:
            go()
        except PlaywrightError as exc:  # the navigation began while go() was evaluating
            if "context was destroyed" not in str(exc):
                raise

        def loaded_again():
            try:
                return self.page.evaluate("() => !window.__walkBefore && ['ready', 'error', 'paused', 'done']"
                                          ".includes(document.body.dataset.status)")
            except PlaywrightError as exc:  # polled during the navigation
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
                return False
        wait_until(loaded_again, READY_MS, 0.1)

    def act_reload(self):
        """The URL round-trips: reloading the page's own address gives the same settings."""
        url, before = self.page.url, self.settings()
        # not stated by an address: the visitor's model (custom), an upload (no gallery photo pressed)
        before = {k: v for k, v in before.items() if v not in (None, "custom")}
        self._await_reload(self.page.reload)
        self.settle()
        after = {k: v for k, v in self.settings().items() if k in before}
        if self.page.url != url:
            self.fail("url", f"reload changed the address: {url} -> {self.page.url}")
        if after != before:
            self.fail("url", f"reload changed the settings: {before} -> {after}")
        self.checked["url"] = self.checked.get("url", 0) + 1

    def act_hash(self, hash_):
        self._await_reload(lambda: self.page.evaluate("h => { location.hash = h; }", hash_))
        self.history += 1
        self.ahead = 0

    def act_back(self):
        self._await_reload(self.page.go_back)
        self.history -= 1
        self.ahead += 1

    def act_forward(self):
        self._await_reload(self.page.go_forward)
        self.history += 1
        self.ahead -= 1

    # ---------------------------------------------------------------------------------------- checking
    def settings(self) -> dict:
        """The settings the address states, read back from the controls (a value per hash key)."""
        hash_ = self.page.evaluate("location.hash").lstrip("#")
        pairs = dict(part.split("=", 1) for part in hash_.split("&") if "=" in part)
        return self.page.evaluate("""pairs => Object.fromEntries(Object.keys(pairs).map(key => {
            const el = document.getElementById(key) || document.getElementById('knob-' + key);
            const value = key === 'image'
                ? document.querySelector('#gallery [aria-pressed=true]')?.dataset.image
                : key === 'lr' ? document.body.dataset.learningRate
                : !el ? null : el.type === 'checkbox' ? (el.checked ? '1' : '0') : el.value;
            return [key, value];
        }))""", {k: unquote(v) for k, v in pairs.items()})

    def url_rate(self):
        """The learning rate in the address (None if it states none)."""
        rate = dict(part.split("=", 1) for part in self.page.evaluate("location.hash").lstrip("#").split("&")
                    if "=" in part).get("lr")
        return None if rate is None else float(unquote(rate))

    def snapshot(self) -> dict:
        return self.page.evaluate("""() => {
            const $ = (id) => document.getElementById(id);
            return {
                status: document.body.dataset.status, settled: document.body.dataset.settled ?? null,
                start: $('start').textContent, startDisabled: $('start').disabled,
                stepDisabled: $('step').disabled, resetDisabled: $('reset').disabled,
                note: $('status-note').hidden ? '' : $('status-note').textContent,
                message: $('message').hidden ? '' : $('message-text').textContent,
                tone: $('message').hidden ? '' : ($('message').dataset.tone || ''),
                kind: $('message').dataset.kind || '',
                epoch: $('epoch').textContent, psnr: $('psnr').textContent, frameEpoch: $('learned').dataset.epoch ?? null,
                behind: !$('frame-epoch').hidden,
                compare: !$('pane-b').hidden, epochB: $('epoch-b').textContent, psnrB: $('psnr-b').textContent,
                frameEpochB: $('learned-b').dataset.epoch ?? null,
                holdout: $('holdout').value, zoom: $('zoom').value, view: $('view').value,
                model: $('model').value, url: location.href,
                backend: $('backend').value, tfBackend: document.body.dataset.tfBackend ?? '',
                paneModel: document.body.dataset.model ?? '',
                log: [...document.querySelectorAll('#error-log li')].map(li => `${li.dataset.source}: ${li.textContent}`),
            };
        }""")

    def fail(self, kind: str, detail: str):
        self.failures.append(Failure(kind, detail))

    def check(self, action: str, bad: bool):
        s = self.snapshot()
        if s["status"] not in ("training", "loading") and s["settled"] != "true" and not s["note"]:
            # settle() saw training, and the run has stopped since: its final frame is on its way
            wait_settled(self.page, timeout=READY_MS)
            s = self.snapshot()
        where = f"after {action}"
        # errors: the console, and the page's own record (a refused input's reply is expected after bad input)
        new_errors = self.recorder.errors[self.errors_seen:]
        self.errors_seen = len(self.recorder.errors)
        log = s["log"]
        if len(log) < self.log_seen:   # a reload starts a new record
            self.log_seen = 0
        new_log, self.log_seen = log[self.log_seen:], len(log)
        unexpected_log = [e for e in new_log if not (bad and e.startswith("reply: "))]
        if new_errors:
            self.fail("console", f"{where}: {new_errors}")
        if unexpected_log:
            self.fail("error-log", f"{where}: {unexpected_log}")
        # the status and the buttons
        status = s["status"]
        if status not in STATUSES:
            self.fail("status", f"{where}: status {status!r}")
            return
        if not s["note"] and s["start"] != START_LABEL[status] and not (status == "training" and s["start"] == "Continue"):
            self.fail("buttons", f"{where}: status {status} but Start says {s['start']!r}")
        usable = status in ("ready", "paused", "done", "training")
        if s["startDisabled"] == usable or s["resetDisabled"] == usable:
            self.fail("buttons", f"{where}: status {status}, Start disabled {s['startDisabled']},"
                                 f" Reset disabled {s['resetDisabled']}")
        if status != "training" and not s["note"] and s["stepDisabled"] == usable:
            self.fail("buttons", f"{where}: status {status}, Step disabled {s['stepDisabled']}")
        # errors appear only after bad input, with words; a valid action recovers
        if bad:
            self.error_ok = True
        elif self.clears:
            self.error_ok = False
        shows_error = status == "error" or s["tone"] == "error"
        if shows_error and s["kind"] != "exploded" and not self.error_ok:
            self.fail("error", f"{where}: status {status}, message {s['message']!r}")
        if shows_error and not s["message"].strip():
            self.fail("error", f"{where}: an error without a message")
        if action == "load_params" and self.saved_params and self.saved_params[1] != self.page.input_value("#size") \
                and s["tone"] != "error":
            self.fail("error", f"{where}: a parameter file of another size was not refused: {s['message']!r}")
        self.checked["status"] = self.checked.get("status", 0) + 1
        if status == "training" or s["note"]:
            return
        self.checked["settled"] = self.checked.get("settled", 0) + 1
        # a rate the address states is the one pane a trains with
        rate = self.settings().get("lr")  # body[data-learning-rate] when the address states a rate
        if rate is not None and abs(self.url_rate() / float(rate) - 1) > 1e-3:
            self.fail("rate", f"{where}: the address says lr={self.url_rate()}, pane a trains at {rate}")
        # data-tf-backend names TensorFlow.js's backend exactly when a network runs on it
        if s["backend"] == "numpy" and s["tfBackend"]:
            self.fail("backend", f"{where}: networks on numpy, yet data-tf-backend is {s['tfBackend']!r}")
        if s["backend"] == "tensorflow" and s["paneModel"] in ("mlp", "siren") and not s["tfBackend"]:
            self.fail("backend", f"{where}: a {s['paneModel']} on TensorFlow.js, yet no data-tf-backend")
        # the numbers are those of the frame drawn
        for pane, canvas, epoch, frame_epoch, shown in (("a", "learned", s["epoch"], s["frameEpoch"], s["psnr"]),
                                                        ("b", "learned-b", s["epochB"], s["frameEpochB"], s["psnrB"])):
            if pane == "b" and not s["compare"]:
                continue
            # #epoch shows one decimal for a partial epoch; data-epoch may hold the exact count
            if frame_epoch is not None and not abs(_number(epoch) - _number(frame_epoch)) <= 0.051:
                self.fail("epoch", f"{where}: pane {pane} shows epoch {epoch} over a frame of epoch {frame_epoch}")
            if pane == "a" and s["behind"]:
                self.fail("epoch", f"{where}: settled while 'image of epoch N' shows")
            if s["holdout"] != "0" or s["zoom"] != "1" or s["view"] != "learned" or not shown.endswith(" dB"):
                continue
            learned, target = canvas_rgba(self.page, canvas), canvas_rgba(self.page, "target")
            if learned.shape != target.shape:
                self.fail("psnr", f"{where}: pane {pane}: #{canvas} {learned.shape} vs #target {target.shape}")
                continue
            measured = min(psnr(learned, target), 100.0)
            self.checked["psnr"] = self.checked.get("psnr", 0) + 1
            if abs(measured - float(shown[:-3])) >= 0.1:
                self.fail("psnr", f"{where}: pane {pane} says {shown}, the canvas is {measured:.2f} dB"
                                  f" (epoch {epoch})")

    def report(self) -> str:
        """The seed, the exact actions (replayable) and the page's state."""
        lines = [f"seed {self.seed}: {len(self.failures)} invariant failure(s) in {len(self.actions)} actions"]
        lines += [f"  {f.kind}: {f.detail}" for f in self.failures]
        lines.append("checks made: " + json.dumps(self.checked))
        lines.append("actions = " + json.dumps([list(a) for a in self.actions]))
        try:
            lines.append("state = " + json.dumps({k: v for k, v in self.snapshot().items() if k != "log"}))
        except Exception as exc:  # the page may be gone
            lines.append(f"state: unavailable ({exc})")
        return "\n".join(lines)


def _number(text) -> float:
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return math.nan
