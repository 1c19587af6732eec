// Wires the page: makes the parts and connects the controls' events to them. The parts:
//   store.js          the page's one store: settings, run status, panes, frames drawn, the upload;
//                     controls call its methods, views subscribe and render from it
//   readout.js        status, message, #epoch / #cost / #psnr, loading bars
//   target.js         the image being painted (#target)
//   sessions.js       sessions a and b on that target (INIT / CONFIGURE) and each pane's view
//   screen.js         the one way to the screen: a frame and its numbers, drawn together
//   engine.js         Start / Pause / Step / Reset / Solve, the one rebuild sequence
//                     (training runs in the worker: worker/engine.js)
//   model-choice.js   models, knobs, compare mode, presets
//   image-files.js    uploads, exports and parameter files
//   your-model.js     the visitor's own model code (the "Your model" pane); watchdog.js offers Stop
//                     when Python stops answering (code that never returns)
// No maths here, nor in any of them: cost, PSNR and "done" come from Python in the worker.

import './errors.js'; // first: records page and worker errors in the DOM (before any Worker exists)
import { Request, Stage, LoadState } from './protocol.js';
import { WorkerClient } from './worker-client.js';
import { CostChart } from './chart.js';
import { buildControls, SETTINGS } from './controls.js';
import { IMAGES } from './images.js';
import { parseUrlState, pageUrl } from './url-state.js';
import { applyView, installEmbed, autoplay } from './embed.js';
import { installKeyboard } from './keyboard.js';
import { installShare } from './share.js';
import { registerOffline } from './offline.js';
import { KnobPanel } from './models-ui.js';
import { ComparePane, defaultModelB } from './compare.js';
import { buildGallery } from './gallery.js';
import { installUpload } from './upload.js';
import { installExports } from './export.js';
import { Readout } from './readout.js';
import { Store, Status, newPane } from './store.js';
import { Target } from './target.js';
import { Sessions, SESSION_A, SESSION_B } from './sessions.js';
import { Screen } from './screen.js';
import { Engine } from './engine.js';
import { ModelChoice, PRESETS } from './model-choice.js';
import { ImageFiles } from './image-files.js';
import { YourModel, CUSTOM } from './your-model.js';
import { Watchdog } from './watchdog.js';
import { TfChoice } from './tf-choice.js';

const LOAD_TIMEOUT_MS = 60000;
const START_LABEL = {
  loading: 'Start', ready: 'Start', training: 'Pause', paused: 'Continue', done: 'Continue', error: 'Start',
};
const STATUS_NOTE = { rebuilding: 'Preparing…', queued: 'Starting…', tf: 'Loading TensorFlow.js…' };

function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

const byId = (ids) => Object.fromEntries(Object.entries(ids).map(([key, id]) => [key, $(id)]));

// ------------------------------------------------------------------------------ the parts
const url = parseUrlState(window.location.search, window.location.hash);
applyView(url.view);

let client = null; // the WorkerClient; a retry makes a new one
const getClient = () => client;
const el = byId({
  target: 'target', learned: 'learned', start: 'start', step: 'step', reset: 'reset', retry: 'retry',
  compare: 'compare', solve: 'solve', statusNote: 'status-note',
});
const store = new Store({ ...Object.fromEntries(SETTINGS.map((row) => [row.id, row.default])), 'model-b': null });
const readout = new Readout(byId({
  epoch: 'epoch', cost: 'cost', psnr: 'psnr', fresh: 'frame-epoch', statusText: 'status-text', message: 'message',
  messageText: 'message-text', retry: 'retry', loading: 'loading', loadingText: 'loading-text',
}), store);
const controls = buildControls(
  byId({ target: 'target-settings', training: 'training-settings', model: 'model-picker', lesson: 'lesson-settings' }),
  SETTINGS, (id, value) => onSetting(id, value));
