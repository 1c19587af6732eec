"""What the page's worker drives between frames: a target, a model, counters and RGBA frames.

mode "rgb": the labels are the target's channels in [0, 1] and a frame is the clipped prediction.
mode "2017": the labels are packed R*65536 + G*256 + B (one channel) and a frame is decode_packed of the
prediction, so it shows the original's odd colours. PSNR always compares the displayed RGB with the
target's RGB (both uint8).

Timelapse: step() keeps copies of the displayed RGB (uint8) at bounded memory. Frames are taken every
`interval` calls of step(); when `timelapse` frames are held, every second one is dropped and the interval
doubles, so the frames always span the whole run. Large images hold fewer frames: at most
TIMELAPSE_BYTES in total (at 512x512, 60 frames of 768 KiB). The first frame is the initial state; exports
add the current frame if it is newer than the last one kept. reset() and set_params() start a new one.

The page's worker drives a Session in time slices, so that no call blocks it for long:
- train(max_epochs, seconds) trains for about `seconds` (never less than one mini-batch or epoch) and at most
  `max_epochs` epochs, a float: networks and SGD models train in mini-batches, so their epoch is fractional;
- render(seconds) computes the displayed frame; a network's frame is predicted a few rows per call from a
  frozen copy of the model, so it belongs to the epoch at which it was started (frame_epoch);
- stop_reason(stop_cost) says whether training should end: "done" (cost at or under the threshold) or
  "plateau" (the best cost improved by less than PLATEAU_GAIN over the last PLATEAU_SECONDS of training).
step(epochs) is the blocking form (CLI, tests): train, then render the frame at once.

Hidden pixels (holdout > 0): holdout_mask(H, W, holdout, seed) picks the pixels the model may learn from
(train_mask); cost, the stop rules and psnr are those of the seen pixels, psnr_hidden that of the rest.
What the learned canvas shows (shown_rgb): `view` (views.VIEWS) and, for the learned view, `zoom` (the
model asked at z x z sub-pixel centres: predict_zoomed). Both are made only when a frame is asked for;
a network's zoomed frame is predicted a few rows at a time like its frame.
"""
import copy
import time

import numpy as np

from .grid import check_zoom
from .holdout import check_holdout, holdout_mask
from .linreg import CostExplodedError
from .metrics import psnr, to_uint8
from .models import MODELS, check_learning_rate, make_model
from .packed import decode_packed, encode_packed
from .params import FORMAT, VERSION, check_file_header, check_format
from .views import check_view, error_view, inside_view, spectrum_view

MODES = ("rgb", "2017")
TIMELAPSE_FRAMES = 120  # default number of frames a Session keeps (even)
TIMELAPSE_BYTES = 48_000_000  # at most this many bytes of timelapse frames
PLATEAU_SECONDS = 3.0  # seconds of training over which ...
PLATEAU_GAIN = 1e-4  # ... the best cost must improve by at least this fraction (0.01 %), or training ends
CHECKPOINT_SECONDS = 0.25  # a good state to go back to if the cost explodes is kept at least this often


def _check_rgb(rgb):
    x = np.asarray(rgb)
    if x.ndim != 3 or x.shape[2] != 3 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"the target must be an (H, W, 3) RGB image, got shape {x.shape}")
    if x.dtype == np.uint8:
        return x.astype(np.float32) / 255.0
    if not np.issubdtype(x.dtype, np.floating) or not np.isfinite(x).all():
        raise ValueError("the target must hold finite floats in [0, 1] (or uint8)")
    return np.clip(x, 0.0, 1.0).astype(np.float32)


