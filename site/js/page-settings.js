// The settings in effect and the address bar that shows them. `chosen` holds what the URL or the person
// chose (what the page's URL carries); any other setting is its control's value or url-state.js's
// default. Also whether the learning rate and the stop threshold were set by hand: if not, they follow
// the model's default rate and the label mode's default threshold.

import { parseUrlState, pageUrl, property } from './url-state.js';

// the cost's scale depends on the labels: [0, 1] per channel, or one packed 24-bit number (2017)
export const STOP_COST_DEFAULT = { rgb: 1e-5, 2017: 0.05 };

export class PageSettings {
  controls;                   // controls.js: {has, get, set, element}
  chosen = {};                // settings chosen in the URL or by the person
  urlNotes = [];              // URL values that were refused, said once Python is ready
  learningRateEdited = false;
  stopCost = STOP_COST_DEFAULT.rgb;
  stopCostEdited = false;

  constructor(controls) {
    this.controls = controls;
  }

  // Puts the URL's settings into the controls, as if chosen there (a rate from the URL overrides the
  // model's default; a mode without a stop threshold takes that mode's default threshold).
  // settings: {key: value} already checked by url-state.js; rejected: [{key, raw, reason}]
  adoptUrl(settings, rejected) {
    for (const [key, value] of Object.entries(settings)) {
      if (this.controls.has(key)) this.controls.set(key, value);
      this.chosen[key] = this.controls.has(key) ? this.get(key) : value;
    }
    if ('lr' in settings) this.learningRateEdited = true;
    if ('stop-cost' in settings) {
      this.stopCost = settings['stop-cost'];
      this.stopCostEdited = true;
    } else if ('mode' in settings) {
      this.followMode(settings.mode);
    }
    this.urlNotes = rejected.map(({ key, raw, reason }) => {
      const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
      return `The link's ${key} "${shown}" was ignored (${reason}); using the default.`;
    });
    this.writeUrl();
  }

  // A setting's value: its control's when the page has one, else the URL's or the table's default.
  get(key) {
    if (this.controls.has(key)) return this.controls.get(key);
    return key in this.chosen ? this.chosen[key] : property(key).default;
  }

  remember(id, value) {
    if (!property(id)) return;
    this.chosen[id] = value;
    this.writeUrl();
  }

  // A new label mode brings its own stop threshold, unless one was set by hand.
  followMode(mode) {
    if (this.stopCostEdited) return;
    this.stopCost = STOP_COST_DEFAULT[mode];
    this.controls.set('stop-cost', this.stopCost);
  }

  // The address bar always shows the settings in effect, so it can be bookmarked or copied as is.
  writeUrl() {
    // the query keeps only valid view options (?embed=1, ?theme=dark)
    const { view } = parseUrlState(window.location.search);
    history.replaceState(history.state, '', pageUrl(window.location.href, this.chosen, view));
  }

  // The page's settings (for Share / Embed links).
  snapshot() {
    return { ...this.chosen };
  }
}
