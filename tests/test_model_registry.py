"""The model registry (models.py) as the page reads it: describe_models() mirrors MODELS (rates, epochs per
frame, knobs), and a choice knob takes its choices' names."""
import json

import pytest

from painting.models import MODELS, describe_models


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


def test_onehot_suggests_100_epochs_per_frame():
    """The page's starting pace (slow enough to watch the 2017 model paint) is onehot's EPOCHS_PER_FRAME."""
    assert {m["name"]: m["epochs_per_frame"] for m in describe_models()}["onehot"] == 100


def test_choice_knobs_take_their_names():
    solver = MODELS["rff"].KNOBS["solver"]
    assert solver.clamp("sgd") == 1 and solver.clamp(" GD ") == 0 and solver.clamp(1) == 1
    with pytest.raises(ValueError, match=r"solver must be one of gd, sgd \(or 0..1\), got 'adam'"):
        solver.clamp("adam", "solver")
    encoding = MODELS["mlp"].KNOBS["encoding"]
    assert [encoding.clamp(name) for name in ("none", "basic", "positional", "gaussian")] == [0, 1, 2, 3]
    assert encoding.default == 3  # gaussian, the mlp's input before there were four


def test_knobs_that_apply_to_some_values_say_so():
    mlp = {k["name"]: k for k in next(m for m in describe_models() if m["name"] == "mlp")["knobs"]}
    assert mlp["features"]["applies"] == {"knob": "encoding", "values": [2, 3]}  # positional, gaussian
    assert mlp["sigma"]["applies"] == {"knob": "encoding", "values": [3]}
    assert mlp["scale"]["applies"] == {"knob": "encoding", "values": [2]}
    assert mlp["width"]["applies"] is None and mlp["encoding"]["applies"] is None
    for entry in describe_models():  # every condition names a choice knob of the same model
        for k in entry["knobs"]:
            if k["applies"]:
                other = MODELS[entry["name"]].KNOBS[k["applies"]["knob"]]
                assert other.choices and all(other.low <= v <= other.high for v in k["applies"]["values"])
