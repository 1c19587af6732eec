// Where a person's own image comes from: the file picker (#upload), a file dropped on the target, or an
// image pasted from the clipboard. Only what needs no decoding is checked here (is there a file, is it
// small enough to read); the bytes go to onFile and the worker decides whether they are an image.

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export function formatBytes(n) {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

// Reads `file` into an ArrayBuffer unless it is larger than maxBytes; -> {name, bytes} or {error}.
export async function readFile(file, maxBytes, what) {
  const name = file.name || 'the pasted image';
  if (file.size > maxBytes) {
    return { error: `"${name}" was not used: it is ${formatBytes(file.size)}, and ${what} may be at most `
      + `${formatBytes(maxBytes)}.` };
  }
  try {
    return { name, bytes: await file.arrayBuffer() };
  } catch (err) {
    return { error: `"${name}" could not be read (${err.message}).` };
  }
}

// The first image file in a DataTransfer (drop or paste), else its first file, else null.
function firstFile(data) {
  const files = [...(data?.files ?? [])];
  return files.find((file) => file.type.startsWith('image/')) ?? files[0] ?? null;
}

const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');

// input: the <input type=file>; dropZone: the element that takes drops (highlighted while a file is
// over it); root: where paste is heard. onFile({name, bytes}); onRefused(message).
export function installUpload({ input, dropZone, root = document }, { onFile, onRefused }) {
  const take = async (file) => {
    const read = await readFile(file, MAX_UPLOAD_BYTES, 'an image');
    if (read.error) onRefused(read.error);
    else onFile(read);
  };

  input.addEventListener('change', () => {
    const file = input.files[0];
    input.value = ''; // choosing the same file again still fires `change`
    if (file) take(file);
  });

  const highlight = (on) => dropZone.classList.toggle('dropping', on);
  for (const type of ['dragenter', 'dragover']) {
    dropZone.addEventListener(type, (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // accept the drop
      event.dataTransfer.dropEffect = 'copy';
      highlight(true);
    });
  }
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget)) highlight(false);
  });
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    event.stopPropagation();
    highlight(false);
    const file = firstFile(event.dataTransfer);
    if (file) take(file);
    else onRefused('Nothing usable was dropped: drop an image file on the target.');
  });
  // a file dropped beside the target must not make the browser leave the page to show it
  root.addEventListener('dragover', (event) => {
    if (carriesFiles(event) && !event.defaultPrevented) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'none';
    }
  });
  root.addEventListener('drop', (event) => {
    if (carriesFiles(event)) event.preventDefault();
  });

  root.addEventListener('paste', (event) => {
    const file = firstFile(event.clipboardData);
    if (!file) return; // pasted text keeps its usual meaning
    event.preventDefault();
    take(file);
  });
}
