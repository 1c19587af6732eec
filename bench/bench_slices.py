"""What a training slice costs, per model: python3 bench/bench_slices.py [sizes...]   (prints a table)

For each model at each size (default 64 256 512, RGB): batches per epoch, one step_batches(1) (or, for
full-batch models, one step(1)), an epoch (estimated as batches x batch for mini-batch models), a
16-row predict_rows, a full predict(), and a snapshot (ms and the KiB it copies).
In Pyodide (WebAssembly, no BLAS): python3 build.py && node bench/run_in_pyodide.mjs bench/bench_slices.py
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py"))
from painting.models import MODELS  # noqa: E402
from painting.session import snapshot  # noqa: E402

CASES = [("onehot", {}), ("plane", {}), ("poly", {}), ("rff", {}), ("dct", {}),
         ("plane", {"solver": "sgd"}), ("dct", {"solver": "sgd"}), ("mlp", {}), ("siren", {})]


def best_ms(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * min(times)


def copied_kib(model, copy):
    """KiB of arrays in the snapshot that are not the model's own (shared constants are not counted)."""
    def arrays(value, seen):
        if id(value) in seen:
            return []
        seen.add(id(value))
        if isinstance(value, np.ndarray):
            return [value]
        items = (value if isinstance(value, (list, tuple)) else value.values() if isinstance(value, dict)
                 else vars(value).values() if hasattr(value, "__dict__") and not isinstance(value, type) else [])
        return [a for item in items for a in arrays(item, seen)]
    own = {id(a) for a in arrays(model, set())}
    return sum(a.nbytes for a in arrays(copy, set()) if id(a) not in own) / 1024


def main(sizes):
    print(f"numpy {np.__version__}, python {sys.version.split()[0]} ({sys.platform})\n")
    print(f"{'model':>10} {'size':>5} {'batches':>7} {'ms/batch':>9} {'ms/epoch':>9} {'rows16 ms':>9} "
          f"{'predict ms':>10} {'snap ms':>8} {'snap KiB':>9}")
    for size in sizes:
        rgb = np.random.default_rng(0).random((size, size, 3)).astype(np.float32)
        for name, knobs in CASES:
            model = MODELS[name](rgb, seed=0, **knobs)
            batches = model.batches_per_epoch
            if batches is None:
                batch = epoch = best_ms(lambda: model.step(1))
            else:
                batch = best_ms(lambda: model.step_batches(1))
                epoch = batch * batches
            rows = best_ms(lambda: (model.forget_predictions(), model.predict_rows(0, min(16, size))))
            predict = best_ms(lambda: (model.forget_predictions(), model.predict()))
            snap = best_ms(lambda: snapshot(model))
            label = name + ("-sgd" if knobs.get("solver") == "sgd" else "")
            print(f"{label:>10} {size:>5} {batches or '-':>7} {batch:>9.2f} {epoch:>9.1f} {rows:>9.2f} "
                  f"{predict:>10.1f} {snap:>8.2f} {copied_kib(model, snapshot(model)):>9.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [64, 256, 512])
