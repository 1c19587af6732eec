// View options from the URL: ?theme=light|dark and ?embed=1, the compact layout for an <iframe>.
// In an embed: the content height is posted to the host from the first screen on, the poster's as well
// as the live page's (embed-resize.js uses it), a "More" toggle shows the rest of the page, and training
// starts when the frame is scrolled into view and pauses when it leaves the view or the tab is hidden.
// prefers-reduced-motion: reduce means no autostart.

export const HEIGHT_MESSAGE = 'regression-painter:height';
const IN_VIEW_RATIO = 0.5; // at least half of the learned image on screen

// Called before the page is built (entry.js, main.js): the stylesheet keys off these attributes on <html>.
export function applyView({ embed, theme }) {
  const root = document.documentElement;
  if (theme === 'light' || theme === 'dark') {
    root.dataset.theme = theme;
    // css/dark.css holds the one dark palette; it follows the system unless a theme is forced
    document.getElementById('dark-palette').media = theme === 'dark' ? 'all' : 'not all';
  }
  if (embed && !root.dataset.embed) {
    root.dataset.embed = 'closed';
    if (window.parent !== window) postHeight();
  }
}

// toggle: the "More" button; fullPage: a link to the same settings outside the frame.
export function installEmbed({ toggle, fullPage, fullPageUrl }) {
  const root = document.documentElement;
  toggle.hidden = false;
  toggle.setAttribute('aria-expanded', 'false');
  toggle.addEventListener('click', () => {
    const open = root.dataset.embed !== 'open';
    root.dataset.embed = open ? 'open' : 'closed';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Less' : 'More';
  });
  fullPage.hidden = false;
  const updateLink = () => { fullPage.href = fullPageUrl(); };
  updateLink();
  fullPage.addEventListener('focus', updateLink);
  fullPage.addEventListener('pointerdown', updateLink);
}

// Once per page: every change of the content height (the poster, then the live page, "More") is posted.
function postHeight() {
  let last = 0;
  const send = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // the height is not a secret: any host may read it; embed-resize.js checks who sent it
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  new ResizeObserver(send).observe(document.documentElement);
  send();
}

// painter: {status, running, play(), pause()}; startButton: the user's own Start/Pause button;
// subscribe(fn): fn after every change of the page's state (the store).
// Autostart happens once, on the first moment the page is ready, on screen and in a visible tab;
// after that only a pause made here is undone here. A user's own Start/Pause ends autostart.
export function autoplay(painter, { watched, startButton, reducedMotion, subscribe }) {
  let inView = false;
  let autostart = !reducedMotion;
  let pausedHere = false;

  const update = () => {
    const visible = inView && document.visibilityState === 'visible';
    if (!visible) {
      if (painter.running) {
        painter.pause();
        pausedHere = true;
      }
      return;
    }
    if (autostart && painter.status === 'ready') {
      autostart = false;
      painter.play();
    } else if (pausedHere && !painter.running && ['training', 'paused'].includes(painter.status)) {
      pausedHere = false;
      painter.play();
    }
  };

  startButton.addEventListener('click', () => { autostart = false; pausedHere = false; });
  new IntersectionObserver((entries) => {
    for (const entry of entries) inView = entry.isIntersecting && entry.intersectionRatio >= IN_VIEW_RATIO;
    update();
  }, { threshold: [0, IN_VIEW_RATIO, 1] }).observe(watched);
  document.addEventListener('visibilitychange', update);
  subscribe(() => queueMicrotask(update)); // after the change that called it has been shown
}
