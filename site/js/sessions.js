// The sessions on screen, on the current target: "a" always, "b" in compare mode (compare.js). Both
// live in the same worker and train in turn. This module (re)builds them (INIT, CONFIGURE) and gives
// each as a pane, made once: what it asks the worker for, and where its frame and numbers are drawn.

import { Request } from './protocol.js';
import { drawPixels } from './pixels.js';

export const SESSION_A = 'a';

export class Sessions {
  #client;
  #compare;
  #a;
  #b;

  // client() -> the WorkerClient; target: Target; learned: #learned; readout: Readout; chart: CostChart;
  // knobs: session a's KnobPanel; compare: ComparePane (session b); settings: PageSettings
  constructor({ client, target, learned, readout, chart, knobs, compare, settings }) {
    this.#client = client;
    this.#compare = compare;
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
      draw: (pixels) => drawPixels(learned, pixels, target.width, target.height),
      show: (result) => readout.showStats(result),
      showEpoch: (epoch) => readout.showEpoch(epoch),
      confirm: (result) => {
        this.#a.gen = result.gen;
        this.acceptRate(result.learningRate);
        knobs.confirm(result.knobs);
        document.body.dataset.model = result.model;
        if (result.pixels) this.#a.draw(result.pixels);
        readout.showStats(result);
      },
      plot: (result) => {
        if (result.cost == null) return;
        chart.add(result.frame_epoch, result.cost);
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
      draw: (pixels) => compare.draw(pixels, target.width, target.height),
      show: (result) => compare.show(result),
      showEpoch: (epoch) => compare.showEpoch(epoch),
      confirm: (result) => {
        this.#b.gen = result.gen;
        if (result.pixels) this.#b.draw(result.pixels);
        compare.show(result);
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
        model: pane.model(), learningRate: pane.learningRate(), knobs: pane.knobs(),
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

  // The rate the worker confirmed for session a; the slider follows it unless the rate was set by hand.
  acceptRate(rate) {
    document.body.dataset.learningRate = String(rate);
    if (!this.settings.learningRateEdited) this.settings.controls.set('lr', rate);
  }
}
