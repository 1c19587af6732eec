"""painting.custom: a visitor's model code -> a model class; errors point at their line."""
import numpy as np
import pytest

from painting import models
from painting.custom import (FEATURES_TEMPLATE, SCRATCH_TEMPLATE, ModelCodeError, check_model, compile_model,
                             register_model)
from painting.explosion import CostExplodedError
from painting.grid import pixel_coordinates
from painting.metrics import psnr
from painting.session import Session


@pytest.fixture(autouse=True)
def registry():
    """Every test leaves models.MODELS as it found it."""
    before = dict(models.MODELS)
    yield
    models.MODELS.clear()
    models.MODELS.update(before)


@pytest.fixture
def picture():
    """(24, 32, 3) smooth colours with a bright square: something a model must learn."""
    x = np.linspace(0, 1, 32)
    y = np.linspace(0, 1, 24)
    rgb = np.stack([np.outer(y, x), np.outer(1 - y, x), np.outer(y, 1 - x)], axis=2)
    rgb[8:14, 10:20] = [0.9, 0.9, 0.2]
    return rgb.astype(np.float32)


def error_of(source, target=None):
    """The ModelCodeError that compiling (and, with a target, checking) `source` raises."""
    with pytest.raises(ModelCodeError) as info:
        cls = compile_model(source)
        check_model(cls(target), target.shape)
    return info.value


# ---- the two templates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("height, width", [(24, 24), (24, 32)])  # condition numbers of Phi: 2 and ~1100
def test_features_template_trains_and_solve_is_least_squares(picture, height, width):
    picture = picture[:height, :width]
    cls = compile_model(FEATURES_TEMPLATE)
    assert cls.NAME == "custom" and callable(cls.solve) and set(cls.KNOBS) == {"solver", "batch_size"}
    model = cls(picture)
    start = psnr(model.predict(), picture)
    model.step(100)
    trained = psnr(model.predict(), picture)
    assert start < 10.0 and trained > 20.0  # measured 8.4 -> 24.2 dB (square), 8.1 -> 24.6 dB
    # solve() is the least-squares fit on the visitor's own features
    namespace = {"np": np}
    exec(FEATURES_TEMPLATE, namespace)
    v = pixel_coordinates(height, width, np.float64)  # (M, 2)
    phi = namespace["features"](v[:, 0], v[:, 1])  # (M, 100)
    assert phi.shape == (height * width, 100) and model.num_features == 100
    labels = picture.reshape(-1, 3).astype(np.float64)  # (M, 3)
    best = np.linalg.lstsq(phi, labels, rcond=None)[0]  # (100, 3)
    least = np.sum((phi @ best - labels) ** 2) / (2 * height * width)
    model.solve(ridge=0.0)
    np.testing.assert_allclose(model.predict().reshape(-1, 3), phi @ best, atol=1e-5)
    assert model.cost() == pytest.approx(least, rel=1e-5)
    model.solve()  # the default ridge, 1e-6 of the mean curvature: the same fit, up to weak directions
    assert model.cost() == pytest.approx(least, rel=1e-3) and psnr(model.predict(), picture) > trained - 0.01


def test_scratch_template_trains_with_its_knob_through_session(picture):
    cls = register_model(compile_model(SCRATCH_TEMPLATE))
    assert cls.__name__ == "Mosaic" and cls.DEFAULT_LEARNING_RATE == 0.1 and list(cls.KNOBS) == ["tile"]
    assert cls.solve is None  # protocol.Model: no closed form
    described = next(d for d in models.describe_models() if d["name"] == "custom")
    assert described["solvable"] is False and described["knobs"][0]["name"] == "tile"
    session = Session(picture, model="custom", tile=2)
    assert session.stats()["epoch"] == 0 and session.model.inner.colour.shape == (12 * 16, 3)
    session.train(60)
    stats = session.scores()
    assert stats["epoch"] == 60 and stats["psnr"] > 32.0  # 2 x 2 tiles of a smooth picture: measured 36.2 dB
    # each tile goes 0.1 of the way to its pixels' mean per epoch, from black
    means = picture.reshape(12, 2, 16, 2, 3).mean(axis=(1, 3))  # (12, 16, 3)
    np.testing.assert_allclose(session.model.inner.colour.reshape(12, 16, 3), means * (1 - 0.9 ** 60), atol=1e-6)
    with pytest.raises(ValueError, match="no closed-form answer"):
        session.solve()


