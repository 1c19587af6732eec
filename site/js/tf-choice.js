// What the networks run on: the "Run networks on" select (setting `backend`: numpy or tensorflow, URL key
// `tf` forcing one TensorFlow.js backend), loading TensorFlow.js in the worker the first time a network
// needs it, and saying which backend runs (body[data-tf-backend], the select's status line).
// TensorFlow.js that does not load leaves the networks on numpy, saying why. No maths here.

import { Request, LoadState } from './protocol.js';

const LOADING = 'Loading TensorFlow.js…';
const UNUSED = 'The networks (MLP, SIREN) only: the other models always run on numpy.';
const NUMPY = 'The networks run in Python (numpy), as the other models always do.';

export class TfChoice {
  #client;
  #store;
  #readout;
  #isNetwork;
  #status;

  // client() -> the WorkerClient; store: Store; readout: Readout; isNetwork(model) -> it can run on
  // TensorFlow.js; status: the select's status line (#backend-hint)
  constructor({ client, store, readout, isNetwork, status }) {
    this.#client = client;
    this.#store = store;
    this.#readout = readout;
    this.#isNetwork = isNetwork;
    this.#status = status;
    store.subscribe((now) => this.#show(now));
  }

  // What the worker is asked to run `model` on: {engine, tfBackend}.
  engine() {
    return { engine: this.#store.get('backend'), tfBackend: this.#store.get('tf') ?? null };
  }

  // Before sessions of `models` are made: TensorFlow.js is loaded if one of them is a network that is
  // to run on it. If it cannot load, the networks run on numpy (the select says so) and #message why.
  async prepare(models) {
    const store = this.#store;
    if (store.get('backend') !== 'tensorflow' || !models.some((name) => this.#isNetwork(name))) return;
    if (store.tf?.state === 'ready') return;
    store.update({ tf: { state: 'loading' } });
    const client = this.#client();
    try {
      const info = await client.request(Request.LOAD_TF, { forced: store.get('tf') ?? null });
      store.update({ tf: { state: 'ready', ...info } });
    } catch (err) {
      if (client !== this.#client() || client.state === LoadState.FAILED) throw err; // the worker is gone
      store.update({ tf: { state: 'failed', error: err.message } });
      store.set('backend', 'numpy');
      store.unchoose('backend');
      this.#readout.showMessage(`TensorFlow.js did not load (${err.message}); the networks run on numpy.`, 'info',
        { kind: 'tf-failed' });
    }
  }

  // A reply that made a session says what it runs on (the worker may have loaded TensorFlow.js itself).
  adopt({ engine, tf }) {
    if (engine === 'tensorflow' && tf && this.#store.tf?.state !== 'ready') this.#store.update({ tf: { state: 'ready', ...tf } });
  }

  // A new worker (a retry, a restart): TensorFlow.js is loaded again when needed.
  forget() {
    this.#store.update({ tf: null });
  }

  #show(now) {
    const running = now.visible.some((id) => now.panes[id].engine === 'tensorflow');
    const tf = now.tf;
    const backend = running && tf?.state === 'ready' ? tf.backend : '';
    if (document.body.dataset.tfBackend !== backend) document.body.dataset.tfBackend = backend;
    let text;
    if (tf?.state === 'loading') text = LOADING;
    else if (tf?.state === 'failed') text = `TensorFlow.js did not load (${tf.error}): the networks run on numpy.`;
    else if (now.get('backend') === 'numpy') text = NUMPY;
    else if (running && tf?.state === 'ready') text = `TensorFlow.js on ${tf.backend} (${tf.reason})`;
    else text = UNUSED;
    const line = brief(text);
    if (this.#status.textContent !== line) {
      this.#status.textContent = line;
      this.#status.title = text; // with the details (a renderer's full name)
    }
  }
}

// `text` without its nested parenthesised details: "… (WebAssembly SIMD, as WebGL is software-rendered
// (ANGLE (…)))" -> "… (WebAssembly SIMD, as WebGL is software-rendered)".
function brief(text) {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (depth <= 1) out += ch;
    if (ch === ')') depth = Math.max(0, depth - 1);
  }
  return out.replace(/\s+(?=[,;)]|$)/g, '').replace(/ {2,}/g, ' ');
}
