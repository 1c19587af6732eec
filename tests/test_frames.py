"""Frames: onehot's quick frame (display bytes and PSNR in four float32 passes) against the general path
(predict, to_uint8, metrics.psnr), its fallbacks, and a zoom of blocks drawn at 1x."""
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from painting.frames import Frames
from painting.metrics import psnr, to_uint8
from painting.models import make_model
from painting.session import Session


def photo(h=40, w=56, seed=0):
    """Bytes, as every page target is."""
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def general_path(session):
    """The displayed bytes and PSNR as the general path computes them, from the model as it is."""
    shown = to_uint8(session.model.predict())
    return shown, psnr(shown, to_uint8(session.rgb))


def quick_frames(model):
    """Counts the frames drawn by the quick path: it asks the model for residual_into (the general path,
    for predict); -> a list that grows by one per quick frame."""
    drawn, residual_into = [], model.residual_into
    model.residual_into = lambda out, gain=1.0: drawn.append(gain) or residual_into(out, gain)
    return drawn


@pytest.mark.parametrize("kwargs, epochs", [
    ({}, [0, 1, 30, 2000]),
    ({"init_noise": 1.0}, [0, 3, 500]),  # weights up to 1 + bias: predictions above 1 are clipped
    ({"learning_rate": 1.9, "init_noise": 1.0}, [1, 2, 7]),  # overshooting GD: below 0 and above 1
])
def test_quick_frame_is_the_general_paths_bytes_and_psnr(kwargs, epochs):
    s = Session(photo(), model="onehot", **kwargs)
    quick = quick_frames(s.model)
    below, above = False, False
    for k in epochs:
        drawn = len(quick)
        s.train(k)
        below, above = below or s.model.predict().min() < 0, above or s.model.predict().max() > 1
        assert len(quick) > drawn, "the quick path draws the frame of a byte target in rgb mode"
        expected, expected_psnr = general_path(s)
        shown = s.learned_rgb()
        diff = np.abs(shown.astype(int) - expected)
        # the same rounding but for exact ties (half to even, and 255 r + k summed in another order)
        assert diff.max() <= 1 and (diff == 0).mean() > 0.999
        assert s.scores()["psnr"] == pytest.approx(psnr(shown, to_uint8(s.rgb)), abs=1e-4)
        assert s.scores()["psnr"] == pytest.approx(expected_psnr, abs=0.01)
        np.testing.assert_array_equal(s.frame()[..., :3], shown)
        assert (s.frame()[..., 3] == 255).all()
    assert 5 < s.scores()["psnr"] < 100  # a picture on its way, not a trivial one
    if kwargs.get("learning_rate"):
        assert below and above, "both clips were exercised"


def test_quick_frame_reaches_the_cap_when_the_bytes_match():
    s = Session(photo(), model="onehot")
    s.solve()
    np.testing.assert_array_equal(s.learned_rgb(), photo())
    assert s.scores()["psnr"] == 100.0


def test_a_frame_holding_nan_or_inf_takes_the_general_path():
    target = photo()
    model = make_model("onehot", target / np.float32(255))
    weights = np.array(model.get_params()["weights"])
    weights[1, 1, 1], weights[2, 2, 2] = 1e39, -1e39  # finite in the file, +-inf in the float32 state
    with np.errstate(over="ignore", invalid="ignore"):
        model.set_params({"weights": weights.tolist(), "bias": [0.0, 0.0, 0.0]})
        model.step(1)  # the channel's mean residual is inf - inf: NaN
        prediction = model.predict()
        assert np.isnan(prediction).any() and np.isposinf(prediction).any() and np.isneginf(prediction).any()
        frames, quick = Frames(model.target, target, "rgb", None), quick_frames(model)
        frames.show_now(model, model.cost(), model.epoch)
    assert quick == []
    np.testing.assert_array_equal(frames.rgb, to_uint8(prediction))
    assert frames.psnr == pytest.approx(psnr(to_uint8(prediction), target), abs=1e-9)


@pytest.mark.parametrize("kwargs", [{"holdout": 0.3}, {"mode": "2017"}])
def test_holdout_and_2017_frames_take_the_general_path(kwargs):
    s = Session(photo(), model="onehot", **kwargs)
    quick = quick_frames(s.model)
    s.train(40)
    assert quick == []
    shown = s.learned_rgb()
    assert s.scores()["psnr"] == pytest.approx(psnr(shown[s.train_mask] if s.train_mask is not None else shown,
                                                    photo()[s.train_mask] if s.train_mask is not None else photo()))


def test_float_labels_take_the_general_path():
    rgb = np.random.default_rng(1).random((12, 10, 3)).astype(np.float32)  # not bytes / 255
    s = Session(rgb, model="onehot", init_noise=0.5)
    quick = quick_frames(s.model)
    s.train(3)
    assert quick == []
    np.testing.assert_array_equal(s.learned_rgb(), to_uint8(s.model.predict()))


def test_onehot_zoom_is_the_1x_frame_and_the_png_is_still_blocks():
    s = Session(photo(), model="onehot", init_noise=1.0)
    s.train(3)
    s.zoom = 4
    assert s.shown_info() == {"view": "learned", "zoom": 4, "width": 56, "height": 40, "legend": {"blocks": True}}
    np.testing.assert_array_equal(s.shown_rgb(), s.learned_rgb())
    image = np.asarray(Image.open(BytesIO(s.zoomed_png_bytes(4))).convert("RGB"))
    np.testing.assert_array_equal(image, np.repeat(np.repeat(s.learned_rgb(), 4, axis=0), 4, axis=1))
    assert s.shown_info()["zoom"] == 4  # the export leaves the setting alone
