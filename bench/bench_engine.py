#!/usr/bin/env python3
"""Training engine benchmark in headless Chromium: epochs/s, frames/s, pause latency, renderer memory.

    python3 bench/bench_engine.py [--models onehot,mlp] [--sizes 64,512] [--throttle 1,10] [--window 3]
                                  [--quick] [--url http://127.0.0.1:8000/] [--json results.json]

Uses only the page's DOM contract, so it runs unchanged on any version of the page:
  index.html#model=<name>&size=<n>&stop-cost=0   settings in the hash (stop-cost 0: no model stops itself)
  body[data-status]      'ready' once Python is up; 'training' / 'paused' after clicks on #start
  #start                 a click starts training, the next one pauses it
  #epoch                 the epoch count (a float, thousands separators ignored); #psnr "25.6 dB"
  painter:frame          a CustomEvent on document per drawn frame
Serves dist/ in-process (build it first: `python3 build.py`), or benches --url. One fresh browser
context per (model, size): the unthrottled rows run first, then the page's main thread is slowed with
CDP Emulation.setCPUThrottlingRate (it slows the page, not the Pyodide worker) and training resumes.

Per (model, size, throttle):
  epochs/s   #epoch delta between two changes of #epoch: the first change after a warm-up (--warmup s,
             and at least one frame) and the last change once --window s have passed (the window grows
             until #epoch has changed, up to --max-window s; '~' marks an estimate from no full
             interval, '<' an upper bound when #epoch never moved)
  frames/s   painter:frame events in the window / its length
  pause      from the press on Pause (a mouse click at #start's centre) until body[data-status] is
             'paused' and #epoch's last change, whichever is later; #epoch must then stay still for a
             quiet period (1.5 frame intervals, within 0.5..3 s). Median and worst of --pauses pauses,
             training resumed in between (--settle s of training before each further pause); ">Ns"
             when a pause took longer than --pause-timeout
  RSS        the largest sum of VmRSS (/proc/<pid>/status) over this browser's renderer processes
             (--type=renderer; the Pyodide worker is a thread in the page's renderer), sampled every
             0.25 s while the row ran
  load       the machine's 1-minute load average when the row ended (the cores may be shared)
Timestamps come from the page (performance.timeOrigin + now(), via MutationObservers and an event
listener) and are put on the bench's clock by an offset measured at page load. No asserts.
Targets (checked here, never timed in tests/): Pause acts within 150 ms (median) for mlp, siren and rff at
512 x 512 (`--models mlp,siren,rff --sizes 512 --throttle 1`); a page slowed 10x keeps >= 85 % of its
epochs per second (`--models onehot,rff --sizes 64,256 --throttle 1,10`).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from common import ROOT, MemorySampler, launch_chromium, parser, serve

MODELS = ["onehot", "plane", "poly", "rff", "dct", "mlp", "siren"]
SIZES = [64, 256, 512]
OPTIONAL_SIZES = [1024]  # benched by default only when the page's #size offers them
QUICK_MODELS = ["onehot", "rff", "mlp"]
QUICK_SIZES = [64, 512]

# Installed once per page after 'ready': records, on the page's clock, every change of #epoch and of
# body[data-status], every painter:frame event and every click on #start (bench only; the page keeps
# no globals of its own).
RECORDER = """() => {
  const now = () => performance.timeOrigin + performance.now();
  const epoch = document.getElementById('epoch');
  const rec = window.__engineBench = { epochs: [[now(), epoch.textContent]], statuses: [], frames: [], clicks: [] };
  new MutationObserver(() => {
    const text = epoch.textContent;
    if (text !== rec.epochs[rec.epochs.length - 1][1]) rec.epochs.push([now(), text]);
  }).observe(epoch, { childList: true, characterData: true, subtree: true });
  new MutationObserver(() => rec.statuses.push([now(), document.body.dataset.status]))
    .observe(document.body, { attributes: true, attributeFilter: ['data-status'] });
  document.addEventListener('painter:frame', () => rec.frames.push(now()));
  document.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('#start')) rec.clicks.push(now());
  }, true);
}"""

# everything recorded since page time t (ms)
RECORDED_SINCE = """(t) => {
  const rec = window.__engineBench;
  const after = (rows) => rows.filter((row) => (Array.isArray(row) ? row[0] : row) > t);
  const before = rec.epochs.filter((row) => row[0] <= t);
  return {
    epochAt: before.length ? before[before.length - 1] : null,
    epochs: after(rec.epochs), statuses: after(rec.statuses), frames: after(rec.frames),
    clicks: after(rec.clicks), status: document.body.dataset.status,
    epoch: document.getElementById('epoch').textContent,
    psnr: document.getElementById('psnr')?.textContent ?? null,
    now: performance.timeOrigin + performance.now(),
  };
}"""


def parse_epoch(text: str | None) -> float | None:
    """'12,000' / '12 000' / '12.4' -> float; None for a placeholder such as '–'."""
    if text is None:
        return None
    cleaned = "".join(ch for ch in text.strip() if ch not in ",'_ \u00a0\u202f\u2009")
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_psnr(text: str | None) -> float | None:
    try:
        return float(text.split()[0]) if text else None
    except (ValueError, IndexError):
        return None


# ------------------------------------------------------------------------------ one page
class PageRun:
    """One page at one (model, size): loads it, then measures training at each throttle rate."""

    def __init__(self, browser, url: str, args):
        self.args = args
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        self.page = self.ctx.new_page()
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        t0 = time.monotonic()
        self.page.goto(url)
        self.wait(lambda s: s["status"] in ("ready", "error"), timeout=args.load_timeout, what="status ready",
                  poll=0.05, raw=True)
        self.ready_s = time.monotonic() - t0
        status = self.page.evaluate("document.body.dataset.status")
        if status != "ready":
            text = self.page.evaluate("document.getElementById('message-text')?.textContent ?? ''")
            raise RuntimeError(f"page status {status}: {text.strip()[:200]}")
        self.page.evaluate(RECORDER)
        self.offset = self._clock_offset()

    def _clock_offset(self) -> float:
        """page clock (ms) - bench clock (ms), from the fastest of a few round trips."""
        best = None
        for _ in range(5):
            a = time.time() * 1000
            page_now = self.page.evaluate("performance.timeOrigin + performance.now()")
            b = time.time() * 1000
            if best is None or b - a < best[0]:
                best = (b - a, page_now - (a + b) / 2)
        return best[1]

    def now(self) -> float:
        """the bench's clock, in page milliseconds"""
        return time.time() * 1000 + self.offset

    def recorded(self, since: float) -> dict:
        return self.page.evaluate(RECORDED_SINCE, since)

    def wait(self, done, timeout: float, what: str, poll: float = 0.1, since: float = 0.0, raw: bool = False):
        """Polls until done(state) holds; state = recorded(since) (raw: just {'status'}). -> state or None."""
        deadline = time.monotonic() + timeout
        while True:
            state = ({"status": self.page.evaluate("document.body.dataset.status")} if raw
                     else self.recorded(since))
            if done(state):
                return state
            if time.monotonic() > deadline:
                if raw:
                    raise TimeoutError(f"no {what} after {timeout:.0f} s (status {state['status']})")
                return None
            time.sleep(poll)

    def shown(self) -> dict:
        return self.page.evaluate("""() => ({
            model: document.getElementById('model')?.value ?? null,
            size: document.getElementById('size')?.value ?? null,
            message: document.getElementById('message')?.hidden === false
                ? document.getElementById('message-text')?.textContent ?? '' : '' })""")

    def throttle(self, rate: float):
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})

    def press_start(self) -> float:
        """A mouse press at #start's centre (no actionability round trips); -> the bench time of the press."""
        box = self.page.evaluate("""() => {
            const b = document.getElementById('start');
            b.scrollIntoView({ block: 'center' });
            const r = b.getBoundingClientRect();
            return { x: r.left + r.width / 2, y: r.top + r.height / 2, disabled: b.disabled };
        }""")
        if box["disabled"]:
            raise RuntimeError("#start is disabled")
        t = self.now()
        self.page.mouse.click(box["x"], box["y"])
        return t

    def start(self) -> float:
        t = self.press_start()
        if self.wait(lambda s: s["status"] == "training" or any(st == "training" for _, st in s["statuses"]),
                     timeout=30, what="training", since=t - 1) is None:
            raise RuntimeError(f"status {self.page.evaluate('document.body.dataset.status')} after Start, "
                               "not training")
        return t

    # -------------------------------------------------------------------------- measurements
    def measure_rate(self) -> dict:
        """Training must be running. Warm-up, then the window; -> epochs/s, frames/s and notes."""
        a = self.args
        t_go = self.now()
        time.sleep(a.warmup)
        # the window starts at a change of #epoch (a frame boundary), so whole frames are counted
        state = self.wait(lambda s: bool(s["epochs"]), timeout=a.max_window, what="a frame", since=t_go - 1,
                          poll=0.05)
        notes = []
        if state is None:
            state = self.recorded(t_go - 1)
            t0, e0 = self.now(), parse_epoch(state["epoch"])
            notes.append(f"no frame in {a.warmup + a.max_window:.0f} s of warm-up")
        else:
            t0, text = state["epochs"][-1]
            e0 = parse_epoch(text)
        mark = "~" if notes else ""
        window_end = t0 + a.window * 1000
        deadline = t0 + a.max_window * 1000
        while True:
            remaining = (window_end - self.now()) / 1000
            if remaining > 0:
                time.sleep(min(remaining, 0.5))
                continue
            state = self.recorded(t0)
            if state["epochs"] or self.now() >= deadline or state["status"] != "training":
                break
            time.sleep(0.05)
        t_end = self.now()
        span = (t_end - t0) / 1000
        frames = len([t for t in state["frames"] if t <= t_end])
        fps = frames / span if span > 0 else None
        changes = [(t, parse_epoch(text)) for t, text in state["epochs"] if t <= t_end]
        changes = [(t, e) for t, e in changes if e is not None]
        if state["status"] != "training":
            notes.append(f"status {state['status']} in the window")
        if changes and e0 is not None:
            t1, e1 = changes[-1]
            rate = (e1 - e0) / ((t1 - t0) / 1000)
            if frames < 10:  # few, slow frames: count whole ones, between the same two frame boundaries
                fps = len([t for t in state["frames"] if t <= t1]) / ((t1 - t0) / 1000)
        else:
            rate, mark = (1.0 / span if span > 0 else None), "<"  # #epoch never moved: under 1 epoch per span
            notes.append(f"#epoch did not change in {span:.0f} s")
        return {"epochs_per_s": rate, "rate_mark": mark, "frames_per_s": fps,
                "window_s": span, "frames": frames, "epoch_changes": len(changes),
                "epoch": parse_epoch(state["epoch"]), "psnr": parse_psnr(state["psnr"]), "notes": notes}

    def measure_pause(self, quiet: float) -> dict:
        """Training must be running. Presses Pause -> latency (ms) or None after --pause-timeout."""
        timeout = self.args.pause_timeout
        t_press = self.press_start()
        deadline = time.monotonic() + timeout
        settled = None
        while time.monotonic() < deadline + quiet:
            s = self.recorded(t_press)
            paused = [t for t, st in s["statuses"] if st == "paused"]
            if paused and s["status"] == "paused":
                last_change = s["epochs"][-1][0] if s["epochs"] else t_press
                end = max(paused[0], last_change)
                if self.now() - last_change >= quiet * 1000:
                    settled = end
                    break
            elif s["status"] not in ("training", "paused"):
                return {"ms": None, "note": f"status {s['status']} after Pause", "clicked": bool(s["clicks"])}
            time.sleep(0.05)
        s = self.recorded(t_press)
        clicked = bool(s["clicks"])
        if settled is None or settled - t_press > timeout * 1000:
            return {"ms": None, "note": f">{timeout:.0f}s", "clicked": clicked}
        return {"ms": settled - t_press, "note": "", "clicked": clicked}

    def wait_paused(self, timeout: float) -> bool:
        return self.wait(lambda s: s["status"] == "paused", timeout=timeout, what="paused",
                         since=self.now()) is not None

    def run_throttle(self, rate: float) -> dict:
        a = self.args
        if self.page.evaluate("document.body.dataset.status") == "training" and not self.wait_paused(a.pause_timeout):
            raise RuntimeError(f"the last pause did not end in {a.pause_timeout:.0f} s")
        self.throttle(rate)
        self.start()
        row = self.measure_rate()
        # quiet period before a pause counts as settled: 1.5 frame intervals, within 0.5..3 s
        interval = row["window_s"] / row["frames"] if row["frames"] else a.max_window
        quiet = min(max(1.5 * interval, 0.5), 3.0)
        pauses = []
        for i in range(a.pauses):
            if i:
                self.start()
                time.sleep(a.settle)
            result = self.measure_pause(quiet)
            pauses.append(result)
            if result["ms"] is None and not self.wait_paused(a.pause_timeout):
                row["notes"].append("did not pause; later pauses skipped")
                break
        got = [p["ms"] for p in pauses if p["ms"] is not None]
        row.update({
            "pauses_ms": [p["ms"] for p in pauses],
            "pause_median_ms": statistics.median(got) if got else None,
            "pause_worst_ms": None if len(got) < len(pauses) else max(got),
            "pause_timeout_s": a.pause_timeout,
            "quiet_s": quiet,
        })
        if any(not p["clicked"] for p in pauses):
            row["notes"].append("a Pause press did not reach #start")
        row["notes"] += [p["note"] for p in pauses if p["note"] and not p["note"].startswith(">")]
        self.throttle(1)
        return row

    def close(self):
        self.ctx.close()


