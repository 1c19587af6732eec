"""Hidden pixels: a part of the image kept out of training, and the part psnr_hidden scores.

The one-hot model has one weight per pixel: it can say nothing about a pixel it never saw. A model of
(x, y) learns a function, which it can be asked about anywhere. Hiding pixels and scoring the model on
them (psnr_hidden) shows the difference.

A holdout is a share of the pixels hidden at random, or GRID, the split of Tancik et al. 2020 ("Fourier
Features Let Networks Learn High Frequency Functions in Low Dimensional Domains", 2D image regression):
learn the pixels at even rows and even columns ([::2, ::2], a quarter), score those at odd rows and odd
columns ([1::2, 1::2], another quarter). The other half (even row and odd column, or the reverse) is
neither learned nor scored.

holdout_masks(H, W, holdout, seed) -> (train_mask, score_mask), (H, W) bool each: True = learned from,
True = scored by psnr_hidden; (None, None) when nothing is hidden. For a share, score_mask = ~train_mask.
holdout_mask(H, W, fraction, seed) is a share's train mask: exactly round(fraction * M) pixels are hidden
(at least one stays seen), chosen by a permutation from numpy's PCG64 with `seed`, so the same seed and
size always hide the same pixels (a shared link shows the same split).
"""
import numpy as np

GRID = "grid"  # the paper's split: learn [::2, ::2], score [1::2, 1::2]
HOLDOUTS = (0.0, 0.25, 0.5, 0.75, 0.9, GRID)  # the values the page offers
_ALLOWED = f"a number in [0, 1) (the share of pixels hidden) or {GRID!r} (learn even rows and columns, score odd ones)"


def check_holdout(holdout):
    """GRID, or a share as a float in [0, 1); ValueError saying what is allowed otherwise."""
    if isinstance(holdout, str):
        if holdout == GRID:
            return GRID
        raise ValueError(f"holdout must be {_ALLOWED}, got {holdout!r}")
    return check_share(holdout)


def check_share(fraction):
    """fraction as a float in [0, 1); ValueError with the allowed range otherwise."""
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.integer, np.floating)):
        raise ValueError(f"holdout must be {_ALLOWED}, got {fraction!r}")
    value = float(fraction)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"holdout must be in [0, 1) (the share of pixels hidden) or {GRID!r}, got {value:g}")
    return value


def holdout_masks(height, width, holdout, seed=0):
    """-> (train_mask, score_mask), (H, W) bool each, or (None, None) for holdout 0 (nothing hidden)."""
    holdout = check_holdout(holdout)
    if holdout == GRID:
        return grid_masks(height, width)
    if not holdout:
        return None, None
    train = holdout_mask(height, width, holdout, seed)  # (H, W)
    return train, ~train


def grid_masks(height, width):
    """(train_mask, score_mask) of the paper's split: True exactly at [::2, ::2] and at [1::2, 1::2]."""
    if height < 2 or width < 2:
        raise ValueError(f"the {GRID} holdout needs at least 2 rows and 2 columns (it scores odd ones), "
                         f"got {height} x {width}")
    train = np.zeros((height, width), dtype=bool)  # (H, W)
    score = np.zeros((height, width), dtype=bool)  # (H, W)
    train[::2, ::2] = True
    score[1::2, 1::2] = True
    return train, score


def holdout_mask(height, width, fraction, seed=0):
    """(H, W) bool, True where the pixel is used for training; round(fraction * H * W) pixels are False."""
    fraction = check_share(fraction)
    count = height * width
    hidden = min(int(round(fraction * count)), count - 1)  # (at least one pixel to learn from)
    order = np.random.default_rng([int(seed), 0x401D]).permutation(count)  # (M,) own stream per seed
    mask = np.ones(count, dtype=bool)  # (M,)
    mask[order[:hidden]] = False
    return mask.reshape(height, width)


def holdout_overlay(train_mask, height, width):
    """(H, W, 4) uint8 RGBA to lay over the target: a grey checkerboard (2-pixel squares), half
    transparent, on every pixel not trained on (scored or not: GRID's unscored half looks the same);
    clear elsewhere (and everywhere when train_mask is None)."""
    overlay = np.zeros((height, width, 4), dtype=np.uint8)  # (H, W, 4)
    if train_mask is not None:
        rows, cols = np.indices((height, width))  # (H, W) each
        light = ((rows // 2 + cols // 2) % 2 == 0)[~train_mask]  # (M_hidden,)
        overlay[~train_mask] = np.where(light[:, None], (235, 235, 235, 200), (60, 60, 60, 200))
    return overlay
