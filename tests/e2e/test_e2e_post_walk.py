"""A seeded random walk through the article (post_walk.py): scrolling, each figure's controls, a phone's width;
every invariant after every action. A failure prints the seed and the exact action list (PostWalk.replay)."""
import pytest

from conftest import ROOT
from pagehelpers import wait_for
from post_walk import LIVE_TIMEOUT_MS, PostWalk

pytestmark = [pytest.mark.cpython_only,
              pytest.mark.skipif(not (ROOT / "site" / "post.html").exists(), reason="no site/post.html")]

SEEDS = (1, 2)
ACTIONS = 30


@pytest.mark.parametrize("seed", SEEDS)
def test_a_random_walk_through_the_article_keeps_the_invariants(recorder, server, seed):
    walk = PostWalk(recorder, server.url, seed)
    walk.page.locator("figure[data-figure]").first.scroll_into_view_if_needed()
    wait_for(walk.page, "() => !!document.querySelector('figure[data-live=\"true\"]')", timeout=LIVE_TIMEOUT_MS)
    failures = walk.run(ACTIONS)
    print(walk.report())
    assert failures == [], walk.report()
    assert walk.live_figures(), walk.report()  # the walk reached live figures, not only stills
    if seed == SEEDS[0]:
        checks_can_fail(walk)


def checks_can_fail(walk):
    """The walk's checks fail on a second Worker, a data-state that is not JSON and a sideways scroll."""
    page = walk.page
    page.evaluate("() => { new Worker(URL.createObjectURL(new Blob([''], { type: 'text/javascript' }))); }")
    page.evaluate("() => { document.querySelector('figure[data-figure]').dataset.state = '{epoch: 1'; }")
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("() => { const d = document.createElement('div'); d.style.width = '2000px'; d.style.height = '1px';"
                  " d.id = 'walk-wide'; document.body.append(d); }")
    walk.check(("made up",))
    assert {"workers", "state", "sideways"} <= {f.kind for f in walk.failures}, walk.report()
