"""What the learned canvas can show besides the learned image: pictures made from arrays, no I/O.

- error:    |target - learned| per pixel (mean over R, G, B) as a heat map, 0 .. `scale` (a 1-2-5 step
            just above the largest error, so the legend changes rarely).
- spectrum: log10 |FFT2(target - learned)| (the grey error, signed), centred: the middle is the lowest
            frequency, the edges the finest detail the grid holds (W/2, H/2 cycles). What a model still
            misses at high frequencies (spectral bias) shows as a bright rim.
- inside:   the model's own parameters as pictures (inside_view): one-hot's weights are an image; plane
            and poly draw each basis image scaled by its weight; dct its k x k coefficient magnitudes;
            rff its frequency points (kx, ky), coloured by the size of their weights; mlp and siren one
            small image per neuron of the first and the last hidden layer (blue < 0 < orange).
Every picture is (h, w, 3) uint8, C-contiguous, with a legend dict for the page's caption.
"""
import math

import numpy as np

VIEWS = ("learned", "error", "spectrum", "inside")
SPECTRUM_DECADES = 4.0  # the spectrum's colour scale spans this many powers of ten below its peak
NEURON_TILE = 24  # samples per side of a neuron's picture
MAX_NEURONS = 64  # neurons drawn per layer
MAX_TILES = 100  # basis images drawn (poly degree 12 has 91)


def check_view(view):
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    return view


def _table(anchors):
    """A 256-colour lookup table (256, 3) uint8 through the anchor colours, evenly spaced."""
    anchors = np.asarray(anchors, dtype=np.float64)  # (n, 3)
    at = np.linspace(0.0, 1.0, len(anchors))
    t = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(t, at, anchors[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


HEAT = _table([(0, 0, 4), (60, 9, 101), (150, 38, 103), (231, 92, 54), (251, 187, 37), (252, 255, 164)])
DIVERGING = _table([(8, 119, 189), (255, 255, 255), (245, 147, 34)])  # -1 blue, 0 white, +1 orange


def colour(values, table=HEAT):
    """values (...) in [0, 1] (clipped) -> (..., 3) uint8 through a 256-entry table."""
    index = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32)) * 255.0 + 0.5, 0, 255)
    return table[index.astype(np.uint8)]


