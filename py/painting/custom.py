"""Your own model in Python: a visitor's source text -> a model class with the model protocol (protocol.py).

Two templates (FEATURES_TEMPLATE, SCRATCH_TEMPLATE) show the two kinds of code compile_model accepts:

  * "features": only `def features(x, y)`: x, y (M,) float arrays, the pixel centres in [0, 1] scaled by
    the longest side (grid.pixel_coordinates), returning an (M, D) array. The model is ours: linear
    regression on those D features (features.LinearFeatureModel: gradient descent with the rate in
    units of 1/L, SGD, and the closed-form solve()).
  * "scratch": exactly one class with step() and predict() (and ideally cost(), epoch, learning_rate,
    get_params()/set_params()), built as Model(target, learning_rate=..., seed=..., **knobs).

The code runs in a fresh namespace where `np` (numpy) and `Knob` are already imported. Any error in it
(syntax, or at definition, construction, step or predict) becomes a ModelCodeError whose message and
`.line` give the line in the visitor's file; a model that breaks the protocol gets a message saying how
(missing method, predict() of the wrong shape, NaN, a non-numeric result). register_model() adds the
class to models.MODELS (as "custom"), so make_model, Session and describe_models() run it unchanged.

This module does no I/O: the source text comes in as a string.
"""
import copy
import math
import types

import numpy as np

from . import models
from .features import LinearFeatureModel
from .grid import check_model_header, params_header, pixel_coordinates
from .knobs import Knob
from .protocol import Model


FEATURES_TEMPLATE = '''\
# Linear regression on features you choose.
# x, y: the pixel centres, arrays of shape (M,) in [0, 1] (M = number of pixels;
#       y grows downwards). np is numpy, already imported.
# Return an array of shape (M, D): D numbers per pixel. The model learns one weight
# per feature and colour, so each colour is a weighted sum of your features.

def features(x, y):
    columns = []
    for i in range(10):          # waves across...
        for j in range(10):      # ...and down: a 10 x 10 grid of cosine patterns
            columns.append(np.cos(np.pi * i * x) * np.cos(np.pi * j * y))
    return np.stack(columns, axis=1)   # (M, 100); i = j = 0 is the constant 1
'''

SCRATCH_TEMPLATE = '''\
# A whole model, from scratch: a mosaic of square tiles, one colour per tile,
# learned by gradient descent. np (numpy) and Knob are already imported.
# It is built as Mosaic(target, learning_rate, seed, tile=...) and then trained with
# step(epochs); predict() must return the picture, shape (H, W, C), like target.

class Mosaic:
    DEFAULT_LEARNING_RATE = 0.1
    KNOBS = {"tile": Knob(4, 1, 32, integer=True, label="tile size (pixels)")}  # a slider

    def __init__(self, target, learning_rate=0.1, seed=0, tile=4):
        self.target = target                       # (H, W, C) colours to learn
        self.learning_rate = learning_rate
        self.epoch = 0
        h, w, c = target.shape
        rows = np.arange(h)[:, None] // tile       # (H, 1) tile row of each pixel
        cols = np.arange(w)[None, :] // tile       # (1, W) tile column
        self.tile = rows * (cols.max() + 1) + cols  # (H, W) tile number of each pixel
        tiles = self.tile.max() + 1
        self.colour = np.zeros((tiles, c))         # (T, C) the parameters
        self.size = np.bincount(self.tile.ravel())[:, None]  # (T, 1) pixels per tile

    def predict(self):
        return self.colour[self.tile]              # (H, W, C)

    def cost(self):
        error = self.predict() - self.target       # (H, W, C)
        return np.sum(error ** 2) / (2 * self.tile.size)

    def step(self, epochs):
        for _ in range(epochs):
            error = self.predict() - self.target   # (H, W, C)
            total = np.zeros_like(self.colour)     # (T, C) summed error per tile
            np.add.at(total, self.tile, error)
            # each tile moves learning_rate of the way to its pixels' mean colour
            self.colour -= self.learning_rate * total / self.size
            self.epoch += 1
'''

TEMPLATES = {"features": FEATURES_TEMPLATE, "scratch": SCRATCH_TEMPLATE}
MAX_FEATURE_VALUES = 1 << 25  # M * D: Phi and its transpose in float32 take 8 bytes per value
PROTOCOL = ("step", "predict")  # the methods a from-scratch class must have


