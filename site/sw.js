// Service worker: a versioned, cache-first copy of every file the page needs, so a second visit works
// with the network off, and a redeploy downloads only the files that changed.
//
// build.py replaces the BUILD line below with every file of dist/ and its sha256, and a version (a hash
// of them all), so each new build is a byte change the browser notices.
// First visit: each file is downloaded once. The page registers this worker before Python loads
// (entry.js) and the first install fetches nothing: it activates at once and claims the page, whose own
// requests then go through the fetch handler, which keeps a copy of each file whose hash is right. Once
// Python is up the page posts FILL (offline.js): only the files not kept yet are fetched, and the file
// list is stored (FILES_KEY), which marks the cache complete.
// Update protocol:
//  1. install: a new version copies each file whose path and hash are unchanged from an older complete
//     cache of this scope; only the others are fetched (and checked against their hash). The file list
//     is stored last (FILES_KEY), which marks the cache complete and says what it holds.
//  2. the new worker then waits: the open page keeps the version it started with. The page shows
//     "New version — reload" (update-notice.js); its button posts SKIP_WAITING, the worker activates,
//     the page sees `controllerchange` and reloads. A first install (no page controlled yet) activates
//     at once.
//  3. activate deletes this scope's older caches.
// Files in BUILD.lazy (tf/: TensorFlow.js, which only some visits use) are not precached: each is cached
// on its first use, checked against its hash, in a cache named by BUILD.lazyVersion, which survives
// redeploys that do not change those files.

const BUILD = { version: 'dev', files: {}, lazy: {}, lazyVersion: 'dev' }; // build.py fills this in

const SCOPE = self.registration.scope;            // e.g. https://USER.github.io/REPO/
const PREFIX = `regression-painter ${SCOPE} `;     // scope in the name: two copies on one origin coexist
const CACHE = PREFIX + BUILD.version;
const LAZY_PREFIX = `regression-painter-lazy ${SCOPE} `;
const LAZY = LAZY_PREFIX + BUILD.lazyVersion;
const FILES_KEY = '.sw-files.json';               // {path: sha256} of a complete cache (never a real file)
const SKIP_WAITING = 'SKIP_WAITING';                // the page's message (update-notice.js)
const FILL = 'FILL';                                // the page's message once Python is up (offline.js)
const keeping = new Map();                          // path -> the fetch handler's pending copy
const PAGES = ['', 'index.html', 'post.html'];     // navigations served from the cache whatever their query

self.addEventListener('install', (event) => {
  // the first install fills its cache from the page's own requests and FILL; an update is complete
  // before it takes over
  if (self.registration.active) event.waitUntil(fill(BUILD.files));
});

self.addEventListener('message', (event) => {
  if (event.data === SKIP_WAITING) self.skipWaiting();
  // replies on the message's port: 'ok' once the cache is complete, else why not
  if (event.data === FILL && event.ports[0]) {
    event.waitUntil(fill(BUILD.files).then(() => 'ok', (err) => err.message)
      .then((reply) => event.ports[0].postMessage(reply)));
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if ((name.startsWith(PREFIX) && name !== CACHE) || (name.startsWith(LAZY_PREFIX) && name !== LAZY)) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(cacheFirst(event));
});

// files: {path: sha256}. Keeps what this cache holds, copies what an older complete cache holds with
// the same hash, fetches the rest.
async function fill(files) {
  const cache = await caches.open(CACHE);
  const older = await olderCopies();
  await Promise.all(Object.entries(files).map(async ([path, hash]) => {
    await keeping.get(path);
    if (await cache.match(path)) return; // only ever put there with the right hash
    const old = older.get(`${path} ${hash}`);
    const copy = old && await old.match(path);
    if (copy) return cache.put(path, copy);
    // revalidate with the server, so a stale HTTP-cache entry cannot end up in this version's cache
    const response = await fetch(new Request(path, { cache: 'no-cache' }));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const read = await readBody(response);
    // a half-deployed site (new sw.js, old file) must not be cached under the new hash
    if (read.hash !== hash) throw new Error(`${path}: sha256 ${read.hash}, expected ${hash}`);
    return cache.put(path, read.copy);
  }));
  await cache.put(FILES_KEY, new Response(JSON.stringify(files), { headers: { 'Content-Type': 'application/json' } }));
}

// "path hash" -> the older cache of this scope holding it (only complete caches: they have FILES_KEY)
async function olderCopies() {
  const found = new Map();
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const cache = await caches.open(name);
    const list = await cache.match(FILES_KEY);
    if (!list) continue;
    for (const [path, hash] of Object.entries(await list.json())) found.set(`${path} ${hash}`, cache);
  }
  return found;
}

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// A response's body read once: {hash, copy (a Response of the same bytes and headers, to keep)}. The
// copy is made from the bytes, not by a second clone of the stream: every clone of a body that is still
// downloading passes its bytes through this thread, and the page's own download waits for them.
async function readBody(response) {
  const body = await response.arrayBuffer();
  const { status, statusText, headers } = response;
  return { hash: await sha256(body), copy: new Response(body, { status, statusText, headers }) };
}

async function cacheFirst(event) {
  const { request } = event;
  const cache = await caches.open(CACHE);
  const path = new URL(request.url).pathname;
  const scopePath = new URL(SCOPE).pathname;
  // a page itself, whatever its query (?embed=1, ?figure=): the one cached index.html or post.html
  const rel = path.slice(scopePath.length);
  const page = request.mode === 'navigate' && PAGES.includes(rel) ? rel || 'index.html' : null;
  if (Object.hasOwn(BUILD.lazy, rel)) return lazyFirst(request, rel);
  const hit = page ? await cache.match(page, { ignoreSearch: true }) : await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // a file of this build fetched for the page: keep a copy (if its hash is right), so FILL skips it
  const file = page ?? rel;
  if (response.ok && response.type === 'basic' && file in BUILD.files && !keeping.has(file)) {
    const copy = keep(cache, file, response.clone());
    keeping.set(file, copy);
    event.waitUntil(copy.finally(() => keeping.delete(file)));
  }
  return response;
}

async function keep(cache, path, response) {
  const read = await readBody(response);
  if (read.hash === BUILD.files[path]) await cache.put(path, read.copy);
}

// A file of BUILD.lazy: from the lazy cache, else from the network, cached if its hash is the build's.
async function lazyFirst(request, rel) {
  const cache = await caches.open(LAZY);
  const hit = await cache.match(rel);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    const read = await readBody(response.clone());
    if (read.hash === BUILD.lazy[rel]) await cache.put(rel, read.copy);
  }
  return response;
}
