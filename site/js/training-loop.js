// The training loop and its Start / Pause / Step / Reset / Solve state machine. One step = ask the worker
// to train each session's chunk of epochs, draw the frames it returns, update readout and chart, then
// ask again on the next animation frame. No maths here: cost, PSNR and "done" come from Python.

import { Request, LoadState, COST_EXPLODED } from './protocol.js';
import { Status } from './readout.js';
import { SESSION_A } from './sessions.js';

export class TrainingLoop {
  #running = false;  // the person wants training to go on
  #inFlight = null;  // the current TRAIN round trip, if any
  #holds = 0;        // > 0: no training chunk may start (an export or a parameter load is running)
  #client;
  #sessions;
  #readout;
  #settings;
  #size;
  #onChange;

  // client() -> the WorkerClient; sessions: Sessions; readout: Readout; settings: PageSettings (the stop
  // threshold); size() -> the resolution setting (reported in painter:frame); onChange() when what
  // the buttons can do may have changed
  constructor({ client, sessions, readout, settings, size, onChange }) {
    this.#client = client;
    this.#sessions = sessions;
    this.#readout = readout;
    this.#settings = settings;
    this.#size = size;
    this.#onChange = onChange;
  }

  get running() { return this.#running; }
  get busy() { return Boolean(this.#inFlight); }

  // Python is ready and a session exists.
  canTrain() {
    return [Status.READY, Status.PAUSED, Status.DONE, Status.TRAINING].includes(this.#readout.status);
  }

  // Python is loaded (or loading has not begun): requests to it make sense.
  pythonUp() {
    return this.#readout.status !== Status.LOADING && this.#readout.status !== Status.ERROR;
  }

  toggle() {
    if (this.#running) {
      this.#running = false;
      this.settle().then(() => {
        if (!this.#running && this.#readout.status === Status.TRAINING) this.#readout.setStatus(Status.PAUSED);
      });
      this.#onChange();
      return;
    }
    if (!this.canTrain()) return;
    this.#readout.clearMessage();
    this.#sessions.done.clear(); // Continue after Done trains on past the threshold
    this.#running = true;
    this.#readout.setStatus(Status.TRAINING);
    this.#tick();
  }

  play() { if (!this.#running) this.toggle(); }
  pause() { if (this.#running) this.toggle(); }

  async step() {
    if (this.#running || this.#inFlight || this.#holds || !this.canTrain()) return;
    this.#readout.clearMessage();
    this.#sessions.done.clear();
    const ok = await this.#launchChunk();
    if (ok && this.#readout.status !== Status.DONE) this.#readout.setStatus(Status.PAUSED);
  }

  async reset() {
    if (!this.#client() || !this.pythonUp()) return;
    await this.stop();
    try {
      await this.#sessions.showFrame(Request.RESET);
      this.#readout.clearMessage();
      this.#readout.setStatus(Status.READY);
    } catch (err) {
      this.trainingFailed(err);
    }
  }

  // Jumps every pane whose model has a closed form (solvable(pane)) to its exact answer.
  async solve(solvable) {
    if (!this.canTrain()) return;
    await this.stop();
    const panes = this.#sessions.panes().filter(solvable);
    try {
      for (const pane of panes) {
        const result = await this.#client().request(Request.SOLVE, { session: pane.id });
        pane.draw(result.pixels);
        pane.show(result);
        pane.plot(result);
      }
      this.#readout.clearMessage();
      this.#readout.setStatus(Status.PAUSED);
    } catch (err) {
      this.trainingFailed(err);
    }
  }

  // Training stops wanting to go on; a chunk in flight still finishes (see stop()).
  halt() { this.#running = false; }

  // Stops training and waits until no TRAIN request is outstanding.
  async stop() {
    this.#running = false;
    await this.settle();
  }

  async settle() {
    while (this.#inFlight) await this.#inFlight.catch(() => {});
  }

  // Runs `work` with no training chunk in flight and none starting; training goes on afterwards if it
  // is still wanted.
  async whileHeld(work) {
    this.#holds += 1;
    try {
      await this.settle();
      return await work();
    } finally {
      this.#holds -= 1;
      if (!this.#holds && this.#running) requestAnimationFrame(this.#tick);
    }
  }

  // Python could not start or its worker died: nothing more can train until a retry.
  fail(err) {
    this.#running = false;
    this.#readout.showLoadFailure(err);
  }

  trainingFailed(err, sessionId = null) {
    this.#running = false;
    if (sessionId) err.message = `model ${sessionId.toUpperCase()}: ${err.message}`;
    if (this.#client().state === LoadState.FAILED) {
      this.fail(err);
      return;
    }
    this.#readout.setStatus(Status.PAUSED);
    if (err.name === COST_EXPLODED) {
      const said = err.message.replace(/\.$/, '');
      const text = /^the cost exploded/i.test(said) ? said[0].toUpperCase() + said.slice(1)
        : `The cost exploded: ${said}`;
      this.#readout.showMessage(`${text}. Lower the learning rate, then press Continue.`, 'error', { kind: 'exploded' });
    } else {
      this.#readout.showMessage(`Training stopped: ${err.message}`, 'error');
    }
  }

  #tick = () => {
    if (!this.#running || this.#inFlight || this.#holds) return;
    this.#launchChunk().then(() => {
      if (this.#running) requestAnimationFrame(this.#tick);
    });
  };

  #launchChunk() {
    this.#inFlight = this.#trainChunk().finally(() => {
      this.#inFlight = null;
      this.#onChange();
    });
    this.#onChange();
    return this.#inFlight;
  }

  // One chunk: train `epochs per frame` epochs, draw the frame, show the numbers. False on failure.
  // In compare mode each session trains its chunk in turn; one that reached the threshold waits.
  async #trainChunk() {
    const panes = this.#sessions.panes();
    const { done } = this.#sessions;
    let result;
    for (const pane of panes.filter((p) => !done.has(p.id))) {
      const epochs = pane.epochs();
      const sent = performance.now();
      try {
        result = await this.#client().request(Request.TRAIN, {
          session: pane.id, epochs, stopCost: this.#settings.stopCost,
        });
      } catch (err) {
        this.trainingFailed(err, panes.length > 1 ? pane.id : null);
        return false;
      }
      const received = performance.now();
      pane.draw(result.pixels);
      pane.show(result);
      if (result.done) done.add(pane.id);
      if (pane.id !== SESSION_A) continue;
      pane.plot(result);
      // per-frame timings for bench/bench_page.py (timestamps only; the bench does the arithmetic)
      document.dispatchEvent(new CustomEvent('painter:frame', {
        detail: { epoch: result.epoch, epochs, size: this.#size(), sent, received, drawn: performance.now() },
      }));
    }
    if (panes.every((pane) => done.has(pane.id))) {
      this.#running = false;
      this.#readout.setStatus(Status.DONE);
      const said = panes.length > 1 ? 'both costs fell below the stop threshold'
        : `the cost fell to ${result.cost.toExponential(3)}, below the stop threshold`;
      this.#readout.showMessage(`Done: ${said}.`, 'info');
    }
    return true;
  }
}