class ModelCodeError(ValueError):
    """An error in a visitor's model code: `.line` is the line in their file (or None), `.filename` it."""

    def __init__(self, message, line=None, filename="my_model.py"):
        message = " ".join(str(message).split())  # one line
        where = filename if line is None else f"{filename}, line {line}"
        super().__init__(f"{where}: {message}")
        self.message, self.line, self.filename = message, line, filename


def _located(error, filename, fallback_line=None, context=""):
    """A ModelCodeError for an exception raised while running the visitor's code: the line is that of
    the innermost traceback frame in their file (else fallback_line), with the function's name."""
    line, function = fallback_line, None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line, function = tb.tb_lineno, tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    place = f"in {function}: " if function and function != "<module>" else context
    return ModelCodeError(f"{place}{type(error).__name__}: {error}", line, filename)


def _first_line(function):
    """The line where a visitor's function, method or class is defined, or None."""
    if isinstance(function, type):
        return _class_line(function)
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    return None if code is None else code.co_firstlineno


def _call(filename, function, *args, context="", **kwargs):
    """function(*args, **kwargs), with any exception turned into a located ModelCodeError."""
    try:
        return function(*args, **kwargs)
    except ModelCodeError:
        raise
    except Exception as error:  # noqa: BLE001 - anything the visitor's code raises
        raise _located(error, filename, _first_line(function), context) from None


def _numeric(value, what, filename, line):
    """value as a float64 array; ModelCodeError if it is not numbers."""
    if value is None:
        raise ModelCodeError(f"{what} returned None; did you forget `return`?", line, filename)
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - ragged lists and the like
        raise ModelCodeError(f"{what} must return numbers, got {type(value).__name__}", line, filename) from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or \
            np.issubdtype(array.dtype, np.complexfloating):
        kind = type(value).__name__ if array.dtype == object else f"an array of dtype {array.dtype}"
        raise ModelCodeError(f"{what} must return real numbers, got {kind}", line, filename)
    return array.astype(np.float64, copy=False)


