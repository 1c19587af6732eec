// Which models paint: session a's model and knobs, compare mode and its model B, the 2017 / modern
// presets, and the captions, explanation and Solve button that depend on them. What each model offers
// (knobs, default rate, epochs per frame, solvable) comes from Python's describe_models().

import { Request } from './protocol.js';
import { KNOB_NAMES, property } from './url-state.js';
import { MODEL_LABELS, MODEL_SHORT } from './models-ui.js';
import { defaultModelB } from './compare.js';
import { showExplanation } from './explain.js';
import { SESSION_A } from './sessions.js';
import { STOP_COST_DEFAULT } from './page-settings.js';

// One click to the 2017 demo as it was (28 x 28, packed 24-bit labels, rate 0.5, 5 epochs per redraw,
// weights uniform in [0, 1) like Math.random(), stop at cost 1e-6), and back to the modern defaults
// (null: the model's own default rate, epochs per frame and the mode's stop threshold).
export const PRESETS = {
  '2017': { size: '28', mode: '2017', model: 'onehot', lr: 0.5, 'epochs-per-frame': 5, 'stop-cost': 1e-6,
    knobs: { init_noise: 1 } },
  modern: { size: '64', mode: 'rgb', model: 'onehot', lr: null, 'epochs-per-frame': null, 'stop-cost': null,
    knobs: {} },
};

export class ModelChoice {
  #models = new Map(); // model name -> describe_models() entry, once Python is ready
  #el;
  #client;
  #settings;
  #knobs;
  #compare;
  #sessions;
  #engine;
  #state;
  #retarget;
  #onChange;

  // el: {solve, solveHint, explain, modelALabel}; client() -> the WorkerClient; settings: PageSettings;
  // knobs: session a's KnobPanel; compare: ComparePane; sessions, engine (Engine), state (PageState),
  // retarget(id, value) starts afresh on the target; onChange() when Solve may need updating
  constructor(el, { client, settings, knobs, compare, sessions, engine, state, retarget, onChange }) {
    this.#el = el;
    this.#client = client;
    this.#settings = settings;
    this.#knobs = knobs;
    this.#compare = compare;
    this.#sessions = sessions;
    this.#engine = engine;
    this.#state = state;
    this.#retarget = retarget;
    this.#onChange = onChange;
  }