delete $('settings').dataset.building; // the panel is whole now: shown (css/style.css)
const knobs = new KnobPanel($('knobs-a'), 'knob-', (name, value) => models.onKnob(SESSION_A, name, value));
const compare = new ComparePane(byId({
  pane: 'pane-b', canvas: 'learned-b', select: 'model-b', epoch: 'epoch-b', cost: 'cost-b', psnr: 'psnr-b',
  rate: 'lr-b', knobs: 'knobs-b',
}), {
  onModel: (name) => chooseModelB(name),
  onKnob: (name, value) => models.onKnob(SESSION_B, name, value),
});
const chart = new CostChart($('chart'));
const tf = new TfChoice({
  client: getClient, store, readout, isNetwork: (name) => models.isNetwork(name), status: $('backend-hint'),
});
const gallery = buildGallery($('gallery'), IMAGES, pickImage);
const target = new Target({ canvas: el.target, learned: el.learned, credit: $('image-credit') }, getClient, gallery, store);
const sessions = new Sessions({ client: getClient, store, target, learned: el.learned, readout, chart, knobs, compare,
  lesson: {
    ...byId({ overlay: 'target-holdout', holdoutLegend: 'holdout-legend', legendA: 'view-legend', legendB: 'view-legend-b' }),
    hiddenA: byId({ row: 'psnr-hidden-row', value: 'psnr-hidden' }),
    hiddenB: byId({ row: 'psnr-hidden-b-row', value: 'psnr-hidden-b' }),
  },
  tf });
const screen = new Screen({ store, client: getClient, views: (id) => sessions.view(id), size: () => target.size });
sessions.screen = screen;
const engine = new Engine({
  client: getClient, store, sessions, screen, readout,
  epochsPerFrame: (id) => (id === SESSION_A ? store.get('epochs-per-frame') : compare.epochsPerFrame(store.get('model-b'))),
});
const models = new ModelChoice(byId({
  solve: 'solve', solveHint: 'solve-hint', explain: 'explain', modelALabel: 'model-a-label',
}), { client: getClient, store, knobs, compare, sessions, engine, retarget, onChange: () => showButtons(store, true) });
const files = new ImageFiles({ client: getClient, readout, engine, store, target, sessions, imageSelect: controls.element('image') });
const exportButtons = installExports(byId({
  png: 'download-png', large: 'download-png-large', gif: 'download-gif', save: 'save-params', load: 'load-params',
}), {
  onPng: (large) => files.exportPng(large),
  onGif: () => files.exportGif(),
  onSaveParams: () => files.saveParams(),
  onLoadParams: (file) => files.loadParams(file),
  onRefused: (text) => readout.showMessage(text, 'error'),
});

const yourModel = new YourModel(byId({
  pane: 'your-model', code: 'code', gutter: 'code-lines', mark: 'code-mark', run: 'run-code',
  templates: 'code-templates', save: 'save-code', load: 'load-code', recipePanel: 'run-in-python',
  recipe: 'python-recipe', recipeImage: 'recipe-image',
}), { client: getClient, store, readout, models, knobs });
engine.onError = (err) => yourModel.noticeError(err);
new Watchdog({
  client: getClient, store, button: $('stop-python'), readout, armed: () => yourModel.inUse(), onStop: () => restart(),
});

// ------------------------------------------------------------------------------ loading
async function boot() {
  store.update({
    status: Status.LOADING, running: false, rebuilding: false, queuedStart: false, busy: false, changing: 0,
  });
  for (const id of [SESSION_A, SESSION_B]) {
    store.setPane(id, newPane()); // none yet
  }
  tf.forget();
  readout.clearMessage();
  readout.clearStats();
  client?.terminate();
  readout.showLoading(Object.values(Stage));
  const attempt = new WorkerClient({
    onState: (loadState) => readout.showLoadState(loadState),
    onProgress: (stage, fraction) => readout.showProgress(stage, fraction),
    onEngine: (msg) => { if (attempt === client) engine.receive(msg); },
  });
  client = attempt;
  files.forgetDecoder();
  try {
    // a bundled photo shows while Python loads: both start now; a person's own file (kept in the store
    // when Python is restarted) needs Python to decode it
    const [photo] = await Promise.all([store.upload ? null : target.showPhoto(store.get('image')),
      attempt.load({ timeoutMs: LOAD_TIMEOUT_MS })]);
    await models.describe();
    await sessions.create(photo ?? await restoreUpload());
    readout.hideLoading();
    store.update({ status: Status.READY });
    engine.pull();
    if (store.urlNotes.length) readout.showMessage(store.urlNotes.join(' '), 'info');
    yourModel.fetchTemplates().catch((err) => readout.showMessage(`The code templates did not load: ${err.message}`, 'error'));
  } catch (err) {
    if (attempt !== client) return; // a retry replaced this attempt
    attempt.terminate();
    engine.fail(err);
  }
}

