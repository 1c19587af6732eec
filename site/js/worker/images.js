// Images in and out, inside the worker: a person's file decoded with Pillow (painting.images.open_image),
// kept at <= 2048 px so the resolution control can resample it without decoding it again; and the
// exports (PNG, timelapse GIF, parameter files). Pillow is loaded on the first request that needs it.
// These handlers join requests.js's table; their messages are documented in protocol.js.
//
// Every PyProxy made here is destroyed once used, except the decoded images this module keeps.

import { Request } from '../protocol.js';
import { engine } from './engine.js';
import { describe, destroySession, engineFor, framePixels, sessionFor, toJsObject } from './registry.js';
import { loadPackage, loaded } from './runtime.js';

const MAX_DECODED_SIDE = 2048; // the original kept for resampling (painting.images.open_image max_side)
const LARGE_PNG_SIDE = 512;    // the large PNG: each pixel a whole-number block, about this many px across
const GIF_SIDE = 256;          // the timelapse GIF, likewise
const GIF_FRAME_MS = 80;

// The handlers for requests.js's table.
export function imageHandlers() {
  // PyProxy (H, W, 3) float32 images: the last file decoded (not yet used) and the person's image in use
  // (every session on screen paints the same target, so one of each is kept, until the next file).
  const kept = { decoded: null, original: null };
  let modules = null;          // {images, params, rgb_to_rgba} once Pillow is loaded

  async function withPillow() {
    const py = await loaded();
    if (!modules) {
      await loadPackage(py.pyodide, 'Pillow');
      modules = { images: py.pyodide.pyimport('painting.images'), params: py.pyodide.pyimport('painting.params') };
      modules.rgbToRgba = py.painting.rgb_to_rgba;
    }
    return { ...py, ...modules };
  }

  const keep = (slot, proxy) => {
    if (kept[slot] && kept[slot] !== proxy) kept[slot].destroy();
    kept[slot] = proxy;
  };

  // A Python value converted to JS, the proxy destroyed (plain values pass through).
  const take = (value) => {
    if (!value || typeof value.toJs !== 'function') return value;
    try {
      return value.toJs();
    } finally {
      value.destroy();
    }
  };

  // JS bytes -> a Python memoryview (via toPy), handed to `use`, then released.
  const withPyBytes = (pyodide, buffer, use) => {
    const data = pyodide.toPy(new Uint8Array(buffer));
    try {
      return use(data);
    } finally {
      data.destroy();
    }
  };

  // Python bytes -> an ArrayBuffer of exactly those bytes (a copy).
  const bytesOut = (proxy) => {
    const view = take(proxy); // Uint8Array
    return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view.buffer : view.slice().buffer;
  };

  // the numbers of the frame last sent to the page (no new rendering: exports are of what is shown)
  const stats = (session) => toJsObject(session.info());

  const handlers = {
    async [Request.LOAD_DECODER]() {
      const { pyodide } = await withPillow();
      return { pillow: pyodide.loadedPackages.Pillow };
    },

    async [Request.DECODE_IMAGE](msg) {
      const { pyodide, images } = await withPillow();
      const image = withPyBytes(pyodide, msg.bytes,
        (data) => images.open_image.callKwargs(data, { max_side: MAX_DECODED_SIDE }));
      try {
        const rgb = image.rgb.copy(); // an attribute proxy would die with `image`
        const [height, width] = take(rgb.shape);
        const [originalWidth, originalHeight] = take(image.original_size);
        const result = { width, height, originalWidth, originalHeight, format: image.format, notes: take(image.notes) };
        keep('decoded', rgb);
        return result;
      } finally {
        image.destroy();
      }
    },

    async [Request.RESAMPLE_IMAGE](msg) {
      const { images, rgbToRgba } = await withPillow();
      if (msg.decoded) {
        if (!kept.decoded) throw new Error(`no decoded image: send ${Request.DECODE_IMAGE} first`);
        keep('original', kept.decoded);
        kept.decoded = null;
      }
      if (!kept.original) throw new Error('there is no decoded image in use');
      const rgb = images.resize_rgb(kept.original, msg.size, true); // longest side = size, enlarged if smaller
      try {
        const [height, width] = take(rgb.shape);
        const pixels = framePixels(rgbToRgba(rgb));
        return { result: { width, height, pixels }, transfer: [pixels] };
      } finally {
        rgb.destroy();
      }
    },

    async [Request.EXPORT_PNG](msg) {
      await withPillow();
      const { session } = sessionFor(msg.session);
      const { height, width } = stats(session);
      const zoom = msg.large ? session.zoom : 1; // zoomed: the model asked between pixels, not blocks
      const scale = zoom > 1 ? zoom : msg.large ? Math.max(2, Math.floor(LARGE_PNG_SIDE / Math.max(height, width))) : 1;
      const bytes = bytesOut(zoom > 1 ? session.zoomed_png_bytes(zoom) : session.png_bytes(scale));
      const epoch = stats(session).frame_epoch; // the frame shown, which may be older than the model
      return { result: { bytes, scale, width: width * scale, height: height * scale, epoch }, transfer: [bytes] };
    },

    async [Request.EXPORT_GIF](msg) {
      await withPillow();
      const { session } = sessionFor(msg.session);
      const { height, width } = stats(session);
      const scale = Math.max(1, Math.floor(GIF_SIDE / Math.max(height, width)));
      const bytes = bytesOut(session.timelapse_gif(scale, GIF_FRAME_MS));
      const { frame_epoch: epoch, timelapse_frames: frames } = stats(session);
      return { result: { bytes, frames, scale, width: width * scale, height: height * scale, epoch }, transfer: [bytes] };
    },

    async [Request.SAVE_PARAMS](msg) {
      const { params } = await withPillow();
      const { session } = sessionFor(msg.session);
      const saved = session.get_params();
      try {
        return { text: params.params_to_json(saved), ...stats(session) };
      } finally {
        saved.destroy();
      }
    },

    // Same model and mode: set_params. Another model or mode: a new Session.from_params on the same
    // target. Either way a problem (size, model, malformed file) raises before anything changes.
    async [Request.LOAD_PARAMS](msg) {
      const py = await withPillow();
      const entry = sessionFor(msg.session);
      const saved = withPyBytes(py.pyodide, msg.bytes, (data) => py.params.params_from_json(data));
      try {
        const field = (key) => {
          const value = saved.get(key);
          if (value && typeof value.destroy === 'function') { value.destroy(); return null; }
          return value;
        };
        const model = field('model');
        const mode = field('mode');
        if (model === entry.session.model_name && mode === entry.session.mode) {
          entry.session.set_params(saved);
        } else { // a network runs on the engine the page chose, as any new session does
          const { engine: runsOn, tf } = await engineFor(py, { ...entry.settings, model });
          const session = py.painting.Session.from_params.callKwargs(entry.target, saved, { engine: runsOn });
          destroySession(entry.session);
          Object.assign(entry, { session, engine: runsOn, tf });
        }
        engine.changed(entry);
        const now = toJsObject(entry.session.stats());
        entry.settings = {
          ...entry.settings, model: now.model, mode: now.mode, knobs: now.knobs, learningRate: now.learning_rate,
        };
      } finally {
        saved.destroy();
      }
      const { result, transfer } = describe(entry);
      return { result: { ...result, settings: { model: entry.settings.model, mode: entry.settings.mode } }, transfer };
    },
  };

  return handlers;
}
