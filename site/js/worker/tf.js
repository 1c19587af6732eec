// TensorFlow.js for the worker, loaded on first need only (dist/tf/ is not precached; the service worker
// caches it on first use), put where Python reaches it (globalThis.tf = `js.tf`), on the fastest backend.
//
//   const { backend, adapter, reason } = await loadTf();   // then painting.tfnets works
//   await loadTf('cpu');   // one backend forced (the page's URL key tf=, for tests and benchmarks)
//
// The files are TF.js's UMD builds: import()-ed as modules they find no `exports` or `define` and set
// globalThis.tf (the wasm and webgpu backends add themselves to it), which a module worker can do under
// the page's CSP (script-src 'self' 'wasm-unsafe-eval'): no eval, no blob: scripts.
//
// The backend: webgpu, then webgl, then wasm, then cpu, skipping a GPU that is software-rendered
// (SwiftShader, llvmpipe, "Basic Render Driver": slower than wasm, measured 1.3 vs 3.4-4.4 GFLOPS).
// wasm runs single-threaded with SIMD: its threaded build needs cross-origin isolation (COOP/COEP,
// which GitHub Pages cannot send; a service worker could fake them at the cost of a reload on the first
// visit) and starts its threads from blob: URLs, which the CSP forbids; the Pyodide worker keeps a core
// busy anyway.

const TF_DIR = new URL('../../tf/', import.meta.url);  // dist/tf/
const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|basic render driver|software/i;

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

let loading = null;

// JSPI (WebAssembly stack switching): Python entered through a PyProxy's callPromising can await a
// promise. The engine enters Python that way for a network on webgpu, where a read-back is a promise
// (painting.tfnets awaits `tensor.data()`; webgpu's dataSync copies through a canvas, slowly, and reads
// zeros in a worker on Chromium's software adapter). Without JSPI, or on another backend, calls stay
// synchronous (dataSync).
export const JSPI = typeof WebAssembly === 'object' && typeof WebAssembly.Suspending === 'function';

// -> {tf, backend, adapter, reason}; the same promise on every call (one load, one choice: a `forced`
// backend given later is not honoured). forced: one of BACKENDS, software GPUs allowed; it rejects,
// saying why, if that backend does not start.
export function loadTf(forced = null) {
  loading ??= load(forced);
  return loading;
}

// Whether Python must be entered through callPromising for models on this backend.
export const asyncReads = (backend) => JSPI && backend === 'webgpu';

async function load(forced) {
  if (forced && !BACKENDS.includes(forced)) throw new Error(`no TensorFlow.js backend "${forced}"`);
  await import(new URL('tf.min.js', TF_DIR).href);
  await import(new URL('tf-backend-wasm.min.js', TF_DIR).href);
  const gpu = await webgpuAdapter();
  if (gpu.usable || (forced === 'webgpu' && gpu.name)) await import(new URL('tf-backend-webgpu.min.js', TF_DIR).href);
  const tf = globalThis.tf;
  tf.wasm.setWasmPaths(TF_DIR.href);
  return { tf, ...await (forced ? forceBackend(tf, forced, gpu) : pickBackend(tf, gpu)) };
}

// The one backend asked for, or an error that says why not.
async function forceBackend(tf, name, gpu) {
  const adapter = {
    webgpu: () => gpu.name ?? null, webgl: () => webglRenderer().name ?? null, wasm: () => 'WebAssembly', cpu: () => 'JavaScript',
  }[name]();
  if (!adapter) throw new Error(`the ${name} backend cannot start here (${name === 'webgpu' ? gpu.why : webglRenderer().why})`);
  if (!(await start(tf, name))) throw new Error(`the ${name} backend did not start on ${adapter}: ${failure}`);
  const detail = name === 'wasm' ? await wasmAdapter(tf) : adapter;
  return { backend: name, adapter: detail, reason: `${detail}, as the link asks (tf=${name})` };
}

async function wasmAdapter(tf) {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `WebAssembly${simd ? ' SIMD' : ''}${threads ? ', threads' : ', one thread'}`;
}

async function pickBackend(tf, gpu) {
  const skipped = [];
  if (gpu.usable) {
    if (await start(tf, 'webgpu')) return { backend: 'webgpu', adapter: gpu.name, reason: `WebGPU on ${gpu.name}` };
    skipped.push(`WebGPU on ${gpu.name} did not start`);
  } else {
    skipped.push(gpu.why);
  }
  const gl = webglRenderer();
  if (gl.usable) {
    if (await start(tf, 'webgl')) return { backend: 'webgl', adapter: gl.name, reason: `WebGL on ${gl.name}` };
    skipped.push(`WebGL on ${gl.name} did not start`);
  } else {
    skipped.push(gl.why);
  }
  if (await start(tf, 'wasm')) {
    const adapter = await wasmAdapter(tf);
    return { backend: 'wasm', adapter, reason: `${adapter}, as ${skipped.join('; ')}` };
  }
  skipped.push('WebAssembly did not start');
  await start(tf, 'cpu');
  return { backend: 'cpu', adapter: 'JavaScript', reason: `plain JavaScript, as ${skipped.join('; ')}` };
}

// Switch to `name` and run one small op on it; false if it cannot start. It is read back as the page's
// Python will read it: dataSync, or `await data()` where asyncReads(name). Why the last one failed:
let failure = '';

async function start(tf, name) {
  try {
    if (!(await tf.setBackend(name))) {
      failure = 'it did not initialise';
      return false;
    }
    await tf.ready();
    const total = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).sum());
    const sum = (asyncReads(name) ? await total.data() : total.dataSync())[0];
    tf.dispose(total);
    failure = sum === 12 ? '' : `2 x 3 ones times 3 x 2 ones summed to ${sum}, not 12`;
    return sum === 12;
  } catch (err) {
    failure = err?.message ?? String(err);
    return false;
  }
}

// {usable, name, why}: a hardware WebGPU adapter, or why not.
async function webgpuAdapter() {
  if (!self.navigator?.gpu) return { usable: false, why: 'no WebGPU' };
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    // as no adapter
  }
  if (!adapter) return { usable: false, why: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'a GPU';
  if (adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE.test(name)) {
    return { usable: false, name, why: `WebGPU is software-rendered (${name})` };
  }
  return { usable: true, name };
}

// {usable, name, why}: a hardware WebGL 2 renderer (on an OffscreenCanvas: a worker has no DOM), or why not.
function webglRenderer() {
  let gl = null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch {
    // as no context
  }
  if (!gl) return { usable: false, why: 'no WebGL 2 in a worker' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  if (SOFTWARE.test(name)) return { usable: false, name, why: `WebGL is software-rendered (${name})` };
  return { usable: true, name };
}
