"""Small neural networks on the pixel coordinates: the post's planned next step, in plain numpy.

A network maps an encoding of the pixel centre v = (x, y) (features.py's, in [0, 1] scaled by the
longest side) to a colour, through `depth` hidden layers of `width` units and an output layer:

    a_0 = encode(v)                            (B, D)
    z_l = a_{l-1} W_l + b_l,  a_l = act(z_l)    (B, width), l = 1..depth
    z   = a_depth W_out + b_out                 (B, C)
    h   = out(z)                                (B, C): z (linear), or sigmoid(z) (MLPModel's `output`)
    J   = 1/(2B) sum (h - y)^2                  per mini-batch; cost() is the same over all M pixels

Backward, from dJ/dh = (h - y) / B:
    dz = dJ/dh * out'(z)                        (dh, or dh h (1 - h) for the sigmoid)
    dW_out = a^T dz,  db_out = sum_rows dz,  da = dz W_out^T
    dz_l = da * act'(z_l),  dW_l = a_{l-1}^T dz_l,  db_l = sum_rows dz_l,  da_{l-1} = dz_l W_l^T

Training is Adam (solvers.Adam) on mini-batches of `batch_size` pixels drawn without replacement
(default 256: one batch stays well inside the page's 150 ms for a control in WebAssembly, and for the
same compute it paints better than 1024);
an epoch is one pass over all (training) pixels, batches_per_epoch steps. step_batches(n) takes n of
those steps, so a caller can stop mid-epoch (progress = epoch + done / batches_per_epoch) and go on
later. The learning rate is Adam's step size.

Inputs are encoded per batch (encode(index)), never stored for all M pixels: a Fourier encoding is
(M, 256) float32, 256 MiB at 512 x 512. Every encoding here is a sum of products of a factor that
depends on the column only and one that depends on the row only,

    encode(v)[pixel (i, j)] = sum_k X_k[j] * Y_k[i]          X_k (W, D) per column, Y_k (H, D) per row

so encode() gathers from tables of H + W rows (axis_tables, tabulated once): for u = 2v - 1,
X_1 = [2x - 1, 1] and Y_1 = [1, 2y - 1]; for [sin 2 pi B v, cos 2 pi B v], with a = 2 pi B_x x and
b = 2 pi B_y y, sin(a + b) = sin a cos b + cos a sin b and cos(a + b) = cos a cos b - sin a sin b.
Constants (labels, frequencies, tables, index arrays, cached predictions) are read-only; the trainable
state is TRAINING_STATE (layers, Adam).

MLPModel: ReLU, He initialisation, on one of the four input encodings of Tancik et al. 2020 (raw
coordinates, basic, positional, Gaussian Fourier features). Raw [x, y] ReLU nets learn low
frequencies first and stay blurry for a long time (spectral bias, Rahaman et al. 2019); Fourier
features fix that.
SirenModel: act(z) = sin(omega0 z), Sitzmann et al. 2020, "Implicit Neural Representations with
Periodic Activation Functions" (NeurIPS), with its initialisation.

The Adam moments are not part of get_params(): set_params() restarts the optimiser.
"""

import numpy as np

from .grid import (check_array, check_model_header, check_rows, check_zoom, frozen, params_header,
                   pixel_coordinates, start_model)
from .knobs import Knob
from .protocol import Model
from .solvers import Adam, BatchSchedule, check_count

CHUNK = 16384  # pixels per forward pass in predict() (whole rows, at least one): bounds the activations


