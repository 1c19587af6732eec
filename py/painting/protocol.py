"""The model protocol: what make_model, a Session (training.py, frames.py) and the page use of a model.

Every model in models.MODELS derives from Model, a visitor's scratch class through its wrapper
(custom.ScratchModel). Model declares each member once: the required ones raise NotImplementedError
here, the optional ones hold their default, so a caller reads plain attributes (`model.solve is None`,
`model.RENDERS_IN_ROWS`, `model.dispose()`) and never asks whether a member exists.
"""
from .grid import check_rows


class Model:
    """Model(target (H, W, C) labels, learning_rate=None, seed=0, **knobs); more keyword options
    (train_mask, dtype) where a model takes them (models.accepts_train_mask).

    Instance attributes every model has: `epoch` (int, whole epochs trained) and `learning_rate`
    (float, may change between steps). A model `step`s; a Session `train`s it in time slices.
    """

    # ---- required: every model sets or defines these ----
    NAME = None  # its name in models.MODELS, written in its get_params() ("custom": a visitor's model)
    DEFAULT_LEARNING_RATE = None  # float, the learning rate when none is given
    EPOCHS_PER_FRAME = 1  # the page's suggested epochs per redraw at 64 x 64
    KNOBS = {}  # name -> knobs.Knob: the model's own settings (the CLI's options, the page's controls)
    RENAMED_KNOBS = {}  # old knob name -> (new name, the old knob.Knob): still read (knobs.rename_knobs)

    def step(self, epochs=1):
        """Train `epochs` more whole epochs (in closed form where that is exact)."""
        raise NotImplementedError

    def predict(self):
        """(H, W, C) in label units, the whole image also with a train_mask (may be a read-only cache)."""
        raise NotImplementedError

    def cost(self):
        """1/(2M) sum (h - y)^2 over the M training pixels."""
        raise NotImplementedError

    def get_params(self):
        """A dict of plain lists and numbers (JSON), whole epochs."""
        raise NotImplementedError

    def set_params(self, params):
        """Adopt get_params() output; ValueError saying what is wrong."""
        raise NotImplementedError

    # ---- optional: the defaults ----
    TRAINING_STATE = ()  # the attributes training changes (snapshot.snapshot shares everything read-only)
    EXPLODES_ON_INF = False  # linreg.run_training: an infinite cost counts as exploded, not only NaN
    ZOOM_IS_BLOCKS = False  # predict_zoomed repeats pixels: the page may enlarge the 1x frame instead
    RENDERS_IN_ROWS = False  # a whole predict() is slow (networks): frames are drawn a few rows at a time
    # from a frozen copy (predict_rows, predict_zoomed_rows), the exact cost comes with each frame, and
    # the Trainer's explosion check after a slice reads parameters() instead of cost()
    batches_per_epoch = None  # int: mini-batch training, step_batches(n) takes n of these steps
    fast_forward = False  # True: step(k) costs the same for any k (closed form), the Trainer takes all at once
    solve = None  # a method solve() -> self: jump to the closed-form (least-squares) answer; None: none
    predict_zoomed = None  # a method predict_zoomed(zoom) -> (zH, zW, C), the model at the centres of
    # zoom x zoom sub-pixels; None: no function between pixels (the frame is shown as blocks)
    residual_into = None  # a method residual_into(out (H, W, C) float32, gain): out = gain (h - y), the
    # quick frame of frames.py; None: frames go through predict()

    @property
    def progress(self):
        """Epochs trained as a float, counting a partial mini-batch epoch."""
        return float(self.epoch)

    def step_batches(self, batches):
        """`batches` more mini-batch steps, continuing the epoch's order (epoch += 1 after each
        batches_per_epoch of them); ValueError where batches_per_epoch is None."""
        raise ValueError(f"the {self.NAME} model has no mini-batch steps (batches_per_epoch is None); "
                         f"use step(epochs)")

    def predict_rows(self, r0, r1):
        """predict()[r0:r1], (r1 - r0, W, C); a model that RENDERS_IN_ROWS computes only those rows."""
        image = self.predict()  # (H, W, C)
        r0, r1 = check_rows(len(image), r0, r1)
        return image[r0:r1]

    def predict_zoomed_rows(self, zoom, r0, r1):
        """predict_zoomed(zoom)[r0:r1]; a model that RENDERS_IN_ROWS computes only those rows."""
        image = self.predict_zoomed(zoom)  # (zH, zW, C)
        r0, r1 = check_rows(len(image), r0, r1)
        return image[r0:r1]

    def parameters(self):
        """The trainable arrays (live), checked for NaN and infinity after a slice of a model that
        RENDERS_IN_ROWS."""
        raise NotImplementedError(f"the {self.NAME} model does not list its parameters")

    def forget_predictions(self):
        """Drop what the model cached from its parameters (predict()'s image): call after changing
        parameters() in place."""

    def dispose(self):
        """Free what the model holds outside Python now (a TensorFlow.js network's tensors); it stays usable."""
