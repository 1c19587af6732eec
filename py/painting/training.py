"""Training one model for a Session: time slices, the checkpoint, explosion restore and the plateau rule.

- train(max_epochs, seconds) trains for about `seconds` (never less than one mini-batch or epoch) and at
  most `max_epochs` epochs, a float: networks and SGD models train in mini-batches, so their epoch is
  fractional. train(epochs) without seconds is the blocking form: exactly `epochs` whole epochs.
- A non-finite cost restores the last good state (kept by checkpoint() and every CHECKPOINT_SECONDS of
  training; the blocking form keeps the state before the call) and raises CostExplodedError.
- stop_reason(stop_cost, frame_cost) says whether training should end: "done" (cost at or under the
  threshold) or "plateau" (the cost improved by less than PLATEAU_GAIN over the last window of training).
  Its clock counts seconds spent training, not wall time. A model whose exact cost comes only with its
  frames (a network: RENDERS_IN_ROWS) learns by noisy mini-batch steps, so its exact cost wobbles from
  frame to frame while the trend still falls: it is judged on the median cost of the last
  NETWORK_PLATEAU_SECONDS against the median of the window before. The others (an exact cost after every
  slice, falling smoothly) on the best cost of the last PLATEAU_SECONDS against the best before.
- The time of a slice is read from `clock` (a function returning seconds; time.perf_counter unless the
  Trainer is given another, e.g. a test's fake clock).
"""
import time

import numpy as np

from .explosion import CostExplodedError
from .snapshot import snapshot

PLATEAU_SECONDS = 3.0  # seconds of training over which ...
PLATEAU_GAIN = 1e-4  # ... the best cost must improve by at least this fraction (0.01 %), or training ends
NETWORK_PLATEAU_SECONDS = 10.0  # a network: the median cost of this many seconds against the window before
NETWORK_PLATEAU_FRAMES = 3  # ... each window holding at least this many frames' costs
CHECKPOINT_SECONDS = 0.25  # a good state to go back to if the cost explodes is kept at least this often


