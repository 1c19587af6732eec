"""Where the plateau rule stops a network, driven as the page's worker drives it (CPython).

    python3 bench/bench_plateau.py [--model mlp] [--size 128] [--photo chelsea] [--limit 120] [--rule best]

Alternates Session.train(.., 0.015 s) and Session.render(0.004 s) (worker/engine.js's slices) until
stop_reason() says "plateau" or `limit` seconds of training; prints the training clock, epoch and PSNR of
the frame at the stop, then Continue (forget_plateau) for as long again and the PSNR reached. A good rule
stops where Continue gains little. --rule best judges the network like an exact-cost model (the best
cost of the last PLATEAU_SECONDS), for comparison. Prints numbers only; no asserts.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py"))
from painting.images import open_image  # noqa: E402
from painting.session import Session  # noqa: E402

PHOTOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "site", "images")


def run(session, limit):
    """Train and draw until a plateau or `limit` more seconds of training; -> (reason or None, clock)."""
    trainer = session._trainer
    start = trainer.clock
    while trainer.clock - start < limit:
        session.train(1e12, 0.015)
        session.render(0.004)
        reason = session.stop_reason()
        if reason:
            return reason, trainer.clock
    return None, trainer.clock


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--photo", default="chelsea")
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--rule", choices=("auto", "best"), default="auto")
    args = parser.parse_args()
    rgb = open_image(os.path.join(PHOTOS, args.photo + ".jpg"), max_side=args.size).rgb
    session = Session(rgb, model=args.model)
    if args.rule == "best":
        session._trainer.noisy = False
    reason, clock = run(session, args.limit)
    while session.drawing or session.render(0.0):
        session.render(1.0)
    stopped = session.info()
    print(f"{args.rule:4} rule, {args.model} {args.photo} {rgb.shape[1]}x{rgb.shape[0]}: stopped by {reason or 'the limit'} at "
          f"{clock:.1f} s of training, epoch {stopped['frame_epoch']:.1f}, {stopped['psnr']:.2f} dB")
    session.forget_plateau()
    reason, later = run(session, clock)
    while session.drawing or session.render(0.0):
        session.render(1.0)
    after = session.info()
    print(f"  Continue for {later - clock:.1f} s more ({reason or 'no plateau'}): epoch {after['frame_epoch']:.1f}, "
          f"{after['psnr']:.2f} dB ({after['psnr'] - stopped['psnr']:+.2f} dB)")


if __name__ == "__main__":
    main()
