// The page's one store: everything the page shows, in one object with one writer. Controls call its
// methods (the actions); views subscribe and render from it; nothing reads state back from the DOM.
//   settings   every setting's value in effect (the controls show them); `chosen`: the ones the URL or
//              the person chose, which the address bar carries; hand-set rate and stop threshold
//   run        status (loading / ready / training / paused / done / error) and what is going on:
//              training, a rebuild, a queued Start, an export, requests that change a session
//   panes      per session ("a", "b" on the tool page; named ones in the article's figures): its model,
//              knobs and gen as the worker confirmed them, the epoch of its current state, and the frame
//              drawn (its numbers with it); `shown`: the named panes on screen, when not a and b
//   tf         TensorFlow.js in the worker: null (not asked for), {state: 'loading'}, {state: 'ready',
//              backend, adapter, reason} or {state: 'failed', error}
//   upload     a person's own image (its bytes, so a restarted Python gets it back), else null
//   message    what #message says
// After TF Playground's state.ts (the settings' table is settings.js); no DOM here, no maths.

import { setting } from './settings.js';

export const Status = Object.freeze({
  LOADING: 'loading', READY: 'ready', TRAINING: 'training', PAUSED: 'paused', DONE: 'done', ERROR: 'error',
});

const RESTING = [Status.READY, Status.PAUSED, Status.DONE, Status.ERROR];

// the cost's scale depends on the labels: [0, 1] per channel, or one packed 24-bit number (2017)
export const STOP_COST_DEFAULT = { rgb: 1e-5, 2017: 0.05 };

// A session as the page knows it. gen: the worker's generation (frames of others are dropped); epoch:
// the epoch of its current state, once the worker said it (null while training); frame: the one drawn,
// {gen, epoch, frameEpoch, shown}; redraw: a new picture of the same state was asked for (zoom, view);
// engine: what its model runs on, as the worker confirmed ('numpy' | 'tensorflow'); rate: its learning
// rate as the worker confirmed it.
export const newPane = () => ({
  model: null, knobs: {}, gen: null, epoch: null, frame: null, redraw: false, engine: 'numpy', rate: null,
});

export class Store {
  // ---- run
  status = Status.LOADING;
  running = false;      // the worker's engine is training (or a Step is)
  rebuilding = false;   // sessions are being made again (new image, size, model, knobs, reset)
  queuedStart = false;  // Start was pressed during a rebuild: training starts when it ends
  busy = false;         // an export or parameter file is being made
  changing = 0;         // requests outstanding that change a session outside a rebuild (zoom, rate)
  stalled = false;      // Python has been silent too long while the visitor's code may run (watchdog.js)
  // ---- settings
  values = {};          // setting id -> value in effect
  chosen = {};          // settings chosen in the URL or by the person
  urlNotes = [];        // URL values that were refused, said once Python is ready
  learningRateEdited = false;
  stopCostEdited = false;
  compare = false;      // compare mode: pane b shown
  // ---- panes and the image
  panes = { a: newPane(), b: newPane() };
  shown = null;         // the panes on screen by name (the article's active figure), else a (and b)
  upload = null;        // {name, bytes} while the target is a person's own file
  tf = null;            // TensorFlow.js: null | {state: 'loading' | 'ready' | 'failed', ...}
  message = null;       // {text, tone: 'error' | 'info', kind, retry} shown in #message, or null
  #listeners = [];

  // defaults: {setting id: value} of every setting that has a control
  constructor(defaults) {
    this.values = { ...defaults };
  }

  // fn(store) now and after every change
  subscribe(fn) {
    this.#listeners.push(fn);
    fn(this);
  }

  // The one writer: every method below ends here.
  update(patch) {
    const changed = Object.entries(patch).some(([key, value]) => this[key] !== value);
    if (!changed) return;
    Object.assign(this, patch);
    this.#notify();
  }

  #notify() {
    for (const fn of this.#listeners) fn(this);
  }

  // ------------------------------------------------------------------------------ run
  // Python is up and a session exists: training, stepping and exports make sense.
  get usable() {
    return [Status.READY, Status.PAUSED, Status.DONE, Status.TRAINING].includes(this.status);
  }

