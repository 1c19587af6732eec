"""A model's own settings ("knobs"): default, range, slider scale; and the learning-rate check.

Each model class lists its knobs in KNOBS (name -> Knob); one table drives the CLI options (--knob value),
the URL and the page's controls.
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


def check_learning_rate(value):
    """A learning rate must be a finite number > 0."""
    try:
        lr = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"learning rate must be a number, got {value!r}") from None
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {value!r}")
    return lr
