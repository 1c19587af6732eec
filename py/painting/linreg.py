"""The 2017 model: linear regression trained by full-batch gradient descent, dense and faithful.

Reference: Rodrigo Silveira, "Machine Learning Painting with Linear Regression" (2017 demo, 2020 post).
Each sample x (n features) gets a constant 1 prepended, so params p has n + 1 entries, p[0] the bias.

    score h = p . [1, x]
    cost  J = 1/(2M) * sum_i (h_i - y_i)^2                     (M samples, y_i = labels[i][0])
    step  p[col] -= (learning_rate / M) * sum_i (h_i - y_i) * [1, x_i][col]

The training loop keeps the original's quirks (see `run_training`). This module is the oracle that the
fast image model in onehot.py is tested against (run_training(model, config, model.cost, model.step)
runs the same loop on it).
"""
import math
from typing import Callable, NamedTuple

import numpy as np

from .explosion import CostExplodedError


def _ignore_log(info):
    pass


_CONFIG_KEYS = {  # accepted key -> field name (snake_case and the post's camelCase)
    "learning_rate": "learning_rate", "learningRate": "learning_rate",
    "max_cost": "max_cost", "maxCost": "max_cost",
    "epochs": "epochs",
    "log_cost": "log_cost", "logCost": "log_cost",
    "log_callback": "log_callback", "logCallback": "log_callback",
}


def _or(value, default):
    """JS `value || default`: falsy (None, 0, False, "", NaN) falls back to the default."""
    if isinstance(value, float) and math.isnan(value):
        return default
    return value or default


