// The panes on screen, "a" always and "b" in compare mode (or the article's named panes, add()): where
// each one's frame, numbers, live epoch count and cost curve are drawn. screen.js draws through these views (and is their only caller);
// sessions.js and the rest of the page only name a pane by its id. Drawing only: every number here was
// computed by Python.

import { drawPixels } from './pixels.js';
import { showHiddenPsnr, showLegend } from './lesson.js';
import { formatEpoch } from './readout.js';

export const SESSION_A = 'a';
export const SESSION_B = 'b';

export class PaneViews {
  #views;

  // The tool page's panes a and b: store: Store; target: Target (a frame's default size); learned:
  // #learned; readout: Readout; compare: ComparePane (pane b); chart: CostChart (pane a's costs);
  // lesson: {legendA, legendB, hiddenA: {row, value}, hiddenB} (lesson.js). Without them: no pane
  // until add() names one.
  constructor({ store, target, learned, readout, compare, chart, lesson } = {}) {
    this.#views = {};
    if (!store) return;
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
    Object.assign(this.#views, {
      [SESSION_A]: view(SESSION_A, () => learned, lesson.legendA, lesson.hiddenA,
        (stats) => readout.showStats(stats), (epoch) => readout.showEpoch(epoch)),
      [SESSION_B]: view(SESSION_B, () => compare.canvas, lesson.legendB, lesson.hiddenB,
        (stats) => compare.show(stats), (epoch) => compare.showEpoch(epoch)),
    });
    this.chart = chart;
  }

  // A named pane: view is {draw(pixels, shown), numbers(stats, frameEpoch), epoch(epoch), plot(stats),
  // clearPlot()}.
  add(id, view) {
    this.#views[id] = view;
  }

  // {draw(pixels, shown), numbers(stats, frameEpoch), epoch(epoch), plot(stats)} of pane `id`
  view(id) { return this.#views[id]; }

  // A session rebuilt at epoch 0: its cost chart starts again.
  clearPlot(id) {
    if (id === SESSION_A) this.chart.clear();
    else this.#views[id]?.clearPlot?.();
  }
}
