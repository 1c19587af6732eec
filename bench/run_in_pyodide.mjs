// Run a benchmark script inside Pyodide 0.27.7 (WebAssembly, no BLAS) under Node, with the same
// vendored runtime and painting.zip the page uses, so CPython and wasm numbers can sit side by side.
//
//   python3 build.py && node bench/run_in_pyodide.mjs bench/bench_core.py [script args]

import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPyodide } from "./pyodide_node.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("usage: node bench/run_in_pyodide.mjs SCRIPT.py [args]");
  process.exit(2);
}

const pyodide = await startPyodide(repo);
pyodide.setStdout({ batched: (line) => console.log(line) });
const target = "/repo/" + path.relative(repo, path.resolve(script)).split(path.sep).join("/");
pyodide.globals.set("bench_argv", pyodide.toPy([target, ...args]));
await pyodide.runPythonAsync(`
import runpy, sys
sys.argv = list(bench_argv)
runpy.run_path(sys.argv[0], run_name="__main__")
`);
