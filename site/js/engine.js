// The page's side of the training engine: Start / Pause / Step / Reset / Solve, the one rebuild
// sequence, and the display of frames. Training itself runs in the worker (worker/engine.js), free of
// the screen: the worker sends a frame only when the page has drawn the previous one (PULL), and the
// page draws the newest frame it has on each animation frame, so a slow screen drops frames, never
// epochs. Every status change happens here (state.js); no maths here either.

import { Request, Signal, LoadState, COST_EXPLODED } from './protocol.js';
import { Status } from './state.js';

const FRAMES_PER_SECOND = 60; // "epochs per frame" is a pace: per 1/60 s of training

export class Engine {
  #client;
  #sessions;
  #readout;
  #settings;
  #state;
  #size;
  #run = 0;               // PLAY counter: a STOPPED event from an earlier run is stale
  #latest = new Map();    // session id -> its newest FRAME event, not drawn yet
  #pulled = new Map();    // session id -> when its last PULL was sent (for painter:frame)
  #epochSeen = new Map(); // session id -> {gen, epoch}: the highest epoch count shown
  #raf = 0;
  #rebuilds = Promise.resolve(); // rebuilds run one after another

  // client() -> the WorkerClient; sessions: Sessions; readout: Readout; settings: PageSettings (stop
  // threshold); state: PageState; size() -> the resolution setting (reported in painter:frame)
  constructor({ client, sessions, readout, settings, state, size }) {
    this.#client = client;
    this.#sessions = sessions;
    this.#readout = readout;
    this.#settings = settings;
    this.#state = state;
    this.#size = size;
  }

