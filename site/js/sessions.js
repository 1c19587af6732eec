// The sessions on screen, on the current target: "a" always, "b" in compare mode (compare.js). Both
// live in the same worker and train in turn. This module (re)builds them (INIT, CONFIGURE) and adopts
// what the worker confirmed of them (gen, model, knobs, rate, engine) into the store; their frames go
// to screen.js, which draws them in the panes (panes.js).

import { Request } from './protocol.js';
import { showHoldout } from './lesson.js';
import { SESSION_A, SESSION_B } from './panes.js';
import { holdoutValue } from './settings.js';

export class Sessions {
  #client;
  #store;
  #screen;
  #panes;
  #compare;
  #lesson;
  #knobs;
  #tf;

  // client() -> the WorkerClient; store: Store; screen: Screen; panes: PaneViews; target: Target;
  // knobs: session a's KnobPanel; compare: ComparePane (session b); lesson: {overlay, holdoutLegend}
  // (the hidden pixels over the target, lesson.js); tf: TfChoice (what the networks run on)
  constructor({ client, store, screen, panes, target, knobs, compare, lesson, tf }) {
    this.#client = client;
    this.#store = store;
    this.#screen = screen;
    this.#panes = panes;
    this.#compare = compare;
    this.#lesson = lesson;
    this.#knobs = knobs;
    this.#tf = tf;
    this.target = target;
  }

  // The ids of the panes on screen: [a], or [a, b] in compare mode.
  ids() { return this.#store.visible; }

  // What a pane's session is made with: its model, knobs, learning rate (null: the model's default) and
  // epochs per frame.
  model(id) { return id === SESSION_A ? this.#store.get('model') : this.#store.get('model-b'); }

  // a's batch_size is null unless chosen: the worker then takes its engine's default (a bigger one on a GPU)
  knobs(id) {
    if (id !== SESSION_A) return this.#compare.knobs();
    const knobs = this.#knobs.values();
    if ('batch_size' in knobs && !('batch_size' in this.#store.chosen)) knobs.batch_size = null;
    return knobs;
  }

  learningRate(id) {
    const store = this.#store;
    return id === SESSION_A && store.learningRateEdited ? store.get('lr') : null;
  }

  // A reply that (re)made or changed session `id`: the store adopts what the worker confirmed, and the
  // screen its frame (if it came with it).
  adopt(id, result, { redraw = false } = {}) {
    const store = this.#store;
    this.#tf.adopt(result);
    store.setPane(id, {
      gen: result.gen, model: result.model, knobs: result.knobs ?? {}, engine: result.engine ?? 'numpy',
      rate: result.learningRate ?? store.pane(id).rate,
    });
    if (id === SESSION_A) {
      this.#followRate(result.learningRate);
      this.#knobs.showConfirmed(result.knobs);
      showHoldout({ canvas: this.#lesson.overlay, legend: this.#lesson.holdoutLegend }, result.overlay ?? null,
        result.width, result.height);
    } else {
      this.#compare.showConfirmed(result);
    }
    this.#screen.reply(id, result, { redraw });
  }

  // A session made anew (at epoch 0): its reply adopted, its cost chart started again.
  adoptNew(id, result) {
    this.adopt(id, result);
    this.#panes.clearPlot(id);
  }

  // (Re)creates the sessions on the target shown, with the current settings, at epoch 0; their first
  // frames follow when the engine pulls them. `pixels` (the target's RGBA) is transferred to the worker.
  async create(pixels) {
    const client = this.#client();
    const mode = this.#store.get('mode');
    const ids = this.ids();
    if (!ids.includes(SESSION_B)) await client.request(Request.DROP, { session: SESSION_B });
    await this.#tf.prepare(ids.map((id) => this.model(id)));
    for (const [i, id] of ids.entries()) {
      const own = i === ids.length - 1 ? pixels : pixels.slice(0); // each session gets its own copy
      const result = await client.request(Request.INIT, {
        session: id, pixels: own, width: this.target.width, height: this.target.height, mode,
        model: this.model(id), learningRate: this.learningRate(id), knobs: this.knobs(id), ...this.lessonSettings(),
        ...this.#tf.engine(),
      }, [own]);
      this.adoptNew(id, result);
    }
  }

  // Rebuilds one pane's session at epoch 0 with new {model, knobs, learningRate} (on the engine chosen).
  async configure(id, fields) {
    await this.#tf.prepare([fields.model ?? this.#store.pane(id).model]);
    const request = { session: id, ...fields, ...this.#tf.engine() };
    this.adoptNew(id, await this.#client().request(Request.CONFIGURE, request));
  }

  // Session a's learning rate, from its next slice on (the same session: no rebuild). Rejects saying why.
  async setRate(rate) {
    await this.#store.during(async () => {
      const result = await this.#client().request(Request.CONFIGURE, { session: SESSION_A, learningRate: rate });
      this.#store.setPane(SESSION_A, { rate: result.learningRate });
      this.#followRate(result.learningRate);
    });
  }

  // The lesson's settings as the worker takes them: {holdout, zoom, view}.
  lessonSettings() {
    const store = this.#store;
    return { holdout: holdoutValue(store.get('holdout')), zoom: Number(store.get('zoom')), view: store.get('view') };
  }

  // Every pane drawn another way (zoom, view): the same sessions, so no rebuild; a network's redrawn
  // frame follows as a FRAME.
  async display() {
    const { zoom, view } = this.lessonSettings();
    for (const id of this.ids()) {
      const result = await this.#client().request(Request.CONFIGURE, { session: id, zoom, view });
      if (result.gen === this.#store.pane(id).gen) this.adopt(id, result, { redraw: true });
    }
  }

  // The slider follows session a's confirmed rate unless the rate was set by hand.
  #followRate(rate) {
    if (rate != null && !this.#store.learningRateEdited) this.#store.set('lr', rate);
  }
}
