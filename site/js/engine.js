// The page's side of the training engine: Start / Pause / Step / Reset / Solve, the one rebuild
// sequence, and the worker's engine events. Training itself runs in the worker (worker/engine.js), free
// of the screen: frames are pulled and drawn by screen.js. Every change of the run status happens here
// (in the store); no maths here either.

import { Request, LoadState, StopReason, COST_EXPLODED } from './protocol.js';
import { Status } from './store.js';

const FRAMES_PER_SECOND = 60; // "epochs per frame" is a pace: per 1/60 s of training
const FINISHED = [StopReason.DONE, StopReason.PLATEAU]; // a pane that stopped for these is done
// what a pane that stopped for each reason is said to have done
const SAY_STOPPED = {
  [StopReason.DONE]: 'reached the stop threshold',
  [StopReason.PLATEAU]: 'has learned what it can (its cost stopped falling)',
  [StopReason.STEP]: 'finished its step',
};

export class Engine {
  #client;
  #store;
  #sessions;
  #screen;
  #readout;
  #epochsPerFrame;
  #run = 0;               // PLAY counter: a STOPPED event from an earlier run is stale
  #rebuilds = Promise.resolve(); // rebuilds run one after another

  // client() -> the WorkerClient; store: Store; sessions: Sessions; screen: Screen; readout: Readout;
  // epochsPerFrame(id) -> a pane's pace
  constructor({ client, store, sessions, screen, readout, epochsPerFrame }) {
    this.#client = client;
    this.#store = store;
    this.#sessions = sessions;
    this.#screen = screen;
    this.#readout = readout;
    this.#epochsPerFrame = epochsPerFrame;
  }

  // ------------------------------------------------------------------------------ the controls
  // Start / Pause / Continue. During a rebuild, Start is queued (pressed again: unqueued).
  toggle() {
    const store = this.#store;
    if (store.running) {
      this.pause();
    } else if (store.rebuilding) {
      store.update({ queuedStart: !store.queuedStart });
    } else if (store.usable) {
      this.#play(null);
    }
  }