def _shape(shape):
    return "(" + ", ".join(str(int(n)) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def compile_model(source, filename="my_model.py"):
    """The model class for a visitor's source text (see the module doc for the two kinds).

    The result is used like MODELS[name]: cls(target, learning_rate=None, seed=0, **knobs), with
    DEFAULT_LEARNING_RATE, EPOCHS_PER_FRAME and KNOBS. ModelCodeError for any problem, with the line.
    """
    if not isinstance(source, str):
        raise ModelCodeError(f"the model code must be text, got {type(source).__name__}", None, filename)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as error:  # IndentationError and TabError are SyntaxErrors
        raise ModelCodeError(f"{type(error).__name__}: {error.msg}", error.lineno, filename) from None
    module = "painting.custom.user"
    namespace = {"__name__": module, "__file__": filename, "np": np, "numpy": np, "Knob": Knob}
    try:
        exec(code, namespace)  # noqa: S102 - running the visitor's own code is the point
    except Exception as error:  # noqa: BLE001
        raise _located(error, filename) from None

    classes = [v for v in namespace.values() if isinstance(v, type) and v.__module__ == module]
    lines = {c.co_name: c.co_firstlineno for c in code.co_consts if isinstance(c, types.CodeType)}
    for cls in classes:
        if cls.__name__ in lines:
            cls.__line__ = lines[cls.__name__]  # `class` statements are top-level code objects
    models_ = [c for c in classes if all(callable(getattr(c, m, None)) for m in PROTOCOL)]
    models_ = [c for c in models_ if not any(o is not c and issubclass(o, c) for o in models_)]  # not bases
    features = namespace.get("features")
    if len(models_) > 1:
        names = ", ".join(c.__name__ for c in models_)
        raise ModelCodeError(f"define one model class, found {len(models_)}: {names}",
                             _class_line(models_[1]), filename)
    if models_:
        return _scratch_class(models_[0], filename)
    if callable(features):
        return _features_class(features, filename)
    partial = [c for c in classes if any(callable(getattr(c, m, None)) for m in PROTOCOL + ("cost",))]
    if partial:
        missing = next(m for m in PROTOCOL if not callable(getattr(partial[0], m, None)))
        raise ModelCodeError(f"your model {partial[0].__name__} has no {missing}() method",
                             _class_line(partial[0]), filename)
    raise ModelCodeError("define `def features(x, y):` returning an (M, D) array, or one model class "
                         "with step() and predict() methods", None, filename)


def _class_line(cls):
    """The line of a visitor's `class` statement (noted by compile_model), else of its first method."""
    line = getattr(cls, "__line__", None)
    if line is None:
        lines = [_first_line(v) for v in vars(cls).values() if callable(v) and not isinstance(v, type)]
        line = min([n for n in lines if n is not None], default=None)
    return line


# ---- "features": linear regression on the visitor's feature map ----------------------------------------

def _features_class(function, filename):
    class CustomFeatureModel(LinearFeatureModel):
        """Linear regression on the features(x, y) of a visitor's code (features.LinearFeatureModel)."""
        NAME = "custom"
        DEFAULT_LEARNING_RATE = 1.0  # in units of 1/L: stable for any features
        SOURCE = "features"

        def build(self):
            v = pixel_coordinates(self.height, self.width, np.float64)  # (M, 2)
            self._finish_dense(feature_matrix(function, v[:, 0].copy(), v[:, 1].copy(), filename))
            self.features.flags.writeable = self.features_t.flags.writeable = False  # shared by snapshots
            self.zoom_points = self.height * self.width  # blocks of M points: M * D values, as here

        def zoom_features(self, v):
            """features(x, y) at points v (P, 2): (P, D), checked like at construction, with D columns."""
            phi = feature_matrix(function, v[:, 0].copy(), v[:, 1].copy(), filename)
            if phi.shape[1] != self.num_features:
                raise ModelCodeError(f"features(x, y) returned {phi.shape[1]} columns between pixels but "
                                     f"{self.num_features} at the pixel centres; the count must not depend "
                                     f"on x and y", _first_line(function), filename)
            return phi

    return CustomFeatureModel


def feature_matrix(function, x, y, filename="my_model.py"):
    """features(x, y) checked: a finite real (M, D) array, M = len(x), D >= 1, not too large."""
    m, line = len(x), _first_line(function)
    phi = _numeric(_call(filename, function, x, y), "features(x, y)", filename, line)
    if phi.ndim == 1 and phi.shape[0] == m:
        raise ModelCodeError(f"features(x, y) returned shape {_shape(phi.shape)}, one number per pixel; "
                             f"expected ({m}, D): return np.stack([...], axis=1)", line, filename)
    if phi.ndim != 2 or phi.shape[0] != m:
        hint = " (pixels must be rows: stack with axis=1, or add .T)" if phi.ndim == 2 and phi.shape[1] == m \
            else ""
        raise ModelCodeError(f"features(x, y) returned shape {_shape(phi.shape)}; expected ({m}, D), "
                             f"one row per pixel{hint}", line, filename)
    if phi.shape[1] == 0:
        raise ModelCodeError("features(x, y) returned no columns; expected at least one feature", line, filename)
    if phi.size > MAX_FEATURE_VALUES:
        raise ModelCodeError(f"features(x, y) returned {phi.shape[1]} features for {m} pixels; at most "
                             f"{MAX_FEATURE_VALUES // m} fit at this image size", line, filename)
    bad = ~np.isfinite(phi)
    if bad.any():
        column = int(np.flatnonzero(bad.any(axis=0))[0])
        raise ModelCodeError(f"features(x, y) returned NaN or infinity ({int(bad.sum())} values, first in "
                             f"column {column})", line, filename)
    return phi


# ---- "scratch": the visitor's own class, wrapped ------------------------------------------------------

def _scratch_class(user_class, filename):
    rate = getattr(user_class, "DEFAULT_LEARNING_RATE", 0.01)
    per_frame = getattr(user_class, "EPOCHS_PER_FRAME", 1)
    knobs = getattr(user_class, "KNOBS", {})
    line = _class_line(user_class)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not (math.isfinite(rate) and rate > 0):
        raise ModelCodeError(f"DEFAULT_LEARNING_RATE must be a number > 0, got {rate!r}", line, filename)
    if isinstance(per_frame, bool) or not isinstance(per_frame, int) or per_frame < 1:
        raise ModelCodeError(f"EPOCHS_PER_FRAME must be an integer >= 1, got {per_frame!r}", line, filename)
    if not isinstance(knobs, dict) or not all(isinstance(k, str) and k.isidentifier() and isinstance(v, Knob)
                                              for k, v in knobs.items()):
        raise ModelCodeError('KNOBS must be a dict of name: Knob(default, low, high), e.g. '
                             '{"tile": Knob(4, 1, 32, integer=True)}', line, filename)
    attributes = {"NAME": "custom", "SOURCE": "scratch", "DEFAULT_LEARNING_RATE": float(rate),
                  "EPOCHS_PER_FRAME": per_frame, "KNOBS": dict(knobs), "user_class": user_class,
                  "filename": filename, "__doc__": user_class.__doc__}
    if callable(getattr(user_class, "solve", None)):
        attributes["solve"] = ScratchModel._solve
    return type(user_class.__name__, (ScratchModel,), attributes)


class ScratchModel(Model):
    """The model protocol around a visitor's class: errors located in their file, results checked.

    What it adds when their class lacks it: `epoch` (counted here), `learning_rate` (held here),
    cost() (from predict()), get_params()/set_params() (their float array attributes, except the target).
    solve() is theirs if their class has one (_scratch_class); the other optional members keep
    protocol.Model's defaults (no predict_zoomed: zoomed, each pixel is a block).
    """
    user_class = None
    filename = "my_model.py"

    def __init__(self, target, learning_rate=None, seed=0, **knobs):
        target = np.asarray(target)
        if target.ndim != 3 or min(target.shape) < 1:
            raise ValueError(f"target must be (H, W, C) with non-zero sides, got shape {target.shape}")
        self.height, self.width, self.channels = target.shape
        self.target = target.view()
        self.target.flags.writeable = False  # theirs to read; in-place changes would corrupt the session
        self._epoch, self._rate = 0, float(self.DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate)
        self.inner = _call(self.filename, self.user_class, self.target, learning_rate=self._rate, seed=seed, **knobs,
                           context=f"{self.user_class.__name__}(target, learning_rate, seed): ")

    def __deepcopy__(self, memo):
        """Session copies the model before each step (to undo a diverging one): say so if theirs can't be."""
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        try:
            for key, value in vars(self).items():
                setattr(clone, key, copy.deepcopy(value, memo))
        except Exception as error:  # noqa: BLE001 - e.g. a generator or an open file among its attributes
            raise ModelCodeError(f"your model cannot be copied ({type(error).__name__}: {error}); keep only "
                                 f"arrays, numbers and the like in its attributes",
                                 _class_line(self.user_class), self.filename) from None
        return clone

    def _method(self, name):
        method = getattr(self.inner, name, None)
        if not callable(method):
            raise ModelCodeError(f"your model has no {name}() method", _class_line(self.user_class), self.filename)
        return method

    @property
    def epoch(self):
        value = getattr(self.inner, "epoch", self._epoch)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ModelCodeError(f"epoch must be an integer, got {value!r}", _class_line(self.user_class),
                                 self.filename)
        return int(value)

    @epoch.setter
    def epoch(self, value):
        if hasattr(self.inner, "epoch"):
            self.inner.epoch = int(value)
        self._epoch = int(value)

    @property
    def learning_rate(self):
        return float(getattr(self.inner, "learning_rate", self._rate))

    @learning_rate.setter
    def learning_rate(self, value):
        if hasattr(self.inner, "learning_rate"):
            self.inner.learning_rate = float(value)
        self._rate = float(value)

    def step(self, epochs=1):
        before = self.epoch
        _call(self.filename, self._method("step"), int(epochs))
        if not hasattr(self.inner, "epoch"):
            self._epoch = before + int(epochs)

    def _raw_predict(self):
        method = self._method("predict")
        h = _numeric(_call(self.filename, method), "predict()", self.filename, _first_line(method))
        if h.shape != self.target.shape:
            raise ModelCodeError(f"predict() returned shape {_shape(h.shape)}; expected "
                                 f"{_shape(self.target.shape)}, the target's (H, W, C)",
                                 _first_line(method), self.filename)
        return h

    def predict(self):
        """(H, W, C) float64, checked; ModelCodeError for a wrong shape, non-numbers, NaN or infinity."""
        h = self._raw_predict()
        bad = ~np.isfinite(h)
        if bad.any():
            raise ModelCodeError(f"predict() returned NaN or infinity ({int(bad.sum())} of {h.size} values)",
                                 _first_line(self._method("predict")), self.filename)
        return h

    def cost(self):
        """Their cost() as a float (it may be NaN or infinity: Session treats that as a diverged step), or
        1/(2M) sum (h - y)^2 from predict() if their class has none."""
        method = getattr(self.inner, "cost", None)
        if not callable(method):
            with np.errstate(over="ignore", invalid="ignore"):
                error = self._raw_predict() - self.target  # (H, W, C)
                return float(np.sum(np.square(error)) / (2 * self.height * self.width))
        value = _call(self.filename, method)
        array = _numeric(value, "cost()", self.filename, _first_line(method))
        if array.size != 1:
            raise ModelCodeError(f"cost() must return one number, got shape {_shape(array.shape)}",
                                 _first_line(method), self.filename)
        return float(array.reshape(()))

    def _solve(self):
        _call(self.filename, self._method("solve"))
        return self

    def _arrays(self):
        """Their float array attributes, except copies of the target: what get_params() saves by default."""
        t = self.target
        return {name: value for name, value in sorted(vars(self.inner).items())
                if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating)
                and not (value.size == t.size and np.array_equal(value.ravel(), t.ravel()))}

    def get_params(self):
        method = getattr(self.inner, "get_params", None)
        own = _call(self.filename, method) if callable(method) else \
            {"arrays": {name: value.tolist() for name, value in self._arrays().items()}}
        if not isinstance(own, dict):
            raise ModelCodeError(f"get_params() must return a dict, got {type(own).__name__}",
                                 _first_line(method), self.filename)
        return {**params_header(self), "own": own}

    def set_params(self, params):
        epoch, rate = check_model_header(params, self.NAME, (self.height, self.width, self.channels))
        own = params.get("own")
        if not isinstance(own, dict):
            raise ValueError("params['own'] (the model's own parameters) must be an object")
        method = getattr(self.inner, "set_params", None)
        if callable(method):
            _call(self.filename, method, own)
        else:
            arrays, saved = self._arrays(), own.get("arrays")
            if not isinstance(saved, dict) or sorted(saved) != sorted(arrays):
                raise ValueError(f"params['own']['arrays'] must hold exactly {sorted(arrays)}")
            values = {}
            for name, current in arrays.items():
                try:
                    value = np.asarray(saved[name], dtype=np.float64)
                except (TypeError, ValueError):
                    raise ValueError(f"params['own']['arrays'][{name!r}] is not a numeric array") from None
                if value.shape != current.shape or not np.all(np.isfinite(value)):
                    raise ValueError(f"params['own']['arrays'][{name!r}] must be finite numbers of shape "
                                     f"{_shape(current.shape)}, got shape {_shape(value.shape)}")
                values[name] = value.astype(current.dtype)
            for name, value in values.items():
                setattr(self.inner, name, value)
        self.epoch = epoch
        if rate is not None:
            self.learning_rate = rate


