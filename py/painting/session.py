"""What the page's worker drives between frames: a target, a model, counters and RGBA frames.

Session is the one facade; the work is done by
- training.Trainer: training in time slices, the checkpoint and explosion restore, the plateau rule;
- frames.Frames: the displayed frame (all at once, or a network's a few rows at a time), its scores, and
  what the learned canvas shows (views, zoom);
- timelapse.Timelapse: the frames kept for the GIF;
- snapshot.snapshot(model): the copies the others keep.

The page's worker drives a Session in time slices, so that no call blocks it for long: begin() at every
PLAY (a run starts), then train(max_epochs, seconds), render(seconds), stop_reason(stop_cost). train(epochs) without seconds is the blocking form
(CLI, tests): train, then render the frame at once; scores() reads it.

The time slices are measured with `clock` (time.perf_counter unless another is given: a test's fake clock
makes them exact).

Hidden pixels (holdout a share > 0, or "grid"): holdout_masks(H, W, holdout, seed) picks the pixels the
model may learn from (train_mask) and those psnr_hidden scores (score_mask: the rest for a share, the odd
rows and columns for the grid); cost, the stop rules and psnr are those of the seen pixels.
"""
import time

import numpy as np

from .canvas import check_rgb, rgb_to_rgba, rgba_to_rgb  # noqa: F401 (the worker's canvas pixels)
from .explosion import CostExplodedError
from .frames import Frames
from .holdout import check_holdout, holdout_masks, holdout_overlay
from .metrics import to_uint8
from .models import MODELS, check_learning_rate, current_knobs, make_model
from .packed import encode_packed
from .params import FORMAT, VERSION, check_file_header, check_format
from .snapshot import snapshot  # noqa: F401
from .timelapse import TIMELAPSE_FRAMES, Timelapse
from .training import Trainer

MODES = ("rgb", "2017")


