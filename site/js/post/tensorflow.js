// The network of network.js on numpy and on TensorFlow.js (the tool's `backend` setting, per session
// here): the backend TensorFlow.js chose, and each one's speed in epochs per second as measured here.
// the network figure's network (painting.article.NETWORK) with Fourier features
const NET = { model: 'mlp', holdout: 'grid', knobs: { width: 32, depth: 2, features: 32, sigma: 3, encoding: 3 } };
const since = new Map(); // pane -> {t, epoch} when its count was first seen this run
const speeds = {};       // pane -> epochs per second

export default {
  image: 'astronaut', size: 64, epochsPerFrame: 1,
  panes: [
    { name: 'numpy', label: 'numpy', ...NET, engine: 'numpy' },
    { name: 'tensorflow', label: 'TensorFlow.js', ...NET, engine: 'tensorflow' },
  ],
  onSession: (figure, name, result) => {
    since.delete(name);
    if (name === 'tensorflow') figure.setExtra({ backend: result.tf?.backend ?? result.engine });
  },
  // a speed measured, not computed by a model: epochs counted by the worker over the page's clock
  onEpoch: (figure, name, epoch) => {
    const now = performance.now();
    const first = since.get(name);
    if (!first || epoch < first.epoch) {
      since.set(name, { t: now, epoch });
      return;
    }
    if (now - first.t < 500) return;
    speeds[name] = Number(((epoch - first.epoch) / ((now - first.t) / 1000)).toFixed(2));
    figure.setExtra({ epochs_per_second: { ...speeds } });
  },
  facts: ({ backend, epochs_per_second: speed = {} }) => [
    `TensorFlow.js runs on: ${backend ?? '…'}`,
    `numpy: ${speed.numpy ?? '…'} epochs/s`,
    `TensorFlow.js: ${speed.tensorflow ?? '…'} epochs/s`,
  ].join(' · '),
};
