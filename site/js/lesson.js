// The lesson on the page: the hidden pixels over the target (#target-holdout, #holdout-legend), the PSNR
// on them (#psnr-hidden), and the legend of what a learned canvas shows (#view-legend): the learned
// image zoomed, the error, its spectrum, or the inside of the model. Drawing and words only: Python
// makes the pictures and their numbers (painting.views, Session.shown_info()).

import { drawPixels } from './pixels.js';

// The target's overlay: RGBA from Session.holdout_overlay() (a checkerboard on hidden pixels), or
// null when nothing is hidden.
export function showHoldout({ canvas, legend }, overlay, width, height) {
  canvas.hidden = !overlay;
  legend.hidden = !overlay;
  if (overlay) drawPixels(canvas, overlay, width, height);
}

// "PSNR hidden": the row is shown only when some pixels are hidden.
export function showHiddenPsnr({ row, value }, psnrHidden) {
  row.hidden = psnrHidden == null;
  value.textContent = psnrHidden == null ? '–' : `${psnrHidden.toFixed(1)} dB`;
}

const fixed = (x, digits = 1) => Number(x).toFixed(digits);

// [scale class or null, text] for shown = Session.shown_info(): {view, zoom, width, height, legend}.
export function legendParts(shown, model) {
  const { view, zoom, legend = {} } = shown;
  if (legend.note) return [null, `${legend.note}; showing the learned image.`];
  if (view === 'error') {
    return ['scale-heat', `|target − learned| per pixel, from 0 (black) to ${legend.scale} of the full range or more.`];
  }
  if (view === 'spectrum') {
    return ['scale-heat', `log₁₀ |FFT| of the error, ${fixed(legend.low)} to ${fixed(legend.high)}. Centre: the `
      + `coarsest pattern; edges: the finest the grid holds (${legend.cycles_x} cycles across, `
      + `${legend.cycles_y} down).`];
  }
  if (view === 'inside') {
    const range = `log₁₀ |w| ${fixed(legend.low)} to ${fixed(legend.high)}`;
    switch (legend.kind) {
      case 'weights': return [null, 'The one-hot weights, one per pixel: they are the image (less the bias).'];
      case 'basis': return [null, `${legend.tiles} basis images, each times its weight (grey is 0)`
        + `${legend.tiles < legend.of ? `, the first ${legend.tiles} of ${legend.of}` : ''}.`];
      case 'coefficients': return ['scale-heat', `The ${legend.k_y} × ${legend.k_x} cosine weights, lowest `
        + `frequency top left (${range}).`];
      case 'frequencies': return ['scale-heat', `The ${legend.frequencies} frequencies (kx, ky), 0 in the centre, `
        + `coloured by the size of their weights (${range}).`];
      case 'neurons': return ['scale-diverging', `One picture per neuron (first ${Math.min(64, legend.width)} of `
        + `${legend.width}): hidden layer ${legend.layers.join(' (left) and layer ')}${legend.layers.length > 1
          ? ' (right)' : ''}; blue below its mean, orange above.`];
      default: return [null, ''];
    }
  }
  if (zoom > 1) {
    return [null, model === 'onehot' || legend.blocks
      ? `${zoom}× zoom: this model has nothing to say between its pixels, so each is repeated as a block.`
      : `${zoom}× zoom: the learned function asked at ${zoom} × ${zoom} points inside every pixel.`];
  }
  return [null, ''];
}

// The caption under a learned canvas (hidden when there is nothing to say).
export function showLegend(el, shown, model) {
  const [scale, text] = shown ? legendParts(shown, model) : [null, ''];
  const swatch = scale ? Object.assign(document.createElement('span'), { className: `scale ${scale}` }) : null;
  el.replaceChildren(...(swatch ? [swatch] : []), text);
  el.hidden = !text;
  if (shown) el.dataset.view = shown.view;
}
