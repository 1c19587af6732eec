#!/usr/bin/env python3
"""A long soak of the random walk (tests/e2e/walk.py) in headless Chromium: seed after seed of real user
actions on the real page, the page's invariants checked after every one.

    python3 bench/bench_walk.py [--minutes 30] [--actions 200] [--first-seed 1000] [--chromium /usr/bin/chromium]

Each seed gets a fresh browser context and `--actions` actions; new seeds start until `--minutes` have
passed (the seed running then stops at its next action). Prints, per seed, its actions and failures, and
at the end the totals: actions, seeds, invariant failures by kind, and for each failing seed the report
to reproduce it (its seed and action list: Walk(...).replay(actions)). No asserts.
"""
from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

from common import ROOT, built_site, parser

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from conftest import PageRecorder  # noqa: E402  (tests/e2e: a page with its console errors recorded)
from walk import Walk  # noqa: E402


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--minutes", type=float, default=30.0, help="time bound of the whole soak")
    ap.add_argument("--actions", type=int, default=200, help="actions per seed")
    ap.add_argument("--first-seed", type=int, default=1000)
    args = ap.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    totals = collections.Counter()
    actions = collections.Counter()
    checked = collections.Counter()
    reports = []
    seeds = 0
    t0 = time.monotonic()
    with built_site(args.chromium) as (browser, url, tmp):
        seed = args.first_seed
        while time.monotonic() < deadline:
            rec = PageRecorder(browser.new_context(viewport={"width": 1280, "height": 800},
                                                   service_workers="block"))
            walk = Walk(rec, url, seed, Path(tmp) / f"seed-{seed}")
            try:
                walk.run(args.actions, deadline=deadline)
            except Exception as exc:  # the walk itself broke (e.g. the page never booted)
                walk.fail("walk", f"{type(exc).__name__}: {exc}")
            if walk.failures:
                reports.append(walk.report())  # while the page is open: the report ends with its state
            rec.close()
            seeds += 1
            actions.update(a[0] for a in walk.actions)
            checked.update(walk.checked)
            totals.update(f.kind for f in walk.failures)
            print(f"seed {seed}: {len(walk.actions)} actions, {len(walk.failures)} failures"
                  f" ({', '.join(sorted({f.kind for f in walk.failures})) or 'none'})", flush=True)
            seed += 1

    print(f"\nrandom walk: {seeds} seeds, {sum(actions.values())} actions in {(time.monotonic() - t0) / 60:.1f} min")
    print("checks made: " + ", ".join(f"{name} {n}" for name, n in checked.most_common()))
    print("actions: " + ", ".join(f"{name} {n}" for name, n in actions.most_common()))
    print(f"invariant failures: {sum(totals.values())}"
          + ("".join(f"\n  {kind:<10}{n:6d}" for kind, n in totals.most_common())))
    for report in reports:
        print("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
