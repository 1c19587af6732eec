// What the page says about training: the status (body[data-status], the status chip, painter:status
// events), the message box, the #epoch / #cost / #psnr numbers and the loading bars. Formatting only:
// every number shown here was computed by Python.

import { formatCount } from './format.js';

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

// Writes text only when it changed: a frame touches no more of the page than it must.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

// An epoch count: whole epochs as an integer, a network's or SGD model's partial epoch with one decimal.
export function formatEpoch(epoch) {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(1);
}

export function showEpoch(el, epoch) {
  setText(el.epoch, formatEpoch(epoch));
  el.epoch.title = formatCount(Math.floor(epoch));
}

// A worker's numbers into {epoch, cost, psnr} elements: the epoch (formatEpoch; thousands separators in
// its title), the cost toExponential(3), the PSNR one decimal and " dB". Cost and PSNR are those of the
// frame shown (frame_epoch), '–' before the first; el.fresh (if any) says when that frame is older
// than the epoch count, as a network's frame may be.
export function showStats(el, { epoch, cost, psnr, frame_epoch: frameEpoch }) {
  showEpoch(el, epoch);
  setText(el.cost, cost == null ? '–' : cost.toExponential(3));
  setText(el.psnr, psnr == null ? '–' : Number.isFinite(psnr) ? `${psnr.toFixed(1)} dB` : 'inf dB');
  const behind = frameEpoch != null && epoch - frameEpoch >= 0.05;
  if (el.fresh) {
    setText(el.fresh, behind ? `image of epoch ${formatEpoch(frameEpoch)}` : '');
    el.fresh.hidden = !behind;
  }
}

export function clearStats(...elements) {
  for (const element of elements) element.textContent = '–';
}

export class Readout {
  #el;
  #status = null;
  #store;
  #shownMessage = null;

  // el: {epoch, cost, psnr, fresh, statusText, message, messageText, retry, loading, loadingText};
  // store: Store (the message lives there)
  constructor(el, store) {
    this.#el = el;
    this.#store = store;
    store.subscribe((now) => this.#showMessage(now.message));
  }

  get status() { return this.#status; }

  // The status chip, body[data-status] and a painter:status event (on every change of the store's status).
  showStatus(status) {
    if (status === this.#status) return;
    this.#status = status;
    document.body.dataset.status = status;
    this.#el.statusText.textContent = STATUS_TEXT[status];
    document.dispatchEvent(new CustomEvent('painter:status', { detail: { status } }));
  }

  showStats(result) { showStats(this.#el, result); }

  showEpoch(epoch) { showEpoch(this.#el, epoch); }

  clearStats() { clearStats(this.#el.epoch, this.#el.cost, this.#el.psnr); }

  // The message is the store's (`message`: {text, tone, kind, retry} or null); these are its actions.
  // tone: 'error' | 'info'; retry: show #retry; kind: data-kind ('exploded', 'image')
  showMessage(text, tone, { retry = false, kind = '' } = {}) {
    this.#store.update({ message: { text, tone, kind, retry } });
  }

  clearMessage() { this.#store.update({ message: null }); }

  get messageText() { return this.#store.message?.text ?? ''; }

  // #message follows the store's message.
  #showMessage(message) {
    if (message === this.#shownMessage) return;
    this.#shownMessage = message;
    const box = this.#el.message;
    box.hidden = !message;
    box.dataset.tone = message?.tone ?? '';
    box.dataset.kind = message?.kind ?? '';
    this.#el.messageText.textContent = message?.text ?? '';
    this.#el.retry.hidden = !message?.retry;
  }

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

  // Python could not start (or its worker died): the cause, a #retry button (the status becomes error).
  showLoadFailure(err) {
    this.#el.loadingText.textContent = 'Could not start';
    this.showMessage(err.message, 'error', { retry: true });
  }
}
