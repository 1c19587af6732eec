// The bundled photographs as thumbnail buttons; the one in use is marked with aria-pressed.

// onPick(imageId) on click (or Enter / Space: they are buttons). -> {mark(imageId | null)}
export function buildGallery(container, images, onPick) {
  const buttons = new Map();
  for (const image of images) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'thumb';
    button.dataset.image = image.id;
    button.title = `${image.name} (${image.credit})`;
    button.setAttribute('aria-pressed', 'false');
    const thumb = document.createElement('img');
    thumb.src = image.file;
    thumb.alt = image.name;
    thumb.width = 56;
    thumb.height = 56;
    thumb.decoding = 'async';
    button.append(thumb);
    button.addEventListener('click', () => onPick(image.id));
    container.append(button);
    buttons.set(image.id, button);
  }
  return {
    mark(imageId) {
      for (const [id, button] of buttons) button.setAttribute('aria-pressed', String(id === imageId));
    },
  };
}
