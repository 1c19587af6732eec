"""The Pillow loader: every kind of unusable input gives ImageError; modes, EXIF, alpha and resizing."""
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from painting.images import ImageError, gif_bytes, load_image, png_bytes, to_uint8


def encoded(im, fmt="PNG", **kw):
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def noise(w, h, seed=0):
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8))


def png_header_claiming(width, height):
    """A 1x1 PNG whose IHDR says width x height (CRC fixed), so only the header is big."""
    data = bytearray(encoded(Image.new("RGB", (1, 1))))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"hello, this is plain text\n", "not an image"),
    (encoded(noise(64, 64))[:400], "truncated|damaged"),
    (encoded(noise(64, 64), "JPEG")[:600], "truncated|damaged"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "SVG is a vector"),
    (b"  <svg viewBox='0 0 1 1'></svg>", "SVG is a vector"),
    (png_header_claiming(9000, 8000), "too large"),    # 72 MP: our own limit
    (png_header_claiming(20000, 20000), "too large"),  # 400 MP: Pillow's bomb error
])
def test_unusable_inputs(data, message):
    with pytest.raises(ImageError, match=message):
        load_image(data)


def test_paths(tmp_path):
    path = tmp_path / "small.png"
    path.write_bytes(encoded(Image.new("RGB", (3, 2), (255, 0, 0))))
    rgb = load_image(path)
    assert rgb.shape == (2, 3, 3) and rgb.dtype == np.float32
    assert rgb[..., 0].min() == 1.0 and rgb[..., 1:].max() == 0.0
    assert load_image(str(path)).shape == (2, 3, 3)
    with pytest.raises(ImageError, match="file not found"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        load_image(tmp_path / "empty.jpg")


def test_tiny_and_thin_images():
    one = load_image(encoded(Image.new("RGB", (1, 1), (0, 128, 255))), max_side=64)
    assert one.shape == (1, 1, 3)  # never upscaled unless asked
    np.testing.assert_allclose(one[0, 0], [0, 128 / 255, 1], atol=1e-6)
    thin = load_image(encoded(Image.new("RGB", (10000, 4), (10, 20, 30))), max_side=64)
    assert thin.shape == (1, 64, 3)
    np.testing.assert_allclose(thin[0, 0], [10 / 255, 20 / 255, 30 / 255], atol=1e-4)


def test_resize_keeps_aspect_and_range():
    img = noise(200, 100)
    small = load_image(encoded(img), max_side=50)
    assert small.shape == (25, 50, 3) and small.min() >= 0 and small.max() <= 1
    # a box average of the source lies close to LANCZOS on smooth data: compare the mean colour
    src = np.asarray(img, dtype=np.float64) / 255
    np.testing.assert_allclose(small.mean(axis=(0, 1)), src.mean(axis=(0, 1)), atol=0.01)
    tiny = encoded(Image.new("RGB", (10, 5), (200, 100, 50)))
    assert load_image(tiny, max_side=50).shape == (5, 10, 3)
    up = load_image(tiny, max_side=50, upscale=True)
    assert up.shape == (25, 50, 3)
    np.testing.assert_allclose(up[12, 25], [200 / 255, 100 / 255, 50 / 255], atol=1e-4)
    with pytest.raises(ValueError, match="max_side must be a positive integer"):
        load_image(tiny, max_side=0)


def test_exif_orientation_is_applied():
    im = Image.new("RGB", (40, 20), (255, 0, 0))
    im.paste((0, 0, 255), (20, 0, 40, 20))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise: left half goes to the top
    rgb = load_image(encoded(im, "JPEG", quality=95, exif=exif.tobytes()))
    assert rgb.shape == (40, 20, 3)
    assert rgb[5, 10, 0] > 0.9 and rgb[5, 10, 2] < 0.1   # top: red
    assert rgb[35, 10, 2] > 0.9 and rgb[35, 10, 0] < 0.1  # bottom: blue


def test_alpha_is_composited_on_white():
    rgba = np.zeros((1, 3, 4), dtype=np.uint8)
    rgba[0] = [[255, 0, 0, 0], [0, 0, 0, 128], [0, 0, 255, 255]]
    rgb = load_image(encoded(Image.fromarray(rgba, "RGBA")))
    np.testing.assert_allclose(rgb[0], [[1, 1, 1], [127 / 255] * 3, [0, 0, 1]], atol=1e-6)
    la = Image.fromarray(np.array([[[0, 0], [0, 255], [255, 255]]], dtype=np.uint8), "LA")
    np.testing.assert_allclose(load_image(encoded(la))[0], [[1, 1, 1], [0, 0, 0], [1, 1, 1]], atol=1e-6)
    p = Image.new("P", (2, 1))
    p.putpalette([0, 255, 0, 0, 0, 0] + [0] * 762)
    p.putpixel((0, 0), 0)
    p.putpixel((1, 0), 1)
    p.info["transparency"] = 0
    np.testing.assert_allclose(load_image(encoded(p, transparency=0))[0], [[1, 1, 1], [0, 0, 0]], atol=1e-6)


def test_sixteen_bit_grey():
    grey = np.array([[0, 32768, 65535]], dtype=np.uint16)
    im = Image.fromarray(grey, "I;16")
    rgb = load_image(encoded(im))
    np.testing.assert_allclose(rgb[0, :, 0], [0, 32768 / 65535, 1], atol=1e-6)
    np.testing.assert_array_equal(rgb[..., 0], rgb[..., 2])


def test_cmyk_and_greyscale_and_palette():
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # red ink-free: red
    np.testing.assert_allclose(load_image(encoded(cmyk, "JPEG", quality=95))[4, 4], [1, 0, 0], atol=0.02)
    np.testing.assert_allclose(load_image(encoded(cmyk, "TIFF"))[4, 4], [1, 0, 0], atol=1e-6)
    grey = Image.new("L", (4, 4), 51)
    np.testing.assert_allclose(load_image(encoded(grey))[0, 0], [0.2, 0.2, 0.2], atol=1e-6)
    pal = Image.new("RGB", (4, 4), (0, 255, 0)).convert("P")
    np.testing.assert_allclose(load_image(encoded(pal))[0, 0], [0, 1, 0], atol=1e-6)


def test_animated_gif_gives_the_first_frame():
    frames = [Image.new("RGB", (6, 4), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    np.testing.assert_allclose(load_image(data)[2, 3], [1, 0, 0], atol=1e-6)


def test_encoders():
    assert to_uint8(np.array([0.0, 0.5, 1.0, 1.7, -3, np.nan, 0.499 / 255])).tolist() == [0, 128, 255, 255, 0, 0, 0]
    rgb = np.random.default_rng(1).random((5, 7, 3)).astype(np.float32)
    back = np.asarray(Image.open(io.BytesIO(png_bytes(rgb))))
    np.testing.assert_array_equal(back, to_uint8(rgb))
    frames = [np.full((4, 6, 3), v, dtype=np.float32) for v in (0.0, 0.5, 1.0)]
    gif = Image.open(io.BytesIO(gif_bytes(frames, duration=40)))
    assert gif.n_frames == 3 and gif.size == (6, 4) and gif.info["duration"] == 40
    gif.seek(2)
    assert gif.convert("RGB").getpixel((0, 0)) == (255, 255, 255)
    with pytest.raises(ValueError, match="at least one frame"):
        gif_bytes([])
    with pytest.raises(ValueError, match="same size"):
        gif_bytes([frames[0], np.zeros((3, 3, 3))])
