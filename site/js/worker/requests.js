// The worker's requests: answers the page's requests (protocol.js) by driving painting.session.Session
// objects. The sessions and their conversions to messages are in registry.js, training in engine.js,
// booting Python in runtime.js, images in and out in images.js. worker.js loads this module while
// Python boots and hands it the requests that came meanwhile (listen).
//
// Every PyProxy made here is destroyed once used.

import { Request, Signal } from '../protocol.js';
import { load, loaded, pythonError } from './runtime.js';
import { imageHandlers } from './images.js';
import { engine } from './engine.js';
import { asyncReads, loadTf } from './tf.js';
import {
  describe, describeAll, destroySession, engineFor, sessionFor, sessions, toJsObject,
} from './registry.js';

// ------------------------------------------------------------------------------------ sessions
// A Session for `settings` on the engine `runsOn` ('numpy' | 'tensorflow'); a batch_size of null (not
// chosen) is the engine's default (models.default_batch_size: a bigger batch on a GPU).
function makeSession({ pyodide, painting }, target, settings, runsOn) {
  const kwargs = { model: settings.model, mode: settings.mode, seed: 0, engine: runsOn, ...settings.knobs };
  if ('batch_size' in kwargs && kwargs.batch_size == null) {
    const models = pyodide.pyimport('painting.models');
    try {
      kwargs.batch_size = models.default_batch_size(settings.model, runsOn);
    } finally {
      models.destroy();
    }
    if (kwargs.batch_size == null) delete kwargs.batch_size;
  }
  if (settings.learningRate != null) kwargs.learning_rate = settings.learningRate;
  if (settings.holdout) kwargs.holdout = settings.holdout;
  const session = painting.Session.callKwargs(target, kwargs);
  try {
    showOn(session, settings);
  } catch (err) {
    destroySession(session);
    throw err;
  }
  return session;
}

// What the learned canvas shows (Session.zoom, Session.view): set on the session, kept in its settings.
function showOn(session, { zoom, view }) {
  if (zoom != null) session.zoom = zoom;
  if (view != null) session.view = view;
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
  destroySession(entry.session);
  entry.target.destroy();
  sessions.delete(id);
  engine.changed(entry);
}

async function replaceSession(py, id, target, settings) {
  const { engine: runsOn, tf } = await engineFor(py, settings); // TensorFlow.js loads first, if needed
  const session = makeSession(py, target, settings, runsOn); // throws before anything is dropped
  const old = sessions.get(id);
  if (old) {
    destroySession(old.session);
    if (old.target !== target) old.target.destroy();
  }
  const entry = {
    id, session, target, settings, gen: old?.gen ?? 0, credit: old?.credit ?? false, plan: null, engine: runsOn, tf,
    asyncReads: runsOn === 'tensorflow' && asyncReads(tf.backend), // the engine enters its Python through callPromising
  };
  sessions.set(id, entry);
  engine.changed(entry);
  return entry;
}

// A session on the target in msg ({session, pixels, width, height}); if it cannot be made, the target is
// freed and the session as it was stays.
async function sessionOnTarget(py, msg, settings) {
  const target = targetFrom(py, msg);
  try {
    return describe(await replaceSession(py, msg.session, target, settings));
  } catch (err) {
    target.destroy();
    throw err;
  }
}

// The article's two-by-two figure (painting.article.TwoByTwo): one, made on first use, kept.
let twoByTwoExample = null;

async function twoByTwo() {
  const py = await loaded();
  if (!twoByTwoExample) {
    const article = py.pyodide.pyimport('painting.article');
    try {
      twoByTwoExample = article.TwoByTwo();
    } finally {
      article.destroy();
    }
  }
  return twoByTwoExample;
}

const handlers = {
  // Not queued (see the listener below): the page awaits it while other requests are answered.
  async [Request.LOAD_TF](msg) {
    const { tf, ...info } = await loadTf(msg.forced ?? null);
    return info;
  },

  async [Request.LOAD]() {
    const py = await load();
    return { python: py.pyodide.version, numpy: py.pyodide.loadedPackages.numpy };
  },

  async [Request.INIT](msg) {
    const settings = {
      mode: msg.mode, model: msg.model, learningRate: msg.learningRate ?? null, knobs: msg.knobs ?? {},
      holdout: msg.holdout ?? 0, zoom: msg.zoom ?? 1, view: msg.view ?? 'learned',
      engine: msg.engine ?? 'numpy', tfBackend: msg.tfBackend ?? null,
    };
    return sessionOnTarget(await loaded(), msg, settings);
  },

  async [Request.CONFIGURE](msg) {
    const py = await loaded();
    const entry = sessionFor(msg.session);
    const rebuild = ['mode', 'model', 'knobs', 'holdout', 'engine'].some((key) => msg[key] !== undefined);
    if (rebuild) {
      const settings = {
        ...entry.settings,
        ...Object.fromEntries(['mode', 'model', 'knobs', 'learningRate', 'holdout', 'zoom', 'view', 'engine', 'tfBackend']
          .filter((key) => msg[key] !== undefined).map((key) => [key, msg[key]])),
      };
      return describe(await replaceSession(py, msg.session, entry.target, settings));
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
    for (const id of Object.keys(msg.plans)) sessionFor(id).session.begin();
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

  async [Request.TWO_BY_TWO](msg) {
    const example = await twoByTwo();
    if (msg.action === 'step') example.step(msg.epochs ?? 1);
    else if (msg.action === 'reset') example.reset();
    else if (msg.action === 'configure') {
      const configure = example.configure;
      try {
        configure.callKwargs({ learning_rate: msg.learningRate ?? null, channels: msg.channels ?? null });
      } finally {
        configure.destroy();
      }
    } else throw new Error(`unknown two-by-two action "${msg.action}"`);
    return toJsObject(example.state());
  },

  async [Request.DROP](msg) {
    dropSession(msg.session);
    return {};
  },
};

// images in and out: decoding a person's file, resampling it, PNG / GIF / parameter files
Object.assign(handlers, imageHandlers());

// Requests run one at a time, in order (a Session never sees two calls interleaved); the engine's
// slices run between them. A PULL signal has no reply and skips the queue.
// LOAD_TF runs beside the queue: loading TensorFlow.js takes seconds and touches no session.
let queue = Promise.resolve();

async function answer(msg) {
  const handler = handlers[msg.type];
  try {
    if (!handler) throw new Error(`unknown request type "${msg.type}"`);
    await engine.outOfPython();
    const reply = await handler(msg);
    const { result, transfer } = reply && 'result' in reply ? reply : { result: reply, transfer: [] };
    self.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (err) {
    self.postMessage({ id: msg.id, ok: false, error: pythonError(err) });
  }
}

function receive(event) {
  const msg = event.data;
  if (msg.type === Signal.PULL) {
    engine.pull(msg.sessions);
    return;
  }
  if (msg.type === Request.LOAD_TF) {
    answer(msg);
    return;
  }
  queue = queue.then(() => answer(msg));
}

// worker.js: the messages that came before this module loaded (in order), then every later one.
export function listen(early) {
  early.forEach(receive);
  self.addEventListener('message', receive);
}
