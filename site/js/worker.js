// The Pyodide worker: boots Python + numpy + the `painting` package and drives painting.session.Session
// objects on request. Message types and fields are documented in protocol.js.
//
// Every PyProxy made here is destroyed once used; pixels leave as a copy in a transferred ArrayBuffer.

import { Request, Event, Stage } from './protocol.js';
import { imageHandlers } from './worker-images.js';

const PYODIDE_DIR = new URL('../pyodide/', import.meta.url).href;
const PACKAGE_ZIP = new URL('../py/painting.zip', import.meta.url).href;

// Which stage each downloaded file counts towards (matched on the URL's file name).
const STAGE_OF_FILE = [
  [/pyodide\.asm\.wasm$|python_stdlib\.zip$/, Stage.RUNTIME],
  [/^numpy-.*\.whl$/, Stage.NUMPY],
  [/^painting\.zip$/, Stage.MODEL],
];

let runtime = null;          // Promise of {pyodide, painting} once LOAD was asked for
const sessions = new Map();  // session id -> {session, target, settings}

// ------------------------------------------------------------------------------------ progress
function postProgress(stage, fraction) {
  self.postMessage({ type: Event.PROGRESS, stage, fraction });
}

function fileName(url) {
  return new URL(url, self.location.href).pathname.split('/').pop();
}

// Pyodide fetches its files itself; a thin wrapper around this worker's fetch counts the bytes of
// the big ones (for the progress bars) and remembers every failed request (to name it in errors).
function trackDownloads() {
  const failed = [];
  const perStage = new Map(); // stage -> Map(file -> {loaded, total})
  let lastPost = 0;
  const report = (stage, force) => {
    const now = performance.now();
    if (!force && now - lastPost < 50) return;
    lastPost = now;
    let loaded = 0, total = 0;
    for (const f of perStage.get(stage).values()) { loaded += f.loaded; total += f.total; }
    // the stage is only complete when the work after the download is done, hence the 0.95 cap
    postProgress(stage, total > 0 ? Math.min(0.95, (0.95 * loaded) / total) : null);
  };
  const count = async (response, stage, name) => {
    if (!perStage.has(stage)) perStage.set(stage, new Map());
    const entry = { loaded: 0, total: Number(response.headers.get('Content-Length')) || 0 };
    perStage.get(stage).set(name, entry);
    const reader = response.clone().body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      entry.loaded += value.byteLength;
      report(stage, false);
    }
    report(stage, true);
  };
  const realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    const name = fileName(url);
    let response;
    try {
      response = await realFetch(input, init);
    } catch (err) {
      failed.push(`${name} (${err.message})`);
      self.postMessage({ type: Event.FETCH_FAILED, file: name, reason: err.message });
      throw err;
    }
    if (!response.ok) {
      failed.push(`${name} (HTTP ${response.status})`);
      self.postMessage({ type: Event.FETCH_FAILED, file: name, reason: `HTTP ${response.status}` });
      return response;
    }
    const match = STAGE_OF_FILE.find(([pattern]) => pattern.test(name));
    if (match && response.body) count(response, match[1], name).catch(() => {});
    return response;
  };
  return failed;
}

