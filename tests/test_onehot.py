"""The O(n) image model against the dense oracle, closed-form fast-forward against stepping, protocol."""
import math

import numpy as np
import pytest

from painting.explosion import CostExplodedError
from painting.linreg import LinearRegressionModel, TrainConfig, run_training
from painting.knobs import Knob
from painting.models import MODELS, make_model
from painting.onehot import OneHotImageModel
from painting.packed import encode_packed


def dense_params(y, epochs, learning_rate):
    """Oracle: one dense one-hot LinearRegressionModel per channel -> weights (H, W, C), bias (C,)."""
    H, W, C = y.shape
    X = np.eye(H * W).tolist()  # the post's one-hot rows
    ws, bs = [], []
    for c in range(C):
        m = LinearRegressionModel()
        m.train(X, [[v] for v in y[..., c].ravel().tolist()],
                {"epochs": epochs, "learning_rate": learning_rate, "log_cost": -1})
        p = np.array(m.get_params())
        bs.append(p[0])
        ws.append(p[1:].reshape(H, W))
    return np.stack(ws, axis=2), np.array(bs)


def train_2017(model, config):
    """The post's train() loop on the image model (its logging quirk, max_cost and NaN checks)."""
    cfg = TrainConfig.from_dict(config)
    model.learning_rate = cfg.learning_rate
    return run_training(model, cfg, model.cost, model.step)