// The person's file as the target of a new worker; if it cannot be decoded again, the photo before it.
async function restoreUpload() {
  try {
    return await files.restoreUpload();
  } catch (err) {
    if (client.state === LoadState.FAILED) throw err;
    store.update({ upload: null });
    target.showCredit(store.get('image'));
    return target.showPhoto(store.get('image'));
  }
}

// Stop (watchdog.js): Python is stuck in the visitor's code. End the worker and start a fresh one with
// everything the visitor had: the settings, the image (an upload from the store's bytes), both panes'
// models; the code stays in the editor; a pane that ran the visitor's model goes back to the model
// before it, and built-in sessions get back the parameters saved at the last Run.
async function restart() {
  // loading from the click on: the page is not settled (nor ready) while Python restarts
  store.update({ status: Status.LOADING, running: false });
  client?.terminate(); // pending requests fail now, not when the endless loop ends
  await new Promise((resolve) => setTimeout(resolve, 0));
  const saved = yourModel.saved;
  yourModel.forget();
  store.update({ status: Status.LOADING, running: false });
  if (store.get('model') === CUSTOM) {
    store.choose('model', yourModel.previousModel);
    await models.switchModel(yourModel.previousModel); // Python is not up: only the settings change
  }
  if (store.get('model-b') === CUSTOM) store.choose('model-b', previousModelB ?? defaultModelB(store.get('model')));
  await boot();
  if (!store.usable) return;
  for (const [id, { model, text }] of Object.entries(saved)) {
    if (!store.visible.includes(id) || sessions.model(id) !== model) continue;
    const bytes = new TextEncoder().encode(text).buffer;
    await engine.rebuild(async () => {
      sessions.confirm(id, await client.request(Request.LOAD_PARAMS, { session: id, bytes }, [bytes]));
      sessions.clearPlot(id);
    }, Status.PAUSED);
  }
  readout.showMessage('Python was restarted. Your code is kept in the editor; fix it and press Run.', 'info', { kind: 'restarted' });
}

// the epoch-0 frame from Python, drawn: the page is ready to train (bench/bench_page.py reads this mark)
document.addEventListener('painter:frame', function once() {
  document.removeEventListener('painter:frame', once);
  performance.mark('painter:ready');
});

// ------------------------------------------------------------------------------ settings
// A control changed by the person: the setting is chosen (the store), then applied.
async function onSetting(id, value) {
  shownValues[id] = value; // the control already shows it
  if (id === 'stop-cost') {
    if (!(value >= 0)) {
      readout.showMessage('The stop threshold must be a number ≥ 0 (for example 1e-5); it was left at '
        + `${store.stopCost.toExponential(1)}.`, 'error');
      controls.set('stop-cost', store.stopCost);
      shownValues[id] = store.stopCost;
      return;
    }
    store.update({ stopCostEdited: true });
  }
  const before = store.get(id);
  store.choose(id, value);
  if (id === 'lr') {
    store.update({ learningRateEdited: true });
    if (!store.pythonUp) return;
    try {
      const result = await client.request(Request.CONFIGURE, { session: SESSION_A, learningRate: value });
      sessions.acceptRate(result.learningRate);
    } catch (err) {
      readout.showMessage(`The learning rate was not changed: ${err.message}`, 'error');
    }
  } else if (id === 'zoom' || id === 'view') {
    if (!store.pythonUp) return; // the sessions are made with it
    await store.during(async () => {
      try {
        await sessions.display();
      } catch (err) { // refused: said, and the panes go back to the way they were drawn
        readout.showMessage(`The learned image could not be drawn that way: ${err.message}`, 'error');
        engine.onError(err);
        store.choose(id, before);
        await sessions.display().catch(() => {});
      }
    });
  } else if (id === 'image' || id === 'size' || id === 'mode' || id === 'holdout') {
    await retarget(id, value);
  } else if (id === 'backend') {
    await models.switchEngine();
  } else if (id === 'model') {
    if (value !== CUSTOM) {
      await models.switchModel(value);
    } else if (!(await yourModel.run())) { // refused: the model in effect stays, and so does the picker
      store.choose('model', store.pane(SESSION_A).model ?? yourModel.previousModel);
    }
  }
}

