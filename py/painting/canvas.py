"""Pixels between a canvas and numpy: RGBA bytes in, (H, W, 3) floats for a Session, RGBA out."""
import numpy as np

from .metrics import to_uint8


def check_rgb(rgb):
    """A target image -> (H, W, 3) float32 in [0, 1]; uint8 is scaled, floats are clipped."""
    x = np.asarray(rgb)
    if x.ndim != 3 or x.shape[2] != 3 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"the target must be an (H, W, 3) RGB image, got shape {x.shape}")
    if x.dtype == np.uint8:
        return x.astype(np.float32) / 255.0
    if not np.issubdtype(x.dtype, np.floating) or not np.isfinite(x).all():
        raise ValueError("the target must hold finite floats in [0, 1] (or uint8)")
    return np.clip(x, 0.0, 1.0).astype(np.float32)


def rgba_to_rgb(buffer, height, width):
    """Canvas pixels (H*W*4 uint8 RGBA, straight alpha) -> (H, W, 3) float32 in [0, 1] over white."""
    for name, v in (("height", height), ("width", width)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if isinstance(buffer, np.ndarray):
        if buffer.dtype != np.uint8:
            raise ValueError(f"RGBA pixels must be uint8, got dtype {buffer.dtype}")
        flat = buffer.reshape(-1)
    elif isinstance(buffer, (bytes, bytearray, memoryview)):
        flat = np.frombuffer(buffer, dtype=np.uint8)
    else:
        raise ValueError(f"RGBA pixels must be bytes, bytearray, memoryview or a uint8 array, "
                         f"got {type(buffer).__name__}")
    expected = int(height) * int(width) * 4
    if flat.size != expected:
        raise ValueError(f"a {height}x{width} RGBA image needs {height}*{width}*4 = {expected} bytes, "
                         f"got {flat.size}")
    rgba = flat.reshape(int(height), int(width), 4).astype(np.float32) / 255.0  # (H, W, 4)
    alpha = rgba[..., 3:]  # (H, W, 1)
    return rgba[..., :3] * alpha + (1.0 - alpha)  # (H, W, 3)


def rgb_to_rgba(rgb):
    """(H, W, 3) floats in [0, 1] -> (H, W, 4) uint8 RGBA, opaque and C-contiguous: pixels for a canvas
    (the inverse of rgba_to_rgb up to rounding)."""
    x = np.asarray(rgb)
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {x.shape}")
    out = np.empty(x.shape[:2] + (4,), dtype=np.uint8)  # (H, W, 4)
    out[..., 3] = 255
    to_uint8(x, out=out[..., :3])
    return out
