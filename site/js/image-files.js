// Images in and out, the page's side of the requests: a person's own file (picker, drop, paste) becomes
// the target, decoded by Pillow in the worker; a file it refuses changes nothing here (image, epoch,
// learned canvas, running or paused): only the message says why. Exports run while training goes on:
// the worker answers between slices, from the frame it last sent. upload.js and export.js own the inputs.

import { Request, LoadState } from './protocol.js';
import { Status } from './store.js';
import { sentence } from './readout.js';
import { SESSION_A } from './panes.js';
import { saveFile, fileStem } from './export.js';

// The Image select names the person's file while it is the target: a disabled option, so it can be
// shown selected but never chosen (picking a bundled photo still works as before).
function showUploadInSelect(select, name) {
  let option = select.querySelector('option[data-upload]');
  if (!option) {
    option = document.createElement('option');
    option.dataset.upload = '';
    option.value = ''; // as with no selection: the settings never take it for a photo's id
    option.disabled = true;
    select.append(option);
  }
  option.textContent = `Your image: ${name}`;
  option.selected = true;
}

export class ImageFiles {
  #decoder = null; // Promise: Pillow loaded in the worker (first upload or export)
  #client;
  #readout;
  #engine;
  #store;
  #target;
  #sessions;
  #models;
  #imageSelect;

  // client() -> the WorkerClient; readout, engine (Engine), store (Store), target, sessions, models
  // (ModelChoice), imageSelect: the Image <select>
  constructor({ client, readout, engine, store, target, sessions, models, imageSelect }) {
    this.#client = client;
    this.#readout = readout;
    this.#engine = engine;
    this.#store = store;
    this.#target = target;
    this.#sessions = sessions;
    this.#models = models;
    this.#imageSelect = imageSelect;
  }

  // A new worker has no Pillow yet.
  forgetDecoder() { this.#decoder = null; }

  async openFile({ name, bytes }) {
    const readout = this.#readout;
    const store = this.#store;
    if (!store.usable) {
      readout.showMessage(`"${name}" was not used: Python is still loading; try again once it is ready.`, 'error');
      return;
    }
    const kept = bytes.slice(0); // the store keeps the file: a restarted Python decodes it again
    let info;
    try {
      info = await this.decode(bytes);
    } catch (err) {
      if (this.#client().state === LoadState.FAILED) this.#engine.fail(err);
      else readout.showMessage(`"${name}" was not used: ${sentence(err.message)}`, 'error');
      return;
    }
    const target = this.#target;
    await this.#engine.rebuild(async () => {
      const pixels = await target.resample(true);
      store.update({ upload: { name, bytes: kept } });
      this.showUpload();
      await this.#sessions.create(pixels);
    });
    if (store.upload?.name !== name || store.status !== Status.READY) return;
    const notes = info.notes.length ? ` ${sentence(info.notes.join('; '))}` : '';
    readout.showMessage(`Painting "${name}" (${info.format}, ${info.originalWidth}×${info.originalHeight}) `
      + `at ${target.width}×${target.height} pixels.${notes}`, 'info', { kind: 'image' });
  }

  // A file's bytes decoded by Pillow in the worker and kept there for RESAMPLE_IMAGE (transferred).
  async decode(bytes) {
    await this.#ensureDecoder();
    return this.#client().request(Request.DECODE_IMAGE, { bytes }, [bytes]);
  }

