"""The dense 2017 model against iterates worked out by hand, and the post's loop quirks."""
import math

import numpy as np
import pytest

from painting.explosion import CostExplodedError
from painting.linreg import LinearRegressionModel, TrainConfig

ONE_HOT_2x2 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]  # the post's trainingX


def trained(labels, epochs, **config):
    m = LinearRegressionModel()
    m.train(ONE_HOT_2x2, labels, dict(epochs=epochs, log_cost=-1, **config))
    return m.get_params()


def test_post_example_by_hand():
    # lr 0.4 over M = 4 samples: step 0.1. Epoch 1 from zeros: errors -y, so b = 0.1*8, w = 0.1*y.
    y = [[4], [0], [2], [2]]
    assert trained(y, 1, learning_rate=0.4) == pytest.approx([0.8, 0.4, 0.0, 0.2, 0.2], abs=1e-15)
    # epoch 2: h = [1.2, 0.8, 1.0, 1.0], errors [-2.8, 0.8, -1, -1], sum -4
    assert trained(y, 2, learning_rate=0.4) == pytest.approx([1.2, 0.68, -0.08, 0.3, 0.3], abs=1e-15)


def test_post_example_white_pixel_with_defaults():
    # trainingY[0] is white: 0xFFFFFF; default learning rate 0.05 -> step 0.0125
    y = [[16777215], [0], [0], [0]]
    assert trained(y, 1) == pytest.approx([209715.1875, 209715.1875, 0, 0, 0], rel=1e-15)
    b2 = 209715.1875 + 0.0125 * (16777215 - 419430.375 - 3 * 209715.1875)
    w2 = [209715.1875 + 0.0125 * (16777215 - 419430.375), -0.0125 * 209715.1875]
    assert trained(y, 2) == pytest.approx([b2, w2[0], w2[1], w2[1], w2[1]], rel=1e-15)
    assert b2 == pytest.approx(406323.17578125, rel=1e-15)


def test_defaults_and_js_falsy_fallback():
    d = TrainConfig.from_dict({})
    assert (d.learning_rate, d.max_cost, d.epochs, d.log_cost) == (0.05, 0.05, 10, 100)
    falsy = TrainConfig.from_dict({"learningRate": 0, "maxCost": None, "epochs": 0, "logCost": float("nan")})
    assert (falsy.learning_rate, falsy.max_cost, falsy.epochs, falsy.log_cost) == (0.05, 0.05, 10, 100)
    camel = TrainConfig.from_dict({"learningRate": 0.2, "maxCost": 1e-3, "epochs": 7, "logCost": 3})
    snake = TrainConfig.from_dict({"learning_rate": 0.2, "max_cost": 1e-3, "epochs": 7, "log_cost": 3})
    assert camel == snake and camel.epochs == 7 and camel.learning_rate == 0.2
    with pytest.raises(ValueError, match="unknown train config key 'rate'"):
        TrainConfig.from_dict({"rate": 1})
    with pytest.raises(ValueError, match="epochs must be a finite number"):
        TrainConfig.from_dict({"epochs": "ten"})


def _cost(params, y):
    p = np.asarray(params)
    r = p[0] + p[1:] - np.asarray(y, dtype=float)[:, 0]
    return float(r @ r) / 8


def test_logging_quirk_and_callback_arguments():
    y = [[1.0], [0.0], [0.5], [0.25]]
    m = LinearRegressionModel()
    seen = []
    m.train(ONE_HOT_2x2, y, {"epochs": 10, "log_cost": 1, "max_cost": 1e-9, "log_callback": seen.append})
    assert seen == []  # epoch % 1 == 1 never holds
    m = LinearRegressionModel()
    m.train(ONE_HOT_2x2, y, {"epochs": 9, "log_cost": 3, "max_cost": 1e-9, "log_callback": seen.append})
    assert [info["epoch"] for info in seen] == [1, 4, 7]
    assert all(info["model"] is m for info in seen)
    # the cost reported at epoch e is the cost of the params after e - 1 updates
    for info in seen:
        expected = _cost(trained(y, info["epoch"] - 1, max_cost=1e-9) if info["epoch"] > 1 else [0] * 5, y)
        assert info["cost"] == pytest.approx(expected, rel=1e-12)
    assert seen[0]["cost"] == pytest.approx((1 + 0.25 + 0.0625) / 8, rel=1e-15)


def test_max_cost_only_at_logging_epochs_and_before_the_update():
    y = [[1.0], [0.0], [0.5], [0.25]]
    costs = [_cost(trained(y, k, learning_rate=0.4) if k else [0] * 5, y) for k in range(5)]
    assert costs == sorted(costs, reverse=True)
    m = LinearRegressionModel()
    result = m.train(ONE_HOT_2x2, y, {"epochs": 50, "learning_rate": 0.4, "log_cost": 3,
                                     "max_cost": costs[1] * 1.001})
    # below max_cost after 1 update already, but the next check is at epoch 4: 3 updates were done
    assert result["stopped"] and result["epochs"] == 3
    assert result["cost"] == pytest.approx(costs[3], rel=1e-12)
    assert m.get_params() == pytest.approx(trained(y, 3, learning_rate=0.4), abs=1e-15)


def test_exploding_cost_raises():
    m = LinearRegressionModel()
    with pytest.raises(CostExplodedError, match="cost exploded"):
        m.train(ONE_HOT_2x2, [[1], [2], [3], [4]], {"learning_rate": 10, "epochs": 5000, "log_cost": 2})


def test_uniform_init_is_seeded():
    a = LinearRegressionModel(4, init="uniform", seed=3).get_params()
    b = LinearRegressionModel(4, init="uniform", seed=3).get_params()
    assert a == b and len(a) == 5 and all(0 <= v < 1 for v in a) and len(set(a)) == 5
    assert LinearRegressionModel(4).get_params() == [0.0] * 5


def test_score_and_params_round_trip():
    m = LinearRegressionModel(3)
    m.set_params([1.0, 2.0, -1.0, 0.5])
    assert m.get_params() == [1.0, 2.0, -1.0, 0.5]
    assert m.score([1, 1, 2]) == 1 + 2 - 1 + 1.0
    assert m.score([[0, 0, 0], [1, 0, 0]]).tolist() == [1.0, 3.0]
    with pytest.raises(ValueError, match="expected 4 params"):
        m.set_params([1, 2])
    with pytest.raises(ValueError, match="NaN or infinity"):
        m.set_params([1, 2, math.nan, 4])
    with pytest.raises(ValueError, match="flat list of numbers"):
        m.set_params(["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="flat, non-empty"):
        m.set_params([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="3 inputs per sample"):
        m.score([1, 2])
    assert m.get_params() == [1.0, 2.0, -1.0, 0.5]


def test_bad_training_data():
    m = LinearRegressionModel()
    with pytest.raises(ValueError, match="4 samples but 3 labels"):
        m.train(ONE_HOT_2x2, [[1], [2], [3]])
    with pytest.raises(ValueError, match="rectangular"):
        m.train([[1, 0], [1]], [[1], [2]])
