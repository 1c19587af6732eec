"""A corpus of odd image files, made in memory with Pillow, for every loader path (CPython and browser).

odd_images() -> [(name, data, expectation)], where expectation is a JSON-friendly dict:
    {"max_side": N or None, "error": "regex"}                    the loader must raise ImageError matching it
    {"max_side": N or None, "shape": [H, W, 3],                   or load with this shape,
     "pixels": [[y, x, [r, g, b]], ...], "atol": a,               these pixels (0..255 units, within a),
     "notes": ["substring", ...]}                                 and a note containing each substring
"""
import io
import struct
import zlib

import numpy as np
from PIL import Image


def encoded(im, fmt="PNG", **kw):
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def noise(w, h, seed=0):
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8))


def _chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def raw_png(width, height, bit_depth, colour_type, rows=b""):
    """A PNG written by hand: IHDR as given, rows (filter bytes included) deflated into one IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(rows))
            + _chunk(b"IEND", b""))


def png_header_claiming(width, height):
    """A 1x1 PNG whose IHDR says width x height (CRC fixed), so only the header is big: a bomb's shape."""
    data = bytearray(encoded(Image.new("RGB", (1, 1))))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _halves(w, h, left, right):
    im = Image.new("RGB", (w, h), left)
    im.paste(right, (w // 2, 0, w, h))
    return im


def _exif_jpeg(orientation):
    """40x20 stored, left half red, right half blue, EXIF orientation set."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(_halves(40, 20, (255, 0, 0), (0, 0, 255)), "JPEG", quality=95, exif=exif.tobytes())


def odd_images():
    """[(name, bytes, expectation)] covering every way a file can be odd; see the module docstring."""
    def error(regex, max_side=None):
        return {"max_side": max_side, "error": regex}

    def loads(shape, pixels, atol=0.5, notes=(), max_side=None):
        return {"max_side": max_side, "shape": list(shape), "pixels": [[y, x, list(c)] for y, x, c in pixels],
                "atol": atol, "notes": list(notes)}

    cases = []
    add = lambda name, data, expect: cases.append((name, data, expect))  # noqa: E731

    # unusable
    add("empty.png", b"", error("empty"))
    add("notes-renamed.jpg", b"hello, this is plain text, not a picture\n", error("not an image"))
    add("truncated.png", encoded(noise(64, 64))[:400], error("truncated|damaged"))
    add("truncated.jpg", encoded(noise(64, 64), "JPEG")[:600], error("truncated|damaged"))
    bad_crc = bytearray(encoded(noise(8, 8)))
    bad_crc[30] ^= 0xFF  # inside the IHDR CRC
    add("bad-crc.png", bytes(bad_crc), error("damaged"))
    add("drawing.svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
                       b'height="10"/>', error("SVG is a vector"))
    add("bare.svg", b"  <svg viewBox='0 0 1 1'></svg>", error("SVG is a vector"))
    add("bomb-72mp.png", png_header_claiming(9000, 8000), error("too large"))    # our own limit
    add("bomb-400mp.png", png_header_claiming(20000, 20000), error("too large"))  # Pillow's bomb error

    # usable, odd
    add("one-pixel.png", encoded(Image.new("RGB", (1, 1), (0, 128, 255))),
        loads((1, 1, 3), [(0, 0, (0, 128, 255))], max_side=64))
    add("thin-10000x4.png", encoded(Image.new("RGB", (10000, 4), (10, 20, 30))),
        loads((1, 64, 3), [(0, 0, (10, 20, 30)), (0, 63, (10, 20, 30))],
              notes=["downscaled from 10000×4 to 64×1"], max_side=64))
    big = _halves(3000, 2000, (200, 40, 40), (40, 40, 200))
    add("big-3000x2000.png", encoded(big, compress_level=1),
        loads((341, 512, 3), [(170, 20, (200, 40, 40)), (170, 490, (40, 40, 200))],
              notes=["downscaled from 3000×2000 to 512×341"], max_side=512))
    rgba = np.zeros((1, 3, 4), dtype=np.uint8)
    rgba[0] = [[255, 0, 0, 0], [0, 0, 0, 128], [0, 0, 255, 255]]
    add("alpha.png", encoded(Image.fromarray(rgba, "RGBA")),
        loads((1, 3, 3), [(0, 0, (255, 255, 255)), (0, 1, (127, 127, 127)), (0, 2, (0, 0, 255))],
              notes=["transparency composited on white"]))
    opaque = np.full((2, 2, 4), 255, dtype=np.uint8)
    opaque[..., :3] = (10, 200, 30)
    add("opaque-rgba.png", encoded(Image.fromarray(opaque, "RGBA")), loads((2, 2, 3), [(1, 1, (10, 200, 30))]))
    pal = Image.new("P", (2, 1))
    pal.putpalette([0, 255, 0, 0, 0, 0] + [0] * 762)
    pal.putpixel((1, 0), 1)
    add("palette-transparent.png", encoded(pal, transparency=0),
        loads((1, 2, 3), [(0, 0, (255, 255, 255)), (0, 1, (0, 0, 0))], notes=["transparency composited"]))
    add("palette-transparent.gif", encoded(pal, "GIF", transparency=0),
        loads((1, 2, 3), [(0, 0, (255, 255, 255)), (0, 1, (0, 0, 0))], notes=["transparency composited"]))
    add("palette.png", encoded(Image.new("RGB", (4, 4), (0, 255, 0)).convert("P")),
        loads((4, 4, 3), [(3, 3, (0, 255, 0))]))
    add("grey.png", encoded(Image.new("L", (4, 3), 51)), loads((3, 4, 3), [(2, 3, (51, 51, 51))], notes=["greyscale"]))
    add("grey16.png", encoded(Image.fromarray(np.array([[0, 32768, 65535]], dtype=np.uint16), "I;16")),
        loads((1, 3, 3), [(0, 0, (0, 0, 0)), (0, 1, (127.5, 127.5, 127.5)), (0, 2, (255, 255, 255))],
              atol=0.01, notes=["16-bit"]))
    rows = b"\x00" + struct.pack(">6H", 65535, 32768, 0, 0, 0, 65535)  # one row: filter 0, 2 RGB pixels
    add("rgb16.png", raw_png(2, 1, 16, 2, rows), loads((1, 2, 3), [(0, 0, (255, 128, 0)), (0, 1, (0, 0, 255))],
                                                       atol=1.0))
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # no cyan, no key: red
    add("cmyk.jpg", encoded(cmyk, "JPEG", quality=95), loads((8, 8, 3), [(4, 4, (255, 0, 0))], atol=5, notes=["CMYK"]))
    add("cmyk.tif", encoded(cmyk, "TIFF"), loads((8, 8, 3), [(4, 4, (255, 0, 0))], notes=["CMYK"]))
    frames = [Image.new("RGB", (6, 4), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    add("animated.gif", encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50),
        loads((4, 6, 3), [(2, 3, (255, 0, 0))], notes=["animated image (3 frames): using the first frame"]))
    add("animated.png", encoded(frames[1], "PNG", save_all=True, append_images=frames[2:], duration=50),
        loads((4, 6, 3), [(2, 3, (0, 255, 0))], notes=["animated image (2 frames)"]))
    # orientation 6: shown rotated 90 degrees clockwise, so the left half (red) ends up on top
    add("exif-6.jpg", _exif_jpeg(6), loads((40, 20, 3), [(5, 10, (255, 0, 0)), (35, 10, (0, 0, 255))], atol=20,
                                           notes=["EXIF orientation (6)"]))
    # orientation 8: rotated 90 degrees counter-clockwise, so the left half (red) ends up at the bottom
    add("exif-8.jpg", _exif_jpeg(8), loads((40, 20, 3), [(5, 10, (0, 0, 255)), (35, 10, (255, 0, 0))], atol=20,
                                           notes=["EXIF orientation (8)"]))
    add("plain.bmp", encoded(Image.new("RGB", (3, 2), (1, 2, 3)), "BMP"), loads((2, 3, 3), [(1, 2, (1, 2, 3))]))
    return cases
