// Keyboard shortcuts: Space start/pause, S step, R reset. A shortcut presses the button (so a disabled
// button stays inert and the page's own click handler does the work); nothing happens while the user
// types in a field or a dialog is open, and Space on a focused button or link keeps its native meaning.

export const SHORTCUTS = Object.freeze({ ' ': 'start', s: 'step', r: 'reset' }); // key -> button id

const TYPING = 'input, select, textarea, [contenteditable]:not([contenteditable="false"]), dialog';
const ACTIVATES_ON_SPACE = 'button, a[href], summary, [role="button"]';

export function installKeyboard(root = document) {
  root.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || event.defaultPrevented) return;
    const id = SHORTCUTS[event.key.length === 1 ? event.key.toLowerCase() : ''];
    if (!id) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest(TYPING)) return;
    if (event.key === ' ' && target?.closest(ACTIVATES_ON_SPACE)) return;
    const button = document.getElementById(id);
    if (!button) return;
    event.preventDefault(); // Space would scroll the page
    if (!button.disabled) button.click();
  });
}
