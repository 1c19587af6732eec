"""Linear regression on features of the pixel coordinates v = (x, y): the 2017 post's question.

"Using linear regression, is it possible to input only two values ([x, y]) and train the model to
output all pixel colours?" With the raw inputs, no: the best is a colour plane per channel
(PlaneModel). With fixed non-linear features phi(v) of the two inputs it becomes a question of the
basis: polynomials, random Fourier features, or the image's own cosine basis (which can represent
any image exactly once it has as many features as pixels).

Every model here is the same linear regression, only the feature map differs:

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
Pyodide: strided matmul operands are several times slower). CosineBasisModel is separable and
never builds Phi. Every array but the weights is a read-only constant (grid.frozen), shared by snapshots.
"""

import numpy as np

from .grid import (check_array, check_model_header, check_rows, check_zoom, frozen, params_header,
                   pixel_coordinates, start_model)
from .knobs import Knob
from .solvers import BatchSchedule, check_count, conjugate_gradients


SOLVERS = ("gd", "sgd")


class LinearFeatureModel:
    """Linear regression on a fixed feature map phi(v); subclasses define the map (see module doc)."""

    NAME = None
    TRAINING_STATE = ("weights",)  # what training changes (and snapshots copy)
    zoom_points = 16384  # points per block of the default predict_zoomed (phi of a block is (points, F))
    DEFAULT_LEARNING_RATE = 1.0
    EPOCHS_PER_FRAME = 100  # the page's suggestion: a frame of fast-forwarded epochs stays short at 64 x 64
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

    def _changed(self):
        self._version += 1
        self._cache = None

    @property
    def fast_forward(self):
        """True when step(k) costs the same for any k (closed-form GD, see rff and dct); False here."""
        return False

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
            self._changed()
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
        self._changed()

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
        self._changed()
        return self

    # ---- protocol ----
    def _predictions(self):
        if self._cache is None or self._cache[0] != self._version:
            self._cache = (self._version, frozen(self.forward(self.weights)))
        return self._cache[1]

    def predict(self):
        return self._predictions().reshape(self.height, self.width, self.channels)

    def predict_rows(self, r0, r1):
        """predict()[r0:r1], (r1 - r0, W, C): a slice of the cached prediction (one pass makes all rows)."""
        r0, r1 = check_rows(self.height, r0, r1)
        return self.predict()[r0:r1]

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
        self._changed()

    def _extra_params(self):
        return {}

    def _set_extra_params(self, params):
        """Validate and adopt model-specific arrays (before the weights are replaced)."""
        knobs = params.get("knobs", {})
        for name, value in self.knobs.items():
            if name in knobs and knobs[name] != value:
                raise ValueError(f"params were made with knob {name}={knobs[name]!r}, "
                                 f"this model has {name}={value!r}")


class PlaneModel(LinearFeatureModel):
    """phi(v) = [1, x, y]: the literal answer to the 2017 question, one colour plane per channel.

    h_c(x, y) = w_0c + w_1c x + w_2c y. Three numbers per channel cannot paint a photograph; the
    least-squares plane is the best any training can reach.
    """

    NAME = "plane"
    DEFAULT_LEARNING_RATE = 1.0

    def build(self):
        self._finish_dense(self.zoom_features(pixel_coordinates(self.height, self.width, self.dtype)))  # (M, 3)

    def zoom_features(self, v):
        """[1, x, y] at points v (P, 2): (P, 3)."""
        return np.concatenate([np.ones((len(v), 1)), v], axis=1).astype(self.dtype)  # (P, 3)

    def predict_zoomed(self, zoom):
        """w_0 + w_1 x + w_2 y at the sub-pixel centres, by broadcasting a column and a row: (zH, zW, C)."""
        zoom = check_zoom(zoom)
        scale = float(zoom * max(self.height, self.width))
        xs = ((np.arange(zoom * self.width) + 0.5) / scale).astype(self.dtype)  # (zW,)
        ys = ((np.arange(zoom * self.height) + 0.5) / scale).astype(self.dtype)  # (zH,)
        w0, w1, w2 = self.weights  # (C,) each
        across = w0 + xs[:, None] * w1  # (zW, C)
        return (across[None] + (ys[:, None] * w2[None])[:, None]).astype(self.dtype)  # (zH, zW, C)


