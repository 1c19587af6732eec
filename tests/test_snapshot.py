"""session.snapshot: constants are read-only and shared, a snapshot copies only what training changes."""
import gc
import weakref

import numpy as np
import pytest

from painting.models import MODELS
from painting.session import snapshot

LINEAR = ("plane", "poly", "rff", "dct")
CASES = ([(name, {}, False) for name in MODELS]
         + [(name, {}, True) for name in MODELS if name != "onehot"]  # onehot has no train_mask
         + [(name, {"solver": "sgd", "batch_size": 100}, masked) for name in LINEAR for masked in (False, True)]
         + [(name, {"batch_size": 100}, False) for name in ("mlp", "siren")])


def target(height=32, width=40):
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    return np.stack([x, y, 0.5 + 0.4 * np.sin(9 * x * y)], axis=2).astype(np.float32)  # (H, W, 3)


def build(name, knobs, masked, seed=0):
    kwargs = dict(knobs)
    if masked:
        kwargs["train_mask"] = np.random.default_rng(1).random((32, 40)) < 0.6
    if name in ("dct",):
        kwargs.setdefault("k", 16)
    return MODELS[name](target(), seed=seed, **kwargs)


def train(model):
    """Some training that leaves every kind of state behind: caches, and mid-epoch batch orders."""
    model.step(2)
    if model.batches_per_epoch is not None:
        model.step_batches(3)
    model.cost()


def arrays(value, seen=None):
    """Every ndarray reachable from value through attributes, lists, tuples and dicts."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, dict):
        items = value.values()
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        items = vars(value).values()
    else:
        return []
    return [a for item in items for a in arrays(item, seen)]


def trainable_bytes(model):
    return sum(a.nbytes for name in model.TRAINING_STATE for a in arrays(getattr(model, name)))


def label(case):
    name, knobs, masked = case
    return f"{name}{'-' + '-'.join(map(str, knobs.values())) if knobs else ''}{'-masked' if masked else ''}"


@pytest.mark.parametrize("name, knobs, masked", CASES, ids=map(label, CASES))
def test_a_snapshot_copies_only_the_trainable_state(name, knobs, masked):
    model = build(name, knobs, masked)
    train(model)
    copy = snapshot(model)
    originals = {id(a) for a in arrays(model)}
    copied = sum(a.nbytes for a in arrays(copy) if id(a) not in originals)
    state = trainable_bytes(model)
    assert state > 0 and state <= copied < 2 * state, (copied, state)
    for attribute in model.TRAINING_STATE:  # the trainable state really is a copy
        assert not {id(a) for a in arrays(getattr(copy, attribute))} & originals
    copied_constants = [f"{attribute} {a.shape}" for attribute, value in vars(copy).items()
                        if attribute not in model.TRAINING_STATE for a in arrays(value) if id(a) not in originals]
    assert not copied_constants


@pytest.mark.parametrize("name, knobs, masked", CASES, ids=map(label, CASES))
def test_every_array_but_the_trainable_state_is_read_only(name, knobs, masked):
    model = build(name, knobs, masked)
    other = build(name, knobs, masked, seed=7)  # rff, mlp: other frequencies, which set_params adopts
    for step in (lambda: None, lambda: train(model), lambda: model.set_params(other.get_params()),
                 lambda: train(model)):
        step()
        constants = [(attribute, a) for attribute, value in vars(model).items()
                     if attribute not in model.TRAINING_STATE for a in arrays(value)]
        assert any(attribute == "labels" or attribute == "target" for attribute, _ in constants)
        writeable = [f"{attribute} {a.shape}" for attribute, a in constants if a.flags.writeable]
        assert not writeable, f"{name}: writeable constants {writeable}"
        assert all(a.flags.writeable for attribute in model.TRAINING_STATE
                   for a in arrays(getattr(model, attribute)))


@pytest.mark.parametrize("name, knobs, masked", CASES, ids=map(label, CASES))
def test_a_restored_snapshot_predicts_and_trains_on_as_before(name, knobs, masked):
    model = build(name, knobs, masked)
    train(model)
    before = model.predict().copy()
    saved, spare = snapshot(model), snapshot(model)
    train(model)
    assert not np.array_equal(model.predict(), before)  # training moved on
    np.testing.assert_array_equal(saved.predict(), before)
    assert (saved.epoch, saved.progress) == (spare.epoch, spare.progress) != (model.epoch, model.progress)
    train(spare)  # the copy carries the rng and the epoch's batch order: it retraces the original
    np.testing.assert_array_equal(spare.predict(), model.predict())
    assert (spare.epoch, spare.progress) == (model.epoch, model.progress)


@pytest.mark.parametrize("name, knobs, masked", CASES, ids=map(label, CASES))
def test_a_dropped_snapshot_is_freed_at_once(name, knobs, masked):
    """No reference cycle: the page drops a copy per frame and per checkpoint, and copies waiting for the
    cycle collector grew Pyodide's heap (which never shrinks) by ~15 MB at 512 x 512."""
    model = build(name, knobs, masked)
    train(model)
    enabled = gc.isenabled()
    gc.disable()
    try:
        copied = weakref.ref(snapshot(model))
        assert copied() is None
    finally:
        if enabled:
            gc.enable()


def test_the_mlp_at_512_holds_no_per_pixel_encoding():
    """Fourier inputs for every pixel would be (M, 256) float32 = 256 MiB at 512 x 512."""
    rgb = np.random.default_rng(0).random((512, 512, 3)).astype(np.float32)
    model = MODELS["mlp"](rgb)
    model.step_batches(1)
    total = sum(a.nbytes for a in arrays(model))  # labels, coordinates, index arrays, tables, weights
    assert total < 32 * 2**20, total / 2**20
