"""The networks of nets.py, trained and evaluated by TensorFlow.js (in Pyodide, through the `js` module).

MLPModel and SirenModel here ARE nets.MLPModel and nets.SirenModel (subclasses): the same knobs, the
same initialisation from the same seed (numpy draws the weights, the Fourier frequencies and every
batch order), the same encode(), params files and model protocol. Only the arithmetic moves to
TensorFlow.js: all parameters live in one `tf.variable` (P,), and so do Adam's m and v; encode()'s
per-column and per-row tables and the labels are uploaded once. A training step is

    index = the batch's pixels                         (B,) int32, numpy -> tensor: all that is sent
    x, y = tf_encode(index), labels[index]             (B, D), (B, C): gathered from the tables
    W_1, b_1, ... = tf_weights()                       views of the flat parameters
    h, tape = tf_forward(x)                            (B, C), and what backward needs
    dJ/dW, dJ/db of J = 1/(2B) sum (h - y)^2           tf_backward: nets.Network.backward's formulas,
                                                       concatenated into one (P,)
    m, v, parameters <- solvers.Adam.update            on the three flat variables, TF.js's operations
                                                       all inside tf.tidy (every temporary freed)

and predict()/predict_rows()/predict_zoomed() run the same tf_forward in TensorFlow.js too.
Why not tf.train.adam: it adds eps to sqrt of the bias-corrected v, solvers.Adam to sqrt of the raw v,
an effective eps 30x larger at step 1. For the tiny gradients of the first steps (an MLP's output
layer starts at 0) that changes the step by tens of percent, and the two models drift apart by 20%
within 20 steps. With the same formula only float32 rounding differs (Adam's early, nearly sign-like
steps amplify it, ~5e-4 relative after 20 steps at lr 1e-2, ~5e-5 at 1e-3, as for numpy against itself
with weights perturbed by 1e-7); the moments are also our own variables, which a snapshot can read.

The numpy `layers` and `optimizer` (a solvers.Adam holding the moments) are a mirror of the variables
and of `_tf_optimizer` (a copy of that solvers.Adam whose moments are variables), copied from them
when something reads them (get_params, hidden_activations, a snapshot's deepcopy) and copied
back when something sets them (set_params, a restored snapshot). So session.snapshot() works as for
the numpy nets (the copy holds numpy state and makes its variables on first use), at the price of
reading the parameters and moments back (3 x 25k floats at the default size).

TensorFlow.js must already be loaded as `globalThis.tf` with a backend chosen (site/js/worker/tf.js
in the page; tests/pyodide/tf_node.mjs under Node). `js` is imported lazily: this module imports on
CPython, where available() is False and the models cannot be made.
"""

import copy
import functools
import itertools
from types import SimpleNamespace

import numpy as np

from . import nets
from .solvers import check_count

DEFAULT_BATCH = {"webgpu": 1024, "webgl": 1024}
"""A network's batch_size on a GPU backend when none is chosen (a GPU step costs about the same for a
bigger batch); other backends keep the knob's default."""

_names = itertools.count()  # variable names are global in TF.js: painting<n>/<layer>


class _Ffi:
    """pyodide.ffi, imported on first use (an import statement in a function called ~30 times per step
    costs more than the call in Pyodide)."""

    def __getattr__(self, name):
        import pyodide.ffi
        value = getattr(pyodide.ffi, name)
        setattr(self, name, value)
        return value


_ffi = _Ffi()


def tfjs():
    """TensorFlow.js, globalThis.tf (the models use it, tests count its tensors), or a clear error."""
    try:
        import js
    except ImportError:
        raise RuntimeError("TensorFlow.js models need Pyodide (the `js` module)") from None
    tf = getattr(js, "tf", None)
    if tf is None:
        raise RuntimeError("TensorFlow.js is not loaded (globalThis.tf is undefined)")
    return tf


def available():
    """True when TensorFlow.js is loaded where Python can reach it."""
    try:
        tfjs()
    except RuntimeError:
        return False
    return True


