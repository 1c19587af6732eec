"""The Pillow loader on the odd-image corpus (ImageError or the right pixels and notes); resizing; encoders."""
import io

import numpy as np
import pytest
from PIL import Image

from corpus import encoded, noise, odd_images
from painting.images import (ImageError, gif_bytes, load_image, open_image, png_bytes, resize_rgb, to_uint8,
                             upscale_nearest)


@pytest.mark.parametrize("name, data, expect", odd_images(), ids=[c[0] for c in odd_images()])
def test_odd_images_load_or_say_why(name, data, expect):
    if "error" in expect:
        with pytest.raises(ImageError, match=expect["error"]):
            open_image(data, max_side=expect["max_side"])
        return
    loaded = open_image(data, max_side=expect["max_side"])
    assert loaded.rgb.shape == tuple(expect["shape"]) and loaded.rgb.dtype == np.float32
    assert loaded.rgb.flags.c_contiguous and 0 <= loaded.rgb.min() and loaded.rgb.max() <= 1
    for y, x, colour in expect["pixels"]:
        np.testing.assert_allclose(loaded.rgb[y, x] * 255, colour, atol=expect["atol"], err_msg=f"{name} at {y},{x}")
    for words in expect["notes"]:
        assert any(words in note for note in loaded.notes), (name, loaded.notes)
    if not expect["notes"]:
        assert loaded.notes == []
    np.testing.assert_array_equal(load_image(data, max_side=expect["max_side"]), loaded.rgb)


def test_original_size_and_format_are_reported():
    loaded = open_image(encoded(Image.new("RGB", (300, 200), (9, 9, 9)), "JPEG"), max_side=60)
    assert loaded.original_size == (300, 200) and loaded.format == "JPEG" and loaded.rgb.shape == (40, 60, 3)
    assert loaded.notes == ["downscaled from 300×200 to 60×40"]
    enlarged = open_image(encoded(Image.new("RGB", (10, 5))), max_side=40, upscale=True)
    assert enlarged.rgb.shape == (20, 40, 3) and enlarged.notes == ["enlarged from 10×5 to 40×20"]
    rotated = open_image(dict((n, d) for n, d, _ in odd_images())["exif-6.jpg"])
    assert rotated.original_size == (20, 40)  # as displayed: upright


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


def test_resize_rgb_resamples_the_kept_original_without_decoding():
    x = np.linspace(0, 1, 300, dtype=np.float32)
    rgb = np.stack([np.outer(x[:200], x), np.outer(1 - x[:200], x), np.full((200, 300), 0.25)], axis=2)
    small = resize_rgb(rgb, 60)
    assert small.shape == (40, 60, 3) and small.dtype == np.float32
    np.testing.assert_allclose(small[..., 2], 0.25, atol=1e-5)  # a constant stays constant
    np.testing.assert_allclose(small.mean(axis=(0, 1)), rgb.mean(axis=(0, 1)), atol=0.005)
    np.testing.assert_array_equal(resize_rgb(rgb, 60), small)  # deterministic
    np.testing.assert_array_equal(resize_rgb(rgb, 300), rgb)  # already that size
    np.testing.assert_array_equal(resize_rgb(small, 512), small)  # never enlarged unless asked
    assert resize_rgb(small, 120, upscale=True).shape == (80, 120, 3)
    assert resize_rgb(to_uint8(small), 30).shape == (20, 30, 3)  # uint8 accepted
    # the same LANCZOS as the loader's, up to the loader's uint8 rounding
    loaded = load_image(png_bytes(rgb), max_side=60)
    np.testing.assert_allclose(resize_rgb(load_image(png_bytes(rgb)), 60), loaded, atol=1.5 / 255)
    with pytest.raises(ValueError, match="max_side must be a positive integer"):
        resize_rgb(rgb, 0)
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        resize_rgb(rgb[..., 0], 10)


def test_png_upscaled_by_blocks_and_gif_palette_exact_for_few_colours():
    rgb = np.random.default_rng(3).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    big = np.asarray(Image.open(io.BytesIO(png_bytes(rgb, scale=4))))
    assert big.shape == (20, 28, 3)
    for dy in range(4):
        for dx in range(4):
            np.testing.assert_array_equal(big[dy::4, dx::4], rgb)  # each 4x4 block is one pixel
    np.testing.assert_array_equal(upscale_nearest(rgb, 1), rgb)
    with pytest.raises(ValueError, match="scale must be an integer from 1 to 64"):
        png_bytes(rgb, scale=0)
    with pytest.raises(ValueError, match="at most 8192"):
        png_bytes(np.zeros((200, 1, 3)), scale=64)  # 12800 pixels tall
    few = (np.random.default_rng(4).integers(0, 5, (3, 16, 16, 3)) * 60).astype(np.uint8)  # 125 colours
    gif = Image.open(io.BytesIO(gif_bytes(list(few), duration=30, scale=2)))
    assert gif.n_frames == 3 and gif.size == (32, 32)
    for i in range(3):
        gif.seek(i)
        np.testing.assert_array_equal(np.asarray(gif.convert("RGB"))[::2, ::2], few[i])
