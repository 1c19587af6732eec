// The networks on every engine under Node: numpy in Pyodide, TF.js cpu and wasm, and TF.js webgpu when
// the npm package `webgpu` (Dawn) is installed and finds an adapter. Prints bench/bench_backends.py's table.
//
//   python3 build.py && npm ci --prefix bench     # once; bench/package.json: the optional `webgpu`
//   node bench/bench_backends.mjs [--sizes 128,256,512] [--models mlp,siren]
//        [--engines numpy,cpu,wasm,webgpu] [--seconds 60] [--batch 256,1024] [--json out.json]
//
// --batch: one or more batch sizes (default: the model's own, 256); --json: also write every number.

import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadTf, useBackend } from "../tests/pyodide/tf_node.mjs";
import { startPyodide } from "./pyodide_node.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(repo, "dist");
const opts = { sizes: "128,256,512", models: "mlp,siren", engines: "numpy,cpu,wasm,webgpu", seconds: "60",
               batch: "", json: "" };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, "");
  if (!(key in opts) || i + 1 >= argv.length) {
    console.error(`usage: node bench/bench_backends.mjs ${Object.keys(opts).map((k) => `[--${k} …]`).join(" ")}`);
    process.exit(2);
  }
  opts[key] = argv[++i];
}
const list = (s) => s.split(",").filter(Boolean);
const sizes = list(opts.sizes).map(Number);
const models = list(opts.models);
const engines = list(opts.engines);
const batches = opts.batch ? list(opts.batch).map(Number) : [null];
const seconds = Number(opts.seconds);

// WebGPU: Dawn through the npm package `webgpu`, if installed (bench/package.json) and it finds an adapter.
async function webgpuAdapter() {
  let webgpu;
  try {
    webgpu = await import("webgpu");
  } catch {
    return { why: "no adapter (the npm package webgpu is not installed: npm ci --prefix bench)" };
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  let adapter = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (err) {
    return { why: `no adapter (requestAdapter failed: ${err})` };
  }
  if (!adapter) return { why: "no adapter (Dawn's requestAdapter() gave null: no Vulkan driver or GPU found)" };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "a GPU";
  Object.defineProperty(globalThis, "navigator", { value: { ...globalThis.navigator, gpu }, configurable: true });
  return { name: `${name}${adapter.isFallbackAdapter || info.isFallbackAdapter ? " (fallback adapter)" : ""}` };
}

for (const name of ["log", "warn"]) {  // not TF.js's "install tfjs-node" banner, printed on its first cpu op
  const write = console[name];
  console[name] = (...a) => { if (!String(a[0]).includes("tfjs-node")) write(...a); };
}
const gpu = engines.includes("webgpu") ? await webgpuAdapter() : { why: "not asked for" };
await loadTf(path.join(dist, "tf"), { webgpu: Boolean(gpu.name) });
const pyodide = await startPyodide(repo);
pyodide.runPython("import bench_backends");
const bench = pyodide.globals.get("bench_backends");
const cpuClock = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const log = (text) => console.error(text);

async function adapterOf(name) {
  const tf = globalThis.tf;
  if (name === "wasm") {
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    return `WebAssembly${simd ? " SIMD" : ""}${threads ? ", threads" : ", one thread"}`;
  }
  return name === "webgpu" ? gpu.name : "JavaScript";
}

const runs = [];
for (const engine of engines) {
  let adapter = "Pyodide numpy (no BLAS)";
  if (engine !== "numpy") {
    if (engine === "webgpu" && !gpu.name) { runs.push({ engine, skipped: gpu.why }); continue; }
    if (engine === "webgl") { runs.push({ engine, skipped: "no WebGL under Node" }); continue; }
    try {
      await useBackend(engine);
    } catch (err) {
      runs.push({ engine, skipped: `did not start (${err.message})` });
      continue;
    }
    adapter = await adapterOf(engine);
  }
  log(`${engine}: ${adapter}`);
  const synchronous = engine !== "webgpu";  // its GPU works asynchronously: wall time
  const results = bench.measure("/repo/site/images/astronaut.jpg", pyodide.toPy(models), pyodide.toPy(sizes),
                                engine === "numpy" ? "numpy" : "tensorflow", pyodide.toPy(batches), seconds,
                                synchronous ? cpuClock : null, log);
  runs.push({ engine, adapter, results: JSON.parse(results) });
}

console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load ` +
            `${os.loadavg()[0].toFixed(2)}; ${seconds} s per row; the bundled astronaut photo`);
console.log(bench.table(JSON.stringify(runs)));
console.log("speed columns: time in training slices (clock: CPU time of this process, or wall); step, encode, read: " +
            "ms per Adam step, per batch encoding (numpy), per read-back of weights + moments; PSNR at wall time, " +
            "frames included; gap: the longest time between two frames (s)");
if (opts.json) writeFileSync(opts.json, JSON.stringify({ host: "node", node: process.version, seconds, runs }, null, 1));
