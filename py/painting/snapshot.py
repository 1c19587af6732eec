"""snapshot(model): a copy of a model to go back to, costing about the state that training changes.

The contract with the models: every array that training does not change (labels, coordinates, feature
maps Phi and Phi^T, bases, frequencies, masks, index arrays, cached predictions) is read-only
(`flags.writeable = False`) and never written again; a model that replaces one makes a new read-only array.
snapshot() shares every read-only array it can reach (attributes, and inside lists, tuples, dicts and
objects) and deep-copies the rest: the model's TRAINING_STATE (weights, biases, Adam moments, the one-hot
residual), counters, knobs and the rng (so a restored model trains on exactly as the original would have).
"""
import copy

import numpy as np


def snapshot(model):
    """A copy of `model` sharing its read-only arrays (see the module docstring)."""
    shared, seen = {}, set()

    def share(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, np.ndarray):
            if not value.flags.writeable:
                shared[id(value)] = value
        elif isinstance(value, (list, tuple)):
            for item in value:
                share(item)
        elif isinstance(value, dict):
            for item in value.values():
                share(item)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            share(vars(value))

    share(model)
    return copy.deepcopy(model, shared)
