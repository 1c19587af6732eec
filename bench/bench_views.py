#!/usr/bin/env python3
"""What each view of the learned canvas, and zoom 4, costs per frame, in Python (no page).

    python3 bench/bench_views.py [--size 256] [--repeat 5]
    python3 build.py && node bench/run_in_pyodide.mjs bench/bench_views.py [--size 256]   # in wasm

Per model, at size^2 on a bundled photo after a few epochs: "frame" = rendering the learned frame
(Session.render + learned_rgb, what every frame costs), then the extra of Session.shown_rgb() for each
view and for the learned view at zoom 4 (the model asked at 4 x 4 sub-pixel centres). A network's
zoomed frame is drawn a few rows per slice like its frame; its whole cost is printed here. Milliseconds,
median of --repeat. Goal: each view adds no more than the frame itself costs. No asserts.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
from painting.images import load_image  # noqa: E402
from painting.session import Session  # noqa: E402

PHOTO = Path(__file__).resolve().parents[1] / "site" / "images" / "astronaut.jpg"
MODELS = ("onehot", "plane", "poly", "rff", "dct", "mlp", "siren")
SHOWN = (("error", 1), ("spectrum", 1), ("inside", 1), ("learned", 4))


def median_ms(work, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def frame(session):
    session._frames.stale = True  # the model "changed": a new frame (as after a training slice)
    while not session.render(60.0):
        pass
    session.learned_rgb()


def shown(session, view, zoom):
    session.view, session.zoom = "learned", 1
    frame(session)
    session.view, session.zoom = view, zoom
    if zoom > 1 and not session.renders_quickly:
        frame(session)  # a network's zoomed rows come with its frame
    session.shown_rgb()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rgb = load_image(str(PHOTO), max_side=args.size)
    print(f"Per-frame cost at {args.size}² in ms (median of {args.repeat}); extra = view - learned frame")
    print(f"  {'model':<8} {'frame':>8} " + " ".join(f"{f'+{v}' if z == 1 else f'+zoom {z}':>10}" for v, z in SHOWN))
    for name in MODELS:
        session = Session(rgb, model=name, timelapse=0)
        session.train(2)
        base = median_ms(lambda: frame(session), args.repeat)
        extras = [median_ms(lambda: shown(session, v, z), args.repeat) - base for v, z in SHOWN]
        print(f"  {name:<8} {base:8.2f} " + " ".join(f"{e:10.2f}" for e in extras))
    print("  goal: each extra <= frame")


if __name__ == "__main__":
    main()
