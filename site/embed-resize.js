// Optional script for pages that embed Regression Painter in an <iframe> and allow scripts: the
// embedded page reports its content height with postMessage and this sets the frame's height to it.
// Only messages whose source is one of this page's iframes, and whose origin is that frame's origin,
// are obeyed; heights are numbers within bounds. Without this script the frame keeps its aspect ratio.
(() => {
  const MESSAGE = 'regression-painter:height';
  addEventListener('message', (event) => {
    const data = event.data;
    if (!data || typeof data !== 'object' || data.type !== MESSAGE) return;
    const height = Number(data.height);
    if (!Number.isFinite(height) || height < 50 || height > 20000) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      frame.style.aspectRatio = 'auto';
      frame.style.height = `${Math.ceil(height)}px`;
      return;
    }
  });
})();