class Session:
    """One painting: Session(rgb, model="onehot", mode="rgb", learning_rate=None, seed=0,
    timelapse=TIMELAPSE_FRAMES, holdout=0.0, **knobs); timelapse is the most frames to keep (0: none);
    holdout the share of pixels hidden from training."""

    def __init__(self, rgb, model="onehot", mode="rgb", learning_rate=None, seed=0, *,
                 timelapse=TIMELAPSE_FRAMES, holdout=0.0, **knobs):
        if isinstance(timelapse, bool) or not isinstance(timelapse, (int, np.integer)) or timelapse < 0:
            raise ValueError(f"timelapse must be an integer >= 0 (frames to keep), got {timelapse!r}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.rgb = _check_rgb(rgb)  # (H, W, 3) float32
        self.mode, self.model_name, self.seed, self.knobs = mode, model, seed, dict(knobs)
        self.height, self.width = self.rgb.shape[:2]
        self.holdout = check_holdout(holdout)
        self.train_mask = holdout_mask(self.height, self.width, self.holdout, seed) if self.holdout else None
        self._zoom, self._view = 1, "learned"
        self._target_u8 = to_uint8(self.rgb)  # (H, W, 3)
        self._labels = self.rgb if mode == "rgb" else encode_packed(self._target_u8)  # (H, W, C)
        self._rgb = np.empty((self.height, self.width, 3), dtype=np.uint8)  # (H, W, 3) displayed pixels
        self._frame = np.empty((self.height, self.width, 4), dtype=np.uint8)  # (H, W, 4) reused
        self._frame[..., 3] = 255
        self._frame_stale = True  # RGBA is composed from _rgb only when frame() is asked for
        self._target_frame = self._frame.copy()
        self._target_frame[..., :3] = self._target_u8
        per_frame = self.height * self.width * 3
        capacity = min(int(timelapse), max(2, TIMELAPSE_BYTES // per_frame)) if timelapse else 0
        self._timelapse_capacity = capacity - capacity % 2  # even, so thinning keeps the interval aligned
        self._start(self._make(model, learning_rate, seed, knobs))

    def _make(self, name, learning_rate, seed, knobs):
        return make_model(name, self._labels, learning_rate=learning_rate, seed=seed,
                          train_mask=self.train_mask, **knobs)

    def _start(self, model, cost=None):
        """A new model (or new parameters): nothing drawn yet, a fresh checkpoint, plateau history and
        timelapse. The first frame is rendered when it is asked for (render(), frame(), stats())."""
        self.model = model
        self._cost, self._psnr, self._frame_epoch = None, None, None  # of the frame last rendered
        self._live_cost = cost  # the model's exact cost as it is now, when known (None: not computed)
        self._psnr_hidden, self._frame_model, self._zoomed, self._shown = None, None, None, None
        self._cost_hidden = None
        self._stale, self._job = True, None  # the model changed since that frame; a frame in progress
        self._clock = 0.0  # seconds spent training since _start (the plateau rule's time axis)
        self._history = []  # [(clock, cost)]: exact costs seen while training
        self._checkpoint, self._checkpoint_clock = snapshot(model), 0.0
        self._ticks, self._interval, self._kept = 0, 1, []  # timelapse: [(tick, (H, W, 3) uint8)]

    @classmethod
    def from_params(cls, rgb, params, **kwargs):
        """A Session made with the model, mode, knobs, seed and learning rate saved in `params` (a
        get_params() dict), then set_params(params): continue a saved painting. rgb must have its size."""
        check_format(params)
        model, mode, knobs = params["model"], params["mode"], params["knobs"]
        if not isinstance(model, str) or model not in MODELS:
            raise ValueError(f"these parameters belong to the {model!r} model, which is not one of: "
                             f"{', '.join(MODELS)}")
        if mode not in MODES:
            raise ValueError(f"these parameters name mode {mode!r}; the modes are {', '.join(MODES)}")
        if not isinstance(knobs, dict):
            raise ValueError(f"knobs must be an object of name: number, got {type(knobs).__name__}")
        session = cls(rgb, model=model, mode=mode, seed=params["seed"], **kwargs, **knobs)
        session.set_params(params)
        return session

    @property
    def learning_rate(self):
        return self.model.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.model.learning_rate = check_learning_rate(value)

    def reset(self):
        """Back to epoch 0 with fresh parameters; keeps the current learning rate."""
        lr = self.model.learning_rate
        self._start(self._make(self.model_name, lr, self.seed, self.knobs))

    @property
    def epoch(self):
        """Epochs trained: a float, since networks and SGD models stop mid-epoch between slices."""
        return float(getattr(self.model, "progress", self.model.epoch))

    def step(self, epochs):
        """Train `epochs` more epochs, then render the frame; on a non-finite cost restore the state before
        the call and raise CostExplodedError."""
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
        if epochs:
            self._ensure_frame()  # the timelapse starts with the untrained state
            self._checkpoint, self._checkpoint_clock = snapshot(self.model), self._clock
            self.model.step(int(epochs))
            self._after_training(0.0, force_cost=True)
        self._ensure_frame()
        return self._scores()

    def _scores(self):
        scores = {"epoch": self.model.epoch, "cost": self._cost, "psnr": self._psnr}
        if self.train_mask is not None:
            scores["psnr_hidden"] = self._psnr_hidden
        return scores

    def train(self, max_epochs, seconds):
        """Train for about `seconds` and at most `max_epochs` epochs (float); -> epochs trained (float).
        Mini-batch models (networks, SGD) advance whole batches, the others whole epochs; the amount per
        call grows from 1 until the time is used, so one call never overshoots by more than one batch or
        epoch. A model that fast-forwards (model.fast_forward) takes all max_epochs in one call. A non-finite cost restores the last good state (kept every CHECKPOINT_SECONDS) and raises
        CostExplodedError."""
        model = self.model
        batches = getattr(model, "batches_per_epoch", None)  # mini-batch models count in batches
        per_epoch = batches or 1  # units of work per epoch
        advance = model.step_batches if batches else model.step
        budget = int(max_epochs * per_epoch + 1e-9)  # units still allowed
        start = time.perf_counter()
        # a closed-form model (onehot; rff and dct on the full grid) costs the same for any count
        done, chunk = 0, budget if getattr(model, "fast_forward", False) else 1
        while budget > 0:
            k = min(chunk, budget)
            t0 = time.perf_counter()
            advance(k)
            now = time.perf_counter()
            done, budget = done + k, budget - k
            left = start + seconds - now
            if left <= 0:
                break
            per_unit = (now - t0) / k
            chunk = max(1, min(budget, int(0.8 * left / per_unit) if per_unit > 0 else 2 * k))
        if done:
            self._after_training(time.perf_counter() - start)
        return done / per_epoch

    def _after_training(self, seconds, force_cost=False):
        """Health check after training: restore the checkpoint on a non-finite cost, else keep the cost
        for the plateau rule and refresh the checkpoint when it is old."""
        model = self.model
        self._clock += seconds
        self._stale = True
        if _predicts_slowly(model) and not force_cost:
            cost = None  # its exact cost needs the whole image: it comes with the next frame
            healthy = all(np.isfinite(p).all() for p in model.parameters())  # O(weights), not O(pixels)
        else:
            cost = float(model.cost())
            healthy = np.isfinite(cost)
        if not healthy:
            lr, saved = model.learning_rate, self._checkpoint
            self.model, self._job = saved, None
            self._checkpoint = snapshot(saved)  # the restored model trains on: keep a copy of it
            raise CostExplodedError(
                f"the cost exploded (learning rate {lr:g} is too large for this model); "
                f"the last good state (epoch {_format_epoch(saved)}) was restored")
        self._live_cost = cost
        if cost is not None:
            self._note_cost(cost)
        if self._clock - self._checkpoint_clock >= CHECKPOINT_SECONDS:
            self._checkpoint, self._checkpoint_clock = snapshot(model), self._clock

    def _note_cost(self, cost):
        history = self._history
        if history and self._clock - history[-1][0] < 0.02:
            history[-1] = (history[-1][0], min(history[-1][1], cost))
        else:
            history.append((self._clock, cost))
        while len(history) > 2 and history[1][0] < self._clock - 2 * PLATEAU_SECONDS:
            history.pop(0)

    def stop_reason(self, stop_cost=None):
        """"done" if the cost is at or under stop_cost, "plateau" if the best cost improved by less than
        PLATEAU_GAIN (relative) over the last PLATEAU_SECONDS of training, else None."""
        cost = self._live_cost if self._live_cost is not None else self._cost
        if stop_cost is not None and cost is not None and cost <= stop_cost:
            return "done"
        history = self._history
        if not history or history[-1][0] - history[0][0] < PLATEAU_SECONDS:
            return None
        cut = history[-1][0] - PLATEAU_SECONDS
        before = min(c for t, c in history if t <= cut)
        recent = min(c for t, c in history if t > cut)
        return "plateau" if recent > before * (1.0 - PLATEAU_GAIN) else None

    def forget_plateau(self):
        """Continue after a plateau: the rule looks only at training from now on."""
        self._history = []

    # --- frames ------------------------------------------------------------------------------------------
    def render(self, seconds):
        """Work on the displayed frame for about `seconds`; -> True when a new frame is complete
        (learned_rgb(), and cost/psnr/frame_epoch in info()). False: still drawing, or nothing new."""
        if self._job is None:
            if not self._stale:
                return False
            if not _predicts_slowly(self.model):
                self._render_now()
                return True
            frozen = snapshot(self.model)  # later training does not change this frame
            c, z = self._labels.shape[2], self._zoom
            out = np.empty((self.height, self.width, c), dtype=np.float32)  # (H, W, C)
            parts = [(frozen.predict_rows, out)]  # (rows function, output), drawn in turn
            if z > 1 and self._view == "learned":
                zoomed = np.empty((z * self.height, z * self.width, c), dtype=np.float32)  # (zH, zW, C)
                parts.append((lambda r0, r1: frozen.predict_zoomed_rows(z, r0, r1), zoomed))
            self._job = {"model": frozen, "epoch": self.epoch, "parts": parts, "part": 0, "row": 0, "rows": 1}
            self._stale = False
        job = self._job
        start = time.perf_counter()
        while job["part"] < len(job["parts"]):
            rows_of, out = job["parts"][job["part"]]
            r0, r1 = job["row"], min(len(out), job["row"] + job["rows"])
            t0 = time.perf_counter()
            out[r0:r1] = rows_of(r0, r1)  # (rows, W, C)
            now = time.perf_counter()
            job["row"] = r1
            left = start + seconds - now
            if r1 == len(out):  # the next part starts again from one row
                job["part"], job["row"], job["rows"] = job["part"] + 1, 0, 1
            else:
                per_row = (now - t0) / (r1 - r0)
                job["rows"] = max(1, int(0.8 * left / per_row) if per_row > 0 else 2 * (r1 - r0))
            if left <= 0:
                break
        if job["part"] < len(job["parts"]):
            return False
        self._job = None
        out = job["parts"][0][1]
        residual = out - self._labels  # (H, W, C)
        if self.train_mask is not None:
            residual = residual[self.train_mask]  # (M_seen, C): the cost is the seen pixels'
        cost = float(np.sum(np.square(residual, dtype=np.float64)) / (2 * (residual.size // residual.shape[-1])))
        self._show(out, cost, job["epoch"], job["model"])
        if len(job["parts"]) > 1:
            self._zoomed = (self._zoom, job["parts"][1][1])
        if np.isfinite(cost):
            self._note_cost(cost)
        return True

    @property
    def renders_quickly(self):
        """False for networks, whose frames are drawn a few rows per render() call."""
        return not _predicts_slowly(self.model)

    def checkpoint(self):
        """Keep the present state as the one to go back to if the cost explodes (the worker calls it
        whenever training starts)."""
        self._checkpoint, self._checkpoint_clock = snapshot(self.model), self._clock

    @property
    def drawing(self):
        """True while a frame is being rendered a few rows at a time (render() returned False)."""
        return self._job is not None

    def _render_now(self):
        """The frame of the model as it is, at once (whole-image predict)."""
        self._job, self._stale = None, False
        if self._live_cost is None:
            self._live_cost = float(self.model.cost())
        self._show(self.model.predict(), self._live_cost, self.epoch, self.model)

    def _to_rgb(self, prediction, out=None):
        """Label units (h, w, C) -> displayed (h, w, 3) uint8 (clipped RGB, or decoded 2017 labels)."""
        if self.mode == "rgb":
            return to_uint8(prediction, out=out)
        if out is None:
            return np.ascontiguousarray(decode_packed(prediction))
        out[...] = decode_packed(prediction)
        return out

    def _show(self, prediction, cost, epoch, model):
        """A rendered prediction (H, W, C) of `model` becomes the displayed frame, its cost, PSNR and epoch."""
        self._to_rgb(prediction, out=self._rgb)
        seen = self.train_mask
        if seen is None:
            self._psnr, self._psnr_hidden, self._cost_hidden = psnr(self._rgb, self._target_u8), None, None
        else:  # (N, 3) gathers: the seen and the hidden pixels scored apart
            self._psnr = psnr(self._rgb[seen], self._target_u8[seen])
            self._psnr_hidden = psnr(self._rgb[~seen], self._target_u8[~seen])
            residual = prediction[~seen] - self._labels[~seen]  # (M_hidden, C)
            self._cost_hidden = float(np.sum(np.square(residual, dtype=np.float64)) / (2 * len(residual)))
        self._cost, self._frame_epoch = cost, epoch
        self._frame_model, self._zoomed, self._shown = model, None, None
        self._frame_stale = True
        if self._timelapse_capacity:  # the first frame of a start is tick 0, each later one a tick
            self._ticks += bool(self._kept)
            if not self._kept or self._ticks % self._interval == 0:
                self._record()

    def _ensure_frame(self):
        if self._stale or self._frame_epoch is None:
            self._render_now()

    def solve(self):
        """Jump to the model's closed-form answer (linear feature models, onehot); the epoch counter is
        kept. ValueError for a model without one (the networks)."""
        if not callable(getattr(self.model, "solve", None)):
            raise ValueError(f"the {self.model_name} model has no closed-form answer; train it instead")
        saved = snapshot(self.model)
        self.model.solve()
        cost = self.model.cost()
        if not np.isfinite(cost):
            self.model = saved
            raise ValueError("the exact answer came out non-finite; the state before was kept")
        self._job, self._history = None, []
        self._checkpoint, self._checkpoint_clock = snapshot(self.model), self._clock
        self._live_cost = float(cost)
        self._render_now()
        return self._scores()

    # --- timelapse -------------------------------------------------------------------------------------
    def _record(self):
        if len(self._kept) == self._timelapse_capacity:
            self._kept = self._kept[::2]  # ticks 0, 2i, 4i, ...: still multiples of the doubled interval
            self._interval *= 2
        self._kept.append((self._ticks, self._rgb.copy()))

    def timelapse(self):
        """The kept frames, oldest first, plus the current frame if newer: a list of (H, W, 3) uint8."""
        self.learned_rgb()
        frames = [pixels for _, pixels in self._kept]
        if not self._kept or self._kept[-1][0] != self._ticks:
            frames.append(self._rgb.copy())
        return frames

    @property
    def timelapse_frames(self):
        """How many frames timelapse() returns (and timelapse_gif() holds, before Pillow merges repeats)."""
        return len(self._kept) + (not self._kept or self._kept[-1][0] != self._ticks)

    def timelapse_gif(self, scale=1, duration_ms=80):
        """The timelapse as an animated GIF (bytes), each pixel a scale x scale block."""
        from .images import gif_bytes  # Pillow only when exporting
        return gif_bytes(self.timelapse(), duration=duration_ms, scale=scale)

    def png_bytes(self, scale=1):
        """The displayed learned image (frame()'s RGB) as PNG bytes, each pixel a scale x scale block."""
        from .images import png_bytes  # Pillow only when exporting
        return png_bytes(self.learned_rgb(), scale=scale)

    # --- parameters ------------------------------------------------------------------------------------
    def get_params(self):
        """Everything needed to restore the learned image, as a JSON-serialisable dict (see params.py)."""
        table = MODELS[self.model_name].KNOBS
        knobs = {name: table[name].clamp(self.knobs.get(name, knob.default), name) for name, knob in table.items()
                 if self.knobs.get(name, knob.default) is not None}
        return {"format": FORMAT, "version": VERSION, "model": self.model_name, "mode": self.mode,
                "height": self.height, "width": self.width, "learning_rate": self.model.learning_rate,
                "epoch": self.model.epoch, "seed": self.seed, "knobs": knobs, "params": self.model.get_params()}

    def set_params(self, params):
        """Restore get_params() output: the model is rebuilt with the saved knobs and seed, then given the
        saved parameters, learning rate and epoch; the timelapse starts again. Any problem raises
        ValueError and leaves the session as it was."""
        lr, epoch, seed, knobs, model_params = check_file_header(params, model=self.model_name, mode=self.mode,
                                                                 height=self.height, width=self.width)
        model = self._make(self.model_name, lr, seed, knobs)
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # huge values: reported as a non-finite cost
                model.set_params(model_params)
                model.epoch = epoch
                model.learning_rate = lr
                cost = model.cost()
        except (TypeError, KeyError, AttributeError) as e:  # malformed nesting the model did not expect
            raise ValueError(f"the model's parameters are malformed ({type(e).__name__}: {e})") from None
        if not np.isfinite(cost):
            raise ValueError("these parameters give a non-finite cost (NaN or infinity)")
        self.seed, self.knobs = seed, knobs
        self._start(model, float(cost))
        self._render_now()

    def stats(self):
        """The settings and the numbers of the displayed frame (rendered first if the model changed)."""
        self._ensure_frame()
        return {**self.info(), "epoch": self.model.epoch}

    def info(self):
        """stats() without rendering: the live epoch (float) and the last frame's cost, PSNR and epoch
        (None before the first frame). What the page's worker reports between frames."""
        return {"epoch": self.epoch, "cost": self._cost, "psnr": self._psnr, "psnr_hidden": self._psnr_hidden,
                "cost_hidden": self._cost_hidden,
                "holdout": self.holdout, "zoom": self._zoom, "view": self._view, "frame_epoch": self._frame_epoch,
                "learning_rate": self.model.learning_rate, "mode": self.mode, "model": self.model_name,
                "height": self.height, "width": self.width, "seed": self.seed, "knobs": dict(self.knobs),
                "timelapse_frames": self.timelapse_frames}

    def frame(self):
        """(H, W, 4) uint8 RGBA of the learned image. The buffer is reused: copy it to keep it."""
        self._ensure_frame()
        if self._frame_stale:
            self._frame[..., :3] = self._rgb
            self._frame_stale = False
        return self._frame

    def learned_rgb(self):
        """(H, W, 3) uint8 of the learned image as displayed (C-contiguous, reused: copy it to keep it)."""
        if self._frame_epoch is None:
            self._render_now()
        return self._rgb

    def target_frame(self):
        """(H, W, 4) uint8 RGBA of the target."""
        return self._target_frame

    def holdout_overlay(self):
        """(H, W, 4) uint8 RGBA to lay over the target: a grey checkerboard (2-pixel squares), half
        transparent, on the hidden pixels; clear elsewhere (and everywhere without holdout)."""
        overlay = np.zeros((self.height, self.width, 4), dtype=np.uint8)  # (H, W, 4)
        if self.train_mask is not None:
            rows, cols = np.indices((self.height, self.width))  # (H, W) each
            light = ((rows // 2 + cols // 2) % 2 == 0)[~self.train_mask]  # (M_hidden,)
            overlay[~self.train_mask] = np.where(light[:, None], (235, 235, 235, 200), (60, 60, 60, 200))
        return overlay

    # --- what the learned canvas shows ---------------------------------------------------------------
    @property
    def zoom(self):
        return self._zoom

    @zoom.setter
    def zoom(self, value):
        """Sub-pixels per side of the learned view (grid.ZOOMS on the page); a network redraws its frame."""
        value = check_zoom(value)
        if value != self._zoom:
            self._zoom, self._shown = value, None
            self._redraw_if_slow()

    @property
    def view(self):
        return self._view

    @view.setter
    def view(self, value):
        """What the learned canvas shows: one of views.VIEWS."""
        value = check_view(value)
        if value != self._view:
            self._view, self._shown = value, None
            if self._zoom > 1:
                self._redraw_if_slow()

    def _redraw_if_slow(self):
        if not self.renders_quickly and self._frame_epoch is not None:
            self._stale, self._job = True, None  # the next render() makes the frame with the new setting

    def shown_rgb(self):
        """(h, w, 3) uint8, C-contiguous: what the learned canvas shows for the frame last rendered (the
        learned image, zoomed, or a view); made once per frame, and only when asked for."""
        self.learned_rgb()
        if self._shown is None:
            self._shown = self._make_shown()
        return self._shown[0]

    def shown_info(self):
        """{"view", "zoom", "width", "height", "legend"} of shown_rgb() (zoom 1 unless the learned view)."""
        picture = self.shown_rgb()
        view, legend, zoom = self._shown[1], self._shown[2], self._shown[3]
        return {"view": view, "zoom": zoom, "width": picture.shape[1], "height": picture.shape[0],
                "legend": legend}

    def _make_shown(self):
        """-> (picture, view, legend, zoom) for the present frame and settings."""
        view, zoom = self._view, self._zoom
        if view in ("error", "spectrum"):
            picture, legend = (error_view if view == "error" else spectrum_view)(self._rgb, self._target_u8)
            return picture, view, legend, 1
        if view == "inside":
            try:
                zero = 0.5 if self.mode == "rgb" else float(encode_packed(np.full((1, 1, 3), 128, np.uint8))[0, 0, 0])
                picture, legend = inside_view(self._frame_model, self._to_rgb, zero)
                return picture, "inside", legend, 1
            except ValueError as error:  # a model without a picture of its inside: the learned image
                return self._rgb, "learned", {"note": str(error)}, 1
        if zoom == 1:
            return self._rgb, "learned", {}, 1
        if getattr(self._frame_model, "ZOOM_IS_BLOCKS", False):  # onehot: repeat the displayed bytes
            rgb = np.repeat(np.repeat(self._rgb, zoom, axis=0), zoom, axis=1)  # (zH, zW, 3)
            return rgb, "learned", {"blocks": True}, zoom
        if self._zoomed is not None and self._zoomed[0] == zoom:
            zoomed = self._zoomed[1]
        elif callable(getattr(self._frame_model, "predict_zoomed", None)) and self.renders_quickly:
            zoomed = self._frame_model.predict_zoomed(zoom)  # (zH, zW, C)
        else:  # a model that cannot be asked between pixels (or a network frame of another zoom): blocks
            rgb = np.repeat(np.repeat(self._rgb, zoom, axis=0), zoom, axis=1)
            return np.ascontiguousarray(rgb), "learned", {"blocks": True}, zoom
        return self._to_rgb(zoomed), "learned", {}, zoom

    def zoomed_png_bytes(self, zoom):
        """The learned image at zoom x its size (the model asked at sub-pixel centres) as PNG bytes."""
        from .images import png_bytes
        saved = self._view, self._zoom, self._shown, self._zoomed
        try:
            self.learned_rgb()  # a frame (and the model it shows) to zoom
            self._view, self._zoom, self._shown = "learned", check_zoom(zoom), None
            if not self.renders_quickly and callable(getattr(self.model, "predict_zoomed", None)):
                self._zoomed = (self._zoom, self._frame_model.predict_zoomed(self._zoom))
            return png_bytes(self.shown_rgb())
        finally:
            self._view, self._zoom, self._shown, self._zoomed = saved


def snapshot(model):
    """A copy of `model` to restore after a failed step, costing about the state that training changes.

    The contract with the models: every array that training does not change (labels, coordinates,
    feature maps Phi and Phi^T, bases, frequencies, masks, index arrays, cached predictions) is read-only
    (`flags.writeable = False`) and never written again; a model that replaces one makes a new read-only
    array. snapshot() shares every read-only array it can reach (attributes, and inside lists, tuples,
    dicts and objects) and deep-copies the rest: the model's TRAINING_STATE (weights, biases, Adam
    moments, the one-hot residual), counters, knobs and the rng (so a restored model trains on exactly
    as the original would have)."""
    shared, seen = {}, set()

    def share(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, np.ndarray):
            if not value.flags.writeable:
                shared[id(value)] = value
        elif isinstance(value, (list, tuple)):
            for item in value:
                share(item)
        elif isinstance(value, dict):
            for item in value.values():
                share(item)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            share(vars(value))

    share(model)
    return copy.deepcopy(model, shared)


def rgba_to_rgb(buffer, height, width):
    """Canvas pixels (H*W*4 uint8 RGBA, straight alpha) -> (H, W, 3) float32 in [0, 1] over white."""
    for name, v in (("height", height), ("width", width)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if isinstance(buffer, np.ndarray):
        if buffer.dtype != np.uint8:
            raise ValueError(f"RGBA pixels must be uint8, got dtype {buffer.dtype}")
        flat = buffer.reshape(-1)
    elif isinstance(buffer, (bytes, bytearray, memoryview)):
        flat = np.frombuffer(buffer, dtype=np.uint8)
    else:
        raise ValueError(f"RGBA pixels must be bytes, bytearray, memoryview or a uint8 array, "
                         f"got {type(buffer).__name__}")
    expected = int(height) * int(width) * 4
    if flat.size != expected:
        raise ValueError(f"a {height}x{width} RGBA image needs {height}*{width}*4 = {expected} bytes, "
                         f"got {flat.size}")
    rgba = flat.reshape(int(height), int(width), 4).astype(np.float32) / 255.0  # (H, W, 4)
    alpha = rgba[..., 3:]  # (H, W, 1)
    return rgba[..., :3] * alpha + (1.0 - alpha)  # (H, W, 3)


def rgb_to_rgba(rgb):
    """(H, W, 3) floats in [0, 1] -> (H, W, 4) uint8 RGBA, opaque and C-contiguous: pixels for a canvas
    (the inverse of rgba_to_rgb up to rounding)."""
    x = np.asarray(rgb)
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {x.shape}")
    out = np.empty(x.shape[:2] + (4,), dtype=np.uint8)  # (H, W, 4)
    out[..., 3] = 255
    to_uint8(x, out=out[..., :3])
    return out


def _predicts_slowly(model):
    """Networks: a whole-image prediction takes seconds at 512 x 512, so frames are drawn a few rows
    at a time (and their exact cost comes with the frame)."""
    from .nets import Network
    return isinstance(model, Network) and hasattr(model, "predict_rows")


def _format_epoch(model):
    progress = float(getattr(model, "progress", model.epoch))
    return f"{progress:.1f}" if progress != int(progress) else str(int(progress))
