"""The timelapse of a painting: copies of the displayed RGB (uint8) at bounded memory.

Every displayed frame is a tick (the first frame of a start is tick 0). Frames are kept every `interval`
ticks; when `capacity` frames are held, every second one is dropped and the interval doubles, so the
frames always span the whole run. Large images hold fewer frames: at most TIMELAPSE_BYTES in total (at
512x512, 60 frames of 768 KiB). Exports add the current frame if it is newer than the last one kept.
"""
import numpy as np

TIMELAPSE_FRAMES = 120  # default number of frames a Session keeps (even)
TIMELAPSE_BYTES = 48_000_000  # at most this many bytes of timelapse frames


class Timelapse:
    """Timelapse(frames, height, width): keeps at most `frames` frames (0: none) of (H, W, 3) uint8."""

    def __init__(self, frames, height, width):
        if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or frames < 0:
            raise ValueError(f"timelapse must be an integer >= 0 (frames to keep), got {frames!r}")
        per_frame = height * width * 3
        capacity = min(int(frames), max(2, TIMELAPSE_BYTES // per_frame)) if frames else 0
        self.capacity = capacity - capacity % 2  # even, so thinning keeps the interval aligned
        self.restart()

    def restart(self):
        """A new run (new model or parameters): the next frame is tick 0."""
        self.ticks, self.interval, self.kept = 0, 1, []  # kept: [(tick, (H, W, 3) uint8)]

    def add(self, rgb):
        """A new displayed frame (H, W, 3) uint8: one tick, kept if it falls on the interval."""
        if not self.capacity:
            return
        self.ticks += bool(self.kept)
        if self.kept and self.ticks % self.interval:
            return
        if len(self.kept) == self.capacity:
            self.kept = self.kept[::2]  # ticks 0, 2i, 4i, ...: still multiples of the doubled interval
            self.interval *= 2
        self.kept.append((self.ticks, rgb.copy()))

    def _current_is_new(self):
        return not self.kept or self.kept[-1][0] != self.ticks

    def frames(self, current):
        """The kept frames, oldest first, plus `current` (the displayed RGB) if newer: [(H, W, 3) uint8]."""
        frames = [pixels for _, pixels in self.kept]
        if self._current_is_new():
            frames.append(current.copy())
        return frames

    def __len__(self):
        """How many frames frames() returns."""
        return len(self.kept) + self._current_is_new()
