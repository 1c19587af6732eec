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