def random_image(seed, h=5, w=4):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("mode", ["rgb", "2017"])
@pytest.mark.parametrize("lr", [0.05, 1.0, 1.6])
def test_fast_path_equals_dense_oracle(mode, lr):
    u8 = random_image(int(lr * 100))
    y = u8 / 255.0 if mode == "rgb" else encode_packed(u8)  # (H, W, 3) or (H, W, 1)
    scale = float(np.abs(y).max())
    w_dense, b_dense = dense_params(y, 60, lr)
    for dtype, rtol in ((np.float64, 1e-12), (np.float32, 1e-5)):
        honest = OneHotImageModel(y, learning_rate=lr, dtype=dtype)
        honest.step(60, closed_form=False)
        jumped = OneHotImageModel(y, learning_rate=lr, dtype=dtype)
        jumped.step(60)
        for m in (honest, jumped):
            assert m.epoch == 60
            np.testing.assert_allclose(m.weights, w_dense, rtol=0, atol=rtol * scale)
            np.testing.assert_allclose(m.bias, b_dense, rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("k", [1, 7, 1000])
@pytest.mark.parametrize("lr", [0.05, 1.0])
def test_fast_forward_equals_stepping(k, lr):
    y = np.random.default_rng(k).random((16, 12, 3)).astype(np.float32)
    stepped = OneHotImageModel(y, learning_rate=lr, init_noise=0.5, seed=1)
    jumped = OneHotImageModel(y, learning_rate=lr, init_noise=0.5, seed=1)
    stepped.step(k, closed_form=False)
    jumped.step(k)
    assert stepped.epoch == jumped.epoch == k
    np.testing.assert_allclose(jumped.weights, stepped.weights, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(jumped.bias, stepped.bias, rtol=1e-5, atol=1e-6)
    assert jumped.cost() == pytest.approx(stepped.cost(), rel=1e-4)


def test_float32_state_keeps_tiny_steps_accurate():
    # eta = 1/65536 is below float32 resolution near 1: the scale trick must still apply it exactly
    y = np.random.default_rng(0).random((256, 256, 1))
    m32 = OneHotImageModel(y, learning_rate=1.0)
    m64 = OneHotImageModel(y, learning_rate=1.0, dtype=np.float64)
    m32.step(300, closed_form=False)
    m64.step(300)
    # lr = 1 makes c = -1/M, so the mean residual vanishes at once and the rest decays as a^k
    expected = (1 - 1 / 65536) ** 300 * (y.mean() - y)  # (H, W, 1) residual after 300 epochs
    np.testing.assert_allclose(m64.predict() - y, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(m32.residual, expected, rtol=0, atol=3e-7)
    # (a float32 multiply by (1 - eta) per epoch, rounding eta, ends ~2e-6 off here)


def test_huge_fast_forward_is_finite_and_converged():
    y = np.random.default_rng(2).random((8, 8, 3))
    m = OneHotImageModel(y, learning_rate=0.05)
    m.step(10**12)
    assert m.cost() < 1e-20 and np.isfinite(m.weights).all()
    solved = OneHotImageModel(y, learning_rate=0.05)
    solved.solve()
    assert solved.cost() == 0.0 and solved.epoch == 0
    np.testing.assert_allclose(solved.weights, m.weights, atol=1e-6)
    np.testing.assert_allclose(solved.bias, m.bias, atol=1e-6)
    # from zeros, the GD limit puts sum(y)/(M+1) in the bias and the rest in the weights
    np.testing.assert_allclose(solved.bias, y.sum(axis=(0, 1)) / 65, rtol=1e-6)


def test_divergent_rate_explodes_in_train():
    y = np.random.default_rng(3).random((4, 4, 3))
    m = OneHotImageModel(y)
    with pytest.raises(CostExplodedError, match="cost exploded"):
        train_2017(m, {"learning_rate": 3.0, "epochs": 10**6, "log_cost": 1000})
    m = OneHotImageModel(y, learning_rate=3.0)
    m.step(5000)
    assert not math.isfinite(m.cost())


def test_train_matches_dense_train_with_logging():
    u8 = random_image(9, 3, 3)
    y = encode_packed(u8)  # (3, 3, 1)
    dense_log, fast_log = [], []
    cfg = {"learningRate": 0.5, "epochs": 25, "logCost": 4, "maxCost": 1.0}
    d = LinearRegressionModel()
    d.train(np.eye(9).tolist(), y.reshape(9, 1).tolist(), dict(cfg, logCallback=dense_log.append))
    f = OneHotImageModel(y, dtype=np.float64)
    result = train_2017(f, dict(cfg, logCallback=fast_log.append))
    assert [i["epoch"] for i in fast_log] == [i["epoch"] for i in dense_log] == [1, 5, 9, 13, 17, 21, 25]
    assert [i["cost"] for i in fast_log] == pytest.approx([i["cost"] for i in dense_log], rel=1e-12)
    assert result == {"epochs": 25, "cost": pytest.approx(dense_log[-1]["cost"]), "stopped": False}
    p = np.array(d.get_params())
    np.testing.assert_allclose(f.weights.ravel(), p[1:], rtol=1e-12)
    assert f.bias[0] == pytest.approx(p[0], rel=1e-12)
    assert f.epoch == 25


def test_train_stops_at_a_logging_epoch_below_max_cost():
    y = np.full((2, 2, 1), 0.5)
    m = OneHotImageModel(y, dtype=np.float64)
    first = m.cost()  # 4 * 0.25 / 8
    assert first == 0.125
    result = train_2017(m, {"learning_rate": 1.0, "epochs": 100, "log_cost": 10, "max_cost": 1e-3})
    assert result["stopped"] and result["epochs"] == 10 and m.epoch == 10 and result["cost"] < 1e-3


def test_params_round_trip_and_validation():
    y = np.random.default_rng(4).random((3, 5, 3))
    m = OneHotImageModel(y, init_noise=0.3, seed=7)
    p = m.get_params()
    assert np.array(p["weights"]).shape == (3, 5, 3) and len(p["bias"]) == 3 and p["epoch"] == 0
    assert 0 < np.array(p["weights"]).max() < 0.3
    m.step(17)
    p = m.get_params()
    other = OneHotImageModel(y)
    other.set_params(p)
    assert other.epoch == 17 and other.cost() == pytest.approx(m.cost(), rel=1e-5)
    np.testing.assert_allclose(other.weights, m.weights, atol=1e-6)
    bad = [({"weights": p["weights"]}, "a dict with 'weights'"),
           (dict(p, weights=np.zeros((3, 4, 3)).tolist()), r"shape \(3, 5, 3\)"),
           (dict(p, bias=[0, 0]), "3 values"),
           (dict(p, bias=[0, float("nan"), 0]), "NaN"),
           (dict(p, weights="pixels"), "must be numbers"),
           (dict(p, epoch=-1), "epoch must be an integer")]
    for params, message in bad:
        with pytest.raises(ValueError, match=message):
            other.set_params(params)
    assert other.epoch == 17


def test_registry_and_knobs():
    k = Knob(0.5, 0.0, 1.0)
    assert (k.clamp(2), k.clamp(-1), k.clamp("0.25")) == (1.0, 0.0, 0.25)
    assert Knob(3, 1, 10, integer=True).clamp(4.6) == 5
    with pytest.raises(ValueError, match="must be a number"):
        k.clamp("lots")
    assert MODELS["onehot"] is OneHotImageModel
    y = np.zeros((2, 3, 3))
    m = make_model("onehot", y, learning_rate=0.5, init_noise=7)  # clamped to 1.0
    assert m.learning_rate == 0.5 and 0 < m.weights.max() < 1.0
    assert make_model("onehot", y).learning_rate == OneHotImageModel.DEFAULT_LEARNING_RATE
    with pytest.raises(ValueError, match="unknown model 'cnn'; choose one of: onehot"):
        make_model("cnn", y)
    with pytest.raises(ValueError, match="has no setting 'depth'"):
        make_model("onehot", y, depth=3)
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0"):
        make_model("onehot", y, learning_rate=-1)
    with pytest.raises(ValueError, match="non-empty"):
        OneHotImageModel(np.zeros((0, 3, 3)))
