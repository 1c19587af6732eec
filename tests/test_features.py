"""Linear feature models (features.py, plane.py, poly.py, rff.py, dct.py) against oracles: finite differences, numpy.linalg.lstsq, eigvalsh."""

import copy

import numpy as np
import pytest

from painting.dct import CosineBasisModel, dct2_rows
from painting.features import LinearFeatureModel
from painting.plane import PlaneModel
from painting.poly import PolynomialModel, legendre_columns
from painting.rff import FourierFeatureModel
from painting.grid import pixel_coordinates
from painting.metrics import psnr
from painting.solvers import minibatches

LINEAR = [(PlaneModel, {}), (PolynomialModel, {"degree": 3}),
          (FourierFeatureModel, {"sigma": 2.0, "features": 6}), (CosineBasisModel, {"k": 3})]


def synthetic_photo(size=32, seed=0):
    """A photo-like (size, size, 3) float32 test card: smooth shading, a hard-edged disc, texture, noise."""
    rng = np.random.default_rng(seed)
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size  # (n, n) each, pixel centres in [0, 1]
    image = np.stack([0.2 + 0.6 * x, 0.3 + 0.4 * y, 0.5 + 0.3 * np.sin(3 * x + 2 * y)], axis=-1)
    image[(x - 0.6) ** 2 + (y - 0.4) ** 2 < 0.06] = [0.9, 0.3, 0.2]  # the disc
    image += 0.05 * (np.sin(2 * np.pi * 6 * x) * np.cos(2 * np.pi * 5 * y))[..., None]  # texture
    image += 0.01 * rng.standard_normal(image.shape)  # sensor noise
    return np.clip(image, 0.0, 1.0).astype(np.float32)


def tiny_target(height=5, width=4, seed=1):
    return np.random.default_rng(seed).random((height, width, 3))


def lstsq_weights(model, rows=None):
    phi = model.feature_matrix().astype(np.float64)  # (M, F)
    labels = model.labels.astype(np.float64)
    if rows is not None:
        phi, labels = phi[rows], labels[rows]
    return np.linalg.lstsq(phi, labels, rcond=None)[0]  # (F, C)


def test_pixel_coordinates_are_centres_scaled_by_longest_side():
    v = pixel_coordinates(2, 4)  # H = 2, W = 4
    assert v.dtype == np.float32 and v.shape == (8, 2)
    np.testing.assert_allclose(v[:4, 0], [0.125, 0.375, 0.625, 0.875])  # x along the first row
    np.testing.assert_allclose(v[[0, 4], 1], [0.125, 0.375])  # y of rows 0 and 1


def test_legendre_columns_are_orthonormal_on_a_fine_midpoint_grid():
    s = 2 * (np.arange(2000) + 0.5) / 2000 - 1
    p = legendre_columns(s, 6)  # (2000, 7)
    np.testing.assert_allclose(p.T @ p / 2000, np.eye(7), atol=1e-4)
    np.testing.assert_allclose(p[:, 2], np.sqrt(5) * (1.5 * s ** 2 - 0.5))


@pytest.mark.parametrize("cls, knobs", LINEAR)
@pytest.mark.parametrize("masked", [False, True])
def test_gradient_matches_central_differences(cls, knobs, masked):
    target = tiny_target()
    mask = np.random.default_rng(2).random((5, 4)) < 0.6 if masked else None
    model = cls(target, dtype=np.float64, train_mask=mask, **knobs)
    model.weights[...] = np.random.default_rng(3).normal(size=model.weights.shape)
    model.forget_predictions()
    (analytic,) = model.gradients()
    numeric = np.zeros_like(analytic)
    eps = 1e-6
    for index in np.ndindex(*model.weights.shape):
        saved = model.weights[index]
        model.weights[index] = saved + eps
        model.forget_predictions()
        up = model.cost()
        model.weights[index] = saved - eps
        model.forget_predictions()
        numeric[index] = (up - model.cost()) / (2 * eps)
        model.weights[index] = saved
    model.forget_predictions()
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)
    assert np.abs(analytic).max() > 1e-3  # not a vacuous comparison


@pytest.mark.parametrize("cls, knobs", LINEAR)
def test_ridge_without_regularisation_equals_lstsq(cls, knobs):
    model = cls(tiny_target(6, 7), dtype=np.float64, **knobs).solve(ridge=0.0)
    np.testing.assert_allclose(model.weights, lstsq_weights(model), rtol=1e-7, atol=1e-9)


