// "New version — reload": shown when a new service worker (a redeploy) has installed behind the page.
// The page keeps running the version it started with; it reloads only when the reader presses the
// button (so never on its own in the middle of a painting): the waiting worker is told to take over
// (SKIP_WAITING, see sw.js) and the reload follows its `controllerchange`. Sets <html data-update="ready">
// while the notice shows.

const SKIP_WAITING = 'SKIP_WAITING';

export function watchForUpdates(registration, notice = document.getElementById('update-notice'),
  button = document.getElementById('update-reload')) {
  const container = navigator.serviceWorker;
  if (!notice || !button) return;
  let controlled = Boolean(container.controller); // false on the first visit: its install is no update
  let asked = false;
  const show = () => {
    notice.hidden = false;
    document.documentElement.dataset.update = 'ready';
  };
  const track = (worker) => {
    if (!worker) return;
    const check = () => { if (worker.state === 'installed' && controlled) show(); };
    worker.addEventListener('statechange', check);
    check();
  };
  track(registration.waiting);
  track(registration.installing);
  registration.addEventListener('updatefound', () => track(registration.installing));
  container.addEventListener('controllerchange', () => {
    if (asked) location.reload();
    else if (controlled) show(); // another tab switched to the new version: offer, never force, a reload
    controlled = true;
  });
  button.addEventListener('click', () => {
    asked = true;
    if (registration.waiting) registration.waiting.postMessage(SKIP_WAITING);
    else location.reload();
  });
}
