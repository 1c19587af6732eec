"""Optimiser pieces shared by the feature models (features.py) and the networks (nets.py).

Nothing here knows about images or models: mini-batch indices (a generator for whole epochs, and
BatchSchedule, the same batches one at a time so an epoch can be split across calls) and the Adam
optimiser, which updates a list of parameter arrays in place from a list of gradients: numpy arrays,
or TensorFlow.js variables (tfnets.py) through the same update written with the array operations `ops`.

    Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"):
                        m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2
                        p <- p - lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)
    (the paper's "more efficient" ordering of the bias corrections, Section 2.)
"""

from types import SimpleNamespace

import numpy as np


def minibatches(n, batch_size, rng):
    """Yield index arrays that cover range(n) once, in random order, without replacement.

    One pass of this generator is one epoch. The last batch may be smaller.
    """
    if batch_size >= n:
        yield np.arange(n, dtype=np.int64)  # full batch: keep pixel order (cache friendly)
        return
    order = rng.permutation(n).astype(np.int64)  # (n,)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]  # (B,) with B <= batch_size


class BatchSchedule:
    """The batches of minibatches(n, batch_size, rng), handed out one at a time across calls.

    An epoch is `per_epoch` batches; `done` counts those of the current epoch (0 <= done < per_epoch), so a
    model can stop mid-epoch and go on later. The epoch's order is drawn from rng when its first batch is
    asked for, exactly as minibatches() draws it, so the batches are the same as with the generator. The
    order is read-only: a snapshot of a model shares it.
    """

    def __init__(self, n, batch_size):
        self.n, self.batch_size = int(n), int(batch_size)
        self.per_epoch = 1 if self.batch_size >= self.n else -(-self.n // self.batch_size)
        self.done = 0
        self.order = None  # (n,) this epoch's permutation, read-only; None between epochs

    def next_batch(self, rng):
        """(B,) indices of the next batch; after the epoch's last one, done is 0 again."""
        if self.per_epoch == 1:
            batch = np.arange(self.n, dtype=np.int64)  # full batch: pixel order, no draw (as minibatches)
        else:
            if self.done == 0:
                self.order = rng.permutation(self.n).astype(np.int64)  # (n,)
                self.order.flags.writeable = False
            batch = self.order[self.done * self.batch_size:(self.done + 1) * self.batch_size]  # (B,)
        self.done += 1
        if self.done == self.per_epoch:
            self.done, self.order = 0, None
        return batch


def check_count(value, name):
    """An integer >= 0 (a number of epochs or batches); ValueError naming `name` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


NUMPY_OPS = SimpleNamespace(add=np.add, sub=np.subtract, mul=np.multiply, div=np.divide, sqrt=np.sqrt,
                            square=np.square, assign=np.copyto)
"""The array operations Adam.update uses, on numpy arrays: elementwise add, sub, mul, div (an array and
an array or a Python float), sqrt, square, and assign(target, value), which writes value into target."""


class Adam:
    """Adam with bias correction; state is one (m, v) pair per parameter array and a step count.

    `ops` (NUMPY_OPS) are the operations on the arrays: tfnets gives a copy of this state whose
    m and v are TensorFlow.js variables, and TensorFlow.js's operations, so both run this update."""

    ops = NUMPY_OPS

    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t = 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def update(self, params, grads, lr):
        """One step on every parameter array, in place (`ops.assign`)."""
        ops, beta1, beta2 = self.ops, self.beta1, self.beta2
        self.t += 1
        # fold both bias corrections into one scalar step size (same maths, fewer temporaries)
        step = float(lr) * (1.0 - beta2 ** self.t) ** 0.5 / (1.0 - beta1 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            ops.assign(m, ops.add(ops.mul(m, beta1), ops.mul(g, 1.0 - beta1)))
            ops.assign(v, ops.add(ops.mul(v, beta2), ops.mul(ops.square(g), 1.0 - beta2)))
            # Python float factors keep float32 arrays float32
            ops.assign(p, ops.sub(p, ops.div(ops.mul(m, step), ops.add(ops.sqrt(v), self.eps))))


def conjugate_gradients(normal, rhs, precondition, tolerance=1e-10, max_iterations=1000):
    """Solve normal(x) = rhs for a symmetric positive definite operator, one system per column of rhs
    (F, C), run side by side, preconditioned by the elementwise factor `precondition` (F, 1) or (F, C),
    until ||residual|| <= tolerance ||rhs|| per column or max_iterations. -> x (F, C) float64."""
    x = np.zeros_like(rhs)
    r = rhs.copy()
    z = precondition * r
    p = z.copy()
    rz = np.sum(r * z, axis=0)  # (C,)
    limit = tolerance * np.linalg.norm(rhs, axis=0)  # (C,)
    for _ in range(max_iterations):
        if np.all(np.linalg.norm(r, axis=0) <= limit):
            break
        q = normal(p)  # (F, C)
        alpha = rz / np.maximum(np.sum(p * q, axis=0), 1e-300)
        x += alpha * p
        r -= alpha * q
        z = precondition * r
        rz_next = np.sum(r * z, axis=0)
        p = z + (rz_next / np.maximum(rz, 1e-300)) * p
        rz = rz_next
    return x
