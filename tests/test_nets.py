"""nets.py: hand-written backward passes against central differences; training reaches PSNR floors."""

import numpy as np
import pytest

from painting.metrics import psnr
from painting.nets import MLPModel, SirenModel
from test_features import synthetic_photo, tiny_target

NETS = [(MLPModel, {"width": 16, "depth": 2, "fourier": 0}),
        (MLPModel, {"width": 16, "depth": 1, "fourier": 1, "sigma": 2.0}),
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
    model._cache = None
    analytic = model.gradients()
    assert [g.shape for g in analytic] == [p.shape for p in params]
    eps = 1e-6
    for p, g in zip(params, analytic):
        numeric = np.zeros_like(g)
        for index in np.ndindex(*p.shape):
            saved = p[index]
            p[index] = saved + eps
            model._cache = None
            up = model.cost()
            p[index] = saved - eps
            model._cache = None
            numeric[index] = (up - model.cost()) / (2 * eps)
            p[index] = saved
        model._cache = None
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)
    assert max(np.abs(g).max() for g in analytic) > 1e-3  # not a vacuous comparison


@pytest.mark.parametrize("cls, knobs, epochs, floor", [
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "fourier": 0}, 40, 22.0),
    (MLPModel, {"width": 32, "depth": 2, "batch_size": 256, "fourier": 1, "sigma": 4.0}, 40, 32.0),
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


def test_mlp_defaults_to_fourier_inputs():
    model = MLPModel(tiny_target(), width=16, depth=1)
    inputs = model.encode(slice(None))  # (M, 256)
    assert model.knobs["fourier"] == 1 and inputs.shape == (20, 256)
    np.testing.assert_allclose(np.square(inputs[:, :128]) + np.square(inputs[:, 128:]), 1.0,
                               rtol=1e-5)  # sin^2 + cos^2 of each frequency
    v = (model.coordinates[7] + 1) / 2  # pixel 7's (x, y) in [0, 1]
    np.testing.assert_allclose(inputs[7, :128], np.sin(2 * np.pi * model.frequencies @ v), atol=1e-5)
    np.testing.assert_array_equal(model.encode(np.array([7, 3])), inputs[[7, 3]])  # per pixel, any batch


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
    model = MLPModel(tiny_target(), width=16, depth=2, fourier=0)
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
        SirenModel(tiny_target(), fourier=1)