class TrainConfig(NamedTuple):
    """train() settings with the post's defaults. A falsy value means "use the default", as JS `||` does."""
    learning_rate: float = 0.05
    max_cost: float = 0.05
    epochs: int = 10
    log_cost: int = 100
    log_callback: Callable = _ignore_log

    @classmethod
    def from_dict(cls, config=None):
        if config is None:
            config = {}
        if isinstance(config, TrainConfig):
            return config
        if not isinstance(config, dict):
            raise ValueError(f"train config must be a dict, got {type(config).__name__}")
        values = {}
        for key, value in config.items():
            if key not in _CONFIG_KEYS:
                raise ValueError(f"unknown train config key {key!r}; known keys: {', '.join(_CONFIG_KEYS)}")
            values[_CONFIG_KEYS[key]] = value
        d = cls()
        cfg = cls(**{name: _or(values.get(name), getattr(d, name)) for name in
                     ("learning_rate", "max_cost", "epochs", "log_cost", "log_callback")})
        for name in ("learning_rate", "max_cost", "epochs", "log_cost"):
            v = getattr(cfg, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
                raise ValueError(f"train config {name} must be a finite number, got {v!r}")
        if not callable(cfg.log_callback):
            raise ValueError("train config log_callback must be callable")
        return cfg._replace(epochs=int(cfg.epochs))

    def logs_at(self, epoch):
        """The original's test `logCost > 0 && epoch % logCost === 1` (so log_cost = 1 never logs)."""
        return self.log_cost > 0 and epoch % self.log_cost == 1

    def updates_until_next_log(self, epoch):
        """Number of updates from `epoch` (inclusive) before the next logging epoch or the end."""
        last = self.epochs + 1
        if self.log_cost > 1 and float(self.log_cost).is_integer():
            period = int(self.log_cost)
            last = min(last, epoch + (((1 - epoch) % period) or period))
        elif self.log_cost > 1:  # a fractional period: test every epoch, as the original does
            last = epoch + 1
        return last - epoch


def run_training(model, config, cost, step):
    """The 2017 loop, `while (epoch++ < maxEpochs)`, shared by the dense and the fast model.

    At a logging epoch the cost of the CURRENT params is computed; NaN raises CostExplodedError; a cost
    below max_cost stops before this epoch's update; otherwise log_callback({model, cost, epoch}) is
    called. Then the update. `step(n)` must do n updates; between logging epochs it is called with n > 1.
    Returns {"epochs": updates done, "cost": last computed cost or None, "stopped": bool}.
    """
    epoch, done, last_cost = 0, 0, None
    while epoch < config.epochs:
        epoch += 1
        if config.logs_at(epoch):
            last_cost = float(cost())
            if not _finite_enough(last_cost, model):
                raise CostExplodedError(
                    f"cost exploded (it became {last_cost}) at epoch {epoch}: "
                    f"the learning rate {config.learning_rate} is too large")
            if last_cost < config.max_cost:
                return {"epochs": done, "cost": last_cost, "stopped": True}
            config.log_callback({"model": model, "cost": last_cost, "epoch": epoch})
        n = config.updates_until_next_log(epoch)
        step(n)
        done += n
        epoch += n - 1
    return {"epochs": done, "cost": last_cost, "stopped": False}


def _finite_enough(cost, model):
    # The original only checks NaN (JS doubles take long to overflow); a model with float32 state may ask
    # for inf to count as exploded too, since its state overflows earlier.
    if model.EXPLODES_ON_INF:
        return math.isfinite(cost)
    return not math.isnan(cost)


def with_bias(X):
    """(M, n) samples -> (M, n + 1) with the zeroth bias input 1 prepended to each."""
    return np.hstack([np.ones((X.shape[0], 1)), X])


def batch_cost(X, w, y):
    """J = 1/(2M) * sum_i (X_i . w - y_i)^2 for X (M, n + 1) with its bias column, w (n + 1,) or
    (n + 1, C) and y (M,) or (M, C); a float (inf or NaN once the weights have exploded)."""
    err = X @ w - y  # (M,) or (M, C)
    return float(np.vdot(err, err)) / (2 * X.shape[0])


def gradient_steps(X, y, w, learning_rate, epochs=1):
    """`epochs` epochs of the 2017 update w <- w - (learning_rate / M) * X^T (X w - y); -> the new w
    (X (M, n + 1) with its bias column, w (n + 1,) or (n + 1, C), y (M,) or (M, C); w is not changed)."""
    lr = learning_rate / X.shape[0]
    for _ in range(int(epochs)):
        err = X @ w - y  # (M,) or (M, C) errors of the current weights
        w = w - lr * (X.T @ err)  # (n + 1,) or (n + 1, C)
    return w


def _as_matrix(samples, name):
    try:
        X = np.asarray(samples, dtype=np.float64)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a rectangular list of lists of numbers") from None
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty list of equal-length rows, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return X


class LinearRegressionModel:
    """Linear regression with a bias, trained by batch gradient descent exactly as the 2017 JS demo."""

    EXPLODES_ON_INF = False  # run_training's flag (protocol.Model's): float64, only NaN counts, as in JS

    def __init__(self, n_features=None, init="zeros", seed=0):
        if init not in ("zeros", "uniform"):
            raise ValueError(f"init must be 'zeros' or 'uniform', got {init!r}")
        self.init, self.seed = init, seed
        self.params = None  # (n + 1,) float64, params[0] is the bias; created by train() if not set
        if n_features is not None:
            self._init_params(int(n_features))

    def _init_params(self, n_features):
        if n_features < 0:
            raise ValueError(f"n_features must be >= 0, got {n_features}")
        if self.init == "uniform":  # like Math.random(), but seeded
            self.params = np.random.default_rng(self.seed).uniform(0.0, 1.0, n_features + 1)
        else:
            self.params = np.zeros(n_features + 1, dtype=np.float64)

    def train(self, samples, labels, config=None):
        """Fit params to (samples, labels) with the post's loop. labels: a list of [label] (or of numbers)."""
        cfg = TrainConfig.from_dict(config)
        X = _as_matrix(samples, "samples")  # (M, n)
        y = _as_matrix(labels if np.ndim(labels) == 2 else np.reshape(labels, (-1, 1)), "labels")[:, 0]
        # (M,) the original reads labels[i][0]
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"got {X.shape[0]} samples but {y.shape[0]} labels")
        if self.params is None:
            self._init_params(X.shape[1])
        if self.params.shape[0] != X.shape[1] + 1:
            raise ValueError(f"samples have {X.shape[1]} features but the model has "
                             f"{self.params.shape[0] - 1} weights (+1 bias)")
        X1 = with_bias(X)  # (M, n + 1)

        def cost():
            return batch_cost(X1, self.params, y)

        def step(n):
            self.params = gradient_steps(X1, y, self.params, cfg.learning_rate, n)  # (n + 1,)

        with np.errstate(over="ignore", invalid="ignore"):  # JS doubles overflow silently too
            return run_training(self, cfg, cost, step)

    def score(self, inputs):
        """h = bias + weights . inputs, for one sample (n,) -> float, or many (N, n) -> (N,)."""
        if self.params is None:
            raise ValueError("the model has no params yet: train it or call set_params first")
        x = np.asarray(inputs, dtype=np.float64)
        if x.shape[-1:] != (self.params.shape[0] - 1,) or x.ndim > 2:
            raise ValueError(f"score expects {self.params.shape[0] - 1} inputs per sample, got shape {x.shape}")
        h = self.params[0] + x @ self.params[1:]
        return float(h) if x.ndim == 1 else h

    def get_params(self):
        """[bias, w_1, ..., w_n] as a plain list of floats."""
        return [] if self.params is None else self.params.tolist()

    def set_params(self, params):
        """Replace [bias, w_1, ..., w_n]; the length must match the model's if it already has params."""
        try:
            p = np.array(params, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError("params must be a flat list of numbers [bias, w_1, ..., w_n]") from None
        if p.ndim != 1 or p.shape[0] == 0:
            raise ValueError(f"params must be a flat, non-empty list of numbers, got shape {p.shape}")
        if self.params is not None and p.shape != self.params.shape:
            raise ValueError(f"expected {self.params.shape[0]} params (bias + {self.params.shape[0] - 1} "
                             f"weights), got {p.shape[0]}")
        if not np.isfinite(p).all():
            raise ValueError("params contain NaN or infinity")
        self.params = p
