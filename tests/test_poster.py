"""The embed's poster (tools/poster.py, run by build.py): an APNG of the default photo being learned by
the page's default model, its still frame, and the size the #play-live button states."""
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from painting.images import open_image  # noqa: E402
from painting.metrics import psnr, to_uint8  # noqa: E402



@pytest.fixture(scope="module")
def poster():
    """tools/poster.py as a module (loaded when a test runs: inside Pyodide only the package is there)."""
    spec = importlib.util.spec_from_file_location("rp_poster", ROOT / "tools" / "poster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

PHOTO = ROOT / "site" / "images" / "astronaut.jpg"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("poster")
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "poster.py"), str(PHOTO), str(out)],
                          capture_output=True, text=True, check=True)
    return out, json.loads(proc.stdout)


def frames_of(path: Path) -> list:
    """Every frame of an (A)PNG as (H, W, 3) uint8, decoded by Pillow (an independent reader)."""
    with Image.open(path) as im:
        out = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")))
        return out


def test_poster_is_an_apng_of_the_photo_being_learned(made, poster):
    out, summary = made
    frames = frames_of(out / "poster.png")
    assert len(frames) == len(poster.EPOCHS) == summary["frames"]
    with Image.open(out / "poster.png") as im:
        assert im.is_animated and im.size == (poster.SIZE, poster.SIZE)
        assert im.info.get("loop") == 0  # loops
    truth = to_uint8(open_image(PHOTO.read_bytes(), max_side=poster.SIZE).rgb)
    scores = [psnr(f, truth) for f in frames]
    # each frame closer to the photo than the one before, from a dim blur to the photo itself
    assert all(b > a for a, b in zip(scores, scores[1:])), scores
    assert scores[0] < 15 and scores[-1] > 40, scores
    assert np.allclose(scores, summary["psnr"], atol=0.01)
    assert float(frames[0].std()) > 1  # the first frame (what non-APNG readers show) is not blank


def test_still_is_the_last_frame_and_both_are_small(made):
    out, summary = made
    still = frames_of(out / "poster-still.png")
    assert len(still) == 1 and np.array_equal(still[0], frames_of(out / "poster.png")[-1])
    assert (out / "poster.png").stat().st_size == summary["bytes"]["poster.png"] < 200_000
    assert (out / "poster-still.png").stat().st_size < 30_000


def test_png_writer_round_trips_through_pillow(tmp_path, poster):
    rgb = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    (tmp_path / "a.png").write_bytes(poster.png(rgb))
    assert np.array_equal(frames_of(tmp_path / "a.png")[0], rgb)
    (tmp_path / "b.png").write_bytes(poster.apng([rgb, 255 - rgb], [100, 200]))
    got = frames_of(tmp_path / "b.png")
    assert len(got) == 2 and np.array_equal(got[0], rgb) and np.array_equal(got[1], 255 - rgb)


def test_play_live_states_what_the_click_downloads():
    """entry.js's label: Pyodide's loader, runtime and stdlib, its lock file, numpy and painting.zip."""
    text = (ROOT / "site" / "js" / "entry.js").read_text(encoding="utf-8")
    stated = float(re.search(r"LIVE_SIZE = '≈(\d+(?:\.\d+)?) MB'", text).group(1))
    cache = ROOT / ".cache" / "pyodide-0.27.7"
    names = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
             "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"]
    if not all((cache / n).is_file() for n in names):
        pytest.skip("the Pyodide cache is not filled (run build.py once)")
    size = sum((cache / n).stat().st_size for n in names) + 75_000  # painting.zip is ~70 KB
    assert round(size / 1e6) == stated, size


def test_build_puts_the_poster_in_dist_and_in_the_precache(fresh_build, poster):
    out, stdout = fresh_build
    assert "poster: 12 frames" in stdout
    assert len(frames_of(out / "images" / "poster.png")) == len(poster.EPOCHS)
    sw = (out / "sw.js").read_text(encoding="utf-8")
    assert '"images/poster.png"' in sw and '"images/poster-still.png"' in sw
