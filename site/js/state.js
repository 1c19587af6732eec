// The page's state, in one place: the status (loading / ready / training / paused / done / error) and
// what is going on (training, a rebuild, an export). Everything that shows state (the status chip, the
// buttons) subscribes here; only engine.js and the boot in main.js change it.

export const Status = Object.freeze({
  LOADING: 'loading', READY: 'ready', TRAINING: 'training', PAUSED: 'paused', DONE: 'done', ERROR: 'error',
});

export class PageState {
  status = Status.LOADING;
  running = false;      // the worker's engine is training (or a Step is)
  stepping = false;     // ... only for one Step
  rebuilding = false;   // sessions are being made again (new image, size, model, knobs, reset)
  queuedStart = false;  // Start was pressed during a rebuild: training starts when it ends
  busy = false;         // an export or parameter file is being made
  #listeners = [];

  // fn(state) now and after every change
  subscribe(fn) {
    this.#listeners.push(fn);
    fn(this);
  }

  update(patch) {
    const changed = Object.entries(patch).some(([key, value]) => this[key] !== value);
    if (!changed) return;
    Object.assign(this, patch);
    for (const fn of this.#listeners) fn(this);
  }

  // Python is up and a session exists: training, stepping and exports make sense.
  get usable() {
    return [Status.READY, Status.PAUSED, Status.DONE, Status.TRAINING].includes(this.status);
  }

  // Python is loaded (or loading has not begun): requests to it make sense.
  get pythonUp() {
    return this.status !== Status.LOADING && this.status !== Status.ERROR;
  }
}