def test_masked_solve_equals_lstsq_on_the_training_pixels():
    mask = np.random.default_rng(4).random((6, 7)) < 0.7
    for cls, knobs in LINEAR:
        model = cls(tiny_target(6, 7), dtype=np.float64, train_mask=mask, **knobs).solve(ridge=0.0)
        np.testing.assert_allclose(model.weights, lstsq_weights(model, np.flatnonzero(mask)),
                                   rtol=1e-7, atol=1e-9, err_msg=cls.NAME)


def test_default_ridge_is_small_but_shrinks_the_weights():
    model = PolynomialModel(tiny_target(6, 7), dtype=np.float64, degree=2)
    exact = model.solve(ridge=0.0).weights.copy()
    ridged = model.solve().weights
    assert 0 < np.abs(ridged - exact).max() < 1e-4
    strong = model.solve(ridge=1e3).weights
    assert np.linalg.norm(strong) < 0.5 * np.linalg.norm(exact)


@pytest.mark.parametrize("cls, knobs", LINEAR)
def test_curvature_is_the_largest_eigenvalue_of_the_normalised_gram(cls, knobs):
    model = cls(tiny_target(6, 7), dtype=np.float64, **knobs)
    phi = model.feature_matrix()
    top = np.linalg.eigvalsh(phi.T @ phi / phi.shape[0])[-1]
    assert top * 0.98 < model.curvature <= top * (1 + 1e-9)  # power iteration approaches from below


def test_plane_gradient_descent_converges_to_least_squares():
    model = PlaneModel(synthetic_photo(16), dtype=np.float64, learning_rate=1.5)
    best = lstsq_weights(model)
    first = model.cost()
    model.step(400)
    np.testing.assert_allclose(model.weights, best, atol=1e-6)
    assert model.cost() < first and model.epoch == 400


def test_learning_rate_is_in_units_of_one_over_curvature():
    """GD on any feature map is stable for eta < 2 and diverges above (the top eigen-direction)."""
    for eta, grows in [(1.9, False), (2.2, True)]:
        model = FourierFeatureModel(synthetic_photo(16), learning_rate=eta, sigma=1.0, features=16,
                                    dtype=np.float64)
        model.step(1)
        before = model.cost()
        model.step(200)
        assert (model.cost() > 10 * before) == grows, eta


def test_dct_solve_is_exact_least_squares_and_the_gd_limit():
    target = tiny_target(6, 5)
    model = CosineBasisModel(target, dtype=np.float64, k=4)  # ky = 4, kx = 4
    phi = model.feature_matrix()
    np.testing.assert_allclose(phi.T @ phi, 30 * np.eye(16), atol=1e-9)  # orthogonal: Phi^T Phi = M I
    np.testing.assert_allclose(model.curvature, 1.0, rtol=1e-9)
    model.solve(ridge=0.0)
    np.testing.assert_allclose(model.weights, lstsq_weights(model), atol=1e-12)
    solved = model.weights.copy()
    gd = CosineBasisModel(target, dtype=np.float64, k=4, learning_rate=0.5)
    gd.step(60)  # each coefficient: W_t - W* = 0.5^t (W_0 - W*)
    np.testing.assert_allclose(gd.weights, solved, atol=1e-15 + 1e-12)


def test_dct_with_a_complete_basis_paints_the_image_exactly():
    target = synthetic_photo(12)
    model = CosineBasisModel(target, k=12).solve(ridge=0.0)
    np.testing.assert_allclose(model.predict(), target, atol=1e-5)
    assert psnr(model.predict(), target) > 90


def test_dct2_rows_matches_the_cosine_sum():
    x = np.random.default_rng(5).random((7, 3))
    n = np.arange(7)
    expected = np.array([[np.sum(x[:, c] * np.cos(np.pi * u * (2 * n + 1) / 14)) for c in range(3)]
                         for u in range(5)])
    np.testing.assert_allclose(dct2_rows(x, 5), expected, atol=1e-12)


def test_sgd_reaches_the_least_squares_cost_of_the_plane():
    model = PlaneModel(synthetic_photo(16), solver=1, batch_size=32, learning_rate=0.3)
    best = PlaneModel(synthetic_photo(16)).solve(ridge=0.0).cost()
    model.step(30)
    assert model.cost() == pytest.approx(best, rel=0.02)
    assert model.weights.dtype == np.float32


