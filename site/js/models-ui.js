// The model picker's labels and each model's own settings ("knobs") as controls. The knobs come from
// Python (painting.models.describe_models(), fetched through the worker once it is ready), so the page,
// the CLI and the URL share one table; this module only turns its rows into controls.js rows.

import { buildControls } from './controls.js';
import { formatRate, formatCount } from './format.js';
export { MODEL_LABELS, MODEL_OPTIONS, MODEL_SHORT } from './model-labels.js';

// A value for `knob` from outside (the URL): clamped into [low, high], rounded if integer; null if it
// is not a number. Python clamps again; this only keeps the controls and the URL showing what applies.
export function clampKnob(knob, value) {
  const number = Number(value);
  if (!Number.isFinite(number)) return null;
  const inside = Math.min(knob.high, Math.max(knob.low, number));
  return knob.integer ? Math.round(inside) : inside;
}

// 6 significant digits: a log slider's 10^x would otherwise send 15.999999999999998 for 16
const knobValue = (value) => Number(Number(value).toPrecision(6));

function knobRow(knob, id) {
  const label = knob.label[0].toUpperCase() + knob.label.slice(1);
  const base = { id, label, default: knob.default, group: 'knobs', applyOn: 'change' };
  if (knob.choices.length) {
    return { ...base, kind: 'select', options: knob.choices.map((text, i) => [String(knob.low + i), text]) };
  }
  const format = knob.integer ? formatCount : formatRate;
  if (knob.log && knob.low > 0) {
    // step 'any': the thumb holds log10 of the exact value, so 1024 stays 1024
    return { ...base, kind: 'log', low: knob.low, high: knob.high, step: 'any', integer: knob.integer, format };
  }
  return { ...base, kind: 'range', low: knob.low, high: knob.high, integer: knob.integer,
    step: (knob.high - knob.low) / 100, format: knob.integer ? formatCount : (v) => String(Number(v.toPrecision(3))) };
}

// The knob controls of one session's model, in `container`. ids are `${prefix}${knob name}`, e.g.
// "knob-sigma" for session a and "knob-b-sigma" for session b. A knob that applies only to some values of
// another (describe_models()'s `applies`: the mlp's sigma to its gaussian encoding) is hidden otherwise;
// its value is kept and still sent.
export class KnobPanel {
  #container;
  #prefix;
  #onChange;
  #controls = null;
  #knobs = [];
  #values = {}; // {name: number}: the values chosen, kept here (never read back from the controls)

  // onChange(name, value) when the user changes a knob (on release, for sliders)
  constructor(container, prefix, onChange) {
    this.#container = container;
    this.#prefix = prefix;
    this.#onChange = onChange;
  }

  // Builds the controls for `model` (a describe_models() entry); `values` {name: value} override the
  // defaults (clamped). Returns the knob values now shown.
  show(model, values = {}) {
    this.#knobs = model.knobs;
    this.#container.replaceChildren();
    this.#container.dataset.model = model.name;
    const rows = model.knobs.map((knob) => knobRow(knob, this.#prefix + knob.name));
    const knob = (name) => model.knobs.find((k) => k.name === name);
    this.#controls = buildControls({ knobs: this.#container }, rows, (id, value) => {
      const name = id.slice(this.#prefix.length);
      this.#values[name] = knobValue(value);
      if (!knob(name).choices.length) this.#controls.set(id, this.#values[name]); // the thumb at the value sent
      this.#showApplicable();
      this.#onChange(name, this.#values[name]);
    });
    this.#values = {};
    for (const knob of model.knobs) {
      const given = knob.name in values ? clampKnob(knob, values[knob.name]) : null;
      if (given !== null) this.#controls.set(this.#prefix + knob.name, knob.choices.length ? String(given) : given);
      this.#values[knob.name] = knobValue(given ?? knob.default);
    }
    this.#container.hidden = model.knobs.length === 0;
    this.#showApplicable();
    return this.values();
  }

  #showApplicable() {
    for (const knob of this.#knobs) {
      if (!knob.applies) continue;
      const field = this.#controls.element(this.#prefix + knob.name).closest('.field');
      field.hidden = !knob.applies.values.includes(Number(this.#values[knob.applies.knob]));
    }
  }

  // {name: number} of every knob of the model shown
  values() {
    return { ...this.#values };
  }

  // The worker's confirmed knobs, for tests and for anyone reading the page: data-knobs='{"sigma":5}'.
  // The batch, when the worker chose it (a network's on a GPU), is shown as it is.
  showConfirmed(knobs) {
    this.#container.dataset.knobs = JSON.stringify(knobs ?? {});
    const batch = knobs?.batch_size;
    if (batch != null && 'batch_size' in this.#values && this.#values.batch_size !== batch) {
      this.#values.batch_size = batch;
      this.#controls.set(`${this.#prefix}batch_size`, batch);
    }
  }
}
