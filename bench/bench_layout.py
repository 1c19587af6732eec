#!/usr/bin/env python3
"""Layout shift and colour contrast of the page in headless Chromium.

    python3 bench/bench_layout.py [--runs 3] [--chromium /usr/bin/chromium] [--cls-only | --contrast-only]

Builds the site into a temporary directory (build.py --out) and serves it on 127.0.0.1.

CLS: a PerformanceObserver('layout-shift'), installed before the page's first script, adds up every
shift without recent input from navigation until the page says `ready` (its first frame from Python is
drawn by then) and 0.5 s more have passed. Printed per viewport (desktop
1280x800, phone 390x844): each run's total, the median, and the elements that moved most. Target: < 0.1,
ideally about 0.

Contrast: axe-core (tests/xbrowser/node_modules/axe-core, `npm ci` there) is run on the page in each
status the chip can show (loading, ready, training, paused, done, error), light and dark theme; printed:
the status chip's own contrast ratio (its text on its background) and every colour-contrast violation
axe reports (4.5:1 needed for small text). No asserts: tests/e2e/test_e2e_a11y.py holds the contracts.
"""
from __future__ import annotations

import statistics
import sys
import time

import common
from common import ROOT, built_site, parser
from sitebuild.pins import LOCKED_WHEELS

AXE = ROOT / "tests" / "xbrowser" / "node_modules" / "axe-core" / "axe.min.js"
NUMPY_WHEEL = LOCKED_WHEELS["numpy"]

CLS_PROBE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.hadRecentInput) continue;
    const who = (e.sources || []).map((s) => s.node && s.node.nodeType === 1
      ? s.node.tagName.toLowerCase() + (s.node.id ? '#' + s.node.id : s.node.className ? '.' + String(s.node.className).split(' ')[0] : '')
      : '?');
    window.__shifts.push({value: e.value, t: e.startTime, who});
  }
}).observe({type: 'layout-shift', buffered: true});
"""
# the chip's colours, as the browser computed them
CHIP = """() => { const s = getComputedStyle(document.getElementById('status-text'));
                   return [document.body.dataset.status, s.color, s.backgroundColor]; }"""
AXE_CONTRAST = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}});
  const chip = document.getElementById('status-text');
  const out = {violations: [], chip: null};
  for (const v of r.violations) for (const n of v.nodes)
    out.violations.push({target: n.target.join(' '), ratio: n.any[0]?.data?.contrastRatio, impact: n.impact});
  for (const kind of ['passes', 'violations', 'incomplete']) for (const v of r[kind]) for (const n of v.nodes)
    if (n.element === chip || n.target.join(' ') === '#status-text') out.chip = n.any[0]?.data?.contrastRatio ?? null;
  return out;
}"""


def wait_js(page, predicate: str, arg=None, timeout: float = 240.0):
    return common.wait_js(page, predicate, arg, timeout)


def measure_cls(browser, url: str, viewport: dict) -> tuple[float, list]:
    context = browser.new_context(viewport=viewport, service_workers="block")
    try:
        context.add_init_script(CLS_PROBE)
        page = context.new_page()
        page.goto(url)
        wait_js(page, "() => document.body.dataset.status === 'ready'", timeout=240)
        time.sleep(0.5)
        shifts = page.evaluate("window.__shifts")
        return sum(s["value"] for s in shifts), shifts
    finally:
        context.close()


def axe_in_status(browser, url: str, theme: str, status: str) -> tuple[str, dict]:
    """axe's colour-contrast results with the page in `status` (reached as a visitor would, or by a
    held or failing download for loading and error)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    held = []
    try:
        if status == "loading":  # hold the model's package: the page stays in loading
            context.route("**/py/painting.zip", lambda route: held.append(route))
        if status == "error":
            context.route(f"**/{NUMPY_WHEEL}", lambda route: route.fulfill(status=404, body="missing"))
        page = context.new_page()
        query = f"?theme={theme}" + ("&stop-cost=10" if status == "done" else "")
        page.goto(url + query)
        if status == "loading":
            wait_js(page, "() => document.body.dataset.status === 'loading'")
        else:
            wait_js(page, "s => document.body.dataset.status === s", "error" if status == "error" else "ready")
        if status in ("training", "paused", "done"):
            page.click("#start")
            wait_js(page, "s => document.body.dataset.status === s", "done" if status == "done" else "training")
        if status == "paused":
            page.click("#start")
            wait_js(page, "() => document.body.dataset.status === 'paused'")
        page.evaluate(AXE.read_text())
        chip = page.evaluate(CHIP)
        result = page.evaluate(AXE_CONTRAST)
        result["chip_colours"] = chip[1:]
        return chip[0], result
    finally:
        for route in held:
            route.abort()
        context.close()


def main() -> int:
    ap = parser(__doc__, runs=3)
    ap.add_argument("--cls-only", action="store_true")
    ap.add_argument("--contrast-only", action="store_true")
    args = ap.parse_args()
    with built_site(args.chromium) as (browser, url, _):
        if not args.contrast_only:
            print("CLS from navigation to ready + 0.5 s (Chromium)")
            for name, vp in (("desktop 1280x800", {"width": 1280, "height": 800}),
                             ("phone 390x844", {"width": 390, "height": 844})):
                totals, worst = [], {}
                for _ in range(args.runs):
                    total, shifts = measure_cls(browser, url, vp)
                    totals.append(total)
                    for s in shifts:
                        for who in s["who"] or ["?"]:
                            worst[who] = worst.get(who, 0) + s["value"] / args.runs
                movers = ", ".join(f"{w} {v:.3f}" for w, v in sorted(worst.items(), key=lambda kv: -kv[1])[:4])
                print(f"  {name:17s} runs {' '.join(f'{t:.4f}' for t in totals)}  median "
                      f"{statistics.median(totals):.4f}  moved: {movers or 'nothing'}")
        if not args.cls_only:
            if not AXE.exists():
                print(f"axe-core is missing ({AXE}): cd tests/xbrowser && npm ci")
                return 1
            print("Colour contrast (axe-core color-contrast), desktop 1280x800")
            print(f"  {'theme':5s} {'status':9s} {'chip':>6s}  chip colours                          violations")
            for theme in ("light", "dark"):
                for status in ("loading", "ready", "training", "paused", "done", "error"):
                    got, r = axe_in_status(browser, url, theme, status)
                    bad = "; ".join(f"{v['target']} {v['ratio']}:1" for v in r["violations"]) or "none"
                    chip = f"{r['chip']:.2f}" if isinstance(r["chip"], (int, float)) else "?"
                    print(f"  {theme:5s} {got:9s} {chip:>6s}  {' on '.join(r['chip_colours']):36s}  {bad}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
