"""Pictures in and out, with Pillow: load any usable image as float32 RGB in [0, 1]; encode PNG and GIF.

open_image turns every way a file can be unusable into ImageError with a message a person understands,
and says in `notes` what it did to a usable one (rotated, composited, downscaled, ...). 8-bit images are
flattened to RGB and shrunk by Pillow in uint8 (so a 24-megapixel photo never exists as floats); 16-bit
and float greyscale stay in float32 throughout.
"""
import io
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .metrics import to_uint8  # noqa: F401  (re-exported: it lived here first)

MAX_PIXELS = 64_000_000  # refuse larger images before decoding them (decompression bombs)
FORMATS_HINT = "PNG, JPEG, GIF, WebP or BMP"
MAX_SCALE = 64  # exports: integer upscaling factor
MAX_EXPORT_SIDE = 8192  # exports: longest side after upscaling
_EXIF_ORIENTATION = 0x0112
_FLOAT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")  # 16-bit greyscale (PNG opens as I), float


class ImageError(ValueError):
    """The input is not a usable image; the message says why."""


@dataclass
class LoadedImage:
    """What open_image returns: the pixels and what a person should be told about them."""
    rgb: np.ndarray  # (H, W, 3) float32 in [0, 1]
    original_size: tuple  # (width, height) as displayed (after EXIF orientation), before any resizing
    format: str  # Pillow's format name: "PNG", "JPEG", ...
    notes: list = field(default_factory=list)  # e.g. "downscaled from 6000×4000 to 512×341"


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


_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP"),
               (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))


def _signature(data):
    """The format a file's first bytes claim (None if unknown), to tell damaged files from non-images."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _SIGNATURES if data.startswith(magic)), None)


def _open(data):
    """Image.open with our size limit checked from the header, before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"the image is too large (more than {MAX_PIXELS // 1_000_000} megapixels)") from None
    except UnidentifiedImageError:
        kind = _signature(data)
        if kind:
            raise ImageError(f"the file starts like a {kind} image but is damaged and cannot be read") from None
        raise ImageError(f"this file is not an image that can be read; please use {FORMATS_HINT}") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise ImageError(f"the image is damaged and cannot be read ({e})") from None
    w, h = im.size
    if w <= 0 or h <= 0:
        raise ImageError(f"the image has no pixels ({w}x{h})")
    if w * h > MAX_PIXELS:
        raise ImageError(f"the image is too large: {w}x{h} is more than {MAX_PIXELS // 1_000_000} megapixels")
    return im


def _decode(im, notes):
    """First frame, EXIF orientation applied, pixels loaded; ImageError if the data runs out."""
    frames = getattr(im, "n_frames", 1)
    if frames > 1:
        notes.append(f"animated image ({frames} frames): using the first frame")
    try:
        im.seek(0)
        im.load()
        orientation = im.getexif().get(_EXIF_ORIENTATION, 1)
        im = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise ImageError(f"the image data is truncated or damaged ({e}); please try another file") from None
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        notes.append(f"turned upright as its EXIF orientation ({orientation}) says")
    return im


def _flatten(im, notes):
    """Any mode -> an "RGB" image (alpha composited on white) or, for 16-bit / float grey, an "F" image
    in [0, 1]."""
    if im.mode in _FLOAT_MODES:
        g = np.asarray(im, dtype=np.float64)  # (H, W)
        if im.mode != "F":
            g = g / 65535.0
            notes.append("16-bit greyscale image")
        g = np.clip(np.nan_to_num(g), 0.0, 1.0).astype(np.float32)
        return Image.fromarray(g, mode="F")
    if im.mode == "CMYK":
        notes.append("CMYK colours converted to RGB")
    elif im.mode in ("L", "1"):
        notes.append("greyscale image")
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            white.alpha_composite(rgba)
            rgba = white
            notes.append("transparency composited on white")
        return rgba.convert("RGB")
    return im.convert("RGB")


def _fit(size, max_side):
    """(width, height) scaled so the longest side is max_side, each side at least 1."""
    w, h = size
    scale = max_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def _pixels(im):
    """An "RGB" or "F" Pillow image -> (H, W, 3) float32 in [0, 1]."""
    if im.mode == "F":
        g = np.clip(np.asarray(im, dtype=np.float32), 0.0, 1.0)  # (H, W)
        return np.repeat(g[..., None], 3, axis=2)  # (H, W, 3)
    return np.asarray(im, dtype=np.float32) / 255.0  # (H, W, 3)


def open_image(source, max_side=None, upscale=False):
    """bytes / bytearray / memoryview / path -> LoadedImage: .rgb (H, W, 3) float32 in [0, 1] with the
    longest side <= max_side (LANCZOS; enlarged to max_side only if upscale), .original_size (w, h),
    .format and .notes for the person. Unusable input raises ImageError saying why."""
    if max_side is not None and (isinstance(max_side, bool) or not isinstance(max_side, int) or max_side < 1):
        raise ValueError(f"max_side must be a positive integer, got {max_side!r}")
    data = _read(source)
    if len(data) == 0:
        raise ImageError("the file is empty (0 bytes)")
    if _looks_like_svg(data):
        raise ImageError(f"SVG is a vector format; please use a {FORMATS_HINT} image")
    im = _open(data)
    fmt = im.format or "unknown"
    notes = []
    try:
        flat = _flatten(_decode(im, notes), notes)
    finally:
        im.close()
    size = flat.size
    if max_side is not None and (max(size) > max_side or (upscale and max(size) < max_side)):
        new = _fit(size, max_side)
        flat = flat.resize(new, Image.Resampling.LANCZOS, reducing_gap=3.0 if max(size) > max_side else None)
        verb = "downscaled" if max(size) > max_side else "enlarged"
        notes.append(f"{verb} from {size[0]}×{size[1]} to {new[0]}×{new[1]}")
    rgb = np.ascontiguousarray(_pixels(flat), dtype=np.float32)
    return LoadedImage(rgb=rgb, original_size=size, format=fmt, notes=notes)


