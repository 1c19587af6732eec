// The Pyodide worker: answers the page's requests (protocol.js) by driving painting.session.Session
// objects. Booting Python lives in worker-runtime.js, images in and out in worker-images.js.
//
// Every PyProxy made here is destroyed once used; pixels leave as a copy in a transferred ArrayBuffer.

import { Request } from './protocol.js';
import { boot, loadPackage, pythonError } from './worker-runtime.js';
import { imageHandlers } from './worker-images.js';

let runtime = null;          // Promise of {pyodide, painting} once LOAD was asked for
const sessions = new Map();  // session id -> {session, target, settings}

// ------------------------------------------------------------------------------------ sessions
function toJsObject(proxy) {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries });
  } finally {
    proxy.destroy();
  }
}

// A C-contiguous uint8 (H, W, 4) RGBA or (H, W, 3) RGB array -> a transferable RGBA ArrayBuffer.
// RGB is widened here, in one pass of plain JS, which is cheaper than a strided numpy copy in wasm.
function framePixels(array) {
  try {
    const view = array.getBuffer('u8'); // detaches if wasm memory grows: copy out right away
    try {
      if (!view.c_contiguous) throw new Error('frame pixels must be a C-contiguous array');
      const channels = view.shape[view.shape.length - 1];
      if (channels === 4) return view.data.slice().buffer;
      if (channels !== 3) throw new Error(`frame pixels must have 3 or 4 channels, not ${channels}`);
      const rgb = view.data;
      const rgba = new Uint8Array((rgb.length / 3) * 4);
      for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
        rgba[j] = rgb[i];
        rgba[j + 1] = rgb[i + 1];
        rgba[j + 2] = rgb[i + 2];
        rgba[j + 3] = 255;
      }
      return rgba.buffer;
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

// A session on the target in msg ({session, pixels, width, height}); if it cannot be made, the target is
// freed and the session as it was stays.
function sessionOnTarget(py, msg, settings) {
  const target = targetFrom(py, msg);
  try {
    return describe(replaceSession(py, msg.session, target, settings));
  } catch (err) {
    target.destroy();
    throw err;
  }
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
    const settings = {
      mode: msg.mode, model: msg.model, learningRate: msg.learningRate ?? null, knobs: msg.knobs ?? {},
    };
    return sessionOnTarget(await loaded(), msg, settings);
  },

  async [Request.SET_IMAGE](msg) {
    const { settings } = sessionFor(msg.session);
    return sessionOnTarget(await loaded(), msg, settings);
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
    const pixels = framePixels(session.learned_rgb());
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
