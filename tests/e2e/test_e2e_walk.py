"""A seeded random walk through the real page (walk.py): a few short seeds, every invariant after every
action. A failure prints the seed, the exact action list (replay it with Walk.replay) and the page's state.
bench/bench_walk.py runs the long soak."""
import pytest

from walk import Walk

SEEDS = (1, 2, 3)
ACTIONS = 15


@pytest.mark.parametrize("seed", SEEDS)
def test_a_random_walk_keeps_the_invariants(recorder, server, tmp_path, seed):
    walk = Walk(recorder, server.url, seed, tmp_path)
    failures = walk.run(ACTIONS)
    print(walk.report())
    assert failures == [], walk.report()


def test_the_checks_catch_a_wrong_picture_and_an_unexplained_error(recorder, server, tmp_path):
    """The walk's checks can fail: a picture that is not the one scored, an error after no bad input."""
    walk = Walk(recorder, server.url, 0, tmp_path)
    walk.boot()
    assert walk.failures == []
    page = recorder.page
    page.evaluate("""() => { const c = document.getElementById('learned');
        const g = c.getContext('2d'); g.fillStyle = '#000'; g.fillRect(0, 0, c.width, c.height / 2); }""")
    walk.check("a tampered canvas", bad=False)
    assert [f.kind for f in walk.failures] == ["psnr"], walk.report()
    page.evaluate("""() => { const m = document.getElementById('message'); m.hidden = false;
        m.dataset.tone = 'error'; document.getElementById('message-text').textContent = 'made up'; }""")
    walk.check("zoom", bad=False)
    assert "error" in [f.kind for f in walk.failures], walk.report()