@pytest.mark.parametrize("solver, epochs, floor", [(0, 100, 27.0), (1, 15, 25.5)])
def test_fourier_features_paint_the_photo(solver, epochs, floor):
    target = synthetic_photo(32)
    plane = PlaneModel(target).solve()
    model = FourierFeatureModel(target, sigma=4.0, features=1024, solver=solver, batch_size=128,
                                learning_rate=1.0)
    model.step(epochs)
    assert psnr(model.predict(), target) > floor > psnr(plane.predict(), target) + 5


@pytest.mark.parametrize("cls, knobs, floor", [(PolynomialModel, {"degree": 8}, 22.0),
                                               (CosineBasisModel, {"k": 16}, 28.0)])
def test_gradient_descent_paints_the_photo(cls, knobs, floor):
    target = synthetic_photo(32)
    model = cls(target, learning_rate=1.0, **knobs)
    model.step(30)
    assert psnr(model.predict(), target) > floor
    assert model.predict().dtype == np.float32


def test_train_mask_trains_and_scores_only_the_masked_pixels():
    target = synthetic_photo(32)
    mask = np.random.default_rng(6).random((32, 32)) < 0.5
    model = FourierFeatureModel(target, sigma=2.0, features=512, train_mask=mask).solve()
    held_out = ~mask
    prediction = model.predict()
    assert prediction.shape == (32, 32, 3)
    train_cost = np.sum((prediction - target)[mask] ** 2) / (2 * mask.sum())
    assert model.cost() == pytest.approx(train_cost, rel=1e-4)
    assert psnr(prediction[held_out], target[held_out]) > 21.5  # it generalises to unseen pixels
    blanked = target.copy()
    blanked[held_out] = 0.0  # labels of unseen pixels must not matter
    other = FourierFeatureModel(blanked, sigma=2.0, features=512, train_mask=mask).solve()
    assert other.cost() == pytest.approx(train_cost, rel=1e-4)
    np.testing.assert_allclose(other.predict(), prediction, atol=1e-5)


@pytest.mark.parametrize("cls, knobs", LINEAR)
def test_params_round_trip(cls, knobs):
    target = tiny_target()
    model = cls(target, seed=3, **knobs)
    model.step(3)
    params = model.get_params()
    assert params["model"] == cls.NAME and params["weights_shape"] == list(model.weights.shape)
    other = cls(target, seed=4, **knobs)  # rff: different frequencies until set_params
    other.set_params(params)
    np.testing.assert_array_equal(other.predict(), model.predict())
    assert other.epoch == 3 and other.cost() == model.cost()


def test_set_params_rejects_wrong_model_shape_and_nan():
    model = PolynomialModel(tiny_target(), degree=2)
    good = model.get_params()
    cases = [
        ({**good, "model": "rff"}, "model 'rff'"),
        ({**good, "shape": [4, 5, 3]}, "shape"),
        ({**good, "weights": np.zeros((5, 3)).tolist()}, r"shape \(5, 3\), expected \(6, 3\)"),
        ({**good, "weights": [[float("nan")] * 3] * 6}, "NaN"),
        ({**good, "weights": "abc"}, "weights"),
        ({**good, "epoch": -1}, "epoch"),
        ({**good, "knobs": {"degree": 3}}, "degree=3"),
        ([1, 2], "dict"),
    ]
    for params, message in cases:
        with pytest.raises(ValueError, match=message):
            model.set_params(params)
    rff = FourierFeatureModel(tiny_target(), features=8)
    bad = rff.get_params()
    bad["frequencies"] = bad["frequencies"][:-1]
    with pytest.raises(ValueError, match="frequencies"):
        rff.set_params(bad)


def test_constructor_rejects_unknown_knobs_and_bad_masks():
    with pytest.raises(ValueError, match="unknown knob"):
        PlaneModel(tiny_target(), degree=3)
    with pytest.raises(ValueError, match="train_mask"):
        PlaneModel(tiny_target(), train_mask=np.ones((3, 3), bool))
    with pytest.raises(ValueError, match="no pixels"):
        PlaneModel(tiny_target(), train_mask=np.zeros((5, 4), bool))
    with pytest.raises(ValueError, match="solver"):
        PlaneModel(tiny_target(), solver="adam")
    assert PlaneModel(tiny_target(), solver="sgd").solver == 1


# ---- rff on the pixel grid: FFT operators against the dense definition ----

GRIDS = [(6, 7), (8, 8), (5, 4), (9, 12), (1, 6)]