# ------------------------------------------------------------------------------ table
def fmt_rate(value, mark=""):
    if value is None:
        return "–"
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 1:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3f}"
    return mark + text


def fmt_ms(row, key):
    value = row.get(key)
    if value is None:
        if row.get("pauses_ms") and any(p is None for p in row["pauses_ms"]):
            return f">{row['pause_timeout_s']:.0f}s"
        return "–"
    return f"{value:.0f}" if value < 10_000 else f"{value / 1000:.1f}s"


def print_header():
    print(f"{'model':<7} {'size':>5} {'cpu':>4} {'epochs/s':>10} {'frames/s':>9} {'pause med':>10} "
          f"{'pause max':>10} {'RSS MB':>7} {'window':>7} {'PSNR':>6} {'ready':>6} {'load':>5}  notes", flush=True)
    print(f"{'':<7} {'':>5} {'':>4} {'':>10} {'':>9} {'ms':>10} {'ms':>10} {'':>7} {'s':>7} {'dB':>6} "
          f"{'s':>6} {'1m':>5}", flush=True)


def print_row(r):
    if r.get("error"):
        print(f"{r['model']:<7} {r['size']:>5} {'x' + str(r['throttle']):>4}  error: {r['error']}", flush=True)
        return
    mark = r["rate_mark"]
    rss = f"{r['rss_kb'] / 1024:.0f}" if r.get("rss_kb") else "–"
    psnr = f"{r['psnr']:.1f}" if r.get("psnr") is not None else "–"
    print(f"{r['model']:<7} {r['size']:>5} {'x' + format(r['throttle'], 'g'):>4} "
          f"{fmt_rate(r['epochs_per_s'], mark):>10} {fmt_rate(r['frames_per_s']):>9} "
          f"{fmt_ms(r, 'pause_median_ms'):>10} {fmt_ms(r, 'pause_worst_ms'):>10} {rss:>7} "
          f"{r['window_s']:7.1f} {psnr:>6} {r['ready_s']:6.1f} {r['load']:5.2f}  {'; '.join(r['notes'])}",
          flush=True)


