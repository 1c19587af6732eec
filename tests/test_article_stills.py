"""The build step that paints post.html's stills and stamps their numbers (tools/sitebuild/article_stills.py),
run on a small sample page in a temporary output directory."""
import html
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.cpython_only  # a subprocess paints the stills (and Pyodide has no tools/)


@pytest.fixture(scope="module")
def article_stills():
    sys.path.insert(0, str(ROOT / "tools"))
    from sitebuild import article_stills
    return article_stills

SAMPLE = """<!doctype html><html><body>
<p>At epoch {{painter.epoch}} the PSNR is {{painter.psnr}} dB; rgb {{ labels-2017.psnr_rgb }} dB,
limit {{learning-rate.limit}}, packed cost {{labels-2017.cost_packed}}.</p>
<figure class="figure" data-figure="two-by-two" data-state="{}"><img src="figures/two-by-two.png" width="1" alt=""></figure>
<figure data-state="{}" data-figure="painter"></figure>
<figure><figcaption>not a live figure</figcaption></figure>
</body></html>
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("stills-cache")


def sample_out(tmp_path, page=SAMPLE):
    from sitebuild.embed_poster import POSTER_IMAGE

    out = tmp_path / "dist"
    (out / POSTER_IMAGE).parent.mkdir(parents=True)
    shutil.copy(ROOT / "site" / POSTER_IMAGE, out / POSTER_IMAGE)
    (out / "post.html").write_text(page, encoding="utf-8")
    return out


def test_stills_are_painted_and_stamped(tmp_path, cache, article_stills):
    from PIL import Image

    out = sample_out(tmp_path)
    used = article_stills.stamp_stills(out, cache)
    assert set(used) == {"two-by-two", "painter"}
    text = (out / "post.html").read_text(encoding="utf-8")
    assert "{{" not in text and 'data-state="{}"' not in text
    states = {m.group(1): json.loads(html.unescape(m.group(2))) for m in
              re.finditer(r'<figure[^>]*data-figure="([^"]+)"[^>]*data-state="([^"]*)"', text)}
    states.update({m.group(2): json.loads(html.unescape(m.group(1))) for m in
                   re.finditer(r'<figure data-state="([^"]*)" data-figure="([^"]+)"', text)})
    assert {"weights", "labels", "learning_rate", "epoch", "cost"} <= set(states["two-by-two"])
    assert {"epoch", "cost", "psnr"} <= set(states["painter"])
    assert states == used == json.loads((out / "figures" / "stills.json").read_text())
    assert f"At epoch {used['painter']['epoch']:,} the PSNR is {used['painter']['psnr']:.1f} dB" in text
    for figure in used:
        with Image.open(out / "figures" / f"{figure}.png") as im:
            assert im.width >= article_stills.STILL_WIDTH and im.height >= article_stills.STILL_HEIGHT
            assert im.mode == "RGB"
            if figure == "two-by-two":  # its <img> has the PNG's own size, whatever the page said
                assert f'<img width="{im.width}" height="{im.height}" src="figures/two-by-two.png" alt="">' in text


def test_a_warm_build_paints_nothing(tmp_path, cache, monkeypatch, article_stills):
    article_stills.stamp_stills(sample_out(tmp_path / "a"), cache)  # warm (or cold, if run alone)
    monkeypatch.setattr(article_stills, "painting_python", lambda: pytest.fail("painted again"))
    assert article_stills.stamp_stills(sample_out(tmp_path / "b"), cache)["painter"]["epoch"] > 0


@pytest.mark.parametrize("page, message", [
    ("<p>{{painter.nope}}</p>", r"unknown token \{\{painter.nope\}\}"),
    ("<p>{{nofigure.psnr}}</p>", r"unknown token \{\{nofigure.psnr\}\}"),
    ('<figure data-figure="nofigure" data-state="{}"></figure>', "unknown figure 'nofigure'"),
])
def test_unknown_names_are_build_errors(tmp_path, cache, page, message, article_stills):
    from sitebuild.base import BuildError

    with pytest.raises(BuildError, match=message):
        article_stills.stamp_stills(sample_out(tmp_path, page), cache)


def test_no_post_page_no_step(tmp_path, article_stills):
    assert article_stills.stamp_stills(tmp_path, tmp_path / "cache") is None
    assert not (tmp_path / "figures").exists()


def test_numbers_as_the_text_writes_them(article_stills):
    numbers = {"psnr_rgb": 16.93, "epoch": 5000, "limit": 1.9995, "cost_packed": 1176000000000.0, "cost": 0.01144}
    assert [article_stills.format_number(k, v) for k, v in numbers.items()] == \
        ["16.9", "5,000", "1.9995", "1,176,000,000,000", "0.01144"]
    with pytest.raises(ValueError):
        article_stills.format_number("cost_too_far", None)
