"""The 2017 model on an image in O(n) per epoch, and any number of epochs in O(n).

The post feeds linear regression one-hot rows: pixel i is a vector with a single 1 at i, plus the constant
1 for the bias. So the score of pixel i is just h_i = b + w_i, per channel c (channels are independent).
With M = H*W pixels, eta = learning_rate / M and the residual r_i = h_i - y_i, one batch GD epoch is

    cost  J = 1/(2M) * sum_i r_i^2
    step  w_i <- w_i - eta * r_i,      b <- b - eta * S,      S = sum_i r_i

which is the dense update of linreg.py without the M x (M+1) matrix. In terms of the residual:

    r' = a r - eta S,   S' = c S,   a = 1 - eta,   c = 1 - eta (M + 1)

Splitting r = d + (S/M) 1 with sum(d) = 0 gives d_k = a^k d_0 and S_k = c^k S_0, hence after k epochs

    r_k = a^k r_0 + (c^k - a^k) S_0 / M
    b_k = b_0 - eta S_0 (1 - c^k) / (1 - c) = b_0 - S_0 (1 - c^k) / (M + 1)

State: the residual as scale * q (q float32 (H, W, C), scale a float64 number) so that multiplying by
`a` happens in float64 on the scalar and an epoch is one in-place pass over q; bias and S in float64.
The weights are derived: w = y + r - b. The labels y are read-only (snapshots share them); the state
that training changes is TRAINING_STATE.

With a train_mask (H, W) bool only the M_s seen pixels are training rows: M becomes M_s above, S sums
the seen residuals, and a hidden pixel's weight never moves, so its prediction is its initial weight
plus the bias (it is never told anything about itself). The hidden labels are not even kept (zeroed in
the model's copy); hidden entries of q are never read.
"""
import math

import numpy as np

from .grid import check_rows, frozen
from .knobs import Knob
from .protocol import Model

_SCALE_RANGE = (1e-3, 1e3)  # fold `scale` into q when it leaves this range
WEIGHT_DECIMALS = 8  # a saved weight's decimals (get_params)


