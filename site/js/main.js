// Wires the page to the Python worker: one training step = ask the worker for a chunk of epochs,
// draw the frame it returns, update readout and chart, then ask again on the next animation frame.
// No maths here: cost, PSNR and "done" come from Python; this file only moves and shows them.

import { Request, LoadState, Stage, COST_EXPLODED } from './protocol.js';
import { WorkerClient } from './worker-client.js';
import { CostChart } from './chart.js';
import { buildControls, SETTINGS, formatCount } from './controls.js';
import { IMAGES } from './images.js';
import { decodeImage, rgbaAtSize, drawPixels } from './pixels.js';
import { parseUrlState, settingsHash, pageUrl, property } from './url-state.js';
import { applyView, installEmbed, autoplay } from './embed.js';
import { installKeyboard } from './keyboard.js';
import { installShare } from './share.js';
import { registerOffline } from './offline.js';

const SESSION = 'a';
const LOAD_TIMEOUT_MS = 60000;
// the cost's scale depends on the labels: [0, 1] per channel, or one packed 24-bit number (2017)
const STOP_COST_DEFAULT = { rgb: 1e-5, 2017: 0.05 };

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

  // urlSettings: {key: value} already checked by url-state.js; rejected: [{key, raw, reason}]
  constructor(urlSettings = {}, rejected = []) {
    for (const id of ['target', 'learned', 'start', 'step', 'reset', 'epoch', 'cost', 'psnr', 'status-text',
      'message', 'message-text', 'retry', 'loading', 'loading-text', 'chart', 'target-settings',
      'training-settings', 'image-credit']) {
      this.#el[id] = $(id);
    }
    this.#controls = buildControls(
      { target: this.#el['target-settings'], training: this.#el['training-settings'] },
      SETTINGS, (id, value) => { this.#remember(id, value); this.#onSetting(id, value); });
    this.#adoptUrl(urlSettings, rejected);
    this.#size = Number(this.#controls.get('size'));
    this.#chart = new CostChart(this.#el.chart);
    this.#el.start.addEventListener('click', () => this.#toggle());
    this.#el.step.addEventListener('click', () => this.#step());
    this.#el.reset.addEventListener('click', () => this.#reset());
    this.#el.retry.addEventListener('click', () => this.boot());
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
    try {
      // the target shows while Python loads: both start now
      const [pixels] = await Promise.all([this.#showTarget(), client.load({ timeoutMs: LOAD_TIMEOUT_MS })]);
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
    const result = await this.#client.request(Request.INIT, {
      session: SESSION, pixels, width: this.#size, height: this.#size, mode, model: this.#setting('model'),
      learningRate: this.#learningRateEdited ? this.#controls.get('lr') : null, knobs: {},
    }, [pixels]);
    this.#acceptRate(result.learningRate);
    await this.#showFrame(Request.FRAME);
  }

  async #showFrame(type) {
    const result = await this.#client.request(type, { session: SESSION });
    drawPixels(this.#el.learned, result.pixels, this.#size);
    this.#showStats(result);
    this.#chart.clear();
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
      this.#chosen[key] = this.#setting(key);
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
    const url = new URL(window.location.href);
    url.hash = settingsHash(this.#chosen);
    history.replaceState(history.state, '', url);
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
    this.#running = true;
    this.#setStatus(Status.TRAINING);
    this.#tick();
  }

  #tick = () => {
    if (!this.#running || this.#inFlight) return;
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
    if (this.#running || this.#inFlight || !this.#canTrain()) return;
    this.#clearMessage();
    const ok = await this.#launchChunk();
    if (ok && this.#status !== Status.DONE) this.#setStatus(Status.PAUSED);
  }

  // Waits until no TRAIN request is outstanding.
  async #settle() {
    while (this.#inFlight) await this.#inFlight.catch(() => {});
  }

  // One chunk: train `epochs per frame` epochs, draw the frame, show the numbers. False on failure.
  async #trainChunk() {
    const epochs = this.#controls.get('epochs-per-frame');
    const sent = performance.now();
    let result;
    try {
      result = await this.#client.request(Request.TRAIN, { session: SESSION, epochs, stopCost: this.#stopCost });
    } catch (err) {
      this.#trainingFailed(err);
      return false;
    }
    const received = performance.now();
    drawPixels(this.#el.learned, result.pixels, this.#size);
    this.#showStats(result);
    this.#chart.add(result.epoch, result.cost);
    this.#chart.draw();
    // per-frame timings for bench/bench_page.py (timestamps only; the bench does the arithmetic)
    document.dispatchEvent(new CustomEvent('painter:frame', {
      detail: { epoch: result.epoch, epochs, size: this.#size, sent, received, drawn: performance.now() },
    }));
    if (result.done) {
      this.#running = false;
      this.#setStatus(Status.DONE);
      this.#showMessage(`Done: the cost fell to ${result.cost.toExponential(3)}, below the stop threshold.`, 'info');
    }
    return true;
  }

  #trainingFailed(err) {
    this.#running = false;
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
    }
  }

  // A new image, resolution or label mode: stop, show the new target, start a new session at epoch 0.
  async #retarget(id, value) {
    if (id === 'size') this.#size = Number(value);
    if (id === 'mode' && !this.#stopCostEdited) {
      this.#stopCost = STOP_COST_DEFAULT[value];
      this.#controls.set('stop-cost', this.#stopCost);
    }
    if (id === 'image') this.#showCredit();
    const python = this.#status !== Status.LOADING && this.#status !== Status.ERROR;
    this.#running = false;
    await this.#settle();
    try {
      const pixels = await this.#showTarget();
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
    const image = IMAGES.find((img) => img.id === this.#controls.get('image'));
    this.#el['image-credit'].textContent = image ? image.credit : '';
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
// the offline copy is made once Python has loaded, so it does not slow the first load down
document.addEventListener('painter:status', function once(event) {
  if (event.detail.status !== 'ready') return;
  document.removeEventListener('painter:status', once);
  registerOffline();
});
