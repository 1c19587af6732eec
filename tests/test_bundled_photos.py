"""The models on a real bundled photograph (site/images), not only on synthetic pictures: gradient descent
and mini-batch SGD both paint it, and the [1, x, y] plane cannot."""
from pathlib import Path

import pytest

from painting.images import load_image
from painting.metrics import psnr
from painting.models import make_model

PHOTO = Path(__file__).resolve().parent.parent / "site" / "images" / "chelsea.jpg"
pytestmark = pytest.mark.cpython_only  # reads site/, which the Pyodide run does not mount


@pytest.fixture(scope="module")
def photo():
    return load_image(PHOTO, max_side=32)  # (32, 32, 3)


@pytest.mark.parametrize("solver, learning_rate, epochs, floor", [
    ("gd", 1.0, 50, 38.0),     # measured 42.9 dB
    ("sgd", 0.05, 20, 27.0),   # measured 30.8 dB: batches of 256 pixels, 4 steps per epoch
])
def test_fourier_features_paint_the_photo_with_gd_and_sgd(photo, solver, learning_rate, epochs, floor):
    model = make_model("rff", photo, learning_rate=learning_rate, solver=solver, batch_size=256, seed=1)
    before = psnr(model.predict(), photo)
    model.step(epochs)
    assert before < 15.0 < floor <= psnr(model.predict(), photo)


def test_the_plane_cannot_paint_the_photo_but_the_cosine_basis_can(photo):
    plane, dct = make_model("plane", photo), make_model("dct", photo)
    plane.step(2000)
    dct.solve()
    assert psnr(plane.predict(), photo) < 21.0  # measured 19.0 dB: a colour gradient
    assert psnr(dct.predict(), photo) > 60.0  # k = 64 >= 32: every DCT coefficient, an exact fit
