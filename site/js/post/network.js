// A small network (mlp) on plain [x, y] (encoding none: blurry, spectral bias) against Gaussian Fourier
// features (Tancik et al. 2020), on the paper's grid split (the tool's holdout 'grid'), on numpy.
// the still's small network (painting.article.NETWORK), so that live and still agree
const NET = { model: 'mlp', holdout: 'grid', engine: 'numpy' };
const KNOBS = { width: 32, depth: 2, features: 32, sigma: 3 };
export default {
  image: 'astronaut', size: 64, epochsPerFrame: 1,
  panes: [
    { name: 'none', label: 'plain [x, y]', ...NET, knobs: { ...KNOBS, encoding: 0 } },
    { name: 'gaussian', label: 'Fourier features', ...NET, knobs: { ...KNOBS, encoding: 3 } },
  ],
};
