// The values the page needs before Python has loaded, copied from the painting package, in one place.
// tests/test_python_values.py imports this module with Node and checks every value against Python.

// painting.models.MODELS, in the order the model picker lists them
export const MODEL_NAMES = Object.freeze(['onehot', 'plane', 'poly', 'rff', 'dct', 'mlp', 'siren']);
// every knob name of every model's KNOBS table. The URL only checks that a knob's value is a number; the
// page clamps it with the model's own range from describe_models() once Python is ready (and Python
// clamps again), so the ranges themselves live in Python only.
export const KNOB_NAMES = Object.freeze(['init_noise', 'solver', 'batch_size', 'degree', 'sigma', 'features',
  'k', 'width', 'depth', 'encoding', 'scale', 'output', 'omega0']);
// the names of a choice knob's values 0, 1, ... (Knob.names): a link may say encoding=positional
export const KNOB_VALUE_NAMES = Object.freeze({
  solver: ['gd', 'sgd'],
  encoding: ['none', 'basic', 'positional', 'gaussian'],
  output: ['linear', 'sigmoid'],
});
// knobs that were renamed (a model's RENAMED_KNOBS), still read from old links: the old value number n
// (or its name names[n]) is the new knob's value values[n]
export const RENAMED_KNOBS = Object.freeze({
  fourier: { knob: 'encoding', names: ['xy', 'fourier'], values: ['none', 'gaussian'] },
});
// painting.session.MODES
export const MODES = Object.freeze(['rgb', '2017']);
// the model the page starts with, and its DEFAULT_LEARNING_RATE and EPOCHS_PER_FRAME (shown while
// Python loads)
export const DEFAULT_MODEL = 'onehot';
export const DEFAULT_LEARNING_RATE = 1;
export const DEFAULT_EPOCHS_PER_FRAME = 100;
// the wheel build.py puts in dist/py/ (py/pyproject.toml's name and version), for "Run it in Python"
export const WHEEL_FILE = 'regression_painter-0.1.0-py3-none-any.whl';
// painting.holdout.HOLDOUTS (shares of pixels hidden, and 'grid': learn even rows and columns, score odd
// ones), painting.grid.ZOOMS, painting.views.VIEWS
export const HOLDOUTS = Object.freeze([0, 0.25, 0.5, 0.75, 0.9, 'grid']);
export const ZOOMS = Object.freeze([1, 2, 4]);
export const VIEWS = Object.freeze(['learned', 'error', 'spectrum', 'inside']);
