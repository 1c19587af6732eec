"""Session: steps, frames per mode, PSNR on the displayed pixels, explode-and-restore; rgba_to_rgb;
timelapse, PNG/GIF export; parameters saved and restored, and refused with a reason; solve()."""
import numpy as np
import pytest

from painting.images import to_uint8
from painting.explosion import CostExplodedError
from painting.metrics import PSNR_CAP, cost, psnr
from painting.onehot import OneHotImageModel
from painting.packed import decode_packed, encode_packed
from painting.models import MODELS
from painting.params import params_from_json, params_to_json
from painting.session import Session, rgba_to_rgb
from painting.timelapse import TIMELAPSE_FRAMES, Timelapse


def target(h=12, w=10, seed=0):
    return np.random.default_rng(seed).random((h, w, 3)).astype(np.float32)


def test_rgb_session_steps_and_frames():
    rgb = target()
    s = Session(rgb, learning_rate=1.0)
    assert s.stats()["epoch"] == 0
    assert s.frame().shape == (12, 10, 4) and s.frame().dtype == np.uint8 and s.frame().flags.c_contiguous
    assert (s.frame()[..., :3] == 0).all() and (s.frame()[..., 3] == 255).all()  # zero weights: black
    np.testing.assert_array_equal(s.target_frame()[..., :3], to_uint8(rgb))
    s.train(50)
    out = s.scores()
    oracle = OneHotImageModel(rgb, learning_rate=1.0)
    oracle.step(50, closed_form=False)
    assert out["epoch"] == 50 and out["cost"] == pytest.approx(oracle.cost(), rel=1e-4)
    assert out["cost"] == pytest.approx(cost(oracle.predict(), rgb), rel=1e-4)
    np.testing.assert_array_equal(s.frame()[..., :3], to_uint8(oracle.predict()))
    assert s.learned_rgb().flags.c_contiguous and (s.learned_rgb() == s.frame()[..., :3]).all()  # what the worker sends
    assert out["psnr"] == pytest.approx(psnr(s.frame()[..., :3], to_uint8(rgb)), abs=1e-12)
    before = out["psnr"]
    s.train(5000)
    after = s.scores()
    assert after["epoch"] == 5050 and after["psnr"] > before
    assert s.stats()["psnr"] == after["psnr"] and s.stats()["mode"] == "rgb"


def test_psnr_is_capped_and_converged_session_hits_the_cap():
    x = np.random.default_rng(1).random((4, 4, 3))
    assert psnr(x, x) == PSNR_CAP
    assert psnr(np.zeros((2, 2, 3)), np.full((2, 2, 3), 0.1)) == pytest.approx(20.0)
    s = Session(target(6, 6), learning_rate=1.0)
    s.train(10**7)
    assert s.scores()["psnr"] == PSNR_CAP


def test_2017_mode_uses_packed_labels_and_decoded_frames():
    rgb = target(5, 7, seed=2)
    u8 = to_uint8(rgb)
    s = Session(rgb, mode="2017", learning_rate=0.05)
    assert s.model.target.shape == (5, 7, 1)
    np.testing.assert_array_equal(s.model.target[..., 0], encode_packed(u8)[..., 0])
    s.train(300)
    np.testing.assert_array_equal(s.frame()[..., :3], decode_packed(s.model.predict()))
    assert s.stats()["psnr"] == pytest.approx(psnr(decode_packed(s.model.predict()), u8))
    # halfway to a packed colour the bytes are scrambled: the 2017 look, not a fade-in
    assert s.stats()["psnr"] < 20


def test_explosion_restores_the_state_and_frames_stay_clean():
    s = Session(target(), learning_rate=1.0)
    s.train(20)
    saved = (s.model.get_params(), s.frame().copy(), s.stats())
    s.learning_rate = 5.0
    with pytest.raises(CostExplodedError, match="exploded.*restored"):
        s.train(2000)
    assert s.model.get_params() == saved[0]
    np.testing.assert_array_equal(s.frame(), saved[1])
    assert s.stats()["epoch"] == 20 and s.stats()["cost"] == saved[2]["cost"]
    s.learning_rate = 1.0
    s.train(1)
    assert s.scores()["epoch"] == 21


