// Pyodide 0.27.7's memory snapshot (loadPyodide's experimental _makeSnapshot / _loadSnapshot options and
// pyodide.makeMemorySnapshot()), under Node with the vendored runtime of dist/:
//  1. a snapshot after numpy is loaded and imported (what would skip most of a repeat visit's boot);
//  2. a snapshot of the bare interpreter: its size, and the boot (interpreter, then numpy) from it and
//     from scratch, each in a fresh process (a process reuses its compiled wasm).
//
//   python3 build.py && node bench/bench_snapshot.mjs [--runs 2]

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const self = fileURLToPath(import.meta.url);
const dist = path.join(path.dirname(self), "..", "dist");
const indexURL = path.join(dist, "pyodide") + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide", "pyodide.mjs")).href);
const [role, file] = process.argv.slice(2);

if (role === "--child-make-numpy") {
  const py = await loadPyodide({ indexURL, _makeSnapshot: true, packages: ["numpy"] });
  py.runPython("import numpy");
  try {
    console.log(`made, ${(py.makeMemorySnapshot().length / 1e6).toFixed(1)} MB`);
  } catch (err) {
    console.log(`refused: ${err.message}`);
  }
} else if (role === "--child-make-bare") {
  const py = await loadPyodide({ indexURL, _makeSnapshot: true });
  const snapshot = py.makeMemorySnapshot();
  writeFileSync(file, snapshot);
  console.log(JSON.stringify({ bytes: snapshot.length }));
} else if (role === "--child-boot") {
  const options = { indexURL };
  if (file) options._loadSnapshot = new Uint8Array(readFileSync(file));
  const t0 = performance.now();
  const py = await loadPyodide(options);
  const t1 = performance.now();
  await py.loadPackage(["numpy"], { messageCallback: () => {} });
  const ok = py.runPython("import numpy; int(numpy.arange(4).sum()) == 6");
  console.log(JSON.stringify({ interpreter: t1 - t0, numpy: performance.now() - t1, ok }));
} else {
  const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 2;
  const child = (...args) => execFileSync(process.execPath, [self, ...args], { encoding: "utf8" }).trim().split("\n").pop();
  console.log(`snapshot after numpy is imported: ${child("--child-make-numpy")}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "rp-snap-"));
  const snap = path.join(dir, "bare.snap");
  const { bytes } = JSON.parse(child("--child-make-bare", snap));
  console.log(`snapshot of the bare interpreter: ${(bytes / 1e6).toFixed(1)} MB`);
  console.log("boot (fresh process)   interpreter s   + numpy s   total s");
  for (let i = 0; i < runs; i++) {
    for (const [label, args] of [["from scratch", []], ["from snapshot", [snap]]]) {
      const r = JSON.parse(child("--child-boot", ...args));
      const s = (ms) => (ms / 1000).toFixed(2).padStart(8);
      console.log(`${label.padEnd(22)}${s(r.interpreter)}      ${s(r.numpy)}  ${s(r.interpreter + r.numpy)}${r.ok ? "" : "  numpy FAILED"}`);
    }
  }
  rmSync(dir, { recursive: true });
}
