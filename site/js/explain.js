// The explanation panel (static HTML in index.html, #explain): marks the parts about the models on
// screen as current (data-current), so CSS can highlight them and list them first. No maths here.

// root: the <details>; models: names of the models shown (one, or two when comparing); sgd: whether a
// mini-batch solver is chosen (the networks always train on mini-batches).
export function showExplanation(root, models, { sgd = false } = {}) {
  const topics = new Set(models);
  if (sgd || models.includes('mlp') || models.includes('siren')) topics.add('sgd');
  for (const part of root.querySelectorAll('[data-topic]')) {
    const current = part.dataset.topic !== 'all' && part.dataset.topic.split(' ').some((t) => topics.has(t));
    if (current) part.dataset.current = 'true';
    else delete part.dataset.current;
  }
  root.dataset.models = models.join(' ');
}
