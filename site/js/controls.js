// Controls generated from one table. A row describes a setting the way painting.models.Knob does
// (default, low, high, log, integer, label), so a model's own knobs can be added to the panel later
// by passing more rows. Log sliders hold log10(value) in the <input>; the shown value is the real one.

import { IMAGES } from './images.js';
import { MODEL_OPTIONS } from './model-labels.js';
import { property } from './url-state.js';

// Epochs per frame snap to 1, 2, 5, 10, 20, 50, ... so a slider position is always a round number.
const NICE_STEPS = [1, 2, 5];

export function snapNice(value) {
  const decade = 10 ** Math.floor(Math.log10(value) + 1e-9);
  const candidates = [...NICE_STEPS.map((s) => s * decade), 10 * decade];
  return candidates.reduce((best, c) => (Math.abs(Math.log10(c / value)) < Math.abs(Math.log10(best / value)) ? c : best));
}

export function formatRate(rate) {
  return rate >= 0.01 && rate < 1000 ? String(Number(rate.toPrecision(3))) : rate.toExponential(2);
}

export function formatCount(n) {
  return n.toLocaleString('en-US');
}

// kind: 'log' (slider over log10), 'range' (linear slider, `integer` steps by 1), 'number' (free numeric
// entry), 'select' ([value, text] options). Defaults come from url-state.js's table, the page's one.
export const SETTINGS = [
  { id: 'image', kind: 'select', label: 'Image', default: property('image').default,
    options: IMAGES.map((img) => [img.id, img.name]), group: 'target' },
  { id: 'size', kind: 'select', label: 'Resolution', default: property('size').default, group: 'target',
    options: property('size').values.map((n) => [n, `${n} × ${n}`]) },
  { id: 'mode', kind: 'select', label: 'Labels', default: property('mode').default, group: 'target',
    options: [['rgb', 'RGB channels in [0, 1]'], ['2017', '2017: one packed number per pixel']] },
  { id: 'model', kind: 'select', label: 'Model', default: property('model').default, group: 'model', options: MODEL_OPTIONS },
  // its hint is the status line of TensorFlow.js (tf-choice.js)
  { id: 'backend', kind: 'select', label: 'Run networks on', default: property('backend').default, group: 'model',
    options: [['numpy', 'numpy (Python on the CPU)'], ['tensorflow', 'TensorFlow.js']],
    hint: 'The networks (MLP, SIREN) only: the other models always run on numpy.' },
  // step 'any': a rate from a preset or a link (0.5, 0.002) is kept exactly, not snapped to 10^(k/100)
  { id: 'lr', kind: 'log', label: 'Learning rate', default: property('lr').default, low: 1e-4, high: 10, step: 'any',
    format: formatRate, group: 'training',
    hint: 'Applies from the next frame. Above about 2 the cost explodes.' },
  { id: 'epochs-per-frame', kind: 'log', label: 'Epochs per frame', default: property('epochs-per-frame').default,
    low: 1, high: 1e6, step: 0.01, integer: true, snap: snapNice, format: formatCount, group: 'training',
    hint: 'Large counts are fast-forwarded exactly, in closed form.' },
  { id: 'holdout', kind: 'select', label: 'Hide pixels from the model', default: property('holdout').default,
    group: 'lesson', options: property('holdout').values.map((v) => [v, v === '0' ? 'none' : `${Number(v) * 100} %`]) },
  { id: 'zoom', kind: 'select', label: 'Zoom the learned image', default: property('zoom').default, group: 'lesson',
    options: property('zoom').values.map((v) => [v, `${v}×`]) },
  { id: 'view', kind: 'select', label: 'Show', default: property('view').default, group: 'lesson',
    options: [['learned', 'the learned image'], ['error', 'error |target − learned|'],
      ['spectrum', 'spectrum of the error'], ['inside', 'inside the model']] },
  { id: 'stop-cost', kind: 'number', label: 'Stop when cost ≤', default: property('stop-cost').default, low: 0, group: 'training',
    format: (v) => (v === 0 ? '0' : v.toExponential().replace('.0e', 'e').replace('e+', 'e')) },
];

// Builds the controls of `rows`, each into containers[row.group]; returns {get(id), set(id, value),
// element(id)}. onChange(id, value) fires on user input with the real (not log) value.
export function buildControls(containers, rows, onChange) {
  const entries = new Map();
  for (const row of rows) {
    const field = document.createElement('div');
    field.className = `field field-${row.kind}`;
    const label = document.createElement('label');
    label.htmlFor = row.id;
    label.textContent = row.label;
    field.append(label);

    let input;
    let output = null;
    if (row.kind === 'select') {
      input = document.createElement('select');
      for (const [value, text] of row.options) input.append(new Option(text, value));
    } else if (row.kind === 'log') {
      input = document.createElement('input');
      input.type = 'range';
      input.min = String(Math.log10(row.low));
      input.max = String(Math.log10(row.high));
      input.step = String(row.step);
      output = document.createElement('output');
      output.htmlFor = row.id;
      output.id = `${row.id}-value`;
      label.append(' ', output);
    } else if (row.kind === 'range') {
      input = document.createElement('input');
      input.type = 'range';
      input.min = String(row.low);
      input.max = String(row.high);
      input.step = String(row.integer ? 1 : row.step ?? 'any');
      output = document.createElement('output');
      output.htmlFor = row.id;
      output.id = `${row.id}-value`;
      label.append(' ', output);
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
      input.min = String(row.low);
      input.inputMode = 'decimal';
    }
    input.id = row.id;
    input.name = row.id;
    field.append(input);
    if (row.hint) {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.id = `${row.id}-hint`;
      hint.textContent = row.hint;
      input.setAttribute('aria-describedby', hint.id);
      field.append(hint);
    }
    containers[row.group].append(field);
    entries.set(row.id, { row, input, output });
  }

  const read = ({ row, input }) => {
    if (row.kind === 'select') return input.value;
    if (row.kind === 'number') return input.value.trim() === '' ? NaN : Number(input.value);
    if (row.kind === 'range') return Number(input.value);
    let value = Number((10 ** Number(input.value)).toPrecision(12)); // 10^log10(0.5) is 0.5000000000000002
    if (row.snap) value = row.snap(value);
    return row.integer ? Math.round(value) : value;
  };
  const show = (entry) => {
    if (entry.output) entry.output.textContent = entry.row.format(read(entry));
  };
  const write = (entry, value) => {
    const { row, input } = entry;
    if (row.kind === 'log') input.value = String(Math.log10(value));
    else if (row.kind === 'range') input.value = String(value);
    else input.value = row.format ? row.format(value) : String(value);
    show(entry);
  };

  for (const entry of entries.values()) {
    write(entry, entry.row.default);
    // sliders apply while dragging, unless the row asks for `applyOn: 'change'` (settings that rebuild
    // the model: the shown value follows the thumb, the change applies on release)
    const slider = entry.row.kind === 'log' || entry.row.kind === 'range';
    const event = entry.row.applyOn ?? (slider ? 'input' : 'change');
    if (slider) entry.input.addEventListener('input', () => show(entry));
    entry.input.addEventListener(event, () => {
      show(entry);
      onChange(entry.row.id, read(entry));
    });
  }

  const lookup = (id) => {
    const entry = entries.get(id);
    if (!entry) throw new Error(`no control "${id}"`);
    return entry;
  };
  return {
    has: (id) => entries.has(id),
    get: (id) => read(lookup(id)),
    set: (id, value) => write(lookup(id), value),
    element: (id) => lookup(id).input,
  };
}
