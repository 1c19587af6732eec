// The page's side of the worker: a request/reply client that matches replies by id, plus the load
// state machine idle -> downloading -> starting -> ready | failed. Failed is terminal: the first cause
// is kept and later errors cannot overwrite it; to retry, make a new WorkerClient.

import { Request, Event, Stage, LoadState } from './protocol.js';
import { takeWorker } from './worker-start.js';

export class WorkerError extends Error {
  constructor({ name, message, stack }) {
    super(message);
    this.name = name;
    this.remoteStack = stack;
  }
}

export class WorkerClient {
  #worker;
  #nextId = 1;
  #pending = new Map(); // id -> {resolve, reject}
  #progress = new Map(Object.values(Stage).map((stage) => [stage, 0]));
  #fetchFailures = []; // "file (reason)" for every file the worker could not fetch
  #terminated = null;  // the error every request gets once terminate() was called
  #onState;
  #onProgress;
  #onEvent;
  state = LoadState.IDLE;
  failure = null;
  lastHeard = performance.now(); // when the worker last sent anything (watchdog.js: a slice that never ends)

  // onState(state, error?) after each transition; onProgress(stage, fraction, allStages);
  // onFrame, onTick, onStopped (message): the training engine's events (protocol.js Event)
  constructor({ onState = () => {}, onProgress = () => {}, onFrame = () => {}, onTick = () => {}, onStopped = () => {} } = {}) {
    this.#onState = onState;
    this.#onProgress = onProgress;
    this.#onEvent = { [Event.FRAME]: onFrame, [Event.TICK]: onTick, [Event.STOPPED]: onStopped };
    const { worker, held, release } = takeWorker(); // maybe started ahead, booting Python already
    this.#worker = worker;
    const on = {
      message: (event) => this.#receive(event.data),
      // a worker script that fails to load or throws outside a request ends up here
      error: (event) => {
        event.preventDefault();
        this.#crash(new Error(`the Python worker stopped: ${event.message || 'its script could not be loaded (js/worker/worker.js)'}`));
      },
      messageerror: () => this.#crash(new Error('a message from the Python worker could not be read')),
    };
    for (const [type, fn] of Object.entries(on)) worker.addEventListener(type, fn);
    release();
    for (const event of held) on[event.type](event); // what it said before this client took it
  }

  // Boots Python; rejects with a message naming the cause, or after timeoutMs.
  async load({ timeoutMs = 60000 } = {}) {
    this.#setState(LoadState.DOWNLOADING);
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const failures = this.#fetchFailures.length ? `; could not fetch ${this.#fetchFailures.join(', ')}` : '';
        reject(new Error(`Python did not start within ${Math.round(timeoutMs / 1000)} s `
          + `(${this.#describeProgress()})${failures}`));
      }, timeoutMs);
    });
    try {
      const info = await Promise.race([this.request(Request.LOAD), timeout]);
      this.#setState(LoadState.READY);
      return info;
    } catch (err) {
      this.#crash(err);
      throw this.failure;
    } finally {
      clearTimeout(timer);
    }
  }

  // Sends {type, ...fields}; resolves with the reply's result, rejects with a WorkerError (at once once
  // the worker has failed or was terminated: no request waits for a worker that is gone).
  request(type, fields = {}, transfer = []) {
    const gone = this.state === LoadState.FAILED ? this.failure : this.#terminated;
    if (gone) return Promise.reject(gone);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.lastHeard = performance.now(); // the wait starts now
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...fields, id, type }, transfer);
    });
  }

  // A message without a reply (protocol.js Signal), e.g. PULL.
  signal(type, fields = {}) {
    if (this.state !== LoadState.FAILED && !this.#terminated) this.#worker.postMessage({ ...fields, type });
  }

  terminate() {
    this.#terminated ??= new Error('the Python worker was stopped');
    this.#worker.terminate();
    this.#rejectAll(this.#terminated);
  }

  // how many requests await their reply
  get outstanding() { return this.#pending.size; }

  #receive(msg) {
    this.lastHeard = performance.now();
    const onEvent = this.#onEvent[msg.type];
    if (onEvent) {
      if (msg.type === Event.STOPPED && msg.error) msg.error = new WorkerError(msg.error);
      onEvent(msg);
      return;
    }
    if (msg.type === Event.FETCH_FAILED) {
      this.#fetchFailures.push(`${msg.file} (${msg.reason})`);
      return;
    }
    if (msg.type === Event.PROGRESS) {
      this.#progress.set(msg.stage, msg.fraction);
      const downloaded = [Stage.RUNTIME, Stage.NUMPY].every((stage) => this.#progress.get(stage) === 1);
      if (downloaded && this.state === LoadState.DOWNLOADING) this.#setState(LoadState.STARTING);
      this.#onProgress(msg.stage, msg.fraction, new Map(this.#progress));
      return;
    }
    const pending = this.#pending.get(msg.id);
    if (!pending) return;
    this.#pending.delete(msg.id);
    if (msg.ok) pending.resolve(msg.result);
    else pending.reject(new WorkerError(msg.error));
  }

  #describeProgress() {
    return [...this.#progress]
      .map(([stage, fraction]) => `${stage} ${fraction == null ? '…' : `${Math.round(fraction * 100)} %`}`)
      .join(', ');
  }

  #crash(err) {
    if (this.state === LoadState.FAILED) return;
    this.failure = err;
    this.#worker.terminate();
    this.#rejectAll(err);
    this.#setState(LoadState.FAILED, err);
  }

  #rejectAll(err) {
    for (const { reject } of this.#pending.values()) reject(err);
    this.#pending.clear();
  }

  #setState(state, error) {
    if (this.state === state || this.state === LoadState.FAILED) return;
    this.state = state;
    this.#onState(state, error);
  }
}