# ---- checks and the registry --------------------------------------------------------------------------

def check_model(model, target_shape):
    """Run one step/predict/cost cycle on `model` (it trains one epoch) and check the protocol: epoch
    counts, predict() is a finite real array of target_shape, cost() a finite number. ModelCodeError
    (a wrapped model) or ValueError saying what is wrong; returns the cost."""
    expected = tuple(int(n) for n in target_shape)
    filename = getattr(model, "filename", "my_model.py")
    before = model.epoch
    model.step(1)
    if model.epoch != before + 1:
        raise ValueError(f"after step(1) epoch went from {before} to {model.epoch}; expected {before + 1}")
    h = _numeric(model.predict(), "predict()", filename, None)
    if h.shape != expected:
        raise ValueError(f"predict() returned shape {_shape(h.shape)}; expected {_shape(expected)}")
    if not np.all(np.isfinite(h)):
        raise ValueError("predict() returned NaN or infinity")
    cost = model.cost()
    if isinstance(cost, bool) or not isinstance(cost, (int, float, np.floating, np.integer)):
        raise ValueError(f"cost() must return a number, got {type(cost).__name__}")
    if not math.isfinite(cost):
        line = _first_line(getattr(getattr(model, "inner", None), "cost", None))
        raise ModelCodeError(f"cost() returned {float(cost)} after one step: NaN or infinity (is the learning "
                             f"rate {model.learning_rate:g} too large?)", line, filename)
    return float(cost)


def register_model(cls, name="custom"):
    """Put cls into models.MODELS under `name` (replacing an earlier custom model of that name), so
    make_model, Session(rgb, model=name), Session.from_params and describe_models() use it."""
    if name in models.MODELS and models.MODELS[name].NAME != "custom":
        raise ValueError(f"{name!r} is a built-in model; register your model under another name")
    models.MODELS[name] = cls
    return cls


def load_model(source, filename="my_model.py", name="custom", target=None):
    """compile_model + (if a target (H, W, C) is given) check_model on a fresh instance + register_model."""
    cls = compile_model(source, filename)
    if target is not None:
        check_model(cls(np.asarray(target)), np.shape(target))
    return register_model(cls, name)
