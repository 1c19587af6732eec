"""The plane: linear regression on the raw pixel coordinates, the literal answer to the 2017 question
(features.py has the shared machinery and its maths)."""
import numpy as np

from .features import LinearFeatureModel
from .grid import check_zoom, pixel_coordinates


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
