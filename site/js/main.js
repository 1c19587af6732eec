// Wires the page: makes the parts and connects the controls' events to them. The parts:
//   readout.js        status, message, #epoch / #cost / #psnr, loading bars
//   page-settings.js  the settings in effect and the URL that carries them
//   target.js         the image being painted (#target)
//   state.js          the status and what is going on: the one place the chip and buttons follow
//   sessions.js       sessions a and b on that target (INIT / CONFIGURE), drawn into their panes
//   engine.js         Start / Pause / Step / Reset / Solve, the one rebuild sequence, frames drawn
//                     (training runs in the worker: worker/engine.js)
//   model-choice.js   models, knobs, compare mode, presets
//   image-files.js    uploads, exports and parameter files
//   your-model.js     the visitor's own model code (the "Your model" pane); watchdog.js offers Stop
//                     when Python stops answering (code that never returns)
// No maths here, nor in any of them: cost, PSNR and "done" come from Python in the worker.

import './errors.js'; // first: records page and worker errors in the DOM (before any Worker exists)
import { Request, LoadState, Stage } from './protocol.js';
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
import { PageState, Status } from './state.js';
import { PageSettings } from './page-settings.js';
import { Target } from './target.js';
import { Sessions, SESSION_A } from './sessions.js';
import { Engine } from './engine.js';
import { ModelChoice, PRESETS } from './model-choice.js';
import { ImageFiles } from './image-files.js';
import { YourModel, CUSTOM } from './your-model.js';
import { Watchdog } from './watchdog.js';

const LOAD_TIMEOUT_MS = 60000;
const START_LABEL = {
  loading: 'Start', ready: 'Start', training: 'Pause', paused: 'Continue', done: 'Continue', error: 'Start',
};
const STATUS_NOTE = { rebuilding: 'Preparing…', queued: 'Starting…' };

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
const state = new PageState();
const readout = new Readout(byId({
  epoch: 'epoch', cost: 'cost', psnr: 'psnr', fresh: 'frame-epoch', statusText: 'status-text', message: 'message',
  messageText: 'message-text', retry: 'retry', loading: 'loading', loadingText: 'loading-text',
}), () => {});
const controls = buildControls(
  byId({ target: 'target-settings', training: 'training-settings', model: 'model-picker', lesson: 'lesson-settings' }),
  SETTINGS, (id, value) => { settings.remember(id, value); onSetting(id, value); });
const settings = new PageSettings(controls);
const knobs = new KnobPanel($('knobs-a'), 'knob-', (name, value) => models.onKnob(SESSION_A, name, value));
const compare = new ComparePane(byId({
  pane: 'pane-b', canvas: 'learned-b', select: 'model-b', epoch: 'epoch-b', cost: 'cost-b', psnr: 'psnr-b',
  rate: 'lr-b', knobs: 'knobs-b',
}), {
  onModel: (name) => chooseModelB(name),
  onKnob: (name, value) => models.onKnob(compare.id, name, value),
});
const chart = new CostChart($('chart'));
const gallery = buildGallery($('gallery'), IMAGES, pickImage);
const target = new Target({ canvas: el.target, learned: el.learned, credit: $('image-credit') }, getClient, gallery);
const sessions = new Sessions({ client: getClient, target, learned: el.learned, readout, chart, knobs, compare, settings,
  lesson: {
    ...byId({ overlay: 'target-holdout', holdoutLegend: 'holdout-legend', legendA: 'view-legend', legendB: 'view-legend-b' }),
    hiddenA: byId({ row: 'psnr-hidden-row', value: 'psnr-hidden' }),
    hiddenB: byId({ row: 'psnr-hidden-b-row', value: 'psnr-hidden-b' }),
  } });
const engine = new Engine({ client: getClient, sessions, readout, settings, state, size: () => target.size });
const models = new ModelChoice(byId({
  solve: 'solve', solveHint: 'solve-hint', explain: 'explain', modelALabel: 'model-a-label',
}), { client: getClient, settings, knobs, compare, sessions, engine, state, retarget, onChange: () => showButtons(state) });
const files = new ImageFiles({ client: getClient, readout, engine, state, target, sessions, settings });
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
}), { client: getClient, state, readout, settings, models, compare, knobs, target });
engine.onError = (err) => yourModel.noticeError(err);
new Watchdog({
  client: getClient, state, button: $('stop-python'), readout, armed: () => yourModel.inUse(), onStop: () => restart(),
});

