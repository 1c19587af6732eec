// The demo itself, compact: the 2017 model (one weight per pixel, and a bias) learning a photo, with the
// target beside it.
export default {
  image: 'astronaut', size: 64, target: true, epochsPerFrame: 20,
  panes: [{ name: 'learned', label: 'Learned', model: 'onehot' }],
};
