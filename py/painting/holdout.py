"""Hidden pixels: a random but reproducible share of the image kept out of training.

The one-hot model has one weight per pixel: it can say nothing about a pixel it never saw. A model of
(x, y) learns a function, which it can be asked about anywhere. Hiding pixels and scoring the model on
them (psnr_hidden) shows the difference.

holdout_mask(H, W, fraction, seed) -> (H, W) bool train mask, True = seen. Exactly round(fraction * M)
pixels are hidden (at least one stays seen), chosen by a permutation from numpy's PCG64 with `seed`, so
the same seed and size always hide the same pixels (a shared link shows the same split).
"""
import numpy as np

HOLDOUTS = (0.0, 0.25, 0.5, 0.75, 0.9)  # the shares the page offers


def check_holdout(fraction):
    """fraction as a float in [0, 1); ValueError with the allowed range otherwise."""
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.integer, np.floating)):
        raise ValueError(f"holdout must be a number in [0, 1) (the share of pixels hidden), got {fraction!r}")
    value = float(fraction)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"holdout must be in [0, 1) (the share of pixels hidden), got {value:g}")
    return value


def holdout_mask(height, width, fraction, seed=0):
    """(H, W) bool, True where the pixel is used for training; round(fraction * H * W) pixels are False."""
    fraction = check_holdout(fraction)
    count = height * width
    hidden = min(int(round(fraction * count)), count - 1)  # (at least one pixel to learn from)
    order = np.random.default_rng([int(seed), 0x401D]).permutation(count)  # (M,) own stream per seed
    mask = np.ones(count, dtype=bool)  # (M,)
    mask[order[:hidden]] = False
    return mask.reshape(height, width)


def holdout_overlay(train_mask, height, width):
    """(H, W, 4) uint8 RGBA to lay over the target: a grey checkerboard (2-pixel squares), half
    transparent, on the hidden pixels; clear elsewhere (and everywhere when train_mask is None)."""
    overlay = np.zeros((height, width, 4), dtype=np.uint8)  # (H, W, 4)
    if train_mask is not None:
        rows, cols = np.indices((height, width))  # (H, W) each
        light = ((rows // 2 + cols // 2) % 2 == 0)[~train_mask]  # (M_hidden,)
        overlay[~train_mask] = np.where(light[:, None], (235, 235, 235, 200), (60, 60, 60, 200))
    return overlay
