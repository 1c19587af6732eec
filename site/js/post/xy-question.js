// [x, y] and features of it, all linear regression: a plane, polynomials, random Fourier features and a
// cosine basis; the tool's `holdout` row hides pixels from all four.
export default {
  image: 'astronaut', size: 64, // the still's photo and size (painting.article.SIZE)
  epochsPerFrame: 20, settings: ['holdout'],
  panes: [
    { name: 'plane', label: 'plane on [x, y]', model: 'plane' },
    { name: 'poly', label: 'polynomial features', model: 'poly' },
    { name: 'rff', label: 'random Fourier features', model: 'rff' },
    { name: 'dct', label: 'cosine basis', model: 'dct' },
  ],
};
