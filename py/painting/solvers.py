"""Optimiser pieces shared by the feature models (features.py) and the networks (nets.py).

Nothing here knows about images or models: a mini-batch index generator and the Adam optimiser,
which updates a list of parameter arrays in place from a list of gradients.

    Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"):
                        m <- b1*m + (1-b1)*g;  v <- b2*v + (1-b2)*g^2
                        p <- p - lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)
    (the paper's "more efficient" ordering of the bias corrections, Section 2.)
"""

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


class Adam:
    """Adam with bias correction; state is one (m, v) pair per parameter array and a step count."""

    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t = 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def update(self, params, grads, lr):
        self.t += 1
        # fold both bias corrections into one scalar step size (same maths, fewer temporaries)
        step = float(lr) * (1.0 - self.beta2 ** self.t) ** 0.5 / (1.0 - self.beta1 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            p -= step * m / (np.sqrt(v) + self.eps)  # python float step keeps float32 arrays float32

