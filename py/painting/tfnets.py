"""The networks of nets.py, trained and evaluated by TensorFlow.js (in Pyodide, through the `js` module).

MLPModel and SirenModel here ARE nets.MLPModel and nets.SirenModel (subclasses): the same knobs, the
same initialisation from the same seed (numpy draws the weights, the Fourier frequencies and every
batch order), the same encode(), params files and model protocol. Only the arithmetic moves to
TensorFlow.js: the weights live in `tf.variable`s, a training step is

    x = encode(batch)                                  (B, D), numpy -> tensor
    h = forward(x)                                     (B, C)
    dJ/dW, dJ/db of J = 1/(2B) sum (h - y)^2           nets.Network.backward's formulas as tensor ops
    m, v, W <- solvers.Adam's update, as tensor ops    all inside tf.tidy (every temporary freed)

and predict()/predict_rows()/predict_zoomed() run the forward pass in TensorFlow.js too.
Why not tf.train.adam: it adds eps to sqrt of the bias-corrected v, solvers.Adam to sqrt of the raw v,
an effective eps 30x larger at step 1. For the tiny gradients of the first steps (an MLP's output
layer starts at 0) that changes the step by tens of percent, and the two models drift apart by 20%
within 20 steps. With the same formula only float32 rounding differs (Adam's early, nearly sign-like
steps amplify it, ~5e-4 relative after 20 steps at lr 1e-2, ~5e-5 at 1e-3, as for numpy against itself
with weights perturbed by 1e-7); the moments are also our own variables, which a snapshot can read.

The numpy `layers` and `optimizer` (a solvers.Adam holding the moments) are a mirror, copied from the
variables when something reads them (get_params, hidden_activations, a snapshot's deepcopy) and copied
back when something sets them (set_params, a restored snapshot). So session.snapshot() works as for
the numpy nets (the copy holds numpy state and makes its variables on first use), at the price of
reading the weights and moments back (~3 x 25k floats at the default size).

TensorFlow.js must already be loaded as `globalThis.tf` with a backend chosen (site/js/worker/tf.js
in the page; tests/pyodide/tf_node.mjs under Node). `js` is imported lazily: this module imports on
CPython, where available() is False and the models cannot be made.
"""

import copy
import itertools

import numpy as np

from . import nets
from .solvers import Adam, check_count

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


def _tf():
    """globalThis.tf, or a clear error."""
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
        _tf()
    except RuntimeError:
        return False
    return True


def backend():
    """The TF.js backend in use: 'webgpu', 'webgl', 'wasm' or 'cpu'."""
    return str(_tf().getBackend())


def default_batch():
    """DEFAULT_BATCH for the backend in use, or None (the knob's own default)."""
    return DEFAULT_BATCH.get(backend())


def to_tensor(array, variable_name=None, trainable=True):
    """A float32 tensor (or, with a name, a variable) holding a copy of `array`."""
    import js
    to_js = _ffi.to_js
    tf = _tf()
    flat = np.ascontiguousarray(array, dtype=np.float32).ravel()  # (n,)
    values = js.Float32Array.new(flat.size)
    values.assign(flat)
    tensor = tf.tensor(values, to_js(list(np.shape(array))), "float32")
    if variable_name is None:
        return tensor
    variable = tf.variable(tensor, trainable, variable_name)
    tensor.dispose()
    return variable


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
    tf = _tf()
    to_js = _ffi.to_js
    flat = tidy(lambda: tf.keep(tf.concat(to_js([tf.reshape(t, to_js([-1])) for t in tensors]))))  # (sum,)
    try:
        values = to_numpy(flat)
    finally:
        flat.dispose()
    ends = np.cumsum([int(np.prod(shape)) for shape in shapes])
    return [part.reshape(shape) for part, shape in zip(np.split(values, ends[:-1]), shapes)]


def _values(tensor):
    """The tensor's values (a JS typed array): dataSync(); on webgpu, where dataSync() copies through a
    canvas (slow, and all zeros in a worker on Chromium's software adapter), `await tensor.data()` by
    stack switching when Python was entered through callPromising (JSPI: pyodide.ffi.can_run_sync())."""
    if _ffi.can_run_sync() and backend() == "webgpu":
        return _ffi.run_sync(tensor.data())
    return tensor.dataSync()


def tidy(fn):
    """Run fn() inside tf.tidy: every tensor it makes and does not keep is freed. -> fn()'s result
    (a Python value; tensors meant to outlive the call must be tf.keep()-ed)."""
    create_proxy = _ffi.create_proxy
    result = []
    proxy = create_proxy(lambda *_: result.append(fn()))
    try:
        _tf().tidy(proxy)
    finally:
        proxy.destroy()
    return result[0]