@pytest.mark.parametrize("height, width", GRIDS)
def test_rff_fft_operators_equal_the_dense_phi(height, width):
    rng = np.random.default_rng(7)
    model = FourierFeatureModel(tiny_target(height, width), dtype=np.float64, sigma=3.0, features=40)
    phi = model.feature_matrix()  # (M, F) built from the frequencies as the docstring defines it
    weights = rng.normal(size=(model.num_features, 3))
    residual = rng.normal(size=(height * width, 3))
    np.testing.assert_allclose(model.forward(weights), phi @ weights, atol=1e-12)
    np.testing.assert_allclose(model.backward(residual), phi.T @ residual, atol=1e-12)
    np.testing.assert_allclose(phi.T @ phi / (height * width), np.diag(model.diagonal), atol=1e-12)
    assert model.curvature == model.diagonal.max()  # exact on the full grid, no power iteration
    single = FourierFeatureModel(tiny_target(height, width), sigma=3.0, features=40)  # float32
    assert single.forward(weights.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(single.backward(residual.astype(np.float32)), phi.T @ residual,
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("height, width", [(8, 8), (9, 12)])
def test_rff_merged_columns_have_the_kernel_of_the_unmerged_snapped_draws(height, width):
    """Merging duplicate and mirror draws into sqrt(c) columns keeps Phi Phi^T: the same RFF model."""
    sigma, m, seed = 2.5, 60, 5
    model = FourierFeatureModel(tiny_target(height, width), dtype=np.float64, sigma=sigma,
                                features=m, seed=seed)
    draws = sigma * np.random.default_rng(seed).standard_normal((m, 2))  # the model's own draws
    side = max(height, width)
    k = np.rint(draws * [width / side, height / side])  # (m, 2) integer cycles across W and H
    k = k[(np.abs(k[:, 0]) <= (width - 1) // 2) & (np.abs(k[:, 1]) <= (height - 1) // 2)]
    b = k * [side / width, side / height]  # snapped frequencies in cycles per longest side
    angles = 2 * np.pi * pixel_coordinates(height, width, np.float64) @ b.T  # (M, m_in)
    raw = np.concatenate([np.ones((height * width, 1)), np.sin(angles), np.cos(angles)], axis=1)
    phi = model.feature_matrix()
    assert model.counts.sum() == 1 + len(b) and phi.shape[1] < raw.shape[1]
    np.testing.assert_allclose(phi @ phi.T, raw @ raw.T, atol=1e-9)


def test_rff_closed_form_steps_equal_gradient_descent_with_the_dense_phi():
    target = tiny_target(6, 8)
    model = FourierFeatureModel(target, dtype=np.float64, sigma=2.0, features=30, learning_rate=0.7)
    phi, y = model.feature_matrix(), model.labels
    weights = np.zeros_like(model.weights)
    for _ in range(25):
        weights -= (0.7 / model.curvature) * phi.T @ (phi @ weights - y) / len(y)
    model.step(10)
    model.step(15)
    assert model.epoch == 25
    np.testing.assert_allclose(model.weights, weights, atol=1e-12)
    masked = FourierFeatureModel(target, dtype=np.float64, sigma=2.0, features=30, learning_rate=0.7,
                                 train_mask=np.ones((6, 8), bool))  # masked path: real FFT epochs
    masked.step(25)  # power iteration estimates L from below, so its steps are a hair longer
    assert masked.curvature == pytest.approx(model.curvature, rel=1e-3)
    np.testing.assert_allclose(masked.predict(), model.predict(), atol=1e-3)


@pytest.mark.parametrize("make", [
    lambda target, **kw: FourierFeatureModel(target, sigma=2.0, features=30, **kw),  # batches through the FFT
    lambda target, **kw: CosineBasisModel(target, k=5, **kw),  # through the separable basis
], ids=["rff", "dct"])
def test_sgd_batches_equal_dense_sgd(make):
    target = tiny_target(8, 10)
    mask = np.random.default_rng(8).random((8, 10)) < 0.8
    model = make(target, dtype=np.float64, solver=1, batch_size=16, learning_rate=0.5, train_mask=mask)
    phi, y = model.feature_matrix(), model.labels  # (80, F)
    rng = copy.deepcopy(model.rng)  # the batches the model will draw
    train = np.flatnonzero(mask)
    weights = np.zeros_like(model.weights)
    step = 0.5 / model.curvature
    for _ in range(3):
        for batch in minibatches(len(train), 16, rng):
            rows = train[batch]
            weights -= step / len(rows) * phi[rows].T @ (phi[rows] @ weights - y[rows])
    model.step(3)
    assert np.abs(weights).max() > 0.05
    np.testing.assert_allclose(model.weights, weights, atol=1e-12)


def test_rff_frequencies_are_distinct_grid_frequencies_of_the_half_plane():
    model = FourierFeatureModel(synthetic_photo(32), sigma=4.0, features=4096)
    kx, ky = model.grid[1:, 0], model.grid[1:, 1]
    assert np.all((kx > 0) | ((kx == 0) & (ky > 0))) and np.all(np.abs(ky) <= 15) and kx.max() <= 15
    assert len(set(zip(kx.tolist(), ky.tolist()))) == len(kx) == model.num_pairs
    assert 4050 < model.counts.sum() <= 4097  # a few of 4096 draws fall outside the band
    np.testing.assert_array_equal(model.frequencies, model.grid)  # square image: cycles per side


def test_rff_masked_solve_by_conjugate_gradients_equals_lstsq_when_underdetermined():
    mask = np.random.default_rng(9).random((8, 9)) < 0.5  # fewer training pixels than features
    model = FourierFeatureModel(tiny_target(8, 9), dtype=np.float64, sigma=3.0, features=200,
                                train_mask=mask)
    assert model.num_features > mask.sum()
    rows = np.flatnonzero(mask)
    phi, y = model.feature_matrix()[rows], model.labels[rows]
    model.solve(ridge=0.0)  # many exact fits: compare the fit on the training pixels
    np.testing.assert_allclose(phi @ model.weights, phi @ lstsq_weights(model, rows), atol=1e-6)
    model.solve(ridge=0.5)  # unique: W = (Phi^T D Phi + ridge I)^-1 Phi^T D Y
    ridged = np.linalg.solve(phi.T @ phi + 0.5 * np.eye(phi.shape[1]), phi.T @ y)
    np.testing.assert_allclose(model.weights, ridged, atol=1e-8)


def test_rff_at_512_squared_holds_no_dense_feature_matrix():
    target = np.zeros((512, 512, 3), dtype=np.float32)
    model = FourierFeatureModel(target)  # the defaults: 16384 draws
    model.step(3)
    model.predict()
    held = sum(value.nbytes for value in vars(model).values() if isinstance(value, np.ndarray))
    assert held < 40_000_000  # labels, predictions and weights; a dense Phi would be ~30 GB


def test_dct_fast_forward_equals_honest_gradient_descent():
    """On the full grid L = 1 exactly and k epochs of GD are one closed-form update."""
    rgb = np.random.default_rng(4).random((12, 10, 3)).astype(np.float32)
    fast = CosineBasisModel(rgb, learning_rate=0.3, k=6)
    honest = CosineBasisModel(rgb, learning_rate=0.3, k=6)
    assert fast.fast_forward and fast.curvature == 1.0
    everywhere = CosineBasisModel(rgb, k=6, train_mask=np.ones((12, 10), dtype=bool))  # L by power iteration
    assert not everywhere.fast_forward and everywhere.curvature == pytest.approx(1.0, rel=1e-4)
    fast.step(25)
    LinearFeatureModel.step(honest, 25)  # 25 full gradient steps through the separable basis
    assert fast.epoch == honest.epoch == 25
    np.testing.assert_allclose(fast.weights, honest.weights, atol=1e-5)
    masked = CosineBasisModel(rgb, k=6, train_mask=np.arange(120).reshape(12, 10) % 3 > 0)
    assert not masked.fast_forward


def test_dct_masked_solve_by_conjugate_gradients_equals_the_dense_normal_equations():
    """With hidden pixels dct solves through its separable basis (no (k^2, k^2) Gram matrix): the same
    ridge answer as the dense normal equations; with more features than seen pixels (ill-conditioned)
    the pictures agree far below one grey level (1/255)."""
    target = np.random.default_rng(5).random((12, 10, 3))
    for share, tolerance in ((0.3, 1e-4), (0.9, 1e-3)):
        mask = np.random.default_rng(6).random((12, 10)) > share
        model = CosineBasisModel(target, dtype=np.float64, k=10, train_mask=mask)
        dense = LinearFeatureModel.solve(copy.deepcopy(model))
        np.testing.assert_allclose(model.solve().predict(), dense.predict(), atol=tolerance, err_msg=str(share))
