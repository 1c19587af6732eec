// Service worker: a versioned, cache-first copy of every file the page needs, so a second visit works
// with the network off. build.py replaces the BUILD line below with the list of every file in dist/
// and a version (a hash of their contents), so each new build is a byte change the browser notices.
// Install completes only once every file is cached; activate deletes this site's older caches.

const BUILD = { version: 'dev', files: [] }; // build.py fills this in

const SCOPE = self.registration.scope;            // e.g. https://USER.github.io/REPO/
const PREFIX = `regression-painter ${SCOPE} `;     // scope in the name: two copies on one origin coexist
const CACHE = PREFIX + BUILD.version;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // revalidate with the server, so a stale HTTP-cache entry cannot end up in a new version's cache
    await cache.addAll(BUILD.files.map((file) => new Request(file, { cache: 'no-cache' })));
    await self.skipWaiting(); // each version's cache is complete, so the new one can take over at once
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(cacheFirst(request));
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const path = new URL(request.url).pathname;
  const scopePath = new URL(SCOPE).pathname;
  // the page itself, whatever its query (?embed=1): the one cached index.html
  const page = request.mode === 'navigate' && (path === scopePath || path === `${scopePath}index.html`);
  const hit = page ? await cache.match('index.html', { ignoreSearch: true }) : await cache.match(request);
  return hit || fetch(request);
}
