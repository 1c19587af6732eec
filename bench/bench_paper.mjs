// bench/bench_paper.py's runs on TensorFlow.js under Node: the built site's Pyodide with `painting` and
// TF.js, as bench/bench_backends.mjs. bench_paper.py starts it (--engine webgpu or wasm) and prints the table.
//
//   python3 build.py && npm ci --prefix bench     # once; bench/package.json: the optional `webgpu` (Dawn)
//   node --experimental-wasm-stack-switching bench/bench_paper.mjs --probe
//        prints {"name": "<adapter>"} or {"why": "<why not>"}: whether Dawn finds a GPU
//   node --experimental-wasm-stack-switching bench/bench_paper.mjs --backend webgpu|wasm --config IN --out OUT
//        bench_paper.execute_json(IN's text) in Pyodide on that backend (it prints its progress); OUT: the result
//
// On webgpu a read-back is a promise (dataSync copies through a canvas, which Node has not): Python is
// entered through callPromising, so that painting.tfnets awaits `tensor.data()` (JSPI; on Node 20 behind
// the flag above), on wasm too where JSPI exists, so that wasm checks webgpu's path on a CPU (tfnets
// reads wasm tensors with dataSync either way). Without JSPI, webgpu stops with that reason.

import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadTf, useBackend } from "../tests/pyodide/tf_node.mjs";
import { startPyodide } from "./pyodide_node.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const opts = { probe: false, backend: "", config: "", out: "" };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, "");
  if (key === "probe") { opts.probe = true; continue; }
  if (!(key in opts) || i + 1 >= argv.length) {
    console.error("usage: node bench/bench_paper.mjs --probe | --backend webgpu|wasm --config IN.json --out OUT.json");
    process.exit(2);
  }
  opts[key] = argv[++i];
}
const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|basic render driver|software/i;  // as site/js/worker/tf.js
const JSPI = typeof WebAssembly === "object" && ("Suspending" in WebAssembly || "Suspender" in WebAssembly);

// Dawn through the npm package `webgpu` (as bench_backends.mjs): {name} of its adapter, or {why} not.
async function webgpuAdapter() {
  let webgpu;
  try {
    webgpu = await import("webgpu");
  } catch {
    return { why: "the npm package webgpu (Dawn) is not installed: npm ci --prefix bench" };
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  let adapter = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (err) {
    return { why: `Dawn's requestAdapter failed: ${err}` };
  }
  if (!adapter) return { why: "Dawn finds no adapter (requestAdapter() gave null: no Vulkan driver or GPU found)" };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "a GPU";
  if (adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE.test(name)) {
    return { why: `only a software adapter (${name}): no faster than the CPU` };
  }
  Object.defineProperty(globalThis, "navigator", { value: { ...globalThis.navigator, gpu }, configurable: true });
  return { name };
}

function stop(why) {
  console.error(`bench_paper.mjs: ${why}`);
  process.exit(3);
}

if (opts.probe) {
  console.log(JSON.stringify(await webgpuAdapter()));
  process.exit(0);
}
if (!["webgpu", "wasm"].includes(opts.backend) || !opts.config || !opts.out) {
  stop("--backend webgpu|wasm, --config and --out are needed");
}
let adapter = "WebAssembly";
if (opts.backend === "webgpu") {
  const gpu = await webgpuAdapter();
  if (!gpu.name) stop(`no GPU: ${gpu.why}`);
  if (!JSPI) stop("this Node has no JSPI (run it with --experimental-wasm-stack-switching): webgpu's reads need it");
  adapter = gpu.name;
}
for (const name of ["log", "warn"]) {  // not TF.js's "install tfjs-node" banner
  const write = console[name];
  console[name] = (...a) => { if (!String(a[0]).includes("tfjs-node")) write(...a); };
}
await loadTf(path.join(repo, "dist", "tf"), { webgpu: opts.backend === "webgpu" });
try {
  await useBackend(opts.backend);
} catch (err) {
  stop(`TF.js ${opts.backend} did not start on ${adapter}: ${err.message}`);
}
console.log(`TF.js ${globalThis.tf.getBackend()} on ${adapter}; Node ${process.version}, JSPI ${JSPI ? "on" : "off"}`);
const pyodide = await startPyodide(repo);
pyodide.runPython("import bench_paper");
const execute = pyodide.globals.get("bench_paper").execute_json;
const config = readFileSync(opts.config, "utf8");
const result = JSPI ? await execute.callPromising(config) : execute(config);  // wasm: the same path as webgpu
writeFileSync(opts.out, result);
