"""Polynomial features of the pixel coordinates, in an orthonormal Legendre basis (features.py has the
shared machinery and its maths)."""
import numpy as np

from .features import LinearFeatureModel
from .grid import check_zoom
from .knobs import Knob


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
