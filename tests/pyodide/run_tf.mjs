// Run tests/test_tfnets.py inside Pyodide under Node with the vendored TensorFlow.js loaded, once per
// backend (the TF.js and numpy networks must agree on each).
//
//   node tests/pyodide/run_tf.mjs [--backends cpu,wasm] [-- extra pytest args]
//
// Needs dist/ (python3 build.py: Pyodide, painting.zip, tf/) and the pytest wheels of
// .cache/pyodide-test-wheels (tests/run.sh). Exit code: 0 if every backend's pytest run passed.

import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadTf, useBackend } from "./tf_node.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const dist = path.join(repo, "dist");
const wheels = path.join(repo, ".cache", "pyodide-test-wheels");
const bytes = (p) => new Uint8Array(readFileSync(p));

let backends = ["cpu", "wasm"];
const argv = process.argv.slice(2);
const extra = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--backends") backends = (argv[++i] ?? "").split(",").filter(Boolean);
  else if (argv[i] === "--") { extra.push(...argv.slice(i + 1)); break; }
  else extra.push(argv[i]);
}
for (const need of [path.join(dist, "pyodide", "pyodide.mjs"), path.join(dist, "tf"), wheels]) {
  if (!existsSync(need)) { console.error(`run_tf.mjs: ${need} not found: run tests/run.sh`); process.exit(2); }
}

await loadTf(path.join(dist, "tf"));
const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide", "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: path.join(dist, "pyodide") + path.sep });
pyodide.setStdout({ write: (buf) => { process.stdout.write(buf); return buf.length; } });
pyodide.setStderr({ write: (buf) => { process.stderr.write(buf); return buf.length; } });
await pyodide.loadPackage(["numpy", "pillow"], { messageCallback: () => {} });
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(bytes(path.join(dist, "py", "painting.zip")), "zip", { extractDir: sitePackages });
for (const file of readdirSync(wheels).filter((f) => f.endsWith(".whl"))) {
  pyodide.unpackArchive(bytes(path.join(wheels, file)), "wheel", { extractDir: sitePackages });
}
pyodide.FS.mkdirTree("/repo/tests");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.join(repo, "tests") }, "/repo/tests");
pyodide.FS.writeFile("/repo/pytest.ini", readFileSync(path.join(repo, "pytest.ini")));

let worst = 0;
for (const backend of backends) {
  console.log(`run_tf.mjs: TensorFlow.js backend ${await useBackend(backend)}`);
  pyodide.globals.set("pytest_args", pyodide.toPy([
    "-q", "-p", "no:cacheprovider", "-p", "no:faulthandler", "-m", "not cpython_only",
    "/repo/tests/test_tfnets.py", ...extra]));
  const code = await pyodide.runPythonAsync(`
import os, sys
sys.dont_write_bytecode = True
os.chdir("/repo")
import pytest
int(pytest.main(list(pytest_args)))
`);
  console.log(`run_tf.mjs: ${backend}: pytest exited ${code}`);
  worst = Math.max(worst, code);
}
process.exit(worst);