def test_scratch_parameters_round_trip_through_a_session(picture):
    register_model(compile_model(SCRATCH_TEMPLATE))
    session = Session(picture, model="custom", tile=4, learning_rate=0.05)
    session.train(7)
    saved = session.get_params()
    assert saved["params"]["own"]["arrays"].keys() == {"colour"}  # float arrays but not the target
    again = Session.from_params(picture, saved)
    assert again.model.epoch == 7 and again.learning_rate == 0.05
    np.testing.assert_array_equal(again.learned_rgb(), session.learned_rgb())
    broken = dict(saved, params=dict(saved["params"], own={"arrays": {"colour": [[1.0, 2.0]]}}))
    with pytest.raises(ValueError, match=r"'colour'\] must be finite numbers of shape \(48, 3\)"):
        again.set_params(broken)
    assert again.model.epoch == 7  # unchanged


def test_a_diverging_rate_is_restored_like_the_built_in_models(picture):
    register_model(compile_model(SCRATCH_TEMPLATE))
    session = Session(picture, model="custom", learning_rate=5.0)  # the error grows 4x per epoch
    with pytest.raises(CostExplodedError, match="restored"), np.errstate(over="ignore", invalid="ignore"):
        session.train(1000)
    assert session.model.epoch == 0


def test_scratch_model_without_epoch_rate_or_cost_gets_them(picture):
    source = (
        "class Plane:\n"
        "    def __init__(self, target, learning_rate, seed):\n"
        "        self.y = target\n"
        "        self.w = np.zeros((3, target.shape[2]))\n"
        "        self.rate = learning_rate\n"
        "    def features(self):\n"
        "        h, w, _ = self.y.shape\n"
        "        yy, xx = np.mgrid[0:h, 0:w] / max(h, w)\n"
        "        return np.stack([np.ones_like(xx), xx, yy], axis=2)  # (H, W, 3)\n"
        "    def step(self, epochs):\n"
        "        phi = self.features()\n"
        "        for _ in range(epochs):\n"
        "            r = phi @ self.w - self.y\n"
        "            self.w -= self.rate * np.einsum('hwf,hwc->fc', phi, r) / r[..., 0].size\n"
        "    def predict(self):\n"
        "        return self.features() @ self.w\n")
    cls = compile_model(source)  # a method named features does not make it the features template
    assert cls.__name__ == "Plane" and cls.DEFAULT_LEARNING_RATE == 0.01 and cls.EPOCHS_PER_FRAME == 1
    model = cls(picture, learning_rate=0.5)
    first = check_model(model, picture.shape)
    model.step(199)
    assert model.epoch == 200 and model.learning_rate == 0.5
    h = model.predict()
    assert model.cost() == pytest.approx(np.sum((h - picture) ** 2) / (2 * 24 * 32))
    assert model.cost() < first / 2


# ---- errors point at the visitor's line ----------------------------------------------------------------

def test_syntax_error_gives_its_line():
    error = error_of("def features(x, y):\n    a = x +\n    return a\n")
    assert error.line == 2 and "SyntaxError" in str(error) and str(error).startswith("my_model.py, line 2: ")
    assert error_of("class A:\n    def step(self):\n  return 1\n").line == 3  # IndentationError


def test_runtime_error_in_features_gives_its_line(picture):
    error = error_of("def features(x, y):\n    ones = np.ones_like(x)\n    return np.stack([ones, x, z], axis=1)\n",
                     picture)
    assert error.line == 3
    assert str(error) == "my_model.py, line 3: in features: NameError: name 'z' is not defined"


def test_errors_at_definition_construction_and_step_give_their_lines(picture):
    assert error_of("import numpy\nscale = 1 / 0\n").line == 2
    init = ("class M:\n    def __init__(self, target, learning_rate, seed):\n        self.t = target\n"
            "        self.w = np.zeros(target.shape[3])\n    def step(self, n):\n        pass\n"
            "    def predict(self):\n        return self.t\n")
    error = error_of(init, picture)
    assert error.line == 4 and "in __init__: IndexError" in str(error)
    step = init.replace("target.shape[3]", "3").replace("        pass\n", "        self.w = self.w @ self.t\n")
    error = error_of(step, picture)
    assert error.line == 6 and "in step: ValueError: matmul" in str(error)
    signature = init.replace("learning_rate, seed", "rate")
    error = error_of(signature, picture)
    assert error.line == 1 and "M(target, learning_rate, seed): TypeError" in str(error)


