// The bundled photographs (site/images/, credits in site/images/CREDITS.md).
// `file` is relative to index.html so the page works under any sub-path.

export const IMAGES = Object.freeze([
  { id: 'astronaut', name: 'Astronaut', file: 'images/astronaut.jpg', credit: 'NASA, public domain' },
  { id: 'coffee', name: 'Coffee', file: 'images/coffee.jpg', credit: 'Rachel Michetti, CC0' },
  { id: 'chelsea', name: 'Chelsea the cat', file: 'images/chelsea.jpg', credit: 'Stefan van der Walt, CC0' },
  { id: 'rocket', name: 'Rocket', file: 'images/rocket.jpg', credit: 'SpaceX, public domain' },
]);

export const DEFAULT_IMAGE = 'astronaut';