def nice_scale(x):
    """The smallest of 1, 2, 5 x 10^k that is >= x (x > 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= x * (1 - 1e-9):
            return step * power
    return 10.0 * power


def error_map(learned, target):
    """(H, W) float32: mean over channels of |target - learned|, in [0, 1]; uint8 (H, W, 3) inputs."""
    d = np.abs(target.astype(np.int16) - learned.astype(np.int16)).astype(np.float32)  # (H, W, 3)
    return d.mean(axis=2) / 255.0  # (H, W)


def error_view(learned, target):
    """The error heat map (H, W, 3) uint8 and {"scale": s}: colour 1.0 means an error of s or more."""
    e = error_map(learned, target)  # (H, W)
    scale = nice_scale(max(float(e.max()), 1.0 / 255.0))
    return colour(e / scale), {"scale": scale}


def error_spectrum(error):
    """log10 of |FFT2| of an (H, W) error, divided by H W and centred with fftshift: (H, W) float64.
    Entry (H//2 + ky, W//2 + kx) is the frequency of ky cycles down and kx across the image."""
    e = np.asarray(error, dtype=np.float64)
    magnitude = np.abs(np.fft.fftshift(np.fft.fft2(e))) / e.size  # (H, W)
    return np.log10(magnitude + 1e-12)


def spectrum_view(learned, target):
    """The spectrum of the signed grey error as (H, W, 3) uint8 and {"low", "high"} (log10 magnitude)."""
    signed = (target.astype(np.float32) - learned.astype(np.float32)).mean(axis=2) / 255.0  # (H, W)
    s = error_spectrum(signed)  # (H, W)
    high = max(float(s.max()), -6.0)
    low = high - SPECTRUM_DECADES
    return colour((s - low) / SPECTRUM_DECADES), {"low": low, "high": high,
                                                   "cycles_x": learned.shape[1] // 2,
                                                   "cycles_y": learned.shape[0] // 2}


# --- inside --------------------------------------------------------------------------------------
def mosaic(tiles, columns, gap=1, background=(40, 40, 40)):
    """Tiles (n, th, tw, 3) uint8 in a grid of `columns`, `gap` pixels apart: (h, w, 3) uint8."""
    n, th, tw = tiles.shape[:3]
    rows = -(-n // columns)
    out = np.empty((rows * (th + gap) - gap, columns * (tw + gap) - gap, 3), dtype=np.uint8)
    out[...] = background
    for i in range(n):
        r, c = divmod(i, columns)
        out[r * (th + gap):r * (th + gap) + th, c * (tw + gap):c * (tw + gap) + tw] = tiles[i]
    return out


def _enlarge(image, at_least=128):
    """Repeat pixels so the shorter side is at least `at_least` (a small grid stays crisp when drawn)."""
    k = max(1, -(-at_least // min(image.shape[:2])))
    return np.ascontiguousarray(np.repeat(np.repeat(image, k, axis=0), k, axis=1))


def _log_heat(values):
    """(...) magnitudes >= 0 -> heat colours on log10 over SPECTRUM_DECADES below the decade above the
    largest (a whole power of ten, so a picture brightens as the weights grow), and the range."""
    logs = np.log10(np.asarray(values, dtype=np.float64) + 1e-12)
    high = float(math.ceil(logs.max()))
    low = high - SPECTRUM_DECADES
    return colour((logs - low) / SPECTRUM_DECADES), {"low": low, "high": high}


def _tile_rows(n, size):
    return np.linspace(0, n - 1, min(n, size)).round().astype(np.int64)


def _basis_tiles(model, to_rgb, zero):
    """plane, poly: tile f is phi_f (H, W) times w_f (C,), shown around `zero` (label units)."""
    features = model.feature_matrix()  # (M, F)
    count = min(model.num_features, MAX_TILES)
    columns = math.ceil(math.sqrt(count))
    side = max(8, 256 // columns)
    ri, ci = _tile_rows(model.height, side), _tile_rows(model.width, side)
    index = (ri[:, None] * model.width + ci[None, :]).ravel()  # (th*tw,) sampled pixels
    phi = features[index, :count].astype(np.float64)  # (P, count)
    weights = model.weights[:count].astype(np.float64)  # (count, C)
    tiles = phi[:, :, None] * weights[None]  # (P, count, C)
    tiles[:, 1:] += zero  # basis images other than the constant are signed: centre them
    tiles = tiles.transpose(1, 0, 2).reshape(count, len(ri), len(ci), -1)  # (count, th, tw, C)
    pictures = np.stack([to_rgb(t) for t in tiles])  # (count, th, tw, 3)
    return mosaic(pictures, columns), {"tiles": count, "of": model.num_features}


def _dct_grid(model):
    w = model.weights.astype(np.float64).reshape(model.k_y, model.k_x, -1)  # (ky, kx, C)
    picture, legend = _log_heat(np.sqrt(np.sum(w * w, axis=2)))  # (ky, kx, 3)
    return _enlarge(picture), {**legend, "k_y": model.k_y, "k_x": model.k_x}


def _rff_plane(model):
    """The frequency plane, centre (0, 0): each pair at +-(kx, ky), coloured by its amplitude
    sqrt(c_j) |(w_sin, w_cos)| over the channels; empty cells dark."""
    p = model.num_pairs
    w = model.weights.astype(np.float64)  # (F, C)
    root = np.sqrt(model.counts.astype(np.float64))  # (m'+1,)
    amplitude = root[1:] * np.sqrt(np.sum(w[1:1 + p] ** 2 + w[1 + p:] ** 2, axis=1))  # (m',)
    amplitude = np.concatenate([[root[0] * np.sqrt(np.sum(w[0] ** 2))], amplitude])  # (m'+1,)
    colours, legend = _log_heat(amplitude)  # (m'+1, 3)
    cy, cx = (model.height - 1) // 2, (model.width - 1) // 2
    picture = np.zeros((2 * cy + 1, 2 * cx + 1, 3), dtype=np.uint8)  # (2cy+1, 2cx+1, 3)
    picture[...] = (20, 20, 20)
    kx, ky = model.grid[:, 0], model.grid[:, 1]  # (m'+1,) each
    picture[cy + ky, cx + kx] = colours
    picture[cy - ky, cx - kx] = colours
    return _enlarge(picture), {**legend, "frequencies": int(p)}


def _neuron_tiles(model):
    """One NEURON_TILE x NEURON_TILE picture per neuron of the first and the last hidden layer."""
    n = NEURON_TILE
    scale = float(max(model.height, model.width))
    ys, xs = np.meshgrid((np.arange(n) + 0.5) * model.height / n, (np.arange(n) + 0.5) * model.width / n,
                         indexing="ij")  # (n, n) each, in pixels
    v = np.stack([xs.ravel() / scale, ys.ravel() / scale], axis=1)  # (n*n, 2)
    layers = model.hidden_activations(v)  # [(n*n, width)] per hidden layer
    chosen = [0] if len(layers) == 1 else [0, len(layers) - 1]
    blocks, legend = [], {"layers": [i + 1 for i in chosen], "width": model.knobs["width"]}
    for i in chosen:
        a = layers[i][:, :MAX_NEURONS].astype(np.float64)  # (n*n, k)
        a = a - a.mean(axis=0)  # each neuron's own variation: TF Playground's picture
        a /= np.maximum(np.abs(a).max(axis=0), 1e-12)  # (n*n, k) in [-1, 1]
        tiles = colour((a.T.reshape(-1, n, n) + 1.0) / 2.0, DIVERGING)  # (k, n, n, 3)
        blocks.append(mosaic(tiles, math.ceil(math.sqrt(tiles.shape[0]))))
    height = max(b.shape[0] for b in blocks)
    parts = []
    for b in blocks:  # side by side, a wider gap between the layers
        padded = np.zeros((height, b.shape[1], 3), dtype=np.uint8)
        padded[...] = (40, 40, 40)
        padded[:b.shape[0]] = b
        parts.extend([padded, np.full((height, 6, 3), 40, dtype=np.uint8)])
    return np.ascontiguousarray(np.concatenate(parts[:-1], axis=1)), legend


def inside_view(model, to_rgb, zero=0.5):
    """The model's parameters as a picture: (h, w, 3) uint8 and a legend dict with "kind".

    to_rgb: (h, w, C) label units -> (h, w, 3) uint8 (the session's decoding); zero: the label value
    drawn as the middle grey for signed pictures. ValueError for a model without a picture."""
    from .dct import CosineBasisModel
    from .nets import Network
    from .onehot import OneHotImageModel
    from .plane import PlaneModel
    from .poly import PolynomialModel
    from .rff import FourierFeatureModel
    if isinstance(model, OneHotImageModel):
        return np.ascontiguousarray(to_rgb(model.weights)), {"kind": "weights"}
    if isinstance(model, (PlaneModel, PolynomialModel)):
        picture, legend = _basis_tiles(model, to_rgb, zero)
        return picture, {"kind": "basis", **legend}
    if isinstance(model, CosineBasisModel):
        picture, legend = _dct_grid(model)
        return picture, {"kind": "coefficients", **legend}
    if isinstance(model, FourierFeatureModel):
        picture, legend = _rff_plane(model)
        return picture, {"kind": "frequencies", **legend}
    if isinstance(model, Network) and model.knobs.get("width"):
        picture, legend = _neuron_tiles(model)
        return picture, {"kind": "neurons", **legend}
    raise ValueError(f"no picture of the inside of the {model.NAME} model")