  solvable(name) { return Boolean(this.#models.get(name)?.solvable); }

  // A model's suggested epochs per frame; before Python is ready, the page's default.
  epochsPerFrame(name) {
    return this.#models.get(name)?.epochs_per_frame ?? property('epochs-per-frame').default;
  }

  async describe() {
    const { models } = await this.#client().request(Request.DESCRIBE);
    this.#models = new Map(models.map((entry) => [entry.name, entry]));
    this.#compare.setModels(models);
    this.showKnobs();
    if (!this.#settings.chosen['epochs-per-frame']) {
      this.#settings.controls.set('epochs-per-frame', this.epochsPerFrame(this.#settings.get('model')));
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
    const { chosen } = this.#settings;
    const model = this.#models.get(this.#settings.get('model'));
    if (!model) return;
    const own = new Set(model.knobs.map((knob) => knob.name));
    const given = Object.fromEntries(KNOB_NAMES.filter((name) => name in chosen)
      .map((name) => [name, chosen[name]]));
    for (const name of Object.keys(given)) {
      delete chosen[name];
      if (!own.has(name)) {
        this.#settings.urlNotes.push(`The setting ${name} does not apply to the ${MODEL_LABELS[model.name]} model; it was ignored.`);
      }
    }
    const values = this.#knobs.show(model, given);
    for (const name of Object.keys(given)) if (own.has(name)) chosen[name] = values[name];
    this.#settings.writeUrl();
    this.showModelNames();
  }

  // A new model for session a: its own default rate and epochs per frame, its knobs at their defaults.
  async switchModel(name) {
    const { chosen } = this.#settings;
    this.#settings.learningRateEdited = false;
    delete chosen.lr;
    delete chosen['epochs-per-frame'];
    for (const knob of KNOB_NAMES) delete chosen[knob];
    if (this.#models.has(name)) this.#settings.controls.set('epochs-per-frame', this.epochsPerFrame(name));
    this.showKnobs();
    await this.reconfigure(SESSION_A, { model: name, knobs: this.#knobs.values(), learningRate: null });
  }

  // Model B picked in compare mode: its own default rate, its knobs at their defaults.
  async switchModelB(name) {
    this.#settings.remember('model-b', name);
    await this.reconfigure(this.#compare.id, { model: name, knobs: this.#compare.knobs(), learningRate: null });
  }

  onKnob(sessionId, name, value) {
    if (sessionId === SESSION_A) {
      this.#settings.chosen[name] = value;
      this.#settings.writeUrl();
      this.showModelNames();
    }
    const knobs = sessionId === SESSION_A ? this.#knobs.values() : this.#compare.knobs();
    this.reconfigure(sessionId, { knobs });
  }

  // Rebuilds one session at epoch 0 with new model/knobs/rate (the other keeps going after a pause).
  async reconfigure(sessionId, fields) {
    this.showModelNames();
    if (!this.#state.pythonUp) return;
    const pane = this.#sessions.pane(sessionId);
    if (!pane) return; // session b while compare mode is off: applies when it is switched on
    await this.#engine.rebuild(() => this.#sessions.configure(pane, fields));
  }

  // Compare mode on: model B is the URL's model-b, else something to compare with A (defaultModelB).
  async setCompare(on) {
    const { chosen } = this.#settings;
    this.#compare.setEnabled(on);
    if (on) {
      this.#settings.remember('compare', true);
      if (!chosen['model-b']) {
        this.#compare.model = defaultModelB(this.#settings.get('model'));
        this.#settings.remember('model-b', this.#compare.model);
      }
    } else {
      delete chosen.compare;
      delete chosen['model-b'];
    }
    this.#settings.writeUrl();
    this.showModelNames();
    if (!on) this.#compare.clear();
    // both paintings restart together on the same target, so the race is fair
    await this.#retarget('size', String(this.#settings.get('size')));
  }

  // Sets every control a preset names (as if the person had), then starts afresh on the new target.
  async applyPreset(preset) {
    const settings = this.#settings;
    const { controls, chosen } = settings;
    const values = { ...preset, 'epochs-per-frame': preset['epochs-per-frame'] ?? this.epochsPerFrame(preset.model) };
    for (const key of ['size', 'mode', 'model', 'epochs-per-frame']) {
      controls.set(key, values[key]);
      chosen[key] = settings.get(key);
    }
    settings.learningRateEdited = preset.lr != null;
    if (preset.lr != null) {
      controls.set('lr', preset.lr);
      chosen.lr = preset.lr;
    } else {
      delete chosen.lr;
    }
    settings.stopCostEdited = preset['stop-cost'] != null;
    settings.stopCost = preset['stop-cost'] ?? STOP_COST_DEFAULT[preset.mode];
    controls.set('stop-cost', settings.stopCost);
    if (settings.stopCostEdited) chosen['stop-cost'] = settings.stopCost;
    else delete chosen['stop-cost'];
    for (const knob of KNOB_NAMES) delete chosen[knob];
    Object.assign(chosen, preset.knobs);
    this.showKnobs();
    settings.writeUrl();
    await this.#retarget('size', preset.size);
  }

  // Which model is which when two are on screen, and what the explanation panel shows first.
  showModelNames() {
    const a = this.#settings.get('model');
    const label = this.#el.modelALabel;
    label.hidden = !this.#compare.enabled;
    label.textContent = `A: ${MODEL_SHORT[a] ?? a}`;
    label.title = MODEL_LABELS[a] ?? a;
    const models = this.#compare.enabled ? [a, this.#compare.model] : [a];
    const sgd = Number(this.#knobs.values().solver) === 1
      || (this.#compare.enabled && Number(this.#compare.knobs().solver) === 1);
    showExplanation(this.#el.explain, models, { sgd });
    this.#onChange();
  }

  // "Jump to the exact answer": for the linear models (networks have no closed form).
  showSolve(usable) {
    const described = this.#models.size > 0;
    const solvable = described && this.#sessions.panes().some((pane) => this.solvable(pane.model()));
    this.#el.solve.disabled = !usable || !solvable;
    this.#el.solveHint.textContent = described && !solvable
      ? 'A neural network has no closed-form answer: it can only be trained.' : '';
  }
}
