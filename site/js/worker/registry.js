// The worker's sessions and what every part of the worker needs to talk about them: the map of
// sessions, and the conversions of Python values into what a message carries (plain objects,
// transferable RGBA pixels). requests.js, engine.js and images.js import it.
//
// Every PyProxy made here is destroyed once used; pixels leave as a copy in a transferred ArrayBuffer.

import { Request } from '../protocol.js';
import { loadTf } from './tf.js';

// session id -> {id, session, target, settings, gen, credit, plan, engine, tf}
export const sessions = new Map();
let networks = null;                // the models TensorFlow.js can run (painting.tfnets.MODELS)

// What a session of `model` runs on, given the page's choice (settings.engine, settings.tfBackend):
// {engine: 'tensorflow', tf: {backend, adapter, reason}} for a network on TensorFlow.js (loaded here
// if it is not yet), else {engine: 'numpy', tf: null}.
export async function engineFor({ pyodide }, { model, engine, tfBackend }) {
  if (!networks) {
    const names = pyodide.runPython('import painting.tfnets\nlist(painting.tfnets.MODELS)');
    networks = new Set(names.toJs());
    names.destroy();
  }
  if (engine !== 'tensorflow' || !networks.has(model)) return { engine: 'numpy', tf: null };
  const { tf, ...info } = await loadTf(tfBackend ?? null);
  return { engine: 'tensorflow', tf: info };
}

// Frees a session: its model's memory outside Python (TensorFlow.js tensors) first, then the proxy.
export function destroySession(session) {
  try {
    session.dispose();
  } finally {
    session.destroy();
  }
}

export function sessionFor(id) {
  const entry = sessions.get(id);
  if (!entry) throw new Error(`no session "${id}": send ${Request.INIT} first`);
  return entry;
}

// A Python dict (or object) -> a plain JS object; the proxy is destroyed.
export function toJsObject(proxy) {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries });
  } finally {
    proxy.destroy();
  }
}

// A C-contiguous uint8 (H, W, 4) RGBA or (H, W, 3) RGB array -> a transferable RGBA ArrayBuffer.
// RGB is widened here, in one pass of plain JS, which is cheaper than a strided numpy copy in wasm: one
// 32-bit word per pixel (R in the low byte: typed arrays are little-endian wherever browsers run).
export function framePixels(array) {
  try {
    const view = array.getBuffer('u8'); // detaches if wasm memory grows: copy out right away
    try {
      if (!view.c_contiguous) throw new Error('frame pixels must be a C-contiguous array');
      const channels = view.shape[view.shape.length - 1];
      if (channels === 4) return view.data.slice().buffer;
      if (channels !== 3) throw new Error(`frame pixels must have 3 or 4 channels, not ${channels}`);
      const rgb = view.data;
      const rgba = new Uint32Array(rgb.length / 3);
      for (let i = 0, j = 0; j < rgba.length; i += 3, j += 1) {
        rgba[j] = rgb[i] | (rgb[i + 1] << 8) | (rgb[i + 2] << 16) | 0xff000000;
      }
      return rgba.buffer;
    } finally {
      view.release();
    }
  } finally {
    array.destroy();
  }
}

// The picture the learned canvas shows (the learned image, zoomed, or a view) and its size and legend.
export function shownFrame(session) {
  const shown = toJsObject(session.shown_info());
  return { pixels: framePixels(session.shown_rgb()), shown };
}

// Hidden pixels, as an RGBA overlay for the target (transferred), or null without any.
function holdoutOverlay(session) {
  return session.holdout ? framePixels(session.holdout_overlay()) : null;
}

// A session's settings and numbers; gen tells the page which frames belong to this session as it now
// is. With its frame (pixels) if that is quick to render; a network's follows when the page pulls it.
export function describe(entry, withFrame = true) {
  const { session } = entry;
  // a quick model renders now; a network's frame comes along when it is already of the current state
  // (e.g. after LOAD_PARAMS), else it follows as a FRAME when pulled
  const quick = withFrame && session.renders_quickly;
  if (quick) session.render(0);
  const frame = quick || (withFrame && session.frame_current);
  const { pixels, shown } = frame ? shownFrame(session) : {};
  const overlay = holdoutOverlay(session);
  const result = {
    ...toJsObject(session.info()), learningRate: session.learning_rate, gen: entry.gen, pixels, shown, overlay,
    engine: entry.engine ?? 'numpy', tf: entry.tf ?? null,
  };
  return { result, transfer: [pixels, overlay].filter(Boolean) };
}

// Several sessions' describe() in one reply (every session by default).
export function describeAll(ids = [...sessions.keys()], withFrames = true) {
  const described = ids.map((id) => [id, describe(sessions.get(id), withFrames)]);
  return {
    result: Object.fromEntries(described.map(([id, d]) => [id, d.result])),
    transfer: described.flatMap(([, d]) => d.transfer),
  };
}
