// Compare mode's second painting ("b"): its canvas, model picker, knob controls and readout (static
// HTML in index.html, #pane-b). sessions.js trains it in turn with session "a", in the same worker;
// this module only shows what the worker returns and reports the person's choices.

import { MODEL_OPTIONS } from './model-labels.js';
import { KnobPanel } from './models-ui.js';
import { formatRate } from './controls.js';
import { showStats, showEpoch, clearStats } from './readout.js';
import { drawPixels } from './pixels.js';

// Model B when the URL names none: something worth comparing with A (the 2017 model against Fourier
// features; any other model against the 2017 one).
export function defaultModelB(modelA) {
  return modelA === 'onehot' ? 'rff' : 'onehot';
}

export class ComparePane {
  id = 'b';
  enabled = false;
  #el;
  #models = new Map(); // name -> describe_models() entry
  #knobs;

  // el: {pane, canvas, select, epoch, cost, psnr, rate, knobs}; onModel(name), onKnob(name, value)
  constructor(el, { onModel, onKnob }) {
    this.#el = el;
    for (const [value, text] of MODEL_OPTIONS) el.select.append(new Option(text, value));
    el.select.addEventListener('change', () => {
      this.#showKnobs();
      onModel(el.select.value);
    });
    this.#knobs = new KnobPanel(el.knobs, 'knob-b-', onKnob);
  }

  get canvas() { return this.#el.canvas; }
  get model() { return this.#el.select.value; }
  set model(name) {
    this.#el.select.value = name;
    this.#showKnobs();
  }

  // describe_models() entries, once Python is ready
  setModels(models) {
    this.#models = new Map(models.map((entry) => [entry.name, entry]));
    this.#showKnobs();
  }

  knobs() { return this.#knobs.values(); }

  // how many epochs b trains per frame: its model's own suggestion (a network's epoch is slow)
  epochsPerFrame() { return this.#models.get(this.model)?.epochs_per_frame ?? 1; }

  solvable() { return Boolean(this.#models.get(this.model)?.solvable); }

  setEnabled(on) {
    this.enabled = on;
    this.#el.pane.hidden = !on;
  }

  draw(pixels, width, height) { drawPixels(this.#el.canvas, pixels, width, height); }

  // a worker reply or frame: {epoch, cost, psnr, frame_epoch, learningRate?, knobs?}
  show(result) {
    const { learningRate, knobs } = result;
    showStats(this.#el, result);
    if (learningRate != null) this.#el.rate.textContent = formatRate(learningRate);
    if (knobs) this.#knobs.confirm(knobs);
  }

  showEpoch(epoch) { showEpoch(this.#el, epoch); }

  clear() {
    clearStats(this.#el.epoch, this.#el.cost, this.#el.psnr, this.#el.rate);
  }

  #showKnobs() {
    const entry = this.#models.get(this.model);
    if (entry) this.#knobs.show(entry);
  }
}