// Model B: the visitor's model is compiled first (a refusal leaves B as it was).
let previousModelB = null; // B's built-in model before the visitor's: what Stop goes back to
async function chooseModelB(name) {
  const current = store.get('model-b');
  if (name === CUSTOM && !(await yourModel.compile())) {
    store.choose('model-b', current);
    compare.showModel(current);
    return;
  }
  if (name === CUSTOM && current !== CUSTOM) previousModelB = current;
  await models.switchModelB(name);
}

function pickImage(id) {
  if (id === store.get('image') && !store.upload) return;
  controls.set('image', id);
  onSetting('image', id);
}

// A new image, resolution or label mode: show the new target and start new sessions at epoch 0.
async function retarget(id, value) {
  if (id === 'size') target.size = Number(value);
  if (id === 'mode') store.followMode(value);
  if (id === 'image') {
    store.update({ upload: null });
    target.showCredit(store.get('image'));
  }
  if (!store.pythonUp) { // Python still loading (or failed): only the target changes now
    try {
      await target.show(store.get('image'));
    } catch (err) {
      readout.showMessage(err.message, 'error');
    }
    return;
  }
  await engine.rebuild(async () => sessions.create(await target.show(store.get('image'))));
}

// ------------------------------------------------------------------------------ views of the store
// The buttons and the status chip follow the run status, and nothing else (not redrawn per frame).
let shownButtons = null;
function showButtons(now, force = false) {
  const key = [now.status, now.running, now.rebuilding, now.queuedStart, now.busy, now.tf?.state].join();
  document.body.dataset.settled = String(now.settled);
  if (key === shownButtons && !force) return;
  shownButtons = key;
  const usable = now.usable && !now.rebuilding;
  const pausing = !now.running && now.status === Status.TRAINING; // until the worker confirms
  el.start.textContent = now.running ? 'Pause' : now.queuedStart ? 'Starting…' : pausing ? 'Continue'
    : START_LABEL[now.status];
  el.start.disabled = !now.usable;
  el.start.setAttribute('aria-pressed', String(now.running || now.queuedStart));
  el.step.disabled = !usable || now.running;
  el.reset.disabled = !now.usable;
  models.showSolve(usable);
  exportButtons.enable(usable && !now.busy);
  readout.showStatus(now.status);
  const note = now.rebuilding
    ? STATUS_NOTE[now.queuedStart ? 'queued' : now.tf?.state === 'loading' ? 'tf' : 'rebuilding'] : '';
  el.statusNote.textContent = note;
  el.statusNote.hidden = !note;
}

// The controls show the settings in effect (a control the person just moved is not written back).
const shownValues = {};
let shownUpload = null;
function showSettings(now) {
  for (const row of SETTINGS) {
    const value = now.values[row.id];
    if (shownValues[row.id] === value) continue;
    shownValues[row.id] = value;
    controls.set(row.id, value);
  }
  if (shownUpload !== now.upload) {
    shownUpload = now.upload;
    if (!now.upload) controls.set('image', now.values.image);
  }
  if (el.compare.checked !== now.compare) el.compare.checked = now.compare;
  compare.showEnabled(now.compare);
  if (now.get('model-b')) compare.showModel(now.get('model-b'));
}

