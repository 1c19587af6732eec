"""The live figures of the article page (post.html), which retells the 2017 post with the package.

Each figure has an ID (FIGURES). Before Python is loaded in the browser, a figure shows a still painted
at build time by still(figure_id, rgb): an image and the numbers the article quotes about it. The
two-by-two figure also runs live in the worker: TwoByTwo, the post's 2 x 2 example, one epoch at a time.

TwoByTwo: the post's example image has 4 pixels; pixel i is the one-hot row e_i, and with the bias input
the design matrix is X = [1 | I_4] (4, 5). Weights w (5,) start at zero, labels y (4,), M = 4, and one
epoch is the 2017 update through linreg.gradient_steps:

    cost  J = 1/(2M) ||X w - y||^2
    step  w <- w - (lr / M) X^T (X w - y)          stable iff lr < 2M / (M + 1) = 1.6

All stills are 64 x 64 paintings (SIZE) with fixed seeds, so a build paints the same numbers each time.
"""
import math

import numpy as np

from .holdout import GRID
from .linreg import batch_cost, gradient_steps, with_bias
from .metrics import to_uint8
from .onehot import OneHotImageModel, stable_learning_rate
from .session import Session

FIGURES = ("painter", "two-by-two", "learning-rate", "labels-2017", "xy-question", "sgd", "network",
           "tensorflow")
SIZE = 64  # the stills' image side, the page's default size
SEED = 0

# The post's 2 x 2 example lists its four labels, but only the first survives in the text we have: "a
# white color". The other three are our choice: four distinct colours, white first.
TWO_BY_TWO_COLOURS = ((255, 255, 255), (230, 80, 40), (40, 150, 90), (30, 60, 190))  # (4, 3) RGB
CHANNELS = ("gray", "rgb")  # gray: one label per pixel, the luma of its colour; rgb: three
EXPLOSION = 1e6  # "exploded": the cost grew past EXPLOSION times its epoch-0 value, or is not a number


def _luma(rgb):
    """(..., 3) values -> (...,) gray, ITU-R BT.601 weights."""
    return np.asarray(rgb, dtype=np.float64) @ np.array([0.299, 0.587, 0.114])


def _pixels(values):
    """(4,) gray or (4, 3) RGB values -> 4 RGB triples of ints 0..255, clipped."""
    shown = to_uint8(np.clip(values, 0.0, 1.0))  # (4,) or (4, 3)
    rgb = np.repeat(shown[:, None], 3, axis=1) if shown.ndim == 1 else shown  # (4, 3)
    return rgb.astype(int).tolist()


class TwoByTwo:
    """The post's 2 x 2 example: X = [1 | I_4], labels y, weights from zero, the 2017 GD epoch by epoch.

    The 2017 code called the cost exploded when it became NaN; in float64 that takes hundreds of epochs,
    so here a cost EXPLOSION times its start counts too. Then the state stays at the last good epoch and
    step() does nothing until reset() or configure() with a new learning rate."""

    M = 4

    def __init__(self, learning_rate=1.0, channels="gray"):
        self.design = with_bias(np.eye(self.M))  # (4, 5) the bias column, then one one-hot column per pixel
        self.configure(learning_rate=learning_rate, channels=channels)

    def configure(self, learning_rate=None, channels=None):
        """Change the learning rate (the weights stay) and/or the channels (then reset)."""
        if learning_rate is not None:
            lr = float(learning_rate)
            if not math.isfinite(lr) or lr <= 0:
                raise ValueError(f"learning rate must be a finite number > 0, got {learning_rate!r}")
            self.learning_rate = lr
            self.exploded = False
        if channels is not None:
            if channels not in CHANNELS:
                raise ValueError(f"channels must be one of {', '.join(CHANNELS)}, got {channels!r}")
            self.channels = channels
            colours = np.array(TWO_BY_TWO_COLOURS, dtype=np.float64) / 255.0  # (4, 3)
            self.labels = _luma(colours) if channels == "gray" else colours  # (4,) or (4, 3)
            self.reset()

    def reset(self):
        """Back to epoch 0: zero weights."""
        self.weights = np.zeros((self.design.shape[1],) + self.labels.shape[1:])  # (5,) or (5, 3)
        self.epoch = 0
        self.exploded = False
        self._start_cost = self.cost()

    def cost(self):
        return batch_cost(self.design, self.weights, self.labels)

    def step(self, epochs=1):
        """`epochs` more epochs of the 2017 update (fewer if the cost explodes on the way)."""
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(int(epochs)):
                if self.exploded:
                    return
                w = gradient_steps(self.design, self.labels, self.weights, self.learning_rate, 1)
                cost = batch_cost(self.design, w, self.labels)
                if not math.isfinite(cost) or cost > EXPLOSION * self._start_cost:
                    self.exploded = True
                    return
                self.weights = w
                self.epoch += 1

    def state(self):
        """The figure's numbers as plain Python values (see the module docstring for the maths)."""
        predictions = self.design @ self.weights  # (4,) or (4, 3)
        return {"epoch": self.epoch, "cost": self.cost(), "weights": self.weights.tolist(),
                "labels": self.labels.tolist(), "learning_rate": self.learning_rate,
                "predictions": predictions.tolist(), "errors": (predictions - self.labels).tolist(),
                "pixels": _pixels(predictions), "target_pixels": _pixels(self.labels),
                "design": self.design.tolist(),
                "stable_below": stable_learning_rate(self.M), "exploded": self.exploded,
                "channels": self.channels}


