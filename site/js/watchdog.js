// Python in a worker cannot be interrupted (no SharedArrayBuffer on a static host), so a model whose
// code never returns (an endless loop in step) would hang the worker for good. The page notices: while
// a request awaits its reply or training runs, the worker speaks at least every TICK (0.1 s); if it has
// been silent for STALL_MS while the visitor's code may be running, #stop-python is offered. Stop ends the worker (main.js restarts Python).
// A check twice a second, nothing per frame.

import { LoadState } from './protocol.js';

export const STALL_MS = 3000;
const CHECK_MS = 500;

export class Watchdog {
  #client;
  #store;
  #armed;

  // client() -> the WorkerClient; store: Store (its `stalled`); button: #stop-python; readout: Readout;
  // armed() -> whether the visitor's code may be running; onStop() when Stop is pressed
  constructor({ client, store, button, readout, armed, onStop }) {
    this.#armed = armed;
    this.#client = client;
    this.#store = store;
    button.addEventListener('click', () => {
      store.update({ stalled: false });
      onStop();
    });
    let shown = false;
    store.subscribe(({ stalled }) => {
      if (stalled === shown) return;
      shown = stalled;
      button.hidden = !stalled;
      document.body.dataset.stalled = String(stalled);
      if (stalled) {
        readout.showMessage(`Python has not answered for ${STALL_MS / 1000} s: a step of your model may `
          + 'never return (an endless loop?). Stop restarts Python; your code, the image and the settings are '
          + 'kept.', 'error', { kind: 'stalled' });
      }
    });
    setInterval(() => this.check(), CHECK_MS);
  }

  check() {
    const client = this.#client();
    const waiting = client && client.state === LoadState.READY && (client.outstanding > 0 || this.#store.running)
      && this.#armed();
    const silent = waiting ? performance.now() - client.lastHeard : 0;
    this.#store.update({ stalled: silent > STALL_MS });
  }
}
