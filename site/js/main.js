// Wires the page to the Python worker: one training step = ask the worker for a chunk of epochs,
// draw the frame it returns, update readout and chart, then ask again on the next animation frame.
// No maths here: cost, PSNR and "done" come from Python; this file only moves and shows them.

import { Request, LoadState, Stage, COST_EXPLODED } from './protocol.js';
import { WorkerClient } from './worker-client.js';
import { CostChart } from './chart.js';
import { buildControls, SETTINGS, formatCount } from './controls.js';
import { IMAGES } from './images.js';
import { decodeImage, rgbaAtSize, drawPixels } from './pixels.js';
import { parseUrlState, pageUrl, property } from './url-state.js';
import { applyView, installEmbed, autoplay } from './embed.js';
import { installKeyboard } from './keyboard.js';
import { installShare } from './share.js';
import { registerOffline } from './offline.js';
import { KnobPanel, MODEL_LABELS, MODEL_SHORT } from './models-ui.js';
import { ComparePane, DEFAULT_MODEL_B } from './compare.js';
import { showExplanation } from './explain.js';
import { KNOB_NAMES } from './url-state.js';
import { buildGallery } from './gallery.js';
import { installUpload } from './upload.js';
import { installExports, saveFile, fileStem } from './export.js';

const SESSION = 'a';
const LOAD_TIMEOUT_MS = 60000;
// the cost's scale depends on the labels: [0, 1] per channel, or one packed 24-bit number (2017)
const STOP_COST_DEFAULT = { rgb: 1e-5, 2017: 0.05 };
// One click to the 2017 demo as it was (28 x 28, packed 24-bit labels, rate 0.5, 5 epochs per redraw,
// weights uniform in [0, 1) like Math.random(), stop at cost 1e-6), and back to the modern defaults.
const PRESETS = {
  '2017': { size: '28', mode: '2017', model: 'onehot', lr: 0.5, 'epochs-per-frame': 5, 'stop-cost': 1e-6,
    knobs: { init_noise: 1 } },
  modern: { size: '64', mode: 'rgb', model: 'onehot', lr: null, 'epochs-per-frame': 1000, 'stop-cost': null,
    knobs: {} },
};

const Status = Object.freeze({
  LOADING: 'loading', READY: 'ready', TRAINING: 'training', PAUSED: 'paused', DONE: 'done', ERROR: 'error',
});

const STATUS_TEXT = {
  loading: 'Loading', ready: 'Ready', training: 'Training', paused: 'Paused', done: 'Done', error: 'Error',
};
const START_LABEL = {
  loading: 'Start', ready: 'Start', training: 'Pause', paused: 'Continue', done: 'Continue', error: 'Start',
};
const LOAD_TEXT = {
  idle: 'Waiting…', downloading: 'Downloading Python…', starting: 'Starting Python…', ready: 'Ready', failed: 'Failed',
};

