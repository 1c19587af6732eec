// The Pyodide worker: answers the page's requests (protocol.js) by driving painting.session.Session
// objects. Training runs in engine.js, booting Python in runtime.js, images in and out in images.js.
//
// Every PyProxy made here is destroyed once used; pixels leave as a copy in a transferred ArrayBuffer.

import { Request, Signal } from '../protocol.js';
import { boot, loadPackage, pythonError } from './runtime.js';
import { imageHandlers } from './images.js';
import { Engine } from './engine.js';

let runtime = null;          // Promise of {pyodide, painting} once LOAD was asked for
const sessions = new Map();  // session id -> {id, session, target, settings, gen, credit, plan}

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
  if (settings.holdout) kwargs.holdout = settings.holdout;
  const session = painting.Session.callKwargs(target, kwargs);
  try {
    showOn(session, settings);
  } catch (err) {
    session.destroy();
    throw err;
  }
  return session;
}

// What the learned canvas shows (Session.zoom, Session.view): set on the session, kept in its settings.
function showOn(session, { zoom, view }) {
  if (zoom != null) session.zoom = zoom;
  if (view != null) session.view = view;
}

// The picture the learned canvas shows (the learned image, zoomed, or a view) and its size and legend.
function shownFrame(session) {
  const shown = toJsObject(session.shown_info());
  return { pixels: framePixels(session.shown_rgb()), shown };
}

// Hidden pixels, as an RGBA overlay for the target (transferred), or null without any.
function holdoutOverlay(session) {
  return session.holdout ? framePixels(session.holdout_overlay()) : null;
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
  engine.changed(entry);
}

// A session's settings and numbers; gen tells the page which frames belong to this session as it now
// is. With its frame (pixels) if that is quick to render; a network's follows when the page pulls it.
function describe(entry, withFrame = true) {
  const { session } = entry;
  const frame = withFrame && session.renders_quickly;
  if (frame) session.render(0);
  const { pixels, shown } = frame ? shownFrame(session) : {};
  const overlay = holdoutOverlay(session);
  const result = {
    ...toJsObject(session.info()), learningRate: session.learning_rate, gen: entry.gen, pixels, shown, overlay,
  };
  return { result, transfer: [pixels, overlay].filter(Boolean) };
}

