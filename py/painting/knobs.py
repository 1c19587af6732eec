"""A model's own settings ("knobs"): default, range, slider scale; and the learning-rate check.

Each model class lists its knobs in KNOBS (name -> Knob); one table drives the CLI options (--knob value),
the URL and the page's controls. A knob that was renamed stays readable under its old name (old links,
saved parameter files, scripts): the model's RENAMED_KNOBS, which rename_knobs() applies.
"""
import math
from typing import NamedTuple


class Knob(NamedTuple):
    """A numeric model setting: default, inclusive range [low, high], log-scale slider, integer-valued."""
    default: float
    low: float
    high: float
    log: bool = False
    integer: bool = False
    label: str = ""
    choices: tuple = ()  # labels of the integer values low..high, for a select instead of a slider
    names: tuple = ()  # short names of those values, accepted wherever a value is (CLI, URL)
    applies: tuple = ()  # (knob, (names of its values)): this knob matters only then (the page hides it)

    def clamp(self, value, name="value"):
        """The value as a number inside [low, high] (rounded if integer); ValueError if not a number (or
        one of `names`)."""
        if isinstance(value, str) and value.strip().lower() in self.names:
            return int(self.low) + self.names.index(value.strip().lower())
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"{name} must be {self._expected()}, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise ValueError(f"{name} must be {self._expected()}, got {value!r}")
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"{name} must be a number, got NaN")
        value = min(max(value, self.low), self.high)
        return int(round(value)) if self.integer else value

    def _expected(self):
        """What a value may be, for error messages."""
        if not self.names:
            return "a number"
        return f"one of {', '.join(self.names)} (or {self.low:g}..{self.high:g})"


def rename_knobs(knobs, renamed, table):
    """knobs {name: value} with every old name in `renamed` (a model's RENAMED_KNOBS: old name -> (new
    name, the old Knob, whose `choices` are the new knob's value names)) replaced by the new name and
    value, a number of `table[new]`; None values count as not given. ValueError for a value the old knob
    does not take, or for a knob given under both names."""
    out = dict(knobs)
    for old, (new, knob) in renamed.items():
        if out.get(old) is None:
            out.pop(old, None)
            continue
        if out.get(new) is not None:
            raise ValueError(f"{old} is the old name of {new}; give one of them, not both")
        index = knob.clamp(out.pop(old), old) - int(knob.low)
        out[new] = table[new].clamp(knob.choices[index], new)
    return out


def check_learning_rate(value):
    """A learning rate must be a finite number > 0."""
    try:
        lr = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"learning rate must be a number, got {value!r}") from None
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {value!r}")
    return lr
