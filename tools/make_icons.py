"""Draw the app icons of site/manifest.webmanifest: a photo half painted, as a grid of pixels.

    python3 tools/make_icons.py          (needs Pillow; writes site/icons/icon-{192,512}.png)

One design at every size, drawn inside the central 80 % so the icons also serve as `maskable` (a
launcher may cut them to a circle). The output is committed; run this only to change the design.
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "site" / "icons"
BACKGROUND = (31, 111, 235)  # the page's accent, also the manifest's theme_color
GRID = 6


def colour(i: int, j: int) -> tuple[int, int, int]:
    """A warm-to-cool gradient; the lower-right cells are still grey, not yet learned."""
    if i + j >= GRID + 2:
        return (214, 219, 226)
    t, u = i / (GRID - 1), j / (GRID - 1)
    return (int(250 - 120 * u), int(180 + 60 * t - 80 * u), int(60 + 180 * u))


def draw(size: int) -> Image.Image:
    im = Image.new("RGB", (size, size), BACKGROUND)
    d = ImageDraw.Draw(im)
    inner = size * 0.56  # inside the maskable safe zone (a circle of 80 % of the size)
    cell = inner / GRID
    x0 = y0 = (size - inner) / 2
    for i in range(GRID):
        for j in range(GRID):
            x, y = x0 + j * cell, y0 + i * cell
            d.rectangle([round(x), round(y), round(x + cell) - 1, round(y + cell) - 1], fill=colour(i, j))
    return im


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
        print(OUT / f"icon-{size}.png")