def test_reset_and_validation():
    s = Session(target(), learning_rate=0.5, init_noise=0.2, seed=4)
    first = s.frame().copy()
    assert first[..., :3].max() > 0  # noise init
    s.train(100)
    s.reset()
    assert s.stats()["epoch"] == 0 and s.learning_rate == 0.5
    np.testing.assert_array_equal(s.frame(), first)
    with pytest.raises(ValueError, match="mode must be one of rgb, 2017"):
        Session(target(), mode="cmyk")
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        Session(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="epochs must be an integer"):
        s.train(-1)
    with pytest.raises(ValueError, match="learning rate must be a finite number > 0"):
        s.learning_rate = float("nan")
    with pytest.raises(ValueError, match="unknown model"):
        Session(target(), model="nope")


def test_rgba_to_rgb_accepts_buffers_and_checks_length():
    rgba = np.array([[[255, 0, 0, 255], [0, 0, 0, 0]], [[0, 0, 0, 255], [0, 0, 255, 51]]], dtype=np.uint8)
    expected = np.array([[[1, 0, 0], [1, 1, 1]], [[0, 0, 0], [0.8, 0.8, 1]]], dtype=np.float32)
    for buffer in (rgba, rgba.tobytes(), bytearray(rgba.tobytes()), memoryview(rgba.tobytes())):
        out = rgba_to_rgb(buffer, 2, 2)
        assert out.shape == (2, 2, 3) and out.dtype == np.float32
        np.testing.assert_allclose(out, expected, atol=1e-6)
    with pytest.raises(ValueError, match=r"2\*3\*4 = 24 bytes, got 16"):
        rgba_to_rgb(rgba.tobytes(), 2, 3)
    with pytest.raises(ValueError, match="uint8"):
        rgba_to_rgb(rgba.astype(np.float32), 2, 2)
    with pytest.raises(ValueError, match="height must be a positive integer"):
        rgba_to_rgb(b"", 0, 2)
    with pytest.raises(ValueError, match="got str"):
        rgba_to_rgb("pixels", 1, 1)


# --- timelapse -------------------------------------------------------------------------------------------
def test_timelapse_thins_to_span_the_whole_run():
    s = Session(target(6, 5), learning_rate=0.2, timelapse=8)
    seen = [s.frame()[..., :3].copy()]  # every displayed frame, tick by tick
    for _ in range(20):
        s.train(3)
        seen.append(s.frame()[..., :3].copy())
    s.train(0)  # not a tick
    # 8 kept at ticks 0,1,..7; full at tick 8 -> 0,2,4,6,8 (interval 2); full at 14 -> 0,4,8,12 then 16, 20
    frames = s.timelapse()
    expected_ticks = [0, 4, 8, 12, 16, 20]
    assert s.timelapse_frames == len(frames) == len(expected_ticks)
    for f, tick in zip(frames, expected_ticks):
        assert f.dtype == np.uint8 and f.shape == (6, 5, 3)
        np.testing.assert_array_equal(f, seen[tick])
    s.train(3)  # tick 21 is not kept (interval 4), but exports end on the current frame
    assert s.timelapse_frames == 7
    np.testing.assert_array_equal(s.timelapse()[-1], s.frame()[..., :3])
    s.reset()
    assert s.timelapse_frames == 1 and s.stats()["timelapse_frames"] == 1
    np.testing.assert_array_equal(s.timelapse()[0], seen[0])


