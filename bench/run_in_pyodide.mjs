// Run a benchmark script inside Pyodide 0.27.7 (WebAssembly, no BLAS) under Node, with the same
// vendored runtime and painting.zip the page uses, so CPython and wasm numbers can sit side by side.
//
//   python3 build.py && node bench/run_in_pyodide.mjs bench/bench_core.py [script args]

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(repo, "dist");
const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("usage: node bench/run_in_pyodide.mjs SCRIPT.py [args]");
  process.exit(2);
}

const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide", "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: path.join(dist, "pyodide") + path.sep });
pyodide.setStdout({ batched: (line) => console.log(line) });
await pyodide.loadPackage(["numpy", "pillow"], { messageCallback: () => {} });
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(dist, "py", "painting.zip"))), "zip",
                      { extractDir: sitePackages });
pyodide.FS.mkdirTree("/repo");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: repo }, "/repo");
const target = "/repo/" + path.relative(repo, path.resolve(script)).split(path.sep).join("/");
pyodide.globals.set("bench_argv", pyodide.toPy([target, ...args]));
await pyodide.runPythonAsync(`
import runpy, sys
sys.argv = list(bench_argv)
runpy.run_path(sys.argv[0], run_name="__main__")
`);
