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
    if seed == SEEDS[0]:
        checks_can_fail(walk)


def checks_can_fail(walk):
    """The walk's checks fail on a picture that is not the one scored and on an error after no bad input
    (on the page the walk left, its lesson settings back to the defaults)."""
    page = walk.page
    if page.evaluate("document.body.dataset.status") == "training":
        walk.do(("pause",))
    for action in (("holdout", "0"), ("zoom", "1"), ("view", "learned")):
        if page.input_value(f"#{action[0]}") != action[1]:
            walk.do(action)
    assert walk.failures == [], walk.report()
    page.evaluate("""() => { const g = document.getElementById('learned').getContext('2d');
        g.globalCompositeOperation = 'difference'; g.fillStyle = '#fff'; g.fillRect(0, 0, 4096, 4096);
        g.globalCompositeOperation = 'source-over'; }""")  # the picture inverted
    walk.check("a canvas painted over", bad=False)
    assert "psnr" in [f.kind for f in walk.failures], walk.report()
    page.evaluate("""() => { const m = document.getElementById('message'); m.hidden = false;
        m.dataset.tone = 'error'; document.getElementById('message-text').textContent = 'made up'; }""")
    walk.check("zoom", bad=False)
    assert "error" in [f.kind for f in walk.failures], walk.report()