// An error message as the end of a sentence: ends with a full stop.
function sentence(text) {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

class Painter {
  #el = {};
  #controls;
  #chart;
  #client = null;
  #status = null;
  #running = false;     // the user wants training to go on
  #inFlight = null;     // the current TRAIN round trip, if any
  #bitmaps = new Map(); // image id -> decoded ImageBitmap
  #size = 64;
  #stopCost = STOP_COST_DEFAULT.rgb;
  #stopCostEdited = false;
  #learningRateEdited = false;
  #chosen = {};          // settings chosen in the URL or by the user: what the page's URL carries
  #urlNotes = [];        // URL values that were refused, said once Python is ready
  #models = new Map();   // model name -> painting.models.describe_models() entry, once Python is ready
  #knobs;                // session a's knob controls (KnobPanel)
  #compare;              // session b (ComparePane), shown in compare mode
  #done = new Set();     // sessions that reached the stop threshold since their last (re)start
  #width = 64;           // the target's size in pixels: a person's own image may be non-square
  #height = 64;
  #upload = null;        // {name} while the target is a person's own file, else null (a bundled photo)
  #decoder = null;       // Promise: Pillow loaded in the worker (first upload or export)
  #holds = 0;            // > 0: no training chunk may start (an export or a parameter load is running)
  #gallery = null;
  #exports = null;

  // urlSettings: {key: value} already checked by url-state.js; rejected: [{key, raw, reason}]
  constructor(urlSettings = {}, rejected = []) {
    for (const id of ['target', 'learned', 'start', 'step', 'reset', 'epoch', 'cost', 'psnr', 'status-text',
      'message', 'message-text', 'retry', 'loading', 'loading-text', 'chart', 'target-settings',
      'training-settings', 'image-credit', 'model-picker', 'solve', 'solve-hint', 'compare', 'explain',
      'model-a-label']) {
      this.#el[id] = $(id);
    }
    this.#controls = buildControls(
      { target: this.#el['target-settings'], training: this.#el['training-settings'], model: this.#el['model-picker'] },
      SETTINGS, (id, value) => { this.#remember(id, value); this.#onSetting(id, value); });
    this.#knobs = new KnobPanel($('knobs-a'), 'knob-', (name, value) => this.#onKnob('a', name, value));
    this.#compare = new ComparePane({
      pane: $('pane-b'), canvas: $('learned-b'), select: $('model-b'), epoch: $('epoch-b'), cost: $('cost-b'),
      psnr: $('psnr-b'), rate: $('lr-b'), knobs: $('knobs-b'),
    }, {
      onModel: (name) => { this.#remember('model-b', name); this.#reconfigure('b', { model: name, knobs: this.#compare.knobs(), learningRate: null }); },
      onKnob: (name, value) => this.#onKnob('b', name, value),
    });
    this.#adoptUrl(urlSettings, rejected);
    if (this.#chosen['model-b']) this.#compare.model = this.#chosen['model-b'];
    this.#el.compare.checked = Boolean(this.#chosen.compare);
    this.#compare.setEnabled(this.#el.compare.checked);
    this.#el.compare.addEventListener('change', () => this.#setCompare(this.#el.compare.checked));
    this.#el.solve.addEventListener('click', () => this.#solve());
    $('preset-2017').addEventListener('click', () => this.#applyPreset(PRESETS['2017']));
    $('preset-modern').addEventListener('click', () => this.#applyPreset(PRESETS.modern));
    this.#showModelNames();
    this.#size = Number(this.#controls.get('size'));
    this.#chart = new CostChart(this.#el.chart);
    this.#el.start.addEventListener('click', () => this.#toggle());
    this.#el.step.addEventListener('click', () => this.#step());
    this.#el.reset.addEventListener('click', () => this.#reset());
    this.#el.retry.addEventListener('click', () => this.boot());
    this.#installImages();
    this.#showCredit();
  }

  // ------------------------------------------------------------------------------ loading
  async boot() {
    this.#setStatus(Status.LOADING);
    this.#clearMessage();
    this.#resetReadout();
    this.#client?.terminate();
    for (const stage of Object.values(Stage)) this.#showProgress(stage, 0);
    this.#el.loading.hidden = false;
    const client = new WorkerClient({
      onState: (state) => { this.#el['loading-text'].textContent = LOAD_TEXT[state]; },
      onProgress: (stage, fraction) => this.#showProgress(stage, fraction),
    });
    this.#client = client;
    this.#decoder = null;
    this.#upload = null;
    try {
      // the target shows while Python loads: both start now
      const [pixels] = await Promise.all([this.#showTarget(), client.load({ timeoutMs: LOAD_TIMEOUT_MS })]);
      await this.#describeModels();
      await this.#newSession(pixels);
      this.#el.loading.hidden = true;
      performance.mark('painter:ready');
      this.#setStatus(Status.READY);
      if (this.#urlNotes.length) this.#showMessage(this.#urlNotes.join(' '), 'info');
    } catch (err) {
      if (client !== this.#client) return; // a retry replaced this attempt
      client.terminate();
      this.#fail(err);
    }
  }

  #showProgress(stage, fraction) {
    const bar = document.getElementById(`progress-${stage}`);
    if (!bar) return;
    if (fraction == null) bar.removeAttribute('value');
    else bar.value = fraction;
  }

  #fail(err) {
    this.#running = false;
    this.#setStatus(Status.ERROR);
    this.#el['loading-text'].textContent = 'Could not start';
    this.#showMessage(err.message, 'error', { retry: true });
  }

  // ------------------------------------------------------------------------------ target and session
  async #bitmap(imageId) {
    if (!this.#bitmaps.has(imageId)) {
      const image = IMAGES.find((img) => img.id === imageId);
      if (!image) throw new Error(`unknown image "${imageId}"`);
      this.#bitmaps.set(imageId, await decodeImage(image.file));
    }
    return this.#bitmaps.get(imageId);
  }

  async #showTarget() {
    const bitmap = await this.#bitmap(this.#controls.get('image'));
    const pixels = rgbaAtSize(bitmap, this.#size);
    this.#width = this.#size;
    this.#height = this.#size;
    drawPixels(this.#el.target, pixels, this.#size);
    if (this.#el.learned.width !== this.#size) {
      this.#el.learned.width = this.#size;
      this.#el.learned.height = this.#size;
    }
    performance.mark('painter:target');
    return pixels;
  }

  // (Re)creates the session on the target shown, with the current settings, and draws epoch 0.
  // `pixels` (the target's RGBA) is transferred to the worker: it is unusable here afterwards.
  async #newSession(pixels) {
    const mode = this.#controls.get('mode');
    const panes = this.#panes();
    if (!this.#compare.enabled) await this.#client.request(Request.DROP, { session: this.#compare.id });
    for (const [i, pane] of panes.entries()) {
      const own = i === panes.length - 1 ? pixels : pixels.slice(0); // each session gets its own copy
      const result = await this.#client.request(Request.INIT, {
        session: pane.id, pixels: own, width: this.#width, height: this.#height, mode, model: pane.model(),
        learningRate: pane.learningRate(), knobs: pane.knobs(),
      }, [own]);
      pane.confirm(result);
    }
    await this.#showFrame(Request.FRAME);
  }

  async #showFrame(type, panes = this.#panes()) {
    for (const pane of panes) {
      const result = await this.#client.request(type, { session: pane.id });
      pane.draw(result.pixels);
      pane.show(result);
      this.#done.delete(pane.id);
      if (pane.id === SESSION) this.#chart.clear();
    }
  }

  // The sessions on screen, each as {id, model(), knobs(), learningRate(), epochs(), draw, show, confirm}:
  // "a" always, "b" in compare mode. Both train in turn in the same worker.
  #panes() {
    const a = {
      id: SESSION,
      model: () => this.#setting('model'),
      knobs: () => this.#knobs.values(),
      learningRate: () => (this.#learningRateEdited ? this.#controls.get('lr') : null),
      epochs: () => this.#controls.get('epochs-per-frame'),
      draw: (pixels) => drawPixels(this.#el.learned, pixels, this.#width, this.#height),
      show: (result) => this.#showStats(result),
      confirm: (result) => {
        this.#acceptRate(result.learningRate);
        this.#knobs.confirm(result.knobs);
        document.body.dataset.model = result.model;
      },
    };
    if (!this.#compare.enabled) return [a];
    const pane = this.#compare;
    const b = {
      id: pane.id,
      model: () => pane.model,
      knobs: () => pane.knobs(),
      learningRate: () => null,
      epochs: () => pane.epochsPerFrame(),
      draw: (pixels) => pane.draw(pixels, this.#width, this.#height),
      show: (result) => pane.show(result),
      confirm: (result) => pane.show(result),
    };
    return [a, b];
  }

  #acceptRate(rate) {
    document.body.dataset.learningRate = String(rate);
    if (!this.#learningRateEdited) this.#controls.set('lr', rate);
  }

  // ------------------------------------------------------------------------------ URL state
  // Puts the URL's settings into the controls, as if chosen there (a rate from the URL overrides the
  // model's default; a mode without a stop threshold takes that mode's default threshold).
  #adoptUrl(settings, rejected) {
    for (const [key, value] of Object.entries(settings)) {
      if (this.#controls.has(key)) this.#controls.set(key, value);
      this.#chosen[key] = this.#controls.has(key) ? this.#setting(key) : value;
    }
    if ('lr' in settings) this.#learningRateEdited = true;
    if ('stop-cost' in settings) {
      this.#stopCost = settings['stop-cost'];
      this.#stopCostEdited = true;
    } else if ('mode' in settings) {
      this.#stopCost = STOP_COST_DEFAULT[settings.mode];
      this.#controls.set('stop-cost', this.#stopCost);
    }
    this.#urlNotes = rejected.map(({ key, raw, reason }) => {
      const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
      return `The link's ${key} "${shown}" was ignored (${reason}); using the default.`;
    });
    this.#writeUrl();
  }

  // A setting's value: its control's when the page has one, else the URL's or the table's default.
  #setting(key) {
    if (this.#controls.has(key)) return this.#controls.get(key);
    return key in this.#chosen ? this.#chosen[key] : property(key).default;
  }

  #remember(id, value) {
    if (!property(id)) return;
    this.#chosen[id] = value;
    this.#writeUrl();
  }

  // The address bar always shows the settings in effect, so it can be bookmarked or copied as is.
  #writeUrl() {
    // the query keeps only valid view options (?embed=1, ?theme=dark)
    const { view } = parseUrlState(window.location.search);
    history.replaceState(history.state, '', pageUrl(window.location.href, this.#chosen, view));
  }

  // The page's settings (for Share / Embed links).
  get settings() {
    return { ...this.#chosen };
  }

  // ------------------------------------------------------------------------------ for embed.js
  get status() { return this.#status; }
  get running() { return this.#running; }
  play() { if (!this.#running) this.#toggle(); }
  pause() { if (this.#running) this.#toggle(); }

  // ------------------------------------------------------------------------------ training loop
  #canTrain() {
    return [Status.READY, Status.PAUSED, Status.DONE, Status.TRAINING].includes(this.#status);
  }

  #toggle() {
    if (this.#running) {
      this.#running = false;
      this.#settle().then(() => {
        if (!this.#running && this.#status === Status.TRAINING) this.#setStatus(Status.PAUSED);
      });
      this.#updateButtons();
      return;
    }
    if (!this.#canTrain()) return;
    this.#clearMessage();
    this.#done.clear(); // Continue after Done trains on past the threshold
    this.#running = true;
    this.#setStatus(Status.TRAINING);
    this.#tick();
  }

  #tick = () => {
    if (!this.#running || this.#inFlight || this.#holds) return;
    this.#launchChunk().then(() => {
      if (this.#running) requestAnimationFrame(this.#tick);
    });
  };

  #launchChunk() {
    this.#inFlight = this.#trainChunk().finally(() => {
      this.#inFlight = null;
      this.#updateButtons();
    });
    this.#updateButtons();
    return this.#inFlight;
  }

  async #step() {
    if (this.#running || this.#inFlight || this.#holds || !this.#canTrain()) return;
    this.#clearMessage();
    this.#done.clear();
    const ok = await this.#launchChunk();
    if (ok && this.#status !== Status.DONE) this.#setStatus(Status.PAUSED);
  }

  // Waits until no TRAIN request is outstanding.
  async #settle() {
    while (this.#inFlight) await this.#inFlight.catch(() => {});
  }

  // One chunk: train `epochs per frame` epochs, draw the frame, show the numbers. False on failure.
  // In compare mode each session trains its chunk in turn; one that reached the threshold waits.
  async #trainChunk() {
    const panes = this.#panes();
    let result;
    for (const pane of panes.filter((p) => !this.#done.has(p.id))) {
      const epochs = pane.epochs();
      const sent = performance.now();
      try {
        result = await this.#client.request(Request.TRAIN, { session: pane.id, epochs, stopCost: this.#stopCost });
      } catch (err) {
        this.#trainingFailed(err, panes.length > 1 ? pane.id : null);
        return false;
      }
      const received = performance.now();
      pane.draw(result.pixels);
      pane.show(result);
      if (result.done) this.#done.add(pane.id);
      if (pane.id !== SESSION) continue;
      this.#chart.add(result.epoch, result.cost);
      this.#chart.draw();
      // per-frame timings for bench/bench_page.py (timestamps only; the bench does the arithmetic)
      document.dispatchEvent(new CustomEvent('painter:frame', {
        detail: { epoch: result.epoch, epochs, size: this.#size, sent, received, drawn: performance.now() },
      }));
    }
    if (panes.every((pane) => this.#done.has(pane.id))) {
      this.#running = false;
      this.#setStatus(Status.DONE);
      const said = panes.length > 1 ? 'both costs fell below the stop threshold'
        : `the cost fell to ${result.cost.toExponential(3)}, below the stop threshold`;
      this.#showMessage(`Done: ${said}.`, 'info');
    }
    return true;
  }

  #trainingFailed(err, sessionId = null) {
    this.#running = false;
    if (sessionId) err.message = `model ${sessionId.toUpperCase()}: ${err.message}`;
    if (this.#client.state === LoadState.FAILED) {
      this.#fail(err);
      return;
    }
    this.#setStatus(Status.PAUSED);
    if (err.name === COST_EXPLODED) {
      const said = err.message.replace(/\.$/, '');
      const text = /^the cost exploded/i.test(said) ? said[0].toUpperCase() + said.slice(1)
        : `The cost exploded: ${said}`;
      this.#showMessage(`${text}. Lower the learning rate, then press Continue.`, 'error', { kind: 'exploded' });
    } else {
      this.#showMessage(`Training stopped: ${err.message}`, 'error');
    }
  }

  async #reset() {
    if (!this.#client || this.#status === Status.LOADING || this.#status === Status.ERROR) return;
    this.#running = false;
    await this.#settle();
    try {
      await this.#showFrame(Request.RESET);
      this.#clearMessage();
      this.#setStatus(Status.READY);
    } catch (err) {
      this.#trainingFailed(err);
    }
  }

  // ------------------------------------------------------------------------------ settings
  async #onSetting(id, value) {
    if (id === 'lr') {
      this.#learningRateEdited = true;
      if (this.#status === Status.LOADING || this.#status === Status.ERROR) return;
      try {
        const result = await this.#client.request(Request.CONFIGURE, { session: SESSION, learningRate: value });
        this.#acceptRate(result.learningRate);
      } catch (err) {
        this.#showMessage(`The learning rate was not changed: ${err.message}`, 'error');
      }
    } else if (id === 'stop-cost') {
      if (!(value >= 0)) {
        this.#showMessage('The stop threshold must be a number ≥ 0 (for example 1e-5); it was left at '
          + `${this.#stopCost.toExponential(1)}.`, 'error');
        this.#controls.set('stop-cost', this.#stopCost);
        return;
      }
      this.#stopCost = value;
      this.#stopCostEdited = true;
    } else if (id === 'image' || id === 'size' || id === 'mode') {
      await this.#retarget(id, value);
    } else if (id === 'model') {
      await this.#switchModel(value);
    }
  }

  // ------------------------------------------------------------------------------ models
  async #describeModels() {
    const { models } = await this.#client.request(Request.DESCRIBE);
    this.#models = new Map(models.map((entry) => [entry.name, entry]));
    this.#compare.setModels(models);
    this.#showKnobs();
    if (!this.#chosen['epochs-per-frame']) {
      this.#controls.set('epochs-per-frame', this.#models.get(this.#setting('model')).epochs_per_frame);
    }
  }

  // Session a's knob controls for its model, with the knobs the URL (or a preset) chose, clamped to the
  // model's ranges; knobs of other models are dropped from the URL, with a note.
  #showKnobs() {
    const model = this.#models.get(this.#setting('model'));
    if (!model) return;
    const own = new Set(model.knobs.map((knob) => knob.name));
    const given = Object.fromEntries(KNOB_NAMES.filter((name) => name in this.#chosen)
      .map((name) => [name, this.#chosen[name]]));
    for (const name of Object.keys(given)) {
      delete this.#chosen[name];
      if (!own.has(name)) this.#urlNotes.push(`The setting ${name} does not apply to the ${MODEL_LABELS[model.name]} model; it was ignored.`);
    }
    const values = this.#knobs.show(model, given);
    for (const name of Object.keys(given)) if (own.has(name)) this.#chosen[name] = values[name];
    this.#writeUrl();
    this.#showModelNames();
  }

  // A new model for session a: its own default rate and epochs per frame, its knobs at their defaults.
  async #switchModel(name) {
    this.#learningRateEdited = false;
    delete this.#chosen.lr;
    delete this.#chosen['epochs-per-frame'];
    for (const knob of KNOB_NAMES) delete this.#chosen[knob];
    const model = this.#models.get(name);
    if (model) this.#controls.set('epochs-per-frame', model.epochs_per_frame);
    this.#showKnobs();
    await this.#reconfigure(SESSION, { model: name, knobs: this.#knobs.values(), learningRate: null });
  }

  #onKnob(sessionId, name, value) {
    if (sessionId === SESSION) {
      this.#chosen[name] = value;
      this.#writeUrl();
      this.#showModelNames();
    }
    const knobs = sessionId === SESSION ? this.#knobs.values() : this.#compare.knobs();
    this.#reconfigure(sessionId, { knobs });
  }

  // Rebuilds one session at epoch 0 with new model/knobs/rate (the other keeps going after a pause).
  async #reconfigure(sessionId, fields) {
    this.#showModelNames();
    if (this.#status === Status.LOADING || this.#status === Status.ERROR) return;
    const pane = this.#panes().find((p) => p.id === sessionId);
    if (!pane) return; // session b while compare mode is off: applies when it is switched on
    this.#running = false;
    await this.#settle();
    try {
      const result = await this.#client.request(Request.CONFIGURE, { session: sessionId, ...fields });
      pane.confirm(result);
      await this.#showFrame(Request.FRAME, [pane]);
      this.#clearMessage();
      this.#setStatus(Status.READY);
    } catch (err) {
      this.#showMessage(`The model was not changed: ${err.message}`, 'error');
      if (this.#status === Status.TRAINING) this.#setStatus(Status.PAUSED);
    }
  }

  async #setCompare(on) {
    this.#compare.setEnabled(on);
    if (on) this.#remember('compare', true);
    else {
      delete this.#chosen.compare;
      delete this.#chosen['model-b'];
    }
    if (on && !this.#chosen['model-b']) this.#remember('model-b', this.#compare.model ?? DEFAULT_MODEL_B);
    this.#writeUrl();
    this.#showModelNames();
    if (!on) this.#compare.clear();
    // both paintings restart together on the same target, so the race is fair
    await this.#retarget('size', String(this.#size));
  }

  async #solve() {
    if (!this.#canTrain()) return;
    this.#running = false;
    await this.#settle();
    const panes = this.#panes().filter((pane) => this.#models.get(pane.model())?.solvable);
    try {
      for (const pane of panes) {
        const result = await this.#client.request(Request.SOLVE, { session: pane.id });
        pane.draw(result.pixels);
        pane.show(result);
        if (pane.id === SESSION) {
          this.#chart.add(result.epoch, result.cost);
          this.#chart.draw();
        }
      }
      this.#clearMessage();
      this.#setStatus(Status.PAUSED);
    } catch (err) {
      this.#trainingFailed(err);
    }
  }

  // Sets every control a preset names (as if the user had), then starts afresh on the new target.
  async #applyPreset(preset) {
    for (const key of ['size', 'mode', 'model', 'epochs-per-frame']) {
      this.#controls.set(key, preset[key]);
      this.#chosen[key] = this.#setting(key);
    }
    this.#size = Number(preset.size);
    this.#learningRateEdited = preset.lr != null;
    if (preset.lr != null) {
      this.#controls.set('lr', preset.lr);
      this.#chosen.lr = preset.lr;
    } else {
      delete this.#chosen.lr;
    }
    this.#stopCostEdited = preset['stop-cost'] != null;
    this.#stopCost = preset['stop-cost'] ?? STOP_COST_DEFAULT[preset.mode];
    this.#controls.set('stop-cost', this.#stopCost);
    if (this.#stopCostEdited) this.#chosen['stop-cost'] = this.#stopCost;
    else delete this.#chosen['stop-cost'];
    for (const knob of KNOB_NAMES) delete this.#chosen[knob];
    Object.assign(this.#chosen, preset.knobs);
    this.#showKnobs();
    this.#writeUrl();
    await this.#retarget('size', preset.size);
  }

  // Which model is which when two are on screen, and what the explanation panel shows first.
  #showModelNames() {
    const a = this.#setting('model');
    const label = this.#el['model-a-label'];
    label.hidden = !this.#compare.enabled;
    label.textContent = `A: ${MODEL_SHORT[a] ?? a}`;
    label.title = MODEL_LABELS[a] ?? a;
    const models = this.#compare.enabled ? [a, this.#compare.model] : [a];
    const sgd = Number(this.#knobs.values().solver) === 1 || (this.#compare.enabled && Number(this.#compare.knobs().solver) === 1);
    showExplanation(this.#el.explain, models, { sgd });
    this.#updateButtons?.();
  }

  // A new image, resolution or label mode: stop, show the new target, start a new session at epoch 0.
  async #retarget(id, value) {
    if (id === 'size') this.#size = Number(value);
    if (id === 'mode' && !this.#stopCostEdited) {
      this.#stopCost = STOP_COST_DEFAULT[value];
      this.#controls.set('stop-cost', this.#stopCost);
    }
    if (id === 'image') {
      this.#upload = null;
      this.#showCredit();
    }
    const python = this.#status !== Status.LOADING && this.#status !== Status.ERROR;
    this.#running = false;
    await this.#settle();
    try {
      const pixels = this.#upload ? await this.#resampleUpload(false) : await this.#showTarget();
      if (python) {
        await this.#newSession(pixels);
        this.#clearMessage();
        this.#setStatus(Status.READY);
      }
    } catch (err) {
      if (this.#client?.state === LoadState.FAILED) this.#fail(err);
      else this.#showMessage(err.message, 'error');
      if (python && this.#status === Status.TRAINING) this.#setStatus(Status.PAUSED);
    }
  }

  #showCredit() {
    const image = this.#upload ? null : IMAGES.find((img) => img.id === this.#controls.get('image'));
    this.#el['image-credit'].textContent = this.#upload ? this.#upload.name : image ? image.credit : '';
    this.#gallery?.mark(image ? image.id : null);
  }

  // ------------------------------------------------------------------------------ images in and out
  // A person's own file (picker, drop, paste) is decoded by Pillow in the worker; a file it refuses
  // changes nothing here (image, epoch, learned canvas, running or paused): only the message says why.
  // Exports and parameter loads run while training is held, so they see exactly the frame shown.
  #installImages() {
    this.#gallery = buildGallery($('gallery'), IMAGES, (id) => this.#pickImage(id));
    installUpload({ input: $('upload'), dropZone: this.#el.target.closest('.frame') }, {
      onFile: (file) => this.#openFile(file),
      onRefused: (text) => this.#showMessage(text, 'error'),
    });
    this.#exports = installExports({
      png: $('download-png'), large: $('download-png-large'), gif: $('download-gif'),
      save: $('save-params'), load: $('load-params'),
    }, {
      onPng: (large) => this.#exportPng(large),
      onGif: () => this.#exportGif(),
      onSaveParams: () => this.#saveParams(),
      onLoadParams: (file) => this.#loadParams(file),
      onRefused: (text) => this.#showMessage(text, 'error'),
    });
    this.#updateButtons();
  }

  #pickImage(id) {
    if (id === this.#controls.get('image') && !this.#upload) return;
    this.#controls.set('image', id);
    this.#remember('image', id);
    this.#onSetting('image', id);
  }

  // Pillow loads in the worker on first use (a few seconds); the person is told why they wait.
  #ensureDecoder() {
    if (!this.#decoder) {
      const note = 'Loading the image decoder…';
      this.#showMessage(note, 'info');
      this.#decoder = this.#client.request(Request.LOAD_DECODER).then(() => {
        if (this.#el['message-text'].textContent === note) this.#clearMessage();
      }, (err) => {
        this.#decoder = null;
        throw new Error(`the image decoder (Pillow) did not load: ${err.message}`);
      });
    }
    return this.#decoder;
  }

  async #openFile({ name, bytes }) {
    if (!this.#canTrain()) {
      this.#showMessage(`"${name}" was not used: Python is still loading; try again once it is ready.`, 'error');
      return;
    }
    let info;
    try {
      await this.#ensureDecoder();
      info = await this.#client.request(Request.DECODE_IMAGE, { bytes }, [bytes]);
    } catch (err) {
      if (this.#client.state === LoadState.FAILED) this.#fail(err);
      else this.#showMessage(`"${name}" was not used: ${sentence(err.message)}`, 'error');
      return;
    }
    this.#running = false;
    await this.#settle();
    try {
      const pixels = await this.#resampleUpload(true);
      this.#upload = { name };
      this.#controls.element('image').selectedIndex = -1; // no bundled photo is in use
      this.#showCredit();
      await this.#newSession(pixels);
      this.#setStatus(Status.READY);
      const notes = info.notes.length ? ` ${sentence(info.notes.join('; '))}` : '';
      this.#showMessage(`Painting "${name}" (${info.format}, ${info.originalWidth}×${info.originalHeight}) `
        + `at ${this.#width}×${this.#height} pixels.${notes}`, 'info', { kind: 'image' });
    } catch (err) {
      this.#trainingFailed(err);
    }
  }

  // The person's image at the current resolution (resampled in the worker from the decoded original),
  // drawn on #target; -> its RGBA for INIT, like #showTarget's. decoded: use the file just decoded.
  async #resampleUpload(decoded) {
    const result = await this.#client.request(Request.RESAMPLE_IMAGE, { size: this.#size, decoded });
    this.#width = result.width;
    this.#height = result.height;
    drawPixels(this.#el.target, result.pixels, result.width, result.height);
    return result.pixels;
  }

  // Runs `work` with no training chunk in flight and none starting; training goes on afterwards if it
  // is still wanted.
  async #whileHeld(work) {
    this.#holds += 1;
    try {
      await this.#settle();
      return await work();
    } finally {
      this.#holds -= 1;
      if (!this.#holds && this.#running) requestAnimationFrame(this.#tick);
    }
  }

  // An export or parameter load: Pillow first, then `work` while training is held; its note is shown.
  async #fileJob(failure, work) {
    if (!this.#canTrain()) return;
    try {
      await this.#ensureDecoder();
      const note = await this.#whileHeld(work);
      this.#showMessage(note, 'info');
    } catch (err) {
      if (this.#client.state === LoadState.FAILED) this.#fail(err);
      else this.#showMessage(`${failure}: ${sentence(err.message)}`, 'error');
    }
  }

  #fileName(suffix) {
    const image = this.#upload ? fileStem(this.#upload.name) : this.#controls.get('image');
    return `${image}-${this.#setting('model')}-${suffix}`;
  }

  #exportPng(large) {
    return this.#fileJob('The PNG was not made', async () => {
      const r = await this.#client.request(Request.EXPORT_PNG, { session: SESSION, large });
      saveFile(r.bytes, this.#fileName(`epoch${r.epoch}${large ? `-x${r.scale}` : ''}.png`), 'image/png');
      return `Saved the learned image at epoch ${r.epoch} as a ${r.width}×${r.height} PNG.`;
    });
  }

  #exportGif() {
    return this.#fileJob('The timelapse GIF was not made', async () => {
      const r = await this.#client.request(Request.EXPORT_GIF, { session: SESSION });
      saveFile(r.bytes, this.#fileName(`timelapse-epoch${r.epoch}.gif`), 'image/gif');
      return `Saved a timelapse GIF of ${r.frames} frames (${r.width}×${r.height}) up to epoch ${r.epoch}.`;
    });
  }

  #saveParams() {
    return this.#fileJob('The parameters were not saved', async () => {
      const r = await this.#client.request(Request.SAVE_PARAMS, { session: SESSION });
      saveFile(r.text, this.#fileName(`epoch${r.epoch}.json`), 'application/json');
      return `Saved the ${r.model} model's parameters at epoch ${r.epoch}.`;
    });
  }

  // A parameter file for this image: its learned image, epoch and rate replace the current ones (and its
  // model and mode, if they differ). A file for another image size, or a broken one, changes nothing.
  #loadParams({ name, bytes }) {
    return this.#fileJob(`"${name}" was not loaded`, async () => {
      const r = await this.#client.request(Request.LOAD_PARAMS, { session: SESSION, bytes }, [bytes]);
      this.#running = false;
      this.#adoptSettings(r.settings);
      this.#controls.set('lr', r.learningRate);
      document.body.dataset.learningRate = String(r.learningRate);
      drawPixels(this.#el.learned, r.pixels, this.#width, this.#height);
      this.#showStats(r);
      this.#chart.clear();
      this.#setStatus(r.epoch > 0 ? Status.PAUSED : Status.READY);
      return `Loaded "${name}": the ${r.model} model at epoch ${r.epoch}. Press Continue to train on.`;
    });
  }

  // Settings a parameter file brought (model, mode) shown in the controls and the URL.
  #adoptSettings(settings) {
    for (const [key, value] of Object.entries(settings)) {
      if (this.#setting(key) === value) continue;
      if (this.#controls.has(key)) this.#controls.set(key, value);
      this.#remember(key, value);
      if (key === 'mode' && !this.#stopCostEdited) {
        this.#stopCost = STOP_COST_DEFAULT[value];
        this.#controls.set('stop-cost', this.#stopCost);
      }
    }
  }

  // ------------------------------------------------------------------------------ display
  #showStats({ epoch, cost, psnr }) {
    this.#el.epoch.textContent = String(epoch);
    this.#el.epoch.title = formatCount(epoch);
    this.#el.cost.textContent = cost.toExponential(3);
    this.#el.psnr.textContent = Number.isFinite(psnr) ? `${psnr.toFixed(1)} dB` : 'inf dB';
  }

  #resetReadout() {
    for (const id of ['epoch', 'cost', 'psnr']) this.#el[id].textContent = '–';
  }

  #showMessage(text, tone, { retry = false, kind = '' } = {}) {
    const box = this.#el.message;
    box.hidden = false;
    box.dataset.tone = tone;
    box.dataset.kind = kind;
    this.#el['message-text'].textContent = text;
    this.#el.retry.hidden = !retry;
  }

  #clearMessage() {
    this.#el.message.hidden = true;
    this.#el['message-text'].textContent = '';
    this.#el.message.dataset.kind = '';
    this.#el.message.dataset.tone = '';
    this.#el.retry.hidden = true;
  }

  #setStatus(status) {
    this.#status = status;
    document.body.dataset.status = status;
    document.dispatchEvent(new CustomEvent('painter:status', { detail: { status } }));
    this.#el['status-text'].textContent = STATUS_TEXT[status];
    this.#updateButtons();
  }

  #updateButtons() {
    const usable = this.#canTrain();
    const { start, step, reset } = this.#el;
    const pausing = !this.#running && this.#status === Status.TRAINING;
    start.textContent = this.#running ? 'Pause' : pausing ? 'Continue' : START_LABEL[this.#status];
    start.disabled = !usable;
    start.setAttribute('aria-pressed', String(this.#running));
    step.disabled = !usable || this.#running || Boolean(this.#inFlight);
    reset.disabled = !usable;
    // "jump to the exact answer": for the linear models (networks have no closed form)
    const solvable = this.#models.size > 0 && this.#panes().some((pane) => this.#models.get(pane.model())?.solvable);
    this.#el.solve.disabled = !usable || !solvable || Boolean(this.#inFlight);
    this.#el['solve-hint'].textContent = this.#models.size > 0 && !solvable
      ? 'A neural network has no closed-form answer: it can only be trained.' : '';
    this.#exports?.enable(usable);
  }
}