// ------------------------------------------------------------------------------ loading
async function boot() {
  state.update({ status: Status.LOADING, running: false, rebuilding: false, queuedStart: false, busy: false });
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
  target.upload = null;
  try {
    // the target shows while Python loads: both start now
    const [pixels] = await Promise.all([target.showPhoto(controls.get('image')),
      attempt.load({ timeoutMs: LOAD_TIMEOUT_MS })]);
    await models.describe();
    await sessions.create(pixels);
    readout.hideLoading();
    state.update({ status: Status.READY });
    engine.pull();
    if (settings.urlNotes.length) readout.showMessage(settings.urlNotes.join(' '), 'info');
    yourModel.fetchTemplates().catch((err) => readout.showMessage(`The code templates did not load: ${err.message}`, 'error'));
  } catch (err) {
    if (attempt !== client) return; // a retry replaced this attempt
    attempt.terminate();
    engine.fail(err);
  }
}
// Stop (watchdog.js): Python is stuck in the visitor's code. End the worker and start a fresh one on the
// same image and settings; the code stays in the editor; a session that ran the visitor's model goes
// back to the model before it, and built-in sessions get back the parameters saved at the last Run.
async function restart() {
  client?.terminate(); // pending requests fail now, not when the endless loop ends
  await new Promise((resolve) => setTimeout(resolve, 0));
  const saved = yourModel.saved;
  yourModel.forget();
  state.update({ status: Status.LOADING, running: false });
  if (settings.get('model') === CUSTOM) {
    controls.set('model', yourModel.previousModel);
    settings.remember('model', yourModel.previousModel);
    await models.switchModel(yourModel.previousModel); // Python is not up: only the controls change
  }
  if (compare.model === CUSTOM) compare.model = defaultModelB(settings.get('model'));
  await boot();
  if (!state.usable) return;
  for (const [id, { model, text }] of Object.entries(saved)) {
    const pane = sessions.pane(id);
    if (!pane || pane.model() !== model) continue;
    const bytes = new TextEncoder().encode(text).buffer;
    await engine.rebuild(async () => {
      pane.confirm(await client.request(Request.LOAD_PARAMS, { session: id, bytes }, [bytes]));
      pane.clearPlot();
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
async function onSetting(id, value) {
  if (id === 'lr') {
    settings.learningRateEdited = true;
    if (!state.pythonUp) return;
    try {
      const result = await client.request(Request.CONFIGURE, { session: SESSION_A, learningRate: value });
      sessions.acceptRate(result.learningRate);
    } catch (err) {
      readout.showMessage(`The learning rate was not changed: ${err.message}`, 'error');
    }
  } else if (id === 'stop-cost') {
    if (!(value >= 0)) {
      readout.showMessage('The stop threshold must be a number ≥ 0 (for example 1e-5); it was left at '
        + `${settings.stopCost.toExponential(1)}.`, 'error');
      controls.set('stop-cost', settings.stopCost);
      return;
    }
    settings.stopCost = value;
    settings.stopCostEdited = true;
  } else if (id === 'zoom' || id === 'view') {
    if (!state.pythonUp) return; // the sessions are made with it
    try {
      await sessions.display();
    } catch (err) {
      readout.showMessage(`The learned image could not be drawn that way: ${err.message}`, 'error');
    }
  } else if (id === 'image' || id === 'size' || id === 'mode' || id === 'holdout') {
    await retarget(id, value);
  } else if (id === 'model') {
    if (value !== CUSTOM) {
      await models.switchModel(value);
    } else if (!(await yourModel.run())) { // refused: the model in effect stays, and so does the picker
      const current = document.body.dataset.model ?? yourModel.previousModel;
      controls.set('model', current);
      settings.remember('model', current);
    }
  }
}

// Model B: the visitor's model is compiled first (a refusal leaves B as it was).
let modelB = null; // model B in effect
async function chooseModelB(name) {
  if (name === CUSTOM && !(await yourModel.compile())) {
    compare.model = modelB ?? defaultModelB(settings.get('model'));
    settings.remember('model-b', compare.model);
    return;
  }
  modelB = name;
  await models.switchModelB(name);
}

function pickImage(id) {
  if (id === controls.get('image') && !target.upload) return;
  controls.set('image', id);
  settings.remember('image', id);
  onSetting('image', id);
}

// A new image, resolution or label mode: show the new target and start new sessions at epoch 0.
async function retarget(id, value) {
  if (id === 'size') target.size = Number(value);
  if (id === 'mode') settings.followMode(value);
  if (id === 'image') {
    target.upload = null;
    target.showCredit(controls.get('image'));
  }
  if (!state.pythonUp) { // Python still loading (or failed): only the target changes now
    try {
      await target.show(controls.get('image'));
    } catch (err) {
      readout.showMessage(err.message, 'error');
    }
    return;
  }
  await engine.rebuild(async () => sessions.create(await target.show(controls.get('image'))));
}

// The buttons follow the state (state.js), and nothing else.
function showButtons(now) {
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
  const note = now.rebuilding ? STATUS_NOTE[now.queuedStart ? 'queued' : 'rebuilding'] : '';
  el.statusNote.textContent = note;
  el.statusNote.hidden = !note;
}

// ------------------------------------------------------------------------------ connecting
settings.adoptUrl(url.settings, url.rejected);
compare.model = settings.chosen['model-b'] ?? defaultModelB(settings.get('model'));
el.compare.checked = Boolean(settings.chosen.compare);
compare.setEnabled(el.compare.checked);
target.size = Number(controls.get('size'));
el.compare.addEventListener('change', () => models.setCompare(el.compare.checked));
el.solve.addEventListener('click', () => engine.solve((pane) => models.solvable(pane.model())));
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
target.showCredit(controls.get('image'));
state.subscribe(showButtons);
boot();

installKeyboard(document);
const links = {
  shareUrl: () => pageUrl(window.location.href, settings.snapshot(), { theme: url.view.theme }),
  embedUrl: () => pageUrl(window.location.href, settings.snapshot(), { embed: true, theme: url.view.theme }),
};
installShare(byId({
  share: 'share-link', embed: 'embed-code', url: 'share-url', note: 'share-note', dialog: 'embed-dialog',
  snippet: 'embed-snippet', copy: 'embed-copy', close: 'embed-close', copyNote: 'embed-copy-note',
}), links);
if (url.view.embed) {
  installEmbed({ toggle: $('embed-more'), fullPage: $('full-page'), fullPageUrl: links.shareUrl });
  const painter = {
    get status() { return state.status; },
    get running() { return state.running; },
    play: () => engine.play(),
    pause: () => engine.pause(),
  };
  autoplay(painter, {
    watched: el.learned, startButton: el.start,
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
