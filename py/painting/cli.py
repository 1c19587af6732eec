"""python -m painting IMAGE [--size 64] [--mode rgb|2017] [--model onehot] [--lr LR]
[--epochs-per-frame N] [--frames N] [--out learned.png] [--scale N] [--gif timelapse.gif]
[--save-params FILE.json] [--load-params FILE.json] [--model-file my_model.py] [--holdout FRACTION|grid]
[--zoom N] [--<knob> VALUE ...]

Paints IMAGE with a model, shows a progress bar on stderr and prints, as the last line on stdout,
`epochs=<int> cost=<float> psnr=<float> seconds=<float>`. Errors: one line on stderr, exit status 1.
--holdout FRACTION hides that share of the pixels from training (holdout.holdout_mask, from --seed);
--holdout grid is the split of Tancik et al. 2020: learn the even rows and columns, score the odd ones
(holdout.grid_masks). The cost and psnr are then the seen pixels', and the last line gains
`psnr_hidden=<float>` (the hidden pixels', or the grid's odd rows and columns') after `psnr=`.
--zoom N writes --out at N times the size, the model asked at the sub-pixel centres (one-hot: blocks).
With --load-params the painting continues from saved parameters: model, mode, size, knobs and seed come
from the file (an explicit --model/--mode/--size must agree with it; --lr overrides its rate).
A model's setting ("knob") is --NAME (underscores as dashes), or --knob-NAME where NAME is one of the
command's own options (the mlp's scale: --knob-scale, as --scale sizes the PNG).
With --model-file the model is your own code (painting.custom), registered as model "custom" before the
options are read (so its KNOBS are options too) and checked by one training step on the image first.
"""
import argparse
import os
import sys
import time

from .grid import MAX_ZOOM
from .holdout import GRID, check_holdout
from .images import MAX_SCALE, ImageError, load_image
from .explosion import CostExplodedError
from .metrics import to_uint8
from .models import MODELS
from .params import params_from_json, params_to_json
from .session import MODES, Session


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit status 1, like every other error
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _knob_table():
    """knob name -> {model name: that model's Knob}, over every registered model (a name such as sigma
    or batch_size belongs to several models, each with its own range); a renamed knob's old name too
    (--fourier, the mlp's encoding before there were four), which the Session reads as the new one."""
    table = {}
    for model_name, cls in MODELS.items():
        old = {name: knob for name, (_, knob) in cls.RENAMED_KNOBS.items()}
        for name, knob in {**cls.KNOBS, **old}.items():
            table.setdefault(name, {})[model_name] = knob
    return table


def _knob_flag(parser, name):
    """The option of knob `name`: --name with dashes, or --knob-name if the command has that option."""
    flag = "--" + name.replace("_", "-")
    return "--knob-" + name.replace("_", "-") if flag in parser._option_string_actions else flag


def _describe(knob):
    """A knob's values for --help: its range and default, or its named choices."""
    if knob.names:
        values = ", ".join(c if c.lower().startswith(f"{n}:") else f"{n} = {c}"  # "none: raw (x, y)" as it is
                           for n, c in zip(knob.names, knob.choices))
        return f"{values}, default {knob.names[int(knob.default - knob.low)]}"
    return f"{knob.low:g}..{knob.high:g}, default {knob.default:g}"


def _knob_help(models):
    """--help text for one knob name: each model's own label, range and default; models whose Knob is the
    same share one entry, e.g. "rff: frequency scale sigma, 0.5..128, default 16; mlp: ..., 0.5..64, ..."."""
    groups = {}  # Knob -> [model names], in MODELS order
    for model_name, knob in models.items():
        groups.setdefault(knob, []).append(model_name)
    return "; ".join(f"{', '.join(names)}: {knob.label}, {_describe(knob)}" for knob, names in groups.items())


