// The article's first module (post.html). It applies the view (?theme=, ?embed=1 as the tool's
// embed.js does: the height posted to the host) and picks what loads:
// - post.html: the whole article (article.js), Python starting when the first figure nears the screen.
// - post.html?figure=ID&embed=1: that figure alone, as a facade: its still and one button; before the
//   click nothing of Pyodide (nor the article's modules) is fetched. With autoplay=1 (and no Save-Data)
//   it loads as the article does, and the figure starts when in view.

import { applyView } from '../embed.js';

const params = new URLSearchParams(window.location.search);
const flag = (key) => ['1', 'true'].includes(params.get(key));
const embed = flag('embed');
const theme = params.get('theme');
const saveData = Boolean(navigator.connection && navigator.connection.saveData);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
const statusEl = document.getElementById('post-status');

applyView({ embed, theme });
const all = [...document.querySelectorAll('figure[data-figure]')];
const alone = all.find((el) => el.dataset.figure === params.get('figure'));
if (alone) alone.closest('section').dataset.embedded = 'true';
else delete document.documentElement.dataset.postFigure; // early.js marked it: no such figure, the whole article
const figures = alone ? [alone] : all;

if (alone && embed && (!flag('autoplay') || saveData)) showFacade(alone);
else load({ saveData });

async function load(options) {
  const { Article } = await import('./article.js');
  return new Article(figures, statusEl, { reducedMotion, embed, ...options });
}

// The figure's still with one button; the click loads the article's parts and Python, and starts it.
function showFacade(figure) {
  document.documentElement.dataset.facade = 'poster';
  const button = Object.assign(document.createElement('button'), {
    type: 'button', className: 'primary figure-go', id: 'play-live', textContent: 'Paint it live (≈17 MB, once)',
  });
  const note = Object.assign(document.createElement('p'), {
    className: 'hint',
    textContent: 'The button downloads Python (Pyodide and numpy) into this page, once; later visits use the copy in your browser.',
  });
  const facade = Object.assign(document.createElement('div'), { className: 'figure-facade' });
  facade.append(button, note);
  figure.querySelector('.figure-still').append(facade);
  statusEl.textContent = 'A picture made when this page was built. Press the button to run the figure live.';
  button.addEventListener('click', async () => {
    facade.remove();
    delete document.documentElement.dataset.facade;
    const article = await load({ lazy: true });
    article.play(article.figure(figure));
  }, { once: true });
}
