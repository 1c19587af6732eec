"""How good a picture does each model paint in a given wall time, with its defaults? Prints tables.

    python3 bench/bench_models.py [IMAGE] [--sizes 128 256] [--budgets 2 10] [--models plane poly ...]

For every model and size: build the model with its defaults (the build counts against the budget, as
it does on the page), then step(1) until each budget has passed and record the PSNR at that moment.
Then: held-out PSNR of rff (train on a random half of the pixels, score the other half) after solve()
and after gradient descent, and the time of CosineBasisModel.solve() (FFT).
CPython numbers; Pyodide without BLAS is several times slower for the dense matmuls; for the browser
itself see bench/bench_models_browser.py.
"""

import argparse
import os
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one thread, like Pyodide; spinning BLAS threads on a busy
    # machine made some matmuls 20x slower and the table meaningless
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from painting.dct import CosineBasisModel  # noqa: E402
from painting.images import load_image  # noqa: E402
from painting.metrics import psnr  # noqa: E402
from painting.nets import MLPModel, SirenModel  # noqa: E402
from painting.plane import PlaneModel  # noqa: E402
from painting.poly import PolynomialModel  # noqa: E402
from painting.rff import FourierFeatureModel  # noqa: E402

MODELS = {cls.NAME: cls for cls in
          (PlaneModel, PolynomialModel, FourierFeatureModel, CosineBasisModel, MLPModel, SirenModel)}


def default_image():
    images = sorted((ROOT / "site" / "images").glob("*.jpg"))
    if not images:
        sys.exit("no image given and none bundled under site/images/")
    return images[0]


def race(cls, target, budgets, **kwargs):
    """PSNR (and epochs) when each wall-time budget has passed, build time included."""
    start = time.perf_counter()
    model = cls(target, **kwargs)
    built = time.perf_counter() - start
    results = []
    for budget in sorted(budgets):
        while time.perf_counter() - start < budget:
            model.step(1)
        results.append((psnr(model.predict(), target), model.epoch))
    return built, results, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", nargs="?", type=Path, default=None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--budgets", type=float, nargs="+", default=[2.0, 10.0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    args = parser.parse_args()
    path = args.image or default_image()
    print(f"image: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    header = "".join(f" | PSNR@{b:g}s (epochs)" for b in args.budgets)
    for size in args.sizes:
        target = load_image(path, max_side=size)
        best = PlaneModel(target).solve().predict()
        print(f"\n{target.shape[0]}x{target.shape[1]} (plane least squares: {psnr(best, target):.2f} dB)")
        print(f"{'model':6} | lr     | build s{header}")
        for name in args.models:
            cls = MODELS[name]
            built, results, _ = race(cls, target, args.budgets)
            cells = "".join(f" | {p:6.2f} dB ({e:5d})    " for p, e in results)
            print(f"{name:6} | {cls.DEFAULT_LEARNING_RATE:<6g} | {built:7.3f}{cells}")

    size = args.sizes[0]
    target = load_image(path, max_side=size)
    mask = np.random.default_rng(0).random(target.shape[:2]) < 0.5
    print(f"\nrff held-out at {target.shape[0]}x{target.shape[1]}: train on a random half, score the rest")
    print("sigma | solve(): train dB | held-out dB | GD lr 1, 2 s: train dB | held-out dB")
    for sigma in (4.0, 8.0, 16.0):  # GD with a mask runs real FFT epochs: lr 1 (the default is for the page)
        solved = FourierFeatureModel(target, sigma=sigma, train_mask=mask).solve().predict()
        _, [(_, _)], model = race(FourierFeatureModel, target, [2.0], sigma=sigma, train_mask=mask,
                                  learning_rate=1.0)
        gd = model.predict()
        print(f"{sigma:5g} | {psnr(solved[mask], target[mask]):17.2f} | {psnr(solved[~mask], target[~mask]):11.2f}"
              f" | {psnr(gd[mask], target[mask]):22.2f} | {psnr(gd[~mask], target[~mask]):11.2f}")

    target = load_image(path, max_side=256)
    print(f"\ndct solve() at {target.shape[0]}x{target.shape[1]}: k | FFT solve s | PSNR dB")
    for k in (32, 128, 256):
        model = CosineBasisModel(target, k=k)
        start = time.perf_counter()
        model.solve()
        elapsed = time.perf_counter() - start
        print(f"{k:4d} | {elapsed:11.4f} | {psnr(model.predict(), target):7.2f}")


if __name__ == "__main__":
    main()
