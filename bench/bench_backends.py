"""The networks on every engine: numpy in Pyodide and each TensorFlow.js backend, trained as the page does.

Run by bench/bench_backends.mjs under Node (numpy, cpu, wasm, and webgpu with the npm `webgpu` package, if
installed), which loads Pyodide, `painting` and (for a TF.js backend) TensorFlow.js, chooses the backend,
then calls run() once per model, size and batch and prints the table (table()). This is a model of the
page's loop, not the page: bench/bench_backends_browser.py measures the page itself.

One run: Session(photo, model, engine=..., batch_size=B) on the bundled astronaut photo at size x size,
its first frame drawn, then `seconds` of the worker's loop (site/js/worker/engine.js), with the page
always asking for the next frame at once:

    render(max(RENDER_SECONDS_TRAINING, RENDER_SHARE * last slice))   a network's frame, a few rows per call
    train(no limit, TRAIN_SECONDS)                                    a training slice

PSNR at t: the PSNR of the frame on screen at wall time t (the newest frame completed by then), so the
cost of frames (a snapshot of the model and a whole-image forward pass each) is paid as on the page.

Speed columns are over the time spent in train() slices only (the training engine's own speed; `train %`
says how much of the wall time that was): the CPU time of the process where the host has a CPU clock and
the engine computes synchronously (Node: numpy, cpu, wasm), so another process's load does not count;
wall time otherwise (a browser worker has no CPU clock; a GPU works asynchronously).
  epochs/s   epochs trained / train time
  pixels/s   training pixels per second (epochs/s x pixels; = Adam steps/s x batch)
  GFLOPS     matmul flops of training / train time (matmul_flops: 2 per multiply-add)
"""

import json
import time

import numpy as np

from painting import images, tfnets
from painting.session import Session

TRAIN_SECONDS = 0.015  # as site/js/worker/engine.js
RENDER_SECONDS_TRAINING = 0.004
RENDER_SHARE = 0.35
CHECKPOINTS = (10, 30, 60)  # PSNR at these seconds of a 60 s run (scaled with the run's length)


def layer_sizes(model):
    """[D, width, ..., width, C] of a network (D: its input features)."""
    return [model.layers[0][0].shape[0]] + [w.shape[1] for w, _ in model.layers]


def matmul_flops(sizes):
    """Matmul flops per training pixel (2 per multiply-add) for layers `sizes` [D, w, ..., C]:
    forward 2P (P = sum of fan_in x fan_out), dJ/dW 2P, dJ/da 2(P - D w_1) (none into the inputs).
    The mlp's defaults (256 Fourier inputs, 3 x 64, RGB): P = 24 768, 115 840 flops per pixel; siren's
    (2 inputs): P = 8 512, 50 816. Elementwise work (activations, Adam, the encoding) is not counted."""
    p = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 2 * p + 2 * p + 2 * (p - sizes[0] * sizes[1])


def photo(path, size):
    """The bundled photo (square) at size x size: (size, size, 3) float32, as the page loads it."""
    return images.load_image(path, max_side=size, upscale=True)


def run(path, model, size, engine, batch=None, seconds=60.0, cpu_clock=None):
    """One model, size, engine ("numpy" or "tensorflow", on the backend the host chose) and batch (None:
    the model's default) for `seconds` of the worker's loop. -> a dict of numbers (see the module doc).
    cpu_clock: a () -> seconds of CPU time, used for the speed columns when given."""
    knobs = {} if batch is None else {"batch_size": int(batch)}
    session = Session(photo(path, size), model=model, engine=engine, **knobs)
    while not session.render(1.0):  # the first frame (epoch 0), before training starts, as on the page
        pass
    net = session.model
    pixels = len(net.train_index)
    sizes = layer_sizes(net)
    checkpoints = [c * seconds / 60.0 for c in CHECKPOINTS]

    frames = [(0.0, session.info()["psnr"], 0.0)]  # [(seconds since start, psnr, epoch of the frame)]
    train_wall = train_cpu = 0.0
    gap = last_frame = 0.0
    frame_work = 0.0  # wall time inside render()
    last_slice = 0.0
    cpu = cpu_clock or time.perf_counter
    start = time.perf_counter()
    while True:
        t = time.perf_counter()
        now = t - start
        if now >= seconds:
            break
        complete = session.render(max(RENDER_SECONDS_TRAINING, RENDER_SHARE * last_slice))
        t1 = time.perf_counter()
        frame_work += t1 - t
        if complete:
            info = session.info()
            frames.append((t1 - start, info["psnr"], info["frame_epoch"]))
            gap, last_frame = max(gap, t1 - start - last_frame), t1 - start
        c0 = cpu()
        session.train(1e12, TRAIN_SECONDS)
        t2 = time.perf_counter()
        train_cpu += cpu() - c0
        last_slice = t2 - t1
        train_wall += last_slice
    end = time.perf_counter() - start
    gap = max(gap, end - last_frame)  # a frame still being drawn at the end counts too
    epochs = session.epoch
    speed_time = train_cpu if cpu_clock else train_wall

    def shown(at):
        """(psnr, epoch) of the frame on screen at `at` seconds."""
        return [f for f in frames if f[0] <= at][-1][1:]

    result = {
        "model": model, "size": size, "batch": net.knobs["batch_size"], "pixels": pixels,
        "layers": sizes, "flops_per_pixel": matmul_flops(sizes),
        "seconds": end, "epochs": epochs, "train_share": train_wall / end,
        "speed_clock": "cpu" if cpu_clock else "wall",
        "epochs_per_s": epochs / speed_time, "pixels_per_s": epochs * pixels / speed_time,
        "gflops": epochs * pixels * matmul_flops(sizes) / speed_time / 1e9,
        "page_epochs_per_s": epochs / end,
        "frames": len(frames) - 1, "frame_s": frame_work / max(len(frames) - 1, 1), "max_gap_s": gap,
        "psnr_at": [], "epoch_at": [],
    }
    for at in checkpoints:
        p, e = shown(at)
        result["psnr_at"].append(p)
        result["epoch_at"].append(e)
    result["checkpoints"] = checkpoints
    result.update(breakdown(net, cpu))
    session.dispose()
    return result


