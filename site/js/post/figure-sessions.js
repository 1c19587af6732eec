// The figures' sessions in the article's one worker: made (INIT) from a figure's declaration on its
// photo, and what the worker confirmed of them adopted into the one store. To engine.js this is what
// sessions.js is to the tool page: ids() are the panes that train (the active figure's), adopt() and
// adoptNew() take a reply that (re)made one. Frames go to screen.js like the tool's.

import { Request } from '../protocol.js';
import { decodeImage, rgbaAtSize, drawPixels } from '../pixels.js';
import { IMAGES, DEFAULT_IMAGE } from '../images.js';
import { holdoutValue } from '../settings.js';

export class FigureSessions {
  #client;
  #store;
  #screen;
  #panes;
  #active;
  #photos = new Map(); // "image@size" -> its RGBA (a copy is sent per session)

  // client() -> the WorkerClient; store, screen, panes: the article's; active() -> the figure that trains
  constructor({ client, store, screen, panes, active }) {
    this.#client = client;
    this.#store = store;
    this.#screen = screen;
    this.#panes = panes;
    this.#active = active;
  }

  ids() { return this.#active()?.sessionIds ?? []; }

  adopt(id, result) {
    this.#store.setPane(id, {
      gen: result.gen, model: result.model, knobs: result.knobs ?? {}, engine: result.engine ?? 'numpy',
      rate: result.learningRate ?? null,
    });
    this.#screen.reply(id, result);
  }

  adoptNew(id, result) {
    this.adopt(id, result);
    this.#panes.clearPlot(id);
  }

  // The figure's sessions made anew at epoch 0 on its photo, its panes shown by the screen from now on.
  async create(figure) {
    const { kind } = figure;
    const pixels = await this.#photo(kind.image ?? DEFAULT_IMAGE, kind.size);
    figure.size = kind.size;
    if (figure.target) drawPixels(figure.target, pixels.slice(0), kind.size);
    const shown = this.#store.shown ?? [];
    this.#store.update({ shown: [...shown, ...figure.sessionIds.filter((id) => !shown.includes(id))] });
    const settings = Object.fromEntries((kind.settings ?? []).map((key) => [key, this.#store.get(key)]));
    for (const pane of kind.panes) {
      const own = pixels.slice(0);
      const id = figure.sessionId(pane.name);
      const result = await this.#client().request(Request.INIT, {
        session: id, pixels: own, width: kind.size, height: kind.size, mode: pane.mode ?? 'rgb', model: pane.model,
        learningRate: 'lr' in settings ? settings.lr : pane.learningRate ?? null, knobs: pane.knobs ?? {},
        holdout: holdoutValue(settings.holdout ?? pane.holdout ?? '0'), zoom: 1, view: 'learned',
        engine: pane.engine ?? 'numpy', tfBackend: null,
      }, [own]);
      kind.onSession?.(figure, pane.name, result);
      this.adoptNew(id, result);
    }
    figure.created = true;
    this.#screen.pull(figure.sessionIds); // a network's first frame
  }

  // A new learning rate for the figure's sessions, from their next slice on (no rebuild).
  async setRate(figure, rate) {
    await this.#store.during(async () => {
      for (const id of figure.sessionIds) {
        const result = await this.#client().request(Request.CONFIGURE, { session: id, learningRate: rate });
        this.#store.setPane(id, { rate: result.learningRate });
      }
    });
  }

  async #photo(imageId, size) {
    const key = `${imageId}@${size}`;
    if (!this.#photos.has(key)) {
      const image = IMAGES.find((img) => img.id === imageId);
      this.#photos.set(key, rgbaAtSize(await decodeImage(image.file), size));
    }
    return this.#photos.get(key);
  }
}
