"""The model registry: name -> class, and make_model() which validates and clamps each model's knobs."""
from .dct import CosineBasisModel
from .knobs import check_learning_rate, rename_knobs
from .nets import MLPModel, SirenModel
from .onehot import OneHotImageModel
from .plane import PlaneModel
from .poly import PolynomialModel
from .rff import FourierFeatureModel
from . import tfnets

MODELS = {"onehot": OneHotImageModel, "plane": PlaneModel, "poly": PolynomialModel,
          "rff": FourierFeatureModel, "dct": CosineBasisModel, "mlp": MLPModel, "siren": SirenModel}
ENGINES = ("numpy", "tensorflow")  # what a network's arithmetic runs on (the linear models: always numpy)


def model_class(name, engine="numpy"):
    """MODELS[name], or its TensorFlow.js twin (tfnets.MODELS) for engine "tensorflow" and a network.
    ValueError for an unknown engine, or "tensorflow" where TensorFlow.js is not loaded."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "tensorflow" and name in tfnets.MODELS:
        if not tfnets.available():
            raise ValueError("TensorFlow.js is not loaded here; run the networks on numpy")
        return tfnets.MODELS[name]
    return MODELS[name]


def make_model(name, target, learning_rate=None, seed=0, train_mask=None, engine="numpy", **knobs):
    """Build MODELS[name](target, ...) with knobs validated and clamped to their ranges; train_mask
    (H, W) bool, if given, is the pixels it may learn from (a model without that option is refused);
    engine "tensorflow" makes a network's TensorFlow.js twin (model_class), with a batch of
    tfnets.DEFAULT_BATCH on a GPU backend unless batch_size is given."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}")
    cls = model_class(name, engine)
    knobs = current_knobs(name, knobs)
    if knobs.get("batch_size") is None and "batch_size" in cls.KNOBS:
        knobs = {**knobs, "batch_size": default_batch_size(name, engine)}
    table = cls.KNOBS
    unknown = [k for k in knobs if k not in table]
    if unknown:
        have = ", ".join(table) or "none"
        raise ValueError(f"model {name!r} has no setting {unknown[0]!r}; its settings are: {have}")
    values = {k: table[k].clamp(v, k) for k, v in knobs.items() if v is not None}
    if learning_rate is not None:
        learning_rate = check_learning_rate(learning_rate)
    if train_mask is None:
        return cls(target, learning_rate=learning_rate, seed=seed, **values)
    if not accepts_train_mask(cls):
        raise ValueError(f"the {name} model cannot hide pixels (it takes no train_mask); use holdout 0")
    return cls(target, learning_rate=learning_rate, seed=seed, train_mask=train_mask, **values)


def current_knobs(name, knobs):
    """knobs {name: value} of model `name` with its renamed knobs under their current names (old links,
    parameter files and scripts: e.g. the mlp's fourier=0 is encoding=none); unknown models unchanged."""
    cls = MODELS.get(name)
    return dict(knobs) if cls is None else rename_knobs(knobs, cls.RENAMED_KNOBS, cls.KNOBS)


def default_batch_size(name, engine="numpy"):
    """The batch_size a model takes when none is chosen (None if it has no such knob): the knob's
    default, or tfnets.DEFAULT_BATCH for a network on TensorFlow.js on a GPU backend."""
    cls = model_class(name, engine)
    if "batch_size" not in cls.KNOBS:
        return None
    if cls is tfnets.MODELS.get(name) and tfnets.default_batch():
        return tfnets.default_batch()
    return cls.KNOBS["batch_size"].default


def accepts_train_mask(cls):
    """True if cls(target, ..., train_mask=...) is part of its signature."""
    import inspect
    try:
        return "train_mask" in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False


def describe_models():
    """The registry as plain data for the page: one dict per model, in MODELS order, with its default
    learning rate, whether it has a closed-form solve(), its suggested epochs per frame (EPOCHS_PER_FRAME:
    short frames in the browser at 64 x 64, the linear models fast-forward many epochs cheaply, a
    network's epoch is a full pass of mini-batch steps), the engines it runs on (ENGINES for a network
    with a TensorFlow.js twin, else numpy only) and its knobs; a knob that matters only for some values of
    another says so in `applies` ({"knob": name, "values": [numbers]}, else null)."""
    return [{"name": name, "default_learning_rate": float(cls.DEFAULT_LEARNING_RATE),
             "engines": list(ENGINES) if name in tfnets.MODELS else ["numpy"],
             "solvable": cls.solve is not None,
             "epochs_per_frame": int(cls.EPOCHS_PER_FRAME),
             "knobs": [{"name": knob_name, "default": knob.default, "low": knob.low, "high": knob.high,
                        "log": knob.log, "integer": knob.integer, "label": knob.label or knob_name,
                        "choices": list(knob.choices), "applies": _applies(cls, knob)}
                       for knob_name, knob in cls.KNOBS.items()]}
            for name, cls in MODELS.items()]


def _applies(cls, knob):
    """Knob.applies as numbers for the page: {"knob": name, "values": [...]}, or None."""
    if not knob.applies:
        return None
    name, values = knob.applies
    return {"knob": name, "values": [cls.KNOBS[name].clamp(value, name) for value in values]}
