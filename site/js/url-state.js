// The page's state in the URL, after TF Playground's state.ts: ONE declarative table of properties.
// Settings live in the hash (#image=coffee&lr=0.5), so changing them never reloads the page; view
// options (?embed=1&theme=dark) live in the query. Both are read with the same whitelist: an unknown
// key is ignored, a value that does not parse falls back to the property's default, a number out of
// range is clamped. Values only ever leave this module as plain strings and numbers checked against
// the table, so nothing from the URL can reach the DOM as markup.
//
// Adding a setting (e.g. a model's knob from the Python KNOBS table) is one row here.

import { IMAGES, DEFAULT_IMAGE } from './images.js';
import {
  MODEL_NAMES, KNOB_NAMES, MODES, DEFAULT_MODEL, DEFAULT_LEARNING_RATE, DEFAULT_EPOCHS_PER_FRAME,
  HOLDOUTS, ZOOMS, VIEWS,
} from './python-values.js';

const ENGINES = ['numpy', 'tensorflow'];                 // painting.models.ENGINES
const TF_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu']; // worker/tf.js BACKENDS

export { MODEL_NAMES, KNOB_NAMES };

// kind: 'enum' (one of `values`), 'number' (finite, clamped to [low, high]), 'integer' (same, rounded),
// 'flag' (1/0, true/false). `view: true` rows are view options (query), the rest are settings (hash).
// A setting's key is also the id of its control (controls.js), when the page has one.
export const URL_PROPERTIES = Object.freeze([
  { key: 'image', kind: 'enum', values: IMAGES.map((img) => img.id), default: DEFAULT_IMAGE },
  { key: 'model', kind: 'enum', values: MODEL_NAMES, default: DEFAULT_MODEL },
  { key: 'mode', kind: 'enum', values: MODES, default: MODES[0] },
  { key: 'size', kind: 'enum', values: ['28', '32', '64', '96', '128', '256', '512', '1024'], default: '64' },
  { key: 'lr', kind: 'number', low: 1e-4, high: 10, default: DEFAULT_LEARNING_RATE },
  { key: 'epochs-per-frame', kind: 'integer', low: 1, high: 1e6, default: DEFAULT_EPOCHS_PER_FRAME },
  { key: 'stop-cost', kind: 'number', low: 0, high: 1e15, default: 1e-5 },
  ...KNOB_NAMES.map((key) => ({ key, kind: 'number', low: -1e15, high: 1e15, default: null, knob: true })),
  { key: 'compare', kind: 'flag', default: false },
  { key: 'model-b', kind: 'enum', values: MODEL_NAMES, default: 'rff' },
  { key: 'holdout', kind: 'enum', values: HOLDOUTS.map(String), default: '0' },
  { key: 'zoom', kind: 'enum', values: ZOOMS.map(String), default: '1' },
  { key: 'view', kind: 'enum', values: VIEWS, default: 'learned' },
  { key: 'backend', kind: 'enum', values: ENGINES, default: 'tensorflow' }, // what the networks run on
  { key: 'tf', kind: 'enum', values: TF_BACKENDS, default: null }, // one TensorFlow.js backend forced (no control)
  { key: 'embed', kind: 'flag', default: false, view: true },
  { key: 'autoplay', kind: 'flag', default: false, view: true }, // with embed: start when in view
  { key: 'theme', kind: 'enum', values: ['auto', 'light', 'dark'], default: 'auto', view: true },
]);

const MAX_RAW_LENGTH = 64; // longer values are refused before parsing
const NUMBER_SYNTAX = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i; // no hex, no Infinity, no blanks

export function property(key) {
  return URL_PROPERTIES.find((row) => row.key === key);
}

// -> {value} or {error: 'why'}; `raw` is the decoded string from the URL.
function parseValue(row, raw) {
  if (raw.length > MAX_RAW_LENGTH) return { error: 'too long' };
  if (row.kind === 'enum') {
    return row.values.includes(raw) ? { value: raw } : { error: `not one of ${row.values.join(', ')}` };
  }
  if (row.kind === 'flag') {
    if (['1', 'true', ''].includes(raw)) return { value: true };
    if (['0', 'false'].includes(raw)) return { value: false };
    return { error: 'not 1 or 0' };
  }
  const number = NUMBER_SYNTAX.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(number)) return { error: `not a number from ${row.low} to ${row.high}` };
  const clamped = Math.min(row.high, Math.max(row.low, row.kind === 'integer' ? Math.round(number) : number));
  return { value: clamped };
}

function pairs(text) {
  const body = text.replace(/^[?#]/, '');
  return body ? new URLSearchParams(body) : new URLSearchParams();
}

// Reads `search` (?...) and `hash` (#...); a key in the hash wins over the same key in the query.
// -> {settings: {key: value}, view: {embed, theme}, rejected: [{key, raw, reason}]}. `settings`
// holds only the keys the URL gave validly; `view` always holds every view option.
export function parseUrlState(search = '', hash = '') {
  const found = new Map();
  for (const source of [pairs(search), pairs(hash)]) {
    for (const [key, raw] of source) if (property(key)) found.set(key, raw);
  }
  const settings = {};
  const view = {};
  const rejected = [];
  for (const row of URL_PROPERTIES) {
    if (row.view) view[row.key] = row.default;
    if (!found.has(row.key)) continue;
    const raw = found.get(row.key);
    const parsed = parseValue(row, raw);
    if ('error' in parsed) {
      rejected.push({ key: row.key, raw, reason: parsed.error });
      continue;
    }
    if (row.view) view[row.key] = parsed.value;
    else settings[row.key] = parsed.value;
  }
  return { settings, view, rejected };
}

function formatValue(row, value) {
  if (row.kind === 'number') return String(Number(value.toPrecision(6)));
  if (row.kind === 'flag') return value ? '1' : '0';
  return String(value);
}

// settings {key: value} -> 'image=coffee&lr=0.5' in table order; keys not in the table and values
// that would not parse back are left out.
export function settingsHash(settings) {
  const out = new URLSearchParams();
  for (const row of URL_PROPERTIES) {
    if (row.view || !(row.key in settings)) continue;
    const text = formatValue(row, settings[row.key]);
    if (!('error' in parseValue(row, text))) out.set(row.key, text);
  }
  return out.toString();
}

// The page's address with `settings` in the hash and the view options that differ from the default
// in the query (the query of `base` is dropped). base: a URL or string, normally location.href.
export function pageUrl(base, settings, view = {}) {
  const url = new URL(base);
  const query = new URLSearchParams();
  for (const row of URL_PROPERTIES) {
    if (row.view && row.key in view && view[row.key] !== row.default) query.set(row.key, formatValue(row, view[row.key]));
  }
  url.search = query.toString();
  url.hash = settingsHash(settings);
  return url.href;
}