const url = parseUrlState(window.location.search, window.location.hash);
applyView(url.view);
const painter = new Painter(url.settings, url.rejected);
painter.boot();
installKeyboard(document);
const byId = (ids) => Object.fromEntries(Object.entries(ids).map(([key, id]) => [key, $(id)]));
const links = {
  shareUrl: () => pageUrl(window.location.href, painter.settings, { theme: url.view.theme }),
  embedUrl: () => pageUrl(window.location.href, painter.settings, { embed: true, theme: url.view.theme }),
};
installShare(byId({
  share: 'share-link', embed: 'embed-code', url: 'share-url', note: 'share-note', dialog: 'embed-dialog',
  snippet: 'embed-snippet', copy: 'embed-copy', close: 'embed-close', copyNote: 'embed-copy-note',
}), links);
if (url.view.embed) {
  installEmbed({ toggle: $('embed-more'), fullPage: $('full-page'), fullPageUrl: links.shareUrl });
  autoplay(painter, {
    watched: $('learned'), startButton: $('start'),
    reducedMotion: window.matchMedia('(prefers-reduced-motion: reduce)').matches,
  });
}
// settings typed into the address bar (or a link to #...) apply as a fresh start; our own
// history.replaceState does not fire hashchange
window.addEventListener('hashchange', () => window.location.reload());
// the offline copy is made once Python has loaded, so it does not slow the first load down
document.addEventListener('painter:status', function once(event) {
  if (event.detail.status !== 'ready') return;
  document.removeEventListener('painter:status', once);
  registerOffline();
});
