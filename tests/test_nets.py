"""nets.py: hand-written backward passes against central differences; the mlp's input encodings against
sines and cosines computed plainly; training reaches PSNR floors."""

import numpy as np
import pytest

from painting.metrics import psnr
from painting.models import make_model
from painting.nets import MLPModel, SirenModel
from test_features import synthetic_photo, tiny_target

NETS = [(MLPModel, {"width": 16, "depth": 2, "encoding": "none"}),
        (MLPModel, {"width": 16, "depth": 1, "encoding": "gaussian", "sigma": 2.0}),
        (MLPModel, {"width": 8, "depth": 1, "encoding": "basic", "output": "sigmoid"}),
        (MLPModel, {"width": 8, "depth": 2, "encoding": "positional", "features": 6, "scale": 2.0,
                    "output": "sigmoid"}),
        (SirenModel, {"width": 16, "depth": 2})]


@pytest.mark.parametrize("cls, knobs", NETS)
@pytest.mark.parametrize("masked", [False, True])
def test_backward_matches_central_differences(cls, knobs, masked):
    mask = np.random.default_rng(2).random((5, 4)) < 0.6 if masked else None
    model = cls(tiny_target(), dtype=np.float64, seed=1, train_mask=mask, **knobs)
    params = model.parameters()
    rng = np.random.default_rng(3)
    for p in params:  # move off the init: zero ReLU biases put the centre pixel's z exactly on the kink
        p += 0.1 * rng.standard_normal(p.shape)
    model.forget_predictions()
    analytic = model.gradients()
    assert [g.shape for g in analytic] == [p.shape for p in params]
    eps = 1e-6
    for p, g in zip(params, analytic):
        numeric = np.zeros_like(g)
        for index in np.ndindex(*p.shape):
            saved = p[index]
            p[index] = saved + eps
            model.forget_predictions()
            up = model.cost()
            p[index] = saved - eps
            model.forget_predictions()
            numeric[index] = (up - model.cost()) / (2 * eps)
            p[index] = saved
        model.forget_predictions()
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)
    assert max(np.abs(g).max() for g in analytic) > 1e-3  # not a vacuous comparison


@pytest.mark.parametrize("cls, knobs, epochs, floor", [
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "encoding": "none"}, 40, 22.0),
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "encoding": "gaussian", "sigma": 4.0}, 40, 32.0),
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "encoding": "basic"}, 40, 23.0),
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "encoding": "positional", "features": 32,
                "scale": 4.0}, 40, 29.0),
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "encoding": "gaussian", "sigma": 4.0,
                "output": "sigmoid"}, 40, 36.0),
    (SirenModel, {"width": 32, "depth": 2, "batch_size": 256}, 40, 25.5),
])
def test_training_paints_the_photo(cls, knobs, epochs, floor):
    target = synthetic_photo(32)
    model = cls(target, seed=0, **knobs)
    start = psnr(model.predict(), target)
    model.step(epochs)
    assert model.epoch == epochs
    assert psnr(model.predict(), target) > floor > start + 5
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert model.predict().dtype == np.float32


def test_mlp_defaults_to_gaussian_fourier_inputs():
    model = MLPModel(tiny_target(), width=16, depth=1)
    inputs = model.encode(slice(None))  # (M, 256)
    assert model.knobs["encoding"] == 3 and model.knobs["features"] == 128 and inputs.shape == (20, 256)
    # B ~ N(0, sigma^2): the seed's first draws, before the weights (saved parameters depend on it)
    np.testing.assert_array_equal(model.frequencies, 10.0 * np.random.default_rng(0).standard_normal((128, 2)))
    np.testing.assert_allclose(np.square(inputs[:, :128]) + np.square(inputs[:, 128:]), 1.0,
                               rtol=1e-5)  # sin^2 + cos^2 of each frequency
    np.testing.assert_array_equal(model.encode(np.array([7, 3])), inputs[[7, 3]])  # per pixel, any batch


