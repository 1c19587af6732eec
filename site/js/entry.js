// The page's first module: decides whether Python loads now or only when the reader asks.
// - ?embed=1 without autoplay=1, or any page when the reader asked to save data (Save-Data): a facade.
//   The poster (images/poster.png: the default photo being learned, recorded by build.py with the
//   `painting` package) and one button, #play-live, which loads main.js and with it Python. Before that
//   click nothing of Pyodide is fetched.
// - Otherwise main.js loads at once (?embed=1&autoplay=1 starts training when the frame is in view).

import { applyView } from './embed.js';
import { parseUrlState } from './url-state.js';
import { IMAGES, DEFAULT_IMAGE } from './images.js';
import { underServiceWorker } from './offline.js';
import { startWorkerAhead } from './worker-start.js';

// what the click downloads: Pyodide's runtime and stdlib, numpy and painting.zip (dist/, build.py)
export const LIVE_SIZE = '≈17 MB';
const POSTER = 'images/poster.png';
const POSTER_STILL = 'images/poster-still.png';

const url = parseUrlState(window.location.search, window.location.hash);
const saveData = Boolean(navigator.connection && navigator.connection.saveData);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

applyView(url.view); // the embed's layout, and its height posted to the host, from the first screen on
if (url.view.embed && (!url.view.autoplay || saveData)) showFacade();
else if (!url.view.embed && saveData) showFacade();
else loadApp();

// Python's files then download once, through the service worker that keeps them (offline.js, sw.js);
// main.js loads once the worker has begun (worker-start.js), and Python boots meanwhile.
async function loadApp() {
  await underServiceWorker();
  await startWorkerAhead();
  return import('./main.js');
}

function element(tag, props = {}, children = []) {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

function showFacade() {
  const root = document.documentElement;
  root.dataset.facade = 'poster';
  const image = IMAGES.find((img) => img.id === (url.settings.image ?? DEFAULT_IMAGE));
  // the recording is of the default photo; another photo is shown as it is
  const recorded = image.id === DEFAULT_IMAGE;
  const img = element('img', {
    id: 'poster', width: 64, height: 64, src: recorded ? POSTER : image.file,
    alt: recorded ? `${image.name}: a linear-regression model learning it, from a blur to the photo`
      : `${image.name}, the photo the model will learn`,
  });
  img.addEventListener('error', () => { if (img.src !== new URL(image.file, document.baseURI).href) img.src = image.file; },
    { once: true });
  const picture = element('picture', {}, recorded
    ? [element('source', { media: '(prefers-reduced-motion: reduce)', srcset: POSTER_STILL }), img] : [img]);
  const button = element('button', {
    id: 'play-live', type: 'button', className: 'primary', textContent: `Paint it live (${LIVE_SIZE}, once)`,
  });
  const note = element('p', {
    className: 'hint',
    textContent: (saveData ? 'Your browser asked to save data, so nothing more loads until you press the button. ' : '')
      + 'The button downloads Python (Pyodide and numpy) into this page, once; later visits use the copy in your browser.',
  });
  const caption = recorded ? 'A recording: the model learning this photo. Press the button to watch it live and change it.'
    : 'Press the button to watch a model learn this photo.';
  const facade = element('section', { id: 'facade', className: 'facade' }, [
    element('figure', {}, [picture, element('figcaption', { textContent: caption })]),
    button, note,
  ]);
  facade.setAttribute('aria-label', 'Regression Painter preview');
  document.querySelector('main.app').before(facade);
  button.addEventListener('click', () => playLive(facade), { once: true });
}

async function playLive(facade) {
  facade.remove();
  delete document.documentElement.dataset.facade;
  // In an embed, embed.js's autoplay starts training once Python is ready and the frame in view; where it
  // does not (the full page, or reduced motion), the click itself was the request to start.
  const app = await loadApp();
  if (!url.view.embed || reducedMotion) app.startWhenReady();
}
