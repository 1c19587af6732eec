"""Parameter files as JSON: written compactly without NaN, read back with a clear reason when unusable."""
import json

import numpy as np
import pytest

import painting.params as params_module
from painting.params import params_from_json, params_to_json
from painting.session import Session


def saved():
    s = Session(np.random.default_rng(0).random((4, 5, 3)).astype(np.float32), learning_rate=0.5)
    s.train(3)
    return s.get_params()


def test_round_trip_is_exact_and_compact():
    p = saved()
    text = params_to_json(p)
    assert " " not in text and params_from_json(text) == p
    assert params_from_json(text.encode("utf-8")) == p
    assert params_from_json(b"\xef\xbb\xbf" + text.encode("utf-8")) == p  # a BOM from an editor
    assert params_from_json(json.dumps(p, indent=2)) == p  # hand-formatted files are fine
    assert json.loads(text)["params"]["epoch"] == 3 and len(json.loads(text)["params"]["weights"]) == 4


def test_nan_cannot_be_written_or_read():
    with pytest.raises(ValueError, match="NaN or infinity and cannot be saved"):
        params_to_json({"learning_rate": float("nan")})
    with pytest.raises(ValueError, match="not plain JSON data"):
        params_to_json({"weights": np.zeros(2)})
    with pytest.raises(ValueError, match="contains NaN, which is not a number JSON allows"):
        params_from_json('{"learning_rate": NaN}')
    with pytest.raises(ValueError, match="contains -Infinity"):
        params_from_json('{"bias": [-Infinity]}')


@pytest.mark.parametrize("text, message", [
    ("", "the parameter file is empty"),
    ("  \n", "the parameter file is empty"),
    ('{"format": "regression-painter-params",', r"not valid JSON \(Expecting"),
    ("[1, 2, 3]", "must hold a JSON object, got an array"),
    ('"hello"', "got a string"),
    ("42", "got a number"),
    ("null", "got null"),
    (b"\xff\xfe{", "not text"),
    (17, "must be JSON text, got int"),
])
def test_unusable_files_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        params_from_json(text)


def test_size_limit(monkeypatch):
    text = params_to_json(saved())
    monkeypatch.setattr(params_module, "MAX_JSON_CHARS", len(text) - 1)
    with pytest.raises(ValueError, match=r"too large \(0\.0 MB; at most 0 MB\)"):
        params_from_json(text)
    with pytest.raises(ValueError, match="too large"):
        params_from_json(text.encode())
    monkeypatch.setattr(params_module, "MAX_JSON_CHARS", len(text))
    assert params_from_json(text)["epoch"] == 3
