// The learning rate the reader sets (the tool's `lr` row) and named presets that move its slider, on
// the 2017 model (the presets are painting.article.LEARNING_RATES, which the still quotes); past 2M/(M + 1) the worker's trainer stops with the cost exploded (engine.js says so).
export default {
  image: 'astronaut', size: 64, epochsPerFrame: 50, // the still's photo and size (its limit)
  charts: ['epochs'],
  settings: ['lr'],
  presets: [
    { label: 'slow', values: { lr: 0.05 } },
    { label: 'just right', values: { lr: 1 } },
    { label: 'too far', values: { lr: 2.5 } },
  ],
  panes: [{ name: 'learned', label: 'Learned', model: 'onehot' }],
  onSession: (figure, name, result) => figure.setExtra({ learning_rate: result.learningRate }),
  onSetting: (figure, key, value) => { if (key === 'lr') figure.setExtra({ learning_rate: value }); },
  // why "too far" explodes: the limit 2M/(M + 1) as the build computed it (onehot.stable_learning_rate)
  facts: ({ learning_rate: rate }, { limit }) => (limit == null ? ''
    : `Gradient descent settles only below 2M/(M + 1) = ${limit} for this photo (M: its number of pixels)`
      + (rate == null ? '.' : `; the rate now is ${rate}: ${rate < limit ? 'below it, so the cost falls' : 'past it, so the cost explodes'}.`)),
};