class Session:
    """One painting: Session(rgb, model="onehot", mode="rgb", learning_rate=None, seed=0,
    timelapse=TIMELAPSE_FRAMES, holdout=0.0, engine="numpy", clock=time.perf_counter, **knobs); timelapse
    is the most frames to keep (0: none); holdout the share of pixels hidden from training, or "grid"
    (holdout.py: learn even rows and columns, score odd ones); engine what a
    network runs on ("numpy" or "tensorflow": models.ENGINES); clock() the time in seconds that
    train(max_epochs, seconds) and render(seconds) measure."""

    def __init__(self, rgb, model="onehot", mode="rgb", learning_rate=None, seed=0, *,
                 timelapse=TIMELAPSE_FRAMES, holdout=0.0, engine="numpy", clock=time.perf_counter, **knobs):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.rgb = check_rgb(rgb)  # (H, W, 3) float32
        self.mode, self.model_name, self.seed, self.knobs = mode, model, seed, current_knobs(model, knobs)
        self.engine, self._clock = engine, clock
        self._trainer = None
        self.height, self.width = self.rgb.shape[:2]
        self._timelapse = Timelapse(timelapse, self.height, self.width)
        self.holdout = check_holdout(holdout)
        # (H, W) bool each, or None: the pixels learned from, the pixels psnr_hidden scores
        self.train_mask, self.score_mask = holdout_masks(self.height, self.width, self.holdout, seed)
        target_u8 = to_uint8(self.rgb)  # (H, W, 3)
        self._labels = self.rgb if mode == "rgb" else encode_packed(target_u8)  # (H, W, C)
        self._frames = Frames(self._labels, target_u8, mode, self.train_mask, clock, score_mask=self.score_mask)
        self._start(self._make(model, learning_rate, seed, knobs))

    def _make(self, name, learning_rate, seed, knobs):
        return make_model(name, self._labels, learning_rate=learning_rate, seed=seed,
                          train_mask=self.train_mask, engine=self.engine, **knobs)

    def _start(self, model, cost=None):
        """A new model (or new parameters): nothing drawn yet, a fresh checkpoint, plateau history and
        timelapse. The first frame is rendered when it is asked for (render(), frame(), stats()). The
        model replaced frees what it holds outside Python (a TensorFlow.js network's tensors)."""
        if self._trainer is not None and self._trainer.model is not model:
            self.dispose()
        self._trainer = Trainer(model, cost, self._clock)
        self._frames.clear()
        self._timelapse.restart()

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
    def model(self):
        return self._trainer.model

    def dispose(self):
        """Free the model's memory outside Python now (a TensorFlow.js network's tensors; the numpy
        models hold none). The session stays usable: such a model remakes its tensors when next used."""
        self.model.dispose()

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
        return self._trainer.epoch

    # --- training (training.py) -----------------------------------------------------------------------
    def train(self, max_epochs, seconds=None):
        """Train for about `seconds` and at most `max_epochs` epochs (float); -> epochs trained (float).
        A non-finite cost restores the last good state and raises CostExplodedError (training.Trainer).
        seconds=None: the blocking form, exactly max_epochs whole epochs (int >= 0), then the frame is
        rendered at once (scores() reads it); an explosion restores the state before the call."""
        blocking = seconds is None
        if blocking and max_epochs:
            self._ensure_frame()  # the timelapse starts with the untrained state
        try:
            done = self._trainer.train(max_epochs, seconds)
        except CostExplodedError:
            self._frames.cancel()  # a restored model: a frame in progress is of a model that is gone
            self._frames.stale = True  # the next frame shows the restored state
            raise
        if done:
            self._frames.stale = True
        if blocking:
            self._ensure_frame()
        return done

    def begin(self):
        """Training starts (or goes on after a stop): the present state is the one to go back to if the
        cost explodes, and the plateau rule looks only at training from now on. The worker calls it at
        every PLAY."""
        self.checkpoint()
        self.forget_plateau()

    def checkpoint(self):
        """Keep the present state as the one to go back to if the cost explodes (at begin(), and every
        training.CHECKPOINT_SECONDS of training)."""
        self._trainer.checkpoint()

    def stop_reason(self, stop_cost=None):
        """"done" if the cost is at or under stop_cost, "plateau" if the best cost improved by less than
        PLATEAU_GAIN (relative) over the last PLATEAU_SECONDS of training, else None."""
        return self._trainer.stop_reason(stop_cost, self._frames.cost)

    def forget_plateau(self):
        """Continue after a plateau: the rule looks only at training from now on."""
        self._trainer.forget_plateau()

    def solve(self):
        """Jump to the model's closed-form answer (linear feature models, onehot); the epoch counter is
        kept; -> scores(). ValueError for a model without one (the networks)."""
        if self.model.solve is None:
            raise ValueError(f"the {self.model_name} model has no closed-form answer; train it instead")
        self._trainer.solve()
        self._render_now()
        return self.scores()

    # --- frames (frames.py) ---------------------------------------------------------------------------
    def render(self, seconds):
        """Work on the displayed frame for about `seconds`; -> True when a new frame is complete
        (learned_rgb(), and cost/psnr/frame_epoch in info()). False: still drawing, or nothing new."""
        frames = self._frames
        if not frames.drawing:
            if not frames.stale:
                return False
            if self.renders_quickly:
                self._render_now()
                return True
            frames.start_rows(snapshot(self.model), self.epoch)  # later training does not change it
        if not frames.draw_rows(seconds):
            return False
        if np.isfinite(frames.cost):
            self._trainer.note_cost(frames.cost)
        self._timelapse.add(frames.rgb)
        return True

    def _render_now(self):
        self._frames.show_now(self.model, self._trainer.exact_cost(), self.epoch)
        self._timelapse.add(self._frames.rgb)

    def _ensure_frame(self):
        if self._frames.stale or self._frames.epoch is None:
            self._render_now()

    @property
    def renders_quickly(self):
        """False for networks, whose frames are drawn a few rows per render() call."""
        return not self.model.RENDERS_IN_ROWS

    @property
    def drawing(self):
        """True while a frame is being rendered a few rows at a time (render() returned False)."""
        return self._frames.drawing

    @property
    def frame_current(self):
        """True when the frame last drawn shows the model as it now is (nothing to render): a reply can
        carry it, as render() would have nothing new to send."""
        frames = self._frames
        return frames.epoch is not None and not frames.stale and not frames.drawing

    def scores(self):
        """{"epoch", "cost", "psnr"} (+ "psnr_hidden" with hidden pixels) of a freshly rendered frame."""
        self._ensure_frame()
        frames = self._frames
        scores = {"epoch": self.model.epoch, "cost": frames.cost, "psnr": frames.psnr}
        if self.train_mask is not None:
            scores["psnr_hidden"] = frames.psnr_hidden
        return scores

    def stats(self):
        """The settings and the numbers of the displayed frame (rendered first if the model changed)."""
        self._ensure_frame()
        return {**self.info(), "epoch": self.model.epoch}

    def info(self):
        """stats() without rendering: the live epoch (float) and the last frame's cost, PSNR and epoch
        (None before the first frame). What the page's worker reports between frames."""
        f = self._frames
        return {"epoch": self.epoch, "cost": f.cost, "psnr": f.psnr, "psnr_hidden": f.psnr_hidden,
                "cost_hidden": f.cost_hidden,
                "holdout": self.holdout, "zoom": f.zoom, "view": f.view, "frame_epoch": f.epoch,
                "learning_rate": self.model.learning_rate, "mode": self.mode, "model": self.model_name,
                "height": self.height, "width": self.width, "seed": self.seed, "knobs": dict(self.knobs),
                "timelapse_frames": self.timelapse_frames}

    def frame(self):
        """(H, W, 4) uint8 RGBA of the learned image. The buffer is reused: copy it to keep it."""
        self._ensure_frame()
        return self._frames.rgba()

    def learned_rgb(self):
        """(H, W, 3) uint8 of the learned image as displayed (C-contiguous, reused: copy it to keep it)."""
        if self._frames.epoch is None:
            self._render_now()
        return self._frames.rgb

    def target_frame(self):
        """(H, W, 4) uint8 RGBA of the target."""
        return self._frames.target_rgba

    def holdout_overlay(self):
        """(H, W, 4) uint8 RGBA: a half-transparent checkerboard on the pixels not trained on (holdout.py)."""
        return holdout_overlay(self.train_mask, self.height, self.width)

    @property
    def zoom(self):
        return self._frames.zoom

    @zoom.setter
    def zoom(self, value):
        """Sub-pixels per side of the learned view (grid.ZOOMS on the page); a network redraws its frame."""
        self._frames.set_zoom(value)

    @property
    def view(self):
        return self._frames.view

    @view.setter
    def view(self, value):
        """What the learned canvas shows: one of views.VIEWS."""
        self._frames.set_view(value)

    def shown_rgb(self):
        """(h, w, 3) uint8, C-contiguous: what the learned canvas shows for the frame last rendered (the
        learned image, zoomed, or a view); made once per frame, and only when asked for."""
        self.learned_rgb()
        return self._frames.shown()[0]

    def shown_info(self):
        """{"view", "zoom", "width", "height", "legend"} of shown_rgb() (zoom 1 unless the learned view)."""
        self.learned_rgb()
        return dict(self._frames.shown()[1])

    # --- images out (timelapse.py, images.py) ---------------------------------------------------------
    def timelapse(self):
        """The kept frames, oldest first, plus the current frame if newer: a list of (H, W, 3) uint8."""
        return self._timelapse.frames(self.learned_rgb())

    @property
    def timelapse_frames(self):
        """How many frames timelapse() returns (and timelapse_gif() holds, before Pillow merges repeats)."""
        return len(self._timelapse)

    def timelapse_gif(self, scale=1, duration_ms=80):
        """The timelapse as an animated GIF (bytes), each pixel a scale x scale block."""
        from .images import gif_bytes  # Pillow only when exporting
        return gif_bytes(self.timelapse(), duration=duration_ms, scale=scale)

    def png_bytes(self, scale=1):
        """The displayed learned image (frame()'s RGB) as PNG bytes, each pixel a scale x scale block."""
        from .images import png_bytes  # Pillow only when exporting
        return png_bytes(self.learned_rgb(), scale=scale)

    def zoomed_png_bytes(self, zoom):
        """The learned image at zoom x its size (the model asked at sub-pixel centres) as PNG bytes."""
        from .images import png_bytes
        self.learned_rgb()  # a frame (and the model it shows) to zoom
        return png_bytes(self._frames.zoomed(zoom))

    # --- parameters (params.py) -----------------------------------------------------------------------
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
        self.seed, self.knobs = seed, current_knobs(self.model_name, knobs)
        self._start(model, float(cost))
        self._render_now()