def test_a_wrong_predict_shape_is_named(picture):
    source = ("class M:\n    def __init__(self, target, learning_rate, seed):\n        self.t = target\n"
              "    def step(self, n):\n        pass\n    def predict(self):\n        return np.zeros((10, 3))\n")
    error = error_of(source, picture)
    assert error.line == 6
    assert "predict() returned shape (10, 3); expected (24, 32, 3)" in str(error)


def test_nan_in_predictions_or_cost_is_named(picture):
    source = ("class M:\n    def __init__(self, target, learning_rate, seed):\n        self.t = target\n"
              "    def step(self, n):\n        pass\n    def predict(self):\n        return self.t * np.nan\n")
    error = error_of(source, picture)
    assert error.line == 6 and "predict() returned NaN or infinity (2304 of 2304 values)" in str(error)
    cost = source.replace("self.t * np.nan", "self.t") + "    def cost(self):\n        return float('inf')\n"
    error = error_of(cost, picture)
    assert error.line == 8 and "cost() returned inf after one step" in str(error)
    text = source.replace("self.t * np.nan", "'blue'")
    assert "predict() must return real numbers, got an array of dtype <U4" in str(error_of(text, picture))


@pytest.mark.parametrize("body, message", [
    ("return np.stack([x, y])", "returned shape (2, 768); expected (768, D), one row per pixel (pixels must be rows"),
    ("return x + y", "returned shape (768,), one number per pixel; expected (768, D)"),
    ("return np.stack([x, y], axis=1)[:10]", "returned shape (10, 2); expected (768, D)"),
    ("return np.stack([x, np.log(x - x)], axis=1)", "NaN or infinity (768 values, first in column 1)"),
    ("x * 2", "features(x, y) returned None; did you forget `return`?"),
    ("return [['a', 'b']] * len(x)", "must return real numbers, got an array of dtype <U1"),
])
def test_features_of_the_wrong_shape_or_values_are_named(picture, body, message):
    with np.errstate(divide="ignore"):
        error = error_of(f"def features(x, y):\n    {body}\n", picture)
    assert message in str(error) and error.line == 1


def test_missing_methods_and_ambiguous_code_are_named(picture):
    assert "your model M has no predict() method" in str(error_of("class M:\n    def step(self, n):\n        pass\n"))
    assert "no step() method" in str(error_of("x = 1\n\n\nclass M:\n    def predict(self):\n        pass\n"))
    assert error_of("x = 1\n\n\nclass M:\n    def predict(self):\n        pass\n").line == 4
    assert "define `def features(x, y):`" in str(error_of("x = 1\n"))
    two = "class A:\n    step = predict = len\nclass B:\n    step = predict = len\n"
    assert "define one model class, found 2: A, B" in str(error_of(two))
    assert compile_model(two.replace("class B:", "class B(A):")).__name__ == "B"  # a base class is not a model
    assert "KNOBS must be a dict" in str(error_of("class A:\n    KNOBS = {'k': 3}\n    step = predict = len\n"))


def test_a_model_session_cannot_copy_is_named(picture):
    source = ("class M:\n    def __init__(self, target, learning_rate, seed):\n        self.t = target\n"
              "        self.gen = (i for i in range(3))\n    def step(self, n):\n        pass\n"
              "    def predict(self):\n        return self.t\n")
    register_model(compile_model(source))
    with pytest.raises(ModelCodeError, match=r"^my_model.py, line 1: your model cannot be copied \(TypeError"):
        Session(picture, model="custom").train(1)  # the Session keeps a copy to go back to from the start


def test_check_model_accepts_the_built_in_models(picture):
    for name in models.MODELS:
        model = models.make_model(name, picture)
        assert np.isfinite(check_model(model, picture.shape)) and model.epoch == 1


