"""The two "your own model" templates (painting.custom) on the bundled photos. Prints a table.

    python3 bench/bench_custom.py [--sizes 64 128] [--epochs 100]

Per template, photo and size: compile + build time, ms per epoch (Session.train(epochs), as the page drives it),
PSNR after --epochs epochs with the default learning rate, and for the features template the PSNR of
solve() (the least-squares limit). CPython, one BLAS thread (like Pyodide, which has no BLAS at all).
"""
import argparse
import os
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from painting.custom import TEMPLATES, compile_model, register_model  # noqa: E402
from painting.images import load_image  # noqa: E402
from painting.session import Session  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 128])
    ap.add_argument("--epochs", type=int, default=100)
    args = ap.parse_args()
    photos = sorted((ROOT / "site" / "images").glob("*.jpg"))
    print(f"{'template':9} {'photo':11} {'size':>5} {'build ms':>9} {'ms/epoch':>9} "
          f"{'PSNR@' + str(args.epochs):>9} {'solve':>6}")
    for template, source in TEMPLATES.items():
        for photo in photos:
            for size in args.sizes:
                rgb = load_image(photo, max_side=size)
                start = time.perf_counter()
                register_model(compile_model(source))
                session = Session(rgb, model="custom", timelapse=0)
                built = time.perf_counter() - start
                start = time.perf_counter()
                session.train(args.epochs)
                stats = session.scores()
                per_epoch = (time.perf_counter() - start) / args.epochs
                solved = f"{session.solve()['psnr']:6.1f}" if hasattr(session.model, "solve") else "     -"
                print(f"{template:9} {photo.stem:11} {size:5d} {built * 1e3:9.1f} {per_epoch * 1e3:9.2f} "
                      f"{stats['psnr']:9.1f} {solved}")


if __name__ == "__main__":
    main()
