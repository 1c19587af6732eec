// The image being painted, drawn on #target at the current resolution: a bundled photo (decoded by the
// browser) or a person's own file (decoded by Pillow in the worker and resampled there). Its RGBA is
// what the sessions are built on (sessions.js).

import { Request } from './protocol.js';
import { IMAGES } from './images.js';
import { decodeImage, rgbaAtSize, drawPixels } from './pixels.js';

export class Target {
  size = 64;      // the resolution setting: pixels on the longest side
  width = 64;     // the target's size in pixels: a person's own image may be non-square
  height = 64;
  #bitmaps = new Map(); // image id -> decoded ImageBitmap
  #el;
  #client;
  #gallery;
  #store;

  // el: {canvas (#target), learned (#learned), credit}; client() -> the WorkerClient; gallery: {mark(id)};
  // store: Store (its upload: the person's own file, else a bundled photo is the target)
  constructor(el, client, gallery, store) {
    this.#el = el;
    this.#client = client;
    this.#gallery = gallery;
    this.#store = store;
  }

  // The target at the current size, drawn on #target; -> its RGBA for INIT.
  show(imageId) {
    return this.#store.upload ? this.resample(false) : this.showPhoto(imageId);
  }

  async showPhoto(imageId) {
    const bitmap = await this.#bitmap(imageId);
    const pixels = rgbaAtSize(bitmap, this.size);
    this.width = this.size;
    this.height = this.size;
    drawPixels(this.#el.canvas, pixels, this.size);
    if (this.#el.learned.width !== this.size) {
      this.#el.learned.width = this.size;
      this.#el.learned.height = this.size;
    }
    performance.mark('painter:target');
    return pixels;
  }

  // The person's image at the current resolution (resampled in the worker from the decoded original);
  // decoded: use the file just decoded (DECODE_IMAGE), else the one in use.
  async resample(decoded) {
    const result = await this.#client().request(Request.RESAMPLE_IMAGE, { size: this.size, decoded });
    this.width = result.width;
    this.height = result.height;
    drawPixels(this.#el.canvas, result.pixels, result.width, result.height);
    return result.pixels;
  }

  showCredit(imageId) {
    const { upload } = this.#store;
    const image = upload ? null : IMAGES.find((img) => img.id === imageId);
    this.#el.credit.textContent = upload ? upload.name : image ? image.credit : '';
    this.#gallery.mark(image ? image.id : null);
  }

  async #bitmap(imageId) {
    if (!this.#bitmaps.has(imageId)) {
      const image = IMAGES.find((img) => img.id === imageId);
      if (!image) throw new Error(`unknown image "${imageId}"`);
      this.#bitmaps.set(imageId, await decodeImage(image.file));
    }
    return this.#bitmaps.get(imageId);
  }
}
