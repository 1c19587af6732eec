// The message protocol between the page (worker-client.js) and the Pyodide worker (worker.js).
// Every message type name lives here and nowhere else.
//
// Requests are {id, type, ...fields}; the worker answers each with exactly one reply,
// {id, ok: true, result} or {id, ok: false, error: {name, message, stack}}.
// Requests that act on a model carry `session`, an id such as "a" (a compare mode may add "b").
// Pixels always travel as RGBA bytes (width * height * 4) in a transferred ArrayBuffer.

export const Request = Object.freeze({
  // {} -> {python, numpy}. Boots Pyodide + numpy + the painting package; resolves once ready.
  LOAD: 'load',
  // {session, pixels, width, height, mode, model, learningRate|null, knobs}
  //   -> {...stats, learningRate}. Creates (or replaces) a session on a target image.
  INIT: 'init',
  // {session, pixels, width, height} -> {...stats}. A new target; mode, model and rate are kept.
  SET_IMAGE: 'setImage',
  // {session, learningRate?, mode?, model?, knobs?} -> {...stats, learningRate}.
  //   A new rate applies to the next chunk; a new mode/model/knobs rebuilds the session at epoch 0.
  CONFIGURE: 'configure',
  // {session, epochs, stopCost} -> {epoch, cost, psnr, done, pixels}.
  //   Trains `epochs` more epochs; done = cost <= stopCost. A diverging step raises
  //   CostExplodedError and the session keeps its state from before the request.
  TRAIN: 'train',
  // {session} -> {...stats, pixels}. Back to epoch 0 with the initial weights.
  RESET: 'reset',
  // {session} -> {...stats, pixels}. The current learned image, without training.
  FRAME: 'frame',
  // {session} -> {}. Forgets a session and frees its memory.
  DROP: 'drop',
  // Images in and out (worker-images.js); Pillow loads on the first of these that needs it.
  // {} -> {pillow}. Loads the image decoder (Pillow) now, so the page can say it is loading.
  LOAD_DECODER: 'loadDecoder',
  // {bytes} -> {width, height, originalWidth, originalHeight, format, notes}. Decodes a file
  //   (painting.images.open_image, longest side <= 2048, notes for the person) and keeps it for
  //   RESAMPLE_IMAGE. No session is touched: a refused file (ImageError saying why) changes nothing.
  DECODE_IMAGE: 'decodeImage',
  // {size, decoded} -> {width, height, pixels}. The decoded image resampled to `size` px on its longest
  //   side (aspect kept, enlarged if smaller) as target RGBA for INIT: the file DECODE_IMAGE just kept
  //   (decoded: true, it becomes the image in use) or the image in use (decoded: false, a new resolution).
  RESAMPLE_IMAGE: 'resampleImage',
  // {session, large} -> {bytes, scale, width, height, epoch}. The learned image as a PNG file; large:
  //   each pixel a scale x scale block (about 512 px across), else at model resolution.
  EXPORT_PNG: 'exportPng',
  // {session} -> {bytes, frames, scale, width, height, epoch}. The timelapse recorded so far as a GIF.
  EXPORT_GIF: 'exportGif',
  // {session} -> {text, ...stats}. The parameter file (JSON text, painting.params).
  SAVE_PARAMS: 'saveParams',
  // {session, bytes} -> {...stats, learningRate, pixels, settings: {model, mode}}. Restores a parameter
  //   file on the current target (another model or mode is adopted); anything wrong (size, model,
  //   malformed) raises ValueError and changes nothing.
  LOAD_PARAMS: 'loadParams',
  // {} -> {models: [{name, default_learning_rate, solvable, epochs_per_frame, knobs: [{name, default,
  //   low, high, log, integer, label, choices}]}]}: painting.models.describe_models(), the one table the
  //   model picker and each model's knob controls are built from.
  DESCRIBE: 'describe',
  // {session} -> {epoch, cost, psnr, pixels}. Jumps to the model's closed-form answer (Session.solve());
  //   a model without one (the networks) answers with a ValueError and keeps its state.
  SOLVE: 'solve',
});

// Unsolicited worker -> page events (no id).
export const Event = Object.freeze({
  // {type, stage, fraction}: loading progress, fraction in [0, 1] (null if the size is unknown).
  PROGRESS: 'progress',
  // {type, file, reason}: a file Pyodide or the worker could not fetch, sent at once so that even a
  // load that then hangs (and times out on the page) can name its cause.
  FETCH_FAILED: 'fetchFailed',
});

// Loading stages, in the order the UI lists them.
export const Stage = Object.freeze({
  RUNTIME: 'runtime', // the Python interpreter (pyodide.asm.wasm, python_stdlib.zip)
  NUMPY: 'numpy',     // the numpy wheel, fetched in parallel with the runtime
  MODEL: 'model',     // painting.zip: fetched in parallel, then unpacked and imported
});

// Load states (after Shinylive): failed is terminal for that worker; a retry makes a new one.
export const LoadState = Object.freeze({
  IDLE: 'idle',
  DOWNLOADING: 'downloading',
  STARTING: 'starting',
  READY: 'ready',
  FAILED: 'failed',
});

// The error name the worker gives a diverging step (the Python exception's class name).
export const COST_EXPLODED = 'CostExplodedError';