def test_timelapse_memory_is_bounded(monkeypatch):
    import painting.timelapse as timelapse_module
    monkeypatch.setattr(timelapse_module, "TIMELAPSE_BYTES", 7 * 4 * 4 * 3)  # room for 7 frames of 4x4: keeps 6
    lapse = Timelapse(TIMELAPSE_FRAMES, 4, 4)
    assert lapse.capacity == 6
    for tick in range(101):
        lapse.add(np.full((4, 4, 3), tick, np.uint8))  # each frame shows its tick
    # 101 ticks in at most 6 frames, spanning the run (0, 32, 64, 96), then the current frame
    assert [int(f[0, 0, 0]) for f in lapse.frames(np.full((4, 4, 3), 100, np.uint8))] == [0, 32, 64, 96, 100]
    s = Session(target(4, 4), learning_rate=0.1)  # a Session's timelapse: the same
    for _ in range(100):
        s.train(1)
    assert s.timelapse_frames == 5
    assert Session(target(4, 4), timelapse=0).timelapse_frames == 1  # only the current frame
    with pytest.raises(ValueError, match="timelapse must be an integer >= 0"):
        Session(target(4, 4), timelapse=-1)


def test_timelapse_gif_and_png_export():
    import io

    from PIL import Image
    s = Session(target(9, 7, seed=5), learning_rate=1.0, init_noise=0.4)
    for _ in range(5):
        s.train(2)
    frames = s.timelapse()
    gif = Image.open(io.BytesIO(s.timelapse_gif(scale=2, duration_ms=60)))
    assert gif.n_frames == len(frames) == 6 and gif.size == (14, 18) and gif.info["duration"] == 60
    for index in (0, 5):  # 63 colours per frame: the fast-octree palette is exact
        gif.seek(index)
        decoded = np.asarray(gif.convert("RGB"))  # (18, 14, 3)
        np.testing.assert_array_equal(decoded[::2, ::2], frames[index])
        np.testing.assert_array_equal(decoded[1::2, 1::2], frames[index])
    np.testing.assert_array_equal(frames[-1], s.frame()[..., :3])
    png = np.asarray(Image.open(io.BytesIO(s.png_bytes())))
    np.testing.assert_array_equal(png, s.frame()[..., :3])
    big = np.asarray(Image.open(io.BytesIO(s.png_bytes(scale=3))))
    assert big.shape == (27, 21, 3)
    for dy in range(3):
        for dx in range(3):
            np.testing.assert_array_equal(big[dy::3, dx::3], s.frame()[..., :3])
    with pytest.raises(ValueError, match="scale must be an integer"):
        s.png_bytes(scale=1.5)


# --- parameters ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["rgb", "2017"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_saved_parameters_restore_the_same_frame(model, mode):
    rgb = target(8, 6, seed=7)
    knobs = {"init_noise": 0.3} if model == "onehot" else {}
    s = Session(rgb, model=model, mode=mode, seed=3, learning_rate=0.5 if model == "onehot" else None, **knobs)
    try:
        s.train(7)
    except CostExplodedError:  # some models cannot take packed labels at their default rate
        pass
    saved = params_from_json(params_to_json(s.get_params()))  # through JSON, as a file would be
    assert saved["format"] == "regression-painter-params" and saved["version"] == 1
    assert (saved["model"], saved["mode"], saved["height"], saved["width"]) == (model, mode, 8, 6)
    assert saved["epoch"] == s.stats()["epoch"] and saved["seed"] == 3
    fresh = Session(rgb, model=model, mode=mode)
    fresh.set_params(saved)
    np.testing.assert_array_equal(fresh.frame(), s.frame())
    assert fresh.stats()["epoch"] == s.stats()["epoch"] and fresh.learning_rate == s.learning_rate
    assert fresh.stats()["cost"] == pytest.approx(s.stats()["cost"], rel=1e-5)
    assert fresh.timelapse_frames == 1
    again = Session.from_params(rgb, saved)
    np.testing.assert_array_equal(again.frame(), s.frame())
    assert again.stats()["psnr"] == pytest.approx(s.stats()["psnr"])


