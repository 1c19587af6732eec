"""describe_models() (the page's copy of the registry) and Session.solve()."""
import json

import numpy as np
import pytest

from painting.models import MODELS, describe_models
from painting.session import Session


def test_describe_models_mirrors_the_registry_and_is_json():
    table = json.loads(json.dumps(describe_models()))
    assert [m["name"] for m in table] == list(MODELS)
    for entry in table:
        cls = MODELS[entry["name"]]
        assert entry["default_learning_rate"] == cls.DEFAULT_LEARNING_RATE
        assert entry["solvable"] == callable(getattr(cls, "solve", None))
        assert entry["epochs_per_frame"] == cls.EPOCHS_PER_FRAME >= 1
        assert [k["name"] for k in entry["knobs"]] == list(cls.KNOBS)
        for k in entry["knobs"]:
            knob = cls.KNOBS[k["name"]]
            assert (k["default"], k["low"], k["high"], k["log"], k["integer"]) == \
                (knob.default, knob.low, knob.high, knob.log, knob.integer)
            assert k["choices"] == list(knob.choices)
            assert k["label"]


@pytest.mark.parametrize("model", ["onehot", "dct"])
def test_solve_jumps_to_the_exact_answer(model):
    rgb = np.random.default_rng(1).random((16, 16, 3)).astype(np.float32)
    s = Session(rgb, model=model)
    stats = s.solve()
    assert stats["epoch"] == 0 and stats["psnr"] > 50
    assert s.stats()["psnr"] == stats["psnr"]
    assert (s.frame()[..., :3] == s.target_frame()[..., :3]).mean() > 0.99


def test_solve_refuses_a_network_and_keeps_the_state():
    s = Session(np.zeros((8, 8, 3)), model="mlp")
    before = s.frame().copy()
    with pytest.raises(ValueError, match="no closed-form answer"):
        s.solve()
    assert (s.frame() == before).all()


def test_onehot_paints_slowly_enough_to_watch():
    """At 1000 epochs per frame the default 64 x 64 photo is finished within ~20 frames."""
    assert {m["name"]: m["epochs_per_frame"] for m in describe_models()}["onehot"] == 100


def test_choice_knobs_take_their_names():
    solver = MODELS["rff"].KNOBS["solver"]
    assert solver.clamp("sgd") == 1 and solver.clamp(" GD ") == 0 and solver.clamp(1) == 1
    with pytest.raises(ValueError, match="solver must be a number"):
        solver.clamp("adam", "solver")
    assert MODELS["mlp"].KNOBS["fourier"].clamp("xy") == 0
