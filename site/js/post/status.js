// The article's one status line: what Python is doing for the whole page, in the real phases of the
// WorkerClient's load (idle -> downloading -> starting -> ready | failed, with its reason), calmly: one
// sentence, rewritten only when the phase or a whole ten per cent of the download changes.

const SAY = {
  idle: 'Each figure shows a picture made when this page was built. Python starts when you reach the first one.',
  waiting: 'Your browser asked to save data: Python (about 17 MB, once) starts when you press a figure’s Run button.',
  downloading: 'Downloading Python (Pyodide and numpy, once; later visits use the copy in your browser)…',
  starting: 'Starting Python…',
  ready: 'Python is ready: each figure comes alive as you reach it.',
};

export class StatusLine {
  #el;
  #said = '';

  constructor(el) {
    this.#el = el;
    document.body.dataset.python = 'idle';
  }

  // state: a LoadState, or 'waiting' (Save-Data: nothing loads before a click); error: a failure's cause
  show(state, error = null) {
    document.body.dataset.python = state;
    this.#say(state === 'failed' ? `Python could not start: ${error?.message ?? 'unknown error'}. The figures keep their pictures; reload to try again.`
      : SAY[state] ?? '');
  }

  // stage: protocol.js Stage; fraction in [0, 1] or null; all: every stage's fraction
  progress(all) {
    if (document.body.dataset.python !== 'downloading') return;
    const known = [...all.values()].filter((f) => f != null);
    if (!known.length) return;
    const tenths = Math.floor((known.reduce((a, b) => a + b, 0) / known.length) * 10) * 10;
    this.#say(`${SAY.downloading.replace(/…$/, '')}: ${tenths} %…`);
  }

  #say(text) {
    if (text === this.#said) return;
    this.#said = text;
    this.#el.textContent = text;
  }
}
