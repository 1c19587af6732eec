"""The image's own cosine basis: the 2-D DCT-II on the pixel grid, separable (features.py has the
shared machinery and its maths; OrthogonalFeatureModel the closed forms on the full grid)."""
import numpy as np

from .features import OrthogonalFeatureModel
from .grid import check_zoom, frozen
from .knobs import Knob


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


class CosineBasisModel(OrthogonalFeatureModel):
    """The k x k lowest-frequency 2-D DCT-II basis functions on the pixel grid.

    phi_uv(row, col) = a_u(row) b_v(col), a_u(i) = s_u cos(pi u (2i + 1) / (2H)), s_0 = 1, s_u = sqrt 2
    (b likewise over the W columns), u, v < k. These columns are orthogonal on the grid with
    Phi^T Phi = M I, so:
      * least squares is diagonal: W_uv = 1/M sum_pixels y a_u b_v, i.e. the image's 2-D DCT-II
        coefficients times s_u s_v / (H W); solve() computes them with two FFTs, exactly
        (grid_coefficients; the closed forms are OrthogonalFeatureModel's, with d = 1).
      * L = 1, and GD reads W <- W - eta (W - W*): every coefficient converges independently at the
        same rate, W_t - W* = (1 - eta)^t (W_0 - W*). eta = 1 lands on W* in one epoch; the
        default eta is small so the whole picture fades in at once (no spectral bias, unlike nets).
    With k = max(H, W) and a square image the basis is complete and the fit is exact. The model is
    separable: Phi W = A_y W A_x^T per channel, O(M k) per epoch, and Phi (M, k^2) is never built.
    With a train_mask the grid orthogonality is lost; solve() then runs conjugate gradients through the
    separable basis, preconditioned by the exact diagonal (normal_diagonal).
    Default k = 64: exact at the page's default 64 x 64, ~25 dB on a 128 x 128 photo, ~23 dB at 256.
    """

    NAME = "dct"
    DEFAULT_LEARNING_RATE = 0.1
    KNOBS = {**OrthogonalFeatureModel.KNOBS,
             "k": Knob(64, 1, 4096, log=True, integer=True, label="frequencies per axis k")}

    def build(self, k):
        self._target_coefficients = None  # Phi^T Y / M on the full grid, made on demand
        self.k_y, self.k_x = min(k, self.height), min(k, self.width)  # no aliased duplicates
        self.basis_y = frozen(cosine_columns(self.height, self.k_y, self.dtype))  # (H, ky)
        self.basis_x = frozen(cosine_columns(self.width, self.k_x, self.dtype))  # (W, kx)
        self.basis_y_t = frozen(np.ascontiguousarray(self.basis_y.T))  # (ky, H)
        self.basis_x_t = frozen(np.ascontiguousarray(self.basis_x.T))  # (kx, W)
        self.num_features = self.k_y * self.k_x
        self.diagonal = frozen(np.ones(self.num_features))  # (F,): Phi^T Phi = M I on the full grid

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

    def normal_diagonal(self):
        """diag(Phi^T S Phi) = sum_seen a_u(i)^2 b_v(j)^2 = ((A_y^2)^T S A_x^2)_uv exactly, S the (H, W)
        mask; M on the full grid. (F, 1) float64."""
        if self.train_index is None:
            return super().normal_diagonal()
        seen = self.residual_mask.astype(np.float64).reshape(self.height, self.width)  # (H, W)
        a2, b2 = np.square(self.basis_y, dtype=np.float64), np.square(self.basis_x, dtype=np.float64)
        return (a2.T @ seen @ b2).reshape(self.num_features, 1)  # (F, 1)

    def grid_coefficients(self):
        """Phi^T Y / M from a 2-D DCT-II by FFT: the image's DCT-II coefficients times s_u s_v / (H W)."""
        if self._target_coefficients is None:
            image = self.labels.reshape(self.height, self.width, self.channels).astype(np.float64)
            coefficients = dct2_rows(image, self.k_y)  # (ky, W, C): DCT along rows
            coefficients = dct2_rows(coefficients.transpose(1, 0, 2), self.k_x)  # (kx, ky, C)
            coefficients = coefficients.transpose(1, 0, 2)  # (ky, kx, C) = sum_ij y cos cos
            scale_y = np.where(np.arange(self.k_y) == 0, 1.0, np.sqrt(2.0))  # (ky,)
            scale_x = np.where(np.arange(self.k_x) == 0, 1.0, np.sqrt(2.0))  # (kx,)
            phi_t_y = coefficients * scale_y[:, None, None] * scale_x[None, :, None]  # (ky, kx, C)
            self._target_coefficients = frozen(phi_t_y.reshape(self.num_features, self.channels) / self.num_pixels)
        return self._target_coefficients
