// Keeps a record of the page's errors in the DOM, where any browser automation can read it (WebKit's
// WebDriver hides the console): uncaught errors and unhandled rejections in the page, console.error
// calls, and the worker's uncaught errors and failed replies ({ok: false, error}). Each becomes an
// <li data-source="page|rejection|console|worker|reply"> of the hidden <ol id="error-log">, and
// <html data-errors> counts them. Imported first by main.js, so the Worker it creates is watched.

const MAX_ENTRIES = 50;
let count = 0;

export function recordError(source, message) {
  count += 1;
  document.documentElement.dataset.errors = String(count);
  if (count > MAX_ENTRIES) return;
  let log = document.getElementById('error-log');
  if (!log) {
    log = document.createElement('ol');
    log.id = 'error-log';
    log.hidden = true;
    (document.body || document.documentElement).append(log);
  }
  const item = document.createElement('li');
  item.dataset.source = source;
  item.textContent = String(message).slice(0, 2000);
  log.append(item);
}

const describe = (value) => (value && value.stack) || (value && value.message) || String(value);

window.addEventListener('error', (event) => {
  // a resource that failed to load (img, script) fires a non-ErrorEvent on its element
  const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
  recordError('page', event.error ? describe(event.error) : `${event.message || 'error'}${where}`);
});
window.addEventListener('unhandledrejection', (event) => recordError('rejection', describe(event.reason)));

const consoleError = console.error.bind(console);
console.error = (...args) => {
  recordError('console', args.map(describe).join(' '));
  consoleError(...args);
};

// The worker's errors reach the page only through its Worker object: watch every one the page makes.
if (typeof window.Worker === 'function') {
  const NativeWorker = window.Worker;
  window.Worker = class WatchedWorker extends NativeWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener('error', (event) => {
        recordError('worker', `${event.message || 'uncaught error in the worker'}` +
          (event.filename ? ` (${event.filename}:${event.lineno})` : ''));
      });
      this.addEventListener('messageerror', () => recordError('worker', 'a message could not be read'));
      this.addEventListener('message', (event) => {
        const data = event.data;
        if (data && data.ok === false && data.error) {
          recordError('reply', `${data.error.name}: ${data.error.message}`);
        }
      });
    }
  };
}
