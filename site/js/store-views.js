// The page-wide views of the store: the buttons and the status, the controls' values, the address bar,
// and the body's data-* attributes that describe the session (the page's test contract). Each renders
// from the store alone, on every change, and writes only what changed.

import { Status } from './store.js';
import { SETTINGS } from './settings.js';
import { parseUrlState, pageUrl } from './url-state.js';

const START_LABEL = {
  loading: 'Start', ready: 'Start', training: 'Pause', paused: 'Continue', done: 'Continue', error: 'Start',
};
const STATUS_NOTE = { rebuilding: 'Preparing…', queued: 'Starting…', tf: 'Loading TensorFlow.js…' };

// The buttons and the status chip follow the run status, and nothing else (not redrawn per frame):
// both come from the same store fields in the same update (store.allowed).
// el: {start, step, reset, statusNote}; models: ModelChoice (Solve); files: the export buttons
export function showButtons(store, { el, readout, models, files }) {
  let shown = null;
  const show = (now, force = false) => {
    const key = [now.status, now.running, now.rebuilding, now.queuedStart, now.busy, now.tf?.state].join();
    document.body.dataset.settled = String(now.settled);
    if (key === shown && !force) return;
    shown = key;
    const allowed = now.allowed;
    const pausing = !now.running && now.status === Status.TRAINING; // until the worker confirms
    el.start.textContent = now.running ? 'Pause' : now.queuedStart ? 'Starting…' : pausing ? 'Continue'
      : START_LABEL[now.status];
    el.start.disabled = !allowed.start;
    el.start.setAttribute('aria-pressed', String(now.running || now.queuedStart));
    el.step.disabled = !allowed.step;
    el.reset.disabled = !allowed.reset;
    models.showSolve(allowed.solve);
    files.enable(allowed.files);
    readout.showStatus(now.status);
    const note = now.rebuilding
      ? STATUS_NOTE[now.queuedStart ? 'queued' : now.tf?.state === 'loading' ? 'tf' : 'rebuilding'] : '';
    el.statusNote.textContent = note;
    el.statusNote.hidden = !note;
  };
  store.subscribe(show);
  return () => show(store, true); // shows them again (Solve's availability changes with the models)
}

// The controls show the settings in effect (a control the person just moved is not written back:
// noteShown(id, value) says what it shows). compare: ComparePane; compareBox: #compare
export function showSettings(store, { controls, compare, compareBox }) {
  const shownValues = {};
  let shownUpload = null;
  store.subscribe((now) => {
    for (const row of SETTINGS) {
      if (!row.control) continue;
      const value = now.values[row.key];
      if (shownValues[row.key] === value) continue;
      shownValues[row.key] = value;
      controls.set(row.key, value);
    }
    if (shownUpload !== now.upload) {
      shownUpload = now.upload;
      if (!now.upload) controls.set('image', now.values.image);
    }
    if (compareBox.checked !== now.compare) compareBox.checked = now.compare;
    compare.showEnabled(now.compare);
    if (now.get('model-b')) compare.showModel(now.get('model-b'));
  });
  return (id, value) => { shownValues[id] = value; };
}

// The address bar always shows the settings chosen, so it can be bookmarked or copied as is; the query
// keeps only valid view options (?embed=1, ?theme=dark).
export function showUrl(store) {
  let shownUrl = null;
  let shownChosen = null;
  store.subscribe((now) => {
    if (now.chosen === shownChosen) return;
    shownChosen = now.chosen;
    const { view } = parseUrlState(window.location.search);
    const href = pageUrl(window.location.href, now.chosen, view);
    if (href === shownUrl) return;
    shownUrl = href;
    history.replaceState(history.state, '', href);
  });
}

// body[data-model] and body[data-learning-rate]: session a's model and rate as the worker confirmed them.
export function showSession(store) {
  store.subscribe((now) => {
    const { model, rate } = now.panes.a;
    const body = document.body.dataset;
    if (model != null && body.model !== model) body.model = model;
    if (rate != null && body.learningRate !== String(rate)) body.learningRate = String(rate);
  });
}
