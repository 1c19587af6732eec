"""Session: steps, frames per mode, PSNR on the displayed pixels, explode-and-restore; rgba_to_rgb."""
import numpy as np
import pytest

from painting.images import to_uint8
from painting.linreg import CostExplodedError
from painting.metrics import PSNR_CAP, cost, psnr
from painting.onehot import OneHotImageModel
from painting.packed import decode_packed, encode_packed
from painting.session import Session, rgba_to_rgb


def target(h=12, w=10, seed=0):
    return np.random.default_rng(seed).random((h, w, 3)).astype(np.float32)


def test_rgb_session_steps_and_frames():
    rgb = target()
    s = Session(rgb, learning_rate=1.0)
    assert s.stats()["epoch"] == 0
    assert s.frame().shape == (12, 10, 4) and s.frame().dtype == np.uint8 and s.frame().flags.c_contiguous
    assert (s.frame()[..., :3] == 0).all() and (s.frame()[..., 3] == 255).all()  # zero weights: black
    np.testing.assert_array_equal(s.target_frame()[..., :3], to_uint8(rgb))
    out = s.step(50)
    oracle = OneHotImageModel(rgb, learning_rate=1.0)
    oracle.iterate(50)
    assert out["epoch"] == 50 and out["cost"] == pytest.approx(oracle.cost(), rel=1e-4)
    assert out["cost"] == pytest.approx(cost(oracle.predict(), rgb), rel=1e-4)
    np.testing.assert_array_equal(s.frame()[..., :3], to_uint8(oracle.predict()))
    assert out["psnr"] == pytest.approx(psnr(s.frame()[..., :3], to_uint8(rgb)), abs=1e-12)
    before = out["psnr"]
    after = s.step(5000)
    assert after["epoch"] == 5050 and after["psnr"] > before
    assert s.stats()["psnr"] == after["psnr"] and s.stats()["mode"] == "rgb"


def test_psnr_is_capped_and_converged_session_hits_the_cap():
    x = np.random.default_rng(1).random((4, 4, 3))
    assert psnr(x, x) == PSNR_CAP
    assert psnr(np.zeros((2, 2, 3)), np.full((2, 2, 3), 0.1)) == pytest.approx(20.0)
    s = Session(target(6, 6), learning_rate=1.0)
    assert s.step(10**7)["psnr"] == PSNR_CAP


def test_2017_mode_uses_packed_labels_and_decoded_frames():
    rgb = target(5, 7, seed=2)
    u8 = to_uint8(rgb)
    s = Session(rgb, mode="2017", learning_rate=0.05)
    assert s.model.target.shape == (5, 7, 1)
    np.testing.assert_array_equal(s.model.target[..., 0], encode_packed(u8)[..., 0])
    s.step(300)
    np.testing.assert_array_equal(s.frame()[..., :3], decode_packed(s.model.predict()))
    assert s.stats()["psnr"] == pytest.approx(psnr(decode_packed(s.model.predict()), u8))
    # halfway to a packed colour the bytes are scrambled: the 2017 look, not a fade-in
    assert s.stats()["psnr"] < 20


def test_explosion_restores_the_state_and_frames_stay_clean():
    s = Session(target(), learning_rate=1.0)
    s.step(20)
    saved = (s.model.get_params(), s.frame().copy(), s.stats())
    s.learning_rate = 5.0
    with pytest.raises(CostExplodedError, match="exploded.*restored"):
        s.step(2000)
    assert s.model.get_params() == saved[0]
    np.testing.assert_array_equal(s.frame(), saved[1])
    assert s.stats()["epoch"] == 20 and s.stats()["cost"] == saved[2]["cost"]
    s.learning_rate = 1.0
    assert s.step(1)["epoch"] == 21


def test_reset_and_validation():
    s = Session(target(), learning_rate=0.5, init_noise=0.2, seed=4)
    first = s.frame().copy()
    assert first[..., :3].max() > 0  # noise init
    s.step(100)
    s.reset()
    assert s.stats()["epoch"] == 0 and s.learning_rate == 0.5
    np.testing.assert_array_equal(s.frame(), first)
    with pytest.raises(ValueError, match="mode must be one of rgb, 2017"):
        Session(target(), mode="cmyk")
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        Session(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="epochs must be an integer"):
        s.step(-1)
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0"):
        s.learning_rate = float("nan")
    with pytest.raises(ValueError, match="unknown model"):
        Session(target(), model="nope")


def test_rgba_to_rgb_accepts_buffers_and_checks_length():
    rgba = np.array([[[255, 0, 0, 255], [0, 0, 0, 0]], [[0, 0, 0, 255], [0, 0, 255, 51]]], dtype=np.uint8)
    expected = np.array([[[1, 0, 0], [1, 1, 1]], [[0, 0, 0], [0.8, 0.8, 1]]], dtype=np.float32)
    for buffer in (rgba, rgba.tobytes(), bytearray(rgba.tobytes()), memoryview(rgba.tobytes())):
        out = rgba_to_rgb(buffer, 2, 2)
        assert out.shape == (2, 2, 3) and out.dtype == np.float32
        np.testing.assert_allclose(out, expected, atol=1e-6)
    with pytest.raises(ValueError, match=r"2\*3\*4 = 24 bytes, got 16"):
        rgba_to_rgb(rgba.tobytes(), 2, 3)
    with pytest.raises(ValueError, match="uint8"):
        rgba_to_rgb(rgba.astype(np.float32), 2, 2)
    with pytest.raises(ValueError, match="height must be a positive integer"):
        rgba_to_rgb(b"", 0, 2)
    with pytest.raises(ValueError, match="got str"):
        rgba_to_rgb("pixels", 1, 1)
