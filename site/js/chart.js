// The cost chart: cost against epoch over the whole run, log-scale y, on a <canvas>.
// At most `maxPoints` points are kept: when full, neighbouring pairs merge into their later point,
// so a long run keeps an evenly thinned history instead of only its tail.

const PAD = { left: 56, right: 12, top: 10, bottom: 22 };

export class CostChart {
  #canvas;
  #points = []; // [epoch, cost, cost on hidden pixels or null]
  #maxPoints;
  #stride = 1;  // epochs-chunks per kept point after merging
  #skipped = 0;
  #size = null; // the canvas's CSS size, from its ResizeObserver: reading clientWidth would force a layout

  #xLabel;

  // xLabel: what the x axis counts (an article figure may plot against seconds)
  constructor(canvas, { maxPoints = 512, xLabel = 'epoch' } = {}) {
    this.#canvas = canvas;
    this.#xLabel = xLabel;
    this.#maxPoints = maxPoints;
    new ResizeObserver(([entry]) => {
      this.#size = entry.contentRect;
      this.draw();
    }).observe(canvas);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.draw());
  }

  get length() { return this.#points.length; }

  clear() {
    this.#points = [];
    this.#stride = 1;
    this.#skipped = 0;
    this.draw();
  }

  // hidden: the cost on the pixels hidden from the model (drawn dashed), or null
  add(epoch, cost, hidden = null) {
    if (!(cost > 0) || !Number.isFinite(cost)) return; // a log axis cannot show it
    const point = [epoch, cost, hidden > 0 && Number.isFinite(hidden) ? hidden : null];
    if (++this.#skipped < this.#stride && this.#points.length > 0) {
      this.#points[this.#points.length - 1] = point; // keep the latest inside a stride
      return;
    }
    this.#skipped = 0;
    this.#points.push(point);
    if (this.#points.length >= this.#maxPoints) {
      this.#points = this.#points.filter((_, i) => i % 2 === 1 || i === 0);
      this.#stride *= 2;
    }
  }

  // Draws now; before the canvas has been laid out it waits for its ResizeObserver, which draws.
  draw() {
    if (!this.#size) return;
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.#size.width * ratio));
    const height = Math.max(1, Math.round(this.#size.height * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const w = width / ratio;
    const h = height / ratio;
    const style = getComputedStyle(canvas);
    const ink = style.getPropertyValue('--chart-ink').trim() || '#555';
    const line = style.getPropertyValue('--chart-line').trim() || '#d33';
    const grid = style.getPropertyValue('--chart-grid').trim() || '#ddd';
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = ink;

    const pts = this.#points;
    if (pts.length === 0) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('The cost curve appears here once training starts.', w / 2, h / 2);
      return;
    }
    const first = pts[0][0];
    const last = pts[pts.length - 1][0];
    let lo = Infinity;
    let hi = -Infinity;
    for (const [, ...costs] of pts) {
      for (const cost of costs.filter((c) => c != null)) {
        lo = Math.min(lo, Math.log10(cost));
        hi = Math.max(hi, Math.log10(cost));
      }
    }
    lo = Math.floor(lo);
    hi = Math.max(Math.ceil(hi), lo + 1);
    const x = (epoch) => PAD.left + ((epoch - first) / Math.max(1, last - first)) * (w - PAD.left - PAD.right);
    const y = (cost) => PAD.top + ((hi - Math.log10(cost)) / (hi - lo)) * (h - PAD.top - PAD.bottom);

    // decade grid lines, labelled 1e-3, 1e-2, ...
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const step = Math.ceil((hi - lo) / 5);
    for (let d = lo; d <= hi; d += step) {
      const yy = Math.round(y(10 ** d)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.left, yy);
      ctx.lineTo(w - PAD.right, yy);
      ctx.stroke();
      ctx.fillText(`1e${d}`, PAD.left - 6, yy);
    }
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.fillText(`${this.#xLabel} ${first.toLocaleString('en-US')}`, PAD.left, h - 6);
    ctx.textAlign = 'right';
    ctx.fillText(last.toLocaleString('en-US'), w - PAD.right, h - 6);

    ctx.strokeStyle = line;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    pts.forEach(([epoch, cost], i) => (i ? ctx.lineTo(x(epoch), y(cost)) : ctx.moveTo(x(epoch), y(cost))));
    if (pts.length === 1) ctx.arc(x(first), y(pts[0][1]), 2, 0, 2 * Math.PI);
    ctx.stroke();
    const hidden = pts.filter((p) => p[2] != null);
    if (hidden.length) { // the cost on the hidden pixels: dashed, labelled at its end
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      hidden.forEach(([epoch, , cost], i) => (i ? ctx.lineTo(x(epoch), y(cost)) : ctx.moveTo(x(epoch), y(cost))));
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.textAlign = 'right';
      ctx.fillText('- - hidden pixels', w - PAD.right, PAD.top + 10);
    }
  }
}