def paper_frequencies(encoding, m, sigma, s, seed):
    """B of Tancik et al.'s 2D image regression notebook, written out plainly (None: raw coordinates)."""
    if encoding == "none":
        return None
    if encoding == "basic":
        return np.eye(2)
    if encoding == "positional":
        bvals = 2.0 ** np.linspace(0, s, m // 2) - 1
        bvals = np.stack([bvals, np.zeros_like(bvals)], -1)
        return np.concatenate([bvals, np.roll(bvals, 1, axis=-1)], 0)  # (f, 0) rows, then (0, f)
    return sigma * np.random.default_rng(seed).standard_normal((m, 2))


def direct_features(v, frequencies):
    """[sin 2 pi v B^T, cos 2 pi v B^T] at points v (P, 2), or 2v - 1: the encoding by its definition."""
    if frequencies is None:
        return 2 * v - 1
    angles = 2 * np.pi * v @ frequencies.T  # (P, m)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


@pytest.mark.parametrize("encoding, width_in", [("none", 2), ("basic", 4), ("positional", 20), ("gaussian", 20)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_each_encoding_is_its_sines_and_cosines(encoding, width_in, dtype):
    height, width, seed = 6, 9, 4
    model = MLPModel(tiny_target(height, width), dtype=dtype, seed=seed, encoding=encoding, features=10,
                     sigma=3.0, scale=4.0, width=16, depth=1)
    frequencies = paper_frequencies(encoding, 10, 3.0, 4.0, seed)
    if frequencies is not None:
        np.testing.assert_array_equal(model.frequencies, frequencies)
    y, x = np.mgrid[0:height, 0:width]
    v = np.stack([x.ravel() + 0.5, y.ravel() + 0.5], axis=1) / max(height, width)  # (M, 2) pixel centres
    want = direct_features(v, frequencies)  # (M, D)
    atol = 1e-12 if dtype == np.float64 else 2e-6
    got = model.encode(slice(None))
    assert got.shape == (height * width, width_in) and got.dtype == dtype
    np.testing.assert_allclose(got, want, atol=atol)
    index = np.array([53, 0, 17, 17, 8])
    np.testing.assert_allclose(model.encode(index), want[index], atol=atol)  # gathered per pixel
    np.testing.assert_allclose(model.encode(slice(9, 27)), want[9:27], atol=atol)  # whole rows
    np.testing.assert_allclose(model.encode(slice(5, 30, 2)), want[5:30:2], atol=atol)
    points = np.array([[0.1, 0.7], [0.33, 0.02], [1.0, 0.5]])
    np.testing.assert_allclose(model.encode_points(points), direct_features(points, frequencies), atol=atol)
    xs, ys = np.array([0.05, 0.4, 0.9]), np.array([0.25, 0.6])
    grid = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None]), axis=2).reshape(-1, 2)  # row-major
    np.testing.assert_allclose(model.encode_grid(xs, ys), direct_features(grid, frequencies), atol=atol)


def test_positional_frequencies_per_axis_and_the_basic_identity():
    model = MLPModel(tiny_target(), encoding="positional", features=256, scale=6.0)
    f = model.frequencies  # (256, 2): 128 frequencies per axis, 0 up to 2^6 - 1, log-spaced (+1)
    assert f.shape == (256, 2) and f[0, 0] == 0 and f[127, 0] == pytest.approx(63.0)
    np.testing.assert_array_equal(f[:128, 1], 0) and np.testing.assert_array_equal(f[128:, 0], 0)
    np.testing.assert_allclose(np.diff(np.log2(f[:128, 0] + 1)), 6 / 127)
    assert model.layers[0][0].shape == (512, 64)
    assert MLPModel(tiny_target(), encoding="positional", features=7).frequencies.shape == (6, 2)  # m // 2
    np.testing.assert_array_equal(MLPModel(tiny_target(), encoding="basic", features=99).frequencies, np.eye(2))


def test_sigmoid_output_starts_at_the_mean_colour_and_stays_in_0_1():
    target = synthetic_photo(16)
    mask = np.zeros((16, 16), bool)
    mask[:5] = True
    model = MLPModel(target, output="sigmoid", train_mask=mask, width=16, depth=2, batch_size=64)
    mean = target[:5].reshape(-1, 3).mean(axis=0)
    np.testing.assert_allclose(model.predict(), np.broadcast_to(mean, (16, 16, 3)), atol=1e-6)
    np.testing.assert_allclose(model.layers[-1][1], np.log(mean / (1 - mean)), rtol=1e-5)
    assert np.all(model.layers[-1][0] == 0)
    model.step(3)
    assert 0 < model.predict().min() and model.predict().max() < 1
    black = MLPModel(np.zeros((4, 4, 3)), output="sigmoid")  # the mean is clipped: a finite logit
    assert np.all(np.isfinite(black.layers[-1][1])) and black.predict().max() == pytest.approx(1e-3)
    z = np.array([[-1000.0, -3.0, 0.0, 2.5, 1000.0]])  # no overflow for any z
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(model.output(z)[0], [[0.0, 1 / (1 + np.exp(3)), 0.5, 1 / (1 + np.exp(-2.5)), 1.0]])


