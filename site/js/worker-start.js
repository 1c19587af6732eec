// The Python worker's start: the one place the worker script is named. entry.js starts it as soon as the
// service worker controls the page (so that Python's downloads are kept, offline.js), and loads main.js
// once the worker has begun its boot (worker/worker.js): the page's own modules, fetched at the same
// time, would queue the worker's first files behind them. Until a WorkerClient takes the worker, its
// events are held, so that none (a progress event, a failed fetch) is lost.

const HEAD_START_MS = 500; // the longest main.js waits for the worker's first event

let started = null; // {worker, held} started ahead, not yet taken

// Starts a worker and holds its events: {worker, held: [events], heard (a promise of its first event),
// release()}.
export function startWorker() {
  const worker = new Worker(new URL('./worker/worker.js', import.meta.url), { type: 'module' });
  const held = [];
  let heard;
  const first = new Promise((resolve) => { heard = resolve; });
  const hold = (event) => {
    if (event.type === 'error') event.preventDefault(); // said by the WorkerClient that takes it
    held.push(event);
    heard();
  };
  const types = ['message', 'error', 'messageerror'];
  for (const type of types) worker.addEventListener(type, hold);
  return { worker, held, heard: first, release: () => types.forEach((type) => worker.removeEventListener(type, hold)) };
}

// entry.js: the page's first worker, started before main.js has loaded; resolves once the worker has
// begun its boot (its first event), or after HEAD_START_MS.
export function startWorkerAhead() {
  started ??= startWorker();
  return Promise.race([started.heard, new Promise((resolve) => setTimeout(resolve, HEAD_START_MS))]);
}

// The worker started ahead, once; else a new one (a retry, a restart, a page without entry.js's start).
export function takeWorker() {
  const taken = started ?? startWorker();
  started = null;
  return taken;
}
