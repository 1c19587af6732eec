"""Random Fourier features on the pixel grid, applied by FFT (features.py has the shared machinery and
its maths; OrthogonalFeatureModel the closed forms on the full grid)."""
import numpy as np

from .features import OrthogonalFeatureModel
from .grid import check_array, check_model_header, check_zoom, frozen, pixel_coordinates
from .knobs import Knob


class FourierFeatureModel(OrthogonalFeatureModel):
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
    c_j / 2 for sin_j and cos_j (trace = M sum_j c_j, as sin^2 + cos^2 = 1). So (OrthogonalFeatureModel)
    L = max(d) exactly, solve() is one FFT (W = Phi^T Y / (M d + ridge)), and gradient descent is
    diagonal, W_t - W* = (1 - eta d / L)^t (W_0 - W*), which step() applies in closed form: any number
    of epochs costs O(F). Frequencies drawn often (low ones, for small sigma)
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
    KNOBS = {**OrthogonalFeatureModel.KNOBS,
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

    def grid_coefficients(self):
        if self._target_coefficients is None:
            self._target_coefficients = frozen(self.backward(self.labels.astype(np.float64)) / self.num_pixels)
        return self._target_coefficients  # (F, C)

    def _sgd_step(self, index, step_size):
        """A mini-batch SGD step where the batch is a mask: Phi^T (mask_b (Phi W - Y)) / B, one FFT pair."""
        residual = np.zeros((self.num_pixels, self.channels), dtype=self.dtype)  # (M, C)
        residual[index] = self.forward(self.weights)[index] - self.labels[index]  # (B, C)
        self.weights -= (step_size / len(index)) * self.backward(residual)  # (F, C)

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
