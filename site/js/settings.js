// Every setting of the page, one row each: its URL key, what values it takes (the bounds), its default,
// its control (if it has one) and its effect when it changes. url-state.js reads and writes the URL
// from these rows, controls.js builds the controls from them, the store starts from their defaults, and
// main.js applies a change by the row's effect. A figure that shows some settings builds its controls
// from the same rows: buildControls(containers, controlRows(rows), onChange).
//
// Adding a setting (e.g. a model's knob from the Python KNOBS table) is one row here.
//
// URL kinds: 'enum' (one of `values`), 'number' (finite, clamped to [low, high]; with `names`, also one
// of those names, the number of its place, and written so), 'integer' (same, rounded), 'flag' (1/0,
// true/false). `view: true` rows are view options (the URL's query), the rest
// settings (its hash).
// control.kind: 'select' ([value, text] options), 'log' (slider over log10 of [low, high]), 'number'
// (free numeric entry); control.group: the panel it sits in (main.js).
// effect, what a change does (main.js EFFECTS):
//   'retarget'  a new target (image, size, labels, hidden pixels): new sessions at epoch 0
//   'redraw'    the same sessions drawn another way (zoom, view)
//   'rate'      session a's learning rate, from the next slice on
//   'engine'    the networks' sessions rebuilt on numpy or TensorFlow.js
//   'model'     session a's model
//   'threshold' the stop threshold (set by hand: a new label mode no longer brings its own)
//   none        read when next used (epochs per frame), or applied by its own module (compare, model-b)

import { IMAGES, DEFAULT_IMAGE } from './images.js';
import {
  MODEL_NAMES, KNOB_NAMES, KNOB_VALUE_NAMES, MODES, DEFAULT_MODEL, DEFAULT_LEARNING_RATE, DEFAULT_EPOCHS_PER_FRAME,
  HOLDOUTS, ZOOMS, VIEWS,
} from './python-values.js';
import { MODEL_OPTIONS } from './model-labels.js';
import { formatRate, formatCount, formatThreshold, snapNice } from './format.js';

export const ENGINES = ['numpy', 'tensorflow'];                 // painting.models.ENGINES
const TF_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu']; // worker/tf.js BACKENDS
const SIZES = ['28', '32', '64', '96', '128', '256', '512', '1024'];

