"""Session in time slices, as the page's worker drives it: train(max_epochs, seconds), render(seconds) a
few rows at a time for networks, stop_reason() (done / plateau), and explode-and-restore mid-run.

The slices are timed by a FakeClock given to the Session (Session(clock=...)), so what a slice does
depends on the test's clock, never on how busy the machine is."""
import numpy as np
import pytest

from painting.explosion import CostExplodedError
from painting.models import make_model
from painting.session import Session, snapshot
from painting.training import PLATEAU_SECONDS, Trainer


class FakeClock:
    """A clock for Session(clock=...) / Trainer(clock=...): FakeClock() stands still, so a slice never runs
    out of time (it trains all its max_epochs) and no time-based checkpoint is taken; FakeClock(tick)
    moves `tick` seconds at each reading, as if the work between two readings took that long; advance()
    moves it by hand. `now` is its time."""

    def __init__(self, tick=0.0):
        self.tick, self.now = tick, 0.0

    def __call__(self):
        self.now += self.tick
        return self.now

    def advance(self, seconds):
        self.now += seconds


def taking(clock, seconds_per_epoch, model):
    """Make each epoch of `model` take `seconds_per_epoch` on `clock` (its step advances the clock)."""
    step = model.step
    model.step = lambda epochs: (clock.advance(epochs * seconds_per_epoch), step(epochs))[1]