# --- the stills ---------------------------------------------------------------------------------------
PAINTER_EPOCHS = 5000  # the one-hot model at the page's rate: the photo is clearly there, not yet sharp
PAINTER_LEARNING_RATE = OneHotImageModel.DEFAULT_LEARNING_RATE
LEARNING_RATES = {"slow": 0.05, "just_right": 1.0, "too_far": 2.5}  # the learning-rate figure's presets
LR_EPOCHS = 250  # the learning-rate plot's epochs: "too far" explodes before this
XY_MODELS = ("plane", "poly", "rff", "dct")  # inputs (x, y): the raw pair, polynomials, random Fourier features, cosines
XY_EPOCHS = 3000
SGD_MODEL, SGD_EPOCHS, SGD_BATCH = "rff", 20, 64  # 4096 / 64 = 64 SGD steps an epoch against 1 GD step
NETWORK = {"width": 32, "depth": 2, "features": 32, "sigma": 3.0}  # tiny, so the still is quick
NETWORK_ENCODINGS = ("none", "gaussian")
NETWORK_EPOCHS = 20
GAP = 2  # pixels between the panels of a side-by-side still
PLOT_SIZE = (64, 128)  # (H, W) of the learning-rate plot
PLOT_COLOURS = {"slow": (40, 110, 200), "just_right": (30, 150, 70), "too_far": (210, 50, 40)}  # RGB


def still(figure_id, rgb):
    """-> (image (h, w, 3) uint8, numbers {key: value}) of the figure's still; rgb (H, W, 3) in [0, 1]
    is the photo, SIZE on its longest side. The numbers have the figure's data-state keys (epoch,
    cost, psnr where it paints one, or the two-by-two's weights and labels) and the ones the text
    quotes; in a side-by-side still, epoch/cost/psnr are the first panel's."""
    if figure_id not in _STILLS:
        raise ValueError(f"unknown figure {figure_id!r}; the figures are: {', '.join(FIGURES)}")
    image, numbers = _STILLS[figure_id](rgb)
    return image, _rounded(numbers)


def _rounded(numbers):
    """Floats rounded for the page: a PSNR to 0.1 dB is what a reader compares; other numbers keep 5 digits."""
    def one(key, value):
        if isinstance(value, list):
            return [one(key, v) for v in value]
        if isinstance(value, float):
            return round(value, 2) if key.startswith("psnr") else float(f"{value:.5g}")
        return value
    return {key: one(key, value) for key, value in numbers.items()}


def _trained(rgb, epochs, **settings):
    """A Session trained `epochs` epochs -> (learned image (H, W, 3) uint8, its scores())."""
    session = Session(rgb, seed=SEED, timelapse=0, **settings)
    session.train(epochs)
    return session.learned_rgb().copy(), session.scores()


def _side_by_side(images):
    """[(H, W, 3) uint8] -> (H, n W + (n - 1) GAP, 3), white between the panels."""
    H = images[0].shape[0]
    gap = np.full((H, GAP, 3), 255, dtype=np.uint8)  # (H, GAP, 3)
    parts = [images[0]]
    for image in images[1:]:
        parts += [gap, image]
    return np.concatenate(parts, axis=1)


def _painter(rgb):
    image, scores = _trained(rgb, PAINTER_EPOCHS, model="onehot", learning_rate=PAINTER_LEARNING_RATE)
    return image, {**scores, "learning_rate": PAINTER_LEARNING_RATE}


def _two_by_two(rgb):
    """The example's four pixels (its labels; at epoch 0 every prediction is 0, black) and its numbers."""
    state = TwoByTwo().state()
    image = np.array(state["target_pixels"], dtype=np.uint8).reshape(2, 2, 3)  # (2, 2, 3)
    return image, {key: state[key] for key in ("epoch", "cost", "weights", "labels", "learning_rate",
                                               "stable_below")}


