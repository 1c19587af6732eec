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
    """A copy of `model` sharing its read-only arrays (see the module docstring).

    The walk is a loop, not a recursive closure: a nested function that calls itself is a reference
    cycle (function -> its cell -> function) holding the memo, and so the copy, until Python's cycle
    collector runs. Measured on mlp at 512² in the page (a copy per frame and per checkpoint): up to
    17 MB of dropped copies waiting, and Pyodide's heap (which never shrinks) grew from 53 to 68-72 MB
    in 20 s of training; now a dropped copy is freed at once."""
    shared, seen, todo = {}, set(), [model]
    while todo:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, np.ndarray):
            if not value.flags.writeable:
                shared[id(value)] = value
        elif isinstance(value, (list, tuple)):
            todo.extend(value)
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            todo.append(vars(value))
    return copy.deepcopy(model, shared)
