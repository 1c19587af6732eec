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
"""
import copy

import numpy as np

from .linreg import CostExplodedError
from .metrics import psnr, to_uint8
from .models import MODELS, check_learning_rate, make_model
from .packed import decode_packed, encode_packed
from .params import FORMAT, VERSION, check_file_header, check_format

MODES = ("rgb", "2017")
TIMELAPSE_FRAMES = 120  # default number of frames a Session keeps (even)
TIMELAPSE_BYTES = 48_000_000  # at most this many bytes of timelapse frames


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
    timelapse=TIMELAPSE_FRAMES, **knobs); timelapse is the most frames to keep (0: none)."""

    def __init__(self, rgb, model="onehot", mode="rgb", learning_rate=None, seed=0, *,
                 timelapse=TIMELAPSE_FRAMES, **knobs):
        if isinstance(timelapse, bool) or not isinstance(timelapse, (int, np.integer)) or timelapse < 0:
            raise ValueError(f"timelapse must be an integer >= 0 (frames to keep), got {timelapse!r}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.rgb = _check_rgb(rgb)  # (H, W, 3) float32
        self.mode, self.model_name, self.seed, self.knobs = mode, model, seed, dict(knobs)
        self.height, self.width = self.rgb.shape[:2]
        self._target_u8 = to_uint8(self.rgb)  # (H, W, 3)
        self._labels = self.rgb if mode == "rgb" else encode_packed(self._target_u8)  # (H, W, C)
        self._rgb = np.empty((self.height, self.width, 3), dtype=np.uint8)  # (H, W, 3) displayed pixels
        self._frame = np.empty((self.height, self.width, 4), dtype=np.uint8)  # (H, W, 4) reused
        self._frame[..., 3] = 255
        self._frame_stale = True  # RGBA is composed from _rgb only when frame() is asked for
        self._target_frame = self._frame.copy()
        self._target_frame[..., :3] = self._target_u8
        self.model = make_model(model, self._labels, learning_rate=learning_rate, seed=seed, **knobs)
        per_frame = self.height * self.width * 3
        capacity = min(int(timelapse), max(2, TIMELAPSE_BYTES // per_frame)) if timelapse else 0
        self._timelapse_capacity = capacity - capacity % 2  # even, so thinning keeps the interval aligned
        self._refresh()
        self._restart_timelapse()

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
        self.model = make_model(self.model_name, self._labels, learning_rate=lr, seed=self.seed, **self.knobs)
        self._refresh()
        self._restart_timelapse()

    def step(self, epochs):
        """Train `epochs` more epochs; on a non-finite cost restore the state before the call and raise."""
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
        saved = snapshot(self.model)
        self.model.step(int(epochs))
        cost = self.model.cost()
        if not np.isfinite(cost):
            lr = self.model.learning_rate
            self.model = saved
            raise CostExplodedError(
                f"the cost exploded (learning rate {lr:g} is too large for this model); "
                f"the state before this step (epoch {saved.epoch}) was restored")
        self._refresh(cost)
        if epochs > 0:
            self._ticks += 1
            if self._timelapse_capacity and self._ticks % self._interval == 0:
                self._record()
        return {"epoch": self.model.epoch, "cost": self._cost, "psnr": self._psnr}

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
        self._refresh(cost)
        self._ticks += 1
        if self._timelapse_capacity:
            self._record()
        return {"epoch": self.model.epoch, "cost": self._cost, "psnr": self._psnr}

    # --- timelapse -------------------------------------------------------------------------------------
    def _restart_timelapse(self):
        self._ticks, self._interval, self._kept = 0, 1, []  # kept: [(tick, (H, W, 3) uint8)]
        if self._timelapse_capacity:
            self._record()

    def _record(self):
        if len(self._kept) == self._timelapse_capacity:
            self._kept = self._kept[::2]  # ticks 0, 2i, 4i, ...: still multiples of the doubled interval
            self._interval *= 2
        self._kept.append((self._ticks, self._rgb.copy()))

    def timelapse(self):
        """The kept frames, oldest first, plus the current frame if newer: a list of (H, W, 3) uint8."""
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
        return png_bytes(self._rgb, scale=scale)

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
        model = make_model(self.model_name, self._labels, learning_rate=lr, seed=seed, **knobs)
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
        self.model, self.seed, self.knobs = model, seed, knobs
        self._refresh(cost)
        self._restart_timelapse()

    def _refresh(self, cost=None):
        """Recompute the frame (into the reused buffer), cost and PSNR from the model."""
        pred = self.model.predict()  # (H, W, C)
        if self.mode == "rgb":
            to_uint8(pred, out=self._rgb)
        else:
            self._rgb[...] = decode_packed(pred)
        self._cost = float(self.model.cost() if cost is None else cost)
        self._psnr = psnr(self._rgb, self._target_u8)
        self._frame_stale = True

    def stats(self):
        return {"epoch": self.model.epoch, "cost": self._cost, "psnr": self._psnr,
                "learning_rate": self.model.learning_rate, "mode": self.mode, "model": self.model_name,
                "height": self.height, "width": self.width, "seed": self.seed, "knobs": dict(self.knobs),
                "timelapse_frames": self.timelapse_frames}

    def frame(self):
        """(H, W, 4) uint8 RGBA of the learned image. The buffer is reused: copy it to keep it."""
        if self._frame_stale:
            self._frame[..., :3] = self._rgb
            self._frame_stale = False
        return self._frame

    def learned_rgb(self):
        """(H, W, 3) uint8 of the learned image as displayed (C-contiguous, reused: copy it to keep it)."""
        return self._rgb

    def target_frame(self):
        """(H, W, 4) uint8 RGBA of the target."""
        return self._target_frame


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