def backend():
    """The TF.js backend in use: 'webgpu', 'webgl', 'wasm' or 'cpu'."""
    return str(tfjs().getBackend())


def default_batch():
    """DEFAULT_BATCH for the backend in use, or None (the knob's own default)."""
    return DEFAULT_BATCH.get(backend())


def to_tensor(array, variable_name=None, trainable=True, dtype="float32"):
    """A float32 (or int32) tensor (or, with a name, a variable) holding a copy of `array`."""
    import js
    to_js = _ffi.to_js
    tf = tfjs()
    flat = np.ascontiguousarray(array, dtype=np.dtype(dtype)).ravel()  # (n,)
    typed = js.Int32Array if dtype == "int32" else js.Float32Array
    if backend() == "wasm":  # tf.tensor copies the values into TF.js's heap at once: a view, no JS copy
        # (a frame's (CHUNK, D) inputs are 16 MB a chunk: ~48 MB/s of JS garbage while a frame of mlp at
        # 512² is drawn, measured); other backends may keep the typed array (cpu) or upload it later
        values = typed.new(_heap().buffer, flat.__array_interface__["data"][0], flat.size)
    else:
        values = typed.new(flat.size)
        values.assign(flat)
    tensor = tf.tensor(values, to_js(list(np.shape(array))), dtype)
    if variable_name is None:
        return tensor
    variable = tf.variable(tensor, trainable, variable_name)
    tensor.dispose()
    return variable


def _heap():
    """Pyodide's wasm memory as a Uint8Array (re-read per use: it is replaced when the memory grows)."""
    import pyodide_js
    return pyodide_js._module.HEAPU8


def to_numpy(tensor):
    """A float32 numpy copy of a tensor's values, in its shape (reads it back; call outside tf.tidy)."""
    out = np.empty(tuple(tensor.shape.to_py()), dtype=np.float32)
    _values(tensor).assign_to(out)
    return out


def read_all(tensors, shapes):
    """float32 numpy copies of several tensors: [array of shapes[n], ...]. On a GPU backend in one
    read-back (one wait for the GPU instead of one per tensor: the arrays are views into one buffer);
    on cpu and wasm, where a read is a memory copy, one by one (measured cheaper than the concat)."""
    if backend() in ("cpu", "wasm"):
        return [to_numpy(t) for t in tensors]
    tf = tfjs()
    to_js = _ffi.to_js
    flat = tidy(lambda: tf.keep(tf.concat(to_js([tf.reshape(t, to_js([-1])) for t in tensors]))))  # (sum,)
    try:
        values = to_numpy(flat)
    finally:
        flat.dispose()
    return unflatten(values, shapes)


def flatten(arrays):
    """One float32 vector of several arrays, one after the other: (sum of their sizes,)."""
    return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float32)


def unflatten(values, shapes):
    """flatten()'s inverse: [array of shapes[n], ...], views into `values`."""
    ends = np.cumsum([int(np.prod(shape)) for shape in shapes], dtype=np.int64)
    return [part.reshape(shape) for part, shape in zip(np.split(values, ends[:-1]), shapes)]


def _values(tensor):
    """The tensor's values (a JS typed array): dataSync(); on webgpu, where dataSync() copies through a
    canvas (slow, and all zeros in a worker on Chromium's software adapter), `await tensor.data()` by
    stack switching when Python was entered through callPromising (JSPI: pyodide.ffi.can_run_sync())."""
    if _ffi.can_run_sync() and backend() == "webgpu":
        return _ffi.run_sync(tensor.data())
    return tensor.dataSync()


@functools.lru_cache(maxsize=1)
def _tf_ops():
    """solvers.Adam's array operations on TF.js tensors (solvers.NUMPY_OPS's names); assign writes a
    variable."""
    tf = tfjs()
    return SimpleNamespace(add=tf.add, sub=tf.sub, mul=tf.mul, div=tf.div, sqrt=tf.sqrt, square=tf.square,
                           assign=lambda variable, value: variable.assign(value))


