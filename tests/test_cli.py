"""`python -m painting` end to end on a generated image, in a subprocess."""
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from painting.images import load_image, png_bytes, to_uint8
from painting.metrics import psnr

PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py")
LAST_LINE = re.compile(r"^epochs=(\d+) cost=(\S+) psnr=(\S+) seconds=(\S+)$")


def run(*args):
    env = dict(os.environ, PYTHONPATH=PY)
    return subprocess.run([sys.executable, "-m", "painting", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def picture(tmp_path):
    x = np.linspace(0, 1, 90)
    rgb = np.stack([np.outer(x[:60], x), np.outer(1 - x[:60], x), np.outer(x[:60], 1 - x)], axis=2)
    path = tmp_path / "gradient.png"
    path.write_bytes(png_bytes(rgb))  # 90 x 60
    return path


def test_end_to_end(picture, tmp_path):
    out, gif = tmp_path / "learned.png", tmp_path / "timelapse.gif"
    p = run(picture, "--size", 30, "--epochs-per-frame", 100, "--frames", 8, "--out", out, "--gif", gif)
    assert p.returncode == 0, p.stderr
    m = LAST_LINE.match(p.stdout.strip().splitlines()[-1])
    assert m, p.stdout
    epochs, cost, reported_psnr, seconds = int(m[1]), float(m[2]), float(m[3]), float(m[4])
    assert epochs == 800 and cost > 0 and seconds > 0
    learned = np.asarray(Image.open(out).convert("RGB"))
    assert learned.shape == (20, 30, 3)
    target = to_uint8(load_image(picture, max_side=30))
    assert reported_psnr == pytest.approx(psnr(learned, target), abs=1e-4)
    # lr 1 on 600 pixels: the residual shrinks by (1 - 1/600)^800 ~ 0.26 -> roughly 12 dB over the start
    assert psnr(learned, target) > psnr(np.zeros_like(target), target) + 10
    frames = Image.open(gif)
    assert frames.n_frames == 9 and frames.size == (30, 20)
    assert "100.0%" in p.stderr


def test_2017_mode_and_knobs(picture):
    p = run(picture, "--size", 16, "--mode", "2017", "--lr", 0.05, "--frames", 2, "--init-noise", 0.5)
    assert p.returncode == 0, p.stderr
    assert LAST_LINE.match(p.stdout.strip().splitlines()[-1]).group(1) == "400"


def test_scaled_png_and_parameters_continue_the_run(picture, tmp_path):
    first, whole = tmp_path / "first.png", tmp_path / "whole.png"
    saved, cont = tmp_path / "saved.json", tmp_path / "continued.png"
    a = run(picture, "--size", 30, "--epochs-per-frame", 50, "--frames", 2, "--init-noise", 0.3, "--seed", 5,
            "--out", first, "--scale", 3, "--save-params", saved)
    assert a.returncode == 0, a.stderr
    params = json.loads(saved.read_text())
    assert (params["model"], params["mode"], params["height"], params["width"], params["epoch"]) == \
        ("onehot", "rgb", 20, 30, 100)
    assert params["seed"] == 5 and params["knobs"] == {"init_noise": 0.3}
    big = np.asarray(Image.open(first).convert("RGB"))
    assert big.shape == (60, 90, 3)
    np.testing.assert_array_equal(big[1::3, 2::3], big[::3, ::3])  # 3x3 blocks
    # 100 saved epochs + 50 more = one uninterrupted run of 3 x 50 epochs
    b = run(picture, "--load-params", saved, "--epochs-per-frame", 50, "--frames", 1, "--out", cont)
    c = run(picture, "--size", 30, "--epochs-per-frame", 50, "--frames", 3, "--init-noise", 0.3, "--seed", 5,
            "--out", whole)
    assert b.returncode == 0 and c.returncode == 0, b.stderr + c.stderr
    assert LAST_LINE.match(b.stdout.strip().splitlines()[-1]).group(1) == "150"
    np.testing.assert_array_equal(np.asarray(Image.open(cont)), np.asarray(Image.open(whole)))
    for args, message in [
        (["--size", 16], "for a 30×20 image, the current image is 16×11"),
        (["--mode", "2017"], "these parameters are for mode 'rgb', --mode says '2017'"),
        (["--init-noise", "0.1"], "--init-noise cannot be combined with --load-params"),
    ]:
        p = run(picture, "--load-params", saved, "--frames", 1, *args)
        errors = [line for line in p.stderr.splitlines() if line.startswith("error:")]
        assert p.returncode == 1 and len(errors) == 1 and message in errors[0], p.stderr


@pytest.mark.parametrize("args, message", [
    (["{missing}"], "error: file not found"),
    (["{text}"], "error: this file is not an image"),
    (["{picture}", "--lr", "50"], "error: the cost exploded"),
    (["{picture}", "--frames", "0"], "error: --frames must be at least 1"),
    (["{picture}", "--mode", "cmyk"], "error: argument --mode: invalid choice"),
    (["{picture}", "--out", "{tmp}/no/such/dir/x.png"], "error: cannot write"),
    (["{picture}", "--scale", "0"], "error: --scale must be at least 1"),
    (["{picture}", "--load-params", "{tmp}/none.json"], "error: parameter file not found"),
    (["{picture}", "--load-params", "{text}"], "error: {text}: the parameter file is not valid JSON"),
    (["{picture}", "--load-params", "{array}"], "error: {array}: the parameter file must hold a JSON object"),
    (["{picture}", "--load-params", "{other}"],
     "error: {other}: these parameters belong to the 'watercolour' model, which is not one of"),
])
def test_errors_are_one_line_with_status_1(picture, tmp_path, args, message):
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    array, other = tmp_path / "array.json", tmp_path / "other.json"
    array.write_text("[1, 2]")
    other.write_text(json.dumps({"format": "regression-painter-params", "version": 1, "model": "watercolour",
                                 "mode": "rgb", "height": 20, "width": 30, "learning_rate": 1.0, "epoch": 0,
                                 "seed": 0, "knobs": {}, "params": {}}))
    names = dict(missing=tmp_path / "missing.png", text=text, picture=picture, tmp=tmp_path, array=array,
                 other=other)
    p = run("--frames", 1, *[a.format(**names) for a in args])  # a later --frames wins
    assert p.returncode == 1
    lines = [line for line in p.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and lines[0].startswith(message.format(**names)), p.stderr
    assert "Traceback" not in p.stderr


def test_help_shows_each_models_own_range_for_a_shared_knob_name():
    from painting.cli import build_parser
    text = " ".join(build_parser().format_help().split())  # argparse wraps lines
    assert "--sigma X rff: frequency scale sigma, 0.5..128, default 16; " \
           "mlp: gaussian frequency scale sigma, 0.5..64, default 10" in text
    assert "plane, poly, rff, dct: SGD batch (pixels), 16..65536, default 1024; " \
           "mlp, siren: batch (pixels), 64..65536, default 256" in text
    assert "--solver {gd,sgd} plane, poly, rff, dct: solver, gd = gradient descent, sgd = mini-batch SGD, " \
           "default gd" in text


@pytest.mark.parametrize("model, sigma, batch_size, notes", [
    ("rff", 100.0, 20, []),  # inside rff's ranges (sigma <= 128, batch >= 16): kept
    ("mlp", 64.0, 64, ["note: --batch-size 20 is outside mlp's range 64..65536; using 64",
                       "note: --sigma 100 is outside mlp's range 0.5..64; using 64"]),
])
def test_knobs_are_clamped_to_the_chosen_models_own_range(picture, tmp_path, model, sigma, batch_size, notes):
    saved = tmp_path / "saved.json"
    p = run(picture, "--size", 12, "--model", model, "--sigma", 100, "--batch-size", 20, "--frames", 1,
            "--epochs-per-frame", 1, "--save-params", saved)
    assert p.returncode == 0, p.stderr
    knobs = json.loads(saved.read_text())["knobs"]
    assert (knobs["sigma"], knobs["batch_size"]) == (sigma, batch_size)
    assert [line for line in p.stderr.splitlines() if line.startswith("note:")] == notes


def test_mlp_encodings_and_the_old_fourier_option(picture, tmp_path):
    """--encoding and --output take their names; the old --fourier xy|fourier still works (as encoding none or
    gaussian); the positional scale s is --knob-scale, as --scale sizes the PNG."""
    def knobs(*args):
        saved = tmp_path / "saved.json"
        p = run(picture, "--size", 10, "--model", "mlp", "--width", 16, "--depth", 1, "--frames", 1,
                "--epochs-per-frame", 1, "--save-params", saved, *args)
        assert p.returncode == 0, p.stderr
        return json.loads(saved.read_text())["knobs"]
    got = knobs("--encoding", "positional", "--features", 16, "--knob-scale", 3.5, "--output", "sigmoid")
    assert (got["encoding"], got["features"], got["scale"], got["output"]) == (2, 16, 3.5, 1)
    for old, encoding in [("xy", 0), ("fourier", 3), ("0", 0), ("1", 3)]:
        got = knobs("--fourier", old)
        assert got["encoding"] == encoding and "fourier" not in got
    p = run(picture, "--model", "mlp", "--fourier", "xy", "--encoding", "basic", "--frames", 1)
    assert p.returncode == 1
    assert p.stderr.strip() == "error: fourier is the old name of encoding; give one of them, not both"
    p = run(picture, "--model", "mlp", "--encoding", "fourier", "--frames", 1)
    assert p.returncode == 1
    assert p.stderr.strip() == ("error: --encoding must be one of none, basic, positional, gaussian (or 0..3), "
                                "got 'fourier'")


def test_a_knob_of_another_model_is_refused(picture):
    p = run(picture, "--model", "siren", "--sigma", 3, "--frames", 1)
    assert p.returncode == 1
    assert p.stderr.strip() == "error: --sigma is not a setting of model 'siren' (it belongs to rff, mlp)"
PHOTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "site", "images", "coffee.jpg")


def last_line(p):
    m = LAST_LINE.match(p.stdout.strip().splitlines()[-1])
    assert m, p.stdout + p.stderr
    return int(m[1]), float(m[3])


@pytest.mark.cpython_only
@pytest.mark.parametrize("template, floor", [("features", 17.5), ("scratch", 18.0)])  # measured 18.4, 19.0 dB
def test_model_file_paints_a_bundled_photo(tmp_path, template, floor):
    from painting.custom import TEMPLATES
    source, out = tmp_path / "my_model.py", tmp_path / "learned.png"
    source.write_text(TEMPLATES[template])
    p = run(PHOTO, "--model-file", source, "--size", 64, "--epochs-per-frame", 50, "--frames", 4, "--out", out)
    assert p.returncode == 0, p.stderr
    epochs, reported = last_line(p)
    target = to_uint8(load_image(PHOTO, max_side=64))
    learned = np.asarray(Image.open(out).convert("RGB"))
    assert epochs == 200 and reported == pytest.approx(psnr(learned, target), abs=1e-4)
    assert psnr(np.zeros_like(target), target) + 8 < floor < reported


@pytest.mark.cpython_only
def test_model_file_knobs_are_options(tmp_path):
    from painting.custom import SCRATCH_TEMPLATE
    source, saved = tmp_path / "mosaic.py", tmp_path / "saved.json"
    source.write_text(SCRATCH_TEMPLATE)
    fine = run(PHOTO, "--model-file", source, "--frames", 1, "--epochs-per-frame", 100)
    coarse = run(PHOTO, "--model-file", source, "--frames", 1, "--epochs-per-frame", 100, "--tile", 16,
                 "--save-params", saved)
    assert fine.returncode == 0 and coarse.returncode == 0, fine.stderr + coarse.stderr
    assert last_line(coarse)[1] < last_line(fine)[1] - 2  # 4 x 4 tiles paint worse than 16 x 16
    params = json.loads(saved.read_text())
    assert params["model"] == "custom" and params["knobs"] == {"tile": 16}
    again = run(PHOTO, "--model-file", source, "--load-params", saved, "--frames", 1, "--epochs-per-frame", 1)
    assert again.returncode == 0 and last_line(again) == (101, pytest.approx(last_line(coarse)[1], abs=0.05))
    p = run(PHOTO, "--tile", 16)
    assert p.returncode == 1 and "unrecognized arguments: --tile 16" in p.stderr


@pytest.mark.cpython_only
@pytest.mark.parametrize("code, message", [
    ("def features(x, y):\n    return np.stack([x, y])\n",
     "error: {file}, line 1: features(x, y) returned shape (2, 4096); expected (4096, D)"),
    ("class M:\n    def __init__(self, target, learning_rate, seed):\n        self.t = target\n"
     "    def step(self, n):\n        pass\n    def predict(self):\n        return self.t[:10, 0]\n",
     "error: {file}, line 6: predict() returned shape (10, 3); expected (64, 64, 3)"),
    ("class M:\n    def step(self, n):\n        pass\n", "error: {file}, line 1: your model M has no predict() method"),
    ("def features(x, y)\n    return x\n", "error: {file}, line 1: SyntaxError: expected ':'"),
])
def test_model_file_errors_are_one_line_with_status_1(tmp_path, code, message):
    source = tmp_path / "my_model.py"
    source.write_text(code)
    p = run(PHOTO, "--model-file", source, "--frames", 1)
    errors = [line for line in p.stderr.splitlines() if line.startswith("error:")]
    assert p.returncode == 1 and errors == p.stderr.strip().splitlines(), p.stderr
    assert len(errors) == 1 and errors[0].startswith(message.format(file=source)), p.stderr
    p = run(PHOTO, "--model-file", tmp_path / "none.py")
    assert p.returncode == 1 and p.stderr.strip() == f"error: model file not found: {tmp_path / 'none.py'}"


@pytest.mark.cpython_only
def test_pip_install_gives_the_console_command(tmp_path):
    """`pip install ./py` into a fresh venv (numpy and Pillow visible from the test environment; the build
    backend comes from the package index), then `regression-painter --model-file` paints a bundled photo."""
    import shutil
    from venvs import fresh_venv, pip
    copy = tmp_path / "py"  # pip builds in the source tree: a copy keeps build/ and *.egg-info out of the repo
    shutil.copytree(PY, copy, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    python = fresh_venv(tmp_path / "venv")
    proc = pip(python, copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from painting.custom import SCRATCH_TEMPLATE
    (tmp_path / "mosaic.py").write_text(SCRATCH_TEMPLATE)
    command = tmp_path / "venv" / "bin" / "regression-painter"
    p = subprocess.run([str(command), PHOTO, "--model-file", "mosaic.py", "--frames", "2", "--epochs-per-frame", "20"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=""))
    assert p.returncode == 0, p.stderr
    epochs, reported = last_line(p)
    assert epochs == 40 and reported > 18.0  # measured 19.0 dB
    help_text = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=60).stdout
    assert help_text.startswith("usage: regression-painter ") and "--model-file" in help_text


def test_holdout_adds_psnr_hidden_and_zoom_enlarges_the_png(picture, tmp_path):
    out = tmp_path / "zoomed.png"
    p = run(picture, "--size", 30, "--model", "rff", "--sigma", 4, "--holdout", 0.5, "--frames", 2,
            "--out", out, "--zoom", 2)
    assert p.returncode == 0, p.stderr
    last = p.stdout.strip().splitlines()[-1]
    m = re.match(r"^epochs=(\d+) cost=(\S+) psnr=(\S+) psnr_hidden=(\d+\.\d{4}) seconds=(\S+)$", last)
    assert m, last
    assert 0 < float(m[4]) < 100
    assert np.asarray(Image.open(out)).shape[:2] == (40, 60)
    plain = run(picture, "--size", 30, "--frames", 1, "--holdout", 0)
    assert LAST_LINE.match(plain.stdout.strip().splitlines()[-1])  # no psnr_hidden without hidden pixels


def test_holdout_grid_scores_the_odd_rows_and_columns(picture, tmp_path):
    out = tmp_path / "learned.png"
    p = run(picture, "--size", 29, "--model", "poly", "--holdout", "grid", "--frames", 2, "--out", out)
    assert p.returncode == 0, p.stderr
    last = p.stdout.strip().splitlines()[-1]
    m = re.match(r"^epochs=(\d+) cost=(\S+) psnr=(\S+) psnr_hidden=(\d+\.\d{4}) seconds=(\S+)$", last)
    assert m, last
    learned, target = np.asarray(Image.open(out).convert("RGB")), to_uint8(load_image(str(picture), max_side=29))
    assert learned.shape == target.shape == (19, 29, 3)  # odd both ways: the grid's last row and column are seen
    assert float(m[4]) == pytest.approx(psnr(learned[1::2, 1::2], target[1::2, 1::2]), abs=1e-4)
    assert float(m[3]) == pytest.approx(psnr(learned[::2, ::2], target[::2, ::2]), abs=1e-4)


@pytest.mark.parametrize("args, message", [
    (["--holdout", "1"], "error: --holdout must be a fraction with 0 <= FRACTION < 1 or grid, got 1"),
    (["--holdout", "-0.25"], "error: --holdout must be a fraction with 0 <= FRACTION < 1 or grid, got -0.25"),
    (["--holdout", "half"], "error: argument --holdout: must be a fraction with 0 <= FRACTION < 1 or grid, got 'half'"),
    (["--holdout", "gird"], "error: argument --holdout: must be a fraction with 0 <= FRACTION < 1 or grid, got 'gird'"),
    (["--zoom", "16"], "error: --zoom must be from 1 to 8, got 16"),
])
def test_bad_holdout_and_zoom_are_refused(picture, args, message):
    p = run(picture, "--frames", 1, *args)
    assert p.returncode == 1 and p.stderr.strip().splitlines()[-1].startswith(message), p.stderr