def test_a_grid_session_keeps_its_split_through_reset_and_saved_parameters():
    rgb = target(9, 11, seed=2)
    s = Session(rgb, model="poly", holdout="grid", degree=3)
    s.train(5)
    scored = s.scores()
    learned, truth = s.learned_rgb(), to_uint8(rgb)
    assert scored["psnr_hidden"] == psnr(learned[1::2, 1::2], truth[1::2, 1::2])
    saved = params_from_json(params_to_json(s.get_params()))
    again = Session.from_params(rgb, saved, holdout="grid")
    np.testing.assert_array_equal(again.frame(), s.frame())
    assert again.scores() == scored and again.info()["holdout"] == "grid"
    s.reset()
    np.testing.assert_array_equal(s.train_mask, again.train_mask)
    assert s.train_mask.sum() == 5 * 6 and s.score_mask.sum() == 4 * 5
    with pytest.raises(ValueError, match=r"holdout must be .* or 'grid' .*, got 'gird'"):
        Session(rgb, holdout="gird")


def _with(saved, **changes):
    out = dict(saved)
    for key, value in changes.items():
        if value is _DROP:
            del out[key]
        else:
            out[key] = value
    return out


_DROP = object()


@pytest.mark.parametrize("change, message", [
    (dict(format="something else"), "not a Regression Painter parameter file"),
    (dict(version=2), "version 2, newer than this program reads"),
    (dict(height=_DROP, width=_DROP), "lack height, width"),
    (dict(model="rff"), "belong to the 'rff' model, the current model is 'onehot'"),
    (dict(mode="2017"), "saved in '2017' mode, the current mode is 'rgb'"),
    (dict(height=64, width=64), "for a 64×64 image, the current image is 6×8"),
    (dict(height="8"), "height must be an integer"),
    (dict(learning_rate=float("nan")), "learning_rate must be a finite number > 0"),
    (dict(learning_rate="fast"), "learning_rate must be a finite number > 0"),
    (dict(epoch=-3), "epoch must be an integer >= 0"),
    (dict(knobs={"init_noise": float("inf")}), "knob 'init_noise' must be a finite number"),
    (dict(knobs={"sigma": 3}), "has no setting 'sigma'"),
    (dict(params=[1, 2]), "params .* must be an object"),
])
def test_mismatched_parameters_raise_and_change_nothing(change, message):
    s = Session(target(8, 6), learning_rate=0.5, init_noise=0.2)
    s.train(10)
    good = s.get_params()
    s.train(5)
    before = (s.get_params(), s.frame().copy(), s.stats(), s.timelapse_frames)
    with pytest.raises(ValueError, match=message):
        s.set_params(_with(good, **change))
    assert s.get_params() == before[0] and s.stats() == before[2] and s.timelapse_frames == before[3]
    np.testing.assert_array_equal(s.frame(), before[1])


@pytest.mark.parametrize("weights, message", [
    (lambda w: w[:-1], r"weights must have shape \(8, 6, 3\)"),
    (lambda w: [[[float("nan")] * 3] * 6] * 8, "NaN or infinity"),
    (lambda w: [[["red"] * 3] * 6] * 8, "weights must be numbers"),
    (lambda w: [[[1e300] * 3] * 6] * 8, "non-finite cost"),
])
def test_bad_model_arrays_raise_and_change_nothing(weights, message):
    s = Session(target(8, 6), learning_rate=0.5)
    s.train(10)
    before = (s.get_params(), s.frame().copy())
    bad = s.get_params()
    bad["params"] = dict(bad["params"], weights=weights(bad["params"]["weights"]))
    with pytest.raises(ValueError, match=message):
        s.set_params(bad)
    assert s.get_params() == before[0]
    np.testing.assert_array_equal(s.frame(), before[1])


@pytest.mark.parametrize("encoding", ["none", "basic", "positional", "gaussian"])
def test_mlp_encodings_are_settings_of_the_session(encoding):
    s = Session(target(6, 5), model="mlp", encoding=encoding, width=16, depth=1, features=8, output="sigmoid")
    s.train(1)
    assert s.info()["knobs"]["encoding"] == encoding and s.model.knobs["encoding"] == s.model.ENCODINGS.index(encoding)
    saved = params_from_json(params_to_json(s.get_params()))
    assert (saved["knobs"]["encoding"], saved["knobs"]["output"], saved["knobs"]["features"]) == \
        (s.model.knobs["encoding"], 1, 8)
    np.testing.assert_array_equal(Session.from_params(target(6, 5), saved).frame(), s.frame())