def build_parser():
    command = os.path.basename(sys.argv[0] or "")
    prog = "python -m painting" if command in ("", "__main__.py", "-c") else command  # or regression-painter
    p = _Parser(prog=prog, description="Learn a picture by linear regression.")
    p.add_argument("image", help="PNG, JPEG, GIF, WebP or BMP file")
    p.add_argument("--size", type=int, default=None, help="longest side in pixels (default 64)")
    p.add_argument("--mode", choices=MODES, default=None, help="rgb labels (default) or the 2017 packed colour")
    p.add_argument("--model", choices=list(MODELS), default=None, help="default onehot")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default: the model's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs-per-frame", type=int, default=200)
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--out", default=None, help="write the learned image as PNG")
    p.add_argument("--scale", type=int, default=1, help=f"PNG and GIF pixels as N x N blocks (1..{MAX_SCALE})")
    p.add_argument("--gif", default=None, help="write a timelapse GIF (at most 120 frames spanning the run)")
    p.add_argument("--gif-ms", type=int, default=80, help="milliseconds per GIF frame")
    p.add_argument("--save-params", default=None, metavar="FILE.json", help="write the learned parameters")
    p.add_argument("--load-params", default=None, metavar="FILE.json", help="start from saved parameters")
    p.add_argument("--holdout", type=_holdout, default=0.0, metavar=f"FRACTION|{GRID}",
                   help="hide this share of the pixels from training, 0 <= FRACTION < 1 (default 0); "
                   f"{GRID}: learn the even rows and columns, score the odd ones (Tancik et al. 2020)")
    p.add_argument("--zoom", type=int, default=1, help=f"--out at N x the size, 1..{MAX_ZOOM}: the model "
                   "between pixels (one-hot repeats its pixels)")
    p.add_argument("--model-file", default=None, metavar="my_model.py",  # read first: _register_model_file
                   help="your own model: def features(x, y) or a class with step() and predict()")
    p.knob_flags = {}  # knob name -> its option
    for name, models in _knob_table().items():
        knobs = list(models.values())
        if any(knob.names for knob in knobs):  # a choice: its name or its number
            kind = str
            metavar = "{" + ",".join(dict.fromkeys(n for knob in knobs for n in knob.names)) + "}"
        else:
            kind, metavar = (int if all(knob.integer for knob in knobs) else float), "X"
        p.knob_flags[name] = _knob_flag(p, name)
        p.add_argument(p.knob_flags[name], dest="knob_" + name, default=None, type=kind,
                       metavar=metavar, help=_knob_help(models).replace("%", "%%"))
    return p


def _holdout(text):
    """--holdout's text -> "grid" or a share (checked in run(), so that the message names the flag)."""
    if text == GRID:
        return GRID
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a fraction with 0 <= FRACTION < 1 or {GRID}, "
                                         f"got {text!r}") from None


def _bar(fraction, text, width=30):
    done = int(round(fraction * width))
    return f"\r[{'#' * done}{'-' * (width - done)}] {fraction * 100:5.1f}% {text}"


def _read_params(path):
    try:
        with open(path, "rb") as f:
            return params_from_json(f.read())
    except FileNotFoundError:
        raise _UsageError(f"parameter file not found: {path}") from None
    except ValueError as e:
        raise _UsageError(f"{path}: {e}") from None


