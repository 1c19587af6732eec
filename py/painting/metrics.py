"""Scores shared by models, the session and the CLI.

cost: J = 1/(2M) * sum over pixels i and channels c of (h_ic - y_ic)^2, M = H*W pixels (not H*W*C), in
label units. With one channel this is the post's cost; with RGB it is the sum of the three channel costs.

psnr: 10*log10(1 / MSE) in dB for images in [0, 1] (uint8 inputs are divided by 255), MSE the mean over
all pixels and channels. A perfect match has infinite PSNR, which JSON cannot carry, so the value is
capped at PSNR_CAP = 100 dB.
"""
import math

import numpy as np

PSNR_CAP = 100.0


def cost(pred, target):
    """1/(2M) sum (h - y)^2 over all pixels and channels; pred, target: (H, W, C)."""
    h = np.asarray(pred, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if h.shape != y.shape or h.ndim != 3:
        raise ValueError(f"cost expects two (H, W, C) arrays of the same shape, got {h.shape} and {y.shape}")
    d = (h - y).ravel()  # (H*W*C,)
    return float(d @ d) / (2 * h.shape[0] * h.shape[1])


def _unit(x):
    x = np.asarray(x)
    return x.astype(np.float64) / 255.0 if x.dtype == np.uint8 else x.astype(np.float64)


def psnr(pred, target):
    """PSNR in dB with data range 1.0, capped at 100 dB; NaN in pred counts as a maximal error."""
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(f"psnr expects arrays of the same shape, got {pred.shape} and {target.shape}")
    if pred.size == 0:
        raise ValueError("psnr of an empty image")
    if pred.dtype == np.uint8 and target.dtype == np.uint8:  # exact integer differences, two passes
        d = np.subtract(pred, target, dtype=np.float64).ravel()  # (N,) in 0..255 steps
        mse = float(d @ d) / (d.size * 255.0 ** 2)
    else:
        d = np.nan_to_num(_unit(pred) - _unit(target), nan=1.0, posinf=1.0, neginf=1.0).ravel()
        mse = float(d @ d) / d.size
    return psnr_of_mse(mse)


def psnr_of_mse(mse):
    """10*log10(1 / mse) for a mean squared error of values in [0, 1], capped at PSNR_CAP."""
    if mse <= 10.0 ** (-PSNR_CAP / 10):
        return PSNR_CAP
    return min(PSNR_CAP, 10.0 * math.log10(1.0 / mse))


def to_uint8(rgb, out=None):
    """Floats in [0, 1] -> uint8 0..255 (rounded; NaN -> 0, clipped); uint8 passes through."""
    x = np.asarray(rgb)
    if x.dtype == np.uint8:
        if out is None:
            return x.copy()
        out[...] = x
        return out
    with np.errstate(over="ignore"):  # a huge value becomes inf, which the clip below handles
        v = np.multiply(x, 255.0, dtype=np.float32)  # (..., C) float32 scratch
    v += 0.5
    np.clip(v, 0.0, 255.0, out=v)  # +-inf -> 255 / 0; NaN survives clip, so:
    if np.isnan(np.add.reduce(v, axis=None)):  # one cheap pass; NaN anywhere makes the sum NaN
        np.nan_to_num(v, copy=False, nan=0.0)
    if out is None:
        return v.astype(np.uint8)
    out[...] = v  # float -> uint8 assignment truncates, so the +0.5 rounds
    return out