def breakdown(net, clock, repeats=3):
    """Where a step's time goes, best of `repeats` (ms): step (one Adam step, whole), encode (the
    batch's inputs, in numpy), and for a TF.js net readback (all weights and Adam moments read back
    into the numpy mirror, as after every training slice and for every frame's snapshot)."""
    def best(fn, n=1):
        times = []
        for _ in range(repeats):
            t = clock()
            fn()
            times.append((clock() - t) / n * 1e3)
        return min(times)
    def steps():
        net.step_batches(5)
        if hasattr(net, "held_tensors"):  # a TF.js net: wait for the GPU (read its parameters back)
            tfnets.to_numpy(net.held_tensors()["parameters"][0])
    out = {"step_ms": best(steps, 5),
           "encode_ms": best(lambda: net.encode(net.train_index[:net.knobs["batch_size"]]))}
    if hasattr(net, "_pull"):
        def readback():
            net._ahead = True
            net._pull()
        out["readback_ms"] = best(readback)
    return out


def measure(path, models, sizes, engine, batches, seconds, cpu_clock=None, log=print):
    """run() for every model, size and batch; -> JSON text of the list of results (for the host)."""
    out = []
    for model in models:
        for size in sizes:
            for batch in batches:
                r = run(path, model, size, engine, batch, seconds, cpu_clock)
                log(f"  {model} {size} batch {r['batch']}: {r['epochs_per_s']:.2f} epochs/s, "
                    f"PSNR {' / '.join(f'{p:.2f}' for p in r['psnr_at'])}")
                out.append(r)
    return json.dumps(out)


def table(engines_json):
    """The printed table of a host's runs. engines_json: JSON text of a list of {"engine": "numpy" or a
    TF.js backend, "adapter": its name, "results": [run(), ...]} or {"engine", "skipped": why}."""
    engines = json.loads(engines_json)
    lines = []
    cps = next((r["checkpoints"] for e in engines for r in e.get("results", [])), None)
    at = " ".join(f"{'PSNR@' + format(c, '.3g'):>8}" for c in cps or [])
    lines.append(f"{'engine':<7}{'model':<6}{'size':>5}{'batch':>6}{'epochs/s':>9}{'pixels/s':>10}{'GFLOPS':>7}"
                 f"{'train%':>7} {at}{'gap s':>7}{'frames':>7}{'step':>8}{'encode':>7}{'read':>6}{'clock':>6}  adapter")
    for e in engines:
        if "skipped" in e:
            lines.append(f"{e['engine']:<7}{e['skipped']}")
            continue
        for r in e["results"]:
            psnr = " ".join(f"{p:8.2f}" for p in r["psnr_at"])
            lines.append(f"{e['engine']:<7}{r['model']:<6}{r['size']:>5}{r['batch']:>6}{r['epochs_per_s']:9.3f}"
                         f"{r['pixels_per_s']:10.3g}{r['gflops']:7.3f}{100 * r['train_share']:6.0f}% {psnr}"
                         f"{r['max_gap_s']:7.2f}{r['frames']:7d}{r['step_ms']:8.1f}{r['encode_ms']:7.2f}"
                         f"{r.get('readback_ms', float('nan')):6.1f}{r['speed_clock']:>6}  {e['adapter']}")
    return "\n".join(lines)