def _check_target(target):
    y = np.asarray(target)
    if y.ndim != 3 or y.shape[0] == 0 or y.shape[1] == 0 or y.shape[2] == 0:
        raise ValueError(f"target must be a non-empty (H, W, C) array, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.number) or np.iscomplexobj(y):
        raise ValueError(f"target must hold real numbers, got dtype {y.dtype}")
    if not np.isfinite(y).all():
        raise ValueError("target contains NaN or infinity")
    return y


def stable_learning_rate(M):
    """The learning rates below which batch GD on M one-hot rows converges: lr < 2M / (M + 1).

    X = [1 | I_M] (M, M + 1) has X^T X = [[M, 1^T], [1, I_M]]; the vector (M, 1, ..., 1) is its
    eigenvector with eigenvalue M + 1, the largest (the others are 1 and 0). GD with step eta = lr / M
    on J = 1/(2M) ||Xw - y||^2 multiplies that direction by 1 - eta (M + 1) = c: stable iff |c| < 1."""
    return 2.0 * M / (M + 1)


def _powers(eta, M, k):
    """(a^k, c^k, c^k - a^k, 1 - c^k) for a = 1 - eta, c = 1 - eta (M + 1), accurate for tiny eta."""
    a, c = 1.0 - eta, 1.0 - eta * (M + 1)
    if c > 0:  # then a > 0 too: use logs so that 1 - c^k and c^k - a^k keep their digits
        la, lc = math.log1p(-eta), math.log1p(-eta * (M + 1))
        ak, ck = math.exp(k * la), math.exp(k * lc)
        return ak, ck, ak * math.expm1(k * (lc - la)), -math.expm1(k * lc)
    with np.errstate(over="ignore", invalid="ignore"):  # |c| > 1 diverges: inf is the honest answer
        ak = math.exp(k * math.log1p(-eta)) if a > 0 else float(np.power(np.float64(a), k))
        ck = float(np.power(np.float64(c), k))
    return ak, ck, ck - ak, 1.0 - ck


class OneHotImageModel(Model):
    """One weight per pixel and channel plus a bias per channel, trained by batch GD as in the 2017 post."""

    NAME = "onehot"
    TRAINING_STATE = ("_q", "bias", "_S")  # with _scale
    fast_forward = True  # step(k) is closed form: the same cost for any k
    DEFAULT_LEARNING_RATE = 1.0  # eta (M + 1) ~ 1: the fastest stable rate (the range is 0 < lr < ~2)
    EPOCHS_PER_FRAME = 100  # the page's suggestion: the 64 x 64 photo paints over ~3 s, slow enough to watch
    KNOBS = {"init_noise": Knob(0.0, 0.0, 1.0, label="initial weights uniform in [0, x)")}
    EXPLODES_ON_INF = True  # float32 state overflows long before JS doubles would give NaN
    ZOOM_IS_BLOCKS = True

    def __init__(self, target, learning_rate=None, seed=0, init_noise=0.0, *, train_mask=None,
                 dtype=np.float32):
        y = _check_target(target)
        self.dtype = np.dtype(dtype)
        self.target = np.array(y, dtype=self.dtype)  # (H, W, C) labels
        H, W, C = self.target.shape
        self.seen = None  # (H, W, 1) bool, or None: every pixel is seen
        if train_mask is not None:
            mask = np.asarray(train_mask, dtype=bool)
            if mask.shape != (H, W):
                raise ValueError(f"train_mask must have shape {(H, W)}, got {mask.shape}")
            if not mask.any():
                raise ValueError("train_mask selects no pixels")
            self.seen = frozen(mask[:, :, None].copy())  # (H, W, 1)
            self.target *= self.seen  # the hidden labels are not kept
        self.target.flags.writeable = False  # never changes: snapshots share it
        self.M = H * W if self.seen is None else int(self.seen.sum())  # training pixels
        self.seed = seed
        self.learning_rate = self.DEFAULT_LEARNING_RATE if learning_rate is None else float(learning_rate)
        self.epoch = 0
        self.bias = np.zeros(C, dtype=np.float64)  # (C,)
        if init_noise:
            w = np.random.default_rng(seed).uniform(0.0, init_noise, self.target.shape)  # (H, W, C)
        else:
            w = np.zeros(self.target.shape)
        self._fixed = None if self.seen is None else frozen(w.astype(self.dtype))  # (H, W, C) hidden w
        self._set_residual(w + self.bias - self.target)

    # --- state -------------------------------------------------------------------------------------
    def _set_residual(self, r):
        H, W, C = self.target.shape
        self._q = np.array(r, dtype=self.dtype, order="C")  # (H, W, C)
        self._scale = 1.0
        self._sync_sum()

    @property
    def _rows(self):
        """(H, W*C) view of q: long inner loops for numpy (a property so copies stay consistent)."""
        H, W, C = self._q.shape
        return self._q.reshape(H, W * C)

    def _row_sums(self, rows):
        """(H, W*C) -> (C,) float64 sums: accumulate rows in float64, then fold the row."""
        C = self._q.shape[2]
        return np.add.reduce(rows, axis=0, dtype=np.float64).reshape(-1, C).sum(axis=0)  # (C,)

    def _sync_sum(self):
        rows = self._rows if self.seen is None else (self._q * self.seen).reshape(self._rows.shape)
        self._S = self._scale * self._row_sums(rows)  # (C,) sum of the (seen) residuals

    def _add_per_channel(self, v):
        """q += v (C,), one pass; the (W*C,) row pattern avoids numpy's slow length-C inner loops."""
        H, W, C = self._q.shape
        if C == 1:
            self._q += float(v[0])  # a Python float stays a float32 operation (NEP 50)
        else:
            pattern = np.empty((W, C), dtype=self.dtype)  # (W, C) one row of per-channel values
            pattern[...] = v
            rows = self._rows  # (H, W*C)
            rows += pattern.reshape(-1)  # (W*C,) broadcast over rows

    def _move(self, factor, shift):
        """r <- factor * r + shift (C,), keeping scale in range; one pass over q in the common case."""
        new_scale = self._scale * factor
        lo, hi = _SCALE_RANGE
        if lo <= abs(new_scale) <= hi:
            self._add_per_channel(shift / new_scale)  # r' = new_scale * (q + shift / new_scale)
            self._scale = new_scale
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                self._q *= self.dtype.type(new_scale)
                self._add_per_channel(shift)
            self._scale = 1.0

    @property
    def residual(self):
        """r = h - y, (H, W, C)."""
        return self._q * self.dtype.type(self._scale)

    def residual_into(self, out, gain=1.0):
        """out[...] = gain * r, (H, W, C) float32 in one pass (a frame's display bytes start here)."""
        return np.multiply(self._q, self.dtype.type(self._scale * gain), out=out)

    @property
    def weights(self):
        """w = y + r - b, (H, W, C) float64."""
        return self.predict().astype(np.float64) - self.bias

    # --- training ----------------------------------------------------------------------------------
    def step(self, epochs=1, closed_form=True):
        """Train `epochs` more GD epochs at self.learning_rate: in closed form, O(n) whatever the count
        (see the module docstring), or with closed_form=False one honest pass over the pixels per epoch,
        r <- a r - eta S, b <- b - eta S (the reference the closed form is tested against)."""
        k = int(epochs)
        if k < 0:
            raise ValueError(f"cannot train a negative number of epochs ({k})")
        eta = self.learning_rate / self.M
        if not closed_form:
            a, c = 1.0 - eta, 1.0 - eta * (self.M + 1)
            with np.errstate(over="ignore", invalid="ignore"):
                for _ in range(k):
                    step = eta * self._S  # (C,)
                    self._move(a, -step)  # (H, W, C)
                    self.bias -= step  # (C,)
                    self._S = c * self._S  # (C,) a new array: callers may hold the old one
                    self.epoch += 1
            return
        if k == 0:
            return
        self._sync_sum()  # S from the array: corrects float32 drift once per call
        S0 = self._S  # (C,)
        ak, ck, ck_minus_ak, one_minus_ck = _powers(eta, self.M, k)
        with np.errstate(over="ignore", invalid="ignore"):
            self._move(ak, np.where(S0 != 0, ck_minus_ak * S0, 0.0) / self.M)  # (H, W, C)
            self.bias -= np.where(S0 != 0, one_minus_ck * S0, 0.0) / (self.M + 1)  # (C,)
            self._S = np.where(S0 != 0, ck * S0, 0.0)  # (C,)
        self.epoch += k

    def solve(self):
        """Jump to the limit of GD from the current state: r = 0 and b = b - S/(M + 1) (the limit for
        every convergent rate, 0 < eta (M + 1) < 2). The epoch counter is left unchanged."""
        self._sync_sum()
        self.bias -= self._S / (self.M + 1)
        self._q[...] = 0
        self._scale = 1.0
        self._S = np.zeros_like(self._S)

    # --- reading -----------------------------------------------------------------------------------
    def predict(self):
        """h = y + r, (H, W, C) in label units (hidden pixels: their fixed weight + b)."""
        return self.predict_rows(0, self.target.shape[0])

    def predict_rows(self, r0, r1):
        """predict()[r0:r1], (r1 - r0, W, C), from those rows only."""
        r0, r1 = check_rows(self.target.shape[0], r0, r1)
        h = self.target[r0:r1] + self._q[r0:r1] * self.dtype.type(self._scale)  # (R, W, C)
        if self.seen is not None:
            hidden = self._fixed[r0:r1] + self.bias.astype(self.dtype)  # (R, W, C)
            h = np.where(self.seen[r0:r1], h, hidden)
        return h

    def predict_zoomed(self, zoom):
        """(zoom H, zoom W, C): each pixel repeated as a zoom x zoom block. A weight per pixel says
        nothing about the space between pixels, so this is all one-hot can draw there."""
        h = self.predict()  # (H, W, C)
        return h if zoom == 1 else np.repeat(np.repeat(h, zoom, axis=0), zoom, axis=1)

    def cost(self):
        """J = 1/(2M) * sum over (seen) pixels and channels of r^2."""
        with np.errstate(over="ignore", invalid="ignore"):
            q = (self._q if self.seen is None else self._q * self.seen).reshape(-1)  # (H*W*C,)
            sq = np.einsum("i,i->", q, q, dtype=np.float64)  # float64 products and sum, one pass
            return float(sq) * self._scale ** 2 / (2 * self.M)

    def get_params(self):
        """{"weights": (H, W, C) nested lists, "bias": (C,) list, "epoch": int}. The weights are rounded to
        WEIGHT_DECIMALS, finer than the float32 state holds them (about 7 digits), so that a file holds
        about 11 characters per weight, not 20: onehot at 1024 x 1024 in rgb mode is about 35 MB of JSON."""
        weights = np.round(self.weights, WEIGHT_DECIMALS)  # (H, W, C) float64
        return {"weights": weights.tolist(), "bias": self.bias.tolist(), "epoch": self.epoch}

    def set_params(self, params):
        """Replace weights and bias (and optionally epoch); ValueError says what is wrong."""
        if not isinstance(params, dict) or "weights" not in params or "bias" not in params:
            raise ValueError("params must be a dict with 'weights' (H, W, C) and 'bias' (C,)")
        w = _numbers(params["weights"], "weights")
        b = _numbers(params["bias"], "bias")
        if w.shape != self.target.shape:
            raise ValueError(f"weights must have shape {self.target.shape}, got {w.shape}")
        if b.shape != self.bias.shape:
            raise ValueError(f"bias must have {self.bias.shape[0]} values (one per channel), got shape {b.shape}")
        epoch = params.get("epoch", self.epoch)
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(f"epoch must be an integer >= 0, got {epoch!r}")
        self.bias = b.copy()
        if self.seen is not None:
            self._fixed = frozen(np.where(self.seen, 0.0, w).astype(self.dtype))  # (H, W, C)
        self._set_residual(w + b - self.target)  # (H, W, C)
        self.epoch = int(epoch)


def _numbers(value, name):
    try:
        x = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be numbers (nested lists of equal length)") from None
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contain NaN or infinity")
    return x
