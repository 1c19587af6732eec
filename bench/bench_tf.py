"""The mlp's training step: numpy in Pyodide vs the same model in TensorFlow.js (painting.tfnets).

Run through bench/bench_tf.mjs (Pyodide 0.27.7 + the vendored TF.js under Node), which calls measure()
once per engine and batch size with the TF.js backend already chosen, and prints the table.
The model: mlp defaults (256 Fourier inputs -> 64 -> 64 -> 64 -> 3, Adam; --width changes the 64) on the
astronaut at size x size (64 unless --size); epochs/s = steps/s / batches_per_epoch; GFLOPS counts the
matmuls only (bench_backends.matmul_flops: 2 flops per multiply-add, forward, dW and dJ/da).
"""

import time

from bench_backends import layer_sizes, matmul_flops
from painting import images, nets, tfnets

def cpu_clock():
    """Seconds of CPU time used by this process (Node's process.cpuUsage): unlike wall time, it does not
    count the time other processes take the cores from us, so the numbers hold on a busy shared
    machine. Wall time (time.perf_counter) where there is no Node."""
    try:
        from js import process
    except ImportError:
        return time.perf_counter
    return lambda: (lambda u: (u.user + u.system) / 1e6)(process.cpuUsage())


def target(size=64):
    """The bundled astronaut photo (square) at size x size, as the page would load it: (H, W, 3)."""
    return images.load_image("/repo/site/images/astronaut.jpg", max_side=size, upscale=True)


def measure(engine, batch, seconds=3.0, size=64, width=64):
    """{steps_per_s, epochs_per_s, gflops, step_ms, encode_ms, predict_ms} of the mlp (`width` hidden
    units) on `engine` ('numpy' or 'tf') at size x size, mini-batches of `batch` pixels: the best 5-step
    window within `seconds` (the machine may be shared: the best window is the least disturbed one), the
    best of 20 numpy encodings of a batch and of 5 whole-frame predictions; in CPU time (cpu_clock)."""
    clock = cpu_clock()
    cls = nets.MLPModel if engine == "numpy" else tfnets.MLPModel
    picture = target(size)
    model = cls(picture, batch_size=batch, width=width)
    flops = matmul_flops(layer_sizes(model))
    model.step_batches(5)  # warm up (TF.js: first kernels, variables)
    best, t0 = float("inf"), time.perf_counter()  # the best of windows of 5 steps: the machine is shared
    while time.perf_counter() - t0 < seconds:
        t = clock()
        model.step_batches(5)
        best = min(best, (clock() - t) / 5)
    index = model.train_index[:batch]
    encode_ms = float("inf")
    for _ in range(20):
        t = clock()
        model.encode(index)
        encode_ms = min(encode_ms, (clock() - t) * 1e3)
    model.predict()
    predict_ms = float("inf")
    for _ in range(5):
        model.forget_predictions()
        t = clock()
        model.predict()  # a whole frame
        predict_ms = min(predict_ms, (clock() - t) * 1e3)
    if engine == "tf":
        model.dispose()
    rate = 1.0 / best
    return {"steps_per_s": rate, "epochs_per_s": rate / model.batches_per_epoch,
            "gflops": rate * batch * flops / 1e9, "step_ms": 1e3 / rate,
            "encode_ms": encode_ms, "predict_ms": predict_ms}