export const SETTINGS = Object.freeze([
  { key: 'image', kind: 'enum', values: IMAGES.map((img) => img.id), default: DEFAULT_IMAGE, effect: 'retarget',
    control: { kind: 'select', label: 'Image', group: 'target', options: IMAGES.map((img) => [img.id, img.name]) } },
  { key: 'model', kind: 'enum', values: MODEL_NAMES, default: DEFAULT_MODEL, effect: 'model',
    control: { kind: 'select', label: 'Model', group: 'model', options: MODEL_OPTIONS } },
  { key: 'size', kind: 'enum', values: SIZES, default: '64', effect: 'retarget',
    control: { kind: 'select', label: 'Resolution', group: 'target', options: SIZES.map((n) => [n, `${n} × ${n}`]) } },
  { key: 'mode', kind: 'enum', values: MODES, default: MODES[0], effect: 'retarget',
    control: { kind: 'select', label: 'Labels', group: 'target',
      options: [['rgb', 'RGB channels in [0, 1]'], ['2017', '2017: one packed number per pixel']] } },
  // step 'any': a rate from a preset or a link (0.5, 0.002) is kept exactly, not snapped to 10^(k/100)
  { key: 'lr', kind: 'number', low: 1e-4, high: 10, default: DEFAULT_LEARNING_RATE, effect: 'rate',
    control: { kind: 'log', label: 'Learning rate', group: 'training', step: 'any', format: formatRate,
      hint: 'Applies from the next frame. Above about 2 the cost explodes.' } },
  { key: 'epochs-per-frame', kind: 'integer', low: 1, high: 1e6, default: DEFAULT_EPOCHS_PER_FRAME,
    control: { kind: 'log', label: 'Epochs per frame', group: 'training', step: 0.01, integer: true, snap: snapNice,
      format: formatCount, hint: 'Large counts are fast-forwarded exactly, in closed form.' } },
  { key: 'stop-cost', kind: 'number', low: 0, high: 1e15, default: 1e-5, effect: 'threshold',
    control: { kind: 'number', label: 'Stop when cost ≤', group: 'training', format: formatThreshold },
    // a value typed that is not one: why, with the value kept
    refuse: (value, kept) => (value >= 0 ? null
      : `The stop threshold must be a number ≥ 0 (for example 1e-5); it was left at ${kept.toExponential(1)}.`) },
  ...KNOB_NAMES.map((key) => ({ key, kind: 'number', low: -1e15, high: 1e15, default: null, knob: true,
    ...(KNOB_VALUE_NAMES[key] ? { names: KNOB_VALUE_NAMES[key] } : {}) })),
  { key: 'compare', kind: 'flag', default: false },
  { key: 'model-b', kind: 'enum', values: MODEL_NAMES, default: 'rff' },
  { key: 'holdout', kind: 'enum', values: HOLDOUTS.map(String), default: '0', effect: 'retarget',
    control: { kind: 'select', label: 'Hide pixels from the model', group: 'lesson',
      options: HOLDOUTS.map((v) => [String(v), holdoutLabel(v)]) } },
  { key: 'zoom', kind: 'enum', values: ZOOMS.map(String), default: '1', effect: 'redraw',
    control: { kind: 'select', label: 'Zoom the learned image', group: 'lesson', options: ZOOMS.map((v) => [String(v), `${v}×`]) } },
  { key: 'view', kind: 'enum', values: VIEWS, default: 'learned', effect: 'redraw',
    control: { kind: 'select', label: 'Show', group: 'lesson',
      options: [['learned', 'the learned image'], ['error', 'error |target − learned|'],
        ['spectrum', 'spectrum of the error'], ['inside', 'inside the model']] } },
  // what the networks run on; its hint is the status line of TensorFlow.js (tf-choice.js)
  { key: 'backend', kind: 'enum', values: ENGINES, default: 'tensorflow', effect: 'engine',
    control: { kind: 'select', label: 'Run networks on', group: 'model',
      options: [['numpy', 'numpy (Python on the CPU)'], ['tensorflow', 'TensorFlow.js']],
      hint: 'The networks (MLP, SIREN) only: the other models always run on numpy.' } },
  { key: 'tf', kind: 'enum', values: TF_BACKENDS, default: null }, // one TensorFlow.js backend forced (no control)
  { key: 'embed', kind: 'flag', default: false, view: true },
  { key: 'autoplay', kind: 'flag', default: false, view: true }, // with embed: start when in view
  { key: 'theme', kind: 'enum', values: ['auto', 'light', 'dark'], default: 'auto', view: true },
]);

// A hidden-pixel choice as its option reads: a share, or the paper's grid split.
function holdoutLabel(value) {
  if (value === 'grid') return 'grid (the paper’s split: learn even rows and columns, score odd ones)';
  return value === 0 ? 'none' : `${value * 100} %`;
}

// The hidden-pixel choice as the worker takes it (Session(holdout=...)): a share as a number, or 'grid'.
export function holdoutValue(text) {
  return HOLDOUTS.find((value) => String(value) === text) ?? 0;
}

export function setting(key) {
  return SETTINGS.find((row) => row.key === key);
}

// The rows that have a control, as controls.js takes them ({id, kind, label, group, default, low, high, ...}).
export function controlRows(rows = SETTINGS) {
  return rows.filter((row) => row.control).map(({ key, default: value, low, high, control }) => ({
    id: key, default: value, ...(low === undefined ? {} : { low, high }), ...control,
  }));
}

// {key: default} of every setting that has a control (the values a store starts from).
export function controlDefaults(rows = SETTINGS) {
  return Object.fromEntries(rows.filter((row) => row.control).map((row) => [row.key, row.default]));
}

// A value as its control holds it (epochs per frame snap to 1, 2, 5 x 10^k).
export function asControlHolds(key, value) {
  const snap = setting(key)?.control?.snap;
  return snap ? Math.round(snap(value)) : value;
}