def load_image(source, max_side=None, upscale=False):
    """bytes / bytearray / memoryview / path -> (H, W, 3) float32 in [0, 1], longest side <= max_side."""
    return open_image(source, max_side=max_side, upscale=upscale).rgb


def resize_rgb(rgb, max_side, upscale=False):
    """(H, W, 3) floats in [0, 1] -> float32 (h, w, 3) with the longest side max_side (LANCZOS on each
    channel in float; deterministic). Smaller images are returned unchanged unless upscale."""
    if isinstance(max_side, bool) or not isinstance(max_side, (int, np.integer)) or max_side < 1:
        raise ValueError(f"max_side must be a positive integer, got {max_side!r}")
    x = np.asarray(rgb)
    if x.ndim != 3 or x.shape[2] != 3 or 0 in x.shape:
        raise ValueError(f"expected an (H, W, 3) image, got shape {x.shape}")
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    h, w = x.shape[:2]
    if max(h, w) == max_side or (max(h, w) < max_side and not upscale):
        return np.ascontiguousarray(x)
    size = _fit((w, h), int(max_side))
    gap = 3.0 if max(h, w) > max_side else None
    channels = [np.asarray(Image.fromarray(np.ascontiguousarray(x[..., c]), mode="F")
                           .resize(size, Image.Resampling.LANCZOS, reducing_gap=gap), dtype=np.float32)
                for c in range(3)]  # float 'F' images keep full precision through the filter
    return np.clip(np.stack(channels, axis=2), 0.0, 1.0)  # (h', w', 3)


# --- encoders ------------------------------------------------------------------------------------------
def _pil(frame):
    a = to_uint8(frame)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValueError(f"expected an (H, W, 3) or (H, W, 4) image, got shape {a.shape}")
    return Image.fromarray(np.ascontiguousarray(a), mode="RGB" if a.shape[2] == 3 else "RGBA")


def upscale_nearest(pixels, scale):
    """(H, W, C) -> (H*scale, W*scale, C): each pixel becomes a scale x scale block (crisp, like the canvas)."""
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be an integer from 1 to {MAX_SCALE}, got {scale!r}")
    x = np.asarray(pixels)
    if x.ndim != 3:
        raise ValueError(f"expected an (H, W, C) image, got shape {x.shape}")
    if max(x.shape[:2]) * scale > MAX_EXPORT_SIDE:
        raise ValueError(f"scale {scale} would make a {x.shape[1] * scale}x{x.shape[0] * scale} image; "
                         f"the longest side may be at most {MAX_EXPORT_SIDE}")
    if scale == 1:
        return x
    return np.repeat(np.repeat(x, scale, axis=0), scale, axis=1)  # (H*s, W*s, C)


def png_bytes(rgb, scale=1):
    """(H, W, 3|4) floats in [0, 1] or uint8 -> PNG file bytes, optionally upscaled (nearest)."""
    buf = io.BytesIO()
    _pil(upscale_nearest(to_uint8(rgb), scale)).save(buf, format="PNG")
    return buf.getvalue()


def _palette(im):
    """An "RGB" image -> "P": its own colours if there are at most 256, else a fast-octree palette."""
    if im.getcolors(256) is None:
        return im.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    flat = np.asarray(im).reshape(-1, 3).astype(np.uint32)  # (H*W, 3)
    colours, index = np.unique(flat[:, 0] << 16 | flat[:, 1] << 8 | flat[:, 2], return_inverse=True)
    p = Image.fromarray(index.astype(np.uint8).reshape(im.height, im.width), mode="P")
    p.putpalette(np.stack([colours >> 16, colours >> 8 & 255, colours & 255], axis=1).astype(np.uint8).tobytes())
    return p


def gif_bytes(frames, duration=100, loop=0, scale=1):
    """A list of (H, W, 3) frames -> animated GIF bytes; duration in ms per frame, loop 0 = forever.

    Each frame gets its own palette: exact when it has at most 256 colours, else Pillow's fast octree
    without dithering (a few ms per frame at 512x512). Pillow merges consecutive identical frames into
    one longer frame."""
    frames = list(frames)
    if not frames:
        raise ValueError("gif_bytes needs at least one frame")
    if isinstance(duration, bool) or not (isinstance(duration, (int, float)) and duration > 0):
        raise ValueError(f"duration must be a positive number of milliseconds, got {duration!r}")
    images = [_pil(upscale_nearest(to_uint8(f)[..., :3], scale)) for f in frames]
    if len({im.size for im in images}) != 1:
        raise ValueError("all GIF frames must have the same size")
    images = [_palette(im) for im in images]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(duration), loop=loop)
    return buf.getvalue()
