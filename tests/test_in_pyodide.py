"""Run the package's test suite inside Pyodide (Node + dist/pyodide) and check it really ran.

tests/pyodide/run.mjs does the work; it needs `python3 build.py` (dist/) and the pure-Python pytest
wheels in .cache/pyodide-test-wheels (both done by tests/run.sh).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "tests" / "pyodide" / "run.mjs"
# files the Pyodide runner never collects (they drive subprocesses, browsers or Node)
IGNORED = ["tests/e2e", "tests/pyodide", "tests/test_build.py", "tests/test_shell.py", "tests/test_in_pyodide.py", "tests/test_cli.py"]
MIN_PASSED = 20


def summary_counts(output: str) -> dict:
    """Counts from pytest's closing line, e.g. '42 passed, 1 skipped, 3 deselected in 2.1s'."""
    lines = [ln for ln in output.splitlines() if re.search(r"\b(passed|failed|error|errors|no tests ran)\b", ln)
             and re.search(r" in [\d.]+s", ln)]
    assert lines, f"no pytest summary line in the Pyodide run's output:\n{output[-3000:]}"
    counts = {}
    for n, word in re.findall(r"(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)", lines[-1]):
        counts[word.rstrip("s") if word.startswith("error") else word] = int(n)
    return counts


def test_summary_parser():
    out = "....\n3 failed, 40 passed, 2 skipped, 5 deselected, 1 error in 3.20s\n"
    assert summary_counts(out) == {"failed": 3, "passed": 40, "skipped": 2, "deselected": 5, "error": 1}
    with pytest.raises(AssertionError, match="no pytest summary"):
        summary_counts("Traceback: boom\n")


def cpython_selected_count() -> int:
    """How many tests CPython's pytest selects with the same filters the Pyodide runner uses."""
    cmd = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
           "-m", "not cpython_only", *[f"--ignore={p}" for p in IGNORED], "tests"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 5), proc.stdout[-3000:] + proc.stderr[-3000:]
    return sum(1 for ln in proc.stdout.splitlines() if "::" in ln)


def test_package_suite_passes_in_pyodide():
    node = shutil.which("node")
    assert node, "node (>= 18) is needed to run the suite inside Pyodide"
    assert (ROOT / "dist" / "pyodide" / "pyodide.mjs").is_file(), "run `python3 build.py` first"
    proc = subprocess.run([node, str(RUNNER)], cwd=ROOT, capture_output=True, text=True, timeout=1800,
                          stdin=subprocess.DEVNULL)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"pytest inside Pyodide exited {proc.returncode}:\n{output[-6000:]}"
    counts = summary_counts(proc.stdout)
    passed = counts.get("passed", 0)
    assert counts.get("failed", 0) == 0 and counts.get("error", 0) == 0, output[-6000:]
    assert passed >= MIN_PASSED, f"only {passed} tests passed inside Pyodide (expected >= {MIN_PASSED}):\n" \
                                 + output[-3000:]
    # every test CPython would select ran in Pyodide too (none lost to a collection problem)
    expected = cpython_selected_count()
    ran = passed + counts.get("skipped", 0) + counts.get("xfailed", 0) + counts.get("xpassed", 0)
    assert ran == expected, f"Pyodide ran {ran} tests, CPython selects {expected}:\n{output[-3000:]}"
