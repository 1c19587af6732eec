"""The embed's poster: the default photo being learned by the page's default model, as an animated PNG.

    python tools/poster.py IMAGE OUT_DIR

writes OUT_DIR/poster.png (APNG: the learned image at EPOCHS, the last frame held, looping)
and OUT_DIR/poster-still.png (the last frame alone, for prefers-reduced-motion). build.py runs this with a
Python that has numpy and Pillow (the `painting` package decodes the photo and trains the model).
Prints one JSON line: {"frames": n, "epochs": [...], "psnr": [...], "bytes": {...}}.
"""
from __future__ import annotations

import json
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))

import numpy as np  # noqa: E402

SIZE = 64                 # the page's default size
MODEL = "onehot"          # the page's default model and learning rate (site/js/python-values.js)
LEARNING_RATE = 1.0
EPOCHS = (500, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10000, 12500, 16000)  # frames
FRAME_MS = 350
HOLD_MS = 2500            # the last frame stays this long before the loop starts again


def learn(image: Path) -> tuple[list[np.ndarray], list[int], list[float]]:
    """-> frames (H, W, 3) uint8 at EPOCHS, the epochs, and each frame's PSNR against the target."""
    from painting.images import open_image
    from painting.metrics import psnr, to_uint8
    from painting.session import Session

    target = open_image(image.read_bytes(), max_side=SIZE).rgb  # (H, W, 3) float32
    session = Session(target, model=MODEL, learning_rate=LEARNING_RATE)
    truth = to_uint8(target)
    frames, scores = [], []
    for epoch in EPOCHS:
        session.train(int(round(epoch - session.epoch)))
        rgb = np.ascontiguousarray(session.frame()[..., :3])  # (H, W, 3) uint8
        frames.append(rgb)
        scores.append(round(float(psnr(rgb, truth)), 2))
    return frames, list(EPOCHS), scores


# ------------------------------------------------------------------------------------ PNG / APNG
def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _idat(rgb: np.ndarray) -> bytes:
    """(H, W, 3) uint8 -> zlib stream of filter-0 scanlines."""
    h, w, _ = rgb.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, w * 3)], axis=1)  # (H, 1 + 3W)
    return zlib.compress(rows.tobytes(), 9)


def _ihdr(h: int, w: int) -> bytes:
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))  # 8-bit RGB


def png(rgb: np.ndarray) -> bytes:
    h, w, _ = rgb.shape
    return b"\x89PNG\r\n\x1a\n" + _ihdr(h, w) + _chunk(b"IDAT", _idat(rgb)) + _chunk(b"IEND", b"")


def apng(frames: list[np.ndarray], delays_ms: list[int]) -> bytes:
    """Animated PNG, looping forever; the first frame is also the still image of non-APNG readers."""
    h, w, _ = frames[0].shape
    out = [b"\x89PNG\r\n\x1a\n", _ihdr(h, w), _chunk(b"acTL", struct.pack(">II", len(frames), 0))]
    seq = 0
    for i, (rgb, delay) in enumerate(zip(frames, delays_ms)):
        # fcTL: sequence, width, height, x, y, delay num/den (ms), dispose none, blend source
        out.append(_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, w, h, 0, 0, delay, 1000, 0, 0)))
        seq += 1
        data = _idat(rgb)
        if i == 0:
            out.append(_chunk(b"IDAT", data))
        else:
            out.append(_chunk(b"fdAT", struct.pack(">I", seq) + data))
            seq += 1
    out.append(_chunk(b"IEND", b""))
    return b"".join(out)


def main(argv: list[str]) -> int:
    image, out_dir = Path(argv[0]), Path(argv[1])
    frames, epochs, scores = learn(image)
    delays = [FRAME_MS] * (len(frames) - 1) + [HOLD_MS]
    out_dir.mkdir(parents=True, exist_ok=True)
    animated, still = apng(frames, delays), png(frames[-1])
    (out_dir / "poster.png").write_bytes(animated)
    (out_dir / "poster-still.png").write_bytes(still)
    print(json.dumps({"frames": len(frames), "epochs": epochs, "psnr": scores,
                      "bytes": {"poster.png": len(animated), "poster-still.png": len(still)}}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