def photo(h=16, w=12, seed=0):
    """A smooth image plus a little noise: every model learns something of it."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:h, 0:w] / max(h, w)
    base = np.stack([xs, ys, 0.5 + 0.3 * np.sin(6 * xs * ys)], axis=-1)
    return np.clip(base + 0.05 * rng.standard_normal((h, w, 3)), 0, 1).astype(np.float32)


def test_train_in_slices_equals_blocking_train():
    sliced, whole = Session(photo(), learning_rate=0.5, clock=FakeClock()), Session(photo(), learning_rate=0.5)
    assert sliced.train(250, seconds=10.0) == 250 and sliced.model.epoch == 250
    whole.train(250)
    assert sliced.render(0.0) is True
    assert np.array_equal(sliced.learned_rgb(), whole.learned_rgb())
    assert sliced.info()["cost"] == pytest.approx(whole.info()["cost"], rel=1e-6)
    assert sliced.render(0.0) is False, "nothing new to draw"


def test_train_returns_after_its_time_even_below_max_epochs():
    clock = FakeClock()
    s = Session(photo(32, 32), model="poly", clock=clock)
    taking(clock, 0.001, s.model)
    trained = s.train(1e9, seconds=0.0)
    assert trained == 1, "a slice with no time left still trains one epoch, and no more"
    assert s.model.epoch == 1 and clock.now == 0.001
    # 1 ms an epoch: a slice of 0.1 s trains 0.1 s, overshooting by one epoch at most
    trained = s.train(1e9, seconds=0.1)
    assert 100 <= trained <= 101 and s.model.epoch == 1 + trained
    assert clock.now == pytest.approx(0.001 * s.model.epoch)
    assert s.train(20, seconds=0.1) == 20, "max_epochs is the other limit"


def test_fractional_max_epochs_trains_whole_epochs_of_a_full_batch_model():
    s = Session(photo(), model="plane", clock=FakeClock())
    assert s.train(2.7, seconds=10.0) == 2 and s.epoch == 2.0
    assert s.train(0.5, seconds=10.0) == 0, "less than one epoch is due: nothing trains"


@pytest.mark.parametrize("model", ["mlp", "siren"])
def test_network_trains_in_batches_and_its_epoch_is_fractional(model):
    s = Session(photo(32, 32), model=model, batch_size=128, clock=FakeClock())  # 8 batches an epoch
    assert s.model.batches_per_epoch == 8
    assert s.train(0.5, seconds=10.0) == 0.5
    assert s.epoch == 0.5 and s.info()["epoch"] == 0.5
    assert s.train(1.0, seconds=10.0) == 1.0 and s.epoch == 1.5


def test_network_frame_is_rendered_in_rows_from_a_frozen_copy():
    s = Session(photo(24, 20), model="mlp", batch_size=64, clock=FakeClock(tick=1.0))
    s.train(1.0, seconds=10.0)
    frozen = snapshot(s.model)
    assert s.render(0.0) is False and s.drawing, "a zero budget renders one row per call"
    s.train(1.0, seconds=10.0)  # training goes on while the frame is drawn
    calls = 2  # the one above, and the one that completes the frame
    while not s.render(0.0):
        calls += 1
    assert calls == 24, "one row per call"
    info = s.info()
    assert info["frame_epoch"] == 1.0 and info["epoch"] == 2.0
    expected = np.clip(frozen.predict(), 0, 1)
    assert np.abs(s.learned_rgb() / 255.0 - expected).max() <= 0.5 / 255 + 1e-6
    assert info["cost"] == pytest.approx(frozen.cost(), rel=1e-4)
    assert s.render(0.0) is False and s.drawing, "the model moved on: the next frame has begun"


def test_stop_reason_done_at_the_threshold():
    s = Session(photo(), learning_rate=1.0, clock=FakeClock())
    s.train(50, seconds=10.0)
    assert s.info()["cost"] is None, "cost and PSNR are the frame's: none drawn yet"
    assert s.render(0.0)
    cost = s.info()["cost"]
    assert s.stop_reason(cost * 0.5) is None
    assert s.stop_reason(cost) == "done"


def test_plateau_when_the_best_cost_stops_falling():
    clock = FakeClock(tick=0.1)  # a slice of training takes a few tenths of a second
    s = Session(photo(), model="dct", k=4, clock=clock)
    s.solve()  # the exact answer: no epoch can lower the cost any more
    s.train(1e9, seconds=0.5)
    assert s.stop_reason() is None, "no plateau before a whole window of training"
    while clock.now < 2 * PLATEAU_SECONDS:
        s.train(1e9, seconds=0.5)
    assert s.stop_reason() == "plateau"
    s.forget_plateau()
    assert s.stop_reason() is None, "Continue looks only at training from then on"


def test_no_plateau_while_the_cost_falls():
    clock = FakeClock(tick=0.1)
    s = Session(photo(64, 64), model="onehot", learning_rate=1e-3, clock=clock)  # slow: falls for a long time
    while clock.now < 3 * PLATEAU_SECONDS:
        s.train(1, seconds=0.5)
        assert s.stop_reason() is None


def test_after_an_explosion_the_next_frame_shows_the_restored_state():
    s = Session(photo(), learning_rate=0.5, clock=FakeClock())  # no time passes: only the explicit checkpoint
    s.train(100, seconds=10.0)
    s.checkpoint()
    assert s.render(0.0)
    good, good_cost = s.learned_rgb().copy(), s.info()["cost"]
    s.learning_rate = 2.5  # diverges over a few hundred epochs: frames of a growing mess first
    with pytest.raises(CostExplodedError):
        for _ in range(10_000):
            s.train(1, seconds=10.0)
            s.render(0.0)
    assert not np.array_equal(s.learned_rgb(), good), "a diverging frame was drawn before the explosion"
    assert s.render(0.0) is True and s.info()["frame_epoch"] == 100
    np.testing.assert_array_equal(s.learned_rgb(), good)
    assert s.info()["cost"] == pytest.approx(good_cost), "the restored frame's cost, not the diverging one's"


def test_explosion_mid_run_restores_the_checkpoint():
    s = Session(photo(), learning_rate=0.5, clock=FakeClock())  # no time passes: only the explicit checkpoint
    s.train(100, seconds=10.0)
    s.checkpoint()
    good = s.model.get_params()
    s.learning_rate = 50.0
    with pytest.raises(CostExplodedError, match=r"last good state \(epoch 100\)"):
        for _ in range(100):
            s.train(100, seconds=10.0)
    assert s.model.epoch == 100 and s.model.get_params() == good
    s.learning_rate = 0.5
    assert s.train(10, seconds=10.0) == 10 and s.model.epoch == 110, "the restored model trains on"


def test_a_network_that_explodes_mid_run_is_restored():
    s = Session(photo(16, 16), model="mlp", batch_size=64, clock=FakeClock())
    s.train(1.0, seconds=10.0)
    s.checkpoint()
    good = [p.copy() for p in s.model.parameters()]
    s.learning_rate = 1e38  # Adam steps of 1e38: float32 overflows within a few batches
    with pytest.raises(CostExplodedError, match=r"last good state \(epoch 1\)"), np.errstate(all="ignore"):
        for _ in range(50):
            s.train(1.0, seconds=10.0)
    assert all(np.array_equal(a, b) for a, b in zip(s.model.parameters(), good))


def test_a_span_that_is_a_window_only_after_rounding_is_no_plateau_yet():
    trainer = Trainer(make_model("dct", photo(), k=4))
    # 3.3 - 0.30000000000000004 == 3.0 (a whole window), but 3.3 - 3.0 < 0.30000000000000004: nothing before
    for clock in (0.1 + 0.2, 3.3):
        trainer.clock = clock
        trainer.note_cost(0.01)
    assert trainer.stop_reason() is None
    trainer.clock = 3.4
    trainer.note_cost(0.01)
    assert trainer.stop_reason() == "plateau"


def noisy_costs(trend, seconds=60.0, every=0.5, wobble=0.02, seed=0):
    """[(clock, cost)]: a network's frame costs, the exact cost of a model trained by noisy mini-batch steps:
    trend(t) times a wobble of +-2 % from frame to frame."""
    rng = np.random.default_rng(seed)
    clocks = np.arange(every, seconds + every / 2, every)
    return [(t, trend(t) * (1.0 + wobble * rng.uniform(-1, 1))) for t in clocks]


def first_plateau(trainer, costs):
    """The training clock at which stop_reason() first says "plateau" as these costs arrive, or None."""
    for clock, cost in costs:
        trainer.clock = clock  # seconds spent training: the plateau rule's time axis
        trainer.note_cost(cost)
        if trainer.stop_reason() == "plateau":
            return clock
    return None


def test_a_network_is_judged_on_its_median_cost_not_its_luckiest_frame():
    network = Trainer(make_model("mlp", photo(), width=8, depth=1))
    linear = Trainer(make_model("dct", photo(), k=4))
    assert network.noisy and not linear.noisy
    falling = noisy_costs(lambda t: 0.01 * np.exp(-t / 150))  # -0.7 % per second of training
    # the best-cost rule, fit for exact costs that fall smoothly, takes the wobble for a plateau ...
    assert first_plateau(linear, falling) is not None
    # ... while the median over 10 s sees the trend
    assert first_plateau(network, falling) is None
    network.forget_plateau()
    flat = noisy_costs(lambda t: 0.01, seed=1)
    assert 10.0 < first_plateau(network, flat) <= 15.0, "a real plateau stops it after about one window"


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the explosion it drives
def test_begin_is_where_a_run_starts():
    """begin() (the worker's PLAY): the plateau rule starts afresh, and the state then is the one an
    explosion goes back to (the fake clock stands still after the plateau: no time-based checkpoint)."""
    clock = FakeClock(tick=0.1)
    s = Session(photo(), model="dct", k=4, clock=clock)
    s.solve()
    while clock.now < 2 * PLATEAU_SECONDS:
        s.train(1e9, seconds=0.5)
    assert s.stop_reason() == "plateau"
    clock.tick = 0.0
    s.begin()
    assert s.stop_reason() is None, "a new run looks only at training from then on"
    good, epoch = s.model.get_params(), s.model.epoch
    s.learning_rate = 50.0
    with pytest.raises(CostExplodedError):
        for _ in range(100):
            s.train(100, seconds=10.0)
    assert s.model.epoch == epoch and s.model.get_params() == good
