// What the model picker shows for each painting.models.MODELS name (a leaf module: controls.js and
// models-ui.js both read it).

import { MODEL_NAMES } from './python-values.js';

export const MODEL_LABELS = Object.freeze({
  onehot: 'One-hot pixels (2017)',
  plane: 'Plane [1, x, y]',
  poly: 'Polynomial in x, y',
  rff: 'Random Fourier features',
  dct: 'Cosine basis (DCT)',
  mlp: 'MLP (ReLU)',
  siren: 'SIREN (sine network)',
  custom: 'Your model (Python)',
});

// the built-in models, then the visitor's own (your-model.js; compiled when chosen)
export const MODEL_OPTIONS = [...MODEL_NAMES, 'custom'].map((name) => [name, MODEL_LABELS[name] ?? name]);

// Short names for tight spots (the captions in compare mode).
export const MODEL_SHORT = Object.freeze({
  onehot: 'one-hot', plane: 'plane', poly: 'polynomial', rff: 'Fourier', dct: 'DCT', mlp: 'MLP', siren: 'SIREN', custom: 'yours',
});
