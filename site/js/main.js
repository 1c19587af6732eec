// Wires the page: makes the parts and connects the controls' events to them. The parts:
//   settings.js       every setting in one row: URL key, bounds, default, control, effect (EFFECTS below)
//   store.js          the page's one store: settings, run status, panes, frames drawn, the upload;
//                     controls call its methods, views subscribe and render from it (store-views.js)
//   boot.js           Python's worker started (boot, Retry) and started again (Stop)
//   readout.js        status, message, #epoch / #cost / #psnr, loading bars
//   target.js         the image being painted (#target)
//   sessions.js       sessions a and b on that target (INIT / CONFIGURE), what the worker confirmed
//   panes.js          where each pane's frame and numbers are drawn
//   screen.js         the one way to the screen: a frame and its numbers, drawn together
//   engine.js         Start / Pause / Step / Reset / Solve, the one rebuild sequence
//                     (training runs in the worker: worker/engine.js)
//   model-choice.js   models, knobs, compare mode, presets
//   image-files.js    uploads, exports and parameter files
//   your-model.js     the visitor's own model code (the "Your model" pane); watchdog.js offers Stop
//                     when Python stops answering (code that never returns)
// No maths here, nor in any of them: cost, PSNR and "done" come from Python in the worker.

import './errors.js'; // first: records page and worker errors in the DOM (before any Worker exists)
import { CostChart } from './chart.js';
import { buildControls } from './controls.js';
import { setting, controlRows, controlDefaults, asControlHolds } from './settings.js';
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
import { Store, Status } from './store.js';
import { showButtons, showSettings, showUrl, showSession } from './store-views.js';
import { Target } from './target.js';
import { PaneViews, SESSION_A, SESSION_B } from './panes.js';
import { Sessions } from './sessions.js';
import { Screen } from './screen.js';
import { Engine } from './engine.js';
import { Boot } from './boot.js';
import { ModelChoice, PRESETS } from './model-choice.js';
import { ImageFiles } from './image-files.js';
import { YourModel, CUSTOM } from './your-model.js';
import { Watchdog } from './watchdog.js';
import { TfChoice } from './tf-choice.js';

function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

const byId = (ids) => Object.fromEntries(Object.entries(ids).map(([key, id]) => [key, $(id)]));

// ------------------------------------------------------------------------------ the parts
const url = parseUrlState(window.location.search, window.location.hash);
applyView(url.view);

const getClient = () => boot.client; // the WorkerClient of the moment (boot.js makes them)
const el = byId({
  target: 'target', learned: 'learned', start: 'start', step: 'step', reset: 'reset', retry: 'retry',
  compare: 'compare', solve: 'solve', statusNote: 'status-note',
});
const store = new Store({ ...controlDefaults(), 'model-b': null });
const readout = new Readout(byId({
  epoch: 'epoch', cost: 'cost', psnr: 'psnr', fresh: 'frame-epoch', statusText: 'status-text', message: 'message',
  messageText: 'message-text', retry: 'retry', loading: 'loading', loadingText: 'loading-text',
}), store);
const controls = buildControls(
  byId({ target: 'target-settings', training: 'training-settings', model: 'model-picker', lesson: 'lesson-settings' }),
  controlRows(), (id, value) => onSetting(id, value));
delete $('settings').dataset.building; // the panel is whole now: shown (css/style.css)
const knobs = new KnobPanel($('knobs-a'), 'knob-', (name, value) => models.onKnob(SESSION_A, name, value));
const compare = new ComparePane(byId({
  pane: 'pane-b', canvas: 'learned-b', select: 'model-b', epoch: 'epoch-b', cost: 'cost-b', psnr: 'psnr-b',
  rate: 'lr-b', knobs: 'knobs-b',
}), {
  onModel: (name) => chooseModelB(name),
  onKnob: (name, value) => models.onKnob(SESSION_B, name, value),
});
const tf = new TfChoice({
  client: getClient, store, readout, isNetwork: (name) => models.isNetwork(name), status: $('backend-hint'),
});
const gallery = buildGallery($('gallery'), IMAGES, pickImage);
const target = new Target({ canvas: el.target, learned: el.learned, credit: $('image-credit') }, getClient, gallery, store);
const panes = new PaneViews({
  store, target, learned: el.learned, readout, compare, chart: new CostChart($('chart')),
  lesson: {
    ...byId({ legendA: 'view-legend', legendB: 'view-legend-b' }),
    hiddenA: byId({ row: 'psnr-hidden-row', value: 'psnr-hidden' }),
    hiddenB: byId({ row: 'psnr-hidden-b-row', value: 'psnr-hidden-b' }),
  },
});
const screen = new Screen({ store, client: getClient, panes, size: () => target.size });
const sessions = new Sessions({
  client: getClient, store, screen, panes, target, knobs, compare, tf,
  lesson: byId({ overlay: 'target-holdout', holdoutLegend: 'holdout-legend' }),
});
const engine = new Engine({
  client: getClient, store, sessions, screen, readout,
  epochsPerFrame: (id) => (id === SESSION_A ? store.get('epochs-per-frame') : compare.epochsPerFrame(store.get('model-b'))),
});
const models = new ModelChoice(byId({
  solve: 'solve', solveHint: 'solve-hint', explain: 'explain', modelALabel: 'model-a-label',
}), { client: getClient, store, knobs, compare, sessions, engine, retarget, onChange: () => reshowButtons() });
const files = new ImageFiles({
  client: getClient, readout, engine, store, target, sessions, models, imageSelect: controls.element('image'),
});
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
const boot = new Boot({ store, readout, screen, engine, sessions, target, files, models, yourModel, tf });
new Watchdog({
  client: getClient, store, button: $('stop-python'), readout, armed: () => yourModel.inUse(), onStop: () => boot.restart(),
});

