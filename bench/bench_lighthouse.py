#!/usr/bin/env python3
"""Lighthouse (mobile preset, default simulated throttling) on the page shells: the tool (`/`, `/?embed=1`)
and the article (`/post.html`, one figure's embed `/post.html?figure=painter&embed=1`).

    npm ci --prefix bench/lighthouse          # once: Lighthouse 12.8.2, pinned by bench/lighthouse/package-lock.json
    python3 bench/bench_lighthouse.py [--runs 3] [--site DIR] [--chromium /usr/bin/chromium]

Builds the site into a temporary directory (build.py --out), or takes an already built one (--site), serves
it on 127.0.0.1 with build.py's handler and runs Lighthouse's CLI --runs times on each page, alternating,
with a fresh headless Chromium each run (empty cache, no service worker yet: a first visit).
Printed per page: the performance score and FCP, LCP, TBT, CLS, Speed Index (median of the runs), then,
from the median-score run, the render-blocking resources and the LCP element. Goal: score >= 95 on each,
CLS < 0.1. No asserts. The JSON reports stay in --keep DIR if given.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import CHROMIUM_ARGS, ROOT, build_site, parser, serve

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = " ".join(["--headless=new", *CHROMIUM_ARGS])
PAGES = {"/": "", "/?embed=1": "?embed=1",  # page -> the path and query after the server's root URL
         "/post.html": "post.html", "/post.html?figure…": "post.html?figure=painter&embed=1"}
METRICS = [  # (column, audit id, scale, format)
    ("FCP s", "first-contentful-paint", 1e-3, "{:.2f}"),
    ("LCP s", "largest-contentful-paint", 1e-3, "{:.2f}"),
    ("TBT ms", "total-blocking-time", 1, "{:.0f}"),
    ("CLS", "cumulative-layout-shift", 1, "{:.3f}"),
    ("SI s", "speed-index", 1e-3, "{:.2f}"),
]


def run_lighthouse(url: str, out: Path, chromium: str) -> dict:
    cmd = ["node", str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json",
           f"--output-path={out}", f"--chrome-flags={CHROME_FLAGS}", "--quiet"]
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300,
                   stdin=subprocess.DEVNULL)
    return json.loads(out.read_text(encoding="utf-8"))


def summary(report: dict) -> dict:
    audits = report["audits"]
    row = {"score": round(100 * (report["categories"]["performance"]["score"] or 0))}
    for name, audit, scale, _ in METRICS:
        row[name] = audits[audit]["numericValue"] * scale
    blocking = audits.get("render-blocking-resources", {}).get("details", {}).get("items", [])
    row["blocking"] = [f"{item['url'].split('/', 3)[-1]} ({item.get('wastedMs', 0):.0f} ms)" for item in blocking]
    row["lcp_element"] = lcp_element(audits.get("largest-contentful-paint-element", {}))
    return row


def lcp_element(audit: dict) -> str:
    """The LCP element's snippet; Lighthouse 12 nests it in a list of tables."""
    details = audit.get("details", {})
    tables = details.get("items", []) if details.get("type") == "list" else [details]
    for table in tables:
        for item in table.get("items", []):
            node = item.get("node")
            if node:
                return " ".join(node.get("snippet", "?").split())[:120]
    return "?"


def main() -> int:
    ap = parser(__doc__, runs=3)
    ap.add_argument("--site", type=Path, help="an already built dist/ to serve (default: build one)")
    ap.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = ap.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse is not installed: npm ci --prefix {LIGHTHOUSE.parents[3].relative_to(ROOT)}",
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="rp-lighthouse-") as tmp:
        site = args.site or build_site(Path(tmp) / "dist")
        reports = Path(args.keep or tmp)
        reports.mkdir(parents=True, exist_ok=True)
        server = serve(site)
        url = server.url
        rows: dict[str, list[dict]] = {page: [] for page in PAGES}
        try:
            for run in range(args.runs):
                for page, query in PAGES.items():
                    name = "".join(c if c.isalnum() else "-" for c in query) or "page"
                    report = run_lighthouse(url + query, reports / f"{name}-{run}.json", args.chromium)
                    rows[page].append(summary(report))
                    print(f"  run {run + 1}/{args.runs} {page}: {rows[page][-1]['score']}", file=sys.stderr)
        finally:
            server.close()

    print(f"Lighthouse mobile, median of {args.runs} run(s)")
    header = f"{'page':<20} {'score':>5} " + " ".join(f"{name:>7}" for name, *_ in METRICS)
    print(header)
    for page, runs in rows.items():
        cells = [f"{statistics.median(r['score'] for r in runs):>5.0f}"]
        cells += [f"{fmt.format(statistics.median(r[name] for r in runs)):>7}" for name, _, _, fmt in METRICS]
        print(f"{page:<20} " + " ".join(cells))
    for page, runs in rows.items():
        middle = sorted(runs, key=lambda r: r["score"])[len(runs) // 2]
        print(f"\n{page}")
        print(f"  render-blocking: {', '.join(middle['blocking']) or 'none'}")
        print(f"  LCP element:     {middle['lcp_element']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