// ------------------------------------------------------------------------------------ loading
async function boot() {
  const failedFetches = trackDownloads();
  const stderr = [];
  const cause = (what) => {
    const parts = [what];
    if (failedFetches.length) parts.push(`could not fetch ${failedFetches.join(', ')}`);
    const pyodideSays = stderr.filter((line) => /fail|error/i.test(line));
    if (pyodideSays.length) parts.push(pyodideSays.join(' '));
    return parts.join(': ');
  };
  const fail = (what, err) => {
    const error = new Error(cause(err ? `${what} (${err.message})` : what));
    error.name = 'LoadError';
    throw error;
  };

  for (const stage of Object.values(Stage)) postProgress(stage, 0);
  // painting.zip downloads while the interpreter and numpy load
  const packageZip = fetch(PACKAGE_ZIP).then(async (response) => {
    if (!response.ok) throw new Error(`${fileName(PACKAGE_ZIP)}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  packageZip.catch(() => {}); // awaited below; avoid an unhandled rejection while Pyodide loads

  let loadPyodide;
  try {
    ({ loadPyodide } = await import(`${PYODIDE_DIR}pyodide.mjs`));
  } catch (err) {
    fail('could not load pyodide/pyodide.mjs', err);
  }
  let pyodide;
  try {
    pyodide = await loadPyodide({
      indexURL: PYODIDE_DIR,
      packages: ['numpy'],
      stdout: (line) => console.log(line),
      stderr: (line) => { stderr.push(line); console.warn(line); },
    });
  } catch (err) {
    fail('the Python runtime did not start', err);
  }
  postProgress(Stage.RUNTIME, 1);
  // a package that fails to load is only logged by Pyodide; turn it into an error naming the file
  if (!('numpy' in pyodide.loadedPackages)) fail('numpy did not load');
  postProgress(Stage.NUMPY, 1);

  let zip;
  try {
    zip = await packageZip;
  } catch (err) {
    fail('could not fetch the painting package', err);
  }
  try {
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
    pyodide.unpackArchive(zip, 'zip', { extractDir: sitePackages });
  } catch (err) {
    fail('painting.zip could not be unpacked', err);
  }
  let painting;
  try {
    painting = await importPainting(pyodide);
  } catch (err) {
    fail(`painting.zip did not import: ${pythonError(err).message}`);
  }
  postProgress(Stage.MODEL, 1);
  return { pyodide, painting };
}

// Pillow is loaded only when first needed (decoding uploads). If this version of painting.session
// imports it at import time, load it then and retry once.
async function importPainting(pyodide) {
  try {
    return pyodide.pyimport('painting.session');
  } catch (err) {
    if (!/No module named 'PIL'|module 'PIL'/.test(String(err.message))) throw err;
  }
  await loadPackage(pyodide, 'Pillow');
  return pyodide.pyimport('painting.session');
}

// pyodide.loadPackage only logs a failed download; make it an error that names the file.
async function loadPackage(pyodide, name) {
  const problems = [];
  await pyodide.loadPackage(name, { messageCallback: () => {}, errorCallback: (line) => problems.push(line) });
  if (!(name in pyodide.loadedPackages)) { // keyed by the lock file's `name` (e.g. "Pillow")
    const error = new Error(`${name} did not load: ${problems.join(' ') || 'no reason given'}`);
    error.name = 'LoadError';
    throw error;
  }
}

// ------------------------------------------------------------------------------------ sessions
function toJsObject(proxy) {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries });
  } finally {
    proxy.destroy();
  }
}

function framePixels(array) {
  try {
    const view = array.getBuffer('u8'); // detaches if wasm memory grows: copy out right away
    try {
      if (!view.c_contiguous) throw new Error('Session.frame() must return a C-contiguous array');
      return view.data.slice().buffer;
    } finally {
      view.release();
    }
  } finally {
    array.destroy();
  }
}

function makeSession({ pyodide, painting }, target, settings) {
  const kwargs = { model: settings.model, mode: settings.mode, seed: 0, ...settings.knobs };
  if (settings.learningRate != null) kwargs.learning_rate = settings.learningRate;
  return painting.Session.callKwargs(target, kwargs);
}

function targetFrom({ pyodide, painting }, { pixels, width, height }) {
  const bytes = pyodide.toPy(new Uint8Array(pixels));
  try {
    return painting.rgba_to_rgb(bytes, height, width);
  } finally {
    bytes.destroy();
  }
}

function dropSession(id) {
  const entry = sessions.get(id);
  if (!entry) return;
  entry.session.destroy();
  entry.target.destroy();
  sessions.delete(id);
}

function describe(entry) {
  return { ...toJsObject(entry.session.stats()), learningRate: entry.session.learning_rate };
}

function sessionFor(id) {
  const entry = sessions.get(id);
  if (!entry) throw new Error(`no session "${id}": send ${Request.INIT} first`);
  return entry;
}

function replaceSession(py, id, target, settings) {
  const session = makeSession(py, target, settings); // throws before anything is dropped
  const old = sessions.get(id);
  if (old) {
    old.session.destroy();
    if (old.target !== target) old.target.destroy();
  }
  const entry = { session, target, settings };
  sessions.set(id, entry);
  return entry;
}

function loaded() {
  if (!runtime) throw new Error(`Python is not loaded: send ${Request.LOAD} first`);
  return runtime;
}

const handlers = {
  async [Request.LOAD]() {
    runtime ??= boot();
    const py = await loaded();
    return { python: py.pyodide.version, numpy: py.pyodide.loadedPackages.numpy };
  },

  async [Request.INIT](msg) {
    const py = await loaded();
    const settings = {
      mode: msg.mode, model: msg.model, learningRate: msg.learningRate ?? null, knobs: msg.knobs ?? {},
    };
    const target = targetFrom(py, msg);
    try {
      return describe(replaceSession(py, msg.session, target, settings));
    } catch (err) {
      target.destroy();
      throw err;
    }
  },

  async [Request.SET_IMAGE](msg) {
    const py = await loaded();
    const { settings } = sessionFor(msg.session);
    const target = targetFrom(py, msg);
    try {
      return describe(replaceSession(py, msg.session, target, settings));
    } catch (err) {
      target.destroy();
      throw err;
    }
  },

  async [Request.CONFIGURE](msg) {
    const py = await loaded();
    const entry = sessionFor(msg.session);
    const rebuild = ['mode', 'model', 'knobs'].some((key) => msg[key] !== undefined);
    if (rebuild) {
      const settings = {
        ...entry.settings,
        ...Object.fromEntries(['mode', 'model', 'knobs', 'learningRate']
          .filter((key) => msg[key] !== undefined).map((key) => [key, msg[key]])),
      };
      return describe(replaceSession(py, msg.session, entry.target, settings));
    }
    if (msg.learningRate !== undefined) {
      entry.session.learning_rate = msg.learningRate; // validated by Python; applies to the next step
      entry.settings.learningRate = entry.session.learning_rate;
    }
    return describe(entry);
  },

  async [Request.TRAIN](msg) {
    await loaded();
    const { session } = sessionFor(msg.session);
    const stats = toJsObject(session.step(msg.epochs));
    const pixels = framePixels(session.frame());
    const done = msg.stopCost != null && stats.cost <= msg.stopCost;
    return { result: { ...stats, done, pixels }, transfer: [pixels] };
  },

  async [Request.RESET](msg) {
    await loaded();
    const entry = sessionFor(msg.session);
    entry.session.reset();
    const pixels = framePixels(entry.session.frame());
    return { result: { ...describe(entry), pixels }, transfer: [pixels] };
  },

  async [Request.FRAME](msg) {
    await loaded();
    const entry = sessionFor(msg.session);
    const pixels = framePixels(entry.session.frame());
    return { result: { ...describe(entry), pixels }, transfer: [pixels] };
  },

  async [Request.DESCRIBE]() {
    const py = await loaded();
    const models = py.pyodide.pyimport('painting.models');
    try {
      return { models: toJsObject(models.describe_models()) };
    } finally {
      models.destroy();
    }
  },

  async [Request.SOLVE](msg) {
    await loaded();
    const { session } = sessionFor(msg.session);
    const stats = toJsObject(session.solve());
    const pixels = framePixels(session.frame());
    return { result: { ...stats, pixels }, transfer: [pixels] };
  },

  async [Request.DROP](msg) {
    dropSession(msg.session);
    return {};
  },
};

// images in and out: decoding a person's file, resampling it, PNG / GIF / parameter files
Object.assign(handlers, imageHandlers({ loaded, sessionFor, framePixels, describe, toJsObject, loadPackage }));

// A Python exception reaches JS as a PythonError whose message is the whole traceback; keep what
// follows its last "CostExplodedError: " line as the message and the class name as the name.
function pythonError(err) {
  if (err && err.constructor && err.constructor.name === 'PythonError') {
    const name = err.type || 'PythonError';
    const text = String(err.message).trim();
    // the last line naming the class, possibly qualified ("painting.linreg.CostExplodedError: ...")
    const heads = [...text.matchAll(/^(?:[\w.]+\.)?(\w+): /gm)].filter((m) => m[1] === name);
    const last = heads[heads.length - 1];
    const message = last ? text.slice(last.index + last[0].length).trim() : text.split('\n').pop();
    return { name, message, stack: text };
  }
  return {
    name: (err && err.name) || 'Error',
    message: (err && err.message) || String(err),
    stack: (err && err.stack) || '',
  };
}

// Requests run one at a time, in order: a Session must never see two calls interleaved.
let queue = Promise.resolve();

self.addEventListener('message', (event) => {
  const msg = event.data;
  queue = queue.then(async () => {
    const handler = handlers[msg.type];
    try {
      if (!handler) throw new Error(`unknown request type "${msg.type}"`);
      const reply = await handler(msg);
      const { result, transfer } = reply && 'result' in reply ? reply : { result: reply, transfer: [] };
      self.postMessage({ id: msg.id, ok: true, result }, transfer);
    } catch (err) {
      self.postMessage({ id: msg.id, ok: false, error: pythonError(err) });
    }
  });
});
