"""Linear regression on features of the pixel coordinates v = (x, y): the 2017 post's question.

"Using linear regression, is it possible to input only two values ([x, y]) and train the model to
output all pixel colours?" With the raw inputs, no: the best is a colour plane per channel
(plane.py). With fixed non-linear features phi(v) of the two inputs it becomes a question of the
basis: polynomials (poly.py), random Fourier features (rff.py), or the image's own cosine basis
(dct.py, which can represent any image exactly once it has as many features as pixels).

This module is what they share. Every one of them is the same linear regression, only the feature
map differs:

    h(v)  = phi(v)^T W                         W: (F, C), one column per colour channel
    J(W)  = 1/(2M) sum_pixels sum_channels (h - y)^2 = 1/(2M) ||Phi W - Y||^2
    dJ/dW = 1/M Phi^T (Phi W - Y)                Phi: (M, F), M = number of (training) pixels

Gradient descent (solver 0, a full pass per epoch, as in 2017):
    W <- W - (eta / L) * 1/M Phi^T (Phi W - Y)
Mini-batch SGD (solver 1, batches of B pixels drawn without replacement, M/B steps per epoch):
    W <- W - (eta / L) * 1/B Phi_b^T (Phi_b W - Y_b)
With SGD, step_batches(n) takes n of those steps (an epoch may be split across calls, see nets.py).
L = lambda_max(Phi^T Phi / M) is estimated once by power iteration, so the learning rate eta is
measured in units of the classic 1/L step: GD is stable for every feature map and knob setting iff
0 < eta < 2, and the eigen-direction with curvature lambda shrinks by (1 - eta*lambda/L) per epoch.
solve(ridge) jumps to the closed form W = (Phi^T Phi + ridge*I)^-1 Phi^T Y.

Inputs: pixel centres, x = (col + 0.5)/S, y = (row + 0.5)/S with S = max(H, W) (keeps the aspect).
predict_zoomed(z) asks the learned function about the centres of the z x z sub-pixels of every pixel,
x = (c' + 0.5)/(zS) for c' < zW: a (zH, zW, C) image that is genuinely finer (z = 1: predict()).
A `train_mask` (H, W) bool restricts training and cost() to some pixels; predict() is always the
full image, so the caller can score the held-out rest.

Memory: the dense models keep Phi (M, F) and its transpose, contiguous, in float32 (no BLAS in
Pyodide: strided matmul operands are several times slower). The models whose columns are orthogonal
on the pixel grid (OrthogonalFeatureModel: rff, dct) apply Phi and Phi^T as operators and never build
it. Every array but the weights is a read-only constant (grid.frozen), shared by snapshots.
"""

import numpy as np

from .grid import (check_array, check_model_header, check_zoom, frozen, params_header, pixel_coordinates,
                   start_model)
from .knobs import Knob
from .protocol import Model
from .solvers import BatchSchedule, check_count, conjugate_gradients


SOLVERS = ("gd", "sgd")


