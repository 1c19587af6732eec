// The message protocol between the page (worker-client.js) and the Pyodide worker (worker.js).
// Every message type name lives here and nowhere else.
//
// Requests are {id, type, ...fields}; the worker answers each with exactly one reply,
// {id, ok: true, result} or {id, ok: false, error: {name, message, stack}}.
// Requests that act on a model carry `session`, an id such as "a" (a compare mode may add "b").
// Pixels always travel as RGBA bytes (width * height * 4) in a transferred ArrayBuffer.
//
// Training is not a request: PLAY starts the worker's engine (worker/engine.js), which trains in slices
// of a few ms between requests. Frames are pulled: the page sends the PULL signal for a session once it
// has drawn that session's last frame, and the worker sends a FRAME event when the next one is ready.
// "stats" below: {epoch (float), cost, psnr, frame_epoch, learning_rate, mode, model, height, width,
// seed, knobs, timelapse_frames} (painting.session.Session.info(); cost, psnr and frame_epoch are the
// last frame's, null before it) plus learningRate, gen (the session's generation: it grows whenever
// the session is made, reset, solved or rebuilt, and FRAME events carry the gen they belong to) and
// pixels: the frame of that very state, for a model that renders quickly (not for a network, whose
// frame follows as a FRAME event), engine: what its arithmetic runs on ("tensorflow" for a network on
// TensorFlow.js, else "numpy") and tf: {backend, adapter, reason} when that is TensorFlow.js, else null.

export const Request = Object.freeze({
  // {} -> {python, numpy}. Boots Pyodide + numpy + the painting package; resolves once ready.
  LOAD: 'load',
  // {forced} -> {backend, adapter, reason}. Loads TensorFlow.js (site/js/worker/tf.js; forced: one backend,
  //   or null for the fastest) for the networks. Answered when loaded, which takes seconds the first
  //   time: it does not wait in the queue of requests, nor do the requests wait for it. Fails saying why.
  LOAD_TF: 'loadTf',
  // {session, pixels, width, height, mode, model, learningRate|null, knobs, engine, tfBackend} -> stats.
  //   Creates (or replaces) a session on a target image; its epoch-0 frame follows when pulled.
  //   engine "tensorflow" runs a network on TensorFlow.js (loaded first if LOAD_TF has not been asked,
  //   tfBackend: the forced backend or null); a batch_size knob of null takes the backend's default.
  INIT: 'init',
  // {session, learningRate?, mode?, model?, knobs?, engine?} -> stats.
  //   A new rate applies to the next slice; a new mode/model/knobs/engine rebuilds the session at epoch 0.
  CONFIGURE: 'configure',
  // {plans: {sessionId: {pace, epochs}}, stopCost, run} -> {}. The engine trains those sessions (any others
  //   wait): pace = epochs per second at most (null: as fast as it can), epochs = how many before it
  //   stops by itself (a Step; null: no limit). It stops with a STOPPED event: every session reached
  //   cost <= stopCost ("done"), learned what it can ("plateau"), finished its epochs ("step"), or a
  //   slice failed ("error"; a diverging one restores the last good state and is CostExplodedError).
  PLAY: 'play',
  // {} -> {sessions: {id: stats}} (without pixels: the final frame follows as a FRAME). Stops training
  //   before it replies (the slice in progress, a few ms, is the most that runs after it arrives).
  PAUSE: 'pause',
  // {session} -> stats. Back to epoch 0 with the initial weights; training of it stops.
  RESET: 'reset',
  // {session} -> {}. Forgets a session and frees its memory.
  DROP: 'drop',
  // Images in and out (worker/images.js); Pillow loads on the first of these that needs it.
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
  // {session, bytes} -> {...stats, settings: {model, mode}}. Restores a parameter
  //   file on the current target (another model or mode is adopted); anything wrong (size, model,
  //   malformed) raises ValueError and changes nothing.
  LOAD_PARAMS: 'loadParams',
  // {} -> {models: [{name, default_learning_rate, solvable, epochs_per_frame, engines, knobs: [{name, default,
  //   low, high, log, integer, label, choices}]}]}: painting.models.describe_models(), the one table the
  //   model picker and each model's knob controls are built from.
  DESCRIBE: 'describe',
  // {session} -> stats. Jumps to the model's closed-form answer (Session.solve()); a model without one
  //   (the networks) answers with a ValueError and keeps its state.
  SOLVE: 'solve',
  // {} -> {templates: {features, scratch}}: painting.custom.TEMPLATES, the "Your model" pane's starting code.
  CODE_TEMPLATES: 'codeTemplates',
  // {source, filename, session} -> {model}: compiles a visitor's model code (painting.custom), checks it
  //   with one training step on that session's target, and registers it as the model "custom"; model is
  //   its describe_models() entry. A problem raises ModelCodeError ("my_model.py, line 3: ...") or
  //   ValueError and changes nothing: every session, and any earlier "custom" model, stays as it was.
  COMPILE_CODE: 'compileCode',
  // {} -> {sessions: {id: {model, text}}}: the parameter file (painting.params JSON) of every session on a
  //   built-in model, kept by the page before it runs a visitor's code, so that Stop can restore them.
  SAVE_BUILT_INS: 'saveBuiltIns',
  // {action: 'reset'|'step'|'configure', epochs?, learningRate?, channels?} -> state. The article's
  //   two-by-two figure: the post's 2 x 2 example (painting.article.TwoByTwo, one in the worker, made on
  //   first use). step: `epochs` (default 1) more epochs of the 2017 update; configure: a new
  //   learningRate (the weights stay) and/or channels 'gray'|'rgb' (back to epoch 0). state:
  //   TwoByTwo.state(), {epoch, cost, weights, labels, learning_rate, predictions, errors, pixels and
  //   target_pixels (4 RGB triples 0-255: the prediction, the labels), design (X, 4 x 5),
  //   stable_below, exploded, channels}.
  TWO_BY_TWO: 'twoByTwo',
});

// Page -> worker messages that have no reply and do not wait behind requests.
export const Signal = Object.freeze({
  // {type, sessions: [id, ...]}: the page drew those sessions' last frames; send each one's next frame.
  PULL: 'pull',
});

// Unsolicited worker -> page events (no id).
export const Event = Object.freeze({
  // {type, stage, fraction}: loading progress, fraction in [0, 1] (null if the size is unknown).
  PROGRESS: 'progress',
  // {type, file, reason}: a file Pyodide or the worker could not fetch, sent at once so that even a
  // load that then hangs (and times out on the page) can name its cause.
  FETCH_FAILED: 'fetchFailed',
  // {type, session, gen, ...stats, pixels}: a pulled frame (the learned image as RGBA) and its numbers.
  FRAME: 'frame',
  // {type, epochs: {id: epoch}}: live epoch counters while training, at most 10 a second.
  TICK: 'tick',
  // {type, run, reason, reasons: {id: reason}|null, session, error, sessions: {id: stats}}: the engine
  //   stopped PLAY `run` by itself; reason: a StopReason, reasons: each session's (null for an error,
  //   which names its session and error {name, message, stack}).
  STOPPED: 'stopped',
});

// Why the engine stopped (STOPPED's reason, and each session's in its reasons).
export const StopReason = Object.freeze({
  DONE: 'done',       // the cost is at or under the stop threshold (Session.stop_reason)
  PLATEAU: 'plateau', // the cost stopped falling (Session.stop_reason)
  STEP: 'step',       // a Step's epochs are trained
  MIXED: 'mixed',     // the sessions stopped for different reasons (each named in reasons)
  ERROR: 'error',     // a slice or a frame failed
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
