"""The article's figures: TwoByTwo against the 2017 update written out in numpy, the stable limit against
the eigenvalue, and every figure's still."""
import math
from pathlib import Path

import numpy as np
import pytest

from painting.article import FIGURES, TWO_BY_TWO_COLOURS, TwoByTwo, still
from painting.images import load_image
from painting.onehot import stable_learning_rate

PHOTO = Path(__file__).resolve().parent.parent / "site" / "images" / "astronaut.jpg"
X = np.hstack([np.ones((4, 1)), np.eye(4)])  # (4, 5) the oracle's own design matrix


def oracle(y, lr, epochs):
    """w after `epochs` of w <- w - (lr/4) X^T (X w - y) from zero, one numpy line per epoch."""
    w = np.zeros((5,) + np.shape(y)[1:])
    for _ in range(epochs):
        w = w - (lr / 4) * X.T @ (X @ w - y)
    return w


@pytest.mark.parametrize("lr", [0.05, 1.0, 1.5])
def test_step_is_the_2017_update(lr):
    example = TwoByTwo(learning_rate=lr)
    y = np.array(example.state()["labels"])
    example.step()
    assert example.state()["weights"] == pytest.approx(oracle(y, lr, 1).tolist(), abs=1e-12)
    example.step(25)
    state = example.state()
    assert state["epoch"] == 26
    w = oracle(y, lr, 26)
    assert state["weights"] == pytest.approx(w.tolist(), abs=1e-12)
    assert state["predictions"] == pytest.approx((X @ w).tolist(), abs=1e-12)
    assert state["errors"] == pytest.approx((X @ w - y).tolist(), abs=1e-12)
    assert state["cost"] == pytest.approx(float(np.sum((X @ w - y) ** 2)) / 8, abs=1e-12)
    assert state["design"] == X.tolist()


def test_labels_and_a_plain_state():
    state = TwoByTwo().state()
    assert state["labels"][0] == pytest.approx(1.0)  # the post's first pixel is white
    assert len(set(state["labels"])) == 4
    assert state["epoch"] == 0 and state["weights"] == [0.0] * 5 and state["pixels"] == [[0, 0, 0]] * 4
    assert state["stable_below"] == 1.6 and state["exploded"] is False
    for value in state.values():  # plain Python: JSON from the worker
        assert type(value) in (int, float, bool, str, list), value


def test_reset_and_configure():
    example = TwoByTwo()
    example.step(10)
    example.reset()
    assert example.state()["epoch"] == 0 and example.state()["weights"] == [0.0] * 5
    example.step(3)
    example.configure(learning_rate=0.5)
    assert example.state()["epoch"] == 3 and example.state()["learning_rate"] == 0.5
    with pytest.raises(ValueError):
        example.configure(learning_rate=0)
    with pytest.raises(ValueError):
        example.configure(channels="cmyk")


def test_rgb_channels():
    example = TwoByTwo(channels="rgb")
    example.step(4)
    state = example.state()
    y = np.array(TWO_BY_TWO_COLOURS) / 255.0  # (4, 3)
    assert np.shape(state["labels"]) == (4, 3) and np.shape(state["weights"]) == (5, 3)
    assert np.shape(state["errors"]) == (4, 3) and np.shape(state["pixels"]) == (4, 3)
    np.testing.assert_allclose(state["weights"], oracle(y, 1.0, 4), rtol=0, atol=1e-12)


def test_a_rate_past_the_limit_explodes_and_keeps_the_last_good_epoch():
    example = TwoByTwo(learning_rate=2.5)
    example.step(100)
    state = example.state()
    assert state["exploded"] is True
    assert 0 < state["epoch"] < 100 and math.isfinite(state["cost"])
    assert state["weights"] == pytest.approx(oracle(np.array(state["labels"]), 2.5, state["epoch"]).tolist())
    example.step(5)
    assert example.state()["epoch"] == state["epoch"]  # stays put
    just_below = TwoByTwo(learning_rate=1.59)
    just_below.step(2000)
    assert not just_below.state()["exploded"]


@pytest.mark.parametrize("M", [1, 2, 4, 9, 64])
def test_stable_learning_rate_is_two_over_the_top_eigenvalue(M):
    design = np.hstack([np.ones((M, 1)), np.eye(M)])  # (M, M + 1)
    top = np.linalg.eigvalsh(design.T @ design).max()
    # step eta = lr / M is stable iff eta * top < 2
    assert stable_learning_rate(M) == pytest.approx(2 * M / top, rel=1e-12)


REQUIRED = {figure: {"epoch", "cost", "psnr"} for figure in FIGURES}
REQUIRED["two-by-two"] = {"weights", "labels", "learning_rate", "epoch", "cost"}
REQUIRED["learning-rate"] = {"epoch", "cost", "limit", "explodes_at"}


def synthetic_photo():
    """(64, 64, 3) in [0, 1]: smooth colour gradients and a bright disc (Pyodide's tests have no photos)."""
    v, u = np.mgrid[0:64, 0:64] / 63.0  # (64, 64) each
    disc = ((u - 0.6) ** 2 + (v - 0.4) ** 2 < 0.05).astype(np.float64)
    return np.stack([u, v, 0.5 * (1 - u) + 0.5 * disc], axis=2).astype(np.float32)


@pytest.fixture(scope="module")
def photo():
    return load_image(PHOTO, max_side=64)


@pytest.mark.parametrize("figure", FIGURES)
def test_every_still_has_an_image_and_its_numbers(figure):
    image, numbers = still(figure, synthetic_photo())
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert REQUIRED[figure] <= set(numbers)
    assert image.std() > 0  # not a blank picture


@pytest.mark.cpython_only  # the bundled photo is not in Pyodide's mounted tests/
def test_stills_say_what_the_text_claims(photo):
    _, lr = still("learning-rate", photo)
    assert lr["limit"] == pytest.approx(2 * 4096 / 4097, abs=1e-4)
    assert 0 < lr["explodes_at"] < lr["epoch"] and lr["cost_slow"] > lr["cost_just_right"]
    _, labels = still("labels-2017", photo)
    assert labels["psnr_rgb"] > labels["psnr_packed"]
    _, network = still("network", photo)
    assert network["psnr_hidden_gaussian"] > network["psnr_hidden_none"]
    with pytest.raises(ValueError, match="unknown figure 'nope'"):
        still("nope", photo)
