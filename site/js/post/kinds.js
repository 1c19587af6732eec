// Every figure kind of the article by its data-figure id: what it shows (its panes: model, labels,
// knobs, engine; its photo and size; the settings.js rows it offers; presets; charts). One module each.
import painter from './painter.js';
import learningRate from './learning-rate.js';
import labels2017 from './labels-2017.js';
import xyQuestion from './xy-question.js';
import sgd from './sgd.js';
import network from './network.js';
import tensorflow from './tensorflow.js';

// the 2 x 2 example is a figure of its own making (two-by-two.js): mounted over the article's worker
const twoByTwo = {
  mount: async (figure, request) => {
    const { mountTwoByTwo } = await import('./two-by-two.js');
    await mountTwoByTwo(figure.el, request);
  },
};

export const KINDS = {
  painter, 'two-by-two': twoByTwo, 'learning-rate': learningRate, 'labels-2017': labels2017,
  'xy-question': xyQuestion, sgd, network, tensorflow,
};
