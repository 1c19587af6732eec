// A light code editor on a plain <textarea>: line numbers in a gutter, Tab indents (Shift+Tab dedents;
// after Escape, Tab leaves the editor as usual), Enter keeps the indentation, and one line can be marked
// (an error). The text is always the textarea's .value, so setting it and dispatching `input` works like
// typing. No dependencies.

const INDENT = '    ';

export class CodeEditor {
  #text;
  #gutter;
  #mark;
  #lines = 0;
  #marked = null;
  #top = 0; // the textarea's scrollTop as of its last scroll event: reading it would force a layout
  #tabLeaves = false; // Escape was pressed: the next Tab moves the focus instead of indenting

  // el: {text (textarea), gutter (element for the line numbers), mark (element drawn over a line)};
  // onChange(value) after every edit
  constructor({ text, gutter, mark }, onChange = () => {}) {
    this.#text = text;
    this.#gutter = gutter;
    this.#mark = mark;
    text.addEventListener('input', () => {
      this.clearMark();
      this.#number();
      onChange(text.value);
    });
    text.addEventListener('scroll', () => {
      this.#top = text.scrollTop;
      this.#follow();
    });
    text.addEventListener('keydown', (event) => this.#key(event));
    text.addEventListener('focus', () => { this.#tabLeaves = false; });
    this.#number();
  }

  get value() { return this.#text.value; }

  // Replaces the text (a template, a loaded file) as if typed: listeners hear `input`.
  set value(source) {
    this.#text.value = source;
    this.#text.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // Marks line `line` (1-based): the gutter number, a band over the line, the caret at its start.
  markLine(line) {
    const count = this.#text.value.split('\n').length;
    if (!(line >= 1 && line <= count)) {
      this.clearMark();
      return;
    }
    this.#marked = line;
    this.#text.dataset.errorLine = String(line);
    for (const el of this.#gutter.children) el.classList.toggle('error', Number(el.textContent) === line);
    const start = this.#text.value.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    this.#text.setSelectionRange(start, start);
    const height = this.#lineHeight();
    this.#text.scrollTop = Math.max(0, (line - 3) * height);
    this.#top = this.#text.scrollTop;
    this.#mark.hidden = false;
    this.#follow();
  }

  clearMark() {
    if (this.#marked == null) return;
    this.#marked = null;
    delete this.#text.dataset.errorLine;
    this.#mark.hidden = true;
    for (const el of this.#gutter.querySelectorAll('.error')) el.classList.remove('error');
  }

  #lineHeight() {
    return parseFloat(getComputedStyle(this.#text).lineHeight) || 18;
  }

  // One number per line; rebuilt only when the count changes.
  #number() {
    const count = this.#text.value.split('\n').length;
    if (count === this.#lines) return;
    this.#lines = count;
    const numbers = [];
    for (let i = 1; i <= count; i += 1) {
      const n = document.createElement('span');
      n.textContent = String(i);
      numbers.push(n);
    }
    this.#gutter.replaceChildren(...numbers);
    this.#follow();
  }

  // The gutter and the mark scroll with the text (no layout read: the page builds its editors while it
  // starts, and a forced layout there was the longest task of the page's start).
  #follow() {
    const top = this.#top;
    this.#gutter.style.transform = `translateY(${-top}px)`;
    if (this.#marked != null) {
      const height = this.#lineHeight();
      const padding = parseFloat(getComputedStyle(this.#text).paddingTop) || 0;
      this.#mark.style.top = `${padding + (this.#marked - 1) * height - top}px`;
      this.#mark.style.height = `${height}px`;
    }
  }

  #key(event) {
    const text = this.#text;
    if (event.key === 'Escape') {
      this.#tabLeaves = true;
      return;
    }
    if (this.#tabLeaves) {
      if (event.key === 'Tab' || event.key === 'Shift') return;
      this.#tabLeaves = false;
    }
    if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end, value } = text;
      const lineStart = value.lastIndexOf('\n', start - 1) + 1;
      if (!event.shiftKey && start === end) {
        this.#replace(start, end, INDENT, start + INDENT.length);
        return;
      }
      // a selection (or Shift+Tab): indent or dedent every line it touches
      const block = value.slice(lineStart, end);
      const lines = block.split('\n');
      const changed = lines.map((line) => (event.shiftKey ? line.replace(/^ {1,4}/, '') : INDENT + line));
      const out = changed.join('\n');
      this.#replace(lineStart, end, out, lineStart, lineStart + out.length);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
      const { selectionStart: start, selectionEnd: end, value } = text;
      const lineStart = value.lastIndexOf('\n', start - 1) + 1;
      const line = value.slice(lineStart, start);
      let indent = line.match(/^ */)[0];
      if (/:\s*$/.test(line)) indent += INDENT; // after `def ...:`, `for ...:`
      event.preventDefault();
      this.#replace(start, end, `\n${indent}`, start + 1 + indent.length);
    }
  }

  // Replaces [start, end) with `insert` through the browser's editing, so Undo works where supported.
  #replace(start, end, insert, caret, caretEnd = caret) {
    const text = this.#text;
    text.setSelectionRange(start, end);
    // execCommand keeps the undo history; fall back to setRangeText where it is gone
    // eslint-disable-next-line no-restricted-properties
    const done = insert !== '' && document.execCommand?.('insertText', false, insert);
    if (!done) {
      text.setRangeText(insert, start, end, 'end');
      text.dispatchEvent(new Event('input', { bubbles: true }));
    }
    text.setSelectionRange(caret, caretEnd);
  }
}
