// Which models paint: session a's model and knobs, compare mode and its model B, the 2017 / modern
// presets, and the captions, explanation and Solve button that depend on them. What each model offers
// (knobs, default rate, epochs per frame, solvable) comes from Python's describe_models().

import { Request } from './protocol.js';
import { KNOB_NAMES } from './python-values.js';
import { setting } from './settings.js';
import { MODEL_LABELS, MODEL_SHORT } from './models-ui.js';
import { defaultModelB } from './compare.js';
import { showExplanation } from './explain.js';
import { SESSION_A, SESSION_B } from './panes.js';
import { STOP_COST_DEFAULT } from './store.js';

// One click to the 2017 demo as it was (28 x 28, packed 24-bit labels, rate 0.5, 5 epochs per redraw,
// weights uniform in [0, 1) like Math.random(), stop at cost 1e-6); back to the modern defaults (null:
// the model's own default rate, epochs per frame and the mode's stop threshold; one pane, no hidden
// pixels); and the spectral-bias lesson (Tancik et al. 2020): a network on the plain position (encoding
// 0, none) beside the same network on Gaussian Fourier features (model B at its defaults), both learning
// only the even rows and columns and scored on the odd ones (holdout grid).
// compare, model-b (with knobs-b) and holdout are set only by the presets that name them.
export const PRESETS = {
  '2017': { size: '28', mode: '2017', model: 'onehot', lr: 0.5, 'epochs-per-frame': 5, 'stop-cost': 1e-6,
    knobs: { init_noise: 1 } },
  modern: { size: '64', mode: 'rgb', model: 'onehot', lr: null, 'epochs-per-frame': null, 'stop-cost': null,
    knobs: {}, compare: false, holdout: '0' },
  spectral: { size: '128', mode: 'rgb', model: 'mlp', lr: null, 'epochs-per-frame': null, 'stop-cost': null,
    knobs: { encoding: 0 }, compare: true, 'model-b': 'mlp', 'knobs-b': {}, holdout: 'grid' },
};

export class ModelChoice {
  #models = new Map(); // model name -> describe_models() entry, once Python is ready
  #el;
  #client;
  #store;
  #knobs;
  #compare;
  #sessions;
  #engine;
  #retarget;
  #onChange;

  // el: {solve, solveHint, explain, modelALabel}; client() -> the WorkerClient; store: Store;
  // knobs: session a's KnobPanel; compare: ComparePane; sessions, engine (Engine),
  // retarget(id, value) starts afresh on the target; onChange() when Solve may need updating
  constructor(el, { client, store, knobs, compare, sessions, engine, retarget, onChange }) {
    this.#el = el;
    this.#client = client;
    this.#store = store;
    this.#knobs = knobs;
    this.#compare = compare;
    this.#sessions = sessions;
    this.#engine = engine;
    this.#retarget = retarget;
    this.#onChange = onChange;
  }

