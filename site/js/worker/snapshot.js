// A throwaway worker that makes the Python memory snapshot later visits start from (runtime.js's
// startInterpreter): it boots a bare interpreter with Pyodide's _makeSnapshot, keeps the snapshot in
// the Cache API and ends. The snapshot is made here and not by the worker that trains, because an
// interpreter booted with _makeSnapshot stays in its snapshot-making mode, where every call between
// Python and JS is several times slower: a page that made its snapshot trained the TensorFlow.js networks at
// a quarter of their speed for the whole visit.
// Posts {ok: true} or {ok: false, message} once, then closes.

const PYODIDE_DIR = new URL('../../pyodide/', import.meta.url).href;

self.onmessage = async ({ data: { cacheName, key } }) => {
  try {
    const { loadPyodide } = await import(`${PYODIDE_DIR}pyodide.mjs`);
    const pyodide = await loadPyodide({ indexURL: PYODIDE_DIR, _makeSnapshot: true });
    const snapshot = pyodide.makeMemorySnapshot();
    const cache = await caches.open(cacheName);
    for (const old of await cache.keys()) await cache.delete(old); // another Pyodide's, and the visit mark
    await cache.put(key, new Response(snapshot));
    self.postMessage({ ok: true });
  } catch (err) {
    self.postMessage({ ok: false, message: err.message });
  }
  self.close();
};
