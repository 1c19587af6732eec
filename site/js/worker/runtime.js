// The Python runtime inside the worker: boots Pyodide + numpy + the `painting` package with progress
// events and named load failures, loads further packages (Pillow) on demand, and turns Python
// exceptions into the plain {name, message, stack} errors the protocol sends. A first visit loads numpy
// with the interpreter; a second has snapshot.js keep a snapshot of an interpreter, which later visits
// start from (startInterpreter).

import { Event, Request, Stage } from '../protocol.js';

const PYODIDE_DIR = new URL('../../pyodide/', import.meta.url).href;
const PACKAGE_ZIP = new URL('../../py/painting.zip', import.meta.url).href;

// Which stage each downloaded file counts towards (matched on the URL's file name).
const STAGE_OF_FILE = [
  [/pyodide\.asm\.wasm$|python_stdlib\.zip$/, Stage.RUNTIME],
  [/^numpy-.*\.whl$/, Stage.NUMPY],
  [/^painting\.zip$/, Stage.MODEL],
];

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
let runtime = null; // Promise of {pyodide, painting}, from the first load()

// Boots Python on the first call (worker.js makes it as the worker starts); the same promise after.
export function load() {
  runtime ??= boot();
  return runtime;
}

// The booted runtime's promise; an error if nothing started the boot.
export function loaded() {
  if (!runtime) throw new Error(`Python is not loaded: send ${Request.LOAD} first`);
  return runtime;
}

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

  let loader;
  try {
    loader = await import(`${PYODIDE_DIR}pyodide.mjs`);
  } catch (err) {
    fail('could not load pyodide/pyodide.mjs', err);
  }
  let pyodide;
  try {
    pyodide = await startInterpreter(loader, {
      indexURL: PYODIDE_DIR,
      stdout: (line) => console.log(line),
      stderr: (line) => { stderr.push(line); console.warn(line); },
    });
  } catch (err) {
    fail('the Python runtime did not start', err);
  }
  postProgress(Stage.RUNTIME, 1);
  try {
    if (!('numpy' in pyodide.loadedPackages)) await loadPackage(pyodide, 'numpy'); // after a snapshot
  } catch (err) {
    fail(err.message);
  }
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

// The interpreter, with numpy. A repeat visit starts it from a memory snapshot (Pyodide's experimental
// _makeSnapshot / _loadSnapshot) of an interpreter that has just started, before numpy: Pyodide 0.27.7
// cannot snapshot a state with a package loaded (its JS objects are not serialisable, and the package's
// shared libraries live outside the memory). A first visit loads numpy with the interpreter (its
// download and the interpreter's start overlap, as in a bare Pyodide boot) and leaves a mark; the second
// has snapshot.js make the snapshot in a worker of its own once Python is ready (an interpreter that
// makes one stays several times slower at calls between Python and JS), and later visits start from it.
// The snapshot (~21 MB) is the interpreter's whole memory, kept in the Cache API under the Pyodide
// version; Pyodide itself refuses one of another build. Not one of sw.js's caches (`regression-painter
// <scope> <version>`): it holds none of this build's files, so a redeploy keeps it; a new Pyodide is a
// new key.
const SNAPSHOT_CACHE = 'regression-painter-python-snapshot';
const SNAPSHOT_DELAY_MS = 3000; // after the boot: the first frame's work comes first

async function startInterpreter({ loadPyodide, version }, options) {
  const key = `${PYODIDE_DIR}interpreter-${version}.snapshot`;
  const visited = `${PYODIDE_DIR}interpreter-${version}.visited`;
  const cache = await caches.open(SNAPSHOT_CACHE).catch(() => null); // no Cache API: no snapshot
  const saved = cache && await cache.match(key);
  if (saved) {
    try {
      return await loadPyodide({ ...options, _loadSnapshot: new Uint8Array(await saved.arrayBuffer()) });
    } catch (err) {
      console.warn(`Python snapshot not used: ${err.message}`);
      await cache.delete(key);
    }
  }
  const pyodide = await loadPyodide({ ...options, packages: ['numpy'] }); // did numpy load? boot() checks
  if (cache && await cache.match(visited)) makeSnapshotBeside(key);
  else cache?.put(visited, new Response('')).catch(() => {});
  return pyodide;
}

// snapshot.js in a worker of its own, started a moment after this boot (its download and start then
// come after the first frame's work); it reports only a failure.
function makeSnapshotBeside(key) {
  if (typeof Worker === 'undefined') return; // a browser without nested workers: no snapshot
  setTimeout(() => {
    let worker;
    try {
      worker = new Worker(new URL('./snapshot.js', import.meta.url), { type: 'module' });
    } catch (err) {
      console.warn(`Python snapshot not made: ${err.message}`);
      return;
    }
    worker.onmessage = ({ data }) => {
      if (!data.ok) console.warn(`Python snapshot not made: ${data.message}`);
      worker.terminate();
    };
    worker.onerror = (event) => { console.warn(`Python snapshot not made: ${event.message}`); worker.terminate(); };
    worker.postMessage({ cacheName: SNAPSHOT_CACHE, key });
  }, SNAPSHOT_DELAY_MS);
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
export async function loadPackage(pyodide, name) {
  const problems = [];
  await pyodide.loadPackage(name, { messageCallback: () => {}, errorCallback: (line) => problems.push(line) });
  if (!(name in pyodide.loadedPackages)) { // keyed by the lock file's `name` (e.g. "Pillow")
    const error = new Error(`${name} did not load: ${problems.join(' ') || 'no reason given'}`);
    error.name = 'LoadError';
    throw error;
  }
}

// A Python exception reaches JS as a PythonError whose message is the whole traceback; keep what
// follows its last "CostExplodedError: " line as the message and the class name as the name.
export function pythonError(err) {
  if (err && err.constructor && err.constructor.name === 'PythonError') {
    const name = err.type || 'PythonError';
    const text = String(err.message).trim();
    // the last line naming the class, possibly qualified ("painting.explosion.CostExplodedError: ...")
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
