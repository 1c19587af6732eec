// The sessions on screen, on the current target: "a" always, "b" in compare mode (compare.js). Both
// live in the same worker and train in turn. This module (re)builds them (INIT, CONFIGURE), tells the
// store what the worker confirmed (gen, model, knobs, rate), and gives each pane's view: where its
// frame and numbers are drawn (screen.js is the only caller of a view's draw and numbers).

import { Request } from './protocol.js';
import { drawPixels } from './pixels.js';
import { showHoldout, showHiddenPsnr, showLegend } from './lesson.js';
import { formatEpoch } from './readout.js';

export const SESSION_A = 'a';
export const SESSION_B = 'b';

export class Sessions {
  #client;
  #store;
  #screen;
  #compare;
  #views;
  #lesson;
  #knobs;
  #chart;
  #tf;

  // client() -> the WorkerClient; store: Store; screen: Screen; target: Target; learned: #learned;
  // readout: Readout; chart: CostChart; knobs: session a's KnobPanel; compare: ComparePane (session b);
  // lesson: {overlay, holdoutLegend, legendA, legendB, hiddenA: {row, value}, hiddenB} (lesson.js);
  // tf: TfChoice (what the networks run on)
  constructor({ client, store, target, learned, readout, chart, knobs, compare, lesson, tf }) {
    this.#tf = tf;
    this.#client = client;
    this.#store = store;
    this.#compare = compare;
    this.#lesson = lesson;
    this.#knobs = knobs;
    this.#chart = chart;
    this.target = target;
    // a frame's picture is drawn at its own size (a zoom or a view), else at the target's
    const view = (id, canvas, legend, hidden, numbers, epoch) => ({
      draw: (pixels, shown) => {
        drawPixels(canvas(), pixels, shown?.width ?? target.width, shown?.height ?? target.height);
        showLegend(legend, shown, store.pane(id).model ?? store.get(id === SESSION_A ? 'model' : 'model-b'));
      },
      // the drawn frame's numbers; frameEpoch: the epoch of the frame drawn (#learned[data-epoch]), null
      // when none of this session is drawn yet
      numbers: (stats, frameEpoch) => {
        numbers(stats);
        showHiddenPsnr(hidden, stats.psnr_hidden);
        if (frameEpoch != null) canvas().dataset.epoch = formatEpoch(frameEpoch);
      },
      epoch,
      plot: (stats) => {
        if (id !== SESSION_A || stats.cost == null) return;
        chart.add(stats.frame_epoch, stats.cost, stats.cost_hidden);
        chart.draw();
      },
    });
    this.#views = {
      [SESSION_A]: view(SESSION_A, () => learned, lesson.legendA, lesson.hiddenA,
        (stats) => readout.showStats(stats), (epoch) => readout.showEpoch(epoch)),
      [SESSION_B]: view(SESSION_B, () => compare.canvas, lesson.legendB, lesson.hiddenB,
        (stats) => compare.show(stats), (epoch) => compare.showEpoch(epoch)),
    };
  }

  // Set once the screen exists (it needs the views, and the sessions need it).
  set screen(screen) { this.#screen = screen; }

  view(id) { return this.#views[id]; }

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

  // A reply that (re)made or changed session `id`: the store takes what the worker confirmed, and the
  // screen its frame (if it came with it).
  confirm(id, result, { redraw = false } = {}) {
    const store = this.#store;
    this.#tf.confirm(result);
    store.setPane(id, { gen: result.gen, model: result.model, knobs: result.knobs ?? {}, engine: result.engine ?? 'numpy' });
    if (id === SESSION_A) {
      this.acceptRate(result.learningRate);
      this.#knobs.confirm(result.knobs);
      document.body.dataset.model = result.model;
      showHoldout({ canvas: this.#lesson.overlay, legend: this.#lesson.holdoutLegend }, result.overlay ?? null,
        result.width, result.height);
    } else {
      this.#compare.confirm(result);
    }
    this.#screen.reply(id, result, { redraw });
  }

  // A session rebuilt at epoch 0: its cost chart starts again.
  clearPlot(id) {
    if (id === SESSION_A) this.#chart.clear();
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
      this.confirm(id, result);
      this.clearPlot(id);
    }
  }

  // Rebuilds one pane's session at epoch 0 with new {model, knobs, learningRate} (on the engine chosen).
  async configure(id, fields) {
    await this.#tf.prepare([fields.model ?? this.#store.pane(id).model]);
    const request = { session: id, ...fields, ...this.#tf.engine() };
    this.confirm(id, await this.#client().request(Request.CONFIGURE, request));
    this.clearPlot(id);
  }

  // The lesson's settings as the worker takes them: {holdout, zoom, view}.
  lessonSettings() {
    const store = this.#store;
    return { holdout: Number(store.get('holdout')), zoom: Number(store.get('zoom')), view: store.get('view') };
  }

  // Every pane drawn another way (zoom, view): the same sessions, so no rebuild; a network's redrawn
  // frame follows as a FRAME.
  async display() {
    const { zoom, view } = this.lessonSettings();
    for (const id of this.ids()) {
      const result = await this.#client().request(Request.CONFIGURE, { session: id, zoom, view });
      if (result.gen === this.#store.pane(id).gen) this.confirm(id, result, { redraw: true });
    }
  }

  // The rate the worker confirmed for session a; the slider follows it unless the rate was set by hand.
  acceptRate(rate) {
    if (rate == null) return;
    document.body.dataset.learningRate = String(rate);
    if (!this.#store.learningRateEdited) this.#store.set('lr', rate);
  }
}
