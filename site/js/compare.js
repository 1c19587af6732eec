// Compare mode's second painting ("b"): its canvas, model picker, knob controls and readout (static
// HTML in index.html, #pane-b). sessions.js trains it in turn with session "a", in the same worker;
// this module only shows what the worker returns and reports the person's choices.

import { MODEL_OPTIONS } from './model-labels.js';
import { KnobPanel } from './models-ui.js';
import { formatRate } from './format.js';
import { showStats, showEpoch, clearStats } from './readout.js';

// Model B when the URL names none: something worth comparing with A (the 2017 model against Fourier
// features; any other model against the 2017 one).
export function defaultModelB(modelA) {
  return modelA === 'onehot' ? 'rff' : 'onehot';
}

export class ComparePane {
  #el;
  #models = new Map(); // name -> describe_models() entry
  #knobs;
  #shown = null; // the model whose knobs are shown

  // el: {pane, canvas, select, epoch, cost, psnr, rate, knobs}; onModel(name), onKnob(name, value)
  constructor(el, { onModel, onKnob }) {
    this.#el = el;
    for (const [value, text] of MODEL_OPTIONS) el.select.append(new Option(text, value));
    el.select.addEventListener('change', () => {
      this.#showKnobs(); // the new model's knobs at their defaults, before it is rebuilt with them
      onModel(el.select.value);
    });
    this.#knobs = new KnobPanel(el.knobs, 'knob-b-', onKnob);
  }

  get canvas() { return this.#el.canvas; }

  // model B in effect (the store's): the picker and the knob controls show it; knobs: values to show
  // instead of what is shown ({}: the model's defaults, as a preset asks)
  showModel(name, knobs = null) {
    if (!knobs && this.#el.select.value === name && this.#shown === name) return;
    this.#el.select.value = name;
    this.#showKnobs(knobs ?? {});
  }

  // describe_models() entries, once Python is ready
  setModels(models) {
    this.#models = new Map(models.map((entry) => [entry.name, entry]));
    this.#showKnobs();
  }

  knobs() { return this.#knobs.values(); }

  // how many epochs b trains per frame: its model's own suggestion (a network's epoch is slow)
  epochsPerFrame(name) { return this.#models.get(name)?.epochs_per_frame ?? 1; }

  showEnabled(on) { if (this.#el.pane.hidden === on) this.#el.pane.hidden = !on; }

  // a frame's numbers: {epoch, cost, psnr, frame_epoch}
  show(stats) { showStats(this.#el, stats); }

  // what the worker confirmed of session b: {learningRate, knobs}
  showConfirmed({ learningRate, knobs }) {
    if (learningRate != null) this.#el.rate.textContent = formatRate(learningRate);
    if (knobs) this.#knobs.showConfirmed(knobs);
  }

  showEpoch(epoch) { showEpoch(this.#el, epoch); }

  clear() {
    clearStats(this.#el.epoch, this.#el.cost, this.#el.psnr, this.#el.rate);
  }

  #showKnobs(values = {}) {
    const entry = this.#models.get(this.#el.select.value);
    if (!entry) return;
    this.#shown = entry.name;
    this.#knobs.show(entry, values);
  }
}
