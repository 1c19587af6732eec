// Python's worker, started and started again: boot (the first load, and Retry after a failure) and
// restart (Stop, when Python is stuck in the visitor's code). Both end in a usable page: ready with the
// sessions made, or an error that says why with a Retry button.

import { Request, Stage, LoadState } from './protocol.js';
import { WorkerClient } from './worker-client.js';
import { Status, newPane } from './store.js';
import { SESSION_A, SESSION_B } from './panes.js';
import { CUSTOM } from './your-model.js';
import { defaultModelB } from './compare.js';

const LOAD_TIMEOUT_MS = 60000;

export class Boot {
  client = null; // the WorkerClient; a retry or a restart makes a new one
  #parts;

  // parts: {store, readout, screen, engine, sessions, target, files, models, yourModel, tf}
  constructor(parts) {
    this.#parts = parts;
  }

  // A new worker, Python loaded in it, and the sessions made on the target (the status goes loading,
  // then ready or error).
  async boot() {
    const { store, readout, screen, engine, sessions, target, files, models, yourModel, tf } = this.#parts;
    // (not `changing`: each request counted there ends by itself, rejected when its worker is terminated)
    store.update({ status: Status.LOADING, running: false, rebuilding: false, queuedStart: false, busy: false });
    for (const id of [SESSION_A, SESSION_B]) store.setPane(id, newPane()); // none yet
    tf.forget();
    readout.clearMessage();
    readout.clearStats();
    this.client?.terminate();
    readout.showLoading(Object.values(Stage));
    const ours = (fn) => (msg) => { if (attempt === this.client) fn(msg); }; // events of a replaced worker are dropped
    const attempt = new WorkerClient({
      onState: (loadState) => readout.showLoadState(loadState),
      onProgress: (stage, fraction) => readout.showProgress(stage, fraction),
      onFrame: ours((msg) => screen.frame(msg)),
      onTick: ours((msg) => screen.tick(msg)),
      onStopped: ours((msg) => engine.stopped(msg)),
    });
    this.client = attempt;
    files.forgetDecoder();
    try {
      // a bundled photo shows while Python loads: both start now; a person's own file (kept in the store
      // when Python is restarted) needs Python to decode it
      const [photo] = await Promise.all([store.upload ? null : target.showPhoto(store.get('image')),
        attempt.load({ timeoutMs: LOAD_TIMEOUT_MS })]);
      await models.describe();
      await sessions.create(photo ?? await this.#restoreUpload());
      readout.hideLoading();
      store.update({ status: Status.READY });
      screen.pull();
      if (store.urlNotes.length) readout.showMessage(store.urlNotes.join(' '), 'info');
      yourModel.fetchTemplates().catch((err) => readout.showMessage(`The code templates did not load: ${err.message}`, 'error'));
    } catch (err) {
      if (attempt !== this.client) return; // a retry replaced this attempt
      attempt.terminate();
      engine.fail(err);
    }
  }

  // Stop (watchdog.js): Python is stuck in the visitor's code. End the worker and start a fresh one with
  // everything the visitor had: the settings, the image (an upload from the store's bytes), both panes'
  // models; the code stays in the editor; a pane that ran the visitor's model goes back to the model
  // before it, and built-in sessions get back the parameters saved at the last Run.
  async restart() {
    const { store, readout, engine, sessions, models, yourModel } = this.#parts;
    // loading from the click on: the page is not settled (nor ready) while Python restarts
    store.update({ status: Status.LOADING, running: false });
    this.client?.terminate(); // pending requests fail now, not when the endless loop ends
    await new Promise((resolve) => setTimeout(resolve, 0));
    const saved = yourModel.saved;
    yourModel.forget();
    if (store.get('model') === CUSTOM) {
      store.choose('model', yourModel.previousModel);
      await models.switchModel(yourModel.previousModel); // Python is not up: only the settings change
    }
    if (store.get('model-b') === CUSTOM) store.choose('model-b', yourModel.previousModelB ?? defaultModelB(store.get('model')));
    await this.boot();
    if (!store.usable) return;
    for (const [id, { model, text }] of Object.entries(saved)) {
      if (!store.visible.includes(id) || sessions.model(id) !== model) continue;
      const bytes = new TextEncoder().encode(text).buffer;
      await engine.rebuild(async () => {
        sessions.adoptNew(id, await this.client.request(Request.LOAD_PARAMS, { session: id, bytes }, [bytes]));
      }, Status.PAUSED);
    }
    // a rate set by hand since that Run (while Python was stuck, say) is the one shown: it is the one used
    if (store.learningRateEdited && store.pane(SESSION_A).rate !== store.get('lr')) {
      await sessions.setRate(store.get('lr')).catch(() => {}); // a worker gone again: its own message says so
    }
    readout.showMessage('Python was restarted. Your code is kept in the editor; fix it and press Run.', 'info', { kind: 'restarted' });
  }

  // The person's file as the target of a new worker; if it cannot be decoded again, the photo before it.
  async #restoreUpload() {
    const { store, target, files } = this.#parts;
    try {
      return await files.restoreUpload();
    } catch (err) {
      if (this.client.state === LoadState.FAILED) throw err;
      store.update({ upload: null });
      target.showCredit(store.get('image'));
      return target.showPhoto(store.get('image'));
    }
  }
}