// ------------------------------------------------------------------------------ settings
// What a change of a setting does, by its row's effect (settings.js); (key, value, before).
const EFFECTS = {
  retarget: (key, value) => retarget(key, value),
  redraw: (key, value, before) => redraw(key, before),
  rate: (key, value) => setRate(value),
  engine: () => models.switchEngine(),
  model: (key, value) => chooseModel(value),
  threshold: () => {},
};

// A control changed by the person: the setting is chosen (the store), then applied by its effect.
async function onSetting(key, value) {
  noteShown(key, value); // the control already shows it
  const row = setting(key);
  const refusal = row.refuse?.(value, store.get(key));
  if (refusal) {
    readout.showMessage(refusal, 'error');
    controls.set(key, store.get(key));
    noteShown(key, store.get(key));
    return;
  }
  const before = store.get(key);
  if (row.effect === 'rate') store.update({ learningRateEdited: true });
  if (row.effect === 'threshold') store.update({ stopCostEdited: true });
  store.choose(key, value);
  await EFFECTS[row.effect]?.(key, value, before);
}

// A rate or redraw request that failed because Python is restarting (Stop) is not refused: the new
// sessions are made with the setting as chosen.
async function setRate(rate) {
  if (!store.pythonUp) return;
  try {
    await sessions.setRate(rate);
  } catch (err) {
    if (store.pythonUp) readout.showMessage(`The learning rate was not changed: ${err.message}`, 'error');
  }
}

// Zoom or view: the same sessions drawn another way; refused, it is said and the panes go back to the
// way they were drawn.
async function redraw(key, before) {
  if (!store.pythonUp) return; // the sessions are made with it
  await store.during(async () => {
    try {
      await sessions.display();
    } catch (err) {
      if (!store.pythonUp) return;
      readout.showMessage(`The learned image could not be drawn that way: ${err.message}`, 'error');
      engine.onError(err);
      store.choose(key, before);
      await sessions.display().catch(() => {});
    }
  });
}

// Session a's model: the visitor's is compiled and run (refused: the model in effect stays, and so does
// the picker).
async function chooseModel(name) {
  if (name !== CUSTOM) {
    await models.switchModel(name);
  } else if (!(await yourModel.run())) {
    store.choose('model', store.pane(SESSION_A).model ?? yourModel.previousModel);
  }
}

// Model B: the visitor's model is compiled first (a refusal leaves B as it was).
async function chooseModelB(name) {
  const current = store.get('model-b');
  if (name === CUSTOM && !(await yourModel.compile())) {
    store.choose('model-b', current);
    compare.showModel(current);
    return;
  }
  if (name === CUSTOM && current !== CUSTOM) yourModel.previousModelB = current;
  await models.switchModelB(name);
}

function pickImage(id) {
  if (id === store.get('image') && !store.upload) return;
  controls.set('image', id);
  onSetting('image', id);
}

// A new image, resolution, label mode or hidden share: show the new target and start new sessions at
// epoch 0.
async function retarget(key, value) {
  if (key === 'size') target.size = Number(value);
  if (key === 'mode') store.followMode(value);
  if (key === 'image') {
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

// ------------------------------------------------------------------------------ connecting
store.adoptUrl(Object.fromEntries(Object.entries(url.settings).map(([key, value]) => [key, asControlHolds(key, value)])),
  url.rejected);
if (!('model-b' in store.chosen)) store.set('model-b', defaultModelB(store.get('model')));
target.size = Number(store.get('size'));
const noteShown = showSettings(store, { controls, compare, compareBox: el.compare });
showUrl(store);
showSession(store);
el.compare.addEventListener('change', () => models.setCompare(el.compare.checked));
el.solve.addEventListener('click', () => engine.solve((id) => models.solvable(sessions.model(id))));
$('preset-2017').addEventListener('click', () => models.applyPreset(PRESETS['2017']));
$('preset-modern').addEventListener('click', () => models.applyPreset(PRESETS.modern));
$('preset-spectral').addEventListener('click', () => models.applyPreset(PRESETS.spectral));
const reshowButtons = showButtons(store, { el, readout, models, files: exportButtons });
models.showModelNames();
el.start.addEventListener('click', () => engine.toggle());
el.step.addEventListener('click', () => engine.step());
el.reset.addEventListener('click', () => engine.reset());
el.retry.addEventListener('click', () => boot.boot());
installUpload({ input: $('upload'), dropZone: el.target.closest('.frame') }, {
  onFile: (file) => files.openFile(file),
  onRefused: (text) => readout.showMessage(text, 'error'),
});
target.showCredit(store.get('image'));
boot.boot();

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