class TFNetwork:
    """Mixin before a nets.Network subclass: the same model, its maths in TensorFlow.js.

    State: the variables [W_1, b_1, ..., W_out, b_out], Adam's moments (m, v) per variable and its
    step count (made on first use); `_ahead` says the variables have trained past the numpy mirror's
    layers, `_moments_ahead` that the moments have trained past its optimizer (read back only when
    something reads the optimizer: the Trainer reads the layers after every slice), `_behind` that the
    mirror was set and the variables must be remade from it.
    """

    _TF_HANDLES = ("_variables", "_var_list", "_moments")  # JS objects: never copied

    def __init__(self, target, learning_rate=None, seed=0, train_mask=None, dtype=np.float32, **knobs):
        if np.dtype(dtype) != np.float32:
            raise ValueError(f"TensorFlow.js models are float32, got dtype {np.dtype(dtype)}")
        for name in self._TF_HANDLES:
            setattr(self, name, None)
        self._ahead, self._moments_ahead, self._behind = False, False, True
        self._adam_t = 0  # Adam steps taken (solvers.Adam.t of the mirror)
        self._batch = None  # (x (B, D), y (B, C)) numpy, read by the step
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
        """Copy the variables (and with `moments`, Adam's moments) into the numpy mirror if they trained
        past it: one read-back each."""
        if self.__dict__.get("_ahead"):
            self._ahead = False
            shapes = [a.shape for a in self._mirror_arrays()]
            values = read_all(self._variables, shapes)  # [W_1 (D, width), b_1 (width,), ...]
            self._layers = list(zip(values[0::2], values[1::2]))
            self._moments_ahead = True
        if moments and self.__dict__.get("_moments_ahead"):
            self._moments_ahead = False
            shapes = [a.shape for a in self._mirror_arrays() for _ in range(2)]
            values = read_all([t for pair in self._moments for t in pair], shapes)  # [m_1, v_1, m_2, ...]
            adam = self._optimizer
            adam.t = self._adam_t
            adam.m, adam.v = values[0::2], values[1::2]

    def _mirror_arrays(self):
        """[W_1, b_1, ...] of the mirror as it is (no read-back): their shapes are the variables'."""
        return [a for layer in self._layers for a in layer]

    def _push(self):
        """(Re)make the variables and Adam's moments from the numpy mirror, if it changed."""
        if not self._behind:
            return
        to_js = _ffi.to_js
        self._dispose_tensors()
        arrays, adam = self.parameters(), self._optimizer  # [W_1, b_1, ...]; solvers.Adam
        prefix = f"painting{next(_names)}"
        self._variables = [to_tensor(a, f"{prefix}/{n}") for n, a in enumerate(arrays)]
        self._var_list = to_js(self._variables)
        self._moments = [(to_tensor(m, f"{prefix}/{n}/m", trainable=False),
                          to_tensor(v, f"{prefix}/{n}/v", trainable=False))
                         for n, (m, v) in enumerate(zip(adam.m, adam.v))]
        self._adam_t = adam.t
        self._behind = self._moments_ahead = False

    # ---- the maths, in TF.js ----
    def tf_forward(self, x, variables=None):
        """(B, D) tensor -> (B, C) tensor (call inside tf.tidy); variables: [W_1, b_1, ...] tensors,
        by default the model's own."""
        tf = _tf()
        variables = self._variables if variables is None else variables
        a = x
        for n in range(0, len(variables) - 2, 2):
            a = self.tf_activation(tf.add(tf.matMul(a, variables[n]), variables[n + 1]))  # (B, width)
        return tf.add(tf.matMul(a, variables[-2]), variables[-1])  # (B, C)

    def tf_activation(self, z):
        raise NotImplementedError

    def tf_activation_backward(self, da, z):
        """dJ/dz = dJ/da * act'(z), from the pre-activation z (tensors)."""
        raise NotImplementedError

    def _gradients(self):
        """[dW_1, db_1, ..., dW_out, db_out] of J = 1/(2B) sum (h - y)^2 on self._batch (call inside
        tf.tidy): nets.Network's forward and backward as tensor ops. Not tf.variableGrads: its matMul
        gradients are matMuls with transposeA/transposeB, which TF.js's wasm backend runs at ~1.7 GFLOPS
        against ~20 for tf.transpose then a plain matMul (measured, 256-pixel batch of the mlp): the
        step took 10x its forward pass."""
        tf = _tf()
        x, y = self._batch
        variables = self._variables  # [W_1, b_1, ..., W_out, b_out]
        inputs, pre = [to_tensor(x)], []  # a_0 .. a_depth (B, n_in); z_1 .. z_depth (B, width)
        for n in range(0, len(variables) - 2, 2):
            pre.append(tf.add(tf.matMul(inputs[-1], variables[n]), variables[n + 1]))
            inputs.append(self.tf_activation(pre[-1]))
        h = tf.add(tf.matMul(inputs[-1], variables[-2]), variables[-1])  # (B, C)
        da = tf.div(tf.sub(h, to_tensor(y)), float(len(x)))  # dJ/dh (B, C)
        grads = []
        for layer in reversed(range(len(inputs))):
            dz = da if layer == len(inputs) - 1 else self.tf_activation_backward(da, pre[layer])  # (B, n_out)
            grads += [tf.sum(dz, 0), tf.matMul(tf.transpose(inputs[layer]), dz)]  # db, dW = a^T dz
            if layer:  # no dJ/d(inputs): the encoding has no parameters
                da = tf.matMul(dz, tf.transpose(variables[2 * layer]))  # (B, n_in) = dz W^T
        return grads[::-1]

    def _step(self):
        """One Adam step on self._batch, as solvers.Adam.update (call through tf.tidy)."""
        tf = _tf()
        adam = self._optimizer
        beta1, beta2 = adam.beta1, adam.beta2
        grads = self._gradients()  # same shapes as self._variables
        self._adam_t += 1
        # both bias corrections folded into one step size, as solvers.Adam
        step = self.learning_rate * (1.0 - beta2 ** self._adam_t) ** 0.5 / (1.0 - beta1 ** self._adam_t)
        for param, g, (m, v) in zip(self._variables, grads, self._moments):
            m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1.0 - beta1)))
            v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1.0 - beta2)))
            param.assign(tf.sub(param, tf.div(tf.mul(m, step), tf.add(tf.sqrt(v), adam.eps))))

    def step_batches(self, batches):
        """`batches` more Adam steps in TF.js, the batches drawn exactly as nets.Network draws them."""
        create_proxy = _ffi.create_proxy
        batches = check_count(batches, "batches")
        self._push()
        tf = _tf()
        # a JS handle on a Python function, for this call only (kept on self it would keep self alive)
        step = create_proxy(lambda *_: self._step())
        try:
            for _ in range(batches):
                index = self.train_index[self._schedule.next_batch(self.rng)]  # (B,)
                self._batch = (self.encode(index), self.labels[index])  # (B, D), (B, C)
                tf.tidy(step)
                self._ahead = True
                if self._schedule.done == 0:
                    self.epoch += 1
        finally:
            step.destroy()
            self._batch = None
            self._cache = None

    def forward(self, x, keep=False):
        """(B, D) -> (B, C) in TF.js; with keep (gradients()), nets.Network's numpy pass on the mirror."""
        if keep:
            return super().forward(x, keep=True)
        own = self._variables is not None and not self._behind
        # no variables of the current state (a snapshot that only predicts, as a frame's frozen copy; new
        # parameters): the weights as tensors for this call only, so a copy never holds tensors that
        # wait for Python's cycle collector (snapshot() leaves its copies in a reference cycle)
        weights = None if own else (lambda: [to_tensor(a) for a in self.parameters()])
        h = tidy(lambda: _tf().keep(self.tf_forward(to_tensor(x), weights and weights())))  # (B, C)
        try:
            return to_numpy(h), []  # read outside tidy (an awaited read cannot run inside it)
        finally:
            h.dispose()

    # ---- lifetime ----
    def _dispose_tensors(self):
        for variable in [*(self._variables or ()), *(t for pair in self._moments or () for t in pair)]:
            variable.dispose()
        self._variables = self._var_list = self._moments = None

    def dispose(self):
        """Free the TF.js memory now (the numpy mirror stays usable: it is brought up to date first)."""
        self._pull()
        self._dispose_tensors()
        self._behind = True

    def __del__(self):
        """A model dropped without dispose() frees its tensors when Python collects it."""
        try:
            if self.__dict__.get("_variables") is not None:
                self._dispose_tensors()
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
        return _tf().relu(z)  # max(z, 0)

    def tf_activation_backward(self, da, z):
        return _tf().mul(da, _tf().step(z))  # da * [z > 0], as nets.MLPModel's


class SirenModel(TFNetwork, nets.SirenModel):
    __doc__ = "nets.SirenModel in TensorFlow.js. " + nets.SirenModel.__doc__

    def tf_activation(self, z):
        return _tf().sin(_tf().mul(z, float(self.knobs["omega0"])))  # sin(omega0 z)

    def tf_activation_backward(self, da, z):
        omega0 = float(self.knobs["omega0"])
        return _tf().mul(da, _tf().mul(_tf().cos(_tf().mul(z, omega0)), omega0))  # da omega0 cos(omega0 z)


MODELS = {"mlp": MLPModel, "siren": SirenModel}