  // What the buttons allow, from the fields the status is made of, so the two never disagree, whatever
  // the timing: while a Pause waits for the worker (status still training, running false) Step waits too.
  get allowed() {
    const stopping = !this.running && this.status === Status.TRAINING;
    const idle = this.usable && !this.rebuilding && !this.running && !stopping;
    return {
      start: this.usable,
      step: idle,
      reset: this.usable,
      solve: this.usable && !this.rebuilding,
      files: this.usable && !this.rebuilding && !this.busy,
    };
  }

  // Python is loaded (or loading has not begun): requests to it make sense.
  get pythonUp() {
    return this.status !== Status.LOADING && this.status !== Status.ERROR;
  }

  // The visible panes' ids: the named panes shown, else a, and b in compare mode.
  get visible() {
    return this.shown ?? (this.compare ? ['a', 'b'] : ['a']);
  }

  // Nothing is going on and every visible pane shows its session as it now is (the page's test contract:
  // body[data-settled]).
  get settled() {
    if (!RESTING.includes(this.status) || this.running || this.rebuilding || this.queuedStart || this.changing) {
      return false;
    }
    if (!this.pythonUp) return true; // Python failed: nothing more will come
    return this.visible.every((id) => {
      const { gen, epoch, frame, redraw } = this.panes[id];
      return !redraw && frame != null && frame.gen === gen && epoch != null && frame.epoch === epoch
        && (frame.frameEpoch ?? frame.epoch) === epoch;
    });
  }

  // A request that changes a session outside a rebuild: the page is not settled until it is answered.
  async during(work) {
    this.update({ changing: this.changing + 1 });
    try {
      return await work();
    } finally {
      this.update({ changing: this.changing - 1 });
    }
  }

  // ------------------------------------------------------------------------------ panes
  pane(id) { return this.panes[id] ?? newPane(); }

  // a named pane is made by its first patch
  setPane(id, patch) {
    const pane = this.pane(id);
    if (Object.entries(patch).every(([key, value]) => pane[key] === value)) return;
    this.panes = { ...this.panes, [id]: { ...pane, ...patch } };
    this.#notify();
  }

  // ------------------------------------------------------------------------------ settings
  // Puts the URL's settings in effect, as if chosen (a rate from the URL overrides the model's default;
  // a mode without a stop threshold takes that mode's default threshold).
  // settings: {key: value} already checked by url-state.js; rejected: [{key, raw, reason}]
  adoptUrl(settings, rejected) {
    const values = { ...this.values };
    for (const [key, value] of Object.entries(settings)) if (key in values) values[key] = value;
    const patch = { values, chosen: { ...settings } };
    if ('lr' in settings) patch.learningRateEdited = true;
    if ('stop-cost' in settings) patch.stopCostEdited = true;
    else if ('mode' in settings) values['stop-cost'] = STOP_COST_DEFAULT[settings.mode];
    patch.compare = Boolean(settings.compare);
    patch.urlNotes = rejected.map(({ key, raw, reason }) => {
      const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
      return `The link's ${key} "${shown}" was ignored (${reason}); using the default.`;
    });
    this.update(patch);
  }

  // A setting's value: in effect (it has a control), else the URL's or the table's default.
  get(key) {
    if (key in this.values) return this.values[key];
    return key in this.chosen ? this.chosen[key] : setting(key)?.default;
  }

  // A setting given a value without being chosen (a model's default rate, say): the URL does not carry it.
  set(key, value) {
    if (this.values[key] === value) return;
    this.update({ values: { ...this.values, [key]: value } });
  }

  // A setting chosen (by the person, a preset, a link): in effect and carried by the URL.
  choose(key, value) {
    const values = key in this.values ? { ...this.values, [key]: value } : this.values;
    this.update({ values, chosen: setting(key) ? { ...this.chosen, [key]: value } : this.chosen });
  }

  // Settings no longer chosen: the URL drops them (their values stay until set).
  unchoose(...keys) {
    if (!keys.some((key) => key in this.chosen)) return;
    const chosen = { ...this.chosen };
    for (const key of keys) delete chosen[key];
    this.update({ chosen });
  }

  // A new label mode brings its own stop threshold, unless one was set by hand.
  followMode(mode) {
    if (!this.stopCostEdited) this.set('stop-cost', STOP_COST_DEFAULT[mode]);
  }

  get stopCost() { return this.values['stop-cost']; }

  // The page's settings (for Share / Embed links and the address bar).
  snapshot() {
    return { ...this.chosen };
  }
}
