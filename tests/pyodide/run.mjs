// Run the `painting` package's pytest suite inside Pyodide 0.27.7 (Python 3.12, WebAssembly) under Node.
//
//   node tests/pyodide/run.mjs [--dist DIR] [--wheels DIR] [--tests DIR] [--smoke] [-- extra pytest args]
//
// Uses what the page uses: dist/pyodide/ (the vendored, pinned Pyodide with numpy and Pillow) and
// dist/py/painting.zip unpacked into site-packages. pytest itself comes from the pure-Python wheels
// that tests/run.sh downloads into .cache/pyodide-test-wheels. The repo's tests/ is mounted
// (NODEFS) at /repo/tests beside a copy of pytest.ini; py/ is NOT mounted, so the zip is what is tested.
// Tests marked `cpython_only` (subprocess, CLI, browser, Node) are deselected.
// --smoke only imports numpy, PIL and painting and prints their versions.
// Exit code: pytest's (0 = all passed), or 2 with a message when something is missing.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

// unpackArchive wants a plain Uint8Array, not a Node Buffer
const bytes = (p) => new Uint8Array(readFileSync(p));

// report errors without Node echoing the (minified, megabyte-long) source line of pyodide.asm.js
process.on("uncaughtException", (e) => { console.error(`run.mjs: ${e?.stack ?? e}`); process.exit(1); });
process.on("unhandledRejection", (e) => { console.error(`run.mjs: ${e?.stack ?? e}`); process.exit(1); });

function fail(msg) {
  console.error(`run.mjs: error: ${msg}`);
  process.exit(2);
}

let dist = path.join(repo, "dist");
let wheels = path.join(repo, ".cache", "pyodide-test-wheels");
let testsDir = path.join(repo, "tests");
let smoke = false;
const extra = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--dist") dist = path.resolve(argv[++i] ?? fail("--dist needs a directory"));
  else if (a === "--wheels") wheels = path.resolve(argv[++i] ?? fail("--wheels needs a directory"));
  else if (a === "--tests") testsDir = path.resolve(argv[++i] ?? fail("--tests needs a directory"));
  else if (a === "--smoke") smoke = true;
  else if (a === "--") { extra.push(...argv.slice(i + 1)); break; }
  else extra.push(a);
}

const pyodideDir = path.join(dist, "pyodide");
const pyodideMjs = path.join(pyodideDir, "pyodide.mjs");
const paintingZip = path.join(dist, "py", "painting.zip");
if (!existsSync(pyodideMjs)) fail(`${pyodideMjs} not found: run \`python3 build.py\` first`);
if (!existsSync(paintingZip)) fail(`${paintingZip} not found: run \`python3 build.py\` first`);

const { loadPyodide } = await import(pathToFileURL(pyodideMjs).href);
const t0 = Date.now();
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });
// pass Python's output through byte for byte (pytest prints progress dots without newlines)
pyodide.setStdout({ write: (buf) => { process.stdout.write(buf); return buf.length; } });
pyodide.setStderr({ write: (buf) => { process.stderr.write(buf); return buf.length; } });
// resolved through dist/pyodide/pyodide-lock.json to the vendored wheels (sha256-checked by Pyodide)
await pyodide.loadPackage(["numpy", "pillow"], { messageCallback: () => {} });

const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(bytes(paintingZip), "zip", { extractDir: sitePackages });

if (smoke) {
  pyodide.runPython(`
import sys, numpy, PIL, painting
print("python", sys.version.split()[0], "| numpy", numpy.__version__, "| Pillow", PIL.__version__,
      "| painting from", painting.__file__)
`);
  console.log(`pyodide smoke ok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
}

if (!existsSync(wheels)) {
  fail(`${wheels} not found: run \`bash tests/run.sh\`, or download the wheels with\n` +
       `  pip download --only-binary=:all: --no-deps --require-hashes -d ${wheels} -r tests/pyodide/requirements.txt`);
}
const wanted = readFileSync(path.join(here, "requirements.txt"), "utf8")
  .split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
  .map((l) => l.split(/\s+/)[0]);  // "pytest==8.4.2"
const have = readdirSync(wheels).filter((f) => f.endsWith(".whl"));
for (const spec of wanted) {
  const [name, version] = spec.split("==");
  const file = have.find((f) => f.toLowerCase().startsWith(`${name.toLowerCase()}-${version}-`));
  if (!file) fail(`no wheel for ${spec} in ${wheels}: run \`bash tests/run.sh\``);
  pyodide.unpackArchive(bytes(path.join(wheels, file)), "wheel", { extractDir: sitePackages });
}

// /repo/tests is the real tests/ directory; /repo/pytest.ini a copy (rootdir, markers)
pyodide.FS.mkdirTree("/repo/tests");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: testsDir }, "/repo/tests");
const ini = path.join(repo, "pytest.ini");
if (existsSync(ini)) pyodide.FS.writeFile("/repo/pytest.ini", readFileSync(ini));

// never run in Pyodide: whole files that drive subprocesses, browsers or Node
// (keep in step with IGNORED in tests/test_in_pyodide.py, which checks the counts agree)
const ignore = ["e2e", "xbrowser", "pyodide", "test_build.py", "test_shell.py", "test_in_pyodide.py", "test_cli.py"]
  .map((p) => `--ignore=/repo/tests/${p}`);
pyodide.globals.set("pytest_args", pyodide.toPy([
  "-q", "-p", "no:cacheprovider", "-p", "no:faulthandler", "-m", "not cpython_only",
  ...ignore, "/repo/tests", ...extra,
]));
const code = await pyodide.runPythonAsync(`
import os, sys
sys.dont_write_bytecode = True   # no cpython-312 .pyc files in the mounted tests/
os.chdir("/repo")
import pytest
int(pytest.main(list(pytest_args)))
`);
console.log(`pyodide: pytest exited ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(code);