def legendre_columns(s, degree):
    """Orthonormal Legendre polynomials sqrt(2n+1) P_n(s), n = 0..degree: (N,) -> (N, degree+1).

    Orthonormal w.r.t. the uniform average on [-1, 1]: mean(p_n p_m) = delta_nm.
    Recurrence (n+1) P_{n+1} = (2n+1) s P_n - n P_{n-1}.
    """
    s = np.asarray(s, dtype=np.float64)
    columns = [np.ones_like(s), s]
    for n in range(1, degree):
        columns.append(((2 * n + 1) * s * columns[n] - n * columns[n - 1]) / (n + 1))
    p = np.stack(columns[:degree + 1], axis=1)  # (N, degree+1)
    return p * np.sqrt(2.0 * np.arange(degree + 1) + 1.0)


class PolynomialModel(LinearFeatureModel):
    """All monomials x^i y^j with i + j <= degree, in a well-conditioned basis.

    The span is the same as the monomials', but the features are products of orthonormal
    Legendre polynomials p_i(sx) p_j(sy), with sx = 2(col + 0.5)/W - 1 and sy = 2(row + 0.5)/H - 1
    mapping each axis onto [-1, 1] (a polynomial of degree d in stretched coordinates is still one
    of degree d, so the aspect ratio does not matter here). On the pixel grid the mean of
    p_i p_j p_k p_l is the midpoint rule of an orthonormality integral, so Phi^T Phi / M ~ I and
    gradient descent converges in a handful of epochs; raw monomials x^12 would need millions.
    F = (degree + 1)(degree + 2) / 2 features.
    """

    NAME = "poly"
    DEFAULT_LEARNING_RATE = 1.0
    KNOBS = {**LinearFeatureModel.KNOBS,
             "degree": Knob(6, 1, 12, integer=True, label="polynomial degree")}

    def build(self, degree):
        sx = 2.0 * (np.arange(self.width) + 0.5) / self.width - 1.0  # (W,)
        sy = 2.0 * (np.arange(self.height) + 0.5) / self.height - 1.0  # (H,)
        px, py = legendre_columns(sx, degree), legendre_columns(sy, degree)  # (W, d+1), (H, d+1)
        self.exponents = [(i, j) for total in range(degree + 1) for j in range(total + 1)
                          for i in [total - j]]  # x^i y^j, by total degree
        columns = [(py[:, j][:, None] * px[:, i][None, :]).ravel() for i, j in self.exponents]
        self._finish_dense(np.stack(columns, axis=1))  # (M, F)

    def predict_zoomed(self, zoom):
        """Separable at the sub-pixel centres: h = P_y G P_x^T per channel, G[j, i] = w of x^i y^j."""
        zoom = check_zoom(zoom)
        h, w, d = zoom * self.height, zoom * self.width, self.knobs["degree"]
        sx = 2.0 * (np.arange(w) + 0.5) / w - 1.0  # (zW,) the same [-1, 1] map on the finer grid
        sy = 2.0 * (np.arange(h) + 0.5) / h - 1.0  # (zH,)
        px, py = legendre_columns(sx, d), legendre_columns(sy, d)  # (zW, d+1), (zH, d+1)
        grid = np.zeros((d + 1, d + 1, self.channels))  # (d+1 in y, d+1 in x, C)
        for f, (i, j) in enumerate(self.exponents):
            grid[j, i] = self.weights[f]
        t = (py @ grid.reshape(d + 1, -1)).reshape(h, d + 1, self.channels)  # (zH, d+1, C)
        t = np.ascontiguousarray(t.transpose(0, 2, 1))  # (zH, C, d+1)
        out = t @ np.ascontiguousarray(px.T)  # (zH, C, zW)
        return np.ascontiguousarray(out.transpose(0, 2, 1)).astype(self.dtype)  # (zH, zW, C)


