"""Hidden pixels, zoom past the grid, and views of what a model has learned (holdout.py, views.py,
predict_zoomed, Session's holdout / zoom / view)."""
import numpy as np
import pytest

from painting.dct import CosineBasisModel
from painting.grid import pixel_coordinates
from painting.holdout import GRID, HOLDOUTS, grid_masks, holdout_mask, holdout_masks, holdout_overlay
from painting.metrics import psnr, to_uint8
from painting.models import MODELS, make_model
from painting.session import Session
from painting.views import error_spectrum, error_view, inside_view, spectrum_view

SMALL = {"mlp": {"width": 16, "depth": 2, "batch_size": 64}, "siren": {"width": 16, "depth": 2, "batch_size": 64},
         "rff": {"sigma": 4.0, "features": 256}, "dct": {"k": 8}, "poly": {"degree": 4}}


def photo(height=12, width=16, seed=0):
    """A smooth picture plus a little noise, (H, W, 3) float32 in [0, 1]."""
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    rgb = np.stack([0.5 + 0.4 * np.sin(5 * x + 2 * y), 0.5 + 0.3 * np.cos(4 * y), x * y], axis=2)
    return (rgb + 0.02 * np.random.default_rng(seed).standard_normal(rgb.shape)).clip(0, 1).astype(np.float32)


# --- the mask --------------------------------------------------------------------------------------
SHARES = [h for h in HOLDOUTS if h != GRID]


@pytest.mark.parametrize("fraction", SHARES)
def test_mask_is_deterministic_with_the_requested_share(fraction):
    a, b = holdout_mask(40, 30, fraction, seed=3), holdout_mask(40, 30, fraction, seed=3)
    assert a.shape == (40, 30) and a.dtype == bool
    assert np.array_equal(a, b)
    assert (~a).sum() == round(fraction * 1200)
    if fraction:
        assert not np.array_equal(a, holdout_mask(40, 30, fraction, seed=4))  # the seed matters


def test_mask_is_spread_over_the_image_and_refuses_bad_shares():
    mask = holdout_mask(64, 64, 0.5, seed=0)
    quarters = [mask[:32, :32], mask[:32, 32:], mask[32:, :32], mask[32:, 32:]]
    assert all(0.4 < q.mean() < 0.6 for q in quarters)
    for bad in (-0.1, 1.0, 2, float("nan"), "half", True):
        with pytest.raises(ValueError, match="holdout must be"):
            holdout_mask(8, 8, bad)


