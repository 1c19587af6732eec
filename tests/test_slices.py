"""Training in slices: step_batches, batches_per_epoch, progress, predict_rows (the engine's contract)."""
import math

import numpy as np
import pytest

from painting.models import MODELS
from painting.solvers import BatchSchedule, minibatches
from test_snapshot import target

MASK = np.random.default_rng(1).random((32, 40)) < 0.25  # 32 x 40 image: 1280 pixels

BATCHED = [("mlp", {"batch_size": 64}, None), ("mlp", {"batch_size": 64, "encoding": "none"}, MASK),
           ("siren", {"batch_size": 64}, None), ("siren", {"batch_size": 100}, MASK),
           ("plane", {"solver": "sgd", "batch_size": 64}, None), ("poly", {"solver": "sgd", "batch_size": 50}, MASK),
           ("rff", {"solver": "sgd", "batch_size": 64, "features": 256}, None),
           ("rff", {"solver": "sgd", "batch_size": 64, "features": 256}, MASK),
           ("dct", {"solver": "sgd", "batch_size": 64, "k": 8}, MASK)]


def build(name, knobs, mask, seed=0):
    extra = {} if mask is None else {"train_mask": mask}
    return MODELS[name](target(), seed=seed, **knobs, **extra)


def state(model):
    """The trainable arrays, as plain copies."""
    if hasattr(model, "layers"):
        return [a.copy() for layer in model.layers for a in layer] + [a.copy() for a in model.optimizer.m]
    return [model.weights.copy()]


def case_id(case):
    name, knobs, mask = case
    return "-".join([name, *map(str, knobs.values())] + ([] if mask is None else ["masked"]))


def test_batch_schedule_hands_out_the_batches_of_minibatches():
    for n, batch_size in [(10, 4), (12, 4), (5, 5), (5, 8)]:
        a, b = np.random.default_rng(0), np.random.default_rng(0)
        expected = [batch for _ in range(3) for batch in minibatches(n, batch_size, a)]
        schedule = BatchSchedule(n, batch_size)
        assert schedule.per_epoch == math.ceil(n / batch_size)
        got = [schedule.next_batch(b) for _ in range(3 * schedule.per_epoch)]
        assert len(got) == len(expected)
        for x, y in zip(got, expected):
            np.testing.assert_array_equal(x, y)
        assert a.random() == b.random()  # the same draws from the rng, no more
    assert BatchSchedule(10, 4).per_epoch == 3


@pytest.mark.parametrize("name, knobs, mask, expected", [
    ("mlp", {"batch_size": 64}, None, 20), ("mlp", {"batch_size": 64}, MASK, math.ceil(MASK.sum() / 64)),
    ("siren", {"batch_size": 4096}, None, 1), ("plane", {"solver": "sgd", "batch_size": 100}, None, 13),
    ("rff", {"solver": "sgd", "batch_size": 64, "features": 64}, MASK, math.ceil(MASK.sum() / 64)),
    ("plane", {}, None, None), ("dct", {"solver": "gd"}, MASK, None), ("onehot", {}, None, None),
])
def test_batches_per_epoch(name, knobs, mask, expected):
    model = build(name, knobs, mask)
    assert model.batches_per_epoch == expected
    model.step(2)
    assert model.progress == 2.0 and isinstance(model.progress, float) and model.epoch == 2