def test_register_model_refuses_built_in_names():
    cls = compile_model(FEATURES_TEMPLATE)
    with pytest.raises(ValueError, match="'rff' is a built-in model"):
        register_model(cls, "rff")
    assert register_model(cls) is models.MODELS["custom"]
    assert register_model(compile_model(SCRATCH_TEMPLATE)).__name__ == models.MODELS["custom"].__name__ == "Mosaic"


# ---- zoom: the model between pixels --------------------------------------------------------------------

BETWEEN_PIXELS = """\
def features(x, y):
    assert len(x) <= 64, "a block larger than the image"
    return np.stack([np.ones_like(x), x, y, x * y], axis=1)
"""


@pytest.mark.parametrize("zoom", [2, 4])
def test_features_model_is_asked_between_pixels_in_bounded_blocks(zoom):
    register_model(compile_model(BETWEEN_PIXELS))  # an 8 x 8 image: blocks of at most M = 64 points
    rgb = np.random.default_rng(1).random((8, 8, 3)).astype(np.float32)
    session = Session(rgb, model="custom")
    session.solve()
    session.zoom = zoom
    shown, info = session.shown_rgb(), session.shown_info()
    assert shown.shape == (8 * zoom, 8 * zoom, 3) and info["zoom"] == zoom and info["legend"] == {}
    v = pixel_coordinates(8, 8, np.float64, zoom)  # (64 z^2, 2) the sub-pixel centres
    x, y = v[:, 0], v[:, 1]
    phi = np.stack([np.ones_like(x), x, y, x * y], axis=1)  # (64 z^2, 4)
    expected = (phi @ session.model.weights).reshape(8 * zoom, 8 * zoom, 3)  # the bilinear fit, finer
    np.testing.assert_allclose(session.model.predict_zoomed(zoom), expected, atol=1e-5)
    assert np.abs(shown.astype(int) - np.clip(np.round(expected * 255), 0, 255)).max() <= 1
    blocks = np.repeat(np.repeat(session.learned_rgb(), zoom, axis=0), zoom, axis=1)
    assert (shown != blocks).any(), "the function between pixels, not repeated pixels"


def test_an_error_between_pixels_names_the_line_and_shows_blocks():
    source = ("def features(x, y):\n"
              "    inside = np.round(x * 8 - 0.5)  # whole pixels only\n"
              "    assert np.allclose(inside, x * 8 - 0.5), 'not a pixel centre'\n"
              "    return np.stack([np.ones_like(x), x], axis=1)\n")
    register_model(compile_model(source))
    rgb = np.random.default_rng(2).random((8, 8, 3)).astype(np.float32)
    session = Session(rgb, model="custom")  # the pixel centres are fine
    with pytest.raises(ModelCodeError, match="not a pixel centre") as info:
        session.model.predict_zoomed(2)
    assert info.value.line == 3 and "in features: AssertionError" in str(info.value)
    session.zoom = 2
    blocks = np.repeat(np.repeat(session.learned_rgb(), 2, axis=0), 2, axis=1)
    np.testing.assert_array_equal(session.shown_rgb(), blocks)
    legend = session.shown_info()["legend"]
    assert legend["blocks"] is True and legend["note"].startswith("my_model.py, line 3: in features")


def test_features_must_keep_their_column_count_between_pixels():
    source = ("def features(x, y):\n"
              "    return np.stack([np.ones_like(x)] * (2 if x.min() > 0.05 else 3), axis=1)\n")
    model = compile_model(source)(np.zeros((8, 8, 3)))
    with pytest.raises(ModelCodeError, match="3 columns between pixels but 2 at the pixel centres") as info:
        model.predict_zoomed(2)
    assert info.value.line == 1


def test_scratch_model_zooms_as_blocks_and_says_so(picture):
    register_model(compile_model(SCRATCH_TEMPLATE))
    session = Session(picture, model="custom", tile=2)
    session.train(5)
    session.zoom = 4
    shown, info = session.shown_rgb(), session.shown_info()
    np.testing.assert_array_equal(shown, np.repeat(np.repeat(session.learned_rgb(), 4, axis=0), 4, axis=1))
    assert info == {"view": "learned", "zoom": 4, "width": 128, "height": 96, "legend": {"blocks": True}}
    png = session.zoomed_png_bytes(2)  # the export at 2x: blocks too
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
