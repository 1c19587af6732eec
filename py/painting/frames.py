"""The displayed frame of a Session and what its learned canvas shows.

mode "rgb": a frame is the clipped prediction. mode "2017": the labels are packed R*65536 + G*256 + B
(one channel) and a frame is decode_packed of the prediction, so it shows the original's odd colours.
PSNR always compares the displayed RGB with the target's RGB (both uint8); with hidden pixels (a train
mask) psnr and cost are the seen pixels', psnr_hidden and cost_hidden those of the score mask (the rest,
unless another is given: holdout.py's grid scores a quarter of the image).

A model with residual_into (onehot) has a quicker frame in rgb mode when every pixel is seen and the labels
are bytes / 255 (any page target): 255 r is added to 2^23 + the target's bytes, so that float32 rounding
(ulp 1 in [2^23, 2^24)) makes the displayed values whole numbers; a clip of their bits as int32 (ordered as
the floats, negative ones and +-inf included) keeps them in 2^23 + 0..255, whose low byte (little-endian) is
the displayed byte, and the PSNR is the pairwise sum of (those - target)^2. A non-finite cost (NaN or inf
in the state) takes the general path.
Four passes over float32 where predict + to_uint8 + psnr took about eleven.

A network's frame is predicted a few rows per draw_rows() call from a frozen copy of the model, so it
belongs to the epoch at which it was started; its exact cost comes with it.
What the learned canvas shows (shown_rgb): `view` (views.VIEWS) and, for the learned view, `zoom` (the
model asked at z x z sub-pixel centres: predict_zoomed). Both are made only when asked for; a network's
zoomed frame is predicted a few rows at a time with its frame.
"""
import sys
import time

import numpy as np

from .grid import check_zoom
from .metrics import psnr, psnr_of_mse, to_uint8
from .packed import decode_packed, encode_packed
from .views import check_view, error_view, inside_view, spectrum_view


MAGIC = np.float32(2 ** 23)  # float32 numbers in [2^23, 2^24) are whole: adding it rounds to one
MAGIC_BITS = int(np.array(MAGIC).view(np.int32))  # 2^23 + k has the bits MAGIC_BITS + k (0 <= k < 2^23)


