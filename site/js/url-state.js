// The page's state in the URL, after TF Playground's state.ts: one declarative table (settings.js).
// Settings live in the hash (#image=coffee&lr=0.5), so changing them never reloads the page; view
// options (?embed=1&theme=dark) live in the query. Both are read with the same whitelist: an unknown
// key is ignored, a value that does not parse falls back to the property's default, a number out of
// range is clamped. Values only ever leave this module as plain strings and numbers checked against
// the table, so nothing from the URL can reach the DOM as markup.
//
// The table is settings.js's: a setting's URL key, kind and bounds are those of its row. A model's knob
// that was renamed (python-values.js RENAMED_KNOBS) is read under its old key too, as the new one.

import { SETTINGS, setting } from './settings.js';
import { RENAMED_KNOBS } from './python-values.js';

const MAX_RAW_LENGTH = 64; // longer values are refused before parsing
const NUMBER_SYNTAX = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i; // no hex, no Infinity, no blanks

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
  if (row.names?.includes(raw.toLowerCase())) return { value: row.names.indexOf(raw.toLowerCase()) };
  const number = NUMBER_SYNTAX.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(number)) {
    return { error: row.names ? `not one of ${row.names.join(', ')}` : `not a number from ${row.low} to ${row.high}` };
  }
  const clamped = Math.min(row.high, Math.max(row.low, row.kind === 'integer' ? Math.round(number) : number));
  return { value: clamped };
}

// An old knob's raw URL value -> {raw: the new knob's value name} or {error}: its name or number n
// (rounded, clamped to the old range) becomes values[n].
function renamedValue(old, raw) {
  const named = old.names.indexOf(raw.toLowerCase());
  const number = NUMBER_SYNTAX.test(raw) ? Number(raw) : NaN;
  if (named < 0 && !Number.isFinite(number)) return { error: `not one of ${old.names.join(', ')}` };
  const n = named >= 0 ? named : Math.min(old.values.length - 1, Math.max(0, Math.round(number)));
  return { raw: old.values[n] };
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
  const old = new Map();
  for (const source of [pairs(search), pairs(hash)]) {
    for (const [key, raw] of source) {
      if (setting(key)) found.set(key, raw);
      else if (key in RENAMED_KNOBS) old.set(key, raw);
    }
  }
  const settings = {};
  const view = {};
  const rejected = [];
  for (const [key, raw] of old) { // fourier=0 is encoding=none; the new key wins if both are given
    const renamed = RENAMED_KNOBS[key];
    if (found.has(renamed.knob)) continue;
    const value = renamedValue(renamed, raw);
    if ('error' in value) rejected.push({ key, raw, reason: value.error });
    else found.set(renamed.knob, value.raw);
  }
  for (const row of SETTINGS) {
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
  if (row.names && Number.isInteger(value) && value >= 0 && value < row.names.length) return row.names[value];
  if (row.kind === 'number') return String(Number(value.toPrecision(6)));
  if (row.kind === 'flag') return value ? '1' : '0';
  return String(value);
}

// settings {key: value} -> 'image=coffee&lr=0.5' in table order; keys not in the table and values
// that would not parse back are left out.
export function settingsHash(settings) {
  const out = new URLSearchParams();
  for (const row of SETTINGS) {
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
  for (const row of SETTINGS) {
    if (row.view && row.key in view && view[row.key] !== row.default) query.set(row.key, formatValue(row, view[row.key]));
  }
  url.search = query.toString();
  url.hash = settingsHash(settings);
  return url.href;
}
