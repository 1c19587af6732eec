"""solvers.py: mini-batches cover every pixel once per epoch; Adam equals the textbook update."""

import numpy as np
import pytest

from painting.solvers import Adam, minibatches


def test_minibatches_cover_each_index_exactly_once_in_random_order():
    rng = np.random.default_rng(0)
    batches = list(minibatches(10, 4, rng))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert all(b.dtype == np.int64 for b in batches)
    order = np.concatenate(batches)
    np.testing.assert_array_equal(np.sort(order), np.arange(10))
    assert not np.array_equal(order, np.arange(10))  # shuffled
    again = np.concatenate(list(minibatches(10, 4, np.random.default_rng(0))))
    np.testing.assert_array_equal(order, again)  # the seed decides the order


def test_a_batch_as_large_as_the_data_is_the_full_batch_in_order():
    (batch,) = list(minibatches(5, 5, np.random.default_rng(0)))
    np.testing.assert_array_equal(batch, np.arange(5))


def textbook_adam(p, grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Algorithm 1 of Kingma & Ba, with the efficient ordering: eps added to sqrt(v), not sqrt(v_hat)."""
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        alpha = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        p = p - alpha * m / (np.sqrt(v) + eps)
    return p


def test_adam_matches_the_textbook_update():
    rng = np.random.default_rng(1)
    start = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(6)]
    p = start.copy()
    adam = Adam([p])
    for g in grads:
        adam.update([p], [g], 0.01)
    np.testing.assert_allclose(p, textbook_adam(start, grads, 0.01), rtol=1e-12)
    assert adam.t == 6
    # the first step moves every coordinate by ~lr, whatever the gradient's scale
    q = np.zeros(4)
    Adam([q]).update([q], [np.array([1e-2, 1.0, -5.0, 1e3])], 0.01)
    np.testing.assert_allclose(q, [-0.01, -0.01, 0.01, -0.01], rtol=1e-4)


def test_adam_keeps_float32_parameters_float32_and_minimises_a_quadratic():
    target = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    p = np.zeros(3, dtype=np.float32)
    adam = Adam([p])
    for _ in range(2000):
        adam.update([p], [2 * (p - target)], 0.05)
    assert p.dtype == np.float32
    np.testing.assert_allclose(p, target, atol=1e-3)
