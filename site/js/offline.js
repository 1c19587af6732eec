// Registers the service worker (sw.js, beside index.html) that keeps a versioned copy of every file
// for offline use. Called once Python has loaded, so the precache is filled from the HTTP cache or with
// cheap revalidations instead of competing with the first load. URLs are relative to this module, so
// the page works under any sub-path (e.g. https://USER.github.io/REPO/). A redeploy's new worker waits
// behind the page, which offers a reload (update-notice.js).

import { watchForUpdates } from './update-notice.js';

export async function registerOffline() {
  // file:// pages and old browsers: no service worker, the page still works online
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  try {
    const registration = await navigator.serviceWorker.register(new URL('../sw.js', import.meta.url),
      { scope: new URL('../', import.meta.url).href });
    watchForUpdates(registration);
    await navigator.serviceWorker.ready;
    document.documentElement.dataset.offline = 'ready';
  } catch (err) {
    // not fatal: the page works, only the offline copy is missing
    console.warn(`Offline copy unavailable: ${err.message}`);
  }
}
