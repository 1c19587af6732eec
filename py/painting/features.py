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
L = lambda_max(Phi^T Phi / M) is estimated once by power iteration, so the learning rate eta is
measured in units of the classic 1/L step: GD is stable for every feature map and knob setting iff
0 < eta < 2, and the eigen-direction with curvature lambda shrinks by (1 - eta*lambda/L) per epoch.
solve(ridge) jumps to the closed form W = (Phi^T Phi + ridge*I)^-1 Phi^T Y.

Inputs: pixel centres, x = (col + 0.5)/S, y = (row + 0.5)/S with S = max(H, W) (keeps the aspect).
A `train_mask` (H, W) bool restricts training and cost() to some pixels; predict() is always the
full image, so the caller can score the held-out rest.

Memory: the dense models keep Phi (M, F) and its transpose, contiguous, in float32 (no BLAS in
Pyodide: strided matmul operands are several times slower). CosineBasisModel is separable and
never builds Phi.
"""

import numpy as np

from .models import Knob


def pixel_coordinates(height, width, dtype=np.float32):
    """(H*W, 2) pixel centres (x, y) in [0, 1]^2 scaled by the longest side, row-major order."""
    scale = float(max(height, width))
    ys, xs = np.meshgrid(np.arange(height, dtype=np.float64), np.arange(width, dtype=np.float64),
                         indexing="ij")  # (H, W) each
    v = np.stack([(xs.ravel() + 0.5) / scale, (ys.ravel() + 0.5) / scale], axis=1)  # (M, 2)
    return v.astype(dtype)


def _as_target(target):
    target = np.asarray(target)
    if target.ndim != 3 or min(target.shape) < 1:
        raise ValueError(f"target must be (H, W, C) with non-zero sides, got shape {target.shape}")
    if not np.all(np.isfinite(target)):
        raise ValueError("target contains NaN or infinity")
    return target


def _as_mask(train_mask, height, width):
    if train_mask is None:
        return None
    mask = np.asarray(train_mask, dtype=bool)
    if mask.shape != (height, width):
        raise ValueError(f"train_mask must have shape {(height, width)}, got {mask.shape}")
    if not mask.any():
        raise ValueError("train_mask selects no pixels")
    return mask.ravel()  # (M,)


def check_array(params, key, shape):
    """params[key] as a float64 array of exactly `shape` with finite entries; ValueError otherwise."""
    if key not in params:
        raise ValueError(f"params has no {key!r}")
    try:
        array = np.asarray(params[key], dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"params[{key!r}] is not a numeric array: {error}") from None
    if array.shape != tuple(shape):
        raise ValueError(f"params[{key!r}] has shape {array.shape}, expected {tuple(shape)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"params[{key!r}] contains NaN or infinity")
    return array


def check_header(params, name, target_shape):
    """Common validation of get_params() dicts: model name, image shape, epoch, learning rate."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict, got {type(params).__name__}")
    if params.get("model") != name:
        raise ValueError(f"params are for model {params.get('model')!r}, this is {name!r}")
    if list(params.get("shape", [])) != list(target_shape):
        raise ValueError(f"params are for an image of shape {params.get('shape')}, "
                         f"this target has shape {list(target_shape)}")
    epoch = params.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"params['epoch'] must be a non-negative integer, got {epoch!r}")
    rate = params.get("learning_rate")
    if rate is not None and not (isinstance(rate, (int, float)) and np.isfinite(rate) and rate > 0):
        raise ValueError(f"params['learning_rate'] must be a positive number, got {rate!r}")
    return epoch, rate


SOLVERS = ("gd", "sgd")


