// The "Your model" pane: the visitor's Python model in an editor (code-editor.js), Run (compiled and
// checked in the worker, painting.custom, then trained as the model "custom" like any built-in one),
// the two starting templates, errors with their line marked, the code kept in localStorage and saved or
// loaded as a .py file, and the "Run it in Python" recipe. Code never comes from the URL.

import { Request } from './protocol.js';
import { CodeEditor } from './code-editor.js';
import { saveFile } from './export.js';
import { readFile } from './upload.js';
import { IMAGES } from './images.js';
import { WHEEL_FILE } from './python-values.js';
import { SESSION_A } from './panes.js';

export const CUSTOM = 'custom';
export const CODE_FILE = 'my_model.py';
const STORAGE_KEY = 'regression-painter:code';
const MAX_CODE_BYTES = 1_000_000;
const SAVE_DELAY_MS = 300;

// "my_model.py, line 3: in features: NameError: ..." -> 3 (null when the error names no line)
export function errorLine(message) {
  const match = /(?:^|\s)[\w.-]+\.py, line (\d+):/.exec(message ?? '');
  return match ? Number(match[1]) : null;
}

function stored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage switched off: the code lives for this visit only
  }
}

export class YourModel {
  compiled = false;          // the worker has the editor's model registered as "custom"
  previousModel = 'onehot';  // session a's built-in model before "custom": what Stop goes back to
  previousModelB = null;     // session b's, likewise
  saved = {};                // session id -> {model, text}: built-in sessions' parameters at the last Run
  #compiling = false;
  #el;
  #editor;
  #templates = null;
  #saveTimer = 0;
  #ctx;

