// The article (post.html): its figures over ONE worker, one Python and one store, made of the tool's
// parts: the store's named panes (store.js), PaneViews (panes.js), the one Screen (screen.js), the one
// Engine (engine.js: Start, Pause, Reset, the rebuild, the run status) and figure-sessions.js in the
// place of sessions.js. A figure is its sessions, its controls and its views (figure.js); what each
// figure shows is its kind's declaration (kinds.js).
//
// Loading, after Distill's d-figure: an IntersectionObserver watches a band of about one viewport above
// and below the screen; the first figure in it starts the worker (with Save-Data on: the first click
// does). Once Python is up the figures in the band go live one at a time, one per animation frame
// (their sessions made and first frame drawn), in page order. Only the active figure trains (the
// worker's engine trains one plan): a figure half on screen starts once by itself (embed.js's autoplay,
// as the tool's embed does; not with reduced motion), and pauses when it leaves the screen.

import { WorkerClient } from '../worker-client.js';
import { LoadState } from '../protocol.js';
import { Store, Status } from '../store.js';
import { controlDefaults, setting } from '../settings.js';
import { PaneViews } from '../panes.js';
import { Screen } from '../screen.js';
import { Engine } from '../engine.js';
import { autoplay } from '../embed.js';
import { embedSnippet } from '../share.js';
import { underServiceWorker, registerOffline } from '../offline.js';
import { sentence } from '../readout.js';
import { Figure, element } from './figure.js';
import { FigureSessions } from './figure-sessions.js';
import { StatusLine } from './status.js';
import { KINDS } from './kinds.js';

const NEAR_MARGIN = '100% 0px'; // the band in which figures get ready: a viewport above and below
const LOAD_TIMEOUT_MS = 60000;

export class Article {
  active = null;   // the figure whose sessions train
  client = null;   // the one WorkerClient
  #figures;
  #status;
  #store = new Store(controlDefaults());
  #panes = new PaneViews();
  #screen;
  #sessions;
  #engine;
  #queue = [];     // figures in the band, waiting to go live
  #chain = Promise.resolve(); // activations and go-lives, one after another
  #started = null; // the load, once begun
  #pending = null; // a figure whose play waits for Python
  #runningSince = null;
  #lazy;           // Python waits for a click (Save-Data, an embed's facade); then figures go live as near