class LinearFeatureModel:
    """Linear regression on a fixed feature map phi(v); subclasses define the map (see module doc)."""

    NAME = None
    DEFAULT_LEARNING_RATE = 1.0
    KNOBS = {
        "solver": Knob(0, 0, 1, integer=True, label="solver",
                       choices=("gradient descent", "mini-batch SGD")),
        "batch_size": Knob(1024, 16, 65536, log=True, integer=True, label="SGD batch (pixels)"),
    }

    def __init__(self, target, learning_rate=None, seed=0, train_mask=None, dtype=np.float32,
                 **knobs):
        target = _as_target(target)
        self.height, self.width, self.channels = target.shape
        self.num_pixels = self.height * self.width
        self.dtype = np.dtype(dtype)
        self.rng = np.random.default_rng(seed)
        self.learning_rate = float(self.DEFAULT_LEARNING_RATE if learning_rate is None
                                   else learning_rate)
        self.epoch = 0
        unknown = sorted(set(knobs) - set(self.KNOBS))
        if unknown:
            raise ValueError(f"unknown knob(s) {unknown} for model {self.NAME!r}; "
                             f"known: {sorted(self.KNOBS)}")
        solver = knobs.pop("solver", self.KNOBS["solver"].default)
        if isinstance(solver, str):  # accept the names too
            if solver not in SOLVERS:
                raise ValueError(f"solver must be one of {SOLVERS} (or 0/1), got {solver!r}")
            solver = SOLVERS.index(solver)
        self.solver = self.KNOBS["solver"].clamp(solver, "solver")
        self.batch_size = self.KNOBS["batch_size"].clamp(knobs.pop("batch_size", 1024), "batch_size")
        self.knobs = {name: knob.clamp(knobs.get(name, knob.default), name)
                      for name, knob in self.KNOBS.items() if name not in ("solver", "batch_size")}

        self.labels = target.reshape(self.num_pixels, self.channels).astype(self.dtype)  # (M, C)
        mask = _as_mask(train_mask, self.height, self.width)  # (M,) or None
        self.train_index = None if mask is None else np.flatnonzero(mask).astype(np.int64)
        self.residual_mask = None if mask is None else mask.astype(self.dtype)[:, None]  # (M, 1)
        self.num_train = self.num_pixels if mask is None else len(self.train_index)

        self.build(**self.knobs)
        self.weights = np.zeros((self.num_features, self.channels), dtype=self.dtype)  # (F, C)
        self.curvature = self._estimate_curvature()
        self._cache = None  # (weights version, predictions (M, C))
        self._version = 0

    # ---- the feature map: dense default, overridden by separable models ----
    def build(self, **knobs):
        """Set self.features (M, F) and self.num_features; called once from __init__."""
        raise NotImplementedError

    def _finish_dense(self, features):
        self.features = np.ascontiguousarray(features, dtype=self.dtype)  # (M, F)
        self.features_t = np.ascontiguousarray(self.features.T)  # (F, M), for Phi^T R
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

    def step(self, epochs=1):
        step_size = self.dtype.type(self.learning_rate / self.curvature)
        for _ in range(int(epochs)):
            if self.solver == 0:
                gradient = self.backward(self._residual()) / self.num_train  # (F, C)
                self.weights -= step_size * gradient
                self._changed()
            else:
                self._sgd_epoch(step_size)
            self.epoch += 1

    def _sgd_epoch(self, step_size):
        from .solvers import minibatches
        for batch in minibatches(self.num_train, self.batch_size, self.rng):
            index = batch if self.train_index is None else self.train_index[batch]  # (B,)
            phi, phi_t = self.rows(index)  # (B, F), (F, B)
            residual = phi @ self.weights - self.labels[index]  # (B, C)
            self.weights -= (step_size / len(index)) * (phi_t @ residual)  # (F, C)
        self._changed()

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
            self._cache = (self._version, self.forward(self.weights))
        return self._cache[1]

    def predict(self):
        return self._predictions().reshape(self.height, self.width, self.channels)

    def cost(self):
        residual = self._residual()  # (M, C), zero off the mask
        return float(np.sum(np.square(residual, dtype=np.float64)) / (2 * self.num_train))

    def get_params(self):
        return {
            "model": self.NAME,
            "shape": [self.height, self.width, self.channels],
            "epoch": self.epoch,
            "learning_rate": self.learning_rate,
            "knobs": {"solver": self.solver, "batch_size": self.batch_size, **self.knobs},
            "weights_shape": [self.num_features, self.channels],
            "weights": self.weights.tolist(),
            **self._extra_params(),
        }

    def set_params(self, params):
        epoch, rate = check_header(params, self.NAME, (self.height, self.width, self.channels))
        weights = check_array(params, "weights", (self.num_features, self.channels))
        self._set_extra_params(params)
        self.weights = weights.astype(self.dtype)
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
        v = pixel_coordinates(self.height, self.width, self.dtype)  # (M, 2)
        ones = np.ones((self.num_pixels, 1), dtype=self.dtype)  # (M, 1)
        self._finish_dense(np.concatenate([ones, v], axis=1))  # (M, 3)


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


