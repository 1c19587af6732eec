// Batch gradient descent against mini-batch SGD (the features models' `solver` knob) on the same model,
// the cost of each against epochs and against seconds.
export default {
  // the still's photo, size, model and batch (painting.article.SIZE, SGD_MODEL, SGD_BATCH)
  image: 'astronaut', size: 64, epochsPerFrame: 2, charts: ['epochs', 'seconds'],
  panes: [
    { name: 'gd', label: 'batch gradient descent', model: 'rff', knobs: { solver: 0 } },
    { name: 'sgd', label: 'mini-batch SGD', model: 'rff', knobs: { solver: 1, batch_size: 64 } },
  ],
};