  // el: {pane (<details>), code (textarea#code), gutter, mark, run, templates (container of
  // [data-template] buttons), save, load (file input), recipePanel (<details>), recipe, recipeImage};
  // ctx: {client(), store, readout, models (ModelChoice), knobs (session a's KnobPanel)}
  constructor(el, ctx) {
    this.#el = el;
    this.#ctx = ctx;
    this.#editor = new CodeEditor({ text: el.code, gutter: el.gutter, mark: el.mark }, () => {
      this.compiled = false; // the code changed: Run (or choosing the model) compiles it again
      clearTimeout(this.#saveTimer);
      this.#saveTimer = setTimeout(() => this.#store(), SAVE_DELAY_MS);
    });
    const code = stored();
    if (code != null) this.#editor.value = code;
    el.run.addEventListener('click', () => this.run());
    for (const button of el.templates.querySelectorAll('[data-template]')) {
      button.addEventListener('click', () => this.useTemplate(button.dataset.template));
    }
    el.save.addEventListener('click', () => saveFile(this.#editor.value, CODE_FILE, 'text/x-python'));
    el.load.addEventListener('change', async () => {
      const file = el.load.files[0];
      el.load.value = '';
      if (file) await this.loadFile(file);
    });
    el.recipePanel.addEventListener('toggle', () => this.showRecipe());
    window.addEventListener('pagehide', () => { if (this.#saveTimer) this.#store(); }); // a save still pending
  }

  get source() { return this.#editor.value; }

  // Once Python is up: the templates; an empty editor (a first visit) gets the "features" one.
  async fetchTemplates() {
    const { templates } = await this.#ctx.client().request(Request.CODE_TEMPLATES);
    this.#templates = templates;
    this.#el.templates.querySelectorAll('[data-template]').forEach((b) => { b.disabled = false; });
    if (!this.#editor.value.trim()) this.#editor.value = templates.features;
  }

  useTemplate(name) {
    if (!this.#templates?.[name]) return;
    this.#editor.value = this.#templates[name];
    this.#store();
  }

  async loadFile(file) {
    const read = await readFile(file, MAX_CODE_BYTES, 'a model file');
    if (read.error) {
      this.#ctx.readout.showMessage(read.error, 'error');
      return;
    }
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
    } catch {
      this.#ctx.readout.showMessage(`"${read.name}" was not loaded: it is not UTF-8 text.`, 'error');
      return;
    }
    this.#editor.value = text.replace(/\r\n?/g, '\n');
    this.#store();
    this.#ctx.readout.showMessage(`Loaded "${read.name}" into the editor. Press Run to train it.`, 'info');
  }

  // Compiles the editor's code in the worker (unless it already has it); false, with the error shown
  // and its line marked, if the code is refused. Nothing on the page changes then.
  async compile() {
    const { client, store, readout } = this.#ctx;
    if (!store.pythonUp) {
      readout.showMessage('Python is still loading: press Run again in a moment.', 'info');
      return false;
    }
    if (this.compiled) return true;
    this.#editor.clearMark();
    if (store.message?.kind === 'code') readout.clearMessage(); // the error of the code before this
    await this.#saveBuiltIns();
    this.#compiling = true;
    try {
      const { model } = await client().request(Request.COMPILE_CODE, { source: this.#editor.value, filename: CODE_FILE, session: SESSION_A });
      this.#ctx.models.adoptCustom(model);
      this.compiled = true;
      return true;
    } catch (err) {
      this.showError(err);
      return false;
    } finally {
      this.#compiling = false;
    }
  }

  // The visitor's code may be running: it is being compiled, or a session paints with it (the watchdog
  // offers Stop only then; a built-in model's long request always ends).
  inUse() {
    const { store } = this.#ctx;
    return this.#compiling || store.visible.some((id) => store.pane(id).model === CUSTOM
      || (id === SESSION_A ? store.get('model') : store.get('model-b')) === CUSTOM);
  }

  // Run: compile, then session a trains the model "custom" (from epoch 0) like any built-in model.
  // (the page is not settled from the click until the switch is made or refused)
  async run() {
    const { store, models } = this.#ctx;
    return store.during(async () => {
      this.compiled = false; // Run always takes the code as it is now
      if (!(await this.compile())) return false;
      const current = store.pane(SESSION_A).model ?? store.get('model'); // session a's model in effect
      if (current !== CUSTOM) this.previousModel = current;
      store.choose('model', CUSTOM);
      this.#el.pane.open = true;
      await models.switchModel(CUSTOM);
      if (store.compare && store.get('model-b') === CUSTOM) await models.switchModelB(CUSTOM);
      this.showRecipe();
      return true;
    });
  }

  // An error from the visitor's code (compiling, or a slice of training): said in #message, line marked.
  showError(err) {
    const line = errorLine(err.message);
    this.#ctx.readout.showMessage(`Your model: ${err.message}`, 'error', { kind: 'code' });
    if (line != null) this.#editor.markLine(line);
  }

  // Engine failures pass through here: only errors of the visitor's code mark a line.
  noticeError(err) {
    if (err?.name === 'ModelCodeError' || errorLine(err?.message) != null) {
      const line = errorLine(err.message);
      if (line != null) this.#editor.markLine(line);
    }
  }

  // After a fresh worker (Stop): nothing is compiled; the code stays in the editor.
  forget() {
    this.compiled = false;
  }

  // The parameters of every session running a built-in model, so Stop can bring them back.
  async #saveBuiltIns() {
    try {
      this.saved = (await this.#ctx.client().request(Request.SAVE_BUILT_INS)).sessions;
    } catch {
      this.saved = {}; // not saved: Stop restarts the sessions at epoch 0
    }
  }

  #store() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = 0;
    try {
      window.localStorage.setItem(STORAGE_KEY, this.#editor.value);
    } catch {
      // storage full or switched off: the code lives for this visit only
    }
  }

  // "Run it in Python": pip install the wheel from this page's own address, then the command for the
  // settings in effect.
  showRecipe() {
    if (!this.#el.recipePanel.open) return;
    const { store: settings, knobs } = this.#ctx;
    const wheel = new URL(`py/${WHEEL_FILE}`, document.baseURI).href;
    const image = IMAGES.find((img) => img.id === settings.get('image')) ?? IMAGES[0];
    const upload = settings.upload?.name;
    const file = upload ? upload.replace(/[^\w.-]+/g, '_') : image.file.split('/').pop();
    const model = settings.get('model');
    const args = [file, '--size', String(settings.get('size'))];
    if (settings.get('mode') !== 'rgb') args.push('--mode', settings.get('mode'));
    if (model === CUSTOM) args.push('--model-file', CODE_FILE);
    else args.push('--model', model);
    if (settings.learningRateEdited) args.push('--lr', String(Number(settings.get('lr').toPrecision(6))));
    args.push('--epochs-per-frame', String(settings.get('epochs-per-frame')));
    for (const [name, value] of Object.entries(knobs.values())) args.push(`--${name.replace(/_/g, '-')}`, String(value));
    args.push('--out', 'learned.png');
    this.#el.recipe.textContent = `pip install ${wheel}\nregression-painter ${args.join(' ')}`;
    this.#el.recipeImage.href = image.file;
    this.#el.recipeImage.download = image.file.split('/').pop();
    this.#el.recipeImage.textContent = upload ? `your ${file}, or ${image.file.split('/').pop()}` : file;
  }
}