@pytest.mark.parametrize("height, width", [(12, 16), (13, 15), (2, 2), (3, 5)])
def test_grid_learns_even_rows_and_columns_and_scores_odd_ones(height, width):
    train, score = holdout_masks(height, width, GRID, seed=7)  # the seed plays no part
    expected_train = np.zeros((height, width), dtype=bool)
    expected_train[::2, ::2] = True
    expected_score = np.zeros((height, width), dtype=bool)
    expected_score[1::2, 1::2] = True
    np.testing.assert_array_equal(train, expected_train)
    np.testing.assert_array_equal(score, expected_score)
    assert train.sum() == ((height + 1) // 2) * ((width + 1) // 2) and score.sum() == (height // 2) * (width // 2)
    assert not (train & score).any()
    rows, cols = np.nonzero(train | score)
    assert np.array_equal(rows % 2, cols % 2)  # the mixed ones (even row, odd column...) are neither


def test_holdout_masks_of_a_share_score_every_hidden_pixel():
    train, score = holdout_masks(20, 10, 0.25, seed=3)
    np.testing.assert_array_equal(train, holdout_mask(20, 10, 0.25, seed=3))
    np.testing.assert_array_equal(score, ~train)
    assert holdout_masks(20, 10, 0.0) == (None, None) and holdout_masks(20, 10, 0) == (None, None)


def test_bad_holdouts_are_refused_saying_what_is_allowed():
    for bad in ("gird", "Grid", "0.5", "", None, [0.5], float("inf")):
        with pytest.raises(ValueError, match=r"holdout must be .*'grid'") as info:
            holdout_masks(8, 8, bad)
        assert repr(bad) in str(info.value) or "inf" in str(info.value)
    with pytest.raises(ValueError, match=r"grid holdout needs at least 2 rows and 2 columns .*, got 1 x 5"):
        grid_masks(1, 5)


def test_grid_overlay_covers_exactly_the_pixels_not_trained_on():
    train, _ = grid_masks(9, 12)
    alpha = holdout_overlay(train, 9, 12)[..., 3]  # (H, W)
    np.testing.assert_array_equal(alpha > 0, ~train)


# --- training never reads a hidden label -----------------------------------------------------------
@pytest.mark.parametrize("name", list(MODELS))
def test_hidden_labels_are_never_read(name):
    target = photo()
    mask = holdout_mask(12, 16, 0.5, seed=1)
    other = target.copy()
    other[~mask] = np.random.default_rng(9).random(other[~mask].shape)  # perturb only the hidden pixels
    knobs = SMALL.get(name, {})
    models = [make_model(name, t, seed=0, train_mask=mask, **knobs) for t in (target, other)]
    for m in models:
        m.step(3)
    pa, pb = models[0].get_params(), models[1].get_params()
    assert pa == pb
    assert models[0].cost() == models[1].cost()
    h = models[0].predict()
    assert np.array_equal(h, models[1].predict())
    if models[0].solve is not None:
        for m in models:
            m.solve()
        assert models[0].get_params() == models[1].get_params()
    # and the mask matters: the same model on the full grid learns something else
    full = make_model(name, target, seed=0, **knobs)
    full.step(3)
    assert not np.allclose(full.predict(), models[0].predict())


def test_onehot_cannot_say_anything_about_a_hidden_pixel():
    target = photo()
    mask = holdout_mask(12, 16, 0.25, seed=0)
    m = make_model("onehot", target, train_mask=mask)
    m.solve()
    h = m.predict()  # (H, W, 3)
    assert np.allclose(h[mask], target[mask], atol=1e-5)  # seen pixels: memorised
    hidden = h[~mask]  # hidden pixels: the bias alone, the same colour everywhere
    assert np.allclose(hidden, hidden[0], atol=1e-6)
    assert np.allclose(hidden[0], m.bias, atol=1e-6)


# --- zoom ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(MODELS))
def test_zoom_1_is_predict(name):
    m = make_model(name, photo(), **SMALL.get(name, {}))
    m.step(2)
    assert np.allclose(m.predict_zoomed(1), m.predict(), atol=2e-6)


def test_onehot_zoom_is_block_constant():
    m = make_model("onehot", photo())
    m.step(50)
    z = m.predict_zoomed(4)  # (48, 64, 3)
    assert z.shape == (48, 64, 3)
    blocks = z.reshape(12, 4, 16, 4, 3)
    assert np.array_equal(blocks, np.broadcast_to(blocks[:, :1, :, :1], blocks.shape))
    assert np.array_equal(blocks[:, 0, :, 0], m.predict())


@pytest.mark.parametrize("name", ["plane", "poly", "rff", "dct", "mlp", "siren"])
def test_coordinate_models_are_finer_than_blocks(name):
    m = make_model(name, photo(), **SMALL.get(name, {}))
    m.step(20)
    if m.solve is not None:
        m.solve()
    z = m.predict_zoomed(2).reshape(12, 2, 16, 2, 3)
    inside = np.abs(z - z[:, :1, :, :1]).max()  # variation within a pixel's 2 x 2 sub-pixels
    assert inside > 1e-3


@pytest.mark.parametrize("name", ["plane", "poly", "rff", "dct"])
def test_zoomed_linear_models_are_phi_times_w_at_the_sub_pixel_centres(name):
    """The fast paths (separable, FFT) against the definition at the points, via a model built on the
    finer grid with the same weights where the basis is the same function of (x, y)."""
    m = make_model(name, photo(), **SMALL.get(name, {}))
    m.solve()
    z = m.predict_zoomed(2)  # (24, 32, 3)
    if name == "rff":
        v = pixel_coordinates(12, 16, np.float64, zoom=2)  # (P, 2)
        angles = 2 * np.pi * v @ m.frequencies[1:].T  # (P, m')
        root = np.sqrt(m.counts.astype(np.float64))
        phi = np.concatenate([np.full((len(v), 1), root[0]), root[1:] * np.sin(angles), root[1:] * np.cos(angles)], 1)
        expected = (phi @ m.weights.astype(np.float64)).reshape(24, 32, 3)
    elif name == "dct":
        fine = CosineBasisModel(np.zeros((24, 32, 3)), k=8)
        expected = fine.forward(m.weights).reshape(24, 32, 3)
    elif name == "plane":
        v = pixel_coordinates(12, 16, np.float64, zoom=2)
        expected = (np.concatenate([np.ones((len(v), 1)), v], 1) @ m.weights).reshape(24, 32, 3)
    else:  # poly: the same Legendre products on the finer grid (sx, sy map each axis to [-1, 1])
        fine = make_model("poly", np.zeros((24, 32, 3)), degree=4)
        expected = (fine.features @ m.weights).reshape(24, 32, 3)
    assert np.allclose(z, expected, atol=1e-4)


# --- views -----------------------------------------------------------------------------------------
def test_error_view_of_dct_solved_with_k_equal_to_the_size_is_zero():
    rgb = photo(16, 16)
    s = Session(rgb, model="dct", k=16)
    s.solve()
    s.view = "error"
    e = s.shown_rgb()  # (16, 16, 3)
    assert s.info()["psnr"] == 100.0
    picture, legend = error_view(s.learned_rgb(), to_uint8(rgb))
    assert np.array_equal(e, picture)
    assert np.all(e == e[0, 0]) and tuple(e[0, 0]) == (0, 0, 4)  # the colour of zero error everywhere
    # a model that cannot fit shows errors on the same scale
    s2 = Session(rgb, model="plane")
    s2.solve()
    s2.view = "error"
    assert s2.shown_rgb().std() > 10 and s2.shown_info()["legend"]["scale"] > 0


@pytest.mark.parametrize("ky, kx", [(0, 5), (3, 0), (4, -7), (-6, 2)])
def test_spectrum_of_a_pure_cosine_error_peaks_at_its_frequency(ky, kx):
    h, w = 32, 48
    rows, cols = np.mgrid[0:h, 0:w]
    error = 0.2 * np.cos(2 * np.pi * (ky * rows / h + kx * cols / w) + 0.3)  # (H, W)
    s = error_spectrum(error)  # (H, W), centred
    peak = np.unravel_index(np.argmax(s), s.shape)
    assert peak in {(h // 2 + ky, w // 2 + kx), (h // 2 - ky, w // 2 - kx)}
    assert s[h // 2 + ky, w // 2 + kx] == pytest.approx(np.log10(0.1), abs=1e-6)  # amplitude / 2
    assert s[h // 2, w // 2] < -6  # nothing at frequency 0


def test_spectrum_view_reads_the_signed_error():
    h, w = 32, 32
    rows, cols = np.mgrid[0:h, 0:w]
    target = np.full((h, w, 3), 128, np.uint8)
    learned = (128 + 40 * np.cos(2 * np.pi * 3 * cols / w))[:, :, None].repeat(3, 2).round().astype(np.uint8)
    picture, legend = spectrum_view(learned, target)
    brightest = np.unravel_index(np.argmax(picture.astype(int).sum(2)), (h, w))
    assert brightest in {(16, 19), (16, 13)}
    assert legend["high"] - legend["low"] == pytest.approx(4.0)


@pytest.mark.parametrize("name", list(MODELS))
def test_inside_view_draws_the_parameters_and_changes_with_them(name):
    s = Session(photo(), model=name, **SMALL.get(name, {}))
    s.view = "inside"
    s.train(1)
    first, info = s.shown_rgb().copy(), s.shown_info()
    assert info["view"] == "inside" and first.dtype == np.uint8 and first.flags.c_contiguous
    s.train(30)
    assert not np.array_equal(first, s.shown_rgb())


def test_inside_pictures_hold_the_parameters():
    m = make_model("onehot", photo())
    m.step(200)
    picture, legend = inside_view(m, to_uint8)
    assert legend["kind"] == "weights" and np.array_equal(picture, to_uint8(m.weights))
    m = make_model("rff", photo(), sigma=4.0, features=256)
    m.solve()
    picture, legend = inside_view(m, to_uint8)
    assert legend["kind"] == "frequencies" and legend["frequencies"] == m.num_pairs
    m = make_model("mlp", photo(), width=16, depth=3)
    picture, legend = inside_view(m, to_uint8)
    assert legend["layers"] == [1, 3]


# --- the session -----------------------------------------------------------------------------------
def test_session_scores_seen_and_hidden_pixels_apart():
    rgb = photo(16, 16)
    s = Session(rgb, model="onehot", holdout=0.5)
    stats = s.solve()
    mask = s.train_mask
    assert (~mask).sum() == 128
    learned, target = s.learned_rgb(), to_uint8(rgb)
    assert stats["psnr"] == psnr(learned[mask], target[mask]) == 100.0
    assert stats["psnr_hidden"] == pytest.approx(psnr(learned[~mask], target[~mask])) and stats["psnr_hidden"] < 25
    assert s.info()["psnr_hidden"] == stats["psnr_hidden"] and s.info()["holdout"] == 0.5
    assert "psnr_hidden" not in Session(rgb).scores() and Session(rgb).stats()["psnr_hidden"] is None


@pytest.mark.parametrize("height, width", [(16, 16), (13, 15)])
def test_grid_session_learns_even_and_scores_odd_rows_and_columns(height, width):
    rgb = photo(height, width)
    s = Session(rgb, model="onehot", holdout="grid", seed=5)
    stats = s.solve()
    seen = np.zeros((height, width), dtype=bool)
    seen[::2, ::2] = True
    np.testing.assert_array_equal(s.train_mask, seen)
    learned, target = s.learned_rgb(), to_uint8(rgb)
    assert stats["psnr"] == psnr(learned[::2, ::2], target[::2, ::2]) == 100.0
    odd = psnr(learned[1::2, 1::2], target[1::2, 1::2])  # the paper's score: odd rows and odd columns only
    assert stats["psnr_hidden"] == odd and odd < 25
    assert odd != pytest.approx(psnr(learned[~seen], target[~seen]), abs=1e-3)  # not every unseen pixel
    info = s.info()
    assert info["holdout"] == "grid" and info["psnr_hidden"] == odd
    odd_labels = rgb[1::2, 1::2].astype(np.float64)  # (h, w, 3): cost_hidden is the odd pixels' too
    odd_prediction = s.model.predict()[1::2, 1::2].astype(np.float64)
    assert info["cost_hidden"] == pytest.approx(np.sum((odd_prediction - odd_labels) ** 2) / (2 * odd_labels[..., 0].size))


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_trains_on_the_grid(name):
    rgb = photo(13, 15)
    other = rgb.copy()
    other[~grid_masks(13, 15)[0]] = 0.5  # what the model does not learn from
    sessions = [Session(t, model=name, holdout="grid", **SMALL.get(name, {})) for t in (rgb, other)]
    for s in sessions:
        s.train(2)
    assert np.array_equal(sessions[0].model.predict(), sessions[1].model.predict())
    learned, target = sessions[0].learned_rgb(), to_uint8(rgb)
    assert sessions[0].scores()["psnr_hidden"] == psnr(learned[1::2, 1::2], target[1::2, 1::2])


def test_network_session_frame_costs_are_the_seen_pixels():
    rgb = photo()
    s = Session(rgb, model="mlp", holdout=0.5, **SMALL["mlp"])
    s.train(1, 1.0)
    while not s.render(1.0):
        pass
    assert s.info()["cost"] == pytest.approx(s.model.cost(), rel=1e-5)


def test_session_zoom_draws_a_larger_learned_image():
    rgb = photo()
    for name in ("onehot", "rff", "mlp"):
        s = Session(rgb, model=name, **SMALL.get(name, {}))
        s.train(2)
        s.zoom = 4
        if not s.renders_quickly:  # a network redraws its frame, zoomed rows included
            assert s.render(60.0)
        info = s.shown_info()
        if name == "onehot":  # blocks: the 1x picture, enlarged by the page (CSS image-rendering: pixelated)
            assert (info["width"], info["height"], info["zoom"], info["legend"]) == (16, 12, 4, {"blocks": True})
            np.testing.assert_array_equal(s.shown_rgb(), s.learned_rgb())
        else:
            assert (info["width"], info["height"], info["zoom"]) == (64, 48, 4)
            assert s.shown_rgb().shape == (48, 64, 3)
        assert s.learned_rgb().shape == (12, 16, 3)  # scores stay at the training resolution
        s.view = "error"
        assert s.shown_info()["width"] == 16
    with pytest.raises(ValueError, match="zoom must be"):
        s.zoom = 3.5
    with pytest.raises(ValueError, match="view must be one of"):
        s.view = "xray"


def test_zoomed_png_is_the_model_between_pixels():
    from io import BytesIO
    from PIL import Image
    s = Session(photo(), model="rff", **SMALL["rff"])
    s.solve()
    image = np.asarray(Image.open(BytesIO(s.zoomed_png_bytes(2))).convert("RGB"))
    assert image.shape == (24, 32, 3)
    assert np.array_equal(image, to_uint8(s.model.predict_zoomed(2)))