@pytest.mark.parametrize("fourier, encoding", [(1, "gaussian"), (0, "none")])
def test_parameter_files_of_the_old_fourier_knob_load(fourier, encoding):
    """Files saved before the encoding knob said fourier 1 (with the 128 frequencies B) or 0, in the file's
    knobs and the model's own; the same seed draws the same B and weights, so they restore exactly."""
    rgb = target(6, 5)
    s = Session(rgb, model="mlp", seed=2, width=16, depth=1, encoding=encoding)
    s.train(2)
    new = params_from_json(params_to_json(s.get_params()))
    old_knobs = {"width": 16, "depth": 1, "batch_size": 256, "fourier": fourier, "sigma": 10.0}
    old = {**new, "knobs": old_knobs, "params": {**new["params"], "knobs": old_knobs}}
    assert ("frequencies" in old["params"]) == (fourier == 1)
    assert len(old["params"].get("frequencies", [0] * 128)) == 128
    fresh = Session(rgb, model="mlp", fourier=fourier, width=16, depth=1)
    assert fresh.info()["knobs"] == {"width": 16, "depth": 1, "encoding": 3 * fourier}  # the new name
    fresh.set_params(old)
    for restored in (fresh, Session.from_params(rgb, old)):
        np.testing.assert_array_equal(restored.frame(), s.frame())
        assert restored.get_params()["knobs"] == new["knobs"]  # written back under the new name


def test_from_params_checks_before_building():
    s = Session(target(8, 6))
    with pytest.raises(ValueError, match="'nope' model, which is not one of: onehot"):
        Session.from_params(target(8, 6), _with(s.get_params(), model="nope"))
    with pytest.raises(ValueError, match="for a 6×8 image, the current image is 6×9"):
        Session.from_params(target(9, 6), s.get_params())
    with pytest.raises(ValueError, match="must be a dict"):
        Session.from_params(target(8, 6), "{}")


def test_rgb_to_rgba_is_opaque_canvas_pixels_and_inverts_rgba_to_rgb():
    from painting.session import rgb_to_rgba
    rgb = np.random.default_rng(1).random((5, 7, 3)).astype(np.float32)  # (H, W, 3)
    rgba = rgb_to_rgba(rgb)
    assert rgba.shape == (5, 7, 4) and rgba.dtype == np.uint8 and rgba.flags.c_contiguous
    assert (rgba[..., 3] == 255).all()
    assert np.abs(rgba_to_rgb(rgba.tobytes(), 5, 7) - rgb).max() <= 0.5 / 255 + 1e-6


def test_engine_tensorflow_needs_tfjs_and_only_changes_networks():
    rgb = np.random.default_rng(0).random((8, 8, 3), dtype=np.float32)
    assert Session(rgb, model="mlp").engine == "numpy"
    with pytest.raises(ValueError, match="TensorFlow.js is not loaded"):
        Session(rgb, model="mlp", engine="tensorflow")  # CPython: no js.tf
    with pytest.raises(ValueError, match="engine must be one of numpy, tensorflow"):
        Session(rgb, model="mlp", engine="gpu")
    linear = Session(rgb, model="rff", engine="tensorflow")  # the linear models always run on numpy
    assert type(linear.model).__module__ == "painting.rff"


@pytest.mark.parametrize("model", ["onehot", "dct"])
def test_solve_jumps_to_the_exact_answer(model):
    rgb = np.random.default_rng(1).random((16, 16, 3)).astype(np.float32)
    s = Session(rgb, model=model)
    stats = s.solve()
    assert stats["epoch"] == 0 and stats["psnr"] > 50
    assert s.stats()["psnr"] == stats["psnr"]
    assert (s.frame()[..., :3] == s.target_frame()[..., :3]).mean() > 0.99


def test_solve_refuses_a_network_and_keeps_the_state():
    s = Session(np.zeros((8, 8, 3)), model="mlp")
    before = s.frame().copy()
    with pytest.raises(ValueError, match="no closed-form answer"):
        s.solve()
    assert (s.frame() == before).all()
