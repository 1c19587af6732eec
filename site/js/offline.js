// The service worker (sw.js, beside index.html) that keeps a versioned copy of every file for offline
// use. entry.js registers it before Python loads (underServiceWorker), so that the page's own downloads
// go through it and are kept: each file is downloaded once. Once Python has loaded, registerOffline asks
// it to fetch whatever is still missing (FILL) and marks <html data-offline="ready"> when the copy is
// complete. URLs are relative to this module, so the page works under any sub-path (e.g.
// https://USER.github.io/REPO/). A redeploy's new worker waits behind the page, which offers a reload
// (update-notice.js).

import { watchForUpdates } from './update-notice.js';

const FILL = 'FILL';          // sw.js
const CLAIM_WAIT_MS = 3000;   // a first install claims the page within a few hundred ms; never wait longer

const usable = () => 'serviceWorker' in navigator && window.isSecureContext;
const register = () => navigator.serviceWorker.register(new URL('../sw.js', import.meta.url),
  { scope: new URL('../', import.meta.url).href });

// Resolves once the page is controlled by the service worker (at once on a second visit), or when that
// is not going to happen soon (no service worker, an error, a slow install): the page then loads anyway.
export async function underServiceWorker() {
  if (!usable() || navigator.serviceWorker.controller) return;
  const claimed = new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
    setTimeout(resolve, CLAIM_WAIT_MS);
  });
  try {
    await register();
  } catch (err) {
    console.warn(`Offline copy unavailable: ${err.message}`);
    return;
  }
  await claimed;
}

export async function registerOffline() {
  // file:// pages and old browsers: no service worker, the page still works online
  if (!usable()) return;
  try {
    const registration = await register();
    watchForUpdates(registration);
    const { active } = await navigator.serviceWorker.ready;
    const reply = await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      active.postMessage(FILL, [channel.port2]);
    });
    if (reply !== 'ok') throw new Error(reply);
    document.documentElement.dataset.offline = 'ready';
  } catch (err) {
    // not fatal: the page works, only the offline copy is missing
    console.warn(`Offline copy unavailable: ${err.message}`);
  }
}
