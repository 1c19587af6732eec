// How the page writes numbers in its controls and readouts (a leaf module: the settings table, the
// controls and the readouts all use it). Formatting only: every number was computed elsewhere.

// Epochs per frame snap to 1, 2, 5, 10, 20, 50, ... so a slider position is always a round number.
const NICE_STEPS = [1, 2, 5];

export function snapNice(value) {
  const decade = 10 ** Math.floor(Math.log10(value) + 1e-9);
  const candidates = [...NICE_STEPS.map((s) => s * decade), 10 * decade];
  return candidates.reduce((best, c) => (Math.abs(Math.log10(c / value)) < Math.abs(Math.log10(best / value)) ? c : best));
}

export function formatRate(rate) {
  return rate >= 0.01 && rate < 1000 ? String(Number(rate.toPrecision(3))) : rate.toExponential(2);
}

export function formatCount(n) {
  return n.toLocaleString('en-US');
}

// a stop threshold as typed: 1e-5, 0.05, 0
export function formatThreshold(value) {
  return value === 0 ? '0' : value.toExponential().replace('.0e', 'e').replace('e+', 'e');
}
