"""Benchmark the core model: python3 bench/bench_core.py   (prints tables; no asserts)

1. one epoch, fast O(n) OneHotImageModel vs the dense one-hot matrix maths of linreg.py (2017 mode, C=1)
2. one honest epoch at 256^2..1024^2 RGB float32 next to one np.add pass over the same data
3. step(k): k epochs in closed form, should be flat in k
In Pyodide (WebAssembly, no BLAS): node bench/run_in_pyodide.mjs bench/bench_core.py
Targets: >= 1e4x over dense at 64^2; 512^2 epoch within 2x of np.add; step(k) flat in k.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py"))
from painting.onehot import OneHotImageModel  # noqa: E402


def best_time(fn, repeats, min_seconds=0.2):
    """Best per-call time over `repeats` calls, repeating until min_seconds have passed."""
    times, start = [], time.perf_counter()
    while len(times) < repeats or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if len(times) >= repeats and time.perf_counter() - start > 5 * min_seconds:
            break
    return min(times)


def image(side, channels, seed=0):
    return np.random.default_rng(seed).random((side, side, channels)).astype(np.float32)


def dense_vs_fast():
    print("1. one epoch: dense one-hot matrix vs fast (C=1, lr 1)")
    print("   (fast: one honest epoch; fast-forward: step(10^4) per epoch)")
    print(f"{'image':>8} {'matrix':>12} {'dense ms':>10} {'fast us':>9} {'speed-up':>10} "
          f"{'ff ns':>8} {'ff speed-up':>12}")
    for side in (16, 32, 64):
        y = image(side, 1)
        M = side * side
        X1 = np.hstack([np.ones((M, 1)), np.eye(M)])  # (M, M + 1) the post's rows with the bias input
        p = np.zeros(M + 1)
        t = y.reshape(-1).astype(np.float64)
        lr = 1.0 / M

        def dense_epoch():
            nonlocal p
            err = X1 @ p - t  # (M,)
            p = p - lr * (X1.T @ err)  # (M + 1,)

        dense = best_time(dense_epoch, 3 if side == 64 else 10, min_seconds=0.05)
        m = OneHotImageModel(y, learning_rate=1.0)
        fast = best_time(lambda: m.step(1, closed_form=False), 200)
        ff = best_time(lambda: m.step(10**4), 50) / 10**4
        del X1
        print(f"{side:>5}^2 {M:>5}x{M + 1:<6} {dense * 1e3:>10.3f} {fast * 1e6:>9.1f} {dense / fast:>9.0f}x "
              f"{ff * 1e9:>8.1f} {dense / ff:>11.0f}x")


def epoch_vs_add():
    print("\n2. one honest epoch (RGB float32) vs one np.add pass over the same data")
    print(f"{'image':>8} {'MB':>6} {'epoch ms':>9} {'np.add ms':>10} {'ratio':>6}")
    for side in (256, 512, 1024):
        y = image(side, 3)
        m = OneHotImageModel(y, learning_rate=1.0)
        other, out = np.ones_like(y), np.empty_like(y)
        epoch = best_time(lambda: m.step(1, closed_form=False), 20)
        add = best_time(lambda: np.add(y, other, out=out), 20)
        print(f"{side:>5}^2 {y.nbytes / 1e6:>6.1f} {epoch * 1e3:>9.3f} {add * 1e3:>10.3f} {epoch / add:>6.2f}")


def step_flat():
    print("\n3. step(k) at 512^2 RGB float32 (closed form)")
    print(f"{'k':>9} {'ms':>8}")
    m = OneHotImageModel(image(512, 3), learning_rate=1.0)
    for k in (1, 10**3, 10**6):
        print(f"{k:>9} {best_time(lambda: m.step(k), 10) * 1e3:>8.3f}")


if __name__ == "__main__":
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}\n")
    dense_vs_fast()
    epoch_vs_add()
    step_flat()