def tidy(fn):
    """Run fn() inside tf.tidy: every tensor it makes and does not keep is freed. -> fn()'s result
    (a Python value; tensors meant to outlive the call must be tf.keep()-ed)."""
    create_proxy = _ffi.create_proxy
    result = []
    proxy = create_proxy(lambda *_: result.append(fn()))
    try:
        tfjs().tidy(proxy)
    finally:
        proxy.destroy()
    return result[0]


class TFNetwork:
    """Mixin before a nets.Network subclass: the same model, its maths in TensorFlow.js.

    State: one variable `_flat` holding all parameters, flatten([W_1, b_1, ..., W_out, b_out]) (P,), and
    `_tf_optimizer`, a solvers.Adam whose moments are one variable each, m (P,) and v (P,) (made on first
    use): an Adam update is a dozen TF.js ops whatever the depth, where a variable per array took ~120.
    The passes read the layers as views of `_flat` (tf_weights: one tf.split, or on wasm a tf.gatherND per
    array with the indices `_tf_parts`, and a reshape per matrix) and the backward pass concatenates
    the gradients into one (P,). `_tf_tables` are what a step gathers its inputs and labels from
    (uploaded once). `_ahead` says the variables have trained past the numpy
    mirror's layers, `_moments_ahead` that the moments have trained past its optimizer (read back only
    when something reads the optimizer: the Trainer reads the layers after every slice), `_behind` that
    the mirror was set and the variables must be remade from it.
    """

    _TF_HANDLES = ("_flat", "_tf_optimizer", "_tf_tables", "_tf_parts")  # JS objects: never copied

    def __init__(self, target, learning_rate=None, seed=0, train_mask=None, dtype=np.float32, **knobs):
        if np.dtype(dtype) != np.float32:
            raise ValueError(f"TensorFlow.js models are float32, got dtype {np.dtype(dtype)}")
        for name in self._TF_HANDLES:
            setattr(self, name, None)
        self._ahead, self._moments_ahead, self._behind = False, False, True
        self._batch = None  # (B,) pixel indices, read by the step
        super().__init__(target, learning_rate=learning_rate, seed=seed, train_mask=train_mask,
                         dtype=np.float32, **knobs)

    # ---- the numpy mirror ----
    @property
    def layers(self):
        self._pull(moments=False)
        return self._layers

    @layers.setter
    def layers(self, layers):
        self._pull()  # keeps the optimiser's moments if only the layers are set
        self._layers = layers
        self._behind = True

    @property
    def optimizer(self):
        self._pull()
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer):
        self._pull()
        self._optimizer = optimizer
        self._behind = True

    def _pull(self, moments=True):
        """Copy the parameters (and with `moments`, Adam's moments) into the numpy mirror if they trained
        past it: one read-back each (the moments' two in one on a GPU)."""
        if self.__dict__.get("_ahead"):
            self._ahead = False
            values = unflatten(to_numpy(self._flat), self._shapes())  # [W_1 (D, width), b_1 (width,), ...]
            self._layers = list(zip(values[0::2], values[1::2]))
            self._moments_ahead = True
        if moments and self.__dict__.get("_moments_ahead"):
            self._moments_ahead = False
            shapes = self._shapes()
            adam, tf_adam = self._optimizer, self._tf_optimizer
            m, v = read_all(tf_adam.m + tf_adam.v, [(self._size(),)] * 2)  # (P,) each
            adam.t, adam.m, adam.v = tf_adam.t, unflatten(m, shapes), unflatten(v, shapes)

    def _shapes(self):
        """[shape of W_1, of b_1, ...] of the mirror as it is (no read-back): those of the views of _flat."""
        return [a.shape for layer in self._layers for a in layer]

    def _size(self):
        """P, the number of parameters: the length of _flat."""
        return sum(a.size for layer in self._layers for a in layer)

    def _push(self):
        """(Re)make the parameter and moment variables from the numpy mirror, if it changed."""
        if not self._behind:
            return
        self._dispose_tensors()
        adam = self._optimizer  # solvers.Adam: m and v, one array per parameter array
        prefix = f"painting{next(_names)}"
        self._flat = to_tensor(flatten(self.parameters()), f"{prefix}/parameters")  # (P,)
        tf_adam = copy.copy(adam)  # the same betas, eps and t; m and v as variables, TF.js's operations
        tf_adam.m = [to_tensor(flatten(adam.m), f"{prefix}/m", trainable=False)]  # (P,)
        tf_adam.v = [to_tensor(flatten(adam.v), f"{prefix}/v", trainable=False)]  # (P,)
        tf_adam.ops = _tf_ops()
        self._tf_optimizer = tf_adam
        if backend() == "wasm":
            self._tf_parts = self._part_indices()
        self._behind = self._moments_ahead = False

    def _part_indices(self):
        """tf_weights' tf.gatherND indices of each array of the flat parameters: [(size, 1) int32, ...]."""
        ends = np.cumsum([int(np.prod(shape)) for shape in self._shapes()])
        return [to_tensor(np.arange(end - size, end)[:, None], dtype="int32")
                for end, size in zip(ends, np.diff(ends, prepend=0))]

    def _push_tables(self):
        """Upload what a step gathers from, once (again only when the encoding's tables were remade):
        encode()'s per-column tables X_k (W, D) and per-row tables Y_k (H, D), and the labels (M, C)."""
        tables = self._tf_tables
        if tables is not None and tables.source is self.columns:
            return
        self._dispose_tables()
        self._tf_tables = SimpleNamespace(source=self.columns, columns=[to_tensor(t) for t in self.columns],
                                          rows=[to_tensor(t) for t in self.rows], labels=to_tensor(self.labels))

    # ---- the maths, in TF.js ----
    def tf_encode(self, column, row):
        """encode() in TF.js from the uploaded tables: column, row (B, 1) int32 tensors -> (B, D), the sum
        over the K terms of X_k[column] * Y_k[row] (call inside tf.tidy). tf.gatherND, not tf.gather:
        TF.js's wasm gather took 6 ms for a (256, 512) batch, gatherND 0.3 ms (measured)."""
        tf, tables, x = tfjs(), self._tf_tables, None
        for column_table, row_table in zip(tables.columns, tables.rows):
            term = tf.mul(tf.gatherND(column_table, column), tf.gatherND(row_table, row))  # (B, D)
            x = term if x is None else tf.add(x, term)
        return x

    def tf_weights(self, flat=None):
        """[W_1, b_1, ..., W_out, b_out] as views of the parameter vector `flat` (P,), by default the
        model's own (call inside tf.tidy): one tf.split, then a reshape per weight matrix. On wasm they
        are gathered (tf.gatherND; the model's own indices uploaded once, by _push): TF.js's wasm slice,
        which tf.split runs per part, first reads its whole input back into a new JS array (readSync), so
        every step and every frame left a copy of all the parameters as JS garbage, which swung the
        renderer's memory (bench/bench_memory.py)."""
        tf, to_js = tfjs(), _ffi.to_js
        shapes = self._shapes()
        if backend() == "wasm":
            own = flat is None and self._tf_parts is not None
            indices = self._tf_parts if own else self._part_indices()  # (freed by the caller's tidy)
            parts = [tf.gatherND(self._flat if flat is None else flat, index) for index in indices]  # (size,) each
        else:
            parts = tf.split(self._flat if flat is None else flat, to_js([int(np.prod(s)) for s in shapes]))
        return [parts[n] if len(shape) == 1 else tf.reshape(parts[n], to_js(list(shape)))
                for n, shape in enumerate(shapes)]

    def tf_forward(self, x, variables):
        """(B, D) tensor -> ((B, C) tensor, tape) (call inside tf.tidy), nets.Network.forward's pass with
        the parameters `variables` ([W_1, b_1, ...] tensors, tf_weights()); the tape is [(a_{l-1}, z_l)]
        per hidden layer, then (a_depth, h): what tf_backward needs."""
        tf = tfjs()
        a, tape = x, []
        for n in range(0, len(variables) - 2, 2):
            z = tf.add(tf.matMul(a, variables[n]), variables[n + 1])  # (B, width)
            tape.append((a, z))
            a = self.tf_activation(z)
        h = self.tf_output(tf.add(tf.matMul(a, variables[-2]), variables[-1]))  # (B, C)
        tape.append((a, h))
        return h, tape

    def tf_activation(self, z):
        raise NotImplementedError

    def tf_output(self, z):
        """h = out(z) of the output layer (tensors): nets.Network.output's, linear."""
        return z

    def tf_output_backward(self, dh, h):
        """dJ/dz = dJ/dh * out'(z), from the output h (tensors): linear, dh."""
        return dh

    def tf_activation_backward(self, da, z):
        """dJ/dz = dJ/da * act'(z), from the pre-activation z (tensors)."""
        raise NotImplementedError

    def tf_backward(self, dh, tape, variables):
        """dJ/dh (B, C) tensor -> [dW_1, db_1, ..., dW_out, db_out] for the parameters `variables` and the
        pass recorded in tape (call inside tf.tidy): nets.Network.backward's formulas as tensor ops. Not
        tf.variableGrads: its matMul gradients are matMuls with transposeA/transposeB, which TF.js's wasm
        backend runs at ~1.7 GFLOPS against ~20 for tf.transpose then a plain matMul (measured, 256-pixel
        batch of the mlp): the step took 10x its forward pass."""
        tf = tfjs()
        grads, da = [], dh  # (B, C)
        for n, (a, z) in enumerate(reversed(tape)):  # z: the output h for the output layer (n = 0)
            dz = self.tf_output_backward(da, z) if n == 0 else self.tf_activation_backward(da, z)  # (B, n_out)
            grads += [tf.sum(dz, 0), tf.matMul(tf.transpose(a), dz)]  # db, dW = a^T dz
            if n < len(tape) - 1:  # no dJ/d(inputs): the encoding has no parameters
                weight = variables[2 * (len(tape) - 1 - n)]
                da = tf.matMul(dz, tf.transpose(weight))  # (B, n_in) = dz W^T
        return grads[::-1]

    def _step(self):
        """One Adam step on the pixels self._batch (call through tf.tidy): only their indices are
        uploaded, the inputs and labels are gathered in TF.js."""
        tf = tfjs()
        index = self._batch  # (B,)
        row, column = np.divmod(index, self.width)
        picked = tf.unstack(to_tensor(np.stack([index, column, row])[:, :, None], dtype="int32"))  # 3 x (B, 1)
        weights = self.tf_weights()
        h, tape = self.tf_forward(self.tf_encode(picked[1], picked[2]), weights)  # (B, C)
        y = tf.gatherND(self._tf_tables.labels, picked[0])  # (B, C)
        dh = tf.div(tf.sub(h, y), float(len(index)))  # dJ/dh (B, C)
        grads = [g if len(shape) == 1 else tf.reshape(g, _ffi.to_js([-1]))
                 for g, shape in zip(self.tf_backward(dh, tape, weights), self._shapes())]
        flat_grad = tf.concat(_ffi.to_js(grads))  # (P,), in _flat's order
        self._tf_optimizer.update([self._flat], [flat_grad], self.learning_rate)

    def step_batches(self, batches):
        """`batches` more Adam steps in TF.js, the batches drawn exactly as nets.Network draws them."""
        create_proxy = _ffi.create_proxy
        batches = check_count(batches, "batches")
        self._push()
        self._push_tables()
        tf = tfjs()
        # a JS handle on a Python function, for this call only (kept on self it would keep self alive)
        step = create_proxy(lambda *_: self._step())
        try:
            for _ in range(batches):
                self._batch = self.train_index[self._schedule.next_batch(self.rng)]  # (B,)
                tf.tidy(step)
                self._ahead = True
                if self._schedule.done == 0:
                    self.epoch += 1
        finally:
            step.destroy()
            self._batch = None
            self.forget_predictions()

    def forward(self, x, keep=False):
        """(B, D) -> (B, C) in TF.js; with keep (gradients()), nets.Network's numpy pass on the mirror."""
        if keep:
            return super().forward(x, keep=True)
        own = self._flat is not None and not self._behind
        # no variables of the current state (a snapshot that only predicts, as a frame's frozen copy; new
        # parameters): the parameters as a tensor for this call only, so a copy never holds tensors that
        # wait for Python's cycle collector (snapshot() leaves its copies in a reference cycle)
        flat = None if own else (lambda: to_tensor(flatten(self.parameters())))  # (P,)
        h = tidy(lambda: tfjs().keep(self.tf_forward(to_tensor(x), self.tf_weights(flat and flat()))[0]))  # (B, C)
        try:
            return to_numpy(h), []  # read outside tidy (an awaited read cannot run inside it)
        finally:
            h.dispose()

    # ---- lifetime ----
    def held_tensors(self):
        """The TF.js tensors this model holds now, by role: {"parameters": [flat (P,)], "moments": [m, v],
        "gather": tf_weights' indices (wasm), "tables": encode()'s and the labels (_push_tables)}; empty
        lists before the first step, after dispose() and in a frame's frozen copy."""
        tables, adam = self._tf_tables, self._tf_optimizer
        return {"parameters": [] if self._flat is None else [self._flat],
                "moments": adam.m + adam.v if adam else [],
                "gather": list(self._tf_parts or ()),
                "tables": [*tables.columns, *tables.rows, tables.labels] if tables else []}

    def _dispose_tables(self):
        for tensor in self.held_tensors()["tables"]:
            tensor.dispose()
        self._tf_tables = None

    def _dispose_tensors(self):
        held = self.held_tensors()
        for variable in held["parameters"] + held["moments"] + held["gather"]:
            variable.dispose()
        self._flat = self._tf_optimizer = self._tf_parts = None

    def dispose(self):
        """Free the TF.js memory now (the numpy mirror stays usable: it is brought up to date first)."""
        self._pull()
        self._dispose_tensors()
        self._dispose_tables()
        self._behind = True

    def __del__(self):
        """A model dropped without dispose() frees its tensors when Python collects it."""
        try:
            if self.__dict__.get("_flat") is not None:
                self._dispose_tensors()
            if self.__dict__.get("_tf_tables") is not None:
                self._dispose_tables()
        except Exception:  # interpreter shutdown, TF.js gone: nothing left to free
            pass

    def __deepcopy__(self, memo):
        """A copy holding the numpy state (session.snapshot): it makes its own variables on first use."""
        self._pull()
        new = object.__new__(type(self))
        memo[id(self)] = new
        for name, value in vars(self).items():
            new.__dict__[name] = None if name in self._TF_HANDLES else copy.deepcopy(value, memo)
        new._ahead, new._behind = False, True
        return new