def _learning_rate(rgb):
    curves, numbers = {}, {}
    for name, lr in LEARNING_RATES.items():
        model = OneHotImageModel(rgb, learning_rate=lr)
        costs = [model.cost()]
        while len(costs) <= LR_EPOCHS and math.isfinite(costs[-1]):
            model.step(1)
            costs.append(model.cost())
        curves[name] = costs
        numbers[f"lr_{name}"] = lr
        numbers[f"cost_{name}"] = costs[-1] if math.isfinite(costs[-1]) else None
    too_far = curves["too_far"]
    numbers["explodes_at"] = len(too_far) - 1 if not math.isfinite(too_far[-1]) else None
    numbers["limit"] = stable_learning_rate(rgb.shape[0] * rgb.shape[1])
    numbers["epoch"] = LR_EPOCHS
    numbers["cost"] = numbers["cost_just_right"]
    return _plot(curves), numbers


def _plot(curves):
    """Cost against epoch on a log scale, one line per curve, drawn into PLOT_SIZE pixels; a curve
    stops where it leaves the plot, whose top is 10 times the starting cost."""
    H, W = PLOT_SIZE
    image = np.full((H, W, 3), 255, dtype=np.uint8)  # (H, W, 3)
    logs = {name: np.log10([c for c in costs if math.isfinite(c)]) for name, costs in curves.items()}
    top = max(v[0] for v in logs.values()) + 1.0
    bottom = min(v.min() for v in logs.values())
    for name, values in logs.items():
        above = np.flatnonzero(values > top)
        values = values if len(above) == 0 else values[:above[0] + 1]  # up to the top edge
        x = np.arange(len(values), dtype=np.float64) * (W - 1) / LR_EPOCHS  # (n,)
        y = (top - np.minimum(values, top)) * (H - 1) / (top - bottom)  # (n,) row 0 is the top
        for x0, y0, x1, y1 in zip(x[:-1], y[:-1], x[1:], y[1:]):
            n = int(max(abs(x1 - x0), abs(y1 - y0))) + 2  # enough points for an unbroken line
            t = np.linspace(0.0, 1.0, n)  # (n,)
            rows = np.rint(y0 + t * (y1 - y0)).astype(np.int64)
            cols = np.rint(x0 + t * (x1 - x0)).astype(np.int64)
            image[rows, cols] = PLOT_COLOURS[name]
    return image


def _labels_2017(rgb):
    images, numbers = [], {}
    for mode, key in (("2017", "packed"), ("rgb", "rgb")):
        image, scores = _trained(rgb, PAINTER_EPOCHS, model="onehot", mode=mode,
                                 learning_rate=PAINTER_LEARNING_RATE)
        images.append(image)
        numbers[f"psnr_{key}"] = scores["psnr"]
        numbers[f"cost_{key}"] = scores["cost"]
    numbers.update(epoch=PAINTER_EPOCHS, cost=numbers["cost_packed"], psnr=numbers["psnr_packed"])
    return _side_by_side(images), numbers


def _compare(rgb, epochs, panels):
    """panels {key: Session settings}, all trained `epochs` -> (side by side, {psnr_key, cost_key}),
    with epoch, cost and psnr those of the first panel."""
    images, numbers = [], {"epoch": epochs}
    for key, settings in panels.items():
        image, scores = _trained(rgb, epochs, **settings)
        images.append(image)
        for score in ("psnr", "cost", "psnr_hidden"):
            if score in scores:
                numbers.setdefault(score, scores[score])
                numbers[f"{score}_{key}"] = scores[score]
    return _side_by_side(images), numbers


def _xy_question(rgb):
    return _compare(rgb, XY_EPOCHS, {name: {"model": name} for name in XY_MODELS})


def _sgd(rgb):
    image, numbers = _compare(rgb, SGD_EPOCHS, {
        "gd": {"model": SGD_MODEL, "solver": "gd"},
        "sgd": {"model": SGD_MODEL, "solver": "sgd", "batch_size": SGD_BATCH}})
    return image, {**numbers, "batch_size": SGD_BATCH, "pixels": rgb.shape[0] * rgb.shape[1]}


def _network(rgb, encodings=NETWORK_ENCODINGS):
    image, numbers = _compare(rgb, NETWORK_EPOCHS, {
        encoding: {"model": "mlp", "encoding": encoding, "holdout": GRID, **NETWORK} for encoding in encodings})
    return image, {**numbers, **NETWORK}


def _tensorflow(rgb):
    return _network(rgb, encodings=NETWORK_ENCODINGS[-1:])


_STILLS = {"painter": _painter, "two-by-two": _two_by_two, "learning-rate": _learning_rate,
           "labels-2017": _labels_2017, "xy-question": _xy_question, "sgd": _sgd, "network": _network,
           "tensorflow": _tensorflow}
assert tuple(_STILLS) == FIGURES
