// The Share and Embed buttons. Share copies a link to the page with the current settings (and shows
// it, selected, for when the clipboard is not available); Embed shows a copy-ready <iframe> snippet
// that works on hosts that strip scripts, plus an optional resize script. Text only: the snippet is a
// textarea's value, never parsed as HTML here.

const FRAME_TITLE = 'Regression Painter: a linear-regression model learns a photograph';

function escapeAttribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// The URL of the embed that starts painting as soon as it is in view (?embed=1&autoplay=1).
export function autoplayUrl(src) {
  const url = new URL(src);
  url.searchParams.set('autoplay', '1');
  return url.href;
}

// src: the embed URL (?embed=1#settings); resizeScript: the URL of embed-resize.js. The iframe shows a
// poster and loads Python only when the reader presses its button; the comment gives the other choice.
export function embedSnippet(src, resizeScript) {
  return [
    '<!-- Regression Painter: shows a poster; Python (about 17 MB) loads only when the reader presses',
    '     "Paint it live". To start painting as soon as the frame is in view instead, use this src:',
    `     ${autoplayUrl(src).replace(/--/g, '%2D%2D')} -->`,
    `<iframe src="${escapeAttribute(src)}" title="${FRAME_TITLE}"`,
    '  width="560" height="420" loading="lazy" allow="clipboard-write"',
    '  style="width: 100%; height: auto; aspect-ratio: 4 / 3; border: 0;"></iframe>',
    '<!-- optional, where scripts are allowed: grows the frame to fit its content -->',
    `<script src="${escapeAttribute(resizeScript)}" async></script>`,
  ].join('\n');
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no permission, an insecure context, or a frame without clipboard-write
  }
}

// el: {share, embed, url, note, dialog, snippet, copy, close}; links: {shareUrl(), embedUrl()}.
export function installShare(el, links) {
  const say = (text) => { el.note.textContent = text; };

  el.share.addEventListener('click', async () => {
    const url = links.shareUrl();
    el.url.value = url;
    el.url.hidden = false;
    const copied = await copy(url);
    el.url.select();
    say(copied ? 'Link copied to the clipboard.' : 'Copy the selected link (Ctrl+C or ⌘C).');
  });

  el.embed.addEventListener('click', () => {
    const resizeScript = new URL('../embed-resize.js', import.meta.url).href;
    el.snippet.value = embedSnippet(links.embedUrl(), resizeScript);
    el.dialog.showModal();
    el.snippet.select();
  });
  el.copy.addEventListener('click', async () => {
    const copied = await copy(el.snippet.value);
    el.snippet.select();
    el.copyNote.textContent = copied ? 'Copied.' : 'Copy the selected text (Ctrl+C or ⌘C).';
  });
  el.close.addEventListener('click', () => el.dialog.close());
  el.dialog.addEventListener('close', () => { el.copyNote.textContent = ''; });
}
