// The training engine, inside the worker: trains the sessions in slices of a few milliseconds and
// sends the newest frame only when the page has asked for one (a pull), so training never waits for
// the screen and the page never receives a stale frame. Between slices the worker's message handler
// runs, so Pause, Reset or a new model act after at most one slice.
//
//   loop:  work on a pulled frame  ->  train one slice (sessions in turn, at their pace)  ->  yield
//
// Pace: a session trains at most `pace` epochs a second (the page's epochs per frame x 60), so a cheap
// model is *shown* painting over a few seconds; a costly one simply trains as fast as it can. The pace is
// wall-clock time, not frames drawn: a slow screen lowers the frames drawn, never the epochs trained.
// Python does the maths and the time-boxing (Session.train, Session.render, Session.stop_reason).

import { Event, StopReason } from '../protocol.js';
import { describeAll, sessions, shownFrame, toJsObject } from './registry.js';
import { pythonError } from './runtime.js';

const TRAIN_SECONDS = 0.015;        // one training slice (a mini-batch or epoch may take longer)
const RENDER_SECONDS_TRAINING = 0.004; // frame work per loop while training (networks draw a few rows) ...
const RENDER_SHARE = 0.35;          // ... or this much of the last slice's time, when that was longer
const RENDER_SECONDS_IDLE = 0.04;   // frame work per loop while nothing trains
const MAX_LEAD_SECONDS = 0.25;      // a session that fell behind its pace catches up by at most this
const TICK_MS = 100;                // live epoch counters at most this often

// A message port to ourselves: a zero-delay yield that lets queued messages run (setTimeout clamps to
// 4 ms once nested).
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToMessages = () => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(null);
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const post = (message, transfer = []) => self.postMessage(message, transfer);

// The sessions are registry.js's map: id -> entry {session, gen, credit, plan, ...}.
class Engine {
  running = false;
  #stopCost = null;
  #run = null;       // the page's number for the current PLAY, echoed in STOPPED
  #turn = 0;
  #looping = false;
  #lastTick = 0;
  #lastSlice = 0;    // seconds the last training slice took (a network's mini-batch may take 100 ms)
  #inPython = null;  // a call entered through callPromising, until it returns

  // Resolves when no Python call of the engine is under way: the worker's requests wait for it, so a
  // Session never sees two calls interleaved, even while one awaits a read-back.
  async outOfPython() {
    while (this.#inPython) await this.#inPython.catch(() => {});
  }

  // session[name](...args): synchronously, or through callPromising for a model whose reads are
  // promises (entry.asyncReads: a network on webgpu with JSPI, tf.js's asyncReads).
  async #call(entry, name, ...args) {
    if (!entry.asyncReads) return entry.session[name](...args);
    const method = entry.session[name];
    try {
      this.#inPython = method.callPromising(...args);
      return await this.#inPython;
    } finally {
      this.#inPython = null;
      method.destroy();
    }
  }

  // Trains the sessions in `plans` ({id: {pace, epochs}}; pace in epochs per second or null for as fast
  // as possible; epochs: how many to train before stopping, null for no limit).
  play(plans, stopCost, run) {
    const now = performance.now();
    this.#stopCost = stopCost ?? null;
    this.#run = run;
    for (const [id, entry] of sessions) {
      const plan = plans[id];
      entry.plan = plan ? {
        pace: plan.pace ?? Infinity, left: plan.epochs ?? Infinity, since: now, trained: 0, stopped: null,
      } : null;
    }
    this.running = [...sessions.values()].some((entry) => entry.plan);
    this.wake();
  }

  pause() {
    this.running = false;
    for (const entry of sessions.values()) entry.plan = null;
  }

  // The page drew what it had and wants the next frame of these sessions.
  pull(ids) {
    for (const id of ids) {
      const entry = sessions.get(id);
      if (entry) entry.credit = true;
    }
    this.wake();
  }

  // A session was made, reset or rebuilt: its frames so far are of another generation.
  changed(entry) {
    entry.gen = (entry.gen ?? 0) + 1;
    entry.plan = null;
    this.running = [...sessions.values()].some((e) => e.plan);
    this.wake();
  }

