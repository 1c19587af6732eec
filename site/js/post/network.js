// A small network (mlp) on plain [x, y] (encoding none: blurry, spectral bias) against Gaussian Fourier
// features (Tancik et al. 2020), on the paper's grid split (the tool's holdout 'grid'), on numpy.
const NET = { model: 'mlp', holdout: 'grid', engine: 'numpy' };
export default {
  image: 'chelsea', size: 48, epochsPerFrame: 1,
  panes: [
    { name: 'none', label: 'plain [x, y]', ...NET, knobs: { encoding: 0 } },
    { name: 'gaussian', label: 'Fourier features', ...NET, knobs: { encoding: 3 } },
  ],
};