class FourierFeatureModel(LinearFeatureModel):
    """Random Fourier features: phi(v) = [1, sin(2 pi B v), cos(2 pi B v)], B ~ N(0, sigma^2), (m, 2).

    Tancik et al. 2020, "Fourier Features Let Networks Learn High Frequency Functions in Low
    Dimensional Domains" (NeurIPS): mapping v through random sinusoids turns a low-dimensional
    regression into a kernel regression with a stationary kernel whose width is ~1/sigma. Small
    sigma: smooth, blurry; large sigma: sharp on the training pixels but noisy in between (try
    train_mask). F = 2m + 1 features. B is drawn from the model's RNG and saved in get_params().
    """

    NAME = "rff"
    DEFAULT_LEARNING_RATE = 1.0
    KNOBS = {**LinearFeatureModel.KNOBS,
             "sigma": Knob(5.0, 0.5, 64.0, log=True, label="frequency scale sigma"),
             "features": Knob(256, 8, 2048, log=True, integer=True, label="random frequencies m")}

    def build(self, sigma, features):
        frequencies = sigma * self.rng.standard_normal((features, 2))  # (m, 2) float64
        self._set_frequencies(frequencies)

    def _set_frequencies(self, frequencies):
        self.frequencies = np.asarray(frequencies, dtype=np.float64)  # (m, 2)
        v = pixel_coordinates(self.height, self.width, np.float64)  # (M, 2)
        angles = 2.0 * np.pi * (v @ self.frequencies.T)  # (M, m)
        ones = np.ones((self.num_pixels, 1))  # (M, 1)
        self._finish_dense(np.concatenate([ones, np.sin(angles), np.cos(angles)], axis=1))  # (M, 2m+1)

    def _extra_params(self):
        return {"frequencies": self.frequencies.tolist()}

    def _set_extra_params(self, params):
        frequencies = check_array(params, "frequencies", self.frequencies.shape)
        if not np.array_equal(frequencies, self.frequencies):
            self._set_frequencies(frequencies)
            self.curvature = self._estimate_curvature()


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
    With a train_mask the grid orthogonality is lost; solve() then falls back to dense least squares.
    """

    NAME = "dct"
    DEFAULT_LEARNING_RATE = 0.1
    KNOBS = {**LinearFeatureModel.KNOBS,
             "k": Knob(32, 1, 4096, log=True, integer=True, label="frequencies per axis k")}

    def build(self, k):
        self.k_y, self.k_x = min(k, self.height), min(k, self.width)  # no aliased duplicates
        self.basis_y = cosine_columns(self.height, self.k_y, self.dtype)  # (H, ky)
        self.basis_x = cosine_columns(self.width, self.k_x, self.dtype)  # (W, kx)
        self.basis_y_t = np.ascontiguousarray(self.basis_y.T)  # (ky, H)
        self.basis_x_t = np.ascontiguousarray(self.basis_x.T)  # (kx, W)
        self.num_features = self.k_y * self.k_x

    def forward(self, weights):
        c = weights.shape[1]
        w = weights.reshape(self.k_y, self.k_x * c)  # (ky, kx*C)
        t = (self.basis_y @ w).reshape(self.height, self.k_x, c)  # (H, kx, C)
        t = np.ascontiguousarray(t.transpose(0, 2, 1))  # (H, C, kx)
        out = t @ self.basis_x_t  # (H, C, W)
        return out.transpose(0, 2, 1).reshape(self.num_pixels, c)  # (M, C)

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

    def solve(self, ridge=None):
        """Exact least squares by FFT (no mask): W = Phi^T Y / (M + ridge), Phi^T Y from a 2-D DCT-II."""
        if self.train_index is not None:
            return super().solve(ridge)
        image = self.labels.reshape(self.height, self.width, self.channels).astype(np.float64)
        coefficients = dct2_rows(image, self.k_y)  # (ky, W, C): DCT along rows
        coefficients = dct2_rows(coefficients.transpose(1, 0, 2), self.k_x)  # (kx, ky, C)
        coefficients = coefficients.transpose(1, 0, 2)  # (ky, kx, C) = sum_ij y cos cos
        scale_y = np.where(np.arange(self.k_y) == 0, 1.0, np.sqrt(2.0))  # (ky,)
        scale_x = np.where(np.arange(self.k_x) == 0, 1.0, np.sqrt(2.0))  # (kx,)
        phi_t_y = coefficients * scale_y[:, None, None] * scale_x[None, :, None]  # (ky, kx, C)
        if ridge is None:
            ridge = 1e-6 * self.num_pixels  # the default rule: trace(Phi^T Phi) / F = M
        weights = phi_t_y / (self.num_pixels + ridge)  # (Phi^T Phi + ridge I) = (M + ridge) I
        self.weights = weights.reshape(self.num_features, self.channels).astype(self.dtype)
        self._changed()
        return self