def test_the_old_fourier_knob_is_read_as_the_encoding():
    target = tiny_target()
    for old, new in [(0, "none"), ("xy", "none"), (1, "gaussian"), ("fourier", "gaussian"), (1.0, "gaussian")]:
        model = make_model("mlp", target, seed=2, fourier=old)
        want = make_model("mlp", target, seed=2, encoding=new)
        assert model.knobs == want.knobs
        np.testing.assert_array_equal(model.predict(), want.predict())
    with pytest.raises(ValueError, match="fourier is the old name of encoding; give one of them, not both"):
        make_model("mlp", target, fourier=1, encoding="basic")
    with pytest.raises(ValueError, match=r"fourier must be one of xy, fourier \(or 0..1\), got 'maybe'"):
        make_model("mlp", target, fourier="maybe")
    with pytest.raises(ValueError, match="model 'siren' has no setting 'fourier'"):
        make_model("siren", target, fourier=1)


@pytest.mark.parametrize("knobs, message", [
    ({"encoding": "fourier"}, r"encoding must be one of none, basic, positional, gaussian \(or 0..3\), "
                              r"got 'fourier'"),
    ({"output": "tanh"}, r"output must be one of linear, sigmoid \(or 0..1\), got 'tanh'"),
    ({"features": "many"}, "features must be a number, got 'many'"),
    ({"scale": float("nan")}, "scale must be a number, got NaN"),
    ({"omega": 3}, "model 'mlp' has no setting 'omega'; its settings are: width, depth, batch_size, encoding, "
                   "features, sigma, scale, output"),
])
def test_knob_values_are_checked_with_a_reason(knobs, message):
    with pytest.raises(ValueError, match=message):
        make_model("mlp", tiny_target(), **knobs)


def test_knobs_are_clamped_to_their_ranges():
    model = make_model("mlp", tiny_target(), encoding=7, features=5000, scale=-1, output=" Sigmoid ")
    assert (model.knobs["encoding"], model.knobs["features"], model.knobs["scale"], model.knobs["output"]) == \
        (3, 1024, 0.0, 1)


def test_output_bias_starts_at_the_mean_training_colour():
    target = synthetic_photo(16)
    mask = np.zeros((16, 16), bool)
    mask[:4] = True
    for cls in (MLPModel, SirenModel):
        model = cls(target, train_mask=mask)
        np.testing.assert_allclose(model.layers[-1][1], target[:4].reshape(-1, 3).mean(axis=0), rtol=1e-6)


def test_cost_and_training_use_only_the_masked_pixels():
    target = synthetic_photo(16)
    mask = np.zeros((16, 16), bool)
    mask[:, :8] = True
    model = SirenModel(target, train_mask=mask, width=16, depth=1, batch_size=64)
    model.step(2)
    prediction = model.predict()
    assert prediction.shape == (16, 16, 3)
    expected = np.sum((prediction - target)[mask].astype(np.float64) ** 2) / (2 * mask.sum())
    assert model.cost() == pytest.approx(expected, rel=1e-5)
    other = SirenModel(np.where(mask[..., None], target, 0.0), train_mask=mask, width=16, depth=1,
                       batch_size=64)
    other.step(2)  # the same seed and the same training pixels: the unseen labels never matter
    np.testing.assert_array_equal(other.predict(), prediction)


@pytest.mark.parametrize("cls, knobs", NETS)
def test_params_round_trip(cls, knobs):
    model = cls(tiny_target(), seed=3, **knobs)
    model.step(2)
    params = model.get_params()
    assert params["model"] == cls.NAME and len(params["layers"]) == knobs["depth"] + 1
    other = cls(tiny_target(), seed=4, **knobs)  # different init (and frequencies) until set_params
    other.set_params(params)
    np.testing.assert_array_equal(other.predict(), model.predict())
    assert other.epoch == 2 and other.cost() == model.cost()


def test_set_params_rejects_wrong_model_layers_and_nan():
    model = MLPModel(tiny_target(), width=16, depth=2, encoding="none")
    good = model.get_params()
    nan_layer = {"weight": [[float("nan")] * 16] * 2, "bias": [0.0] * 16}
    cases = [
        ({**good, "model": "siren"}, "model 'siren'"),
        ({**good, "layers": good["layers"][:2]}, "list of 3 layers"),
        ({**good, "layers": [nan_layer] + good["layers"][1:]}, "NaN"),
        ({**good, "layers": [{"weight": [[0.0] * 5] * 2, "bias": [0.0] * 16}] + good["layers"][1:]},
         r"layer 0: .* shape \(2, 5\), expected \(2, 16\)"),
        ({**good, "knobs": {**good["knobs"], "width": 32}}, "width=32"),
        ({**good, "shape": [1, 1, 3]}, "shape"),
    ]
    for params, message in cases:
        with pytest.raises(ValueError, match=message):
            model.set_params(params)
    with pytest.raises(ValueError, match="unknown knob"):
        SirenModel(tiny_target(), encoding=1)