class Network(Model):
    """The shared machinery: layers, forward/backward, Adam on mini-batches, the model protocol."""

    TRAINING_STATE = ("layers", "optimizer")
    DEFAULT_LEARNING_RATE = 1e-3
    EPOCHS_PER_FRAME = 1  # an epoch is a full pass of mini-batch Adam steps
    RENDERS_IN_ROWS = True  # a whole predict() takes seconds at 512 x 512
    KNOBS = {
        "width": Knob(64, 16, 256, log=True, integer=True, label="hidden units per layer"),
        "depth": Knob(3, 1, 4, integer=True, label="hidden layers"),
        "batch_size": Knob(256, 64, 65536, log=True, integer=True, label="batch (pixels)"),
    }

    def __init__(self, target, learning_rate=None, seed=0, train_mask=None, dtype=np.float32,
                 **knobs):
        mask = start_model(self, target, learning_rate, seed, dtype, knobs, train_mask)  # (M,) or None
        self.knobs = {name: knob.clamp(knobs.get(name, knob.default), name)
                      for name, knob in self.KNOBS.items()}
        self.train_index = frozen(np.arange(self.num_pixels, dtype=np.int64) if mask is None
                                  else np.flatnonzero(mask).astype(np.int64))  # (M_train,)
        self.init_layers()  # sets self.layers [(W, b), ...] and what axis_tables() needs
        self._tabulate()
        self.optimizer = Adam(self.parameters())
        self._schedule = BatchSchedule(len(self.train_index), self.knobs["batch_size"])
        self._cache = None  # predict()'s (M, C), read-only

    # ---- subclasses: encoding, initialisation, activation ----
    def init_layers(self):
        raise NotImplementedError

    def axis_tables(self, xs, ys):
        """The encoding as per-column and per-row factors (module doc): at the point (xs[j], ys[i]) the
        inputs are sum_k X_k[j] * Y_k[i]. -> ([X_1, ..., X_K] each (len(xs), D), [Y_1, ..., Y_K] each
        (len(ys), D)), float64. Here u = 2v - 1: X_1 = [2x - 1, 1], Y_1 = [1, 2y - 1] (K = 1, D = 2)."""
        ones_x, ones_y = np.ones(len(xs)), np.ones(len(ys))
        return [np.stack([2.0 * xs - 1.0, ones_x], axis=1)], [np.stack([ones_y, 2.0 * ys - 1.0], axis=1)]

    def encode_points(self, v):
        """The inputs at any points v (P, 2) in pixel_coordinates' units (hidden_activations): (P, D)."""
        return (2.0 * v - 1.0).astype(self.dtype)  # (P, 2)

    def output(self, z):
        """h = out(z) of the output layer and what output_backward needs: linear, h = z."""
        return z, None

    def output_backward(self, dh, saved):
        """dJ/dz = dJ/dh * out'(z): linear, dh."""
        return dh

    def activation(self, z):
        """act(z) and what backward needs to form act'(z): (B, width) -> (B, width), saved."""
        raise NotImplementedError

    def activation_backward(self, da, saved):
        """dJ/dz = dJ/da * act'(z)."""
        raise NotImplementedError

    def _layer_sizes(self, fan_in):
        width, depth = self.knobs["width"], self.knobs["depth"]
        return [fan_in] + [width] * depth + [self.channels]

    # ---- the encoding ----
    def _tabulate(self):
        """axis_tables() at the pixel centres, as `dtype`: the per-column tables self.columns [X_k (W, D)]
        and per-row self.rows [Y_k (H, D)] that encode() gathers from (read-only, remade when the
        encoding changes)."""
        v = pixel_coordinates(self.height, self.width, np.float64).reshape(self.height, self.width, 2)
        columns, rows = self.axis_tables(v[0, :, 0], v[:, 0, 1])  # x per column (W,), y per row (H,)
        self.columns = tuple(frozen(np.asarray(t, dtype=self.dtype)) for t in columns)  # K x (W, D)
        self.rows = tuple(frozen(np.asarray(t, dtype=self.dtype)) for t in rows)  # K x (H, D)

    def encode(self, index):
        """The network's inputs for pixels `index` (an index array or a slice): (B, D), gathered from the
        per-column and per-row tables (no sin/cos per pixel: 6-8x cheaper in wasm)."""
        terms = list(zip(self.columns, self.rows))  # K x (X_k (W, D), Y_k (H, D))
        if isinstance(index, slice):
            start, stop, stride = index.indices(self.num_pixels)
            if stride == 1 and start % self.width == 0 and stop % self.width == 0:  # whole rows: broadcast
                rows = slice(start // self.width, stop // self.width)  # the same products, no gathers
                out = terms[0][0][None] * terms[0][1][rows, None]  # (R, W, D)
                for column_table, row_table in terms[1:]:
                    out += column_table[None] * row_table[rows, None]
                return out.reshape(-1, out.shape[2])  # (R*W, D)
            index = np.arange(start, stop, stride, dtype=np.int64)
        row, column = np.divmod(index, self.width)  # (B,) each
        out = terms[0][0][column]  # (B, D)
        out *= terms[0][1][row]
        for column_table, row_table in terms[1:]:
            term = column_table[column]  # (B, D)
            term *= row_table[row]
            out += term
        return out

    # ---- the network ----
    def parameters(self):
        """[W_1, b_1, ..., W_out, b_out], live arrays."""
        return [array for layer in self.layers for array in layer]

    def forward(self, x, keep=False):
        """(B, D) -> (B, C); with keep, also the per-layer (input, saved activation or output state)."""
        tape = []
        a = x
        for weight, bias in self.layers[:-1]:
            z = a @ weight + bias  # (B, width)
            a_next, saved = self.activation(z)
            if keep:
                tape.append((a, saved))
            a = a_next
        weight, bias = self.layers[-1]
        h, saved = self.output(a @ weight + bias)  # (B, C)
        if keep:
            tape.append((a, saved))
        return h, tape

    def backward(self, dh, tape):
        """dJ/dh (B, C) -> [dW_1, db_1, ..., dW_out, db_out] for the forward pass recorded in tape."""
        grads = []
        da = dh  # (B, C)
        for n, ((weight, _), (a, saved)) in enumerate(zip(reversed(self.layers), reversed(tape))):
            backward = self.output_backward if n == 0 else self.activation_backward
            dz = backward(da, saved)  # (B, n_out)
            a_t = np.ascontiguousarray(a.T)  # (n_in, B): contiguous for BLAS-less matmul
            grads.append(dz.sum(axis=0))  # (n_out,)
            grads.append(a_t @ dz)  # (n_in, n_out)
            if n < len(self.layers) - 1:  # no dJ/d(inputs): the encoding has no parameters
                da = dz @ weight.T  # (B, n_in)
        return grads[::-1]

    # ---- training ----
    @property
    def batches_per_epoch(self):
        """Adam steps per epoch: ceil(M_train / batch_size)."""
        return self._schedule.per_epoch

    @property
    def progress(self):
        """Epochs trained, counting a partial epoch: epoch + batches done / batches_per_epoch."""
        return self.epoch + self._schedule.done / self._schedule.per_epoch

    def step_batches(self, batches):
        """`batches` more Adam steps, continuing the current epoch's order; epoch += 1 after each
        batches_per_epoch of them."""
        for _ in range(check_count(batches, "batches")):
            index = self.train_index[self._schedule.next_batch(self.rng)]  # (B,)
            h, tape = self.forward(self.encode(index), keep=True)  # (B, C)
            dh = (h - self.labels[index]) / len(index)  # (B, C): dJ_batch/dh
            self.optimizer.update(self.parameters(), self.backward(dh, tape), self.learning_rate)
            if self._schedule.done == 0:
                self.epoch += 1
        self.forget_predictions()

    def step(self, epochs=1):
        """`epochs` whole epochs more: epochs * batches_per_epoch Adam steps."""
        self.step_batches(max(int(epochs), 0) * self.batches_per_epoch)

    def gradients(self):
        """dJ/dparams of cost() (all training pixels), float64, matching parameters()."""
        index = self.train_index
        h, tape = self.forward(self.encode(index), keep=True)  # (M_train, C)
        dh = (h - self.labels[index]) / len(index)
        return [g.astype(np.float64) for g in self.backward(dh, tape)]

    # ---- protocol ----
    def _forward_rows(self, r0, r1):
        """Predictions for image rows r0..r1-1, about CHUNK pixels at a time: ((r1 - r0) W, C)."""
        w = self.width
        out = np.empty(((r1 - r0) * w, self.channels), dtype=self.dtype)  # (P, C)
        step = max(1, CHUNK // w)  # rows per forward pass
        for first in range(r0, r1, step):
            last = min(first + step, r1)
            out[(first - r0) * w:(last - r0) * w] = self.forward(self.encode(slice(first * w, last * w)))[0]
        return out

    def predict_zoomed_rows(self, zoom, r0, r1):
        """Rows r0..r1-1 of the (zoom H, zoom W, C) image of the net at the sub-pixel centres."""
        zoom = check_zoom(zoom)
        r0, r1 = check_rows(zoom * self.height, r0, r1)
        w = zoom * self.width
        scale = float(zoom * max(self.height, self.width))
        xs = (np.arange(w) + 0.5) / scale  # (zW,) sub-pixel centres across
        out = np.empty(((r1 - r0) * w, self.channels), dtype=self.dtype)  # (P, C)
        step = max(1, CHUNK // w)
        for first in range(r0, r1, step):
            last = min(first + step, r1)
            ys = (np.arange(first, last) + 0.5) / scale  # (R,)
            out[(first - r0) * w:(last - r0) * w] = self.forward(self.encode_grid(xs, ys))[0]
        return out.reshape(r1 - r0, w, self.channels)

    def encode_grid(self, xs, ys):
        """The inputs on the grid of points (xs[j], ys[i]), row-major: (len(ys) * len(xs), D), as encode()
        combines its tables (no sin/cos per point), for zoomed predictions."""
        columns, rows = self.axis_tables(xs, ys)
        out = None
        for column_table, row_table in zip(columns, rows):  # (W', D), (R, D)
            term = (np.asarray(column_table, dtype=self.dtype)[None]
                    * np.asarray(row_table, dtype=self.dtype)[:, None])  # (R, W', D)
            out = term if out is None else out + term
        return out.reshape(-1, out.shape[2])  # (R*W', D)

    def predict_zoomed(self, zoom):
        """The net at the sub-pixel centres of every pixel: (zoom H, zoom W, C)."""
        return self.predict_zoomed_rows(zoom, 0, check_zoom(zoom) * self.height)

    def hidden_activations(self, v):
        """[a_1, ..., a_depth] at points v (P, 2): each (P, width), for pictures of the neurons."""
        a, out = self.encode_points(v), []
        for weight, bias in self.layers[:-1]:
            a = self.activation(a @ weight + bias)[0]  # (P, width)
            out.append(a)
        return out

    def forget_predictions(self):
        self._cache = None

    def predict(self):
        if self._cache is None:
            self._cache = frozen(self._forward_rows(0, self.height))  # (M, C)
        return self._cache.reshape(self.height, self.width, self.channels)

    def predict_rows(self, r0, r1):
        """predict()[r0:r1], (r1 - r0, W, C), from a forward pass of only those pixels (or the cache)."""
        r0, r1 = check_rows(self.height, r0, r1)
        if self._cache is not None:
            rows = self._cache[r0 * self.width:r1 * self.width]
        else:
            rows = self._forward_rows(r0, r1)
        return rows.reshape(r1 - r0, self.width, self.channels)

    def cost(self):
        h = self.predict().reshape(self.num_pixels, self.channels)[self.train_index]  # (M_t, C)
        residual = h - self.labels[self.train_index]
        return float(np.sum(np.square(residual, dtype=np.float64)) / (2 * len(self.train_index)))

    def get_params(self):
        return {
            **params_header(self),
            "knobs": dict(self.knobs),
            "layers": [{"weight": w.tolist(), "bias": b.tolist()} for w, b in self.layers],
            **self._extra_params(),
        }

    def set_params(self, params):
        epoch, rate = check_model_header(params, self.NAME, (self.height, self.width, self.channels))
        layers = params.get("layers")
        if not isinstance(layers, list) or len(layers) != len(self.layers):
            raise ValueError(f"params['layers'] must be a list of {len(self.layers)} layers, "
                             f"got {type(layers).__name__} of length "
                             f"{len(layers) if isinstance(layers, list) else '-'}")
        new = []
        for n, (layer, (weight, bias)) in enumerate(zip(layers, self.layers)):
            if not isinstance(layer, dict):
                raise ValueError(f"params['layers'][{n}] must be a dict with 'weight' and 'bias'")
            try:
                new.append((check_array(layer, "weight", weight.shape).astype(self.dtype),
                            check_array(layer, "bias", bias.shape).astype(self.dtype)))
            except ValueError as error:
                raise ValueError(f"layer {n}: {error}") from None
        self._set_extra_params(params)
        self.layers = new
        self.optimizer = Adam(self.parameters())
        self._schedule = BatchSchedule(len(self.train_index), self.knobs["batch_size"])
        self.epoch = epoch
        if rate is not None:
            self.learning_rate = float(rate)
        self.forget_predictions()

    def _extra_params(self):
        return {}

    def _set_extra_params(self, params):
        knobs = params.get("knobs", {})
        for name, value in self.knobs.items():
            if name in knobs and name != "batch_size" and knobs[name] != value:
                raise ValueError(f"params were made with knob {name}={knobs[name]!r}, "
                                 f"this model has {name}={value!r}")


class MLPModel(Network):
    """ReLU MLP on one of the input encodings of Tancik et al. 2020 (their 2D image regression notebook),
    B in cycles per longest side, m = `features`, sigma = `sigma`, s = `scale`:

        none        u = 2v - 1                                                  D = 2
        basic       [sin 2 pi B v, cos 2 pi B v], B = I (2, 2)                  D = 4
        positional  the same with B = [(f_k, 0); (0, f_k)] (2n, 2), n = m // 2 per axis,
                    f_k = 2^(s k / (n - 1)) - 1, k = 0..n-1 (0 up to 2^s - 1)  D = 4n
        gaussian    the same with B ~ N(0, sigma^2) (m, 2)                      D = 2m

    act(z) = max(z, 0), act'(z) = [z > 0]. He init W ~ N(0, 2 / fan_in), b = 0. The output is linear, or
    with `output` sigmoid (the paper's) h = 1 / (1 + e^-z), out'(z) = h (1 - h). The output layer starts
    at W_out = 0, so epoch 0 paints the mean training colour ybar: b_out = ybar (linear) or logit(ybar),
    ybar clipped into [1e-3, 1 - 1e-3] (sigmoid). (A random output layer on 256 Fourier inputs would
    start from noise at ~1 dB.)

    Gaussian features are the default: on a 64 x 64 photo they reach ~36 dB in seconds where the plain
    [x, y] net is still at ~20 dB. The plain net is kept on purpose, as the lesson: choose encoding
    "none" to watch spectral bias keep it blurry. The paper's values at 512 x 512: m = 256, sigma = 10,
    s = 6.
    """

    NAME = "mlp"
    DEFAULT_LEARNING_RATE = 1e-2
    ENCODINGS = ("none", "basic", "positional", "gaussian")
    OUTPUTS = ("linear", "sigmoid")
    KNOBS = {**Network.KNOBS,
             "encoding": Knob(3, 0, 3, integer=True, label="input encoding", names=ENCODINGS,
                              choices=("none: raw (x, y)", "basic: sin, cos of 2πx, 2πy",
                                       "positional: log-spaced frequencies per axis",
                                       "gaussian: random Fourier features")),
             "features": Knob(128, 2, 1024, log=True, integer=True, label="frequencies m (positional, gaussian)",
                              applies=("encoding", ("positional", "gaussian"))),
             "sigma": Knob(10.0, 0.5, 64.0, log=True, label="gaussian frequency scale sigma",
                           applies=("encoding", ("gaussian",))),
             "scale": Knob(6.0, 0.0, 10.0, label="positional scale s (top frequency 2^s - 1)",
                           applies=("encoding", ("positional",))),
             "output": Knob(0, 0, 1, integer=True, label="output", names=OUTPUTS,
                            choices=("linear", "sigmoid (as the paper)"))}
    RENAMED_KNOBS = {"fourier": ("encoding", Knob(1, 0, 1, integer=True, label="old name of encoding",
                                                  choices=("none", "gaussian"), names=("xy", "fourier")))}
    OUTPUT_CLIP = 1e-3  # the sigmoid's starting mean colour is kept this far from 0 and 1 (finite logit)

    def init_layers(self):
        self.frequencies = self._draw_frequencies()  # (m, 2) or None
        sizes = self._layer_sizes(2 if self.frequencies is None else 2 * len(self.frequencies))
        self.layers = []
        for n, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = n == len(sizes) - 2
            std = 0.0 if last else np.sqrt(2.0 / fan_in)
            weight = (std * self.rng.standard_normal((fan_in, fan_out))).astype(self.dtype)
            bias = self._output_bias() if last else np.zeros(fan_out)
            self.layers.append((weight, bias.astype(self.dtype)))

    def _draw_frequencies(self):
        """B (rows, 2) of the knobs' encoding in cycles per longest side (read-only), or None for raw
        coordinates. Only gaussian draws from the rng (before the weights, as it always has)."""
        encoding, m = self.ENCODINGS[self.knobs["encoding"]], self.knobs["features"]
        if encoding == "none":
            return None
        if encoding == "basic":
            frequencies = np.eye(2)  # (2, 2)
        elif encoding == "positional":
            f = 2.0 ** np.linspace(0.0, self.knobs["scale"], m // 2) - 1.0  # (n,) per axis
            zero = np.zeros_like(f)
            frequencies = np.concatenate([np.stack([f, zero], axis=1), np.stack([zero, f], axis=1)])  # (2n, 2)
        else:
            frequencies = self.knobs["sigma"] * self.rng.standard_normal((m, 2))  # (m, 2)
        return frozen(np.asarray(frequencies, dtype=np.float64))

    def _output_bias(self):
        """b_out: the mean training colour (C,), through logit for the sigmoid output."""
        mean = self.labels[self.train_index].mean(axis=0)  # (C,)
        if self.OUTPUTS[self.knobs["output"]] == "linear":
            return mean
        mean = np.clip(mean.astype(np.float64), self.OUTPUT_CLIP, 1.0 - self.OUTPUT_CLIP)
        return np.log(mean / (1.0 - mean))

    def axis_tables(self, xs, ys):
        """[sin 2 pi B v, cos 2 pi B v] as per-column and per-row factors (module doc): with
        a = 2 pi B_x x and b = 2 pi B_y y, [sin, cos](a + b) = [sin a, cos a] [cos b, cos b]
        + [cos a, sin a] [sin b, -sin b]. Raw coordinates: Network's."""
        if self.frequencies is None:
            return super().axis_tables(xs, ys)
        a = 2.0 * np.pi * np.outer(xs, self.frequencies[:, 0])  # (W', m) angle of x, per column
        b = 2.0 * np.pi * np.outer(ys, self.frequencies[:, 1])  # (R, m) angle of y, per row
        sa, ca, sb, cb = np.sin(a), np.cos(a), np.sin(b), np.cos(b)
        columns = [np.concatenate([sa, ca], axis=1), np.concatenate([ca, sa], axis=1)]  # X_1, X_2 (W', 2m)
        rows = [np.concatenate([cb, cb], axis=1), np.concatenate([sb, -sb], axis=1)]  # Y_1, Y_2 (R, 2m)
        return columns, rows

    def encode_points(self, v):
        """[sin(2 pi B v), cos(2 pi B v)] at points v (P, 2), or u = 2v - 1 for raw coordinates."""
        if self.frequencies is None:
            return super().encode_points(v)
        angles = 2.0 * np.pi * (v @ self.frequencies.T)  # (P, m)
        return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(self.dtype)  # (P, 2m)

    def output(self, z):
        """Linear, or the sigmoid h = 1 / (1 + e^-z) (saved for output_backward), computed from
        e^-|z| so that it never overflows."""
        if self.OUTPUTS[self.knobs["output"]] == "linear":
            return z, None
        e = np.exp(-np.abs(z))  # (B, C) in (0, 1]
        h = np.where(z >= 0, 1.0, e) / (1.0 + e)  # sigmoid(z), in z's dtype
        return h, h

    def output_backward(self, dh, h):
        return dh if h is None else dh * h * (1.0 - h)  # dh * sigmoid'(z)

    def activation(self, z):
        positive = z > 0  # (B, width) bool
        return z * positive, positive

    def activation_backward(self, da, positive):
        return da * positive

    def _extra_params(self):
        return {} if self.frequencies is None else {"frequencies": self.frequencies.tolist()}

    def _set_extra_params(self, params):
        super()._set_extra_params(params)
        if self.frequencies is not None:
            frequencies = check_array(params, "frequencies", self.frequencies.shape)
            if not np.array_equal(frequencies, self.frequencies):
                self.frequencies = frozen(np.array(frequencies, dtype=np.float64))
                self._tabulate()


class SirenModel(Network):
    """SIREN: act(z) = sin(omega0 z) on u in [-1, 1]^2, act'(z) = omega0 cos(omega0 z).

    Initialisation (Sitzmann et al. 2020, Sec. 3.2): first layer W ~ U(-1/fan_in, 1/fan_in), so
    omega0 * z spans several periods across the image; later layers (and the linear output)
    W ~ U(-sqrt(6/fan_in)/omega0, sqrt(6/fan_in)/omega0), which keeps the pre-activations' distribution
    the same at every depth. Biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)); b_out = the mean colour.
    """

    NAME = "siren"
    DEFAULT_LEARNING_RATE = 3e-4
    KNOBS = {**Network.KNOBS,
             "omega0": Knob(30.0, 1.0, 60.0, log=True, label="frequency factor omega0")}

    def init_layers(self):
        omega0 = self.knobs["omega0"]
        sizes = self._layer_sizes(2)
        self.layers = []
        for n, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            limit = 1.0 / fan_in if n == 0 else np.sqrt(6.0 / fan_in) / omega0
            weight = self.rng.uniform(-limit, limit, (fan_in, fan_out)).astype(self.dtype)
            if n == len(sizes) - 2:
                bias = self.labels[self.train_index].mean(axis=0).astype(self.dtype)
            else:
                bias = self.rng.uniform(-1.0, 1.0, fan_out) / np.sqrt(fan_in)
            self.layers.append((weight, bias.astype(self.dtype)))

    def activation(self, z):
        phase = self.dtype.type(self.knobs["omega0"]) * z  # (B, width)
        return np.sin(phase), phase

    def activation_backward(self, da, phase):
        return da * (self.dtype.type(self.knobs["omega0"]) * np.cos(phase))
