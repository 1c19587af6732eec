// The 2017 labels (one packed 0xRRGGBB number per pixel, the tool's `mode` setting '2017') against three
// channels in [0, 1], on the same model, photo and rate: the still's (painting.article: SIZE, the
// one-hot model at its default rate).
const MODEL = { model: 'onehot' };
export default {
  image: 'astronaut', size: 64, epochsPerFrame: 20,
  panes: [
    { name: 'packed', label: '2017: one packed number', mode: '2017', ...MODEL },
    { name: 'rgb', label: 'three channels', mode: 'rgb', ...MODEL },
  ],
};
