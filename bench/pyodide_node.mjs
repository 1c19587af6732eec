// Pyodide under Node as the benchmarks use it: the vendored Pyodide of dist/ with numpy, Pillow and the
// built painting package, and the repository mounted at /repo (bench/ on sys.path).
//
//   const pyodide = await startPyodide(repo);

import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export async function startPyodide(repo) {
  const dist = path.join(repo, "dist");
  const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide", "pyodide.mjs")).href);
  const pyodide = await loadPyodide({ indexURL: path.join(dist, "pyodide") + path.sep });
  await pyodide.loadPackage(["numpy", "pillow"], { messageCallback: () => {} });
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  pyodide.unpackArchive(new Uint8Array(readFileSync(path.join(dist, "py", "painting.zip"))), "zip",
                        { extractDir: sitePackages });
  pyodide.FS.mkdirTree("/repo");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: repo }, "/repo");
  pyodide.runPython("import sys; sys.path.insert(0, '/repo/bench')");
  return pyodide;
}
