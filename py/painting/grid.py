"""What the models on pixel coordinates (features.py, nets.py) share: the pixel grid, the target and
train-mask checks, the header of a model's own get_params() dict, and the read-only constants."""
import numpy as np


def frozen(array):
    """Mark a constant array read-only and return it: training never writes it, so snapshots share it
    (session.snapshot). A model that replaces a constant makes a new array and freezes that."""
    array.flags.writeable = False
    return array


def check_rows(height, r0, r1):
    """Image rows r0..r1-1 for predict_rows: integers with 0 <= r0 <= r1 <= height; ValueError otherwise."""
    for name, value in (("r0", r0), ("r1", r1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"rows must be integers, got {name}={value!r}")
    if not 0 <= r0 <= r1 <= height:
        raise ValueError(f"rows {r0}..{r1} are not a range inside the image's {height} rows "
                         f"(need 0 <= r0 <= r1 <= {height})")
    return int(r0), int(r1)


def pixel_coordinates(height, width, dtype=np.float32, zoom=1):
    """(H*W, 2) pixel centres (x, y) in [0, 1]^2 scaled by the longest side, row-major order.
    zoom z: the (zH*zW, 2) centres of the z x z sub-pixels of each pixel (z = 1: the pixel centres)."""
    zoom = check_zoom(zoom)
    height, width = height * zoom, width * zoom
    scale = float(max(height, width))
    ys, xs = np.meshgrid(np.arange(height, dtype=np.float64), np.arange(width, dtype=np.float64),
                         indexing="ij")  # (zH, zW) each
    v = np.stack([(xs.ravel() + 0.5) / scale, (ys.ravel() + 0.5) / scale], axis=1)  # (M, 2)
    return v.astype(dtype)


ZOOMS = (1, 2, 4)  # the page's zoom factors; any integer 1..MAX_ZOOM works here
MAX_ZOOM = 8


def check_zoom(zoom):
    """zoom as an int in 1..MAX_ZOOM (how many sub-pixels per pixel side); ValueError otherwise."""
    if isinstance(zoom, bool) or not isinstance(zoom, (int, np.integer)) or not 1 <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom must be an integer from 1 to {MAX_ZOOM}, got {zoom!r}")
    return int(zoom)


def _as_target(target):
    target = np.asarray(target)
    if target.ndim != 3 or min(target.shape) < 1:
        raise ValueError(f"target must be (H, W, C) with non-zero sides, got shape {target.shape}")
    if not np.all(np.isfinite(target)):
        raise ValueError("target contains NaN or infinity")
    return target


def _as_mask(train_mask, height, width):
    if train_mask is None:
        return None
    mask = np.asarray(train_mask, dtype=bool)
    if mask.shape != (height, width):
        raise ValueError(f"train_mask must have shape {(height, width)}, got {mask.shape}")
    if not mask.any():
        raise ValueError("train_mask selects no pixels")
    return mask.ravel()  # (M,)


def check_array(params, key, shape):
    """params[key] as a float64 array of exactly `shape` with finite entries; ValueError otherwise."""
    if key not in params:
        raise ValueError(f"params has no {key!r}")
    try:
        array = np.asarray(params[key], dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"params[{key!r}] is not a numeric array: {error}") from None
    if array.shape != tuple(shape):
        raise ValueError(f"params[{key!r}] has shape {array.shape}, expected {tuple(shape)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"params[{key!r}] contains NaN or infinity")
    return array


def params_header(model):
    """The fields every get_params() dict starts with (check_model_header validates them)."""
    return {"model": model.NAME, "shape": [model.height, model.width, model.channels],
            "epoch": model.epoch, "learning_rate": model.learning_rate}


def check_model_header(params, name, target_shape):
    """Check the header of a model's own get_params() dict: model name, image shape, epoch, learning
    rate (a parameter FILE's header is params.check_file_header). -> (epoch, learning rate or None)."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict, got {type(params).__name__}")
    if params.get("model") != name:
        raise ValueError(f"params are for model {params.get('model')!r}, this is {name!r}")
    if list(params.get("shape", [])) != list(target_shape):
        raise ValueError(f"params are for an image of shape {params.get('shape')}, "
                         f"this target has shape {list(target_shape)}")
    epoch = params.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"params['epoch'] must be a non-negative integer, got {epoch!r}")
    rate = params.get("learning_rate")
    if rate is not None and not (isinstance(rate, (int, float)) and np.isfinite(rate) and rate > 0):
        raise ValueError(f"params['learning_rate'] must be a positive number, got {rate!r}")
    return epoch, rate


def start_model(model, target, learning_rate, seed, dtype, knobs, train_mask):
    """What every model on pixel coordinates (features.py, nets.py) sets first: the target's shape,
    dtype, rng, learning rate, epoch 0 and labels (M, C); an unknown knob is a ValueError naming it.
    -> the train mask as (M,) bool, or None."""
    target = _as_target(target)
    model.height, model.width, model.channels = target.shape
    model.num_pixels = model.height * model.width
    model.dtype = np.dtype(dtype)
    model.rng = np.random.default_rng(seed)
    model.learning_rate = float(model.DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate)
    model.epoch = 0
    unknown = sorted(set(knobs) - set(model.KNOBS))
    if unknown:
        raise ValueError(f"unknown knob(s) {unknown} for model {model.NAME!r}; "
                         f"known: {sorted(model.KNOBS)}")
    model.labels = frozen(target.reshape(model.num_pixels, model.channels).astype(model.dtype))  # (M, C)
    return _as_mask(train_mask, model.height, model.width)
