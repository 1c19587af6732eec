// The mlp's training speed: numpy in Pyodide vs TensorFlow.js (painting.tfnets) on its cpu and wasm
// backends, under Node, with the vendored Pyodide and TF.js of dist/. Prints a table (bench/bench_tf.py
// says what is measured).
//
//   python3 build.py && node bench/bench_tf.mjs [--seconds 3] [--batches 128,256] [--size 64] [--width 64]
//        [--engines numpy,wasm,cpu]

import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadTf, useBackend } from "../tests/pyodide/tf_node.mjs";
import { startPyodide } from "./pyodide_node.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(repo, "dist");
let seconds = 3;
let batches = [128, 256];
let size = 64;
let width = 64;
let engines = ["numpy", "wasm", "cpu"];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--seconds") seconds = Number(argv[++i]);
  else if (argv[i] === "--batches") batches = argv[++i].split(",").map(Number);
  else if (argv[i] === "--size") size = Number(argv[++i]);
  else if (argv[i] === "--width") width = Number(argv[++i]);
  else if (argv[i] === "--engines") engines = argv[++i].split(",");
  else throw new Error(`unknown option ${argv[i]}`);
}

await loadTf(path.join(dist, "tf"));
const pyodide = await startPyodide(repo);
pyodide.runPython("import bench_tf");
const measure = pyodide.globals.get("bench_tf").measure;

// The same step written in plain JS (tf.train.adam, a random batch already on the backend): how much
// driving TF.js op by op from Python costs.
function plainJsStep(batch, seconds) {
  const tf = globalThis.tf;
  const sizes = [256, width, width, width, 3];
  const vars = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    vars.push(tf.variable(tf.randomNormal([sizes[l], sizes[l + 1]], 0, Math.sqrt(2 / sizes[l]))));
    vars.push(tf.variable(tf.zeros([sizes[l + 1]])));
  }
  const x = tf.randomUniform([batch, 256], -1, 1);
  const y = tf.randomUniform([batch, 3]);
  const adam = tf.train.adam(1e-3);
  const loss = () => {
    let a = x;
    for (let l = 0; l < vars.length; l += 2) {
      const z = tf.add(tf.matMul(a, vars[l]), vars[l + 1]);
      a = l + 2 < vars.length ? tf.relu(z) : z;
    }
    return tf.div(tf.sum(tf.square(tf.sub(a, y))), 2 * batch);
  };
  const step = () => tf.tidy(() => { adam.minimize(loss, false, vars); });
  for (let i = 0; i < 5; i++) step();
  const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };  // as bench_tf.py
  let best = Infinity;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const t = cpuMs();
    for (let i = 0; i < 5; i++) step();
    tf.tidy(() => vars[0].dataSync());  // wait for the work (cpu and wasm run synchronously anyway)
    best = Math.min(best, (cpuMs() - t) / 5);
  }
  tf.dispose([...vars, x, y]);
  adam.dispose();
  return best;
}

const rows = [];
const flopsPerPixel = pyodide.runPython(`import bench_backends; bench_backends.matmul_flops([256, ${width}, ${width}, ${width}, 3])`);
for (const [engine, backend] of [["numpy", null], ["tf", "wasm"], ["tf", "cpu"]].filter(([e, b]) => engines.includes(b ?? e))) {
  if (backend) await useBackend(backend);
  const simd = backend === "wasm" ? await globalThis.tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") : null;
  const threads = backend === "wasm" ? await globalThis.tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") : null;
  const label = engine === "numpy" ? "numpy in Pyodide"
    : `TF.js ${backend}${backend === "wasm" ? ` (${simd ? "SIMD" : "no SIMD"}, ${threads ? "threads" : "1 thread"})` : ""}`;
  for (const batch of batches) {
    const r = measure(engine, batch, seconds, size, width).toJs({ dict_converter: Object.fromEntries });
    rows.push({ label, batch, ...r });
  }
  if (backend === "wasm") {
    for (const batch of batches) {
      const ms = plainJsStep(batch, seconds);
      const rate = 1000 / ms;
      rows.push({ label: "  same step in plain JS (reference)", batch, steps_per_s: rate,
                  epochs_per_s: rate / Math.ceil(size * size / batch), gflops: rate * batch * flopsPerPixel / 1e9,
                  step_ms: ms, encode_ms: NaN, predict_ms: NaN });
    }
  }
}

const pad = (s, n) => String(s).padEnd(n);
const num = (x, d) => x.toFixed(d).padStart(9);
console.log(`mlp (256 Fourier -> ${width} -> ${width} -> ${width} -> 3, Adam), ${size} x ${size} astronaut; Node ${process.version}, ` +
            `${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}; ${seconds} s per row`);
console.log(`${pad("engine", 36)}${pad("batch", 7)}${"steps/s".padStart(9)}${"epochs/s".padStart(9)}` +
            `${"GFLOPS".padStart(9)}${"step ms".padStart(9)}${"encode ms".padStart(10)}${"frame ms".padStart(9)}`);
for (const r of rows) {
  console.log(`${pad(r.label, 36)}${pad(r.batch, 7)}${num(r.steps_per_s, 1)}${num(r.epochs_per_s, 2)}` +
              `${num(r.gflops, 2)}${num(r.step_ms, 2)}${(r.encode_ms.toFixed(2)).padStart(10)}${num(r.predict_ms, 1)}`);
}
console.log("times are CPU time of this process (best 5-step window), so another process's load does not count");