class LinearFeatureModel(Model):
    """Linear regression on a fixed feature map phi(v); subclasses define the map (see module doc)."""

    TRAINING_STATE = ("weights",)
    zoom_points = 16384  # points per block of the default predict_zoomed (phi of a block is (points, F))
    DEFAULT_LEARNING_RATE = 1.0
    EPOCHS_PER_FRAME = 100  # a frame of fast-forwarded epochs stays short at 64 x 64
    KNOBS = {
        "solver": Knob(0, 0, 1, integer=True, label="solver",
                       choices=("gradient descent", "mini-batch SGD"), names=SOLVERS),
        "batch_size": Knob(1024, 16, 65536, log=True, integer=True, label="SGD batch (pixels)"),
    }

    def __init__(self, target, learning_rate=None, seed=0, train_mask=None, dtype=np.float32,
                 **knobs):
        mask = start_model(self, target, learning_rate, seed, dtype, knobs, train_mask)  # (M,) or None
        solver = knobs.pop("solver", self.KNOBS["solver"].default)
        self.solver = self.KNOBS["solver"].clamp(solver, "solver")  # 0/1 or its name, "gd"/"sgd"
        self.batch_size = self.KNOBS["batch_size"].clamp(knobs.pop("batch_size", 1024), "batch_size")
        self.knobs = {name: knob.clamp(knobs.get(name, knob.default), name)
                      for name, knob in self.KNOBS.items() if name not in ("solver", "batch_size")}

        self.train_index = None if mask is None else frozen(np.flatnonzero(mask).astype(np.int64))
        self.residual_mask = None if mask is None else frozen(mask.astype(self.dtype)[:, None])  # (M, 1)
        self.num_train = self.num_pixels if mask is None else len(self.train_index)
        self._schedule = BatchSchedule(self.num_train, self.batch_size) if self.solver == 1 else None

        self.build(**self.knobs)
        self.weights = np.zeros((self.num_features, self.channels), dtype=self.dtype)  # (F, C)
        self.curvature = self._estimate_curvature()
        self._cache = None  # (weights version, predictions (M, C) read-only)
        self._version = 0

    # ---- the feature map: dense default, overridden by separable models ----
    def build(self, **knobs):
        """Set self.features (M, F) and self.num_features; called once from __init__."""
        raise NotImplementedError

    def _finish_dense(self, features):
        self.features = frozen(np.array(features, dtype=self.dtype, order="C"))  # (M, F)
        self.features_t = frozen(np.ascontiguousarray(self.features.T))  # (F, M), for Phi^T R
        self.num_features = self.features.shape[1]

    def forward(self, weights):
        """Phi W for every pixel: (F, C) -> (M, C)."""
        return self.features @ weights

    def backward(self, residual):
        """Phi^T R: (M, C) -> (F, C)."""
        return self.features_t @ residual

    def rows(self, index):
        """Phi_b and Phi_b^T for the pixels `index`: (B, F), (F, B)."""
        return self.features[index], self.features_t[:, index]

    def feature_matrix(self):
        """The dense (M, F) Phi, for tests and the dense solve."""
        return self.features

    # ---- training ----
    def _estimate_curvature(self, iterations=30):
        """L = lambda_max(Phi^T Phi / M) over the training pixels, by power iteration."""
        v = self.rng.standard_normal((self.num_features, 1)).astype(self.dtype)  # (F, 1)
        v /= np.linalg.norm(v)
        estimate = 1.0
        for _ in range(iterations):
            u = self.forward(v)  # (M, 1)
            if self.residual_mask is not None:
                u *= self.residual_mask
            w = self.backward(u) / self.num_train  # (F, 1)
            estimate = float(np.vdot(v, w))  # Rayleigh quotient, v has unit norm
            norm = np.linalg.norm(w)
            if norm == 0.0:
                break
            v = (w / norm).astype(self.dtype)
        return max(estimate, 1e-12)

    def _residual(self):
        """(Phi W - Y) on every pixel, zero off the training mask: (M, C)."""
        residual = self._predictions() - self.labels  # (M, C)
        if self.residual_mask is not None:
            residual *= self.residual_mask
        return residual

    def forget_predictions(self):
        self._version += 1
        self._cache = None

    @property
    def batches_per_epoch(self):
        """SGD steps per epoch, ceil(M_train / batch_size); None for gradient descent (solver 0)."""
        return None if self._schedule is None else self._schedule.per_epoch

    @property
    def progress(self):
        """Epochs trained, counting a partial SGD epoch: epoch + batches done / batches_per_epoch."""
        if self._schedule is None:
            return float(self.epoch)
        return self.epoch + self._schedule.done / self._schedule.per_epoch

    def step(self, epochs=1):
        """`epochs` more epochs: full gradient steps, or with SGD epochs * batches_per_epoch batch steps."""
        if self._schedule is not None:
            return self.step_batches(max(int(epochs), 0) * self._schedule.per_epoch)
        step_size = self.dtype.type(self.learning_rate / self.curvature)
        for _ in range(int(epochs)):
            gradient = self.backward(self._residual()) / self.num_train  # (F, C)
            self.weights -= step_size * gradient
            self.forget_predictions()
            self.epoch += 1

    def step_batches(self, batches):
        """`batches` more SGD steps (solver 1), continuing the current epoch's order; epoch += 1 after
        each batches_per_epoch of them."""
        if self._schedule is None:
            raise ValueError(f"the {self.NAME} model trains by full-batch gradient descent (solver gd); "
                             f"step_batches needs solver sgd, use step(epochs)")
        step_size = self.dtype.type(self.learning_rate / self.curvature)
        for _ in range(check_count(batches, "batches")):
            batch = self._schedule.next_batch(self.rng)  # (B,)
            self._sgd_step(batch if self.train_index is None else self.train_index[batch], step_size)
            if self._schedule.done == 0:
                self.epoch += 1
        self.forget_predictions()

    def _sgd_step(self, index, step_size):
        """W <- W - step_size/B Phi_b^T (Phi_b W - Y_b) for the pixels `index` (B,)."""
        phi, phi_t = self.rows(index)  # (B, F), (F, B)
        residual = phi @ self.weights - self.labels[index]  # (B, C)
        self.weights -= (step_size / len(index)) * (phi_t @ residual)  # (F, C)

    def gradients(self):
        """[dJ/dW] in float64 at the current weights, for gradient checks."""
        return [(self.backward(self._residual()) / self.num_train).astype(np.float64)]

    def parameters(self):
        """The trainable arrays (live views), matching gradients()."""
        return [self.weights]

    def solve(self, ridge=None):
        """Closed-form ridge regression W = (Phi^T Phi + ridge I)^-1 Phi^T Y, in float64.

        ridge=None uses 1e-6 * trace(Phi^T Phi) / F (just enough to survive rank deficiency).
        Costs M F^2 multiply-adds: instant for plane/poly, seconds for big rff feature sets.
        """
        phi = self.feature_matrix()  # (M, F)
        gram = np.zeros((self.num_features, self.num_features))  # (F, F) float64
        rhs = np.zeros((self.num_features, self.channels))  # (F, C) float64
        index = np.arange(self.num_pixels) if self.train_index is None else self.train_index
        for start in range(0, len(index), 4096):  # float64 blocks, bounded temporaries
            rows = index[start:start + 4096]
            block = phi[rows].astype(np.float64)  # (b, F)
            gram += block.T @ block
            rhs += block.T @ self.labels[rows].astype(np.float64)
        if ridge is None:
            ridge = 1e-6 * np.trace(gram) / self.num_features
        gram[np.diag_indices_from(gram)] += ridge
        self.weights = np.linalg.solve(gram, rhs).astype(self.dtype)
        self.forget_predictions()
        return self

    # ---- protocol ----
    def _predictions(self):
        if self._cache is None or self._cache[0] != self._version:
            self._cache = (self._version, frozen(self.forward(self.weights)))
        return self._cache[1]

    def predict(self):
        return self._predictions().reshape(self.height, self.width, self.channels)

    def predict_zoomed(self, zoom):
        """The learned function at the sub-pixel centres: (zoom H, zoom W, C); zoom 1 is predict().
        The default evaluates phi at those points (zoom_features), whole rows of about zoom_points points
        at a time."""
        zoom = check_zoom(zoom)
        h, w = zoom * self.height, zoom * self.width
        v = pixel_coordinates(self.height, self.width, np.float64, zoom)  # (zH*zW, 2)
        out = np.empty((h * w, self.channels), dtype=self.dtype)  # (P, C)
        step = max(1, self.zoom_points // w) * w  # whole rows: phi of a block is (step, F)
        for start in range(0, h * w, step):
            out[start:start + step] = self.zoom_features(v[start:start + step]) @ self.weights
        return out.reshape(h, w, self.channels)

    def zoom_features(self, v):
        """phi at points v (P, 2) (pixel_coordinates' units): (P, F). Subclasses whose features are a
        formula of (x, y) define it."""
        raise NotImplementedError(f"the {self.NAME} model cannot be evaluated between pixels")

    def cost(self):
        residual = self._residual()  # (M, C), zero off the mask
        return float(np.sum(np.square(residual, dtype=np.float64)) / (2 * self.num_train))

    def get_params(self):
        return {
            **params_header(self),
            "knobs": {"solver": self.solver, "batch_size": self.batch_size, **self.knobs},
            "weights_shape": [self.num_features, self.channels],
            "weights": self.weights.tolist(),
            **self._extra_params(),
        }

    def set_params(self, params):
        epoch, rate = check_model_header(params, self.NAME, (self.height, self.width, self.channels))
        weights = check_array(params, "weights", (self.num_features, self.channels))
        self._set_extra_params(params)
        self.weights = weights.astype(self.dtype)
        if self._schedule is not None:
            self._schedule = BatchSchedule(self.num_train, self.batch_size)  # a whole number of epochs
        self.epoch = epoch
        if rate is not None:
            self.learning_rate = float(rate)
        self.forget_predictions()

    def _extra_params(self):
        return {}

    def _set_extra_params(self, params):
        """Validate and adopt model-specific arrays (before the weights are replaced)."""
        knobs = params.get("knobs", {})
        for name, value in self.knobs.items():
            if name in knobs and knobs[name] != value:
                raise ValueError(f"params were made with knob {name}={knobs[name]!r}, "
                                 f"this model has {name}={value!r}")


class OrthogonalFeatureModel(LinearFeatureModel):
    """A feature map whose columns are orthogonal on the full pixel grid, Phi^T Phi = M diag(d) (rff, dct).

    On the full grid that makes L = max(d) exact, gradient descent diagonal, per row of W
        W_t - W* = (1 - eta d / L)^t (W_0 - W*),   W* = (Phi^T Y / M) / d,
    which step() applies in closed form (any number of epochs in O(F C): fast_forward), and solve() one
    division, W = Phi^T Y / (M d + ridge). With a train_mask (or SGD) the honest operators run: L by power
    iteration, gradient steps through forward/backward, and solve() by conjugate gradients on the normal
    equations. Subclasses set `diagonal` (F,) = d and define grid_coefficients().
    """

    def grid_coefficients(self):
        """Phi^T Y / M on the full grid: (F, C) float64, read-only (made once)."""
        raise NotImplementedError

    def normal_diagonal(self):
        """(F, 1) float64: diag(Phi^T S Phi) over the training pixels S, or an approximation with its
        trace (the masked solve's preconditioner); here M_train d, exact on the full grid."""
        return self.num_train * self.diagonal[:, None]

    def _estimate_curvature(self, iterations=30):
        """L = max(d) exactly on the full grid; by power iteration with a train mask."""
        if self.train_index is None:
            return float(self.diagonal.max())
        return super()._estimate_curvature(iterations)

    @property
    def fast_forward(self):
        return self.solver == 0 and self.train_index is None

    def step(self, epochs=1):
        """Full grid and gradient descent: the closed form of the class docstring; else honest epochs."""
        epochs = int(epochs)
        if not self.fast_forward or epochs <= 0:
            return super().step(epochs)
        d = self.diagonal[:, None]  # (F, 1)
        best = self.grid_coefficients() / d  # (F, C): W*
        with np.errstate(over="ignore", invalid="ignore"):
            decay = (1.0 - self.learning_rate * d / self.curvature) ** epochs  # (F, 1)
            self.weights = (best + decay * (self.weights - best)).astype(self.dtype)
        self.epoch += epochs
        self.forget_predictions()

    def solve(self, ridge=None, tolerance=1e-10, max_iterations=1000):
        """Ridge regression W = (Phi^T S Phi + ridge I)^-1 Phi^T S Y on the training pixels S.

        ridge=None uses 1e-6 trace(Phi^T S Phi) / F. Full grid: exact, W = Phi^T Y / (M d + ridge).
        With a train_mask: conjugate gradients on the normal equations through forward/backward (Phi
        and its Gram matrix are never built), in float64, preconditioned by normal_diagonal() + ridge,
        until ||residual|| <= tolerance ||Phi^T S Y||.
        """
        diagonal = self.normal_diagonal()  # (F, 1)
        if ridge is None:
            ridge = 1e-6 * float(diagonal.sum()) / self.num_features
        if self.train_index is None:
            weights = self.grid_coefficients() * self.num_pixels / (diagonal + ridge)  # (F, C)
        else:
            mask = self.residual_mask.astype(np.float64)  # (M, 1)

            def normal(x):  # (Phi^T S Phi + ridge I) x, float64 operators
                return self.backward(mask * self.forward(x)) + ridge * x

            rhs = self.backward(mask * self.labels.astype(np.float64))  # (F, C)
            weights = conjugate_gradients(normal, rhs, 1.0 / (diagonal + ridge), tolerance, max_iterations)
        self.weights = weights.astype(self.dtype)
        self.forget_predictions()
        return self
