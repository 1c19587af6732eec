// The one way to the screen: a frame and the numbers that describe it are one value, drawn together or
// not at all. Frames come two ways, both ending in present(): FRAME events (pulled; the newest of each
// pane is drawn on the next animation frame, older ones dropped, then the next is pulled) and replies
// that describe a session with its pixels (INIT, CONFIGURE, RESET, SOLVE, LOAD_PARAMS, STOPPED: drawn at
// once, so "ready" or "done" never shows over an older image). A reply without pixels (PAUSE, a
// network's) only tells the store the epoch of the session's current state (and, for a new session,
// shows its epoch count and no numbers); its frame follows as a FRAME.
// Between frames, TICK's live epoch counts are shown; the epoch shown never goes back within a gen,
// except to a reply's state (a diverging run restored to its last good state).

import { Signal } from './protocol.js';

export class Screen {
  #store;
  #client;
  #panes;
  #size;
  #latest = new Map(); // pane id -> its newest FRAME event, not drawn yet
  #pulled = new Map(); // pane id -> when its last PULL was sent (for painter:frame)
  #seen = new Map();   // pane id -> {gen, epoch}: the highest epoch count shown
  #raf = 0;

  // store: Store; client() -> the WorkerClient; panes: PaneViews (where each pane draws, panes.js);
  // size() -> the resolution (painter:frame)
  constructor({ store, client, panes, size }) {
    this.#store = store;
    this.#client = client;
    this.#panes = panes;
    this.#size = size;
  }

  // A pulled FRAME event: {session, gen, ...stats, pixels, shown}.
  frame(msg) {
    const id = msg.session;
    if (!this.#store.visible.includes(id)) return;
    if (msg.gen !== this.#store.pane(id).gen) {
      this.pull([id]); // a frame of the session as it was before a rebuild: ask again
      return;
    }
    msg.received = performance.now();
    this.#latest.set(id, msg);
    if (!this.#raf) this.#raf = requestAnimationFrame(this.#drawLatest);
  }

  // A reply describing session `id` as it now is (stats, with pixels when it renders quickly).
  // redraw: the same state is to be drawn another way (zoom, view): settled only once a FRAME shows it.
  reply(id, stats, { redraw = false } = {}) {
    const pane = this.#store.pane(id);
    if (!this.#store.visible.includes(id) || stats.gen !== pane.gen) return;
    this.#store.setPane(id, { epoch: stats.epoch });
    if (!stats.pixels && pane.frame?.gen !== stats.gen) { // a new session whose first frame follows:
      this.#seen.delete(id); // its epoch count, and no numbers until that frame is drawn
      this.#panes.view(id).numbers({ epoch: stats.epoch, cost: null, psnr: null, frame_epoch: null }, null);
    }
    if (!stats.pixels) {
      if (redraw && this.#latest.delete(id)) this.pull([id]); // a frame drawn the old way
      if (redraw) this.#store.setPane(id, { redraw: true });
      return;
    }
    if (this.#latest.delete(id)) this.pull([id]); // its credit was spent on the older frame dropped here
    this.#present(id, stats, { now: true });
  }

  // A TICK event's live epoch counts while training (the frame drawn may be older).
  tick({ epochs }) {
    for (const [id, epoch] of Object.entries(epochs)) {
      if (this.#store.visible.includes(id)) this.#panes.view(id).epoch(this.#noteEpoch(id, epoch));
    }
  }

  // Asks the worker for each pane's next frame (after a rebuild, and after each one drawn).
  pull(ids = this.#store.visible) {
    const now = performance.now();
    for (const id of ids) this.#pulled.set(id, now);
    this.#client()?.signal(Signal.PULL, { sessions: ids });
  }

  // On an animation frame: draw the newest frame of each pane, then ask for the next ones.
  #drawLatest = () => {
    this.#raf = 0;
    const drawn = [];
    for (const [id, msg] of this.#latest) {
      if (!this.#store.visible.includes(id)) continue;
      drawn.push(id); // drawn or dropped, the worker may send this pane's next frame
      if (msg.gen !== this.#store.pane(id).gen) continue;
      this.#present(id, msg);
      this.#panes.view(id).plot(msg);
      if (id === 'a') {
        // per-frame timings for bench/bench_page.py (timestamps only; the bench does the arithmetic)
        document.dispatchEvent(new CustomEvent('painter:frame', {
          detail: { epoch: msg.epoch, frameEpoch: msg.frame_epoch, size: this.#size(), pulled: this.#pulled.get(id),
            received: msg.received, drawn: performance.now() },
        }));
      }
    }
    this.#latest.clear();
    if (drawn.length) this.pull(drawn);
  };

  // The frame and its numbers, together; the store learns which frame is on screen. now: a reply's
  // frame, the session as it now is (its epoch may be lower than a TICK's: a diverging run restored).
  #present(id, stats, { now = false } = {}) {
    const view = this.#panes.view(id);
    if (now) this.#seen.delete(id);
    view.draw(stats.pixels, stats.shown);
    // the first learned frame from Python, drawn (a reply's or a pulled one): bench/bench_page.py reads it
    if (!performance.getEntriesByName('painter:ready').length) performance.mark('painter:ready');
    view.numbers({ ...stats, epoch: this.#noteEpoch(id, stats.epoch) }, stats.epoch);
    this.#store.setPane(id, {
      frame: { gen: stats.gen, epoch: stats.epoch, frameEpoch: stats.frame_epoch ?? null, shown: stats.shown },
      redraw: false,
    });
  }

  // The epoch count shown never goes back within a generation: a frame sent just before a Pause may be
  // drawn after a TICK brought a later count.
  #noteEpoch(id, epoch) {
    const { gen } = this.#store.pane(id);
    const seen = this.#seen.get(id);
    const latest = seen?.gen === gen ? Math.max(seen.epoch, epoch) : epoch;
    this.#seen.set(id, { gen, epoch: latest });
    return latest;
  }
}
