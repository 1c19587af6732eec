// Run before the article is first drawn (a classic script in <head>): with ?figure=ID the page marks
// itself as one figure's, so post.css shows none of the rest from the first paint on; entry.js then shows
// that figure's section, or the whole article again if there is no such figure. Marked later, from the
// module, the visible page moved (a layout shift).
{
  const figure = new URLSearchParams(window.location.search).get('figure');
  if (figure) document.documentElement.dataset.postFigure = figure;
}
