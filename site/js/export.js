// Files out and parameter files in: the buttons of the Save panel, and saving bytes the worker made
// (a Blob behind a temporary <a download>).

import { readFile } from './upload.js';

export const MAX_PARAMS_BYTES = 64_000_000; // painting.params.MAX_JSON_CHARS

// data: ArrayBuffer or string.
export function saveFile(data, filename, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // once the download has surely started
}

// A name fit for a file: the extension dropped, anything unusual replaced by "-".
export function fileStem(name) {
  const stem = name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return stem.slice(0, 60) || 'image';
}

// el: {png, large, gif, save, load (an <input type=file>)}; the callbacks do the work.
export function installExports(el, { onPng, onGif, onSaveParams, onLoadParams, onRefused }) {
  el.png.addEventListener('click', () => onPng(false));
  el.large.addEventListener('click', () => onPng(true));
  el.gif.addEventListener('click', () => onGif());
  el.save.addEventListener('click', () => onSaveParams());
  el.load.addEventListener('change', async () => {
    const file = el.load.files[0];
    el.load.value = '';
    if (!file) return;
    const read = await readFile(file, MAX_PARAMS_BYTES, 'a parameter file');
    if (read.error) onRefused(read.error);
    else onLoadParams(read);
  });
  return {
    enable(on) {
      for (const key of ['png', 'large', 'gif', 'save', 'load']) el[key].disabled = !on;
    },
  };
}
