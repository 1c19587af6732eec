"""Parameter files: what Session.get_params() returns, as JSON, and the checks before Session.set_params.

A file is one JSON object:
    {"format": "regression-painter-params", "version": 1, "model": "onehot", "mode": "rgb",
     "height": 64, "width": 48, "learning_rate": 1.0, "epoch": 2000, "seed": 0,
     "knobs": {"init_noise": 0.0}, "params": <the model's own get_params()>}
Only plain JSON: no NaN or Infinity (Python's json would write and read them; browsers' JSON would not).
json is imported where it is used: the page's first frame needs this module's checks, not json.
"""
import math

FORMAT = "regression-painter-params"
VERSION = 1
MAX_JSON_CHARS = 64_000_000  # onehot at 512x512 in rgb mode is about 16 MB of JSON
REQUIRED = ("format", "version", "model", "mode", "height", "width", "learning_rate", "epoch", "seed",
            "knobs", "params")


def params_to_json(params):
    """A get_params() dict -> compact JSON text; ValueError if it holds NaN or infinity."""
    import json

    try:
        return json.dumps(params, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise ValueError("the parameters contain NaN or infinity and cannot be saved") from None
    except TypeError as e:
        raise ValueError(f"the parameters are not plain JSON data ({e})") from None


def _no_constants(name):
    raise ValueError(f"the parameter file contains {name}, which is not a number JSON allows")


def params_from_json(text):
    """JSON text (str or UTF-8 bytes) -> dict; ValueError saying what is wrong (size, syntax, type).
    The contents are checked by Session.set_params."""
    import json

    if isinstance(text, (bytes, bytearray, memoryview)):
        if len(text) > MAX_JSON_CHARS:
            raise ValueError(_too_large(len(text)))
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the parameter file is not text (not UTF-8 JSON)") from None
    if not isinstance(text, str):
        raise ValueError(f"parameters must be JSON text, got {type(text).__name__}")
    if len(text) > MAX_JSON_CHARS:
        raise ValueError(_too_large(len(text)))
    if not text.strip():
        raise ValueError("the parameter file is empty")
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as e:
        raise ValueError(f"the parameter file is not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") \
            from None
    if not isinstance(value, dict):
        raise ValueError(f"the parameter file must hold a JSON object, got {_json_type(value)}")
    return value


def _too_large(n):
    return f"the parameter file is too large ({n / 1e6:.1f} MB; at most {MAX_JSON_CHARS / 1e6:.0f} MB)"


def _json_type(value):
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def _size(height, width):
    return f"{width}×{height}"


def check_format(p):
    """A dict in this file format and version, with every required key; ValueError otherwise."""
    if not isinstance(p, dict):
        raise ValueError(f"parameters must be a dict (a JSON object), got {type(p).__name__}")
    if p.get("format") != FORMAT:
        raise ValueError(f"this is not a Regression Painter parameter file (format should be {FORMAT!r}, "
                         f"got {p.get('format')!r})")
    missing = [k for k in REQUIRED if k not in p]
    if missing:
        raise ValueError(f"the parameters lack {', '.join(missing)}")
    version = p["version"]
    if not _is_int(version) or version < 1:
        raise ValueError(f"version must be a positive integer, got {version!r}")
    if version > VERSION:
        raise ValueError(f"these parameters are version {version}, newer than this program reads ({VERSION})")


def check_file_header(p, *, model, mode, height, width):
    """Check a parameter file's dict against the current session (model name, mode, image size) and check its
    own fields; return (learning_rate, epoch, seed, knobs, model_params). ValueError names the problem."""
    check_format(p)
    if p["model"] != model:
        raise ValueError(f"these parameters belong to the {p['model']!r} model, the current model is {model!r}")
    if p["mode"] != mode:
        raise ValueError(f"these parameters were saved in {p['mode']!r} mode, the current mode is {mode!r}")
    for name in ("height", "width", "epoch", "seed"):
        if not _is_int(p[name]) or p[name] < (1 if name in ("height", "width") else 0):
            raise ValueError(f"{name} must be an integer >= {1 if name in ('height', 'width') else 0}, "
                             f"got {p[name]!r}")
    if (p["height"], p["width"]) != (height, width):
        raise ValueError(f"these parameters are for a {_size(p['height'], p['width'])} image, "
                         f"the current image is {_size(height, width)}")
    lr = p["learning_rate"]
    if not _is_number(lr) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning_rate must be a finite number > 0, got {lr!r}")
    knobs = p["knobs"]
    if not isinstance(knobs, dict):
        raise ValueError(f"knobs must be an object of name: number, got {type(knobs).__name__}")
    for name, value in knobs.items():
        if not _is_number(value) or not math.isfinite(value):
            raise ValueError(f"knob {name!r} must be a finite number, got {value!r}")
    if not isinstance(p["params"], dict):
        raise ValueError(f"params (the model's own) must be an object, got {type(p['params']).__name__}")
    return float(lr), int(p["epoch"]), int(p["seed"]), dict(knobs), p["params"]


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)
