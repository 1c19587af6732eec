// The 2017 labels (one packed 0xRRGGBB number per pixel, the tool's `mode` setting '2017') against three
// channels in [0, 1], on the same model, photo and rate (the tool's 2017 preset).
const MODEL = { model: 'onehot', learningRate: 0.5, knobs: { init_noise: 1 } };
export default {
  image: 'coffee', size: 28, epochsPerFrame: 5, stopCost: 1e-6,
  panes: [
    { name: 'packed', label: '2017: one packed number', mode: '2017', ...MODEL },
    { name: 'rgb', label: 'three channels', mode: 'rgb', ...MODEL },
  ],
};
