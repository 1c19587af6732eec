"""dist/post.html's stills: each live figure's picture and numbers, painted at build time by `painting`.

Before Python is loaded in the browser, a figure of the article shows a still. For every
`<figure ... data-figure="ID" ...>` of dist/post.html this step writes figures/ID.png (painting.article's
still(ID, photo), each pixel a block, at least STILL_WIDTH wide and STILL_HEIGHT high) and replaces the figure's
`data-state="{}"` with its numbers as JSON, and gives the still's <img> its PNG's width and height; every `{{ID.key}}` in the page becomes that number, written
by format_number. figures/stills.json holds all the numbers. An unknown figure or token is a BuildError.

The painting runs on CPython in a subprocess (the poster's Python: embed_poster.painting_python) as
`python -m sitebuild.article_stills OUT_DIR PHOTO`, and its output is cached in .cache/article-stills/
under the sha256 of the package's sources, the photo and this file: a warm build paints nothing. Without
site/post.html the step does nothing. It runs before sw.js is stamped, so the stills are precached.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .base import PACKAGE_DIR, ROOT, BuildError, log
from .embed_poster import POSTER_IMAGE, painting_python

POST = "post.html"
FIGURES_DIR = "figures"
NUMBERS_FILE = "stills.json"
STILL_WIDTH, STILL_HEIGHT = 256, 128  # px at least: a still's pixels become blocks, so it stays crisp
FIGURE_TAG = re.compile(r"<figure\b[^>]*>")
FIGURE_ID = re.compile(r'\bdata-figure="([^"]*)"')
EMPTY_STATE = 'data-state="{}"'
TOKEN = re.compile(r"\{\{\s*([\w-]+)\.(\w+)\s*\}\}")
STILL_IMG = re.compile(rf'<img\b[^>]*\bsrc="{FIGURES_DIR}/([\w-]+)\.png"[^>]*>')
SIZE_ATTR = re.compile(r'\s(width|height)="[^"]*"')


def format_number(key: str, value) -> str:
    """A number as the article's text shows it: a PSNR to 0.1 dB, big numbers with thousands
    separators, other floats as still() rounded them, integers as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not a number")
    if key.startswith("psnr"):
        return f"{value:.1f}"
    if isinstance(value, int) or abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:g}"


def stamp_stills(out: Path, cache: Path | None = None) -> dict | None:
    """Paint (or take from the cache) the stills of out/post.html's figures and stamp the page;
    -> {figure ID: numbers} of its figures, or None without a post.html."""
    page = out / POST
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    stills = _painted(out / POSTER_IMAGE, cache or ROOT / ".cache" / "article-stills")
    numbers = json.loads((stills / NUMBERS_FILE).read_text(encoding="utf-8"))
    used = {}

    def stamp_figure(match: re.Match) -> str:
        tag = match.group(0)
        found = FIGURE_ID.search(tag)
        if found is None:
            return tag
        figure = found.group(1)
        if figure not in numbers:
            raise BuildError(f"{POST}: unknown figure {figure!r}; the figures are: {', '.join(numbers)}")
        used[figure] = numbers[figure]
        state = html.escape(json.dumps(numbers[figure], separators=(",", ":")), quote=True)
        return tag.replace(EMPTY_STATE, f'data-state="{state}"')

    def fill_token(match: re.Match) -> str:
        figure, key = match.groups()
        if figure not in numbers or key not in numbers[figure]:
            raise BuildError(f"{POST}: unknown token {match.group(0)}; "
                             f"{figure!r} has {', '.join(numbers.get(figure, {})) or 'no numbers (unknown figure)'}")
        try:
            return format_number(key, numbers[figure][key])
        except ValueError as e:
            raise BuildError(f"{POST}: {match.group(0)} cannot be written: {e}") from None

    def size_img(match: re.Match) -> str:  # the still's own size: no layout shift, no stretching
        png = (stills / f"{match.group(1)}.png").read_bytes()
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # PNG's IHDR
        tag = SIZE_ATTR.sub("", match.group(0))
        return tag.replace("<img", f'<img width="{width}" height="{height}"', 1)

    text = TOKEN.sub(fill_token, FIGURE_TAG.sub(stamp_figure, text))
    text = STILL_IMG.sub(size_img, text)
    page.write_text(text, encoding="utf-8")
    (out / FIGURES_DIR).mkdir(exist_ok=True)
    for figure in used:
        shutil.copyfile(stills / f"{figure}.png", out / FIGURES_DIR / f"{figure}.png")
    (out / FIGURES_DIR / NUMBERS_FILE).write_text(json.dumps(used, indent=1) + "\n", encoding="utf-8")
    return used


def _painted(photo: Path, cache: Path) -> Path:
    """The cache directory with every figure's PNG and NUMBERS_FILE, painted if not there yet."""
    sources = {p.relative_to(PACKAGE_DIR).as_posix(): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}
    h = hashlib.sha256()
    for name, source in {**sources, "photo": photo, "article_stills.py": Path(__file__)}.items():
        h.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    stills = cache / h.hexdigest()[:32]
    if (stills / NUMBERS_FILE).is_file():
        log(f"stills: painted before, taken from {stills}")
        return stills
    found = painting_python()
    if found is None:
        raise BuildError("stills: post.html needs numpy and Pillow on this Python to paint its figures")
    cmd, env = found
    env = {**env, "PYTHONPATH": ":".join(filter(None, [str(ROOT / "tools"), str(ROOT / "py"),
                                                       env.get("PYTHONPATH")]))}
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        proc = subprocess.run([*cmd, "-m", "sitebuild.article_stills", tmp, str(photo)], capture_output=True,
                              text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise BuildError(f"stills: painting failed:\n{proc.stderr.strip()}")
        try:
            Path(tmp).rename(stills)  # whole or not at all
        except OSError:
            if not (stills / NUMBERS_FILE).is_file():  # else a build beside this one painted them first
                raise
    for old in cache.iterdir():  # stills of older sources
        if old.is_dir() and old != stills and not old.name.startswith("tmp"):  # not a build's in progress
            shutil.rmtree(old, ignore_errors=True)
    log(f"stills: {proc.stdout.strip()}")
    return stills


def paint(out_dir: Path, photo: Path) -> None:
    """Every figure's still into out_dir: ID.png and NUMBERS_FILE (run on CPython with the package)."""
    import time

    from painting.article import FIGURES, SIZE, still
    from painting.images import MAX_SCALE, load_image, png_bytes, upscale_nearest

    t0 = time.perf_counter()
    rgb = load_image(photo, max_side=SIZE)  # (H, W, 3) float32
    numbers = {}
    for figure in FIGURES:
        image, numbers[figure] = still(figure, rgb)  # (h, w, 3) uint8
        while image.shape[1] * MAX_SCALE < STILL_WIDTH:  # the two-by-two's 2 x 2 pixels
            image = upscale_nearest(image, 2)
        scale = max(-(-STILL_WIDTH // image.shape[1]), -(-STILL_HEIGHT // image.shape[0]))  # ceil: both minima
        (out_dir / f"{figure}.png").write_bytes(png_bytes(image, scale=scale))
    text = json.dumps(numbers, indent=1, allow_nan=False)  # NaN and Infinity are not JSON
    (out_dir / NUMBERS_FILE).write_text(text + "\n", encoding="utf-8")
    print(f"painted {len(FIGURES)} stills in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    paint(Path(sys.argv[1]), Path(sys.argv[2]))
