// The Python worker's start: the one place the worker script is named. entry.js starts it as soon as the
// service worker controls the page (so that Python's downloads are kept, offline.js), while main.js and
// its modules are still loading; the worker boots Python at once (worker/worker.js). Until a
// WorkerClient takes it, its events are held, so that none (a progress event, a failed fetch) is lost.

let started = null; // {worker, held} started ahead, not yet taken

// Starts a worker and holds its events: {worker, held: [events], release()}.
export function startWorker() {
  const worker = new Worker(new URL('./worker/worker.js', import.meta.url), { type: 'module' });
  const held = [];
  const hold = (event) => {
    if (event.type === 'error') event.preventDefault(); // said by the WorkerClient that takes it
    held.push(event);
  };
  const types = ['message', 'error', 'messageerror'];
  for (const type of types) worker.addEventListener(type, hold);
  return { worker, held, release: () => types.forEach((type) => worker.removeEventListener(type, hold)) };
}

// entry.js: the page's first worker, started before main.js has loaded.
export function startWorkerAhead() {
  started ??= startWorker();
}

// The worker started ahead, once; else a new one (a retry, a restart, a page without entry.js's start).
export function takeWorker() {
  const taken = started ?? startWorker();
  started = null;
  return taken;
}