class Trainer:
    """Trainer(model, cost=None, clock=time.perf_counter): `model` and its training; cost is its exact cost
    if known; clock() gives the time in seconds that train(max_epochs, seconds) slices by."""

    def __init__(self, model, cost=None, clock=time.perf_counter):
        self.model = model
        self.read_clock = clock
        self.live_cost = cost  # the model's exact cost as it is now, when known (None: not computed)
        self.clock = 0.0  # seconds spent training (the plateau rule's time axis)
        self.history = []  # [(clock, cost)]: exact costs seen while training
        self.noisy = model.RENDERS_IN_ROWS  # costs come with frames of mini-batch training: use medians
        self.checkpoint()

    @property
    def epoch(self):
        """Epochs trained: a float, since networks and SGD models stop mid-epoch between slices."""
        return float(self.model.progress)

    def checkpoint(self):
        """Keep the present state as the one to go back to if the cost explodes."""
        self._checkpoint, self._checkpoint_clock = snapshot(self.model), self.clock

    def exact_cost(self):
        """The model's exact cost now (computed once per change)."""
        if self.live_cost is None:
            self.live_cost = float(self.model.cost())
        return self.live_cost

    def train(self, max_epochs, seconds=None):
        """Train for about `seconds` and at most `max_epochs` epochs (float); -> epochs trained (float).
        Mini-batch models (networks, SGD) advance whole batches, the others whole epochs; the amount per
        call grows from 1 until the time is used, so one call never overshoots by more than one batch or
        epoch. A model that fast-forwards (model.fast_forward) takes all max_epochs in one call.
        seconds=None: exactly max_epochs (an int >= 0) whole epochs, and an explosion restores the state
        before the call."""
        if seconds is None:
            return self._train_epochs(max_epochs)
        model = self.model
        batches = model.batches_per_epoch  # mini-batch models count in batches
        per_epoch = batches or 1  # units of work per epoch
        step = model.step_batches if batches else model.step
        budget = int(max_epochs * per_epoch + 1e-9)  # units still allowed
        clock = self.read_clock
        start = clock()
        # a closed-form model (onehot; rff and dct on the full grid) costs the same for any count
        done, chunk = 0, budget if model.fast_forward else 1
        while budget > 0:
            k = min(chunk, budget)
            t0 = clock()
            step(k)
            now = clock()
            done, budget = done + k, budget - k
            left = start + seconds - now
            if left <= 0:
                break
            per_unit = (now - t0) / k
            chunk = max(1, min(budget, int(0.8 * left / per_unit) if per_unit > 0 else 2 * k))
        if done:
            self._after_training(clock() - start)
        return done / per_epoch

    def _train_epochs(self, epochs):
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0, got {epochs!r}")
        if epochs:
            self.checkpoint()
            self.model.step(int(epochs))
            self._after_training(0.0, exact=True)
        return float(epochs)

    def _after_training(self, seconds, exact=False):
        """Health check after training: restore the checkpoint on a non-finite cost, else keep the cost
        for the plateau rule and refresh the checkpoint when it is old."""
        model = self.model
        self.clock += seconds
        if model.RENDERS_IN_ROWS and not exact:
            cost = None  # its exact cost needs the whole image: it comes with the next frame
            healthy = all(np.isfinite(p).all() for p in model.parameters())  # O(weights), not O(pixels)
        else:
            cost = float(model.cost())
            healthy = np.isfinite(cost)
        if not healthy:
            lr, saved = model.learning_rate, self._checkpoint
            self.model = saved
            self._checkpoint = snapshot(saved)  # the restored model trains on: keep a copy of it
            self.live_cost = None  # the last slice's cost was the diverging model's, not the restored one's
            raise CostExplodedError(
                f"the cost exploded (learning rate {lr:g} is too large for this model); "
                f"the last good state (epoch {_format_epoch(saved)}) was restored")
        self.live_cost = cost
        if cost is not None:
            self.note_cost(cost)
        if self.clock - self._checkpoint_clock >= CHECKPOINT_SECONDS:
            self.checkpoint()

    def solve(self):
        """Jump to the model's closed-form answer (model.solve()); a non-finite result keeps the state
        before and raises ValueError."""
        saved = snapshot(self.model)
        self.model.solve()
        cost = self.model.cost()
        if not np.isfinite(cost):
            self.model = saved
            raise ValueError("the exact answer came out non-finite; the state before was kept")
        self.history = []
        self.checkpoint()
        self.live_cost = float(cost)

    def note_cost(self, cost):
        """An exact cost of the model at the present clock, for the plateau rule."""
        history = self.history
        if history and self.clock - history[-1][0] < 0.02 and not self.noisy:
            history[-1] = (history[-1][0], min(history[-1][1], cost))
        else:
            history.append((self.clock, cost))
        while len(history) > 2 and history[1][0] < self.clock - 2 * self._window():
            history.pop(0)

    def _window(self):
        return NETWORK_PLATEAU_SECONDS if self.noisy else PLATEAU_SECONDS

    def stop_reason(self, stop_cost=None, frame_cost=None):
        """"done" if the cost (the live one, else the last frame's) is at or under stop_cost, "plateau" if
        the cost improved by less than PLATEAU_GAIN (relative) over the last window of training (the best
        cost; a network's median, see the module docstring), else None."""
        cost = self.live_cost if self.live_cost is not None else frame_cost
        if stop_cost is not None and cost is not None and cost <= stop_cost:
            return "done"
        history, window = self.history, self._window()
        if not history or history[-1][0] - history[0][0] < window:
            return None
        cut = history[-1][0] - window
        before = [c for t, c in history if t <= cut]
        recent = [c for t, c in history if t > cut]
        if not before:  # the span is a window only after rounding (last - first == window, last - window < first)
            return None
        if self.noisy:
            if min(len(before), len(recent)) < NETWORK_PLATEAU_FRAMES:
                return None
            before, recent = float(np.median(before)), float(np.median(recent))
        else:
            before, recent = min(before), min(recent)
        return "plateau" if recent > before * (1.0 - PLATEAU_GAIN) else None

    def forget_plateau(self):
        """Continue after a plateau: the rule looks only at training from now on."""
        self.history = []


def _format_epoch(model):
    progress = float(model.progress)
    return f"{progress:.1f}" if progress != int(progress) else str(int(progress))
