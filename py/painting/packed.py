"""The 2017 labels: one number per pixel, the 24-bit colour R*65536 + G*256 + B.

The original regressed this packed integer directly and drew the prediction by truncating it and taking
bytes with JS 32-bit shifts, so an unconverged prediction shows odd colours. decode_packed mimics that:

    x -> trunc(x) (NaN, +-inf -> 0) -> ToInt32 (wrap mod 2^32) -> r = (x >> 16) & 255, g = (x >> 8) & 255, b = x & 255
"""
import numpy as np

_TWO32 = 4294967296.0


def encode_packed(rgb):
    """(H, W, 3) uint8 -> (H, W, 1) float64 labels R*65536 + G*256 + B (exact integers < 2^24)."""
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8:
        raise ValueError(f"encode_packed expects uint8 RGB values 0..255, got dtype {rgb.dtype}")
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"encode_packed expects an (H, W, 3) array, got shape {rgb.shape}")
    c = rgb.astype(np.int64)  # explicit: Pyodide's default int is int32
    packed = (c[..., 0] << 16) | (c[..., 1] << 8) | c[..., 2]  # (H, W)
    return packed.astype(np.float64)[..., None]  # (H, W, 1)


def decode_packed(values):
    """(H, W, 1) or (H, W) numbers -> (H, W, 3) uint8, as the original display showed them."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 3:
        if x.shape[2] != 1:
            raise ValueError(f"decode_packed expects (H, W) or (H, W, 1), got shape {x.shape}")
        x = x[..., 0]
    x = np.where(np.isfinite(x), np.trunc(x), 0.0)  # (H, W) JS ToInt32 maps NaN/inf to 0
    bits = np.fmod(x, _TWO32).astype(np.int64) & 0xFFFFFFFF  # (H, W) low 32 bits; fmod is exact
    out = np.empty(x.shape + (3,), dtype=np.uint8)  # (H, W, 3)
    out[..., 0] = (bits >> 16) & 255
    out[..., 1] = (bits >> 8) & 255
    out[..., 2] = bits & 255
    return out