  solvable(name) { return Boolean(this.#models.get(name)?.solvable); }

  // A network with a TensorFlow.js twin (describe_models()'s engines).
  isNetwork(name) { return Boolean(this.#models.get(name)?.engines?.includes('tensorflow')); }

  // A model's suggested epochs per frame; before Python is ready, the page's default.
  epochsPerFrame(name) {
    return this.#models.get(name)?.epochs_per_frame ?? setting('epochs-per-frame').default;
  }

  async describe() {
    const { models } = await this.#client().request(Request.DESCRIBE);
    this.#models = new Map(models.map((entry) => [entry.name, entry]));
    this.#compare.setModels(models);
    this.showKnobs();
    if (!this.#store.chosen['epochs-per-frame']) {
      this.#store.set('epochs-per-frame', this.epochsPerFrame(this.#store.get('model')));
    }
  }

  // The visitor's model, compiled and registered in the worker (your-model.js): its describe_models() entry.
  adoptCustom(entry) {
    this.#models.set(entry.name, entry);
    this.#compare.setModels([...this.#models.values()]);
  }

  // Session a's knob controls for its model, with the knobs the URL (or a preset) chose, clamped to the
  // model's ranges; knobs of other models are dropped from the URL, with a note.
  showKnobs() {
    const store = this.#store;
    const model = this.#models.get(store.get('model'));
    if (!model) return;
    const own = new Set(model.knobs.map((knob) => knob.name));
    const given = Object.fromEntries(KNOB_NAMES.filter((name) => name in store.chosen)
      .map((name) => [name, store.chosen[name]]));
    const foreign = Object.keys(given).filter((name) => !own.has(name));
    if (foreign.length) {
      store.update({ urlNotes: [...store.urlNotes, ...foreign.map((name) =>
        `The setting ${name} does not apply to the ${MODEL_LABELS[model.name]} model; it was ignored.`)] });
    }
    const values = this.#knobs.show(model, given);
    store.unchoose(...Object.keys(given));
    for (const name of Object.keys(given)) if (own.has(name)) store.choose(name, values[name]);
    this.showModelNames();
  }

  // A parameter file's model and knobs, now session a's (no rebuild: the caller adopts the worker's
  // reply): the knob controls are that model's and show the file's values, which the URL carries where
  // they differ from the model's defaults; another model brings its own epochs per frame.
  adoptLoaded(name, knobs) {
    const store = this.#store;
    if (name !== store.get('model')) {
      store.unchoose('epochs-per-frame');
      store.choose('model', name);
      if (this.#models.has(name)) store.set('epochs-per-frame', this.epochsPerFrame(name));
    }
    store.unchoose(...KNOB_NAMES);
    for (const { name: knob, default: value } of this.#models.get(name)?.knobs ?? []) {
      if (knob in knobs && knobs[knob] !== value) store.choose(knob, knobs[knob]);
    }
    this.showKnobs();
  }

  // A new model for session a: its own default rate and epochs per frame, its knobs at their defaults.
  async switchModel(name) {
    const store = this.#store;
    store.update({ learningRateEdited: false });
    store.unchoose('lr', 'epochs-per-frame', ...KNOB_NAMES);
    if (this.#models.has(name)) store.set('epochs-per-frame', this.epochsPerFrame(name));
    this.showKnobs();
    await this.reconfigure(SESSION_A, { model: name, knobs: this.#sessions.knobs(SESSION_A), learningRate: null });
  }

  // "Run networks on" changed: every pane on a network is rebuilt on that engine, with its settings (as
  // for a knob); the other models always run on numpy, so nothing else changes.
  async switchEngine() {
    if (!this.#store.pythonUp) return; // the sessions are made with it
    const ids = this.#store.visible.filter((id) => this.isNetwork(this.#sessions.model(id)));
    if (!ids.length) return;
    await this.#engine.rebuild(async () => {
      for (const id of ids) await this.#sessions.configure(id, {});
    });
  }

  // Model B picked in compare mode: its own default rate, its knobs at their defaults.
  async switchModelB(name) {
    this.#store.choose('model-b', name);
    await this.reconfigure(SESSION_B, { model: name, knobs: this.#compare.knobs(), learningRate: null });
  }

  onKnob(sessionId, name, value) {
    if (sessionId === SESSION_A) {
      this.#store.choose(name, value);
      this.showModelNames();
    }
    this.reconfigure(sessionId, { knobs: this.#sessions.knobs(sessionId) });
  }

  // Rebuilds one session at epoch 0 with new model/knobs/rate (the other keeps going after a pause).
  async reconfigure(sessionId, fields) {
    this.showModelNames();
    if (!this.#store.pythonUp) return;
    if (!this.#store.visible.includes(sessionId)) return; // b while compare mode is off: applies when it is on
    await this.#engine.rebuild(() => this.#sessions.configure(sessionId, fields));
  }

  // Compare mode on: model B is the URL's model-b, else something to compare with A (defaultModelB).
  async setCompare(on) {
    this.#showCompare(on);
    // both paintings restart together on the same target, so the race is fair
    await this.#retarget('size', String(this.#store.get('size')));
  }

  // Compare mode in the store and on screen (sessions follow at the next retarget); modelB and knobsB:
  // a preset's model B and its knobs ({}: the model's defaults).
  #showCompare(on, modelB = null, knobsB = null) {
    const store = this.#store;
    if (on && modelB) {
      store.choose('model-b', modelB);
      this.#compare.showModel(modelB, knobsB);
    }
    if (on) {
      store.update({ compare: true });
      store.choose('compare', true);
      if (!store.chosen['model-b']) store.choose('model-b', defaultModelB(store.get('model')));
    } else {
      store.update({ compare: false });
      store.unchoose('compare', 'model-b');
      this.#compare.clear();
    }
    this.showModelNames();
  }

  // Sets every setting a preset names (as if the person had), then starts afresh on the new target.
  async applyPreset(preset) {
    const store = this.#store;
    const values = { ...preset, 'epochs-per-frame': preset['epochs-per-frame'] ?? this.epochsPerFrame(preset.model) };
    for (const key of ['size', 'mode', 'model', 'epochs-per-frame']) store.choose(key, values[key]);
    store.update({ learningRateEdited: preset.lr != null, stopCostEdited: preset['stop-cost'] != null });
    if (preset.lr != null) store.choose('lr', preset.lr);
    else store.unchoose('lr');
    if (preset['stop-cost'] != null) {
      store.choose('stop-cost', preset['stop-cost']);
    } else {
      store.set('stop-cost', STOP_COST_DEFAULT[preset.mode]);
      store.unchoose('stop-cost');
    }
    store.unchoose(...KNOB_NAMES);
    for (const [knob, value] of Object.entries(preset.knobs)) store.choose(knob, value);
    if (preset.holdout === setting('holdout').default) { // back to the default: not carried by the URL
      store.set('holdout', preset.holdout);
      store.unchoose('holdout');
    } else if (preset.holdout != null) {
      store.choose('holdout', preset.holdout);
    }
    if (preset.compare != null) this.#showCompare(preset.compare, preset['model-b'], preset['knobs-b']);
    this.showKnobs();
    await this.#retarget('size', preset.size);
  }

  // Which model is which when two are on screen, and what the explanation panel shows first.
  showModelNames() {
    const store = this.#store;
    const a = store.get('model');
    const label = this.#el.modelALabel;
    label.hidden = !store.compare;
    label.textContent = `A: ${MODEL_SHORT[a] ?? a}`;
    label.title = MODEL_LABELS[a] ?? a;
    const models = store.compare ? [a, store.get('model-b')] : [a];
    const sgd = Number(this.#knobs.values().solver) === 1
      || (store.compare && Number(this.#compare.knobs().solver) === 1);
    showExplanation(this.#el.explain, models, { sgd });
    this.#onChange();
  }

  // "Jump to the exact answer": for the linear models (networks have no closed form).
  showSolve(usable) {
    const described = this.#models.size > 0;
    const solvable = described && this.#sessions.ids().some((id) => this.solvable(this.#sessions.model(id)));
    this.#el.solve.disabled = !usable || !solvable;
    this.#el.solveHint.textContent = described && !solvable
      ? 'A neural network has no closed-form answer: it can only be trained.' : '';
  }
}