  play() { if (!this.#store.running) this.toggle(); }

  // Stops training at once on the page; the worker stops within one slice. The status says paused once
  // the worker has stopped; its reply brings the epoch of the final state, whose frame and numbers
  // follow together as a FRAME (the button already offers Continue).
  async pause() {
    const store = this.#store;
    if (!store.running) return;
    this.#run += 1;
    store.update({ running: false });
    try {
      const { sessions } = await this.#client().request(Request.PAUSE);
      for (const [id, stats] of Object.entries(sessions)) this.#screen.reply(id, stats);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (!store.running && !store.rebuilding && store.status === Status.TRAINING) store.update({ status: Status.PAUSED });
  }

  // One frame's worth of epochs (each pane's epochs per frame), trained in slices like the rest.
  step() {
    if (!this.#store.allowed.step) return;
    this.#play(1 / FRAMES_PER_SECOND);
  }

  reset() {
    if (!this.#store.pythonUp) return Promise.resolve();
    return this.rebuild(async () => {
      for (const id of this.#sessions.ids()) {
        this.#sessions.adoptNew(id, await this.#client().request(Request.RESET, { session: id }));
      }
    });
  }

  // Jumps every pane whose model has a closed form (solvable(id)) to its exact answer.
  solve(solvable) {
    if (!this.#store.usable) return Promise.resolve();
    return this.rebuild(async () => {
      for (const id of this.#sessions.ids().filter(solvable)) {
        this.#sessions.adopt(id, await this.#client().request(Request.SOLVE, { session: id }));
      }
    }, Status.PAUSED);
  }

  // The one rebuild sequence: stop training, `work()` (make or change the sessions), then `after`
  // (ready: a fresh start) and the first frames. Start pressed meanwhile is queued, not lost. A failure
  // is said in #message and leaves the status paused (or error, if the worker died).
  rebuild(work, after = Status.READY) {
    const job = this.#rebuilds.then(async () => {
      const store = this.#store;
      this.#run += 1;
      store.update({ running: false, rebuilding: true, queuedStart: false });
      // a session the work makes or changes gets a new gen: no frame of it as it was is drawn after that
      let ok = false;
      try {
        if (store.pythonUp) {
          const { sessions } = await this.#client().request(Request.PAUSE);
          for (const [id, stats] of Object.entries(sessions)) this.#screen.reply(id, stats); // a pane left as it is
        }
        await work();
        ok = true;
      } catch (err) {
        this.failed(err, null, 'The change was not made');
      } finally {
        const start = store.queuedStart;
        store.update({ rebuilding: false, queuedStart: false });
        if (store.pythonUp) this.#screen.pull(); // a session made anew has not been pulled yet
        if (ok && store.pythonUp) {
          this.#readout.clearMessage();
          store.update({ status: after });
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
    this.#store.update({ busy: true });
    try {
      return await work();
    } finally {
      this.#store.update({ busy: false });
    }
  }

  // ------------------------------------------------------------------------------ failures
  // Python could not start or its worker died: nothing more can train until a retry.
  fail(err) {
    this.#run += 1;
    this.#store.update({ running: false });
    this.#readout.showLoadFailure(err);
    this.#store.update({ status: Status.ERROR });
  }

  onError = () => {}; // (err) for every failure said in #message (your-model.js marks the code's line)

  failed(err, sessionId = null, prefix = 'Training stopped') {
    if (this.#client()?.state === LoadState.FAILED) {
      this.fail(err);
      return;
    }
    if (sessionId && this.#sessions.ids().length > 1) err.message = `model ${sessionId.toUpperCase()}: ${err.message}`;
    const store = this.#store;
    if (store.running) this.#run += 1;
    store.update({ running: false });
    if (store.status === Status.TRAINING) store.update({ status: Status.PAUSED });
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

  #play(seconds) {
    const store = this.#store;
    this.#readout.clearMessage();
    const run = ++this.#run;
    const plans = Object.fromEntries(this.#sessions.ids().map((id) => {
      const pace = this.#epochsPerFrame(id) * FRAMES_PER_SECOND;
      // a Step trains its epochs at once (as fast as it can); a run is shown at the pace
      return [id, seconds == null ? { pace, epochs: null } : { pace: null, epochs: pace * seconds }];
    }));
    store.update({ running: true, status: Status.TRAINING });
    this.#client().request(Request.PLAY, { plans, stopCost: store.stopCost, run })
      .catch((err) => this.failed(err));
  }

  // ------------------------------------------------------------------------------ the worker's events
  // STOPPED: the worker's engine stopped by itself: training ended (done, plateau, a Step's end), or a
  // slice or a frame failed (also while nothing trains: a frame drawn another way may be refused).
  stopped({ run, reason, reasons, session, error, sessions }) {
    const store = this.#store;
    const current = run === this.#run && store.running;
    // a stop that crossed a newer Start or Pause is stale; an error while nothing trains is not (a frame
    // drawn another way may be refused)
    if (!current && (reason !== StopReason.ERROR || store.running)) return;
    for (const [id, stats] of Object.entries(sessions)) this.#screen.reply(id, stats);
    if (reason === StopReason.ERROR) {
      for (const id of this.#sessions.ids()) store.setPane(id, { redraw: false }); // no frame is coming
      if (current) this.#run += 1;
      this.failed(error, session);
      return;
    }
    this.#run += 1;
    const ids = this.#sessions.ids(); // the panes that trained (the tool's visible ones, a figure's own)
    const why = Object.fromEntries(ids.map((id) => [id, reasons?.[id] ?? reason])); // each pane's own reason
    const finished = ids.filter((id) => FINISHED.includes(why[id]));
    const done = finished.length === ids.length; // else a pane only ended its Step: paused
    store.update({ running: false, status: done ? Status.DONE : Status.PAUSED });
    if (!finished.length) return; // a Step ended: nothing to say
    this.#readout.showMessage(ids.length > 1
      ? `${done ? 'Done' : 'Stopped'}: model A ${SAY_STOPPED[why.a]}; model B ${SAY_STOPPED[why.b]}. Press Continue to train on.`
      : `Done: this model ${SAY_STOPPED[why[ids[0]]]}. Press Continue to train on.`, 'info', { kind: reason });
  }
}