  // The person's file (the store's bytes) as the target again, in a new worker: -> its RGBA.
  async restoreUpload() {
    await this.decode(this.#store.upload.bytes.slice(0));
    this.showUpload();
    return this.#target.resample(true);
  }

  // The Image select and the credit name the person's file.
  showUpload() {
    showUploadInSelect(this.#imageSelect, this.#store.upload.name);
    this.#target.showCredit(null);
  }

  exportPng(large) {
    return this.#fileJob('The PNG was not made', async () => {
      const r = await this.#client().request(Request.EXPORT_PNG, { session: SESSION_A, large });
      saveFile(r.bytes, this.#fileName(`epoch${r.epoch}${large ? `-x${r.scale}` : ''}.png`), 'image/png');
      return `Saved the learned image at epoch ${r.epoch} as a ${r.width}×${r.height} PNG.`;
    });
  }

  exportGif() {
    return this.#fileJob('The timelapse GIF was not made', async () => {
      const r = await this.#client().request(Request.EXPORT_GIF, { session: SESSION_A });
      saveFile(r.bytes, this.#fileName(`timelapse-epoch${r.epoch}.gif`), 'image/gif');
      return `Saved a timelapse GIF of ${r.frames} frames (${r.width}×${r.height}) up to epoch ${r.epoch}.`;
    });
  }

  saveParams() {
    return this.#fileJob('The parameters were not saved', async () => {
      const r = await this.#client().request(Request.SAVE_PARAMS, { session: SESSION_A });
      saveFile(r.text, this.#fileName(`epoch${r.epoch}.json`), 'application/json');
      return `Saved the ${r.model} model's parameters at epoch ${r.epoch}.`;
    });
  }

  // A parameter file for this image: its learned image, epoch and rate replace the current ones (and its
  // model and mode, if they differ). A file for another image size, or a broken one, changes nothing.
  loadParams({ name, bytes }) {
    return this.#fileJob(`"${name}" was not loaded`, async () => {
      // refused (size, model, malformed): raises here and nothing has changed
      const r = await this.#client().request(Request.LOAD_PARAMS, { session: SESSION_A, bytes }, [bytes]);
      await this.#engine.rebuild(async () => {
        this.#adoptSettings(r.settings, r.knobs ?? {});
        // the file's rate is in effect: a rate chosen before is replaced, in the address bar too
        if (this.#store.learningRateEdited) this.#store.choose('lr', r.learningRate);
        else this.#store.set('lr', r.learningRate);
        this.#sessions.adoptNew(SESSION_A, r);
      }, r.epoch > 0 ? Status.PAUSED : Status.READY);
      return `Loaded "${name}": the ${r.model} model at epoch ${r.epoch}. Press Continue to train on.`;
    });
  }

  // Pillow loads in the worker on first use (a few seconds); the person is told why they wait.
  #ensureDecoder() {
    if (!this.#decoder) {
      const note = 'Loading the image decoder…';
      this.#readout.showMessage(note, 'info');
      this.#decoder = this.#client().request(Request.LOAD_DECODER).then(() => {
        if (this.#readout.messageText === note) this.#readout.clearMessage();
      }, (err) => {
        this.#decoder = null;
        throw new Error(`the image decoder (Pillow) did not load: ${err.message}`);
      });
    }
    return this.#decoder;
  }

  // An export or parameter load: Pillow first, then `work` while training is held; its note is shown.
  async #fileJob(failure, work) {
    if (!this.#store.usable || this.#store.busy) return;
    try {
      await this.#ensureDecoder();
      const note = await this.#engine.busy(work);
      if (note) this.#readout.showMessage(note, 'info');
    } catch (err) {
      if (this.#client().state === LoadState.FAILED) this.#engine.fail(err);
      else this.#readout.showMessage(`${failure}: ${sentence(err.message)}`, 'error');
    }
  }

  #fileName(suffix) {
    const { upload } = this.#store;
    const image = upload ? fileStem(upload.name) : this.#store.get('image');
    return `${image}-${this.#store.get('model')}-${suffix}`;
  }

  // Settings a parameter file brought (model, mode, knobs) chosen, so the controls and the URL show them.
  #adoptSettings({ model, mode }, knobs) {
    const store = this.#store;
    if (mode !== store.get('mode')) {
      store.choose('mode', mode);
      store.followMode(mode);
    }
    this.#models.adoptLoaded(model, knobs);
  }
}