  get running() { return this.#state.running; }

  // ------------------------------------------------------------------------------ the controls
  // Start / Pause / Continue. During a rebuild, Start is queued (pressed again: unqueued).
  toggle() {
    const state = this.#state;
    if (state.running) {
      this.pause();
    } else if (state.rebuilding) {
      state.update({ queuedStart: !state.queuedStart });
    } else if (state.usable) {
      this.#play(null);
    }
  }

  play() { if (!this.#state.running) this.toggle(); }

  // Stops training at once on the page; the worker stops within one slice and its last frame follows.
  // The status says paused once the worker has stopped (its reply brings the final numbers and, for a
  // quick model, the final frame); the button already offers Continue.
  async pause() {
    const state = this.#state;
    if (!state.running) return;
    this.#run += 1;
    state.update({ running: false, stepping: false });
    try {
      const { sessions } = await this.#client().request(Request.PAUSE);
      this.#adopt(sessions);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (!state.running && !state.rebuilding && state.status === Status.TRAINING) state.update({ status: Status.PAUSED });
  }

  // One frame's worth of epochs (each pane's epochs per frame), trained in slices like the rest.
  step() {
    const state = this.#state;
    if (state.running || state.rebuilding || !state.usable) return;
    this.#play(1 / FRAMES_PER_SECOND);
  }

  reset() {
    if (!this.#state.pythonUp) return Promise.resolve();
    return this.rebuild(async () => {
      for (const pane of this.#sessions.panes()) {
        pane.confirm(await this.#client().request(Request.RESET, { session: pane.id }));
        pane.clearPlot();
      }
    });
  }

  // Jumps every pane whose model has a closed form (solvable(pane)) to its exact answer.
  solve(solvable) {
    if (!this.#state.usable) return Promise.resolve();
    return this.rebuild(async () => {
      for (const pane of this.#sessions.panes().filter(solvable)) {
        pane.confirm(await this.#client().request(Request.SOLVE, { session: pane.id }));
      }
    }, Status.PAUSED);
  }

  // The one rebuild sequence: stop training, `work()` (make or change the sessions), then `after`
  // (ready: a fresh start) and the first frames. Start pressed meanwhile is queued, not lost. A failure
  // is said in #message and leaves the status paused (or error, if the worker died).
  rebuild(work, after = Status.READY) {
    const job = this.#rebuilds.then(async () => {
      const state = this.#state;
      this.#run += 1;
      state.update({ running: false, stepping: false, rebuilding: true, queuedStart: false });
      // no frame of the sessions as they were is drawn over the new ones (a new size, say)
      const gens = this.#sessions.panes().map((pane) => [pane, pane.gen]);
      for (const [pane] of gens) pane.gen = null;
      this.#latest.clear();
      let ok = false;
      try {
        if (state.pythonUp) await this.#client().request(Request.PAUSE);
        await work();
        ok = true;
      } catch (err) {
        for (const [pane, gen] of gens) pane.gen ??= gen; // unchanged: its frames are good again
        this.failed(err, null, 'The change was not made');
      } finally {
        const start = state.queuedStart;
        state.update({ rebuilding: false, queuedStart: false });
        if (state.pythonUp) this.pull(); // frames dropped above spent their credit
        if (ok && state.pythonUp) {
          this.#readout.clearMessage();
          state.update({ status: after });
          if (start) this.#play(null);
        }
      }
    });
    this.#rebuilds = job.catch(() => {});
    return job;
  }

  // An export or a parameter file: `work` runs while training goes on (the worker answers between
  // slices, from the frame last sent); the buttons show that one is in progress.
  async busy(work) {
    this.#state.update({ busy: true });
    try {
      return await work();
    } finally {
      this.#state.update({ busy: false });
    }
  }

  // ------------------------------------------------------------------------------ failures
  // Python could not start or its worker died: nothing more can train until a retry.
  fail(err) {
    this.#run += 1;
    this.#state.update({ running: false, stepping: false });
    this.#readout.showLoadFailure(err);
    this.#state.update({ status: Status.ERROR });
  }

  onError = () => {}; // (err) for every failure said in #message (your-model.js marks the code's line)

  failed(err, sessionId = null, prefix = 'Training stopped') {
    if (this.#client()?.state === LoadState.FAILED) {
      this.fail(err);
      return;
    }
    if (sessionId && this.#sessions.panes().length > 1) err.message = `model ${sessionId.toUpperCase()}: ${err.message}`;
    const state = this.#state;
    if (state.running) this.#run += 1;
    state.update({ running: false, stepping: false });
    if (state.status === Status.TRAINING) state.update({ status: Status.PAUSED });
    if (err.name === COST_EXPLODED) {
      const said = err.message.replace(/\.$/, '');
      const text = /^(model [AB]: )?the cost exploded/i.test(said) ? said[0].toUpperCase() + said.slice(1)
        : `The cost exploded: ${said}`;
      this.#readout.showMessage(`${text}. Lower the learning rate, then press Continue.`, 'error', { kind: 'exploded' });
    } else {
      this.#readout.showMessage(`${prefix}: ${err.message}`, 'error');
    }
    this.onError(err);
  }

  // ------------------------------------------------------------------------------ the worker's events
  // FRAME, TICK and STOPPED from the worker's engine (worker-client.js onEngine).
  receive(msg) {
    if (msg.type === 'frame') this.#onFrame(msg);
    else if (msg.type === 'tick') this.#showEpochs(Object.fromEntries(
      Object.entries(msg.epochs).map(([id, epoch]) => [id, { epoch }])));
    else if (msg.type === 'stopped' && msg.run === this.#run && this.#state.running) this.#onStopped(msg);
  }

  // Asks the worker for each pane's next frame (after a rebuild, and after each one drawn).
  pull(panes = this.#sessions.panes()) {
    const now = performance.now();
    for (const pane of panes) this.#pulled.set(pane.id, now);
    this.#client()?.signal(Signal.PULL, { sessions: panes.map((pane) => pane.id) });
  }

  #play(seconds) {
    const state = this.#state;
    this.#readout.clearMessage();
    const run = ++this.#run;
    const plans = Object.fromEntries(this.#sessions.panes().map((pane) => {
      const pace = pane.epochs() * FRAMES_PER_SECOND;
      // a Step trains its epochs at once (as fast as it can); a run is shown at the pace
      return [pane.id, seconds == null ? { pace, epochs: null } : { pace: null, epochs: pace * seconds }];
    }));
    state.update({ running: true, stepping: seconds != null, status: Status.TRAINING });
    this.#client().request(Request.PLAY, { plans, stopCost: this.#settings.stopCost, run })
      .catch((err) => this.failed(err));
  }

  #onStopped({ reason, reasons, session, error, sessions }) {
    const state = this.#state;
    this.#run += 1;
    this.#adopt(sessions);
    if (reason === 'error') {
      this.failed(error, session);
      return;
    }
    const done = reason === 'done' || reason === 'plateau';
    state.update({ running: false, stepping: false, status: done ? Status.DONE : Status.PAUSED });
    if (!done) return;
    const panes = this.#sessions.panes();
    const why = (id) => (reasons?.[id] === 'plateau' ? 'has learned what it can (its cost stopped falling)'
      : 'reached the stop threshold');
    this.#readout.showMessage(panes.length > 1
      ? `Done: model A ${why('a')}; model B ${why('b')}. Press Continue to train on.`
      : `Done: this model ${why(panes[0].id)}. Press Continue to train on.`, 'info', { kind: reason });
  }

  #onFrame(msg) {
    const pane = this.#sessions.pane(msg.session);
    if (!pane) return;
    if (msg.gen !== pane.gen) {
      this.pull([pane]); // a frame of the session as it was before a rebuild: ask again
      return;
    }
    msg.received = performance.now();
    this.#latest.set(msg.session, msg);
    if (!this.#raf) this.#raf = requestAnimationFrame(this.#draw);
  }

  // On an animation frame: draw the newest frame of each pane, then ask for the next ones.
  #draw = () => {
    this.#raf = 0;
    const drawn = [];
    for (const [id, msg] of this.#latest) {
      const pane = this.#sessions.pane(id);
      if (!pane) continue;
      drawn.push(pane); // drawn or dropped, the worker may send this pane's next frame
      if (msg.gen !== pane.gen) continue;
      pane.draw(msg.pixels, msg.shown);
      pane.show({ ...msg, epoch: this.#noteEpoch(pane, msg.epoch) });
      pane.plot(msg);
      if (id === this.#sessions.panes()[0].id) {
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

  // The sessions as the worker stopped them (stats, with the frame if it renders quickly): shown at
  // once, and any older frame still waiting for an animation frame is dropped (and pulled again).
  #adopt(byId) {
    for (const [id, stats] of Object.entries(byId)) {
      const pane = this.#sessions.pane(id);
      if (!pane || stats.gen !== pane.gen) continue;
      this.#noteEpoch(pane, stats.epoch);
      if (!stats.pixels) { // the frame and its numbers come (or came) as a FRAME
        pane.showEpoch(stats.epoch);
        continue;
      }
      if (this.#latest.delete(id)) this.pull([pane]); // its credit was spent on the frame dropped here
      pane.draw(stats.pixels, stats.shown);
      pane.show(stats);
    }
  }

  // The epoch count shown never goes back within a generation: a frame sent just before a Pause may be
  // drawn after the Pause's reply brought the final count.
  #noteEpoch(pane, epoch) {
    const seen = this.#epochSeen.get(pane.id);
    const latest = seen?.gen === pane.gen ? Math.max(seen.epoch, epoch) : epoch;
    this.#epochSeen.set(pane.id, { gen: pane.gen, epoch: latest });
    return latest;
  }

  #showEpochs(byId) {
    for (const [id, { epoch }] of Object.entries(byId)) {
      const pane = this.#sessions.pane(id);
      if (pane) pane.showEpoch(this.#noteEpoch(pane, epoch));
    }
  }
}
