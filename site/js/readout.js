// What the page says about training: the status (body[data-status], the status chip, painter:status
// events), the message box, the #epoch / #cost / #psnr numbers and the loading bars. Formatting only:
// every number shown here was computed by Python.

import { formatCount } from './controls.js';

export const Status = Object.freeze({
  LOADING: 'loading', READY: 'ready', TRAINING: 'training', PAUSED: 'paused', DONE: 'done', ERROR: 'error',
});

const STATUS_TEXT = {
  loading: 'Loading', ready: 'Ready', training: 'Training', paused: 'Paused', done: 'Done', error: 'Error',
};
const LOAD_TEXT = {
  idle: 'Waiting…', downloading: 'Downloading Python…', starting: 'Starting Python…', ready: 'Ready', failed: 'Failed',
};

// An error message as the end of a sentence: ends with a full stop.
export function sentence(text) {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

// A worker reply's numbers into {epoch, cost, psnr} elements: the epoch a plain integer (thousands
// separators in its title), the cost toExponential(3), the PSNR one decimal and " dB".
export function showStats(el, { epoch, cost, psnr }) {
  el.epoch.textContent = String(epoch);
  el.epoch.title = formatCount(epoch);
  el.cost.textContent = cost.toExponential(3);
  el.psnr.textContent = Number.isFinite(psnr) ? `${psnr.toFixed(1)} dB` : 'inf dB';
}

export function clearStats(...elements) {
  for (const element of elements) element.textContent = '–';
}

export class Readout {
  #el;
  #status = null;
  #onStatus;

  // el: {epoch, cost, psnr, statusText, message, messageText, retry, loading, loadingText};
  // onStatus(status) after every status change
  constructor(el, onStatus) {
    this.#el = el;
    this.#onStatus = onStatus;
  }

  get status() { return this.#status; }

  setStatus(status) {
    this.#status = status;
    document.body.dataset.status = status;
    this.#el.statusText.textContent = STATUS_TEXT[status];
    this.#onStatus(status);
    // last: a listener may change the status again (an embed autostarts on "ready"), and the
    // page must then show that newer status, not this one
    document.dispatchEvent(new CustomEvent('painter:status', { detail: { status } }));
  }

  showStats(result) { showStats(this.#el, result); }

  clearStats() { clearStats(this.#el.epoch, this.#el.cost, this.#el.psnr); }

  // tone: 'error' | 'info'; retry: show #retry; kind: data-kind ('exploded', 'image')
  showMessage(text, tone, { retry = false, kind = '' } = {}) {
    const box = this.#el.message;
    box.hidden = false;
    box.dataset.tone = tone;
    box.dataset.kind = kind;
    this.#el.messageText.textContent = text;
    this.#el.retry.hidden = !retry;
  }

  clearMessage() {
    this.#el.message.hidden = true;
    this.#el.messageText.textContent = '';
    this.#el.message.dataset.kind = '';
    this.#el.message.dataset.tone = '';
    this.#el.retry.hidden = true;
  }

  get messageText() { return this.#el.messageText.textContent; }

  // ------------------------------------------------------------------------------ loading
  // stages: the protocol's Stage values, each with a <progress id="progress-STAGE">
  showLoading(stages) {
    for (const stage of stages) this.showProgress(stage, 0);
    this.#el.loading.hidden = false;
  }

  hideLoading() { this.#el.loading.hidden = true; }

  showLoadState(state) { this.#el.loadingText.textContent = LOAD_TEXT[state]; }

  showProgress(stage, fraction) {
    const bar = document.getElementById(`progress-${stage}`);
    if (!bar) return;
    if (fraction == null) bar.removeAttribute('value');
    else bar.value = fraction;
  }

  // Python could not start (or its worker died): status error, the cause, a #retry button.
  showLoadFailure(err) {
    this.setStatus(Status.ERROR);
    this.#el.loadingText.textContent = 'Could not start';
    this.showMessage(err.message, 'error', { retry: true });
  }
}
