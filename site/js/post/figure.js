// One figure of the article: its still (painted at build time) until it goes live, then its live part:
// a canvas per pane (and the target), the settings it shows (settings.js rows, built by controls.js),
// its buttons, its numbers and its message. Its panes are named panes of the article's one store
// (store.js) drawn through PaneViews (panes.js) by the one Screen (screen.js); this module only draws.
// The numbers of the frame on screen go to data-state (the article's test contract, tests/e2e/README.md).

import { drawPixels } from '../pixels.js';
import { showStats, showEpoch } from '../readout.js';
import { CostChart } from '../chart.js';
import { buildControls } from '../controls.js';
import { controlRows, setting } from '../settings.js';

export function element(tag, props = {}, children = []) {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

export class Figure {
  id;
  kind;          // the figure's declaration (one module per kind: painter.js, learning-rate.js, ...)
  el;            // <figure data-figure>
  created = false; // its sessions exist in the worker
  live = false;  // a frame of it drawn
  sessionIds;    // its panes' session ids, named `${figure}/${pane}`
  #views = new Map(); // pane name -> {canvas, readout, charts}
  #state = {};   // pane name -> its numbers now
  #extra = {};   // the kind's own numbers (learning_rate, backend, ...)
  #controls = null;
  #message;
  #facts;
  #play;

  // element: <figure data-figure>; kind: its declaration
  constructor(element, kind) {
    this.el = element;
    this.id = element.dataset.figure;
    this.kind = kind;
    this.built = JSON.parse(element.dataset.state || '{}'); // the build's numbers (its still's), for the text
    this.sessionIds = (kind.panes ?? []).map((pane) => this.sessionId(pane.name));
  }

  sessionId(name) { return `${this.id}/${name}`; }

  paneOf(sessionId) { return this.kind.panes.find((pane) => this.sessionId(pane.name) === sessionId); }

  // The still's "it is starting" note (a figure touched before Python is up), or null to clear it: the
  // article's (article.js puts it beside the still's Run button).
  noteStarting() {}

  // Builds the live part. actions: {toggle(), reset(), setting(key, value), preset(values)};
  // panes: PaneViews (the article's); store: Store (the values the controls start from)
  build({ actions, panes, store }) {
    const live = this.el.querySelector('.figure-live');
    const row = element('div', { className: 'figure-panes' });
    if (this.kind.target) {
      this.target = element('canvas', { className: 'figure-canvas', width: 64, height: 64 });
      this.target.setAttribute('role', 'img');
      this.target.setAttribute('aria-label', 'The target photo');
      row.append(element('div', { className: 'figure-pane' }, [this.target, element('p', { className: 'figure-pane-label', textContent: 'Target' })]));
    }
    for (const pane of this.kind.panes) {
      const canvas = element('canvas', { className: 'figure-canvas', width: 64, height: 64 });
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `What the model has learned: ${pane.label}`);
      const dd = () => element('dd', { textContent: '–' });
      const readout = { epoch: dd(), cost: dd(), psnr: dd() };
      const numbers = element('dl', { className: 'readout figure-readout' }, [
        element('div', {}, [element('dt', { textContent: 'Epoch' }), readout.epoch]),
        element('div', {}, [element('dt', { textContent: 'Cost' }), readout.cost]),
        element('div', {}, [element('dt', { textContent: 'PSNR' }), readout.psnr]),
      ]);
      const charts = (this.kind.charts ?? []).map((axis) => {
        const chart = element('canvas', { className: 'figure-chart' });
        chart.setAttribute('role', 'img');
        chart.setAttribute('aria-label', `${pane.label}: cost against ${axis}`);
        return { axis, canvas: chart, chart: new CostChart(chart, { xLabel: axis === 'seconds' ? 's' : 'epoch' }) };
      });
      const paneEl = element('div', { className: 'figure-pane' }, [
        canvas, element('p', { className: 'figure-pane-label', textContent: pane.label }), numbers,
        ...charts.map((c) => c.canvas)]);
      row.append(paneEl);
      this.#views.set(pane.name, { canvas, readout, charts, paneEl });
      panes.add(this.sessionId(pane.name), this.#paneView(pane.name));
    }
    const settings = element('div', { className: 'figure-settings' });
    const rows = (this.kind.settings ?? []).map((key) => setting(key));
    // a figure's controls carry its own ids (the tool's ids are its own: #lr, #holdout)
    this.#controls = buildControls({ training: settings, lesson: settings, target: settings, model: settings },
      controlRows(rows).map((r) => ({ ...r, id: `${this.id}-${r.id}`, hint: r.hint && this.kind.hints?.[r.id] })),
      (id, value) => actions.setting(id.slice(this.id.length + 1), value));
    for (const key of this.kind.settings ?? []) this.#controls.set(`${this.id}-${key}`, store.get(key));
    const presets = element('div', { className: 'figure-presets' });
    for (const preset of this.kind.presets ?? []) {
      const button = element('button', { type: 'button', className: 'figure-preset', textContent: preset.label });
      button.dataset.preset = preset.label;
      button.addEventListener('click', () => actions.preset(preset.values));
      presets.append(button);
    }
    if (presets.childElementCount) presets.setAttribute('aria-label', 'Presets');
    this.#play = element('button', { type: 'button', className: 'primary figure-play', textContent: 'Start' });
    this.#play.addEventListener('click', () => actions.toggle());
    const reset = element('button', { type: 'button', className: 'figure-reset', textContent: 'Reset' });
    reset.addEventListener('click', () => actions.reset());
    this.#facts = element('p', { className: 'figure-facts' });
    this.#facts.hidden = !this.kind.facts;
    this.#message = element('p', { className: 'figure-message' });
    this.#message.setAttribute('role', 'status');
    live.append(row, element('div', { className: 'figure-controls' }, [
      element('div', { className: 'figure-buttons' }, [this.#play, reset]), settings, presets]), this.#facts, this.#message);
    this.playButton = this.#play;
  }

  // A setting's control shows `value` (a preset moved it).
  showSetting(key, value) { this.#controls?.set(`${this.id}-${key}`, value); }

  // Start / Pause / Continue, as this figure's run is.
  showRun({ running, started }) {
    if (!this.#play) return;
    const text = running ? 'Pause' : started ? 'Continue' : 'Start';
    if (this.#play.textContent !== text) this.#play.textContent = text;
    this.#play.setAttribute('aria-pressed', String(running));
  }

  // The figure's message (tone 'error' | 'info'; kind: e.g. 'exploded'), '' to clear it.
  say(text, tone = 'info', kind = '') {
    if (!this.#message) return;
    this.#message.textContent = text;
    this.#message.dataset.tone = tone;
    this.#message.dataset.kind = kind;
    this.setExtra({ message: kind || null });
  }

  // The kind's own numbers in data-state.
  setExtra(patch) {
    Object.assign(this.#extra, patch);
    this.#writeState();
    if (this.#facts && this.kind.facts) this.#facts.textContent = this.kind.facts(this.#extra, this.built);
  }

  // The live part replaces the still (the first frame drawn).
  #goLive() {
    if (this.live) return;
    this.live = true;
    this.el.querySelector('.figure-live').hidden = false;
    this.el.querySelector('.figure-still').hidden = true;
    this.el.dataset.live = 'true';
  }

  #paneView(name) {
    const view = this.#views.get(name);
    return {
      draw: (pixels, shown) => {
        drawPixels(view.canvas, pixels, shown?.width ?? this.size, shown?.height ?? this.size);
        this.#goLive();
      },
      numbers: (stats, frameEpoch) => {
        showStats(view.readout, stats);
        if (frameEpoch == null) return;
        // epoch: the count now; frame_epoch: the epoch of the picture drawn, whose cost and PSNR these are
        this.#state[name] = { epoch: stats.epoch, frame_epoch: stats.frame_epoch ?? frameEpoch, cost: stats.cost, psnr: stats.psnr,
          ...(stats.psnr_hidden == null ? {} : { psnr_hidden: stats.psnr_hidden }) };
        this.#writeState();
      },
      epoch: (epoch) => {
        showEpoch(view.readout, epoch);
        this.kind.onEpoch?.(this, name, epoch);
      },
      plot: (stats) => {
        for (const { axis, chart } of view.charts) {
          chart.add(axis === 'seconds' ? this.seconds() : stats.frame_epoch, stats.cost, stats.cost_hidden);
          chart.draw();
        }
      },
      clearPlot: () => { for (const { chart } of view.charts) chart.clear(); },
    };
  }

  // data-state: the first pane's numbers, each pane's by name, and the kind's own
  #writeState() {
    const names = this.kind.panes.map((pane) => pane.name);
    const first = this.#state[names[0]] ?? {};
    const state = { ...first, ...this.#extra };
    if (names.length > 1) state.panes = Object.fromEntries(names.filter((n) => this.#state[n]).map((n) => [n, this.#state[n]]));
    this.el.dataset.state = JSON.stringify(state);
  }

  // Seconds this figure has trained (for a chart against seconds): the article's clock.
  seconds() { return this.clock?.() ?? 0; }
}
