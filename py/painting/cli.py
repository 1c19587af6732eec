"""python -m painting IMAGE [--size 64] [--mode rgb|2017] [--model onehot] [--lr LR]
[--epochs-per-frame N] [--frames N] [--out learned.png] [--gif timelapse.gif] [--<knob> VALUE ...]

Paints IMAGE with a model, shows a progress bar on stderr and prints, as the last line on stdout,
`epochs=<int> cost=<float> psnr=<float> seconds=<float>`. Errors: one line on stderr, exit status 1.
"""
import argparse
import sys
import time

from .images import ImageError, gif_bytes, load_image, png_bytes
from .linreg import CostExplodedError
from .models import MODELS
from .session import MODES, Session


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit status 1, like every other error
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _knob_table():
    """knob name -> (Knob, [models having it]), over every registered model."""
    table = {}
    for model_name, cls in MODELS.items():
        for name, knob in cls.KNOBS.items():
            table.setdefault(name, (knob, []))[1].append(model_name)
    return table


def build_parser():
    p = _Parser(prog="python -m painting", description="Learn a picture by linear regression.")
    p.add_argument("image", help="PNG, JPEG, GIF, WebP or BMP file")
    p.add_argument("--size", type=int, default=64, help="longest side in pixels (default 64)")
    p.add_argument("--mode", choices=MODES, default="rgb", help="rgb labels or the 2017 packed colour")
    p.add_argument("--model", choices=list(MODELS), default="onehot")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the model's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs-per-frame", type=int, default=200)
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--out", default=None, help="write the learned image as PNG")
    p.add_argument("--gif", default=None, help="write a timelapse GIF of all frames")
    p.add_argument("--gif-ms", type=int, default=80, help="milliseconds per GIF frame")
    for name, (knob, owners) in _knob_table().items():
        p.add_argument("--" + name.replace("_", "-"), dest="knob_" + name, default=None,
                       type=int if knob.integer else float, metavar="X",
                       help=f"{knob.label} [{knob.low}..{knob.high}, default {knob.default}] "
                            f"({', '.join(owners)})")
    return p


def _bar(fraction, text, width=30):
    done = int(round(fraction * width))
    return f"\r[{'#' * done}{'-' * (width - done)}] {fraction * 100:5.1f}% {text}"


def run(argv=None):
    args = build_parser().parse_args(argv)
    for name in ("size", "epochs_per_frame", "frames"):
        if getattr(args, name) < 1:
            raise _UsageError(f"--{name.replace('_', '-')} must be at least 1")
    knobs = {}
    for name, (_, owners) in _knob_table().items():
        value = getattr(args, "knob_" + name)
        if value is not None:
            if args.model not in owners:
                raise _UsageError(f"--{name.replace('_', '-')} is not a setting of model {args.model!r}")
            knobs[name] = value
    start = time.perf_counter()
    rgb = load_image(args.image, max_side=args.size)
    session = Session(rgb, model=args.model, mode=args.mode, learning_rate=args.lr, seed=args.seed, **knobs)
    frames = [session.frame()[..., :3].copy()] if args.gif else None
    show = sys.stderr.isatty()
    for i in range(args.frames):
        stats = session.step(args.epochs_per_frame)
        if frames is not None:
            frames.append(session.frame()[..., :3].copy())
        if show or i + 1 == args.frames:
            sys.stderr.write(_bar((i + 1) / args.frames,
                                  f"epoch {stats['epoch']} cost {stats['cost']:.4g} psnr {stats['psnr']:.2f} dB"))
            sys.stderr.flush()
    sys.stderr.write("\n")
    if args.out:
        with open(args.out, "wb") as f:
            f.write(png_bytes(session.frame()[..., :3]))
    if args.gif:
        with open(args.gif, "wb") as f:
            f.write(gif_bytes(frames, duration=args.gif_ms))
    s = session.stats()
    seconds = time.perf_counter() - start
    print(f"epochs={s['epoch']} cost={s['cost']:.6g} psnr={s['psnr']:.4f} seconds={seconds:.3f}")
    return 0


def main(argv=None):
    try:
        return run(argv)
    except (_UsageError, ImageError, CostExplodedError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
    except OSError as e:
        print(f"error: cannot write {e.filename}: {e.strerror}", file=sys.stderr)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
    return 1