@pytest.mark.parametrize("name, knobs, mask", BATCHED, ids=map(case_id, BATCHED))
def test_step_is_whole_epochs_of_single_batches_bit_for_bit(name, knobs, mask):
    whole, single = build(name, knobs, mask), build(name, knobs, mask)
    per_epoch = whole.batches_per_epoch
    assert per_epoch > 1
    for model in (whole, single):
        model.step_batches(3)  # stop mid-epoch
    assert whole.epoch == 0 and whole.progress == pytest.approx(3 / per_epoch)
    whole.step(2)
    for _ in range(2 * per_epoch):
        single.step_batches(1)
    assert whole.epoch == single.epoch == 2
    assert whole.progress == single.progress == pytest.approx(2 + 3 / per_epoch)
    for a, b in zip(state(whole), state(single)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(whole.predict(), single.predict())
    assert whole.cost() < build(name, knobs, mask).cost()  # it trained


@pytest.mark.parametrize("name, knobs, mask", BATCHED[:1] + BATCHED[4:5], ids=map(case_id, BATCHED[:1] + BATCHED[4:5]))
def test_an_epoch_of_batches_is_the_epoch_step_made_before(name, knobs, mask):
    """step_batches(batches_per_epoch) from epoch 0 is one epoch of minibatches() (the training before
    epochs could be split): a hand-written epoch over the same batches gives the same numbers."""
    model, reference = build(name, knobs, mask), build(name, knobs, mask)
    model.step_batches(model.batches_per_epoch)
    assert (model.epoch, model.progress) == (1, 1.0)
    for batch in minibatches(reference.num_pixels, knobs["batch_size"], reference.rng):
        if name == "mlp":
            h, tape = reference.forward(reference.encode(batch), keep=True)
            dh = (h - reference.labels[batch]) / len(batch)
            reference.optimizer.update(reference.parameters(), reference.backward(dh, tape), reference.learning_rate)
        else:  # W <- W - (eta / L) / B Phi_b^T (Phi_b W - Y_b)
            phi, phi_t = reference.rows(batch)  # (B, F), (F, B)
            step_size = reference.dtype.type(reference.learning_rate / reference.curvature)
            residual = phi @ reference.weights - reference.labels[batch]  # (B, C)
            reference.weights -= (step_size / len(batch)) * (phi_t @ residual)
    for a, b in zip(state(model), state(reference)):
        np.testing.assert_array_equal(a, b)


def test_progress_counts_batches_and_epochs():
    model = build("mlp", {"batch_size": 64}, None)  # 20 batches per epoch
    assert (model.epoch, model.progress) == (0, 0.0)
    model.step_batches(0)
    assert model.progress == 0.0
    model.step_batches(5)
    assert (model.epoch, model.progress) == (0, 0.25)
    model.step_batches(15)
    assert (model.epoch, model.progress) == (1, 1.0)
    model.step_batches(45)
    assert (model.epoch, model.progress) == (3, 3.25)
    model.step(1)
    assert (model.epoch, model.progress) == (4, 4.25)
    saved = model.get_params()
    model.set_params(saved)  # parameter files hold whole epochs: the epoch starts again
    assert (model.epoch, model.progress) == (4, 4.0)


@pytest.mark.parametrize("name, knobs, message", [
    ("mlp", {}, "batches must be an integer >= 0, got -1"),
    ("plane", {}, "the plane model trains by full-batch gradient descent (solver gd); step_batches needs "
                  "solver sgd, use step(epochs)"),
    ("onehot", {}, "the onehot model has no mini-batch steps"),
])
def test_step_batches_refusals(name, knobs, message):
    model = build(name, knobs, None)
    with pytest.raises(ValueError) as error:
        model.step_batches(-1)
    assert str(error.value).startswith(message)
    if model.batches_per_epoch is not None:
        for bad in (1.5, True, "2"):
            with pytest.raises(ValueError, match="batches must be an integer"):
                model.step_batches(bad)
        assert model.progress == 0.0


ALL = [(name, {"batch_size": 64} if name in ("mlp", "siren") else {}) for name in MODELS] + \
      [("mlp", {"encoding": "none"}), ("mlp", {"encoding": "positional", "output": "sigmoid"}), ("dct", {"k": 8}), ("rff", {"solver": "sgd", "features": 256})]


@pytest.mark.parametrize("name, knobs", ALL, ids=[f"{n}-{'-'.join(map(str, k.values()))}" for n, k in ALL])
def test_predict_rows_is_a_slice_of_predict(name, knobs):
    model = MODELS[name](target(), seed=0, learning_rate=0.5 if name == "rff" else None, **knobs)
    model.step(2)
    encoded = []
    if hasattr(model, "encode"):  # networks: count the pixels that go through the net
        encode = model.encode
        model.encode = lambda index: encoded.append(encode(index)) or encoded[-1]
    rows = {(r0, r1): model.predict_rows(r0, r1) for r0, r1 in [(5, 9), (0, 1), (31, 32), (7, 7), (0, 32)]}
    if hasattr(model, "encode"):
        assert sum(len(x) for x in encoded) == (4 + 1 + 1 + 0 + 32) * 40  # only the rows asked for
    full = model.predict()
    assert full.shape == (32, 40, 3)
    for (r0, r1), part in rows.items():
        assert part.shape == (r1 - r0, 40, 3) and part.dtype == full.dtype
        # the same values; a network's float32 matmul over fewer rows may round its last bit otherwise
        np.testing.assert_allclose(part, full[r0:r1], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(model.predict_rows(3, 6), full[3:6])  # and from the cached image
    assert np.ptp(full) > 0.05  # a picture, not a constant


@pytest.mark.parametrize("name", ["onehot", "dct", "mlp"])
@pytest.mark.parametrize("r0, r1, message", [
    (-1, 3, "rows -1..3 are not a range inside the image's 32 rows"),
    (5, 4, "rows 5..4 are not a range"),
    (0, 33, "(need 0 <= r0 <= r1 <= 32)"),
    (0.5, 2, "rows must be integers, got r0=0.5"),
])
def test_predict_rows_refuses_rows_outside_the_image(name, r0, r1, message):
    model = MODELS[name](target())
    with pytest.raises(ValueError) as error:
        model.predict_rows(r0, r1)
    assert message in str(error.value)
