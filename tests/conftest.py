import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "py"))


import subprocess  # noqa: E402

import pytest  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="session")
def fresh_build(tmp_path_factory):
    """One `build.py --out DIR` for the tests that read a build: (the dist/ Path, the build's stdout)."""
    out = tmp_path_factory.mktemp("build") / "dist"
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc.stdout
