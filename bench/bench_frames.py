#!/usr/bin/env python3
"""The Python side of one onehot frame, per stage: what Session.render(0) + shown_rgb() cost.

    python3 bench/bench_frames.py [--sizes 512,1024] [--repeats 15]
    python3 build.py && node bench/run_in_pyodide.mjs bench/bench_frames.py [--sizes 512,1024]

Per size (a random RGB target, onehot, rgb mode, no holdout), the median of --repeats runs of:
  step        model.step(100): one training call (the closed form: a sum and a pass over the state)
  frame       Session.render(0) after a step: the whole frame (cost, display bytes, PSNR, timelapse)
  shown       shown_rgb() after it (zoom 1: the displayed bytes themselves)
  shown z4    shown_rgb() at zoom 4 (the frame drawn blocks-free: what the page enlarges)
and the stages inside a frame: cost (model.cost, the frame's exact cost), predict, bytes (predict +
to_uint8: the general path's displayed bytes), psnr (of those bytes against the target), quick
(Frames._show_quick: bytes and PSNR together, where it exists), timelapse (Timelapse.add). No asserts: the page's target is
20 frames/s at 1024 x 1024 in Chromium (bench/bench_engine.py), which this leaves ~50 ms for.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import numpy as np  # noqa: E402

from painting.session import Session  # noqa: E402


def timed(fn, repeats):
    """Median milliseconds of fn() over `repeats` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench(size, repeats):
    rgb = np.random.default_rng(0).integers(0, 256, (size, size, 3), dtype=np.uint8)
    s = Session(rgb, model="onehot", timelapse=0)
    frames, model = s._frames, s.model
    row = {"size": size}
    row["step"] = timed(lambda: model.step(100), repeats)

    def frame():
        model.step(1)
        s._frames.stale = True
        s._trainer.live_cost = None
        s.render(0)
    row["frame"] = timed(frame, repeats)
    row["shown"] = timed(lambda: (setattr(frames, "_shown", None), s.shown_rgb()), repeats)
    s.zoom = 4
    row["shown z4"] = timed(lambda: (setattr(frames, "_shown", None), s.shown_rgb()), repeats)
    row["z4 bytes"] = s.shown_rgb().nbytes
    s.zoom = 1
    row["cost"] = timed(model.cost, repeats)
    from painting.metrics import psnr
    row["predict"] = timed(model.predict, repeats)
    row["bytes"] = timed(lambda: frames.to_rgb(model.predict(), out=frames.rgb), repeats)
    row["psnr"] = timed(lambda: psnr(frames.rgb, frames.target_u8), repeats)
    if hasattr(frames, "_show_quick"):  # bytes and PSNR together, in four passes
        row["quick"] = timed(lambda: frames._show_quick(model, 0.0, 0), repeats)
    lapse = Session(rgb, model="onehot")._timelapse
    row["timelapse"] = timed(lambda: lapse.add(frames.rgb), repeats)
    return row


COLUMNS = ["size", "step", "frame", "cost", "predict", "bytes", "psnr", "quick", "timelapse", "shown", "shown z4",
           "z4 bytes"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="512,1024")
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    print(f"onehot frame stages, median ms ({sys.platform}, numpy {np.__version__})")
    print("  ".join(f"{c:>9}" for c in COLUMNS))
    for size in map(int, args.sizes.split(",")):
        row = bench(size, args.repeats)
        cells = [row.get(c, "-") for c in COLUMNS]
        print("  ".join(f"{v:>9.1f}" if isinstance(v, float) else f"{v:>9}" for v in cells))


if __name__ == "__main__":
    main()