class FourierFeatureModel(LinearFeatureModel):
    """Random Fourier features on the pixel grid: phi(v) = [sqrt(c_j) sin(2 pi b_j v), sqrt(c_j) cos(2 pi b_j v)].

    Tancik et al. 2020, "Fourier Features Let Networks Learn High Frequency Functions in Low
    Dimensional Domains" (NeurIPS): mapping v through m random sinusoids, b ~ N(0, sigma^2 I) in cycles
    per longest side, turns regression on two inputs into kernel regression with a Gaussian-like
    stationary kernel of width ~1/sigma. Small sigma: smooth and blurry; large sigma: sharp on the
    training pixels, noisy in between (try train_mask).

    The twist that makes thousands of frequencies cheap: each draw is rounded to the nearest frequency
    the pixel grid can resolve, k = (kx, ky) integer cycles across the image's width and height, i.e.
    b = (kx S/W, ky S/H) with S = max(H, W). So these ARE random Fourier features, only with
    frequencies drawn from a discretised Gaussian; draws beyond the grid's band |kx| <= (W-1)//2,
    |ky| <= (H-1)//2 are dropped (a pixel grid only sees their aliases, and the Nyquist line makes
    cos = 0 columns). Identical draws, and mirror pairs -k (sin flips sign, cos does not), give the
    same pair of columns up to sign; they are merged into one pair scaled by sqrt(c_j), c_j = how many
    draws landed on +-k_j. That changes nothing: Phi Phi^T (the kernel), the span, the least-squares
    fit and every gradient-descent prediction are those of the unmerged m draws. Draws that round to
    k = 0 add to the constant feature (cos 0 = 1, sin 0 = 0 is left out): c_0 = 1 + their number.
    Columns: [sqrt(c_0), sqrt(c_j) sin_j (j = 1..m'), sqrt(c_j) cos_j], F = 2m' + 1.

    On a grid, Phi W and Phi^T R are FFTs, O(M log M) whatever m is, and Phi is never built:
        theta_j(row, col) + phase_j,  theta_j = 2 pi (kx col / W + ky row / H),  phase_j = pi (kx/W + ky/H)
        Phi W    = Re sum_j sqrt(c_j) (W_cos,j - i W_sin,j) e^(i phase_j) e^(i theta_j)    (inverse rFFT)
        Phi^T R  = sqrt(c_j) e^(i phase_j) conj(FFT(R)[k_j]): real part -> cos rows, imaginary -> sin rows
    On the full grid the columns are orthogonal: Phi^T Phi = M diag(d), d = c_0 for the constant and
    c_j / 2 for sin_j and cos_j. So L = max(d) exactly, solve() is one FFT (W = Phi^T Y / (M d + ridge)),
    and gradient descent is diagonal, W_t - W* = (1 - eta d / L)^t (W_0 - W*), which step() applies in
    closed form: any number of epochs costs O(F). Frequencies drawn often (low ones, for small sigma)
    converge first and rare high ones last: the kernel's spectral bias, visible as a sharpening picture.
    With a train_mask, step() runs real gradient descent through the FFT operators (masked residual),
    L comes from power iteration, and solve() is preconditioned conjugate gradients on the normal
    equations. SGD batches are masks too: one FFT pair per batch.

    Defaults (sigma = 16 cycles per side, m = 16384 draws, ~2900 distinct frequencies at 128 x 128):
    the least-squares fit of the bundled photos at 128 x 128 is 26.6-34 dB (bench/bench_models.py).
    L = max(d) is set by the most drawn frequency (c ~ 30), so with eta = 1 the common frequencies
    converge in a few epochs and the rarest (c = 1) in ~100; the default eta = 1e-3 stretches that:
    at 128 x 128, 19 dB after 3000 epochs, 23.5 dB after 6000, 26.3 dB after 30000 (astronaut), i.e.
    one to five seconds at the page's 100 epochs per frame, so the picture visibly sharpens.
    """

    NAME = "rff"
    DEFAULT_LEARNING_RATE = 1e-3  # see the class docstring: eta = 1 would converge in ~100 epochs
    KNOBS = {**LinearFeatureModel.KNOBS,
             "sigma": Knob(16.0, 0.5, 128.0, log=True, label="frequency scale sigma"),
             "features": Knob(16384, 8, 65536, log=True, integer=True, label="random frequencies m")}

    def build(self, sigma, features):
        scale = float(max(self.height, self.width))
        draws = sigma * self.rng.standard_normal((features, 2))  # (m, 2) cycles per longest side
        kx = np.rint(draws[:, 0] * self.width / scale).astype(np.int64)  # (m,) cycles across W
        ky = np.rint(draws[:, 1] * self.height / scale).astype(np.int64)  # (m,) cycles across H
        inside = (np.abs(kx) <= (self.width - 1) // 2) & (np.abs(ky) <= (self.height - 1) // 2)
        kx, ky = kx[inside], ky[inside]
        flip = (kx < 0) | ((kx == 0) & (ky < 0))  # -k gives the same columns: keep kx > 0 or (0, ky > 0)
        kx, ky = np.where(flip, -kx, kx), np.where(flip, -ky, ky)
        zero = (kx == 0) & (ky == 0)
        keys, counts = np.unique(ky[~zero] * self.width + kx[~zero], return_counts=True)  # (m',) each
        grid = np.stack([keys % self.width, keys // self.width], axis=1)  # (m', 2) as (kx, ky)
        grid = np.concatenate([[[0, 0]], grid], axis=0)  # (m'+1, 2): row 0 is the constant
        counts = np.concatenate([[1 + int(zero.sum())], counts])  # (m'+1,)
        self._set_grid(grid, counts)

    def _set_grid(self, grid, counts):
        """Adopt frequencies `grid` (m'+1, 2) integer (kx, ky), row 0 = (0, 0), and their counts."""
        h, w = self.height, self.width
        self.grid = frozen(np.array(grid, dtype=np.int64))  # (m'+1, 2)
        self.counts = frozen(np.array(counts, dtype=np.int64))  # (m'+1,)
        scale = float(max(h, w))
        self.frequencies = frozen(self.grid * np.array([scale / w, scale / h]))  # (m'+1, 2) cycles per side
        kx, ky = self.grid[1:, 0], self.grid[1:, 1]  # (m',) each
        self.num_pairs = len(kx)
        self.num_features = 2 * self.num_pairs + 1
        root = np.sqrt(self.counts.astype(np.float64))  # (m'+1,)
        # sqrt(c_j) e^(i phase_j): the half-pixel offset of the pixel centres, and the column scale
        twist = (root[1:] * np.exp(1j * np.pi * (kx / w + ky / h)))[:, None]  # (m', 1) complex128
        # irfft2 divides by H W and counts every kx > 0 twice (its mirror -kx is implied), kx = 0 once
        synth = twist * (h * w * np.where(kx == 0, 1.0, 0.5)[:, None])  # (m', 1)
        self._twist = {np.dtype(np.float64): (frozen(twist), frozen(synth)),
                       np.dtype(np.float32): (frozen(twist.astype(np.complex64)), frozen(synth.astype(np.complex64)))}
        self._root0 = float(root[0])
        self._slot = frozen((ky % h) * (w // 2 + 1) + kx)  # (m',) flat index into an (H, W//2+1) rFFT
        self.diagonal = frozen(np.concatenate([[float(self.counts[0])], self.counts[1:] / 2.0,
                                               self.counts[1:] / 2.0]))  # (F,) Phi^T Phi / M on the full grid
        self._target_coefficients = None  # Phi^T Y / M on the full grid, made on demand

    def _estimate_curvature(self, iterations=30):
        if self.train_index is None:
            return float(self.diagonal.max())  # exact: Phi^T Phi / M = diag(d)
        return super()._estimate_curvature(iterations)

    def forward(self, weights):
        """Phi W by one inverse rFFT per channel: (F, C) -> (M, C), in the weights' precision."""
        return self._synthesize(weights, self.height, self.width, self._twist[weights.dtype][1], self._slot)

    def _synthesize(self, weights, h, w, twist, slot):
        """sum_j of the columns times W on an h x w grid of points by one inverse rFFT: (F, C) -> (hw, C)."""
        c, p = weights.shape[1], self.num_pairs
        sines, cosines = weights[1:1 + p], weights[1 + p:]  # (m', C) each
        spectrum = np.zeros((c, h * (w // 2 + 1)), dtype=twist.dtype)  # (C, h*(w//2+1))
        spectrum[:, slot] = ((cosines - 1j * sines) * twist).T  # (C, m')
        spectrum[:, 0] = (h * w * self._root0) * weights[0]  # the constant column
        image = np.fft.irfft2(spectrum.reshape(c, h, w // 2 + 1), s=(h, w))  # (C, h, w)
        return np.ascontiguousarray(image.reshape(c, h * w).T)  # (hw, C)

    def predict_zoomed(self, zoom):
        """The same sinusoids at the sub-pixel centres: the integer frequencies k are a zH x zW grid's
        too, with the half-sub-pixel phase pi (kx / zW + ky / zH); one inverse rFFT. (zH, zW, C)."""
        zoom = check_zoom(zoom)
        h, w = zoom * self.height, zoom * self.width
        kx, ky = self.grid[1:, 0], self.grid[1:, 1]  # (m',) each
        root = np.sqrt(self.counts[1:].astype(np.float64))  # (m',)
        twist = root * np.exp(1j * np.pi * (kx / w + ky / h)) * (h * w * np.where(kx == 0, 1.0, 0.5))
        twist = twist[:, None].astype(np.complex64 if self.dtype == np.float32 else np.complex128)  # (m', 1)
        slot = (ky % h) * (w // 2 + 1) + kx  # (m',)
        out = self._synthesize(self.weights, h, w, twist, slot)  # (zH*zW, C)
        return out.astype(self.dtype).reshape(h, w, self.channels)

    def backward(self, residual):
        """Phi^T R by one rFFT per channel: (M, C) -> (F, C)."""
        h, w, c = self.height, self.width, residual.shape[1]
        planes = np.ascontiguousarray(residual.T.reshape(c, h, w))  # (C, H, W)
        spectrum = np.fft.rfft2(planes).reshape(c, h * (w // 2 + 1))  # (C, H*(W//2+1)) = sum r e^(-i theta)
        s = np.conj(spectrum[:, self._slot]).T * self._twist[residual.dtype][0]  # (m', C)
        # s = sqrt(c_j) sum r e^(i(theta + phase)): imaginary part -> sin rows, real part -> cos rows
        constant = self._root0 * spectrum[:, 0].real[None, :]  # (1, C) = sqrt(c_0) sum r
        return np.concatenate([constant, s.imag, s.real], axis=0).astype(residual.dtype)  # (F, C)

    def feature_matrix(self):
        """The dense (M, F) Phi from the frequencies, as the definition reads: the tests' oracle."""
        if self.num_pixels * self.num_features > 50_000_000:
            raise MemoryError(f"a dense Phi of {self.num_pixels} x {self.num_features} is for small tests")
        v = pixel_coordinates(self.height, self.width, np.float64)  # (M, 2)
        angles = 2.0 * np.pi * (v @ self.frequencies[1:].T)  # (M, m')
        root = np.sqrt(self.counts.astype(np.float64))  # (m'+1,)
        ones = np.full((self.num_pixels, 1), root[0])  # (M, 1)
        return np.concatenate([ones, root[1:] * np.sin(angles), root[1:] * np.cos(angles)],
                              axis=1).astype(self.dtype)  # (M, F)

    def rows(self, index):
        raise NotImplementedError("rff trains mini-batches through masked FFTs, never rows of Phi")

    def _coefficients(self):
        """Phi^T Y / M on the full grid (cached): W* = this / d."""
        if self._target_coefficients is None:
            self._target_coefficients = frozen(self.backward(self.labels.astype(np.float64)) / self.num_pixels)
        return self._target_coefficients  # (F, C)

    @property
    def fast_forward(self):
        return self.solver == 0 and self.train_index is None

    def step(self, epochs=1):
        epochs = int(epochs)
        if not self.fast_forward or epochs <= 0:
            return super().step(epochs)
        # full grid, gradient descent: W_t - W* = (1 - eta d / L)^t (W_0 - W*), per row of W
        d = self.diagonal[:, None]  # (F, 1)
        best = self._coefficients() / d  # (F, C)
        with np.errstate(over="ignore", invalid="ignore"):
            decay = (1.0 - self.learning_rate * d / self.curvature) ** epochs  # (F, 1)
            self.weights = (best + decay * (self.weights - best)).astype(self.dtype)
        self.epoch += epochs
        self._changed()

    def _sgd_step(self, index, step_size):
        """A mini-batch SGD step where the batch is a mask: Phi^T (mask_b (Phi W - Y)) / B, one FFT pair."""
        residual = np.zeros((self.num_pixels, self.channels), dtype=self.dtype)  # (M, C)
        residual[index] = self.forward(self.weights)[index] - self.labels[index]  # (B, C)
        self.weights -= (step_size / len(index)) * self.backward(residual)  # (F, C)

    def solve(self, ridge=None, tolerance=1e-10, max_iterations=1000):
        """Ridge regression W = (Phi^T Phi + ridge I)^-1 Phi^T Y; exact by one FFT on the full grid.

        ridge=None uses 1e-6 trace(Phi^T Phi) / F (trace = M_train * sum c_j, as sin^2 + cos^2 = 1).
        With a train_mask: conjugate gradients on the normal equations, preconditioned by the full-grid
        diagonal (M_train d + ridge), in float64, until ||residual|| <= tolerance ||Phi^T Y||.
        """
        if ridge is None:
            ridge = 1e-6 * self.num_train * float(self.counts.sum()) / self.num_features
        if self.train_index is None:
            weights = self._coefficients() * self.num_pixels / (self.num_pixels * self.diagonal[:, None] + ridge)
            self.weights = weights.astype(self.dtype)
            self._changed()
            return self
        mask = self.residual_mask.astype(np.float64)  # (M, 1)

        def normal(x):  # (Phi^T D Phi + ridge I) x, float64 operators
            return self.backward(mask * self.forward(x)) + ridge * x

        rhs = self.backward(mask * self.labels.astype(np.float64))  # (F, C)
        precondition = 1.0 / (self.num_train * self.diagonal[:, None] + ridge)  # (F, 1)
        x = conjugate_gradients(normal, rhs, precondition, tolerance, max_iterations)  # (F, C)
        self.weights = x.astype(self.dtype)
        self._changed()
        return self

    def _extra_params(self):
        return {"frequencies": self.frequencies.tolist(), "counts": self.counts.tolist()}

    def set_params(self, params):
        """As LinearFeatureModel.set_params, but the frequencies (and so F) may differ: checked first."""
        if isinstance(params, dict) and "frequencies" in params and "counts" in params:
            grid, counts = self._check_grid(params)
            if not (np.array_equal(grid, self.grid) and np.array_equal(counts, self.counts)):
                check_model_header(params, self.NAME, (self.height, self.width, self.channels))
                check_array(params, "weights", (2 * len(grid) - 1, self.channels))
                self._set_grid(grid, counts)
                self.curvature = self._estimate_curvature()
        super().set_params(params)

    def _check_grid(self, params):
        frequencies = np.asarray(params["frequencies"], dtype=np.float64) if isinstance(
            params["frequencies"], list) else None
        if frequencies is None or frequencies.ndim != 2 or frequencies.shape[1] != 2 or len(frequencies) < 1:
            raise ValueError("params['frequencies'] must be a list of [bx, by] pairs, the first [0, 0]")
        if len(np.ravel(params["counts"])) != len(frequencies):
            raise ValueError(f"params['frequencies'] has {len(frequencies)} rows but params['counts'] "
                             f"has {len(np.ravel(params['counts']))}")
        counts = check_array(params, "counts", (len(frequencies),))
        scale = float(max(self.height, self.width))
        grid = frequencies / np.array([scale / self.width, scale / self.height])  # (m'+1, 2)
        if not np.allclose(grid, np.rint(grid), atol=1e-6) or np.any(counts < 1) or \
                not np.array_equal(counts, np.rint(counts)):
            raise ValueError("params['frequencies'] must lie on this image's frequency grid, "
                             "with whole positive counts")
        grid = np.rint(grid).astype(np.int64)
        kx, ky = grid[1:, 0], grid[1:, 1]
        canonical = (kx > 0) | ((kx == 0) & (ky > 0))
        inside = (kx <= (self.width - 1) // 2) & (np.abs(ky) <= (self.height - 1) // 2)
        if np.any(grid[0] != 0) or not np.all(canonical & inside) or \
                len(np.unique(ky * self.width + kx)) != len(kx):
            raise ValueError("params['frequencies'] must start with [0, 0], then distinct frequencies "
                             "of this image's band with kx > 0 (or kx = 0, ky > 0)")
        return grid, counts.astype(np.int64)


def cosine_columns(n, k, dtype=np.float64):
    """(n, k) DCT-II basis on n samples: a_u(i) = s_u cos(pi u (2i + 1) / (2n)), s_0 = 1, s_u = sqrt 2.

    Scaled so that sum_i a_u(i) a_u'(i) = n delta_uu'.
    """
    i = np.arange(n, dtype=np.float64)[:, None]  # (n, 1)
    u = np.arange(k, dtype=np.float64)[None, :]  # (1, k)
    a = np.cos(np.pi * u * (2.0 * i + 1.0) / (2.0 * n))  # (n, k)
    a[:, 1:] *= np.sqrt(2.0)
    return a.astype(dtype)


def dct2_rows(signal, k):
    """Unnormalised DCT-II along axis 0, first k coefficients, via one FFT of the mirrored signal.

    X_u = sum_i x_i cos(pi u (2i + 1) / (2n)) = Re(exp(-i pi u / (2n)) * FFT([x, reversed x])_u) / 2
    """
    n = signal.shape[0]
    mirrored = np.concatenate([signal, signal[::-1]], axis=0)  # (2n, ...)
    spectrum = np.fft.rfft(mirrored, axis=0)[:k]  # (k, ...) complex
    twiddle = np.exp(-0.5j * np.pi * np.arange(k) / n)  # (k,)
    twiddle = twiddle.reshape((k,) + (1,) * (signal.ndim - 1))
    return (twiddle * spectrum).real / 2.0


class CosineBasisModel(LinearFeatureModel):
    """The k x k lowest-frequency 2-D DCT-II basis functions on the pixel grid.

    phi_uv(row, col) = a_u(row) b_v(col), a_u(i) = s_u cos(pi u (2i + 1) / (2H)), s_0 = 1, s_u = sqrt 2
    (b likewise over the W columns), u, v < k. These columns are orthogonal on the grid with
    Phi^T Phi = M I, so:
      * least squares is diagonal: W_uv = 1/M sum_pixels y a_u b_v, i.e. the image's 2-D DCT-II
        coefficients times s_u s_v / (H W); solve() computes them with two FFTs, exactly.
      * L = 1, and GD reads W <- W - eta (W - W*): every coefficient converges independently at the
        same rate, W_t - W* = (1 - eta)^t (W_0 - W*). eta = 1 lands on W* in one epoch; the
        default eta is small so the whole picture fades in at once (no spectral bias, unlike nets).
    With k = max(H, W) and a square image the basis is complete and the fit is exact. The model is
    separable: Phi W = A_y W A_x^T per channel, O(M k) per epoch, and Phi (M, k^2) is never built.
    With a train_mask the grid orthogonality is lost; solve() then runs conjugate gradients.
    Default k = 64: exact at the page's default 64 x 64, ~25 dB on a 128 x 128 photo, ~23 dB at 256.
    """

    NAME = "dct"
    DEFAULT_LEARNING_RATE = 0.1
    KNOBS = {**LinearFeatureModel.KNOBS,
             "k": Knob(64, 1, 4096, log=True, integer=True, label="frequencies per axis k")}

    def build(self, k):
        self._target_coefficients = None  # Phi^T Y / M on the full grid, made on demand
        self.k_y, self.k_x = min(k, self.height), min(k, self.width)  # no aliased duplicates
        self.basis_y = frozen(cosine_columns(self.height, self.k_y, self.dtype))  # (H, ky)
        self.basis_x = frozen(cosine_columns(self.width, self.k_x, self.dtype))  # (W, kx)
        self.basis_y_t = frozen(np.ascontiguousarray(self.basis_y.T))  # (ky, H)
        self.basis_x_t = frozen(np.ascontiguousarray(self.basis_x.T))  # (kx, W)
        self.num_features = self.k_y * self.k_x

    def forward(self, weights):
        return self._synthesize(weights, self.basis_y, self.basis_x_t)  # (M, C)

    def _synthesize(self, weights, basis_y, basis_x_t):
        """A_y W A_x^T per channel on the rows of basis_y (h, ky) and columns of basis_x_t (kx, w): (hw, C)."""
        c, h, w = weights.shape[1], basis_y.shape[0], basis_x_t.shape[1]
        t = (basis_y @ weights.reshape(self.k_y, self.k_x * c)).reshape(h, self.k_x, c)  # (h, kx, C)
        t = np.ascontiguousarray(t.transpose(0, 2, 1))  # (h, C, kx)
        out = t @ basis_x_t  # (h, C, w)
        return out.transpose(0, 2, 1).reshape(h * w, c)  # (hw, C)

    def predict_zoomed(self, zoom):
        """The cosines at the sub-pixel centres: a_u at (2i' + 1) / z is the DCT-II basis on z n samples,
        so the same weights on cosine_columns(zH, ky) and cosine_columns(zW, kx). (zH, zW, C)."""
        zoom = check_zoom(zoom)
        h, w = zoom * self.height, zoom * self.width
        basis_y = cosine_columns(h, self.k_y, self.dtype)  # (zH, ky)
        basis_x_t = np.ascontiguousarray(cosine_columns(w, self.k_x, self.dtype).T)  # (kx, zW)
        return self._synthesize(self.weights, basis_y, basis_x_t).reshape(h, w, self.channels)

    def backward(self, residual):
        c = residual.shape[1]
        r = residual.reshape(self.height, self.width * c)  # (H, W*C)
        s = (self.basis_y_t @ r).reshape(self.k_y, self.width, c)  # (ky, W, C)
        s = np.ascontiguousarray(s.transpose(0, 2, 1))  # (ky, C, W)
        g = s @ self.basis_x  # (ky, C, kx)
        return np.ascontiguousarray(g.transpose(0, 2, 1)).reshape(self.num_features, c)  # (F, C)

    def rows(self, index):
        i, j = index // self.width, index % self.width  # (B,) each
        phi = (self.basis_y[i][:, :, None] * self.basis_x[j][:, None, :])  # (B, ky, kx)
        phi = phi.reshape(len(index), self.num_features)  # (B, F)
        return phi, np.ascontiguousarray(phi.T)

    def feature_matrix(self):
        return self.rows(np.arange(self.num_pixels, dtype=np.int64))[0]  # (M, F): tests only

    def _sgd_step(self, index, step_size):
        """The SGD step through the separable basis, never forming Phi_b (B, F): for pixel (i, j),
        (Phi_b W)_c = a(i)^T W_c b(j) and Phi_b^T R = A_b^T (b_b * R) per channel; O(B F C)."""
        i, j = np.divmod(index, self.width)  # (B,) rows and columns
        a, b = self.basis_y[i], self.basis_x[j]  # (B, ky), (B, kx)
        n, c = len(index), self.channels
        t = (a @ self.weights.reshape(self.k_y, self.k_x * c)).reshape(n, self.k_x, c)  # (B, kx, C)
        residual = np.einsum("bvc,bv->bc", t, b) - self.labels[index]  # (B, C)
        g = (b[:, :, None] * residual[:, None, :]).reshape(n, self.k_x * c)  # (B, kx*C)
        gradient = np.ascontiguousarray(a.T) @ g  # (ky, kx*C)
        self.weights -= (step_size / n) * gradient.reshape(self.num_features, c)  # (F, C)

    def _estimate_curvature(self, iterations=30):
        """L = 1 exactly on the full grid (Phi^T Phi = M I); by power iteration with a train mask."""
        return 1.0 if self.train_index is None else super()._estimate_curvature(iterations)

    @property
    def fast_forward(self):
        return self.solver == 0 and self.train_index is None

    def step(self, epochs=1):
        """On the full grid GD is W_t - W* = (1 - eta)^t (W_0 - W*) (L = 1): any number of epochs in
        O(F C); with a mask or SGD, honest epochs."""
        epochs = int(epochs)
        if not self.fast_forward or epochs <= 0:
            return super().step(epochs)
        best = self._phi_t_y() / self.num_pixels  # (F, C) float64: W*
        with np.errstate(over="ignore", invalid="ignore"):
            decay = (1.0 - self.learning_rate) ** epochs
            self.weights = (best + decay * (self.weights - best)).astype(self.dtype)
        self.epoch += epochs
        self._changed()

    def _solve_masked(self, ridge, tolerance, max_iterations):
        mask = self.residual_mask.astype(np.float64)  # (M, 1)
        seen = mask.reshape(self.height, self.width)  # (H, W)
        a2, b2 = np.square(self.basis_y, dtype=np.float64), np.square(self.basis_x, dtype=np.float64)
        diagonal = (a2.T @ seen @ b2).reshape(self.num_features, 1)  # (F, 1): diag(Phi^T S Phi)
        if ridge is None:
            ridge = 1e-6 * float(diagonal.sum()) / self.num_features  # 1e-6 trace / F, as elsewhere

        def normal(x):  # (Phi^T S Phi + ridge I) x, float64
            return self.backward(mask * self.forward(x)) + ridge * x

        rhs = self.backward(mask * self.labels.astype(np.float64))  # (F, C)
        x = conjugate_gradients(normal, rhs, 1.0 / (diagonal + ridge), tolerance, max_iterations)
        self.weights = x.astype(self.dtype)
        self._changed()
        return self

    def _phi_t_y(self):
        """Phi^T Y on the full grid, (F, C) float64, from a 2-D DCT-II by FFT (cached, read-only)."""
        if self._target_coefficients is None:
            image = self.labels.reshape(self.height, self.width, self.channels).astype(np.float64)
            coefficients = dct2_rows(image, self.k_y)  # (ky, W, C): DCT along rows
            coefficients = dct2_rows(coefficients.transpose(1, 0, 2), self.k_x)  # (kx, ky, C)
            coefficients = coefficients.transpose(1, 0, 2)  # (ky, kx, C) = sum_ij y cos cos
            scale_y = np.where(np.arange(self.k_y) == 0, 1.0, np.sqrt(2.0))  # (ky,)
            scale_x = np.where(np.arange(self.k_x) == 0, 1.0, np.sqrt(2.0))  # (kx,)
            phi_t_y = coefficients * scale_y[:, None, None] * scale_x[None, :, None]  # (ky, kx, C)
            self._target_coefficients = frozen(phi_t_y.reshape(self.num_features, self.channels))
        return self._target_coefficients

    def solve(self, ridge=None, tolerance=1e-10, max_iterations=1000):
        """Exact least squares by FFT (no mask): W = Phi^T Y / (M + ridge), Phi^T Y from a 2-D DCT-II.
        With a train_mask: conjugate gradients on the normal equations through the separable basis
        (Phi (M, k^2) and its (k^2, k^2) Gram matrix are never built), preconditioned by their diagonal
        sum_seen a_u(i)^2 b_v(j)^2 = ((A_y^2)^T S A_x^2)_uv with S the (H, W) mask."""
        if self.train_index is not None:
            return self._solve_masked(ridge, tolerance, max_iterations)
        phi_t_y = self._phi_t_y()  # (F, C)
        if ridge is None:
            ridge = 1e-6 * self.num_pixels  # the default rule: trace(Phi^T Phi) / F = M
        weights = phi_t_y / (self.num_pixels + ridge)  # (Phi^T Phi + ridge I) = (M + ridge) I
        self.weights = weights.reshape(self.num_features, self.channels).astype(self.dtype)
        self._changed()
        return self