class Frames:
    """Frames(labels, target_u8, mode, train_mask, clock=time.perf_counter, score_mask=None): labels
    (H, W, C) in label units, target_u8 (H, W, 3); clock() gives the time in seconds that
    draw_rows(seconds) slices by; score_mask (H, W) bool the pixels psnr_hidden scores (~train_mask)."""

    def __init__(self, labels, target_u8, mode, train_mask, clock=time.perf_counter, *, score_mask=None):
        self.labels, self.target_u8, self.mode, self.train_mask = labels, target_u8, mode, train_mask
        self.score_mask = ~train_mask if score_mask is None and train_mask is not None else score_mask
        self.read_clock = clock
        height, width = target_u8.shape[:2]
        self.rgb = np.empty((height, width, 3), dtype=np.uint8)  # (H, W, 3) displayed pixels, reused
        self._rgba = np.empty((height, width, 4), dtype=np.uint8)  # (H, W, 4) reused
        self._rgba[..., 3] = 255
        self._rgba_stale = True  # RGBA is composed from rgb only when rgba() is asked for
        self.target_rgba = self._rgba.copy()
        self.target_rgba[..., :3] = target_u8
        self.zoom, self.view = 1, "learned"
        self._quick = None  # (2^23 + target bytes, scratch), both (H, W, 3) float32: made at the first quick frame
        self.clear()

    def clear(self):
        """Nothing drawn yet (a new model or new parameters)."""
        self.cost, self.psnr, self.epoch = None, None, None  # of the frame last drawn
        self.psnr_hidden, self.cost_hidden = None, None
        self.model, self._zoomed, self._shown = None, None, None  # the model the frame shows
        self.stale, self._job = True, None  # the model changed since that frame; a frame in progress

    @property
    def drawing(self):
        """True while a frame is being drawn a few rows at a time."""
        return self._job is not None

    def cancel(self):
        """Drop a frame in progress (its model is gone)."""
        self._job = None

    def show_now(self, model, cost, epoch):
        """The frame of `model` as it is, at once (whole-image predict)."""
        self._job, self.stale = None, False
        if not self._show_quick(model, cost, epoch):
            self._show(model.predict(), cost, epoch, model)

    def _quick_buffers(self, model):
        """(2^23 + target bytes, scratch) for _show_quick, or None where it does not apply."""
        if self._quick is None:
            applies = (self.mode == "rgb" and self.train_mask is None and sys.byteorder == "little"
                       and model.residual_into is not None
                       and np.array_equal(self.labels, self.target_u8 / np.float32(255)))
            magic = np.add(self.target_u8, MAGIC, dtype=np.float32)  # (H, W, 3) whole numbers, exact
            self._quick = (magic, np.empty_like(magic)) if applies else False
        return self._quick or None

    def _show_quick(self, model, cost, epoch):
        """The displayed frame of a model with residual_into in four passes (module docstring); False if
        that does not apply (or the frame holds NaN: the general path says what it shows)."""
        usable = model.residual_into is not None and np.isfinite(cost)  # finite cost: finite r
        buffers = self._quick_buffers(model) if usable else None
        if buffers is None:
            return False
        magic, v = buffers  # (H, W, 3) float32 each
        with np.errstate(over="ignore", invalid="ignore"):
            model.residual_into(v, 255.0)  # 255 r = 255 h - 255 y
            v += magic  # 2^23 + round(255 h): the sum rounds to whole numbers
            bits = v.view(np.int32)  # float32 order is int32 order for these (+-inf too); ~6x quicker to clip
            np.clip(bits, MAGIC_BITS, MAGIC_BITS + 255, out=bits)
            self.rgb[...] = v.view(np.uint8)[..., ::4]  # the low byte of each float32
            v -= magic  # (H, W, 3) displayed - target, whole numbers
            np.square(v, out=v)
            sum_sq = float(np.add.reduce(v.reshape(-1)))  # pairwise: relative error ~1e-6
        if not np.isfinite(sum_sq):
            return False
        self.psnr = psnr_of_mse(sum_sq / (v.size * 255.0 ** 2))
        self.psnr_hidden, self.cost_hidden = None, None
        self.cost, self.epoch = cost, epoch
        self.model, self._zoomed, self._shown = model, None, None
        self._rgba_stale = True
        return True

    def start_rows(self, frozen, epoch):
        """Start drawing the frame of `frozen` (a copy later training does not change) a few rows at a
        time; the learned view's zoomed frame is drawn after it."""
        self.stale = False
        c, z = self.labels.shape[2], self.zoom
        out = np.empty(self.labels.shape, dtype=np.float32)  # (H, W, C)
        parts = [(frozen.predict_rows, out)]  # (rows function, output), drawn in turn
        if z > 1 and self.view == "learned":
            zoomed = np.empty((z * out.shape[0], z * out.shape[1], c), dtype=np.float32)  # (zH, zW, C)
            parts.append((lambda r0, r1: frozen.predict_zoomed_rows(z, r0, r1), zoomed))
        self._job = {"model": frozen, "epoch": epoch, "parts": parts, "part": 0, "row": 0, "rows": 1}

    def draw_rows(self, seconds):
        """Draw rows of the frame started for about `seconds`; -> True when it is complete (then cost is
        its exact cost)."""
        job, clock = self._job, self.read_clock
        start = clock()
        while job["part"] < len(job["parts"]):
            rows_of, out = job["parts"][job["part"]]
            r0, r1 = job["row"], min(len(out), job["row"] + job["rows"])
            t0 = clock()
            out[r0:r1] = rows_of(r0, r1)  # (rows, W, C)
            now = clock()
            job["row"] = r1
            left = start + seconds - now
            if r1 == len(out):  # the next part starts again from one row
                job["part"], job["row"], job["rows"] = job["part"] + 1, 0, 1
            else:
                per_row = (now - t0) / (r1 - r0)
                job["rows"] = max(1, int(0.8 * left / per_row) if per_row > 0 else 2 * (r1 - r0))
            if left <= 0:
                break
        if job["part"] < len(job["parts"]):
            return False
        self._job = None
        out = job["parts"][0][1]
        residual = out - self.labels  # (H, W, C)
        if self.train_mask is not None:
            residual = residual[self.train_mask]  # (M_seen, C): the cost is the seen pixels'
        cost = float(np.sum(np.square(residual, dtype=np.float64)) / (2 * (residual.size // residual.shape[-1])))
        self._show(out, cost, job["epoch"], job["model"])
        if len(job["parts"]) > 1:
            self._zoomed = (self.zoom, job["parts"][1][1])
        return True

    def to_rgb(self, prediction, out=None):
        """Label units (h, w, C) -> displayed (h, w, 3) uint8 (clipped RGB, or decoded 2017 labels)."""
        if self.mode == "rgb":
            return to_uint8(prediction, out=out)
        if out is None:
            return np.ascontiguousarray(decode_packed(prediction))
        out[...] = decode_packed(prediction)
        return out

    def _show(self, prediction, cost, epoch, model):
        """A drawn prediction (H, W, C) of `model` becomes the displayed frame, its cost, PSNR and epoch."""
        self.to_rgb(prediction, out=self.rgb)
        seen, target = self.train_mask, self.target_u8
        if seen is None:
            self.psnr, self.psnr_hidden, self.cost_hidden = psnr(self.rgb, target), None, None
        else:  # (N, 3) gathers: the seen and the scored hidden pixels apart
            scored = self.score_mask
            self.psnr = psnr(self.rgb[seen], target[seen])
            self.psnr_hidden = psnr(self.rgb[scored], target[scored])
            residual = prediction[scored] - self.labels[scored]  # (M_scored, C)
            self.cost_hidden = float(np.sum(np.square(residual, dtype=np.float64)) / (2 * len(residual)))
        self.cost, self.epoch = cost, epoch
        self.model, self._zoomed, self._shown = model, None, None
        self._rgba_stale = True

    def rgba(self):
        """(H, W, 4) uint8 RGBA of the displayed frame (reused: copy it to keep it)."""
        if self._rgba_stale:
            self._rgba[..., :3] = self.rgb
            self._rgba_stale = False
        return self._rgba

    # --- what the learned canvas shows ---------------------------------------------------------------
    def set_zoom(self, value):
        """Sub-pixels per side of the learned view; a network redraws its frame."""
        value = check_zoom(value)
        if value != self.zoom:
            self.zoom, self._shown = value, None
            self._redraw_if_in_rows()

    def set_view(self, value):
        """What the learned canvas shows: one of views.VIEWS."""
        value = check_view(value)
        if value != self.view:
            self.view, self._shown = value, None
            # a network's frame is sent again (drawn anew) so that the page gets the new picture as a frame
            self._redraw_if_in_rows()

    def _redraw_if_in_rows(self):
        if self.model is not None and self.model.RENDERS_IN_ROWS:
            self.stale, self._job = True, None  # the next draw makes the frame with the new setting

    def shown(self):
        """-> (picture (h, w, 3) uint8 C-contiguous, {"view", "zoom", "width", "height", "legend"}) for the
        frame last drawn: made once per frame and setting, only when asked for. width and height are the
        picture's: a zoom of blocks (ZOOM_IS_BLOCKS, onehot) is the 1x picture, which the page enlarges
        with crisp pixels (zoom 4, width W), so it costs no more than the frame."""
        if self._shown is None:
            picture, view, legend, zoom = self._make_shown()
            self._shown = picture, {"view": view, "zoom": zoom, "width": picture.shape[1],
                                    "height": picture.shape[0], "legend": legend}
        return self._shown

    def _make_shown(self):
        """-> (picture, view, legend, zoom) for the present frame and settings."""
        view, zoom, model = self.view, self.zoom, self.model
        if view in ("error", "spectrum"):
            picture, legend = (error_view if view == "error" else spectrum_view)(self.rgb, self.target_u8)
            return picture, view, legend, 1
        if view == "inside":
            try:
                zero = 0.5 if self.mode == "rgb" else float(encode_packed(np.full((1, 1, 3), 128, np.uint8))[0, 0, 0])
                picture, legend = inside_view(model, self.to_rgb, zero)
                return picture, "inside", legend, 1
            except ValueError as error:  # a model without a picture of its inside: the learned image
                return self.rgb, "learned", {"note": str(error)}, 1
        if zoom == 1:
            return self.rgb, "learned", {}, 1
        if model.ZOOM_IS_BLOCKS:  # onehot: blocks are the 1x bytes enlarged by the page
            return self.rgb, "learned", {"blocks": True}, zoom
        legend = {"blocks": True}
        if self._zoomed is not None and self._zoomed[0] == zoom:
            return self.to_rgb(self._zoomed[1]), "learned", {}, zoom
        if model.predict_zoomed is not None and not model.RENDERS_IN_ROWS:
            try:
                return self.to_rgb(model.predict_zoomed(zoom)), "learned", {}, zoom  # (zH, zW, C) asked
            except ValueError as error:  # a visitor's features(x, y) failing between pixels (ModelCodeError)
                legend["note"] = str(error)
        # a model without a function between pixels (a scratch model; a network frame of another zoom): blocks
        rgb = np.repeat(np.repeat(self.rgb, zoom, axis=0), zoom, axis=1)  # (zH, zW, 3)
        return np.ascontiguousarray(rgb), "learned", legend, zoom

    def zoomed(self, zoom):
        """(zH, zW, 3) uint8: the learned image at zoom x its size (the model asked at sub-pixel centres),
        whatever the present view and zoom."""
        saved = self.view, self.zoom, self._shown, self._zoomed
        try:
            self.view, self.zoom, self._shown = "learned", check_zoom(zoom), None
            if self.model.RENDERS_IN_ROWS and self.model.predict_zoomed is not None:
                self._zoomed = (self.zoom, self.model.predict_zoomed(self.zoom))
            picture = self.shown()[0]
            if picture.shape[0] != self.zoom * self.rgb.shape[0]:  # blocks the page would enlarge
                picture = np.repeat(np.repeat(picture, self.zoom, axis=0), self.zoom, axis=1)  # (zH, zW, 3)
            return picture
        finally:
            self.view, self.zoom, self._shown, self._zoomed = saved
