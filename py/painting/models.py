"""The model registry: name -> class, and each model's own settings ("knobs") with defaults and ranges.

One table drives the CLI options (--knob value), the URL and the page's controls. Model modules import
Knob from here; painting/__init__.py imports this module first so that order is always safe.
"""
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Knob:
    """A numeric model setting: default, inclusive range [low, high], log-scale slider, integer-valued."""
    default: float
    low: float
    high: float
    log: bool = False
    integer: bool = False
    label: str = ""
    choices: tuple = ()  # labels of the integer values low..high, for a select instead of a slider
    names: tuple = ()  # short names of those values, accepted wherever a value is (CLI, URL)

    def clamp(self, value, name="value"):
        """The value as a number inside [low, high] (rounded if integer); ValueError if not a number."""
        if isinstance(value, str) and value.strip().lower() in self.names:
            return int(self.low) + self.names.index(value.strip().lower())
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise ValueError(f"{name} must be a number, got {value!r}")
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"{name} must be a number, got NaN")
        value = min(max(value, self.low), self.high)
        return int(round(value)) if self.integer else value


from .features import CosineBasisModel, FourierFeatureModel, PlaneModel, PolynomialModel  # noqa: E402
from .nets import MLPModel, SirenModel  # noqa: E402
from .onehot import OneHotImageModel  # noqa: E402  (after Knob: model modules import it)

MODELS = {"onehot": OneHotImageModel, "plane": PlaneModel, "poly": PolynomialModel,
          "rff": FourierFeatureModel, "dct": CosineBasisModel, "mlp": MLPModel, "siren": SirenModel}


def make_model(name, target, learning_rate=None, seed=0, **knobs):
    """Build MODELS[name](target, ...) with knobs validated and clamped to their ranges."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}")
    cls = MODELS[name]
    table = cls.KNOBS
    unknown = [k for k in knobs if k not in table]
    if unknown:
        have = ", ".join(table) or "none"
        raise ValueError(f"model {name!r} has no setting {unknown[0]!r}; its settings are: {have}")
    values = {k: table[k].clamp(v, k) for k, v in knobs.items() if v is not None}
    if learning_rate is not None:
        learning_rate = check_learning_rate(learning_rate)
    return cls(target, learning_rate=learning_rate, seed=seed, **values)


def check_learning_rate(value):
    """A learning rate must be a finite number > 0."""
    try:
        lr = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"learning rate must be a number, got {value!r}") from None
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {value!r}")
    return lr


def describe_models():
    """The registry as plain data for the page: one dict per model, in MODELS order, with its default
    learning rate, whether it has a closed-form solve(), its suggested epochs per frame (EPOCHS_PER_FRAME:
    short frames in the browser at 64 x 64, the linear models fast-forward many epochs cheaply, a
    network's epoch is a full pass of mini-batch steps) and its knobs."""
    return [{"name": name, "default_learning_rate": float(cls.DEFAULT_LEARNING_RATE),
             "solvable": callable(getattr(cls, "solve", None)),
             "epochs_per_frame": int(cls.EPOCHS_PER_FRAME),
             "knobs": [{"name": knob_name, "default": knob.default, "low": knob.low, "high": knob.high,
                        "log": knob.log, "integer": knob.integer, "label": knob.label or knob_name,
                        "choices": list(knob.choices)}
                       for knob_name, knob in cls.KNOBS.items()]}
            for name, cls in MODELS.items()]