// The address bar always shows the settings chosen, so it can be bookmarked or copied as is; the query
// keeps only valid view options (?embed=1, ?theme=dark).
let shownUrl = null;
let shownChosen = null;
function showUrl(now) {
  if (now.chosen === shownChosen) return;
  shownChosen = now.chosen;
  const { view } = parseUrlState(window.location.search);
  const href = pageUrl(window.location.href, now.chosen, view);
  if (href === shownUrl) return;
  shownUrl = href;
  history.replaceState(history.state, '', href);
}

// ------------------------------------------------------------------------------ connecting
// a link's value as its control holds it (epochs per frame snap to 1, 2, 5 x 10^k)
const snapped = (key, value) => {
  const row = SETTINGS.find((r) => r.id === key);
  return row?.snap ? Math.round(row.snap(value)) : value;
};
store.adoptUrl(Object.fromEntries(Object.entries(url.settings).map(([key, value]) => [key, snapped(key, value)])),
  url.rejected);
if (!('model-b' in store.chosen)) store.set('model-b', defaultModelB(store.get('model')));
target.size = Number(store.get('size'));
store.subscribe(showSettings);
store.subscribe(showUrl);
el.compare.addEventListener('change', () => models.setCompare(el.compare.checked));
el.solve.addEventListener('click', () => engine.solve((id) => models.solvable(sessions.model(id))));
$('preset-2017').addEventListener('click', () => models.applyPreset(PRESETS['2017']));
$('preset-modern').addEventListener('click', () => models.applyPreset(PRESETS.modern));
models.showModelNames();
el.start.addEventListener('click', () => engine.toggle());
el.step.addEventListener('click', () => engine.step());
el.reset.addEventListener('click', () => engine.reset());
el.retry.addEventListener('click', () => boot());
installUpload({ input: $('upload'), dropZone: el.target.closest('.frame') }, {
  onFile: (file) => files.openFile(file),
  onRefused: (text) => readout.showMessage(text, 'error'),
});
target.showCredit(store.get('image'));
store.subscribe(showButtons);
boot();

installKeyboard(document);
const links = {
  shareUrl: () => pageUrl(window.location.href, store.snapshot(), { theme: url.view.theme }),
  embedUrl: () => pageUrl(window.location.href, store.snapshot(), { embed: true, theme: url.view.theme }),
};
installShare(byId({
  share: 'share-link', embed: 'embed-code', url: 'share-url', note: 'share-note', dialog: 'embed-dialog',
  snippet: 'embed-snippet', copy: 'embed-copy', close: 'embed-close', copyNote: 'embed-copy-note',
}), links);
if (url.view.embed) {
  installEmbed({ toggle: $('embed-more'), fullPage: $('full-page'), fullPageUrl: links.shareUrl });
  const painter = {
    get status() { return store.status; },
    get running() { return store.running; },
    play: () => engine.play(),
    pause: () => engine.pause(),
  };
  autoplay(painter, {
    watched: el.learned, startButton: el.start, subscribe: (fn) => store.subscribe(fn),
    reducedMotion: window.matchMedia('(prefers-reduced-motion: reduce)').matches,
  });
}
// settings typed into the address bar (or a link to #...) apply as a fresh start; our own
// history.replaceState does not fire hashchange
window.addEventListener('hashchange', () => window.location.reload());
// the offline copy is made once Python has loaded, so it does not slow the first load down
whenReady(() => registerOffline());

// fn() once, the first time the page is ready (after the change that made it ready has been shown)
function whenReady(fn) {
  let pending = true;
  store.subscribe((now) => {
    if (!pending || now.status !== Status.READY || now.rebuilding) return;
    pending = false;
    queueMicrotask(fn);
  });
}

// The embed's "Paint it live" (entry.js) where autoplay does not start it: the click asked for training,
// which starts once Python is ready.
export function startWhenReady() {
  whenReady(() => { if (store.status === Status.READY) engine.play(); });
}
