// Load the vendored TensorFlow.js (dist/tf/, from build.py) into Node's global `tf`, as the page's
// worker does with site/js/worker/tf.js, so Python in Pyodide reaches it as `js.tf`.
//
//   import { loadTf, useBackend } from "./tf_node.mjs";
//   await loadTf(path.join(dist, "tf"));  await useBackend("wasm");   // or "cpu"
//   await loadTf(dir, { webgpu: true });  await useBackend("webgpu");  // with globalThis.navigator.gpu set
//
// The files are the browser builds (UMD): run as plain scripts they define globalThis.tf. Two Node
// adjustments: the wasm backend's loader would read its .wasm with Node's `fs`, which its script build
// cannot reach, so TF.js's platform fetch serves the local files instead; TF.js's Node platform code
// calls a global `require`, the wasm loader reads `__dirname`. webgl does not exist here; webgpu only
// where the caller has put a WebGPU implementation at globalThis.navigator.gpu (with its GPU* globals,
// e.g. the npm package `webgpu`) before loadTf(dir, { webgpu: true }).

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import vm from "node:vm";

export const TF_SCRIPTS = ["tf.min.js", "tf-backend-wasm.min.js"];

export async function loadTf(tfDir, { webgpu = false } = {}) {
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.__dirname ??= tfDir;  // read (not used: see platform.fetch) by the wasm loader in Node
  for (const name of webgpu ? [...TF_SCRIPTS, "tf-backend-webgpu.min.js"] : TF_SCRIPTS) {
    const file = path.join(tfDir, name);
    if (!existsSync(file)) throw new Error(`${file} not found: run \`python3 build.py\` first`);
    vm.runInThisContext(readFileSync(file, "utf8"), { filename: file });
  }
  const tf = globalThis.tf;
  tf.env().platform.fetch = async (url) =>
    new Response(readFileSync(url), { headers: { "Content-Type": "application/wasm" } });
  tf.wasm.setWasmPaths(tfDir + path.sep, true);  // true: load the .wasm through platform.fetch
  return tf;
}

// Switch to `name` ("cpu", "wasm", or "webgpu" after loadTf(dir, { webgpu: true })) and wait until it is ready; throws if it cannot start.
export async function useBackend(name) {
  const tf = globalThis.tf;
  const { log, warn } = console;  // not the "install tfjs-node" banner
  console.log = (...a) => { if (!String(a[0]).includes("tfjs-node")) log(...a); };
  console.warn = (...a) => { if (!String(a[0]).includes("tfjs-node")) warn(...a); };
  try {
    if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js backend ${name} failed to start`);
    await tf.ready();
  } finally {
    Object.assign(console, { log, warn });
  }
  return tf.getBackend();
}
