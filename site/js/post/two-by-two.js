// The article's two-by-two figure: the post's 2 x 2 example, live. The worker's painting.article.TwoByTwo
// does every epoch and every number (Request.TWO_BY_TWO); this module only shows its state and sends the
// reader's actions.
//
// mountTwoByTwo(figure, request): figure is the <figure data-figure="two-by-two"> with a .figure-still
// (the build's still), an empty .figure-live and a figcaption; request(type, fields) -> Promise of the
// worker's result. It fills .figure-live (the four pixels, X, y, the weights, the errors, the cost and
// the controls), then shows it instead of the still. After each answer figure.dataset.state is
// {epoch, cost, weights, labels, learning_rate} as JSON and figure.dataset.live is "true".
// Actions run one after another; a click is shown at once (figure[aria-busy]) and answered in order.

import { Request } from '../protocol.js';
import { element } from './figure.js';

const STEPS = [[1, 'Step', 'train one epoch'], [25, '×25', 'train 25 epochs'], [100, '×100', 'train 100 epochs']];
const PIXEL_SIDE = 2; // the example image is 2 x 2

// a number (or a row of them, in rgb) as the table shows it
function show(value) {
  if (Array.isArray(value)) return value.map(show).join(' ');
  return Math.abs(value) >= 1e4 ? value.toExponential(2) : value.toFixed(3);
}

function pixelCanvas(label) {
  const canvas = element('canvas', { width: PIXEL_SIDE, height: PIXEL_SIDE, className: 'tbt-pixels' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

function paint(canvas, pixels) {
  const image = new ImageData(PIXEL_SIDE, PIXEL_SIDE);
  pixels.forEach(([r, g, b], i) => image.data.set([r, g, b, 255], 4 * i));
  canvas.getContext('2d').putImageData(image, 0, 0);
}

function build(live) {
  const parts = {
    target: pixelCanvas('the target: the four labels as pixels'),
    learned: pixelCanvas('the model: the four predictions as pixels'),
    rows: element('tbody'),
    weights: element('tr'),
    readout: element('p', { className: 'tbt-readout' }),
    warning: element('p', { className: 'tbt-warning', hidden: true }),
    rate: element('input', { type: 'number', min: '0.01', max: '4', step: 'any', className: 'tbt-rate' }),
    limit: element('span', { className: 'tbt-limit' }),
    buttons: [],
  };
  parts.readout.setAttribute('aria-live', 'polite');
  parts.warning.setAttribute('role', 'alert');
  const head = element('tr', {}, ['#', '1', 'x₁', 'x₂', 'x₃', 'x₄', 'y', 'h', 'h − y']
    .map((text) => element('th', { scope: 'col', textContent: text })));
  const matrix = element('table', { className: 'tbt-table' }, [element('thead', {}, [head]), parts.rows]);
  matrix.setAttribute('aria-label', 'the design matrix X, the labels, the predictions and the errors');
  const weights = element('table', { className: 'tbt-table' }, [
    element('thead', {}, [element('tr', {}, ['w₀', 'w₁', 'w₂', 'w₃', 'w₄']
      .map((text) => element('th', { scope: 'col', textContent: text })))]),
    element('tbody', {}, [parts.weights])]);
  weights.setAttribute('aria-label', 'the weights w');
  for (const [epochs, text, label] of STEPS) {
    const button = element('button', { type: 'button', textContent: text, className: 'tbt-button' });
    button.setAttribute('aria-label', `${text}: ${label}`); // the name holds the text shown (WCAG 2.5.3)
    button.dataset.epochs = String(epochs);
    parts.buttons.push(button);
  }
  parts.reset = element('button', { type: 'button', textContent: 'Reset', className: 'tbt-button' });
  parts.reset.setAttribute('aria-label', 'Reset the weights to zero');
  const rateLabel = element('label', { className: 'tbt-rate-label' }, ['Learning rate ', parts.rate]);
  live.replaceChildren(
    element('div', { className: 'tbt-images' }, [
      element('div', {}, [parts.target, element('span', { textContent: 'target y' })]),
      element('div', {}, [parts.learned, element('span', { textContent: 'model h' })])]),
    element('p', { className: 'tbt-note', textContent: 'Each pixel # is a row of X: the bias input 1, then '
      + 'one-hot x₁…x₄. Its label y, the prediction h = Xw and the error h − y:' }),
    element('div', { className: 'tbt-scroll' }, [matrix]),
    element('p', { className: 'tbt-note', textContent: 'The weights w, the bias w₀ first:' }),
    element('div', { className: 'tbt-scroll' }, [weights]),
    parts.readout, parts.warning,
    element('div', { className: 'tbt-controls' }, [...parts.buttons, parts.reset]),
    element('div', { className: 'tbt-controls' }, [rateLabel, parts.limit]));
  return parts;
}

function render(parts, state) {
  paint(parts.target, state.target_pixels);
  paint(parts.learned, state.pixels);
  parts.rows.replaceChildren(...state.design.map((row, i) => element('tr', {}, [
    element('th', { scope: 'row', textContent: String(i + 1) }),
    ...row.map((x) => element('td', { textContent: String(x) })),
    ...[state.labels[i], state.predictions[i], state.errors[i]].map((v) => element('td', { textContent: show(v) }))])));
  parts.weights.replaceChildren(...state.weights.map((w) => element('td', { textContent: show(w) })));
  parts.readout.textContent = `epoch ${state.epoch} · cost J = ${state.cost.toPrecision(3)}`;
  parts.warning.hidden = !state.exploded;
  parts.warning.textContent = state.exploded
    ? `The cost exploded after epoch ${state.epoch}: learning rate ${state.learning_rate} is past the `
      + `stable limit ${state.stable_below}. Lower it, or Reset.`
    : '';
  if (document.activeElement !== parts.rate) parts.rate.value = String(state.learning_rate);
  parts.limit.textContent = `stable below ${state.stable_below}`;
}

export function mountTwoByTwo(figure, request) {
  const live = figure.querySelector('.figure-live');
  const still = figure.querySelector('.figure-still');
  const parts = build(live);
  let queue = Promise.resolve();
  let waiting = 0;

  function act(fields) {
    waiting += 1;
    figure.setAttribute('aria-busy', 'true');
    queue = queue.then(() => request(Request.TWO_BY_TWO, fields))
      .then((state) => {
        render(parts, state);
        const { epoch, cost, weights, labels, learning_rate } = state;
        figure.dataset.state = JSON.stringify({ epoch, cost, weights, labels, learning_rate });
        figure.dataset.live = 'true';
        live.hidden = false;
        if (still) still.hidden = true;
      })
      .catch((err) => {
        parts.warning.hidden = false;
        parts.warning.textContent = `The example could not run: ${err.message}`;
      })
      .finally(() => {
        waiting -= 1;
        if (waiting === 0) figure.removeAttribute('aria-busy');
      });
    return queue;
  }

  for (const button of parts.buttons) {
    button.addEventListener('click', () => act({ action: 'step', epochs: Number(button.dataset.epochs) }));
  }
  parts.reset.addEventListener('click', () => act({ action: 'reset' }));
  parts.rate.addEventListener('change', () => act({ action: 'configure', learningRate: Number(parts.rate.value) }));
  return act({ action: 'reset' });
}