  // Starts the loop if it sleeps, after the message being handled has been answered: a frame made
  // because of a request (a new session, a new view) must reach the page after that request's reply,
  // which tells the page the gen and state the frame belongs to.
  wake() {
    if (this.#looping) return;
    this.#looping = true;
    yieldToMessages().then(() => this.#loop());
  }

  async #loop() {
    this.#looping = true;
    try {
      for (;;) {
        // a pulled frame first: the page is waiting for it
        const drew = await this.#renderSlice(this.running
          ? Math.max(RENDER_SECONDS_TRAINING, RENDER_SHARE * this.#lastSlice) : RENDER_SECONDS_IDLE);
        if (drew) await yieldToMessages(); // a Pause that came meanwhile waits for one piece of work, not two
        const t0 = performance.now();
        const trained = this.running && await this.#trainSlice();
        if (trained) this.#lastSlice = (performance.now() - t0) / 1000;
        this.#tick();
        if (trained || drew) {
          await yieldToMessages();
        } else if (this.running) {
          await sleep(4); // every session is ahead of its pace
        } else {
          return; // nothing to do until a message wakes the loop
        }
      }
    } finally {
      this.#looping = false;
    }
  }

  // One slice for the next session whose turn it is; false if none may train now.
  async #trainSlice() {
    const entries = [...sessions.values()].filter((entry) => entry.plan && !entry.plan.stopped);
    const now = performance.now();
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[(this.#turn + i) % entries.length];
      const { plan } = entry;
      const elapsed = (now - plan.since) / 1000;
      let allowed = Math.min(plan.left, plan.pace * elapsed - plan.trained);
      if (plan.pace * elapsed - plan.trained > plan.pace * MAX_LEAD_SECONDS) {
        plan.trained = plan.pace * (elapsed - MAX_LEAD_SECONDS); // fell behind: no burst to catch up
        allowed = Math.min(plan.left, plan.pace * MAX_LEAD_SECONDS);
      }
      if (!(allowed > 0)) continue;
      let epochs;
      try {
        epochs = await this.#call(entry, 'train', Number.isFinite(allowed) ? allowed : 1e12, TRAIN_SECONDS);
      } catch (err) {
        this.#stopAll({ reason: StopReason.ERROR, session: entry.id, error: err });
        return true;
      }
      if (epochs === 0) continue; // less than one batch or epoch is due yet
      this.#turn = (this.#turn + i + 1) % entries.length;
      plan.trained += epochs;
      plan.left -= epochs;
      this.#checkStop(entry);
      return true;
    }
    return false;
  }

  #checkStop(entry) {
    const { plan } = entry;
    if (!plan || plan.stopped) return;
    const reason = entry.session.stop_reason(this.#stopCost);
    if (reason) plan.stopped = reason;
    else if (plan.left <= 1e-9) plan.stopped = StopReason.STEP;
    if (!plan.stopped) return;
    const planned = [...sessions.values()].filter((e) => e.plan);
    if (planned.every((e) => e.plan.stopped)) {
      const reasons = Object.fromEntries(planned.map((e) => [e.id, e.plan.stopped]));
      const all = new Set(Object.values(reasons));
      this.#stopAll({ reason: all.size === 1 ? [...all][0] : StopReason.MIXED, reasons });
    }
  }

  #stopAll({ reason, session = null, error = null, reasons = null }) {
    this.pause();
    const { result: described, transfer } = describeStopped(); // every session as it stopped
    post({
      type: Event.STOPPED, run: this.#run, reason, session, error: error && pythonError(error), reasons,
      sessions: described,
    }, transfer);
  }

  // Frame work for a session the page asked a frame of: render (a slice of it, for a network) and send
  // it when complete. False if there was nothing to do.
  async #renderSlice(seconds) {
    for (const entry of sessions.values()) {
      if (!entry.credit) continue;
      let complete;
      try {
        complete = await this.#call(entry, 'render', seconds);
      } catch (err) {
        entry.credit = false; // not tried again until the page pulls: a frame that cannot be drawn is said once
        this.#stopAll({ reason: StopReason.ERROR, session: entry.id, error: err });
        return true;
      }
      if (complete) {
        entry.credit = false;
        this.#sendFrame(entry);
        // a network's exact cost comes with its frame: it may end the training
        if (this.running) this.#checkStop(entry);
        return true;
      }
      if (entry.session.drawing) return true; // a network's frame, a few rows at a time
    }
    return false;
  }

  #sendFrame(entry) {
    const info = toJsObject(entry.session.info());
    const { pixels, shown } = shownFrame(entry.session); // the learned image, zoomed, or a view
    post({ type: Event.FRAME, session: entry.id, gen: entry.gen, ...info, pixels, shown }, [pixels]);
  }

  // Live epoch counters (the frame shown may be older, for a network).
  #tick() {
    const t = performance.now();
    if (!this.running || t - this.#lastTick < TICK_MS) return;
    this.#lastTick = t;
    post({ type: Event.TICK, epochs: this.#epochs() });
  }

  #epochs() {
    return Object.fromEntries([...sessions].map(([id, entry]) => [id, entry.session.epoch]));
  }
}

// The worker's one engine.
export const engine = new Engine();

// Every session as it stopped, with frames unless a frame cannot be drawn (the error being reported
// may be that one).
function describeStopped() {
  try {
    return describeAll();
  } catch {
    return describeAll(undefined, false);
  }
}
