// Moving pixels between images, canvases and ArrayBuffers. Drawing only: no maths on pixel values.

// Loads an image file and decodes it once (the browser's decoder, off the main thread where possible).
export async function decodeImage(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`);
  const blob = await response.blob();
  try {
    return await createImageBitmap(blob);
  } catch {
    throw new Error(`${url} is not an image this browser can decode`);
  }
}

// The centre square of `bitmap` resampled to size x size with high-quality smoothing: RGBA bytes.
export function rgbaAtSize(bitmap, size) {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const side = Math.min(bitmap.width, bitmap.height);
  const sx = (bitmap.width - side) / 2;
  const sy = (bitmap.height - side) / 2;
  ctx.drawImage(bitmap, sx, sy, side, side, 0, 0, size, size);
  return ctx.getImageData(0, 0, size, size).data.buffer;
}

// Puts RGBA bytes on a canvas, resizing the canvas to the model resolution when needed (a person's own
// image may be non-square: width x height).
export function drawPixels(canvas, buffer, width, height = width) {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const image = new ImageData(new Uint8ClampedArray(buffer), width, height);
  canvas.getContext('2d').putImageData(image, 0, 0);
}