# ------------------------------------------------------------------------------ main
def page_url(base: str, model: str, size: int) -> str:
    if not urllib.parse.urlsplit(base).path.endswith(".html"):
        base = base.rstrip("/") + "/index.html"
    return f"{base.split('#')[0]}#model={model}&size={size}&stop-cost=0"


def offered_sizes(browser, base: str) -> list[int]:
    """The values of the page's #size select (read as soon as the controls exist: main.js builds them, which
    may load seconds after the document, e.g. after offline.js's wait for a blocked service worker)."""
    ctx = browser.new_context(service_workers="block")
    page = ctx.new_page()
    page.goto(page_url(base, "onehot", 64))
    deadline = time.monotonic() + 60
    values = None  # [] once the page is loaded and has no #size options
    while time.monotonic() < deadline and not values:
        values = page.evaluate("""() => {
            const options = Array.from(document.querySelectorAll('#size option'), (o) => o.value);
            const settled = ['ready', 'error'].includes(document.body.dataset.status); // main.js ran
            return options.length || !settled ? options : null;
        }""")
        if values is None:
            values = []
            break
        time.sleep(0.05)
    ctx.close()
    return [int(v) for v in values if v.isdigit()]


def csv_list(kind, names=None):
    def parse(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        try:
            items = [kind(item) for item in items]
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a comma-separated list of {kind.__name__}: {text!r}")
        bad = [item for item in items if names is not None and item not in names]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(map(str, bad))} (choose from {', '.join(names)})")
        if not items:
            raise argparse.ArgumentTypeError("an empty list")
        return items
    return parse


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--models", type=csv_list(str, MODELS), help=f"default: {','.join(MODELS)}")
    ap.add_argument("--sizes", type=csv_list(int), help="default: 64,256,512 (+1024 if #size offers it)")
    ap.add_argument("--throttle", type=csv_list(float), default=[1.0, 10.0],
                    help="main-thread CPU slow-down rates (default: 1,10)")
    ap.add_argument("--window", type=float, default=3.0, help="measuring window, s (default 3)")
    ap.add_argument("--max-window", type=float, default=30.0,
                    help="longest warm-up or window when frames are slow, s (default 30)")
    ap.add_argument("--warmup", type=float, default=1.0, help="training before the window, s (default 1)")
    ap.add_argument("--pauses", type=int, default=3, help="pauses per row (default 3)")
    ap.add_argument("--pause-timeout", type=float, default=30.0, help="longest wait for one pause, s (default 30)")
    ap.add_argument("--settle", type=float, default=1.0, help="training after a resume before pausing, s")
    ap.add_argument("--load-timeout", type=float, default=120.0, help="longest wait for 'ready', s")
    ap.add_argument("--quick", action="store_true",
                    help=f"fewer configs: models {','.join(QUICK_MODELS)}, sizes {','.join(map(str, QUICK_SIZES))}")
    ap.add_argument("--url", help="bench a page that is already served (its base URL or index.html)")
    ap.add_argument("--json", type=Path, help="write the results to this file as JSON")
    args = ap.parse_args()
    if args.window <= 0 or args.max_window < args.window or args.pauses < 1 or args.pause_timeout <= 0:
        ap.error("need --window > 0, --max-window >= --window, --pauses >= 1, --pause-timeout > 0")
    if any(r < 1 for r in args.throttle):
        ap.error("--throttle rates must be >= 1 (1 = not slowed)")
    models = args.models or (QUICK_MODELS if args.quick else MODELS)
    sizes = args.sizes
    from playwright.sync_api import sync_playwright

    server = None
    if args.url:
        base = args.url
    else:
        dist = ROOT / "dist"
        if not (dist / "index.html").is_file():
            print(f"{dist}/index.html does not exist: run `python3 build.py` first (or pass --url)", file=sys.stderr)
            return 1
        server = serve(dist)
        base = server.url

    load_start = os.getloadavg()
    started = time.time()
    rows = []
    sampler = MemorySampler()
    sampler.start()
    with sync_playwright() as p:
        browser = launch_chromium(p, args.chromium)
        offered = offered_sizes(browser, base)
        if sizes is None:
            sizes = list(QUICK_SIZES if args.quick else SIZES) + [s for s in OPTIONAL_SIZES if s in offered]
        print(f"Training engine in headless Chromium {browser.version}, page {base}")
        print(f"#size offers {','.join(map(str, offered)) or '?'}; benching sizes {','.join(map(str, sizes))}, "
              f"models {','.join(models)}, throttle {','.join(format(r, 'g') for r in args.throttle)}")
        print(f"load average at start: {' '.join(f'{x:.2f}' for x in load_start)} ({os.cpu_count()} cores; "
              "others may share them)")
        print()
        print_header()
        for model in models:
            for size in sizes:
                base_row = {"model": model, "size": size}
                if offered and str(size) not in map(str, offered):
                    for rate in args.throttle:
                        r = {**base_row, "throttle": rate, "error": f"#size does not offer {size}"}
                        rows.append(r)
                        print_row(r)
                    continue
                run = None
                sampler.key = (model, size, "load")
                try:
                    run = PageRun(browser, page_url(base, model, size), args)
                    shown = run.shown()
                    if shown["model"] not in (None, model) or shown["size"] not in (None, str(size)):
                        raise RuntimeError(f"page shows model {shown['model']} size {shown['size']}"
                                           + (f" ({shown['message'].strip()})" if shown["message"] else ""))
                    for rate in args.throttle:
                        key = (model, size, rate)
                        sampler.key = key
                        r = {**base_row, "throttle": rate, "ready_s": run.ready_s}
                        try:
                            r.update(run.run_throttle(rate))
                        except Exception as e:  # noqa: BLE001 - a row fails, the bench goes on
                            r["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
                            try:
                                run.throttle(1)
                                if run.page.evaluate("document.body.dataset.status") == "training":
                                    run.press_start()
                                    run.wait_paused(args.pause_timeout)
                            except Exception:  # noqa: BLE001
                                pass
                        time.sleep(0.3)  # one more memory sample
                        r["rss_kb"] = max(sampler.peaks.get(key, 0), sampler.peaks.get((model, size, "load"), 0)
                                          if rate == args.throttle[0] else 0)
                        r["load"] = os.getloadavg()[0]
                        if run.errors:
                            r.setdefault("notes", []).append(f"page error: {run.errors[-1][:120]}")
                        rows.append(r)
                        print_row(r)
                except Exception as e:  # noqa: BLE001
                    for rate in args.throttle:
                        r = {**base_row, "throttle": rate,
                             "error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"}
                        rows.append(r)
                        print_row(r)
                finally:
                    sampler.key = None
                    if run:
                        run.close()
        browser_version = browser.version
        browser.close()
    sampler.stop()
    if server:
        server.close()
    load_end = os.getloadavg()
    print()
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in load_end)}; "
          f"took {(time.time() - started) / 60:.1f} min; renderer RSS max over the run {sampler.overall / 1024:.0f} MB")
    print("epochs/s: '<' = #epoch never changed in the window (bound), '~' = estimate without a full interval; "
          "pause: press -> paused and #epoch still")
    if args.json:
        args.json.write_text(json.dumps({
            "chromium": browser_version, "url": base, "argv": sys.argv[1:], "cores": os.cpu_count(),
            "load_start": load_start, "load_end": load_end, "started": started, "seconds": time.time() - started,
            "offered_sizes": offered, "renderer_rss_max_kb": sampler.overall, "rows": rows,
        }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