class MLPModel(TFNetwork, nets.MLPModel):
    __doc__ = "nets.MLPModel in TensorFlow.js. " + nets.MLPModel.__doc__

    def tf_activation(self, z):
        return tfjs().relu(z)  # max(z, 0)

    def tf_activation_backward(self, da, z):
        return tfjs().mul(da, tfjs().step(z))  # da * [z > 0], as nets.MLPModel's

    def tf_output(self, z):
        return z if self.OUTPUTS[self.knobs["output"]] == "linear" else tfjs().sigmoid(z)

    def tf_output_backward(self, dh, h):
        if self.OUTPUTS[self.knobs["output"]] == "linear":
            return dh
        return tfjs().mul(dh, tfjs().mul(h, tfjs().sub(1.0, h)))  # dh h (1 - h), as nets.MLPModel's


class SirenModel(TFNetwork, nets.SirenModel):
    __doc__ = "nets.SirenModel in TensorFlow.js. " + nets.SirenModel.__doc__

    def tf_activation(self, z):
        return tfjs().sin(tfjs().mul(z, float(self.knobs["omega0"])))  # sin(omega0 z)

    def tf_activation_backward(self, da, z):
        omega0 = float(self.knobs["omega0"])
        return tfjs().mul(da, tfjs().mul(tfjs().cos(tfjs().mul(z, omega0)), omega0))  # da omega0 cos(omega0 z)


MODELS = {"mlp": MLPModel, "siren": SirenModel}
