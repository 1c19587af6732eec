"""What the page's worker drives between frames: a target, a model, counters and RGBA frames.

mode "rgb": the labels are the target's channels in [0, 1] and a frame is the clipped prediction.
mode "2017": the labels are packed R*65536 + G*256 + B (one channel) and a frame is decode_packed of the
prediction, so it shows the original's odd colours. PSNR always compares the displayed RGB with the
target's RGB (both uint8).
"""
import copy

import numpy as np

from .linreg import CostExplodedError
from .metrics import psnr, to_uint8
from .models import check_learning_rate, make_model
from .packed import decode_packed, encode_packed

MODES = ("rgb", "2017")


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
    """One painting: Session(rgb, model="onehot", mode="rgb", learning_rate=None, seed=0, **knobs)."""

    def __init__(self, rgb, model="onehot", mode="rgb", learning_rate=None, seed=0, **knobs):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.rgb = _check_rgb(rgb)  # (H, W, 3) float32
        self.mode, self.model_name, self.seed, self.knobs = mode, model, seed, dict(knobs)
        self.height, self.width = self.rgb.shape[:2]
        self._target_u8 = to_uint8(self.rgb)  # (H, W, 3)
        self._labels = self.rgb if mode == "rgb" else encode_packed(self._target_u8)  # (H, W, C)
        self._frame = np.empty((self.height, self.width, 4), dtype=np.uint8)  # (H, W, 4) reused
        self._frame[..., 3] = 255
        self._target_frame = self._frame.copy()
        self._target_frame[..., :3] = self._target_u8
        self._initial_lr = learning_rate
        self.model = make_model(model, self._labels, learning_rate=learning_rate, seed=seed, **knobs)
        self._refresh()

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

    def step(self, epochs):
        """Train `epochs` more epochs; on a non-finite cost restore the state before the call and raise."""
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
        saved = copy.deepcopy(self.model)
        self.model.step(int(epochs))
        cost = self.model.cost()
        if not np.isfinite(cost):
            lr = self.model.learning_rate
            self.model = saved
            raise CostExplodedError(
                f"the cost exploded (learning rate {lr:g} is too large for this model); "
                f"the state before this step (epoch {saved.epoch}) was restored")
        self._refresh(cost)
        return {"epoch": self.model.epoch, "cost": self._cost, "psnr": self._psnr}

    def _refresh(self, cost=None):
        """Recompute the frame (into the reused buffer), cost and PSNR from the model."""
        pred = self.model.predict()  # (H, W, C)
        if self.mode == "rgb":
            to_uint8(pred, out=self._frame[..., :3])
        else:
            self._frame[..., :3] = decode_packed(pred)
        self._cost = float(self.model.cost() if cost is None else cost)
        self._psnr = psnr(self._frame[..., :3], self._target_u8)

    def stats(self):
        return {"epoch": self.model.epoch, "cost": self._cost, "psnr": self._psnr,
                "learning_rate": self.model.learning_rate, "mode": self.mode, "model": self.model_name,
                "height": self.height, "width": self.width}

    def frame(self):
        """(H, W, 4) uint8 RGBA of the learned image. The buffer is reused: copy it to keep it."""
        return self._frame

    def target_frame(self):
        """(H, W, 4) uint8 RGBA of the target."""
        return self._target_frame


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
