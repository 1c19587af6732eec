// bench/bench_backends_browser.py's worker (copied to the root of a temporary build of dist/): one engine
// per worker. TensorFlow.js from the page's own loader, forced to the backend asked for; Pyodide, numpy,
// Pillow and painting.zip from dist/; then bench_backends.measure(). Posts {type: 'log' | 'done', ...}.
import { loadTf } from './js/worker/tf.js';

const log = (text) => self.postMessage({ type: 'log', text });
const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());

self.onmessage = async ({ data: config }) => {
  const { engine } = config;
  let adapter = 'Pyodide numpy (no BLAS)';
  if (engine !== 'numpy') {
    try {
      adapter = (await loadTf(engine, { asyncReads: true })).adapter;
    } catch (err) {
      self.postMessage({ type: 'done', run: { engine, skipped: String(err.message ?? err) } });
      return;
    }
  }
  log(`${engine}: ${adapter}`);
  try {
    const { loadPyodide } = await import('./pyodide/pyodide.mjs');
    const pyodide = await loadPyodide({ indexURL: new URL('./pyodide/', self.location.href).href });
    pyodide.setStdout({ batched: log });
    pyodide.setStderr({ batched: log });
    await pyodide.loadPackage(['numpy', 'pillow'], { messageCallback: () => {} });
    const sitePackages = pyodide.runPython('import site; site.getsitepackages()[0]');
    pyodide.unpackArchive(await bytes('py/painting.zip'), 'zip', { extractDir: sitePackages });
    pyodide.FS.mkdirTree('/bench');
    pyodide.FS.writeFile('/bench/bench_backends.py', await bytes('bench_backends.py'));
    pyodide.FS.writeFile('/bench/astronaut.jpg', await bytes('images/astronaut.jpg'));
    pyodide.runPython("import sys; sys.path.insert(0, '/bench')");
    const bench = pyodide.pyimport('bench_backends');
    // callPromising: TF.js on webgpu reads back with await data() by stack switching (tfnets._values)
    const results = await bench.measure.callPromising('/bench/astronaut.jpg', pyodide.toPy(config.models), pyodide.toPy(config.sizes),
                                  engine === 'numpy' ? 'numpy' : 'tensorflow', pyodide.toPy(config.batches),
                                  config.seconds, null, log);
    self.postMessage({ type: 'done', run: { engine, adapter, results: JSON.parse(results) } });
  } catch (err) {
    self.postMessage({ type: 'done', run: { engine, skipped: `failed: ${err.stack ?? err}` } });
  }
};