// Several sessions' describe() in one reply.
function describeAll(ids, withFrames = true) {
  const described = ids.map((id) => [id, describe(sessions.get(id), withFrames)]);
  return {
    result: Object.fromEntries(described.map(([id, d]) => [id, d.result])),
    transfer: described.flatMap(([, d]) => d.transfer),
  };
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
  const entry = { id, session, target, settings, gen: old?.gen ?? 0, credit: old?.credit ?? false, plan: null };
  sessions.set(id, entry);
  engine.changed(entry);
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
      holdout: msg.holdout ?? 0, zoom: msg.zoom ?? 1, view: msg.view ?? 'learned',
    };
    return sessionOnTarget(await loaded(), msg, settings);
  },

  async [Request.CONFIGURE](msg) {
    const py = await loaded();
    const entry = sessionFor(msg.session);
    const rebuild = ['mode', 'model', 'knobs', 'holdout'].some((key) => msg[key] !== undefined);
    if (rebuild) {
      const settings = {
        ...entry.settings,
        ...Object.fromEntries(['mode', 'model', 'knobs', 'learningRate', 'holdout', 'zoom', 'view']
          .filter((key) => msg[key] !== undefined).map((key) => [key, msg[key]])),
      };
      return describe(replaceSession(py, msg.session, entry.target, settings));
    }
    if (msg.zoom !== undefined || msg.view !== undefined) { // the same session, drawn another way
      const shown = { zoom: msg.zoom ?? entry.settings.zoom, view: msg.view ?? entry.settings.view };
      showOn(entry.session, shown);
      Object.assign(entry.settings, shown);
      entry.credit = true; // a network redraws its frame: send it when done
      engine.wake();
    }
    if (msg.learningRate !== undefined) {
      entry.session.learning_rate = msg.learningRate; // validated by Python; applies to the next slice
      entry.settings.learningRate = entry.session.learning_rate;
      entry.session.forget_plateau();
    }
    return describe(entry);
  },

  // Training: the engine runs it between requests; these only steer it.
  async [Request.PLAY](msg) {
    await loaded();
    for (const id of Object.keys(msg.plans)) sessionFor(id).session.checkpoint();
    engine.play(msg.plans, msg.stopCost, msg.run);
    return {};
  },

  // The numbers at once; the final frame follows as a pulled FRAME (rendering it here, up to tens of
  // ms at 512 x 512, would delay the reply).
  async [Request.PAUSE]() {
    engine.pause();
    const { result, transfer } = describeAll([...sessions.keys()], false);
    return { result: { sessions: result }, transfer };
  },

  async [Request.RESET](msg) {
    await loaded();
    const entry = sessionFor(msg.session);
    entry.session.reset();
    engine.changed(entry);
    return describe(entry);
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
    const entry = sessionFor(msg.session);
    entry.session.solve();
    engine.changed(entry);
    return describe(entry);
  },

  async [Request.CODE_TEMPLATES]() {
    const py = await loaded();
    const custom = py.pyodide.pyimport('painting.custom');
    try {
      return { templates: toJsObject(custom.TEMPLATES) };
    } finally {
      custom.destroy();
    }
  },

  // The visitor's code: compiled, checked on a fresh instance (one step on the session's target), and
  // only then registered, so an error leaves every session and the previous custom model as they were.
  async [Request.COMPILE_CODE](msg) {
    const py = await loaded();
    const custom = py.pyodide.pyimport('painting.custom');
    const models = py.pyodide.pyimport('painting.models');
    let cls = null;
    try {
      cls = custom.compile_model(msg.source, msg.filename ?? 'my_model.py');
      const entry = sessions.get(msg.session ?? 'a');
      if (entry) {
        const model = cls(entry.target);
        const shape = entry.target.shape;
        try {
          custom.check_model(model, shape);
        } finally {
          model.destroy();
          shape.destroy();
        }
      }
      custom.register_model(cls, 'custom');
      const described = toJsObject(models.describe_models());
      return { model: described.find((m) => m.name === 'custom') };
    } finally {
      cls?.destroy();
      custom.destroy();
      models.destroy();
    }
  },

  async [Request.SAVE_BUILT_INS]() {
    const py = await loaded();
    const params = py.pyodide.pyimport('painting.params'); // plain json: no Pillow needed
    try {
      const saved = {};
      for (const [id, { session }] of sessions) {
        if (session.model_name === 'custom') continue;
        const own = session.get_params();
        try {
          saved[id] = { model: session.model_name, text: params.params_to_json(own) };
        } finally {
          own.destroy();
        }
      }
      return { sessions: saved };
    } finally {
      params.destroy();
    }
  },

  async [Request.DROP](msg) {
    dropSession(msg.session);
    return {};
  },
};

// images in and out: decoding a person's file, resampling it, PNG / GIF / parameter files
Object.assign(handlers, imageHandlers({
  loaded, sessionFor, framePixels, describe, toJsObject, loadPackage, changed: (entry) => engine.changed(entry),
}));

const engine = new Engine({
  sessions, post: (message, transfer = []) => self.postMessage(message, transfer), framePixels, shownFrame,
  toJs: toJsObject, errorOf: pythonError,
  // with frames, unless a frame cannot be drawn (the error being reported may be that one)
  describeAll: () => {
    try {
      return describeAll([...sessions.keys()]);
    } catch {
      return describeAll([...sessions.keys()], false);
    }
  },
});

// Requests run one at a time, in order (a Session never sees two calls interleaved); the engine's
// slices run between them. A PULL signal has no reply and skips the queue.
let queue = Promise.resolve();

self.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg.type === Signal.PULL) {
    engine.pull(msg.sessions);
    return;
  }
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
