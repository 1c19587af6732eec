// The sessions on screen, on the current target: "a" always, "b" in compare mode (compare.js). Both
// live in the same worker and train in turn. This module (re)builds them (INIT, CONFIGURE) and gives
// each as a pane: what it asks the worker for, and where its frame and numbers are drawn.

import { Request } from './protocol.js';
import { drawPixels } from './pixels.js';

export const SESSION_A = 'a';

export class Sessions {
  done = new Set(); // sessions that reached the stop threshold since their last (re)start
  #client;
  #target;
  #learned;
  #readout;
  #chart;
  #knobs;
  #compare;
  #settings;

  // client() -> the WorkerClient; target: Target; learned: #learned; readout: Readout; chart: CostChart;
  // knobs: session a's KnobPanel; compare: ComparePane (session b); settings: PageSettings
  constructor({ client, target, learned, readout, chart, knobs, compare, settings }) {
    this.#client = client;
    this.#target = target;
    this.#learned = learned;
    this.#readout = readout;
    this.#chart = chart;
    this.#knobs = knobs;
    this.#compare = compare;
    this.#settings = settings;
  }

  // Each session on screen as {id, model(), knobs(), learningRate(), epochs(), draw, show, confirm, plot,
  // clearPlot}; the cost chart follows session a.
  panes() {
    const target = this.#target; // its size is read when drawing: an upload may change it
    const a = {
      id: SESSION_A,
      model: () => this.#settings.get('model'),
      knobs: () => this.#knobs.values(),
      learningRate: () => (this.#settings.learningRateEdited ? this.#settings.get('lr') : null),
      epochs: () => this.#settings.get('epochs-per-frame'),
      draw: (pixels) => drawPixels(this.#learned, pixels, target.width, target.height),
      show: (result) => this.#readout.showStats(result),
      confirm: (result) => {
        this.acceptRate(result.learningRate);
        this.#knobs.confirm(result.knobs);
        document.body.dataset.model = result.model;
      },
      plot: (result) => {
        this.#chart.add(result.epoch, result.cost);
        this.#chart.draw();
      },
      clearPlot: () => this.#chart.clear(),
    };
    if (!this.#compare.enabled) return [a];
    const pane = this.#compare;
    const b = {
      id: pane.id,
      model: () => pane.model,
      knobs: () => pane.knobs(),
      learningRate: () => null,
      epochs: () => pane.epochsPerFrame(),
      draw: (pixels) => pane.draw(pixels, target.width, target.height),
      show: (result) => pane.show(result),
      confirm: (result) => pane.show(result),
      plot: () => {},
      clearPlot: () => {},
    };
    return [a, b];
  }

  pane(id) {
    return this.panes().find((pane) => pane.id === id);
  }

  // (Re)creates the sessions on the target shown, with the current settings, and draws epoch 0.
  // `pixels` (the target's RGBA) is transferred to the worker: it is unusable here afterwards.
  async create(pixels) {
    const client = this.#client();
    const mode = this.#settings.get('mode');
    const panes = this.panes();
    if (!this.#compare.enabled) await client.request(Request.DROP, { session: this.#compare.id });
    for (const [i, pane] of panes.entries()) {
      const own = i === panes.length - 1 ? pixels : pixels.slice(0); // each session gets its own copy
      const result = await client.request(Request.INIT, {
        session: pane.id, pixels: own, width: this.#target.width, height: this.#target.height, mode,
        model: pane.model(), learningRate: pane.learningRate(), knobs: pane.knobs(),
      }, [own]);
      pane.confirm(result);
    }
    await this.showFrame(Request.FRAME);
  }

  // Rebuilds one pane's session at epoch 0 with new {model, knobs, learningRate} and draws it.
  async configure(pane, fields) {
    const result = await this.#client().request(Request.CONFIGURE, { session: pane.id, ...fields });
    pane.confirm(result);
    await this.showFrame(Request.FRAME, [pane]);
  }

  // Asks for each pane's frame (FRAME, or RESET to epoch 0) and draws it: a fresh start for that pane.
  async showFrame(type, panes = this.panes()) {
    for (const pane of panes) {
      const result = await this.#client().request(type, { session: pane.id });
      pane.draw(result.pixels);
      pane.show(result);
      this.done.delete(pane.id);
      pane.clearPlot();
    }
  }

  // The rate the worker confirmed for session a; the slider follows it unless the rate was set by hand.
  acceptRate(rate) {
    document.body.dataset.learningRate = String(rate);
    if (!this.#settings.learningRateEdited) this.#settings.controls.set('lr', rate);
  }
}
