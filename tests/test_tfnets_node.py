"""Run tests/test_tfnets.py inside Pyodide with the real TensorFlow.js (cpu and wasm backends) under Node.

tests/pyodide/run_tf.mjs does the work; it needs dist/ with tf/ (`python3 build.py`) and the pytest
wheels of .cache/pyodide-test-wheels (tests/run.sh makes both).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[1]
MIN_PASSED = 34  # tests in test_tfnets.py, per backend


@pytest.mark.parametrize("backend", ["cpu", "wasm"])
def test_tf_networks_agree_with_numpy_in_pyodide(backend):
    node = shutil.which("node")
    assert node, "node (>= 18) is needed to run Pyodide with TensorFlow.js"
    assert (ROOT / "dist" / "tf" / "tf.min.js").is_file(), "run `python3 build.py` first"
    proc = subprocess.run([node, str(ROOT / "tests" / "pyodide" / "run_tf.mjs"), "--backends", backend],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    assert f"TensorFlow.js backend {backend}" in proc.stdout, output[-3000:]
    summary = [ln for ln in proc.stdout.splitlines() if re.search(r"\d+ passed.* in [\d.]+s", ln)]
    assert summary, output[-3000:]
    assert int(re.search(r"(\d+) passed", summary[-1])[1]) >= MIN_PASSED, summary[-1]
    assert "skipped" not in summary[-1] and "failed" not in summary[-1], summary[-1]  # TF.js was there
