// The sessions on screen, on the current target: "a" always, "b" in compare mode (compare.js). Both
// live in the same worker and train in turn. This module (re)builds them (INIT, CONFIGURE) and gives
// each as a pane, made once: what it asks the worker for, and where its frame and numbers are drawn.

import { Request } from './protocol.js';
import { drawPixels } from './pixels.js';
import { showHoldout, showHiddenPsnr, showLegend } from './lesson.js';

export const SESSION_A = 'a';

export class Sessions {
  #client;
  #compare;
  #a;
  #b;

  // client() -> the WorkerClient; target: Target; learned: #learned; readout: Readout; chart: CostChart;
  // knobs: session a's KnobPanel; compare: ComparePane (session b); settings: PageSettings
  // lesson: {overlay, holdoutLegend, legendA, legendB, hiddenA: {row, value}, hiddenB} (lesson.js)
  constructor({ client, target, learned, readout, chart, knobs, compare, settings, lesson }) {
    this.#client = client;
    this.#compare = compare;
    // a frame's picture is drawn at its own size (a zoom or a view), else at the target's
    const drawn = (draw, legend, model) => (pixels, shown) => {
      draw(pixels, shown?.width ?? target.width, shown?.height ?? target.height);
      showLegend(legend, shown, model());
    };
    const drawA = drawn((pixels, w, h) => drawPixels(learned, pixels, w, h), lesson.legendA, () => settings.get('model'));
    const drawB = drawn((pixels, w, h) => compare.draw(pixels, w, h), lesson.legendB, () => compare.model);
    // Each pane: {id, gen, model(), knobs(), learningRate(), epochs(), draw, show, showEpoch, confirm, plot,
    // clearPlot}; gen is the worker's generation of the session (frames of older ones are dropped);
    // confirm(stats) adopts a worker reply (and draws its frame, if it has one); the cost chart follows
    // session a. The target's size is read when drawing: an upload may change it.
    this.#a = {
      id: SESSION_A,
      gen: null,
      model: () => settings.get('model'),
      knobs: () => knobs.values(),
      learningRate: () => (settings.learningRateEdited ? settings.get('lr') : null),
      epochs: () => settings.get('epochs-per-frame'),
      draw: drawA,
      show: (result) => {
        readout.showStats(result);
        showHiddenPsnr(lesson.hiddenA, result.psnr_hidden);
      },
      showEpoch: (epoch) => readout.showEpoch(epoch),
      confirm: (result) => {
        this.#a.gen = result.gen;
        this.acceptRate(result.learningRate);
        knobs.confirm(result.knobs);
        document.body.dataset.model = result.model;
        if (result.pixels) this.#a.draw(result.pixels, result.shown);
        this.#a.show(result);
        showHoldout({ canvas: lesson.overlay, legend: lesson.holdoutLegend }, result.overlay ?? null,
          result.width, result.height);
      },
      plot: (result) => {
        if (result.cost == null) return;
        chart.add(result.frame_epoch, result.cost, result.cost_hidden);
        chart.draw();
      },
      clearPlot: () => chart.clear(),
    };
    this.#b = {
      id: compare.id,
      gen: null,
      model: () => compare.model,
      knobs: () => compare.knobs(),
      learningRate: () => null,
      epochs: () => compare.epochsPerFrame(),
      draw: drawB,
      show: (result) => {
        compare.show(result);
        showHiddenPsnr(lesson.hiddenB, result.psnr_hidden);
      },
      showEpoch: (epoch) => compare.showEpoch(epoch),
      confirm: (result) => {
        this.#b.gen = result.gen;
        if (result.pixels) this.#b.draw(result.pixels, result.shown);
        this.#b.show(result);
      },
      plot: () => {},
      clearPlot: () => {},
    };
    this.settings = settings;
    this.target = target;
  }

  // The panes on screen: [a], or [a, b] in compare mode.
  panes() {
    return this.#compare.enabled ? [this.#a, this.#b] : [this.#a];
  }

  pane(id) {
    return this.panes().find((pane) => pane.id === id);
  }

  // (Re)creates the sessions on the target shown, with the current settings, at epoch 0; their first
  // frames follow when the engine pulls them. `pixels` (the target's RGBA) is transferred to the worker.
  async create(pixels) {
    const client = this.#client();
    const mode = this.settings.get('mode');
    const panes = this.panes();
    if (!this.#compare.enabled) await client.request(Request.DROP, { session: this.#compare.id });
    for (const [i, pane] of panes.entries()) {
      const own = i === panes.length - 1 ? pixels : pixels.slice(0); // each session gets its own copy
      const result = await client.request(Request.INIT, {
        session: pane.id, pixels: own, width: this.target.width, height: this.target.height, mode,
        model: pane.model(), learningRate: pane.learningRate(), knobs: pane.knobs(), ...this.lessonSettings(),
      }, [own]);
      pane.confirm(result);
      pane.clearPlot();
    }
  }

  // Rebuilds one pane's session at epoch 0 with new {model, knobs, learningRate}.
  async configure(pane, fields) {
    const result = await this.#client().request(Request.CONFIGURE, { session: pane.id, ...fields });
    pane.confirm(result);
    pane.clearPlot();
  }

  // The lesson's settings as the worker takes them: {holdout, zoom, view}.
  lessonSettings() {
    return { holdout: Number(this.settings.get('holdout')), zoom: Number(this.settings.get('zoom')),
      view: this.settings.get('view') };
  }

  // Every pane drawn another way (zoom, view): the same sessions, so no rebuild; a network's redrawn
  // frame follows as a FRAME.
  async display() {
    const { zoom, view } = this.lessonSettings();
    for (const pane of this.panes()) {
      const result = await this.#client().request(Request.CONFIGURE, { session: pane.id, zoom, view });
      if (result.gen === pane.gen) pane.confirm(result);
    }
  }

  // The rate the worker confirmed for session a; the slider follows it unless the rate was set by hand.
  acceptRate(rate) {
    document.body.dataset.learningRate = String(rate);
    if (!this.settings.learningRateEdited) this.settings.controls.set('lr', rate);
  }
}