  // figures: the <figure data-figure> elements; statusEl: the status line; options: {saveData (said;
  // nothing loads before a click), lazy (nothing loads before play(): an embed's click), reducedMotion,
  // embed (a figure alone: no embed links)}
  constructor(figures, statusEl, { saveData = false, lazy = saveData, reducedMotion = false, embed = false } = {}) {
    const store = this.#store;
    this.#status = new StatusLine(statusEl);
    if (saveData) this.#status.show('waiting');
    this.#screen = new Screen({ store, client: () => this.client, panes: this.#panes, size: () => this.active?.kind.size });
    this.#sessions = new FigureSessions({
      client: () => this.client, store, screen: this.#screen, panes: this.#panes, active: () => this.active,
    });
    const said = (fn) => (...args) => this.active && fn(this.active, ...args);
    this.#engine = new Engine({
      client: () => this.client, store, sessions: this.#sessions, screen: this.#screen,
      readout: {
        clearMessage: said((figure) => figure.say('')),
        showMessage: said((figure, text, tone, { kind = '' } = {}) => figure.say(text, tone, kind)),
        showLoadFailure: (err) => this.#status.show(LoadState.FAILED, err),
      },
      epochsPerFrame: (id) => this.#figureOf(id).kind.epochsPerFrame ?? 1,
    });
    this.#figures = figures.map((el) => this.#makeFigure(el, { reducedMotion, embed }));
    store.subscribe(() => this.#showRuns());
    this.#lazy = lazy;
    const near = new IntersectionObserver((entries) => {
      for (const entry of entries) if (entry.isIntersecting) this.#near(this.#figures.find((f) => f.el === entry.target));
    }, { rootMargin: NEAR_MARGIN });
    for (const figure of this.#figures) near.observe(figure.el);
  }

  // The Figure of a <figure data-figure> element.
  figure(el) { return this.#figures.find((figure) => figure.el === el); }

  // ------------------------------------------------------------------------------ Python
  // The one worker and its Python, started once.
  start() {
    this.#started ??= this.#load();
    return this.#started;
  }

  async #load() {
    await underServiceWorker(); // Python's downloads go through the service worker, which keeps them
    this.#status.show(LoadState.DOWNLOADING);
    this.client = new WorkerClient({
      onState: (state, error) => this.#status.show(state, error),
      onProgress: (stage, fraction, all) => this.#status.progress(all),
      onFrame: (msg) => this.#screen.frame(msg),
      onTick: (msg) => this.#screen.tick(msg),
      onStopped: (msg) => this.#engine.stopped(msg),
    });
    try {
      await this.client.load({ timeoutMs: LOAD_TIMEOUT_MS });
    } catch (err) {
      for (const figure of this.#figures) figure.noteStarting(`Python could not start: ${sentence(err.message)}`);
      this.#store.update({ status: Status.ERROR });
      return false;
    }
    this.#store.update({ status: Status.READY });
    for (const figure of this.#figures) figure.noteStarting(null);
    registerOffline(); // the offline copy, now that Python's own files are in
    this.#pump();
    if (this.#pending) this.play(this.#pending);
    return true;
  }

  // ------------------------------------------------------------------------------ figures
  #makeFigure(el, { reducedMotion, embed }) {
    const kind = KINDS[el.dataset.figure];
    const figure = new Figure(el, kind);
    const still = el.querySelector('.figure-still');
    const go = element('button', { type: 'button', className: 'figure-go', textContent: 'Run it live' });
    const note = element('p', { className: 'figure-note' });
    note.setAttribute('role', 'status');
    still.append(element('div', { className: 'figure-start' }, [go, note]));
    figure.noteStarting = (text) => { note.textContent = text ?? ''; };
    go.addEventListener('click', () => this.play(figure));
    if (!embed) el.append(embedLink(figure));
    if (kind.mount) return figure; // a figure of its own making (two-by-two): no panes, no autoplay
    figure.build({ actions: this.#actions(figure), panes: this.#panes, store: this.#store });
    figure.clock = () => this.#seconds(figure);
    autoplay({
      get status() { return figure.status; },
      get running() { return figure.running; },
      play: () => this.play(figure),
      pause: () => this.pause(figure),
    }, { watched: el.querySelector('.figure-live'), startButton: figure.playButton, reducedMotion,
      subscribe: (fn) => this.#store.subscribe(fn) });
    Object.defineProperties(figure, {
      // as embed.js's autoplay reads a page's status: this figure's run, or ready to start
      status: { get: () => (this.active === figure ? this.#store.status
        : !this.#store.pythonUp ? Status.LOADING : figure.started ? Status.PAUSED : Status.READY) },
      running: { get: () => this.active === figure && this.#store.running },
    });
    return figure;
  }

  // What a figure's controls do: its run, its settings (by their settings.js row's effect) and presets.
  #actions(figure) {
    return {
      toggle: () => (figure.running ? this.pause(figure) : this.play(figure)),
      reset: () => this.#then(async () => {
        await this.#activate(figure);
        if (figure.created) await this.#engine.reset();
        figure.started = false;
        figure.elapsed = 0;
      }),
      setting: (key, value) => this.#setting(figure, key, value),
      preset: async (values) => {
        for (const [key, value] of Object.entries(values)) {
          figure.showSetting(key, value);
          await this.#setting(figure, key, value);
        }
        this.play(figure);
      },
    };
  }

  async #setting(figure, key, value) {
    const store = this.#store;
    store.choose(key, value);
    figure.kind.onSetting?.(figure, key, value);
    if (!figure.created) return; // the sessions are made with it
    const { effect } = setting(key);
    if (effect === 'rate') {
      await this.#sessions.setRate(figure, value).catch((err) => figure.say(`The learning rate was not changed: ${err.message}`, 'error'));
    } else if (effect === 'retarget') {
      await this.#then(async () => {
        if (this.active === figure) await this.#engine.rebuild(() => this.#sessions.create(figure));
        else await this.#sessions.create(figure);
      });
    }
  }

  // Start (or continue) a figure: it becomes the active one (the one that trains); before Python, it
  // says it is starting and starts once Python is up.
  play(figure) {
    if (!this.#store.pythonUp || !this.client || this.client.state !== LoadState.READY) {
      this.#pending = figure;
      figure.noteStarting('Starting Python for this figure…');
      this.start();
      return;
    }
    this.#pending = null;
    this.#then(async () => {
      await this.#activate(figure);
      if (figure.kind.mount) return;
      figure.started = true;
      this.#engine.play();
    });
  }

  pause(figure) {
    if (this.active === figure) this.#engine.pause();
  }

  #near(figure) {
    if (!figure || figure.created || this.#queue.includes(figure)) return;
    this.#queue.push(figure);
    this.#queue.sort((a, b) => this.#figures.indexOf(a) - this.#figures.indexOf(b));
    if (this.#lazy && !this.#started) return; // made live once Python is started by a click
    this.start();
    if (this.client?.state === LoadState.READY) this.#pump();
  }

  // The figures in the band go live in page order, one per animation frame.
  #pump() {
    this.#then(async () => {
      while (this.#queue.length) {
        const figure = this.#queue.shift();
        await this.#goLive(figure);
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    });
  }

  async #goLive(figure) {
    if (figure.created) return;
    try {
      if (figure.kind.mount) {
        await figure.kind.mount(figure, (type, fields) => this.client.request(type, fields));
        figure.created = true;
      } else {
        await this.#sessions.create(figure);
      }
    } catch (err) {
      figure.say?.(`This figure could not start: ${sentence(err.message)}`, 'error');
      figure.noteStarting(`This figure could not start: ${sentence(err.message)}`);
    }
  }

  // The figure that trains from now on: the one before is paused (the worker's engine trains one plan).
  async #activate(figure) {
    if (this.active === figure) return;
    const store = this.#store;
    if (store.running) await this.#engine.pause();
    if (!figure.created) await this.#goLive(figure);
    if (figure.kind.mount) return;
    this.active = figure;
    store.set('stop-cost', figure.kind.stopCost ?? 1e-5);
    store.update({ status: figure.started ? Status.PAUSED : Status.READY });
  }

  #then(work) {
    const job = this.#chain.then(work);
    this.#chain = job.catch((err) => console.error(err));
    return job;
  }

  #figureOf(sessionId) {
    return this.#figures.find((figure) => figure.sessionIds.includes(sessionId));
  }

  // Each figure's Start / Pause, and the clock of the one that trains (a chart against seconds).
  #showRuns() {
    const store = this.#store;
    const running = store.running || store.queuedStart;
    for (const figure of this.#figures) {
      const mine = this.active === figure;
      figure.showRun({ running: mine && running, started: figure.started });
    }
    const now = performance.now();
    if (running && this.#runningSince == null) this.#runningSince = now;
    if (!running && this.#runningSince != null) {
      if (this.active) this.active.elapsed = (this.active.elapsed ?? 0) + (now - this.#runningSince);
      this.#runningSince = null;
    }
  }

  #seconds(figure) {
    const current = this.active === figure && this.#runningSince != null ? performance.now() - this.#runningSince : 0;
    return ((figure.elapsed ?? 0) + current) / 1000;
  }
}

// A figure's own embed: a link to it alone and the <iframe> snippet (share.js's, as the tool's).
function embedLink(figure) {
  const src = new URL(`post.html?figure=${figure.id}&embed=1`, document.baseURI).href;
  const snippet = element('textarea', { className: 'figure-snippet', readOnly: true, rows: 6 });
  snippet.value = embedSnippet(src, new URL('embed-resize.js', document.baseURI).href);
  snippet.setAttribute('aria-label', `The HTML that embeds the figure “${figure.id}” in another page`);
  return element('details', { className: 'figure-embed' }, [
    element('summary', { textContent: 'Embed this figure' }),
    element('p', {}, [element('a', { href: src, textContent: 'This figure alone' }), ' · paste this into your page:']),
    snippet,
  ]);
}