def _register_model_file(argv):
    """If argv has --model-file FILE: compile FILE's code and register it as model "custom"; -> the class."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)  # --mode is not --model-file
    pre.add_argument("--model-file", default=None)
    path = pre.parse_known_args(argv)[0].model_file
    if path is None:
        return None
    from .custom import compile_model, register_model
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except FileNotFoundError:
        raise _UsageError(f"model file not found: {path}") from None
    except UnicodeDecodeError:
        raise _UsageError(f"{path}: the model file is not UTF-8 text") from None
    return register_model(compile_model(source, filename=path))


def _check_model_file(cls, rgb, mode):
    """One training step of a fresh instance on the labels of `mode`: a protocol violation ends the run."""
    from .custom import check_model
    from .packed import encode_packed
    labels = encode_packed(to_uint8(rgb)) if mode == "2017" else rgb
    check_model(cls(labels), labels.shape)


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def run(argv=None):
    custom = _register_model_file(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("size", "epochs_per_frame", "frames", "scale", "gif_ms"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise _UsageError(f"--{name.replace('_', '-')} must be at least 1")
    if args.scale > MAX_SCALE:
        raise _UsageError(f"--scale must be at most {MAX_SCALE}")
    try:
        check_holdout(args.holdout)
    except ValueError:
        raise _UsageError(f"--holdout must be a fraction with 0 <= FRACTION < 1 or {GRID}, "
                          f"got {args.holdout:g}") from None
    if not 1 <= args.zoom <= MAX_ZOOM:
        raise _UsageError(f"--zoom must be from 1 to {MAX_ZOOM}, got {args.zoom}")
    if args.zoom > 1 and args.scale > 1:
        raise _UsageError("--zoom and --scale both enlarge --out; give one")
    saved = _read_params(args.load_params) if args.load_params else None
    if args.model_file and custom is None:
        raise _UsageError("write --model-file in full")  # an abbreviation the first pass did not read
    if args.model_file and args.model not in (None, "custom"):
        raise _UsageError(f"--model {args.model} and --model-file are two models; give one")
    model = "custom" if args.model_file else args.model or (saved or {}).get("model") or "onehot"
    knobs = {}
    for name, models in _knob_table().items():
        value, flag = getattr(args, "knob_" + name), parser.knob_flags[name]
        if value is not None:
            if saved is not None:
                raise _UsageError(f"{flag} cannot be combined with --load-params: "
                                  f"the parameter file sets the model's settings")
            if model not in models:
                raise _UsageError(f"{flag} is not a setting of model {model!r} (it belongs to "
                                  f"{', '.join(models)})")
            knob = models[model]  # this model's own range
            knobs[name] = knob.clamp(value, flag)
            if not knob.names and knobs[name] != value:
                sys.stderr.write(f"note: {flag} {value:g} is outside {model}'s range "
                                 f"{knob.low:g}..{knob.high:g}; using {knobs[name]:g}\n")
    start = time.perf_counter()
    if saved is None:
        rgb = load_image(args.image, max_side=args.size or 64)
        if custom is not None:
            _check_model_file(custom, rgb, args.mode or "rgb")
        session = Session(rgb, model=model, mode=args.mode or "rgb", learning_rate=args.lr, seed=args.seed,
                          timelapse=120 if args.gif else 0, holdout=args.holdout, **knobs)
    else:
        size = args.size
        if size is None and isinstance(saved.get("height"), int) and isinstance(saved.get("width"), int):
            size = max(saved["height"], saved["width"], 1)
        rgb = load_image(args.image, max_side=size or 64)
        if custom is not None:
            _check_model_file(custom, rgb, saved.get("mode"))
        try:
            for flag in ("model", "mode"):
                given = getattr(args, flag)
                if given is not None and given != saved.get(flag):
                    raise ValueError(f"these parameters are for {flag} {saved.get(flag)!r}, --{flag} says {given!r}")
            session = Session.from_params(rgb, saved, timelapse=120 if args.gif else 0, holdout=args.holdout)
        except ValueError as e:
            raise _UsageError(f"{args.load_params}: {e}") from None
        if args.lr is not None:
            session.learning_rate = args.lr
    show = sys.stderr.isatty()
    for i in range(args.frames):
        session.train(args.epochs_per_frame)
        stats = session.scores()
        if show or i + 1 == args.frames:
            sys.stderr.write(_bar((i + 1) / args.frames,
                                  f"epoch {stats['epoch']} cost {stats['cost']:.4g} psnr {stats['psnr']:.2f} dB"))
            sys.stderr.flush()
    sys.stderr.write("\n")
    if args.out:
        png = session.zoomed_png_bytes(args.zoom) if args.zoom > 1 else session.png_bytes(scale=args.scale)
        _write(args.out, png)
    if args.gif:
        _write(args.gif, session.timelapse_gif(scale=args.scale, duration_ms=args.gif_ms))
    if args.save_params:
        _write(args.save_params, params_to_json(session.get_params()).encode("utf-8"))
    s = session.stats()
    seconds = time.perf_counter() - start
    hidden = f" psnr_hidden={s['psnr_hidden']:.4f}" if s["psnr_hidden"] is not None else ""
    print(f"epochs={s['epoch']} cost={s['cost']:.6g} psnr={s['psnr']:.4f}{hidden} seconds={seconds:.3f}")
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
