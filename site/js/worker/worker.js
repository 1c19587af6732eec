// The Pyodide worker's entry. Python starts booting at once (runtime.js, which needs nothing else of
// the worker), and the rest of the worker (requests.js) loads while the interpreter downloads and
// starts: its modules are not on the way to the first frame. Requests that come before requests.js has
// loaded are held and handed to it in order.

import { load } from './runtime.js';

load().catch(() => {}); // LOAD answers with this boot, or with its failure (requests.js)
const early = [];
const hold = (event) => early.push(event);
self.addEventListener('message', hold);
import('./requests.js').then(({ listen }) => {
  self.removeEventListener('message', hold);
  listen(early);
}, (err) => {
  setTimeout(() => { throw err; }); // the page's WorkerClient hears it as the worker's 'error'
});
