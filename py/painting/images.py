"""Pictures in and out, with Pillow: load any usable image as float32 RGB in [0, 1]; encode PNG and GIF.

load_image turns every way a file can be unusable into ImageError with a message a person understands.
"""
import io
import os
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .metrics import to_uint8  # noqa: F401  (re-exported: it lived here first)

MAX_PIXELS = 64_000_000  # refuse larger images before decoding them (decompression bombs)
FORMATS_HINT = "PNG, JPEG, GIF, WebP or BMP"


class ImageError(ValueError):
    """The input is not a usable image; the message says why."""


def _read(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                return f.read()
        except FileNotFoundError:
            raise ImageError(f"file not found: {os.fspath(source)}") from None
        except IsADirectoryError:
            raise ImageError(f"{os.fspath(source)} is a folder, not an image file") from None
        except OSError as e:
            raise ImageError(f"cannot read {os.fspath(source)}: {e.strerror or e}") from None
    raise ImageError(f"expected image bytes or a file path, got {type(source).__name__}")


def _looks_like_svg(data):
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<svg") or (head.startswith((b"<?xml", b"<!doctype svg", b"<!--"))
                                       and b"<svg" in data[:4096].lower())


def _open(data):
    """Image.open with our size limit checked from the header, before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"the image is too large (more than {MAX_PIXELS // 1_000_000} megapixels)") from None
    except UnidentifiedImageError:
        raise ImageError(f"this file is not an image that can be read; please use {FORMATS_HINT}") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise ImageError(f"the image is damaged and cannot be read ({e})") from None
    w, h = im.size
    if w <= 0 or h <= 0:
        raise ImageError(f"the image has no pixels ({w}x{h})")
    if w * h > MAX_PIXELS:
        raise ImageError(f"the image is too large: {w}x{h} is more than {MAX_PIXELS // 1_000_000} megapixels")
    return im


def _decode(im):
    """First frame, EXIF orientation applied, pixels loaded; ImageError if the data runs out."""
    try:
        im.seek(0)
        im.load()
        im = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise ImageError(f"the image data is truncated or damaged ({e}); please try another file") from None
    return im


def _to_float_rgb(im):
    """Any mode -> (H, W, 3) float32 in [0, 1]; alpha composited on white."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):  # 16-bit greyscale (PNG 16-bit opens as I)
        g = np.asarray(im, dtype=np.float64)  # (H, W)
        g = np.clip(g / 65535.0, 0.0, 1.0).astype(np.float32)
        return np.repeat(g[..., None], 3, axis=2)  # (H, W, 3)
    if im.mode == "F":
        g = np.clip(np.nan_to_num(np.asarray(im, dtype=np.float32)), 0.0, 1.0)  # (H, W)
        return np.repeat(g[..., None], 3, axis=2)
    has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info
    if not has_alpha:
        return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0  # (H, W, 3)
    rgba = np.asarray(im.convert("RGBA"), dtype=np.float32) / 255.0  # (H, W, 4) straight alpha
    alpha = rgba[..., 3:]  # (H, W, 1)
    return rgba[..., :3] * alpha + (1.0 - alpha)  # (H, W, 3) over white


def _resize(rgb, max_side, upscale):
    h, w = rgb.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0 and not (upscale and scale > 1.0):
        return rgb
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # (width, height) for Pillow
    channels = []
    for c in range(3):  # float 'F' images keep full precision through the filter
        ch = Image.fromarray(np.ascontiguousarray(rgb[..., c]), mode="F")
        ch = ch.resize(size, Image.Resampling.LANCZOS, reducing_gap=None if scale > 1 else 3.0)
        channels.append(np.asarray(ch, dtype=np.float32))
    return np.clip(np.stack(channels, axis=2), 0.0, 1.0)  # (h', w', 3)


def load_image(source, max_side=None, upscale=False):
    """bytes / bytearray / memoryview / path -> (H, W, 3) float32 in [0, 1], longest side <= max_side."""
    if max_side is not None and (isinstance(max_side, bool) or not isinstance(max_side, int) or max_side < 1):
        raise ValueError(f"max_side must be a positive integer, got {max_side!r}")
    data = _read(source)
    if len(data) == 0:
        raise ImageError("the file is empty (0 bytes)")
    if _looks_like_svg(data):
        raise ImageError(f"SVG is a vector format; please use a {FORMATS_HINT} image")
    im = _open(data)
    try:
        rgb = _to_float_rgb(_decode(im))
    finally:
        im.close()
    if max_side is not None:
        rgb = _resize(rgb, max_side, upscale)
    return np.ascontiguousarray(rgb, dtype=np.float32)


# --- encoders ------------------------------------------------------------------------------------------
def _pil(frame):
    a = to_uint8(frame)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValueError(f"expected an (H, W, 3) or (H, W, 4) image, got shape {a.shape}")
    return Image.fromarray(np.ascontiguousarray(a), mode="RGB" if a.shape[2] == 3 else "RGBA")


def png_bytes(rgb):
    """(H, W, 3|4) floats in [0, 1] or uint8 -> PNG file bytes."""
    buf = io.BytesIO()
    _pil(rgb).save(buf, format="PNG")
    return buf.getvalue()


def gif_bytes(frames, duration=100, loop=0):
    """A list of (H, W, 3) frames -> animated GIF bytes; duration in ms per frame, loop 0 = forever."""
    frames = list(frames)
    if not frames:
        raise ValueError("gif_bytes needs at least one frame")
    if not (isinstance(duration, (int, float)) and duration > 0):
        raise ValueError(f"duration must be a positive number of milliseconds, got {duration!r}")
    images = [_pil(f).convert("RGB") for f in frames]
    if len({im.size for im in images}) != 1:
        raise ValueError("all GIF frames must have the same size")
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(duration), loop=loop)
    return buf.getvalue()
